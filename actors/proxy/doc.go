// Package proxy is a stateful SIP proxy (RFC 3261 §16) with a registrar:
// a Core for an actors.Stack.
//
// A Proxy validates each request (§16.3), preprocesses its route
// information (§16.4), answers what is addressed to it (OPTIONS, REGISTER
// through a Registrar), finds the targets of requests for its domains with
// a Locator (§16.5), forwards the request to each target in parallel
// (§16.6) and sends the best response back (§16.7), cancelling the other
// branches once one answers 2xx or 6xx (§16.7 step 10, §16.10).
//
// The location service, the registrar and the authentication are
// interfaces; Location, the default, is the registrar of RFC 3261 §10.3
// and its bindings from package registry/location, and message/digest
// gives an Authenticator its challenges and checks.
package proxy
