package transaction

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/asynkron/protoactor-go/actor"
)

// keyed is implemented by the transactions, so that a panic is logged with
// the key of the transaction that failed.
type keyed interface{ txKey() Key }

func (b *base) txKey() Key { return b.key }

// recoverer returns a receiver middleware that logs a panic with its stack
// trace, which protoactor's own supervision log lacks, and panics again so
// that the supervisor (stopDecider for transactions) sees the failure.
func recoverer(log *slog.Logger) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			defer func() {
				if r := recover(); r != nil {
					attrs := []any{
						slog.Any("panic", r),
						slog.String("actor", c.Self().String()),
						slog.String("message", fmt.Sprintf("%T", env.Message)),
						slog.String("stack", string(debug.Stack())),
					}
					if k, ok := c.Actor().(keyed); ok {
						attrs = append(attrs, slog.String("key", k.txKey().String()))
					}
					log.Error("sip: panic in the transaction layer", attrs...)
					panic(r)
				}
			}()
			next(c, env)
		}
	}
}

// stopDecider stops a failed transaction rather than restarting it: a
// restarted transaction would have lost its state, and its peer retransmits
// or times out as if the transaction had never existed.
func stopDecider(any) actor.Directive { return actor.StopDirective }
