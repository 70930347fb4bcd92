package message

import (
	"math"
	"testing"
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
