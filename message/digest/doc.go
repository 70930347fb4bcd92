// Package digest implements SIP Digest authentication (RFC 3261 §22): the
// HTTP Digest scheme of RFC 2617, with the SHA-256 and SHA-512/256
// algorithms of RFC 7616 as SIP adopts them in RFC 8760.
//
// A registrar, UAS or proxy uses a [Server]: [Server.Challenge] builds the 401
// (WWW-Authenticate) or 407 (Proxy-Authenticate) response, and
// [Server.Verify] checks the Authorization or Proxy-Authorization of the
// retried request and returns the user. Nonces are self-verifying (an HMAC
// over their issue time), so servers sharing a secret need no shared state;
// only the nonce-counts seen are kept in memory, to refuse replays.
//
// A UAC answers a challenge with [Authorize], which returns the request to
// send again, or with [Answer], the credentials for one challenge.
//
// SIP computes the digest as HTTP does with the SIP method and Request-URI
// (RFC 3261 §22.4). The algorithms are MD5, SHA-256 and SHA-512-256 and their
// "-sess" variants (RFC 7616 §3.4.2); qop "auth" and "auth-int" (RFC 2617
// §3.2.2.3). A server requires qop, so that every request carries a
// nonce-count; a client still answers RFC 2069 style challenges without
// qop, but with a -sess algorithm. The userhash and charset parameters of RFC 7616 are not supported.
//
// The package imports the standard library and package message only.
package digest
