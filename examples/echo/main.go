package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/sippet-go/sippet/actors"
)

func main() {
	listen := flag.String("listen", "udp:127.0.0.1:5060", "comma-separated `proto:host:port` list to listen on (proto: udp, tcp, tls, ws, wss)")
	certFile := flag.String("cert", "", "PEM certificate `file` for tls: and wss: (default: a self-signed one made at start)")
	keyFile := flag.String("key", "", "PEM private key `file` of -cert")
	verbose := flag.Bool("v", false, "log at debug level")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to `file` until the server stops")
	flag.Parse()
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			logger.Error("echo failed", "error", err)
			os.Exit(1)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if err := run(ctx, options{listen: *listen, cert: *certFile, key: *keyFile}, logger); err != nil {
		logger.Error("echo failed", "error", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// options are the command line's.
type options struct {
	listen    string
	cert, key string
}

// run serves until ctx is done.
func run(ctx context.Context, opt options, logger *slog.Logger) error {
	system := actors.NewSystem(logger)
	defer system.Shutdown()
	stack, err := actors.Spawn(system, "echo", actors.Config{Logger: logger})
	if err != nil {
		return err
	}
	if err := serve(stack, opt, logger); err != nil {
		_ = stack.Shutdown(context.Background())
		return err
	}
	<-ctx.Done()
	logger.Info("stopping")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := stack.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// serve registers the UAS core and starts the listeners of the -listen list.
func serve(stack *actors.Stack, opt options, logger *slog.Logger) error {
	core := newUAS(stack, logger.Warn)
	if err := stack.RegisterCore(core); err != nil {
		return err
	}
	listeners, err := actors.ParseListeners(opt.listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	var addrs []string
	var tlsCfg *tls.Config
	for _, l := range listeners {
		if l.Protocol == "tls" || l.Protocol == "wss" {
			if tlsCfg == nil {
				cfg, selfSigned, err := tlsConfig(opt.cert, opt.key)
				if err != nil {
					return fmt.Errorf("-cert/-key: %w", err)
				}
				if selfSigned {
					logger.Warn("no -cert and -key: using a self-signed certificate made at start")
				}
				tlsCfg = cfg
			}
			l.TLS = tlsCfg
		}
		t, err := stack.Listen(l)
		if err != nil {
			return err
		}
		addrs = append(addrs, l.Protocol+":"+t.Local.String())
	}
	logger.Info("echo ready", "listen", strings.Join(addrs, ","))
	return nil
}
