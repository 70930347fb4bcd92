#!/usr/bin/env bash
# bench/load/ab.sh: two builds of examples/echo under the same sipp load,
# alternately, for a before/after figure of one change.
#
#   bench/load/ab.sh BINARY_A BINARY_B [rounds] [requests] [outstanding]
#
# Build the binaries first (go build -o /tmp/echo-A ./examples/echo, one per
# commit). Defaults: 3 rounds, 60000 OPTIONS, 400 outstanding. Each run
# starts the binary fresh on 127.0.0.1:5090 and prints one line: answered
# requests, failures, retransmissions, requests/s, server CPU µs per
# request (/proc/PID/stat fields 14 and 15, before and after) and peak RSS.
# Needs sipp (Debian sip-tester).
set -euo pipefail
cd "$(dirname "$0")/../.."
a=${1:?binary A}
b=${2:?binary B}
rounds=${3:-3}
requests=${4:-60000}
limit=${5:-400}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
	local bin=$1 pid before after start end rss
	"$bin" -listen udp:127.0.0.1:5090 2>"$work/echo.log" &
	pid=$!
	for _ in $(seq 100); do
		grep -q "echo ready" "$work/echo.log" && break
		sleep 0.05
	done
	before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	start=$(date +%s.%N)
	sipp 127.0.0.1:5090 -sf bench/load/options.xml -i 127.0.0.1 -p 5091 \
		-m "$requests" -r 1000000 -l "$limit" -timeout 60s -buff_size 4194304 \
		-nostdin -trace_stat -stf "$work/stat.csv" >"$work/sipp.out" 2>&1 || true
	end=$(date +%s.%N)
	after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	kill -INT "$pid"
	wait "$pid" || true
	awk -v bin="$(basename "$bin")" -v h="$(head -n 1 "$work/stat.csv")" -v l="$(tail -n 1 "$work/stat.csv")" \
		-v s="$start" -v e="$end" -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" -v rss="$rss" 'BEGIN {
		n = split(h, hs, ";"); split(l, ls, ";")
		for (i = 1; i <= n; i++) v[hs[i]] = ls[i]
		ok = v["SuccessfulCall(C)"]
		printf "%s ok=%d failed=%d retrans=%d rate=%.0f cpu_us=%.1f rssMB=%d\n",
			bin, ok, v["FailedCall(C)"], v["Retransmissions(C)"], ok / (e - s), (a - b) / hz / ok * 1e6, rss / 1024
	}'
}

for _ in $(seq "$rounds"); do
	run "$a"
	run "$b"
done
