package proxy

import (
	"time"

	"github.com/sippet-go/sippet/message"
)

// startTimerC starts Timer C for INVITE branch b (RFC 3261 §16.6 step 11).
func (p *Proxy) startTimerC(b *branch) {
	if p.timeout < 0 || b.req.Method != message.MethodInvite {
		return
	}
	b.timerC = time.AfterFunc(p.timeout, func() { p.fireTimerC(b) })
}

// fireTimerC handles Timer C of branch b (§16.8): a branch with a
// provisional response is cancelled, and given another Timer C for its
// 487; a branch without one, or still pending after its CANCEL, is ended
// and counts as a 408 (Request Timeout).
func (p *Proxy) fireTimerC(b *branch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b.done {
		return
	}
	if b.provisional && !b.cancelSent {
		p.cancelBranch(b)
		b.timerC.Reset(p.timeout)
		return
	}
	p.stack.Terminate(b.key)
	p.branchFinal(b, message.NewResponse(b.ctx.req, message.StatusRequestTimeout, ""))
}

// stopTimer stops Timer C of b, if any.
func (b *branch) stopTimer() {
	if b.timerC != nil {
		b.timerC.Stop()
	}
}
