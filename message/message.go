package message

import "iter"

// Methods of RFC 3261 and its extensions.
const (
	MethodAck       = "ACK"
	MethodBye       = "BYE"
	MethodCancel    = "CANCEL"
	MethodInfo      = "INFO"
	MethodInvite    = "INVITE"
	MethodMessage   = "MESSAGE"
	MethodNotify    = "NOTIFY"
	MethodOptions   = "OPTIONS"
	MethodPrack     = "PRACK"
	MethodPublish   = "PUBLISH"
	MethodRefer     = "REFER"
	MethodRegister  = "REGISTER"
	MethodSubscribe = "SUBSCRIBE"
	MethodUpdate    = "UPDATE"
)

// Version is the only SIP version this package speaks (RFC 3261 §7.1).
const Version = "SIP/2.0"

// A Message is a SIP request or response (RFC 3261 §7).
//
// A request has a Method and a RequestURI; a response has a StatusCode. The
// message model never touches the network: transports turn bytes into
// Messages with Parse and back with Bytes.
//
// A Message handed to another goroutine or actor must not be changed any more;
// Clone it first. Strings in a parsed message share one buffer with each other
// (but the values that were unfolded), never with the caller's input (but
// with the input given to ParseOwned).
type Message struct {
	// Method is the request method ("INVITE"); "" for a response.
	Method string
	// RequestURI is the Request-URI; nil for a response.
	RequestURI *URI
	// StatusCode is the response status code; 0 for a request.
	StatusCode int
	// Reason is the response's reason phrase.
	Reason string
	// Version is the SIP-Version as written; "" means SIP/2.0 on output.
	// Validate answers 505 for anything but SIP/2.0.
	Version string
	// Headers are the header fields in message order.
	Headers Headers
	// Body is the message body. Content-Length is always written from its
	// length in bytes, whatever the headers say.
	Body []byte
}

// IsRequest reports whether m is a request.
func (m *Message) IsRequest() bool { return m.Method != "" }

// IsResponse reports whether m is a response.
func (m *Message) IsResponse() bool { return m.Method == "" }

// TopVia returns the first Via value, or nil.
func (m *Message) TopVia() *Via {
	for i := range m.Headers {
		if m.Headers[i].matches(HeaderVia) {
			v, _ := m.Headers[i].Value.(*Via)
			return v
		}
	}
	return nil
}

// Vias iterates over the Via values, top first.
func (m *Message) Vias() iter.Seq[*Via] { return typed[Via](m.Headers, HeaderVia) }

// From returns the From value, or nil.
func (m *Message) From() *Address { return first[*Address](m.Headers, HeaderFrom) }

// To returns the To value, or nil.
func (m *Message) To() *Address { return first[*Address](m.Headers, HeaderTo) }

// CallID returns the Call-ID, or "".
func (m *Message) CallID() string {
	if t := first[*Text](m.Headers, HeaderCallID); t != nil {
		return t.Value
	}
	return ""
}

// CSeq returns the CSeq value, or nil.
func (m *Message) CSeq() *CSeq { return first[*CSeq](m.Headers, HeaderCSeq) }

// MaxForwards returns the Max-Forwards value and whether it is present.
func (m *Message) MaxForwards() (int, bool) {
	if n := first[*Number](m.Headers, HeaderMaxForwards); n != nil {
		return n.Value, true
	}
	return 0, false
}

// Expires returns the Expires value and whether it is present with a number
// (an Expires that Parse kept as *Raw gives false).
func (m *Message) Expires() (int, bool) {
	if n := first[*Number](m.Headers, HeaderExpires); n != nil {
		return n.Value, true
	}
	return 0, false
}

// ContentType returns the Content-Type value, or nil.
func (m *Message) ContentType() *MediaType { return first[*MediaType](m.Headers, HeaderContentType) }

// Contacts iterates over the Contact values.
func (m *Message) Contacts() iter.Seq[*Address] { return typed[Address](m.Headers, HeaderContact) }

// Routes iterates over the Route values, top first.
func (m *Message) Routes() iter.Seq[*Address] { return typed[Address](m.Headers, HeaderRoute) }

// RecordRoutes iterates over the Record-Route values, top first.
func (m *Message) RecordRoutes() iter.Seq[*Address] {
	return typed[Address](m.Headers, HeaderRecordRoute)
}

// first returns the first value of the header named name (canonical) if it
// has type T.
func first[T Value](hs Headers, name string) T {
	var zero T
	for i := range hs {
		if hs[i].matches(name) {
			v, _ := hs[i].Value.(T)
			return v
		}
	}
	return zero
}

// typed iterates over the values of the header named name (canonical) that
// have type P, skipping nil pointers, which a program may have set.
func typed[T any, P interface {
	*T
	Value
}](hs Headers, name string) iter.Seq[P] {
	return func(yield func(P) bool) {
		for i := range hs {
			if !hs[i].matches(name) {
				continue
			}
			if v, ok := hs[i].Value.(P); ok && v != nil && !yield(v) {
				return
			}
		}
	}
}
