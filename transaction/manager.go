package transaction

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transport"
)

// DefaultMaxTransactions is the default of Config.MaxTransactions: about
// 1 GB of transactions in a wait state, at under 1 KB each.
const DefaultMaxTransactions = 1 << 20

// DefaultOverloadRetryAfter is the default of Config.OverloadRetryAfter.
const DefaultOverloadRetryAfter = 5 * time.Second

// Config configures a transaction manager. The zero value is usable: it
// means the default timers, a private registry (so no core: events are
// dropped) and no logging.
type Config struct {
	// Timers are the base timers (RFC 3261 §17); zero fields mean the
	// defaults.
	Timers Timers
	// Registry is the stack's registry: the manager registers each
	// transaction in it by key, and finds the core there for each event.
	Registry *registry.Registry[Key]
	// Logger receives the layer's logs; nil discards them.
	Logger *slog.Logger
	// Dispatcher runs the mailbox of the manager; nil means protoactor's
	// default, a goroutine per run.
	Dispatcher actor.Dispatcher
	// MaxTransactions bounds the transactions the manager holds at once,
	// live or in a wait state; 0 means DefaultMaxTransactions, a negative
	// value no bound. Past it a request that would start a server
	// transaction is answered 503 (Service Unavailable) with a Retry-After
	// of OverloadRetryAfter, statelessly (RFC 3261 §21.5.4), and
	// StartClient fails with ErrOverloaded: under sustained overload the
	// stack's memory stays bounded instead of growing with the load. ACK
	// and CANCEL are never refused.
	MaxTransactions int
	// OverloadRetryAfter is the Retry-After of the 503s sent past
	// MaxTransactions, rounded up to whole seconds; 0 means
	// DefaultOverloadRetryAfter.
	OverloadRetryAfter time.Duration

	// hook is a test hook: see env.hook.
	hook func(k Key, msg any)
}

// NewManager returns the Props of a transaction manager: the actor that
// matches incoming messages to transactions (RFC 3261 §17.1.3, §17.2.3),
// spawns the transactions as its children, one actor each, and registers
// them in cfg.Registry.
//
// It handles:
//   - *transport.Incoming: a request goes to its server transaction, or
//     starts one that passes it to the core; an ACK that matches none (the
//     ACK of a 2xx, §17.2.3) goes to the core as a RequestEvent; a CANCEL
//     gets its own server transaction, answered 200 by the manager when it
//     matches an INVITE server transaction, whose key the core then gets
//     with the CANCEL, and 481 otherwise (§9.2). A response goes to its
//     client transaction or, matching none, to the core as a stray
//     ResponseEvent (§18.1.2). Messages whose key cannot be computed are
//     logged and dropped.
//   - *StartClient: starts a client transaction; a failure (no transport:
//     ErrNoTransport; no key or a branch without the magic cookie of
//     §8.1.1.7: message.ErrMissingHeader or message.ErrInvalidHeader; a key
//     in use: ErrExists) reaches the core as an ErrorEvent.
//     An ACK starts no transaction (§17.1.1.3): it is handed to the transport
//     once.
//   - *Terminate: ends the transaction Key, if any. A core that was still
//     waiting for its final response gets an ErrorEvent with
//     ErrTerminated; one that had it hears nothing more.
//   - *Drain: see Drain.
//
// A panic in a transaction is logged with its stack trace and stops that
// transaction alone (its core gets ErrTerminated if it was waiting); the
// manager and the other transactions go on.
func NewManager(cfg Config) *actor.Props {
	e := newEnv(cfg)
	strategy := actor.NewOneForOneStrategy(0, 0, stopDecider)
	opts := []actor.PropsOption{actor.WithSupervisor(strategy)}
	if cfg.Dispatcher != nil {
		opts = append(opts, actor.WithDispatcher(cfg.Dispatcher))
	}
	return actor.PropsFromProducer(func() actor.Actor { return newManager(e) }, opts...)
}

type manager struct {
	env *env
	// txs holds every transaction by key: the host of a live one, or the
	// record of one in a wait state (park.go). One map for both keeps a
	// waiting transaction's cost down, and parking is an update in place.
	// Its keys are packed (Key.pack): a string is a quarter of a Key's
	// size, in the map and in the records.
	txs map[string]txSlot
	// running maps the host of each live transaction to its key and gen:
	// for Terminated (a host that panicked stops with its transaction),
	// and for timerUnanswered, which is sent only to the transaction it
	// was armed for.
	running map[*actor.PID]runningTx

	draining   bool
	retryAfter int
	done       []chan<- struct{}
	// pending holds, while draining, the transactions whose core still
	// waits for them (by PID Id); Drain is done when it is empty.
	pending map[string]struct{}

	// txProps spawn the hosts that run the transactions (host.go); idle
	// are the hosts that wait for their next transaction, and gen numbers
	// the transactions assigned.
	txProps *actor.Props
	idle    []*actor.PID
	gen     uint64

	// awaiting runs timerUnanswered (unanswered.go).
	awaiting awaitList
	// transports numbers the transports of parked records (record.go).
	transports transportTable
	// queues expire the records of txs, one per
	// duration, in time since epoch (park.go).
	queues []*waitQueue
	epoch  time.Time
}

// txThroughput is how many messages a transaction handles in a row before
// its mailbox yields (protoactor's default); a transaction never has that
// many.
const txThroughput = 300

func newManager(e *env) *manager {
	m := &manager{env: e, txs: make(map[string]txSlot), running: make(map[*actor.PID]runningTx), epoch: time.Now()}
	m.txProps = actor.PropsFromProducer(func() actor.Actor { return &host{} },
		// A transaction runs on the goroutine of whoever sends it a
		// message (mailbox.go).
		actor.WithMailbox(newInlineMailbox),
		actor.WithDispatcher(actor.NewSynchronizedDispatcher(txThroughput)))
	return m
}

// Receive implements actor.Actor.
func (m *manager) Receive(ctx actor.Context) {
	defer m.repanic(ctx)
	switch msg := ctx.Message().(type) {
	case *transport.Incoming:
		if msg.Message == nil {
			return
		}
		if msg.Message.IsRequest() {
			m.request(ctx, msg)
		} else {
			m.response(ctx, msg)
		}
	case *StartClient:
		m.startClient(ctx, msg)
	case *Terminate:
		if t, ok := m.slot(msg.Key); ok && t.rec() == nil {
			ctx.Send(t.pid(), msg)
		} else if ok {
			m.unpark(t.rec())
		}
	case *Respond:
		m.respond(ctx, msg)
	case *transport.SendError:
		m.sendError(ctx, msg)
	case *park:
		m.park(ctx, msg)
	case *released:
		m.released(ctx, msg.who, msg.id)
	case *sweep:
		m.sweep(ctx, msg.q)
	case *sweepAwaiting:
		m.sweepAwaiting(ctx)
	case *probe:
		_, ok := m.slot(msg.key)
		msg.reply <- ok
	case *Drain:
		m.drain(ctx, msg)
	case *settled:
		delete(m.pending, msg.who.Id)
		m.checkDrained()
	case *actor.Terminated:
		m.terminated(msg.Who)
	case *actor.Stopped:
		m.forgetAll()
	}
}

func (m *manager) request(ctx actor.Context, in *transport.Incoming) {
	req := in.Message
	key, err := ServerKey(req)
	if err != nil {
		m.env.log.Debug("sip: request without a transaction key dropped", slog.Any("error", err), slog.String("source", in.Source.String()))
		return
	}
	if t, ok := m.slot(key); ok {
		if t.rec() != nil {
			m.retransmitted(ctx, t.rec(), req)
		} else {
			ctx.Send(t.pid(), in)
		}
		return
	}
	if in.Transport == nil && req.Method != message.MethodAck {
		// Nothing could carry the responses.
		m.env.log.Warn("sip: request without a transport dropped", slog.String("key", key.String()))
		return
	}
	switch req.Method {
	case message.MethodAck:
		// §17.2.3: the ACK of a 2xx has a branch of its own and
		// belongs to the dialog: the core gets it directly.
		m.env.deliver(ctx, &RequestEvent{Key: key, Request: req})
		return
	case message.MethodCancel:
		m.cancel(ctx, in, key)
		return
	}
	if m.draining {
		m.refuse(ctx, in, m.retryAfter)
		return
	}
	if m.full() {
		m.refuse(ctx, in, m.env.overloadRetryAfter())
		return
	}
	key, id := key.detach()
	base := base{env: m.env, key: key, id: id, reliable: in.Reliable, transport: in.Transport, source: in.Source, server: true}
	if req.Method == message.MethodInvite {
		m.spawn(ctx, &serverInvite{base: base, request: req}, 0)
	} else {
		// RFC 3261 gives Trying and Proceeding no timer; but once the
		// client's Timer F (64*T1) has fired nobody waits for an answer,
		// and a core that never answers must not keep the transaction
		// forever. T4 more (a message's lifetime in the network,
		// §17.1.2.2) lets the client's last retransmission arrive while
		// the transaction still absorbs it: ending at exactly 64*T1 would
		// make a late one a new request for the core.
		m.spawn(ctx, &serverNonInvite{base: base, request: req}, m.env.timers.TimerF()+m.env.timers.t4())
	}
}

// cancel starts the server transaction of a CANCEL (RFC 3261 §9.2): it
// matches the INVITE server transaction with the same key but the method,
// and is answered 200 by the stack when there is one, 481 otherwise.
func (m *manager) cancel(ctx actor.Context, in *transport.Incoming, key Key) {
	key, id := key.detach()
	tx := &serverNonInvite{
		base:    base{env: m.env, key: key, id: id, reliable: in.Reliable, transport: in.Transport, source: in.Source, server: true},
		request: in.Message,
		auto:    message.StatusCallTransactionDoesNotExist,
	}
	invite := key
	invite.Method = message.MethodInvite
	if _, ok := m.slot(invite); ok {
		tx.auto = message.StatusOK
		tx.cancels = &invite
	}
	m.spawn(ctx, tx, 0)
}

// slot returns the transaction of key in txs, with no allocation.
func (m *manager) slot(key Key) (txSlot, bool) {
	var buf [128]byte
	t, ok := m.txs[string(key.pack(buf[:0]))]
	return t, ok
}

// full reports whether the manager holds MaxTransactions transactions.
func (m *manager) full() bool {
	limit := m.env.maxTransactions
	return limit > 0 && len(m.txs) >= limit
}

// refuse answers a request that would start a transaction while draining
// or overloaded: 503, with a Retry-After of retryAfter seconds when > 0.
func (m *manager) refuse(ctx actor.Context, in *transport.Incoming, retryAfter int) {
	if in.Transport == nil {
		return
	}
	resp := message.NewResponse(in.Message, message.StatusServiceUnavailable, "")
	if retryAfter > 0 {
		resp.Headers.Add(message.HeaderRetryAfter, &message.Interval{Seconds: retryAfter})
	}
	ctx.Send(in.Transport, &transport.Outgoing{Message: resp, Source: in.Source})
}

func (m *manager) response(ctx actor.Context, in *transport.Incoming) {
	key, err := ClientKey(in.Message)
	if err != nil {
		m.env.log.Debug("sip: response without a transaction key dropped", slog.Any("error", err), slog.String("source", in.Source.String()))
		return
	}
	if t, ok := m.slot(key); ok {
		if t.rec() != nil {
			m.retransmitted(ctx, t.rec(), in.Message)
		} else {
			ctx.Send(t.pid(), in)
		}
		return
	}
	// §18.1.2: a response that matches no client transaction, such as a
	// 2xx retransmitted after Timer M, goes to the core.
	m.env.deliver(ctx, &ResponseEvent{Key: key, Response: in.Message})
}

func (m *manager) startClient(ctx actor.Context, sc *StartClient) {
	if sc.Request == nil || !sc.Request.IsRequest() {
		m.env.log.Warn("sip: StartClient without a request; ignored")
		return
	}
	key, err := ClientKey(sc.Request)
	if err != nil {
		m.env.deliver(ctx, &ErrorEvent{Key: key, Err: fmt.Errorf("sip: cannot start client transaction: %w", err)})
		return
	}
	if sc.Transport == nil {
		m.env.deliver(ctx, &ErrorEvent{Key: key, Err: ErrNoTransport})
		return
	}
	if sc.Request.Method == message.MethodAck {
		// §17.1.1.3, §13.2.2.4: the ACK of a 2xx is sent by the core
		// once, with no transaction.
		ctx.Send(sc.Transport, &transport.Outgoing{Message: sc.Request, Dest: sc.Dest, Host: sc.Host})
		return
	}
	if !strings.HasPrefix(key.Branch, message.MagicCookie) {
		// §8.1.1.7: without the cookie the branch may not be unique, and
		// the responses could match another transaction.
		m.env.deliver(ctx, &ErrorEvent{Key: key, Err: fmt.Errorf("%w: Via branch %q lacks the magic cookie", message.ErrInvalidHeader, key.Branch)})
		return
	}
	if _, ok := m.slot(key); ok {
		m.env.deliver(ctx, &ErrorEvent{Key: key, Err: fmt.Errorf("%w: %s", ErrExists, key)})
		return
	}
	if m.full() {
		m.env.deliver(ctx, &ErrorEvent{Key: key, Err: ErrOverloaded})
		return
	}
	key, id := key.detach()
	base := base{env: m.env, key: key, id: id, reliable: sc.Reliable, transport: sc.Transport, host: sc.Host}
	if sc.Request.Method == message.MethodInvite {
		m.spawn(ctx, &clientInvite{base: base, request: sc.Request, dest: sc.Dest}, 0)
	} else {
		m.spawn(ctx, &clientNonInvite{base: base, request: sc.Request, dest: sc.Dest}, 0)
	}
}

// spawn starts transaction tx on an idle host, or on a new one, and
// registers it; with unanswered > 0, the transaction gets timerUnanswered
// after that long unless it stops running first. Its key and id must come
// from Key.detach: the maps and the registry keep them for as long as the
// transaction lasts, wait states included, and the request's memory must
// not stay with them.
func (m *manager) spawn(ctx actor.Context, tx txActor, unanswered time.Duration) {
	b := tx.tx()
	key, id := b.key, b.id
	if !b.reliable && b.transport != nil {
		// Numbered here, on the manager's goroutine, so that the table
		// needs no lock: only a transaction on an unreliable transport
		// is ever parked with data to send again.
		b.tp, b.tpOK = m.transports.index(b.transport)
	}
	var pid *actor.PID
	if n := len(m.idle); n > 0 {
		pid = m.idle[n-1]
		m.idle[n-1] = nil
		m.idle = m.idle[:n-1]
	} else {
		pid = ctx.Spawn(m.txProps)
	}
	m.gen++
	m.txs[id] = hostSlot(pid)
	r := runningTx{id: id, gen: m.gen}
	if unanswered > 0 {
		r.await = m.await(ctx, pid, m.gen, time.Since(m.epoch)+unanswered)
	}
	m.running[pid] = r
	if !m.env.reg.PutTransaction(key, pid) {
		// A stale entry, left by an earlier manager of this registry:
		// the manager's own map is the truth.
		if old, ok := m.env.reg.Transaction(key); ok {
			m.env.reg.DeleteTransaction(key, old)
		}
		m.env.reg.PutTransaction(key, pid)
	}
	b.gen = m.gen
	ctx.Send(pid, tx)
	if m.draining {
		// A client transaction started during the drain is waited for.
		m.pending[pid.Id] = struct{}{}
		ctx.Send(pid, settleQueryMsg)
	}
}

// runningTx is what the manager knows of a host's transaction: its
// packed key and its gen.
type runningTx struct {
	id  string
	gen uint64
	// await is the transaction's entry in the manager's awaitList, if it
	// has one.
	await *awaiting
}

// stopped forgets that host who runs a transaction.
func (m *manager) stopped(who *actor.PID) {
	if r, ok := m.running[who]; ok {
		if r.await != nil {
			m.unawait(r.await)
		}
		delete(m.running, who)
	}
}

// released forgets transaction id, which ended, and keeps its host for
// the next.
func (m *manager) released(ctx actor.Context, who *actor.PID, id string) {
	if t, ok := m.txs[id]; ok && t.rec() == nil && t.pid().Equal(who) {
		delete(m.txs, id)
		m.env.reg.DeleteTransaction(unpackKey(id), who)
	}
	m.stopped(who)
	m.idleHost(ctx, who)
}

// idleHost keeps host who for the next transaction, or stops it when
// enough wait already.
func (m *manager) idleHost(ctx actor.Context, who *actor.PID) {
	if _, waited := m.pending[who.Id]; waited {
		delete(m.pending, who.Id)
		m.checkDrained()
	}
	if len(m.idle) >= maxIdleHosts || m.draining {
		ctx.Stop(who)
		return
	}
	m.idle = append(m.idle, who)
}

// terminated forgets the transaction whose host stopped: a panic stopped
// it (hosts the manager stops itself run none).
func (m *manager) terminated(who *actor.PID) {
	if r, ok := m.running[who]; ok {
		m.stopped(who)
		if t, ok := m.txs[r.id]; ok && t.rec() == nil && t.pid().Equal(who) {
			delete(m.txs, r.id)
			m.env.reg.DeleteTransaction(unpackKey(r.id), who)
		}
	}
	if _, ok := m.pending[who.Id]; ok {
		delete(m.pending, who.Id)
		m.checkDrained()
	}
}

func (m *manager) drain(ctx actor.Context, d *Drain) {
	if !m.draining {
		m.draining = true
		m.pending = make(map[string]struct{}, len(m.txs))
		for _, t := range m.txs {
			if t.rec() == nil {
				m.pending[t.pid().Id] = struct{}{}
				ctx.Send(t.pid(), settleQueryMsg)
			}
		}
	}
	if d.RetryAfter > 0 {
		m.retryAfter = int((d.RetryAfter + time.Second - 1) / time.Second)
	}
	if d.Done != nil {
		m.done = append(m.done, d.Done)
	}
	m.checkDrained()
}

func (m *manager) checkDrained() {
	if !m.draining || len(m.pending) > 0 {
		return
	}
	for _, c := range m.done {
		close(c)
	}
	m.done = nil
}

// forgetAll unregisters every transaction when the manager stops: its
// children are stopped with it, and the queues' timers.
func (m *manager) forgetAll() {
	for id, t := range m.txs {
		if t.rec() == nil {
			m.env.reg.DeleteTransaction(unpackKey(id), t.pid())
		}
	}
	clear(m.txs)
	clear(m.running)
	m.stopAwaiting()
	for _, q := range m.queues {
		if q.timer != nil {
			q.timer.Stop()
		}
	}
	m.queues = nil
}
