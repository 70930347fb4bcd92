package siptest

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// Exchange sends raw, a request written with LF line ends, to the server at
// addr from a new loopback socket, and returns the first final response, or
// nil if none comes within wait. In raw, LOCAL stands for the socket's
// address and PEER for addr.
func Exchange(t *testing.T, addr netip.AddrPort, raw string, wait time.Duration) *message.Message {
	t.Helper()
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(addr))
	require.NoError(t, err)
	defer conn.Close()
	local := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	raw = strings.ReplaceAll(raw, "LOCAL", local.String())
	raw = strings.ReplaceAll(raw, "PEER", addr.String())
	raw = strings.ReplaceAll(raw, "\n", "\r\n")
	_, err = conn.Write([]byte(raw))
	require.NoError(t, err)
	buf := make([]byte, 65535)
	deadline := time.Now().Add(wait)
	for {
		require.NoError(t, conn.SetReadDeadline(deadline))
		n, err := conn.Read(buf)
		if err != nil {
			return nil
		}
		m, err := message.Parse(buf[:n])
		require.NoError(t, err)
		if m.StatusCode >= 200 {
			return m
		}
	}
}

// FreePort returns a UDP port of 127.0.0.1 that was free at the time of the
// call, for a sipp process to bind.
func FreePort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}
