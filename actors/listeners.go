package actors

import (
	"fmt"
	"strings"
)

// ParseListeners reads a list of listeners written as a command line takes
// them: comma-separated "proto:host:port" entries, proto one of udp, tcp,
// tls, ws and wss (any case), host an IPv4 address, a bracketed IPv6
// address or a name ("udp:127.0.0.1:5060,tcp:[::1]:5060"). The Listeners
// have Protocol (lower case) and Addr set; TLS and the rest are the
// caller's to add.
func ParseListeners(spec string) ([]Listener, error) {
	var ls []Listener
	for entry := range strings.SplitSeq(spec, ",") {
		entry = strings.TrimSpace(entry)
		proto, hostport, ok := strings.Cut(entry, ":")
		proto = strings.ToLower(proto)
		if !ok || hostport == "" {
			return nil, fmt.Errorf("sip: listener %q: want proto:host:port", entry)
		}
		switch proto {
		case "udp", "tcp", "tls", "ws", "wss":
		default:
			return nil, fmt.Errorf("sip: listener %q: protocol %q is not one of udp, tcp, tls, ws, wss", entry, proto)
		}
		ls = append(ls, Listener{Protocol: proto, Addr: hostport})
	}
	return ls, nil
}
