package actors

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transport"
)

// A Listener says where and how a transport listens.
type Listener struct {
	// Protocol is "udp", "tcp", "tls", "ws" or "wss" (any case).
	Protocol string
	// Addr is the address to bind: "127.0.0.1:5060", "[::1]:5061"; port 0
	// picks a free port.
	Addr string
	// Host, when not empty, is the sent-by host that requests sent through
	// the transport carry in their Via (a name, or the public address of a
	// socket bound to an unspecified address).
	Host string
	// TLS is the configuration of tls and wss listeners (their
	// certificate) and of the connections they dial (RootCAs, ServerName).
	TLS *tls.Config
	// Stream tunes the stream transports (timeouts, connection caps); its
	// Addr, Host, TLS, Handler, Registry, Parser, Logger and Bound are set
	// by the stack. The zero value has the documented defaults.
	Stream transport.StreamConfig
}

// ListenUDP starts a UDP transport on addr: Listen with protocol udp.
func (s *Stack) ListenUDP(addr, host string) (registry.Transport, error) {
	return s.Listen(Listener{Protocol: "udp", Addr: addr, Host: host})
}

// Listen starts a transport under the stack's transports supervisor and
// returns it once its socket is bound. A socket that cannot be bound is an
// error; a transport that fails later is restarted, and its socket bound
// again, per Config.TransportRestart.
func (s *Stack) Listen(l Listener) (registry.Transport, error) {
	bound := make(chan bindResult, 1)
	onBound := func(t registry.Transport, err error) {
		select {
		case bound <- bindResult{t, err}:
		default: // a later rebind: nobody waits for it
		}
	}
	parser := message.Parser{Limits: s.cfg.Limits}
	proto := strings.ToLower(l.Protocol)
	var props *actor.Props
	switch proto {
	case "udp":
		props = transport.NewUDP(transport.UDPConfig{
			Addr: l.Addr, Host: l.Host, Handler: s.manager, Registry: s.reg,
			Parser: parser, Logger: s.logger, Resolver: s.cfg.Resolver, Bound: onBound,
		})
	case "tcp", "tls", "ws", "wss":
		sc := l.Stream
		sc.Addr, sc.Host, sc.Handler, sc.Registry = l.Addr, l.Host, s.manager, s.reg
		sc.Parser, sc.Logger, sc.Bound, sc.Resolver = parser, s.logger, onBound, s.cfg.Resolver
		if l.TLS != nil {
			sc.TLS = l.TLS
		}
		if (proto == "tls" || proto == "wss") && sc.TLS == nil {
			return registry.Transport{}, fmt.Errorf("sip: listening on %s:%s needs a TLS configuration", proto, l.Addr)
		}
		switch proto {
		case "tcp":
			props = transport.NewTCP(sc)
		case "tls":
			props = transport.NewTLS(sc)
		case "ws":
			props = transport.NewWS(sc)
		default:
			props = transport.NewWSS(sc)
		}
	default:
		return registry.Transport{}, fmt.Errorf("sip: unknown transport protocol %q", l.Protocol)
	}
	props = props.Configure(actor.WithReceiverMiddleware(logPanics(s.logger)), actor.WithDispatcher(s.workers))
	pid, err := s.askTransports(props, proto+":"+l.Addr)
	if err != nil {
		return registry.Transport{}, err
	}
	var r bindResult
	select {
	case r = <-bound:
	case <-time.After(requestTimeout):
		r.err = errors.New("socket not bound in time")
	}
	if r.err != nil {
		// A socket that cannot be bound at start is a configuration error,
		// not a failure to retry: the transport is stopped.
		s.system.Root.Stop(pid)
		return registry.Transport{}, fmt.Errorf("sip: listening on %s:%s: %w", proto, l.Addr, r.err)
	}
	return r.t, nil
}

type bindResult struct {
	t   registry.Transport
	err error
}

func (s *Stack) askTransports(props *actor.Props, name string) (*actor.PID, error) {
	res, err := s.system.Root.RequestFuture(s.transports, &spawnChild{props: props, name: name}, requestTimeout).Result()
	if err != nil {
		return nil, fmt.Errorf("sip: stack %q: %w", s.name, err)
	}
	if err, ok := res.(error); ok {
		return nil, err
	}
	return res.(*actor.PID), nil
}
