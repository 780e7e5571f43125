#!/bin/sh
# SPDX-License-Identifier: MIT
#
# End-to-end tests of the pinwatch tool on the simulator: every command,
# every documented option, every usage and runtime error, exit statuses and
# exact output.  Exact results use the sim's virtual clock (the tool plays
# the clock itself, so the runs take no real time); the field reproduction
# and the signal tests use the real one.  No assertion is about speed.
#
# Run by `make check` from the build directory; PINWATCH_TOOL overrides the
# program under test.  Ends with "N passed, N failed".

PW=${PINWATCH_TOOL:-./tools/pinwatch}
# Cross builds run the tool under QEMU user emulation (Makefile.am).
WRAP=${PINWATCH_TEST_EXEC_WRAPPER:-}
V=sim:aria-g25,clock=virtual
R=sim:aria-g25
unset PINWATCH_BOARD PINWATCH_DEBUG

T=$(mktemp -d "${TMPDIR:-/tmp}/test-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/tap.sh"

# pw ARGS...: the tool
pw() {
	# shellcheck disable=SC2086 # the wrapper is a command and its words
	$WRAP "$PW" "$@"
}

# run ARGS...: the tool's stdout in $T/out, stderr in $T/err, status in $rc
run() {
	pw "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# check NAME: pass if the last command's status was 0
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

# expect_rc NAME RC: the last run exited with RC
expect_rc() {
	if [ "$rc" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, want $2; stderr: $(cat "$T/err")"
	fi
}

# expect_out NAME < WANT: the last run exited 0 and printed exactly WANT
expect_out() {
	cat >"$T/want"
	if [ "$rc" = 0 ] && cmp -s "$T/want" "$T/out"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc; stderr: $(cat "$T/err")
$(diff "$T/want" "$T/out")"
	fi
}

# expect_err NAME < WANT: stderr was exactly WANT
expect_err() {
	cat >"$T/want"
	if cmp -s "$T/want" "$T/err"; then
		ok "$1"
	else
		not_ok "$1" "$(diff "$T/want" "$T/err")"
	fi
}

# expect_usage NAME: exit 1 and one line on stderr that ends with the hint
expect_usage() {
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -q "(try 'pinwatch.*--help')\$" "$T/err" && [ ! -s "$T/out" ]; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, want 1 and a one-line hint; stderr: $(cat "$T/err")"
	fi
}

# expect_runtime NAME PATTERN: exit 2, one line on stderr matching PATTERN
expect_runtime() {
	if [ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -Eq -- "$2" "$T/err"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, want 2 and /$2/; stderr: $(cat "$T/err")"
	fi
}

# wait_ready PID: until the tool blocks SIGINT and SIGTERM (its signalfd is
# in place: from then on a signal is an orderly end, not a kill), then a
# little more for events to flow.  Falls back to time where /proc cannot
# tell (an emulator's process).
wait_ready() {
	i=0
	while [ "$i" -lt 200 ]; do
		blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		[ -n "$blk" ] && [ $((0x$blk & 0x4002)) -eq $((0x4002)) ] && break
		sleep 0.05
		i=$((i + 1))
	done
	sleep 0.3
}

have_python=0
command -v python3 >/dev/null 2>&1 && have_python=1

# ===================================================================== global

run --version
[ "$rc" = 0 ] && grep -Eq '^pinwatch [0-9]+\.[0-9]+\.[0-9]+ \(library [0-9]+\.[0-9]+\.[0-9]+\)$' "$T/out"
check "--version prints the tool's and the library's versions"
run -V
expect_rc "-V is --version" 0
grep -Eq '^backends: sim, sysfs(, chardev)?$' "$T/out" &&
	grep -Eq '^libgpiod: ([0-9]+\.[0-9.]+ \(v[12] API\)|none \(no chardev backend\))$' "$T/out"
check "--version names the backends and the libgpiod API built in"

lists_commands() {
	for c in detect info get set mon count; do
		grep -q "^  $c " "$T/out" || return 1
	done
}
run --help
[ "$rc" = 0 ] && grep -q '^Usage: pinwatch \[-b SPEC\] COMMAND' "$T/out" && lists_commands
check "--help lists every command"
run -h
expect_rc "-h is --help" 0

for c in detect info get set mon count; do
	run "$c" --help
	[ "$rc" = 0 ] && head -n 1 "$T/out" | grep -q "^Usage: pinwatch \[-b SPEC\] $c"
	check "$c --help"
	run "$c" -h
	expect_rc "$c -h" 0
done

run
expect_usage "no command: usage error"
run frobnicate
expect_usage "unknown command: usage error"
run -x detect
expect_usage "unknown global option: usage error"
run --board
expect_usage "--board without a value: usage error"
run -b
expect_usage "-b without a value: usage error"
for c in detect info get set mon count; do
	run "$c" --no-such-option
	expect_usage "$c: unknown option: usage error"
done
run -b "$R" mon N3 --edge
expect_usage "an option's missing value: usage error"

run -b nosuchbackend detect
expect_usage "unknown backend: usage error (a bad -b spec)"
grep -q "^pinwatch detect: .*nosuchbackend" "$T/err"
check "unknown backend: the message names it"
run -b sim:no-such-board detect
expect_usage "unknown board profile: usage error"
run -b 'sim,=x' detect
expect_usage "malformed -b spec: usage error"

# The default board: $PINWATCH_BOARD, else auto; -b wins.
PINWATCH_BOARD=$R run detect
[ "$rc" = 0 ] && grep -q '\[pioC\]' "$T/out"
check "\$PINWATCH_BOARD is the default board"
PINWATCH_BOARD=sim:nothing-like-this run -b "$R" detect
expect_rc "-b overrides \$PINWATCH_BOARD" 0
run detect -b "$R"
expect_rc "-b after the command" 0
if ls /dev/gpiochip* >/dev/null 2>&1 || [ -d /sys/class/gpio ]; then
	echo "# this machine has GPIO: the auto-without-GPIO test does not apply"
else
	run detect
	expect_runtime "auto without GPIO: runtime error that names sim" "no GPIO found.*sim"
	PINWATCH_BOARD= run detect
	expect_runtime "an empty \$PINWATCH_BOARD means auto" "no GPIO found"
fi

# ===================================================================== detect

run -b "$R" detect
expect_out "detect on sim:aria-g25" <<'EOF'
sim0 [pioA] (32 lines) sim
sim1 [pioB] (19 lines) sim
sim2 [pioC] (32 lines) sim
sim3 [pioD] (22 lines) sim
EOF
run -b "sim,banks=2,lines=8" detect
expect_out "detect on a plain sim board" <<'EOF'
sim0 [sim0] (8 lines) sim
sim1 [sim1] (8 lines) sim
EOF
run -b "$R" detect extra
expect_usage "detect takes no argument"

# ======================================================================= info

run -b "$R" info pioB
expect_out "info pioB: names, headers, numbers, config, use" <<'EOF'
sim1 [pioB] (19 lines)
	line  0: PB0      -        32 input  active-high disabled  push-pull   unused
	line  1: PB1      -        33 input  active-high disabled  push-pull   unused
	line  2: PB2      -        34 input  active-high disabled  push-pull   unused
	line  3: PB3      -        35 input  active-high disabled  push-pull   unused
	line  4: PB4      -        36 input  active-high disabled  push-pull   unused
	line  5: PB5      -        37 input  active-high disabled  push-pull   unused
	line  6: PB6      -        38 input  active-high disabled  push-pull   unused
	line  7: PB7      -        39 input  active-high disabled  push-pull   unused
	line  8: PB8      -        40 input  active-high disabled  push-pull   unused
	line  9: PB9      -        41 input  active-high disabled  push-pull   unused
	line 10: PB10     -        42 input  active-high disabled  push-pull   unused
	line 11: PB11     W20      43 input  active-high disabled  push-pull   unused
	line 12: PB12     W21      44 input  active-high disabled  push-pull   unused
	line 13: PB13     W22      45 input  active-high disabled  push-pull   unused
	line 14: PB14     W23      46 input  active-high disabled  push-pull   unused
	line 15: PB15     -        47 input  active-high disabled  push-pull   unused
	line 16: PB16     -        48 input  active-high disabled  push-pull   unused
	line 17: PB17     -        49 input  active-high disabled  push-pull   unused
	line 18: PB18     -        50 input  active-high disabled  push-pull   unused
EOF
run -b "$R" info sim1
cp "$T/out" "$T/by-name"
run -b "$R" info pioB
cmp -s "$T/by-name" "$T/out"
check "info takes a bank's name as well as its label"

run -b "$R" info
[ "$rc" = 0 ] && [ "$(grep -c '^sim[0-9] \[pio[A-D]\] ([0-9]* lines)$' "$T/out")" = 4 ] &&
	[ "$(grep -c '^	line ' "$T/out")" = $((32 + 19 + 32 + 22)) ]
check "info without a bank: every bank, every line"

run -b "$R" info pioD pioA
[ "$rc" = 0 ] && [ "$(grep -c '^sim' "$T/out")" = 2 ] &&
	[ "$(sed -n 1p "$T/out")" = "sim0 [pioA] (32 lines)" ]
check "info with two banks: both, in board order"

run -b "$R" info pioZ
expect_runtime "info: an unknown bank or pin is a runtime error listing the banks" \
	"^pinwatch info: no bank or pin 'pioZ' on this board \(banks: pioA, pioB, pioC, pioD\)$"
# The library's word on a name that is a pin out of range was dropped
# (its comment promised it): now it says which lines the bank has.
run -b "$R" info -c pioC 32
expect_runtime "info -c CHIP with an offset out of range: the bank's range in the message" \
	"^pinwatch info: no bank or pin '32' on this board .*: bank sim2 has lines 0 to 31$"

run -b "sim,lines=4,banks=1" info
expect_out "info on a board without names" <<'EOF'
sim0 [sim0] (4 lines)
	line  0: -        -         0 input  active-high disabled  push-pull   unused
	line  1: -        -         1 input  active-high disabled  push-pull   unused
	line  2: -        -         2 input  active-high disabled  push-pull   unused
	line  3: -        -         3 input  active-high disabled  push-pull   unused
EOF

# The pin map guide agrees with the library's table, row by row.
MAP=${srcdir:-.}/docs/aria-g25-pinmap.md
if [ -f "$MAP" ]; then
	run -b "$R" info
	awk '/^	line/ { h = $4; if (h != "-") print h, $3, $5 }' "$T/out" | sort >"$T/lib-map"
	awk -F'|' '/^\| *[NESW][0-9]+ *\|/ { gsub(/ /, ""); print $2, $3, $5 }' "$MAP" | sort >"$T/doc-map"
	diff "$T/lib-map" "$T/doc-map" >"$T/map.diff"
	[ -s "$T/doc-map" ] && cmp -s "$T/lib-map" "$T/doc-map"
	check_files "docs/aria-g25-pinmap.md matches the library's profile" "" "$T/map.diff"
else
	not_ok "docs/aria-g25-pinmap.md is missing"
fi

# ======================================================================== get

run -b "$R" get N3
expect_out "get: a floating input with bias disabled reads 0" <<'EOF'
0
EOF
run -b "$R" get --bias pull-up N3 PC2 pioC:3 67
expect_usage "get: one line given twice (PC3 = 67): usage error"
grep -q "pioC:3 and 67 are the same line (pioC:3)" "$T/err"
check "get: the same line twice is named as such"
run -b "$R" get --bias pull-up N3 PC2 pioC:3 68
expect_out "get --bias pull-up, pins by header, line, bank:offset, number" <<'EOF'
1 1 1 1
EOF
run -b "$R" get -B pull-down N3 N4
expect_out "get -B pull-down" <<'EOF'
0 0
EOF
run -b "$R" get --active-low --bias pull-up N3
expect_out "get --active-low inverts" <<'EOF'
0
EOF
run -b "$R" get -l -B pull-down N3
expect_out "get -l" <<'EOF'
1
EOF
run -b "$R" get --bias as-is N3
expect_rc "get --bias as-is" 0
run -b "$R" get --bias disabled N3
expect_rc "get --bias disabled" 0
run -b "$R" get
expect_usage "get without a pin: usage error"
run -b "$R" get --bias sideways N3
expect_usage "get: bad bias: usage error"
run -b "$R" get X9
expect_runtime "get: unknown pin: runtime error with the library's message" \
	"^pinwatch get: .*X9.*closest"
run -b "$R" get N3 N3
expect_usage "get: the same pin twice: usage error"
[ ! -s "$T/out" ]
check "get prints nothing when a pin fails"

# ======================================================================== set

run -b "$R" set N2=1 N4=0 --for 10ms
expect_rc "set --for: holds, then exits 0" 0
[ ! -s "$T/out" ] && [ ! -s "$T/err" ]
check "set is silent"
run -b "$R" set -f 1ms N2=high N4=low N5=on N6=off N7=active N8=inactive
expect_rc "set -f, every spelling of a level" 0
run -b "$R" set --active-low --for 1ms N2=1
expect_rc "set --active-low" 0
run -b "$R" set -l -f 1ms N2=0
expect_rc "set -l" 0
for d in push-pull open-drain open-source; do
	run -b "$R" set --drive "$d" --for 1ms N2=1
	expect_rc "set --drive $d" 0
done
run -b "$R" set -d open-drain -f 1ms N2=1
expect_rc "set -d" 0
for bias in as-is disabled pull-up pull-down; do
	run -b "$R" set --bias "$bias" --for 1ms N2=1
	expect_rc "set --bias $bias" 0
done
run -b "$R" set -B pull-up -f 1ms N2=1
expect_rc "set -B" 0
run -b "$V" set --for 1h N2=1
expect_rc "set --for on the virtual clock advances the clock, does not wait" 0
run -b "$R" set
expect_usage "set without an assignment: usage error"
for a in N2 N2=2 =1 N2= N2=yes; do
	run -b "$R" set --for 1ms "$a"
	expect_usage "set '$a': usage error"
done
run -b "$R" set --for soon N2=1
expect_usage "set: bad duration: usage error"
run -b "$R" set --drive sideways N2=1
expect_usage "set: bad drive: usage error"
run -b "$R" set --bias sideways N2=1
expect_usage "set: bad bias: usage error"
run -b "$R" set --for 1ms N2=1 X9=1
expect_runtime "set: unknown pin: runtime error" "^pinwatch set: .*X9"
run -b "$R" set --for 1ms N2=1 PC0=0
expect_usage "set: the same line twice (N2 = PC0): usage error"
grep -q "^pinwatch set: N2 and PC0 are the same line (pioC:0): give each line once" "$T/err"
check "set: the same line twice is reported as such, not as busy"

for sig in TERM INT; do
	$WRAP "$PW" -b "$R" set N2=1 >"$T/out" 2>"$T/err" &
	pid=$!
	wait_ready "$pid"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	expect_rc "set holds until SIG$sig, then exits 0" 0
done

# ======================================================================== mon

run -b "$V" mon N3 --pulse 1k,count=3
expect_out "mon: default format, every edge, exact virtual timestamps" <<'EOF'
0.000000000 N3 rising 1
0.000500000 N3 falling 0
0.001000000 N3 rising 1
0.001500000 N3 falling 0
0.002000000 N3 rising 1
0.002500000 N3 falling 0
EOF
expect_err "mon: the summary on stderr" <<'EOF'
N3: 6 events (3 rising, 3 falling), 0 lost
EOF
run -b "$V" mon --quiet N3 --pulse 1k,count=3
[ "$rc" = 0 ] && [ ! -s "$T/err" ] && [ ! -s "$T/out" ]
check "mon --quiet: no output but errors, as gpiomon's (no summary, no events)"
run -b "$V" mon --no-summary N3 --pulse 1k,count=1
[ "$rc" = 0 ] && [ ! -s "$T/err" ]
check "mon --no-summary"

run -b "$V" mon --no-summary --edge rising N3 --pulse 1k,count=3
expect_out "mon --edge rising" <<'EOF'
0.000000000 N3 rising 1
0.001000000 N3 rising 1
0.002000000 N3 rising 1
EOF
run -b "$V" mon --no-summary -e falling N3 --pulse 1k,count=2
expect_out "mon -e falling" <<'EOF'
0.000500000 N3 falling 0
0.001500000 N3 falling 0
EOF
run -b "$V" mon --no-summary --edge both N3 --pulse 1k,count=1
expect_out "mon --edge both" <<'EOF'
0.000000000 N3 rising 1
0.000500000 N3 falling 0
EOF
run -b "$V" mon --edge sideways N3
expect_usage "mon: bad edge: usage error"

run -b "$V" mon --no-summary --num-events 4 N3 --pulse 1k
expect_out "mon --num-events ends an endless train after N events" <<'EOF'
0.000000000 N3 rising 1
0.000500000 N3 falling 0
0.001000000 N3 rising 1
0.001500000 N3 falling 0
EOF
run -b "$V" mon --no-summary -n 1 N3 N4 --pulse 1k
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 1 ]
check "mon -n counts events of all pins together"
run -b "$V" mon -n 0 N3
expect_usage "mon -n 0: usage error"
run -b "$V" mon -n many N3
expect_usage "mon -n many: usage error"

run -b "$V" mon --no-summary --duration 2ms N3 --pulse 1k
expect_out "mon --duration: edges in [start, start + D)" <<'EOF'
0.000000000 N3 rising 1
0.000500000 N3 falling 0
0.001000000 N3 rising 1
0.001500000 N3 falling 0
EOF
run -b "$V" mon --no-summary -t 1ms N3 --pulse 1k
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 2 ]
check "mon -t"
run -b "$V" mon --duration 0 N3
expect_usage "mon --duration 0: usage error"

run -b "$V" mon --no-summary --format '%p|%e|%v|%t|%T|%s|%l|%%|\t|\\' N3 --pulse 2k,count=1
expect_out "mon --format: every token and escape" <<'EOF'
N3|rising|1|0.000000000|0|1|0|%|	|\
N3|falling|0|0.000250000|250000|2|0|%|	|\
EOF
run -b "$V" mon --no-summary -F 'x%sy\nz' N3 --pulse 1k,count=1
expect_out "mon -F with a newline escape" <<'EOF'
x1y
z
x2y
z
EOF
for f in '%q' '%' 'a\' '\x'; do
	run -b "$V" mon --format "$f" N3
	expect_usage "mon --format '$f': usage error"
done

run -b "$V" mon --no-summary --json N3 --pulse 1k,count=2
expect_out "mon --json: one object per line" <<'EOF'
{"pin":"N3","edge":"rising","value":1,"timestamp_ns":0,"seqno":1,"lost":0}
{"pin":"N3","edge":"falling","value":0,"timestamp_ns":500000,"seqno":2,"lost":0}
{"pin":"N3","edge":"rising","value":1,"timestamp_ns":1000000,"seqno":3,"lost":0}
{"pin":"N3","edge":"falling","value":0,"timestamp_ns":1500000,"seqno":4,"lost":0}
EOF
if [ "$have_python" = 1 ]; then
	run -b "$V" mon --no-summary -j pioC:1 PC2 --pulse 10k,count=500,jitter=20us,seed=3
	python3 - "$T/out" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "output ends with a newline"
objs = [json.loads(l) for l in lines[:-1]]   # each line on its own
assert len(objs) == 2000, len(objs)
keys = {"pin", "edge", "value", "timestamp_ns", "seqno", "lost"}
for o in objs:
    assert set(o) == keys, o
    assert o["edge"] in ("rising", "falling") and o["value"] == (o["edge"] == "rising")
for pin in ("pioC:1", "PC2"):
    mine = [o for o in objs if o["pin"] == pin]
    assert [o["seqno"] for o in mine] == list(range(1, 1001)), pin
    assert all(o["lost"] == 0 for o in mine)
    ts = [o["timestamp_ns"] for o in mine]
    assert ts == sorted(ts), pin
    for k, o in enumerate(mine):
        base = (k // 2) * 100000 + (k % 2) * 50000
        assert base <= o["timestamp_ns"] < base + 20000, (pin, k, o)
EOF
	check "mon --json parses as JSON, one object per line, seqno and jitter bounds"
else
	echo "# python3 missing: JSON parse test skipped"
fi
run -b "$V" mon --json --format '%p' N3
expect_usage "mon --json with --format: usage error"

run -b "$V" mon --no-summary N3 --pulse 1k,count=2,bounce=2@10us
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 20 ]
check "mon: bounce=2 gives 5 transitions per edge"
run -b "$V" mon N3 --debounce 100us --pulse 1k,count=2,bounce=2@10us
expect_out "mon --debounce removes the bounce" <<'EOF'
0.000000000 N3 rising 1
0.000500000 N3 falling 0
0.001000000 N3 rising 1
0.001500000 N3 falling 0
EOF
expect_err "mon --debounce: the summary counts what was debounced" <<'EOF'
N3: 4 events (2 rising, 2 falling), 0 lost, 16 debounced
EOF
run -b "$V" mon --no-summary -d 0.1ms N3 --pulse 1k,count=1,bounce=1@5us
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 2 ]
check "mon -d with a fractional duration"
run -b "$V" mon --debounce forever N3
expect_usage "mon: bad debounce: usage error"

run -b "$V" mon --no-summary --active-low N3 --pulse 1k,count=1
expect_out "mon --active-low: logical edges" <<'EOF'
0.000000000 N3 falling 0
0.000500000 N3 rising 1
EOF
run -b "$V" mon --no-summary -l -B pull-up N3 --pulse 1k,count=1,phase=1ms
expect_out "mon -l -B pull-up: the generator pulls the line low on connection" <<'EOF'
0.000000000 N3 rising 1
0.001000000 N3 falling 0
0.001500000 N3 rising 1
EOF
run -b "$V" mon --no-summary --bias pull-up N3 --pulse 1k,count=1,phase=1ms
expect_out "mon --bias pull-up, --pulse phase=" <<'EOF'
0.000000000 N3 falling 0
0.001000000 N3 rising 1
0.001500000 N3 falling 0
EOF
run -b "$V" mon -B sideways N3
expect_usage "mon: bad bias: usage error"

run -b "$V" mon --no-summary N3 --wire N2 --pulse 1k,count=2,duty=25%
expect_out "mon --wire: the generator drives OUT, the pin follows; duty=" <<'EOF'
0.000000000 N3 rising 1
0.000250000 N3 falling 0
0.001000000 N3 rising 1
0.001250000 N3 falling 0
EOF
run -b "$V" mon --no-summary -w N2 --pulse 1k,count=1,duty=75 N3 N4
sort "$T/out" >"$T/sorted"
cat >"$T/want" <<'EOF'
0.000000000 N3 rising 1
0.000000000 N4 rising 1
0.000750000 N3 falling 0
0.000750000 N4 falling 0
EOF
[ "$rc" = 0 ] && cmp -s "$T/want" "$T/sorted"
check "mon -w --pulse: one output wired to two pins"
run -b "$V" mon --no-summary N3 N4 --pulse 1k,count=1
sort "$T/out" >"$T/sorted"
cat >"$T/want" <<'EOF'
0.000000000 N3 rising 1
0.000000000 N4 rising 1
0.000500000 N3 falling 0
0.000500000 N4 falling 0
EOF
[ "$rc" = 0 ] && cmp -s "$T/want" "$T/sorted"
check "mon --pulse without --wire: a generator on each pin"
run -b "$V" mon --no-summary N3 --pulse 1k,count=3,jitter=100us,seed=9 --format '%T'
awk 'BEGIN { ok = 1 } { base = int((NR - 1) / 2) * 1000000 + ((NR - 1) % 2) * 500000;
	if ($1 < base || $1 >= base + 100000) ok = 0 } END { exit !(ok && NR == 6) }' "$T/out"
check "mon --pulse jitter=: every edge late by less than the jitter"
run -b "$V" mon --no-summary N3 --pulse 1k,count=3,jitter=100us,seed=9 --format '%T'
cp "$T/out" "$T/a"
run -b "$V" mon --no-summary N3 --pulse 1k,count=3,jitter=100us,seed=10 --format '%T'
! cmp -s "$T/a" "$T/out"
check "mon --pulse seed=: another seed, another jitter"

run -b "$V" mon --no-summary --event-buffer 4 N3 --pulse 100k,count=10000 --format '%l'
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 20000 ] && ! grep -qv '^0$' "$T/out"
check "mon --event-buffer: the virtual clock steps within a small buffer, nothing lost"
run -b "$V" mon --event-buffer 16 --no-summary N3 --pulse 1k,count=1
expect_rc "mon --event-buffer 16" 0
for e in 0 65537 x; do
	run -b "$V" mon --event-buffer "$e" N3
	expect_usage "mon --event-buffer $e: usage error"
done

run -b "$V" mon N3 --wire N2
expect_usage "mon --wire without --pulse: usage error"
for p in abc 0 1k,count=0 1k,duty=100 1k,duty=0 1k,jitter=zz 1k,phase=zz 1k,bounce=x \
	 1k,bounce=1@0 1k,seed=-1 1k,frobs=1 1k,count 2G 1m; do
	run -b "$V" mon N3 --pulse "$p"
	expect_usage "mon --pulse '$p': usage error"
done
# A key given twice: the last one won (3 pulses played), as no option may.
run -b "$V" mon N3 --pulse 1k,count=2,count=3
expect_usage "mon --pulse with a key given twice: usage error"
grep -q "count given twice" "$T/err"
check "mon --pulse: the message names the key given twice"
run -b "$V" mon N3 --pulse 1k,jitter=600us
expect_runtime "mon: a pulse the sim cannot play is a runtime error with its reason" \
	"^pinwatch mon: .*jitter"
run -b "$V" mon N3 --wire N3 --pulse 1k
expect_rc "mon --wire onto itself: runtime error" 2
run -b "$V" mon X9
expect_runtime "mon: unknown pin: runtime error" "^pinwatch mon: .*X9"
run -b "$V" mon N3 PC1
expect_usage "mon: one line twice: usage error"
run -b "$V" mon
expect_usage "mon without a pin: usage error"

# Real clock: ends by itself when the generator is done, nothing lost.
run -b "$R" mon N3 --pulse 1k,count=5 --format '%e %s %l'
expect_out "mon on the real clock: a finite train, then the end" <<'EOF'
rising 1 0
falling 2 0
rising 3 0
falling 4 0
rising 5 0
falling 6 0
rising 7 0
falling 8 0
rising 9 0
falling 10 0
EOF

for sig in INT TERM; do
	$WRAP "$PW" -b "$R" mon N3 --pulse 100 >"$T/out" 2>"$T/err" &
	pid=$!
	wait_ready "$pid"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] && [ -s "$T/out" ] &&
		grep -Eq '^N3: [0-9]+ events \([0-9]+ rising, [0-9]+ falling\), 0 lost$' "$T/err"
	check_files "mon ends on SIG$sig: summary, exit 0" "exit $rc" "$T/err"
done

# A closed pipe ends mon quietly: exit 0, no error message.
{ pw -b "$V" mon --no-summary N3 --pulse 1k 2>"$T/err"; echo $? >"$T/rc"; } | head -n 3 >"$T/out"
[ "$(cat "$T/rc")" = 0 ] && [ ! -s "$T/err" ] && [ "$(wc -l <"$T/out")" = 3 ]
check "mon | head: ends on the closed pipe, exit 0"
if [ -w /dev/full ]; then
	pw -b "$V" mon --no-summary N3 --pulse 1k,count=1 >/dev/full 2>"$T/err"
	rc=$?
	expect_runtime "mon: a failed write is a runtime error" "write: No space left"
fi

# ====================================================================== count

# The field setup: a pulse train on N2, jumpered to N3, counted exactly.
run -b "$V" count N3 --wire N2 --pulses 1000000
expect_out "count --wire --pulses 1000000 on the virtual clock: exact" <<'EOF'
N3 total=1000000 rising=1000000 falling=1000000 lost=0 elapsed=10.000000000s rate=100000.0/s sim_dropped=0
EOF
run -b "$R" count N3 --wire N2 --pulses 1000000
grep -Eq '^N3 total=1000000 rising=1000000 falling=1000000 lost=0 elapsed=[0-9.]+s rate=[0-9.]+/s sim_dropped=0$' "$T/out" &&
	[ "$rc" = 0 ]
check_files "the field reproduction: count N3 --wire N2 --pulses 1000000, real clock, 0 lost" "exit $rc" "$T/out" "$T/err"

run -b "$V" count N3 --pulse 1k --duration 10ms
expect_out "count --duration: pulses in [start, start + D)" <<'EOF'
N3 total=10 rising=10 falling=10 lost=0 elapsed=0.010000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --pulse 2k -t 1s
expect_out "count --pulse -t" <<'EOF'
N3 total=2000 rising=2000 falling=2000 lost=0 elapsed=1.000000000s rate=2000.0/s sim_dropped=0
EOF
# Issue 12, 9: the limit is the scaled value's, not the digits': any unit
# may spell a duration that fits in 64 bits of nanoseconds.
for t in 20000000000ns 20000000us 20000ms 20.000000000s; do
	run -b "$V" count N3 --pulse 1 -t "$t"
	expect_out "count -t $t is -t 20s" <<'EOF'
N3 total=20 rising=20 falling=20 lost=0 elapsed=20.000000000s rate=1.0/s sim_dropped=0
EOF
done
for t in 18446744073709551615ns 307445734m 5124095h; do
	run -b "$V" set --for "$t" N2=1
	expect_rc "set --for $t: fits in 64 bits of ns" 0
done
for t in 18446744073709551616ns 18446744073709552us 307445735m 5124096h 99999999999999999999999s; do
	run -b "$V" set --for "$t" N2=1
	expect_usage "set --for $t: past 64 bits of ns: usage error"
done
run -b "$V" count N3 --pulse 1k --pulses 7
expect_out "count --pulse FREQ --pulses N: N pulses at FREQ" <<'EOF'
N3 total=7 rising=7 falling=7 lost=0 elapsed=0.007000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --pulse 1k -n 3
expect_out "count -n" <<'EOF'
N3 total=3 rising=3 falling=3 lost=0 elapsed=0.003000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --pulse 1k,count=4
expect_out "count --pulse count=: ends when the generator is done" <<'EOF'
N3 total=4 rising=4 falling=4 lost=0 elapsed=0.004000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --pulse 1k,count=4 --pulses 4
expect_usage "count: count= and --pulses together: usage error"
run -b "$V" count N3 --wire N2
expect_usage "count --wire without --pulse or --pulses: usage error"
run -b "$V" count N3 --pulses 0
expect_usage "count --pulses 0: usage error"
run -b "$V" count N3 --duration never
expect_usage "count: bad duration: usage error"

run -b "$V" count N3 --edge rising --pulse 1k,count=5
expect_out "count --edge rising" <<'EOF'
N3 total=5 rising=5 falling=0 lost=0 elapsed=0.005000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 -e falling --pulse 1k,count=5
expect_out "count -e falling: total counts falling edges" <<'EOF'
N3 total=5 rising=0 falling=5 lost=0 elapsed=0.005000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --edge up
expect_usage "count: bad edge: usage error"

run -b "$V" count N3 --pulse 1k,count=10,bounce=3@10us
expect_out "count: bounce counts as pulses without debounce" <<'EOF'
N3 total=70 rising=70 falling=70 lost=0 elapsed=0.010000000s rate=7000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --debounce 100us --pulse 1k,count=10,bounce=3@10us
expect_out "count --debounce: exact again" <<'EOF'
N3 total=10 rising=10 falling=10 lost=0 elapsed=0.010000000s rate=1000.0/s debounced=120 sim_dropped=0
EOF
run -b "$V" count N3 -d 50us --pulse 1k,count=10,bounce=3@10us
expect_rc "count -d" 0
run -b "$V" count N3 -d x
expect_usage "count: bad debounce: usage error"

run -b "$V" count N3 --bias pull-up --pulse 1k,count=3,phase=1ms
expect_out "count --bias pull-up: the connection's falling edge counts" <<'EOF'
N3 total=3 rising=3 falling=4 lost=0 elapsed=0.004000000s rate=750.0/s sim_dropped=0
EOF
run -b "$V" count N3 -l -B pull-up --pulse 1k,count=3,phase=1ms
expect_out "count --active-low -B: edges inverted" <<'EOF'
N3 total=4 rising=4 falling=3 lost=0 elapsed=0.004000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --active-low --bias pull-down --pulse 1k,count=2
expect_out "count --active-low --bias pull-down" <<'EOF'
N3 total=2 rising=2 falling=2 lost=0 elapsed=0.002000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 -B up
expect_usage "count: bad bias: usage error"

run -b "$V" count N3 N4 --wire N2 --pulses 1000 --event-buffer 16
expect_out "count two wired pins, --event-buffer 16: the clock steps fit" <<'EOF'
N3 total=1000 rising=1000 falling=1000 lost=0 elapsed=0.010000000s rate=100000.0/s sim_dropped=0
N4 total=1000 rising=1000 falling=1000 lost=0 elapsed=0.010000000s rate=100000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --event-buffer 1 --pulse 1k,count=5
expect_out "count --event-buffer 1" <<'EOF'
N3 total=5 rising=5 falling=5 lost=0 elapsed=0.005000000s rate=1000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --event-buffer 1 --pulse 1k,count=5,bounce=3@10us
expect_out "count --event-buffer 1 with bounce: steps shorter than the bounce" <<'EOF'
N3 total=35 rising=35 falling=35 lost=0 elapsed=0.005000000s rate=7000.0/s sim_dropped=0
EOF
run -b "$V" count N3 --event-buffer 65537
expect_usage "count: event buffer too large: usage error"

run -b "$V" count --json N3 PC2 --pulse 1k,count=3
expect_out "count --json: one object per pin" <<'EOF'
{"pin":"N3","total":3,"rising":3,"falling":3,"lost":0,"debounced":0,"elapsed_ns":3000000,"rate":1000.0,"sim_dropped":0}
{"pin":"PC2","total":3,"rising":3,"falling":3,"lost":0,"debounced":0,"elapsed_ns":3000000,"rate":1000.0,"sim_dropped":0}
EOF
if [ "$have_python" = 1 ]; then
	run -b "$V" count -j N3 --pulse 1k,count=3
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out"
	check "count -j parses as JSON"
fi

run -b "$V" count X9
expect_runtime "count: unknown pin: runtime error" "^pinwatch count: .*X9"
run -b "$V" count
expect_usage "count without a pin: usage error"
run -b "$V" count N3 --pulse 1k,jitter=1ms
expect_runtime "count: a pulse the sim refuses: runtime error" "jitter"

# Real clock: a finite train ends by itself; signals end it with a summary.
run -b "$R" count N3 --pulse 1k,count=20
grep -Eq '^N3 total=20 rising=20 falling=20 lost=0 elapsed=[0-9.]+s rate=[0-9.]+/s sim_dropped=0$' "$T/out" &&
	[ "$rc" = 0 ]
check_files "count on the real clock: a finite train, exact" "" "$T/out" "$T/err"
for sig in INT TERM; do
	$WRAP "$PW" -b "$R" count N3 --pulse 100 >"$T/out" 2>"$T/err" &
	pid=$!
	wait_ready "$pid"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] && grep -Eq '^N3 total=[0-9]+ rising=[0-9]+ falling=[0-9]+ lost=0 ' "$T/out"
	check_files "count ends on SIG$sig: summary, exit 0" "exit $rc" "$T/out" "$T/err"
done
run -b "$R" count N3 --duration 100ms
grep -q '^N3 total=0 rising=0 falling=0 lost=0 elapsed=0.100000000s rate=0.0/s sim_dropped=0$' "$T/out"
check "count --duration on the real clock, nothing to count"
grep -q "$(printf '\r')" "$T/out"
[ "$?" -ne 0 ]
check "count: no live line when stdout is not a terminal"

if [ "$have_python" = 1 ]; then
	python3 - "$R" $WRAP "$PW" <<'EOF'
# The live line needs a terminal: run count on a pty.
import os, pty, sys
board, cmd = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd + ["-b", board, "count", "N3", "--pulse", "1k,count=700"])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
text = out.decode()
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
assert "\rN3 " in text and "/s, lost 0)" in text and "\x1b[K" in text, repr(text)
final = text.split("\r\x1b[K")[-1]
assert final.startswith("N3 total=700 rising=700 falling=700 lost=0 "), repr(final)
EOF
	check "count on a terminal: a live line, then the summary"
fi

# ================================================== nothing left behind

# Every command, ended by itself, by an error or by a signal, closes every
# board, pin, watcher and descriptor it opened: with PINWATCH_DEBUG the
# library would list a leak or a double close on stderr.
no_leaks() {
	if grep -q '^pinwatch: \(leak\|refused\|.*double close\|.*not a live handle\)' "$T/err"; then
		not_ok "$1" "$(cat "$T/err")"
	else
		ok "$1"
	fi
}
export PINWATCH_DEBUG=leaks,handles
run -b "$R" detect
no_leaks "detect leaves nothing open"
run -b "$R" info
no_leaks "info leaves nothing open"
run -b "$R" get N3 N4
no_leaks "get leaves nothing open"
run -b "$R" get N3 X9
no_leaks "get failing on its second pin leaves nothing open"
run -b "$R" set --for 1ms N2=1 N4=0
no_leaks "set leaves nothing open"
run -b "$V" mon --no-summary N3 N4 --wire N2 --pulse 1k,count=3
no_leaks "mon with wire and generator leaves nothing open"
run -b "$V" mon N3 N3
no_leaks "mon failing on a busy pin leaves nothing open"
run -b "$V" count N3 N4 --pulse 1k,count=3
no_leaks "count with generators leaves nothing open"
for c in "set N2=1" "mon N3 --pulse 100" "count N3 --wire N2 --pulse 100"; do
	# shellcheck disable=SC2086 # the words of $c are the arguments
	$WRAP "$PW" -b "$R" $c >"$T/out" 2>"$T/err" &
	pid=$!
	wait_ready "$pid"
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ]
	check "$c: exit 0 on SIGINT with PINWATCH_DEBUG set"
	no_leaks "$c: nothing left open after SIGINT"
done
unset PINWATCH_DEBUG

# Honest loss (issue 14): where loss can only be inferred, the totals say
# it is a lower bound, and why; where the kernel counts it, nothing changes.
run -b "$V,overflow=newest" count N3 --wire N2 --pulses 100
[ "$rc" = 0 ] && grep -q ' lost=0 .* lost_is=at-least(inferred:no-kernel-seqno)$' "$T/out"
check_files "count on a backend without kernel sequence numbers: lost is at least" "" "$T/out" "$T/err"
run -b "$V" count N3 --wire N2 --pulses 100
[ "$rc" = 0 ] && ! grep -q 'lost_is' "$T/out"
check_files "count with kernel sequence numbers: no lower-bound mark" "" "$T/out"
run -b "$V,overflow=newest" mon -n 2 N3 --wire N2 --pulse 100
[ "$rc" = 0 ] && grep -q 'at least 0 lost (inferred: this backend has no kernel sequence numbers)' "$T/err"
check_files "mon's summary says at least, and why" "" "$T/err"

# ======================================================== gpiod parity (issue 16)
# gpiod's letters where the meaning matches; pinwatch's own options moved
# off letters that mean something else in gpiod (their long names stay).

# -b after a command that requests lines is the bias, as in gpiod 2.x; -B
# (gpiod 1.6) too; --board is the board everywhere.
run -b "$R" get -b pull-up N3
expect_out "get -b BIAS: gpiod 2.x's -b is the bias" <<'EOF'
1
EOF
run get --board "$R" -B pull-up N3
expect_out "get --board SPEC -B BIAS" <<'EOF'
1
EOF
run detect -b "$R"
expect_rc "detect -b SPEC: -b stays the board where a command has no bias" 0
run -b "$R" get -b pull-up -B pull-down N3
expect_usage "get -b and -B together: the bias given twice, usage error"
run -b "$R" get -B disable N3
expect_out "bias 'disable' (gpiod 1.6's spelling) is 'disabled'" <<'EOF'
0
EOF
# -c/--chip: offsets on a chip, by name, label, number or /dev path
run -b "$R" get -b pull-up -c pioC 1 2
expect_out "get -c LABEL OFFSET..." <<'EOF'
1 1
EOF
run -b "$R" get -b pull-up --chip sim2 1
expect_out "get --chip NAME OFFSET" <<'EOF'
1
EOF
run -b "$R" get -b pull-up -c 2 1
expect_out "get -c NUMBER OFFSET: the Nth bank" <<'EOF'
1
EOF
run -b "$R" get -b pull-up -c /dev/sim2 1
expect_out "get -c /dev/NAME OFFSET" <<'EOF'
1
EOF
run -b "$R" get -c pioC PA1
expect_runtime "get -c: a name not on the chip is a runtime error naming where it is" \
	"^pinwatch get: pin PA1 is not on chip pioC \(it is pioA:1\)$"
run -b "$R" get -c pioZ 1
expect_runtime "get -c: an unknown chip is a runtime error" "^pinwatch get: no chip 'pioZ'"
# -C/--consumer
run -b "$V" mon -C meter -n 1 --no-summary -F '%p' N3 --pulse 1k
expect_out "mon -C NAME: the lines are requested as NAME" <<'EOF'
N3
EOF
run -b "$R" set -C '' N2=1
expect_usage "set -C '': an empty consumer is a usage error"
# values
run -b "$R" set -f 1ms N2=true N4=false N5=on N6=off N7=active N8=inactive
expect_rc "set: values true/false/on/off/active/inactive" 0
run -b "$R" set -f 1ms N2=yes
expect_usage "set: value 'yes' is a usage error"
# set -t/--toggle: gpioset's sequences (the virtual clock plays them at once)
run -b "$V" set -t 1ms,2ms,0 N2=1
expect_rc "set -t P,P,0: toggle twice, then end (a last period of 0)" 0
run -b "$V" set --toggle 1ms -f 10ms N2=1
expect_rc "set --toggle P --for D: the sequence repeats until D" 0
run -b "$V" set -t 0 N2=1
expect_rc "set -t 0: no toggle, end at once" 0
run -b "$V" set -t 1ms,0,1ms N2=1
expect_usage "set -t: 0 before the last period is a usage error"
run -b "$V" set -t 1ms,x N2=1
expect_usage "set -t: a bad period is a usage error"
# An empty period was skipped: -t 1ms, (a typo of 1ms,0) toggled for ever.
run -b "$V" set -t 1ms, N2=1
expect_usage "set -t: a trailing comma (an empty period) is a usage error"
run -b "$V" set -t 1ms,,0 N2=1
[ "$rc" = 1 ] && grep -q "an empty period" "$T/err"
check "set -t 1ms,,0: a usage error that says the period is empty"
# --banner
run -b "$V" set --banner -t 0 N2=1 N4=0
expect_out "set --banner: gpioset's banner" <<'EOF'
Setting lines 'N2', and 'N4'...
EOF
run -b "$V" mon --banner --no-summary -F '%p %e' N3 --pulse 1k,count=1
expect_out "mon --banner: gpiomon's banner, then the events" <<'EOF'
Monitoring line 'N3'...
N3 rising
N3 falling
EOF
# -q/--quiet: no output but errors (gpiomon's); the old -q is --no-summary
run -b "$V" mon -q N3 --pulse 1k,count=3
[ "$rc" = 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]
check "mon -q: no events, no summary, exit 0"
run -b "$V" mon --quiet X9
expect_runtime "mon --quiet: errors are still said" "^pinwatch mon: .*X9"
run -b "$V" mon --silent N3 --pulse 1k,count=1
[ "$rc" = 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]
check "mon --silent (gpiomon 1.6's name) is --quiet"
# -p is gpiomon's --debounce-period; --pulse has no letter any more
run -b "$V" mon --no-summary -p 0.1ms N3 --pulse 1k,count=1,bounce=1@5us
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 2 ]
check "mon -p D: the debounce period, as in gpiomon"
run -b "$V" mon --no-summary --debounce-period 0.1ms N3 --pulse 1k,count=1,bounce=1@5us
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 2 ]
check "mon --debounce-period D"
run -b "$V" mon -p 1k N3
expect_usage "mon -p 1k: a frequency is no debounce period (usage error)"
run -b "$V" count -p 0.1ms N3 --pulse 1k,count=2,bounce=1@5us
[ "$rc" = 0 ] && grep -q '^N3 total=2 .* debounced=' "$T/out"
check_files "count -p D: the debounce period too" "" "$T/out"
# -E is gpiomon's --event-clock: no longer the event buffer
run -b "$V" mon -E 16 N3
expect_usage "mon -E: not the event buffer any more (usage error)"
run -b "$V" mon --event-buffer 16 --no-summary -F '%l' N3 --pulse 1k,count=1
expect_out "mon --event-buffer N" <<'EOF'
0
0
EOF
# -e/--edges (gpiomon 2.x's name)
run -b "$V" mon --edges rising --no-summary -F '%e' N3 --pulse 1k,count=2
expect_out "mon --edges EDGE" <<'EOF'
rising
rising
EOF
# --idle-timeout: end when no pin had an edge for D
run -b "$V" mon --idle-timeout 50ms --no-summary -F '%p %e %T' N3 --pulse 10,duty=1
expect_out "mon --idle-timeout D: ends after D without an edge, exit 0" <<'EOF'
N3 rising 0
N3 falling 1000000
EOF
run -b "$V" mon --idle-timeout 0 N3
expect_usage "mon --idle-timeout 0: usage error"
# format tokens for chip and offset, and gpiomon's spellings
run -b "$V" mon -F '%c %o %p %E %S' -n 1 --no-summary N3 --pulse 1k
expect_out "mon -F %c %o %E %S: chip, offset, edge, seconds" <<'EOF'
sim2 1 N3 rising 0.000000000
EOF
run -b "$V" mon -c pioC -F '%c:%o %p' -n 1 --no-summary 1 --pulse 1k
expect_out "mon -c CHIP OFFSET: %p as given, %c:%o where it is" <<'EOF'
sim2:1 1
EOF
# --utc/--localtime: timestamps as a date and time (gpiomon's)
run -b "$V" mon --utc -F '%t' -n 1 --no-summary N3 --pulse 1k,phase=1500ms
expect_out "mon --utc: %t as an ISO 8601 date and time, UTC" <<'EOF'
1970-01-01T00:00:01.500000000Z
EOF
run -b "$V" mon -F '%U|%S' -n 1 --no-summary N3 --pulse 1k
expect_out "mon -F %U: UTC whatever --utc says" <<'EOF'
1970-01-01T00:00:00.000000000Z|0.000000000
EOF
TZ=UTC0 pw -b "$V" mon --localtime -F '%t' -n 1 --no-summary N3 --pulse 1k >"$T/out" 2>"$T/err"
rc=$?
expect_out "mon --localtime: %t in local time (TZ=UTC0: no Z)" <<'EOF'
1970-01-01T00:00:00.000000000
EOF
run -b "$V" mon --utc --localtime N3
expect_usage "mon --utc --localtime: usage error"
# info PIN...: pins as well as banks, with drive
run -b "$R" info N3 pioA:0
expect_out "info PIN...: the pins' lines under their banks' headings" <<'EOF'
sim2 [pioC] (32 lines)
	line  1: PC1      N3       65 input  active-high disabled  push-pull   unused
sim0 [pioA] (32 lines)
	line  0: PA0      S23       0 input  active-high disabled  push-pull   unused
EOF
run -b "$R" info -c pioC 1 5
expect_out "info -c CHIP OFFSET..." <<'EOF'
sim2 [pioC] (32 lines)
	line  1: PC1      N3       65 input  active-high disabled  push-pull   unused
	line  5: PC5      N7       69 input  active-high disabled  push-pull   unused
EOF
run -b "sim,lines=4,banks=2" info -c 1
[ "$rc" = 0 ] && [ "$(head -n 1 "$T/out")" = "sim1 [sim1] (4 lines)" ] && [ "$(wc -l <"$T/out")" = 5 ]
check_files "info -c CHIP: every line of that chip only" "" "$T/out" "$T/err"
# did you mean
run moni
expect_usage "a mistyped command: usage error"
grep -q "unknown command 'moni'; did you mean 'mon'?" "$T/err"
check "moni: did you mean 'mon'?"
run sett N2=1
grep -q "did you mean 'set'?" "$T/err"
check "sett: did you mean 'set'?"
run xyzzy
[ "$rc" = 1 ] && ! grep -q 'did you mean' "$T/err"
check "xyzzy: no guess when nothing is close"
# a single-valued option given twice is a usage error, not "the last one wins"
for args in "mon -e rising -e falling N3" "mon -t 1s --duration 2s N3" \
	    "mon -w N2 --wire N4 --pulse 1k N3" "mon --pulse 1k --pulse 2k N3" \
	    "mon -d 1ms -p 2ms N3" "count -n 1 --pulses 2 N3" "set -f 1ms -f 2ms N2=1" \
	    "get --board sim --board sim N3" "mon -F %p -F %e N3" "info -c 0 -c 1"; do
	# shellcheck disable=SC2086 # the words are the arguments
	run -b "$V" $args
	expect_usage "$args: given twice, usage error"
done
grep -q "^pinwatch info: -c/--chip given twice: it takes one value" "$T/err"
check "the message names the option both ways"
# -v/--version, also after a command (gpiod's tools have it per tool)
run -v
[ "$rc" = 0 ] && grep -q '^pinwatch [0-9]' "$T/out"
check "-v is --version"
run mon --version
[ "$rc" = 0 ] && grep -q '^pinwatch [0-9]' "$T/out" && grep -q '^backends: ' "$T/out"
check "mon --version: the versions, as after any command"
run -b sim -b sim detect
expect_usage "the global -b given twice: usage error"
# exit codes: 1 usage (with the hint), 2 runtime
run -b 'sim,board' detect
expect_usage "a malformed -b spec is a usage error"
run -b "$R" get PC99
expect_runtime "an unknown pin is a runtime error" "^pinwatch get: "

# mon on several pins: one line group, its events in time order across them
# (issue 16: before, all of one pin's, then the other's)
run -b "$V" mon -F '%T %p %e' N3 N4 --pulse 20,count=3
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 12 ] && sort -n -c "$T/out" &&
	[ "$(head -n 2 "$T/out" | cut -d' ' -f3 | sort -u)" = rising ]
check "mon N3 N4 (virtual clock): 12 events in timestamp order across the pins"
grep -qx 'N3 N4: 12 events (6 rising, 6 falling), 0 lost' "$T/err"
check "mon N3 N4: one summary line for the group"
run -b "$R" mon -t 100ms -F '%T %p' N3 N4 N5 --pulse 1k
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" -ge 30 ] && sort -n -c "$T/out" &&
	grep -q ' N3$' "$T/out" && grep -q ' N5$' "$T/out"
check "mon N3 N4 N5 (real clock, 1 kHz): non-decreasing timestamps across the pins"
# -E/--event-clock (gpiomon's)
run -b "$R" mon -E realtime -n 2 --utc -F '%t %p' N3 --pulse 1k
[ "$rc" = 0 ] && grep -q "^$(date -u +%Y)-" "$T/out"
check "mon -E realtime --utc: realtime stamps, as dates of this year"
# A closed standard output: its number was taken by the first descriptor
# the command opened (mon: the signalfd, 'write: Invalid argument'; count:
# its state lock, which got the summary).  Now a write fails with EBADF.
pw -b "$V" mon N3 --pulse 1k,count=1 >&- 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && grep -q "^pinwatch mon: write: Bad file descriptor" "$T/err"
check_files "mon >&-: a runtime error, 'write: Bad file descriptor'" "status $rc:" "$T/err"
pw -b "$V" count N3 --pulse 1k,count=10 --state "$T/closed.state" >&- 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && [ ! -s "$T/closed.state.lock" ] && pw count --state "$T/closed.state" --show >"$T/out" &&
	grep -q "^N3 total=10 " "$T/out"
check_files "count --state >&-: the summary goes into no file of its own; the state is whole" "status $rc; stderr, then the lock file:" "$T/err" "$T/closed.state.lock"
# A group watch on another clock than the board's goes line by line and its
# merge holds an event back for its hold window: mon ending on the end of
# its generators waits for it (it printed 3 of 4, the summary '3 events (2
# rising, 2 falling), 0 lost').
run -b "$R" mon -E realtime -F '%p %e %s' N3 N4 --pulse 100,count=1
[ "$rc" = 0 ] && [ "$(sort "$T/out" | tr '\n' ' ')" = "N3 falling 2 N3 rising 1 N4 falling 2 N4 rising 1 " ] &&
	grep -qx 'N3 N4: 4 events (2 rising, 2 falling), 0 lost' "$T/err"
check_files "mon -E realtime N3 N4: every edge of the finished generators printed, none held back" "" "$T/out" "$T/err"
run -b "$V" mon -E realtime N3 --pulse 1k
expect_runtime "mon -E realtime on a virtual-clock sim: refused, runtime error" "virtual clock only"
run -b "$R" mon -E hte N3 N4 --pulse 1k
expect_runtime "mon -E hte on a group: refused, saying why" "not HTE"
run -b "$V" mon -E bogus N3
expect_usage "mon -E bogus: usage error"
run -b "$V" count -E realtime N3 --pulse 1k
expect_runtime "count -E realtime on a virtual-clock sim: refused too" "virtual clock only"

tap_end
