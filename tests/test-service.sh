#!/bin/sh
# SPDX-License-Identifier: MIT
#
# pinwatch count as a service (issue 15): --interval lines off a terminal
# (exact, on the virtual clock), --state resumed and checkpointed, gaps,
# SIGHUP / SIGUSR1 / SIGTERM, the idle watchdog, debounce on a 10 kHz train,
# and the kill test: the counter killed with SIGKILL at random moments and
# restarted on the same --state, the state checked after every kill.
#
# Run by `make check` from the build directory; PINWATCH_TOOL overrides the
# program under test, PINWATCH_TEST_KILLS the number of SIGKILLs (100).
# No assertion is about speed.  Ends with "N passed, N failed".

PW=${PINWATCH_TOOL:-./tools/pinwatch}
WRAP=${PINWATCH_TEST_EXEC_WRAPPER:-}
V=sim:aria-g25,clock=virtual
R=sim:aria-g25
KILLS=${PINWATCH_TEST_KILLS:-100}
unset PINWATCH_BOARD PINWATCH_DEBUG
. "$(dirname "$0")/tap.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/test-service.XXXXXX") || exit 99
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$T"' EXIT
pw() {
	# shellcheck disable=SC2086 # the wrapper is a command and its words
	$WRAP "$PW" "$@"
}

run() {
	pw "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

check() {
	if [ "$?" -eq 0 ]; then ok "$1"; else not_ok "$1" "$2"; fi
}

# check_files NAME DETAIL FILE...: as check, the detail of a failure being
# DETAIL and the FILEs' contents.  Read after the status is taken: a
# command substitution in check's own arguments ("$(cat ...)") sets $? to
# its own status under bash (make check's shell), so such a check passed
# whatever the condition before it said.
check_files() {
	st_=$?
	name_=$1 detail_=$2
	shift 2
	if [ "$st_" -eq 0 ]; then ok "$name_"; else not_ok "$name_" "$detail_ $(cat "$@" 2>&1)"; fi
}

expect_out() {
	cat >"$T/want"
	if [ "$rc" = 0 ] && cmp -s "$T/want" "$T/out"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc; stderr: $(cat "$T/err")
$(diff "$T/want" "$T/out")"
	fi
}

# expect_out_rc NAME RC < WANT: expect_out with exit status RC
expect_out_rc() {
	cat >"$T/want"
	if [ "$rc" = "$2" ] && cmp -s "$T/want" "$T/out"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, want $2; stderr: $(cat "$T/err")
$(diff "$T/want" "$T/out")"
	fi
}

expect_usage() {
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -q "(try 'pinwatch.*--help')\$" "$T/err" && [ ! -s "$T/out" ]; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, want 1 and a one-line hint; stderr: $(cat "$T/err")"
	fi
}

expect_runtime() {
	if [ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -Eq -- "$2" "$T/err"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, want 2 and /$2/; stderr: $(cat "$T/err")"
	fi
}

# wait_ready PID MASK: until the tool blocks the signals of MASK (its
# signalfd is in place), then a little more for events to flow.
wait_ready() {
	i=0
	while [ "$i" -lt 200 ]; do
		blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		[ -n "$blk" ] && [ $((0x$blk & $2)) -eq $(($2)) ] && break
		sleep 0.05
		i=$((i + 1))
	done
	sleep 0.3
}
# SIGHUP, SIGINT, SIGUSR1, SIGTERM: count's signals
COUNT_SIGS=0x4203
# SIGHUP, SIGINT, SIGTERM: set's and mon's
END_SIGS=0x4003

# wait_for CMD...: until CMD succeeds, at most 10 s
wait_for() {
	i=0
	while [ "$i" -lt 200 ]; do
		"$@" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# field NAME KEY: KEY's value (KEY=VALUE) on NAME's line of the last --show
field() {
	sed -n "s/^$1 .*[ ]$2=\\([^ ]*\\).*/\\1/p; s/^$1 $2=\\([^ ]*\\).*/\\1/p" "$T/show" | head -n 1
}

# show FILE: the state in $T/show; status in $src
show() {
	pw count --state "$1" --show >"$T/show" 2>"$T/show.err"
	src=$?
}

# ns_of 1.500000000s -> 1500000000
ns_of() {
	echo "$1" | sed 's/s$//; s/\.//; s/^0*\([0-9]\)/\1/'
}

# ============================================ --interval off a terminal

run -b "$V" count N3 --pulse 1k --duration 3s --interval 1s
expect_out "--interval 1s, 3 s on the virtual clock: a line a second, then the summary" <<'EOF'
N3 total=1000 rising=1000 falling=1000 lost=0 elapsed=1.000000000s rate=1000.0/s sim_dropped=0
N3 total=2000 rising=2000 falling=2000 lost=0 elapsed=2.000000000s rate=1000.0/s sim_dropped=0
N3 total=3000 rising=3000 falling=3000 lost=0 elapsed=3.000000000s rate=1000.0/s sim_dropped=0
N3 total=3000 rising=3000 falling=3000 lost=0 elapsed=3.000000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 N4 --wire N2 --pulse 2k,count=3000 --interval 500ms
expect_out "--interval: a line per pin, the rate over the interval, ends with the generator" <<'EOF'
N3 total=1000 rising=1000 falling=1000 lost=0 elapsed=0.500000000s rate=2000.0/s sim_dropped=0
N4 total=1000 rising=1000 falling=1000 lost=0 elapsed=0.500000000s rate=2000.0/s sim_dropped=0
N3 total=2000 rising=2000 falling=2000 lost=0 elapsed=1.000000000s rate=2000.0/s sim_dropped=0
N4 total=2000 rising=2000 falling=2000 lost=0 elapsed=1.000000000s rate=2000.0/s sim_dropped=0
N3 total=3000 rising=3000 falling=3000 lost=0 elapsed=1.500000000s rate=2000.0/s sim_dropped=0
N4 total=3000 rising=3000 falling=3000 lost=0 elapsed=1.500000000s rate=2000.0/s sim_dropped=0
N3 total=3000 rising=3000 falling=3000 lost=0 elapsed=1.500000000s rate=2000.0/s sim_dropped=0
N4 total=3000 rising=3000 falling=3000 lost=0 elapsed=1.500000000s rate=2000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --pulse 1k --duration 2500ms -i 1s --json
expect_out "--interval --json: one object per pin and interval" <<'EOF'
{"pin":"N3","total":1000,"rising":1000,"falling":1000,"lost":0,"debounced":0,"elapsed_ns":1000000000,"rate":1000.0,"sim_dropped":0}
{"pin":"N3","total":2000,"rising":2000,"falling":2000,"lost":0,"debounced":0,"elapsed_ns":2000000000,"rate":1000.0,"sim_dropped":0}
{"pin":"N3","total":2500,"rising":2500,"falling":2500,"lost":0,"debounced":0,"elapsed_ns":2500000000,"rate":1000.0,"sim_dropped":0}
EOF
run -b "$V" count N3 --pulse 1k --duration 3s --interval 1s --output "$T/log"
[ "$rc" = 0 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/log")" = 4 ]
check_files "--output FILE: the lines and the summary go to FILE" "exit $rc" "$T/err" "$T/out"
run -b "$V" count N3 --interval 0
expect_usage "--interval 0: usage error"
run -b "$V" count N3 --interval soon
expect_usage "--interval: bad duration: usage error"

# Real clock, stdout a file: the lines are there while it runs (flushed),
# not only at the end.
$WRAP "$PW" -b "$R" count N3 --pulse 1k --interval 100ms >"$T/out" 2>"$T/err" &
pid=$!
wait_for test -s "$T/out"
lines=$(wc -l <"$T/out")
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && [ "$lines" -ge 1 ] &&
	grep -Eq '^N3 total=[0-9]+ rising=[0-9]+ falling=[0-9]+ lost=0 elapsed=[0-9.]+s rate=[0-9.]+/s sim_dropped=0$' "$T/out"
check_files "--interval on the real clock, stdout a file: lines while it runs, flushed" "exit $rc" "$T/out" "$T/err"

# ============================================================== --state

S=$T/meter.state
run -b "$V" count N3 --pulse 1k --duration 2s --state "$S"
expect_out "--state, first run: the summary (no gap: nothing before it)" <<'EOF'
N3 total=2000 rising=2000 falling=2000 lost=0 elapsed=2.000000000s rate=1000.0/s sim_dropped=0
EOF
show "$S"
[ "$src" = 0 ] && [ "$(field N3 total)" = 2000 ] && grep -q ' runs=1 .* counted=2.000000000s clean=1$' "$T/show" &&
	grep -q '^gaps=0 gap_time=0.000000000s kept=0$' "$T/show"
check_files "--show: the state after a clean end (runs=1, clean=1, no gap)" "" "$T/show" "$T/show.err"
run -b "$V" count N3 --pulse 1k --duration 1s --state "$S"
sed -n 2p "$T/out" >"$T/out2"
[ "$rc" = 0 ] &&
	grep -Eq '^gap start=20[0-9-]+T[0-9:.]+Z end=20[0-9-]+T[0-9:.]+Z duration=[0-9]+\.[0-9]{9}s edges=unknown after=stopped$' "$T/out" &&
	[ "$(cat "$T/out2")" = "N3 total=3000 rising=3000 falling=3000 lost=0 elapsed=1.000000000s rate=1000.0/s sim_dropped=0" ]
check_files "--state, second run: the gap since the first, totals resumed" "" "$T/out" "$T/err"
show "$S"
[ "$(field N3 total)" = 3000 ] && grep -q ' runs=2 .* counted=3.000000000s clean=1$' "$T/show" &&
	grep -q '^gaps=1 ' "$T/show" && grep -q '^gap .* edges=unknown after=stopped$' "$T/show"
check_files "the gap is in the state" "" "$T/show"
run -b "$V" count N3 --pulse 1k --duration 1s --state "$S" --json
head -n 1 "$T/out" | grep -Eq '^\{"gap":\{"start":"[0-9TZ:.-]+","end":"[0-9TZ:.-]+","duration_ns":[0-9]+,"edges":"unknown","after":"stopped"\}\}$'
check_files "--json: the gap as an object" "" "$T/out"

run -b "$V" count N4 --pulse 1k --duration 1s --state "$S"
expect_runtime "--state of other pins: runtime error naming both" "meter.state counts N3, not N4"
show "$S"
[ "$(field N3 total)" = 4000 ]
check_files "... and the state is untouched" "" "$T/show"

cp "$S" "$T/good.state"
printf 'x' >>"$S"
cp "$S" "$T/bad.state"
run -b "$V" count N3 --pulse 1k --duration 1s --state "$S"
expect_runtime "a corrupt state: runtime error, no counting over it" "corrupt state: .*move it away"
cmp -s "$S" "$T/bad.state"
check "... and the corrupt file is left as it was"
show "$S"
[ "$src" = 2 ] && grep -q 'corrupt state' "$T/show.err"
check_files "--show of a corrupt state: exit 2" "" "$T/show.err"
cp "$T/good.state" "$S"

$WRAP "$PW" -b "$R" count N3 --pulse 100 --state "$S" >"$T/out1" 2>"$T/err1" &
pid=$!
wait_ready "$pid" "$COUNT_SIGS"
run -b "$R" count N3 --pulse 100 --state "$S" --duration 1s
expect_runtime "a second counter on the same state: refused" "in use by another pinwatch count"
kill -TERM "$pid"
wait "$pid"
rc=$?
show "$S"
[ "$rc" = 0 ] && grep -q ' clean=1$' "$T/show"
check_files "SIGTERM with --state: exit 0, a final clean checkpoint" "exit $rc" "$T/err1" "$T/show"
total_out=$(sed -n 's/^N3 total=\([0-9]*\) .*/\1/p' "$T/out1")
total_state=$(field N3 total)
[ -n "$total_out" ] && [ "$total_out" = "$total_state" ]
check "... the summary's total is the state's" "summary $total_out, state $total_state"

mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	run -b "$V" count N3 --pulse 1k --duration 1s --state "$T/ro/x.state"
	expect_runtime "--state in a directory it cannot write: runtime error at the start" "x.state"
fi
run -b "$V" count --state "$S" --show N3
expect_usage "--show with a pin: usage error"
run -b "$V" count N3 --show
expect_usage "--show without --state: usage error"

# ================================================================ signals

# SIGUSR1: the totals now, and it goes on.
$WRAP "$PW" -b "$R" count N3 --pulse 1k >"$T/out" 2>"$T/err" &
pid=$!
wait_ready "$pid" "$COUNT_SIGS"
kill -USR1 "$pid"
wait_for grep -q '^N3 total=' "$T/out"
kill -0 "$pid" 2>/dev/null
alive=$?
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$alive" = 0 ] && [ "$rc" = 0 ] && [ "$(grep -c '^N3 total=' "$T/out")" = 2 ]
check_files "SIGUSR1 prints the totals and count goes on; SIGTERM: summary, exit 0" "alive $alive, exit $rc" "$T/out" "$T/err"

# SIGHUP: log rotation.  The output and the state are moved away; after
# the signal both are there again, and the count goes on.
L=$T/service.log
S2=$T/hup.state
$WRAP "$PW" -b "$R" count N3 --pulse 1k --interval 100ms --output "$L" --state "$S2" >"$T/out" 2>"$T/err" &
pid=$!
wait_ready "$pid" "$COUNT_SIGS"
wait_for test -s "$L"
mv "$L" "$L.1"
mv "$S2" "$S2.1"
sleep 0.2
kill -HUP "$pid"
wait_for test -s "$L"
wait_for test -s "$S2"
kill -0 "$pid" 2>/dev/null
alive=$?
kill -INT "$pid"
wait "$pid"
rc=$?
show "$S2"
[ "$alive" = 0 ] && [ "$rc" = 0 ] && [ -s "$L.1" ] && grep -q '^N3 total=' "$L" && [ "$src" = 0 ] &&
	grep -q ' clean=1$' "$T/show"
check_files "SIGHUP re-opens --output and --state (rotated away), no exit; SIGINT ends it, exit 0" "alive $alive, exit $rc" "$T/err" "$T/show.err"
t1=$(sed -n 's/^N3 total=\([0-9]*\) .*/\1/p' "$L.1" | tail -n 1)
t2=$(sed -n 's/^N3 total=\([0-9]*\) .*/\1/p' "$L" | head -n 1)
[ -n "$t1" ] && [ -n "$t2" ] && [ "$t2" -ge "$t1" ]
check "... the new log goes on from the old one's totals" "old $t1, new $t2"

# SIGHUP on count without --state or --output does not end it either.
$WRAP "$PW" -b "$R" count N3 --pulse 100 >"$T/out" 2>"$T/err" &
pid=$!
wait_ready "$pid" "$COUNT_SIGS"
kill -HUP "$pid"
sleep 0.2
kill -0 "$pid" 2>/dev/null
alive=$?
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$alive" = 0 ] && [ "$rc" = 0 ] && [ "$(grep -c '^N3 total=' "$T/out")" = 1 ]
check "count: SIGHUP alone does not end it" "alive $alive, exit $rc"

# set and mon take SIGHUP as a hangup: release the lines, exit 0 (not 129).
$WRAP "$PW" -b "$R" set N2=1 >"$T/out" 2>"$T/err" &
pid=$!
wait_ready "$pid" "$END_SIGS"
kill -HUP "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ]
check_files "set: SIGHUP releases the line and exits 0" "exit $rc" "$T/err"
$WRAP "$PW" -b "$R" mon N3 --pulse 100 >"$T/out" 2>"$T/err" &
pid=$!
wait_ready "$pid" "$END_SIGS"
kill -HUP "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && grep -Eq '^N3: [0-9]+ events' "$T/err"
check_files "mon: SIGHUP ends it with its summary, exit 0" "exit $rc" "$T/err"

# ============================================== debounce on a 10 kHz train

# Bounce-free 10 kHz (edges 50 us apart): a debounce below the half period
# filters nothing, and no edge counts twice when a debounce delay expires.
for d in 10us 20us 45us; do
	run -b "$V" count N3 --pulse 10k,count=10000 --debounce "$d"
	expect_out "10 kHz, 10000 pulses, --debounce $d: each pulse once, exactly" <<'EOF'
N3 total=10000 rising=10000 falling=10000 lost=0 elapsed=1.000000000s rate=10000.0/s sim_dropped=0
EOF
done
run -b "$R" count N3 --pulse 10k,count=10000 --debounce 20us
grep -Eq '^N3 total=10000 rising=10000 falling=10000 lost=0 elapsed=[0-9.]+s rate=[0-9.]+/s sim_dropped=0$' "$T/out" &&
	[ "$rc" = 0 ]
check_files "10 kHz on the real clock, --debounce 20us: 10000 exactly" "" "$T/out" "$T/err"

# ====================================================== the idle watchdog

run -b "$V" count N3 --idle-timeout 10ms --duration 35ms
expect_out_rc "--idle-timeout 10ms, no edges, 35 ms: idle at 10, 20, 30 ms" 0 <<'EOF'
N3 idle=1 elapsed=0.010000000s idle_timeout=0.010000000s
N3 idle=2 elapsed=0.020000000s idle_timeout=0.010000000s
N3 idle=3 elapsed=0.030000000s idle_timeout=0.010000000s
N3 total=0 rising=0 falling=0 lost=0 elapsed=0.035000000s rate=0.0/s idle=3 sim_dropped=0
EOF
run -b "$V" count N3 --idle-timeout 10ms --idle-exit --duration 1s
expect_out_rc "--idle-exit: ends at the first idle report, exit 3" 3 <<'EOF'
N3 idle=1 elapsed=0.010000000s idle_timeout=0.010000000s
N3 total=0 rising=0 falling=0 lost=0 elapsed=0.010000000s rate=0.0/s idle=1 sim_dropped=0
EOF
run -b "$V" count N3 --pulse 1k --idle-timeout 10ms --idle-exit --duration 100ms
expect_out "--idle-timeout with edges flowing: no report" <<'EOF'
N3 total=100 rising=100 falling=100 lost=0 elapsed=0.100000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --idle-exit
expect_usage "--idle-exit without --idle-timeout: usage error"
run -b "$V" count N3 --idle-timeout 0
expect_usage "--idle-timeout 0: usage error"

# ============================================================ the kill test

# Virtual clock, exact.  An endless 1 kHz train from t=0 in every run;
# checkpoints every 10 ms of board time, each at an instant where exactly
# 10 pulses per 10 ms have been counted (the loop stops the clock there).
# Killed with SIGKILL at random real moments (inside a checkpoint's write
# or between), 100 times, restarted on the same --state.  After each kill:
# the state reads (never corrupt, never partial), the total never
# decreases, total = 1000/s x the board time it covers exactly (no pulse
# counted twice or lost while counting: every other pulse is inside a
# recorded gap, which starts where the durable total ends), one gap per
# recorded restart.
KS=$T/kill.state
prev=0
bad=""
cut_writes=0
kills=0
rand_ms() {
	od -An -N2 -tu2 /dev/urandom | awk -v max="$1" '{ print $1 % max }'
}
while [ "$kills" -lt "$KILLS" ]; do
	$WRAP "$PW" -b "$V" count N3 --pulse 1k --interval 10ms --state "$KS" >>"$T/kill.log" 2>>"$T/kill.err" &
	pid=$!
	ms=$(rand_ms 250)
	sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", (ms + 20) / 1000 }')"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	kills=$((kills + 1))
	[ -e "$KS.tmp" ] && cut_writes=$((cut_writes + 1))
	[ -e "$KS" ] || continue   # killed before its very first checkpoint
	show "$KS"
	if [ "$src" != 0 ]; then
		bad="$bad
kill $kills: state unreadable: $(cat "$T/show.err")"
		break
	fi
	total=$(field N3 total)
	counted=$(ns_of "$(sed -n 's/.* counted=\([0-9.]*s\) .*/\1/p' "$T/show")")
	runs=$(sed -n 's/.* runs=\([0-9]*\) .*/\1/p' "$T/show")
	gaps=$(sed -n 's/^gaps=\([0-9]*\) .*/\1/p' "$T/show")
	[ "$total" -ge "$prev" ] || bad="$bad
kill $kills: total went back from $prev to $total"
	[ $((counted % 10000000)) = 0 ] && [ "$total" = $((counted / 1000000)) ] || bad="$bad
kill $kills: total $total for ${counted} ns counted (want counted/1ms)"
	[ "$gaps" = $((runs - 1)) ] || bad="$bad
kill $kills: $gaps gaps for $runs runs"
	grep -q ' clean=0$' "$T/show" || bad="$bad
kill $kills: a killed run left clean=1"
	prev=$total
done
[ -z "$bad" ] && [ "$kills" = "$KILLS" ]
check "kill test, virtual clock: $KILLS SIGKILLs, state always valid, total monotonic and exact" "$bad"
# one clean run at the end: the last gap says "crash", the total is exact
run -b "$V" count N3 --pulse 1k --duration 1s --interval 10ms --state "$KS"
show "$KS"
total=$(field N3 total)
counted=$(ns_of "$(sed -n 's/.* counted=\([0-9.]*s\) .*/\1/p' "$T/show")")
runs=$(sed -n 's/.* runs=\([0-9]*\) .*/\1/p' "$T/show")
gaps=$(sed -n 's/^gaps=\([0-9]*\) .*/\1/p' "$T/show")
gap_time=$(sed -n 's/^gaps=[0-9]* gap_time=\([0-9.]*\)s.*/\1/p' "$T/show")
[ "$rc" = 0 ] && grep -q 'after=crash$' "$T/show" && [ "$total" = $((counted / 1000000)) ] &&
	[ "$gaps" = $((runs - 1)) ] && grep -q ' clean=1$' "$T/show"
check_files "kill test: a clean run after the last kill resumes exactly, the gap after=crash" "" "$T/show" "$T/err"
echo "# kill test (virtual clock): $KILLS kills, $runs runs recorded, $cut_writes kills left a cut temporary file;" \
	"total $total pulses = $((counted / 1000000)) ms counted x 1/ms; $gaps gaps, ${gap_time}s of downtime, edges unknown"

# Real clock: a 1 kHz train in real time, killed at random moments.  The
# truth is the train's rate: the state's total equals 1000/s x the time it
# covers to within a pulse or two per run (a real-time train and a
# checkpoint are not one instant), and total + 1000/s x the gaps' length
# is the pulses a train running all along would have played.
RKILLS=$((KILLS / 5))
RS=$T/real.state
bad=""
prev=0
i=0
while [ "$i" -lt "$RKILLS" ]; do
	$WRAP "$PW" -b "$R" count N3 --pulse 1k --interval 50ms --state "$RS" >>"$T/real.log" 2>>"$T/real.err" &
	pid=$!
	ms=$(rand_ms 400)
	sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", (ms + 100) / 1000 }')"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	i=$((i + 1))
	[ -e "$RS" ] || continue
	show "$RS"
	[ "$src" = 0 ] || { bad="$bad
kill $i: state unreadable: $(cat "$T/show.err")"; break; }
	total=$(field N3 total)
	[ "$total" -ge "$prev" ] || bad="$bad
kill $i: total went back from $prev to $total"
	prev=$total
done
run -b "$R" count N3 --pulse 1k --duration 500ms --state "$RS"
show "$RS"
total=$(field N3 total)
counted=$(ns_of "$(sed -n 's/.* counted=\([0-9.]*s\) .*/\1/p' "$T/show")")
runs=$(sed -n 's/.* runs=\([0-9]*\) .*/\1/p' "$T/show")
gaps=$(sed -n 's/^gaps=\([0-9]*\) .*/\1/p' "$T/show")
gap_ns=$(ns_of "$(sed -n 's/^gaps=[0-9]* gap_time=\([0-9.]*s\).*/\1/p' "$T/show")")
since=$(sed -n 's/.* since=\([^ ]*\) .*/\1/p' "$T/show")
saved=$(sed -n 's/.* saved=\([^ ]*\) .*/\1/p' "$T/show")
# pulses a train running from the first run's start to the last checkpoint
# plays
played=$(( ($(date -d "$saved" +%s%N) - $(date -d "$since" +%s%N)) / 1000000 ))
accounted=$(( total + gap_ns / 1000000 ))
off_counted=$(( total - counted / 1000000 ))
off_played=$(( accounted - played ))
# A pulse or two per run (a real-time train and a checkpoint are not one
# instant), plus a generator thread behind on a loaded machine.  Under an
# emulator or a sanitizer's slowdown (PINWATCH_TEST_EXEC_WRAPPER, or
# PINWATCH_TEST_SLOW) only the state's validity, monotonicity and gaps are
# held to; the accounting is printed.
tol=$(( 5 * runs + 10 + played / 50 ))
slow=${PINWATCH_TEST_SLOW:-}
[ -n "$WRAP" ] && slow=1
ldd "$PW" 2>/dev/null | grep -q 'lib[at]san' && slow=1
[ -n "$slow" ] && tol=$(( played + 1000 ))
[ -z "$bad" ] && [ "$rc" = 0 ] && [ "$gaps" = $((runs - 1)) ] &&
	[ "${off_counted#-}" -le "$tol" ] && [ "${off_played#-}" -le "$tol" ]
check "kill test, real clock: $RKILLS SIGKILLs, state valid, total monotonic, total + gaps = the train" \
	"$bad total $total counted ${counted}ns played $played accounted $accounted runs $runs gaps $gaps"
echo "# kill test (real clock): $RKILLS kills, $runs runs; total $total, counted $((counted / 1000000)) ms" \
	"(total - 1/ms x counted = $off_counted); gaps $gaps, $((gap_ns / 1000000)) ms;" \
	"total + gaps = $accounted pulses of $played played from the first start ($off_played)"

tap_end
