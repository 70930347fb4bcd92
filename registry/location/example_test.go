package location_test

import (
	"fmt"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry/location"
)

// A registrar answers a REGISTER (RFC 3261 §10.3); a proxy then finds the
// contacts of the Request-URI, highest q-value first.
func Example() {
	store := location.NewMemory(location.MemoryConfig{})
	defer store.Close()
	registrar := &location.Registrar{Store: store}

	req, err := message.Parse([]byte("REGISTER sip:biloxi.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: Bob <sip:bob@biloxi.example.com>\r\n" +
		"From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n" +
		"Call-ID: 843817637684230@998sdasdh09\r\n" +
		"CSeq: 1826 REGISTER\r\n" +
		"Contact: <sip:bob@192.0.2.4>;q=0.5, <sip:bob@192.0.2.5>\r\n" +
		"Expires: 7200\r\n" +
		"Content-Length: 0\r\n\r\n"))
	if err != nil {
		panic(err)
	}
	resp := registrar.Register(req)
	fmt.Println(resp.StatusCode, resp.Reason)
	for c := range resp.Contacts() {
		fmt.Println(c)
	}

	// A proxy for biloxi.example.com receives a request for Bob.
	uri, _ := message.ParseURI("sip:bob@BILOXI.example.com;user=phone")
	aor, _ := location.AOR(uri)
	for _, b := range store.Lookup(aor) {
		fmt.Println(aor, "->", b.Contact.URI.String(), b.Q)
	}
	// Output:
	// 200 OK
	// <sip:bob@192.0.2.5>;expires=7200
	// <sip:bob@192.0.2.4>;q=0.5;expires=7200
	// sip:bob@biloxi.example.com -> sip:bob@192.0.2.5 1000
	// sip:bob@biloxi.example.com -> sip:bob@192.0.2.4 500
}

// AOR gives the key of an address-of-record: URI parameters go and escapes
// are resolved (RFC 3261 §10.3 step 5).
func ExampleAOR() {
	u, _ := message.ParseURI("sip:%62ob@Biloxi.Example.COM;transport=tcp")
	aor, _ := location.AOR(u)
	fmt.Println(aor)
	// Output: sip:bob@biloxi.example.com
}
