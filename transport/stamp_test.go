package transport

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

func TestStampReceived(t *testing.T) {
	tests := []struct {
		name string
		via  string
		src  string
		want string
	}{
		// RFC 3261 §18.2.1: received only when sent-by is not the source.
		{"same ip", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "192.0.2.1:5060",
			"SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1"},
		{"other ip", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "192.0.2.9:5060",
			"SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;received=192.0.2.9"},
		{"host name", "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1", "192.0.2.1:5060",
			"SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.1"},
		{"same ip other port", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "192.0.2.1:40000",
			"SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1"},
		{"stale received replaced", "SIP/2.0/UDP 192.0.2.1;received=192.0.2.5", "192.0.2.9:5060",
			"SIP/2.0/UDP 192.0.2.1;received=192.0.2.9"},
		// RFC 3581 §4: with rport, received always, and rport gets the port.
		{"rport same ip", "SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1", "192.0.2.1:40000",
			"SIP/2.0/UDP 192.0.2.1:5060;rport=40000;branch=z9hG4bK1;received=192.0.2.1"},
		{"rport other ip", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport", "192.0.2.9:40000",
			"SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport=40000;received=192.0.2.9"},
		// RFC 3581 §3: a client must not send a value; it is replaced.
		{"rport with value", "SIP/2.0/UDP 10.0.0.1;rport=1234", "192.0.2.9:40000",
			"SIP/2.0/UDP 10.0.0.1;rport=40000;received=192.0.2.9"},
		// IPv6: received without brackets (RFC 3261 §20.42); mapped -> IPv4.
		{"ipv6 same", "SIP/2.0/UDP [2001:db8::1]:5060", "[2001:db8::1]:5060",
			"SIP/2.0/UDP [2001:db8::1]:5060"},
		{"ipv6 same other spelling", "SIP/2.0/UDP [2001:DB8:0::1]", "[2001:db8::1]:5060",
			"SIP/2.0/UDP [2001:DB8:0::1]"},
		{"ipv6 other", "SIP/2.0/UDP [2001:db8::1];rport", "[2001:db8::2]:5062",
			"SIP/2.0/UDP [2001:db8::1];rport=5062;received=2001:db8::2"},
		{"ipv4-mapped source", "SIP/2.0/UDP 192.0.2.1", "[::ffff:192.0.2.1]:5060",
			"SIP/2.0/UDP 192.0.2.1"},
		{"ipv4-mapped other", "SIP/2.0/UDP 192.0.2.1", "[::ffff:192.0.2.2]:5060",
			"SIP/2.0/UDP 192.0.2.1;received=192.0.2.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			via, err := message.ParseVia(tt.via)
			require.NoError(t, err)
			StampReceived(via, netip.MustParseAddrPort(tt.src))
			assert.Equal(t, tt.want, via.String())
		})
	}
}

func TestStampReceivedNil(t *testing.T) {
	assert.NotPanics(t, func() { StampReceived(nil, netip.MustParseAddrPort("192.0.2.1:5060")) })
	via, err := message.ParseVia("SIP/2.0/UDP 192.0.2.1;rport")
	require.NoError(t, err)
	StampReceived(via, netip.AddrPort{})
	assert.Equal(t, "SIP/2.0/UDP 192.0.2.1;rport", via.String())
}
