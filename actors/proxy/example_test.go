package proxy_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sippet-go/sippet/actors"
	"github.com/sippet-go/sippet/actors/proxy"
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// finals hands the final responses a client stack receives to a channel.
type finals chan *message.Message

func (c finals) ReceiveRequest(*message.Message, transaction.Key) {}
func (c finals) ReceiveResponse(resp *message.Message, _ transaction.Key) {
	if resp.StatusCode >= 200 {
		c <- resp
	}
}
func (c finals) ReceiveError(err error, _ transaction.Key) { fmt.Println("error:", err) }

// A proxy for example.com is the core of its stack; a client asks it what
// it supports with an OPTIONS addressed to the proxy itself (RFC 3261 §11,
// §16.5), and asks it for a user nobody registered (404).
func Example() {
	system := actors.NewSystem(nil)
	defer system.Shutdown()

	ps, err := actors.Spawn(system, "proxy", actors.Config{})
	if err != nil {
		panic(err)
	}
	pt, err := ps.ListenUDP("127.0.0.1:0", "")
	if err != nil {
		panic(err)
	}
	p := proxy.New(ps, proxy.Config{Domains: []string{"example.com"}, RecordRoute: true})
	if err := ps.RegisterCore(p); err != nil {
		panic(err)
	}

	cs, err := actors.Spawn(system, "client", actors.Config{})
	if err != nil {
		panic(err)
	}
	got := make(finals, 1)
	_ = cs.RegisterCore(got)
	if _, err := cs.ListenUDP("127.0.0.1:0", ""); err != nil {
		panic(err)
	}

	from, _ := message.ParseAddress("<sip:alice@example.com>")
	for _, target := range []string{"sip:" + pt.Local.String(), "sip:nobody@example.com"} {
		uri, _ := message.ParseURI(target)
		req := message.NewRequest(message.MethodOptions, uri, from, &message.Address{URI: *uri})
		// Through the proxy, whatever the Request-URI says (a preloaded
		// route, RFC 3261 §8.1.2).
		route, _ := message.ParseAddress("<sip:" + pt.Local.String() + ";lr>")
		req.PushRoute(route)
		if err := cs.Send(req); err != nil {
			panic(err)
		}
		resp := <-got
		fmt.Println(resp.StatusCode, resp.Reason)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = cs.Shutdown(ctx)
	_ = ps.Shutdown(ctx)
	// Output:
	// 200 OK
	// 404 Not Found
}
