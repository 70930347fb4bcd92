package actors

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transaction"
	"github.com/sippet-go/sippet/transport"
)

// ErrNoTransport is returned for a message that no registered transport can
// carry (no transport of the protocol and address family it needs).
var ErrNoTransport = errors.New("sip: no transport")

// Send sends a message, the way RFC 3261 asks for its kind:
//
//   - a response goes through the server transaction it belongs to (found
//     by transaction.ServerKey), or fails with transaction.ErrNoTransaction
//     when there is none, or when that transaction has sent its final
//     response and only waits for retransmissions (RFC 3261 §17.2.2
//     discards the later ones; an INVITE's 2xx retransmissions go through
//     its transaction, which stays live in Accepted, RFC 6026);
//   - an ACK (for a 2xx: the transactions send the others themselves) goes
//     straight to the transport, as it is not part of a transaction
//     (RFC 3261 §17.1.1.3, §13.2.2.4);
//   - any other request starts a client transaction (§17.1), whose
//     responses, timeout or transport error reach the core.
//
// A request is sent to its top Route when that has lr, else to its
// Request-URI, with maddr and ;transport honoured (§8.1.2, §18.1.1); a
// missing top Via is added, and a missing branch or sent-by filled in, from
// the transport chosen. The stack owns m once sent: do not change it after.
//
// Send resolves host names with Config.Resolver, which may block; IP
// literals never do.
func (s *Stack) Send(m *message.Message) error {
	return s.SendContext(context.Background(), m)
}

// SendContext is Send with a context bounding the resolution of the
// destination.
func (s *Stack) SendContext(ctx context.Context, m *message.Message) error {
	select {
	case <-s.stopped:
		return ErrStackStopped
	default:
	}
	if m.IsResponse() {
		key, err := transaction.ServerKey(m)
		if err != nil {
			return err
		}
		pid, ok := s.reg.Transaction(key)
		if !ok {
			return fmt.Errorf("%w: %v", transaction.ErrNoTransaction, key)
		}
		s.system.Root.Send(pid, &transaction.Respond{Response: m})
		return nil
	}
	dest, t, host, explicit, err := s.route(ctx, m)
	if err != nil {
		return err
	}
	fillVia(m, t)
	if err := m.Validate(); err != nil {
		return err
	}
	if t.Protocol == transport.ProtocolUDP && !explicit && m.Method != message.MethodAck {
		t = s.congestionControlled(m, t, dest)
	}
	if m.Method == message.MethodAck {
		s.system.Root.Send(t.PID, &transport.Outgoing{Message: m, Dest: dest, Host: host})
		return nil
	}
	s.system.Root.Send(s.manager, &transaction.StartClient{
		Request: m, Dest: dest, Host: host, Transport: t.PID, Reliable: t.Reliable,
	})
	return nil
}

// route finds where request m goes and the transport that takes it there;
// host is the name dest was resolved from ("" for an IP literal), explicit
// tells whether the URI chose the protocol (;transport=, sips).
func (s *Stack) route(ctx context.Context, m *message.Message) (dest netip.AddrPort, t registry.Transport, host string, explicit bool, err error) {
	target, err := transport.RequestTarget(m)
	if err != nil {
		return dest, t, "", false, err
	}
	dest, err = transport.Resolve(ctx, s.cfg.resolver(), target.Host, target.Port, false)
	if err != nil {
		return dest, t, "", false, err
	}
	t, ok := s.reg.Transport(target.Protocol, dest.Addr())
	if !ok {
		return dest, t, "", false, fmt.Errorf("%w: %s to %v", ErrNoTransport, target.Protocol, dest)
	}
	if _, err := netip.ParseAddr(target.Host); err != nil {
		host = target.Host
	}
	return dest, t, host, target.Explicit, nil
}

// mtuLimit is the size above which a request goes over a congestion
// controlled transport when the path MTU is unknown (RFC 3261 §18.1.1).
const mtuLimit = 1300

// congestionControlled applies RFC 3261 §18.1.1 to request m, about to go
// over UDP transport t: larger than 1300 bytes, it goes over TCP instead
// when the stack has a TCP transport for dest's family (its top Via then
// names TCP and that transport's sent-by). Without one it stays on UDP, up
// to the datagram limit. Since the port is the same, dest is kept.
func (s *Stack) congestionControlled(m *message.Message, t registry.Transport, dest netip.AddrPort) registry.Transport {
	if len(m.Bytes()) <= mtuLimit {
		return t
	}
	tcp, ok := s.reg.Transport(transport.ProtocolTCP, dest.Addr())
	if !ok {
		return t
	}
	v := m.TopVia()
	if v.Transport == t.Protocol && v.Host == viaHost(t) && v.Port == int(t.Local.Port()) {
		v.Transport, v.Host, v.Port = tcp.Protocol, viaHost(tcp), int(tcp.Local.Port())
	}
	return tcp
}

// fillVia makes sure that the top Via of request m names transport t and
// carries a branch (RFC 3261 §8.1.1.7, §18.1.1); rport is asked for, so
// that responses come back to the port we sent from (RFC 3581).
func fillVia(m *message.Message, t registry.Transport) {
	v := m.TopVia()
	if v == nil {
		v = &message.Via{}
		v.Params.Set("branch", message.NewBranch())
		v.Params.Set("rport", "")
		m.PushVia(v)
	}
	if v.Transport == "" {
		v.Transport = t.Protocol
	}
	if v.Host == "" {
		v.Host = viaHost(t)
		v.Port = int(t.Local.Port())
	}
	if v.Branch() == "" {
		v.Params.Set("branch", message.NewBranch())
	}
}

// viaHost is the sent-by host of transport t, an IPv6 address in brackets.
func viaHost(t registry.Transport) string {
	h := t.Host
	if h == "" {
		h = t.Local.Addr().Unmap().String()
	}
	if strings.IndexByte(h, ':') >= 0 && !strings.HasPrefix(h, "[") {
		return "[" + h + "]"
	}
	return h
}

// SendStateless sends response resp without a server transaction, as a
// stateless proxy or a stateless error answer does (RFC 3261 §16.11,
// §8.2.7): through a transport of the protocol of its top Via, routed by
// that Via (§18.2.2, RFC 3581).
func (s *Stack) SendStateless(resp *message.Message) error {
	if !resp.IsResponse() {
		return fmt.Errorf("sip: SendStateless needs a response, got a %s request", resp.Method)
	}
	v := resp.TopVia()
	if v == nil {
		return fmt.Errorf("%w: Via", message.ErrMissingHeader)
	}
	host, _ := transport.ResponseTarget(v)
	addr, _ := netip.ParseAddr(strings.Trim(host, "[]"))
	t, ok := s.reg.Transport(strings.ToUpper(v.Transport), addr)
	if !ok {
		return fmt.Errorf("%w: %s for the response", ErrNoTransport, v.Transport)
	}
	s.system.Root.Send(t.PID, &transport.Outgoing{Message: resp})
	return nil
}

// Terminate ends transaction key at once (Sippet's terminate).
func (s *Stack) Terminate(key transaction.Key) {
	s.system.Root.Send(s.manager, &transaction.Terminate{Key: key})
}
