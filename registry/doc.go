// Package registry names the actors inside one SIP stack: the core, the
// transports by protocol (with their reliability, RFC 3261 §18) and the
// transactions by key (RFC 3261 §17.1.3, §17.2.3). Each stack has its own
// registry, so stacks in one process never meet.
package registry
