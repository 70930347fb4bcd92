#!/usr/bin/env bash
# Drives examples/echo with sipp: OPTIONS at saturation over loopback UDP,
# a bounded number of requests, and prints one Markdown row with the rate,
# the failures, the retransmissions, and the server's CPU time per request
# (from /proc/PID/stat before and after) and peak RSS.
#
#   bench/sipp/echo-load.sh [requests] [outstanding]
#
# Defaults: 50000 requests, 400 outstanding. Needs sipp (Debian sip-tester).
set -euo pipefail
cd "$(dirname "$0")/../.."

requests=${1:-50000}
limit=${2:-400}
port=${PORT:-5070}
sipp_port=${SIPP_PORT:-5071}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/echo" ./examples/echo
"$work/echo" -listen "udp:127.0.0.1:$port" 2>"$work/echo.log" &
server=$!
for _ in $(seq 100); do
	grep -q "echo ready" "$work/echo.log" && break
	sleep 0.05
done
grep -q "echo ready" "$work/echo.log" || { cat "$work/echo.log"; exit 1; }

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
before=$(cpu)
start=$(date +%s.%N)
sipp "127.0.0.1:$port" -sf examples/echo/testdata/options.xml \
	-i 127.0.0.1 -p "$sipp_port" -m "$requests" -r 1000000 -l "$limit" \
	-timeout 120s -nostdin -trace_stat -stf "$work/stat.csv" \
	>"$work/sipp.out" 2>&1 || status=$?
end=$(date +%s.%N)
after=$(cpu)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")

# sipp's statistics file: the last line holds the cumulative counters.
header=$(head -n 1 "$work/stat.csv")
last=$(tail -n 1 "$work/stat.csv")
field() { # field NAME -> value from the stat CSV (semicolon separated)
	awk -v name="$1" -v h="$header" -v l="$last" 'BEGIN {
		n = split(h, hs, ";"); split(l, ls, ";")
		for (i = 1; i <= n; i++) if (hs[i] == name) { print ls[i]; exit }
	}'
}
ok=$(field SuccessfulCall\(C\))
failed=$(field FailedCall\(C\))
retrans=$(field Retransmissions\(C\))
awk -v ok="$ok" -v failed="$failed" -v retrans="$retrans" -v s="$start" -v e="$end" \
	-v b="$before" -v a="$after" -v hz="$ticks" -v rss="$rss" -v n="$requests" 'BEGIN {
	printf "| examples/echo | %d | %.0f | %d | %d | %.1f | %d |\n",
		n, ok / (e - s), failed, retrans, (a - b) / hz / ok * 1e6, rss / 1024
}'

if [ "${status:-0}" != 0 ]; then
	echo "sipp exited with ${status}:" >&2
	tail -n 30 "$work/sipp.out" >&2
	exit 1
fi
