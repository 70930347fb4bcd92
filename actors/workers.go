package actors

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workers is the dispatcher of a stack's actors: it runs each mailbox on an
// idle worker goroutine when there is one, else on a new one. protoactor's
// default dispatcher starts a goroutine per run, whose stack then grows,
// by copying, to the depth of a SIP message's path, at every run: under
// sipp load that was 15% of the CPU time of a request. A worker keeps its
// grown stack. Workers beyond maxIdle end when they run out of work, and
// all end on close, so an idle stack keeps no more than maxIdle goroutines
// and a stopped one none.
type workers struct {
	work      chan func()
	quit      chan struct{}
	idle      atomic.Int32
	maxIdle   int32
	closeOnce sync.Once
}

// throughput is how many messages an actor handles in a row before its
// worker lets others run (protoactor's default).
const throughput = 300

func newWorkers() *workers {
	return &workers{
		work:    make(chan func()),
		quit:    make(chan struct{}),
		maxIdle: int32(128 * runtime.GOMAXPROCS(0)),
	}
}

// Schedule implements actor.Dispatcher.
func (w *workers) Schedule(fn func()) {
	select {
	case w.work <- fn:
	default:
		go w.run(fn)
	}
}

// Throughput implements actor.Dispatcher.
func (w *workers) Throughput() int { return throughput }

func (w *workers) run(fn func()) {
	for {
		fn()
		if w.idle.Add(1) > w.maxIdle {
			w.idle.Add(-1)
			return
		}
		select {
		case fn = <-w.work:
			w.idle.Add(-1)
		case <-w.quit:
			w.idle.Add(-1)
			return
		}
	}
}

// close ends the idle workers, and each busy one when it is done. What is
// scheduled afterwards still runs, on a goroutine of its own.
func (w *workers) close() { w.closeOnce.Do(func() { close(w.quit) }) }
