// Command proxy runs a registrar (RFC 3261 §10.3, RFC 3327) and stateful
// proxy (§16) for a domain: users REGISTER their contacts, and requests for
// them are forwarded to every contact in parallel, the best response going
// back (§16.7); requests for other domains are forwarded by their
// Request-URI and Route.
//
//	go run ./examples/proxy
//	go run ./examples/proxy -domain example.com -listen udp:0.0.0.0:5060,tcp:0.0.0.0:5060 -users users.txt
//
// On its defaults it serves the domain localhost on udp:127.0.0.1:5060 and
// tcp:127.0.0.1:5060, keeps the bindings in memory and record-routes. With
// -users (user:password lines), REGISTERs and calls from users of the
// domain need digest credentials (§22, RFC 7616, RFC 8760; -digest lists
// the algorithms offered). It logs one line when it is ready and stops
// cleanly on SIGINT or SIGTERM.
package main
