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
	"github.com/sippet-go/sippet/actors/proxy"
)

func main() {
	listen := flag.String("listen", "udp:127.0.0.1:5060,tcp:127.0.0.1:5060", "comma-separated `proto:host:port` list to listen on (proto: udp, tcp, ws)")
	domain := flag.String("domain", "localhost", "the `domain` served (comma-separated for several)")
	users := flag.String("users", "", "`file` of user:password lines; when set, REGISTERs and calls from the domain need credentials")
	digestAlgs := flag.String("digest", defaultDigest, "comma-separated digest `algorithms` offered with -users, strongest first")
	recordRoute := flag.Bool("record-route", true, "add Record-Route, keeping the proxy on the path of dialogs")
	verbose := flag.Bool("v", false, "log at debug level")
	flag.Parse()
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := options{listen: *listen, domain: *domain, users: *users, digest: *digestAlgs, recordRoute: *recordRoute}
	if err := run(ctx, opt, logger); err != nil {
		logger.Error("proxy failed", "error", err)
		os.Exit(1)
	}
}

// options are the command line's.
type options struct {
	listen      string
	domain      string
	users       string
	digest      string // "" means defaultDigest
	recordRoute bool
}

// run serves until ctx is done.
func run(ctx context.Context, opt options, logger *slog.Logger) error {
	system := actors.NewSystem(logger)
	defer system.Shutdown()
	stack, err := actors.Spawn(system, "proxy", actors.Config{Logger: logger})
	if err != nil {
		return err
	}
	if _, err := serve(stack, opt, logger); err != nil {
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

// serve registers the proxy core and starts the listeners of the -listen
// list.
func serve(stack *actors.Stack, opt options, logger *slog.Logger) (*proxy.Proxy, error) {
	var domains []string
	for d := range strings.SplitSeq(opt.domain, ",") {
		if d = strings.TrimSpace(d); d != "" {
			domains = append(domains, d)
		}
	}
	if len(domains) == 0 {
		return nil, errors.New("-domain: no domain")
	}
	cfg := proxy.Config{Domains: domains, RecordRoute: opt.recordRoute, Logger: logger}
	if opt.users != "" {
		users, err := readUsers(opt.users)
		if err != nil {
			return nil, fmt.Errorf("-users: %w", err)
		}
		auth, err := newAuthenticator(domains[0], users, opt.digest, logger)
		if err != nil {
			return nil, fmt.Errorf("-digest: %w", err)
		}
		cfg.Authenticator, cfg.Realm = auth, domains[0]
	}
	p := proxy.New(stack, cfg)
	if err := stack.RegisterCore(p); err != nil {
		return nil, err
	}
	listeners, err := actors.ParseListeners(opt.listen)
	if err != nil {
		return nil, fmt.Errorf("-listen: %w", err)
	}
	var addrs []string
	for _, l := range listeners {
		// tls: and wss: need a certificate, which this example takes no
		// flag for: Listen refuses them.
		t, err := stack.Listen(l)
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, l.Protocol+":"+t.Local.String())
	}
	logger.Info("proxy ready", "listen", strings.Join(addrs, ","), "domain", strings.Join(domains, ","),
		"auth", cfg.Authenticator != nil, "record_route", opt.recordRoute)
	return p, nil
}
