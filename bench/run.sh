#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make bench: run pw-bench and print one table, every pinwatch figure next
# to the reference engine's (bench/ref.c) measured in the same run, or next
# to its own 1-pin / 1-generator figure for the scaling rows.
# docs/performance.md says what each row means.
#
#   bench/run.sh [--callgrind-only] PATH/TO/pw-bench
#
# Knobs (environment; defaults keep `make bench` near a minute):
#   PW_BENCH_EVENTS=20000      events per timed round (delivery, scaling)
#   PW_BENCH_ROUNDS=11         rounds, the median is printed
#   PW_BENCH_CG_EVENTS=2000    callgrind: the smaller event count (the larger is 3x)
#   PW_BENCH_CALLGRIND=1       0: skip the callgrind rows (needs valgrind)
#   PW_BENCH_GEN_EDGES=20480   edges per generation round
#   PW_BENCH_LATENCY_EDGES=2000  PW_BENCH_LATENCY_HZ=1000 (pulse frequency)
#   PW_BENCH_IDLE_SECONDS=2    the issue's figure is over 10 s
set -eu

only_cg=0
if [ "${1-}" = --callgrind-only ]; then
	only_cg=1
	shift
fi
bin=${1:?usage: run.sh [--callgrind-only] PATH/TO/pw-bench}
events=${PW_BENCH_EVENTS:-20000}
rounds=${PW_BENCH_ROUNDS:-11}
cg_events=${PW_BENCH_CG_EVENTS:-2000}
cg=${PW_BENCH_CALLGRIND:-1}
gen_edges=${PW_BENCH_GEN_EDGES:-20480}
lat_edges=${PW_BENCH_LATENCY_EDGES:-2000}
lat_hz=${PW_BENCH_LATENCY_HZ:-1000}
idle_s=${PW_BENCH_IDLE_SECONDS:-2}

if [ "$cg" = 1 ] && ! command -v valgrind >/dev/null 2>&1; then
	echo "run.sh: valgrind not found: no callgrind rows" >&2
	cg=0
fi

# ratio A B: A/B with two decimals, "-" when B is 0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# Instructions inside bench_consume_round (the wake-ups alone) for N events.
cg_count() {
	valgrind --tool=callgrind --toggle-collect=bench_consume_round \
	  --callgrind-out-file=/dev/null "$bin" run "$@" 2>&1 |
	  awk '/Collected :/ { print $NF }'
}
# instructions per event: two event counts, the difference over the extra events
cg_per_event() { # ENGINE MODE BATCH
	small=$cg_events
	large=$((cg_events * 3))
	a=$(cg_count "$1" "$2" "$3" 1 "$small")
	b=$(cg_count "$1" "$2" "$3" 1 "$large")
	# run rounds the counts up to whole batches
	awk -v a="$a" -v b="$b" -v s="$small" -v l="$large" -v k="$3" 'BEGIN {
		s = int((s + k - 1) / k) * k; l = int((l + k - 1) / k) * k
		printf "%.0f", (b - a) / (l - s) }'
}

row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }

echo "pinwatch bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs"
echo
row figure case pinwatch reference pinwatch/reference
row --- --- --- --- ---

if [ "$only_cg" = 0 ]; then
	for mode in counters callback queue; do
		for k in 1 16 64; do
			set -- $("$bin" delivery "$mode" "$k" 1 "$events" "$rounds")
			row "delivery, ns/event (wall, median of $rounds)" "$mode, $k/wake-up" "$1" "$2" "$3"
		done
	done
fi

if [ "$cg" = 1 ]; then
	for mode in counters callback queue; do
		for k in 1 16 64; do
			p=$(cg_per_event pinwatch "$mode" "$k")
			r=$(cg_per_event ref "$mode" "$k")
			row "delivery, instructions/event (callgrind)" "$mode, $k/wake-up" "$p" "$r" "$(ratio "$p" "$r")"
		done
	done
fi
[ "$only_cg" = 1 ] && exit 0

base_p= base_r=
for pins in 1 16 256 1024; do
	set -- $("$bin" delivery callback 16 "$pins" "$events" "$rounds")
	: "${base_p:=$1}" "${base_r:=$2}"
	row "scaling: delivery ns/event, callback 16/wake-up (x 1 pin)" "$pins pins" \
	  "$1 ($(ratio "$1" "$base_p")x)" "$2 ($(ratio "$2" "$base_r")x)" "$3"
done

base_g=
for gens in 1 16 256 1024; do
	g=$("$bin" generation "$gens" "$gen_edges" 5)
	: "${base_g:=$g}"
	row "scaling: sim generation ns/edge, virtual clock (x 1 generator)" "$gens generators" \
	  "$g ($(ratio "$g" "$base_g")x)" "-" "-"
done

set -- $("$bin" latency pinwatch "$lat_edges" "$lat_hz")
lp="$1 $2 $3"
lpn=$4
set -- $("$bin" latency ref "$lat_edges" "$lat_hz")
row "latency, edge -> callback, us (p50 p99 p99.9)" "$lat_hz Hz pulses, edges seen $lpn vs $4" \
  "$lp" "$1 $2 $3" "$(ratio "${lp%% *}" "$1") (p50)"

ip=$("$bin" idle pinwatch "$idle_s")
ir=$("$bin" idle ref "$idle_s")
row "idle: worker wake-ups/s (voluntary switches, $idle_s s)" "1 watch, no edges" "$ip" "$ir" "must be 0"
