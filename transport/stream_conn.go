package transport

import (
	"errors"
	"io"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/scheduler"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
)

// maxPongWait is how long a client waits for the pong to its ping before it
// treats the flow as failed (RFC 5626 §4.4.1).
const maxPongWait = 10 * time.Second

// maxKeptBuffer bounds the write buffer a connection keeps between writes.
const maxKeptBuffer = 64 << 10

// A keepAliveConn is a framedConn that carries the CRLF keep-alives of
// RFC 5626 §3.5.1, as TCP and TLS do. A WebSocket has ping frames of its own
// (RFC 6455 §5.5.2) and need not implement it.
type keepAliveConn interface {
	framedConn
	// SetKeepAlive sets the functions called, on the goroutine that reads,
	// for the keep-alives read between messages: onPing for each ping
	// (CRLFCRLF) or, when onPong is set, onPong for each line end, since
	// where this side pings what comes back are pongs (CRLF), two of which
	// would read as a ping. It is called before the first ReadMessage; the
	// functions must not block.
	SetKeepAlive(onPing, onPong func())
	// WriteKeepAlive writes a ping (CRLFCRLF) or, with pong set, a pong
	// (CRLF). The rule of WriteMessage applies: one goroutine at a time.
	WriteKeepAlive(pong bool) error
}

// streamConn is the actor that owns one connection of a stream transport.
// Its reader goroutine delivers what it reads straight to the handler; the
// actor writes, answers pings, and closes the connection when it fails or
// idles.
//
// When it closes its connection it tells the listener (connDown), which
// forgets it and then poisons it: what the listener forwarded meanwhile is
// sent back to the listener, to go on another connection (RFC 3261 §18.2.2).
type streamConn struct {
	conn     framedConn
	remote   netip.AddrPort // the key of the connection in the listener
	dialled  bool
	protocol string
	listener *actor.PID
	entry    registry.Transport
	cfg      *StreamConfig // the listener's, never changed

	system *actor.ActorSystem
	self   *actor.PID
	timers *scheduler.TimerScheduler
	// reader is closed when the reader goroutine ends; closing tells it
	// that the actor closed the connection.
	reader  chan struct{}
	closing atomic.Bool
	closed  bool
	act     activity
	// cancelIdle, cancelPing and cancelPong stop the pending timers;
	// cancelPong is set while a pong is awaited.
	cancelIdle, cancelPing, cancelPong scheduler.CancelFunc
	// pongWait numbers the waits for a pong, so that the timeout of one
	// already answered, still in the mailbox, ends no later one.
	pongWait int
	wbuf     []byte
}

// Messages to a connection actor from its goroutine and timers.
type (
	// readEnded says the reader stopped on an error; reply, when set, is
	// the stateless response to write before closing.
	readEnded struct{ reply []byte }
	// writeRaw carries a stateless response to write.
	writeRaw struct{ b []byte }
	// pingHeard says an RFC 5626 ping was read: it asks for a pong.
	pingHeard struct{}
	// pongHeard says a line end was read where this side pings: a pong.
	pongHeard   struct{}
	idleTick    struct{}
	pingTick    struct{}
	pongTimeout struct{ wait int }
)

// Receive implements actor.Actor.
func (s *streamConn) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *Outgoing:
		s.write(c, m)
	case *writeRaw:
		s.writeRaw(c, m.b)
	case *readEnded:
		if m.reply != nil {
			s.writeRaw(c, m.reply)
		}
		s.shut(c, "read ended")
	case pingHeard:
		if ka, ok := s.conn.(keepAliveConn); ok && !s.closed {
			if err := ka.WriteKeepAlive(true); err != nil {
				s.cfg.Logger.Debug("sip: pong failed", "remote", s.remote, "error", err)
				s.shut(c, "write failed")
			}
		}
	case idleTick:
		s.checkIdle(c)
	case pingTick:
		s.ping(c)
	case pongHeard:
		if s.cancelPong != nil {
			s.cancelPong()
			s.cancelPong = nil
		}
	case pongTimeout:
		if !s.closed && s.cancelPong != nil && m.wait == s.pongWait {
			s.shut(c, "no pong")
		}
	case *actor.Started:
		s.start(c)
	case *actor.Stopping, *actor.Restarting, *actor.Stopped:
		s.teardown()
	}
}

// start starts the reader and the timers.
func (s *streamConn) start(c actor.Context) {
	s.system, s.self = c.ActorSystem(), c.Self()
	s.timers = scheduler.NewTimerScheduler(s.system.Root)
	s.act.base = time.Now()
	ka, canPing := s.conn.(keepAliveConn)
	pinging := canPing && s.dialled && s.cfg.KeepAlive > 0
	if canPing {
		root, self, act := s.system.Root, s.self, &s.act
		if pinging {
			// RFC 5626 §4.4.1: the client pings and the server answers;
			// the server side of a flow never pings.
			ka.SetKeepAlive(nil, func() { root.Send(self, pongHeard{}) })
		} else {
			// RFC 5626 §3.5.1: a ping is answered with a pong; a peer
			// that pings wants its flow kept, so a ping is traffic.
			ka.SetKeepAlive(func() {
				act.touch()
				root.Send(self, pingHeard{})
			}, nil)
		}
	}
	r := &connReader{
		conn:     s.conn,
		remote:   s.remote,
		local:    unmapPort(s.conn.Local()),
		protocol: s.protocol,
		entry:    s.entry,
		cfg:      s.cfg,
		self:     s.self,
		root:     s.system.Root,
		act:      &s.act,
		closing:  &s.closing,
	}
	s.reader = make(chan struct{})
	go r.run(s.reader)
	if s.cfg.IdleTimeout > 0 {
		s.cancelIdle = s.timers.SendOnce(s.cfg.IdleTimeout, s.self, idleTick{})
	}
	if pinging {
		s.cancelPing = s.timers.SendOnce(s.cfg.KeepAlive, s.self, pingTick{})
	}
	s.cfg.Logger.Debug("sip: connection open", "protocol", s.protocol, "remote", s.remote, "dialled", s.dialled)
}

// write serializes and writes a message. Once the connection is closed, what
// still arrives goes back to the listener: a response without Dest then
// loses its Source, so that the listener routes it by its top Via.
func (s *streamConn) write(c actor.Context, o *Outgoing) {
	if s.closed {
		back := *o
		if !back.Dest.IsValid() {
			back.Source = netip.AddrPort{}
		}
		c.Send(s.listener, &back)
		return
	}
	b := o.Message.Append(s.wbuf[:0])
	if cap(b) <= maxKeptBuffer {
		s.wbuf = b[:0]
	}
	if err := s.conn.WriteMessage(b); err != nil {
		s.cfg.Logger.Debug("sip: stream write failed", "remote", s.remote, "error", err)
		s.shut(c, "write failed")
		if !o.retried {
			// The connection died under the message (the peer closed it
			// as we wrote): the listener, which has just been told, sends
			// it once more on a new connection, to Dest for a request and
			// by the top Via for a response (RFC 3261 §18.2.2).
			back := *o
			back.retried = true
			if !back.Dest.IsValid() {
				back.Source = netip.AddrPort{}
			}
			c.Send(s.listener, &back)
			return
		}
		s.cfg.Stats.SendErrors.Add(1)
		if o.ReplyTo != nil {
			c.Send(o.ReplyTo, &SendError{Message: o.Message, Err: err})
		}
		return
	}
	s.cfg.Stats.Sent.Add(1)
	s.act.touch()
}

// writeRaw writes a stateless response built by the reader.
func (s *streamConn) writeRaw(c actor.Context, b []byte) {
	if s.closed {
		return
	}
	if err := s.conn.WriteMessage(b); err != nil {
		s.cfg.Stats.SendErrors.Add(1)
		s.shut(c, "write failed")
		return
	}
	s.cfg.Stats.Sent.Add(1)
}

// checkIdle closes the connection after IdleTimeout without traffic, or
// waits for the rest of it.
func (s *streamConn) checkIdle(c actor.Context) {
	if s.closed {
		return
	}
	idle := s.act.idle()
	if idle >= s.cfg.IdleTimeout {
		s.shut(c, "idle")
		return
	}
	s.cancelIdle = s.timers.SendOnce(s.cfg.IdleTimeout-idle, s.self, idleTick{})
}

// ping sends an RFC 5626 §4.4.1 keep-alive on a dialled connection.
func (s *streamConn) ping(c actor.Context) {
	if s.closed {
		return
	}
	if err := s.conn.(keepAliveConn).WriteKeepAlive(false); err != nil {
		s.cfg.Logger.Debug("sip: ping failed", "remote", s.remote, "error", err)
		s.shut(c, "write failed")
		return
	}
	// RFC 5626 §4.4.1: without a pong within 10 seconds the flow has
	// failed. A ping sent while one is awaited does not delay the verdict.
	if s.cancelPong == nil {
		s.pongWait++
		s.cancelPong = s.timers.SendOnce(maxPongWait, s.self, pongTimeout{wait: s.pongWait})
	}
	s.cancelPing = s.timers.SendOnce(s.cfg.KeepAlive, s.self, pingTick{})
}

// shut closes the connection and tells the listener.
func (s *streamConn) shut(c actor.Context, why string) {
	if s.closed {
		return
	}
	s.teardown()
	s.cfg.Logger.Debug("sip: connection closed", "protocol", s.protocol, "remote", s.remote, "reason", why)
	c.Send(s.listener, &connDown{pid: s.self})
}

// teardown closes the connection, waits for the reader and stops the
// timers. It is safe to call more than once.
func (s *streamConn) teardown() {
	if s.closed {
		return
	}
	s.closed = true
	s.closing.Store(true)
	s.cfg.Stats.Closed.Add(1) // counted first: the peer may look as it sees the close
	s.conn.Close()
	if s.reader != nil {
		<-s.reader
	}
	if s.cancelIdle != nil {
		s.cancelIdle()
	}
	if s.cancelPing != nil {
		s.cancelPing()
	}
	if s.cancelPong != nil {
		s.cancelPong()
	}
}

// activity records when a connection last carried traffic; the reader
// goroutine and the actor both touch it.
type activity struct {
	base time.Time // set before the reader starts, then read only
	last atomic.Int64
}

func (a *activity) touch() { a.last.Store(int64(time.Since(a.base))) }

// idle returns how long ago the last traffic was.
func (a *activity) idle() time.Duration {
	return time.Since(a.base) - time.Duration(a.last.Load())
}

// connReader is what the reader goroutine of a connection needs; it shares
// with the actor only the connection (whose reads are the reader's alone),
// atomics and Stats.
type connReader struct {
	conn     framedConn
	remote   netip.AddrPort
	local    netip.AddrPort
	protocol string
	entry    registry.Transport
	cfg      *StreamConfig
	self     *actor.PID
	root     *actor.RootContext
	act      *activity
	closing  *atomic.Bool
	last     sourceText
}

// run reads messages until the connection fails or is closed, then closes
// done.
func (r *connReader) run(done chan<- struct{}) {
	defer close(done)
	for {
		frame, err := r.conn.ReadMessage()
		if err != nil {
			r.end(frame, err)
			return
		}
		r.act.touch()
		r.cfg.Stats.Received.Add(1)
		r.handle(frame)
	}
}

// end reports the error that ended reading to the actor, with a stateless
// response to write first when the header block of a request that cannot be
// framed was read (no Content-Length, RFC 3261 §18.3; too large, §21.5.14).
// The position in the stream is lost, so the connection closes either way.
func (r *connReader) end(head []byte, err error) {
	if r.closing.Load() {
		return // the actor closed the connection
	}
	var reply []byte
	_, framing := errors.AsType[*message.ParseError](err)
	switch {
	case len(head) > 0:
		r.cfg.Stats.Received.Add(1)
		if b, _, ok := statelessReply(nil, head, r.remote, err); ok {
			reply = b
			r.cfg.Stats.BadRequests.Add(1)
		} else {
			r.drop("message cannot be framed", err)
		}
	case framing:
		r.drop("garbage", err)
	case !errors.Is(err, io.EOF):
		r.cfg.Logger.Debug("sip: connection read failed", "remote", r.remote, "error", err)
	}
	r.root.Send(r.self, &readEnded{reply: reply})
}

// handle parses one framed message and delivers it, answers it with a
// stateless 400, or drops it; reading goes on either way.
func (r *connReader) handle(frame []byte) {
	m, err := r.cfg.Parser.ParseOwned(frame)
	if err != nil {
		reply, _, ok := statelessReply(nil, frame, r.remote, err)
		if !ok {
			r.drop("unparsable message", err)
			return
		}
		r.cfg.Stats.BadRequests.Add(1)
		r.root.Send(r.self, &writeRaw{b: reply})
		return
	}
	if m.IsRequest() {
		via := m.TopVia()
		if via == nil {
			r.drop("request without Via", nil)
			return
		}
		// received and rport matter on a stream too: they say where to
		// connect back when this connection is gone (RFC 3261 §18.2.2).
		r.last.stamp(via, r.remote)
	} else if !sentByIs(m.TopVia(), r.entry.Host, r.entry.Local.Port(), defaultPortOf(r.protocol)) {
		r.drop("response for another sent-by", nil)
		return
	}
	if r.cfg.Handler == nil {
		r.drop("no handler", nil)
		return
	}
	r.root.Send(r.cfg.Handler, &Incoming{
		Message:   m,
		Protocol:  r.protocol,
		Reliable:  true,
		Source:    r.remote,
		Local:     r.local,
		Transport: r.entry.PID,
	})
}

func (r *connReader) drop(why string, err error) {
	r.cfg.Stats.Dropped.Add(1)
	r.cfg.Logger.Debug("sip: stream message dropped", "reason", why, "remote", r.remote, "error", err)
}
