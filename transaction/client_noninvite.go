package transaction

import (
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// clientNonInvite is the client non-INVITE transaction of RFC 3261
// §17.1.2.
type clientNonInvite struct {
	base
	request *message.Message
	dest    netip.AddrPort
	out     *transport.Outgoing
	// retries counts the Timer E retransmissions.
	retries int
}

// Receive implements actor.Actor.
func (c *clientNonInvite) Receive(ctx actor.Context) { c.receive(ctx, c) }

// started sends the request and enters Trying (§17.1.2.2): Timer E only on
// an unreliable transport, Timer F always.
func (c *clientNonInvite) started(ctx actor.Context) {
	c.state = StateTrying
	c.out = c.send(ctx, c.request, c.dest)
	c.request = nil
	if !c.reliable {
		c.startTimer(ctx, timerE, c.env.timers.TimerE(0))
	}
	c.startTimer(ctx, timerF, c.env.timers.TimerF())
}

func (c *clientNonInvite) fire(ctx actor.Context, k timerKind) {
	switch {
	case k == timerE && c.state == StateTrying:
		ctx.Send(c.transport, c.out)
		c.retries++
		c.startTimer(ctx, timerE, c.env.timers.TimerE(c.retries))
	case k == timerE && c.state == StateProceeding:
		// §17.1.2.2: in Proceeding, Timer E is reset to T2.
		ctx.Send(c.transport, c.out)
		c.startTimer(ctx, timerE, c.env.timers.t2())
	case k == timerF && c.state.pending():
		c.fail(ctx, ErrTimeout)
	case k == timerK && c.state == StateCompleted:
		c.terminate(ctx)
	}
}

func (c *clientNonInvite) incoming(ctx actor.Context, resp *message.Message) {
	if !resp.IsResponse() || !c.state.pending() {
		// §17.1.2.2: responses retransmitted in Completed are absorbed.
		return
	}
	if resp.StatusCode < 200 {
		c.state = StateProceeding
		c.deliver(ctx, &ResponseEvent{Key: c.key, Response: resp})
		return
	}
	c.stopTimers()
	c.state = StateCompleted
	c.out = nil
	c.deliver(ctx, &ResponseEvent{Key: c.key, Response: resp})
	c.parkAs(ctx, c.env.timers.TimerK(c.reliable), nil, netip.AddrPort{})
}

func (c *clientNonInvite) respond(actor.Context, *message.Message) {}
