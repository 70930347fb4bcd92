package transport

import (
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The receive buffer asked for reaches the socket, up to the kernel's cap
// (Linux reports twice what it grants, for its own bookkeeping).
func TestUDPReadBuffer(t *testing.T) {
	raw, err := os.ReadFile("/proc/sys/net/core/rmem_max")
	if err != nil {
		t.Skip("no /proc/sys/net/core/rmem_max:", err)
	}
	rmemMax, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		size int
		want int
	}{
		{"default", 0, min(DefaultUDPReadBuffer, rmemMax)},
		{"1 MiB", 1 << 20, min(1<<20, rmemMax)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, setReadBuffer(conn, tc.size))
			assert.GreaterOrEqual(t, rcvbuf(t, conn), tc.want)
		})
	}
	t.Run("kernel default kept", func(t *testing.T) {
		conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		require.NoError(t, err)
		defer conn.Close()
		before := rcvbuf(t, conn)
		require.NoError(t, setReadBuffer(conn, -1))
		assert.Equal(t, before, rcvbuf(t, conn))
	})
}

func rcvbuf(t *testing.T, conn *net.UDPConn) int {
	t.Helper()
	sc, err := conn.SyscallConn()
	require.NoError(t, err)
	var size int
	var serr error
	require.NoError(t, sc.Control(func(fd uintptr) {
		size, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	}))
	require.NoError(t, serr)
	return size
}
