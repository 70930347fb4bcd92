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
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// wsAcceptor is the acceptor of a WS or WSS listener: an HTTP server whose
// only handler upgrades requests that ask for the "sip" subprotocol (RFC 7118
// §4.1) and hands each WebSocket to Accept.
//
// coder/websocket wants the handler that accepted a WebSocket to run for as
// long as the WebSocket is used, so the handler of each accepted connection
// waits until that connection is closed. Close stops the server, closes the
// connections that Accept has not returned yet and waits for their handlers;
// the handler of a connection that Accept returned ends when the connection
// is closed by its owner.
type wsAcceptor struct {
	opts  *wsOptions
	addr  netip.AddrPort
	srv   *http.Server
	conns chan *wsConn

	// closed is closed by Close.
	closed chan struct{}
	// served is closed when Serve returns, with serveErr.
	served   chan struct{}
	serveErr error

	// mu guards closing and the Add of handlers against Close's Wait.
	mu      sync.Mutex
	closing bool
	// handlers counts the handlers that have not handed their
	// connection to Accept.
	handlers  sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// connKey is the request context key under which the server stores the
// connection a request came on.
type connKey struct{}

// listenWS binds addr and starts serving WebSocket handshakes on it, over
// TLS when o.secure.
func listenWS(ctx context.Context, addr string, o *wsOptions) (*wsAcceptor, error) {
	proto := o.protocol()
	var tlsConfig *tls.Config
	if o.secure {
		if !hasCertificate(o.tls) {
			return nil, fmt.Errorf("sip: %s transport %q: %w", proto, addr, ErrNoCertificate)
		}
		tlsConfig = o.tls.Clone()
		// The upgrade is an HTTP/1.1 exchange (RFC 6455 §4.1).
		tlsConfig.NextProtos = []string{"http/1.1"}
	}
	ln, err := listenTCP(ctx, proto, addr)
	if err != nil {
		return nil, err
	}
	a := &wsAcceptor{
		opts:   o,
		addr:   streamAddr(ln.Addr()),
		conns:  make(chan *wsConn),
		closed: make(chan struct{}),
		served: make(chan struct{}),
	}
	a.srv = &http.Server{
		Handler:           a,
		ReadHeaderTimeout: o.readTimeout(),
		IdleTimeout:       o.readTimeout(),
		MaxHeaderBytes:    wsMaxHandshake,
		ErrorLog:          slog.NewLogLogger(o.log().Handler(), slog.LevelDebug),
		// A non-nil map keeps HTTP/2, which cannot upgrade, off.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	go func() {
		a.serveErr = a.srv.Serve(ln)
		close(a.served)
	}()
	return a, nil
}

// Accept returns the next accepted WebSocket, the handshake done.
func (a *wsAcceptor) Accept() (framedConn, error) {
	select {
	case c := <-a.conns:
		return c, nil
	case <-a.closed:
	case <-a.served:
		if !errors.Is(a.serveErr, http.ErrServerClosed) {
			return nil, fmt.Errorf("sip: %s listener %v: %w", a.opts.protocol(), a.addr, a.serveErr)
		}
	}
	return nil, fmt.Errorf("sip: %s listener %v: %w", a.opts.protocol(), a.addr, net.ErrClosed)
}

// Addr returns the bound address.
func (a *wsAcceptor) Addr() netip.AddrPort { return a.addr }

// Close stops listening, closes the connections not yet accepted and waits
// for the server's goroutines but those of accepted connections.
func (a *wsAcceptor) Close() error {
	a.closeOnce.Do(func() {
		a.mu.Lock()
		a.closing = true
		close(a.closed)
		a.mu.Unlock()
		a.closeErr = a.srv.Close()
		<-a.served
		a.handlers.Wait()
	})
	return a.closeErr
}

// enter counts a new handler, unless the acceptor is closing.
func (a *wsAcceptor) enter() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closing {
		return false
	}
	a.handlers.Add(1)
	return true
}

// ServeHTTP upgrades a request to a WebSocket carrying SIP (RFC 7118 §4.1) and
// stays until that WebSocket is closed.
func (a *wsAcceptor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !a.enter() {
		http.Error(w, "sip: listener closing", http.StatusServiceUnavailable)
		return
	}
	handed := false
	defer func() {
		if !handed {
			a.handlers.Done()
		}
	}()
	log := a.opts.log()
	// RFC 7118 §4.1: the client offers "sip" in Sec-WebSocket-Protocol. A
	// handshake without it is not SIP over WebSocket; without this check
	// coder/websocket would accept it with no subprotocol.
	if !offersSIP(r.Header) {
		log.Debug("sip: WebSocket handshake without subprotocol sip", "remote", r.RemoteAddr)
		http.Error(w, `sip: WebSocket subprotocol "sip" required (RFC 7118)`, http.StatusBadRequest)
		return
	}
	raw, ok := r.Context().Value(connKey{}).(net.Conn)
	if !ok {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if tc, ok := raw.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	// Any Origin (RFC 6455 §10.2) is accepted: browsers connect from pages
	// served elsewhere, and SIP authenticates its requests itself (RFC 3261
	// §22) rather than trusting the page.
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:       []string{wsSubprotocol},
		InsecureSkipVerify: true,
	})
	if err != nil {
		// Accept has written the response.
		log.Debug("sip: WebSocket handshake refused", "remote", r.RemoteAddr, "error", err)
		return
	}
	// The server may have left a deadline from reading the request.
	raw.SetDeadline(time.Time{})
	c := newWSConn(ws, raw, a.opts.readLimit(), a.opts)
	switch {
	case ws.Subprotocol() != wsSubprotocol:
		log.Debug("sip: WebSocket without subprotocol sip", "remote", c.remote, "subprotocol", ws.Subprotocol())
		c.Close()
	default:
		select {
		case a.conns <- c:
			handed = true
			a.handlers.Done()
		case <-a.closed:
			c.Close()
		}
	}
	// Closed by its owner, or by this handler in the background: wait for
	// the closing handshake to end.
	<-c.done
}

// offersSIP reports whether the handshake offers the subprotocol "sip",
// spelled so: the tokens of Sec-WebSocket-Protocol are case-sensitive (RFC
// 6455 §4.1 has the client compare the server's choice to its own offer).
func offersSIP(h http.Header) bool {
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(p) == wsSubprotocol {
				return true
			}
		}
	}
	return false
}
