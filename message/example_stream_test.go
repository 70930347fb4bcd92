package message_test

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// A TCP transport reads messages from its connection one at a time and
// answers RFC 5626 pings; here a string stands for the connection.
func ExampleStreamReader() {
	conn := strings.NewReader("\r\n\r\n" + // a keep-alive ping
		"OPTIONS sip:bob@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/TCP pc33.example.com;branch=z9hG4bK74bf9\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:bob@example.com>\r\n" +
		"From: <sip:alice@example.com>;tag=9fxced76sl\r\n" +
		"Call-ID: 3848276298220188511\r\n" +
		"CSeq: 1 OPTIONS\r\n" +
		"l: 0\r\n" +
		"\r\n" +
		"MESSAGE sip:bob@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/TCP pc33.example.com;branch=z9hG4bK776sgdkse\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:bob@example.com>\r\n" +
		"From: <sip:alice@example.com>;tag=49583\r\n" +
		"Call-ID: asd88asd77a@1.2.3.4\r\n" +
		"CSeq: 2 MESSAGE\r\n" +
		"Content-Type: text/plain\r\n" +
		"Content-Length: 5\r\n" +
		"\r\n" +
		"hello")

	sr := message.NewStreamReader(bufio.NewReader(conn), nil)
	// A real transport would queue a CRLF pong for its writer.
	sr.OnPing = func() { fmt.Println("ping: send CRLF") }
	for {
		m, err := sr.ReadMessage()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("close the connection:", err)
			break
		}
		fmt.Printf("%s %q\n", m.Method, m.Body)
	}
	// Output:
	// ping: send CRLF
	// OPTIONS ""
	// MESSAGE "hello"
}
