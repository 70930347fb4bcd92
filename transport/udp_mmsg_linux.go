//go:build linux

package transport

import (
	"net"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// On Linux the UDP transport reads with recvmmsg(2) and writes with
// sendmmsg(2), and makes both calls with RawSyscall6, which does not tell the
// scheduler that the goroutine is in a system call.
//
// That is safe because the socket is non-blocking: the net package made it
// so, and syscall.RawConn waits in the net package's poller whenever a call
// answers EAGAIN. Neither call can wait for the network. What it costs
// instead is its run time, and that is where the scheduler hurts: a
// sendmmsg of a batch on loopback delivers each datagram to its reader
// before returning, which takes 100 µs and more. A goroutine that the
// runtime's monitor finds in a system call made the ordinary way on two of
// its ticks (20 µs apart under load) loses its P to another thread when
// there is other work, and must get one back when the call returns. On a
// 2-core machine under load that hand-off and the thread wake-ups behind it
// cost a fifth of the server's CPU (bench/load/ab.sh, BENCHMARKS.md). A raw
// call keeps the P; a garbage collection that stops the world waits for the
// call to end, which the batch bounds (maxBatch datagrams out, maxReadBatch
// in).

// newBatchConn returns the batched reads and writes of conn, for one
// goroutine.
func newBatchConn(conn *net.UDPConn) batchConn {
	rc, err := conn.SyscallConn()
	if err != nil {
		return &loopConn{conn: conn}
	}
	c := &mmsgConn{rc: rc, family: unix.AF_INET6}
	_ = rc.Control(func(fd uintptr) {
		if sa, err := unix.Getsockname(int(fd)); err == nil {
			if _, ok := sa.(*unix.SockaddrInet4); ok {
				c.family = unix.AF_INET
			}
		}
	})
	c.readFn, c.writeFn = c.recv, c.send
	return c
}

// mmsghdr is struct mmsghdr of <sys/socket.h>: Go pads it to the alignment
// of Msghdr, as C does.
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
}

// mmsgConn is a batchConn for one goroutine.
type mmsgConn struct {
	rc syscall.RawConn
	// family is the socket's address family: an AF_INET6 socket takes an
	// IPv4 destination as an IPv4-mapped address.
	family uint16
	hdrs   []mmsghdr
	iovs   []unix.Iovec
	names  []unix.RawSockaddrInet6 // large enough for either family
	// The call in progress, for readFn and writeFn, which are made once so
	// that a call allocates nothing.
	k, n            int
	errno           syscall.Errno
	readFn, writeFn func(fd uintptr) bool
	// zone caches the name of the last interface index read, for the zone
	// of IPv6 link-local sources.
	zoneIndex uint32
	zone      string
}

// prepare points the first len(ps) headers at the packets' buffers and
// socket addresses; out says the addresses are destinations to write.
func (c *mmsgConn) prepare(ps []packet, out bool) {
	if len(c.hdrs) < len(ps) {
		c.hdrs = make([]mmsghdr, len(ps))
		c.iovs = make([]unix.Iovec, len(ps))
		c.names = make([]unix.RawSockaddrInet6, len(ps))
	}
	for i := range ps {
		iov := &c.iovs[i]
		iov.Base = unsafe.SliceData(ps[i].buf)
		iov.SetLen(len(ps[i].buf))
		h := &c.hdrs[i]
		*h = mmsghdr{}
		h.hdr.Iov = iov
		h.hdr.SetIovlen(1)
		h.hdr.Name = (*byte)(unsafe.Pointer(&c.names[i]))
		if out {
			h.hdr.Namelen = c.sockaddr(&c.names[i], ps[i].addr)
		} else {
			h.hdr.Namelen = unix.SizeofSockaddrInet6
		}
	}
	c.k = len(ps)
}

// release drops the references to the packets' buffers, so that the
// headers do not keep a batch's memory alive until the next call.
func (c *mmsgConn) release() {
	clear(c.iovs[:c.k])
	for i := range c.hdrs[:c.k] {
		c.hdrs[i].hdr.Iov = nil
	}
}

func (c *mmsgConn) readBatch(ps []packet) (int, error) {
	n, err := c.batch(ps, false)
	for i := range ps[:n] {
		ps[i].n = int(c.hdrs[i].len)
		ps[i].addr = c.addrPort(&c.names[i])
	}
	return n, err
}

func (c *mmsgConn) writeBatch(ps []packet) (int, error) { return c.batch(ps, true) }

// batch makes one recvmmsg, or one sendmmsg when out is set, on ps.
func (c *mmsgConn) batch(ps []packet, out bool) (int, error) {
	if len(ps) == 0 {
		return 0, nil
	}
	c.prepare(ps, out)
	defer c.release()
	var err error
	op := "recvmmsg"
	if out {
		op = "sendmmsg"
		err = c.rc.Write(c.writeFn)
	} else {
		err = c.rc.Read(c.readFn)
	}
	if err != nil {
		return 0, err
	}
	if c.errno != 0 {
		return 0, os.NewSyscallError(op, c.errno)
	}
	return c.n, nil
}

// recv and send are the functions given to the RawConn: false asks it to
// wait until the socket is ready and call again.
func (c *mmsgConn) recv(fd uintptr) bool { return c.call(unix.SYS_RECVMMSG, fd) }
func (c *mmsgConn) send(fd uintptr) bool { return c.call(unix.SYS_SENDMMSG, fd) }

func (c *mmsgConn) call(trap, fd uintptr) bool {
	for {
		n, _, errno := unix.RawSyscall6(trap, fd, uintptr(unsafe.Pointer(&c.hdrs[0])), uintptr(c.k), 0, 0, 0)
		switch errno {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		}
		c.n, c.errno = int(n), errno
		return true
	}
}

// sockaddr writes ap into sa as the socket's family takes it and returns
// its length. An IPv6 address on an AF_INET socket is written as such, for
// the kernel to refuse.
func (c *mmsgConn) sockaddr(sa *unix.RawSockaddrInet6, ap netip.AddrPort) uint32 {
	ip := ap.Addr()
	if c.family == unix.AF_INET && ip.Unmap().Is4() {
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		*sa4 = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: ip.Unmap().As4()}
		putPort(&sa4.Port, ap.Port())
		return unix.SizeofSockaddrInet4
	}
	*sa = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: ip.As16(), Scope_id: zoneIndex(ip.Zone())}
	putPort(&sa.Port, ap.Port())
	return unix.SizeofSockaddrInet6
}

// addrPort reads a source address written by the kernel.
func (c *mmsgConn) addrPort(sa *unix.RawSockaddrInet6) netip.AddrPort {
	switch sa.Family {
	case unix.AF_INET:
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return netip.AddrPortFrom(netip.AddrFrom4(sa4.Addr), getPort(&sa4.Port))
	case unix.AF_INET6:
		ip := netip.AddrFrom16(sa.Addr)
		if sa.Scope_id != 0 {
			ip = ip.WithZone(c.zoneName(sa.Scope_id))
		}
		return netip.AddrPortFrom(ip, getPort(&sa.Port))
	}
	return netip.AddrPort{}
}

// zoneName names interface index i as the net package does: by its name,
// or its number when it has none.
func (c *mmsgConn) zoneName(i uint32) string {
	if i != c.zoneIndex || c.zone == "" {
		c.zoneIndex, c.zone = i, strconv.FormatUint(uint64(i), 10)
		if ifi, err := net.InterfaceByIndex(int(i)); err == nil {
			c.zone = ifi.Name
		}
	}
	return c.zone
}

// zoneIndex is the interface index of an IPv6 zone, a name or a number.
func zoneIndex(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n)
	}
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}

// A socket address holds its port in network byte order.
func putPort(p *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(p))
	b[0], b[1] = byte(port>>8), byte(port)
}

func getPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}
