#!/usr/bin/env python3
"""An OPTIONS over TLS (RFC 3261 §11, §18.3, §26.2) from Python's ssl module:
a client of the echo example that shares no code with the stack.

usage: tls_options.py HOST PORT CAFILE

It trusts only CAFILE and checks the host name (an IP address here) against
the certificate, sends one OPTIONS, reads responses framed by Content-Length
until a final one, and writes that response, unchanged, to stdout.
"""

import secrets
import socket
import ssl
import sys


def read_message(conn, buf):
    """Returns (message, rest of buf) for the next message on conn."""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError("connection closed inside a header block")
        buf += chunk
    head, _, buf = buf.partition(b"\r\n\r\n")
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() in (b"content-length", b"l"):
            length = int(value.strip())
    if length is None:
        raise ValueError("no Content-Length on a stream (RFC 3261 §18.3)")
    while len(buf) < length:
        chunk = conn.recv(4096)
        if not chunk:
            raise EOFError("connection closed inside a body")
        buf += chunk
    return head + b"\r\n\r\n" + buf[:length], buf[length:]


def main():
    host, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ctx = ssl.create_default_context(cafile=cafile)
    with socket.create_connection((host, port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=host) as conn:
            local = "%s:%d" % conn.getsockname()[:2]
            branch = "z9hG4bK" + secrets.token_hex(8)
            request = (
                "OPTIONS sip:echo@%s:%d;transport=tls SIP/2.0\r\n"
                "Via: SIP/2.0/TLS %s;branch=%s;rport\r\n"
                "Max-Forwards: 70\r\n"
                "To: <sip:echo@%s>\r\n"
                "From: <sip:python@%s>;tag=%s\r\n"
                "Call-ID: %s@%s\r\n"
                "CSeq: 1 OPTIONS\r\n"
                "Accept: application/sdp\r\n"
                "Content-Length: 0\r\n"
                "\r\n"
            ) % (host, port, local, branch, host, host, secrets.token_hex(4),
                 secrets.token_hex(8), host)
            conn.sendall(request.encode("ascii"))
            buf = b""
            while True:
                msg, buf = read_message(conn, buf)
                status = msg.split(b"\r\n", 1)[0].split(b" ")
                if len(status) >= 2 and status[1].isdigit() and int(status[1]) >= 200:
                    sys.stdout.buffer.write(msg)
                    return


if __name__ == "__main__":
    main()
