package transaction

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a MessageInvoker that records what it is given, checks that
// it never runs twice at once, and panics on "panic".
type recorder struct {
	mb         actor.Mailbox
	mu         sync.Mutex
	got        []any
	failures   []any
	inside     atomic.Int32
	concurrent atomic.Bool
	onMessage  func(msg any)
}

func (r *recorder) record(msg any) {
	if r.inside.Add(1) > 1 {
		r.concurrent.Store(true)
	}
	defer r.inside.Add(-1)
	r.mu.Lock()
	r.got = append(r.got, msg)
	r.mu.Unlock()
	if r.onMessage != nil {
		r.onMessage(msg)
	}
	if msg == "panic" {
		panic("boom")
	}
}

func (r *recorder) InvokeSystemMessage(msg any) { r.record(msg) }
func (r *recorder) InvokeUserMessage(msg any)   { r.record(msg) }
func (r *recorder) EscalateFailure(reason, msg any) {
	r.failures = append(r.failures, msg)
	r.mb.PostSystemMessage(&actor.SuspendMailbox{}) // as actorContext does
}

func newRecorder() *recorder {
	r := &recorder{mb: newInlineMailbox()}
	r.mb.RegisterHandlers(r, nil)
	r.mb.Start()
	return r
}

// TestInlineMailbox: messages run on the poster's goroutine, one at a time
// and in order; one posted while another runs waits for it; a panic is
// escalated and suspends user messages until ResumeMailbox, while system
// messages still run.
func TestInlineMailbox(t *testing.T) {
	r := newRecorder()
	r.onMessage = func(msg any) {
		if msg == 1 {
			r.mb.PostUserMessage(3) // re-entrant: queued behind 2
		}
	}
	r.mb.PostUserMessage(1)
	assert.Equal(t, []any{1, 3}, r.got, "ran inline, the re-entrant one after")
	r.onMessage = func(msg any) {
		if msg == 4 {
			r.mb.PostUserMessage(6)
			r.mb.PostSystemMessage("sys") // system messages go first
		}
	}
	r.got = nil
	r.mb.PostUserMessage(4)
	assert.Equal(t, []any{4, "sys", 6}, r.got)

	r.onMessage = nil
	r.got = nil
	r.mb.PostUserMessage("panic")
	assert.Equal(t, []any{"panic"}, r.failures)
	r.mb.PostUserMessage(7)
	r.mb.PostSystemMessage("stop?")
	assert.Equal(t, []any{"panic", "stop?"}, r.got, "suspended: only system messages")
	assert.Equal(t, 1, r.mb.UserMessageCount())
	r.mb.PostSystemMessage(&actor.ResumeMailbox{})
	assert.Equal(t, []any{"panic", "stop?", 7}, r.got)
	assert.Equal(t, 0, r.mb.UserMessageCount())
}

// TestInlineMailboxConcurrent: posts from many goroutines never run the
// actor twice at once, and none is lost.
func TestInlineMailboxConcurrent(t *testing.T) {
	r := newRecorder()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				if i%50 == 0 {
					r.mb.PostSystemMessage(g*1000 + i)
				} else {
					r.mb.PostUserMessage(g*1000 + i)
				}
			}
		}()
	}
	wg.Wait()
	require.False(t, r.concurrent.Load(), "the actor ran twice at once")
	assert.Len(t, r.got, 8*500)
	assert.Equal(t, 0, r.mb.UserMessageCount())
}

// TestInlineMailboxAllocations: a host's mailbox allocates nothing per
// message once its queues have grown.
func TestInlineMailboxAllocations(t *testing.T) {
	r := newRecorder()
	r.got = make([]any, 0, 1000)
	msg := any(&Terminate{})
	r.mb.PostUserMessage(msg)
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		r.got = r.got[:0]
		r.mb.PostUserMessage(msg)
	}))
}
