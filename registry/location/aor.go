package location

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// ErrNotSIP is returned by AOR for a URI that is neither SIP nor SIPS: an
// address-of-record must be one (RFC 3261 §10.2).
var ErrNotSIP = errors.New("sip: address-of-record is not a SIP or SIPS URI")

// AOR returns the canonical form of the address-of-record u, the key of its
// bindings in a Store (RFC 3261 §10.3 step 5): every URI parameter (user=
// included), the password and the headers are removed and escapes are
// resolved, so that URIs that RFC 3261 §19.1.4 makes equal give the same
// key. The result is "sip:" or "sips:" (SIP and SIPS URIs are never equal),
// the user with only the escapes RFC 3261 §25.1 requires, "@", the host in
// lower case (an IPv6 reference in its RFC 5952 form) and the port if
// present (an absent port differs from 5060).
func AOR(u *message.URI) (string, error) {
	if u == nil || !u.IsSIP() {
		return "", ErrNotSIP
	}
	user, err := message.Unescape(u.User)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotSIP, err)
	}
	host, err := message.Unescape(u.Host)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotSIP, err)
	}
	host = strings.ToLower(host)
	if len(host) > 2 && host[0] == '[' {
		if a, err := netip.ParseAddr(host[1 : len(host)-1]); err == nil {
			host = "[" + a.String() + "]"
		}
	}
	var b strings.Builder
	b.Grow(len(u.Scheme) + len(user) + len(host) + 8)
	b.WriteString(strings.ToLower(u.Scheme))
	b.WriteByte(':')
	if user != "" {
		b.WriteString(message.EscapeUser(user))
		b.WriteByte('@')
	}
	b.WriteString(host)
	if u.Port != 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(u.Port))
	}
	return b.String(), nil
}
