package transaction

import (
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transport"
)

// countActor counts the messages its filter accepts and closes a channel
// when the expected number arrived.
type countActor struct {
	accept func(any) bool
	mu     sync.Mutex
	n      int
	want   int
	done   chan struct{}
	// keep, when set, keeps the messages counted, for take.
	keep bool
	kept []any
}

// take returns the messages kept since the last take.
func (c *countActor) take() []any {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.kept
	c.kept = nil
	return k
}

func (c *countActor) expect(n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n, c.want, c.done = 0, n, make(chan struct{})
	return c.done
}

func (c *countActor) Receive(ctx actor.Context) {
	if !c.accept(ctx.Message()) {
		return
	}
	c.mu.Lock()
	c.n++
	if c.keep {
		c.kept = append(c.kept, ctx.Message())
	}
	if c.n == c.want {
		close(c.done)
	}
	c.mu.Unlock()
}

type benchStack struct {
	sys       *actor.ActorSystem
	reg       *registry.Registry[Key]
	core, tp  *countActor
	tpPID     *actor.PID
	corePID   *actor.PID
	timeout   time.Duration
	reliable  bool
	protoName string
}

func newBenchStack(tb testing.TB) *benchStack {
	s := &benchStack{timeout: 30 * time.Second, protoName: "UDP"}
	s.sys = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}))
	s.reg = registry.New[Key]()
	s.core = &countActor{accept: func(m any) bool { _, ok := m.(*RequestEvent); return ok }}
	s.tp = &countActor{accept: func(m any) bool {
		switch m.(type) {
		case *transport.Outgoing, *transport.Datagram:
			return true
		}
		return false
	}}
	s.corePID = s.sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return s.core }))
	s.tpPID = s.sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return s.tp }))
	s.reg.SetCore(s.corePID)
	return s
}

func (s *benchStack) close(tb testing.TB) {
	require.NoError(tb, s.sys.Root.StopFuture(s.corePID).Wait())
	require.NoError(tb, s.sys.Root.StopFuture(s.tpPID).Wait())
	s.sys.Shutdown()
}

func (s *benchStack) wait(tb testing.TB, done <-chan struct{}, what string) {
	select {
	case <-done:
	case <-time.After(s.timeout):
		tb.Fatalf("timed out waiting for %s", what)
	}
}

// incomings returns n OPTIONS requests with distinct branches.
func incomings(tb testing.TB, n int, tp *actor.PID) []*transport.Incoming {
	ins := make([]*transport.Incoming, n)
	for i := range ins {
		ins[i] = &transport.Incoming{
			Message:  request(tb, message.MethodOptions, fmt.Sprintf("z9hG4bKbench%d", i)),
			Protocol: "UDP", Source: peer, Transport: tp,
		}
	}
	return ins
}

// BenchmarkServerSpawn measures what a new request costs the transaction
// layer: the manager computes its key, spawns a server non-INVITE
// transaction, registers it, and the transaction delivers the RequestEvent
// to the core. Requests are sent back to back in batches; the time per
// operation is the throughput cost of one spawn and first delivery.
func BenchmarkServerSpawn(b *testing.B) {
	s := newBenchStack(b)
	defer s.close(b)
	const batch = 10000
	b.ReportAllocs()
	b.StopTimer()
	var cpu time.Duration
	for done := 0; done < b.N; {
		n := min(batch, b.N-done)
		ins := incomings(b, n, s.tpPID)
		mgr := s.sys.Root.Spawn(NewManager(Config{Registry: s.reg}))
		delivered := s.core.expect(n)
		c0 := cpuTime()
		b.StartTimer()
		for _, in := range ins {
			s.sys.Root.Send(mgr, in)
		}
		s.wait(b, delivered, "deliveries")
		b.StopTimer()
		cpu += cpuTime() - c0
		require.NoError(b, s.sys.Root.StopFuture(mgr).Wait())
		done += n
	}
	// The process CPU time (all goroutines, GC included) per request:
	// less sensitive than ns/op to other processes on a busy machine.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkIdleTransaction measures the heap that a server non-INVITE
// transaction idle in Completed (UDP, waiting for Timer J) keeps: all of
// it, from the parsed request and the core's response to the manager's
// record, its registry entry and its queue entry. The requests are parsed
// from wire bytes as a transport does, a core answers each as it arrives,
// as a server does, with 64 requests in flight at most, and the test keeps
// no reference to the messages, so
// whatever the layer still pins of them is counted.
func BenchmarkIdleTransaction(b *testing.B) {
	const n = 50000 // enough for the maps' growth steps to average out
	s := newBenchStack(b)
	defer s.close(b)
	responder := s.sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor {
		return actor.ReceiveFunc(func(ctx actor.Context) {
			if ev, ok := ctx.Message().(*RequestEvent); ok {
				if pid, ok := s.reg.Transaction(ev.Key); ok {
					ctx.Send(pid, &Respond{Response: message.NewResponse(ev.Request, message.StatusOK, "")})
				}
			}
		})
	}))
	defer s.sys.Root.Stop(responder)
	var perTx float64
	for range b.N {
		b.StopTimer()
		// A fresh registry each time: its maps grow with the transactions,
		// and that growth is theirs.
		s.reg = registry.New[Key]()
		s.reg.SetCore(responder)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		// The requests count: a transport allocates them for the layer.
		ins := parsedIncomings(b, n, s.tpPID)
		keys := make([]Key, n)
		for i, in := range ins {
			keys[i], _ = serverKey(b, in.Message).detach()
		}
		b.StartTimer()

		mgr := s.sys.Root.Spawn(NewManager(Config{Registry: s.reg}))
		// At most window requests in flight, as under sipp's -l: the
		// transactions that are actors at once stay few.
		const window = 64
		for i := 0; i < n; i += window {
			sent := s.tp.expect(min(window, n-i))
			for j := i; j < min(i+window, n); j++ {
				s.sys.Root.Send(mgr, ins[j])
				ins[j] = nil
			}
			s.wait(b, sent, "responses")
		}
		// Parked: the park messages came before the Drain, which is
		// done once no transaction waits for its core.
		drained := make(chan struct{})
		s.sys.Root.Send(mgr, &Drain{Done: drained})
		s.wait(b, drained, "parking")
		keys = nil

		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		require.Equal(b, 0, s.reg.TransactionCount(), "parked transactions are the manager's alone")
		runtime.KeepAlive(keys) // the test's own: not the layer's
		perTx += float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)-keysSize(keys)) / n
		require.NoError(b, s.sys.Root.StopFuture(mgr).Wait())
		b.StartTimer()
	}
	b.ReportMetric(perTx/float64(b.N), "B/tx")
}

// keysSize is the heap the test's copy of keys takes.
func keysSize(keys []Key) int64 {
	n := int64(cap(keys)) * int64(unsafe.Sizeof(Key{}))
	for _, k := range keys {
		n += int64(len(k.Branch) + len(k.Method) + len(k.Host) + len(k.Compat))
	}
	return n
}

// parsedIncomings returns n OPTIONS requests with distinct branches, parsed
// from their wire form as a transport would.
func parsedIncomings(tb testing.TB, n int, tp *actor.PID) []*transport.Incoming {
	ins := incomings(tb, n, tp)
	for _, in := range ins {
		m, err := message.Parse(in.Message.Bytes())
		require.NoError(tb, err)
		in.Message = m
	}
	return ins
}
