package transport

import (
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// Datagrams sent to the transport back to back are written in batches
// (udp_batch.go): every one arrives, in the order sent, whether it was an
// Outgoing or a Datagram serialized before, and each is counted once.
func TestUDPBatchKeepsOrder(t *testing.T) {
	for _, ip := range loopbacks {
		t.Run(ip, func(t *testing.T) {
			skipWithoutLoopback(t, ip)
			sys := newSystem(t)
			tr := startUDP(t, sys, ip, nil)
			p := newPeer(t, ip)
			// Two bursts of a batch and a bit: more would overflow the
			// peer's receive buffer, which the kernel caps.
			const burst, n = maxBatch + 5, 2 * (maxBatch + 5)
			for start := 0; start < n; start += burst {
				for i := start; i < start+burst; i++ {
					req := parse(t, datagram(options, p))
					req.Headers.Set(message.HeaderCallID, &message.Text{Value: "c" + strconv.Itoa(i)})
					if i%2 == 0 {
						sys.Root.Send(tr.pid, &Outgoing{Message: req, Dest: p.addr})
					} else {
						sys.Root.Send(tr.pid, &Datagram{Data: req.Bytes(), Dest: p.addr})
					}
				}
				for i := start; i < start+burst; i++ {
					got := parse(t, p.read())
					require.Equal(t, "c"+strconv.Itoa(i), got.CallID())
				}
			}
			sys.Root.Send(tr.pid, &Outgoing{ReplyTo: tr.handler})
			recv(t, tr.events)
			assert.EqualValues(t, n, tr.stats.Sent.Load())
		})
	}
}

// A dual-stack socket (bound to the unspecified IPv6 address) writes to an
// IPv4 peer as an IPv4-mapped address: batching must not hand the kernel
// an IPv4 socket address, which an IPv6 socket refuses.
func TestUDPBatchDualStack(t *testing.T) {
	skipWithoutLoopback(t, "::1")
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv6unspecified})
	if err != nil {
		t.Skip("no dual-stack socket:", err)
	}
	conn.Close()
	sys := newSystem(t)
	tr := startUDP(t, sys, "::1", func(c *UDPConfig) { c.Addr = ":0" })
	require.False(t, tr.entry.Local.Addr().Is4())
	p := newPeer(t, "127.0.0.1")
	v6 := newPeer(t, "::1")
	req := parse(t, datagram(options, p))
	sys.Root.Send(tr.pid, &Datagram{Data: req.Bytes(), Dest: p.addr})
	sys.Root.Send(tr.pid, &Datagram{Data: req.Bytes(), Dest: v6.addr})
	assert.Equal(t, req.CallID(), parse(t, p.read()).CallID())
	assert.Equal(t, req.CallID(), parse(t, v6.read()).CallID())
}
