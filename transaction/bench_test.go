package transaction

import (
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

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
	s.tp = &countActor{accept: func(m any) bool { _, ok := m.(*transport.Outgoing); return ok }}
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

// BenchmarkIdleTransaction measures the heap held by server non-INVITE
// transactions idle in Completed (UDP, waiting for Timer J): the manager's
// maps, the registry entry, the actor, its mailbox and timer, and the
// transaction itself. The requests and responses are allocated before the
// first measurement: they belong to the application, not to the layer.
func BenchmarkIdleTransaction(b *testing.B) {
	const n = 10000
	s := newBenchStack(b)
	defer s.close(b)
	var perTx float64
	for range b.N {
		b.StopTimer()
		ins := incomings(b, n, s.tpPID)
		resps := make([]*message.Message, n)
		for i, in := range ins {
			resps[i] = message.NewResponse(in.Message, message.StatusOK, "")
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()

		mgr := s.sys.Root.Spawn(NewManager(Config{Registry: s.reg}))
		delivered := s.core.expect(n)
		for _, in := range ins {
			s.sys.Root.Send(mgr, in)
		}
		s.wait(b, delivered, "deliveries")
		sent := s.tp.expect(n)
		for _, resp := range resps {
			pid, ok := s.reg.Transaction(serverKey(b, resp))
			require.True(b, ok)
			s.sys.Root.Send(pid, &Respond{Response: resp})
		}
		s.wait(b, sent, "responses")

		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		require.Equal(b, n, s.reg.TransactionCount())
		perTx += float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
		require.NoError(b, s.sys.Root.StopFuture(mgr).Wait())
		runtime.KeepAlive(ins)
		runtime.KeepAlive(resps)
		b.StartTimer()
	}
	b.ReportMetric(perTx/float64(b.N), "B/tx")
}
