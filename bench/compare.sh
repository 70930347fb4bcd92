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
# raw lines.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-8}
pattern=${2:-ParseINVITE}
out=$(mktemp)
trap 'rm -f "$out" bench.test' EXIT
go test -c -o bench.test .
for _ in $(seq "$rounds"); do
	for lib in sippet sipgo; do
		./bench.test -test.run '^$' -test.bench "^Benchmark${pattern}\$/^lib=${lib}\$" \
			-test.benchmem -test.count 1 -test.benchtime 1s | grep '^Benchmark' >>"$out"
	done
done
if command -v benchstat >/dev/null 2>&1; then
	benchstat "$out"
elif [ -x "$HOME/go/bin/benchstat" ]; then
	"$HOME/go/bin/benchstat" "$out"
else
	cat "$out"
fi
