package message

// Limits bound what the parser accepts, so that hostile input costs little.
// The zero value of each field selects its documented default; a negative
// value removes that limit.
type Limits struct {
	// MaxMessageSize bounds a whole message, headers and body (default 65535,
	// the largest UDP datagram payload; RFC 3261 §18.1.1).
	MaxMessageSize int
	// MaxHeaders bounds the number of header field lines (default 256).
	MaxHeaders int
	// MaxLineLength bounds the start line and each header field as received,
	// its line folds included (default 8192 bytes).
	MaxLineLength int
	// MaxVias bounds the number of Via values (default 70, the initial
	// Max-Forwards of RFC 3261 §8.1.1.6: a request cannot legitimately cross more hops).
	MaxVias int
	// MaxURILength bounds every URI (default 4096 bytes).
	MaxURILength int
	// MaxValues bounds the header values of a message: a field counts one,
	// and so does each element of a list field such as Via, Route,
	// Contact, Allow or Supported (default 1024). MaxHeaders alone let
	// 57 KB of "Supported: a,a,a..." parse into 28 000 values and 5 MB
	// (TestListAmplification).
	MaxValues int
	// MaxParams bounds the parameters of a message, those of its header
	// values and of its URIs together (default 1024).
	MaxParams int
}

// Defaults of Limits.
const (
	DefaultMaxMessageSize = 65535
	DefaultMaxHeaders     = 256
	DefaultMaxLineLength  = 8192
	DefaultMaxVias        = 70
	DefaultMaxURILength   = 4096
	DefaultMaxValues      = 1024
	DefaultMaxParams      = 1024
)

func limitOf(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return int(^uint(0) >> 1)
	}
	return v
}

func (l *Limits) maxMessageSize() int { return limitOf(l.MaxMessageSize, DefaultMaxMessageSize) }
func (l *Limits) maxHeaders() int     { return limitOf(l.MaxHeaders, DefaultMaxHeaders) }
func (l *Limits) maxLineLength() int  { return limitOf(l.MaxLineLength, DefaultMaxLineLength) }
func (l *Limits) maxVias() int        { return limitOf(l.MaxVias, DefaultMaxVias) }
func (l *Limits) maxURILength() int   { return limitOf(l.MaxURILength, DefaultMaxURILength) }
func (l *Limits) maxValues() int      { return limitOf(l.MaxValues, DefaultMaxValues) }
func (l *Limits) maxParams() int      { return limitOf(l.MaxParams, DefaultMaxParams) }
