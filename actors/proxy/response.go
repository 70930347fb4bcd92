package proxy

import (
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// receiveResponse processes a response to branch key (§16.7).
func (p *Proxy) receiveResponse(in *message.Message, key transaction.Key) {
	b, ok := p.clients[key]
	if !ok {
		p.stray(in)
		return
	}
	// Step 3: the proxy's own Via goes; a response with no Via left was
	// for the proxy itself.
	resp := in.Clone()
	resp.PopVia()
	if resp.TopVia() == nil {
		return
	}
	ctx := b.ctx
	switch code := resp.StatusCode; {
	case code < 200:
		b.provisional = true
		if code > 100 && b.timerC != nil {
			// §16.7 step 2: a provisional response resets Timer C.
			b.timerC.Reset(p.timeout)
		}
		if b.cancelWanted {
			p.cancelBranch(b)
		}
		// Steps 5 and 9: 1xx but 100 go upstream at once.
		if code > 100 && !ctx.finalSent {
			p.respond(resp)
		}
	case code < 300:
		first := !b.done
		b.done = true
		b.stopTimer()
		// Step 5: every 2xx goes upstream at once, even after another.
		p.forward2xx(resp)
		if first && !ctx.finalSent {
			ctx.finalSent = true
			// Step 10: the other branches are no longer wanted.
			p.cancelAll(ctx)
		}
		p.complete(ctx)
	default:
		if !b.done {
			p.branchFinal(b, resp)
		}
	}
}

// forward2xx sends a 2xx upstream through its server transaction, or
// statelessly when that has ended (§16.7 step 9).
func (p *Proxy) forward2xx(resp *message.Message) {
	if err := p.stack.Send(resp); err != nil {
		if err := p.stack.SendStateless(resp); err != nil {
			p.logger.Warn("proxy: forwarding 2xx failed", "error", err)
		}
	}
}

// stray handles a response that matches no branch in progress (§16.7
// step 2): a 2xx (a retransmission after the context ended) is forwarded
// statelessly; anything else is dropped.
func (p *Proxy) stray(in *message.Message) {
	if in.StatusCode < 200 || in.StatusCode >= 300 || !p.isOwnVia(in.TopVia()) {
		return
	}
	resp := in.Clone()
	resp.PopVia()
	if resp.TopVia() == nil {
		return
	}
	p.forward2xx(resp)
}

// branchFinal records the final non-2xx response of branch b (received, or
// generated for a timeout or a transport error) and completes its context
// when it was the last pending branch (§16.7 step 6).
func (p *Proxy) branchFinal(b *branch, resp *message.Message) {
	b.done = true
	b.stopTimer()
	b.final = resp
	ctx := b.ctx
	if resp.StatusCode >= 600 && !ctx.finalSent {
		// Step 10: a 6xx ends the search.
		p.cancelAll(ctx)
	}
	if ctx.best == nil || rank(resp.StatusCode) < rank(ctx.best.StatusCode) {
		ctx.best = resp
	}
	p.complete(ctx)
}

// rank orders final non-2xx responses for §16.7 step 6: any 6xx first, then
// the lowest class; in 4xx, the responses that the caller can act upon
// (401, 407, 415, 420, 484) before the others.
func rank(code int) int {
	switch {
	case code >= 600:
		return 0
	case code == 401 || code == 407 || code == 415 || code == 420 || code == 484:
		return code/100*10 - 5
	default:
		return code / 100 * 10
	}
}

// complete sends the best response upstream once no branch is pending and
// no final response went yet (§16.7 step 4), then forgets the context.
func (p *Proxy) complete(ctx *responseContext) {
	for _, b := range ctx.branches {
		if !b.done {
			return
		}
	}
	if !ctx.finalSent && ctx.best != nil {
		ctx.finalSent = true
		p.respond(p.bestResponse(ctx))
	}
	delete(p.servers, ctx.key)
	for _, b := range ctx.branches {
		delete(p.clients, b.key)
	}
}

// bestResponse is the response to send for the best final non-2xx: a 503
// becomes 500, since the service unavailable was downstream (§16.7 step 6),
// and a 401 or 407 carries the challenges of all branches (step 7).
func (p *Proxy) bestResponse(ctx *responseContext) *message.Message {
	best := ctx.best
	switch best.StatusCode {
	case message.StatusServiceUnavailable:
		return message.NewResponse(ctx.req, message.StatusServerInternalError, "")
	case message.StatusUnauthorized, message.StatusProxyAuthenticationRequired:
		for _, b := range ctx.branches {
			if b.final == nil || b.final == best {
				continue
			}
			for _, name := range []string{message.HeaderWWWAuthenticate, message.HeaderProxyAuthenticate} {
				for v := range b.final.Headers.Values(name) {
					best.Headers.Add(name, v.Clone())
				}
			}
		}
	}
	return best
}

// receiveCancel handles a CANCEL for server transaction key (§16.10), which
// the stack answered 200: the pending branches are cancelled and their
// 487 goes upstream as the best response. When no branch has answered
// anything yet, the proxy answers 487 (Request Terminated) itself at once.
func (p *Proxy) receiveCancel(key transaction.Key) {
	ctx, ok := p.servers[key]
	if !ok || ctx.finalSent {
		return
	}
	answered := false
	for _, b := range ctx.branches {
		answered = answered || b.provisional || b.done
	}
	p.cancelAll(ctx)
	if !answered {
		ctx.finalSent = true
		p.respond(message.NewResponse(ctx.req, message.StatusRequestTerminated, ""))
	}
}

// cancelAll cancels every pending branch of ctx.
func (p *Proxy) cancelAll(ctx *responseContext) {
	for _, b := range ctx.branches {
		p.cancelBranch(b)
	}
}

// cancelBranch sends a CANCEL for pending INVITE branch b (§9.1), or, before
// any provisional response, notes that it must go once one arrives.
func (p *Proxy) cancelBranch(b *branch) {
	if b.done || b.cancelSent || b.req.Method != message.MethodInvite {
		return
	}
	if !b.provisional {
		b.cancelWanted = true
		return
	}
	cancel, err := message.NewCancel(b.req)
	if err != nil {
		p.logger.Warn("proxy: building CANCEL failed", "error", err)
		return
	}
	b.cancelSent = true
	if err := p.stack.Send(cancel); err != nil {
		p.logger.Warn("proxy: sending CANCEL failed", "error", err)
	}
}
