package transaction

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/asynkron/protoactor-go/actor"
)

// recoverer returns a receiver middleware, used by the manager, that logs a
// panic with its stack trace, which protoactor's own supervision log
// lacks, and panics again so that the manager's supervisor sees the
// failure.
func recoverer(log *slog.Logger) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			defer func() {
				if r := recover(); r != nil {
					logPanic(log, r, c.Self(), env.Message)
					panic(r)
				}
			}()
			next(c, env)
		}
	}
}

// repanic does for a transaction what recoverer does for the manager. A
// transaction recovers in its own Receive rather than through a receiver
// middleware, because protoactor gives an actor with middleware an extra
// context (about 180 bytes) and wraps each of its messages in an envelope.
// It must be deferred directly.
func (b *base) repanic(ctx actor.Context) {
	if r := recover(); r != nil {
		logPanic(b.env.log, r, ctx.Self(), ctx.Message(), slog.String("key", b.key.String()), slog.String("state", b.state.String()))
		panic(r)
	}
}

func logPanic(log *slog.Logger, r any, self *actor.PID, msg any, extra ...any) {
	attrs := append([]any{
		slog.Any("panic", r),
		slog.String("actor", self.String()),
		slog.String("message", fmt.Sprintf("%T", msg)),
		slog.String("stack", string(debug.Stack())),
	}, extra...)
	log.Error("sip: panic in the transaction layer", attrs...)
}

// stopDecider stops a failed transaction rather than restarting it: a
// restarted transaction would have lost its state, and its peer retransmits
// or times out as if the transaction had never existed.
func stopDecider(any) actor.Directive { return actor.StopDirective }
