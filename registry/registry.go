package registry

import (
	"hash/maphash"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// A Transport is a listening transport as the stack sees it.
type Transport struct {
	// Protocol is the Via transport token: "UDP", "TCP", "TLS", "WS", "WSS".
	Protocol string
	// Reliable tells whether the transport is reliable (RFC 3261 §18).
	Reliable bool
	// Local is the address the transport listens on.
	Local netip.AddrPort
	// Host is the sent-by host to put in the Via of requests sent through
	// the transport (RFC 3261 §18.1.1): Local's address unless the socket
	// listens on an unspecified address or the user chose a name.
	Host string
	// PID is the transport's actor.
	PID *actor.PID
}

// A Registry holds the names of one stack. K is the transaction key type.
// All methods are safe for concurrent use; lookups are O(1) and take no
// exclusive lock.
//
// The registry does not watch actors: whoever spawns one registers it and
// removes it when it sees the actor's *actor.Terminated (the stack for the
// core and the transports, the transaction manager for transactions).
type Registry[K comparable] struct {
	core atomic.Pointer[actor.PID]

	mu         sync.RWMutex
	transports []Transport

	seed   maphash.Seed
	shards [shardCount]shard[K]
}

// shardCount spreads transactions over independent locks, so that the
// transport readers, the manager and the core rarely wait for each other.
const shardCount = 32

type shard[K comparable] struct {
	mu sync.RWMutex
	m  map[K]*actor.PID
}

// New returns an empty registry.
func New[K comparable]() *Registry[K] {
	r := &Registry[K]{seed: maphash.MakeSeed()}
	for i := range r.shards {
		r.shards[i].m = make(map[K]*actor.PID)
	}
	return r
}

// SetCore registers the core's PID; nil unregisters it.
func (r *Registry[K]) SetCore(pid *actor.PID) { r.core.Store(pid) }

// Core returns the core's PID, or nil when none is registered.
func (r *Registry[K]) Core() *actor.PID { return r.core.Load() }

// AddTransport registers a transport. A transport registered again with the
// same PID replaces the earlier entry (a socket rebound after a restart).
func (r *Registry[K]) AddTransport(t Transport) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.transports {
		if r.transports[i].PID.Equal(t.PID) {
			r.transports[i] = t
			return
		}
	}
	r.transports = append(r.transports, t)
}

// RemoveTransport unregisters the transport whose actor is pid.
func (r *Registry[K]) RemoveTransport(pid *actor.PID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.transports = slices.DeleteFunc(r.transports, func(t Transport) bool { return t.PID.Equal(pid) })
}

// Transport returns the first transport registered for protocol (a Via
// token, upper case) whose local address is of the family of dest: an IPv6
// destination needs an IPv6 socket. A zero dest matches any family.
func (r *Registry[K]) Transport(protocol string, dest netip.Addr) (Transport, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, t := range r.transports {
		if t.Protocol != protocol {
			continue
		}
		if dest.IsValid() && t.Local.Addr().Unmap().Is4() != dest.Unmap().Is4() {
			continue
		}
		return t, true
	}
	return Transport{}, false
}

// Transports returns a copy of the registered transports.
func (r *Registry[K]) Transports() []Transport {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.transports)
}

func (r *Registry[K]) shard(k K) *shard[K] {
	return &r.shards[maphash.Comparable(r.seed, k)%shardCount]
}

// PutTransaction registers the transaction k. It returns false, and changes
// nothing, when k is already registered.
func (r *Registry[K]) PutTransaction(k K, pid *actor.PID) bool {
	s := r.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[k]; ok {
		return false
	}
	s.m[k] = pid
	return true
}

// Transaction returns the PID of transaction k.
func (r *Registry[K]) Transaction(k K) (*actor.PID, bool) {
	s := r.shard(k)
	s.mu.RLock()
	pid, ok := s.m[k]
	s.mu.RUnlock()
	return pid, ok
}

// DeleteTransaction unregisters transaction k if it is still pid: a new
// transaction that reused the key after pid ended is left alone.
func (r *Registry[K]) DeleteTransaction(k K, pid *actor.PID) {
	s := r.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.m[k]; ok && cur.Equal(pid) {
		delete(s.m, k)
	}
}

// TransactionCount returns the number of registered transactions.
func (r *Registry[K]) TransactionCount() int {
	n := 0
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// RangeTransactions calls f for each registered transaction until f returns
// false. It sees a snapshot of each shard; f may call other methods.
func (r *Registry[K]) RangeTransactions(f func(K, *actor.PID) bool) {
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.RLock()
		keys := make([]K, 0, len(s.m))
		pids := make([]*actor.PID, 0, len(s.m))
		for k, p := range s.m {
			keys = append(keys, k)
			pids = append(pids, p)
		}
		s.mu.RUnlock()
		for j := range keys {
			if !f(keys[j], pids[j]) {
				return
			}
		}
	}
}
