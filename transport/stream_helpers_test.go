package transport

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
)

// streamRequest is an OPTIONS over a stream whose sent-by is a
// documentation address at {port}: the transport stamps received so that a
// new connection for the response stays on loopback (RFC 3261 §18.2.1).
const streamRequest = `OPTIONS sip:bob@example.com SIP/2.0
Via: SIP/2.0/TCP 192.0.2.1:{port};branch=z9hG4bK.{n};rport
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: c{n}@192.0.2.1
CSeq: {n} OPTIONS
Content-Length: 0

`

// request returns streamRequest with its Via port and sequence number set.
func request(port uint16, n int) string {
	s := strings.ReplaceAll(streamRequest, "{port}", strconv.Itoa(int(port)))
	s = strings.ReplaceAll(s, "{n}", strconv.Itoa(n))
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// logSink is a slog handler that hands each record's message to a channel,
// so that a test can wait for what the transport logs it did.
type logSink struct{ ch chan string }

func (s logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s logSink) Handle(_ context.Context, r slog.Record) error {
	select {
	case s.ch <- r.Message:
	default: // a test that waits for logs reads them; the others may not
	}
	return nil
}
func (s logSink) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s logSink) WithGroup(string) slog.Handler      { return s }

// streamTransport is a stream transport under test.
type streamTransport struct {
	sys     *actor.ActorSystem
	pid     *actor.PID
	handler *actor.PID
	entry   registry.Transport
	reg     *recorder
	stats   *Stats
	events  chan any
	logs    chan string
}

// startStream starts the transport that newProps makes, on 127.0.0.1 port 0.
func startStream(t testing.TB, sys *actor.ActorSystem, newProps func(StreamConfig) *actor.Props, tweak func(*StreamConfig)) *streamTransport {
	t.Helper()
	h, events := newHandler(t, sys)
	st := &streamTransport{sys: sys, handler: h, reg: newRecorder(), stats: new(Stats), events: events, logs: make(chan string, 4096)}
	cfg := StreamConfig{
		Addr:     "127.0.0.1:0",
		Handler:  h,
		Registry: st.reg,
		Stats:    st.stats,
		Resolver: noDNS,
		Logger:   slog.New(logSink{st.logs}),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	st.pid = sys.Root.Spawn(newProps(cfg))
	st.entry = recv(t, st.reg.added)
	t.Cleanup(func() { _ = sys.Root.StopFuture(st.pid).Wait() })
	return st
}

// send sends o to the transport.
func (st *streamTransport) send(o *Outgoing) { st.sys.Root.Send(st.pid, o) }

// waitLog waits until the transport logs msg.
func (st *streamTransport) waitLog(t testing.TB, msg string) {
	t.Helper()
	for {
		if recv(t, st.logs) == msg {
			return
		}
	}
}

// incoming waits for the next *Incoming.
func (st *streamTransport) incoming(t testing.TB) *Incoming {
	t.Helper()
	ev := recv(t, st.events)
	in, ok := ev.(*Incoming)
	require.True(t, ok, "got %#v, want *Incoming", ev)
	return in
}

// sendError waits for the next *SendError.
func (st *streamTransport) sendError(t testing.TB) *SendError {
	t.Helper()
	ev := recv(t, st.events)
	se, ok := ev.(*SendError)
	require.True(t, ok, "got %#v, want *SendError", ev)
	return se
}

// deadline is the deadline of a read or write in the tests.
func deadline() time.Time { return time.Now().Add(wait) }

// client is the far end of a connection, played by the test.
type client struct {
	t    testing.TB
	conn net.Conn
	sr   *message.StreamReader
}

func newClient(t testing.TB, conn net.Conn) *client {
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn, sr: message.NewStreamReader(bufio.NewReader(conn), nil)}
}

// dialTCP connects a client to addr, which must be loopback.
func dialTCP(t testing.TB, addr netip.AddrPort) *client {
	t.Helper()
	require.True(t, addr.Addr().IsLoopback())
	c, err := net.DialTimeout("tcp", addr.String(), wait)
	require.NoError(t, err)
	return newClient(t, c)
}

func (c *client) write(s string) {
	c.t.Helper()
	require.NoError(c.t, c.conn.SetWriteDeadline(time.Now().Add(wait)))
	_, err := io.WriteString(c.conn, s)
	require.NoError(c.t, err)
}

// read returns the next message, failing the test after wait.
func (c *client) read() *message.Message {
	c.t.Helper()
	require.NoError(c.t, c.conn.SetReadDeadline(time.Now().Add(wait)))
	m, err := c.sr.ReadMessage()
	require.NoError(c.t, err)
	return m
}

// closed asserts that the transport closes the connection without writing
// anything more.
func (c *client) closed() {
	c.t.Helper()
	require.NoError(c.t, c.conn.SetReadDeadline(time.Now().Add(wait)))
	var buf [512]byte
	n, err := c.conn.Read(buf[:])
	require.Error(c.t, err, "unexpected data: %q", buf[:n])
	var ne net.Error
	if errors.As(err, &ne) {
		require.False(c.t, ne.Timeout(), "connection still open")
	}
}

// server is a plain TCP listener on loopback that plays a remote party which
// the transport connects to.
type server struct {
	t  testing.TB
	ln net.Listener
}

func newServer(t testing.TB) *server {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return &server{t: t, ln: ln}
}

func (s *server) addr() netip.AddrPort { return streamAddr(s.ln.Addr()) }

// accept returns the next connection, failing the test after wait.
func (s *server) accept() *client {
	s.t.Helper()
	require.NoError(s.t, s.ln.(*net.TCPListener).SetDeadline(time.Now().Add(wait)))
	c, err := s.ln.Accept()
	require.NoError(s.t, err)
	return newClient(s.t, c)
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t testing.TB) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	addr := streamAddr(ln.Addr())
	require.NoError(t, ln.Close())
	return addr
}

// testCertificate returns a self-signed ECDSA P-256 certificate for
// 127.0.0.1 and ::1, and a pool that trusts it.
func testCertificate(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	cert, err := SelfSigned(time.Hour, "127.0.0.1", "::1", "sip.test")
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return cert, pool
}

// pipeNet is an in-memory network for the tests that run in a synctest
// bubble: the listener accepts the pipes a test opens, and what it dials
// gives the test the other end.
type pipeNet struct {
	accepts chan framedConn
	dialled chan net.Conn
	closed  chan struct{}
	once    sync.Once
}

// pipeLocal is the address the pipe listener pretends to listen on.
var pipeLocal = netip.MustParseAddrPort("127.0.0.1:5060")

func newPipeNet() *pipeNet {
	return &pipeNet{accepts: make(chan framedConn, 8), dialled: make(chan net.Conn, 8), closed: make(chan struct{})}
}

// props returns a TCP-like transport on the pipe network.
func (p *pipeNet) props(cfg StreamConfig) *actor.Props {
	cfg = cfg.withDefaults()
	c := &cfg
	return newStream(streamProto{
		Protocol: ProtocolTCP,
		Listen:   p.listen,
		Dial: func(_ context.Context, dest netip.AddrPort, _ string) (framedConn, error) {
			mine, theirs := net.Pipe()
			p.dialled <- theirs
			bc := newByteConn(mine, mine, c)
			bc.local, bc.remote = netip.AddrPortFrom(pipeLocal.Addr(), 40000), dest
			return bc, nil
		},
	}, cfg)
}

// connect opens a connection from remote to the listener and returns the
// remote end. cfg must be the transport's, for its timeouts.
func (p *pipeNet) connect(t testing.TB, remote netip.AddrPort, cfg *StreamConfig) *client {
	mine, theirs := net.Pipe()
	bc := newByteConn(mine, mine, cfg)
	bc.local, bc.remote = pipeLocal, remote
	p.accepts <- bc
	return newClient(t, theirs)
}

func (p *pipeNet) listen(context.Context, string) (acceptor, error) { return p, nil }

func (p *pipeNet) Accept() (framedConn, error) {
	select {
	case c := <-p.accepts:
		return c, nil
	case <-p.closed:
		return nil, net.ErrClosed
	}
}

func (p *pipeNet) Close() error {
	p.once.Do(func() { close(p.closed) })
	return nil
}

func (p *pipeNet) Addr() netip.AddrPort { return pipeLocal }

// response returns a 200 to req.
func response(t testing.TB, req *message.Message) *message.Message {
	t.Helper()
	resp := message.NewResponse(req, 200, "OK")
	require.NotNil(t, resp)
	return resp
}
