package proxy

import (
	"strings"
	"time"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// A responseContext is the state of one proxied request (RFC 3261 §16.7,
// "response context"): its server transaction, its branches and the best
// final response so far.
type responseContext struct {
	key transaction.Key
	// req is the request as received, from which the proxy builds the
	// responses it generates itself (408, 487, 500).
	req      *message.Message
	branches []*branch
	best     *message.Message
	// finalSent is set once a final response went upstream.
	finalSent bool
}

// A branch is one forwarded copy of a request and its client transaction
// (§16.6).
type branch struct {
	ctx *responseContext
	key transaction.Key
	// req is the request as sent, which a CANCEL copies (§9.1).
	req *message.Message
	// final is the branch's final non-2xx response (challenges are merged
	// from it, §16.7 step 7).
	final *message.Message
	// provisional is set once a provisional response arrived: a CANCEL may
	// be sent only then (§9.1); cancelWanted records one to send then.
	provisional, done, cancelWanted, cancelSent bool
	// timerC is Timer C of an INVITE branch (§16.6 step 11).
	timerC *time.Timer
}

// forward sends req (the proxy's copy of in, route information processed)
// to each target in parallel (§16.6), under the response context of server
// transaction key. hash is the loop-detection part of the branches.
func (p *Proxy) forward(in, req *message.Message, key transaction.Key, hash string, targets []Target) {
	ctx := &responseContext{key: key, req: in}
	p.servers[key] = ctx
	var failed []*branch
	for _, t := range targets {
		out := req.Clone()
		p.dropCredentials(out)
		// Step 2: the target is the Request-URI.
		out.RequestURI = t.URI.Clone()
		// Step 3: Max-Forwards (checked above 0 by §16.3).
		_, _ = out.DecrementMaxForwards()
		// Step 4: Record-Route, for requests that can create a dialog.
		if p.cfg.RecordRoute && message.CreatesDialog(out.Method) && (out.To() == nil || out.To().Tag() == "") {
			if rr := p.recordRoute(in); rr != nil {
				out.PushRecordRoute(rr)
			}
		}
		// Step 6: the route set registered with the target (RFC 3327).
		for i := len(t.Path) - 1; i >= 0; i-- {
			out.PushRoute(t.Path[i].Clone().(*message.Address))
		}
		// Step 7: a strict router as next hop.
		strictRoute(out)
		// Step 8: the proxy's Via; the stack fills in its sent-by.
		id := message.MagicCookie + hash + "." + message.NewTag()
		v := &message.Via{}
		v.Params.Set("branch", id)
		v.Params.Set("rport", "")
		out.PushVia(v)
		b := &branch{ctx: ctx, key: transaction.Key{Branch: id, Method: out.Method}, req: out}
		ctx.branches = append(ctx.branches, b)
		p.clients[b.key] = b
		// Steps 10 and 11: the client transaction, and Timer C.
		if err := p.stack.Send(out); err != nil {
			p.logger.Warn("proxy: forwarding failed", "method", out.Method, "target", t.URI.String(), "error", err)
			failed = append(failed, b)
			continue
		}
		p.startTimerC(b)
	}
	// A branch that could not be sent counts as a 503 (§16.9); it is
	// recorded once all branches exist, so that the context is not completed
	// before its last branch is.
	for _, b := range failed {
		p.branchFinal(b, message.NewResponse(in, message.StatusServiceUnavailable, ""))
	}
}

// recordRoute is the Record-Route value of this proxy (§16.6 step 4): the
// address of a transport of the protocol the request came over, with lr
// (§16.12) and the transport when it is not UDP.
func (p *Proxy) recordRoute(in *message.Message) *message.Address {
	ts := p.stack.Registry().Transports()
	if len(ts) == 0 {
		return nil
	}
	t := ts[0]
	if v := in.TopVia(); v != nil {
		for _, c := range ts {
			if strings.EqualFold(c.Protocol, v.Transport) {
				t = c
				break
			}
		}
	}
	u := message.URI{Scheme: "sip", Host: sentBy(t), Port: int(t.Local.Port())}
	if !strings.EqualFold(t.Protocol, "UDP") {
		u.Params.Set("transport", strings.ToLower(t.Protocol))
	}
	u.Params.Set("lr", "")
	return &message.Address{URI: u}
}

// strictRoute applies §16.6 step 6 (and §12.2.1.1) when the next hop, the
// top Route, is a strict router (no lr): the Request-URI goes to the end of
// Route, and the top Route becomes the Request-URI.
func strictRoute(out *message.Message) {
	top, ok := out.Headers.Get(message.HeaderRoute).(*message.Address)
	if !ok || top.URI.IsLooseRouter() {
		return
	}
	out.PopRoute()
	out.Headers.Add(message.HeaderRoute, &message.Address{URI: *out.RequestURI.Clone()})
	out.RequestURI = top.URI.Clone()
}

// forwardAck forwards an ACK for a 2xx, which has no transaction
// (§16.7 step 5 of the UAC's view, §17.2.3): statelessly, with the route
// processing, Max-Forwards and Via of any forwarded request. An ACK for an
// address-of-record of the domains goes to its first contact only.
func (p *Proxy) forwardAck(in *message.Message) {
	if err := p.policy.Check(in); err != nil {
		p.logger.Debug("proxy: ACK dropped", "error", err)
		return
	}
	out := in.Clone()
	p.preprocessRoute(out)
	if out.Headers.Index(message.HeaderRoute) < 0 && p.isLocal(out.RequestURI) {
		if out.RequestURI.User == "" {
			return // an ACK for the proxy itself
		}
		targets, ok := p.locator.Lookup(out.RequestURI)
		if !ok || len(targets) == 0 {
			p.logger.Debug("proxy: ACK for a user without contact dropped", "uri", out.RequestURI.String())
			return
		}
		out.RequestURI = targets[0].URI.Clone()
		for i := len(targets[0].Path) - 1; i >= 0; i-- {
			out.PushRoute(targets[0].Path[i].Clone().(*message.Address))
		}
	}
	_, _ = out.DecrementMaxForwards()
	strictRoute(out)
	v := &message.Via{}
	v.Params.Set("branch", message.NewBranch())
	v.Params.Set("rport", "")
	out.PushVia(v)
	if err := p.stack.Send(out); err != nil {
		p.logger.Warn("proxy: forwarding ACK failed", "error", err)
	}
}

// dropCredentials removes from out the Proxy-Authorization values for the
// proxy's realm (RFC 3261 §22.3): the next hop has no use for them, and
// they must not travel further than the proxy that asked for them.
func (p *Proxy) dropCredentials(out *message.Message) {
	if p.cfg.Realm == "" {
		return
	}
	kept := out.Headers[:0]
	for _, h := range out.Headers {
		if a, ok := h.Value.(*message.Auth); ok && h.Name == message.HeaderProxyAuthorization {
			if realm, _ := a.Params.Get("realm"); realm == p.cfg.Realm {
				continue
			}
		}
		kept = append(kept, h)
	}
	out.Headers = kept
}
