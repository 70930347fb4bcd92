package transport

import (
	"context"
	"fmt"
	"net"
	"net/netip"
)

// Resolve returns the address of host at port (RFC 3263 §4.2, A and AAAA
// records only). An IP literal, bracketed or not, is parsed without any
// lookup, and an IPv4-mapped IPv6 address becomes IPv4. A name is looked up
// with res (nil means net.DefaultResolver), within ctx; of the addresses
// found, the first IPv6 one is chosen when preferV6 is set and the first IPv4
// one otherwise, falling back to the other family.
//
// Errors wrap ErrNoAddress, and the resolver's error when there is one.
func Resolve(ctx context.Context, res *net.Resolver, host string, port int, preferV6 bool) (netip.AddrPort, error) {
	if port <= 0 || port > 65535 {
		return netip.AddrPort{}, fmt.Errorf("%w: port %d of %q", ErrNoAddress, port, host)
	}
	host = unbracket(host)
	if ip, err := netip.ParseAddr(host); err == nil {
		return netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
	}
	if host == "" {
		return netip.AddrPort{}, fmt.Errorf("%w: empty host", ErrNoAddress)
	}
	if res == nil {
		res = net.DefaultResolver
	}
	ips, err := res.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("%w: %q: %w", ErrNoAddress, host, err)
	}
	var other netip.Addr
	for _, ip := range ips {
		ip = ip.Unmap()
		if ip.Is6() == preferV6 {
			return netip.AddrPortFrom(ip, uint16(port)), nil
		}
		if !other.IsValid() {
			other = ip
		}
	}
	if !other.IsValid() {
		return netip.AddrPort{}, fmt.Errorf("%w: %q", ErrNoAddress, host)
	}
	return netip.AddrPortFrom(other, uint16(port)), nil
}
