package transport

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/registry"
)

// startTLS starts a TLS transport with a certificate for 127.0.0.1 that the
// returned pool trusts; the same configuration verifies the peers it dials.
func startTLS(t *testing.T, sys *actor.ActorSystem, tweak func(*StreamConfig)) (*streamTransport, *x509.CertPool) {
	t.Helper()
	cert, pool := testCertificate(t)
	return startTLSWith(t, sys, cert, pool, tweak), pool
}

// startTLSWith starts a TLS transport that presents cert and trusts pool.
func startTLSWith(t *testing.T, sys *actor.ActorSystem, cert tls.Certificate, pool *x509.CertPool, tweak func(*StreamConfig)) *streamTransport {
	t.Helper()
	return startStream(t, sys, NewTLS, func(cfg *StreamConfig) {
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, MinVersion: tls.VersionTLS12}
		if tweak != nil {
			tweak(cfg)
		}
	})
}

// dialTLS connects a crypto/tls client that verifies the transport's
// certificate for 127.0.0.1.
func dialTLS(t *testing.T, tr *streamTransport, pool *x509.CertPool) *client {
	t.Helper()
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: wait}, Config: &tls.Config{RootCAs: pool}}
	c, err := d.DialContext(t.Context(), "tcp", tr.entry.Local.String())
	require.NoError(t, err)
	return newClient(t, c)
}

func TestTLSRequestAndResponse(t *testing.T) {
	sys := newSystem(t)
	tr, pool := startTLS(t, sys, nil)
	assert.Equal(t, ProtocolTLS, tr.entry.Protocol)
	assert.True(t, tr.entry.Reliable)

	c := dialTLS(t, tr, pool)
	c.write(strings.Replace(request(5061, 1), "SIP/2.0/TCP", "SIP/2.0/TLS", 1))
	in := tr.incoming(t)
	assert.Equal(t, ProtocolTLS, in.Protocol)
	assert.True(t, in.Reliable)
	assert.True(t, tr.pid.Equal(in.Transport))
	assert.Equal(t, "127.0.0.1", in.Message.TopVia().Received())

	// RFC 3261 §18.2.2: the response goes back on the same connection.
	tr.send(&Outgoing{Message: response(t, in.Message), Source: in.Source})
	assert.Equal(t, 200, c.read().StatusCode)

	// RFC 5626 §3.5.1 over TLS too.
	c.write("\r\n\r\n")
	buf := make([]byte, 2)
	require.NoError(t, c.conn.SetReadDeadline(deadline()))
	_, err := c.conn.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "\r\n", string(buf))
}

func TestTLSBetweenTransports(t *testing.T) {
	// One transport dials another, verifying its certificate against RootCAs
	// for the IP address; the response comes back on that connection.
	sys := newSystem(t)
	cert, pool := testCertificate(t)
	a := startTLSWith(t, sys, cert, pool, nil)
	b := startTLSWith(t, sys, cert, pool, nil)
	req := parse(t, crlf("OPTIONS sip:b@127.0.0.1 SIP/2.0\nVia: SIP/2.0/TLS "+a.entry.Local.String()+
		";branch=z9hG4bK.tls\nFrom: <sip:a@127.0.0.1>;tag=1\nTo: <sip:b@127.0.0.1>\nCall-ID: tls\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n"))
	a.send(&Outgoing{Message: req, Dest: b.entry.Local, ReplyTo: a.handler})

	in := b.incoming(t)
	assert.Equal(t, ProtocolTLS, in.Protocol)
	b.send(&Outgoing{Message: response(t, in.Message), Source: in.Source})
	resp := a.incoming(t)
	assert.Equal(t, 200, resp.Message.StatusCode)
	assert.True(t, a.pid.Equal(resp.Transport))
	assert.EqualValues(t, 1, a.stats.Dialled.Load())
	assert.Zero(t, b.stats.Dialled.Load())
}

func TestTLSUnverifiedPeer(t *testing.T) {
	// A peer whose certificate does not verify is a transport error
	// (RFC 3261 §26.2.1), reported to the sender.
	sys := newSystem(t)
	a, _ := startTLS(t, sys, func(cfg *StreamConfig) {
		cfg.TLS.RootCAs = x509.NewCertPool() // trusts nothing
	})
	b, _ := startTLS(t, sys, nil)
	a.send(&Outgoing{Message: parse(t, request(5061, 1)), Dest: b.entry.Local, ReplyTo: a.handler})
	err := a.sendError(t).Err
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &unknown)
}

func TestTLSSlowHandshakeBlocksNoOne(t *testing.T) {
	// A client that connects and never shakes hands neither delays others
	// nor holds its connection past ReadTimeout.
	sys := newSystem(t)
	tr, pool := startTLS(t, sys, func(cfg *StreamConfig) { cfg.ReadTimeout = 100 * time.Millisecond })
	slow := dialTCP(t, tr.entry.Local)

	c := dialTLS(t, tr, pool)
	c.write(request(5061, 1))
	assert.Equal(t, uint32(1), tr.incoming(t).Message.CSeq().Seq)
	slow.closed()
}

func TestTLSWithoutCertificate(t *testing.T) {
	sys := newSystem(t)
	bound := make(chan error, 1)
	stop := actor.NewOneForOneStrategy(0, 0, func(any) actor.Directive { return actor.StopDirective })
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*actor.Started); ok {
			c.Spawn(NewTLS(StreamConfig{Addr: "127.0.0.1:0", TLS: &tls.Config{},
				Bound: func(_ registry.Transport, err error) { bound <- err }}))
		}
	}, actor.WithSupervisor(stop)))
	defer func() { _ = sys.Root.StopFuture(parent).Wait() }()
	assert.ErrorIs(t, recv(t, bound), ErrNoCertificate)
}
