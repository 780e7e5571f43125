#!/bin/sh
# pw-vm-tests [TEST...]: the VM rig's test runner, in the guest (the init runs
# it; from `tests/vm/run --shell` run it by hand).  A TEST is
#   conformance            the conformance suite on every backend of the build
#   conformance:BACKEND    ... on one backend (sysfs, chardev)
#   NAME                   the guest.d check NAME (e.g. 10-banks)
#   guest.d                every guest.d check
# With no TEST, everything.  Exit 0 if all passed, 1 if any failed.
#
# The conformance suite runs once per backend with
# PINWATCH_TEST_BOARD=BACKEND,board=aria-g25; its Check summary is preceded by
# "== conformance: BACKEND ==".  Check's own variables (CK_RUN_SUITE,
# CK_RUN_CASE, ...) come from the host through vm.env.

bin=${PINWATCH_BIN_DIR:-/pw/bin}
. /pw/gpiosim.sh
guest_d=${PINWATCH_VM_GUEST_D:-/pw/guest.d}
step_timeout=${PINWATCH_VM_STEP_TIMEOUT:-600}
summary=
failed=0

[ $# -gt 0 ] || set -- conformance guest.d

# run_bounded CMD...: run CMD in a session of its own and kill the whole
# session if it outlives the step timeout.  Killing only CMD is not enough:
# a script's orphaned children would keep the output pipe open and hang
# the run (busybox timeout kills one process).
run_bounded() {
	rm -f /tmp/pw-vm-step.timeout
	setsid "$@" &
	pid=$!
	(
		sleep "$step_timeout"
		echo "killed: still running after ${step_timeout}s" >/tmp/pw-vm-step.timeout
		kill -TERM -- "-$pid"
		sleep 5
		kill -KILL -- "-$pid"
	) >/dev/null 2>&1 &
	watchdog=$!
	wait "$pid"
	rc=$?
	kill "$watchdog" 2>/dev/null
	# Whatever the step left running must not outlive it either.
	kill -KILL -- "-$pid" 2>/dev/null
	return $rc
}

# step ID NAME CMD...: run one step on fresh gpio-sim chips, record its
# result as ID=pass|FAIL in the summary (IDs have no spaces:
# conformance:sysfs, guest.d/10-banks).
step() {
	id=$1 name=$2
	shift 2
	if ! gpiosim_reset; then
		echo "-- $name: FAIL (could not re-create the gpio-sim chips)"
		failed=1
		summary="$summary $id=FAIL"
		return
	fi
	rcfile=/tmp/pw-vm-step.rc
	t0=$(date +%s)
	# The Check summary line gets the step's name just above it; the exit
	# status survives the pipe through a file (busybox sh has no PIPESTATUS).
	{ run_bounded "$@" 2>&1; echo $? >"$rcfile"; } |
		awk -v h="== $name ==" '/^[0-9]+%: Checks: /{ print h } { print; fflush() }'
	rc=$(cat "$rcfile")
	if [ "$rc" = 0 ]; then
		verdict=pass
	else
		verdict=FAIL
		failed=1
		[ ! -f /tmp/pw-vm-step.timeout ] || echo "$name: $(cat /tmp/pw-vm-step.timeout)"
	fi
	echo "-- $name: $verdict (exit $rc, $(( $(date +%s) - t0 )) s)"
	summary="$summary $id=$verdict"
}

conformance() {
	backend=$1
	if [ ! -x "$bin/test-conformance" ]; then
		echo "== conformance: $backend =="
		echo "conformance: $bin/test-conformance is not in the build"
		failed=1
		summary="$summary conformance:$backend=MISSING"
		return
	fi
	export PINWATCH_TEST_BOARD="$backend,board=aria-g25"
	step "conformance:$backend" "conformance: $backend" "$bin/test-conformance"
}

guest_check() {
	if [ ! -x "$1" ]; then
		echo "pw-vm-tests: no executable guest.d check $1"
		failed=1
		summary="$summary guest.d/$(basename "$1")=MISSING"
		return
	fi
	step "guest.d/$(basename "$1")" "guest.d: $(basename "$1")" "$1"
}

for t; do
	case $t in
	conformance)
		for b in $PINWATCH_VM_BACKENDS; do conformance "$b"; done ;;
	conformance:*)
		conformance "${t#conformance:}" ;;
	guest.d)
		for f in "$guest_d"/*; do
			[ -f "$f" ] && [ -x "$f" ] && guest_check "$f"
		done ;;
	*)
		guest_check "$guest_d/$t" ;;
	esac
done

echo "PINWATCH-VM-SUMMARY:$summary"
exit $failed
