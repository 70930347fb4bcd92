package transport

import (
	"crypto/tls"
	"log/slog"
	"net"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
)

// Defaults of StreamConfig.
const (
	// DefaultDialTimeout bounds the opening of a connection, TLS handshake
	// included.
	DefaultDialTimeout = 5 * time.Second
	// DefaultIdleTimeout is longer than the 95 to 120 seconds between the
	// keep-alives of an RFC 5626 §4.4.1 flow, so that a client that keeps
	// its flow alive never sees it closed, and than the minute between the
	// provisional responses of a ringing INVITE (RFC 3261 §13.3.1.1).
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultReadTimeout bounds the arrival of one message once its first
	// byte has arrived, and the TLS handshake of an accepted connection: a
	// peer that trickles bytes cannot hold a connection for long.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds one write: a peer that stops reading fails
	// the write instead of stalling its connection for ever.
	DefaultWriteTimeout = 10 * time.Second
	// DefaultMaxConns bounds the connections a listener accepts.
	DefaultMaxConns = 1024
	// DefaultMaxConnsPerIP bounds the connections a listener accepts from
	// one IP address.
	DefaultMaxConnsPerIP = 64
)

// StreamConfig configures a stream transport: TCP, TLS, WS or WSS. The zero
// value of each field selects its documented default.
type StreamConfig struct {
	// Addr is the local address to listen on: "127.0.0.1:5060", "[::1]:0".
	// Port 0 asks the system for a free port; the transport registers the
	// real one. An IPv4 address listens on IPv4 only and an IPv6 address on
	// IPv6 only. Default ":5060", or ":5061" for TLS (RFC 3261 §19.1.2).
	Addr string
	// Host is the sent-by host of the Via of requests sent through this
	// transport (RFC 3261 §18.1.1), which the top Via of a response read
	// must name (§18.1.2). Default: the bound IP address.
	Host string
	// Handler receives a *Incoming for every message read. Without one,
	// what is read is dropped and counted.
	Handler *actor.PID
	// Registry, when set, gets the transport added once it listens and
	// removed when it closes.
	Registry Registrar
	// Parser parses messages; its Limits bound what a peer may send, and
	// a message above Limits.MaxMessageSize closes its connection.
	Parser message.Parser
	// Resolver looks up a host name found in the top Via of a response
	// that has no connection to go back on (nil: net.DefaultResolver),
	// within ResolveTimeout (default DefaultResolveTimeout).
	Resolver       *net.Resolver
	ResolveTimeout time.Duration
	// Logger receives debug logs of what is dropped or fails (nil: discard).
	Logger *slog.Logger
	// Stats, when set, counts what the transport does; it may be shared.
	Stats *Stats
	// Bound, when set, is called from the actor each time it has tried to
	// listen: with the transport as registered, or with the error that is
	// about to fail the actor (as UDPConfig.Bound).
	Bound func(registry.Transport, error)
	// TLS configures TLS and WSS: a listener needs a certificate
	// (Certificates, GetCertificate or GetConfigForClient); dialled
	// connections verify the peer with RootCAs and ServerName (default: the
	// Via host of the response, or the peer's IP address), or not at all
	// with InsecureSkipVerify. A client certificate, when set, is presented
	// to peers that ask for one. Other protocols ignore it.
	TLS *tls.Config
	// DialTimeout bounds the opening of a connection to send on, TLS
	// handshake included (default, and when negative, DefaultDialTimeout).
	DialTimeout time.Duration
	// IdleTimeout closes a connection on which no message was read or
	// written, and no keep-alive ping read, for that long (default
	// DefaultIdleTimeout; negative: never).
	IdleTimeout time.Duration
	// ReadTimeout bounds the arrival of a whole message once its first byte
	// has arrived, and the TLS handshake of an accepted connection (default
	// DefaultReadTimeout; negative: no bound).
	ReadTimeout time.Duration
	// WriteTimeout bounds each write (default DefaultWriteTimeout;
	// negative: no bound).
	WriteTimeout time.Duration
	// KeepAlive, when positive, sends an RFC 5626 §4.4.1 ping (CRLFCRLF)
	// at that interval on each connection this transport dialled, so that
	// NATs and firewalls on the path keep the flow open (0: no pings). The
	// pings do not count as traffic for IdleTimeout. TCP and TLS only.
	KeepAlive time.Duration
	// MaxConns and MaxConnsPerIP bound the connections accepted and open
	// at once, in all and from one IP address: a connection over either
	// bound is closed at once and counted in Stats.Refused (defaults
	// DefaultMaxConns and DefaultMaxConnsPerIP; negative: no bound).
	// Connections the transport dials are not counted.
	MaxConns, MaxConnsPerIP int
}

// withDefaults returns cfg with each zero field set to its default and each
// negative cap set to the largest int. A negative duration, which means no
// bound, stays negative: users of a duration test it with > 0. Applying it
// twice changes nothing.
func (cfg StreamConfig) withDefaults() StreamConfig {
	dur := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	dur(&cfg.DialTimeout, DefaultDialTimeout)
	dur(&cfg.IdleTimeout, DefaultIdleTimeout)
	dur(&cfg.ReadTimeout, DefaultReadTimeout)
	dur(&cfg.WriteTimeout, DefaultWriteTimeout)
	if cfg.ResolveTimeout <= 0 {
		cfg.ResolveTimeout = DefaultResolveTimeout
	}
	if cfg.DialTimeout < 0 {
		cfg.DialTimeout = DefaultDialTimeout // a dial is always bounded
	}
	limit := func(n *int, def int) {
		switch {
		case *n == 0:
			*n = def
		case *n < 0:
			*n = int(^uint(0) >> 1)
		}
	}
	limit(&cfg.MaxConns, DefaultMaxConns)
	limit(&cfg.MaxConnsPerIP, DefaultMaxConnsPerIP)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Stats == nil {
		cfg.Stats = new(Stats)
	}
	return cfg
}

// defaultPortOf is the port of a sent-by without one (RFC 3261 §18.2.2,
// §19.1.2): 5061 over TLS, 5060 otherwise.
func defaultPortOf(protocol string) int {
	if protocol == ProtocolTLS || protocol == ProtocolWSS {
		return DefaultSecurePort
	}
	return DefaultPort
}
