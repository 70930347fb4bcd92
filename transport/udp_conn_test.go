package transport

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchConns are the batchConn implementations the tests run against: the
// system's (recvmmsg and sendmmsg on Linux) and the one-call-per-datagram
// fallback of other systems, which runs everywhere.
var batchConns = []struct {
	name string
	open func(*net.UDPConn) batchConn
}{
	{"system", newBatchConn},
	{"loop", func(c *net.UDPConn) batchConn { return &loopConn{conn: c} }},
}

func listenLoopback(t *testing.T, network, addr string) *net.UDPConn {
	t.Helper()
	ua, err := net.ResolveUDPAddr(network, addr)
	require.NoError(t, err)
	c, err := net.ListenUDP(network, ua)
	if err != nil {
		t.Skipf("no %s socket on %s: %v", network, addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func addrOf(c *net.UDPConn) netip.AddrPort {
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// A batch written goes out in order, each datagram to its own destination
// and from the socket's address, and a batch read gives each datagram with
// its source: on IPv4, on IPv6, and from a dual-stack socket to an IPv4
// peer, which the kernel only takes as an IPv4-mapped address.
func TestBatchConnRoundTrip(t *testing.T) {
	cases := []struct {
		name                string
		network, addr, peer string
	}{
		{"ipv4", "udp4", "127.0.0.1:0", "127.0.0.1"},
		{"ipv6", "udp6", "[::1]:0", "::1"},
		{"dual-stack to ipv4", "udp", ":0", "127.0.0.1"},
	}
	for _, impl := range batchConns {
		for _, tc := range cases {
			t.Run(impl.name+"/"+tc.name, func(t *testing.T) {
				skipWithoutLoopback(t, tc.peer)
				c := listenLoopback(t, tc.network, tc.addr)
				peers := []*peer{newPeer(t, tc.peer), newPeer(t, tc.peer)}
				w := impl.open(c)
				ps := make([]packet, 2*maxReadBatch)
				for i := range ps {
					ps[i] = packet{buf: []byte("datagram " + strconv.Itoa(i)), addr: peers[i%2].addr}
				}
				n, err := w.writeBatch(ps)
				require.NoError(t, err)
				require.Equal(t, len(ps), n)
				port := addrOf(c).Port()
				for i := range ps {
					p := peers[i%2]
					buf := make([]byte, 100)
					k, from, err := p.conn.ReadFromUDPAddrPort(buf)
					require.NoError(t, err)
					assert.Equal(t, "datagram "+strconv.Itoa(i), string(buf[:k]))
					assert.Equal(t, port, from.Port())
				}

				// And back: the peers write, the batch reads.
				r := impl.open(c)
				for i := range 3 {
					peers[i%2].send(netip.AddrPortFrom(netip.MustParseAddr(tc.peer), port), "reply "+strconv.Itoa(i))
				}
				in := make([]packet, maxReadBatch)
				for i := range in {
					in[i].buf = make([]byte, maxDatagram)
				}
				for got := 0; got < 3; {
					n, err := r.readBatch(in)
					require.NoError(t, err)
					require.Positive(t, n)
					for _, p := range in[:n] {
						assert.Equal(t, "reply "+strconv.Itoa(got), string(p.buf[:p.n]))
						from := netip.AddrPortFrom(p.addr.Addr().Unmap(), p.addr.Port())
						assert.Equal(t, peers[got%2].addr, from)
						got++
					}
				}
			})
		}
	}
}

// A datagram the kernel refuses costs only itself: writeBatch stops at it
// (sendmmsg reports it on the call after the datagrams before it went out)
// and the rest of the batch goes on after it, as the transport's flush
// does.
func TestBatchConnWriteError(t *testing.T) {
	for _, impl := range batchConns {
		t.Run(impl.name, func(t *testing.T) {
			c := listenLoopback(t, "udp4", "127.0.0.1:0")
			p := newPeer(t, "127.0.0.1")
			w := impl.open(c)
			ps := []packet{
				{buf: []byte("one"), addr: p.addr},
				{buf: []byte("refused"), addr: netip.MustParseAddrPort("[::1]:5060")}, // IPv6 on an IPv4 socket
				{buf: []byte("two"), addr: p.addr},
			}
			var failed []int
			for i := 0; i < len(ps); {
				n, err := w.writeBatch(ps[i:])
				i += n
				if err != nil {
					failed = append(failed, i)
					i++
				}
			}
			assert.Equal(t, []int{1}, failed)
			assert.Equal(t, "one", p.read())
			assert.Equal(t, "two", p.read())
		})
	}
}

// A read waiting on a socket that closes ends with net.ErrClosed, which
// ends the transport's reader.
func TestBatchConnReadClosed(t *testing.T) {
	for _, impl := range batchConns {
		t.Run(impl.name, func(t *testing.T) {
			c := listenLoopback(t, "udp4", "127.0.0.1:0")
			r := impl.open(c)
			done := make(chan error, 1)
			go func() {
				_, err := r.readBatch([]packet{{buf: make([]byte, 10)}})
				done <- err
			}()
			c.Close()
			err := <-done
			assert.True(t, errors.Is(err, net.ErrClosed), "%v", err)
		})
	}
}

// Once its buffers are made, a batch costs no allocation: the reader and
// the writer run for every datagram.
func TestBatchConnAllocations(t *testing.T) {
	c := listenLoopback(t, "udp4", "127.0.0.1:0")
	p := newPeer(t, "127.0.0.1")
	conn := newBatchConn(c)
	out := []packet{{buf: []byte("ping"), addr: addrOf(c)}, {buf: []byte("pong"), addr: p.addr}}
	in := []packet{{buf: make([]byte, 100)}}
	buf := make([]byte, 100)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := conn.writeBatch(out); err != nil {
			t.Fatal(err)
		}
		if n, err := conn.readBatch(in); err != nil || n != 1 {
			t.Fatal(n, err)
		}
		if _, _, err := p.conn.ReadFromUDPAddrPort(buf); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

// A datagram to a loopback port nobody listens on draws an ICMP port
// unreachable. The kernel may report it on the socket as an error of a
// later read or write; either way it concerns that datagram only, and the
// transport goes on receiving and sending.
func TestUDPUnreachablePeer(t *testing.T) {
	for _, ip := range loopbacks {
		t.Run(ip, func(t *testing.T) {
			skipWithoutLoopback(t, ip)
			sys := newSystem(t)
			tr := startUDP(t, sys, ip, nil)
			gone := newPeer(t, ip)
			require.NoError(t, gone.conn.Close())
			p := newPeer(t, ip)
			for range 3 {
				req := parse(t, datagram(options, gone))
				sys.Root.Send(tr.pid, &Outgoing{Message: req, Dest: gone.addr})
			}
			p.send(tr.entry.Local, datagram(options, p))
			in := recv(t, tr.events).(*Incoming)
			assert.Equal(t, p.addr, in.Source)
			sys.Root.Send(tr.pid, &Outgoing{Message: parse(t, datagram(options, p)), Dest: p.addr})
			assert.Contains(t, p.read(), "OPTIONS")
		})
	}
}
