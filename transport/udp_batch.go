package transport

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
)

// The UDP transport writes the datagrams that wait in its mailbox together,
// with one sendmmsg(2) on Linux (udp_mmsg_linux.go; one write each
// elsewhere). On loopback and in virtual machines a write costs mostly its
// system call and the wake-up of the reader on the other side, which a
// batch pays once. The actor batches without a timer: the first datagram of
// a batch sends the actor a flushBatch, which queues behind whatever else
// is in the mailbox, so the batch ends when the mailbox has been read, or
// at maxBatch datagrams.

// maxBatch bounds the datagrams written by one call.
const maxBatch = 64

// flushBatch tells the UDP transport to write the datagrams it holds.
type flushBatch struct{}

var flushBatchMsg = &flushBatch{}

// A packet is one datagram of a batched read or write.
type packet struct {
	// buf is the datagram to write, or the buffer to read into.
	buf []byte
	// n is the length of the datagram read.
	n int
	// addr is the source of a datagram read, the destination of one to
	// write.
	addr netip.AddrPort
}

// batchConn reads and writes datagrams in batches, for one goroutine.
type batchConn interface {
	// readBatch waits for at least one datagram and reads up to len(ps).
	readBatch(ps []packet) (int, error)
	// writeBatch writes the datagrams in order and returns how many were
	// written; with an error, the error is that of ps[n].
	writeBatch(ps []packet) (int, error)
}

// maxReadBatch bounds the datagrams the reader takes per call; each needs a
// buffer of the largest datagram.
const maxReadBatch = 8

// loopConn is a batchConn that makes one system call per datagram, where
// the system has no batched calls.
type loopConn struct{ conn *net.UDPConn }

func (c *loopConn) readBatch(ps []packet) (int, error) {
	if len(ps) == 0 {
		return 0, nil
	}
	n, addr, err := c.conn.ReadFromUDPAddrPort(ps[0].buf)
	if err != nil {
		return 0, err
	}
	ps[0].n, ps[0].addr = n, addr
	return 1, nil
}

func (c *loopConn) writeBatch(ps []packet) (int, error) {
	for i := range ps {
		if _, err := c.conn.WriteToUDPAddrPort(ps[i].buf, ps[i].addr); err != nil {
			return i, err
		}
	}
	return len(ps), nil
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
	items   []pending
	packets []packet
	// wbuf holds the datagrams serialized for this batch.
	wbuf []byte
	// flushing is set once a flushBatch is on its way.
	flushing bool
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
	b.packets = b.packets[:0]
	for _, p := range b.items {
		data := p.data
		if data == nil {
			data = b.wbuf[p.from:p.to]
		}
		b.packets = append(b.packets, packet{buf: data, addr: p.dest})
	}
	for i := 0; i < len(b.packets); {
		n, err := u.writer.writeBatch(b.packets[i:])
		u.stats.Sent.Add(uint64(max(n, 0)))
		i += max(n, 0)
		if err != nil {
			// The datagram at i failed; go on with the next.
			if i < len(b.items) {
				u.fail(b.items[i].replyTo, b.items[i].message, err)
			}
			i++
		}
	}
	clear(b.packets)
}
