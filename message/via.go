package message

import (
	"fmt"
	"strconv"
)

// Via is one Via value (RFC 3261 §20.42): the transport and sent-by of one hop.
type Via struct {
	Protocol  string // protocol name, "SIP" when empty
	Version   string // protocol version, "2.0" when empty
	Transport string // "UDP", "TCP", "TLS", "SCTP", "WS", "WSS", ... as written
	Host      string // hostname, IPv4 address, or IPv6 reference with brackets
	Port      int    // 0 when absent
	Params    Params
}

// MagicCookie starts every branch that follows RFC 3261 §8.1.1.7.
const MagicCookie = "z9hG4bK"

func (v *Via) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = appendOr(b, v.Protocol, "SIP")
	b = append(b, '/')
	b = appendOr(b, v.Version, "2.0")
	b = append(b, '/')
	b = append(b, v.Transport...)
	b = append(b, ' ')
	b = append(b, v.Host...)
	if v.Port != 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(v.Port), 10)
	}
	return appendParams(b, v.Params, ';')
}

func appendOr(b []byte, s, def string) []byte {
	if s == "" {
		return append(b, def...)
	}
	return append(b, s...)
}

func (v *Via) String() string { return string(v.Append(nil)) }
func (v *Via) Clone() Value   { return v.clone() }

func (v *Via) clone() *Via {
	if v == nil {
		return nil
	}
	c := *v
	c.Params = v.Params.Clone()
	return &c
}

// Branch returns the branch parameter, or "".
func (v *Via) Branch() string {
	s, _ := v.Params.Get("branch")
	return s
}

// SentBy returns "host:port", or "host" when the port is absent.
func (v *Via) SentBy() string {
	if v.Port == 0 {
		return v.Host
	}
	return v.Host + ":" + strconv.Itoa(v.Port)
}

// Received returns the received parameter (RFC 3261 §18.2.1), or "".
func (v *Via) Received() string {
	s, _ := v.Params.Get("received")
	return s
}

// RPort returns the port of the rport parameter (RFC 3581), 0 when the
// parameter has no valid value, and whether the parameter is present.
func (v *Via) RPort() (port int, present bool) {
	s, ok := v.Params.Get("rport")
	if !ok || s == "" {
		return 0, ok
	}
	n, valid := parseUint(s)
	if !valid || n > 65535 {
		return 0, true
	}
	return n, true
}

// IsReliable reports whether the transport is a stream (not UDP), which
// changes the transaction timers (RFC 3261 §17).
func (v *Via) IsReliable() bool {
	return !equalFold(v.Transport, "UDP")
}

// parseVia reads one via-parm: sent-protocol LWS sent-by *( SEMI via-params ).
// SWS is allowed around the slashes and the colon (RFC 4475 wsinv).
func parseVia(s string, v *Via, pb *[]Param) error {
	s = trimLWS(s)
	var part [3]string
	i := 0
	for n := range part {
		j := skipToken(s, i)
		if j == i {
			return fmt.Errorf("%w: Via sent-protocol is not name/version/transport", ErrInvalidHeader)
		}
		part[n] = s[i:j]
		i = skipLWS(s, j)
		if n < 2 {
			if i >= len(s) || s[i] != '/' {
				return fmt.Errorf("%w: Via sent-protocol is not name/version/transport", ErrInvalidHeader)
			}
			i = skipLWS(s, i+1)
		} else if i == j && i < len(s) {
			return fmt.Errorf("%w: Via needs white space after the transport", ErrInvalidHeader)
		}
	}
	host, port, next, err := parseSentBy(s, i)
	if err != nil {
		return err
	}
	ps, err := parseParams(s[next:], pb)
	if err != nil {
		return err
	}
	if err := checkViaParams(ps); err != nil {
		return err
	}
	// Field by field: copying a whole Via costs a bulk write barrier while
	// the garbage collector marks.
	v.Protocol, v.Version, v.Transport = part[0], part[1], part[2]
	v.Host, v.Port, v.Params = host, port, ps
	return nil
}

// checkViaParams enforces the grammar of the Via parameters that routing
// relies on (RFC 3261 §20.42, RFC 3581).
func checkViaParams(ps Params) error {
	for _, p := range ps {
		switch {
		case equalFold(p.Name, "branch") && (p.Value == "" || p.Quoted):
			return fmt.Errorf("%w: Via branch must be a token", ErrInvalidHeader)
		case equalFold(p.Name, "rport") && p.Value != "":
			if n, ok := parseUint(p.Value); !ok || n > 65535 {
				return fmt.Errorf("%w: Via rport %q is not a port", ErrInvalidHeader, p.Value)
			}
		case equalFold(p.Name, "ttl"):
			if n, ok := parseUint(p.Value); !ok || n > 255 {
				return fmt.Errorf("%w: Via ttl %q is not 0-255", ErrInvalidHeader, p.Value)
			}
		}
	}
	return nil
}

// parseSentBy reads host [ COLON port ] at s[i] and returns the index after it.
func parseSentBy(s string, i int) (host string, port, next int, err error) {
	j := i
	if j < len(s) && s[j] == '[' {
		for j < len(s) && s[j] != ']' {
			j++
		}
		// IPv6reference = "[" IPv6address "]" (RFC 3261 §25.1), as in a URI.
		if j == len(s) || !validIPv6(s[i+1:j]) {
			return "", 0, 0, fmt.Errorf("%w: bad IPv6 reference in %q", ErrInvalidHeader, clip(s[i:]))
		}
		j++
	} else {
		for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || s[j] == '-' || s[j] == '.' || s[j] == '_') {
			j++
		}
	}
	if j == i {
		return "", 0, 0, fmt.Errorf("%w: missing host", ErrInvalidHeader)
	}
	host = s[i:j]
	k := skipLWS(s, j)
	if k < len(s) && s[k] == ':' {
		k = skipLWS(s, k+1)
		e := k
		for e < len(s) && isDigit(s[e]) {
			e++
		}
		n, ok := parseUint(s[k:e])
		if !ok || n > 65535 || n == 0 {
			return "", 0, 0, fmt.Errorf("%w: bad port in %q", ErrInvalidHeader, s[i:])
		}
		return host, n, e, nil
	}
	return host, 0, j, nil
}

// ParseVia parses one Via value ("SIP/2.0/UDP host;branch=z9hG4bK...").
func ParseVia(s string) (*Via, error) {
	// One allocation holds the Via and room for the parameters most Vias
	// have (branch, received, rport); more spill into a second one.
	b := new(struct {
		via    Via
		params [3]Param
	})
	pb := b.params[:0]
	if err := parseVia(s, &b.via, &pb); err != nil {
		return nil, err
	}
	return &b.via, nil
}
