package message

// Lexical helpers shared by the header and URI parsers (RFC 3261 §25.1).
// Parsed values are substrings of the message, so scanning never allocates.

// charClass bits.
const (
	classToken = 1 << iota // RFC 3261 token
	classSpace             // SP, HT, CR, LF: LWS once folding is taken into account
	classDigit             // DIGIT
	classHex               // HEXDIG
	classAlpha             // ALPHA
	classWord              // RFC 3261 word (Call-ID)
)

// charClasses is a read-only lookup table built once; it holds no state.
var charClasses = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= classToken | classAlpha | classWord
		t[c-'a'+'A'] |= classToken | classAlpha | classWord
	}
	for c := '0'; c <= '9'; c++ {
		t[c] |= classToken | classDigit | classHex | classWord
	}
	for _, c := range "abcdefABCDEF" {
		t[c] |= classHex
	}
	for _, c := range "-.!%*_+`'~" {
		t[c] |= classToken | classWord
	}
	for _, c := range "()<>:\\\"/[]?{}" {
		t[c] |= classWord
	}
	for _, c := range " \t\r\n" {
		t[c] |= classSpace
	}
	return t
}()

func isToken(c byte) bool { return charClasses[c]&classToken != 0 }
func isSpace(c byte) bool { return charClasses[c]&classSpace != 0 }
func isDigit(c byte) bool { return charClasses[c]&classDigit != 0 }
func isHex(c byte) bool   { return charClasses[c]&classHex != 0 }
func isAlpha(c byte) bool { return charClasses[c]&classAlpha != 0 }
func isWord(c byte) bool  { return charClasses[c]&classWord != 0 }

// isTokenString reports whether s is a non-empty RFC 3261 token.
func isTokenString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isToken(s[i]) {
			return false
		}
	}
	return true
}

// trimLWS removes linear white space (including folded line ends) around s.
func trimLWS(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// skipLWS returns the index of the first non-LWS byte of s at or after i.
func skipLWS(s string, i int) int {
	for uint(i) < uint(len(s)) && isSpace(s[i]) {
		i++
	}
	return i
}

// skipToken returns the index just past the token that starts at i.
func skipToken(s string, i int) int {
	for uint(i) < uint(len(s)) && isToken(s[i]) {
		i++
	}
	return i
}

// skipQuoted returns the index just past the quoted-string whose opening quote
// is at s[i], or -1 when the closing quote is missing. Backslash escapes any
// byte (RFC 3261 quoted-pair), including a quote, but CR and LF, which
// neither qdtext nor quoted-pair admit: a line fold inside a quoted string
// was unfolded before, and a bare CR or LF is refused rather than kept, so
// that no value holds a line end (§25.1).
func skipQuoted(s string, i int) int {
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i++; i < len(s) && (s[i] == '\r' || s[i] == '\n') {
				return -1
			}
		case '"':
			return i + 1
		case '\r', '\n':
			return -1
		}
	}
	return -1
}

// nextComma returns the index of the first comma of s at or after i that is
// outside quoted strings and angle brackets, or len(s) when there is none, or
// -1 when a quoted string or an angle bracket is left open.
func nextComma(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ',':
			return i
		case '"':
			if i = skipQuoted(s, i); i < 0 {
				return -1
			}
			continue
		case '<':
			j := i + 1
			for j < len(s) && s[j] != '>' {
				j++
			}
			if j == len(s) {
				return -1
			}
			i = j
		}
		i++
	}
	return len(s)
}

// equalFold reports whether ASCII strings a and b are equal ignoring case;
// SIP names are ASCII, so this avoids the Unicode tables of strings.EqualFold.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x|0x20 != y|0x20 || x|0x20 < 'a' || x|0x20 > 'z' {
			return false
		}
	}
	return true
}

// parseUint reads a decimal number that fits in 32 bits (the range RFC 3261
// gives CSeq, Expires and every delta-seconds) and in an int, which on 32-bit
// platforms is one bit less; leading zeros are allowed.
func parseUint(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > 1<<32-1 {
			return 0, false
		}
	}
	if n > uint64(^uint(0)>>1) {
		return 0, false
	}
	return int(n), true
}
