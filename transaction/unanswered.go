package transaction

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// awaitList runs timerUnanswered: it holds the server non-INVITE
// transactions whose core has not answered yet, in the order they started.
// All wait the same 64*T1+T4, so the oldest is due first and one runtime
// timer serves the list. A transaction leaves the list as soon as it stops
// running (answered and parked, or ended), so that a busy server keeps
// entries for the few transactions in flight rather than one for every
// request of the last 36 seconds; nodes are recycled.
type awaitList struct {
	head, tail *awaiting
	free       *awaiting
	timer      *time.Timer
}

// awaiting is a transaction in an awaitList: its host, its gen, and when
// its timerUnanswered is due, as time since the manager's epoch.
type awaiting struct {
	host       *actor.PID
	gen        uint64
	at         time.Duration
	prev, next *awaiting
}

// sweepAwaiting tells the manager that its awaitList has entries due.
type sweepAwaiting struct{}

var sweepAwaitingMsg = &sweepAwaiting{}

// await adds the transaction gen on host, due at time at, and arms the
// timer if the list was empty.
func (m *manager) await(ctx actor.Context, host *actor.PID, gen uint64, at time.Duration) *awaiting {
	l := &m.awaiting
	n := l.free
	if n != nil {
		l.free = n.next
		*n = awaiting{}
	} else {
		n = new(awaiting)
	}
	n.host, n.gen, n.at = host, gen, at
	n.prev = l.tail
	if l.tail != nil {
		l.tail.next = n
	} else {
		l.head = n
	}
	l.tail = n
	if l.timer == nil {
		m.armAwaiting(ctx, at)
	}
	return n
}

// unawait removes n, whose transaction stopped running, and recycles it.
func (m *manager) unawait(n *awaiting) {
	l := &m.awaiting
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		l.head = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else {
		l.tail = n.prev
	}
	*n = awaiting{next: l.free}
	l.free = n
}

func (m *manager) armAwaiting(ctx actor.Context, at time.Duration) {
	root, self := ctx.ActorSystem().Root, ctx.Self()
	m.awaiting.timer = time.AfterFunc(at-time.Since(m.epoch), func() { root.Send(self, sweepAwaitingMsg) })
}

// sweepAwaiting tells the transactions that are due that their core did
// not answer, and rearms the timer for the next.
func (m *manager) sweepAwaiting(ctx actor.Context) {
	l := &m.awaiting
	l.timer = nil
	now := time.Since(m.epoch)
	for l.head != nil && l.head.at <= now {
		n := l.head
		ctx.Send(n.host, &unanswered{gen: n.gen})
		if r, ok := m.running[n.host]; ok && r.await == n {
			r.await = nil
			m.running[n.host] = r
		}
		m.unawait(n)
	}
	if l.head != nil {
		m.armAwaiting(ctx, max(l.head.at, now+sweepGap))
	}
}

// stopAwaiting stops the timer of the list, when the manager stops.
func (m *manager) stopAwaiting() {
	if m.awaiting.timer != nil {
		m.awaiting.timer.Stop()
	}
	m.awaiting = awaitList{}
}
