//go:build !linux

package transport

import "net"

// newBatchConn returns the reads and writes of conn, one datagram per call:
// batches are made with recvmmsg and sendmmsg, which only Linux has here.
func newBatchConn(conn *net.UDPConn) batchConn { return &loopConn{conn: conn} }
