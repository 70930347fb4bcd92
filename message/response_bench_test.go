package message_test

import (
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
