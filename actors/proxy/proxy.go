package proxy

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/sippet-go/sippet/actors"
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// A Proxy is a stateful proxy and registrar (RFC 3261 §16, §10): the Core of
// an actors.Stack. Create it with New and register it with
// Stack.RegisterCore.
//
// Its state is guarded by a mutex rather than left to the core's actor
// alone, because Timer C fires on timer goroutines.
type Proxy struct {
	stack     *actors.Stack
	cfg       Config
	logger    *slog.Logger
	locator   Locator
	registrar Registrar
	policy    message.RequestPolicy
	timeout   time.Duration

	mu sync.Mutex
	// servers maps the server transaction of each request being proxied to
	// its response context (§16.7); clients maps the client transaction of
	// each branch to the branch.
	servers map[transaction.Key]*responseContext
	clients map[transaction.Key]*branch
}

// New returns a proxy that sends through stack, configured by cfg.
func New(stack *actors.Stack, cfg Config) *Proxy {
	p := &Proxy{
		stack:   stack,
		cfg:     cfg,
		logger:  cfg.Logger,
		policy:  message.RequestPolicy{Proxy: true, RFC2543: true, Supported: cfg.Supported},
		timeout: cfg.Timeout,
		servers: make(map[transaction.Key]*responseContext),
		clients: make(map[transaction.Key]*branch),
	}
	if p.logger == nil {
		p.logger = slog.New(slog.DiscardHandler)
	}
	if p.timeout == 0 {
		p.timeout = DefaultTimeout
	}
	p.locator, p.registrar = cfg.Locator, cfg.Registrar
	if p.locator == nil {
		if l, ok := p.registrar.(Locator); ok {
			p.locator = l
		}
	}
	if p.registrar == nil {
		if r, ok := p.locator.(Registrar); ok {
			p.registrar = r
		}
	}
	if p.locator == nil || p.registrar == nil {
		m := NewLocation()
		if p.locator == nil {
			p.locator = m
		}
		if p.registrar == nil {
			p.registrar = m
		}
	}
	return p
}

// Locator returns the location service the proxy uses.
func (p *Proxy) Locator() Locator { return p.locator }

// Registrar returns the registrar the proxy uses.
func (p *Proxy) Registrar() Registrar { return p.registrar }

// ReceiveRequest handles a request from the stack (actors.Core).
func (p *Proxy) ReceiveRequest(req *message.Message, key transaction.Key) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch req.Method {
	case message.MethodCancel:
		p.receiveCancel(key)
	case message.MethodAck:
		p.forwardAck(req)
	default:
		p.receiveRequest(req, key)
	}
}

// ReceiveResponse handles a response to a branch (actors.Core).
func (p *Proxy) ReceiveResponse(resp *message.Message, key transaction.Key) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.receiveResponse(resp, key)
}

// ReceiveError handles the failure of a branch (actors.Core): a timeout
// counts as a 408 (Request Timeout) from it (RFC 3261 §16.8), a transport
// error as a 503 (Service Unavailable, §16.9).
func (p *Proxy) ReceiveError(err error, key transaction.Key) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.clients[key]
	if !ok || b.done {
		return
	}
	code := message.StatusServiceUnavailable
	if errors.Is(err, transaction.ErrTimeout) || errors.Is(err, transaction.ErrTerminated) {
		code = message.StatusRequestTimeout
	}
	p.logger.Debug("proxy: branch failed", "branch", key.String(), "error", err, "counted_as", code)
	p.branchFinal(b, message.NewResponse(b.ctx.req, code, ""))
}

// respond sends resp through the server transaction of the request it
// answers, logging a failure.
func (p *Proxy) respond(resp *message.Message) {
	if err := p.stack.Send(resp); err != nil {
		p.logger.Warn("proxy: sending response failed", "status", resp.StatusCode, "error", err)
	}
}
