package transaction

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// clientInvite is the client INVITE transaction of RFC 3261 §17.1.1 with
// the Accepted state of RFC 6026 §7.2.
type clientInvite struct {
	base
	request *message.Message
	dest    netip.AddrPort
	// out is the INVITE, then the ACK of a non-2xx final response: what a
	// retransmission sends again.
	out *transport.Outgoing
	// retries counts the Timer A retransmissions.
	retries int
}

// Receive implements actor.Actor.
func (c *clientInvite) Receive(ctx actor.Context) { c.receive(ctx, c) }

// started sends the INVITE and enters Calling (§17.1.1.2): Timer A only
// on an unreliable transport, Timer B always.
func (c *clientInvite) started(ctx actor.Context) {
	c.state = StateCalling
	c.out = c.send(ctx, c.request, c.dest)
	if !c.reliable {
		c.startTimer(ctx, timerA, c.env.timers.TimerA(0))
	}
	c.startTimer(ctx, timerB, c.env.timers.TimerB())
}

func (c *clientInvite) fire(ctx actor.Context, k timerKind) {
	switch {
	case k == timerA && c.state == StateCalling:
		ctx.Send(c.transport, c.out)
		c.retries++
		c.startTimer(ctx, timerA, c.env.timers.TimerA(c.retries))
	case k == timerB && c.state == StateCalling:
		c.fail(ctx, ErrTimeout)
	case k == timerD && c.state == StateCompleted, k == timerM && c.state == StateAccepted:
		c.terminate(ctx)
	}
}

func (c *clientInvite) incoming(ctx actor.Context, resp *message.Message) {
	if !resp.IsResponse() {
		return
	}
	code := resp.StatusCode
	switch c.state {
	case StateCalling, StateProceeding:
		switch {
		case code < 200:
			// §17.1.1.2: no more retransmissions, and Timer B only
			// guards the Calling state.
			c.stopTimers()
			c.state = StateProceeding
			c.deliver(ctx, &ResponseEvent{Key: c.key, Response: resp})
		case code < 300:
			// RFC 6026 §8.4: Accepted, where 2xx retransmissions and
			// the 2xx of other forks still reach the core, which ACKs
			// them itself (RFC 3261 §13.2.2.4).
			c.stopTimers()
			c.state = StateAccepted
			c.deliver(ctx, &ResponseEvent{Key: c.key, Response: resp})
			c.startTimer(ctx, timerM, c.env.timers.TimerM())
		default:
			// §17.1.1.2, §17.1.1.3: the transaction ACKs a non-2xx
			// final response itself.
			c.stopTimers()
			c.state = StateCompleted
			d := c.env.timers.TimerD(c.reliable)
			parked := c.ack(ctx, resp, d)
			c.deliver(ctx, &ResponseEvent{Key: c.key, Response: resp})
			if !parked {
				c.wait(ctx, timerD, d)
			}
		}
	case StateCompleted:
		// §17.1.1.2: a retransmitted final response gets the ACK
		// again and does not reach the core.
		if code >= 300 && c.out != nil {
			ctx.Send(c.transport, c.out)
		}
	case StateAccepted:
		if code >= 200 && code < 300 {
			c.deliver(ctx, &ResponseEvent{Key: c.key, Response: resp})
		}
	}
}

// ack builds the ACK of §17.1.1.3 and sends it where the INVITE went. With
// a Timer D of d > 0 it parks the transaction first, whose record then
// sends the ACK again for each retransmitted final response (park.go), and
// reports true.
func (c *clientInvite) ack(ctx actor.Context, resp *message.Message, d time.Duration) bool {
	ack, err := message.NewAck(c.request, resp)
	if err != nil {
		c.env.log.Warn("sip: cannot build ACK", slog.String("key", c.key.String()), slog.Any("error", err))
		c.out = nil
		return false
	}
	c.request = nil
	if d > 0 && c.dest.IsValid() {
		if _, ok := c.parkAs(ctx, d, ack, c.dest); ok {
			c.out = c.sendFrom(ctx, ack, c.dest, ctx.Parent())
			return true
		}
	}
	c.out = c.send(ctx, ack, c.dest)
	return false
}

func (c *clientInvite) respond(actor.Context, *message.Message) {}
