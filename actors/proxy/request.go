package proxy

import (
	"errors"
	"slices"
	"strings"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// allowed are the methods a proxy answering OPTIONS lists in Allow (RFC
// 3261 §11.2): the ones it registers or forwards with special care.
var allowed = []string{
	message.MethodInvite, message.MethodAck, message.MethodCancel, message.MethodBye,
	message.MethodOptions, message.MethodRegister,
}

// receiveRequest proxies a request that starts a server transaction, key.
func (p *Proxy) receiveRequest(in *message.Message, key transaction.Key) {
	// §16.3: validation, Max-Forwards, Proxy-Require.
	if err := p.policy.Check(in); err != nil {
		p.respond(errorResponse(in, err))
		return
	}
	// §16.3 step 4: loop detection.
	hash := loopHash(in)
	if err := p.checkLoop(in, hash); err != nil {
		p.respond(errorResponse(in, err))
		return
	}
	// The request others may hold stays as it came; the proxy works on its
	// own copy (§16.6 step 1).
	req := in.Clone()
	p.preprocessRoute(req)
	if challenge := p.authenticate(req); challenge != nil {
		p.respond(challenge)
		return
	}
	// §16.5: a request with a Route left goes where the Route says, its
	// Request-URI the only target.
	if req.Headers.Index(message.HeaderRoute) >= 0 || !p.isLocal(req.RequestURI) {
		p.forward(in, req, key, hash, []Target{{URI: req.RequestURI}})
		return
	}
	switch {
	case req.Method == message.MethodRegister:
		// §10.3: the registrar of the domain.
		resp := p.registrar.Register(req)
		if resp == nil {
			resp = message.NewResponse(in, message.StatusServerInternalError, "")
		}
		p.respond(resp)
		return
	case req.RequestURI.User == "":
		// A request for the proxy itself.
		p.respond(p.answer(req))
		return
	}
	targets, ok := p.locator.Lookup(req.RequestURI)
	switch {
	case !ok:
		p.respond(message.NewResponse(in, message.StatusNotFound, ""))
	case len(targets) == 0:
		// The user exists but has no contact bound now.
		p.respond(message.NewResponse(in, message.StatusTemporarilyUnavailable, ""))
	default:
		p.forward(in, req, key, hash, targets)
	}
}

// answer is the proxy's response to a request addressed to itself: 200 to
// OPTIONS with Allow (§11.2), 404 to anything else, which has no user to
// reach here.
func (p *Proxy) answer(req *message.Message) *message.Message {
	if req.Method != message.MethodOptions {
		return message.NewResponse(req, message.StatusNotFound, "")
	}
	resp := message.NewResponse(req, message.StatusOK, "")
	resp.Headers.Add(message.HeaderAllow, message.Tokens(allowed...))
	if len(p.cfg.Supported) > 0 {
		resp.Headers.Add(message.HeaderSupported, message.Tokens(p.cfg.Supported...))
	}
	return resp
}

// authenticate asks the Authenticator about a REGISTER for a domain of the
// proxy and about a request outside a dialog from a user of the domains; it
// returns the response to send instead, or nil. ACK and CANCEL are never
// challenged (§22.1).
func (p *Proxy) authenticate(req *message.Message) *message.Message {
	if p.cfg.Authenticator == nil {
		return nil
	}
	switch {
	case req.Method == message.MethodRegister:
		if req.Headers.Index(message.HeaderRoute) >= 0 || !p.isLocal(req.RequestURI) {
			return nil
		}
	case req.To() != nil && req.To().Tag() != "":
		return nil
	default:
		from := req.From()
		if from == nil || !p.inDomain(&from.URI) {
			return nil
		}
	}
	return p.cfg.Authenticator.Authenticate(req)
}

// inDomain reports whether u's host is a domain of the proxy or one of its
// addresses, whatever the port: the From of a user of the domains.
func (p *Proxy) inDomain(u *message.URI) bool {
	if !u.IsSIP() {
		return false
	}
	if slices.ContainsFunc(p.cfg.Domains, func(d string) bool { return sameHost(d, u.Host) }) {
		return true
	}
	return p.isSelf(u.Scheme, u.Host, 0) || p.isLocal(u)
}

// preprocessRoute applies §16.4 to req, the proxy's copy.
func (p *Proxy) preprocessRoute(req *message.Message) {
	// A strict router upstream put the Record-Route URI of this proxy in
	// the Request-URI and the real one at the end of Route (§16.4, §12.2.1.1):
	// restore it.
	if u := req.RequestURI; u.User == "" && u.IsLooseRouter() && p.isSelfURI(u) {
		if last := lastRoute(req); last != nil {
			req.RequestURI = last.URI.Clone()
		}
	}
	// A top Route naming this proxy was put there from its Record-Route or
	// by a preloaded route: it is consumed here.
	for {
		top, ok := req.Headers.Get(message.HeaderRoute).(*message.Address)
		if !ok || !p.isSelfURI(&top.URI) {
			return
		}
		req.PopRoute()
	}
}

// lastRoute removes and returns the last Route value of req.
func lastRoute(req *message.Message) *message.Address {
	for i := len(req.Headers) - 1; i >= 0; i-- {
		h := &req.Headers[i]
		if a, ok := h.Value.(*message.Address); ok && strings.EqualFold(h.Name, message.HeaderRoute) {
			req.Headers = slices.Delete(req.Headers, i, i+1)
			return a
		}
	}
	return nil
}

// errorResponse turns a *message.ValidationError into its response (400
// for another error), with Unsupported for a 420 (§16.3 step 5).
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
