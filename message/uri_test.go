package message

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validURITests lists URIs that must parse, with every field expected.
var validURITests = []struct {
	in   string
	want URI
}{
	{"sip:atlanta.com", URI{Scheme: "sip", Host: "atlanta.com"}},
	{"sip:alice@atlanta.com", URI{Scheme: "sip", User: "alice", Host: "atlanta.com"}},
	{"sips:alice@atlanta.com:5061", URI{Scheme: "sips", User: "alice", Host: "atlanta.com", Port: 5061}},
	{"SIP:Alice@AtLanTa.CoM", URI{Scheme: "SIP", User: "Alice", Host: "AtLanTa.CoM"}},
	// RFC 3261 §19.1.3 examples.
	{"sip:alice:secretword@atlanta.com;transport=tcp", URI{
		Scheme: "sip", User: "alice", Password: "secretword", Host: "atlanta.com",
		Params: Params{{Name: "transport", Value: "tcp"}},
	}},
	{"sip:+1-212-555-1212:1234@gateway.com;user=phone", URI{
		Scheme: "sip", User: "+1-212-555-1212", Password: "1234", Host: "gateway.com",
		Params: Params{{Name: "user", Value: "phone"}},
	}},
	{"sip:alice@192.0.2.4", URI{Scheme: "sip", User: "alice", Host: "192.0.2.4"}},
	{"sip:alice;day=tuesday@atlanta.com", URI{Scheme: "sip", User: "alice;day=tuesday", Host: "atlanta.com"}},
	{"sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com", URI{
		Scheme: "sip", Host: "atlanta.com",
		Params:  Params{{Name: "method", Value: "REGISTER"}},
		Headers: Params{{Name: "to", Value: "alice%40atlanta.com"}},
	}},
	{"sips:alice@atlanta.com?subject=project%20x&priority=urgent", URI{
		Scheme: "sips", User: "alice", Host: "atlanta.com",
		Headers: Params{{Name: "subject", Value: "project%20x"}, {Name: "priority", Value: "urgent"}},
	}},
	{"sip:[2001:db8::10]:5070", URI{Scheme: "sip", Host: "[2001:db8::10]", Port: 5070}},
	{"sip:alice@[2001:db8::10]", URI{Scheme: "sip", User: "alice", Host: "[2001:db8::10]"}},
	{"sip:[::ffff:192.0.2.1];transport=udp", URI{
		Scheme: "sip", Host: "[::ffff:192.0.2.1]", Params: Params{{Name: "transport", Value: "udp"}},
	}},
	{"sip:bigbox3.site3.atlanta.com;lr", URI{
		Scheme: "sip", Host: "bigbox3.site3.atlanta.com", Params: Params{{Name: "lr"}},
	}},
	{"sip:p1.example.com:5080;lr;transport=TCP;maddr=239.255.255.1;ttl=15", URI{
		Scheme: "sip", Host: "p1.example.com", Port: 5080,
		Params: Params{{Name: "lr"}, {Name: "transport", Value: "TCP"}, {Name: "maddr", Value: "239.255.255.1"}, {Name: "ttl", Value: "15"}},
	}},
	{"sip:%61lice@atlanta.com", URI{Scheme: "sip", User: "%61lice", Host: "atlanta.com"}},
	// RFC 4475 §3.1.1 semiuri: the user part holds ";" and an escaped "@".
	{"sip:user;par=u%40example.net@example.com", URI{Scheme: "sip", User: "user;par=u%40example.net", Host: "example.com"}},
	// RFC 4475 §3.1.1 esc01: escaped ":" and "@" in the user part, escapes
	// in parameter names and values.
	{"sip:sips%3Auser%40example.com@example.net", URI{Scheme: "sip", User: "sips%3Auser%40example.com", Host: "example.net"}},
	{"sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31", URI{
		Scheme: "sip", User: "cal%6Cer", Host: "host5.example.net",
		Params: Params{{Name: "%6C%72"}, {Name: "n%61me", Value: "v%61lue%25%34%31"}},
	}},
	// RFC 4475 §3.1.1 escnull and intmeth: escaped NULs, and every character
	// that a user part and a password may hold.
	{"sip:%00%00@host5.example.com", URI{Scheme: "sip", User: "%00%00", Host: "host5.example.com"}},
	{"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com", URI{
		Scheme: "sip", User: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
		Password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", Host: "example.com",
	}},
	{"sip:user?x=1@example.com", URI{Scheme: "sip", User: "user?x=1", Host: "example.com"}},
	{"sip:user:@host.example", URI{Scheme: "sip", User: "user", Host: "host.example"}},
	{"sip:alice@atlanta.com:05060", URI{Scheme: "sip", User: "alice", Host: "atlanta.com", Port: 5060}},
	// port = 1*DIGIT (§25.1): the value counts, not the digits.
	{"sip:host.example:005060", URI{Scheme: "sip", Host: "host.example", Port: 5060}},
	// IPv6address = hexpart [ ":" IPv4address ], whose IPv4address has
	// 1*3DIGIT parts (§25.1), leading zeros included, as in a bare IPv4 host.
	{"sip:[::ffff:192.000.002.001]", URI{Scheme: "sip", Host: "[::ffff:192.000.002.001]"}},
	{"sip:192.000.002.001", URI{Scheme: "sip", Host: "192.000.002.001"}},
	{"sip:example.com.", URI{Scheme: "sip", Host: "example.com."}},
	{"sip:a@h.example;p=%5B1%5D?Replaces=abc@d.example%3Bto-tag%3D1&empty=", URI{
		Scheme: "sip", User: "a", Host: "h.example",
		Params:  Params{{Name: "p", Value: "%5B1%5D"}},
		Headers: Params{{Name: "Replaces", Value: "abc@d.example%3Bto-tag%3D1"}, {Name: "empty"}},
	}},
	// RFC 3966 tel URIs.
	{"tel:+1-201-555-0123", URI{Scheme: "tel", User: "+1-201-555-0123"}},
	{"TEL:+44(0)20.7946.0000", URI{Scheme: "TEL", User: "+44(0)20.7946.0000"}},
	{"tel:7042;phone-context=example.com", URI{
		Scheme: "tel", User: "7042", Params: Params{{Name: "phone-context", Value: "example.com"}},
	}},
	{"tel:863-1234;phone-context=+1-914-555", URI{
		Scheme: "tel", User: "863-1234", Params: Params{{Name: "phone-context", Value: "+1-914-555"}},
	}},
	// A short code without phone-context is accepted (see parseTelURI).
	{"tel:911", URI{Scheme: "tel", User: "911"}},
	{"tel:*69#;phone-context=example.com", URI{
		Scheme: "tel", User: "*69#", Params: Params{{Name: "phone-context", Value: "example.com"}},
	}},
	{"tel:+1-201-555-0123;ext=1234;isub=a%2Fb:c;tgrp=TG-1", URI{
		Scheme: "tel", User: "+1-201-555-0123",
		Params: Params{{Name: "ext", Value: "1234"}, {Name: "isub", Value: "a%2Fb:c"}, {Name: "tgrp", Value: "TG-1"}},
	}},
	// Other schemes stay opaque.
	{"http://example.com/x", URI{Scheme: "http", Opaque: "//example.com/x"}},
	{"urn:service:sos", URI{Scheme: "urn", Opaque: "service:sos"}},
	{"mailto:a@b", URI{Scheme: "mailto", Opaque: "a@b"}},
	{"im:alice@atlanta.com", URI{Scheme: "im", Opaque: "alice@atlanta.com"}},
	// RFC 4475 §3.3 novelsc and unkscm: schemes nobody knows still parse.
	{"soap.beep://192.0.2.103:3002", URI{Scheme: "soap.beep", Opaque: "//192.0.2.103:3002"}},
	{"nobodyKnowsThisScheme:totallyopaquecontent", URI{Scheme: "nobodyKnowsThisScheme", Opaque: "totallyopaquecontent"}},
}

func TestParseURI(t *testing.T) {
	for _, tt := range validURITests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURI(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want.Scheme, u.Scheme, "Scheme")
			assert.Equal(t, tt.want.User, u.User, "User")
			assert.Equal(t, tt.want.Password, u.Password, "Password")
			assert.Equal(t, tt.want.Host, u.Host, "Host")
			assert.Equal(t, tt.want.Port, u.Port, "Port")
			assert.Equal(t, tt.want.Params, u.Params, "Params")
			assert.Equal(t, tt.want.Headers, u.Headers, "Headers")
			assert.Equal(t, tt.want.Opaque, u.Opaque, "Opaque")
		})
	}
}

func TestParseURIInvalid(t *testing.T) {
	tests := []string{
		"",
		"sip:",
		"sip:@host",
		"sip::pw@host",
		"sip:host:",
		"sip:host:99999",
		"sip:host:65536",
		"sip:host:0",
		"sip:host:50a",
		"sip:host:123456",
		"sip:host:0000065536",
		"sip:host:00000",
		"sip:[::ffff:192.000.002.256]",
		"sip:[::ffff:192.000.002]",
		"sip:[1::2::192.000.002.001]",
		"sip:[::ffff:0192.0.2.1]",
		"sip:[::ffff:192.0.2.1.]",
		"sip:ho st",
		" sip:host",
		"sip:host ",
		"sip:user@[::1",
		"sip:[::1]x",
		"sip:[1.2.3.4]",
		"sip:[]",
		"sip:[fe80::1%25eth0]",
		"sip:[2001:db8:::1]",
		"sip:%G1@host",
		"sip:a%4@host",
		"sip:a%@host",
		"sip:host;p=%zz",
		"sip:host\r\n",
		"sip:host\x00",
		"sip:us\ter@host",
		"sip:user\x7f@host",
		"sip:\xc3\xa9@host",
		"atlanta.com",
		"alice@atlanta.com",
		"1sip:host",
		":host",
		"sip:host;=v",
		"sip:host;",
		"sip:host;;lr",
		"sip:host;a=",
		"sip:host;a=b=c",
		"sip:host;a=b c",
		"sip:host?",
		"sip:host?a",
		"sip:host?=b",
		"sip:host?a=1&&b=2",
		"sip:host?a=b;c",
		"sip:<host>",
		"sip:host>",
		"sip:alice@atlanta.com>",
		"sip:a\"b@host",
		"sip:1.2.3.256",
		"sip:1.2.3",
		"sip:-host",
		"sip:host-",
		"sip:a..b",
		"sip:.host",
		"sip:example.123",
		"sip:ho_st",
		"sip:a@b@c",
		"sip:user:pa:ss@host",
		"sip:user:p;w@host",
		"tel:",
		"tel:+",
		"tel:+-",
		"tel:+12a",
		"tel:+1 234",
		"tel:+1;;ext=1",
		"tel:+1;ext=",
		"tel:+1;ext",
		"tel:+1;ext=x",
		"tel:+1;phone-context=",
		"tel:1;phone-context=+",
		"tel:1;phone-context=-bad",
		"tel:+1;isub",
		"tel:+1;a_b=1",
		"tel:+1;a=<",
		"tel:+1?x=1",
		"http:",
		"http:x y",
		"http:<x>",
		"http:\"x\"",
		"http:x\x7f",
		"ht_tp:x",
	}
	for _, in := range tests {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			u, err := ParseURI(in)
			assert.Nil(t, u)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidURI), "error %v does not wrap ErrInvalidURI", err)
		})
	}
}

func TestParseURIErrorDetail(t *testing.T) {
	_, err := ParseURI("sip:%G1@host")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid escape "%G1" in user part`)
	_, err = ParseURI("sip:host:99999")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid port "99999"`)
}

// TestParseURISharedBuffer checks the contract with the message parser:
// parameters go into the shared buffer, the result is capped so that an
// append by the user cannot overwrite the next URI's parameters, and a
// failed parse leaves the buffer as it was.
func TestParseURISharedBuffer(t *testing.T) {
	pb := make([]Param, 0, 16)
	var u1, u2, bad URI
	require.NoError(t, parseURI("sip:a@h1;x=1;y=2?h=1", &u1, &pb))
	require.NoError(t, parseURI("sip:b@h2;z=3", &u2, &pb))
	require.Len(t, pb, 4)
	assert.Equal(t, len(u1.Params), cap(u1.Params))
	assert.Equal(t, len(u1.Headers), cap(u1.Headers))

	u1.Params = append(u1.Params, Param{Name: "w"})
	assert.Equal(t, Params{{Name: "z", Value: "3"}}, u2.Params)

	require.Error(t, parseURI("sip:c@h3;a=1;b=2;=", &bad, &pb))
	assert.Len(t, pb, 4)
	assert.Equal(t, URI{}, bad)

	var u3 URI
	require.NoError(t, parseURI("sip:h3", &u3, &pb))
	assert.Nil(t, u3.Params, "a URI without parameters has nil Params")
	assert.Nil(t, u3.Headers)

	var nilBuf []Param
	require.NoError(t, parseURI("sip:h;lr", &u3, &nilBuf))
	assert.Equal(t, Params{{Name: "lr"}}, u3.Params)
}

func TestURIRoundTrip(t *testing.T) {
	for _, tt := range validURITests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURI(tt.in)
			require.NoError(t, err)
			again, err := ParseURI(u.String())
			require.NoError(t, err, "reparse of %q", u.String())
			assert.Equal(t, u, again)
			assert.True(t, u.Equal(again))
		})
	}
}

func TestURIString(t *testing.T) {
	for _, in := range []string{
		"sip:alice:secretword@atlanta.com;transport=tcp",
		"sips:alice@atlanta.com?subject=project%20x&priority=urgent",
		"sip:[2001:db8::10]:5070;lr",
		"tel:+1-201-555-0123;ext=1234",
		"urn:service:sos",
	} {
		u, err := ParseURI(in)
		require.NoError(t, err)
		assert.Equal(t, in, u.String())
		assert.Equal(t, "x<"+in, string(u.Append([]byte("x<"))))
	}

	u := &URI{Scheme: "sip", User: "bob", Host: "biloxi.com", Port: 5060,
		Params: Params{{Name: "lr"}, {Name: "x", Value: "y", Quoted: true}}}
	assert.Equal(t, "sip:bob@biloxi.com:5060;lr;x=y", u.String())

	var nilURI *URI
	assert.Equal(t, "", nilURI.String())
}

// TestURIEqual holds the examples of RFC 3261 §19.1.4, then cases that
// exercise each rule of that section and of RFC 3966 §4.
func TestURIEqual(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		// RFC 3261 §19.1.4: "The URIs within each of the following sets are equivalent".
		{"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp", true},
		{"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", true},
		{"sip:carol@chicago.com", "sip:carol@chicago.com;security=on", true},
		{"sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on", true},
		{"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
			"sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com", true},
		{"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
			"sip:alice@atlanta.com?priority=urgent&subject=project%20x", true},
		// RFC 3261 §19.1.4: "The URIs within each of the following sets are not equivalent".
		{"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP", false}, // different usernames
		{"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060", false},                              // can resolve to different ports
		{"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp", false},                     // can resolve to different transports
		{"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp", false},                // different port and transport
		{"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting", false},      // different header component
		{"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4", false},                        // even though that's what it resolves to
		// RFC 3261 §19.1.4: "Note that equality is not transitive".
		{"sip:carol@chicago.com", "sip:carol@chicago.com;security=off", true},
		{"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off", false},

		// Scheme: sip never equals sips.
		{"sip:alice@atlanta.com", "sips:alice@atlanta.com", false},
		{"SIPS:alice@atlanta.com", "sips:alice@atlanta.com", true},
		// Userinfo is case-sensitive after decoding unreserved escapes only.
		{"sip:alice:Secret@atlanta.com", "sip:alice:secret@atlanta.com", false},
		{"sip:alice:s%65cret@atlanta.com", "sip:alice:secret@atlanta.com", true},
		{"sip:alice:secret@atlanta.com", "sip:alice@atlanta.com", false},
		{"sip:a%3Bb@atlanta.com", "sip:a;b@atlanta.com", false},
		{"sip:a%3bb@atlanta.com", "sip:a%3Bb@atlanta.com", true},
		{"sip:alice@atlanta.com", "sip:atlanta.com", false},
		// Host ignores case; IPv6 references compare as addresses, with the
		// leading zeros of a dotted tail too.
		{"sip:[::ffff:192.000.002.001]", "sip:[::FFFF:c000:201]", true},
		{"sip:[::ffff:192.000.002.001]", "sip:[::ffff:192.0.2.2]", false},
		{"sip:[2001:DB8::1]", "sip:[2001:db8:0:0:0:0:0:1]", true},
		{"sip:[2001:db8::1]", "sip:[2001:db8::2]", false},
		{"sip:atlanta.com:5060", "sip:ATLANTA.COM:5060", true},
		// user, ttl, method, maddr, transport count when present in one only.
		{"sip:1234@gw.example;user=phone", "sip:1234@gw.example", false},
		{"sip:h.example;ttl=1", "sip:h.example", false},
		{"sip:h.example;method=INVITE", "sip:h.example", false},
		{"sip:h.example;maddr=239.255.255.1", "sip:h.example", false},
		{"sip:h.example;maddr=239.255.255.1", "sip:h.example;MADDR=239.255.255.1", true},
		{"sip:h.example;lr", "sip:h.example", true},
		{"sip:h.example;lr", "sip:h.example;lr=on", false},
		{"sip:h.example;x=%41", "sip:h.example;X=a", true},
		{"sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
			"sip:caller@host5.example.net;lr;name=value%2541", true}, // RFC 4475 esc01
		// Headers must all match, names ignoring case, in any order.
		{"sip:h.example?Subject=a&x=1", "sip:h.example?x=1&subject=a", true},
		{"sip:h.example?subject=a", "sip:h.example?subject=A", false},
		{"sip:h.example?x=1&x=1", "sip:h.example?x=1&x=2", false},
		{"sip:h.example?x=1&x=2", "sip:h.example?x=2&x=1", true},
		{"sip:h.example?x=1", "sip:h.example?x=1&x=1", false},
		{"sip:h.example?x=%31", "sip:h.example?x=1", true},

		// RFC 3966 §4: visual separators are ignored, parameters in any order.
		{"tel:+1-201-555-0123", "tel:+1.201.555.0123", true},
		{"tel:+1-201-555-0123", "tel:+1(201)5550123", true},
		{"tel:+1-201-555-0123", "TEL:+12015550123", true},
		{"tel:+1-201-555-0123", "tel:+1-201-555-0124", false},
		{"tel:+1-201-555-0123", "tel:+1-201-555-012", false},
		{"tel:7042;phone-context=example.com", "tel:7042;PHONE-CONTEXT=EXAMPLE.COM", true},
		{"tel:7042;phone-context=example.com", "tel:7042;phone-context=example.net", false},
		{"tel:863-1234;phone-context=+1-914-555", "tel:8631234;phone-context=+1914555", true},
		{"tel:12ab;phone-context=example.com", "tel:12AB;phone-context=example.com", true},
		{"tel:+1234", "tel:1234;phone-context=+1", false},
		{"tel:+1-201-555-0123;ext=1;isub=a", "tel:+1-201-555-0123;isub=a;ext=1", true},
		{"tel:+1-201-555-0123;ext=12-34", "tel:+1-201-555-0123;ext=1234", true},
		{"tel:+1-201-555-0123", "tel:+1-201-555-0123;ext=1", false},
		{"tel:+1-201-555-0123;foo=bar", "tel:+1-201-555-0123;FOO=BAR", true},
		{"tel:+12015550123", "sip:+12015550123@example.com;user=phone", false},

		// Other schemes: scheme ignores case, the rest is byte for byte.
		{"urn:service:sos", "URN:service:sos", true},
		{"urn:service:sos", "urn:service:SOS", false},
		{"http://a.example/", "https://a.example/", false},
		{"mailto:a@b", "sip:a@b", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" "+tt.b, func(t *testing.T) {
			a, err := ParseURI(tt.a)
			require.NoError(t, err)
			b, err := ParseURI(tt.b)
			require.NoError(t, err)
			assert.Equal(t, tt.equal, a.Equal(b), "a.Equal(b)")
			assert.Equal(t, tt.equal, b.Equal(a), "b.Equal(a)")
			assert.True(t, a.Equal(a), "a.Equal(a)")
			assert.True(t, b.Equal(b), "b.Equal(b)")
		})
	}
}

func TestURIEqualNil(t *testing.T) {
	u, err := ParseURI("sip:h.example")
	require.NoError(t, err)
	var n *URI
	assert.True(t, n.Equal(nil))
	assert.False(t, n.Equal(u))
	assert.False(t, u.Equal(nil))
}

func TestURIEqualRepeatedParams(t *testing.T) {
	u, err := ParseURI("sip:h.example;a=1;a=2")
	require.NoError(t, err)
	assert.True(t, u.Equal(u.Clone()))
}

func TestURIAccessors(t *testing.T) {
	tests := []struct {
		in                 string
		sip, secure        bool
		hostname, hostPort string
		transport, user    string
	}{
		{"sip:alice@atlanta.com", true, false, "atlanta.com", "atlanta.com", "", "alice"},
		{"SIPS:%61lice%40x@atlanta.com:5061;transport=TLS", true, true, "atlanta.com", "atlanta.com:5061", "tls", "alice@x"},
		{"sip:[2001:db8::10]:5070;transport=SCTP", true, false, "2001:db8::10", "[2001:db8::10]:5070", "sctp", ""},
		{"sip:[2001:db8::10];transport=Foo", true, false, "2001:db8::10", "[2001:db8::10]", "foo", ""},
		// paramchar admits escapes (§25.1), read as Equal reads them (§19.1.4).
		{"sip:h.example;%74ransport=%54cp", true, false, "h.example", "h.example", "tcp", ""},
		{"tel:+1-201-555-0123", false, false, "", "", "", "+1-201-555-0123"},
		{"urn:service:sos", false, false, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURI(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.sip, u.IsSIP(), "IsSIP")
			assert.Equal(t, tt.secure, u.IsSecure(), "IsSecure")
			assert.Equal(t, tt.hostname, u.Hostname(), "Hostname")
			assert.Equal(t, tt.hostPort, u.HostPort(), "HostPort")
			assert.Equal(t, tt.transport, u.Transport(), "Transport")
			assert.Equal(t, tt.user, u.UserUnescaped(), "UserUnescaped")
		})
	}
	bad := &URI{Scheme: "sip", User: "a%G1", Host: "h", Params: Params{{Name: "transport", Value: "X%G1"}}}
	assert.Equal(t, "a%G1", bad.UserUnescaped())
	assert.Equal(t, "x%g1", bad.Transport(), "a malformed escape, possible only when built by hand, is kept")
}

func TestURIClone(t *testing.T) {
	u, err := ParseURI("sip:alice@atlanta.com;transport=tcp?subject=x")
	require.NoError(t, err)
	c := u.Clone()
	require.Equal(t, u, c)
	c.Params.Set("transport", "udp")
	c.Headers[0].Value = "y"
	assert.Equal(t, "tcp", u.Transport())
	assert.Equal(t, "x", u.Headers[0].Value)

	var n *URI
	assert.Nil(t, n.Clone())
}

func TestEscapeUser(t *testing.T) {
	tests := []struct{ raw, escaped string }{
		{"alice", "alice"},
		{"+1-212-555-1212;isub=1", "+1-212-555-1212;isub=1"},
		{"sips:user@example.com", "sips%3Auser%40example.com"},
		{"a b%c", "a%20b%25c"},
		{"é<>", "%C3%A9%3C%3E"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.escaped, EscapeUser(tt.raw), "EscapeUser(%q)", tt.raw)
		got, err := Unescape(tt.escaped)
		require.NoError(t, err)
		assert.Equal(t, tt.raw, got, "Unescape(%q)", tt.escaped)

		u, err := ParseURI("sip:" + EscapeUser(tt.raw+"x") + "@example.com")
		require.NoError(t, err, "escaped user of %q", tt.raw)
		assert.Equal(t, tt.raw+"x", u.UserUnescaped())
	}
	for _, bad := range []string{"%", "%4", "a%g0", "%%41"} {
		_, err := Unescape(bad)
		assert.ErrorIs(t, err, ErrInvalidURI, "Unescape(%q)", bad)
	}
	got, err := Unescape("%61%6C%69%63%65")
	require.NoError(t, err)
	assert.Equal(t, "alice", got)
}

func TestURIAllocations(t *testing.T) {
	pb := make([]Param, 0, 64)
	var u URI
	in := "sip:alice@atlanta.com:5060;transport=tcp;lr?subject=x"
	n := testing.AllocsPerRun(100, func() {
		pb = pb[:0]
		if err := parseURI(in, &u, &pb); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, n, "parseURI allocations")

	a, err := ParseURI("sip:%61lice@atlanta.com;transport=TCP;maddr=192.0.2.1?b=2&a=1")
	require.NoError(t, err)
	b, err := ParseURI("sip:alice@AtLanTa.CoM;Transport=tcp;maddr=192.0.2.1?a=1&b=2")
	require.NoError(t, err)
	n = testing.AllocsPerRun(100, func() {
		if !a.Equal(b) {
			t.Fatal("not equal")
		}
	})
	assert.Zero(t, n, "Equal allocations")

	buf := make([]byte, 0, 128)
	n = testing.AllocsPerRun(100, func() { buf = a.Append(buf[:0]) })
	assert.Zero(t, n, "Append allocations")
}

func FuzzParseURI(f *testing.F) {
	for _, tt := range validURITests {
		f.Add(tt.in)
	}
	for _, s := range []string{
		"sip:host;=v", "sip:user@[::1", "sip:%G1@h", "sip:a@b@c",
		"sip:h?x=1&x=2", "tel:863-1234;phone-context=+1-914-555", "sip:[::1]:0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURI(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidURI) {
				t.Fatalf("ParseURI(%q): error %v does not wrap ErrInvalidURI", s, err)
			}
			return
		}
		if !u.Equal(u) {
			t.Fatalf("ParseURI(%q) is not Equal to itself", s)
		}
		out := u.String()
		again, err := ParseURI(out)
		if err != nil {
			t.Fatalf("ParseURI(%q) = %q, which does not parse: %v", s, out, err)
		}
		if !u.Equal(again) || !again.Equal(u) {
			t.Fatalf("ParseURI(%q) = %q, which parses to a URI that is not Equal", s, out)
		}
		assert.Equal(t, u, again, "ParseURI(%q) and its reparse from %q", s, out)
	})
}

// FuzzURIEqual checks that Equal is symmetric and agrees with itself on
// reparsed text.
func FuzzURIEqual(f *testing.F) {
	f.Add("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")
	f.Add("sip:carol@chicago.com;security=on", "sip:carol@chicago.com")
	f.Add("sip:h?a=1&b=2", "sip:h?b=2&a=1")
	f.Add("tel:+1-201-555-0123;ext=1", "tel:+1.201.555.0123;EXT=1")
	f.Add("sip:[2001:db8::1]", "sip:[2001:DB8:0::1]")
	f.Fuzz(func(t *testing.T, x, y string) {
		a, err := ParseURI(x)
		if err != nil {
			return
		}
		b, err := ParseURI(y)
		if err != nil {
			return
		}
		if a.Equal(b) != b.Equal(a) {
			t.Fatalf("Equal is not symmetric for %q and %q", x, y)
		}
		again, err := ParseURI(b.String())
		if err != nil || a.Equal(again) != a.Equal(b) {
			t.Fatalf("Equal(%q, %q) changes when %q is reparsed (%v)", x, y, y, err)
		}
	})
}

func BenchmarkParseURI(b *testing.B) {
	const in = "sip:alice@atlanta.example.com;transport=tcp"
	b.Run("public", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseURI(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("buffer", func(b *testing.B) {
		b.ReportAllocs()
		pb := make([]Param, 0, 16)
		var u URI
		for b.Loop() {
			pb = pb[:0]
			if err := parseURI(in, &u, &pb); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkURIEqual(b *testing.B) {
	x, _ := ParseURI("sip:%61lice@atlanta.com;transport=TCP?subject=project%20x&priority=urgent")
	y, _ := ParseURI("sip:alice@AtLanTa.CoM;Transport=tcp?priority=urgent&subject=project%20x")
	b.ReportAllocs()
	for b.Loop() {
		if !x.Equal(y) {
			b.Fatal("not equal")
		}
	}
}

func BenchmarkURIAppend(b *testing.B) {
	u, _ := ParseURI("sip:alice@atlanta.example.com:5061;transport=tls;lr?subject=x")
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = u.Append(buf[:0])
	}
}

func ExampleParseURI() {
	u, err := ParseURI("sips:alice@atlanta.com:5061;transport=TLS?subject=project%20x")
	if err != nil {
		fmt.Println(err)
		return
	}
	subject, _ := u.Headers.Get("subject")
	subject, _ = Unescape(subject)
	fmt.Println(u.User, u.Host, u.Port, u.Transport(), u.IsSecure())
	fmt.Println(subject)

	v, _ := ParseURI("SIPS:alice@ATLANTA.com:5061;transport=tls;lr?subject=project%20x")
	fmt.Println(u.Equal(v))
	// Output:
	// alice atlanta.com 5061 tls true
	// project x
	// true
}
