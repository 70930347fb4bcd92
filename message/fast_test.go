package message

import (
	"strings"
	"testing"
)

// fastAddressesOnly runs the fast path for one address header line and
// reports whether it read the value.
func fastAddressesOnly(t *testing.T, line string) bool {
	t.Helper()
	name, value, _ := strings.Cut(line, ":")
	spec, compact := lookupHeader(name)
	if spec == nil {
		t.Fatalf("unknown header %q", name)
	}
	lim := &defaultParser.Limits
	d := decoder{lim: lim, fast: true, maxValues: lim.maxValues(), maxParams: lim.maxParams()}
	d.init(new(block).slots())
	return d.fastAddresses(spec, trimLWS(value), compact)
}

// TestFastAddressForms checks which forms of an address the fast path
// reads (RFC 3261 §20.10: name-addr with a display name of tokens or a
// quoted one, and addr-spec without angle brackets) and that it reads them
// as the general parser does; the others it leaves to the general parser,
// which gives the same message or error either way (checkParse).
func TestFastAddressForms(t *testing.T) {
	tests := []struct {
		name   string
		header string
		fast   bool
	}{
		{"quoted display", `From: "Alice" <sip:alice@a.example.com>;tag=1`, true},
		{"token display", `From: Alice <sip:alice@a.example.com>;tag=1`, true},
		{"two tokens", "To: Bob  Smith\t<sip:bob@b.example.com>", true},
		{"token display, no space", `To: Bob<sip:bob@b.example.com>`, true},
		{"sipp's To", `To: service <sip:service@127.0.0.1:5060>`, true},
		{"addr-spec", `Contact: sip:sipp@127.0.0.1:5061`, true},
		{"addr-spec with params", `Contact: sips:bob@192.0.2.4;expires=60;q=0.5`, true},
		{"addr-spec, LWS before params", `Contact: sip:bob@192.0.2.4 ;expires=60`, true},
		{"addr-spec list", `Contact: sip:a@192.0.2.4;q=1, sip:b@192.0.2.5, <sip:c@192.0.2.6>`, true},
		{"addr-spec From", `From: sip:alice@a.example.com;tag=9`, true},
		// §20.34 asks for <> in Route; both parsers read it leniently, with
		// ;lr the URI's (addressFormOf).
		{"addr-spec Route", `Route: sip:p1.example.com;lr`, true},
		{"addr-spec Route list", `Route: sip:p1.example.com;lr, sip:p2.example.com;lr`, true},
		{"display with <> in Call-Info form", `Call-Info: Bob <http://x.example.com/a.png>`, false},
		{"addr-spec with ?", `Contact: sip:bob@b.example.com?Subject=x`, false},
		{"addr-spec with comma in user", `From: sip:a,b@b.example.com;tag=1`, false},
		{"addr-spec, other scheme", `To: tel:+1-201-555-0123`, false},
		{"addr-spec, escaped user", `To: sip:%61lice@a.example.com`, false},
		{"addr-spec, junk after", `To: sip:bob@b.example.com junk`, false},
		{"display without URI", `To: Bob`, false},
		{"wildcard", `Contact: *`, false},
		{"display with a separator", `To: Bob@home <sip:bob@b.example.com>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte("OPTIONS sip:b.example.com SIP/2.0\r\n" +
				"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n" +
				tt.header + "\r\nContent-Length: 0\r\n\r\n")
			if got := fastAddressesOnly(t, tt.header); got != tt.fast {
				t.Errorf("fast path took it: %v, want %v", got, tt.fast)
			}
			checkParse(t, data)
		})
	}
}
