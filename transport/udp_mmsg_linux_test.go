//go:build linux

package transport

import (
	"net"
	"net/netip"
	"strconv"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"
)

// Socket addresses are written as the socket's family takes them, with the
// port in network byte order, and read back to the same address: an IPv4
// destination of an AF_INET6 socket becomes IPv4-mapped, and an IPv6 zone
// travels as its interface index.
func TestMmsgSockaddr(t *testing.T) {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Skip("no lo interface:", err)
	}
	cases := []struct {
		family   uint16
		in, want string
		len      uint32
	}{
		{unix.AF_INET, "127.0.0.1:5060", "127.0.0.1:5060", unix.SizeofSockaddrInet4},
		{unix.AF_INET, "[::ffff:127.0.0.1]:5061", "127.0.0.1:5061", unix.SizeofSockaddrInet4},
		{unix.AF_INET6, "[::1]:65535", "[::1]:65535", unix.SizeofSockaddrInet6},
		{unix.AF_INET6, "127.0.0.1:1", "[::ffff:127.0.0.1]:1", unix.SizeofSockaddrInet6},
		{unix.AF_INET6, "[fe80::1%lo]:5060", "[fe80::1%lo]:5060", unix.SizeofSockaddrInet6},
		{unix.AF_INET6, "[fe80::1%" + strconv.Itoa(lo.Index) + "]:5060", "[fe80::1%lo]:5060", unix.SizeofSockaddrInet6},
		// The kernel refuses this one (TestBatchConnWriteError).
		{unix.AF_INET, "[::1]:5060", "[::1]:5060", unix.SizeofSockaddrInet6},
	}
	for _, tc := range cases {
		c := &mmsgConn{family: tc.family}
		var sa unix.RawSockaddrInet6
		n := c.sockaddr(&sa, netip.MustParseAddrPort(tc.in))
		assert.Equal(t, tc.len, n, tc.in)
		assert.Equal(t, netip.MustParseAddrPort(tc.want), c.addrPort(&sa), tc.in)
	}
	var sa unix.RawSockaddrInet4
	putPort(&sa.Port, 5060)
	assert.Equal(t, [2]byte{0x13, 0xc4}, *(*[2]byte)(unsafe.Pointer(&sa.Port)), "network byte order")
}

// zoneIndex takes an interface name or number; an unknown name is no zone.
func TestMmsgZoneIndex(t *testing.T) {
	assert.Zero(t, zoneIndex(""))
	assert.Equal(t, uint32(7), zoneIndex("7"))
	assert.Zero(t, zoneIndex("no-such-interface"))
	if lo, err := net.InterfaceByName("lo"); err == nil {
		assert.Equal(t, uint32(lo.Index), zoneIndex("lo"))
	}
}
