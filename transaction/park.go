package transaction

import (
	"log/slog"
	"net/netip"
	"time"
	"unsafe"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// A parked transaction is one in a wait state that the manager holds as a
// record instead of an actor: Completed of the two non-INVITE machines and
// of the client INVITE (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.2), and
// Confirmed of the server INVITE (§17.2.1). In those states a transaction
// only answers a retransmission with what it sent last, or absorbs it, until
// its timer (D, I, J or K) ends it. On UDP, Timer J keeps a server
// non-INVITE transaction for 32 s: at 20 000 requests/s that is 640 000 of
// them. An actor holding the parsed request and response costs several
// kilobytes; a record of the bytes to send again a few hundred, and its
// timer is an entry in a queue rather than a runtime timer.
//
// The states that still act (Accepted, which passes 2xx retransmissions and
// ACKs to the core, RFC 6026) stay actors, as does a transaction whose
// response goes to a host name that is resolved at each send.
// txSlot is a transaction in the manager's map: the host of a live one, or
// the record (record.go) of one in a wait state. It is one word, since the
// map has an entry for every transaction: a record is pointed to at its
// second byte, an odd address, which no host has (the collector takes a
// pointer into an object for one to it).
type txSlot struct{ p unsafe.Pointer }

func hostSlot(pid *actor.PID) txSlot { return txSlot{unsafe.Pointer(pid)} }

func recordSlot(rec *byte) txSlot { return txSlot{unsafe.Add(unsafe.Pointer(rec), 1)} }

func (t txSlot) isRecord() bool { return uintptr(t.p)&1 != 0 }

// pid returns the host of a live transaction, or nil.
func (t txSlot) pid() *actor.PID {
	if t.isRecord() {
		return nil
	}
	return (*actor.PID)(t.p)
}

// rec returns the start of the record of a parked transaction, or nil.
func (t txSlot) rec() *byte {
	if !t.isRecord() {
		return nil
	}
	return (*byte)(unsafe.Add(t.p, -1))
}

// probe asks the manager whether it holds transaction key, live or
// parked; tests use it.
type probe struct {
	key   Key
	reply chan<- bool
}

// park is what a transaction sends its manager as it enters a wait state on
// an unreliable transport: the manager takes rec over, and the host that
// ran the transaction goes on to the next; the retransmissions already in
// the host's mailbox come back to the manager (host.stray).
type park struct {
	who  *actor.PID
	rec  record
	wait time.Duration
}

// parkAs hands the transaction to the manager in a wait state that lasts d
// (the manager's queue for d plays the part of the state's timer): msg,
// when not nil, is what a retransmission gets again, written to dest. It
// returns the wire form of msg, which the record holds. It reports false,
// and does nothing, when the record cannot hold the transaction (see
// newRecord): the caller then waits as an actor. With no msg, or on a
// reliable transport (d zero), the transaction terminates instead of
// waiting as an actor, and parkAs reports true.
func (b *base) parkAs(ctx actor.Context, d time.Duration, msg *message.Message, dest netip.AddrPort) ([]byte, bool) {
	if d <= 0 {
		b.terminate(ctx)
		return nil, true
	}
	tp, n := uint16(noTransport), 0
	if msg != nil {
		if !b.tpOK {
			return nil, false
		}
		tp, n = b.tp, msg.Len()
	}
	rec, ok := newRecord(b.id, dest, tp, msg != nil, n)
	if !ok {
		if msg == nil {
			// Absorbing retransmissions is all the wait would do.
			b.terminate(ctx)
			return nil, true
		}
		return nil, false
	}
	start := len(rec)
	if msg != nil {
		rec = msg.Append(rec)
	}
	rec = rec.seal()
	b.stopTimers()
	b.release()
	b.parking = park{who: b.self, rec: rec, wait: d}
	ctx.Send(ctx.Parent(), &b.parking)
	return rec[start:], true
}

// waitQueue runs the timers of one duration: the wait timers of the
// records parked for it, and timerUnanswered. Entries come in time order
// and all wait the same, so a FIFO is a timer wheel with one slot: one
// runtime timer serves the whole queue, where a timer per transaction would
// cost an allocation and, once stopped, keep the actor's memory in the
// runtime's timer heap until the heap is next cleaned.
type waitQueue struct {
	d time.Duration
	// The FIFO is a list of fixed blocks rather than a slice: with a
	// million entries a slice would be copied whole each time it grows.
	head, tail *waitBlock
	timer      *time.Timer
}

// waitBlockSize is the number of entries in a block of a waitQueue.
const waitBlockSize = 256

type waitBlock struct {
	entries [waitBlockSize]waitEntry
	// r is the next entry to pop, w the next to push.
	r, w int
	next *waitBlock
}

// A waitEntry is a parked record: the start of the record, and when it
// expires, as time since the manager's epoch.
type waitEntry struct {
	rec *byte
	at  time.Duration
}

// sweep tells the manager that queue q has records due.
type sweep struct{ q *waitQueue }

// sweepGap is the least time between two sweeps of a queue: under load the
// records due within it expire together, at most this late, instead of one
// timer each.
const sweepGap = time.Millisecond

// park takes over the transaction p.who, which entered a wait state.
func (m *manager) park(ctx actor.Context, p *park) {
	id := p.rec.id()
	if t, ok := m.txs[id]; !ok || t.rec() != nil || !t.pid().Equal(p.who) {
		m.idleHost(ctx, p.who) // the transaction ended meanwhile
		return
	}
	// A map overwrites the key of an entry too, with the string given:
	// the record's key replaces the one the transaction started with, so
	// that the record is all a waiting transaction keeps.
	m.txs[id] = recordSlot(p.rec.start())
	m.stopped(p.who)
	// The registry holds live transactions only: it stays small, so the
	// lookups of every request stay in the cache, and a late response
	// from the core, which §17.2.2 discards, is refused by Send with
	// ErrNoTransaction.
	m.env.reg.DeleteTransaction(unpackKey(id), p.who)
	m.queueFor(p.wait).push(ctx, m, waitEntry{rec: p.rec.start(), at: time.Since(m.epoch) + p.wait})
	m.idleHost(ctx, p.who)
}

func (m *manager) queueFor(d time.Duration) *waitQueue {
	for _, q := range m.queues {
		if q.d == d {
			return q
		}
	}
	q := &waitQueue{d: d}
	m.queues = append(m.queues, q)
	return q
}

func (q *waitQueue) push(ctx actor.Context, m *manager, e waitEntry) {
	if q.tail == nil || q.tail.w == waitBlockSize {
		b := new(waitBlock)
		if q.tail == nil {
			q.head = b
		} else {
			q.tail.next = b
		}
		q.tail = b
	}
	q.tail.entries[q.tail.w] = e
	q.tail.w++
	if q.timer == nil {
		q.arm(ctx, m, e.at)
	}
}

// peek returns the oldest entry, if any.
func (q *waitQueue) peek() (waitEntry, bool) {
	if q.head == nil || q.head.r == q.head.w {
		return waitEntry{}, false
	}
	return q.head.entries[q.head.r], true
}

// pop removes the oldest entry, which must exist.
func (q *waitQueue) pop() {
	b := q.head
	b.entries[b.r] = waitEntry{}
	b.r++
	if b.r == waitBlockSize {
		q.head = b.next
		if q.head == nil {
			q.tail = nil
		}
	}
}

// arm starts the queue's timer to fire at time at since the epoch.
func (q *waitQueue) arm(ctx actor.Context, m *manager, at time.Duration) {
	root, self, msg := ctx.ActorSystem().Root, ctx.Self(), &sweep{q: q}
	q.timer = time.AfterFunc(at-time.Since(m.epoch), func() { root.Send(self, msg) })
}

// sweep ends the records of q that are due, and rearms q for the next.
func (m *manager) sweep(ctx actor.Context, q *waitQueue) {
	q.timer = nil
	now := time.Since(m.epoch)
	for {
		e, ok := q.peek()
		if !ok || e.at > now {
			break
		}
		q.pop()
		if id := recordAt(e.rec).id(); m.txs[id].rec() == e.rec {
			delete(m.txs, id)
		}
	}
	if e, ok := q.peek(); ok {
		q.arm(ctx, m, max(e.at, now+sweepGap))
	}
}

// unpark forgets the record that starts at p: its transaction is
// Terminated.
func (m *manager) unpark(p *byte) {
	delete(m.txs, recordAt(p).id())
}

// retransmitted handles a message that matches the parked transaction
// whose record starts at p: a retransmitted request (servers) or final
// response (client INVITE) gets the record's data again, anything else is
// absorbed.
func (m *manager) retransmitted(ctx actor.Context, p *byte, msg *message.Message) {
	rec := recordAt(p)
	data := rec.data()
	if data == nil || (msg.IsResponse() && msg.StatusCode < 300) {
		return
	}
	ctx.Send(m.transports.pid(rec.transport()), &transport.Datagram{Data: data, Dest: rec.dest()})
}

// respond discards a response the core sent for a transaction that already
// sent its final one (§17.2.2), or passes it to a transaction that is still
// an actor.
func (m *manager) respond(ctx actor.Context, r *Respond) {
	if r.Response == nil || !r.Response.IsResponse() {
		return
	}
	key, err := ServerKey(r.Response)
	if err != nil {
		return
	}
	if t, ok := m.slot(key); ok && t.rec() == nil {
		ctx.Send(t.pid(), r)
		return
	}
	m.env.log.Debug("sip: response after the final one discarded", slog.String("key", key.String()))
}

// sendError handles a transport's failure to write the last message of a
// transaction that was then parked (§17.1.4, §17.2.4): the transaction ends
// and its core is told.
func (m *manager) sendError(ctx actor.Context, se *transport.SendError) {
	if se.Message == nil {
		return
	}
	var key Key
	var err error
	if se.Message.IsResponse() {
		key, err = ServerKey(se.Message)
	} else {
		key, err = ClientKey(se.Message)
		if se.Message.Method == message.MethodAck {
			key.Method = message.MethodInvite
		}
	}
	if err != nil {
		return
	}
	switch t, ok := m.slot(key); {
	case ok && t.rec() == nil:
		ctx.Send(t.pid(), se)
	case ok:
		m.unpark(t.rec())
		err := se.Err
		if err == nil {
			err = errUnknownTransport
		}
		m.env.deliver(ctx, &ErrorEvent{Key: key, Err: err})
	}
}
