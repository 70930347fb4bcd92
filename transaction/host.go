package transaction

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// A host is the actor that runs a transaction. Spawning an actor and
// stopping it again cost protoactor-go several microseconds, as much as the
// rest of a transaction's work, so the manager keeps the hosts of ended
// transactions and gives each its next transaction (the txActor itself is
// the message) instead of spawning one. A host runs one transaction at a time, in its own mailbox
// and under the manager's supervision: a transaction that panics stops its
// host. A message meant for a transaction that its host no longer runs (a
// retransmission or a late response that crossed the transaction's end)
// goes back to the manager, which routes it by its key.
type host struct {
	tx   txActor
	self *actor.PID
	// seq numbers the timers of the transactions it runs, across them:
	// a timer of an earlier one that fired late is told from the current
	// one's.
	seq uint32
}

// txActor is a transaction's machine as its host runs it.
type txActor interface {
	actor.Actor
	tx() *base
}

// released tells the manager that transaction id (a packed Key) ended and
// that its host, who, is idle.
type released struct {
	who *actor.PID
	id  string
}

// maxIdleHosts bounds the idle hosts a manager keeps; past it an ended
// transaction's host stops.
const maxIdleHosts = 1024

// Receive implements actor.Actor.
func (h *host) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		h.self = ctx.Self()
		return
	case txActor:
		// The transaction itself is the message that assigns it, with
		// its gen set by the manager.
		h.tx = msg
		b := msg.tx()
		b.self, b.seq, b.runner = h.self, h.seq, h
		msg.Receive(ctx)
		return
	case *actor.Stopping, *actor.Restarting, *actor.Stopped:
		if h.tx != nil {
			h.tx.Receive(ctx)
		}
		return
	case *settleQuery:
		if h.tx == nil {
			ctx.Send(ctx.Parent(), &settled{who: h.self})
			return
		}
	}
	if h.tx == nil || !h.tx.tx().owns(ctx.Message()) {
		h.stray(ctx)
		return
	}
	h.tx.Receive(ctx)
}

// stray hands a message for a transaction the host no longer runs back to
// the manager; timers of ended transactions are dropped.
func (h *host) stray(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *transport.Incoming, *Respond, *transport.SendError, *Terminate:
		ctx.Send(ctx.Parent(), msg)
	}
}

// owns reports whether msg is for the transaction b, rather than for one
// that ran on the same host before.
func (b *base) owns(msg any) bool {
	switch msg := msg.(type) {
	case *transport.Incoming:
		return msg.Message == nil || b.keyOf(msg.Message) == b.key
	case *Respond:
		return msg.Response == nil || b.keyOf(msg.Response) == b.key
	case *transport.SendError:
		return msg.Message == nil || b.keyOf(msg.Message) == b.key
	case *Terminate:
		return msg.Key == b.key
	case *unanswered:
		return msg.gen == b.gen
	}
	return true
}

// keyOf returns the key of the transaction m belongs to: a server one for a
// request it received or a response it sends, a client one for a request
// it sends or a response it received. A message without a key matches
// none.
func (b *base) keyOf(m *message.Message) Key {
	var k Key
	var err error
	switch {
	case b.server:
		k, err = ServerKey(m)
	default:
		k, err = ClientKey(m)
		if k.Method == message.MethodAck {
			k.Method = message.MethodInvite
		}
	}
	if err != nil {
		return Key{}
	}
	return k
}
