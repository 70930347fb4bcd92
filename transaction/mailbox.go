package transaction

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
)

// inlineMailbox is the mailbox of a host. A transaction does little per
// message and never blocks, so it runs on the goroutine of whoever sends it
// one (the manager, the core's Send, a timer) rather than waking another:
// that saved four goroutine hand-offs per request under sipp load.
// protoactor's synchronized dispatcher does the same with its default
// mailbox, which allocates a queue node and a closure per message; this one
// keeps its queues in slices it reuses, and allocates nothing once they have
// grown to a transaction's few messages.
//
// It keeps the default mailbox's contract: one message at a time, system
// messages first, user messages held while suspended (a failed host waits
// for its supervisor), and a panic escalated to the supervisor.
type inlineMailbox struct {
	mu        sync.Mutex
	sys, user queue
	running   bool
	suspended bool
	invoker   actor.MessageInvoker
}

// queue is a FIFO in a slice that is reused once emptied.
type queue struct {
	items []any
	head  int
}

func (q *queue) push(v any) { q.items = append(q.items, v) }

func (q *queue) pop() (any, bool) {
	if q.head == len(q.items) {
		return nil, false
	}
	v := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	return v, true
}

func (q *queue) len() int { return len(q.items) - q.head }

func newInlineMailbox() actor.Mailbox { return &inlineMailbox{} }

// PostUserMessage implements actor.Mailbox.
func (m *inlineMailbox) PostUserMessage(msg any) {
	m.mu.Lock()
	m.user.push(msg)
	m.run()
}

// PostSystemMessage implements actor.Mailbox.
func (m *inlineMailbox) PostSystemMessage(msg any) {
	m.mu.Lock()
	m.sys.push(msg)
	m.run()
}

// run handles the queued messages unless another goroutine already does;
// it is called with mu held and returns with it released.
func (m *inlineMailbox) run() {
	if m.running {
		m.mu.Unlock()
		return
	}
	m.running = true
	for {
		msg, sys := m.sys.pop()
		if !sys {
			ok := false
			if !m.suspended {
				msg, ok = m.user.pop()
			}
			if !ok {
				m.running = false
				m.mu.Unlock()
				return
			}
		}
		if sys {
			switch msg.(type) {
			case *actor.SuspendMailbox:
				m.suspended = true
				continue
			case *actor.ResumeMailbox:
				m.suspended = false
				continue
			}
		}
		m.mu.Unlock()
		// A panic is escalated: the supervisor's decision comes as
		// system messages, which this loop, still running, handles.
		m.invoke(msg, sys)
		m.mu.Lock()
	}
}

// invoke hands msg to the actor; a panic is escalated to the supervisor, as
// the default mailbox does.
func (m *inlineMailbox) invoke(msg any, sys bool) {
	defer func() {
		if r := recover(); r != nil {
			m.invoker.EscalateFailure(r, msg)
		}
	}()
	if sys {
		m.invoker.InvokeSystemMessage(msg)
	} else {
		m.invoker.InvokeUserMessage(msg)
	}
}

// RegisterHandlers implements actor.Mailbox; the dispatcher is not used,
// since messages run where they are posted.
func (m *inlineMailbox) RegisterHandlers(invoker actor.MessageInvoker, _ actor.Dispatcher) {
	m.invoker = invoker
}

// Start implements actor.Mailbox.
func (m *inlineMailbox) Start() {}

// UserMessageCount implements actor.Mailbox.
func (m *inlineMailbox) UserMessageCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.user.len()
}
