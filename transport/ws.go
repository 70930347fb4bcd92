package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/coder/websocket"

	"github.com/sippet-go/sippet/message"
)

// ErrNoSubprotocol reports a WebSocket peer that did not agree on the
// subprotocol "sip" (RFC 7118 §4.1): a server that answered the handshake
// without it, which the client must then fail.
var ErrNoSubprotocol = errors.New(`sip: WebSocket subprotocol "sip" not negotiated`)

// wsSubprotocol is the WebSocket subprotocol of SIP (RFC 7118 §4.1).
const wsSubprotocol = "sip"

// Defaults of wsOptions.
const (
	// wsCloseTimeout bounds the wait for the peer's Close frame (RFC 6455
	// §7.1.1: the server closes the TCP connection first, the client
	// waits "a reasonable amount of time").
	wsCloseTimeout = 2 * time.Second
	// wsMaxHandshake bounds the header block of an upgrade request.
	wsMaxHandshake = 16 << 10
)

// wsOptions configures the WS or WSS protocol. The zero value of each field
// selects its documented default.
type wsOptions struct {
	// secure selects WSS: TLS under the WebSocket.
	secure bool
	// tls is the configuration of the listener (which needs a certificate)
	// and of the dialler (whose ServerName, when empty, becomes the host
	// dialled). nil: a listener fails, a dialler uses the system roots.
	tls *tls.Config
	// maxMessageSize bounds each message read, as
	// message.Limits.MaxMessageSize does: 0 means 65535, negative no limit.
	maxMessageSize int
	// logger gets debug logs of refused handshakes (nil: discard).
	logger *slog.Logger
	// readTO bounds the reading of an HTTP upgrade request (and of
	// the TLS handshake before it), the idle time of an HTTP connection
	// not upgraded, and the reading of a message once its first frame
	// has begun; it is StreamConfig.ReadTimeout (default
	// DefaultReadTimeout, negative: no bound).
	readTO time.Duration
	// writeTO bounds each write, as StreamConfig.WriteTimeout (default
	// DefaultWriteTimeout, negative: no bound): a peer that does not read
	// for that long gets its connection closed.
	writeTO time.Duration
	// closeTO bounds the wait for the peer's Close frame (default
	// wsCloseTimeout).
	closeTO time.Duration
}

func (o *wsOptions) protocol() string {
	if o.secure {
		return ProtocolWSS
	}
	return ProtocolWS
}

func (o *wsOptions) log() *slog.Logger {
	if o.logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.logger
}

func (o *wsOptions) readLimit() int {
	switch {
	case o.maxMessageSize == 0:
		return message.DefaultMaxMessageSize
	case o.maxMessageSize < 0:
		return -1
	}
	return o.maxMessageSize
}

func durationOf(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

func (o *wsOptions) readTimeout() time.Duration {
	return durationOf(o.readTO, DefaultReadTimeout)
}

func (o *wsOptions) writeTimeout() time.Duration { return durationOf(o.writeTO, DefaultWriteTimeout) }

func (o *wsOptions) closeTimeout() time.Duration {
	if o.closeTO <= 0 {
		return wsCloseTimeout
	}
	return o.closeTO
}

// NewWS returns the props of a WebSocket transport (RFC 7118): a listener
// actor with one child actor per connection, as NewTCP, but each SIP message
// travels in a WebSocket message of its own (RFC 7118 §4.2) rather than being
// framed by Content-Length, and the connection starts with an HTTP upgrade
// that must agree on the subprotocol "sip" (§4.1).
//
// The listener is an HTTP server on Addr that upgrades any request path and
// refuses with 400 a handshake that does not offer "sip"; it accepts any
// Origin (RFC 6455 §10.2), SIP authenticating its requests itself. The
// upgrade request must arrive within ReadTimeout. Dialled connections go to
// ws://host:port/, host being the Via host of a response or the peer's IP
// address, and fail unless the server agrees on "sip" (ErrNoSubprotocol).
//
// A message above the Parser's MaxMessageSize closes its connection with
// status 1009 (RFC 6455 §7.4.1). Messages go out as text, or binary when
// they are not valid UTF-8 (a binary body); both are read. The CRLF
// keep-alives of RFC 5626 §3.5.1, which browser clients send as messages of
// their own, are answered as on TCP, and KeepAlive sends them on dialled
// connections; WebSocket ping frames are answered but do not count as
// traffic for IdleTimeout. Closing a connection is a normal closure (1000)
// that waits two seconds at most for the peer's Close frame, in the
// background for a connection refused over MaxConns or MaxConnsPerIP.
func NewWS(cfg StreamConfig) *actor.Props {
	return newStream(wsProto(wsOptionsOf(false, &cfg)), cfg)
}

// NewWSS returns the props of a secure WebSocket transport (RFC 7118): NewWS
// over TLS, configured by cfg.TLS as for NewTLS. The listener needs a
// certificate and fails to start with ErrNoCertificate without one; the TLS
// handshake of an accepted connection runs within ReadTimeout. Dialled
// connections go to wss://host:port/ and verify the server's certificate
// for cfg.TLS.ServerName, else host, else the peer's IP address.
func NewWSS(cfg StreamConfig) *actor.Props {
	return newStream(wsProto(wsOptionsOf(true, &cfg)), cfg)
}

// wsOptionsOf takes the options of WS or WSS from cfg, whose zero fields
// still mean their defaults.
func wsOptionsOf(secure bool, cfg *StreamConfig) wsOptions {
	return wsOptions{
		secure:         secure,
		tls:            cfg.TLS,
		maxMessageSize: cfg.Parser.Limits.MaxMessageSize,
		logger:         cfg.Logger,
		readTO:         cfg.ReadTimeout,
		writeTO:        cfg.WriteTimeout,
	}
}

// wsProto returns the WS or WSS stream protocol (RFC 7118).
func wsProto(o wsOptions) streamProto {
	return streamProto{
		Protocol: o.protocol(),
		Listen: func(ctx context.Context, addr string) (acceptor, error) {
			a, err := listenWS(ctx, addr, &o)
			if err != nil {
				return nil, err
			}
			return a, nil
		},
		Dial: func(ctx context.Context, dest netip.AddrPort, host string) (framedConn, error) {
			c, err := dialWS(ctx, dest, host, &o)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
	}
}

// dialWS opens a WebSocket to dest and asks for the subprotocol "sip" (RFC
// 7118 §4.1). host goes in the URL, hence in the Host header, and is the name
// that TLS verifies; "" stands for the address of dest. The connection is
// made to dest whatever host resolves to: the caller resolved it already.
func dialWS(ctx context.Context, dest netip.AddrPort, host string, o *wsOptions) (*wsConn, error) {
	proto := o.protocol()
	if !dest.IsValid() {
		return nil, fmt.Errorf("sip: %s dial: %w: invalid address", proto, ErrNoAddress)
	}
	host = unbracket(host)
	if host == "" {
		host = dest.Addr().WithZone("").String()
	}
	scheme := "ws"
	var tlsConfig *tls.Config
	if o.secure {
		scheme = "wss"
		tlsConfig = dialConfig(o.tls, dest, host)
		tlsConfig.NextProtos = []string{"http/1.1"}
	}
	url := scheme + "://" + net.JoinHostPort(host, strconv.Itoa(int(dest.Port()))) + "/"

	var (
		mu  sync.Mutex
		raw net.Conn
	)
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := d.DialContext(ctx, "tcp", dest.String())
			if err == nil {
				mu.Lock()
				raw = c
				mu.Unlock()
			}
			return c, err
		},
		TLSClientConfig:        tlsConfig,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: wsMaxHandshake,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// A redirect would be dialled to dest again: refuse it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPClient:   client,
		Subprotocols: []string{wsSubprotocol},
	})
	mu.Lock()
	c := raw
	mu.Unlock()
	if err != nil {
		if c != nil {
			c.Close()
		}
		return nil, fmt.Errorf("sip: %s dial %v: %w", proto, dest, err)
	}
	if c == nil { // cannot happen: the handshake went over a dialled conn
		ws.CloseNow()
		return nil, fmt.Errorf("sip: %s dial %v: %w", proto, dest, net.ErrClosed)
	}
	if ws.Subprotocol() != wsSubprotocol {
		ws.CloseNow()
		c.Close()
		return nil, fmt.Errorf("sip: %s dial %v: %w (got %q)", proto, dest, ErrNoSubprotocol, ws.Subprotocol())
	}
	return newWSConn(ws, c, o.readLimit(), o), nil
}
