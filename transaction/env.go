package transaction

import (
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/registry"
)

// env is what the manager and all its transactions share: the
// configuration, read-only once the manager started.
type env struct {
	timers Timers
	reg    *registry.Registry[Key]
	// maxTransactions is Config.MaxTransactions with its default; <= 0
	// means no bound.
	maxTransactions int
	retryAfter      time.Duration
	log             *slog.Logger
	// hook, when set, sees every message a transaction receives before the
	// transaction handles it. Tests use it to make a transaction panic.
	hook func(k Key, msg any)
}

func newEnv(cfg Config) *env {
	e := &env{timers: cfg.Timers, reg: cfg.Registry, log: cfg.Logger, hook: cfg.hook}
	switch {
	case cfg.MaxTransactions == 0:
		e.maxTransactions = DefaultMaxTransactions
	case cfg.MaxTransactions > 0:
		e.maxTransactions = cfg.MaxTransactions
	}
	e.retryAfter = orDefault(cfg.OverloadRetryAfter, DefaultOverloadRetryAfter)
	if e.reg == nil {
		e.reg = registry.New[Key]()
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	return e
}

// deliver sends ev to the core, looked up at each event so that a core
// registered (or restarted under a new PID) late still gets it. Without a
// core the event is dropped: the transaction layer must not block on its
// user.
func (e *env) deliver(ctx actor.Context, ev any) {
	core := e.reg.Core()
	if core == nil {
		e.log.Warn("sip: no core registered; transaction event dropped", slog.String("event", eventName(ev)))
		return
	}
	ctx.Send(core, ev)
}

// overloadRetryAfter is the Retry-After of a 503 for overload, in seconds.
func (e *env) overloadRetryAfter() int {
	return int((e.retryAfter + time.Second - 1) / time.Second)
}

func eventName(ev any) string {
	switch ev := ev.(type) {
	case *RequestEvent:
		return "request " + ev.Key.String()
	case *ResponseEvent:
		return "response " + ev.Key.String()
	case *ErrorEvent:
		return "error " + ev.Key.String()
	}
	return "unknown"
}
