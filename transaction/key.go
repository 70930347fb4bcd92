package transaction

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// A Key names a transaction (RFC 3261 §17.1.3, §17.2.3). Keys are
// comparable and make good map keys.
//
// A client key is the branch of the top Via and the CSeq method. A server key
// adds the sent-by of the top Via, since a branch is only unique per sender;
// ACK is keyed as INVITE, so that the ACK for a non-2xx final response finds
// its INVITE transaction. When the branch lacks the magic cookie (an RFC 2543
// peer), Compat holds the fields that RFC 3261 §17.2.3 matches on instead.
type Key struct {
	Branch string
	Method string
	// Host and Port are the sent-by of the top Via (server keys only).
	Host string
	Port int
	// Compat is set for RFC 2543 requests only: Call-ID, From tag, CSeq
	// number and the top Via as written. The Request-URI and To tag of
	// §17.2.3 are left out because a response (which the core hands back to
	// find the transaction) has no Request-URI and has a To tag the request
	// lacked.
	Compat string
}

// String returns "branch|METHOD" for client keys and
// "branch|METHOD|host:port" for server keys.
func (k Key) String() string {
	var b strings.Builder
	b.WriteString(k.Branch)
	b.WriteByte('|')
	b.WriteString(k.Method)
	if k.Host != "" {
		b.WriteByte('|')
		b.WriteString(k.Host)
		if k.Port != 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(k.Port))
		}
	}
	if k.Compat != "" {
		b.WriteString("|rfc2543")
	}
	return b.String()
}

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k == Key{} }

// ClientKey returns the key of the client transaction that sends request m,
// or that response m belongs to (RFC 3261 §17.1.3).
func ClientKey(m *message.Message) (Key, error) {
	via, method, err := keyFields(m)
	if err != nil {
		return Key{}, err
	}
	return Key{Branch: via.Branch(), Method: method}, nil
}

// ServerKey returns the key of the server transaction that request m starts
// or matches, or that response m (built by the core from such a request)
// belongs to (RFC 3261 §17.2.3). ACK is keyed as INVITE.
func ServerKey(m *message.Message) (Key, error) {
	via, method, err := keyFields(m)
	if err != nil {
		return Key{}, err
	}
	if method == message.MethodAck {
		method = message.MethodInvite
	}
	k := Key{Branch: via.Branch(), Method: method, Host: via.Host, Port: via.Port}
	if !strings.HasPrefix(k.Branch, message.MagicCookie) {
		cseq := m.CSeq()
		var tag string
		if from := m.From(); from != nil {
			tag = from.Tag()
		}
		k.Compat = m.CallID() + "\x00" + tag + "\x00" + strconv.FormatUint(uint64(cseq.Seq), 10) + "\x00" + via.String()
	}
	return k, nil
}

// keyFields returns the top Via and the method that keys m: the request's
// method, or the CSeq method of a response.
func keyFields(m *message.Message) (*message.Via, string, error) {
	via := m.TopVia()
	if via == nil {
		return nil, "", fmt.Errorf("%w: Via", message.ErrMissingHeader)
	}
	cseq := m.CSeq()
	if cseq == nil {
		return nil, "", fmt.Errorf("%w: CSeq", message.ErrMissingHeader)
	}
	if m.IsRequest() {
		return via, m.Method, nil
	}
	return via, cseq.Method, nil
}

// pack appends k's packed form to b: the manager's map key for k, a
// quarter of a Key's size. Each string but the last has its length before
// it, so that no two keys pack alike.
func (k Key) pack(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(k.Branch)))
	b = append(b, k.Branch...)
	b = binary.AppendUvarint(b, uint64(len(k.Method)))
	b = append(b, k.Method...)
	b = binary.AppendUvarint(b, uint64(len(k.Host)))
	b = append(b, k.Host...)
	b = binary.AppendUvarint(b, uint64(k.Port))
	return append(b, k.Compat...)
}

// unpackKey returns the Key that packed to s; its strings are parts of s.
func unpackKey(s string) Key {
	var k Key
	k.Branch, s = unpackString(s)
	k.Method, s = unpackString(s)
	k.Host, s = unpackString(s)
	port, n := uvarint(s)
	k.Port = int(port)
	k.Compat = s[n:]
	return k
}

func unpackString(s string) (string, string) {
	l, n := uvarint(s)
	return s[n : n+int(l)], s[n+int(l):]
}

// uvarint is binary.Uvarint for a string.
func uvarint(s string) (uint64, int) {
	var x uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return x, i + 1
		}
	}
	return x, len(s)
}

// detach returns k with its strings in one allocation of their own (a key
// taken from a parsed request points into the request's memory), and that
// allocation as k's packed form.
func (k Key) detach() (Key, string) {
	var buf [128]byte
	id := string(k.pack(buf[:0]))
	return unpackKey(id), id
}
