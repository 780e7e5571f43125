#!/bin/sh
# SPDX-License-Identifier: MIT
#
# pinwatch notify on the simulator and on sysfs: the options, their usage
# errors, the refusal on sysfs, the ends (-n with nothing to report, -t,
# --idle-timeout, a signal).  On the sim nothing outside the command holds
# lines, so the events themselves are asserted by test-core (info suite),
# the conformance suite and the VM rig (guest.d/43-chardev-notify).
# Ends with "N passed, N failed".

PW=${PINWATCH_TOOL:-./tools/pinwatch}
WRAP=${PINWATCH_TEST_EXEC_WRAPPER:-}
V=sim:aria-g25,clock=virtual
R=sim:aria-g25
unset PINWATCH_BOARD PINWATCH_DEBUG

T=$(mktemp -d "${TMPDIR:-/tmp}/test-cli-notify.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/tap.sh"

pw() {
	# shellcheck disable=SC2086
	$WRAP "$PW" "$@"
}

# expect STATUS STDERR-PATTERN DESCRIPTION -- ARGS...
expect() {
	want=$1 pat=$2 what=$3
	shift 4
	pw "$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$T/err"; }; then
		ok "$what"
	else
		not_ok "$what" "status $got (want $want); stderr: $(cat "$T/err")"
	fi
}

expect 1 "missing PIN" "notify without a pin is a usage error" -- -b $V notify
expect 1 "bad event 'moved'" "notify -e takes requested, released, reconfigured" -- -b $V notify -e moved N3
expect 1 "'%x' is not a token" "notify -F refuses an unknown token" -- -b $V notify -F '%x' N3
# An empty kind list meant all kinds; a trailing backslash was accepted and
# read past the format's end at the first event (an unknown escape dropped
# its letter): refused as mon's -F refuses them.
expect 1 "bad event ''" "notify -e '' is a usage error, not every kind" -- -b $V notify -e '' N3
expect 1 "bad event ''" "notify -e with a trailing comma is a usage error" -- -b $V notify -e requested, N3
expect 1 "bad format: '.' is not a token" "notify -F refuses a trailing backslash" -- -b $V notify -F 'a\' N3
expect 1 "bad format: '.x' is not a token" "notify -F refuses an unknown escape" -- -b $V notify -F 'a\xb' N3
expect 1 "bad idle timeout" "notify --idle-timeout needs a duration" -- -b $V notify --idle-timeout soon N3
expect 1 "exclude each other" "notify --duration and --idle-timeout exclude each other" -- -b $V notify -t 1s -i 1s N3
expect 2 "no such pin" "notify on an unknown pin is a runtime error" -- -b $V notify N99
expect 0 "watching N3 PC2" "notify --banner says when the watches are in place" -- -b $V notify --banner -t 1s N3 PC2
[ -s "$T/out" ] && not_ok "notify prints no event when nothing changes" "$(cat "$T/out")" ||
	ok "notify prints no event when nothing changes"
expect 0 "" "notify --idle-timeout ends a quiet watch with status 0 (real clock)" -- -b $R notify -i 100ms -e requested,released N3
expect 0 "" "notify -q -t ends with status 0 (virtual clock)" -- -b $V notify -q -t 5s N3

# sysfs: refused, saying why (a fake sysfs root: a directory with gpiochip0)
mkdir -p "$T/sysfs/gpiochip0"
echo 0 >"$T/sysfs/gpiochip0/base"
echo 32 >"$T/sysfs/gpiochip0/ngpio"
echo pioA >"$T/sysfs/gpiochip0/label"
: >"$T/sysfs/export"
: >"$T/sysfs/unexport"
expect 2 "sysfs has no line-info watch" "notify on sysfs is refused with the reason" -- -b "sysfs:$T/sysfs" notify pioA:0

# A signal ends it with status 0.
# shellcheck disable=SC2086
$WRAP "$PW" -b $R notify --banner N3 >"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ $i -lt 400 ] && ! grep -q watching "$T/err"; do sleep 0.05; i=$((i + 1)); done
kill -INT $pid
wait $pid
st=$?
[ $st = 0 ] && ok "notify ends on SIGINT with status 0" || not_ok "notify ends on SIGINT with status 0" "status $st: $(cat "$T/err")"

# --help lists every option the man page documents (test-cli-man checks the page)
pw notify --help >"$T/out" 2>&1
for o in --event --num-events --duration --idle-timeout --format --quiet --banner; do
	grep -q -- "$o" "$T/out" || not_ok "notify --help lists $o"
done
ok "notify --help lists its options"

tap_end
