package proxy

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"strconv"
	"strings"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
)

// defaultPort is the port a SIP or SIPS URI without one names (RFC 3261
// §19.1.2).
func defaultPort(scheme string, port int) int {
	if port != 0 {
		return port
	}
	if strings.EqualFold(scheme, "sips") {
		return 5061
	}
	return 5060
}

// sentBy is the sent-by host a transport writes in its Via, the way the
// stack fills it in (an IPv6 address in brackets).
func sentBy(t registry.Transport) string {
	h := t.Host
	if h == "" {
		h = t.Local.Addr().Unmap().String()
	}
	if strings.IndexByte(h, ':') >= 0 && !strings.HasPrefix(h, "[") {
		return "[" + h + "]"
	}
	return h
}

// sameHost compares hosts without regard to case or IPv6 brackets.
func sameHost(a, b string) bool {
	return strings.EqualFold(strings.Trim(a, "[]"), strings.Trim(b, "[]"))
}

// isSelf reports whether host:port names this proxy: one of its transports
// (its sent-by or the address it listens on) or a name of Config.Self. A
// port of 0 is the default port of scheme.
func (p *Proxy) isSelf(scheme, host string, port int) bool {
	port = defaultPort(scheme, port)
	for _, t := range p.stack.Registry().Transports() {
		if int(t.Local.Port()) != port {
			continue
		}
		if sameHost(host, sentBy(t)) || sameHost(host, t.Local.Addr().Unmap().String()) {
			return true
		}
	}
	for _, s := range p.cfg.Self {
		h, ps, err := net.SplitHostPort(s)
		if err != nil {
			if sameHost(host, s) {
				return true
			}
			continue
		}
		if n, _ := strconv.Atoi(ps); n == port && sameHost(host, h) {
			return true
		}
	}
	return false
}

// isSelfURI reports whether SIP URI u names this proxy.
func (p *Proxy) isSelfURI(u *message.URI) bool {
	return u != nil && u.IsSIP() && p.isSelf(u.Scheme, u.Host, u.Port)
}

// isLocal reports whether SIP URI u is in a domain of the proxy (RFC 3261
// §16.5): its host is one of Config.Domains, with no port or a port the
// proxy listens on (so that a contact on another port of the same host is
// not taken for the domain), or it names the proxy itself.
func (p *Proxy) isLocal(u *message.URI) bool {
	if u == nil || !u.IsSIP() {
		return false
	}
	if p.isSelfURI(u) {
		return true
	}
	for _, d := range p.cfg.Domains {
		if !sameHost(u.Host, d) {
			continue
		}
		if u.Port == 0 {
			return true
		}
		for _, t := range p.stack.Registry().Transports() {
			if int(t.Local.Port()) == u.Port {
				return true
			}
		}
	}
	return false
}

// isOwnVia reports whether v is a Via this proxy wrote: its sent-by is one
// of the proxy's transports'.
func (p *Proxy) isOwnVia(v *message.Via) bool {
	if v == nil {
		return false
	}
	for _, t := range p.stack.Registry().Transports() {
		if int(t.Local.Port()) == v.Port && sameHost(v.Host, sentBy(t)) {
			return true
		}
	}
	return false
}

// loopHash is the part of the branch of a forwarded request that loop
// detection compares (RFC 3261 §16.6 step 8, §16.3 step 4): a hash of what
// identifies the request as it arrived — Request-URI, Route values, To
// and From tags, Call-ID, CSeq number, Proxy-Require and
// Proxy-Authorization. The topmost Via is left out, unlike in §16.6, since
// it is a different hop's each time a request loops back. A request that
// comes back with any of these changed (a new Request-URI from a location
// lookup, a Route consumed) is spiralling, not looping.
func loopHash(req *message.Message) string {
	h := sha256.New()
	write := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	write(req.RequestURI.String())
	for i := range req.Headers {
		hd := &req.Headers[i]
		switch {
		case strings.EqualFold(hd.Name, message.HeaderRoute),
			strings.EqualFold(hd.Name, message.HeaderProxyRequire),
			strings.EqualFold(hd.Name, message.HeaderProxyAuthorization):
			write(hd.Name)
			if hd.Value != nil {
				write(hd.Value.String())
			}
		}
	}
	if to := req.To(); to != nil {
		write(to.Tag())
	}
	if from := req.From(); from != nil {
		write(from.Tag())
	}
	write(req.CallID())
	if c := req.CSeq(); c != nil {
		write(strconv.FormatUint(uint64(c.Seq), 10))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// checkLoop returns the 482 error of a request that carries a Via of ours
// with the loop hash it has now (§16.3 step 4).
func (p *Proxy) checkLoop(req *message.Message, hash string) error {
	prefix := message.MagicCookie + hash + "."
	for v := range req.Vias() {
		if p.isOwnVia(v) && strings.HasPrefix(v.Branch(), prefix) {
			return message.CheckLoop(req, v.Host, v.Port, v.Branch())
		}
	}
	return nil
}
