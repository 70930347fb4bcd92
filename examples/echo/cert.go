package main

import (
	"crypto/tls"
	"time"

	"github.com/sippet-go/sippet/transport"
)

// tlsConfig loads the certificate and key given with -cert and -key, or,
// when both are empty, makes a self-signed certificate for localhost and
// the loopback addresses, valid for a day: enough to try tls: and wss:
// listeners, and never to be trusted by anyone.
func tlsConfig(certFile, keyFile string) (cfg *tls.Config, selfSigned bool, err error) {
	var cert tls.Certificate
	if certFile != "" || keyFile != "" {
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
	} else {
		cert, err = selfSignedCert()
		selfSigned = true
	}
	if err != nil {
		return nil, false, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, selfSigned, nil
}

// selfSignedCert is the certificate echo makes when given none.
func selfSignedCert() (tls.Certificate, error) {
	return transport.SelfSigned(24*time.Hour, "localhost", "127.0.0.1", "::1")
}
