package proxy

import (
	"log/slog"
	"time"
)

// DefaultTimeout is the default of Config.Timeout: RFC 3261 §16.6 step 11
// asks for Timer C above 3 minutes.
const DefaultTimeout = 3 * time.Minute

// Config configures a Proxy. The zero value is a proxy for no domain but
// its own addresses, without Record-Route, with an in-memory location
// service and registrar (a new Location), no authentication, no logging and
// Timer C of DefaultTimeout.
type Config struct {
	// Domains are the domains the proxy is responsible for (RFC 3261
	// §16.5): requests whose Request-URI host is one of them (compared
	// without regard to case), or one of the proxy's own addresses, go to
	// the location service, and REGISTERs for them to the registrar.
	Domains []string
	// Self are other names of the proxy, "host" or "host:port" (a name in
	// DNS, a public address), besides the addresses of its transports: a
	// Route or Request-URI naming one of them names the proxy (§16.4).
	Self []string
	// RecordRoute makes the proxy add a Record-Route to the requests that
	// create dialogs (§16.6 step 4), so that the requests inside them come
	// through it.
	RecordRoute bool
	// Locator finds the targets of requests for the domains; nil uses
	// Registrar when it is a Locator too, else a new Location.
	Locator Locator
	// Registrar answers REGISTERs for the domains; nil uses Locator when it
	// is a Registrar too, else a new Location.
	Registrar Registrar
	// Authenticator, when not nil, is asked about REGISTERs for the domains
	// and about requests outside a dialog From a user of the domains.
	Authenticator Authenticator
	// Realm is the realm of the proxy's own challenges: the
	// Proxy-Authorization values for it are removed from the requests it
	// forwards, having been meant for this proxy alone (§22.3).
	Realm string
	// Supported are the option tags the proxy understands in
	// Proxy-Require (§16.3 step 5); any other gets 420.
	Supported []string
	// Timeout is Timer C (§16.6 step 11, §16.8): an INVITE branch without a
	// final response that long after it was sent or after its last
	// provisional response is cancelled (or counted as a 408 when it had no
	// provisional response). Zero means DefaultTimeout; a negative value
	// disables it.
	Timeout time.Duration
	// Logger receives the proxy's logs; nil discards them.
	Logger *slog.Logger
}
