package message_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// builderPrint prints a message with LF line ends, for examples.
func builderPrint(m *message.Message) {
	fmt.Print(strings.ReplaceAll(m.String(), "\r\n", "\n"))
}

// builderExampleInvite is the INVITE of RFC 3261 §24.2 F1, as received.
func builderExampleInvite() *message.Message {
	req, err := message.Parse([]byte("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: Bob <sip:bob@biloxi.example.com>\r\n" +
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710\r\n" +
		"CSeq: 314159 INVITE\r\n" +
		"Contact: <sip:alice@pc33.atlanta.example.com>\r\n" +
		"Content-Length: 0\r\n\r\n"))
	if err != nil {
		panic(err)
	}
	return req
}

func ExampleNewBranch() {
	branch := message.NewBranch()
	fmt.Println(strings.HasPrefix(branch, message.MagicCookie), len(branch))
	// Output: true 23
}

func ExampleNewTag() {
	fmt.Println(len(message.NewTag()))
	// Output: 16
}

func ExampleNewCallID() {
	id := message.NewCallID("pc33.atlanta.example.com")
	word, host, _ := strings.Cut(id, "@")
	fmt.Println(len(word), host)
	// Output: 24 pc33.atlanta.example.com
}

func ExampleNewResponse() {
	req := builderExampleInvite()

	resp := message.NewResponse(req, message.StatusRinging, "")
	// The UAS core adds its Contact; later responses to this INVITE reuse
	// the To tag of this one.
	contact, _ := message.ParseAddress("<sip:bob@192.0.2.4>")
	resp.Headers.Add(message.HeaderContact, contact)

	tag := resp.To().Tag()
	fmt.Println("tag:", len(tag), "characters")
	fmt.Print(strings.ReplaceAll(strings.ReplaceAll(resp.String(), tag, "TAG"), "\r\n", "\n"))
	// Output:
	// tag: 16 characters
	// SIP/2.0 180 Ringing
	// Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1
	// From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
	// To: Bob <sip:bob@biloxi.example.com>;tag=TAG
	// Call-ID: a84b4c76e66710
	// CSeq: 314159 INVITE
	// Contact: <sip:bob@192.0.2.4>
	// Content-Length: 0
}

func ExampleNewRequest() {
	uri, _ := message.ParseURI("sip:bob@biloxi.example.com")
	from, _ := message.ParseAddress("Alice <sip:alice@atlanta.example.com>")
	to, _ := message.ParseAddress("Bob <sip:bob@biloxi.example.com>")

	req := message.NewRequest(message.MethodInvite, uri, from, to)
	// The client transaction and the transport add the Via.
	req.PushVia(&message.Via{Transport: "UDP", Host: "pc33.atlanta.example.com",
		Params: message.Params{{Name: "branch", Value: message.NewBranch()}}})

	fmt.Println(req.TopVia().Branch()[:len(message.MagicCookie)], len(req.From().Tag()), len(req.CallID()))
	s := req.String()
	for _, random := range []string{req.TopVia().Branch(), req.From().Tag(), req.CallID()} {
		s = strings.ReplaceAll(s, random, "RANDOM")
	}
	fmt.Print(strings.ReplaceAll(s, "\r\n", "\n"))
	// Output:
	// z9hG4bK 16 24
	// INVITE sip:bob@biloxi.example.com SIP/2.0
	// Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=RANDOM
	// Max-Forwards: 70
	// To: Bob <sip:bob@biloxi.example.com>
	// From: Alice <sip:alice@atlanta.example.com>;tag=RANDOM
	// Call-ID: RANDOM
	// CSeq: 1 INVITE
	// Content-Length: 0
}

func ExampleNewAck() {
	invite := builderExampleInvite()
	resp := message.NewResponse(invite, message.StatusBusyHere, "")
	resp.To().Params.Set("tag", "a6c85cf")

	ack, err := message.NewAck(invite, resp)
	if err != nil {
		panic(err)
	}
	builderPrint(ack)

	_, err = message.NewAck(invite, message.NewResponse(invite, message.StatusOK, ""))
	fmt.Println(errors.Is(err, message.ErrAckNotAllowed))
	// Output:
	// ACK sip:bob@biloxi.example.com SIP/2.0
	// Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1
	// Max-Forwards: 70
	// To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf
	// From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
	// Call-ID: a84b4c76e66710
	// CSeq: 314159 ACK
	// Content-Length: 0
	//
	// true
}

func ExampleNewCancel() {
	cancel, err := message.NewCancel(builderExampleInvite())
	if err != nil {
		panic(err)
	}
	builderPrint(cancel)

	_, err = message.NewCancel(cancel)
	fmt.Println(err)
	// Output:
	// CANCEL sip:bob@biloxi.example.com SIP/2.0
	// Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1
	// Max-Forwards: 70
	// To: Bob <sip:bob@biloxi.example.com>
	// From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
	// Call-ID: a84b4c76e66710
	// CSeq: 314159 CANCEL
	// Content-Length: 0
	//
	// sip: CANCEL not allowed: CANCEL cannot be cancelled
}

// A proxy forwards a request (RFC 3261 §16.6) on its own copy, then strips
// its Via from the response (§16.7).
func ExampleMessage_PushVia() {
	received := builderExampleInvite()

	fwd := received.Clone()
	if _, err := fwd.DecrementMaxForwards(); err != nil {
		// Answer 483 (Too Many Hops).
		return
	}
	rr, _ := message.ParseAddress("<sip:p1.example.com;lr>")
	fwd.PushRecordRoute(rr)
	fwd.PushVia(&message.Via{Transport: "TCP", Host: "p1.example.com",
		Params: message.Params{{Name: "branch", Value: "z9hG4bKp1a"}}})
	builderPrint(fwd)

	resp := message.NewResponse(fwd, message.StatusTrying, "")
	fmt.Println("popped:", resp.PopVia())
	// Output:
	// INVITE sip:bob@biloxi.example.com SIP/2.0
	// Via: SIP/2.0/TCP p1.example.com;branch=z9hG4bKp1a
	// Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1
	// Record-Route: <sip:p1.example.com;lr>
	// Max-Forwards: 69
	// To: Bob <sip:bob@biloxi.example.com>
	// From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
	// Call-ID: a84b4c76e66710
	// CSeq: 314159 INVITE
	// Contact: <sip:alice@pc33.atlanta.example.com>
	// Content-Length: 0
	//
	// popped: SIP/2.0/TCP p1.example.com;branch=z9hG4bKp1a
}

func ExampleMessage_DecrementMaxForwards() {
	req := builderExampleInvite()
	req.Headers.Set(message.HeaderMaxForwards, &message.Number{Value: 0})

	_, err := req.DecrementMaxForwards()
	var verr *message.ValidationError
	if errors.As(err, &verr) {
		fmt.Println(verr.StatusCode, errors.Is(err, message.ErrTooManyHops))
	}
	// Output: 483 true
}

func ExampleURI_IsLooseRouter() {
	for _, s := range []string{"sip:p1.example.com;lr", "sip:p2.example.com"} {
		u, _ := message.ParseURI(s)
		fmt.Println(s, u.IsLooseRouter())
	}
	// Output:
	// sip:p1.example.com;lr true
	// sip:p2.example.com false
}
