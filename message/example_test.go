package message_test

import (
	"errors"
	"fmt"

	"github.com/sippet-go/sippet/message"
)

func ExampleParse() {
	m, err := message.Parse([]byte("OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:carol@chicago.example.com>\r\n" +
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710\r\n" +
		"CSeq: 63104 OPTIONS\r\n" +
		"Content-Length: 0\r\n\r\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Method, m.RequestURI)
	fmt.Println(m.TopVia().Branch(), m.TopVia().SentBy())
	fmt.Println(m.From().DisplayName(), m.From().Tag())
	fmt.Println(m.CSeq().Seq, m.CSeq().Method)
	// Output:
	// OPTIONS sip:carol@chicago.example.com
	// z9hG4bKhjhs8ass877 pc33.atlanta.example.com
	// Alice 1928301774
	// 63104 OPTIONS
}

func ExampleParseError() {
	_, err := message.Parse([]byte("INVITE sip:bob@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1\r\n" +
		"CSeq: forty-two INVITE\r\n\r\n"))
	var perr *message.ParseError
	if errors.As(err, &perr) {
		fmt.Println(perr.StatusCode(), perr.Line, perr.Header)
		fmt.Println(errors.Is(err, message.ErrInvalidHeader))
	}
	// Output:
	// 400 3 CSeq
	// true
}

func ExampleMessage_Bytes() {
	m, _ := message.Parse([]byte("SIP/2.0 200 OK\r\n" +
		"v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n" +
		"Content-Length: 0\r\n\r\n"))
	m.Body = []byte("hi")
	fmt.Printf("%q\n", m.Bytes())
	// Output:
	// "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\nContent-Length: 2\r\n\r\nhi"
}

func ExampleHeaders_Insert() {
	m, _ := message.Parse([]byte("OPTIONS sip:b@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n\r\n"))
	via, _ := message.ParseVia("SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2")
	m.Headers.Insert(message.HeaderVia, via)
	for v := range m.Vias() {
		fmt.Println(v.Host)
	}
	// Output:
	// proxy.example.com
	// a.example.com
}

// A Parser's Limits bound what hostile input may cost: here a list of three
// Route values against a bound of two values per message.
func ExampleLimits() {
	p := message.Parser{Limits: message.Limits{MaxValues: 2}}
	_, err := p.Parse([]byte("OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n" +
		"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n\r\n"))
	fmt.Println(errors.Is(err, message.ErrTooManyHeaders))
	fmt.Println(err)
	// Output:
	// true
	// sip: too many headers at line 2 (Route): more than 2 header values
}
