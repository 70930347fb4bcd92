package message

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTokenListValues: each element of a TokenList counts against
// Limits.MaxValues as a Header per element would (RFC 3261 §7.3.1 makes
// "Allow: A, B" and two Allow lines equivalent), in the fast path and in
// the general parser alike.
func TestTokenListValues(t *testing.T) {
	data := []byte("OPTIONS sip:a.example.com SIP/2.0\r\nAllow: A, B, C\r\nSupported: x, y\r\n\r\n")
	checkParse(t, data)
	for _, general := range []bool{false, true} {
		p := Parser{Limits: Limits{MaxValues: 5}}
		m, err := p.parseInto(data, false, nil, general, layoutAuto)
		require.NoError(t, err, "general %v", general)
		assert.Equal(t, []string{"A", "B", "C"}, slices.Collect(m.Headers.Tokens(HeaderAllow)))
		p.Limits.MaxValues = 4
		_, err = p.parseInto(data, false, nil, general, layoutAuto)
		assert.ErrorIs(t, err, ErrTooManyHeaders, "general %v", general)
	}
}

// TestHeadersTokens: Headers.Tokens flattens the TokenLists of every line
// of a header and the value of a *Token, skips a list kept as *Raw, and
// stops when the loop does.
func TestHeadersTokens(t *testing.T) {
	m := msgParse(t, "OPTIONS sip:a.example.com SIP/2.0\r\nk: timer\r\nSupported: 100rel, path\r\n"+
		"Supported: a;b\r\nSupported:\r\nContent-Length: 0\r\n\r\n")
	assert.Equal(t, []string{"timer", "100rel", "path"}, slices.Collect(m.Headers.Tokens("supported")))
	m.Headers.Add(HeaderSupported, &Token{Value: "gruu"})
	assert.Equal(t, []string{"timer", "100rel", "path", "gruu"}, slices.Collect(m.Headers.Tokens(HeaderSupported)))
	var first []string
	for tok := range m.Headers.Tokens(HeaderSupported) {
		first = append(first, tok)
		if len(first) == 2 {
			break
		}
	}
	assert.Equal(t, []string{"timer", "100rel"}, first)
	assert.Empty(t, slices.Collect(m.Headers.Tokens(HeaderRequire)))
	// Typed nil values, as a program may store them, give nothing.
	hs := Headers{{Name: HeaderAllow, Value: (*TokenList)(nil)}, {Name: HeaderAllow, Value: (*Token)(nil)}}
	assert.Empty(t, slices.Collect(hs.Tokens(HeaderAllow)))
}

// TestTokensCopies: a TokenList built by Tokens or cloned shares no
// backing array with what it came from.
func TestTokensCopies(t *testing.T) {
	methods := []string{MethodInvite, MethodAck}
	l := Tokens(methods...)
	methods[0] = "CHANGED"
	assert.Equal(t, "INVITE, ACK", l.String())
	c := l.Clone().(*TokenList)
	c.Values[1] = "BYE"
	assert.Equal(t, "INVITE, ACK", l.String())
	assert.Nil(t, (&TokenList{}).Clone().(*TokenList).Values)
	assert.Equal(t, []string{}, (&TokenList{Values: []string{}}).Clone().(*TokenList).Values)
}

func ExampleHeaders_Tokens() {
	m, err := Parse([]byte("OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n" +
		"Allow: INVITE, ACK, CANCEL\r\nAllow: BYE\r\nSupported: timer\r\n\r\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(slices.Collect(m.Headers.Tokens(HeaderAllow)))
	fmt.Println(m.Headers.Get(HeaderAllow).(*TokenList).Values)
	// Output:
	// [INVITE ACK CANCEL BYE]
	// [INVITE ACK CANCEL]
}

// TestTokenListRoom: the usual block holds the tokens of a user agent's
// Allow and Supported (here Linphone's twelve methods and four tags), so
// that its INVITE is still one allocation; a list that does not fit the
// room left takes one chunk of its own size, not a copy of the lists
// before it.
func TestTokenListRoom(t *testing.T) {
	head := "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
		"Max-Forwards: 70\r\nTo: <sip:bob@biloxi.example.com>\r\n" +
		"From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\n" +
		"Contact: <sip:alice@192.0.2.101:5060;transport=udp>\r\n" +
		"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, PRACK, UPDATE\r\n"
	fits := []byte(head + "Supported: replaces, outbound, gruu, path\r\nContent-Length: 0\r\n\r\n")
	spills := []byte(head + "Supported: replaces, outbound, gruu, path, timer, 100rel, norefersub\r\nContent-Length: 0\r\n\r\n")
	for _, data := range [][]byte{fits, spills} {
		checkParse(t, data)
		m, err := Parse(data)
		require.NoError(t, err)
		assert.Len(t, slices.Collect(m.Headers.Tokens(HeaderAllow)), 12)
	}
	if raceEnabled() {
		return
	}
	assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() { _, _ = Parse(fits) }))
	assert.Equal(t, 2.0, testing.AllocsPerRun(50, func() { _, _ = Parse(spills) }))
	// The chunk holds Supported's seven tokens (112 bytes, the 112-byte
	// size class), not the sixteen of the block and the seven.
	assert.Less(t, bytesPerParse(spills, 100)-bytesPerParse(fits, 100), uint64(128+64))
}

// TestParseTokenList: the grammar of the list and its bound, on its own.
func TestParseTokenList(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  []string
		err   error
	}{
		{"INVITE", 5, []string{"INVITE"}, nil},
		{"a ,\tb,c", 5, []string{"a", "b", "c"}, nil},
		{"a, b, c", 3, []string{"a", "b", "c"}, nil},
		{"a, b, c", 2, nil, ErrTooManyHeaders},
		{"a", 0, nil, ErrTooManyHeaders},
		{"a", -1, nil, ErrTooManyHeaders}, // never a negative capacity
		{"a,", 5, nil, ErrInvalidHeader},
		{",a", 5, nil, ErrInvalidHeader},
		{"a b", 5, nil, ErrInvalidHeader},
		{"a;p=1", 5, nil, ErrInvalidHeader},
		{`"a"`, 5, nil, ErrInvalidHeader},
		{"<a>", 5, nil, ErrInvalidHeader},
	}
	for _, tt := range tests {
		var sb []string
		got, err := parseTokenList(tt.in, &sb, tt.limit)
		if tt.err != nil {
			assert.ErrorIs(t, err, tt.err, "%q limit %d", tt.in, tt.limit)
			assert.Empty(t, sb, "%q: a failed list stores nothing", tt.in)
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
		assert.Equal(t, len(got), cap(got), "%q: capped at its length", tt.in)
	}
}
