// Command echo runs a SIP stack whose core is the UAS of RFC 3261 §8.2 that
// implements OPTIONS only: OPTIONS gets 200 with Allow, Accept and
// Supported, other methods 501, and the checks of §8.2 their 4xx/505.
//
//	go run ./examples/echo -listen udp:127.0.0.1:5070,udp:[::1]:5070
//
// It logs one line when it is ready and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sippet-go/sippet/actors"
)

func main() {
	listen := flag.String("listen", "udp:127.0.0.1:5060", "comma-separated `proto:host:port` list to listen on (proto: udp)")
	verbose := flag.Bool("v", false, "log at debug level")
	flag.Parse()
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen, logger); err != nil {
		logger.Error("echo failed", "error", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, listen string, logger *slog.Logger) error {
	system := actors.NewSystem(logger)
	defer system.Shutdown()
	stack, err := actors.Spawn(system, "echo", actors.Config{Logger: logger})
	if err != nil {
		return err
	}
	if err := serve(stack, listen, logger); err != nil {
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
func serve(stack *actors.Stack, listen string, logger *slog.Logger) error {
	core := newUAS(stack, logger.Warn)
	if err := stack.RegisterCore(core); err != nil {
		return err
	}
	var addrs []string
	for entry := range strings.SplitSeq(listen, ",") {
		entry = strings.TrimSpace(entry)
		proto, hostport, ok := strings.Cut(entry, ":")
		if !ok || hostport == "" {
			return fmt.Errorf("-listen entry %q: want proto:host:port", entry)
		}
		switch strings.ToLower(proto) {
		case "udp":
			t, err := stack.ListenUDP(hostport, "")
			if err != nil {
				return err
			}
			addrs = append(addrs, "udp:"+t.Local.String())
		default:
			return fmt.Errorf("-listen entry %q: protocol %q is not supported", entry, proto)
		}
	}
	logger.Info("echo ready", "listen", strings.Join(addrs, ","))
	return nil
}
