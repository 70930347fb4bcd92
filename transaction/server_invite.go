package transaction

import (
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// serverInvite is the server INVITE transaction of RFC 3261 §17.2.1 with
// the Accepted state of RFC 6026 §7.1.
type serverInvite struct {
	base
	request *message.Message
	// last is the last response sent: the provisional one that a
	// retransmitted INVITE gets again in Proceeding, the final one that
	// Timer G and retransmitted INVITEs send again in Completed.
	last *transport.Outgoing
	// retries counts the Timer G retransmissions.
	retries int
}

// Receive implements actor.Actor.
func (s *serverInvite) Receive(ctx actor.Context) { s.receive(ctx, s) }

// started enters Proceeding, passes the INVITE to the core, and arms the
// automatic 100 (Trying) (§17.2.1).
func (s *serverInvite) started(ctx actor.Context) {
	s.state = StateProceeding
	s.deliver(ctx, &RequestEvent{Key: s.key, Request: s.request})
	s.startTimer(ctx, timerTrying, s.env.timers.TimerTrying())
}

// trying sends the 100 (Trying) that §17.2.1 requires when the core does
// not answer within 200 ms.
func (s *serverInvite) trying(ctx actor.Context) {
	s.stopTimer(timerTrying)
	s.last = s.send(ctx, message.NewResponse(s.request, message.StatusTrying, ""), netip.AddrPort{})
}

func (s *serverInvite) fire(ctx actor.Context, k timerKind) {
	switch {
	case k == timerTrying && s.state == StateProceeding && s.last == nil:
		s.trying(ctx)
	case k == timerG && s.state == StateCompleted:
		ctx.Send(s.transport, s.last)
		s.retries++
		s.startTimer(ctx, timerG, s.env.timers.TimerG(s.retries))
	case k == timerH && s.state == StateCompleted:
		// §17.2.1: the ACK never came.
		s.fail(ctx, ErrTimeout)
	case k == timerI && s.state == StateConfirmed, k == timerL && s.state == StateAccepted:
		s.terminate(ctx)
	}
}

func (s *serverInvite) incoming(ctx actor.Context, req *message.Message) {
	switch req.Method {
	case message.MethodInvite:
		switch s.state {
		case StateProceeding:
			// §17.2.1: a retransmitted INVITE gets the last
			// provisional response again; before any, the 100.
			if s.last == nil {
				s.trying(ctx)
				return
			}
			ctx.Send(s.transport, s.last)
		case StateCompleted:
			ctx.Send(s.transport, s.last)
		}
		// Accepted (RFC 6026 §8.7) and Confirmed: absorbed.
	case message.MethodAck:
		switch s.state {
		case StateCompleted:
			// §17.2.1: the ACK of the non-2xx final response; it
			// does not reach the core.
			s.stopTimers()
			s.state = StateConfirmed
			s.last = nil
			s.parkAs(ctx, s.env.timers.TimerI(s.reliable), nil, netip.AddrPort{})
		case StateAccepted:
			// RFC 6026 §8.7: an ACK matching the transaction in
			// Accepted (only an RFC 2543 peer's ACK of a 2xx can)
			// goes to the core.
			s.deliver(ctx, &RequestEvent{Key: s.key, Request: req})
		}
		// Confirmed: absorbed.
	}
}

func (s *serverInvite) respond(ctx actor.Context, resp *message.Message) {
	code := resp.StatusCode
	switch s.state {
	case StateProceeding:
		s.stopTimer(timerTrying)
		out := s.send(ctx, resp, netip.AddrPort{})
		switch {
		case code < 200:
			s.last = out
		case code < 300:
			// RFC 6026 §8.5: Accepted; the core retransmits its 2xx
			// itself (RFC 3261 §13.3.1.4).
			s.state = StateAccepted
			s.last = nil
			s.request = nil
			s.startTimer(ctx, timerL, s.env.timers.TimerL())
		default:
			s.state = StateCompleted
			s.last = out
			s.request = nil
			if !s.reliable {
				s.startTimer(ctx, timerG, s.env.timers.TimerG(0))
			}
			s.startTimer(ctx, timerH, s.env.timers.TimerH())
		}
	case StateAccepted:
		// RFC 6026 §8.7: the core's 2xx retransmissions go to the
		// transport; nothing else may be sent any more.
		if code >= 200 && code < 300 {
			s.send(ctx, resp, netip.AddrPort{})
		}
	}
}
