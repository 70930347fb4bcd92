package transport

import (
	"fmt"

	"github.com/sippet-go/sippet/message"
)

// Via transport tokens (RFC 3261 §20.42, RFC 4168, RFC 7118).
const (
	ProtocolUDP     = "UDP"
	ProtocolTCP     = "TCP"
	ProtocolTLS     = "TLS"
	ProtocolSCTP    = "SCTP"
	ProtocolTLSSCTP = "TLS-SCTP"
	ProtocolWS      = "WS"
	ProtocolWSS     = "WSS"
)

// Default ports of SIP (RFC 3261 §19.1.2): 5060, and 5061 over TLS.
const (
	DefaultPort       = 5060
	DefaultSecurePort = 5061
)

// A Target is where a request goes next, before name resolution
// (RFC 3263 §4 without NAPTR and SRV): a transport and a host and port.
type Target struct {
	// Protocol is the Via transport token, upper case: "UDP", "TCP", "TLS",
	// "SCTP", "TLS-SCTP", "WS" or "WSS".
	Protocol string
	// Host is a host name or an IP address, without the brackets of an IPv6
	// reference: the form that Resolve and net.Dial expect.
	Host string
	// Port is the port, never 0: the URI's, or the default of the protocol.
	Port int
	// Explicit tells that the URI chose the protocol (a transport
	// parameter, or sips): the stack then never moves a large request from
	// UDP to TCP (RFC 3261 §18.1.1).
	Explicit bool
}

// IsSecure reports whether t needs a secure transport (TLS, WSS, TLS-SCTP).
func (t Target) IsSecure() bool {
	return t.Protocol == ProtocolTLS || t.Protocol == ProtocolWSS || t.Protocol == ProtocolTLSSCTP
}

// RequestTarget returns where the request m goes next.
//
// The URI that names the next hop is the URI of the top Route when it has
// the lr parameter, a loose router, which receives the request with the
// Request-URI untouched; and the Request-URI otherwise (RFC 3261 §8.1.2,
// §16.12). A strict router (a route set whose first URI lacks lr) is reached
// by rewriting the request first, as §12.2.1.1 asks of a UAC and §16.6 step 7
// of a proxy: its URI becomes the Request-URI, and the old Request-URI goes to
// the end of the Route values. On the rewritten request the top Route is the
// hop after the strict router, and the Request-URI the next hop.
//
// From the URI (RFC 3263 §4.1, §4.2, with numeric and literal hosts only:
// no NAPTR or SRV lookups):
//   - the maddr parameter, when present, replaces the host (RFC 3261 §19.1.1);
//   - the transport parameter chooses the protocol; without it, UDP for sip
//     and TLS for sips;
//   - a sips URI always needs TLS (RFC 3261 §19.1, §26.2.2): sips with
//     transport=tcp is TLS, with ws WSS, with sctp TLS-SCTP, and with udp an
//     error wrapping ErrUnsupportedTransport;
//   - the port is the URI's, or 5060 (5061 over TLS, WSS and TLS-SCTP).
//
// Errors wrap ErrNoTarget, message.ErrUnsupportedScheme or
// ErrUnsupportedTransport.
func RequestTarget(m *message.Message) (Target, error) {
	if m == nil || !m.IsRequest() || m.RequestURI == nil {
		return Target{}, fmt.Errorf("%w: not a request", ErrNoTarget)
	}
	u := m.RequestURI
	for r := range m.Routes() {
		if r.URI.IsLooseRouter() {
			u = &r.URI
		}
		break // the top Route only
	}
	return URITarget(u)
}

// URITarget returns the target of a SIP or SIPS URI as RequestTarget does
// for the URI that names the next hop (RFC 3263 §4.1, §4.2).
func URITarget(u *message.URI) (Target, error) {
	if u == nil {
		return Target{}, fmt.Errorf("%w: no URI", ErrNoTarget)
	}
	if !u.IsSIP() {
		return Target{}, fmt.Errorf("%w: %w: %q", ErrNoTarget, message.ErrUnsupportedScheme, u.Scheme)
	}
	host := u.Hostname()
	if maddr, ok := u.Params.Get("maddr"); ok && maddr != "" {
		host = unbracket(maddr)
	}
	if host == "" {
		return Target{}, fmt.Errorf("%w: no host in %q", ErrNoTarget, u.String())
	}
	proto, err := protocolOf(u.Transport(), u.IsSecure())
	if err != nil {
		return Target{}, err
	}
	t := Target{Protocol: proto, Host: host, Port: u.Port, Explicit: u.Transport() != "" || u.IsSecure()}
	if t.Port == 0 {
		t.Port = DefaultPort
		if t.IsSecure() {
			t.Port = DefaultSecurePort
		}
	}
	return t, nil
}

// protocolOf maps the lower-case transport parameter of a URI to a Via
// token. A sips URI upgrades each stream protocol to its TLS form, and
// refuses UDP, which has no TLS (RFC 3261 §26.2.2; DTLS is not SIPS).
func protocolOf(transport string, secure bool) (string, error) {
	var plain, tls string
	switch transport {
	case "":
		plain, tls = ProtocolUDP, ProtocolTLS
	case "udp":
		plain = ProtocolUDP
	case "tcp":
		plain, tls = ProtocolTCP, ProtocolTLS
	case "tls":
		plain, tls = ProtocolTLS, ProtocolTLS
	case "sctp":
		plain, tls = ProtocolSCTP, ProtocolTLSSCTP
	case "tls-sctp":
		plain, tls = ProtocolTLSSCTP, ProtocolTLSSCTP
	case "ws":
		plain, tls = ProtocolWS, ProtocolWSS
	case "wss":
		plain, tls = ProtocolWSS, ProtocolWSS
	default:
		return "", fmt.Errorf("%w: %q", ErrUnsupportedTransport, transport)
	}
	if !secure {
		return plain, nil
	}
	if tls == "" {
		return "", fmt.Errorf("%w: %q for a sips URI", ErrUnsupportedTransport, transport)
	}
	return tls, nil
}

// unbracket removes the brackets of an IPv6 reference.
func unbracket(h string) string {
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

// ResponseTarget returns where a response goes over an unreliable transport,
// given the top Via of the response (RFC 3261 §18.2.2, RFC 3581 §4):
//
//   - with maddr, to the maddr host at the sent-by port, or 5060;
//   - otherwise to the received address, or the sent-by host when there is
//     none, at the rport port when rport has a value (the port the request
//     came from), else at the sent-by port, else 5060.
//
// host has no brackets; it is an IP literal unless maddr or sent-by name a
// host. A nil via gives ("", 0).
func ResponseTarget(via *message.Via) (host string, port int) {
	if via == nil {
		return "", 0
	}
	port = via.Port
	if port == 0 {
		port = DefaultPort
	}
	if maddr, ok := via.Params.Get("maddr"); ok && maddr != "" {
		return unbracket(maddr), port
	}
	host = via.Received()
	if host == "" {
		host = via.Host
	}
	if rport, _ := via.RPort(); rport != 0 {
		port = rport
	}
	return unbracket(host), port
}
