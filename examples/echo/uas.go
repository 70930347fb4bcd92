package main

import (
	"errors"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// A sender sends messages through a stack; *actors.Stack is one.
type sender interface {
	Send(*message.Message) error
}

// uas is a core that behaves as the UAS of RFC 3261 §8.2 which implements
// OPTIONS only and keeps no dialogs.
type uas struct {
	stack  sender
	policy message.RequestPolicy
	// accept are the body types understood (§8.2.3).
	accept []*message.MediaType
	// allow is the Allow value of every response. It and accept are made
	// once and shared by the responses, which never change them.
	allow *message.TokenList
	logf  func(msg string, args ...any)
}

func newUAS(stack sender, logf func(string, ...any)) *uas {
	return &uas{
		stack:  stack,
		policy: message.RequestPolicy{Methods: []string{message.MethodOptions}},
		accept: []*message.MediaType{{Type: "application", Subtype: "sdp"}},
		allow:  message.Tokens(message.MethodOptions),
		logf:   logf,
	}
}

// ReceiveRequest answers each request in the order of checks of §8.2.
func (u *uas) ReceiveRequest(req *message.Message, _ transaction.Key) {
	if req.Method == message.MethodAck || req.Method == message.MethodCancel {
		// An ACK is never answered (§17.1.1.3); the stack has answered the
		// CANCEL, and the INVITE it names was refused at once (405).
		return
	}
	u.reply(req, u.check(req))
}

// check returns the response to req; headers the response needs are added
// by reply.
func (u *uas) check(req *message.Message) *message.Message {
	// The policy runs §8.2 in its order: a well-formed request first (505
	// for another version, §8.2 last paragraph and §21.5.6, 400 for a
	// malformed one), then the method (§8.2.1: 405 for one this UAS knows
	// but does not implement, 501 for one it does not know, §21.5.2), the
	// Request-URI's scheme (416, §8.2.2.1) and Require (420 with
	// Unsupported, §8.2.2.3).
	if err := u.policy.Check(req); err != nil {
		return errorResponse(req, err)
	}
	// §8.2.2.2: a To tag names a dialog, and this UAS has none.
	if req.To().Tag() != "" {
		return message.NewResponse(req, message.StatusCallTransactionDoesNotExist, "")
	}
	// §8.2.3: a body of a type the UAS does not understand gets 415 with
	// Accept (added by reply to every response).
	if len(req.Body) > 0 && !u.accepts(req.ContentType()) {
		return message.NewResponse(req, message.StatusUnsupportedMediaType, "")
	}
	return message.NewResponse(req, message.StatusOK, "")
}

func (u *uas) accepts(ct *message.MediaType) bool {
	if ct == nil {
		return false
	}
	for _, a := range u.accept {
		if ct.Is(a.Type, a.Subtype) {
			return true
		}
	}
	return false
}

// errorResponse turns a *message.ValidationError into its response.
func errorResponse(req *message.Message, err error) *message.Message {
	var ve *message.ValidationError
	if !errors.As(err, &ve) {
		return message.NewResponse(req, message.StatusBadRequest, "")
	}
	resp := message.NewResponse(req, ve.StatusCode, ve.Reason())
	if len(ve.Unsupported) > 0 {
		resp.Headers.Add(message.HeaderUnsupported, message.Tokens(ve.Unsupported...))
	}
	return resp
}

// reply completes resp with the capabilities of this UAS, which OPTIONS
// asks for (§11.2) and 405/415/420 need (§8.2.1, §8.2.3, §8.2.2.3), and
// sends it.
func (u *uas) reply(req, resp *message.Message) {
	resp.Headers.Add(message.HeaderAllow, u.allow)
	for _, a := range u.accept {
		resp.Headers.Add(message.HeaderAccept, a)
	}
	resp.Headers.Add(message.HeaderSupported, nil)
	if err := u.stack.Send(resp); err != nil {
		u.logf("sending response failed", "method", req.Method, "status", resp.StatusCode, "error", err)
	}
}

func (u *uas) ReceiveResponse(*message.Message, transaction.Key) {}

func (u *uas) ReceiveError(err error, key transaction.Key) {
	u.logf("transaction failed", "key", key.String(), "error", err)
}
