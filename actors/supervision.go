package actors

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// PanicError is the exit reason of an actor whose Receive panicked: the
// supervisors of the stack see it as the failure's reason.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("sip: actor panicked: %v", e.Value) }

// Unwrap returns Value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// logPanics is a receiver middleware that logs a panic with its stack trace,
// which protoactor itself does not keep, and panics again with a *PanicError
// for the supervisor.
func logPanics(logger *slog.Logger) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			defer repanic(logger, c.Self(), env.Message)
			next(c, env)
		}
	}
}

// repanic, deferred, does what logPanics does, for an actor that recovers
// in its own Receive: a receiver middleware costs an envelope, an
// allocation, per message, which the core's many messages do without.
func repanic(logger *slog.Logger, self *actor.PID, msg any) {
	r := recover()
	if r == nil {
		return
	}
	pe, ok := r.(*PanicError)
	if !ok {
		pe = &PanicError{Value: r, Stack: debug.Stack()}
	}
	logger.Error("sip: actor panicked", "actor", self.GetId(),
		"message", fmt.Sprintf("%T", msg), "panic", fmt.Sprint(pe.Value),
		"stack", string(pe.Stack))
	panic(pe)
}

// policyStrategy applies a RestartPolicy to every child of a supervisor.
type policyStrategy struct {
	policy RestartPolicy
	logger *slog.Logger
}

func (s *policyStrategy) HandleFailure(_ *actor.ActorSystem, sup actor.Supervisor, child *actor.PID, rs *actor.RestartStatistics, reason, _ any) {
	handleFailure(s.policy, s.logger, sup, child, rs, reason)
}

func handleFailure(p RestartPolicy, logger *slog.Logger, sup actor.Supervisor, child *actor.PID, rs *actor.RestartStatistics, reason any) {
	rs.Fail()
	n := rs.NumberOfFailures(p.Within)
	if p.MaxRestarts >= 0 && n > p.MaxRestarts {
		logger.Error("sip: actor failed too often, stopping it", "actor", child.GetId(),
			"failures", n, "within", p.Within, "reason", fmt.Sprint(reason))
		rs.Reset()
		sup.StopChildren(child)
		return
	}
	d := p.delay(n)
	logger.Warn("sip: restarting actor", "actor", child.GetId(), "reason", fmt.Sprint(reason), "after", d)
	if d == 0 {
		sup.RestartChildren(child)
		return
	}
	// The failed child's mailbox stays suspended until the restart: what is
	// sent to it meanwhile waits, nothing is lost.
	time.AfterFunc(d, func() { sup.RestartChildren(child) })
}
