package actors

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// BenchmarkReceivePath times the full receive path of a stack: a datagram
// arrives, is parsed, starts a server transaction, reaches the core, which
// answers 200, and the response is written back. A client socket keeps
// window requests in flight, each with its own branch, so the figure is the
// stack's throughput on loopback, not a round-trip latency.
func BenchmarkReceivePath(b *testing.B) {
	for _, window := range []int{1, 64} {
		b.Run("window="+strconv.Itoa(window), func(b *testing.B) { benchReceive(b, window) })
	}
}

func benchReceive(b *testing.B, window int) {
	system := NewSystem(nil)
	defer system.Shutdown()
	core := &answerCore{}
	s, err := Spawn(system, "bench", Config{})
	if err != nil {
		b.Fatal(err)
	}
	core.stack = s
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	}()
	if err := s.RegisterCore(core); err != nil {
		b.Fatal(err)
	}
	tr, err := s.ListenUDP("127.0.0.1:0", "")
	if err != nil {
		b.Fatal(err)
	}
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(tr.Local))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	local := conn.LocalAddr().String()
	head := "OPTIONS sip:echo@" + tr.Local.String() + " SIP/2.0\r\nVia: SIP/2.0/UDP " + local + ";rport;branch=z9hG4bK"
	tailFmt := "\r\nMax-Forwards: 70\r\nTo: <sip:echo@127.0.0.1>\r\nFrom: <sip:bench@127.0.0.1>;tag=%d\r\nCall-ID: %d@bench\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
	buf := make([]byte, 65535)
	send := func(i int) {
		msg := head + strconv.Itoa(i) + "x" + strconv.FormatInt(time.Now().UnixNano(), 36) + fmt.Sprintf(tailFmt, i, i)
		if _, err := conn.Write([]byte(msg)); err != nil {
			b.Fatal(err)
		}
	}
	recv := func() {
		if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Read(buf); err != nil {
			b.Fatal("no response:", err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	sent := 0
	for ; sent < window && sent < b.N; sent++ {
		send(sent)
	}
	for done := 0; done < b.N; done++ {
		recv()
		if sent < b.N {
			send(sent)
			sent++
		}
	}
}

// answerCore answers every request but ACK with 200.
type answerCore struct{ stack *Stack }

func (c *answerCore) ReceiveRequest(req *message.Message, _ transaction.Key) {
	if req.Method != message.MethodAck {
		_ = c.stack.Send(message.NewResponse(req, message.StatusOK, ""))
	}
}
func (c *answerCore) ReceiveResponse(*message.Message, transaction.Key) {}
func (c *answerCore) ReceiveError(error, transaction.Key)               {}
