package actors

import (
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// A Core is the transaction user of a stack (RFC 3261 §17): the application
// logic of a UAS, UAC, registrar or proxy. It is the Go form of Sippet's
// core behaviour.
//
// The stack calls a Core from one actor, one call at a time, so a Core needs
// no locking for state that only its methods touch. A Core answers by
// calling the stack's Send (from the method or later, from any goroutine).
// If a method panics, the stack logs the panic with its stack trace and
// restarts the core's actor per Config.CoreRestart: the same Core value
// keeps receiving, and transactions in flight go on.
type Core interface {
	// ReceiveRequest is called for each new request: key names the server
	// transaction that carries the responses, built with
	// message.NewResponse and sent with Stack.Send. An ACK for a 2xx and a
	// CANCEL arrive here too (see transaction.RequestEvent).
	ReceiveRequest(req *message.Message, key transaction.Key)
	// ReceiveResponse is called for each response to a request the core
	// sent (key names its client transaction), and for stray responses.
	ReceiveResponse(resp *message.Message, key transaction.Key)
	// ReceiveError is called when transaction key times out or its
	// transport fails.
	ReceiveError(err error, key transaction.Key)
}

// coreActor runs a Core inside the stack's supervision tree. A core spawned
// by the user instead receives the transaction events as messages.
type coreActor struct {
	core   Core
	logger *slog.Logger
}

func (a *coreActor) Receive(ctx actor.Context) {
	msg := ctx.Message()
	defer repanic(a.logger, ctx.Self(), msg)
	switch ev := msg.(type) {
	case *transaction.RequestEvent:
		a.core.ReceiveRequest(ev.Request, ev.Key)
	case *transaction.ResponseEvent:
		a.core.ReceiveResponse(ev.Response, ev.Key)
	case *transaction.ErrorEvent:
		a.core.ReceiveError(ev.Err, ev.Key)
	}
}
