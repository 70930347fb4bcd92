package location

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// newRegister parses a REGISTER for sip:bob@biloxi.example.com (RFC 3665
// §2.1) with the given Call-ID, CSeq and extra header lines.
func newRegister(t *testing.T, callID string, cseq uint32, extra ...string) *message.Message {
	t.Helper()
	var b strings.Builder
	b.WriteString("REGISTER sip:biloxi.example.com SIP/2.0\r\n")
	b.WriteString("Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n")
	b.WriteString("Max-Forwards: 70\r\n")
	b.WriteString("To: Bob <sip:bob@biloxi.example.com>\r\n")
	b.WriteString("From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n")
	fmt.Fprintf(&b, "Call-ID: %s\r\n", callID)
	fmt.Fprintf(&b, "CSeq: %d REGISTER\r\n", cseq)
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	m, err := message.Parse([]byte(b.String()))
	require.NoError(t, err)
	return m
}

// contactsOf returns each Contact of resp as "uri expires".
func contactsOf(resp *message.Message) []string {
	var out []string
	for c := range resp.Contacts() {
		e, _ := c.Params.Get("expires")
		out = append(out, c.URI.String()+" "+e)
	}
	return out
}

func contactURIs(bs []Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Contact.URI.String())
	}
	return out
}

const bobAOR = "sip:bob@biloxi.example.com"
