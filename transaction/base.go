package transaction

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// timerKind names the timers of RFC 3261 Table 4 and RFC 6026 §8.11, and
// the 200 ms timer of the automatic 100 (Trying) (§17.2.1).
type timerKind uint8

const (
	timerA timerKind = iota + 1
	timerB
	timerD
	timerE
	timerF
	timerG
	timerH
	timerI
	timerJ
	timerK
	timerL
	timerM
	timerTrying
	// timerUnanswered bounds how long a server non-INVITE transaction
	// waits for its core: 64*T1+T4, after the client has given up
	// (Timer F) and its last retransmission has left the network. The
	// manager runs it, in one list for all (unanswered.go), and sends
	// unanswered.
	timerUnanswered
)

// slot returns where a transaction keeps timer k. No machine runs two
// timers of the same slot at once: slot 0 holds the retransmission timers
// (A, E, G) and the 100 (Trying) timer, slot 1 the timeouts (B, F, H) and
// the wait timers (D, I, J, K, L, M).
func (k timerKind) slot() int {
	switch k {
	case timerA, timerE, timerG, timerTrying:
		return 0
	}
	return 1
}

// unanswered is what the manager sends a server non-INVITE transaction
// whose timerUnanswered is due; gen names the transaction (see spawn).
type unanswered struct{ gen uint64 }

// timeout is the message a timer sends to its transaction when it fires.
// seq tells a live timer from one stopped after it had already fired,
// whose message may still be in the mailbox.
type timeout struct {
	kind timerKind
	seq  uint32
}

type timerSlot struct {
	t   *time.Timer
	seq uint32
}

// settleQuery asks a transaction, while the stack drains, to report (with
// settled) once its core no longer waits for it: at once when it is past
// its pending states, else when it leaves them.
type settleQuery struct{}

var settleQueryMsg = &settleQuery{}

// settled tells the manager that transaction who is in a wait state
// (Completed, Confirmed, Accepted): it only absorbs retransmissions now, so
// a shutdown need not wait for its timer.
type settled struct{ who *actor.PID }

// machine is one of the four state machines. base.receive handles what
// they have in common and calls these for the rest.
type machine interface {
	// started runs when the transaction is assigned to its host: the
	// client sends its request, the server delivers its request to the
	// core.
	started(ctx actor.Context)
	// incoming handles a request (servers) or response (clients) that the
	// manager matched to the transaction.
	incoming(ctx actor.Context, m *message.Message)
	// respond handles a response from the core (servers).
	respond(ctx actor.Context, resp *message.Message)
	// fire handles a timer.
	fire(ctx actor.Context, k timerKind)
}

// base is the part of a transaction that all four machines share.
type base struct {
	env *env
	// key is the transaction's, detached from the message's memory, and
	// id its packed form (Key.detach), the manager's name for it.
	key       Key
	id        string
	state     State
	reliable  bool
	seq       uint32
	transport *actor.PID
	// source is where a server transaction's request came from: stream
	// transports answer on the connection from there (§18.2.2).
	source netip.AddrPort
	// host is the name a client transaction's destination was resolved
	// from, for TLS certificate checks (transport.Outgoing.Host).
	host   string
	self   *actor.PID
	timers [2]timerSlot
	// notify asks wait to report settled to the manager (the stack is
	// draining and this transaction was pending when it was asked).
	notify bool
	// server tells a server transaction from a client one.
	server bool
	// runner is the host that runs the transaction, and gen the number
	// the manager gave the transaction when it assigned it.
	runner *host
	gen    uint64
	// parking is the message parkAs sends, kept here rather than
	// allocated; it does not change once sent.
	parking park
	// tp is the number of the transport in the manager's table, which
	// the record of a parked transaction keeps; tpOK is false when it
	// has none (a reliable transport, or a full table).
	tp   uint16
	tpOK bool
}

// tx returns b, for the host that runs the machine embedding it.
func (b *base) tx() *base { return b }

// receive dispatches a message to m, the machine that embeds b.
func (b *base) receive(ctx actor.Context, m machine) {
	defer b.repanic(ctx)
	if b.notify {
		defer b.settle(ctx)
	}
	msg := ctx.Message()
	if b.env.hook != nil {
		b.env.hook(b.key, msg)
	}
	switch msg := msg.(type) {
	case *transport.Incoming:
		if b.state != StateTerminated && msg.Message != nil {
			m.incoming(ctx, msg.Message)
		}
	case *timeout:
		if b.state != StateTerminated && b.expired(msg) {
			m.fire(ctx, msg.kind)
		}
	case *unanswered:
		if b.state != StateTerminated && msg.gen == b.gen {
			m.fire(ctx, timerUnanswered)
		}
	case *Respond:
		if msg.Response == nil || !msg.Response.IsResponse() {
			b.env.log.Warn("sip: Respond without a response; ignored", slog.String("key", b.key.String()))
			return
		}
		if b.state != StateTerminated {
			m.respond(ctx, msg.Response)
		}
	case *transport.SendError:
		b.sendError(ctx, msg)
	case *Terminate:
		b.abort(ctx)
	case txActor:
		m.started(ctx) // assigned (host.go)
	case *settleQuery:
		if b.state.pending() {
			b.notify = true
		} else {
			ctx.Send(ctx.Parent(), &settled{who: b.self})
		}
	case *actor.Stopped:
		b.stopped(ctx)
	}
}

// settle reports settled to the manager once the transaction has left its
// pending states (see settleQuery).
func (b *base) settle(ctx actor.Context) {
	if b.notify && !b.state.pending() && b.state != StateTerminated {
		b.notify = false
		ctx.Send(ctx.Parent(), &settled{who: b.self})
	}
}

// startTimer (re)starts timer k to fire after d.
func (b *base) startTimer(ctx actor.Context, k timerKind, d time.Duration) {
	s := &b.timers[k.slot()]
	if s.t != nil {
		s.t.Stop()
	}
	b.seq++
	msg := &timeout{kind: k, seq: b.seq}
	root, self := ctx.ActorSystem().Root, b.self
	s.t = time.AfterFunc(d, func() { root.Send(self, msg) })
	s.seq = b.seq
}

// stopTimer stops timer k if it runs.
func (b *base) stopTimer(k timerKind) {
	s := &b.timers[k.slot()]
	if s.t != nil {
		s.t.Stop()
	}
	*s = timerSlot{}
}

func (b *base) stopTimers() {
	for i := range b.timers {
		if b.timers[i].t != nil {
			b.timers[i].t.Stop()
		}
		b.timers[i] = timerSlot{}
	}
}

// expired reports whether m comes from a live timer, which it then clears.
func (b *base) expired(m *timeout) bool {
	s := &b.timers[m.kind.slot()]
	if s.seq == 0 || s.seq != m.seq {
		return false
	}
	*s = timerSlot{}
	return true
}

// wait enters a wait state (Completed, Confirmed, Accepted) guarded by
// timer k: with a zero duration, as on reliable transports, the
// transaction terminates at once (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1,
// §17.2.2).
func (b *base) wait(ctx actor.Context, k timerKind, d time.Duration) {
	if d <= 0 {
		b.terminate(ctx)
		return
	}
	b.startTimer(ctx, k, d)
}

// send hands m to the transport. Servers leave dest zero: the transport
// routes the response by its top Via (RFC 3261 §18.2.2). Transport errors
// come back as *transport.SendError (§17.1.4, §17.2.4).
func (b *base) send(ctx actor.Context, m *message.Message, dest netip.AddrPort) *transport.Outgoing {
	return b.sendFrom(ctx, m, dest, b.self)
}

// sendFrom is send with transport errors going to replyTo: the manager,
// for the last message of a transaction that it parks.
func (b *base) sendFrom(ctx actor.Context, m *message.Message, dest netip.AddrPort, replyTo *actor.PID) *transport.Outgoing {
	out := &transport.Outgoing{Message: m, Dest: dest, ReplyTo: replyTo}
	if dest.IsValid() {
		out.Host = b.host
	} else {
		out.Source = b.source
	}
	ctx.Send(b.transport, out)
	return out
}

func (b *base) deliver(ctx actor.Context, ev any) { b.env.deliver(ctx, ev) }

// terminate enters the Terminated state quietly and stops the actor; the
// manager forgets the transaction when it sees the actor's Terminated.
func (b *base) terminate(ctx actor.Context) {
	if b.state == StateTerminated {
		return
	}
	b.state = StateTerminated
	b.stopTimers()
	b.release()
	ctx.Send(ctx.Parent(), &released{who: b.self, id: b.id})
}

// release leaves the host, which goes on with the manager's next
// transaction; the manager learns of it from the message that follows
// (released, or park).
func (b *base) release() {
	if b.runner != nil {
		b.runner.seq = b.seq
		b.runner.tx = nil
		b.runner = nil
	}
}

// fail terminates the transaction and tells the core why (RFC 3261
// §17.1.1.2, §17.1.2.2, §17.1.4, §17.2.1, §17.2.4).
func (b *base) fail(ctx actor.Context, err error) {
	if b.state == StateTerminated {
		return
	}
	b.deliver(ctx, &ErrorEvent{Key: b.key, Err: err})
	b.terminate(ctx)
}

// abort ends the transaction on Terminate. A core still waiting for the
// outcome gets ErrTerminated; a transaction already in a wait state ends
// quietly, its core having had the final response.
func (b *base) abort(ctx actor.Context) {
	if b.state.pending() {
		b.fail(ctx, ErrTerminated)
		return
	}
	b.terminate(ctx)
}

// sendError handles a transport error (RFC 3261 §17.1.4, §17.2.4): the
// transaction informs its core and terminates. In the Accepted and
// Confirmed states the RFC figures have no transport error transition
// (RFC 6026 §7.1, §7.2): an error for an earlier message, still in flight
// when the state changed, is ignored there.
func (b *base) sendError(ctx actor.Context, se *transport.SendError) {
	switch b.state {
	case StateAccepted, StateConfirmed, StateTerminated:
		b.env.log.Debug("sip: transport error ignored", slog.String("key", b.key.String()), slog.String("state", b.state.String()), slog.Any("error", se.Err))
		return
	}
	err := se.Err
	if err == nil {
		err = errUnknownTransport
	}
	b.fail(ctx, err)
}

// stopped runs when the actor stops: after terminate, or from outside (the
// stack's shutdown, a panic). Stopped from outside, a transaction whose
// core still waits tells it ErrTerminated.
func (b *base) stopped(ctx actor.Context) {
	if b.state != StateTerminated {
		if b.state.pending() {
			b.deliver(ctx, &ErrorEvent{Key: b.key, Err: ErrTerminated})
		}
		b.state = StateTerminated
	}
	b.stopTimers()
}
