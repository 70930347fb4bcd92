package actors

import (
	"log/slog"
	"net"
	"time"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// Config configures one stack. The zero value is a stack with the RFC 3261
// default timers, the message package's default limits, no logging, the
// system resolver and the restart policies documented on each field.
type Config struct {
	// Timers are T1, T2, T4 and the automatic 100 Trying delay of the
	// stack's transactions (RFC 3261 §17, Table 4).
	Timers transaction.Timers
	// Limits bound what the transports accept (message size, headers, ...).
	Limits message.Limits
	// MaxTransactions bounds the transactions the stack holds at once, live
	// or in a wait state: past it, requests that would start a server
	// transaction get a stateless 503 with a Retry-After of
	// OverloadRetryAfter, and Send of a request fails through the core
	// with transaction.ErrOverloaded. A transaction waiting in Completed
	// takes under 1 KB (BENCHMARKS.md), so the bound is a memory budget.
	// 0 means transaction.DefaultMaxTransactions; negative, no bound.
	MaxTransactions int
	// OverloadRetryAfter is the Retry-After of those 503s; 0 means
	// transaction.DefaultOverloadRetryAfter.
	OverloadRetryAfter time.Duration
	// Logger receives the stack's logs; nil discards them.
	Logger *slog.Logger
	// Resolver resolves host names of destinations; nil uses
	// net.DefaultResolver. IP literals are never looked up.
	Resolver *net.Resolver
	// CoreRestart is applied when the core panics. The zero value restarts
	// it at once, at most 10 times a minute, then stops it.
	CoreRestart RestartPolicy
	// TransportRestart is applied when a transport fails (its socket cannot
	// be bound or read). The zero value rebinds with a backoff from 100 ms
	// doubling to 10 s, and never gives up.
	TransportRestart RestartPolicy
}

// A RestartPolicy says how a supervisor treats a failed child: the Erlang/OTP
// restart intensity (at most MaxRestarts within Within, else the child is
// stopped for good) and the delay before each restart.
type RestartPolicy struct {
	// MaxRestarts is the number of restarts allowed within Within; 0 means
	// the default of the field the policy is in, and a negative value means
	// no limit.
	MaxRestarts int
	// Within is the window over which restarts are counted; 0 means one
	// minute.
	Within time.Duration
	// Backoff is the delay before the first restart; it doubles with each
	// failure in the window up to MaxBackoff. Zero restarts at once.
	Backoff, MaxBackoff time.Duration
}

func (c *Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func (c *Config) resolver() *net.Resolver {
	if c.Resolver == nil {
		return net.DefaultResolver
	}
	return c.Resolver
}

func (c *Config) corePolicy() RestartPolicy {
	p := c.CoreRestart
	if p.MaxRestarts == 0 {
		p.MaxRestarts = 10
	}
	if p.Within == 0 {
		p.Within = time.Minute
	}
	return p
}

func (c *Config) transportPolicy() RestartPolicy {
	p := c.TransportRestart
	if p == (RestartPolicy{}) {
		return RestartPolicy{MaxRestarts: -1, Within: time.Minute, Backoff: 100 * time.Millisecond, MaxBackoff: 10 * time.Second}
	}
	if p.MaxRestarts == 0 {
		p.MaxRestarts = -1
	}
	if p.Within == 0 {
		p.Within = time.Minute
	}
	return p
}

// delay returns the backoff before restart number n (1 for the first).
func (p RestartPolicy) delay(n int) time.Duration {
	d := p.Backoff
	if d <= 0 {
		return 0
	}
	for i := 1; i < n; i++ {
		d *= 2
		if p.MaxBackoff > 0 && d >= p.MaxBackoff {
			return p.MaxBackoff
		}
	}
	if p.MaxBackoff > 0 && d > p.MaxBackoff {
		d = p.MaxBackoff
	}
	return d
}
