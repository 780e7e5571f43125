#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# CI step for issue 15 (count as a service):
#   1. the state file's unit test under ASan+UBSan (built directly: two files);
#   2. a build of the tool, the service tests with 100 SIGKILLs on the
#      virtual clock and 100 on the real one;
#   3. the issue's "done when": on the real-clock simulator, a 1 kHz train
#      counted with --state and --interval 1s into a log for a minute in
#      three runs, the first two ended by SIGKILL; then the state's total
#      plus its gaps must account for the train (1 pulse/ms from the first
#      start to the last checkpoint) and the log must have a line a second.
#
# Usage: .ci/steps/service.sh SRCDIR SCRATCH.  Bounded: every run has a
# timeout; ~3 minutes on a loaded 2-core machine.  Prints one summary line.
set -euo pipefail
SRC=$(cd "$1" && pwd)
WORK=$2
SECONDS_PER_RUN=${SERVICE_SECONDS_PER_RUN:-20}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
START=$(date +%s)
JOBS=2

# 1. the state file under the sanitizers
${CC:-cc} -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -I"$SRC/tools" -o "$WORK/test-state-asan" \
	"$SRC/tests/test_state.c" "$SRC/tools/state.c"
TMPDIR=$WORK timeout 120 "$WORK/test-state-asan" | tail -n 1

# 2. build, then the service tests with more kills
rm -rf "$WORK/src" "$WORK/build"
git clone -q "$SRC" "$WORK/src"
(cd "$WORK/src" && ./autogen.sh >/dev/null 2>&1)
mkdir -p "$WORK/build"
cd "$WORK/build"
"$WORK/src/configure" >"$WORK/configure.log" 2>&1 || { tail -n 30 "$WORK/configure.log"; exit 1; }
nice make -j"$JOBS" >"$WORK/make.log" 2>&1 || { tail -n 30 "$WORK/make.log"; exit 1; }
PINWATCH_TEST_KILLS=500 TMPDIR=$WORK timeout 900 sh "$WORK/src/tests/test-service.sh" \
	>"$WORK/test-service.log" 2>&1 || { grep -v '^ok' "$WORK/test-service.log"; exit 1; }
grep '^# kill test' "$WORK/test-service.log"
kills_line=$(grep '^[0-9]* passed, [0-9]* failed' "$WORK/test-service.log")

# 3. the issue's "done when": a minute, two SIGKILLs
PW=$WORK/build/tools/pinwatch
STATE=$WORK/meter.state
LOG=$WORK/meter.log
rm -f "$STATE" "$LOG"
for run in 1 2 3; do
	# bounded by its own --duration: a timeout(1) in front would take the
	# SIGKILL meant for the counter
	"$PW" -b sim:aria-g25 count N3 --wire N2 --pulse 1k --duration $((SECONDS_PER_RUN + 30))s \
		--state "$STATE" --interval 1s >>"$LOG" 2>>"$WORK/meter.err" &
	pid=$!
	sleep "$SECONDS_PER_RUN"
	if [ "$run" -lt 3 ]; then kill -KILL "$pid"; else kill -TERM "$pid"; fi
	wait "$pid" || true
done
"$PW" count --state "$STATE" --show >"$WORK/show"
cat "$WORK/show"
ns() { echo "$1" | sed 's/s$//; s/\.//; s/^0*\([0-9]\)/\1/'; }
total=$(sed -n 's/^N3 total=\([0-9]*\) .*/\1/p' "$WORK/show")
runs=$(sed -n 's/.* runs=\([0-9]*\) .*/\1/p' "$WORK/show")
gaps=$(sed -n 's/^gaps=\([0-9]*\) .*/\1/p' "$WORK/show")
gap_ns=$(ns "$(sed -n 's/^gaps=[0-9]* gap_time=\([0-9.]*s\).*/\1/p' "$WORK/show")")
since=$(sed -n 's/.* since=\([^ ]*\) .*/\1/p' "$WORK/show")
saved=$(sed -n 's/.* saved=\([^ ]*\) .*/\1/p' "$WORK/show")
played=$(( ($(date -d "$saved" +%s%N) - $(date -d "$since" +%s%N)) / 1000000 ))
accounted=$(( total + gap_ns / 1000000 ))
off=$(( accounted - played ))
lines=$(grep -c '^N3 total=' "$LOG")
want_lines=$(( 3 * SECONDS_PER_RUN ))
ok=1
[ "$runs" = 3 ] && [ "$gaps" = 2 ] && [ "$(grep -c 'edges=unknown after=crash$' "$LOG")" = 2 ] || ok=0
# A few pulses per run: a real-time train and a checkpoint are not one
# instant, and a generator thread woken late on a loaded machine is behind
# the clock at the checkpoint (measured here: -11 of 60023 on a 2-core
# machine shared by six builds)
[ "${off#-}" -le $(( 5 * runs + played / 1000 )) ] || ok=0
# a line a second (each killed run may lose the line of its last second,
# the last run adds its summary)
[ "$lines" -ge $((want_lines - 3)) ] && [ "$lines" -le $((want_lines + 3)) ] || ok=0
summary="service: state test (ASan+UBSan) ok; $kills_line; done-when: $runs runs, 2 SIGKILLs, total $total + gaps $((gap_ns / 1000000)) ms = $accounted of $played pulses played ($off), $lines lines for $want_lines s; $(( $(date +%s) - START ))s"
echo "$summary"
[ "$ok" = 1 ]
