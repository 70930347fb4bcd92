package message

import (
	"crypto/rand"
	"encoding/base32"
)

// randomEncoding writes random bytes with letters and digits only, which are
// token characters (RFC 3261 §25.1) and word characters, so the results fit a
// branch, a tag and a Call-ID alike. It is read-only.
var randomEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Random bytes behind each identifier; base32 writes 5 bytes as 8 characters.
const (
	branchBytes = 10 // 80 bits, 16 characters
	tagBytes    = 10 // 80 bits, 16 characters
	callIDBytes = 15 // 120 bits, 24 characters
)

// appendRandom appends n random bytes to b in randomEncoding. n is at most 15.
func appendRandom(b []byte, n int) []byte {
	var raw [15]byte
	// crypto/rand.Read never returns an error since Go 1.24: it crashes the
	// program irrecoverably instead of returning predictable bytes.
	rand.Read(raw[:n])
	return randomEncoding.AppendEncode(b, raw[:n])
}

// NewBranch returns a new branch parameter for the Via of a request: the magic
// cookie "z9hG4bK" followed by 80 random bits, so that the branch is unique
// across space and time as RFC 3261 §8.1.1.7 requires. Every client
// transaction needs a fresh one, a stateful proxy's included (§16.6 step 8);
// only a CANCEL and the ACK of a non-2xx response reuse the branch of the
// request they refer to (§9.1, §17.1.1.3). A stateless proxy must not use
// NewBranch: it derives the branch from the request, so that a retransmission
// gets the same one (§16.11).
func NewBranch() string {
	var buf [len(MagicCookie) + 16]byte
	b := append(buf[:0], MagicCookie...)
	return string(appendRandom(b, branchBytes))
}

// NewTag returns a new tag parameter for a From or To header: 80 random bits,
// more than the 32 that RFC 3261 §19.3 requires, written as 16 token
// characters.
func NewTag() string {
	var buf [16]byte
	return string(appendRandom(buf[:0], tagBytes))
}

// NewCallID returns a new Call-ID: 120 random bits written as a word, followed
// by "@" and host when host is not empty (RFC 3261 §8.1.1.4). The random part
// alone makes the Call-ID unique; host only helps people reading traces, and
// must be made of word characters (a host name or an IP address is).
func NewCallID(host string) string {
	b := make([]byte, 0, 24+1+len(host))
	b = appendRandom(b, callIDBytes)
	if host != "" {
		b = append(b, '@')
		b = append(b, host...)
	}
	return string(b)
}
