package transport

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"github.com/sippet-go/sippet/message"
)

// The UDP transport writes the datagrams that wait in its mailbox together,
// with one sendmmsg(2) where the system has it (golang.org/x/net falls back
// to one write each elsewhere). On loopback and in virtual machines a write
// costs mostly its system call and the wake-up of the reader on the other
// side, which a batch pays once. The actor batches without a timer: the
// first datagram of a batch sends the actor a flushBatch, which queues
// behind whatever else is in the mailbox, so the batch ends when the
// mailbox has been read, or at maxBatch datagrams.

// maxBatch bounds the datagrams written by one call.
const maxBatch = 64

// flushBatch tells the UDP transport to write the datagrams it holds.
type flushBatch struct{}

var flushBatchMsg = &flushBatch{}

// batchConn is what the transport needs of ipv4.PacketConn and
// ipv6.PacketConn.
type batchConn interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// readBatch bounds the datagrams the reader takes per call; each needs a
// buffer of the largest datagram.
const readBatch = 8

// newBatchConn wraps conn for batched reads and writes, by its address
// family.
func newBatchConn(conn *net.UDPConn, local netip.AddrPort) batchConn {
	if local.Addr().Is4() {
		return ipv4.NewPacketConn(conn)
	}
	return ipv6.NewPacketConn(conn)
}

// pending is a datagram waiting in a batch: the message it holds and who
// hears of a failure, for the error report.
type pending struct {
	replyTo *actor.PID
	message *message.Message
	// data is the datagram when it was serialized before (a Datagram);
	// else the datagram is wbuf[from:to].
	data     []byte
	from, to int
	dest     netip.AddrPort
}

// batch is the transport's batch of datagrams.
type batch struct {
	items []pending
	msgs  []ipv4.Message
	bufs  [][]byte
	// wbuf holds the datagrams serialized for this batch.
	wbuf []byte
	// flushing is set once a flushBatch is on its way.
	flushing bool
	// addrs caches the net.Addr of recent destinations: sendmmsg needs
	// one per datagram, and a server mostly answers the same peers.
	addrs map[netip.AddrPort]*net.UDPAddr
}

// enqueue adds a datagram to the batch, writing the batch when it is full.
// m is serialized into the batch's buffer unless data, its bytes, is given.
func (u *udpTransport) enqueue(c actor.Context, replyTo *actor.PID, m *message.Message, data []byte, dest netip.AddrPort) {
	b := &u.batch
	p := pending{replyTo: replyTo, message: m, data: data, dest: dest}
	if data == nil {
		p.from = len(b.wbuf)
		b.wbuf = m.Append(b.wbuf)
		p.to = len(b.wbuf)
	}
	if p.to-p.from > maxDatagram || len(data) > maxDatagram {
		n := max(p.to-p.from, len(data))
		b.wbuf = b.wbuf[:p.from]
		u.fail(replyTo, m, fmt.Errorf("%w: %d bytes", ErrMessageTooLarge, n))
		return
	}
	if u.local.Addr().Is4() {
		p.dest = netip.AddrPortFrom(dest.Addr().Unmap(), dest.Port())
	}
	b.items = append(b.items, p)
	if len(b.items) >= maxBatch {
		u.flush()
		return
	}
	if !b.flushing {
		b.flushing = true
		c.Send(c.Self(), flushBatchMsg)
	}
}

// flush writes the batch.
func (u *udpTransport) flush() {
	b := &u.batch
	defer func() {
		clear(b.items)
		b.items = b.items[:0]
		if cap(b.wbuf) > 4*maxDatagram {
			b.wbuf = nil // a burst of large messages: let it go
		}
		b.wbuf = b.wbuf[:0]
	}()
	if len(b.items) == 0 {
		return
	}
	if u.conn == nil {
		for _, p := range b.items {
			u.fail(p.replyTo, p.message, net.ErrClosed)
		}
		return
	}
	if b.addrs == nil || len(b.addrs) > 1024 {
		b.addrs = make(map[netip.AddrPort]*net.UDPAddr)
	}
	b.msgs = b.msgs[:0]
	b.bufs = b.bufs[:0]
	sent := b.items[:0] // the items in msgs, in the same order
	for _, p := range b.items {
		data := p.data
		if data == nil {
			data = b.wbuf[p.from:p.to]
		}
		if !u.local.Addr().Is4() && p.dest.Addr().Unmap().Is4() {
			// x/net writes an IPv4 socket address, which only Linux
			// takes on an IPv6 (dual-stack) socket: the net package
			// maps the address instead.
			u.write(p.replyTo, p.message, data, p.dest)
			continue
		}
		sent = append(sent, p)
		addr := b.addrs[p.dest]
		if addr == nil {
			addr = net.UDPAddrFromAddrPort(p.dest)
			b.addrs[p.dest] = addr
		}
		b.bufs = append(b.bufs, data)
		b.msgs = append(b.msgs, ipv4.Message{Buffers: b.bufs[len(b.bufs)-1:], Addr: addr})
	}
	for i := 0; i < len(b.msgs); {
		n, err := u.writer.WriteBatch(b.msgs[i:], 0)
		u.stats.Sent.Add(uint64(max(n, 0)))
		i += max(n, 0)
		if err != nil {
			// The datagram at i failed; go on with the next.
			if i < len(sent) {
				u.fail(sent[i].replyTo, sent[i].message, err)
			}
			i++
		}
	}
	clear(b.msgs)
	clear(b.bufs)
}
