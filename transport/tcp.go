package transport

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/asynkron/protoactor-go/actor"
)

// NewTCP returns the props of a TCP transport (RFC 3261 §18): a listener
// actor with one child actor per connection, as newStream describes.
// Messages are framed by Content-Length (RFC 3261 §18.3), which a message
// must carry: one without it, or above the Parser's MaxMessageSize, is
// answered with a stateless 400 when it is a request, and its connection
// closed, the stream having lost its framing. CRLF pings between
// messages are answered with a pong (RFC 5626 §3.5.1).
func NewTCP(cfg StreamConfig) *actor.Props {
	cfg = cfg.withDefaults()
	return newStream(tcpProto(&cfg), cfg)
}

// tcpProto is TCP as a streamProto.
func tcpProto(cfg *StreamConfig) streamProto {
	return streamProto{
		Protocol: ProtocolTCP,
		Listen: func(ctx context.Context, addr string) (acceptor, error) {
			ln, err := listenTCP(ctx, ProtocolTCP, addr)
			if err != nil {
				return nil, err
			}
			return &tcpAcceptor{ln: ln, wrap: func(c net.Conn) framedConn {
				return newByteConn(c, c, cfg)
			}}, nil
		},
		Dial: func(ctx context.Context, dest netip.AddrPort, _ string) (framedConn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, "tcp", dest.String())
			if err != nil {
				return nil, err
			}
			return newByteConn(c, c, cfg), nil
		},
	}
}

// listenTCP listens on addr, the default port of protocol when addr is
// empty. The network follows the address family, as UDP's does.
func listenTCP(ctx context.Context, protocol, addr string) (net.Listener, error) {
	if addr == "" {
		addr = ":" + strconv.Itoa(defaultPortOf(protocol))
	}
	network := "tcp"
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		if ap.Addr().Unmap().Is4() {
			network = "tcp4"
		} else {
			network = "tcp6"
		}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("sip: %s transport %q: %w", protocol, addr, err)
	}
	return ln, nil
}

// tcpAcceptor is the acceptor of TCP and TLS: wrap makes a framedConn of
// each connection accepted, without blocking (a TLS handshake waits for the
// first read).
type tcpAcceptor struct {
	ln   net.Listener
	wrap func(net.Conn) framedConn
}

func (a *tcpAcceptor) Accept() (framedConn, error) {
	c, err := a.ln.Accept()
	if err != nil {
		return nil, err
	}
	return a.wrap(c), nil
}

func (a *tcpAcceptor) Close() error { return a.ln.Close() }

func (a *tcpAcceptor) Addr() netip.AddrPort { return streamAddr(a.ln.Addr()) }
