package transaction

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// peer is the address of the remote side in the tests.
var peer = netip.MustParseAddrPort("127.0.0.1:5070")

// sent is a message the fake transport was asked to write, with the
// virtual time since the start of the test.
type sent struct {
	at  time.Duration
	out *transport.Outgoing
}

// fakeTransport records every *transport.Outgoing; fail, when set, makes
// it answer a *transport.SendError.
type fakeTransport struct {
	start time.Time
	mu    sync.Mutex
	sent  []sent
	fail  func(*transport.Outgoing) error
}

func (f *fakeTransport) Receive(ctx actor.Context) {
	var out *transport.Outgoing
	switch msg := ctx.Message().(type) {
	case *transport.Outgoing:
		out = msg
	case *transport.Datagram:
		// Bytes serialized for parking: recorded as the message they
		// hold.
		m, err := message.Parse(msg.Data)
		if err != nil {
			panic(fmt.Sprintf("a parked transaction sent bytes that do not parse: %v", err))
		}
		if msg.Message != nil {
			m = msg.Message
		}
		out = &transport.Outgoing{Message: m, Dest: msg.Dest, ReplyTo: msg.ReplyTo}
	default:
		return
	}
	f.mu.Lock()
	f.sent = append(f.sent, sent{at: time.Since(f.start), out: out})
	fail := f.fail
	f.mu.Unlock()
	if fail == nil || out.ReplyTo == nil {
		return
	}
	if err := fail(out); err != nil {
		ctx.Send(out.ReplyTo, &transport.SendError{Message: out.Message, Err: err})
	}
}

// event is an event the fake core received, with its virtual time.
type event struct {
	at time.Duration
	ev any
}

// fakeCore records the events of the transaction layer.
type fakeCore struct {
	start  time.Time
	mu     sync.Mutex
	events []event
}

func (f *fakeCore) Receive(ctx actor.Context) {
	switch ev := ctx.Message().(type) {
	case *RequestEvent, *ResponseEvent, *ErrorEvent:
		f.mu.Lock()
		f.events = append(f.events, event{at: time.Since(f.start), ev: ev})
		f.mu.Unlock()
	}
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a transaction manager with a fake transport and a fake core,
// all inside a synctest bubble.
type harness struct {
	t     *testing.T
	start time.Time
	sys   *actor.ActorSystem
	reg   *registry.Registry[Key]
	mgr   *actor.PID
	tp    *actor.PID
	core  *actor.PID
	tr    *fakeTransport
	co    *fakeCore
	logs  *syncBuffer
}

// bubble runs f in a synctest bubble with a fresh harness, and shuts the
// actor system down at the end so that no goroutine outlives the test.
func bubble(t *testing.T, cfg Config, f func(t *testing.T, h *harness)) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, cfg)
		defer h.close()
		f(t, h)
	})
}

func newHarness(t *testing.T, cfg Config) *harness {
	h := &harness{t: t, start: time.Now(), logs: &syncBuffer{}}
	h.sys = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}))
	h.reg = registry.New[Key]()
	h.tr = &fakeTransport{start: h.start}
	h.co = &fakeCore{start: h.start}
	h.tp = h.sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return h.tr }))
	h.core = h.sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return h.co }))
	h.reg.SetCore(h.core)
	cfg.Registry = h.reg
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	h.mgr = h.sys.Root.Spawn(NewManager(cfg))
	return h
}

func (h *harness) close() {
	h.sys.Root.Stop(h.mgr)
	h.sys.Root.Stop(h.tp)
	h.sys.Root.Stop(h.core)
	synctest.Wait()
	// Let protoactor's dead-letter throttle (1 s) end in virtual time.
	time.Sleep(2 * time.Second)
	h.sys.Shutdown()
}

// failSends makes the fake transport answer a *transport.SendError with the
// error f returns (none when nil).
func (h *harness) failSends(f func(*transport.Outgoing) error) {
	h.tr.mu.Lock()
	defer h.tr.mu.Unlock()
	h.tr.fail = f
}

// now returns the virtual time since the start of the test.
func (h *harness) now() time.Duration { return time.Since(h.start) }

// at sleeps until virtual time d and lets every actor settle.
func (h *harness) at(d time.Duration) {
	h.t.Helper()
	require.GreaterOrEqual(h.t, d, h.now(), "time runs forward")
	time.Sleep(d - h.now())
	synctest.Wait()
}

// in delivers m as if read by the fake transport.
func (h *harness) in(m *message.Message, reliable bool) {
	proto := "UDP"
	if reliable {
		proto = "TCP"
	}
	h.sys.Root.Send(h.mgr, &transport.Incoming{
		Message: m, Protocol: proto, Reliable: reliable,
		Source: peer, Local: netip.MustParseAddrPort("127.0.0.1:5060"), Transport: h.tp,
	})
	synctest.Wait()
}

// startClient starts a client transaction for req.
func (h *harness) startClient(req *message.Message, reliable bool) {
	h.sys.Root.Send(h.mgr, &StartClient{Request: req, Dest: peer, Transport: h.tp, Reliable: reliable})
	synctest.Wait()
}

// respond hands resp to the server transaction it belongs to, the way the
// stack does (RFC 3261 §17.2.3).
func (h *harness) respond(resp *message.Message) {
	h.t.Helper()
	key, err := ServerKey(resp)
	require.NoError(h.t, err)
	pid, ok := h.reg.Transaction(key)
	if !ok {
		// Not live: a stack's Send refuses it (ErrNoTransaction); the
		// manager, which gets what a host hands back, discards it.
		require.True(h.t, h.alive(key), "no server transaction %s", key)
		pid = h.mgr
	}
	h.sys.Root.Send(pid, &Respond{Response: resp})
	synctest.Wait()
}

// alive reports whether the manager holds transaction k, live or parked.
func (h *harness) alive(k Key) bool {
	synctest.Wait()
	reply := make(chan bool, 1)
	h.sys.Root.Send(h.mgr, &probe{key: k, reply: reply})
	return <-reply
}

// endsAt checks that transaction k is alive until just before virtual time
// d and gone at d.
func (h *harness) endsAt(k Key, d time.Duration) {
	h.t.Helper()
	h.at(d - time.Millisecond)
	require.True(h.t, h.alive(k), "%s alive at %v", k, h.now())
	h.at(d)
	require.False(h.t, h.alive(k), "%s gone at %v", k, h.now())
}

// sends returns the times at which messages matching f were sent.
func (h *harness) sends(f func(*message.Message) bool) []time.Duration {
	h.tr.mu.Lock()
	defer h.tr.mu.Unlock()
	var at []time.Duration
	for _, s := range h.tr.sent {
		if f(s.out.Message) {
			at = append(at, s.at)
		}
	}
	return at
}

// outgoing returns a copy of what the transport was asked to send.
func (h *harness) outgoing() []sent {
	h.tr.mu.Lock()
	defer h.tr.mu.Unlock()
	return append([]sent(nil), h.tr.sent...)
}

// events returns a copy of the events the core received.
func (h *harness) events() []event {
	h.co.mu.Lock()
	defer h.co.mu.Unlock()
	return append([]event(nil), h.co.events...)
}

// is matches m, or the same bytes: a parked transaction retransmits what
// it serialized (park.go).
func is(m *message.Message) func(*message.Message) bool {
	return func(x *message.Message) bool { return x == m || bytes.Equal(x.Bytes(), m.Bytes()) }
}

func status(code int) func(*message.Message) bool {
	return func(x *message.Message) bool { return x.StatusCode == code }
}

func method(name string) func(*message.Message) bool {
	return func(x *message.Message) bool { return x.Method == name }
}

// ms returns durations given in milliseconds.
func ms(v ...int) []time.Duration {
	d := make([]time.Duration, len(v))
	for i, x := range v {
		d[i] = time.Duration(x) * time.Millisecond
	}
	return d
}

// request returns a parsed request from the peer with the given branch.
func request(t testing.TB, method, branch string) *message.Message {
	t.Helper()
	return requestVia(t, method, "SIP/2.0/UDP 127.0.0.1:5070;branch="+branch)
}

func requestVia(t testing.TB, method, via string) *message.Message {
	t.Helper()
	text := fmt.Sprintf("%s sip:bob@127.0.0.1 SIP/2.0\r\n"+
		"Via: %s\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: <sip:alice@127.0.0.1>;tag=a1\r\n"+
		"To: <sip:bob@127.0.0.1>\r\n"+
		"Call-ID: c1@127.0.0.1\r\n"+
		"CSeq: 1 %s\r\n"+
		"Contact: <sip:alice@127.0.0.1:5070>\r\n"+
		"Content-Length: 0\r\n\r\n", method, via, method)
	m, err := message.Parse([]byte(text))
	require.NoError(t, err)
	return m
}

func serverKey(t testing.TB, m *message.Message) Key {
	t.Helper()
	k, err := ServerKey(m)
	require.NoError(t, err)
	return k
}

func clientKey(t testing.TB, m *message.Message) Key {
	t.Helper()
	k, err := ClientKey(m)
	require.NoError(t, err)
	return k
}

// forTransports runs f as two subtests, on an unreliable and on a
// reliable transport.
func forTransports(t *testing.T, f func(t *testing.T, reliable bool)) {
	t.Run("unreliable", func(t *testing.T) { f(t, false) })
	t.Run("reliable", func(t *testing.T) { f(t, true) })
}
