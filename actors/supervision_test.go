package actors

import (
	"errors"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
)

// fakeSupervisor records the directives of a strategy, with their times.
type fakeSupervisor struct {
	mu       sync.Mutex
	start    time.Time
	restarts []time.Duration
	stops    int
}

func (f *fakeSupervisor) Children() []*actor.PID       { return nil }
func (f *fakeSupervisor) EscalateFailure(any, any)     {}
func (f *fakeSupervisor) ResumeChildren(...*actor.PID) {}
func (f *fakeSupervisor) StopChildren(...*actor.PID)   { f.mu.Lock(); f.stops++; f.mu.Unlock() }
func (f *fakeSupervisor) RestartChildren(pids ...*actor.PID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restarts = append(f.restarts, time.Since(f.start))
}

// A transport restarts with a backoff that doubles up to its maximum
// (Erlang/OTP-style supervision, with the delay protoactor's own
// exponential strategy lacks); a core restarts at once until it fails more
// than MaxRestarts times within the window, then it is stopped.
func TestRestartPolicies(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	child := actor.NewPID("nonhost", "child")
	t.Run("transport backoff", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			sup := &fakeSupervisor{start: time.Now()}
			p := (&Config{}).transportPolicy()
			rs := actor.NewRestartStatistics()
			var want []time.Duration
			at := time.Duration(0)
			for i := range 9 {
				handleFailure(p, logger, sup, child, rs, errors.New("bind failed"))
				d := min(100*time.Millisecond<<i, 10*time.Second)
				at += d
				want = append(want, at)
				time.Sleep(d)
				synctest.Wait()
			}
			assert.Equal(t, want, sup.restarts)
			assert.Zero(t, sup.stops, "a transport is never given up on")
		})
	})
	t.Run("core intensity", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			sup := &fakeSupervisor{start: time.Now()}
			p := (&Config{}).corePolicy()
			rs := actor.NewRestartStatistics()
			for range 10 {
				handleFailure(p, logger, sup, child, rs, "panic")
			}
			assert.Len(t, sup.restarts, 10)
			assert.Zero(t, sup.stops)
			handleFailure(p, logger, sup, child, rs, "panic")
			assert.Equal(t, 1, sup.stops, "the 11th failure within a minute stops the core")
			assert.Len(t, sup.restarts, 10)
		})
	})
	t.Run("core failures spread out", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			sup := &fakeSupervisor{start: time.Now()}
			p := (&Config{}).corePolicy()
			rs := actor.NewRestartStatistics()
			for range 30 {
				handleFailure(p, logger, sup, child, rs, "panic")
				time.Sleep(10 * time.Second)
			}
			assert.Zero(t, sup.stops, "six failures a minute stay within the intensity")
			assert.Len(t, sup.restarts, 30)
		})
	})
}

func TestPanicErrorUnwrap(t *testing.T) {
	cause := errors.New("boom")
	err := error(&PanicError{Value: cause})
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, "sip: actor panicked: boom", err.Error())
	assert.NoError(t, (&PanicError{Value: "text"}).Unwrap())
}
