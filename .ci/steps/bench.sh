#!/usr/bin/env bash
# CI step (issue 14): make bench runs and prints its whole table — every
# benchmark still builds, starts and delivers what it was fed (pw-bench
# reports any mismatch on stderr, which fails this step).  Figures only:
# no speed is asserted.  Short rounds; bounded in time.
#
#   .ci/steps/bench.sh SRC_DIR SCRATCH_DIR
set -euo pipefail
src=$(cd "${1:?usage: bench.sh SRC_DIR SCRATCH_DIR}" && pwd)
work=${2:?usage: bench.sh SRC_DIR SCRATCH_DIR}
start=$(date +%s)

rm -rf "$work/bench-src" "$work/bench-build"
git clone -q "$src" "$work/bench-src"
(cd "$work/bench-src" && ./autogen.sh >/dev/null 2>&1)
mkdir -p "$work/bench-build"
cd "$work/bench-build"
"$work/bench-src/configure" >/dev/null
make -j"$(nproc)" >/dev/null

export PW_BENCH_EVENTS=5000 PW_BENCH_ROUNDS=5 PW_BENCH_CG_EVENTS=1000 \
	PW_BENCH_GEN_EDGES=5120 PW_BENCH_LATENCY_EDGES=1000 PW_BENCH_IDLE_SECONDS=1
timeout 600 make -s bench >"$work/bench.out" 2>"$work/bench.err"
cat "$work/bench.out"
if grep -q 'pw-bench:' "$work/bench.err"; then
	echo "bench: a benchmark reported a problem:"
	cat "$work/bench.err"
	exit 1
fi
rows=$(grep -c '^| [a-z]' "$work/bench.out")
[ "$rows" -ge 27 ] || { echo "bench: only $rows rows in the table"; cat "$work/bench.err"; exit 1; }
echo "bench: $rows rows, $(( $(date +%s) - start )) s"
