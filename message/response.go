package message

// NewResponse returns a response to the request req with status code code
// (100-699) and reason phrase reason; "" means StatusText(code). It follows
// RFC 3261 §8.2.6.2, for a UAS and for a proxy answering a request itself:
//
//   - every Via value is copied in order, so that the response retraces the
//     path of the request;
//   - From, Call-ID and CSeq are copied;
//   - To is copied, and gets a tag made with NewTag when it has none and code
//     is above 100: a 100 (Trying) never creates a dialog, so it carries no
//     tag of its own;
//   - Record-Route values are copied in responses 101-299 to the requests
//     that can create a dialog, so that the UAC learns the route set
//     (§12.1.1): INVITE, SUBSCRIBE, REFER (RFC 3515) and NOTIFY (which
//     creates the dialog of a subscription when it overtakes the 2xx to the
//     SUBSCRIBE, RFC 6665). Inside a dialog the copy does no harm: the UAC
//     does not update its route set from it (§12.2.1.2);
//   - Timestamp is copied (§8.2.6.1 asks for it in a 100; in other responses
//     it does no harm and lets the UAC measure the round trip).
//
// Headers missing from req are missing from the response: a request that
// passed [Message.Validate] has them all.
//
// The response shares no storage with req, which other actors may be reading
// at the same time; the caller may change it freely.
//
// A UAS sends the same To tag in all the responses to one request except 100
// (§8.2.6.2): after the first, copy its tag with
// resp.To().Params.Set("tag", first.To().Tag()). The core also adds what
// depends on its own role: Contact in responses that create a dialog (§12.1.1),
// Allow, Supported, Unsupported, WWW-Authenticate, a body and so on. No Via is
// added: the transport sends the response where the top Via says (§18.2.2).
func NewResponse(req *Message, code int, reason string) *Message {
	if reason == "" {
		reason = StatusText(code)
	}
	nvia, nrr := req.Headers.Count(HeaderVia), 0
	routes := code > 100 && code < 300 && CreatesDialog(req.Method)
	if routes {
		nrr = req.Headers.Count(HeaderRecordRoute)
	}
	b := newResponseBuilder(nvia, nrr)
	b.copyHeaders(req.Headers, HeaderVia)
	if routes {
		b.copyHeaders(req.Headers, HeaderRecordRoute)
	}
	b.copyHeaders(req.Headers, HeaderFrom)
	if to := req.To(); to != nil {
		if code > 100 && to.Tag() == "" {
			// Room for the tag next to the copied parameters, so that
			// adding it does not move them. A "tag" without a value is no
			// tag (tag-param = "tag" EQUAL token, §25.1): it is replaced.
			to = b.address(to, 1)
			to.Params.Set("tag", b.newTag())
		} else {
			to = b.address(to, 0)
		}
		// The To keeps its form, as the headers copied whole do.
		compact := req.Headers[req.Headers.Index(HeaderTo)].Compact
		b.headers = append(b.headers, Header{Name: HeaderTo, Value: to, Compact: compact})
	}
	b.copyHeaders(req.Headers, HeaderCallID)
	b.copyHeaders(req.Headers, HeaderCSeq)
	b.copyHeaders(req.Headers, HeaderTimestamp)
	resp := &b.block.msg
	resp.StatusCode = code
	resp.Reason = reason
	resp.Version = Version
	resp.Headers = b.headers
	return resp
}

// copyHeaders appends to dst a deep copy of every header of src named name (a
// canonical name), keeping how each was written (compact form, same line).
func copyHeaders(dst, src Headers, name string) Headers {
	for i := range src {
		if h := src[i]; h.matches(name) {
			h.Name = name
			if h.Value != nil {
				h.Value = h.Value.Clone()
			}
			dst = append(dst, h)
		}
	}
	return dst
}
