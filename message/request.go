package message

import "fmt"

// InitialMaxForwards is the Max-Forwards a request starts with (RFC 3261
// §8.1.1.6) and the value a proxy adds when a request has none (§16.6 step 3).
const InitialMaxForwards = 70

// NewRequest returns a new request outside any dialog, as a UAC core starts
// it (RFC 3261 §8.1.1): Request-URI uri; To to; From from with a new tag from
// NewTag unless it already has one (§8.1.1.3); a new Call-ID from NewCallID
// (§8.1.1.4); CSeq 1 method (§8.1.1.5); Max-Forwards 70 (§8.1.1.6). uri, from
// and to must not be nil; the request keeps copies of them.
//
// The request has no Via: the client transaction pushes one with a branch
// from NewBranch (PushVia), and the transport fills in its sent-by, which
// only it knows (§8.1.1.7, §18.1.1). Contact (mandatory in an INVITE,
// §8.1.1.8), Route from a preloaded route set, Supported, the body and its
// Content-Type are the caller's to add. Requests inside a dialog take their
// To tag, Call-ID, CSeq and route set from the dialog (§12.2.1.1): set them on
// the result.
func NewRequest(method string, uri *URI, from, to *Address) *Message {
	from = from.clone()
	if from.Tag() == "" { // a "tag" without a value is no tag (§25.1)
		from.Params.Set("tag", NewTag())
	}
	return &Message{
		Method:     method,
		RequestURI: uri.Clone(),
		Version:    Version,
		Headers: Headers{
			{Name: HeaderMaxForwards, Value: &Number{Value: InitialMaxForwards}},
			{Name: HeaderTo, Value: to.clone()},
			{Name: HeaderFrom, Value: from},
			{Name: HeaderCallID, Value: &Text{Value: NewCallID("")}},
			{Name: HeaderCSeq, Value: &CSeq{Seq: 1, Method: method}},
		},
	}
}

// NewAck returns the ACK that a client transaction sends for a non-2xx final
// response to an INVITE (RFC 3261 §17.1.1.3): the Request-URI, Call-ID and
// From of the INVITE, the To of the response (with the tag the UAS added), the
// CSeq number of the INVITE with method ACK, a single Via equal to the top Via
// of the INVITE (so that the ACK matches the server transaction, §17.2.3), the
// Route values of the INVITE, and Max-Forwards 70. invite must be the request
// as the transaction sent it.
//
// The ACK of a 2xx is a new transaction that the UAC core builds from the
// dialog (§13.2.2.4); NewAck refuses 1xx and 2xx responses with an error
// wrapping ErrAckNotAllowed, as it refuses a request other than INVITE or a
// response whose CSeq is not the INVITE's. A missing header gives an error
// wrapping ErrMissingHeader.
//
// The ACK shares no storage with invite or resp.
func NewAck(invite, resp *Message) (*Message, error) {
	switch {
	case invite == nil || invite.Method != MethodInvite:
		return nil, fmt.Errorf("%w: only an INVITE is acknowledged", ErrAckNotAllowed)
	case resp == nil || !resp.IsResponse():
		return nil, fmt.Errorf("%w: no response to acknowledge", ErrAckNotAllowed)
	case resp.StatusCode < 200:
		return nil, fmt.Errorf("%w: provisional response %d is not acknowledged", ErrAckNotAllowed, resp.StatusCode)
	case resp.StatusCode < 300:
		return nil, fmt.Errorf("%w: %d is acknowledged by the UAC core in the dialog (RFC 3261 §13.2.2.4)", ErrAckNotAllowed, resp.StatusCode)
	}
	parts, err := requestParts(invite, "INVITE")
	if err != nil {
		return nil, err
	}
	rc := resp.CSeq()
	if rc == nil {
		return nil, missingHeader(HeaderCSeq, "response")
	}
	if rc.Method != MethodInvite || rc.Seq != parts.cseq {
		return nil, fmt.Errorf("%w: response with CSeq %s does not answer the INVITE with CSeq %d", ErrAckNotAllowed, rc, parts.cseq)
	}
	to := resp.To()
	if to == nil {
		return nil, missingHeader(HeaderTo, "response")
	}
	return parts.build(MethodAck, invite, to), nil
}

// NewCancel returns a CANCEL for the request req (RFC 3261 §9.1): the same
// Request-URI, Call-ID, From and To (tags included), the CSeq number of req
// with method CANCEL, a single Via equal to the top Via of req (so that the
// CANCEL matches the same server transaction, §9.2), the Route values of req,
// and Max-Forwards 70.
//
// A response, an ACK or a CANCEL cannot be cancelled: the error then wraps
// ErrCancelNotAllowed. A missing header gives an error wrapping
// ErrMissingHeader. Only an INVITE should be cancelled (§9.1), but any other
// request is accepted: cancelling it has no effect on the UAS.
//
// The client must not send the CANCEL before a provisional response to req
// arrived (§9.1); that is the transaction layer's concern. The CANCEL shares
// no storage with req.
func NewCancel(req *Message) (*Message, error) {
	switch {
	case req == nil || !req.IsRequest():
		return nil, fmt.Errorf("%w: only a request can be cancelled", ErrCancelNotAllowed)
	case req.Method == MethodAck || req.Method == MethodCancel:
		return nil, fmt.Errorf("%w: %s cannot be cancelled", ErrCancelNotAllowed, req.Method)
	}
	parts, err := requestParts(req, "request")
	if err != nil {
		return nil, err
	}
	to := req.To()
	if to == nil {
		return nil, missingHeader(HeaderTo, "request")
	}
	return parts.build(MethodCancel, req, to), nil
}

// ackParts holds what an ACK or a CANCEL takes from the request it refers to.
type ackParts struct {
	via    *Via
	from   *Address
	callID string
	cseq   uint32
}

// requestParts reads the parts of req that NewAck and NewCancel copy; what
// names req in errors.
func requestParts(req *Message, what string) (ackParts, error) {
	var p ackParts
	if req.RequestURI == nil {
		return p, fmt.Errorf("%w: the %s has no Request-URI", ErrBadStartLine, what)
	}
	if p.via = req.TopVia(); p.via == nil {
		return p, missingHeader(HeaderVia, what)
	}
	if p.from = req.From(); p.from == nil {
		return p, missingHeader(HeaderFrom, what)
	}
	if p.callID = req.CallID(); p.callID == "" {
		return p, missingHeader(HeaderCallID, what)
	}
	cseq := req.CSeq()
	if cseq == nil {
		return p, missingHeader(HeaderCSeq, what)
	}
	p.cseq = cseq.Seq
	return p, nil
}

// build makes the ACK or CANCEL: one Via, Max-Forwards, the Route values of
// req in order, To, From, Call-ID and CSeq.
func (p *ackParts) build(method string, req *Message, to *Address) *Message {
	hs := make(Headers, 0, 6+req.Headers.Count(HeaderRoute))
	hs = append(hs,
		Header{Name: HeaderVia, Value: p.via.clone()},
		Header{Name: HeaderMaxForwards, Value: &Number{Value: InitialMaxForwards}},
	)
	hs = copyHeaders(hs, req.Headers, HeaderRoute)
	hs = append(hs,
		Header{Name: HeaderTo, Value: to.clone()},
		Header{Name: HeaderFrom, Value: p.from.clone()},
		Header{Name: HeaderCallID, Value: &Text{Value: p.callID}},
		Header{Name: HeaderCSeq, Value: &CSeq{Seq: p.cseq, Method: method}},
	)
	return &Message{
		Method:     method,
		RequestURI: req.RequestURI.Clone(),
		Version:    Version,
		Headers:    hs,
	}
}

func missingHeader(name, what string) error {
	return fmt.Errorf("%w (%s) in the %s", ErrMissingHeader, name, what)
}
