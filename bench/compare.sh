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
# Ratios: the n-th sippet line of a benchmark over its n-th sipgo line.
awk '
	{
		name = $1; sub(/\/lib=.*/, "", name)
		lib = $1; sub(/.*\/lib=/, "", lib); sub(/-[0-9]+$/, "", lib)
		if (lib != "sippet" && lib != "sipgo") next
		n = ++count[name, lib]
		t[name, lib, n] = $3
		if (!(name in seen)) { seen[name] = 1; order[++names] = name }
	}
	END {
		for (k = 1; k <= names; k++) {
			name = order[k]; m = 0; line = ""
			for (i = 1; i <= count[name, "sippet"] && i <= count[name, "sipgo"]; i++) {
				r[++m] = t[name, "sippet", i] / t[name, "sipgo", i]
				line = line sprintf(" %.2f", r[m])
			}
			if (m == 0) continue
			for (i = 2; i <= m; i++) for (j = i; j > 1 && r[j-1] > r[j]; j--) { x = r[j]; r[j] = r[j-1]; r[j-1] = x }
			med = m % 2 ? r[(m+1)/2] : (r[m/2] + r[m/2+1]) / 2
			printf "%s sippet/sipgo per round:%s; median %.2f\n", name, line, med
		}
		# The serializer against our own parse of the same message.
		for (k = 1; k <= names; k++) {
			name = order[k]
			if (name !~ /^BenchmarkSerialize/) continue
			parse = name; sub(/Serialize/, "Parse", parse)
			m = 0; line = ""
			for (i = 1; i <= count[name, "sippet"] && i <= count[parse, "sippet"]; i++) {
				r[++m] = t[name, "sippet", i] / t[parse, "sippet", i]
				line = line sprintf(" %.2f", r[m])
			}
			if (m == 0) continue
			for (i = 2; i <= m; i++) for (j = i; j > 1 && r[j-1] > r[j]; j--) { x = r[j]; r[j] = r[j-1]; r[j-1] = x }
			med = m % 2 ? r[(m+1)/2] : (r[m/2] + r[m/2+1]) / 2
			printf "%s sippet over its parse per round:%s; median %.2f\n", name, line, med
		}
	}' "$out"
