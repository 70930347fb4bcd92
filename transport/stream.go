package transport

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/registry"
)

// maxAcceptBackoff bounds the wait after a failed Accept (no file
// descriptor left, say) before the next one.
const maxAcceptBackoff = time.Second

// connSupervision stops a connection actor that fails, alone: a restarted
// one would have lost its connection, and the others are not concerned.
var connSupervision = actor.NewOneForOneStrategy(0, 0, func(any) actor.Directive {
	return actor.StopDirective
})

// newStream returns the props of the listener actor of a stream transport
// (RFC 3261 §18): proto says how to listen, dial and frame messages, cfg
// the rest. NewTCP, NewTLS, NewWS and NewWSS are newStream with their
// protocol.
//
// The listener listens on cfg.Addr when it starts, and panics with the error
// when it cannot (after calling cfg.Bound), so that its supervisor decides
// what comes next; once listening it registers itself (proto.Protocol,
// reliable, the bound address, Host, its PID). A goroutine accepts
// connections; each connection, accepted or dialled, gets a child actor
// that owns it, with a reader goroutine that sends each message read to
// cfg.Handler as a *Incoming whose Transport is the listener, so that the
// responses come back through it. A connection that fails stops alone.
//
// Send the listener a *Outgoing to write a message:
//   - a request goes to Dest, on the open connection to Dest, else on one
//     dialled within DialTimeout; what is sent to a Dest while it is being
//     dialled waits for that one connection;
//   - a response goes on the connection its request came from
//     (Outgoing.Source) while it is open, else on a connection to the
//     received address of its top Via, or its sent-by host, at the sent-by
//     port or the protocol's default (RFC 3261 §18.2.2); with a Dest, to
//     that Dest.
//
// What cannot be written comes back to ReplyTo as a *SendError.
//
// When the listener stops or restarts it stops listening, closes every
// connection and leaves the registry; a restart listens again.
func newStream(proto streamProto, cfg StreamConfig) *actor.Props {
	cfg = cfg.withDefaults() // once: a restarted listener keeps its Stats
	return actor.PropsFromProducer(func() actor.Actor {
		return &streamListener{proto: proto, cfg: cfg}
	}, actor.WithSupervisor(connSupervision))
}

// streamListener is the actor that owns a listening socket and, as their
// parent, the actors of its connections.
type streamListener struct {
	proto  streamProto
	cfg    StreamConfig
	system *actor.ActorSystem
	self   *actor.PID

	acc   acceptor
	entry registry.Transport
	// ctx ends the dials and lookups when the listener closes; tasks
	// tracks them and the accept loop.
	ctx    context.Context
	cancel context.CancelFunc
	tasks  sync.WaitGroup
	// inbox holds the connections that goroutines have opened and sent
	// to the listener, until it adopts them: those still there when it
	// closes are closed with it.
	inbox *handoff

	// conns are the open connections by remote address; links tells each
	// connection actor's remote address and whether it was accepted.
	conns map[netip.AddrPort]*actor.PID
	links map[string]connLink
	// dialing holds what waits for a connection being dialled.
	dialing map[netip.AddrPort][]*Outgoing
	// accepted and perIP count the accepted connections open.
	accepted int
	perIP    map[netip.Addr]int
}

// connLink is what the listener knows of one of its connections.
type connLink struct {
	remote   netip.AddrPort
	accepted bool
}

// Messages from the listener's goroutines and children to the listener.
type (
	// connAccepted carries a connection the accept loop accepted.
	connAccepted struct{ conn framedConn }
	// connDialled carries the outcome of dialling dest.
	connDialled struct {
		dest netip.AddrPort
		conn framedConn
		err  error
	}
	// viaResolved carries the address of the Via host of a response.
	viaResolved struct {
		out  *Outgoing
		dest netip.AddrPort
		host string
		err  error
	}
	// connDown tells the listener that a connection actor closed its
	// connection: the listener forgets it, then poisons the actor, which
	// hands back what it still holds.
	connDown struct{ pid *actor.PID }
)

// Receive implements actor.Actor.
func (l *streamListener) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *Outgoing:
		l.send(c, m)
	case *connAccepted:
		l.accept(c, m.conn)
	case *connDialled:
		l.dialled(c, m)
	case *viaResolved:
		if m.err != nil {
			l.fail(m.out, m.err)
			return
		}
		l.route(c, m.out, m.dest, m.host)
	case *connDown:
		l.unlink(m.pid)
		c.Poison(m.pid)
	case *actor.Terminated:
		l.unlink(m.Who)
	case *actor.Started:
		l.start(c)
	case *actor.Stopping, *actor.Restarting, *actor.Stopped:
		l.close()
	}
}

// start listens, registers the transport and starts the accept loop. A
// listen error panics, so that the supervisor decides what comes next.
func (l *streamListener) start(c actor.Context) {
	l.system = c.ActorSystem()
	l.self = c.Self()
	l.ctx, l.cancel = context.WithCancel(context.Background())
	acc, err := l.proto.Listen(l.ctx, l.cfg.Addr)
	if err != nil {
		l.cancel()
		if l.cfg.Bound != nil {
			l.cfg.Bound(registry.Transport{}, err)
		}
		panic(err)
	}
	l.acc = acc
	l.inbox = newHandoff()
	l.conns = make(map[netip.AddrPort]*actor.PID)
	l.links = make(map[string]connLink)
	l.dialing = make(map[netip.AddrPort][]*Outgoing)
	l.perIP = make(map[netip.Addr]int)
	local := unmapPort(acc.Addr())
	host := l.cfg.Host
	if host == "" {
		host = hostOf(local.Addr())
	}
	l.entry = registry.Transport{
		Protocol: l.proto.Protocol, Reliable: true, Local: local, Host: host, PID: l.self,
	}
	if l.cfg.Registry != nil {
		l.cfg.Registry.AddTransport(l.entry)
	}
	l.tasks.Go(l.acceptLoop)
	l.cfg.Logger.Debug("sip: stream transport listening", "protocol", l.proto.Protocol, "local", local, "host", host)
	if l.cfg.Bound != nil {
		l.cfg.Bound(l.entry, nil)
	}
}

// close stops listening and dialling, fails what waited for a connection and
// leaves the registry; the connection actors, being children, are stopped by
// the actor system. It is safe to call more than once.
func (l *streamListener) close() {
	if l.acc == nil {
		return
	}
	l.cancel()
	l.acc.Close()
	l.tasks.Wait()
	l.inbox.close()
	l.acc = nil
	for dest, queue := range l.dialing {
		for _, o := range queue {
			l.fail(o, fmt.Errorf("sip: %s connection to %v: %w", l.proto.Protocol, dest, net.ErrClosed))
		}
	}
	clear(l.dialing)
	if l.cfg.Registry != nil {
		l.cfg.Registry.RemoveTransport(l.self)
	}
	l.cfg.Logger.Debug("sip: stream transport closed", "protocol", l.proto.Protocol, "local", l.entry.Local)
}

// acceptLoop accepts connections and hands them to the actor, until the
// acceptor is closed. A failed Accept is retried after a growing pause, as
// net/http does, since it is most often a lack of file descriptors.
func (l *streamListener) acceptLoop() {
	var backoff time.Duration
	for {
		conn, err := l.acc.Accept()
		if err != nil {
			if l.ctx.Err() != nil {
				return
			}
			backoff = min(max(2*backoff, 5*time.Millisecond), maxAcceptBackoff)
			l.cfg.Logger.Debug("sip: accept failed", "protocol", l.proto.Protocol, "error", err, "retry", backoff)
			select {
			case <-l.ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		if l.inbox.put(conn) {
			l.system.Root.Send(l.self, &connAccepted{conn: conn})
		}
	}
}

// accept adopts an accepted connection, or closes it when it would exceed
// MaxConns or MaxConnsPerIP.
func (l *streamListener) accept(c actor.Context, conn framedConn) {
	if !l.inbox.take(conn) {
		return
	}
	remote := unmapPort(conn.Remote())
	if l.accepted >= l.cfg.MaxConns || l.perIP[remote.Addr()] >= l.cfg.MaxConnsPerIP {
		l.cfg.Stats.Refused.Add(1) // counted first: a test sees the close
		conn.Close()
		l.cfg.Logger.Debug("sip: connection refused", "protocol", l.proto.Protocol, "remote", remote,
			"open", l.accepted, "from address", l.perIP[remote.Addr()])
		return
	}
	l.cfg.Stats.Accepted.Add(1)
	l.accepted++
	l.perIP[remote.Addr()]++
	l.adopt(c, conn, remote, true)
}

// adopt spawns the actor of a connection and files it under remote.
func (l *streamListener) adopt(c actor.Context, conn framedConn, remote netip.AddrPort, accepted bool) *actor.PID {
	sc := &streamConn{
		conn:     conn,
		remote:   remote,
		dialled:  !accepted,
		protocol: l.proto.Protocol,
		listener: l.self,
		entry:    l.entry,
		cfg:      &l.cfg,
	}
	pid := c.Spawn(actor.PropsFromProducer(func() actor.Actor { return sc }))
	l.conns[remote] = pid
	l.links[pid.Id] = connLink{remote: remote, accepted: accepted}
	return pid
}

// unlink forgets a connection actor; it is safe to call more than once.
func (l *streamListener) unlink(pid *actor.PID) {
	link, ok := l.links[pid.Id]
	if !ok {
		return
	}
	delete(l.links, pid.Id)
	l.cfg.Logger.Debug("sip: connection released", "protocol", l.proto.Protocol, "remote", link.remote)
	if cur, ok := l.conns[link.remote]; ok && cur.Equal(pid) {
		delete(l.conns, link.remote)
	}
	if link.accepted {
		l.accepted--
		if l.perIP[link.remote.Addr()]--; l.perIP[link.remote.Addr()] <= 0 {
			delete(l.perIP, link.remote.Addr())
		}
	}
}

// send routes an Outgoing to the connection that writes it.
func (l *streamListener) send(c actor.Context, o *Outgoing) {
	switch {
	case l.acc == nil:
		l.fail(o, net.ErrClosed)
	case o.Message == nil:
		l.fail(o, fmt.Errorf("%w: no message", ErrNoDestination))
	case o.Dest.IsValid():
		l.route(c, o, unmapPort(o.Dest), o.Host)
	case o.Message.IsRequest():
		l.fail(o, fmt.Errorf("%w: request without Dest", ErrNoDestination))
	default:
		l.respond(c, o)
	}
}

// respond sends a response without Dest as RFC 3261 §18.2.2 says for
// reliable transports: on the connection the request came from while it is
// open; else on a connection to the received address of the top Via, or its
// sent-by host, at the sent-by port or the default port of the protocol.
// rport and maddr are for unreliable transports only (RFC 3581 §4).
func (l *streamListener) respond(c actor.Context, o *Outgoing) {
	if o.Source.IsValid() {
		if pid, ok := l.conns[unmapPort(o.Source)]; ok {
			c.Send(pid, o)
			return
		}
	}
	via := o.Message.TopVia()
	if via == nil {
		l.fail(o, fmt.Errorf("%w: response without Via", ErrNoDestination))
		return
	}
	port := via.Port
	if port == 0 {
		port = defaultPortOf(l.proto.Protocol)
	}
	host := unbracket(via.Received())
	if host == "" {
		host = unbracket(via.Host)
	}
	if port <= 0 || port > 65535 {
		l.fail(o, fmt.Errorf("%w: port %d", ErrNoAddress, port))
		return
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		l.route(c, o, netip.AddrPortFrom(ip.Unmap(), uint16(port)), "")
		return
	}
	// A name: look it up off the actor, then route to the address found.
	// It is also the name a TLS peer's certificate must carry.
	preferV6 := l.entry.Local.Addr().Is6()
	l.tasks.Go(func() {
		ctx, cancel := context.WithTimeout(l.ctx, l.cfg.ResolveTimeout)
		defer cancel()
		dest, err := Resolve(ctx, l.cfg.Resolver, host, port, preferV6)
		if l.ctx.Err() == nil {
			l.system.Root.Send(l.self, &viaResolved{out: o, dest: dest, host: host, err: err})
		}
	})
}

// route sends o on the open connection to dest, or dials one; what is sent
// to dest while it is being dialled waits for that dial.
func (l *streamListener) route(c actor.Context, o *Outgoing, dest netip.AddrPort, host string) {
	if pid, ok := l.conns[dest]; ok {
		c.Send(pid, o)
		return
	}
	if queue, ok := l.dialing[dest]; ok {
		l.dialing[dest] = append(queue, o)
		return
	}
	if dest.Port() == 0 || dest.Addr().IsUnspecified() {
		l.fail(o, fmt.Errorf("%w: %v", ErrNoAddress, dest))
		return
	}
	l.dialing[dest] = []*Outgoing{o}
	l.tasks.Go(func() {
		ctx, cancel := context.WithTimeout(l.ctx, l.cfg.DialTimeout)
		defer cancel()
		conn, err := l.proto.Dial(ctx, dest, host)
		switch {
		case err == nil && !l.inbox.put(conn), err != nil && l.ctx.Err() != nil:
			return // the listener is closing
		}
		l.system.Root.Send(l.self, &connDialled{dest: dest, conn: conn, err: err})
	})
}

// dialled adopts a dialled connection and sends on it what waited for it, or
// fails all of that.
func (l *streamListener) dialled(c actor.Context, m *connDialled) {
	queue := l.dialing[m.dest]
	delete(l.dialing, m.dest)
	if m.err != nil {
		l.cfg.Logger.Debug("sip: dial failed", "protocol", l.proto.Protocol, "dest", m.dest, "error", m.err)
		for _, o := range queue {
			l.fail(o, fmt.Errorf("sip: %s connection to %v: %w", l.proto.Protocol, m.dest, m.err))
		}
		return
	}
	if !l.inbox.take(m.conn) {
		return
	}
	l.cfg.Stats.Dialled.Add(1)
	pid := l.adopt(c, m.conn, m.dest, false)
	for _, o := range queue {
		c.Send(pid, o)
	}
}

// fail counts a message that could not be written and reports it to
// o.ReplyTo (RFC 3261 §17.1.4, §17.2.4).
func (l *streamListener) fail(o *Outgoing, err error) {
	l.cfg.Stats.SendErrors.Add(1)
	l.cfg.Logger.Debug("sip: stream send failed", "protocol", l.proto.Protocol, "error", err)
	if o.ReplyTo != nil {
		l.system.Root.Send(o.ReplyTo, &SendError{Message: o.Message, Err: err})
	}
}

// unmapPort writes an IPv4-mapped address as IPv4, so that a peer has one
// key whatever the socket's family.
func unmapPort(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// handoff holds the connections that goroutines opened for an actor until
// the actor takes them: a connection sent to an actor that stops before it
// reads its mailbox would otherwise never be closed.
type handoff struct {
	mu     sync.Mutex
	closed bool
	conns  map[framedConn]struct{}
}

func newHandoff() *handoff { return &handoff{conns: make(map[framedConn]struct{})} }

// put holds conn, or closes it and returns false when the handoff is closed.
func (h *handoff) put(conn framedConn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		conn.Close()
		return false
	}
	h.conns[conn] = struct{}{}
	return true
}

// take gives conn to the caller; false means it was closed already.
func (h *handoff) take(conn framedConn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.conns[conn]
	delete(h.conns, conn)
	return ok
}

// close closes the connections still held and every one put later.
func (h *handoff) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for conn := range h.conns {
		conn.Close()
	}
	clear(h.conns)
}
