package message_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// validateWire turns an example written with LF line ends into wire form.
func validateWire(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func ExampleMessage_Validate() {
	// Parse accepts this INVITE of RFC 4475 (insuf): it is well-formed, but
	// it lacks To, From, Call-ID and Max-Forwards.
	m, err := message.Parse(validateWire(`INVITE sip:user@example.com SIP/2.0
CSeq: 193942 INVITE
Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf
Content-Length: 0

`))
	if err != nil {
		panic(err)
	}
	err = m.Validate()
	var ve *message.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.StatusCode, ve.Reason())
		fmt.Println(errors.Is(err, message.ErrMissingHeader))
	}
	// Output:
	// 400 missing header (To)
	// true
}

func ExampleRequestPolicy_Check() {
	// A UAS that understands reliable provisional responses only.
	policy := &message.RequestPolicy{
		Supported: []string{"100rel"},
		Methods:   []string{message.MethodInvite, message.MethodAck, message.MethodBye, message.MethodCancel},
	}
	m, err := message.Parse(validateWire(`INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds
Max-Forwards: 70
To: <sip:bob@biloxi.example.com>
From: <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Require: 100rel, timer
Content-Length: 0

`))
	if err != nil {
		panic(err)
	}
	var ve *message.ValidationError
	if errors.As(policy.Check(m), &ve) {
		// The 420 lists the option tags in an Unsupported header (RFC 3261 §8.2.2.3).
		fmt.Println(ve.StatusCode, ve.Reason())
		fmt.Println("Unsupported:", strings.Join(ve.Unsupported, ", "))
	}
	// Output:
	// 420 bad extension (Require)
	// Unsupported: timer
}

func ExampleCheckLoop() {
	// The proxy at proxy.example.com:5060 receives a request that carries its
	// own Via with the branch it computes for this request again: a loop.
	m, err := message.Parse(validateWire(`OPTIONS sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKa1b2c3
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8
Max-Forwards: 69
To: <sip:bob@biloxi.example.com>
From: <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: loop@pc33.atlanta.example.com
CSeq: 1 OPTIONS
Content-Length: 0

`))
	if err != nil {
		panic(err)
	}
	fmt.Println(message.CheckLoop(m, "proxy.example.com", 5060, "z9hG4bKa1b2c3"))
	// Another branch means the request changed on the way: a spiral.
	fmt.Println(message.CheckLoop(m, "proxy.example.com", 5060, "z9hG4bKd4e5f6"))
	// Output:
	// sip: loop detected (Via): proxy.example.com:5060
	// <nil>
}
