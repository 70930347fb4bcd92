package transport

import (
	"context"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

func TestRequestTarget(t *testing.T) {
	tests := []struct {
		name   string
		ruri   string
		routes []string
		want   Target
		err    error
	}{
		// RFC 3261 §8.1.2: no Route, the Request-URI names the next hop.
		{name: "request-uri", ruri: "sip:bob@example.com", want: Target{Protocol: "UDP", Host: "example.com", Port: 5060}},
		{name: "request-uri port", ruri: "sip:bob@192.0.2.1:5070", want: Target{Protocol: "UDP", Host: "192.0.2.1", Port: 5070}},
		// RFC 3263 §4.1: transport parameter; §4.2: default ports.
		{name: "transport tcp", ruri: "sip:bob@example.com;transport=tcp", want: Target{Protocol: "TCP", Host: "example.com", Port: 5060}},
		{name: "transport TCP any case", ruri: "sip:bob@example.com;transport=TcP", want: Target{Protocol: "TCP", Host: "example.com", Port: 5060}},
		{name: "transport udp", ruri: "sip:bob@example.com;transport=udp", want: Target{Protocol: "UDP", Host: "example.com", Port: 5060}},
		{name: "transport tls", ruri: "sip:bob@example.com;transport=tls", want: Target{Protocol: "TLS", Host: "example.com", Port: 5061}},
		{name: "transport ws", ruri: "sip:bob@example.com;transport=ws", want: Target{Protocol: "WS", Host: "example.com", Port: 5060}},
		{name: "transport wss", ruri: "sip:bob@example.com;transport=wss", want: Target{Protocol: "WSS", Host: "example.com", Port: 5061}},
		{name: "transport sctp", ruri: "sip:bob@example.com;transport=sctp", want: Target{Protocol: "SCTP", Host: "example.com", Port: 5060}},
		{name: "unknown transport", ruri: "sip:bob@example.com;transport=quic", err: ErrUnsupportedTransport},
		// RFC 3261 §19.1, §26.2.2: sips means TLS on every hop.
		{name: "sips", ruri: "sips:bob@example.com", want: Target{Protocol: "TLS", Host: "example.com", Port: 5061}},
		{name: "sips tcp", ruri: "sips:bob@example.com;transport=tcp", want: Target{Protocol: "TLS", Host: "example.com", Port: 5061}},
		{name: "sips ws", ruri: "sips:bob@example.com;transport=ws", want: Target{Protocol: "WSS", Host: "example.com", Port: 5061}},
		{name: "sips port", ruri: "sips:bob@example.com:5071", want: Target{Protocol: "TLS", Host: "example.com", Port: 5071}},
		{name: "sips udp", ruri: "sips:bob@example.com;transport=udp", err: ErrUnsupportedTransport},
		// RFC 3261 §19.1.1: maddr overrides the host, not the port.
		{name: "maddr", ruri: "sip:bob@example.com:5070;maddr=192.0.2.9", want: Target{Protocol: "UDP", Host: "192.0.2.9", Port: 5070}},
		{name: "maddr ipv6", ruri: "sip:bob@example.com;maddr=[2001:db8::9]", want: Target{Protocol: "UDP", Host: "2001:db8::9", Port: 5060}},
		{name: "ipv6 host", ruri: "sip:bob@[2001:db8::1]:5080", want: Target{Protocol: "UDP", Host: "2001:db8::1", Port: 5080}},
		// RFC 3261 §16.12: a loose router in the top Route is the next hop.
		{
			name: "loose route", ruri: "sip:bob@example.com",
			routes: []string{"<sip:p1.example.net;lr>", "<sip:p2.example.net;lr>"},
			want:   Target{Protocol: "UDP", Host: "p1.example.net", Port: 5060},
		},
		{
			name: "loose route transport", ruri: "sip:bob@example.com;transport=udp",
			routes: []string{"<sip:p1.example.net:5090;transport=tcp;lr>"},
			want:   Target{Protocol: "TCP", Host: "p1.example.net", Port: 5090},
		},
		// RFC 3261 §12.2.1.1, §16.6 step 7: a strict router is reached by
		// rewriting the request, after which it is the Request-URI and the
		// top Route (without lr) the hop after it.
		{
			name: "strict route, rewritten", ruri: "sip:strict.example.net",
			routes: []string{"<sip:p2.example.net>", "<sip:bob@example.com>"},
			want:   Target{Protocol: "UDP", Host: "strict.example.net", Port: 5060},
		},
		// Not routable.
		{name: "tel", ruri: "tel:+15551234", err: message.ErrUnsupportedScheme},
		{name: "route tel", ruri: "sip:bob@example.com", routes: []string{"<tel:+15551234;lr>"}, err: ErrNoTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uri, err := message.ParseURI(tt.ruri)
			require.NoError(t, err)
			m := &message.Message{Method: message.MethodInvite, RequestURI: uri}
			for _, r := range tt.routes {
				a, err := message.ParseAddress(r)
				require.NoError(t, err)
				m.Headers.Add(message.HeaderRoute, a)
			}
			got, err := RequestTarget(m)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			// Explicit is checked in TestTargetExplicit.
			got.Explicit = false
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRequestTargetNotARequest(t *testing.T) {
	_, err := RequestTarget(&message.Message{StatusCode: 200})
	assert.ErrorIs(t, err, ErrNoTarget)
	_, err = RequestTarget(nil)
	assert.ErrorIs(t, err, ErrNoTarget)
}

func TestResponseTarget(t *testing.T) {
	tests := []struct {
		name string
		via  string
		host string
		port int
	}{
		// RFC 3261 §18.2.2: sent-by, default port 5060.
		{"sent-by", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", "192.0.2.1", 5060},
		{"sent-by port", "SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1", "192.0.2.1", 5070},
		{"sent-by name", "SIP/2.0/UDP pc33.example.com:5070;branch=z9hG4bK1", "pc33.example.com", 5070},
		{"sent-by ipv6", "SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1", "2001:db8::1", 5070},
		// RFC 3261 §18.2.2: received, with the sent-by port.
		{"received", "SIP/2.0/UDP pc33.example.com:5070;branch=z9hG4bK1;received=192.0.2.7", "192.0.2.7", 5070},
		{"received default port", "SIP/2.0/UDP pc33.example.com;received=192.0.2.7", "192.0.2.7", 5060},
		{"received ipv6", "SIP/2.0/UDP pc33.example.com;received=2001:db8::7", "2001:db8::7", 5060},
		// RFC 3581 §4: rport with a value wins over the sent-by port.
		{"rport", "SIP/2.0/UDP pc33.example.com:5070;received=192.0.2.7;rport=40000", "192.0.2.7", 40000},
		{"rport without received", "SIP/2.0/UDP 192.0.2.1:5070;rport=40000", "192.0.2.1", 40000},
		{"rport without value", "SIP/2.0/UDP 192.0.2.1:5070;rport", "192.0.2.1", 5070},
		// RFC 3261 §18.2.2: maddr first, with the sent-by port or 5060.
		{"maddr", "SIP/2.0/UDP 192.0.2.1:5070;maddr=239.255.255.1;received=192.0.2.7;rport=4000", "239.255.255.1", 5070},
		{"maddr default port", "SIP/2.0/UDP 192.0.2.1;maddr=239.255.255.1", "239.255.255.1", 5060},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			via, err := message.ParseVia(tt.via)
			require.NoError(t, err)
			host, port := ResponseTarget(via)
			assert.Equal(t, tt.host, host)
			assert.Equal(t, tt.port, port)
		})
	}
	host, port := ResponseTarget(nil)
	assert.Empty(t, host)
	assert.Zero(t, port)
}

func TestResolve(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		host     string
		port     int
		preferV6 bool
		want     string
		err      error
	}{
		// IP literals need no lookup (RFC 3263 §4.2: numeric host).
		{name: "ipv4", host: "192.0.2.1", port: 5060, want: "192.0.2.1:5060"},
		{name: "ipv6", host: "2001:db8::1", port: 5060, want: "[2001:db8::1]:5060"},
		{name: "ipv6 bracketed", host: "[2001:db8::1]", port: 5061, want: "[2001:db8::1]:5061"},
		{name: "ipv4-mapped", host: "::ffff:192.0.2.1", port: 5060, want: "192.0.2.1:5060"},
		// Names go through the resolver; /etc/hosts has localhost.
		{name: "localhost v4", host: "localhost", port: 5060, want: "127.0.0.1:5060"},
		{name: "unknown name", host: "no-such-host.invalid", port: 5060, err: ErrNoAddress},
		{name: "empty", host: "", port: 5060, err: ErrNoAddress},
		{name: "port 0", host: "192.0.2.1", port: 0, err: ErrNoAddress},
		{name: "port too big", host: "192.0.2.1", port: 65536, err: ErrNoAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(ctx, noDNS, tt.host, tt.port, tt.preferV6)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, netip.MustParseAddrPort(tt.want), got)
		})
	}
}

func TestResolveLiteralNeedsNoResolver(t *testing.T) {
	// A resolver that fails every lookup proves that literals skip it.
	got, err := Resolve(context.Background(), noDNS, "[::1]", 5060, false)
	require.NoError(t, err)
	assert.Equal(t, netip.MustParseAddrPort("[::1]:5060"), got)
}

// A transport parameter or a sips URI chooses the protocol; the stack then
// never moves a large request to TCP (RFC 3261 §18.1.1).
func TestTargetExplicit(t *testing.T) {
	for uri, want := range map[string]bool{
		"sip:bob@192.0.2.1":               false,
		"sip:bob@192.0.2.1;transport=udp": true,
		"sip:bob@192.0.2.1;transport=tcp": true,
		"sips:bob@192.0.2.1":              true,
	} {
		u, err := message.ParseURI(uri)
		require.NoError(t, err)
		got, err := URITarget(u)
		require.NoError(t, err)
		assert.Equal(t, want, got.Explicit, uri)
	}
}
