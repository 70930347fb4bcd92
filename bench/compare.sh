#!/usr/bin/env bash
# Side-by-side parse and serialize benchmarks with each library in its own
# process, interleaved over rounds: within one process the second library
# inherits the heap and the garbage collector's pace of the first, which on
# a small VM moves the ratio more than the code does.
#
#   bench/compare.sh [rounds] [pattern]
#
# Defaults: 8 rounds, 'ParseINVITE'. Prints benchstat's table when benchstat
# is installed (go install golang.org/x/perf/cmd/benchstat@latest), else the
# raw lines; then, per benchmark, sippet's time over sipgo's in each round
# and the median of those ratios, which is what issue 2's targets compare,
# and sippet's serializing over its parsing of the same message. A round's
# runs are seconds apart, so the VM's drift cancels in a ratio more than in
# a median of times. With IDLE=1, each run waits (up to 60 s) until the
# machine was at least 90% idle for 3 seconds; with KEEP=file, the raw
# lines are kept there.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-8}
pattern=${2:-ParseINVITE}
out=$(mktemp)
trap 'rm -f "$out" bench.test' EXIT
go test -c -o bench.test .
# idle waits until the CPUs were at least 90% idle over 3 seconds, for up
# to 60 seconds.
idle() {
	local deadline=$((SECONDS + 60)) u n s i w x y z t1 i1 t2
	while ((SECONDS < deadline)); do
		read -r _ u n s i w x y z _ </proc/stat
		t1=$((u + n + s + i + w + x + y + z)) i1=$i
		sleep 3
		read -r _ u n s i w x y z _ </proc/stat
		t2=$((u + n + s + i + w + x + y + z))
		if ((100 * (i - i1) >= 90 * (t2 - t1))); then
			return
		fi
	done
}
for _ in $(seq "$rounds"); do
	for lib in sippet sipgo; do
		if [ "${IDLE:-}" = 1 ]; then idle; fi
		./bench.test -test.run '^$' -test.bench "^Benchmark(${pattern})\$/^lib=${lib}\$" \
			-test.benchmem -test.count 1 -test.benchtime 1s | grep '^Benchmark' >>"$out"
	done
done
if [ -n "${KEEP:-}" ]; then
	cp "$out" "$KEEP"
fi
if command -v benchstat >/dev/null 2>&1; then
	benchstat "$out"
elif [ -x "$HOME/go/bin/benchstat" ]; then
	"$HOME/go/bin/benchstat" "$out"
else
	cat "$out"
fi
# Ratios, round by round: the n-th line of one benchmark over the n-th of
# another, then their median.
awk '
	function report(label, a, la, b, lb,    i, j, m, x, r, line) {
		for (i = 1; i <= count[a, la] && i <= count[b, lb]; i++) {
			r[++m] = t[a, la, i] / t[b, lb, i]
			line = line sprintf(" %.2f", r[m])
		}
		if (m == 0) return
		for (i = 2; i <= m; i++) for (j = i; j > 1 && r[j-1] > r[j]; j--) { x = r[j]; r[j] = r[j-1]; r[j-1] = x }
		printf "%s %s per round:%s; median %.2f\n", a, label, line, m % 2 ? r[(m+1)/2] : (r[m/2] + r[m/2+1]) / 2
	}
	{
		name = $1; sub(/\/lib=.*/, "", name)
		lib = $1; sub(/.*\/lib=/, "", lib); sub(/-[0-9]+$/, "", lib)
		if (lib != "sippet" && lib != "sipgo") next
		n = ++count[name, lib]
		t[name, lib, n] = $3
		if (!(name in seen)) { seen[name] = 1; order[++names] = name }
	}
	END {
		for (k = 1; k <= names; k++) report("sippet/sipgo", order[k], "sippet", order[k], "sipgo")
		# The serializer against our own parse of the same message.
		for (k = 1; k <= names; k++) {
			if (order[k] !~ /^BenchmarkSerialize/) continue
			parse = order[k]; sub(/Serialize/, "Parse", parse)
			report("sippet over its parse", order[k], "sippet", parse, "sippet")
		}
	}' "$out"
