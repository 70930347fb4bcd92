package transaction

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/asynkron/protoactor-go/actor"
)

// repanic logs a panic of a transaction with its stack trace, which
// protoactor's own supervision log lacks, and panics again so that the
// manager, its supervisor, sees the failure. A transaction (and the
// manager) recovers in its own Receive rather than
// through a receiver middleware, because protoactor gives an actor with
// middleware an extra context (about 180 bytes) and wraps each of its
// messages in an envelope: an allocation per message. It must be deferred
// directly.
func (b *base) repanic(ctx actor.Context) {
	if r := recover(); r != nil {
		logPanic(b.env.log, r, ctx.Self(), ctx.Message(), slog.String("key", b.key.String()), slog.String("state", b.state.String()))
		panic(r)
	}
}

// repanic does for the manager what repanic does for a transaction.
func (m *manager) repanic(ctx actor.Context) {
	if r := recover(); r != nil {
		logPanic(m.env.log, r, ctx.Self(), ctx.Message())
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
