package transaction_test

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transaction"
	"github.com/sippet-go/sippet/transport"
)

// A manager with a core that answers every request 200 (OK), and a
// transport actor that shows what it is asked to send. The stack (package
// actors) wires the real transports and core the same way.
func Example() {
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}))
	reg := registry.New[transaction.Key]()

	// The core answers through the registry: the event's key names the
	// server transaction (RFC 3261 §17.2.3).
	core := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if ev, ok := c.Message().(*transaction.RequestEvent); ok {
			fmt.Println("core:", ev.Request.Method, ev.Key)
			if pid, ok := reg.Transaction(ev.Key); ok {
				c.Send(pid, &transaction.Respond{Response: message.NewResponse(ev.Request, message.StatusOK, "")})
			}
		}
	}))
	reg.SetCore(core)

	wire := make(chan *message.Message, 1)
	tp := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if out, ok := c.Message().(*transport.Outgoing); ok {
			wire <- out.Message
		}
	}))

	mgr := sys.Root.Spawn(transaction.NewManager(transaction.Config{Registry: reg}))

	req, err := message.Parse([]byte("OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n" +
		"Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK776asdhds\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:alice@127.0.0.1>;tag=1928301774\r\n" +
		"To: <sip:bob@127.0.0.1>\r\n" +
		"Call-ID: a84b4c76e66710@127.0.0.1\r\n" +
		"CSeq: 1 OPTIONS\r\n" +
		"Content-Length: 0\r\n\r\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	// What a TCP transport sends for each request it reads.
	sys.Root.Send(mgr, &transport.Incoming{Message: req, Protocol: "TCP", Reliable: true, Transport: tp})

	select {
	case resp := <-wire:
		fmt.Println("sent:", resp.StatusCode, resp.Reason)
	case <-time.After(5 * time.Second):
		fmt.Println("no response")
	}

	for _, pid := range []*actor.PID{mgr, tp, core} {
		_ = sys.Root.StopFuture(pid).Wait()
	}
	sys.Shutdown()
	// Output:
	// core: OPTIONS z9hG4bK776asdhds|OPTIONS|127.0.0.1:5070
	// sent: 200 OK
}
