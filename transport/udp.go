package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
)

// maxDatagram is the largest message a UDP transport reads or writes: the
// largest UDP payload (RFC 3261 §18.1.1 bounds a message by it, and
// message.Limits' default MaxMessageSize is the same).
const maxDatagram = 65535

// DefaultUDPReadBuffer is the default of UDPConfig.ReadBuffer.
const DefaultUDPReadBuffer = 4 << 20

// DefaultResolveTimeout bounds the lookup of a host name found in the Via of
// a response (a maddr, or a sent-by without received).
const DefaultResolveTimeout = 2 * time.Second

// A Registrar is where a transport announces itself while its socket is open.
// *registry.Registry satisfies it.
type Registrar interface {
	AddTransport(registry.Transport)
	RemoveTransport(*actor.PID)
}

// UDPConfig configures a UDP transport. The zero value of each field selects
// its documented default.
type UDPConfig struct {
	// Addr is the local address to bind: "127.0.0.1:5060", "[::1]:0". Port 0
	// asks the system for a free port; the transport registers the real one.
	// An IPv4 address binds an IPv4-only socket and an IPv6 address an
	// IPv6-only one; a host name is resolved when the socket is bound.
	// Default ":5060" (every IPv4 and IPv6 address, the SIP port).
	Addr string
	// Host is the sent-by host that requests sent through this transport
	// carry in their Via (RFC 3261 §18.1.1), and that the top Via of a
	// response must name (§18.1.2). Default: the bound IP address (with
	// brackets for IPv6). Set it when Addr is an unspecified address or
	// behind NAT.
	Host string
	// Handler receives a *Incoming for every message read. Without one,
	// what is read is dropped and counted.
	Handler *actor.PID
	// Registry, when set, gets the transport added once its socket is bound
	// and removed when it closes.
	Registry Registrar
	// Parser parses datagrams; its Limits bound what a peer may send.
	Parser message.Parser
	// Resolver looks up host names found in the top Via of a response
	// (nil: net.DefaultResolver), within ResolveTimeout (default
	// DefaultResolveTimeout).
	Resolver       *net.Resolver
	ResolveTimeout time.Duration
	// Logger receives debug logs of what is dropped or fails (nil: discard).
	Logger *slog.Logger
	// Stats, when set, counts what the transport does; it may be shared.
	Stats *Stats
	// ReadBuffer is the size asked for the socket's receive buffer
	// (SO_RCVBUF), which holds the datagrams that arrive while the reader
	// is busy: the kernel's default, about 200 KB, overflows when a few
	// hundred requests arrive at once, and each datagram dropped there
	// costs its sender a retransmission 500 ms later. The kernel caps it
	// (net.core.rmem_max on Linux). 0 means DefaultUDPReadBuffer; a
	// negative value keeps the kernel's default.
	ReadBuffer int
	// Bound, when set, is called from the actor each time it has tried to
	// bind its socket: with the transport as registered, or with the error
	// that is about to fail the actor. It lets a caller wait for the socket
	// and tell a bad address from a transient failure.
	Bound func(registry.Transport, error)
}

// NewUDP returns the props of a UDP transport actor (RFC 3261 §18, RFC 3581).
//
// One actor owns one socket. When it starts it binds Addr; if that fails it
// panics with the error, which protoactor hands to its supervisor: the
// supervisor restarts it (with the backoff the stack chooses) or gives up.
// Once bound it registers itself in Registry (protocol "UDP", not reliable,
// the bound address, Host, its PID) and starts one reader goroutine, which
// parses each datagram, stamps received and rport on the top Via of a request
// (StampReceived) and sends a *Incoming to Handler through the actor system's
// root context: reading never blocks the actor. A request that does not
// parse but has a readable top Via gets a stateless 400 whose reason phrase
// names the problem; anything else that does not parse is dropped and
// counted in Stats.
//
// Send the actor a *Outgoing to write a message: a request goes to Dest, a
// response with a zero Dest where its top Via says (ResponseTarget; a host
// name there is resolved in a goroutine within ResolveTimeout), and a
// response with a Dest to that Dest. A message that cannot be written
// (no destination, over 65 535 bytes, a write error) yields a *SendError to
// ReplyTo, when set.
//
// When the actor stops or restarts it closes the socket, waits for the
// reader goroutine to end and removes itself from Registry; a restarted
// actor binds Addr again (a port 0 then gets a new port, registered anew).
// Messages sent to the transport while its supervisor restarts it wait in
// its mailbox; the one that made it fail is lost.
func NewUDP(cfg UDPConfig) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor { return &udpTransport{cfg: cfg} })
}

// udpTransport is the actor that owns one UDP socket.
type udpTransport struct {
	cfg    UDPConfig
	log    *slog.Logger
	stats  *Stats
	system *actor.ActorSystem
	self   *actor.PID

	conn  *net.UDPConn
	local netip.AddrPort
	host  string
	// reader is closed when the reader goroutine ends.
	reader chan struct{}
	// lookups tracks the goroutines that resolve a response's Via host;
	// cancel ends them when the socket closes.
	lookups sync.WaitGroup
	cancel  context.CancelFunc
	ctx     context.Context
	// writer writes batches on conn; batch holds the datagrams that wait
	// (udp_batch.go).
	writer batchConn
	batch  batch
}

// Receive implements actor.Actor.
func (u *udpTransport) Receive(c actor.Context) {
	switch msg := c.Message().(type) {
	case *Outgoing:
		u.send(c, msg)
	case *Datagram:
		if u.conn == nil {
			u.fail(msg.ReplyTo, msg.Message, net.ErrClosed)
			return
		}
		u.enqueue(c, msg.ReplyTo, msg.Message, msg.Data, msg.Dest)
	case *flushBatch:
		u.batch.flushing = false
		u.flush()
	case *actor.Started:
		u.start(c)
	case *actor.Stopping, *actor.Restarting, *actor.Stopped:
		u.close()
	}
}

// start binds the socket, registers the transport and starts the reader. A
// bind error panics, so that the supervisor decides what comes next.
func (u *udpTransport) start(c actor.Context) {
	u.log = u.cfg.Logger
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	u.stats = u.cfg.Stats
	if u.stats == nil {
		u.stats = new(Stats)
	}
	u.system = c.ActorSystem()
	u.self = c.Self()
	conn, err := listenUDP(u.cfg.Addr)
	if err != nil {
		if u.cfg.Bound != nil {
			u.cfg.Bound(registry.Transport{}, err)
		}
		panic(err)
	}
	u.conn = conn
	if err := setReadBuffer(conn, u.cfg.ReadBuffer); err != nil {
		u.log.Debug("sip: UDP receive buffer not set", "size", u.cfg.ReadBuffer, "error", err)
	}
	u.local = conn.LocalAddr().(*net.UDPAddr).AddrPort()
	u.local = netip.AddrPortFrom(u.local.Addr().Unmap(), u.local.Port())
	u.writer = newBatchConn(conn)
	u.host = u.cfg.Host
	if u.host == "" {
		u.host = hostOf(u.local.Addr())
	}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.reader = make(chan struct{})
	t := registry.Transport{Protocol: ProtocolUDP, Local: u.local, Host: u.host, PID: u.self}
	if u.cfg.Registry != nil {
		u.cfg.Registry.AddTransport(t)
	}
	r := &udpReader{
		conn:    conn,
		local:   u.local,
		host:    u.host,
		handler: u.cfg.Handler,
		self:    u.self,
		root:    u.system.Root,
		parser:  &u.cfg.Parser,
		log:     u.log,
		stats:   u.stats,
	}
	go r.run(u.reader)
	u.log.Debug("sip: UDP transport bound", "local", u.local, "host", u.host)
	if u.cfg.Bound != nil {
		u.cfg.Bound(t, nil)
	}
}

// listenUDP binds addr; the network follows the address family, so that an
// IPv4 socket never receives IPv4-mapped traffic meant for an IPv6 one.
func listenUDP(addr string) (*net.UDPConn, error) {
	if addr == "" {
		addr = ":" + strconv.Itoa(DefaultPort)
	}
	network := "udp"
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		if ap.Addr().Unmap().Is4() {
			network = "udp4"
		} else {
			network = "udp6"
		}
	}
	la, err := net.ResolveUDPAddr(network, addr)
	if err != nil {
		return nil, fmt.Errorf("sip: UDP transport %q: %w", addr, err)
	}
	conn, err := net.ListenUDP(network, la)
	if err != nil {
		return nil, fmt.Errorf("sip: UDP transport %q: %w", addr, err)
	}
	return conn, nil
}

// setReadBuffer applies UDPConfig.ReadBuffer to conn.
func setReadBuffer(conn *net.UDPConn, size int) error {
	switch {
	case size < 0:
		return nil
	case size == 0:
		size = DefaultUDPReadBuffer
	}
	return conn.SetReadBuffer(size)
}

// hostOf writes an address as a sent-by host: IPv6 in brackets (RFC 3261
// §25.1, IPv6reference).
func hostOf(a netip.Addr) string {
	if a.Is6() {
		return "[" + a.WithZone("").String() + "]"
	}
	return a.String()
}

// close closes the socket, waits for the goroutines that use it and removes
// the transport from the registry. It is safe to call more than once.
func (u *udpTransport) close() {
	if u.conn == nil {
		return
	}
	u.flush() // what was accepted is written
	u.conn.Close()
	u.cancel()
	<-u.reader
	u.lookups.Wait()
	u.conn = nil
	if u.cfg.Registry != nil {
		u.cfg.Registry.RemoveTransport(u.self)
	}
	u.log.Debug("sip: UDP transport closed", "local", u.local)
}

// send writes o.Message: a request to o.Dest, a response where its top Via
// says (RFC 3261 §18.2.2, RFC 3581 §4).
func (u *udpTransport) send(c actor.Context, o *Outgoing) {
	if u.conn == nil {
		u.fail(o.ReplyTo, o.Message, net.ErrClosed)
		return
	}
	if o.Message == nil {
		u.fail(o.ReplyTo, nil, fmt.Errorf("%w: no message", ErrNoDestination))
		return
	}
	dest := o.Dest
	if !dest.IsValid() {
		if o.Message.IsRequest() {
			u.fail(o.ReplyTo, o.Message, fmt.Errorf("%w: request without Dest", ErrNoDestination))
			return
		}
		host, port := ResponseTarget(o.Message.TopVia())
		if host == "" {
			u.fail(o.ReplyTo, o.Message, fmt.Errorf("%w: response without Via", ErrNoDestination))
			return
		}
		ip, err := netip.ParseAddr(host)
		switch {
		case port <= 0 || port > 65535:
			u.fail(o.ReplyTo, o.Message, fmt.Errorf("%w: port %d", ErrNoAddress, port))
			return
		case err != nil:
			u.sendLater(o, host, port) // a name: resolve it off the actor
			return
		}
		dest = netip.AddrPortFrom(ip.Unmap(), uint16(port))
	}
	// A request above 1300 bytes should go over a congestion-controlled
	// transport (RFC 3261 §18.1.1); without a stream transport yet it still
	// goes over UDP, which carries up to 65 535 bytes.
	u.enqueue(c, o.ReplyTo, o.Message, nil, dest)
}

// sendLater resolves host in a goroutine, which then writes the response:
// the lookup must not block the actor. The socket is safe for concurrent use.
func (u *udpTransport) sendLater(o *Outgoing, host string, port int) {
	b := o.Message.Bytes()
	timeout := u.cfg.ResolveTimeout
	if timeout <= 0 {
		timeout = DefaultResolveTimeout
	}
	preferV6 := u.local.Addr().Is6()
	u.lookups.Go(func() {
		ctx, cancel := context.WithTimeout(u.ctx, timeout)
		defer cancel()
		dest, err := Resolve(ctx, u.cfg.Resolver, host, port, preferV6)
		if err != nil {
			u.fail(o.ReplyTo, o.Message, err)
			return
		}
		u.write(o.ReplyTo, o.Message, b, dest)
	})
}

// write writes one datagram, m serialized; it runs in the actor or in a
// lookup goroutine. A failure goes to replyTo, when set.
func (u *udpTransport) write(replyTo *actor.PID, m *message.Message, b []byte, dest netip.AddrPort) {
	if len(b) > maxDatagram {
		u.fail(replyTo, m, fmt.Errorf("%w: %d bytes", ErrMessageTooLarge, len(b)))
		return
	}
	if u.local.Addr().Is4() {
		dest = netip.AddrPortFrom(dest.Addr().Unmap(), dest.Port())
	}
	if _, err := u.conn.WriteToUDPAddrPort(b, dest); err != nil {
		u.fail(replyTo, m, err)
		return
	}
	u.stats.Sent.Add(1)
}

// fail counts message m that could not be written and reports it to
// replyTo, when set (RFC 3261 §17.1.4, §17.2.4). It may run outside the
// actor, so it sends through the root context.
func (u *udpTransport) fail(replyTo *actor.PID, m *message.Message, err error) {
	u.stats.SendErrors.Add(1)
	u.log.Debug("sip: UDP send failed", "local", u.local, "error", err)
	if replyTo != nil {
		u.system.Root.Send(replyTo, &SendError{Message: m, Err: err})
	}
}

// udpReader is what the reader goroutine needs; it shares nothing mutable
// with the actor but the socket, which is safe for concurrent use, and Stats.
type udpReader struct {
	conn    *net.UDPConn
	local   netip.AddrPort
	host    string
	handler *actor.PID
	self    *actor.PID
	root    *actor.RootContext
	parser  *message.Parser
	log     *slog.Logger
	stats   *Stats
	// last is the text of the last source stamped.
	last sourceText
}

// run reads datagrams until the socket is closed, then closes done.
//
// It reads up to maxReadBatch datagrams per system call (recvmmsg(2) where
// the system has it): under load the datagrams queue in the socket, and
// one call takes them all.
func (r *udpReader) run(done chan<- struct{}) {
	defer close(done)
	rd := newBatchConn(r.conn)
	ps := make([]packet, maxReadBatch)
	for i := range ps {
		ps[i].buf = make([]byte, maxDatagram)
	}
	var out []byte // reused for stateless responses
	for {
		n, err := rd.readBatch(ps)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Other read errors (an ICMP error reported on the socket)
			// concern one datagram only.
			r.log.Debug("sip: UDP read failed", "local", r.local, "error", err)
			continue
		}
		for i := range ps[:n] {
			p := &ps[i]
			if !p.addr.IsValid() {
				continue
			}
			r.stats.Received.Add(1)
			src := netip.AddrPortFrom(p.addr.Addr().Unmap(), p.addr.Port())
			out = r.handle(p.buf[:p.n], src, out[:0])
		}
	}
}

// handle parses one datagram and delivers it, answers it with a stateless
// 400, or drops it. It returns the reply buffer for reuse.
func (r *udpReader) handle(data []byte, src netip.AddrPort, out []byte) []byte {
	if isKeepAlive(data) {
		return out // RFC 5626 §4.4.1 CRLF keep-alive: nothing to do
	}
	m, err := r.parser.Parse(data)
	if err != nil {
		reply, via, ok := statelessReply(out, data, src, err)
		if !ok {
			r.drop("unparsable datagram", src, err)
			return reply
		}
		r.stats.BadRequests.Add(1)
		r.reply(reply, via, src)
		return reply
	}
	if m.IsRequest() {
		via := m.TopVia()
		if via == nil {
			r.drop("request without Via", src, nil)
			return out
		}
		r.last.stamp(via, src)
	} else if !sentByIs(m.TopVia(), r.host, r.local.Port(), DefaultPort) {
		r.drop("response for another sent-by", src, nil)
		return out
	}
	if r.handler == nil {
		r.drop("no handler", src, nil)
		return out
	}
	r.root.Send(r.handler, &Incoming{
		Message:   m,
		Protocol:  ProtocolUDP,
		Source:    src,
		Local:     r.local,
		Transport: r.self,
	})
	return out
}

// reply writes a stateless response where its top Via says; a host name
// there (a maddr) is not resolved in the reader, which must not block: the
// response goes to the source address instead.
func (r *udpReader) reply(b []byte, via *message.Via, src netip.AddrPort) {
	host, port := ResponseTarget(via)
	dest := src
	if ip, err := netip.ParseAddr(host); err == nil {
		dest = netip.AddrPortFrom(ip.Unmap(), uint16(port))
	}
	if r.local.Addr().Is4() != dest.Addr().Is4() {
		dest = src
	}
	if _, err := r.conn.WriteToUDPAddrPort(b, dest); err != nil {
		r.stats.SendErrors.Add(1)
		r.log.Debug("sip: UDP stateless reply failed", "dest", dest, "error", err)
		return
	}
	r.stats.Sent.Add(1)
}

func (r *udpReader) drop(why string, src netip.AddrPort, err error) {
	r.stats.Dropped.Add(1)
	r.log.Debug("sip: UDP datagram dropped", "reason", why, "source", src, "error", err)
}

// isKeepAlive reports whether a datagram holds only CR and LF: the keep-alive
// of RFC 5626 §4.4.1 (or a stray one), which is not a message.
func isKeepAlive(b []byte) bool {
	for _, c := range b {
		if c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
