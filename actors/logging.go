package actors

import (
	"context"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
)

// SystemLogger is the option of actor.NewActorSystem that sends
// protoactor's own logs (which otherwise go to stdout in colour) to logger;
// nil discards them. protoactor logs its routine (system started, actor
// restarted) at Info and Debug: only its warnings and errors are kept, the
// stack logs what matters about its own actors itself. Pass it when
// creating the system that runs stacks:
//
//	system := actor.NewActorSystem(actors.SystemLogger(logger))
func SystemLogger(logger *slog.Logger) actor.ConfigOption {
	h := slog.DiscardHandler
	if logger != nil {
		h = minLevel{logger.Handler(), slog.LevelWarn}
	}
	return actor.WithLoggerFactory(func(system *actor.ActorSystem) *slog.Logger {
		return slog.New(h).With("system", system.ID)
	})
}

// minLevel drops records below level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.level}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}

// NewSystem returns an actor system for stacks whose protoactor logs go to
// logger (see SystemLogger); nil keeps the system silent. Other options are
// passed on to actor.NewActorSystem.
func NewSystem(logger *slog.Logger, opts ...actor.ConfigOption) *actor.ActorSystem {
	return actor.NewActorSystem(append(opts, SystemLogger(logger))...)
}
