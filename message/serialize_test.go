package message

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWireSize: the size Bytes allocates is the size Append writes, for
// every value type and for values built by hand as well as parsed ones.
func TestWireSize(t *testing.T) {
	uris := []*URI{
		nil,
		{Scheme: "sip", Host: "a.example"},
		{Scheme: "sips", User: "u%40x", Password: "pw", Host: "[2001:db8::1]", Port: 5061,
			Params:  Params{{Name: "transport", Value: "tls"}, {Name: "lr"}},
			Headers: Params{{Name: "Subject", Value: "x"}, {Name: "h", Value: ""}}},
		{Scheme: "sip", Password: "only", Host: "h", Port: -1},
		{Scheme: "tel", User: "+1-201-555-0123", Params: Params{{Name: "ext", Value: "12"}}},
		{Scheme: "http", Opaque: "//www.example.com/a?b"},
	}
	params := Params{{Name: "tag", Value: "1"}, {Name: "lr"}, {Name: "x", Value: `a \"b\"`, Quoted: true}, {Name: "q", Quoted: true}}
	values := []Value{
		&Raw{Value: "anything, at all"},
		&Text{Value: "sippet"},
		&Token{Value: "INVITE"},
		&Token{Value: "session", Params: params},
		&Address{Wildcard: true},
		&Address{URI: *uris[1]},
		&Address{Display: `"A \"B\""`, URI: *uris[2], Params: params},
		&Via{Transport: "UDP", Host: "h"},
		&Via{Protocol: "SIP", Version: "2.0", Transport: "TLS", Host: "[::1]", Port: 65535, Params: params},
		&CSeq{Seq: math.MaxUint32, Method: "INVITE"},
		&CSeq{Method: "ACK"},
		&Number{Value: 0},
		&Number{Value: -12345},
		&Number{Value: math.MinInt64},
		&MediaType{Type: "application", Subtype: "sdp", Params: params},
		&Auth{Scheme: "Digest", Params: params},
		&Auth{Params: params},
		&Auth{Scheme: "Basic"},
		&Interval{Seconds: 120, Comment: "in a (nested) meeting", Params: params},
		&Interval{Seconds: -1},
		&RAck{RSeq: 776656, CSeq: 1, Method: "INVITE"},
		&Warning{Code: 307, Agent: "isi.edu", Text: "x"},
		&Warning{Code: 7, Agent: "h:5060"},
		&Warning{Code: 1000, Agent: "a", Text: `q\"`},
		&Warning{Code: -5, Agent: "a"},
		&Timestamp{Value: "54.21"},
		&Timestamp{Value: "54.21", Delay: "0.3"},
	}
	for _, v := range values {
		if n, want := valueSize(v), len(v.Append(nil)); n != want {
			t.Errorf("valueSize(%T %q) = %d, want %d", v, v.Append(nil), n, want)
		}
	}
	for _, u := range uris {
		if n, want := uriSize(u), len(u.Append(nil)); n != want {
			t.Errorf("uriSize(%q) = %d, want %d", u.Append(nil), n, want)
		}
	}
	// Whole messages, with every value, compact and joined names, and with
	// and without Content-Length.
	var hs Headers
	for i, v := range values {
		hs = append(hs, Header{Name: "X-" + string(rune('a'+i)), Value: v})
	}
	hs = append(hs,
		Header{Name: HeaderVia, Value: values[7], Compact: true},
		Header{Name: HeaderVia, Value: values[8], Joined: true},
		Header{Name: "Empty"},
	)
	for _, m := range []*Message{
		{Method: MethodInvite, RequestURI: uris[2], Headers: hs, Body: []byte("v=0\r\n")},
		{Method: MethodAck, Headers: hs},
		{StatusCode: 200, Reason: "OK", Version: "SIP/2.0", Headers: append(hs[:len(hs):len(hs)],
			Header{Name: HeaderContentLength, Value: &Number{Value: 99}},
			Header{Name: HeaderContentLength, Value: &Number{Value: 1}})},
		{StatusCode: 1000},
		{StatusCode: -1},
	} {
		if n, want := m.wireSize(), len(m.Append(nil)); n != want {
			t.Errorf("wireSize = %d, want %d: %q", n, want, m.Append(nil))
		}
	}
}

// TestHeaderInjection: no value that a program sets can add a line to the
// wire form. RFC 3261 §7.3.1 and §25.1 admit a CR or LF in a header field
// only in a line fold, and none in a token, a quoted-string, a URI (but as
// %0D and %0A) or the Reason-Phrase; Append writes each one as a space, so
// that the message keeps its header lines and its length.
func TestHeaderInjection(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *Message)
	}{
		{"Text", func(m *Message) { m.Headers.Set(HeaderSubject, &Text{Value: "hi\r\nX-Injected: 1"}) }},
		{"Raw", func(m *Message) { m.Headers.Add("X-Note", &Raw{Value: "hi\r\nX-Injected: 1"}) }},
		{"Raw with a bare LF", func(m *Message) { m.Headers.Add("X-Note", &Raw{Value: "hi\nX-Injected: 1"}) }},
		{"Raw with a bare CR", func(m *Message) { m.Headers.Add("X-Note", &Raw{Value: "hi\rX-Injected: 1"}) }},
		{"Raw ending the header block", func(m *Message) { m.Headers.Add("X-Note", &Raw{Value: "hi\r\n\r\nX-Injected: 1"}) }},
		{"Raw with a line fold", func(m *Message) { m.Headers.Add("X-Note", &Raw{Value: "hi\r\n X-Injected: 1"}) }},
		{"joined value", func(m *Message) {
			m.Headers.Add(HeaderSubject, &Text{Value: "a"})
			m.Headers = append(m.Headers, Header{Name: HeaderSubject, Value: &Text{Value: "b\r\nX-Injected: 1"}, Joined: true})
		}},
		{"Params.Set", func(m *Message) { m.From().Params.Set("tag", "1\r\nX-Injected: 1") }},
		{"Params.SetQuoted", func(m *Message) { m.From().Params.SetQuoted("x", "a\r\nX-Injected: 1\r\nX-Pad: ") }},
		{"Address.SetDisplayName", func(m *Message) { m.From().SetDisplayName("Bob\r\nX-Injected: 1\r\nX-Pad: ") }},
		{"URI.User in a header", func(m *Message) { m.To().URI.User = "bob\r\nX-Injected: 1\r\nX-Pad: " }},
		{"header name", func(m *Message) { m.Headers.Add("X-A: 1\r\nX-Injected", &Raw{Value: "1"}) }},
		{"Request-URI", func(m *Message) { m.RequestURI.User = "bob SIP/2.0\r\nX-Injected: 1\r\nX-Pad:" }},
		{"Method", func(m *Message) { m.Method = "INVITE sip:a SIP/2.0\r\nX-Injected: 1\r\nX-Pad:" }},
		{"Reason", func(m *Message) {
			m.Method, m.RequestURI, m.StatusCode, m.Reason = "", nil, 200, "OK\r\nX-Injected: 1"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(msgRequest))
			require.NoError(t, err)
			tt.edit(m)
			wire := m.Bytes()
			assert.Len(t, wire, m.Len())
			head, _, ok := bytes.Cut(wire, []byte("\r\n\r\n"))
			require.True(t, ok)
			// One line for the start line and each header that is not
			// joined to the one before, and no line end but CRLF.
			lines := 1
			for i, h := range m.Headers {
				if !h.Joined || i == 0 || m.Headers[i-1].Name != h.Name {
					lines++
				}
			}
			assert.Equal(t, lines, bytes.Count(head, []byte("\r\n"))+1, "%q", head)
			assert.Equal(t, bytes.Count(head, []byte("\n")), bytes.Count(head, []byte("\r\n")), "a bare LF: %q", head)
			assert.Equal(t, bytes.Count(head, []byte("\r")), bytes.Count(head, []byte("\r\n")), "a bare CR: %q", head)
			assert.NotContains(t, string(wire), "\nX-Injected")
		})
	}
}

// TestContentLengthName: a Content-Length built by hand under another
// spelling of its name (RFC 3261 §7.3.1, §7.3.3) is still the one Append
// writes the body's length in, and the only one.
func TestContentLengthName(t *testing.T) {
	for _, name := range []string{"content-length", "CONTENT-LENGTH", "l", "L"} {
		m := &Message{StatusCode: 200, Reason: "OK",
			Headers: Headers{{Name: name, Value: &Number{Value: 99}}}, Body: []byte("abc")}
		want := "SIP/2.0 200 OK\r\n" + name + ": 3\r\n\r\nabc"
		assert.Equal(t, want, m.String())
		assert.Equal(t, len(want), m.Len())
	}
}

// TestTypedNilValues: a Value that is a nil pointer, which a program may
// set, is an empty header, as a nil Value is: writing, sizing, cloning and
// answering the message never dereference it, and the iterators skip it.
func TestTypedNilValues(t *testing.T) {
	values := []Value{(*Raw)(nil), (*Text)(nil), (*Token)(nil), (*TokenList)(nil), (*Address)(nil),
		(*Via)(nil), (*CSeq)(nil), (*Number)(nil), (*MediaType)(nil), (*Auth)(nil), (*Interval)(nil),
		(*RAck)(nil), (*Warning)(nil), (*Timestamp)(nil)}
	for _, v := range values {
		t.Run(fmt.Sprintf("%T", v), func(t *testing.T) {
			assert.Empty(t, v.String())
			assert.Empty(t, v.Append(nil))
			assert.Nil(t, v.Clone())
			req, err := Parse([]byte(msgRequest))
			require.NoError(t, err)
			for _, name := range []string{HeaderVia, HeaderContact, HeaderRoute, HeaderTimestamp, "X-Nil"} {
				req.Headers.Add(name, v)
			}
			wire := string(req.Bytes())
			assert.Len(t, wire, req.Len())
			assert.Contains(t, wire, "\r\nX-Nil: \r\n")
			assert.Equal(t, wire, req.Clone().String())
			copied := *req
			copied.Headers = req.Headers.Clone()
			assert.Equal(t, wire, copied.String())
			for via := range req.Vias() {
				assert.NotNil(t, via)
			}
			for a := range req.Contacts() {
				assert.NotNil(t, a)
			}
			resp := NewResponse(req, StatusOK, "")
			assert.Len(t, resp.Bytes(), resp.Len())
		})
	}
}
