package transport

import (
	"net/netip"
	"strconv"

	"github.com/sippet-go/sippet/message"
)

// StampReceived records on via, the top Via of a request that arrived from
// src, where the request really came from, so that the response finds its
// way back (RFC 3261 §18.2.1, RFC 3581 §4):
//
//   - received is set to the source IP when the sent-by host is not that
//     address (a host name always differs), and always when rport is present;
//   - rport, when present, is set to the source port. A client must send it
//     without a value (RFC 3581 §3); a value it sent anyway is replaced, so
//     that the response still goes where the request came from.
//
// An IPv4-mapped source is written as IPv4, and an IPv6 one without brackets,
// as the received grammar requires (RFC 3261 §20.42). A nil via is left alone.
func StampReceived(via *message.Via, src netip.AddrPort) {
	var t sourceText
	t.stamp(via, src)
}

// sourceText caches the text of the last source address stamped, so that a
// reader that hears the same peer again and again writes it once.
type sourceText struct {
	src      netip.AddrPort
	ip, port string
}

func (t *sourceText) stamp(via *message.Via, src netip.AddrPort) {
	if via == nil || !src.IsValid() {
		return
	}
	ip := src.Addr().Unmap().WithZone("")
	if t.src != src || t.ip == "" {
		t.src, t.ip, t.port = src, ip.String(), ""
	}
	_, rport := via.Params.Get("rport")
	if rport || !sameHost(via.Host, ip) {
		via.Params.Set("received", t.ip)
	}
	if rport {
		if t.port == "" {
			t.port = strconv.Itoa(int(src.Port()))
		}
		via.Params.Set("rport", t.port)
	}
}

// sameHost reports whether host, as written in a sent-by, is the address ip.
func sameHost(host string, ip netip.Addr) bool {
	a, err := netip.ParseAddr(unbracket(host))
	return err == nil && a.Unmap().WithZone("") == ip
}
