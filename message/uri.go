package message

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// A URI is a SIP or SIPS URI (RFC 3261 §19.1), a tel URI (RFC 3966), or any
// other absolute URI, kept opaque.
//
// Every string holds the text as written, %HH escapes included, so that a
// parsed URI is written back byte for byte and parsing needs no copies. Use
// UserUnescaped or Unescape to read decoded text, and EscapeUser to build a
// user part from arbitrary text.
type URI struct {
	Scheme   string // as written ("sip", "SIPS", "tel", "http"); compared case-insensitively
	User     string // sip/sips: user part with %HH escapes as written; tel: the telephone-subscriber number ("+1-201-555-0123" or a local number)
	Password string // sip/sips: password as written ("" when absent)
	Host     string // hostname, IPv4 address, or IPv6 reference WITH its brackets ("[2001:db8::1]") as written
	Port     int    // 0 when absent
	Params   Params // uri-parameters (sip/sips) or tel parameters, values escaped as written
	Headers  Params // sip/sips "?name=value&name=value", escaped as written (Quoted always false)
	Opaque   string // other schemes: everything after "scheme:" as written
}

// Character classes of URI components (RFC 3261 §25.1, RFC 3966 §3). Each
// bit names the component whose grammar admits the byte unescaped.
const (
	uriUser     = 1 << iota // unreserved / user-unreserved
	uriPassword             // unreserved / "&" / "=" / "+" / "$" / ","
	uriParam                // paramchar without escapes: unreserved / param-unreserved
	uriHeader               // hnv-unreserved / unreserved, plus a lenient "@"
	uriISub                 // RFC 3966 uric without ";", which ends the parameter
	uriOpaque               // what an opaque absoluteURI may hold
)

var uriClasses = func() (t [256]uint8) {
	set := func(chars string, class uint8) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] |= class
		}
	}
	const alphanum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	const unreserved = alphanum + "-_.!~*'()"
	set(unreserved, uriUser|uriPassword|uriParam|uriHeader|uriISub)
	set("&=+$,;?/", uriUser)
	set("&=+$,", uriPassword)
	set("[]/:&+$", uriParam)
	// RFC 3261 has no "@" in header values, but some user agents write the
	// Call-ID of a Replaces header unescaped; the user part is split off at
	// the first "@" anyway, so accepting it here is unambiguous.
	set("[]/?:+$@", uriHeader)
	set("/?:@&=+$,[]", uriISub)
	for c := 0x21; c < 0x7f; c++ {
		if c != '<' && c != '>' && c != '"' {
			t[c] |= uriOpaque
		}
	}
	return t
}()

// ParseURI parses a SIP, SIPS, tel or other absolute URI. The URI must stand
// alone: no angle brackets, display name or surrounding white space. Errors
// wrap ErrInvalidURI.
func ParseURI(s string) (*URI, error) {
	// One allocation holds the URI and room for the parameters most URIs
	// have (transport, lr); more spill into a second one.
	b := new(struct {
		uri    URI
		params [2]Param
	})
	pb := b.params[:0]
	if err := parseURI(s, &b.uri, &pb); err != nil {
		return nil, err
	}
	return &b.uri, nil
}

// parseURI parses s into *u. Its parameters and headers are appended to the
// bump buffer *pb, which a message parse shares between all its URIs and
// parameters so that parsing costs no allocation once the buffer has grown;
// u keeps substrings of s. *u must be the zero URI, as every caller's
// freshly allocated one is: zeroing it again would cost a bulk write barrier
// while the garbage collector marks. On error *u is zeroed and *pb left as
// it was.
func parseURI(s string, u *URI, pb *[]Param) error {
	start := len(*pb)
	if n, ok := fastSIPURI(s, u, pb); ok {
		if n == len(s) {
			return nil
		}
		*u = URI{}
	}
	clear((*pb)[start:])
	*pb = (*pb)[:start]
	err := parseURIInto(s, u, pb)
	if err != nil {
		*u = URI{}
		clear((*pb)[start:])
		*pb = (*pb)[:start]
	}
	return err
}

func parseURIInto(s string, u *URI, pb *[]Param) error {
	i := schemeEnd(s)
	if i < 0 {
		return uriError("missing scheme")
	}
	u.Scheme = s[:i]
	rest := s[i+1:]
	switch {
	case isSIPScheme(u.Scheme):
		return parseSIPURI(rest, u, pb)
	case equalFold(u.Scheme, "tel"):
		return parseTelURI(rest, u, pb)
	}
	if rest == "" {
		return uriError("nothing after %q", s)
	}
	if j := invalidURIChar(rest, uriOpaque); j >= 0 {
		return uriCharError(rest, j, "URI")
	}
	u.Opaque = rest
	return nil
}

// schemeEnd returns the index of the ':' that ends the scheme of s, or -1.
// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func schemeEnd(s string) int {
	if s == "" || !isAlpha(s[0]) {
		return -1
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':':
			return i
		case isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.':
		default:
			return -1
		}
	}
	return -1
}

// parseSIPURI parses what follows "sip:" or "sips:":
// [ user [ ":" password ] "@" ] host [ ":" port ] *( ";" uri-parameter ) [ "?" headers ].
//
// The user part may hold ";", "?" and "=", so these cannot tell where it
// ends; but RFC 3261 §25.1 allows a literal "@" nowhere except after the
// userinfo, so the first "@" ends it: "sip:user;par=u%40example.net@example.com"
// has the user "user;par=u%40example.net" (RFC 4475 §3.1.1, semiuri).
func parseSIPURI(s string, u *URI, pb *[]Param) error {
	if at := strings.IndexByte(s, '@'); at >= 0 {
		user, password, _ := strings.Cut(s[:at], ":")
		if user == "" {
			return uriError("empty user part")
		}
		if j := invalidURIChar(user, uriUser); j >= 0 {
			return uriCharError(user, j, "user part")
		}
		if j := invalidURIChar(password, uriPassword); j >= 0 {
			return uriCharError(password, j, "password")
		}
		u.User, u.Password = user, password
		s = s[at+1:]
	}

	if host, port, n := scanHostPort(s); n > 0 {
		u.Host, u.Port = host, port
		s = s[n:]
	} else {
		end := len(s)
		for i := 0; i < len(s); i++ {
			if s[i] == ';' || s[i] == '?' {
				end = i
				break
			}
		}
		host, port, err := parseHostPort(s[:end])
		if err != nil {
			return err
		}
		u.Host, u.Port = host, port
		s = s[end:]
	}

	var err error
	if s != "" && s[0] == ';' {
		params, _, _ := strings.Cut(s[1:], "?")
		if u.Params, err = parseSIPParams(params, pb); err != nil {
			return err
		}
		s = s[len(params)+1:]
	}
	if s != "" { // s[0] is '?'
		if u.Headers, err = parseSIPHeaders(s[1:], pb); err != nil {
			return err
		}
	}
	return nil
}

// scanHostPort reads the common hostport, a hostname or IPv4 address with an
// optional port followed by the end, ";" or "?", in one pass that also checks
// the labels (see validHost), and returns the bytes it took; 0 for anything
// else (an IPv6 reference, an error), which parseHostPort then reads and
// reports on.
func scanHostPort(s string) (host string, port, n int) {
	host, port, n = scanHostPortPrefix(s)
	if n < len(s) && s[n] != ';' && s[n] != '?' {
		return "", 0, 0
	}
	return host, port, n
}

// scanHostPortPrefix is scanHostPort for a hostport at the start of s,
// followed by anything.
func scanHostPortPrefix(s string) (host string, port, n int) {
	i := 0
	start, prev := 0, 0 // the current label and the one before it
	var seen uint8      // the hostClasses bits of the bytes so far
	for {
		// Letters and digits, most of a host.
		for ; uint(i) < uint(len(s)); i++ {
			k := hostClasses[s[i]]
			if k&(hostDigit|hostAlpha) == 0 {
				break
			}
			seen |= k
		}
		if i == len(s) {
			break
		}
		k := hostClasses[s[i]]
		if k == 0 {
			break
		}
		// A label neither starts nor ends with a hyphen.
		if i == start || (k == hostDot && s[i-1] == '-') {
			return "", 0, 0
		}
		if k == hostDot {
			prev, start = start, i+1
		}
		seen |= k
		i++
	}
	// A letter or a hyphen makes a hostname, else an IPv4 address.
	name := seen&(hostAlpha|hostHyphen) != 0
	host = s[:i]
	switch {
	case i == 0:
		return "", 0, 0
	case !name:
		if !validIPv4(host) {
			return "", 0, 0
		}
	default:
		// hostname = *( domainlabel "." ) toplabel [ "." ]: the toplabel
		// starts with a letter and does not end with a hyphen.
		top := start
		if start == i {
			top = prev
		} else if s[i-1] == '-' {
			return "", 0, 0
		}
		if !isAlpha(s[top]) {
			return "", 0, 0
		}
	}
	if i < len(s) && s[i] == ':' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		var ok bool
		if port, ok = parsePort(s[i+1 : j]); !ok {
			return "", 0, 0
		}
		i = j
	}
	return host, port, i
}

// hostClasses sorts the bytes of a hostname or IPv4 address for
// scanHostPortPrefix, one bit each; it is read-only.
var hostClasses = func() (t [256]uint8) {
	for c := range 256 {
		switch b := byte(c); {
		case isDigit(b):
			t[c] = hostDigit
		case isAlpha(b):
			t[c] = hostAlpha
		case b == '-':
			t[c] = hostHyphen
		case b == '.':
			t[c] = hostDot
		}
	}
	return t
}()

// hostClasses bits; 0 is any other byte.
const (
	hostDigit = 1 << iota
	hostAlpha
	hostHyphen
	hostDot
)

// parseHostPort parses host [ ":" port ].
func parseHostPort(s string) (host string, port int, err error) {
	if s == "" {
		return "", 0, uriError("missing host")
	}
	rest := ""
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, uriError("unterminated IPv6 reference %q", s)
		}
		host, rest = s[:end+1], s[end+1:]
		if !validIPv6(host[1:end]) {
			return "", 0, uriError("invalid IPv6 reference %q", host)
		}
	} else {
		host = s
		if i := strings.IndexByte(s, ':'); i >= 0 {
			host, rest = s[:i], s[i:]
		}
		if !validHost(host) {
			return "", 0, uriError("invalid host %q", host)
		}
	}
	if rest == "" {
		return host, 0, nil
	}
	if rest[0] != ':' {
		return "", 0, uriError("unexpected %q after host %q", rest, host)
	}
	port, ok := parsePort(rest[1:])
	if !ok {
		return "", 0, uriError("invalid port %q", rest[1:])
	}
	return host, port, nil
}

// parsePort reads 1*DIGIT in 1..65535. Port 0 is refused: it cannot be
// reached, and Port uses 0 for "absent", which compares differently.
func parsePort(s string) (int, bool) {
	// port = 1*DIGIT (§25.1): leading zeros are allowed, however many.
	n, ok := parseUint(s)
	if !ok || n == 0 || n > 65535 {
		return 0, false
	}
	return n, true
}

// validHost accepts a hostname or an IPv4 address (RFC 3261 §25.1). A host
// of digits and dots only is an IPv4 address, since a toplabel starts with
// a letter.
func validHost(s string) bool {
	// A toplabel starts with a letter, an IPv4 address with a digit: most
	// hosts are told apart by their first byte.
	if s != "" && isAlpha(s[0]) {
		return validHostname(s)
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return validHostname(s)
		}
	}
	return validIPv4(s)
}

// validHostname accepts hostname = *( domainlabel "." ) toplabel [ "." ],
// where labels are alphanumerics and inner hyphens and the toplabel starts
// with a letter.
func validHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return false
	}
	start := 0 // of the current label
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if i == start || s[i-1] == '-' {
				return false
			}
			start = i + 1
			continue
		}
		if charClasses[c]&(classAlpha|classDigit) == 0 && (c != '-' || i == start) {
			return false
		}
	}
	if start == len(s) || s[len(s)-1] == '-' {
		return false
	}
	return isAlpha(s[start])
}

// validIPv4 accepts 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT with
// each number at most 255; leading zeros are allowed, as RFC 3261 writes it.
func validIPv4(s string) bool {
	for part := 0; part < 4; part++ {
		if part > 0 {
			if s == "" || s[0] != '.' {
				return false
			}
			s = s[1:]
		}
		n, i := 0, 0
		for i < len(s) && i < 4 && isDigit(s[i]) {
			n = n*10 + int(s[i]-'0')
			i++
		}
		if i == 0 || i > 3 || n > 255 {
			return false
		}
		s = s[i:]
	}
	return s == ""
}

// validIPv6 checks the inside of an IPv6 reference. Restricting the bytes
// first keeps zones ("%eth0"), which RFC 3261 does not allow, out of
// netip, which then parses without allocating.
func validIPv6(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isHex(c) && c != ':' && c != '.' {
			return false
		}
	}
	_, ok := parseIPv6(s)
	return ok
}

// parseIPv6 parses the inside of an IPv6 reference. netip refuses the
// leading zeros that IPv4address = 1*3DIGIT "." ... allows in the dotted
// tail of hexpart [ ":" IPv4address ] (RFC 3261 §25.1), so the tail is read
// here and netip checks the rest; only such rare references pay for it.
func parseIPv6(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err == nil {
		return a, a.Is6() && a.Zone() == ""
	}
	k := strings.LastIndexByte(s, ':')
	if k < 0 || !strings.Contains(s[k:], ".") || !validIPv4(s[k+1:]) {
		return netip.Addr{}, false
	}
	if a, err = netip.ParseAddr(s[:k+1] + "0.0.0.0"); err != nil || !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	for i, octet := range strings.Split(s[k+1:], ".") {
		n, _ := parseUint(octet)
		b[12+i] = byte(n)
	}
	return netip.AddrFrom16(b), true
}

// parseSIPParams parses uri-parameter *( ";" uri-parameter ), where
// uri-parameter = pname [ "=" pvalue ] and both are 1*paramchar.
func parseSIPParams(s string, pb *[]Param) (Params, error) {
	start := len(*pb)
	for more := true; more; {
		var field string
		field, s, more = strings.Cut(s, ";")
		name, value, hasValue := strings.Cut(field, "=")
		if name == "" {
			return nil, uriError("empty parameter name in %q", field)
		}
		if j := invalidURIChar(name, uriParam); j >= 0 {
			return nil, uriCharError(name, j, "parameter name")
		}
		if hasValue {
			if value == "" {
				return nil, uriError("parameter %q has an empty value", name)
			}
			if j := invalidURIChar(value, uriParam); j >= 0 {
				return nil, uriCharError(value, j, "parameter value")
			}
		}
		p := newParam(pb)
		p.Name, p.Value, p.Quoted = name, value, false
	}
	return (*pb)[start:len(*pb):len(*pb)], nil
}

// parseSIPHeaders parses header *( "&" header ), header = hname "=" hvalue,
// where hname is not empty and hvalue may be.
func parseSIPHeaders(s string, pb *[]Param) (Params, error) {
	start := len(*pb)
	for more := true; more; {
		var field string
		field, s, more = strings.Cut(s, "&")
		name, value, hasValue := strings.Cut(field, "=")
		if name == "" {
			return nil, uriError("empty header name in %q", field)
		}
		if !hasValue {
			return nil, uriError("header %q has no \"=\"", name)
		}
		if j := invalidURIChar(name, uriHeader); j >= 0 {
			return nil, uriCharError(name, j, "header name")
		}
		if j := invalidURIChar(value, uriHeader); j >= 0 {
			return nil, uriCharError(value, j, "header value")
		}
		p := newParam(pb)
		p.Name, p.Value, p.Quoted = name, value, false
	}
	return (*pb)[start:len(*pb):len(*pb)], nil
}

// parseTelURI parses what follows "tel:" (RFC 3966 §3): a global number
// ("+" and digits) or a local number (hex digits, "*" and "#"), either with
// visual separators "-.()", then parameters. RFC 3966 §5.1.5 requires a
// phone-context for a local number, but short codes such as "tel:911" are
// common in the field and harmless to carry, so they are accepted.
func parseTelURI(s string, u *URI, pb *[]Param) error {
	number, params, hasParams := strings.Cut(s, ";")
	if !validTelNumber(number) {
		return uriError("invalid telephone number %q", number)
	}
	u.User = number
	if hasParams {
		var err error
		if u.Params, err = parseTelParams(params, pb); err != nil {
			return err
		}
	}
	return nil
}

// validTelNumber accepts global-number-digits or local-number-digits.
func validTelNumber(s string) bool {
	if s != "" && s[0] == '+' {
		return validPhoneDigits(s[1:], false)
	}
	return validPhoneDigits(s, true)
}

// validPhoneDigits accepts digits and visual separators with at least one
// digit; hex reports whether local-number digits (HEXDIG, "*", "#") count.
func validPhoneDigits(s string, hex bool) bool {
	digits := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits = true
		case isVisualSeparator(c):
		case hex && (isHex(c) || c == '*' || c == '#'):
			digits = true
		default:
			return false
		}
	}
	return digits
}

func isVisualSeparator(c byte) bool { return c == '-' || c == '.' || c == '(' || c == ')' }

// parseTelParams parses the ";"-separated parameters of a tel URI:
// pname = 1*( alphanum / "-" ) with an optional "=" value checked by the
// rule of its name (ext, isub, phone-context) or as 1*paramchar.
func parseTelParams(s string, pb *[]Param) (Params, error) {
	start := len(*pb)
	for more := true; more; {
		var field string
		field, s, more = strings.Cut(s, ";")
		name, value, hasValue := strings.Cut(field, "=")
		if name == "" {
			return nil, uriError("empty parameter name in %q", field)
		}
		for i := 0; i < len(name); i++ {
			if c := name[i]; !isAlpha(c) && !isDigit(c) && c != '-' {
				return nil, uriCharError(name, i, "tel parameter name")
			}
		}
		if err := checkTelValue(name, value, hasValue); err != nil {
			return nil, err
		}
		p := newParam(pb)
		p.Name, p.Value, p.Quoted = name, value, false
	}
	return (*pb)[start:len(*pb):len(*pb)], nil
}

func checkTelValue(name, value string, hasValue bool) error {
	if hasValue && value == "" {
		return uriError("parameter %q has an empty value", name)
	}
	switch {
	case equalFold(name, "ext"):
		// extension = ";ext=" 1*phonedigit
		if !validPhoneDigits(value, false) {
			return uriError("invalid ext %q", value)
		}
	case equalFold(name, "phone-context"):
		// descriptor = domainname / global-number-digits
		var ok bool
		if value != "" && value[0] == '+' {
			ok = validPhoneDigits(value[1:], false)
		} else {
			ok = validHostname(value)
		}
		if !ok {
			return uriError("invalid phone-context %q", value)
		}
	case equalFold(name, "isub"):
		if !hasValue {
			return uriError("isub without a value")
		}
		if j := invalidURIChar(value, uriISub); j >= 0 {
			return uriCharError(value, j, "isub")
		}
	default:
		if j := invalidURIChar(value, uriParam); j >= 0 {
			return uriCharError(value, j, "tel parameter value")
		}
	}
	return nil
}

// invalidURIChar returns the index of the first byte of s that is neither
// in class nor the start of a %HH escape, or -1 when there is none.
func invalidURIChar(s string, class uint8) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriClasses[c]&class != 0 {
			continue
		}
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			i += 2
			continue
		}
		return i
	}
	return -1
}

func uriError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidURI}, args...)...)
}

func uriCharError(s string, i int, where string) error {
	if s[i] == '%' {
		return uriError("invalid escape %q in %s", s[i:min(i+3, len(s))], where)
	}
	return uriError("invalid character %q in %s", s[i], where)
}

func isSIPScheme(s string) bool {
	return s == "sip" || s == "sips" || equalFold(s, "sip") || equalFold(s, "sips")
}

// IsSIP reports whether u is a SIP or SIPS URI.
func (u *URI) IsSIP() bool { return isSIPScheme(u.Scheme) }

// IsSecure reports whether u is a SIPS URI, which requires TLS on every hop
// (RFC 3261 §19.1).
func (u *URI) IsSecure() bool { return equalFold(u.Scheme, "sips") }

func (u *URI) isTel() bool { return equalFold(u.Scheme, "tel") }

// Hostname returns Host without the brackets of an IPv6 reference, the form
// that net.Dial and netip expect.
func (u *URI) Hostname() string {
	h := u.Host
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

// HostPort returns "host:port", or the host alone when the port is absent,
// keeping the brackets of an IPv6 reference.
func (u *URI) HostPort() string {
	if u.Port == 0 {
		return u.Host
	}
	return u.Host + ":" + strconv.Itoa(u.Port)
}

// knownTransports are returned instead of lowercased copies, so that
// Transport does not allocate for "TCP".
var knownTransports = [...]string{"udp", "tcp", "tls", "sctp", "tls-sctp", "ws", "wss"}

// Transport returns the value of the transport parameter in lower case,
// since transport names compare case-insensitively, or "" when absent. The
// name and the value may be written with %HH escapes (paramchar, RFC 3261
// §25.1), as Equal reads them (§19.1.4).
func (u *URI) Transport() string {
	p, ok := findURIParam(u.Params, "transport")
	if !ok {
		return ""
	}
	v := p.Value
	if strings.IndexByte(v, '%') >= 0 {
		if w, err := Unescape(v); err == nil {
			v = w
		}
	}
	for _, t := range knownTransports {
		if equalFold(v, t) {
			return t
		}
	}
	return strings.ToLower(v)
}

// UserUnescaped returns the user part with its %HH escapes decoded, or as
// written if an escape is malformed (possible only in a URI built by hand).
func (u *URI) UserUnescaped() string {
	s, err := Unescape(u.User)
	if err != nil {
		return u.User
	}
	return s
}

// Append appends the text of u to b. A nil u appends nothing.
func (u *URI) Append(b []byte) []byte {
	if u == nil {
		return b
	}
	b = append(b, u.Scheme...)
	b = append(b, ':')
	switch {
	case u.IsSIP():
		if u.User != "" || u.Password != "" {
			b = append(b, u.User...)
			if u.Password != "" {
				b = append(b, ':')
				b = append(b, u.Password...)
			}
			b = append(b, '@')
		}
		b = append(b, u.Host...)
		if u.Port != 0 {
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(u.Port), 10)
		}
		b = appendURIParams(b, u.Params)
		for i, h := range u.Headers {
			if i == 0 {
				b = append(b, '?')
			} else {
				b = append(b, '&')
			}
			b = append(b, h.Name...)
			b = append(b, '=')
			b = append(b, h.Value...)
		}
	case u.isTel():
		b = append(b, u.User...)
		b = appendURIParams(b, u.Params)
	default:
		b = append(b, u.Opaque...)
	}
	return b
}

// appendURIParams writes ";name[=value]"; URI parameters are never quoted,
// so Quoted is ignored.
func appendURIParams(b []byte, ps Params) []byte {
	for _, p := range ps {
		b = append(b, ';')
		b = append(b, p.Name...)
		if p.Value != "" {
			b = append(b, '=')
			b = append(b, p.Value...)
		}
	}
	return b
}

// String returns the text of u; "" for a nil u.
func (u *URI) String() string {
	var buf [128]byte
	return string(u.Append(buf[:0]))
}

// Clone returns a copy of u whose Params and Headers share no storage with
// those of u, so that either can be changed without affecting the other.
func (u *URI) Clone() *URI {
	if u == nil {
		return nil
	}
	c := *u
	c.Params = u.Params.Clone()
	c.Headers = u.Headers.Clone()
	return &c
}

// userChar reports whether EscapeUser leaves c as it is.
func userChar(c byte) bool { return uriClasses[c]&uriUser != 0 }

// EscapeUser returns s with every byte that RFC 3261 §25.1 does not allow
// unescaped in a user part (unreserved and "&=+$,;?/") written as %HH, so
// that any text, including "@", ":" and "%", can be used as User.
func EscapeUser(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !userChar(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if userChar(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&0xf])
		}
	}
	return string(b)
}

// Unescape decodes the %HH escapes of s (RFC 3261 §25.1). It returns s
// itself when there are none; a "%" not followed by two hex digits is an
// error wrapping ErrInvalidURI.
func Unescape(s string) (string, error) {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s, nil
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", uriError("invalid escape %q", s[i:min(i+3, len(s))])
			}
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		}
		b = append(b, c)
	}
	return string(b), nil
}

// unhex returns the value of the hex digit c.
func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
