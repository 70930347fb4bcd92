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
