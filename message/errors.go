package message

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Every error returned by this package wraps one of them, so
// callers test conditions with errors.Is and read details from *ParseError or
// *ValidationError with errors.As.
var (
	// ErrMalformed reports input that is not a SIP message at all (no start
	// line, no header block).
	ErrMalformed = errors.New("sip: malformed message")
	// ErrBadStartLine reports an unreadable request line or status line.
	ErrBadStartLine = errors.New("sip: malformed start line")
	// ErrBadVersion reports a SIP-Version other than SIP/2.0 (a server answers 505).
	ErrBadVersion = errors.New("sip: unsupported SIP version")
	// ErrMissingHeader reports a mandatory header that is absent.
	ErrMissingHeader = errors.New("sip: missing header")
	// ErrInvalidHeader reports a header whose value does not follow its grammar.
	ErrInvalidHeader = errors.New("sip: invalid header")
	// ErrDuplicateHeader reports a single-valued header that appears more than once.
	ErrDuplicateHeader = errors.New("sip: duplicate header")
	// ErrBadContentLength reports a Content-Length that is missing where it is
	// mandatory (streams), unreadable, too large, or that disagrees with the body.
	ErrBadContentLength = errors.New("sip: bad Content-Length")
	// ErrInvalidURI reports a URI that does not follow RFC 3261 §19.1 or RFC 3966.
	ErrInvalidURI = errors.New("sip: invalid URI")
	// ErrCSeqMismatch reports a request whose CSeq method differs from its method.
	ErrCSeqMismatch = errors.New("sip: CSeq method does not match request method")
	// ErrUnsupportedScheme reports a Request-URI scheme the element does not serve (416).
	ErrUnsupportedScheme = errors.New("sip: unsupported URI scheme")
	// ErrTooManyHops reports a request whose Max-Forwards is zero (483).
	ErrTooManyHops = errors.New("sip: too many hops")
	// ErrBadExtension reports a Require or Proxy-Require option tag that is not supported (420).
	ErrBadExtension = errors.New("sip: bad extension")
	// ErrMethodNotAllowed reports a request method the element does not serve
	// (405, or 501 for a method it does not know at all).
	ErrMethodNotAllowed = errors.New("sip: method not allowed")
	// ErrLoopDetected reports a request that already went through this proxy
	// with the same branch (482).
	ErrLoopDetected = errors.New("sip: loop detected")
	// ErrAckNotAllowed is returned, wrapped, by NewAck when its arguments are
	// not an INVITE and a non-2xx final response to it.
	ErrAckNotAllowed = errors.New("sip: ACK not allowed")
	// ErrCancelNotAllowed is returned, wrapped, by NewCancel for a response,
	// an ACK or a CANCEL, which cannot be cancelled (RFC 3261 §9.1).
	ErrCancelNotAllowed = errors.New("sip: CANCEL not allowed")

	// ErrMessageTooLarge reports a message above Limits.MaxMessageSize.
	ErrMessageTooLarge = errors.New("sip: message too large")
	// ErrTooManyHeaders reports more header fields than Limits.MaxHeaders,
	// or more header values than Limits.MaxValues.
	ErrTooManyHeaders = errors.New("sip: too many headers")
	// ErrTooManyParams reports more parameters than Limits.MaxParams.
	ErrTooManyParams = errors.New("sip: too many parameters")
	// ErrLineTooLong reports a start line or a header field (its line folds
	// included) longer than Limits.MaxLineLength.
	ErrLineTooLong = errors.New("sip: line too long")
	// ErrTooManyVias reports more Via values than Limits.MaxVias.
	ErrTooManyVias = errors.New("sip: too many Via values")
	// ErrURITooLong reports a URI longer than Limits.MaxURILength.
	ErrURITooLong = errors.New("sip: URI too long")
)

// A ParseError describes where and why a message could not be parsed.
type ParseError struct {
	Line   int    // 1-based line of the message where the problem was found; 0 if not tied to a line
	Header string // the header's name as written, when the problem is inside a header
	Detail string // what exactly is wrong, for logs and reason phrases
	Err    error  // one of the package's sentinel errors
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Line > 0 {
		b.WriteString(" at line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Header != "" {
		b.WriteString(" (")
		b.WriteString(e.Header)
		b.WriteString(")")
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// StatusCode is the response a server should send for a request that failed to
// parse this way (RFC 3261 §8.2): 505 for an unsupported version (§21.5.6),
// 513 for a message above Limits.MaxMessageSize (§21.5.7), 414 for a
// Request-URI above Limits.MaxURILength (§21.4.12), and 400 otherwise
// (§21.4.1): for a URI too long inside a header, and for a Request-URI that
// makes the start line longer than Limits.MaxLineLength (ErrLineTooLong).
func (e *ParseError) StatusCode() int {
	switch {
	case errors.Is(e.Err, ErrBadVersion):
		return StatusVersionNotSupported
	case errors.Is(e.Err, ErrMessageTooLarge):
		return StatusMessageTooLarge
	case errors.Is(e.Err, ErrURITooLong) && e.Header == "":
		return StatusRequestURITooLong
	}
	return StatusBadRequest
}

// Reason is a reason phrase that names the problem, for the response sent
// back to the peer. It never contains CR or LF.
func (e *ParseError) Reason() string {
	r := e.Err.Error()
	r = strings.TrimPrefix(r, "sip: ")
	if e.Header != "" {
		r += " (" + e.Header + ")"
	}
	return sanitizeReason(r)
}

// A ValidationError is a semantic problem found by Validate, with the response
// a server should send (RFC 3261 §8.2, §16.3).
type ValidationError struct {
	StatusCode int    // the status code of the response the server should send
	Header     string // the header at fault, if any
	Detail     string // a human-readable explanation
	Err        error  // one of the package's sentinel errors
	// Unsupported lists the option tags for a 420 response's Unsupported header.
	Unsupported []string
}

func (e *ValidationError) Error() string {
	s := e.Err.Error()
	if e.Header != "" {
		s += " (" + e.Header + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *ValidationError) Unwrap() error { return e.Err }

// Reason is a reason phrase for the response, naming the problem.
func (e *ValidationError) Reason() string {
	r := strings.TrimPrefix(e.Err.Error(), "sip: ")
	if e.Header != "" {
		r += " (" + e.Header + ")"
	}
	return sanitizeReason(r)
}

// sanitizeReason keeps a reason phrase on one line of printable text.
func sanitizeReason(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func errAt(line int, header string, err error, detail string) *ParseError {
	return &ParseError{Line: line, Header: header, Err: err, Detail: detail}
}
