package transport

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
)

// wait bounds every wait on a channel in these tests.
const wait = 5 * time.Second

// loopbacks are the addresses the UDP tests run on; ::1 is skipped where the
// host has no IPv6 loopback.
var loopbacks = []string{"127.0.0.1", "::1"}

func newSystem(t testing.TB) *actor.ActorSystem {
	t.Helper()
	sys := actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
			return slog.New(slog.DiscardHandler)
		}),
		// Dead letters (a PID stopped twice) start a goroutine that lives
		// for this interval: keep it short for goleak.
		actor.WithDeadLetterThrottleInterval(time.Millisecond),
	)
	t.Cleanup(sys.Shutdown)
	return sys
}

// skipWithoutLoopback skips the test when ip cannot be bound (no IPv6).
func skipWithoutLoopback(t testing.TB, ip string) {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 0)))
	if err != nil {
		t.Skipf("no %s loopback: %v", ip, err)
	}
	c.Close()
}

// peer is a plain UDP socket on loopback that plays the remote party.
type peer struct {
	t    testing.TB
	conn *net.UDPConn
	addr netip.AddrPort
}

func newPeer(t testing.TB, ip string) *peer {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 0)))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &peer{t: t, conn: c, addr: c.LocalAddr().(*net.UDPAddr).AddrPort()}
}

// send writes a datagram to dst, which must be loopback.
func (p *peer) send(dst netip.AddrPort, data string) {
	p.t.Helper()
	require.True(p.t, dst.Addr().IsLoopback(), "test sends to non-loopback %v", dst)
	_, err := p.conn.WriteToUDPAddrPort([]byte(data), dst)
	require.NoError(p.t, err)
}

// read returns the next datagram, failing the test after wait.
func (p *peer) read() string {
	p.t.Helper()
	buf := make([]byte, maxDatagram)
	require.NoError(p.t, p.conn.SetReadDeadline(time.Now().Add(wait)))
	n, _, err := p.conn.ReadFromUDPAddrPort(buf)
	require.NoError(p.t, err)
	return string(buf[:n])
}

// nothing asserts that no datagram is waiting. Loopback delivery is
// synchronous, so whatever the transport wrote before it handled a later
// datagram is already queued; the short deadline only covers scheduling.
func (p *peer) nothing() {
	p.t.Helper()
	buf := make([]byte, maxDatagram)
	require.NoError(p.t, p.conn.SetReadDeadline(time.Now().Add(50*time.Millisecond)))
	n, _, err := p.conn.ReadFromUDPAddrPort(buf)
	require.Error(p.t, err, "unexpected datagram: %q", buf[:n])
	var ne net.Error
	require.ErrorAs(p.t, err, &ne)
	require.True(p.t, ne.Timeout())
}

// recorder is a Registrar that reports changes on channels.
type recorder struct {
	added   chan registry.Transport
	removed chan *actor.PID
}

func newRecorder() *recorder {
	return &recorder{added: make(chan registry.Transport, 8), removed: make(chan *actor.PID, 8)}
}

func (r *recorder) AddTransport(t registry.Transport) { r.added <- t }
func (r *recorder) RemoveTransport(pid *actor.PID)    { r.removed <- pid }

func recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("timed out waiting for %T", *new(T))
		panic("unreachable")
	}
}

// handler is a test actor that forwards what it receives to a channel. As a
// guard, it fails the test when a request's response would leave loopback.
func newHandler(t testing.TB, sys *actor.ActorSystem) (*actor.PID, chan any) {
	ch := make(chan any, 64)
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case *Incoming:
			if m.Message.IsRequest() {
				host, _ := ResponseTarget(m.Message.TopVia())
				if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
					t.Errorf("response to %q would leave loopback", host)
				}
			}
			ch <- m
		case *SendError:
			ch <- m
		}
	}))
	return pid, ch
}

// transport starts a UDP transport on ip port 0 and returns its PID and the
// registered entry.
type testTransport struct {
	pid     *actor.PID
	entry   registry.Transport
	reg     *recorder
	stats   *Stats
	events  chan any
	handler *actor.PID
}

func startUDP(t testing.TB, sys *actor.ActorSystem, ip string, tweak func(*UDPConfig), opts ...actor.PropsOption) *testTransport {
	t.Helper()
	h, events := newHandler(t, sys)
	tt := &testTransport{reg: newRecorder(), stats: new(Stats), events: events, handler: h}
	cfg := UDPConfig{
		Addr:     net.JoinHostPort(ip, "0"),
		Handler:  h,
		Registry: tt.reg,
		Stats:    tt.stats,
		Resolver: noDNS,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	tt.pid = sys.Root.Spawn(NewUDP(cfg).Configure(opts...))
	tt.entry = recv(t, tt.reg.added)
	t.Cleanup(func() { _ = sys.Root.StopFuture(tt.pid).Wait() })
	return tt
}

var errNoDNS = errors.New("no DNS in tests")

// noDNS is a resolver that reads /etc/hosts but never sends a DNS query.
var noDNS = &net.Resolver{
	PreferGo: true,
	Dial: func(_ context.Context, network, address string) (net.Conn, error) {
		return nil, errNoDNS
	},
}

// request builds a datagram; {port} is replaced by the peer's port.
func datagram(s string, p *peer) string {
	s = strings.ReplaceAll(s, "{port}", strconv.Itoa(int(p.addr.Port())))
	s = strings.ReplaceAll(s, "{host}", hostOf(p.addr.Addr()))
	return strings.ReplaceAll(s, "\n", "\r\n")
}

func parse(t testing.TB, s string) *message.Message {
	t.Helper()
	m, err := message.Parse([]byte(s))
	require.NoError(t, err)
	return m
}
