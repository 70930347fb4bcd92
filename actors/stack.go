package actors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transaction"
)

// A Stack is a running SIP stack: a named supervisor actor with three
// children, the transports supervisor, the transaction manager and the
// core. Its methods are safe for concurrent use, except from inside the
// stack's own actors where noted.
type Stack struct {
	name    string
	system  *actor.ActorSystem
	cfg     Config
	logger  *slog.Logger
	reg     *registry.Registry[transaction.Key]
	pid     *actor.PID
	manager *actor.PID
	// transports is the supervisor of the transport actors.
	transports *actor.PID

	// workers run the mailboxes of the stack's actors.
	workers *workers

	stopped  chan struct{}
	stopOnce sync.Once
}

// ErrStackStopped is returned by the calls made on a stack after Shutdown.
var ErrStackStopped = errors.New("sip: stack stopped")

// requestTimeout bounds the calls that wait for the stack actor (spawning a
// transport or the core); the actor answers in microseconds unless the
// system is stopping.
const requestTimeout = 5 * time.Second

// Spawn starts a stack named name in system, which any number of stacks may
// share. The name must be unique in the system: it is the stack's PID and
// the prefix of its children's.
func Spawn(system *actor.ActorSystem, name string, cfg Config) (*Stack, error) {
	s := &Stack{
		name:    name,
		system:  system,
		cfg:     cfg,
		logger:  cfg.logger().With("stack", name),
		reg:     registry.New[transaction.Key](),
		workers: newWorkers(),
		stopped: make(chan struct{}),
	}
	props := actor.PropsFromProducer(func() actor.Actor { return &stackActor{s: s} },
		actor.WithReceiverMiddleware(logPanics(s.logger)),
		actor.WithDispatcher(s.workers))
	pid, err := system.Root.SpawnNamed(props, name)
	if err != nil {
		s.workers.close()
		return nil, fmt.Errorf("sip: spawning stack %q: %w", name, err)
	}
	s.pid = pid
	// Started has run once the actor answers: its children exist.
	res, err := system.Root.RequestFuture(pid, &startedQuery{}, requestTimeout).Result()
	if err != nil {
		system.Root.Stop(pid)
		s.workers.close()
		return nil, fmt.Errorf("sip: starting stack %q: %w", name, err)
	}
	ids := res.(*children)
	s.manager, s.transports = ids.manager, ids.transports
	return s, nil
}

// Name returns the stack's name.
func (s *Stack) Name() string { return s.name }

// PID returns the stack's actor. It accepts *message.Message (sent as by
// Send; errors are logged) and *transaction.Terminate.
func (s *Stack) PID() *actor.PID { return s.pid }

// Registry returns the stack's registry: its core, transports and
// transactions.
func (s *Stack) Registry() *registry.Registry[transaction.Key] { return s.reg }

// Logger returns the stack's logger.
func (s *Stack) Logger() *slog.Logger { return s.logger }

// ask sends msg to the stack actor and waits for its answer; an error answer
// is returned as the error.
func (s *Stack) ask(msg any) (any, error) {
	select {
	case <-s.stopped:
		return nil, ErrStackStopped
	default:
	}
	res, err := s.system.Root.RequestFuture(s.pid, msg, requestTimeout).Result()
	if err != nil {
		return nil, fmt.Errorf("sip: stack %q: %w", s.name, err)
	}
	if err, ok := res.(error); ok {
		return nil, err
	}
	return res, nil
}

// The messages of the stack actor's own API.
type (
	startedQuery struct{}
	children     struct{ manager, transports *actor.PID }
	spawnCore    struct{ core Core }
	watchCore    struct{ pid *actor.PID }
	spawnChild   struct {
		props *actor.Props
		name  string
	}
)

// stackActor is the stack's supervisor.
type stackActor struct {
	s          *Stack
	manager    *actor.PID
	transports *actor.PID
	core       *actor.PID
	// stopping is set once the stack itself stops: its children ending is
	// then the plan, not news.
	stopping bool
}

func (a *stackActor) Receive(ctx actor.Context) {
	s := a.s
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.start(ctx)
	case *startedQuery:
		ctx.Respond(&children{manager: a.manager, transports: a.transports})
	case *spawnCore:
		if a.core != nil {
			ctx.Respond(ErrCoreRegistered)
			return
		}
		props := actor.PropsFromProducer(func() actor.Actor { return &coreActor{core: m.core, logger: s.logger} },
			actor.WithDispatcher(s.workers))
		pid, err := ctx.SpawnNamed(props, "core")
		if err != nil {
			ctx.Respond(fmt.Errorf("sip: spawning core: %w", err))
			return
		}
		a.core = pid
		s.reg.SetCore(pid)
		ctx.Respond(pid)
	case *watchCore:
		if a.core != nil {
			ctx.Respond(ErrCoreRegistered)
			return
		}
		a.core = m.pid
		ctx.Watch(m.pid)
		s.reg.SetCore(m.pid)
		ctx.Respond(m.pid)
	case *actor.Terminated:
		if a.core != nil && a.core.Equal(m.Who) {
			// A core that stopped for good (too many restarts, or the
			// user's actor ended) is unregistered; requests meanwhile get
			// no answer from the core (transactions time out).
			if !a.stopping {
				s.logger.Warn("sip: core stopped", "core", m.Who.GetId())
			}
			s.reg.SetCore(nil)
			a.core = nil
		}
	case *message.Message:
		if err := s.Send(m); err != nil {
			s.logger.Warn("sip: send failed", "error", err)
		}
	case *transaction.Terminate:
		ctx.Send(a.manager, m)
	case *actor.Stopping:
		a.stopping = true
	case *actor.Stopped:
		s.stopOnce.Do(func() {
			s.workers.close()
			close(s.stopped)
		})
	}
}

func (a *stackActor) start(ctx actor.Context) {
	s := a.s
	tp := actor.PropsFromProducer(func() actor.Actor { return &transportsActor{} },
		actor.WithSupervisor(&policyStrategy{policy: s.cfg.transportPolicy(), logger: s.logger}),
		actor.WithReceiverMiddleware(logPanics(s.logger)),
		actor.WithDispatcher(s.workers))
	a.transports, _ = ctx.SpawnNamed(tp, "transports")
	mp := transaction.NewManager(transaction.Config{
		Timers: s.cfg.Timers, Registry: s.reg, Logger: s.logger, Dispatcher: s.workers,
		MaxTransactions: s.cfg.MaxTransactions, OverloadRetryAfter: s.cfg.OverloadRetryAfter,
	})
	a.manager, _ = ctx.SpawnNamed(mp, "transactions")
}

// HandleFailure makes the stack actor its children's supervisor: the core
// follows Config.CoreRestart; the transaction manager and the transports
// supervisor, which hold no user state, restart at once.
func (a *stackActor) HandleFailure(_ *actor.ActorSystem, sup actor.Supervisor, child *actor.PID, rs *actor.RestartStatistics, reason, _ any) {
	p := RestartPolicy{MaxRestarts: -1, Within: time.Minute}
	if a.core != nil && child.Equal(a.core) {
		p = a.s.cfg.corePolicy()
	}
	handleFailure(p, a.s.logger, sup, child, rs, reason)
}

// transportsActor supervises the transport actors (its strategy is the
// transport restart policy) and spawns them on the stack's behalf.
type transportsActor struct{}

func (a *transportsActor) Receive(ctx actor.Context) {
	if m, ok := ctx.Message().(*spawnChild); ok {
		pid, err := ctx.SpawnNamed(m.props, m.name)
		if err != nil {
			ctx.Respond(fmt.Errorf("sip: spawning transport %s: %w", m.name, err))
			return
		}
		ctx.Respond(pid)
	}
}

// ErrCoreRegistered is returned when a stack already has a core.
var ErrCoreRegistered = errors.New("sip: core already registered")

// RegisterCore runs c as the stack's core, in an actor supervised by the
// stack (restarted per Config.CoreRestart when it panics).
func (s *Stack) RegisterCore(c Core) error {
	_, err := s.ask(&spawnCore{core: c})
	return err
}

// RegisterCorePID makes the user's actor pid the stack's core. It receives
// *transaction.RequestEvent, *transaction.ResponseEvent and
// *transaction.ErrorEvent messages. The stack watches it and unregisters it
// when it ends.
func (s *Stack) RegisterCorePID(pid *actor.PID) error {
	_, err := s.ask(&watchCore{pid: pid})
	return err
}

// Shutdown stops the stack gracefully: new requests are refused, the
// transactions in flight are left to finish until ctx is done, then the
// transports, the manager and the core are stopped and their sockets
// closed. It returns ctx's error when the transactions had to be cut short.
// Shutdown must not be called from inside the stack's core.
func (s *Stack) Shutdown(ctx context.Context) error {
	select {
	case <-s.stopped:
		return nil
	default:
	}
	root := s.system.Root
	drained := make(chan struct{})
	root.Send(s.manager, &transaction.Drain{Done: drained})
	var err error
	select {
	case <-drained:
	case <-ctx.Done():
		err = ctx.Err()
	}
	// Poison lets the stack finish what is in its mailbox; its children are
	// stopped before it.
	root.Poison(s.pid)
	select {
	case <-s.stopped:
	case <-ctx.Done():
		err = ctx.Err()
		root.Stop(s.pid)
		<-s.stopped
	}
	return err
}
