// Command sipgo-uas is the sipgo side of the load measurement of bench/load:
// a UAS built on github.com/emiago/sipgo that answers OPTIONS and REGISTER
// with 200 OK through sipgo's server transaction layer (sipgo.NewServer,
// OnOptions and OnRegister, tx.Respond), so that every request costs what a
// stateful sipgo application pays: parse, transaction match and creation,
// the response, and the transaction kept in its RFC 3261 wait state (Timer
// J, 64*T1 on UDP) to absorb retransmissions. It does no registrar work: a
// REGISTER is answered 200 like an OPTIONS, with no binding stored.
//
//	sipgo-uas -listen udp:127.0.0.1:5060
//
// It prints "sipgo-uas ready listen=PROTO:HOST:PORT" to stderr once the
// socket is bound (port 0 picks a free one) and exits with status 0 on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

func main() {
	listen := flag.String("listen", "udp:127.0.0.1:5060", "`proto:host:port` to listen on (proto: udp or tcp)")
	verbose := flag.Bool("v", false, "log at debug level (sipgo logs every message)")
	flag.Parse()
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, *listen, logger, func(addr string) {
		fmt.Fprintf(os.Stderr, "sipgo-uas ready listen=%s\n", addr)
	})
	if err != nil {
		logger.Error("sipgo-uas failed", "error", err)
		os.Exit(1)
	}
}

// run serves on listen until ctx is done; ready is called with the bound
// address (proto:host:port) once requests can arrive.
func run(ctx context.Context, listen string, logger *slog.Logger, ready func(addr string)) error {
	proto, hostport, ok := strings.Cut(listen, ":")
	if !ok {
		return fmt.Errorf("-listen %q: want proto:host:port", listen)
	}
	// sipgo's transport and transaction layers log through the default
	// logger: keep them at the level of -v.
	slog.SetDefault(logger)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("sipgo-uas"))
	if err != nil {
		return err
	}
	defer func() { _ = ua.Close() }()
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(logger))
	if err != nil {
		return err
	}
	answer := func(req *sip.Request, tx sip.ServerTransaction) {
		if err := tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)); err != nil {
			logger.Warn("respond", "method", req.Method, "error", err)
		}
	}
	srv.OnOptions(answer)
	srv.OnRegister(answer)

	var closer io.Closer
	var serve func() error
	switch proto {
	case "udp":
		conn, err := net.ListenPacket("udp", hostport)
		if err != nil {
			return err
		}
		closer, serve = conn, func() error { return srv.ServeUDP(conn) }
		hostport = conn.LocalAddr().String()
	case "tcp":
		l, err := net.Listen("tcp", hostport)
		if err != nil {
			return err
		}
		closer, serve = l, func() error { return srv.ServeTCP(l) }
		hostport = l.Addr().String()
	default:
		return fmt.Errorf("-listen %q: protocol %q is not udp or tcp", listen, proto)
	}
	done := make(chan error, 1)
	go func() { done <- serve() }()
	ready(proto + ":" + hostport)
	select {
	case err := <-done:
		_ = closer.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	_ = closer.Close()
	if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
		logger.Debug("serve returned", "error", err)
	}
	return nil
}
