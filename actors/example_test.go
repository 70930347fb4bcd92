package actors_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sippet-go/sippet/actors"
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// okCore answers every request but ACK with 200 OK.
type okCore struct{ stack *actors.Stack }

func (c *okCore) ReceiveRequest(req *message.Message, _ transaction.Key) {
	if req.Method != message.MethodAck {
		_ = c.stack.Send(message.NewResponse(req, message.StatusOK, ""))
	}
}
func (c *okCore) ReceiveResponse(*message.Message, transaction.Key) {}
func (c *okCore) ReceiveError(error, transaction.Key)               {}

// clientCore hands the final response it gets to a channel.
type clientCore struct{ final chan *message.Message }

func (c *clientCore) ReceiveRequest(*message.Message, transaction.Key) {}
func (c *clientCore) ReceiveResponse(resp *message.Message, _ transaction.Key) {
	if resp.StatusCode >= 200 {
		c.final <- resp
	}
}
func (c *clientCore) ReceiveError(err error, _ transaction.Key) { fmt.Println("error:", err) }

// Two stacks in one actor system: one answers, the other sends an OPTIONS
// to it over loopback UDP (RFC 3261 §11).
func Example() {
	system := actors.NewSystem(nil)
	defer system.Shutdown()

	server, err := actors.Spawn(system, "server", actors.Config{})
	if err != nil {
		panic(err)
	}
	_ = server.RegisterCore(&okCore{stack: server})
	st, err := server.ListenUDP("127.0.0.1:0", "")
	if err != nil {
		panic(err)
	}

	client, err := actors.Spawn(system, "client", actors.Config{})
	if err != nil {
		panic(err)
	}
	cc := &clientCore{final: make(chan *message.Message, 1)}
	_ = client.RegisterCore(cc)
	if _, err := client.ListenUDP("127.0.0.1:0", ""); err != nil {
		panic(err)
	}

	uri, _ := message.ParseURI("sip:server@" + st.Local.String())
	from, _ := message.ParseAddress("<sip:client@example.com>")
	to, _ := message.ParseAddress("<sip:server@example.com>")
	if err := client.Send(message.NewRequest(message.MethodOptions, uri, from, to)); err != nil {
		panic(err)
	}
	resp := <-cc.final
	fmt.Println(resp.StatusCode, resp.Reason)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = client.Shutdown(ctx)
	_ = server.Shutdown(ctx)
	// Output: 200 OK
}

// silentCore never answers, and hands the final responses it gets to a
// channel.
type silentCore struct{ final chan *message.Message }

func (c *silentCore) ReceiveRequest(*message.Message, transaction.Key) {}
func (c *silentCore) ReceiveResponse(resp *message.Message, _ transaction.Key) {
	if resp.StatusCode >= 200 {
		c.final <- resp
	}
}
func (c *silentCore) ReceiveError(error, transaction.Key) {}

// Config.MaxTransactions bounds the memory a stack spends on transactions:
// here one, held by a request its core leaves unanswered, so the next
// request is refused statelessly with 503 and a Retry-After (RFC 3261
// §21.5.4).
func ExampleConfig_maxTransactions() {
	system := actors.NewSystem(nil)
	defer system.Shutdown()

	server, err := actors.Spawn(system, "busy", actors.Config{MaxTransactions: 1, OverloadRetryAfter: 30 * time.Second})
	if err != nil {
		panic(err)
	}
	_ = server.RegisterCore(&silentCore{})
	st, err := server.ListenUDP("127.0.0.1:0", "")
	if err != nil {
		panic(err)
	}
	client, err := actors.Spawn(system, "caller", actors.Config{})
	if err != nil {
		panic(err)
	}
	cc := &silentCore{final: make(chan *message.Message, 2)}
	_ = client.RegisterCore(cc)
	if _, err := client.ListenUDP("127.0.0.1:0", ""); err != nil {
		panic(err)
	}

	uri, _ := message.ParseURI("sip:busy@" + st.Local.String())
	from, _ := message.ParseAddress("<sip:caller@example.com>")
	to, _ := message.ParseAddress("<sip:busy@example.com>")
	for range 2 {
		// Whichever arrives first takes the room.
		if err := client.Send(message.NewRequest(message.MethodOptions, uri, from, to)); err != nil {
			panic(err)
		}
	}
	resp := <-cc.final
	fmt.Println(resp.StatusCode, resp.Reason, "Retry-After:", resp.Headers.Get(message.HeaderRetryAfter))

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_ = client.Shutdown(ctx)
	_ = server.Shutdown(ctx)
	// Output: 503 Service Unavailable Retry-After: 30
}
