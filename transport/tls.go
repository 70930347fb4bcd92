package transport

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"
)

// NewTLS returns the props of a TLS transport (RFC 3261 §18, §26.2): TCP
// (see NewTCP) with every connection secured by cfg.TLS.
//
// The listener needs a certificate in cfg.TLS; without one it fails to
// start with ErrNoCertificate. The handshake of an accepted connection runs
// on the connection's own reader, within ReadTimeout, so that a slow client
// holds up no one else; the handshake of a dialled connection is part of the
// dial, within DialTimeout. A dialled connection verifies the peer's
// certificate against cfg.TLS.RootCAs (nil: the system's) for
// cfg.TLS.ServerName or, when that is empty, for the host name of the
// response's Via or the peer's IP address.
func NewTLS(cfg StreamConfig) *actor.Props {
	cfg = cfg.withDefaults()
	return newStream(tlsProto(&cfg), cfg)
}

// tlsProto is TLS as a streamProto.
func tlsProto(cfg *StreamConfig) streamProto {
	return streamProto{
		Protocol: ProtocolTLS,
		Listen: func(ctx context.Context, addr string) (acceptor, error) {
			if !hasCertificate(cfg.TLS) {
				return nil, fmt.Errorf("sip: TLS transport %q: %w", addr, ErrNoCertificate)
			}
			ln, err := listenTCP(ctx, ProtocolTLS, addr)
			if err != nil {
				return nil, err
			}
			return &tcpAcceptor{ln: ln, wrap: func(c net.Conn) framedConn {
				tc := tls.Server(c, cfg.TLS)
				bc := newByteConn(tc, c, cfg)
				bc.handshake = tc.Handshake
				return bc
			}}, nil
		},
		Dial: func(ctx context.Context, dest netip.AddrPort, host string) (framedConn, error) {
			d := tls.Dialer{Config: dialConfig(cfg.TLS, dest, host)}
			c, err := d.DialContext(ctx, "tcp", dest.String())
			if err != nil {
				return nil, err
			}
			return newByteConn(c, c.(*tls.Conn).NetConn(), cfg), nil
		},
	}
}

// hasCertificate reports whether a server can present a certificate with c.
func hasCertificate(c *tls.Config) bool {
	return c != nil && (len(c.Certificates) > 0 || c.GetCertificate != nil || c.GetConfigForClient != nil)
}

// dialConfig is base for a connection to dest: the name verified is
// base.ServerName, else host, else dest's IP address (RFC 5922 §7.2 would
// want the domain of the URI, which a *Outgoing does not carry).
func dialConfig(base *tls.Config, dest netip.AddrPort, host string) *tls.Config {
	c := base.Clone()
	if c == nil {
		c = new(tls.Config)
	}
	if c.ServerName == "" {
		c.ServerName = host
		if host == "" {
			c.ServerName = dest.Addr().String()
		}
	}
	return c
}
