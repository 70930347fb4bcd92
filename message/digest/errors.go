package digest

import "errors"

// Sentinel errors. Verify, Answer and Authorize return errors wrapping one
// of them; the comments on the server's say how a server answers them.
var (
	// ErrNoCredentials reports a request without credentials for the server's
	// realm: challenge it (RFC 3261 §22.1, §22.3).
	ErrNoCredentials = errors.New("sip: digest: no credentials for realm")
	// ErrStaleNonce reports credentials computed with a nonce that the server
	// issued but that has expired: challenge again with stale=true, so that the
	// client retries without asking its user for a password (RFC 7616 §3.3).
	ErrStaleNonce = errors.New("sip: digest: stale nonce")
	// ErrBadNonce reports a nonce the server did not issue (forged, tampered
	// with, or issued under another secret or realm): challenge again.
	ErrBadNonce = errors.New("sip: digest: invalid nonce")
	// ErrReplay reports a nonce-count not above the last one seen with the same
	// nonce: the request is a replay (RFC 7616 §3.4, §5.12) and is refused.
	ErrReplay = errors.New("sip: digest: replayed nonce-count")
	// ErrBadResponse reports a request-digest that does not match: wrong
	// password, or a request changed in transit. Challenge again or answer 403.
	ErrBadResponse = errors.New("sip: digest: wrong response")
	// ErrUnsupportedAlgorithm reports an algorithm the server did not offer or
	// does not know; to a client, one that a challenge cannot be answered
	// with (unknown, or -sess without qop).
	ErrUnsupportedAlgorithm = errors.New("sip: digest: unsupported algorithm")
	// ErrUnknownUser reports a username that the lookup function does not know.
	ErrUnknownUser = errors.New("sip: digest: unknown user")
	// ErrBadCredentials reports credentials that lack a required parameter or
	// carry an unreadable one (a qop that was not offered, a malformed
	// nonce-count, a wrong opaque): answer 400 (Bad Request) or challenge again.
	ErrBadCredentials = errors.New("sip: digest: malformed credentials")
	// ErrURIMismatch reports a digest-uri that is not the Request-URI of the
	// request it authenticates (RFC 2617 §3.2.2.5), unless Server.LooseURI:
	// answer 400 (Bad Request).
	ErrURIMismatch = errors.New("sip: digest: digest-uri does not match Request-URI")
	// ErrNoChallenge reports a response without a Digest challenge that this
	// package can answer.
	ErrNoChallenge = errors.New("sip: digest: no usable challenge")
)
