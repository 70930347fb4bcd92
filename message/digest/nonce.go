package digest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// A nonce is base64url(issued || random || mac): issued is the issue time in
// Unix nanoseconds (8 bytes, big endian), random makes every nonce unique so
// that nonce-counts can be tracked per nonce, and mac is HMAC-SHA-256 over
// both and the realm under Server.Secret, truncated. The server verifies a
// nonce and learns its age without keeping any state (RFC 7616 §3.3, §5.4).
const (
	nonceTimeLen   = 8
	nonceRandomLen = 12
	nonceMACLen    = 16
	nonceLen       = nonceTimeLen + nonceRandomLen + nonceMACLen
)

// nonceSkew is how far in the future a nonce's issue time may lie: servers
// sharing a Secret may have slightly different clocks.
const nonceSkew = 5 * time.Second

var nonceEncoding = base64.RawURLEncoding

func (s *Server) newNonce(now time.Time) string {
	var b [nonceLen]byte
	binary.BigEndian.PutUint64(b[:nonceTimeLen], uint64(now.UnixNano()))
	rand.Read(b[nonceTimeLen : nonceTimeLen+nonceRandomLen])
	copy(b[nonceTimeLen+nonceRandomLen:], s.nonceMAC(b[:nonceTimeLen+nonceRandomLen]))
	return nonceEncoding.EncodeToString(b[:])
}

func (s *Server) nonceMAC(data []byte) []byte {
	m := hmac.New(sha256.New, s.secret())
	m.Write(data)
	m.Write([]byte{0})
	m.Write([]byte(s.Realm))
	return m.Sum(nil)[:nonceMACLen]
}

// checkNonce returns the issue time of nonce, or an error wrapping
// ErrBadNonce (not ours) or ErrStaleNonce (ours, but older than the
// lifetime).
func (s *Server) checkNonce(nonce string, now time.Time) (time.Time, error) {
	if nonceEncoding.DecodedLen(len(nonce)) != nonceLen {
		return time.Time{}, ErrBadNonce
	}
	b, err := nonceEncoding.DecodeString(nonce)
	if err != nil || len(b) != nonceLen {
		return time.Time{}, ErrBadNonce
	}
	if !hmac.Equal(b[nonceTimeLen+nonceRandomLen:], s.nonceMAC(b[:nonceTimeLen+nonceRandomLen])) {
		return time.Time{}, ErrBadNonce
	}
	issued := time.Unix(0, int64(binary.BigEndian.Uint64(b[:nonceTimeLen])))
	if issued.After(now.Add(nonceSkew)) {
		return time.Time{}, ErrBadNonce
	}
	if now.Sub(issued) > s.lifetime() {
		return issued, ErrStaleNonce
	}
	return issued, nil
}
