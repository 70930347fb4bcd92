package message

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPickLayout: the large layout goes to messages with two Via or
// Record-Route lines (in any case, compact or not) that are too long for
// block3072 and that large4864 holds; the auth layout to requests with an
// Authorization or Proxy-Authorization line that are too long for
// block3072 and that auth4864 holds, and to REGISTERs with credentials
// that block3072 would hold; the small one to what smallMessage takes; the
// usual one to the rest.
func TestPickLayout(t *testing.T) {
	// pad gives a message of size bytes: head, then a body of SDP-like
	// lines.
	pad := func(head string, size int) []byte {
		head += "Content-Length: "
		body := size - len(head) - len("0000\r\n\r\n")
		return fmt.Appendf(nil, "%s%04d\r\n\r\n%s", head, body, strings.Repeat("a=x\r\n", body/5+1)[:body])
	}
	const (
		start  = "SIP/2.0 200 OK\r\n"
		via    = "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
		rest   = "To: <sip:b@example.com>;tag=1\r\nFrom: <sip:a@example.com>;tag=2\r\nCall-ID: 1@a\r\nCSeq: 1 INVITE\r\n"
		long   = 1000 // between block3072's room and large4864's
		longer = 1500 // past large4864's room, within auth4864's
		// A request with credentials.
		register = "REGISTER sip:example.com SIP/2.0\r\n"
		creds    = `Authorization: Digest username="a", realm="example.com", nonce="n", uri="sip:example.com", response="0", algorithm=MD5` + "\r\n"
	)
	tests := []struct {
		name string
		data []byte
		want layout
	}{
		{"two Vias", pad(start+via+via+rest, long), layoutLarge},
		{"compact and lower case", pad(start+"v: SIP/2.0/UDP a\r\nvia: SIP/2.0/UDP b\r\n"+rest, long), layoutLarge},
		{"Via and Record-Route", pad(start+via+"RECORD-ROUTE: <sip:p.example.com;lr>\r\n"+rest, long), layoutLarge},
		{"one Via", pad(start+via+rest, long), layoutFull},
		{"Vias in the body", bytes.Replace(pad(start+via+rest, long), []byte("a=x\r\na=x\r\n"), []byte("v:1\r\nv:1\r\n"), 1), layoutFull},
		{"two Vias, short", pad(start+via+via+rest+"Allow: A, B, C, D\r\n", 700), layoutFull},
		{"two Vias, too long", pad(start+via+via+rest, longer), layoutFull},
		{"small", []byte(start + via + rest + "Content-Length: 0\r\n\r\n"), layoutSmall},
		{"credentials", pad(register+via+rest+creds, long), layoutAuth},
		{"proxy credentials, lower case", pad(register+via+rest+"proxy-"+strings.ToLower(creds), long), layoutAuth},
		{"credentials, past large4864's room", pad(register+via+rest+creds, longer), layoutAuth},
		{"credentials and two Vias", pad(register+via+via+rest+creds, long), layoutLarge},
		{"credentials and two Vias, past large4864's room", pad(register+creds+via+via+rest, longer), layoutFull},
		{"credentials, short", pad(register+via+rest+creds, 700), layoutAuth},
		{"credentials, short, not a REGISTER", pad("INVITE sip:b@example.com SIP/2.0\r\n"+via+rest+creds, 700), layoutFull},
		{"credentials, short, in a response", pad(start+via+rest+creds, 700), layoutFull},
		{"credentials, too long", pad(register+via+rest+creds, 2400), layoutFull},
		{"credentials in the body", bytes.Replace(pad(register+via+rest, long), []byte("a=x\r\na=x\r\n"), []byte("Authorization:\r\n"), 1), layoutFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, pickLayout(tt.data))
			checkParse(t, tt.data)
		})
	}
}
