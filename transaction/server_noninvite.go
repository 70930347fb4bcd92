package transaction

import (
	"fmt"
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// serverNonInvite is the server non-INVITE transaction of RFC 3261
// §17.2.2.
type serverNonInvite struct {
	base
	request *message.Message
	// last is the last response sent, which a retransmitted request gets
	// again in Proceeding and Completed: a *transport.Outgoing, or a
	// *transport.Datagram once serialized for parking.
	last any
	// auto is the status code the stack answers with itself (a CANCEL:
	// 200, or 481 when it matches no INVITE, RFC 3261 §9.2); 0 passes
	// the request to the core instead.
	auto int
	// cancels is the key of the INVITE transaction that a CANCEL answered
	// 200 cancels: the core gets the CANCEL with that key.
	cancels *Key
	// ev and dg are the event to the core and the final response's
	// datagram, sent from here rather than allocated each (a request
	// costs enough allocations as it is); neither changes once sent.
	ev RequestEvent
	dg transport.Datagram
}

// Receive implements actor.Actor.
func (s *serverNonInvite) Receive(ctx actor.Context) { s.receive(ctx, s) }

// started enters Trying and passes the request to the core (§17.2.2), or,
// for a CANCEL, answers it and tells the core what it cancels (§9.2).
func (s *serverNonInvite) started(ctx actor.Context) {
	s.state = StateTrying
	if s.auto == 0 {
		// The manager bounds how long the core may take (see
		// timerUnanswered).
		s.ev = RequestEvent{Key: s.key, Request: s.request}
		s.deliver(ctx, &s.ev)
		return
	}
	req := s.request
	s.respond(ctx, message.NewResponse(req, s.auto, ""))
	if s.cancels != nil {
		s.deliver(ctx, &RequestEvent{Key: *s.cancels, Request: req})
	}
}

func (s *serverNonInvite) fire(ctx actor.Context, k timerKind) {
	switch {
	case k == timerJ && s.state == StateCompleted:
		s.terminate(ctx)
	case k == timerUnanswered && s.state.pending():
		s.fail(ctx, fmt.Errorf("%w: the core sent no final response within 64*T1", ErrTimeout))
	}
}

// incoming handles a retransmitted request: absorbed in Trying, answered
// with the last response in Proceeding and Completed (§17.2.2).
func (s *serverNonInvite) incoming(ctx actor.Context, req *message.Message) {
	if req.IsRequest() && s.last != nil {
		ctx.Send(s.transport, s.last)
	}
}

func (s *serverNonInvite) respond(ctx actor.Context, resp *message.Message) {
	if !s.state.pending() {
		// §17.2.2: after the final response the core's others are
		// discarded.
		return
	}
	if resp.StatusCode < 200 {
		s.last = s.send(ctx, resp, netip.AddrPort{})
		s.state = StateProceeding
		return
	}
	s.state = StateCompleted
	s.request = nil
	if d := s.env.timers.TimerJ(s.reliable); d > 0 {
		if dest, ok := responseDest(resp); ok {
			// The manager answers the retransmissions of Completed
			// from now on, with these bytes (park.go).
			if data, ok := s.parkAs(ctx, d, resp, dest); ok {
				// Sent as the bytes just made: the transport need
				// not serialize the response a second time.
				s.dg = transport.Datagram{Data: data, Dest: dest, Message: resp, ReplyTo: ctx.Parent()}
				ctx.Send(s.transport, &s.dg)
				s.last = &s.dg
				return
			}
		}
	}
	s.last = s.send(ctx, resp, netip.AddrPort{})
	s.wait(ctx, timerJ, s.env.timers.TimerJ(s.reliable))
}

// responseDest returns where a response goes over UDP when its top Via
// names an IP address (RFC 3261 §18.2.2, RFC 3581 §4): a host name there
// is resolved by the transport at each send instead.
func responseDest(resp *message.Message) (netip.AddrPort, bool) {
	host, port := transport.ResponseTarget(resp.TopVia())
	ip, err := netip.ParseAddr(host)
	if err != nil || port <= 0 || port > 65535 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)), true
}
