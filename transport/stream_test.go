package transport

import (
	"context"
	"io"
	"net"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// remotePeer is the address the pipe tests pretend their peer has.
var remotePeer = netip.MustParseAddrPort("127.0.0.1:40001")

// bubble runs f in a synctest bubble. Its last cleanup lets virtual time
// pass, so that the goroutine protoactor starts for a dead letter (a PID
// stopped twice) ends before the bubble does.
func bubble(t *testing.T, f func(t *testing.T)) {
	synctest.Test(t, func(t *testing.T) {
		t.Cleanup(func() { time.Sleep(time.Second) })
		f(t)
	})
}

// readExactly reads n bytes from c without a deadline: in a bubble, a read
// that never completes is a deadlock that synctest reports.
func readExactly(t *testing.T, c *client, n int) string {
	t.Helper()
	buf := make([]byte, n)
	require.NoError(t, c.conn.SetReadDeadline(time.Time{}))
	_, err := io.ReadFull(c.conn, buf)
	require.NoError(t, err)
	return string(buf)
}

// waitClosed waits for the transport to close c and returns when it did.
func waitClosed(t *testing.T, c *client) time.Time {
	t.Helper()
	var b [1]byte
	if err := c.conn.SetReadDeadline(time.Time{}); err != nil {
		// net.Pipe refuses a deadline once either end is closed: the
		// transport closed its end before this call.
		require.ErrorIs(t, err, io.ErrClosedPipe)
		return time.Now()
	}
	_, err := c.conn.Read(b[:])
	require.ErrorIs(t, err, io.EOF)
	return time.Now()
}

func TestStreamIdleTimeout(t *testing.T) {
	// A connection without traffic for IdleTimeout is closed; every message
	// read or written, and every ping read, starts the wait again.
	tests := []struct {
		name    string
		traffic func(t *testing.T, tr *streamTransport, c *client)
		closeAt time.Duration
	}{
		{name: "idle", closeAt: time.Minute},
		{name: "message read", closeAt: 90 * time.Second, traffic: func(t *testing.T, tr *streamTransport, c *client) {
			time.Sleep(30 * time.Second)
			c.write(request(5060, 2))
			tr.incoming(t)
		}},
		{name: "message written", closeAt: 100 * time.Second, traffic: func(t *testing.T, tr *streamTransport, c *client) {
			time.Sleep(40 * time.Second)
			tr.send(&Outgoing{Message: parse(t, request(5060, 3)), Dest: remotePeer})
			assert.Equal(t, "OPTIONS", c.read().Method)
		}},
		// RFC 5626 §4.4.1: a client that pings wants its flow kept.
		{name: "ping read", closeAt: 105 * time.Second, traffic: func(t *testing.T, tr *streamTransport, c *client) {
			time.Sleep(45 * time.Second)
			c.write("\r\n\r\n")
			assert.Equal(t, "\r\n", readExactly(t, c, 2))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				pn := newPipeNet()
				cfg := StreamConfig{IdleTimeout: time.Minute}.withDefaults()
				sys := newSystem(t)
				tr := startStream(t, sys, pn.props, func(c *StreamConfig) { c.IdleTimeout = time.Minute })
				start := time.Now()
				c := pn.connect(t, remotePeer, &cfg)
				c.write(request(5060, 1))
				tr.incoming(t)
				if tt.traffic != nil {
					tt.traffic(t, tr, c)
				}
				time.Sleep(tt.closeAt - time.Since(start) - time.Second)
				synctest.Wait()
				assert.Zero(t, tr.stats.Closed.Load(), "closed early")
				assert.Equal(t, tt.closeAt, waitClosed(t, c).Sub(start))
				assert.EqualValues(t, 1, tr.stats.Closed.Load())
			})
		})
	}
}

func TestStreamReadTimeout(t *testing.T) {
	// A message must arrive whole within ReadTimeout of its first byte; a
	// connection waiting between messages is not concerned.
	bubble(t, func(t *testing.T) {
		pn := newPipeNet()
		cfg := StreamConfig{}.withDefaults()
		sys := newSystem(t)
		tr := startStream(t, sys, pn.props, nil)
		quiet := pn.connect(t, remotePeer, &cfg)
		slow := pn.connect(t, netip.MustParseAddrPort("127.0.0.1:40002"), &cfg)
		start := time.Now()
		slow.write("OPTIONS sip:bob@example.com SIP/2.0\r\n")
		assert.Equal(t, DefaultReadTimeout, waitClosed(t, slow).Sub(start))

		// The quiet connection is still open: a message goes through.
		time.Sleep(time.Minute)
		quiet.write(request(5060, 1))
		assert.Equal(t, uint32(1), tr.incoming(t).Message.CSeq().Seq)
		assert.EqualValues(t, 1, tr.stats.Closed.Load())
	})
}

func TestStreamClientKeepAlive(t *testing.T) {
	// RFC 5626 §4.4.1: a dialled connection is pinged every KeepAlive; the
	// pings are not traffic, so the connection still idles out; and a ping
	// without a pong within 10 s fails the flow.
	tests := []struct {
		name    string
		pongs   int
		idle    time.Duration
		closeAt time.Duration
	}{
		{name: "answered", pongs: 2, idle: 70 * time.Second, closeAt: 70 * time.Second},
		{name: "unanswered", pongs: 0, idle: 70 * time.Second, closeAt: 40 * time.Second},
		{name: "answered once", pongs: 1, idle: time.Hour, closeAt: 70 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				pn := newPipeNet()
				sys := newSystem(t)
				tr := startStream(t, sys, pn.props, func(c *StreamConfig) {
					c.KeepAlive = 30 * time.Second
					c.IdleTimeout = tt.idle
				})
				start := time.Now()
				tr.send(&Outgoing{Message: parse(t, request(5060, 1)), Dest: remotePeer})
				far := newClient(t, <-pn.dialled)
				assert.Equal(t, "OPTIONS", far.read().Method)
				for i := 1; i <= tt.pongs; i++ {
					assert.Equal(t, "\r\n\r\n", readExactly(t, far, 4))
					assert.Equal(t, time.Duration(i)*30*time.Second, time.Since(start))
					far.write("\r\n")
				}
				if tt.pongs < 2 {
					assert.Equal(t, "\r\n\r\n", readExactly(t, far, 4))
				}
				assert.Equal(t, tt.closeAt, waitClosed(t, far).Sub(start))
				assert.EqualValues(t, 1, tr.stats.Dialled.Load())
			})
		})
	}
}

func TestStreamAcceptedNotPinged(t *testing.T) {
	// Only the side that opened a flow keeps it alive (RFC 5626 §4.4.1).
	bubble(t, func(t *testing.T) {
		pn := newPipeNet()
		cfg := StreamConfig{}.withDefaults()
		sys := newSystem(t)
		tr := startStream(t, sys, pn.props, func(c *StreamConfig) { c.KeepAlive = 30 * time.Second })
		c := pn.connect(t, remotePeer, &cfg)
		c.write(request(5060, 1))
		tr.incoming(t)
		start := time.Now()
		// The first thing the client reads is the close, at IdleTimeout.
		assert.Equal(t, DefaultIdleTimeout, waitClosed(t, c).Sub(start))
	})
}

func TestStreamStopFailsPendingDials(t *testing.T) {
	// What waits for a dial when the transport stops gets a SendError.
	bubble(t, func(t *testing.T) {
		pn := newPipeNet()
		sys := newSystem(t)
		block := make(chan struct{})
		props := func(cfg StreamConfig) *actor.Props {
			cfg = cfg.withDefaults()
			return newStream(streamProto{
				Protocol: ProtocolTCP,
				Listen:   pn.listen,
				Dial: func(ctx context.Context, _ netip.AddrPort, _ string) (framedConn, error) {
					select {
					case <-ctx.Done():
						return nil, ctx.Err()
					case <-block:
						return nil, io.ErrClosedPipe
					}
				},
			}, cfg)
		}
		tr := startStream(t, sys, props, nil)
		tr.send(&Outgoing{Message: parse(t, request(5060, 1)), Dest: remotePeer, ReplyTo: tr.handler})
		synctest.Wait()
		require.NoError(t, sys.Root.StopFuture(tr.pid).Wait())
		se := tr.sendError(t)
		assert.ErrorIs(t, se.Err, net.ErrClosed)
	})
}

// panicConn is a connection whose writes panic, as a bug would.
type panicConn struct{ *byteConn }

func (panicConn) WriteMessage([]byte) error { panic("write bug") }

func TestStreamFailingConnectionStopsAlone(t *testing.T) {
	// A connection actor that fails is stopped, not restarted, and its
	// listener and the other connections go on.
	bubble(t, func(t *testing.T) {
		pn := newPipeNet()
		cfg := StreamConfig{}.withDefaults()
		sys := newSystem(t)
		tr := startStream(t, sys, pn.props, nil)
		good := pn.connect(t, remotePeer, &cfg)

		mine, theirs := net.Pipe()
		bc := newByteConn(mine, mine, &cfg)
		bad := netip.MustParseAddrPort("127.0.0.1:40002")
		bc.local, bc.remote = pipeLocal, bad
		pn.accepts <- panicConn{bc}
		badClient := newClient(t, theirs)
		synctest.Wait()

		tr.send(&Outgoing{Message: parse(t, request(5060, 1)), Dest: bad})
		waitClosed(t, badClient)
		tr.send(&Outgoing{Message: parse(t, request(5060, 2)), Dest: remotePeer})
		assert.Equal(t, uint32(2), good.read().CSeq().Seq)
		assert.Empty(t, tr.reg.removed)
		assert.EqualValues(t, 2, tr.stats.Accepted.Load())
	})
}
