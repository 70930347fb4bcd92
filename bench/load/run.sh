#!/usr/bin/env bash
# bench/load/run.sh: SIP UAS load on loopback UDP, sippet's examples/echo
# next to a sipgo UAS and Kamailio, each driven by sipp (issue 6).
#
#   bench/load/run.sh [saturate|rate|memory]
#
# Modes:
#   saturate (default)  sipp sends REQUESTS requests with LIMIT outstanding
#                       at an unbounded rate, one row per server and request
#                       (OPTIONS, REGISTER); ROUNDS rounds, interleaved
#                       (round 1 runs every row, then round 2, ...).
#   rate                a fixed RATE_CPS requests/s for RATE_SECONDS s per
#                       row (OPTIONS), for the response time percentiles.
#   memory              OPTIONS at MEM_RATE/s for MEM_SECONDS s (below Timer
#                       J, 32 s, so every transaction is still in its wait
#                       state), then the server's memory growth per answered
#                       request: bytes per transaction held.
#
# Every run starts its server fresh on 127.0.0.1:SERVER_PORT and stops it
# afterwards; every sipp run is bounded by -m and -timeout. The script
# prints a header (date, commit, CPU, versions, command) and a Markdown
# table for BENCHMARKS.md, and writes both, with one raw line per run, to
# RESULTS. bench/load/README.md explains the rows, the columns and how
# each is computed.
#
# Knobs (environment, defaults in brackets):
#   SERVERS            rows to run [echo sipgo kamailio-tm kamailio-sl]
#   SCENARIOS          saturate mode requests [options register]
#   ROUNDS             rounds [3 for saturate, 1 for rate and memory]
#   REQUESTS           saturate: requests per run [30000]
#   LIMIT              saturate: sipp -l, requests outstanding [100: more
#                      overflows the kernel's default UDP receive buffer of
#                      the servers that keep it (sipgo, Kamailio), and each
#                      datagram dropped stalls a request 500 ms (T1); see
#                      README.md for LIMIT=400 with a larger default]
#   RATE_CPS           rate: requests/s [2000]
#   RATE_SECONDS       rate: seconds per run [20]
#   MEM_RATE           memory: requests/s [10000]
#   MEM_SECONDS        memory: seconds of traffic, < 32 [25]
#   KAMAILIO_CHILDREN  Kamailio UDP worker processes (-n) [2, one per core,
#                      as GOMAXPROCS defaults to 2 for the Go servers]
#   KAMAILIO_SHM       Kamailio shared memory, MB (-m) [6144: the memory
#                      mode holds 250 000 tm transactions of ~13 kB; pages
#                      are only resident once used]
#   KAMAILIO_SHM_MANAGER  Kamailio shared memory allocator (-x) [fm; the
#                      default qm slows down with a large -m]
#   KAMAILIO_WT_TIMER  tm wait state after the final response, ms [32000,
#                      Timer J = 64*T1 as the Go servers keep it]
#   SERVER_PORT        server UDP port on 127.0.0.1 [15060]
#   SIPP_PORT          sipp's UDP port on 127.0.0.1 [15061]
#   RESULTS            results file [bench/results/load-MODE-DATE.txt]
#   KEEP_WORK          1 keeps the work directory (sipp and server logs)
#
# Needs go, sipp (Debian sip-tester) and kamailio (Debian kamailio) when a
# kamailio row is selected. sipp runs on the same two cores as the server:
# the figures compare servers under the same load generator, they are not
# the servers' capacity on a machine of their own.
set -euo pipefail

mode=${1:-saturate}
case $mode in
saturate | rate | memory) ;;
*)
	echo "usage: $0 [saturate|rate|memory]" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

SERVERS=${SERVERS:-echo sipgo kamailio-tm kamailio-sl}
SCENARIOS=${SCENARIOS:-options register}
if [ "$mode" = saturate ]; then
	ROUNDS=${ROUNDS:-3}
else
	ROUNDS=${ROUNDS:-1}
fi
REQUESTS=${REQUESTS:-30000}
LIMIT=${LIMIT:-100}
RATE_CPS=${RATE_CPS:-2000}
RATE_SECONDS=${RATE_SECONDS:-20}
MEM_RATE=${MEM_RATE:-10000}
MEM_SECONDS=${MEM_SECONDS:-25}
KAMAILIO_CHILDREN=${KAMAILIO_CHILDREN:-2}
KAMAILIO_SHM=${KAMAILIO_SHM:-6144}
KAMAILIO_SHM_MANAGER=${KAMAILIO_SHM_MANAGER:-fm}
KAMAILIO_WT_TIMER=${KAMAILIO_WT_TIMER:-32000}
SERVER_PORT=${SERVER_PORT:-15060}
SIPP_PORT=${SIPP_PORT:-15061}
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
RESULTS=${RESULTS:-bench/results/load-$mode-$stamp.txt}
KEEP_WORK=${KEEP_WORK:-0}

for s in $SERVERS; do
	case $s in
	echo | sipgo | kamailio-tm | kamailio-sl) ;;
	*)
		echo "SERVERS: unknown server $s (echo, sipgo, kamailio-tm, kamailio-sl)" >&2
		exit 2
		;;
	esac
done
for s in $SCENARIOS; do
	case $s in
	options | register) ;;
	*)
		echo "SCENARIOS: unknown request $s (options, register)" >&2
		exit 2
		;;
	esac
done
if [ "$mode" = memory ] && [ "$MEM_SECONDS" -ge 32 ]; then
	echo "MEM_SECONDS must stay below Timer J (32 s)" >&2
	exit 2
fi
if [ "$ROUNDS" -lt 1 ]; then
	echo "ROUNDS must be at least 1" >&2
	exit 2
fi

# The exact command, with every knob, for the header.
command="SERVERS='$SERVERS' ROUNDS=$ROUNDS"
case $mode in
saturate) command+=" SCENARIOS='$SCENARIOS' REQUESTS=$REQUESTS LIMIT=$LIMIT" ;;
rate) command+=" RATE_CPS=$RATE_CPS RATE_SECONDS=$RATE_SECONDS" ;;
memory) command+=" MEM_RATE=$MEM_RATE MEM_SECONDS=$MEM_SECONDS" ;;
esac
case " $SERVERS " in
*" kamailio-"*) command+=" KAMAILIO_CHILDREN=$KAMAILIO_CHILDREN KAMAILIO_SHM=$KAMAILIO_SHM KAMAILIO_SHM_MANAGER=$KAMAILIO_SHM_MANAGER KAMAILIO_WT_TIMER=$KAMAILIO_WT_TIMER" ;;
esac
command+=" bench/load/run.sh $mode"

work=$(mktemp -d /tmp/bench-load.XXXXXX)
server_pids=()
sampler=""
cleanup() {
	if [ -n "$sampler" ]; then
		kill "$sampler" 2>/dev/null || true
	fi
	if [ "${#server_pids[@]}" -gt 0 ]; then
		kill "${server_pids[@]}" 2>/dev/null || true
	fi
	wait 2>/dev/null || true
	if [ "$KEEP_WORK" = 1 ]; then
		echo "work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench/load: $*" >&2; }

# --- build ------------------------------------------------------------------

mkdir -p "$work/bin" "$work/kamailio"
case " $SERVERS " in *" echo "*) go build -o "$work/bin/echo" ./examples/echo ;; esac
case " $SERVERS " in *" sipgo "*) (cd bench && go build -o "$work/bin/sipgo-uas" ./cmd/sipgo-uas) ;; esac
case " $SERVERS " in
*" kamailio-"*)
	command -v kamailio >/dev/null || {
		echo "kamailio not found (Debian package kamailio)" >&2
		exit 1
	}
	;;
esac
command -v sipp >/dev/null || {
	echo "sipp not found (Debian package sip-tester)" >&2
	exit 1
}

# --- server processes -------------------------------------------------------

ticks=$(getconf CLK_TCK)

# cpu_ticks PID... prints the user+system clock ticks of the processes
# (/proc/PID/stat fields 14 and 15, all threads included).
cpu_ticks() {
	local p
	for p in "$@"; do
		awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0
	done | awk '{ s += $1 } END { print s + 0 }'
}

# mem_kb PID... prints the proportional set size (Pss) of the processes in
# kB, summed: for one process it is its RSS but for the pages it shares
# with others; Kamailio's workers share one shared memory segment, which
# Pss divides between them instead of counting it once per process.
mem_kb() {
	local p
	for p in "$@"; do
		awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0
	done | awk '{ s += $1 } END { print s + 0 }'
}

# udp_drops PORT prints the datagrams the kernel dropped on the UDP socket
# bound to 127.0.0.1:PORT (the drops column of /proc/net/udp; a full
# receive buffer): the server's socket is new for each run.
udp_drops() {
	awk -v a="$(printf '0100007F:%04X' "$1")" '$2 == a { d += $NF } END { print d + 0 }' /proc/net/udp
}

# port_busy PORT: whether a UDP socket is bound to 127.0.0.1:PORT or to
# the wildcard address on PORT.
port_busy() {
	awk -v p="$(printf ':%04X' "$1")" '
		NR > 1 && ($2 == "0100007F" p || $2 == "00000000" p) { found = 1 }
		END { exit !found }' /proc/net/udp
}

# hwm_kb PID prints the peak RSS (VmHWM) of one process in kB.
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# probe: one OPTIONS from sipp, answered 200, or fail.
probe() {
	(cd "$work" && timeout 10 sipp "127.0.0.1:$SERVER_PORT" -sf "$root/bench/load/options.xml" \
		-i 127.0.0.1 -p "$SIPP_PORT" -m 1 -l 1 -timeout 3s -recv_timeout 1000 -nostdin \
		>"$work/probe.out" 2>&1)
}

# start_server NAME starts the server fresh and waits until it answers;
# sets server_pids (the main process first).
start_server() {
	local name=$1 slog="$work/$1.log" ready="" i
	server_pids=()
	if port_busy "$SERVER_PORT" || port_busy "$SIPP_PORT"; then
		log "127.0.0.1:$SERVER_PORT or 127.0.0.1:$SIPP_PORT is already bound (a server left over?): set SERVER_PORT and SIPP_PORT"
		exit 1
	fi
	case $name in
	echo)
		"$work/bin/echo" -listen "udp:127.0.0.1:$SERVER_PORT" 2>"$slog" &
		server_pids=($!)
		ready="echo ready"
		;;
	sipgo)
		"$work/bin/sipgo-uas" -listen "udp:127.0.0.1:$SERVER_PORT" 2>"$slog" &
		server_pids=($!)
		ready="sipgo-uas ready"
		;;
	kamailio-tm | kamailio-sl)
		local args=(-f "$root/bench/load/kamailio.cfg" -DD -E -n "$KAMAILIO_CHILDREN"
			-m "$KAMAILIO_SHM" -x "$KAMAILIO_SHM_MANAGER" -l "udp:127.0.0.1:$SERVER_PORT" -Y "$work/kamailio"
			-A "WT_TIMER=$KAMAILIO_WT_TIMER")
		if [ "$name" = kamailio-sl ]; then
			args+=(-A STATELESS)
		fi
		kamailio "${args[@]}" >"$slog" 2>&1 &
		server_pids=($!)
		;;
	esac
	for i in $(seq 100); do
		if ! kill -0 "${server_pids[0]}" 2>/dev/null; then
			log "$name exited at start:"
			tail -n 20 "$slog" >&2
			exit 1
		fi
		if [ -n "$ready" ]; then
			grep -q "$ready" "$slog" && break
		elif [ "$i" -gt 5 ] && probe; then
			break
		fi
		sleep 0.1
	done
	if [ -n "$ready" ] && ! grep -q "$ready" "$slog"; then
		log "$name: not ready in 10 s:"
		tail -n 20 "$slog" >&2
		exit 1
	fi
	if [ -z "$ready" ]; then
		# Kamailio: answered the probe; its workers are the main
		# process's children.
		probe || {
			log "$name: no answer to a probe OPTIONS:"
			tail -n 20 "$slog" "$work/probe.out" >&2
			exit 1
		}
		# shellcheck disable=SC2207 # pgrep prints one PID a line
		server_pids+=($(pgrep -P "${server_pids[0]}"))
	fi
}

# stop_server: SIGTERM, wait for every process, SIGKILL after 10 s.
stop_server() {
	local p i alive
	kill -TERM "${server_pids[0]}" 2>/dev/null || true
	for i in $(seq 100); do
		alive=0
		for p in "${server_pids[@]}"; do
			if kill -0 "$p" 2>/dev/null && [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ]; then
				alive=1
			fi
		done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	if [ "$alive" = 1 ]; then
		log "server still running 10 s after SIGTERM: SIGKILL"
		kill -KILL "${server_pids[@]}" 2>/dev/null || true
	fi
	wait "${server_pids[0]}" 2>/dev/null || true
	server_pids=()
}

# start_sampler FILE KB samples the summed Pss of the server's processes
# every 0.2 s and keeps the largest value, KB at least, in FILE (the peak
# memory of a multi-process server, for which the kernel keeps no peak).
start_sampler() {
	local file=$1
	echo "$2" >"$file"
	(
		max=$2
		while :; do
			m=$(mem_kb "${server_pids[@]}")
			if [ "$m" -gt "$max" ]; then
				max=$m
				echo "$max" >"$file.tmp" && mv "$file.tmp" "$file"
			fi
			sleep 0.2
		done
	) &
	sampler=$!
}

stop_sampler() {
	if [ -n "$sampler" ]; then
		kill "$sampler" 2>/dev/null || true
		wait "$sampler" 2>/dev/null || true
		sampler=""
	fi
}

# --- sipp -------------------------------------------------------------------

# stat_field CSV NAME prints the named column of the last line of sipp's
# statistics file (cumulative counters).
stat_field() {
	awk -F';' -v name="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
		END { if (c) print $c + 0; else print 0 }' "$1"
}

# percentiles FILE Q... prints on one line the nearest-rank percentiles Q
# (0.5, 0.99, ...) of the response times in FILE, sorted, one a line (ms).
percentiles() {
	local file=$1
	shift
	awk -v qs="$*" '
		{ v[NR] = $1 }
		END {
			n = split(qs, q, " ")
			for (i = 1; i <= n; i++) {
				if (NR == 0) { printf "%s-", (i > 1 ? " " : ""); continue }
				r = int(q[i] * NR); if (r < q[i] * NR) r++; if (r < 1) r = 1
				printf "%s%g", (i > 1 ? " " : ""), v[r]
			}
			print ""
		}' "$file"
}

# run_sipp DIR SCENARIO CALLS RATE PERIOD_MS LIMIT TIMEOUT_S runs sipp in
# DIR (where it writes its files) and prints its exit status.
run_sipp() {
	local dir=$1 scenario=$2 calls=$3 rate=$4 period=$5 limit=$6 timeout_s=$7 rc=0
	mkdir -p "$dir"
	(cd "$dir" && timeout "$((timeout_s + 30))" sipp "127.0.0.1:$SERVER_PORT" \
		-sf "$root/bench/load/$scenario.xml" -i 127.0.0.1 -p "$SIPP_PORT" \
		-m "$calls" -r "$rate" -rp "$period" -l "$limit" -timeout "${timeout_s}s" \
		-buff_size 4194304 -nostdin -trace_stat -stf stat.csv -fd 3600 \
		-trace_rtt -rtt_freq 1 -trace_err -error_file errors.log \
		>sipp.out 2>&1) || rc=$?
	echo "$rc"
}

# measure NAME SCENARIO CALLS RATE PERIOD_MS LIMIT TIMEOUT_S ROUND runs one
# sipp run against a fresh server and appends one raw line to $raw:
#   mode round server scenario requests answered failed retrans rate_s
#   wall_s cpu_us_per_req peak_kb idle_kb end_kb p50_ms p99_ms p999_ms
#   sipp_exit udp_drops
measure() {
	local name=$1 scenario=$2 calls=$3 rate=$4 period=$5 limit=$6 timeout_s=$7 round=$8
	local dir="$work/runs/$round-$name-$scenario" before after start end rc
	local ok failed retrans idle_kb end_kb peak_kb rtt drops
	start_server "$name"
	sleep 0.5 # settle: the start's own allocations, the probe
	idle_kb=$(mem_kb "${server_pids[@]}")
	if [ "${#server_pids[@]}" -gt 1 ]; then
		start_sampler "$work/peak" "$idle_kb"
	fi
	before=$(cpu_ticks "${server_pids[@]}")
	start=$(date +%s.%N)
	rc=$(run_sipp "$dir" "$scenario" "$calls" "$rate" "$period" "$limit" "$timeout_s")
	end=$(date +%s.%N)
	after=$(cpu_ticks "${server_pids[@]}")
	end_kb=$(mem_kb "${server_pids[@]}")
	if [ "${#server_pids[@]}" -gt 1 ]; then
		stop_sampler
		peak_kb=$(cat "$work/peak")
		[ "$end_kb" -gt "$peak_kb" ] && peak_kb=$end_kb
	else
		peak_kb=$(hwm_kb "${server_pids[0]}")
	fi
	drops=$(udp_drops "$SERVER_PORT")
	cp "$work/$name.log" "$dir/server.log" 2>/dev/null || true
	stop_server

	if [ ! -s "$dir/stat.csv" ]; then
		log "$round $name $scenario: sipp exited with $rc and no statistics:"
		tail -n 20 "$dir/sipp.out" >&2
		ok=0 failed=$calls retrans=0
	else
		ok=$(stat_field "$dir/stat.csv" "SuccessfulCall(C)")
		failed=$(stat_field "$dir/stat.csv" "FailedCall(C)")
		retrans=$(stat_field "$dir/stat.csv" "Retransmissions(C)")
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		log "$round $name $scenario: sipp exit status $rc (see $dir/sipp.out with KEEP_WORK=1)"
	fi
	# Response times: sipp's rtt dump, one line per answered request
	# (Date_ms;response_time_ms;rtd_no), sorted for the percentiles; the
	# pooled file of every round is kept per row.
	rtt="$dir/rtt.txt"
	cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' 'NR > 1 && $3 != "" && $1 != "Date_ms" { print $2 }' |
		sort -g >"$rtt" || true
	cat "$rtt" >>"$work/rtt-$name-$scenario.txt"
	# Rate over sipp's own clock: answered requests over the time from the
	# first request sent (first response time minus its response time) to
	# the last response; the wall time of the sipp process is kept too.
	local span
	span=$(cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' '
		NR > 1 && $1 != "Date_ms" && $1 != "" {
			s = $1 - $2; if (!seen || s < lo) lo = s; if (!seen || $1 > hi) hi = $1; seen = 1
		}
		END { if (seen) printf "%.3f", (hi - lo) / 1000; else print 0 }' || true)
	local pct
	pct=$(percentiles "$rtt" 0.5 0.99 0.999)
	awk -v mode="$mode" -v round="$round" -v name="$name" -v sc="$scenario" -v n="$calls" \
		-v ok="$ok" -v f="$failed" -v r="$retrans" -v span="$span" -v s="$start" -v e="$end" \
		-v b="$before" -v a="$after" -v hz="$ticks" -v peak="$peak_kb" -v idle="$idle_kb" \
		-v endkb="$end_kb" -v pct="$pct" -v rc="$rc" -v drops="$drops" 'BEGIN {
		wall = e - s
		d = (span > 0 ? span : wall)
		split(pct, p, " ")
		printf "%s %d %s %s %d %d %d %d %.0f %.3f %.1f %d %d %d %s %s %s %s %d\n",
			mode, round, name, sc, n, ok, f, r, (d > 0 ? ok / d : 0), wall,
			(ok > 0 ? (a - b) / hz / ok * 1e6 : 0), peak, idle, endkb, p[1], p[2], p[3], rc, drops
	}' >>"$raw"
	log "$(tail -n 1 "$raw")"
	if [ "$mode" = memory ] && awk -v s="$start" -v e="$end" 'BEGIN { exit !(e - s >= 32) }'; then
		log "$round $name: the run took 32 s or more, the first transactions may have left their wait state: bytes per transaction is underestimated"
	fi
}

# --- header -----------------------------------------------------------------

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- . ':(exclude)bench/results' 2>/dev/null; then
	commit+=" (working tree differs from this commit)"
fi
header() {
	echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "Commit: $commit"
	echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores"
	echo "Go: $(go version | sed 's/^go version //')"
	echo "sipp: $(sipp -v 2>&1 | awk '/SIPp v/ { print $2; exit }')"
	case " $SERVERS " in
	*" kamailio-"*) echo "Kamailio: $(kamailio -v 2>&1 | awk -F': ' '/^version:/ { print $2; exit }')" ;;
	esac
	echo "Command: $command"
}

raw="$work/raw.txt"
: >"$raw"
mkdir -p "$(dirname "$RESULTS")"
began=$(date +%s)

# --- runs -------------------------------------------------------------------

rows=()
case $mode in
saturate)
	for s in $SERVERS; do for sc in $SCENARIOS; do rows+=("$s $sc"); done; done
	timeout_s=$((REQUESTS / 1000 + 60))
	for round in $(seq "$ROUNDS"); do
		for row in "${rows[@]}"; do
			read -r s sc <<<"$row"
			measure "$s" "$sc" "$REQUESTS" 1000000 1000 "$LIMIT" "$timeout_s" "$round"
		done
	done
	;;
rate)
	for s in $SERVERS; do rows+=("$s options"); done
	for round in $(seq "$ROUNDS"); do
		for row in "${rows[@]}"; do
			read -r s sc <<<"$row"
			measure "$s" "$sc" "$((RATE_CPS * RATE_SECONDS))" "$RATE_CPS" 1000 \
				"$((RATE_CPS * 5))" "$((RATE_SECONDS + 60))" "$round"
		done
	done
	;;
memory)
	for s in $SERVERS; do rows+=("$s options"); done
	for round in $(seq "$ROUNDS"); do
		for row in "${rows[@]}"; do
			read -r s sc <<<"$row"
			measure "$s" "$sc" "$((MEM_RATE * MEM_SECONDS))" "$MEM_RATE" 1000 \
				"$((MEM_RATE * 5))" "$((MEM_SECONDS + 60))" "$round"
		done
	done
	;;
esac
took=$(($(date +%s) - began))

# --- table ------------------------------------------------------------------

label() {
	case $1 in
	echo) echo "sippet examples/echo" ;;
	sipgo) echo "sipgo v1.7.3 UAS (transactions)" ;;
	kamailio-tm) echo "Kamailio tm (t_newtran + t_reply)" ;;
	kamailio-sl) echo "Kamailio sl (sl_send_reply, stateless)" ;;
	esac
}
answer() { # server scenario -> the final response it sends
	if [ "$1" = echo ] && [ "$2" = register ]; then echo 405; else echo 200; fi
}
upper() { echo "$1" | tr '[:lower:]' '[:upper:]'; }

table() {
	local row s sc lines pct
	case $mode in
	saturate)
		echo "| server | request | answer | requests/s median (min-max) | failed | retransmissions | UDP drops | p50 ms | p99 ms | server CPU µs/request | peak memory MB |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|"
		;;
	rate)
		echo "| server | request | answer | requests/s | failed | retransmissions | UDP drops | p50 ms | p99 ms | p99.9 ms | server CPU µs/request | peak memory MB |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
		;;
	memory)
		echo "| server | request | answer | answered | failed | retransmissions | UDP drops | requests/s | memory idle MB | memory at end MB | bytes per transaction |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|"
		;;
	esac
	for row in "${rows[@]}"; do
		read -r s sc <<<"$row"
		lines=$(awk -v s="$s" -v sc="$sc" '$3 == s && $4 == sc' "$raw")
		[ -n "$lines" ] || continue
		sort -g -o "$work/rtt-$s-$sc.txt" "$work/rtt-$s-$sc.txt"
		pct=$(percentiles "$work/rtt-$s-$sc.txt" 0.5 0.99 0.999)
		echo "$lines" | sort -k9 -n | awk -v label="$(label "$s")" -v req="$(upper "$sc")" \
			-v ans="$(answer "$s" "$sc")" -v mode="$mode" -v pct="$pct" '
			{
				rate[NR] = $9; ok += $6; f += $7; r += $8; cpu[NR] = $11; dr += $19
				if ($12 > peak) peak = $12
				idle[NR] = $13; bpt[NR] = ($6 > 0 ? ($14 - $13) * 1024 / $6 : 0)
				endkb[NR] = $14
			}
			# median of v[1..n], sorted in place
			function median(v, n,    i, j, t) {
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
				return (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
			}
			END {
				mrate = median(rate, NR); mcpu = median(cpu, NR)
				split(pct, p, " ")
				if (mode == "saturate")
					printf "| %s | %s | %s | %d (%d-%d) | %d | %d | %d | %s | %s | %.1f | %.0f |\n",
						label, req, ans, mrate, rate[1], rate[NR], f, r, dr, p[1], p[2], mcpu, peak / 1024
				else if (mode == "rate")
					printf "| %s | %s | %s | %d | %d | %d | %d | %s | %s | %s | %.1f | %.0f |\n",
						label, req, ans, mrate, f, r, dr, p[1], p[2], p[3], mcpu, peak / 1024
				else {
					printf "| %s | %s | %s | %d | %d | %d | %d | %d | %.1f | %.1f | %.0f |\n",
						label, req, ans, ok, f, r, dr, mrate, median(idle, NR) / 1024, median(endkb, NR) / 1024, median(bpt, NR)
				}
			}'
	done
}

# ratios prints, in saturate mode with echo and sipgo both run, echo's CPU
# per request over sipgo's round by round for each request, and the median:
# the rounds run the two minutes apart at most, so a round's ratio is less
# noisy than the ratio of the two medians on a machine whose speed moves.
ratios() {
	[ "$mode" = saturate ] || return 0
	awk '$1 == "saturate" && ($3 == "echo" || $3 == "sipgo") { cpu[$3 " " $4 " " $2] = $11; sc[$4] = 1; r[$2] = 1 }
		END {
			for (s in sc) {
				n = 0; line = ""
				for (k = 1; k in r; k++) {
					e = cpu["echo " s " " k]; g = cpu["sipgo " s " " k]
					if (e == "" || g == "" || g == 0) continue
					v[++n] = e / g; line = line sprintf(" %.2f", e / g)
				}
				if (n == 0) continue
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
				m = (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
				printf "echo/sipgo server CPU per request, %s, round by round:%s; median %.2f\n", toupper(s), line, m
			}
		}' "$raw" | sort
}

tbl=$(table)
rat=$(ratios)
# report prints what both the results file and the terminal get.
report() {
	header
	echo
	echo "$tbl"
	echo
	if [ -n "$rat" ]; then
		echo "$rat"
		echo
	fi
}
{
	report
	echo "Took ${took} s. Raw runs (mode round server request requests answered failed"
	echo "retransmissions requests/s wall_s cpu_us/request peak_kB idle_kB end_kB p50_ms"
	echo "p99_ms p99.9_ms sipp_exit udp_drops):"
	echo
	sed 's/^/    /' "$raw"
} >"$RESULTS"

report
echo "Took ${took} s; raw runs in $RESULTS"
