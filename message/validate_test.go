package message

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valText turns a message written with LF line ends into its wire form (CRLF).
func valText(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// valReplace returns s with the first old replaced by new; a row whose edit
// does not apply would test nothing, so it panics (failing the test).
func valReplace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("valReplace: " + old + " not found")
	}
	return strings.Replace(s, old, new, 1)
}

// valInvite is a well-formed request, after RFC 3261 §24.2 F1.
const valInvite = `INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@pc33.atlanta.example.com>
Content-Length: 0

`

// valOK is a well-formed response, after RFC 3261 §24.2 F9.
const valOK = `SIP/2.0 200 OK
Via: SIP/2.0/UDP server10.biloxi.example.com;branch=z9hG4bK4b43c2ff8.1
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:bob@192.0.2.4>
Content-Length: 0

`

// valOptions builds an OPTIONS request with the given Request-URI and extra
// header lines (each ending in a newline).
func valOptions(uri, extra string) string {
	return "OPTIONS " + uri + ` SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8
Max-Forwards: 70
To: <sip:bob@biloxi.example.com>
From: <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: opt.a84b4c76e66710
CSeq: 63104 OPTIONS
` + extra + `Content-Length: 0

`
}

// valMethod builds a request of the given method (CSeq method included) with
// extra header lines.
func valMethod(method, extra string) string {
	return method + ` sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8
Max-Forwards: 70
To: <sip:bob@biloxi.example.com>
From: <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: m.a84b4c76e66710
CSeq: 1 ` + method + `
` + extra + `Content-Length: 0

`
}

// valParse parses a row's message and applies its edit.
func valParse(t *testing.T, msg string, edit func(*Message)) *Message {
	t.Helper()
	m, err := Parse(valText(msg))
	require.NoError(t, err, "the row's message must parse")
	if edit != nil {
		edit(m)
	}
	return m
}

// valAssert checks err against the expected sentinel, status code and header;
// a nil want means no error.
func valAssert(t *testing.T, err, want error, status int, header string) *ValidationError {
	t.Helper()
	if want == nil {
		assert.NoError(t, err)
		return nil
	}
	require.Error(t, err)
	assert.ErrorIs(t, err, want)
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "%T is not a *ValidationError", err)
	assert.Equal(t, status, ve.StatusCode, "status code")
	assert.Equal(t, header, ve.Header, "header")
	assert.NotContains(t, ve.Reason(), "\n")
	return ve
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		msg    string
		edit   func(*Message)
		err    error // nil: the message is valid
		status int
		header string
	}{
		{name: "request", msg: valInvite},
		// §8.1.1: Max-Forwards is mandatory in requests only.
		{name: "response without Max-Forwards", msg: valOK},
		{name: "compact forms", msg: `INVITE sip:bob@biloxi.example.com SIP/2.0
v: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
Max-Forwards: 70
t: <sip:bob@biloxi.example.com>
f: <sip:alice@atlanta.example.com>;tag=1928301774
i: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
m: <sip:alice@pc33.atlanta.example.com>
c: application/sdp
l: 4

v=0
`},
		// Via, Contact and Route are lists: repeating them is fine.
		{name: "repeated list headers", msg: valReplace(valInvite, "Content-Length: 0\n",
			"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP p2.example.com;branch=z9hG4bK2\n"+
				"Contact: <sip:alice@192.0.2.1>\nRoute: <sip:p1.example.com;lr>\nRoute: <sip:p2.example.com;lr>\nContent-Length: 0\n")},
		{name: "Max-Forwards 0 is valid", msg: valReplace(valInvite, "Max-Forwards: 70", "Max-Forwards: 0")},
		{name: "Max-Forwards 255", msg: valReplace(valInvite, "Max-Forwards: 70", "Max-Forwards: 255")},
		{name: "no Content-Length", msg: valReplace(valInvite, "Content-Length: 0\n", "")},

		// §7.1: SIP-Version; "SIP" compares without regard to case.
		{name: "built version lower case", msg: valInvite, edit: func(m *Message) { m.Version = "sip/2.0" }},
		{name: "built version empty", msg: valInvite, edit: func(m *Message) { m.Version = "" }},
		{name: "RFC 4475 badvers", msg: valRFC4475["badvers"],
			err: ErrBadVersion, status: StatusVersionNotSupported},
		{name: "response version", msg: valReplace(valOK, "SIP/2.0 200", "SIP/3.0 200"),
			err: ErrBadVersion, status: StatusVersionNotSupported},
		{name: "built version garbage", msg: valInvite, edit: func(m *Message) { m.Version = "HTTP/1.1" },
			err: ErrBadVersion, status: StatusVersionNotSupported},
		// The version is checked first: 505 wins over a missing header.
		{name: "version before headers", msg: valInvite,
			edit: func(m *Message) { m.Version = "SIP/1.0"; m.Headers.Del(HeaderTo) },
			err:  ErrBadVersion, status: StatusVersionNotSupported},

		// Start line of built messages.
		{name: "no Request-URI", msg: valInvite, edit: func(m *Message) { m.RequestURI = nil },
			err: ErrInvalidURI, status: StatusBadRequest},
		{name: "Request-URI without scheme", msg: valInvite, edit: func(m *Message) { m.RequestURI = &URI{Host: "biloxi.example.com"} },
			err: ErrInvalidURI, status: StatusBadRequest},
		{name: "method not a token", msg: valInvite, edit: func(m *Message) { m.Method = "IN VITE" },
			err: ErrBadStartLine, status: StatusBadRequest},
		{name: "status code 0", msg: valOK, edit: func(m *Message) { m.StatusCode = 0 },
			err: ErrBadStartLine, status: StatusBadRequest},
		{name: "status code 700", msg: valOK, edit: func(m *Message) { m.StatusCode = 700 },
			err: ErrBadStartLine, status: StatusBadRequest},

		// §8.1.1: mandatory headers, reported in the order To, From, CSeq,
		// Call-ID, Max-Forwards, Via.
		{name: "RFC 4475 insuf", msg: valRFC4475["insuf"],
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderTo},
		{name: "no From", msg: valReplace(valInvite, "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n", ""),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderFrom},
		{name: "no CSeq", msg: valReplace(valInvite, "CSeq: 314159 INVITE\n", ""),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderCSeq},
		{name: "no Call-ID", msg: valReplace(valInvite, "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\n", ""),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderCallID},
		{name: "no Max-Forwards", msg: valReplace(valInvite, "Max-Forwards: 70\n", ""),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderMaxForwards},
		// RFC 4475 §3.4.1: an RFC 2543 request has no Max-Forwards;
		// RequestPolicy.RFC2543 accepts it.
		{name: "RFC 4475 inv2543", msg: valRFC4475["inv2543"],
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderMaxForwards},
		{name: "no Via", msg: valReplace(valInvite, "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\n", ""),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderVia},
		{name: "response without Via", msg: valOK, edit: func(m *Message) { m.Headers.Del(HeaderVia) },
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderVia},
		{name: "response without To", msg: valOK, edit: func(m *Message) { m.Headers.Del(HeaderTo) },
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderTo},
		// §20.15: a body needs a Content-Type.
		{name: "body without Content-Type", msg: valReplace(valInvite, "Content-Length: 0\n\n", "Content-Length: 4\n\nv=0\n"),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderContentType},
		// Content-Type = ( "Content-Type" / "c" ) HCOLON media-type: an
		// empty one names none, and one that Parse kept as *Raw is no
		// media type.
		{name: "body with an empty Content-Type", msg: valReplace(valInvite, "Content-Length: 0\n\n", "Content-Type:\nContent-Length: 4\n\nv=0\n"),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderContentType},
		{name: "body with a Content-Type that is no media type", msg: valReplace(valInvite, "Content-Length: 0\n\n", "Content-Type: sdp\nContent-Length: 4\n\nv=0\n"),
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderContentType},
		{name: "empty Content-Type without a body", msg: valReplace(valInvite, "Content-Length: 0\n", "c:\nContent-Length: 0\n")},

		// §20: single-valued headers appear once; the first repeated one in
		// message order is reported.
		{name: "RFC 4475 multi01", msg: valRFC4475["multi01"],
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderCSeq},
		// RFC 4475 mcl01 has two: Parse refuses it already; a built message can.
		{name: "built Content-Length twice", msg: valInvite, edit: func(m *Message) { m.Headers.Add(HeaderContentLength, &Number{}) },
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderContentLength},
		{name: "To twice, once compact", msg: valReplace(valInvite, "Content-Length: 0\n", "t: <sip:carol@chicago.example.com>\nContent-Length: 0\n"),
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderTo},
		{name: "Max-Forwards twice", msg: valReplace(valInvite, "Content-Length: 0\n", "Max-Forwards: 70\nContent-Length: 0\n"),
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderMaxForwards},
		{name: "Content-Type twice", msg: valReplace(valInvite, "Content-Length: 0\n", "Content-Type: text/plain\nc: text/plain\nContent-Length: 0\n"),
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderContentType},
		{name: "Expires twice", msg: valReplace(valInvite, "Content-Length: 0\n", "Expires: 10\nExpires: 20\nContent-Length: 0\n"),
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderExpires},
		{name: "response Call-ID twice", msg: valReplace(valOK, "Content-Length: 0\n", "i: other@example.com\nContent-Length: 0\n"),
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderCallID},
		{name: "built duplicate in another case", msg: valInvite, edit: func(m *Message) {
			m.Headers = append(m.Headers, Header{Name: "cseq", Value: &CSeq{Seq: 1, Method: "INVITE"}})
		},
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderCSeq},

		// Typed values of the mandatory headers (built messages).
		{name: "To untyped", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderTo, &Raw{Value: "bob"}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderTo},
		{name: "From wildcard", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderFrom, &Address{Wildcard: true}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderFrom},
		{name: "From nil", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderFrom, nil) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderFrom},
		// §20.16: a 32-bit unsigned integer; only the first request of a
		// dialog starts below 2**31 (§8.1.1.5), the next ones count up from
		// it (§12.2.1.1, erratum 3102).
		{name: "CSeq number 2**31", msg: valInvite, edit: func(m *Message) { m.CSeq().Seq = 1 << 31 }},
		{name: "CSeq number 2**32-1", msg: valInvite, edit: func(m *Message) { m.CSeq().Seq = 1<<32 - 1 }},
		{name: "CSeq without method", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderCSeq, &CSeq{Seq: 1}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderCSeq},
		{name: "Call-ID empty", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderCallID, &Text{}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderCallID},
		{name: "Call-ID untyped", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderCallID, &Raw{Value: "x"}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderCallID},
		// §20.22: Max-Forwards is 0-255.
		{name: "Max-Forwards 256", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderMaxForwards, &Number{Value: 256}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderMaxForwards},
		{name: "Max-Forwards untyped", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderMaxForwards, &Raw{Value: "70"}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderMaxForwards},
		{name: "second Via untyped", msg: valOK, edit: func(m *Message) { m.Headers.Add(HeaderVia, &Raw{Value: "SIP/2.0/UDP x"}) },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderVia},
		{name: "Via without host", msg: valInvite, edit: func(m *Message) { m.TopVia().Host = "" },
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderVia},

		// §8.1.1.5: the CSeq method is the request method (case-sensitive, §7.1).
		{name: "RFC 4475 mismatch01", msg: valRFC4475["mismatch01"],
			err: ErrCSeqMismatch, status: StatusBadRequest, header: HeaderCSeq},
		{name: "RFC 4475 mismatch02", msg: valRFC4475["mismatch02"],
			err: ErrCSeqMismatch, status: StatusBadRequest, header: HeaderCSeq},
		{name: "CSeq method case", msg: valReplace(valInvite, "CSeq: 314159 INVITE", "CSeq: 314159 invite"),
			err: ErrCSeqMismatch, status: StatusBadRequest, header: HeaderCSeq},
		// A response's CSeq method is its request's, whatever it is.
		{name: "response CSeq", msg: valReplace(valOK, "CSeq: 314159 INVITE", "CSeq: 2 BYE")},

		// Content-Length against the body of a built message.
		{name: "Content-Length larger than body", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderContentLength, &Number{Value: 10}) },
			err: ErrBadContentLength, status: StatusBadRequest, header: HeaderContentLength},
		{name: "body longer than Content-Length", msg: valInvite, edit: func(m *Message) {
			m.Headers.Add(HeaderContentType, &MediaType{Type: "text", Subtype: "plain"})
			m.Body = []byte("hello")
		}, err: ErrBadContentLength, status: StatusBadRequest, header: HeaderContentLength},
		{name: "Content-Length untyped", msg: valInvite, edit: func(m *Message) { m.Headers.Set(HeaderContentLength, &Raw{Value: "0"}) },
			err: ErrBadContentLength, status: StatusBadRequest, header: HeaderContentLength},
		{name: "Content-Length fixed with the body", msg: valInvite, edit: func(m *Message) {
			m.Headers.Add(HeaderContentType, &MediaType{Type: "text", Subtype: "plain"})
			m.Headers.Set(HeaderContentLength, &Number{Value: 5})
			m.Body = []byte("hello")
		}},

		// RFC 4475 messages whose problems are for other layers.
		{name: "RFC 4475 zeromf", msg: valRFC4475["zeromf"]},
		{name: "RFC 4475 unkscm", msg: valRFC4475["unkscm"]},
		{name: "RFC 4475 novelsc", msg: valRFC4475["novelsc"]},
		{name: "RFC 4475 bext01", msg: valRFC4475["bext01"]},
		{name: "RFC 4475 bcast", msg: valRFC4475["bcast"]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valParse(t, tt.msg, tt.edit)
			valAssert(t, m.Validate(), tt.err, tt.status, tt.header)
		})
	}
}

// TestValidateReason checks that the reason phrase names the problem and the
// header (RFC 3261 §21.4.1 leaves the phrase to the server).
func TestValidateReason(t *testing.T) {
	tests := []struct {
		msg  string
		want string
	}{
		{valRFC4475["insuf"], "missing header (To)"},
		{valRFC4475["multi01"], "duplicate header (CSeq)"},
		{valRFC4475["mismatch01"], "CSeq method does not match request method (CSeq)"},
		{valRFC4475["badvers"], "unsupported SIP version"},
	}
	for _, tt := range tests {
		m := valParse(t, tt.msg, nil)
		var ve *ValidationError
		require.ErrorAs(t, m.Validate(), &ve)
		assert.Equal(t, tt.want, ve.Reason())
	}
}

func TestRequestPolicyCheck(t *testing.T) {
	uas := []string{MethodInvite, MethodAck, MethodBye, MethodCancel, MethodOptions}
	tests := []struct {
		name        string
		policy      *RequestPolicy
		msg         string
		err         error // nil: the request is accepted
		status      int
		header      string
		edit        func(*Message)
		unsupported []string
	}{
		{name: "zero policy", policy: &RequestPolicy{}, msg: valInvite},
		{name: "nil policy", msg: valInvite},
		// Check runs Validate first.
		{name: "invalid request", policy: &RequestPolicy{}, msg: valRFC4475["mismatch01"],
			err: ErrCSeqMismatch, status: StatusBadRequest, header: HeaderCSeq},
		{name: "response is validated", policy: &RequestPolicy{Proxy: true}, msg: valOK},
		{name: "invalid response", policy: &RequestPolicy{}, msg: valReplace(valOK, "CSeq: 314159 INVITE\n", ""),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderCSeq},

		// §8.2.1: methods; 501 for a method nobody defined (§21.5.2).
		{name: "method served", policy: &RequestPolicy{Methods: uas}, msg: valMethod(MethodBye, "")},
		{name: "method not served", policy: &RequestPolicy{Methods: uas}, msg: valMethod(MethodSubscribe, ""),
			err: ErrMethodNotAllowed, status: StatusMethodNotAllowed},
		{name: "unknown method", policy: &RequestPolicy{Methods: uas}, msg: valMethod("NEWMETHOD", ""),
			err: ErrMethodNotAllowed, status: StatusNotImplemented},
		// §7.1: methods are case-sensitive, so "invite" is not INVITE.
		{name: "method case", policy: &RequestPolicy{Methods: uas}, msg: valMethod("invite", ""),
			err: ErrMethodNotAllowed, status: StatusNotImplemented},
		{name: "any method", policy: &RequestPolicy{}, msg: valMethod("NEWMETHOD", "")},
		// The method is inspected before the Request-URI (§8.2.1 before §8.2.2).
		{name: "method before scheme", policy: &RequestPolicy{Methods: uas}, msg: valReplace(valMethod(MethodPublish, ""), "sip:bob@", "im:bob@"),
			err: ErrMethodNotAllowed, status: StatusMethodNotAllowed},

		// §8.2.2.1, §16.3 step 2: Request-URI schemes; nil serves sip, sips, tel.
		{name: "sips", policy: &RequestPolicy{}, msg: valOptions("sips:bob@biloxi.example.com", "")},
		{name: "tel", policy: &RequestPolicy{}, msg: valOptions("tel:+1-201-555-0123", "")},
		{name: "scheme case", policy: &RequestPolicy{}, msg: valOptions("SIP:bob@biloxi.example.com", "")},
		{name: "RFC 4475 unkscm", policy: &RequestPolicy{}, msg: valRFC4475["unkscm"],
			err: ErrUnsupportedScheme, status: StatusUnsupportedURIScheme},
		{name: "RFC 4475 novelsc", policy: &RequestPolicy{Proxy: true}, msg: valRFC4475["novelsc"],
			err: ErrUnsupportedScheme, status: StatusUnsupportedURIScheme},
		{name: "scheme served", policy: &RequestPolicy{Schemes: []string{"im", "sip"}}, msg: valOptions("im:bob@biloxi.example.com", "")},
		{name: "scheme not served", policy: &RequestPolicy{Schemes: []string{"sip"}}, msg: valOptions("sips:bob@biloxi.example.com", ""),
			err: ErrUnsupportedScheme, status: StatusUnsupportedURIScheme},

		// §16.3 step 3: Max-Forwards 0 stops a proxy, not a UAS.
		{name: "RFC 4475 zeromf proxy", policy: &RequestPolicy{Proxy: true}, msg: valRFC4475["zeromf"],
			err: ErrTooManyHops, status: StatusTooManyHops, header: HeaderMaxForwards},
		{name: "RFC 4475 zeromf UAS", policy: &RequestPolicy{}, msg: valRFC4475["zeromf"]},
		{name: "Max-Forwards 1 proxy", policy: &RequestPolicy{Proxy: true}, msg: valReplace(valInvite, "Max-Forwards: 70", "Max-Forwards: 1")},
		{name: "Max-Forwards 0 ACK proxy", policy: &RequestPolicy{Proxy: true}, msg: valReplace(valMethod(MethodAck, ""), "Max-Forwards: 70", "Max-Forwards: 0"),
			err: ErrTooManyHops, status: StatusTooManyHops, header: HeaderMaxForwards},
		// RFC 4475 §3.4.1; §16.3 step 3 passes a request without Max-Forwards.
		{name: "RFC 4475 inv2543 accepted", policy: &RequestPolicy{RFC2543: true}, msg: valRFC4475["inv2543"]},
		{name: "RFC 4475 inv2543 proxy", policy: &RequestPolicy{RFC2543: true, Proxy: true}, msg: valRFC4475["inv2543"]},
		{name: "RFC 4475 inv2543 strict", policy: &RequestPolicy{Proxy: true}, msg: valRFC4475["inv2543"],
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderMaxForwards},

		// §8.2.2.3: Require at a UAS; §16.3 step 5: Proxy-Require at a proxy.
		{name: "RFC 4475 bext01 UAS", policy: &RequestPolicy{}, msg: valRFC4475["bext01"],
			err: ErrBadExtension, status: StatusBadExtension, header: HeaderRequire,
			unsupported: []string{"nothingSupportsThis", "nothingSupportsThisEither"}},
		{name: "RFC 4475 bext01 proxy", policy: &RequestPolicy{Proxy: true}, msg: valRFC4475["bext01"],
			err: ErrBadExtension, status: StatusBadExtension, header: HeaderProxyRequire,
			unsupported: []string{"noProxiesSupportThis", "norDoAnyProxiesSupportThis"}},
		{name: "Require supported", policy: &RequestPolicy{Supported: []string{"100rel", "timer"}},
			msg: valMethod(MethodInvite, "Require: timer, 100rel\n")},
		// §7.3.1: option tags compare without regard to case.
		{name: "Require case", policy: &RequestPolicy{Supported: []string{"100rel"}},
			msg: valMethod(MethodInvite, "Require: 100REL\n")},
		{name: "Require partly supported", policy: &RequestPolicy{Supported: []string{"100rel"}},
			msg: valMethod(MethodInvite, "Require: 100rel, timer\nRequire: timer, gruu\n"),
			err: ErrBadExtension, status: StatusBadExtension, header: HeaderRequire, unsupported: []string{"timer", "gruu"}},
		{name: "Require ignored in ACK", policy: &RequestPolicy{}, msg: valMethod(MethodAck, "Require: timer\n")},
		{name: "Require ignored in CANCEL", policy: &RequestPolicy{}, msg: valMethod(MethodCancel, "Require: timer\n")},
		// §16.3 step 1: a proxy forwards what it does not act on as it is,
		// "an element would not reject a request because of a malformed
		// Date header field"; a UAS refuses the same requests.
		{name: "proxy forwards two Dates", policy: &RequestPolicy{Proxy: true},
			msg: valMethod(MethodInvite, "Date: Sat, 13 Nov 2010 23:29:00 GMT\nDate: Sat, 13 Nov 2010 23:29:01 GMT\n")},
		{name: "UAS refuses two Dates", policy: &RequestPolicy{},
			msg: valMethod(MethodInvite, "Date: Sat, 13 Nov 2010 23:29:00 GMT\nDate: Sat, 13 Nov 2010 23:29:01 GMT\n"),
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderDate},
		{name: "proxy forwards two Subjects", policy: &RequestPolicy{Proxy: true}, msg: valMethod(MethodInvite, "Subject: a\ns: b\n")},
		{name: "proxy forwards a body without Content-Type", policy: &RequestPolicy{Proxy: true},
			msg: valReplace(valInvite, "Content-Length: 0\n\n", "Content-Length: 4\n\nv=0\n")},
		{name: "UAS refuses a body without Content-Type", policy: &RequestPolicy{},
			msg: valReplace(valInvite, "Content-Length: 0\n\n", "Content-Length: 4\n\nv=0\n"),
			err: ErrMissingHeader, status: StatusBadRequest, header: HeaderContentType},
		// What a proxy reads must still be unique: transaction matching
		// reads Call-ID, and two Content-Lengths are how requests are
		// smuggled.
		{name: "proxy refuses two Call-IDs", policy: &RequestPolicy{Proxy: true}, msg: valMethod(MethodInvite, "i: other@example.com\n"),
			err: ErrDuplicateHeader, status: StatusBadRequest, header: HeaderCallID},
		{name: "proxy refuses two Content-Lengths", policy: &RequestPolicy{Proxy: true}, msg: valInvite,
			edit: func(m *Message) { m.Headers.Add(HeaderContentLength, &Number{}) },
			err:  ErrDuplicateHeader, status: StatusBadRequest, header: HeaderContentLength},
		{name: "Proxy-Require ignored in CANCEL", policy: &RequestPolicy{Proxy: true}, msg: valMethod(MethodCancel, "Proxy-Require: timer\n")},
		{name: "UAS ignores Proxy-Require", policy: &RequestPolicy{}, msg: valMethod(MethodInvite, "Proxy-Require: sec-agree\n")},
		{name: "proxy ignores Require", policy: &RequestPolicy{Proxy: true}, msg: valMethod(MethodInvite, "Require: 100rel\n")},
		{name: "proxy Proxy-Require supported", policy: &RequestPolicy{Proxy: true, Supported: []string{"sec-agree"}},
			msg: valMethod(MethodInvite, "Proxy-Require: sec-agree\n")},
		{name: "empty Require", policy: &RequestPolicy{}, msg: valMethod(MethodInvite, "Require:\n")},
		// Parse keeps a Require it cannot read as *Raw.
		{name: "unreadable Require", policy: &RequestPolicy{Supported: []string{"timer"}}, msg: valMethod(MethodInvite, "Require: timer\n"),
			edit: func(m *Message) { m.Headers.Add(HeaderRequire, &Raw{Value: "timer, ="}) },
			err:  ErrInvalidHeader, status: StatusBadRequest, header: HeaderRequire},
		// RFC 3261 §20.32: option tags take no parameters.
		{name: "Require with a parameter", policy: &RequestPolicy{Supported: []string{"timer"}},
			msg: valMethod(MethodInvite, "Require: timer;x=1\n"),
			err: ErrInvalidHeader, status: StatusBadRequest, header: HeaderRequire},
		// Values a program built: a *Token counts, a typed nil is empty.
		{name: "Require built as Token", policy: &RequestPolicy{Supported: []string{"timer"}}, msg: valMethod(MethodInvite, ""),
			edit: func(m *Message) {
				m.Headers.Add(HeaderRequire, &Token{Value: "gruu"})
				m.Headers.Add(HeaderRequire, (*TokenList)(nil))
				m.Headers.Add(HeaderRequire, (*Token)(nil))
			},
			err: ErrBadExtension, status: StatusBadExtension, header: HeaderRequire, unsupported: []string{"gruu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valParse(t, tt.msg, tt.edit)
			ve := valAssert(t, tt.policy.Check(m), tt.err, tt.status, tt.header)
			if ve != nil {
				assert.Equal(t, tt.unsupported, ve.Unsupported)
			}
		})
	}
}

func TestCheckLoop(t *testing.T) {
	const msg = `OPTIONS sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKloop1
Via: SIP/2.0/TCP edge.example.com;branch=z9hG4bKedge
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKclient
Max-Forwards: 68
To: <sip:bob@biloxi.example.com>
From: <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: loop.a84b4c76e66710
CSeq: 1 OPTIONS
Content-Length: 0

`
	tests := []struct {
		name   string
		host   string
		port   int
		branch string
		loop   bool
	}{
		// §16.3 step 4: own sent-by and the branch computed now: a loop.
		{"top Via", "proxy.example.com", 5060, "z9hG4bKloop1", true},
		{"lower Via", "edge.example.com", 0, "z9hG4bKedge", true},
		{"host case", "PROXY.example.com", 5060, "z9hG4bKloop1", true},
		// Own sent-by, another branch: a spiral (§16.3 step 4).
		{"spiral", "proxy.example.com", 5060, "z9hG4bKloop2", false},
		{"other port", "proxy.example.com", 5070, "z9hG4bKloop1", false},
		{"port written vs not", "edge.example.com", 5060, "z9hG4bKedge", false},
		{"other host", "proxy2.example.com", 5060, "z9hG4bKloop1", false},
	}
	m := valParse(t, msg, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckLoop(m, tt.host, tt.port, tt.branch)
			if !tt.loop {
				assert.NoError(t, err)
				return
			}
			valAssert(t, err, ErrLoopDetected, StatusLoopDetected, HeaderVia)
		})
	}
}

func TestCreatesDialog(t *testing.T) {
	tests := []struct {
		method string
		want   bool
	}{
		{MethodInvite, true},    // RFC 3261 §12
		{MethodSubscribe, true}, // RFC 6665
		{MethodRefer, true},     // RFC 3515
		{MethodNotify, true},    // RFC 6665, before the SUBSCRIBE's 2xx
		{MethodRegister, false},
		{MethodOptions, false},
		{MethodMessage, false},
		{MethodBye, false},
		{MethodAck, false},
		{"invite", false}, // methods are case-sensitive (§7.1)
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CreatesDialog(tt.method), tt.method)
	}
}

// valRFC4475 holds RFC 4475 torture messages, verbatim but for line ends
// (valText restores CRLF), keyed by the RFC's tags.
var valRFC4475 = map[string]string{
	"badvers": `OPTIONS sip:t.watson@example.org SIP/7.0
Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw
Max-Forwards:     70
From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe
To:      T. Watson <sip:t.watson@example.org>
Call-ID: badvers.31417@c.example.com
CSeq:    1 OPTIONS
l: 0

`,
	"mismatch01": `OPTIONS sip:user@example.com SIP/2.0
To: sip:j.user@example.com
From: sip:caller@example.net;tag=34525
Max-Forwards: 6
Call-ID: mismatch01.dj0234sxdfl3
CSeq: 8 INVITE
Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw
l: 0

`,
	"mismatch02": `NEWMETHOD sip:user@example.com SIP/2.0
To: sip:j.user@example.com
From: sip:caller@example.net;tag=34525
Max-Forwards: 6
Call-ID: mismatch02.dj0234sxdfl3
CSeq: 8 INVITE
Contact: <sip:caller@host.example.net>
Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw
Content-Type: application/sdp
l: 138

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.1
c=IN IP4 192.0.2.1
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
`,
	"insuf": `INVITE sip:user@example.com SIP/2.0
CSeq: 193942 INVITE
Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf
Content-Type: application/sdp
l: 152

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.95
s=-
c=IN IP4 192.0.2.95
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
`,
	"multi01": `INVITE sip:user@company.com SIP/2.0
Contact: <sip:caller@host25.example.net>
Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw
Max-Forwards: 70
CSeq: 5 INVITE
Call-ID: multi01.98asdh@192.0.2.1
CSeq: 59 INVITE
Call-ID: multi01.98asdh@192.0.2.2
From: sip:caller@example.com;tag=3413415
To: sip:user@example.com
To: sip:other@example.net
From: sip:caller@example.net;tag=2923420123
Content-Type: application/sdp
l: 154
Contact: <sip:caller@host36.example.net>
Max-Forwards: 5

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.25
s=-
c=IN IP4 192.0.2.25
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC

`,
	"zeromf": `OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=3ghsd41
Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas
CSeq: 39234321 OPTIONS
Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i
Max-Forwards: 0
Content-Length: 0

`,
	"unkscm": `OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=384
Max-Forwards: 3
Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34
CSeq: 3923423 OPTIONS
Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234
Content-Length: 0

`,
	"novelsc": `OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0
To: sip:user@example.com
From: sip:caller@example.net;tag=384
Max-Forwards: 3
Call-ID: novelsc.asdfasser0q239nwsdfasdkl34
CSeq: 3923423 OPTIONS
Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234
Content-Length: 0

`,
	"bext01": `OPTIONS sip:user@example.com SIP/2.0
To: sip:j_user@example.com
From: sip:caller@example.net;tag=242etr
Max-Forwards: 6
Call-ID: bext01.0ha0isndaksdj
Require: nothingSupportsThis, nothingSupportsThisEither
Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis
CSeq: 8 OPTIONS
Via: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw
Content-Length: 0

`,
	"inv2543": `INVITE sip:UserB@example.com SIP/2.0
Via: SIP/2.0/UDP iftgw.example.com
From: <sip:+13035551111@ift.client.example.net;user=phone>
Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>
To: sip:+16505552222@ss1.example.net;user=phone
Call-ID: inv2543.1717@ift.client.example.com
CSeq: 56 INVITE
Content-Type: application/sdp

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.5
s=-
c=IN IP4 192.0.2.5
t=0 0
m=audio 49217 RTP/AVP 0
`,
	"bcast": `SIP/2.0 200 OK
Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923
Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23
Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf
CSeq: 35 INVITE
From: sip:user@example.com;tag=11141343
To: sip:user@example.edu;tag=2229
Content-Length: 154
Content-Type: application/sdp
Contact: <sip:user@host28.example.com>

v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.198
s=-
c=IN IP4 192.0.2.198
t=0 0
m=audio 49217 RTP/AVP 0 12
m=video 3227 RTP/AVP 31
a=rtpmap:31 LPC
`,
}
