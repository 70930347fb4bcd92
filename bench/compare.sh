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
# raw lines. With IDLE=1, each run waits (up to 60 s) until the machine was
# at least 90% idle for 3 seconds; with KEEP=file, the raw lines are kept
# there.
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
		./bench.test -test.run '^$' -test.bench "^Benchmark${pattern}\$/^lib=${lib}\$" \
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
