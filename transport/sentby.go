package transport

import (
	"net/netip"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// sentByIs reports whether via, the top Via of a response, names the
// transport whose sent-by is host and port: a response meant for another
// sent-by is discarded (RFC 3261 §18.1.2). A Via without port means defPort.
// Hosts compare as addresses when both are IP literals and case-insensitively
// otherwise; an unspecified host (a transport on every address without a
// configured Host) checks the port only.
func sentByIs(via *message.Via, host string, port uint16, defPort int) bool {
	if via == nil {
		return false
	}
	p := via.Port
	if p == 0 {
		p = defPort
	}
	if p != int(port) {
		return false
	}
	mine, theirs := unbracket(host), unbracket(via.Host)
	a, errA := netip.ParseAddr(mine)
	b, errB := netip.ParseAddr(theirs)
	switch {
	case errA == nil && a.IsUnspecified():
		return true
	case errA == nil && errB == nil:
		return a.Unmap() == b.Unmap()
	}
	return strings.EqualFold(mine, theirs)
}
