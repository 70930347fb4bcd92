package message

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tortureDir holds the RFC 4475 messages, one file each, outside the
// repository (shared test data, relative to this package's directory).
const tortureDir = "../../shared/testdata/rfc4475"

// A tortureTest says how Parse must treat one RFC 4475 message.
type tortureTest struct {
	file string // path under tortureDir
	// For a message Parse must refuse: the sentinel, line and header of
	// the *ParseError.
	err    error
	line   int
	header string
	// For a message Parse accepts: the fields that let an element do what
	// the RFC asks.
	check func(t *testing.T, m *Message)
	// validate, when set, is the sentinel that Validate must report for
	// the parsed message, with the response status.
	validate error
	status   int
}

var tortureTests = []tortureTest{
	// §3.1.1.1 A Short Tortuous INVITE: odd but valid white space, folding,
	// case, compact forms and escapes; everything must be read as meant.
	{file: "valid/wsinv.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, MethodInvite, m.Method)
		assert.Equal(t, URI{Scheme: "sip", User: "vivekg", Host: "chair-dnrc.example.com", Params: Params{{Name: "unknownparam"}}}, *m.RequestURI)
		to := m.To()
		require.NotNil(t, to)
		assert.Equal(t, "sip:vivekg@chair-dnrc.example.com", to.URI.String())
		assert.Equal(t, "1918181833n", to.Tag())
		from := m.From()
		require.NotNil(t, from)
		// The display name keeps its escaped backslash and quote as written.
		assert.Equal(t, `"J Rosenberg \\\""`, from.Display)
		assert.Equal(t, `J Rosenberg \"`, from.DisplayName())
		assert.Equal(t, "98asjd8", from.Tag())
		mf, ok := m.MaxForwards()
		assert.True(t, ok)
		assert.Equal(t, 68, mf)                                        // "0068"
		assert.Equal(t, &CSeq{Seq: 9, Method: MethodInvite}, m.CSeq()) // "0009\r\n  INVITE"
		assert.Equal(t, "wsinv.ndaksdj@192.0.2.1", m.CallID())
		vias := slices.Collect(m.Vias())
		require.Len(t, vias, 3)
		assert.Equal(t, []string{"UDP", "TCP", "UDP"}, []string{vias[0].Transport, vias[1].Transport, vias[2].Transport})
		assert.Equal(t, []string{"192.0.2.2", "spindle.example.com", "192.168.255.111"}, []string{vias[0].Host, vias[1].Host, vias[2].Host})
		assert.Equal(t, []string{"390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"}, []string{vias[0].Branch(), vias[1].Branch(), vias[2].Branch()})
		assert.Equal(t, "SIP/2.0/UDP 192.0.2.2;branch=390skdjuw", vias[0].String())
		assert.Equal(t, Header{Name: HeaderSubject, Compact: true}, m.Headers[7], "empty Subject")
		assert.Equal(t, &Raw{Value: "newfangled value continued newfangled value"}, m.Headers.Get("newfangledheader"))
		assert.Equal(t, &Raw{Value: ";;,,;;,;"}, m.Headers.Get("UnknownHeaderWithUnusualValue"))
		assert.Equal(t, &MediaType{Type: "application", Subtype: "sdp"}, m.ContentType())
		routes := slices.Collect(m.Routes())
		require.Len(t, routes, 1)
		assert.Equal(t, "sip:services.example.com;lr;unknownwith=value;unknown-no-value", routes[0].URI.String())
		contacts := slices.Collect(m.Contacts())
		require.Len(t, contacts, 1)
		assert.Equal(t, `"Quoted string \"\""`, contacts[0].Display)
		assert.Equal(t, Params{{Name: "newparam", Value: "newvalue"}, {Name: "secondparam"}, {Name: "q", Value: "0.33"}}, contacts[0].Params)
		assert.Equal(t, []string{"To", "From", "Max-Forwards", "Call-ID", "Content-Length", "CSeq", "Via", "Subject",
			"NewFangledHeader", "UnknownHeaderWithUnusualValue", "Content-Type", "Route", "Via", "Via", "Contact"}, tortureNames(m))
		assert.True(t, m.Headers[12].Compact && m.Headers[13].Compact && m.Headers[13].Joined && !m.Headers[12].Joined, "v: a, b")
		assert.Len(t, m.Body, 150)
	}},
	// §3.1.1.2 Wide Range of Valid Characters: every token and word
	// character in the method, URIs, parameters, Call-ID and header names.
	{file: "valid/intmeth.dat", check: func(t *testing.T, m *Message) {
		const method = "!interesting-Method0123456789_*+`.%indeed'~"
		assert.Equal(t, method, m.Method)
		assert.Equal(t, &CSeq{Seq: 139122385, Method: method}, m.CSeq())
		assert.Equal(t, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.RequestURI.User)
		assert.Equal(t, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", m.RequestURI.Password)
		assert.Equal(t, "example.com", m.RequestURI.Host)
		assert.Equal(t, "z9hG4bK-.!%66*_+`'~", m.TopVia().Branch())
		assert.Equal(t, "\"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\"", m.To().Display)
		assert.Equal(t, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.To().URI.User)
		from := m.From()
		assert.Equal(t, "token1~` token2'+_ token3*%!.-", from.Display)
		assert.Equal(t, Params{
			{Name: "fromParam''~+*_!.-%", Value: "работающий", Quoted: true},
			{Name: "tag", Value: "_token~1'+`*%!-."},
		}, from.Params)
		assert.Equal(t, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", m.CallID())
		assert.Equal(t, &Raw{Value: "\ufeff大停電"}, m.Headers.Get("extensionHeader-!.%*+_`'~"))
		mf, _ := m.MaxForwards()
		assert.Equal(t, 255, mf)
	}},
	// §3.1.1.3 Valid Use of the % Escaping Mechanism: escapes stay as
	// written and decode to the same characters.
	{file: "valid/esc01.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, URI{Scheme: "sip", User: "sips%3Auser%40example.com", Host: "example.net"}, *m.RequestURI)
		assert.Equal(t, "sips:user@example.com", m.RequestURI.UserUnescaped())
		assert.Equal(t, "user", m.To().URI.UserUnescaped())
		assert.Equal(t, "I have spaces", m.From().URI.UserUnescaped())
		assert.Equal(t, "esc01.239409asdfakjkn23onasd0-3234", m.CallID())
		contacts := slices.Collect(m.Contacts())
		require.Len(t, contacts, 1)
		assert.Equal(t, URI{Scheme: "sip", User: "cal%6Cer", Host: "host5.example.net",
			Params: Params{{Name: "%6C%72"}, {Name: "n%61me", Value: "v%61lue%25%34%31"}}}, contacts[0].URI)
		i := m.Headers.Index(HeaderContentType)
		require.GreaterOrEqual(t, i, 0)
		assert.True(t, m.Headers[i].Compact, `"C:"`)
		assert.Len(t, m.Body, 150)
	}},
	// §3.1.1.4 Escaped Nulls in URIs: %00 is a valid escape.
	{file: "valid/escnull.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, "null-%00-null", m.To().URI.User)
		assert.Equal(t, "null-\x00-null", m.To().URI.UserUnescaped())
		assert.Equal(t, "839923423", m.From().Tag())
		var users []string
		for c := range m.Contacts() {
			users = append(users, c.URI.User)
		}
		assert.Equal(t, []string{"%00", "%00%00"}, users)
		assert.Nil(t, m.Body)
	}},
	// §3.1.1.5 Use of % When It Is Not an Escape: the method, a display name,
	// a branch and a header name hold "%" that must not be decoded;
	// "C%6Fntact" is an extension header, not Contact.
	{file: "valid/esc02.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, "RE%47IST%45R", m.Method)
		assert.Equal(t, "RE%47IST%45R", m.CSeq().Method)
		assert.Equal(t, `"%Z%45"`, m.To().Display)
		assert.Equal(t, `"%Z%45"`, m.From().Display)
		assert.Equal(t, "z9hG4bK209%fzsnel234", m.TopVia().Branch())
		assert.Equal(t, 2, m.Headers.Count(HeaderContact))
		assert.Equal(t, &Raw{Value: "<sip:alias2@host2.example.com>"}, m.Headers.Get("C%6Fntact"))
	}},
	// §3.1.1.6 Message with No LWS between Display Name and <.
	{file: "valid/lwsdisp.dat", check: func(t *testing.T, m *Message) {
		from := m.From()
		assert.Equal(t, "caller", from.Display)
		assert.Equal(t, "sip:caller@example.com", from.URI.String())
		assert.Equal(t, "323", from.Tag())
	}},
	// §3.1.1.7 Long Values in Header Fields: long names, values and 34 Via
	// values in every case and compact spelling.
	{file: "valid/longreq.dat", check: func(t *testing.T, m *Message) {
		to := m.To()
		assert.True(t, strings.HasPrefix(to.DisplayName(), "I have a user name of extremeextreme"))
		assert.Equal(t, 6000, to.URI.Port)
		v, _ := to.URI.Params.Get("unknownparam1")
		assert.True(t, strings.HasPrefix(v, "verylonglonglong"))
		i := m.Headers.Index(HeaderFrom)
		assert.True(t, m.Headers[i].Compact, `"F:"`)
		assert.True(t, strings.HasPrefix(m.From().URI.User, "amazinglylongcallername"))
		assert.True(t, strings.HasPrefix(m.CallID(), "longreq.onereallyreally"))
		vias := slices.Collect(m.Vias())
		require.Len(t, vias, 34)
		assert.Equal(t, "sip33.example.com", vias[0].Host)
		assert.Equal(t, "sip1.example.com", vias[32].Host)
		assert.Equal(t, "host.example.com", vias[33].Host)
		assert.Equal(t, "192.0.2.5", vias[33].Received())
		assert.Greater(t, len(vias[33].Branch()), 200)
		for _, h := range m.Headers {
			if strings.HasPrefix(h.Name, "Unknown-LongLong") {
				assert.True(t, strings.HasPrefix(h.Value.String(), "unknown-longlong"))
			}
		}
		assert.Len(t, m.Body, 150)
	}},
	// §3.1.1.8 Extra Trailing Octets in a UDP Datagram: only the first
	// message counts; its body stops at Content-Length (0), the INVITE that
	// follows is discarded.
	{file: "valid/dblreq.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, MethodRegister, m.Method)
		assert.Equal(t, "dblreq.0ha0isndaksdj99sdfafnl3lk233412", m.CallID())
		assert.Nil(t, m.Body)
		assert.NotContains(t, m.String(), "INVITE")
	}},
	// §3.1.1.9 Semicolon-Separated Parameters in URI User Part.
	{file: "valid/semiuri.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, URI{Scheme: "sip", User: "user;par=u%40example.net", Host: "example.com"}, *m.RequestURI)
		var accept []string
		for v := range m.Headers.Values(HeaderAccept) {
			accept = append(accept, v.String())
		}
		assert.Equal(t, []string{"application/sdp", "application/pkcs7-mime", "multipart/mixed",
			"multipart/signed", "message/sip", "message/sipfrag"}, accept)
	}},
	// §3.1.1.10 Varied and Unknown Transport Types.
	{file: "valid/transports.dat", check: func(t *testing.T, m *Message) {
		var transports []string
		for v := range m.Vias() {
			transports = append(transports, v.Transport)
		}
		assert.Equal(t, []string{"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"}, transports)
		assert.Equal(t, "transports.kijh4akdnaqjkwendsasfdj", m.CallID())
	}},
	// §3.1.1.11 Multipart MIME Message: the body is taken byte for byte,
	// binary parts included.
	{file: "valid/mpart01.dat", check: func(t *testing.T, m *Message) {
		ct := m.ContentType()
		require.NotNil(t, ct)
		assert.True(t, ct.Is("multipart", "mixed"))
		b, _ := ct.Params.Get("boundary")
		assert.Equal(t, "7a9cbec02ceef655", b)
		assert.Len(t, m.Body, 553)
		assert.True(t, bytes.HasPrefix(m.Body, []byte("--7a9cbec02ceef655\r\n")))
		assert.True(t, bytes.HasSuffix(m.Body, []byte("--7a9cbec02ceef655--\r\n")))
		assert.Equal(t, &Raw{Value: "binary"}, m.Headers.Get("Content-Transfer-Encoding"))
	}},
	// §3.1.1.12 Unusual Reason Phrase: UTF-8 text.
	{file: "valid/unreason.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, StatusOK, m.StatusCode)
		assert.Equal(t, "= 2**3 * 5**2 но сто девяносто девять - простое", m.Reason)
		assert.Len(t, m.Body, 154)
	}},
	// §3.1.1.13 Empty Reason Phrase.
	{file: "valid/noreason.dat", check: func(t *testing.T, m *Message) {
		assert.True(t, m.IsResponse())
		assert.Equal(t, 100, m.StatusCode)
		assert.Equal(t, "", m.Reason)
	}},

	// §3.1.2.1 Extraneous Header Field Separators: 400.
	{file: "invalid/badinv01.dat", err: ErrInvalidHeader, line: 7, header: "Via"},
	// §3.1.2.2 Content Length Larger Than Message: 400 for a datagram.
	{file: "invalid/clerr.dat", err: ErrBadContentLength, line: 10, header: "Content-Length"},
	// §3.1.2.3 Negative Content-Length: an error, the datagram discarded.
	{file: "invalid/ncl.dat", err: ErrBadContentLength, line: 10, header: "Content-Length"},
	// §3.1.2.4 Request Scalar Fields with Overlarge Values: 400 for the CSeq.
	{file: "invalid/scalar02.dat", err: ErrInvalidHeader, line: 5, header: "CSeq"},
	// §3.1.2.5 Response Scalar Fields with Overlarge Values: discarded.
	{file: "invalid/scalarlg.dat", err: ErrInvalidHeader, line: 5, header: "CSeq"},
	// §3.1.2.6 Unterminated Quoted String in Display Name: 400.
	{file: "invalid/quotbal.dat", err: ErrInvalidHeader, line: 2, header: "To"},
	// §3.1.2.7 <> Enclosing Request-URI: 400.
	{file: "invalid/ltgtruri.dat", err: ErrBadStartLine, line: 1},
	// §3.1.2.8 Malformed SIP Request-URI (embedded LWS): 400.
	{file: "invalid/lwsruri.dat", err: ErrBadStartLine, line: 1},
	// §3.1.2.9 Multiple SP Separating Request-Line Elements: rejecting it is
	// acceptable, and keeps the extra SP from being forwarded.
	{file: "invalid/lwsstart.dat", err: ErrBadStartLine, line: 1},
	// §3.1.2.10 SP Characters at End of Request-Line: likewise.
	{file: "invalid/trws.dat", err: ErrBadStartLine, line: 1},
	// §3.1.2.11 Escaped Headers in SIP Request-URI: the element may 400 or
	// ignore them; the parser keeps them apart so that it can do either.
	{file: "invalid/escruri.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, URI{Scheme: "sip", User: "user", Host: "example.com",
			Headers: Params{{Name: "Route", Value: "%3Csip:example.com%3E"}}}, *m.RequestURI)
	}},
	// §3.1.2.12 Invalid Time Zone in Date Header Field: an element that does
	// not need Date may ignore it; the value is kept as text.
	{file: "invalid/baddate.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, &Text{Value: "Fri, 01 Jan 2010 16:00:00 EST"}, m.Headers.Get(HeaderDate))
	}},
	// §3.1.2.13 Failure to Enclose name-addr URI in <>: a URI with headers
	// in addr-spec form; 400 is the reasonable answer.
	{file: "invalid/regbadct.dat", err: ErrInvalidHeader, line: 8, header: "Contact"},
	// §3.1.2.14 Spaces within addr-spec: 400.
	{file: "invalid/badaspec.dat", err: ErrInvalidURI, line: 5, header: "To"},
	// §3.1.2.15 Non-token Characters in Display Name: 400. (The file has no
	// empty line after its last header, which Parse tolerates, so the
	// display name is what fails.)
	{file: "invalid/baddn.dat", err: ErrInvalidHeader, line: 4, header: "From"},
	// §3.1.2.16 Unknown Protocol Version: parsed, answered with 505.
	{file: "invalid/badvers.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, "SIP/7.0", m.Version)
		assert.Equal(t, "7.0", m.TopVia().Version)
	}, validate: ErrBadVersion, status: StatusVersionNotSupported},
	// §3.1.2.17 Start Line and CSeq Method Mismatch: 400.
	{file: "invalid/mismatch01.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, MethodOptions, m.Method)
		assert.Equal(t, MethodInvite, m.CSeq().Method)
	}, validate: ErrCSeqMismatch, status: StatusBadRequest},
	// §3.1.2.18 Unknown Method with CSeq Method Mismatch: 400, not 501.
	{file: "invalid/mismatch02.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, "NEWMETHOD", m.Method)
		assert.Equal(t, MethodInvite, m.CSeq().Method)
	}, validate: ErrCSeqMismatch, status: StatusBadRequest},
	// §3.1.2.19 Overlarge Response Code: dropped.
	{file: "invalid/bigcode.dat", err: ErrBadStartLine, line: 1},

	// §3.2.1 Missing Transaction Identifier: the branch is the bare magic
	// cookie; the parser must not break, the element may 400 or fall back
	// to RFC 2543 matching.
	{file: "invalid/badbranch.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, MagicCookie, m.TopVia().Branch())
	}},

	// §3.3.1 Missing Required Header Fields: no Call-ID, From, To or
	// Max-Forwards; 400.
	{file: "invalid/insuf.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, "", m.CallID())
		assert.Nil(t, m.From())
		assert.Nil(t, m.To())
		_, ok := m.MaxForwards()
		assert.False(t, ok)
	}, validate: ErrMissingHeader, status: StatusBadRequest},
	// §3.3.2 Request-URI with Unknown Scheme: 416; the URI stays opaque.
	{file: "invalid/unkscm.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, URI{Scheme: "nobodyKnowsThisScheme", Opaque: "totallyopaquecontent"}, *m.RequestURI)
		assert.False(t, m.RequestURI.IsSIP())
	}},
	// §3.3.3 Request-URI with Known but Atypical Scheme: 416 as well.
	{file: "invalid/novelsc.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, URI{Scheme: "soap.beep", Opaque: "//192.0.2.103:3002"}, *m.RequestURI)
		assert.False(t, m.RequestURI.IsSIP())
	}},
	// §3.3.4 Unknown URI Schemes in Header Fields: syntactically valid,
	// the URIs are kept opaque.
	{file: "invalid/unksm2.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, URI{Scheme: "isbn", Opaque: "2983792873"}, m.To().URI)
		assert.Equal(t, URI{Scheme: "http", Opaque: "//www.example.com"}, m.From().URI)
		assert.Equal(t, "3234233", m.From().Tag())
		contacts := slices.Collect(m.Contacts())
		require.Len(t, contacts, 1)
		assert.Equal(t, URI{Scheme: "name", Opaque: "John_Smith"}, contacts[0].URI)
	}},
	// §3.3.5 Proxy-Require and Require: 420 listing the option tags.
	{file: "invalid/bext01.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, []string{"nothingSupportsThis", "nothingSupportsThisEither"}, slices.Collect(m.Headers.Tokens(HeaderRequire)))
		assert.Equal(t, []string{"noProxiesSupportThis", "norDoAnyProxiesSupportThis"}, slices.Collect(m.Headers.Tokens(HeaderProxyRequire)))
	}},
	// §3.3.6 Unknown Content-Type: 415 with an Accept header.
	{file: "invalid/invut.dat", check: func(t *testing.T, m *Message) {
		assert.True(t, m.ContentType().Is("application", "unknownformat"))
		assert.Len(t, m.Body, 40)
	}},
	// §3.3.7 Unknown Authorization Scheme: well formed; forwarded unchanged
	// or answered with 401.
	{file: "invalid/regaut01.dat", check: func(t *testing.T, m *Message) {
		auth, ok := m.Headers.Get(HeaderAuthorization).(*Auth)
		require.True(t, ok)
		assert.Equal(t, &Auth{Scheme: "NoOneKnowsThisScheme", Params: Params{{Name: "opaque-data", Value: "here"}}}, auth)
		assert.Contains(t, m.String(), "\r\nAuthorization: NoOneKnowsThisScheme opaque-data=here\r\n")
	}},
	// §3.3.8 Multiple Values in Single Value Required Fields: 400.
	{file: "invalid/multi01.dat", check: func(t *testing.T, m *Message) {
		for _, name := range []string{HeaderCallID, HeaderTo, HeaderFrom, HeaderMaxForwards, HeaderCSeq} {
			assert.Equal(t, 2, m.Headers.Count(name), name)
		}
	}, validate: ErrDuplicateHeader, status: StatusBadRequest},
	// §3.3.9 Multiple Content-Length Values: the framing is unknown, the
	// message refused (and a stream closed).
	{file: "invalid/mcl01.dat", err: ErrBadContentLength, line: 9, header: "Content-Length"},
	// §3.3.10 200 OK Response with Broadcast Via Header Field Value: well
	// formed; the second Via lets a proxy see the broadcast and drop it.
	{file: "invalid/bcast.dat", check: func(t *testing.T, m *Message) {
		vias := slices.Collect(m.Vias())
		require.Len(t, vias, 2)
		assert.Equal(t, "255.255.255.255", vias[1].Host)
	}},
	// §3.3.11 Max-Forwards of Zero: a proxy answers 483, an endpoint
	// processes it.
	{file: "invalid/zeromf.dat", check: func(t *testing.T, m *Message) {
		mf, ok := m.MaxForwards()
		assert.True(t, ok)
		assert.Equal(t, 0, mf)
	}},
	// §3.3.12 REGISTER with a Contact Header Parameter: addr-spec form, so
	// "unknownparam" is a contact parameter, not a URI parameter.
	{file: "invalid/cparam01.dat", check: func(t *testing.T, m *Message) {
		c := slices.Collect(m.Contacts())
		require.Len(t, c, 1)
		assert.Equal(t, "sip:+19725552222@gw1.example.net", c[0].URI.String())
		assert.Equal(t, Params{{Name: "unknownparam"}}, c[0].Params)
	}},
	// §3.3.13 REGISTER with a url-parameter: inside <>, a URI parameter.
	{file: "invalid/cparam02.dat", check: func(t *testing.T, m *Message) {
		c := slices.Collect(m.Contacts())
		require.Len(t, c, 1)
		assert.Equal(t, Params{{Name: "unknownparam"}}, c[0].URI.Params)
		assert.Nil(t, c[0].Params)
	}},
	// §3.3.14 REGISTER with a URL Escaped Header: accepted; the registrar
	// stores the escaped header with the contact.
	{file: "invalid/regescrt.dat", check: func(t *testing.T, m *Message) {
		c := slices.Collect(m.Contacts())
		require.Len(t, c, 1)
		assert.Equal(t, Params{{Name: "Route", Value: "%3Csip:sip.example.com%3E"}}, c[0].URI.Headers)
	}},
	// §3.3.15 Unacceptable Accept Offering: 406.
	{file: "invalid/sdp01.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, []string{"text/nobodyKnowsThis"}, tortureValues(m.Headers, HeaderAccept))
		assert.True(t, m.ContentType().Is("application", "sdp"))
	}},

	// §3.4.1 INVITE with RFC 2543 Syntax: accepted for backward
	// compatibility; no branch, no From tag, no Max-Forwards, and no
	// Content-Length, so the body is the rest of the datagram.
	{file: "invalid/inv2543.dat", check: func(t *testing.T, m *Message) {
		assert.Equal(t, "", m.TopVia().Branch())
		assert.Equal(t, "", m.From().Tag())
		_, ok := m.MaxForwards()
		assert.False(t, ok)
		assert.Equal(t, -1, m.Headers.Index(HeaderContentLength))
		assert.True(t, bytes.HasPrefix(m.Body, []byte("v=0\r\n")))
		assert.True(t, bytes.HasSuffix(m.Body, []byte("m=audio 49217 RTP/AVP 0\r\n")))
		// addr-spec: user=phone is a parameter of the To header.
		assert.Equal(t, Params{{Name: "user", Value: "phone"}}, m.To().Params)
		assert.Equal(t, Params{{Name: "user", Value: "phone"}}, m.From().URI.Params)
	}},
}

// TestRFC4475 runs every torture message of RFC 4475 through Parse.
func TestRFC4475(t *testing.T) {
	if _, err := os.Stat(tortureDir); err != nil {
		t.Skipf("RFC 4475 messages not found at %s (shared test data): %v", tortureDir, err)
	}
	files, err := filepath.Glob(filepath.Join(tortureDir, "*", "*.dat"))
	require.NoError(t, err)
	var listed []string
	for _, tt := range tortureTests {
		listed = append(listed, filepath.Join(tortureDir, tt.file))
	}
	slices.Sort(listed)
	require.Equal(t, files, listed, "one table row per RFC 4475 message")
	require.Len(t, files, 49)

	for _, tt := range tortureTests {
		t.Run(strings.TrimSuffix(tt.file, ".dat"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(tortureDir, tt.file))
			require.NoError(t, err)
			m, err := Parse(data)
			if tt.err != nil {
				require.Error(t, err)
				assert.Nil(t, m)
				assert.ErrorIs(t, err, tt.err)
				var pe *ParseError
				require.True(t, errors.As(err, &pe))
				assert.Equal(t, tt.line, pe.Line, "line of %v", err)
				assert.Equal(t, tt.header, pe.Header)
				assert.Equal(t, StatusBadRequest, pe.StatusCode())
				return
			}
			require.NoError(t, err)
			tt.check(t, m)
			if tt.validate != nil {
				err := m.Validate()
				assert.ErrorIs(t, err, tt.validate)
				var ve *ValidationError
				if assert.True(t, errors.As(err, &ve)) {
					assert.Equal(t, tt.status, ve.StatusCode)
				}
			}
			// What an element forwards parses back to the same message.
			m2, err := Parse(m.Bytes())
			require.NoError(t, err)
			assert.Empty(t, messageDiff(m, m2))
		})
	}
}

func tortureNames(m *Message) []string {
	names := make([]string, len(m.Headers))
	for i, h := range m.Headers {
		names[i] = h.Name
	}
	return names
}

func tortureValues(hs Headers, name string) []string {
	var out []string
	for v := range hs.Values(name) {
		out = append(out, v.String())
	}
	return out
}
