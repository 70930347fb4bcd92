package message

import (
	"fmt"
	"slices"
)

// Validate checks what every element needs before it acts on a message and
// that Parse leaves alone because it is about meaning, not syntax:
//
//   - the SIP-Version is SIP/2.0 ("" counts as SIP/2.0), else 505;
//   - a request has a Method that is a token and a Request-URI with a
//     scheme; a response has a status code from 100 to 699;
//   - the mandatory headers are present (RFC 3261 §8.1.1: To, From, CSeq,
//     Call-ID, Max-Forwards and Via in a request; the same but Max-Forwards
//     in a response) and hold their typed values: *Address for To and From,
//     *CSeq (whose Seq may be 2**31 or more within a dialog, §20.16,
//     §12.2.1.1, although a client starts below, §8.1.1.5), a non-empty *Text
//     for Call-ID, *Number from 0 to 255 for Max-Forwards (§20.22), *Via for
//     every Via;
//   - no single-valued header (To, From, Call-ID, CSeq, Max-Forwards,
//     Content-Length, Content-Type, Expires, ...) appears twice;
//   - a request's CSeq method is its method (§8.1.1.5);
//   - Content-Length, when present, is the length of Body, and a non-empty
//     Body has a Content-Type that is a media type (§20.15).
//
// It reports the first problem as a *ValidationError wrapping a sentinel
// (ErrBadVersion, ErrBadStartLine, ErrInvalidURI, ErrMissingHeader,
// ErrDuplicateHeader, ErrInvalidHeader, ErrCSeqMismatch, ErrBadContentLength);
// its StatusCode is the response a server sends for such a request: 505 for
// the version, 400 for the rest (§8.2, §21.4.1).
//
// A response is never answered: a client discards a response that fails
// Validate (§8.1.3.3, §18.1.2), and the StatusCode of the error only tells how
// bad a request with the same fault would be.
//
// Validate does not apply an element's policy (schemes, extensions, methods,
// Max-Forwards 0): RequestPolicy.Check does.
func (m *Message) Validate() error { return m.validate(validation{}) }

// Indexes of the mandatory headers, in the order Validate reports them.
const (
	mandTo = iota
	mandFrom
	mandCSeq
	mandCallID
	mandMaxForwards
	mandVia
	mandCount
)

// mandatory lists the headers a request must carry (RFC 3261 §8.1.1);
// responses skip Max-Forwards.
var mandatory = [mandCount]string{
	mandTo:          HeaderTo,
	mandFrom:        HeaderFrom,
	mandCSeq:        HeaderCSeq,
	mandCallID:      HeaderCallID,
	mandMaxForwards: HeaderMaxForwards,
	mandVia:         HeaderVia,
}

// validation is what RequestPolicy.Check changes in Validate's checks.
type validation struct {
	// noMaxForwards accepts a request without Max-Forwards (RFC2543).
	noMaxForwards bool
	// proxy checks only what a proxy acts on (RFC 3261 §16.3 step 1): "an
	// element would not reject a request because of a malformed Date
	// header field". A repeated header is refused only when the proxy
	// reads it (the mandatory ones, and Content-Length, whose disagreement
	// is how requests are smuggled), and a body needs no Content-Type.
	proxy bool
}

// validate is Validate, with what a policy changes.
func (m *Message) validate(how validation) error {
	if m.Version != "" && !equalFold(m.Version, Version) {
		return &ValidationError{StatusCode: StatusVersionNotSupported, Err: ErrBadVersion,
			Detail: fmt.Sprintf("%q", m.Version)}
	}
	request := m.IsRequest()
	if request {
		if !isTokenString(m.Method) {
			return invalid("", ErrBadStartLine, fmt.Sprintf("method %q is not a token", m.Method))
		}
		if m.RequestURI == nil || m.RequestURI.Scheme == "" {
			return invalid("", ErrInvalidURI, "request without a Request-URI")
		}
	} else if m.StatusCode < 100 || m.StatusCode > 699 {
		return invalid("", ErrBadStartLine, fmt.Sprintf("status code %d is not 100-699", m.StatusCode))
	}

	// One pass over the headers finds the mandatory ones (their first
	// occurrence), the first repeated single-valued header and the headers
	// that the body depends on.
	var (
		found         [mandCount]*Header
		seen          = make([]*headerSpec, 0, 16)
		dup           string
		contentLength *Header
		contentType   *Header
		badVia        bool
	)
	for i := range m.Headers {
		h := &m.Headers[i]
		spec, _ := lookupHeader(h.Name)
		if spec == nil {
			continue
		}
		if spec.single && (!how.proxy || proxyReads(spec.name)) {
			for _, s := range seen {
				if s == spec && dup == "" {
					dup = spec.name
				}
			}
			seen = append(seen, spec)
		}
		switch spec.name {
		case HeaderContentLength:
			if contentLength == nil {
				contentLength = h
			}
		case HeaderContentType:
			if contentType == nil {
				contentType = h
			}
		case HeaderVia:
			if v, ok := h.Value.(*Via); !ok || v == nil || v.Host == "" || v.Transport == "" {
				badVia = true
			}
		}
		for k, name := range mandatory {
			if spec.name == name && found[k] == nil {
				found[k] = h
			}
		}
	}
	for k, name := range mandatory {
		if found[k] != nil {
			continue
		}
		if k == mandMaxForwards && (!request || how.noMaxForwards) {
			continue
		}
		return invalid(name, ErrMissingHeader, "")
	}
	if dup != "" {
		return invalid(dup, ErrDuplicateHeader, "")
	}
	for k, name := range mandatory {
		if h := found[k]; h != nil {
			if err := checkMandatory(name, h.Value); err != nil {
				return err
			}
		}
	}
	if badVia {
		return invalid(HeaderVia, ErrInvalidHeader, "a Via is not sent-protocol and sent-by")
	}
	// checkMandatory made sure that the CSeq is a *CSeq.
	if cseq := found[mandCSeq].Value.(*CSeq); request && cseq.Method != m.Method {
		return invalid(HeaderCSeq, ErrCSeqMismatch,
			fmt.Sprintf("CSeq method %s, request method %s", cseq.Method, m.Method))
	}
	if contentLength != nil {
		n, ok := contentLength.Value.(*Number)
		if !ok || n == nil {
			return invalid(HeaderContentLength, ErrBadContentLength, "not a number")
		}
		if n.Value != len(m.Body) {
			return invalid(HeaderContentLength, ErrBadContentLength,
				fmt.Sprintf("Content-Length %d, body of %d bytes", n.Value, len(m.Body)))
		}
	}
	if len(m.Body) > 0 && !how.proxy {
		// §20.15: a body's Content-Type names its media type.
		var v Value
		if contentType != nil {
			v = contentType.Value
		}
		switch v := v.(type) {
		case *MediaType:
			if v == nil {
				return invalid(HeaderContentType, ErrMissingHeader, "a body needs a Content-Type")
			}
		case nil:
			return invalid(HeaderContentType, ErrMissingHeader, "a body needs a Content-Type")
		default:
			return invalid(HeaderContentType, ErrInvalidHeader, "not a media type")
		}
	}
	return nil
}

// proxyReads reports whether a proxy acts on the single-valued header name,
// so that a second one must be refused rather than forwarded.
func proxyReads(name string) bool {
	return name == HeaderContentLength || slices.Contains(mandatory[:], name)
}

// checkMandatory checks the value of the first header named name.
func checkMandatory(name string, v Value) error {
	switch name {
	case HeaderTo, HeaderFrom:
		if a, ok := v.(*Address); !ok || a == nil || a.Wildcard || a.URI.Scheme == "" {
			return invalid(name, ErrInvalidHeader, "not a name-addr or addr-spec")
		}
	case HeaderCSeq:
		c, ok := v.(*CSeq)
		if !ok || c == nil || !isTokenString(c.Method) {
			return invalid(name, ErrInvalidHeader, "not a sequence number and a method")
		}
	case HeaderCallID:
		if t, ok := v.(*Text); !ok || t == nil || t.Value == "" {
			return invalid(name, ErrInvalidHeader, "empty or untyped Call-ID")
		}
	case HeaderMaxForwards:
		n, ok := v.(*Number)
		if !ok || n == nil {
			return invalid(name, ErrInvalidHeader, "not a number")
		}
		if n.Value < 0 || n.Value > 255 {
			return invalid(name, ErrInvalidHeader, fmt.Sprintf("%d is not 0-255", n.Value))
		}
	}
	return nil
}

func invalid(header string, err error, detail string) *ValidationError {
	return &ValidationError{StatusCode: StatusBadRequest, Header: header, Err: err, Detail: detail}
}

// A RequestPolicy is what a UAS core or a proxy accepts, beyond Validate
// (RFC 3261 §8.2, §16.3). The zero value serves the sip, sips and tel
// schemes, any method and no extension, as a UAS.
type RequestPolicy struct {
	// Schemes are the Request-URI schemes served (compared without regard to
	// case); nil means sip, sips and tel. Others get 416 (§8.2.2.1, §16.3
	// step 2).
	Schemes []string
	// Supported are the option tags understood (compared without regard to
	// case, §7.3.1). A UAS answers 420 to a Require naming any other
	// (§8.2.2.3), a proxy to such a Proxy-Require (§16.3 step 5); the error's
	// Unsupported lists them for the Unsupported header of the 420. Both
	// headers are ignored in ACK and CANCEL (§8.2.2.3).
	Supported []string
	// Methods are the methods served, compared case-sensitively (§7.1); nil
	// means any. Any other gets 405, or 501 when the method is none of the
	// Method constants of this package (§8.2.1, §21.5.2); the caller adds an
	// Allow header listing Methods to the 405.
	Methods []string
	// Proxy checks as a proxy (§16.3) rather than as a UAS (§8.2):
	// Max-Forwards 0 gets 483 (step 3) and Proxy-Require is checked instead
	// of Require (step 5). What a proxy does not act on is forwarded as it
	// is (step 1): a repeated Date or Subject, a body without Content-Type. A proxy may instead answer an OPTIONS with
	// Max-Forwards 0 itself (step 3, §11); that is the caller's decision, taken
	// on errors.Is(err, ErrTooManyHops). Loop detection (step 4) needs the
	// proxy's own branch: see CheckLoop.
	Proxy bool
	// RFC2543 accepts requests without Max-Forwards, as RFC 2543 elements
	// send them (RFC 4475 §3.4.1; a proxy passes them, §16.3 step 3, and adds
	// Max-Forwards when it forwards, §16.6 step 3).
	RFC2543 bool
}

// defaultSchemes are the schemes a zero RequestPolicy serves.
var defaultSchemes = []string{"sip", "sips", "tel"}

// Check runs the checks of Validate on req, relaxed as Proxy and RFC2543
// say, then the policy's, in the order
// of RFC 3261 §8.2 for a UAS (method, Request-URI scheme, Require) and of §16.3
// for a proxy (method, scheme, Max-Forwards, Proxy-Require). It returns the
// first failure as a *ValidationError whose StatusCode, Reason and
// Unsupported are what the response needs. A nil policy is the zero policy;
// for a response, Check is Validate.
func (p *RequestPolicy) Check(req *Message) error {
	if p == nil {
		p = &RequestPolicy{}
	}
	if err := req.validate(validation{noMaxForwards: p.RFC2543, proxy: p.Proxy}); err != nil || !req.IsRequest() {
		return err
	}
	if p.Methods != nil && !containsExact(p.Methods, req.Method) {
		code := StatusMethodNotAllowed
		if !knownMethod(req.Method) {
			code = StatusNotImplemented
		}
		return &ValidationError{StatusCode: code, Err: ErrMethodNotAllowed, Detail: req.Method}
	}
	schemes := p.Schemes
	if schemes == nil {
		schemes = defaultSchemes
	}
	if !containsFold(schemes, req.RequestURI.Scheme) {
		return &ValidationError{StatusCode: StatusUnsupportedURIScheme, Err: ErrUnsupportedScheme,
			Detail: req.RequestURI.Scheme}
	}
	if p.Proxy {
		if n, ok := req.Headers.Get(HeaderMaxForwards).(*Number); ok && n != nil && n.Value == 0 {
			return &ValidationError{StatusCode: StatusTooManyHops, Header: HeaderMaxForwards, Err: ErrTooManyHops}
		}
	}
	if req.Method == MethodAck || req.Method == MethodCancel {
		return nil
	}
	name := HeaderRequire
	if p.Proxy {
		name = HeaderProxyRequire
	}
	return p.checkRequire(req, name)
}

// checkRequire answers 420 when the header name (Require or Proxy-Require)
// lists option tags outside Supported.
func (p *RequestPolicy) checkRequire(req *Message, name string) error {
	for i := range req.Headers {
		h := &req.Headers[i]
		if h.matches(name) {
			switch h.Value.(type) {
			case nil, *TokenList, *Token: // Headers.Tokens reads these
			default:
				// Parse keeps a list it cannot read as *Raw: the tags are unknown.
				return invalid(name, ErrInvalidHeader, "not a list of option tags")
			}
		}
	}
	var unsupported []string
	for t := range req.Headers.Tokens(name) {
		if !containsFold(p.Supported, t) && !containsFold(unsupported, t) {
			unsupported = append(unsupported, t)
		}
	}
	if unsupported == nil {
		return nil
	}
	return &ValidationError{StatusCode: StatusBadExtension, Header: name, Err: ErrBadExtension,
		Unsupported: unsupported}
}

// CheckLoop reports a loop (RFC 3261 §16.3 step 4): req carries a Via whose
// sent-by is the proxy's own and whose branch is the one the proxy computes
// for req now (§16.6 step 8). host and port are the proxy's sent-by exactly as
// it writes it in its Via (port 0 when it writes none). A Via with the proxy's
// sent-by but another branch is a spiral, which is no error. A loop gives a
// *ValidationError with StatusCode 482 wrapping ErrLoopDetected.
func CheckLoop(req *Message, host string, port int, branch string) error {
	for v := range req.Vias() {
		if v.Port == port && equalFold(v.Host, host) && equalFold(v.Branch(), branch) {
			return &ValidationError{StatusCode: StatusLoopDetected, Header: HeaderVia, Err: ErrLoopDetected,
				Detail: v.SentBy()}
		}
	}
	return nil
}

// CreatesDialog reports whether a request of this method can establish a
// dialog: INVITE (RFC 3261 §12); SUBSCRIBE and REFER, whose subscriptions are
// dialog usages (RFC 6665 §4.4.1, RFC 5057 §4); and NOTIFY, which creates the
// dialog when it reaches the subscriber before the 2xx to its SUBSCRIBE
// (RFC 6665). Methods are case-sensitive (RFC 3261 §7.1).
func CreatesDialog(method string) bool {
	switch method {
	case MethodInvite, MethodSubscribe, MethodRefer, MethodNotify:
		return true
	}
	return false
}

// knownMethod reports whether method is one of the Method constants.
func knownMethod(method string) bool {
	switch method {
	case MethodAck, MethodBye, MethodCancel, MethodInfo, MethodInvite, MethodMessage, MethodNotify,
		MethodOptions, MethodPrack, MethodPublish, MethodRefer, MethodRegister, MethodSubscribe, MethodUpdate:
		return true
	}
	return false
}

func containsExact(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if equalFold(e, s) {
			return true
		}
	}
	return false
}
