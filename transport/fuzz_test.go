package transport

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/sippet-go/sippet/message"
)

// FuzzStatelessReply checks that any datagram that fails to parse is either
// dropped or answered with a response whose status line is one line and
// whose top Via routes back to the source (RFC 3261 §18.2.2, RFC 3581 §4).
func FuzzStatelessReply(f *testing.F) {
	f.Add([]byte("OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;rport\r\nCSeq: x OPTIONS\r\n\r\n"))
	f.Add([]byte("INVITE sip:b@example.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=\"a,b\", SIP/2.0/UDP k\r\nTo: <sip:x>\r\n  ;tag=1\r\nMax-Forwards: z\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n"))
	f.Add([]byte("\r\n\r\nBYE x SIP/9\nVia: SIP/2.0/UDP [::1]:5060;maddr=x\n"))
	src := netip.MustParseAddrPort("127.0.0.1:40000")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := message.Parse(data)
		if err == nil {
			return
		}
		out, via, ok := statelessReply(nil, data, src, err)
		if !ok {
			return
		}
		status, _, found := bytes.Cut(out, []byte("\r\n"))
		if !found || bytes.ContainsAny(status, "\r\n") || !bytes.HasPrefix(status, []byte("SIP/2.0 ")) {
			t.Fatalf("bad status line in %q", out)
		}
		if len(status) > len("SIP/2.0 400 ")+maxReasonLength {
			t.Fatalf("status line too long: %q", status)
		}
		if !bytes.HasSuffix(out, []byte("\r\nContent-Length: 0\r\n\r\n")) {
			t.Fatalf("bad end: %q", out)
		}
		host, _ := ResponseTarget(via)
		if _, hasMaddr := via.Params.Get("maddr"); !hasMaddr && host != "127.0.0.1" {
			t.Fatalf("response to %q, not the source", host)
		}
	})
}
