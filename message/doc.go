// Package message is the SIP message model: requests and responses, their
// typed headers, URIs, the parser and serializer, validation, builders, and
// stream framing (RFC 3261 §7, §8.1.1, §8.2, §16.3, §16.6, §17.1.1.3, §18.3,
// §19, §20, §25; RFC 3966 for tel URIs; RFC 5626 §3.5.1 keep-alives; RFC 4475
// torture tests).
//
// The package never touches the network and imports only the standard
// library; transports turn bytes into messages with Parse and back with
// Message.Bytes.
//
// # Parsing
//
// Parse copies its input once and every string of the resulting Message is a
// substring of that copy, so parsing allocates a small, fixed number of
// times whatever the number of headers; only the value of a field with a
// line fold or a bare CR, which are white space (RFC 3261 §7.3.1), is copied
// again with a space in their place. Headers keep their order exactly; a
// comma-separated list becomes one Header per value, and a value that was
// written on the line of the previous one is marked Joined so that it is
// written back the same way. The lists of bare tokens (Allow, Supported,
// Require and the like) are one Header per line instead, whose *TokenList
// holds the tokens in order; Headers.Tokens iterates over them. Header
// names are canonicalized for the headers the package knows (compact forms
// included, RFC 3261 §7.3.3) and kept as written for any other header,
// whose value is kept verbatim as *Raw.
//
// Hostile input is bounded by Limits; errors are *ParseError values whose
// StatusCode and Reason give the response a server should send, and which
// wrap sentinels such as ErrInvalidHeader for errors.Is.
//
// # Serializing
//
// Message.Append writes the wire form, and Message.Bytes returns it in a
// buffer of its exact size (Message.Len). Content-Length is always written
// from the body. A CR or LF that a program put in the start line, a header
// name or a value is written as a space, so that no value can add a header
// line (header injection) or end the header block.
//
// # Immutability
//
// Messages travel between actors by pointer. Once a message has been handed
// to another goroutine or actor it must not change: Clone it to make a
// modified copy.
package message
