package actors

import (
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transport"
)

// ListenUDP starts a UDP transport on addr ("127.0.0.1:5060", "[::1]:5060";
// port 0 picks a free port) under the stack's transports supervisor, and
// returns it once its socket is bound. host, when not empty, is the sent-by
// host that requests sent through it carry in their Via (a name or the
// public address of a socket bound to an unspecified address).
//
// If the socket fails later, the transport is restarted, and its socket
// bound again, per Config.TransportRestart.
func (s *Stack) ListenUDP(addr, host string) (registry.Transport, error) {
	bound := make(chan bindResult, 1)
	props := transport.NewUDP(transport.UDPConfig{
		Addr:     addr,
		Host:     host,
		Handler:  s.manager,
		Registry: s.reg,
		Parser:   message.Parser{Limits: s.cfg.Limits},
		Logger:   s.logger,
		Bound: func(t registry.Transport, err error) {
			select {
			case bound <- bindResult{t, err}:
			default: // a later rebind: nobody waits for it
			}
		},
	})
	props = props.Configure(actor.WithReceiverMiddleware(logPanics(s.logger)))
	pid, err := s.askTransports(props, "udp:"+addr)
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
		return registry.Transport{}, fmt.Errorf("sip: listening on udp:%s: %w", addr, r.err)
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
