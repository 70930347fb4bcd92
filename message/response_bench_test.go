package message_test

import (
	"bytes"
	"testing"

	"github.com/sippet-go/sippet/message"
)

// BenchmarkNewResponse times what a UAS does for each request: a response
// built from it (RFC 3261 §8.2.6), with a To tag added.
func BenchmarkNewResponse(b *testing.B) {
	req, err := message.Parse(readBenchMessage(b, "register.sip"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = message.NewResponse(req, message.StatusOK, "")
	}
}

// BenchmarkNewResponseDialog times the 200 to an INVITE that reached the UAS
// through a record-routing proxy: two Via values and a Record-Route to copy
// (RFC 3261 §12.1.1).
func BenchmarkNewResponseDialog(b *testing.B) {
	req, err := message.Parse(proxiedInvite(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = message.NewResponse(req, message.StatusOK, "")
	}
}

// proxiedInvite returns the bench INVITE as a proxy forwards it: with its Via
// on top, the transport's received and rport in the UAC's, and its
// Record-Route.
func proxiedInvite(tb testing.TB) []byte {
	data := readBenchMessage(tb, "invite.sip")
	data = bytes.Replace(data, []byte(";rport\r\n"), []byte(";rport=5060;received=192.0.2.101\r\n"), 1)
	i := bytes.Index(data, []byte("\r\n")) + 2
	return bytes.Join([][]byte{
		data[:i],
		[]byte("Via: SIP/2.0/UDP proxy.biloxi.example.com;branch=z9hG4bK2d4790.1\r\n"),
		[]byte("Record-Route: <sip:proxy.biloxi.example.com;lr>\r\n"),
		data[i:],
	}, nil)
}

// BenchmarkValidate times the checks a UAS runs on each request (RFC 3261
// §8.2).
func BenchmarkValidate(b *testing.B) {
	req, err := message.Parse(readBenchMessage(b, "register.sip"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
