package actors

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseListeners(t *testing.T) {
	got, err := ParseListeners("udp:127.0.0.1:5060, TCP:[::1]:5060,tls:localhost:5061,ws:127.0.0.1:80,wss:127.0.0.1:443")
	require.NoError(t, err)
	assert.Equal(t, []Listener{
		{Protocol: "udp", Addr: "127.0.0.1:5060"},
		{Protocol: "tcp", Addr: "[::1]:5060"},
		{Protocol: "tls", Addr: "localhost:5061"},
		{Protocol: "ws", Addr: "127.0.0.1:80"},
		{Protocol: "wss", Addr: "127.0.0.1:443"},
	}, got)
	for _, bad := range []string{"", "udp", "udp:", "sctp:127.0.0.1:5060", "udp:127.0.0.1:5060,"} {
		_, err := ParseListeners(bad)
		assert.Error(t, err, "%q", bad)
	}
}
