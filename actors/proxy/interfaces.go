package proxy

import "github.com/sippet-go/sippet/message"

// A Target is where a request for an address-of-record goes: a contact
// bound to it (RFC 3261 §10.3, §16.5) and the route set to reach it.
type Target struct {
	// URI is the contact, the Request-URI of the forwarded request (§16.6
	// step 2).
	URI *message.URI
	// Path is the route set registered with the contact (RFC 3327): the
	// forwarded request carries it as Route values, first value on top.
	Path []*message.Address
}

// A Locator is the location service of the proxy's domains (RFC 3261
// §10.3, §16.5). Lookup returns the targets bound to aor, a Request-URI in
// one of the domains. ok is false for an unknown user, which the proxy
// answers 404 (Not Found); ok with no targets is a known user without a
// contact, answered 480 (Temporarily Unavailable). A Locator is called
// from the proxy's core and must be safe for use by other goroutines (a
// Registrar updating it) at the same time.
type Locator interface {
	Lookup(aor *message.URI) (targets []Target, ok bool)
}

// A Registrar handles a REGISTER for one of the proxy's domains (RFC 3261
// §10.3) and returns the response to send, built with message.NewResponse.
type Registrar interface {
	Register(req *message.Message) *message.Message
}

// An Authenticator decides whether a request may go on (RFC 3261 §22):
// it returns nil to let it through, or the response to send instead, a 401
// (Unauthorized) with WWW-Authenticate for a REGISTER, a 407 (Proxy
// Authentication Required) with Proxy-Authenticate otherwise (§22.3), or
// a 403.
type Authenticator interface {
	Authenticate(req *message.Message) (challenge *message.Message)
}
