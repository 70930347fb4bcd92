package transport_test

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transport"
)

// announcer is a Registrar that also tells when a transport is bound, which
// the example needs to learn the port that port 0 got.
type announcer struct {
	*registry.Registry[string]
	bound chan registry.Transport
}

func (a announcer) AddTransport(t registry.Transport) {
	a.Registry.AddTransport(t)
	a.bound <- t
}

// A UDP transport reads a request, stamps where it came from on its top Via
// (RFC 3261 §18.2.1, RFC 3581 §4), and sends the response back there.
func ExampleNewUDP() {
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}))
	defer sys.Shutdown()

	// The handler stands for the transaction layer: it answers every request.
	handler := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		in, ok := c.Message().(*transport.Incoming)
		if !ok || !in.Message.IsRequest() {
			return
		}
		via := in.Message.TopVia()
		rport, _ := via.RPort()
		fmt.Println(in.Protocol, in.Message.Method, "received="+via.Received(), rport == int(in.Source.Port()))
		resp := message.NewResponse(in.Message, message.StatusOK, "")
		c.Send(in.Transport, &transport.Outgoing{Message: resp})
	}))

	reg := announcer{registry.New[string](), make(chan registry.Transport, 1)}
	udp := sys.Root.Spawn(transport.NewUDP(transport.UDPConfig{
		Addr:     "127.0.0.1:0",
		Handler:  handler,
		Registry: reg,
	}))
	// Stopping closes the socket and waits for the reader goroutine.
	defer func() { _ = sys.Root.StopFuture(udp).Wait() }()
	bound := <-reg.bound

	// A client behind a NAT: its Via names an address it does not send from.
	client, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(bound.Local))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	req := strings.ReplaceAll(`OPTIONS sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport
Max-Forwards: 70
From: <sip:alice@example.com>;tag=1928301774
To: <sip:bob@example.com>
Call-ID: a84b4c76e66710@192.0.2.1
CSeq: 1 OPTIONS
Content-Length: 0

`, "\n", "\r\n")
	if _, err := client.Write([]byte(req)); err != nil {
		fmt.Println(err)
		return
	}

	buf := make([]byte, 65535)
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := client.Read(buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := message.Parse(buf[:n])
	if err != nil {
		fmt.Println(err)
		return
	}
	local := client.LocalAddr().(*net.UDPAddr)
	fmt.Println(resp.StatusCode, resp.Reason, resp.TopVia().Received(), resp.TopVia().Params.Has("rport"),
		strings.Contains(resp.TopVia().String(), "rport="+strconv.Itoa(local.Port)))
	// Output:
	// UDP OPTIONS received=127.0.0.1 true
	// 200 OK 127.0.0.1 true true
}

// A certificate for trying the TLS and WSS transports on loopback; a peer
// trusts it by adding its Leaf to RootCAs.
func ExampleSelfSigned() {
	cert, err := transport.SelfSigned(time.Hour, "127.0.0.1", "localhost")
	if err != nil {
		panic(err)
	}
	fmt.Println(cert.Leaf.IPAddresses, cert.Leaf.DNSNames, cert.Leaf.IsCA)
	// Output: [127.0.0.1] [localhost] true
}
