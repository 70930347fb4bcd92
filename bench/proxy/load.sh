#!/usr/bin/env bash
# Calls per second through a stateful proxy, sippet's examples/proxy and
# Kamailio (tm) side by side in one run, on loopback UDP:
#
#   sipp UAC -> proxy -> sipp UAS (INVITE, 100, 180, 200, ACK, BYE, 200)
#
# The UAC calls the UAS by its address (Request-URI sip:service@UAS) through
# the proxy (-rsa), so both proxies forward by Request-URI and record-route.
# Each round starts each proxy fresh; the table gives per proxy the median
# calls/s over the rounds (min-max), failed calls, retransmissions and the
# proxy's CPU time per call (all its processes, from /proc/PID/stat).
#
#   bench/proxy/load.sh [calls] [outstanding] [rounds]
#
# Defaults: 5000 calls, 50 outstanding, 3 rounds. More outstanding calls
# make sipp's own UAS drop calls at saturation (a duplicate ACK while it
# pauses), whichever proxy is in the middle. Needs sipp and kamailio
# (Debian sip-tester, kamailio).
set -euo pipefail
cd "$(dirname "$0")/../.."

calls=${1:-5000}
limit=${2:-50}
rounds=${3:-3}
proxy_port=${PROXY_PORT:-5160}
uas_port=${UAS_PORT:-5162}
uac_port=${UAC_PORT:-5164}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	pkill -f "kamailio -f $work" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/proxy" ./examples/proxy
sed "s/PORT/$proxy_port/" bench/proxy/kamailio.cfg >"$work/kamailio.cfg"
ticks=$(getconf CLK_TCK)

sipp -sn uas -i 127.0.0.1 -p "$uas_port" -nostdin -bg >/dev/null 2>&1 || true
uas=$(pgrep -f "sipp -sn uas -i 127.0.0.1 -p $uas_port" | head -n 1)
pids+=("$uas")

# cpu PID... prints the user+system ticks of the processes.
cpu() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0; done | awk '{s += $1} END {print s + 0}'; }

start_proxy() { # name -> sets proxy_pids
	case $1 in
	sippet)
		"$work/proxy" -listen "udp:127.0.0.1:$proxy_port" -domain localhost 2>"$work/proxy.log" &
		proxy_pids=($!)
		for _ in $(seq 100); do grep -q "ready" "$work/proxy.log" && break; sleep 0.05; done
		;;
	kamailio)
		kamailio -f "$work/kamailio.cfg" -DD -E -m 1024 -M 32 >"$work/kamailio.log" 2>&1 &
		local main=$!
		sleep 1
		proxy_pids=($main $(pgrep -P "$main" || true))
		;;
	esac
}

stop_proxy() {
	for p in "${proxy_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait "${proxy_pids[0]}" 2>/dev/null || true
	sleep 0.5
}

field() { # field CSV NAME
	awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i } END { print $c }' "$1"
}

results="$work/results"
: >"$results"
for round in $(seq "$rounds"); do
	for name in sippet kamailio; do
		start_proxy "$name"
		before=$(cpu "${proxy_pids[@]}")
		start=$(date +%s.%N)
		sipp -sn uac "127.0.0.1:$uas_port" -rsa "127.0.0.1:$proxy_port" -s service \
			-i 127.0.0.1 -p "$uac_port" -m "$calls" -r 100000 -l "$limit" \
			-timeout 120s -nostdin -trace_stat -stf "$work/$name.csv" >"$work/sipp.out" 2>&1 || true
		end=$(date +%s.%N)
		after=$(cpu "${proxy_pids[@]}")
		stop_proxy
		ok=$(field "$work/$name.csv" "SuccessfulCall(C)")
		failed=$(field "$work/$name.csv" "FailedCall(C)")
		retrans=$(field "$work/$name.csv" "Retransmissions(C)")
		awk -v n="$name" -v ok="$ok" -v f="$failed" -v r="$retrans" -v s="$start" -v e="$end" \
			-v b="$before" -v a="$after" -v hz="$ticks" 'BEGIN {
			printf "%s %.0f %d %d %.1f\n", n, ok / (e - s), f, r, (ok > 0 ? (a - b) / hz / ok * 1e6 : 0)
		}' >>"$results"
	done
done

echo "| proxy | calls/s median (min-max) | failed calls | retransmissions | proxy CPU µs per call |"
echo "|---|---|---|---|---|"
for name in sippet kamailio; do
	grep "^$name " "$results" | sort -k2 -n | awk -v n="$name" '
		{ rate[NR] = $2; f += $3; r += $4; cpu[NR] = $5 }
		END {
			m = int((NR + 1) / 2)
			printf "| %s | %d (%d-%d) | %d | %d | %.1f |\n", n, rate[m], rate[1], rate[NR], f, r, cpu[m]
		}'
done
