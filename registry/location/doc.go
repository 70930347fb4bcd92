// Package location is a location service and the registrar that fills it
// (RFC 3261 §10).
//
// A REGISTER binds an address-of-record (AOR), the canonical SIP or SIPS URI
// of a user, to one or more contact addresses at which the user can be
// reached (RFC 3261 §10.1). A Store keeps those bindings; Memory is the
// in-memory Store, which removes each binding when it expires, with a timer,
// whether or not anyone looks it up. A Registrar processes a REGISTER that
// the caller has already authenticated and authorized (RFC 3261 §10.3 steps 3
// and 4) and returns the response to send: it takes the AOR from To (step 5),
// checks the wildcard Contact (step 6), works out each contact's expiration,
// answers 423 (Interval Too Brief) with Min-Expires, applies the Call-ID and
// CSeq ordering rules all or nothing (step 7) and answers 200 (OK) listing
// every current binding with its remaining expiration and a Date (step 8).
//
// Path values (RFC 3327) are stored with each binding, so that a proxy can
// route requests to the contact through the proxies the REGISTER came
// through, and are echoed in the 200 (OK) (RFC 3327 §5.3).
//
// A proxy or redirect server finds the contacts of a Request-URI with
// AOR(uri) and Store.Lookup, highest q-value first (RFC 3261 §16.5, §8.3).
//
// The package needs no actors: a core calls Registrar.Register from its
// ReceiveRequest and sends the response it returns.
package location
