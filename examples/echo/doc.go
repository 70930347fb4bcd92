// Command echo runs a SIP stack whose core is the UAS of RFC 3261 §8.2 that
// implements OPTIONS only: OPTIONS gets 200 with Allow, Accept and
// Supported (§11.2), the other methods it knows 405 with Allow and those it
// does not 501 (§8.2.1), and the other checks of §8.2 their 481, 416, 420,
// 415, 505 or 400.
//
//	go run ./examples/echo -listen udp:127.0.0.1:5070,tcp:127.0.0.1:5070,tls:127.0.0.1:5071,ws:127.0.0.1:8080,wss:127.0.0.1:8443
//
// It listens on every transport of the stack (RFC 3261 §18, RFC 7118 for
// ws: and wss:); tls: and wss: take -cert and -key, or make a self-signed
// certificate at start. It logs one line when it is ready and stops
// cleanly on SIGINT or SIGTERM.
package main
