#!/usr/bin/env bash
# The Aria G25's ABI (armel: ARMv5TE, soft float): cross-build pinwatch and
# run its whole test suite under QEMU user emulation.
#
#   tests/cross/armel.sh [--vm] [BUILD_DIR]   (default: /tmp/pinwatch-build-armel)
#
# --vm: then also make check-vm-arm, the conformance suite on a real ARMv5
# kernel with gpio-sim under qemu-system-arm (docs/cross-compiling.md; the
# first run builds the kernel: 5 to 15 minutes on two cores, then cached).
#
# Installs what it needs with apt-get (Debian 12; idempotent), configures in
# BUILD_DIR with --host=arm-linux-gnueabi, builds with warnings as errors
# and runs make check: configure finds qemu-arm-static and runs every test
# program through it, emulating the ARM926EJ-S (-cpu arm926).  Prints the
# Check summary lines and how long each step took; exits non-zero if any
# step or test failed.  JOBS (default: nproc) sets make's parallelism.
set -euo pipefail
# shellcheck source=tests/cross/common.sh
. "$(dirname "$0")/common.sh"

TRIPLET=arm-linux-gnueabi
VM=0
if [ "${1:-}" = --vm ]; then VM=1; shift; fi
BUILD=${1:-/tmp/pinwatch-build-armel}
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac

t=$(date +%s)
# shellcheck disable=SC2046
apt_ensure armel qemu-user-static $(cross_packages "$TRIPLET") \
	$([ $VM = 0 ] || echo qemu-system-arm linux-source-6.1 bc flex bison cpio xz-utils gzip device-tree-compiler)
say "dependencies: $(since "$t") s"

t=$(date +%s)
cross_configure "$TRIPLET" "$BUILD"
grep -q '^PW_TEST_EMULATOR = .*qemu-arm' Makefile ||
	die "configure found no qemu-arm: the tests would not run under emulation"
say "configure: $(since "$t") s"

t=$(date +%s)
make -j"$JOBS" CFLAGS="$CROSS_CFLAGS" > make.out 2>&1 || { tail -n 60 make.out; die "build failed"; }
# Build the test programs here too, so the build time excludes the tests.
make -j"$JOBS" CFLAGS="$CROSS_CFLAGS" check TESTS= > make-tests.out 2>&1 ||
	{ tail -n 60 make-tests.out; die "building the test programs failed"; }
build_s=$(since "$t")
say "build (library, tools, examples, test programs): $build_s s"

t=$(date +%s)
status=0
make -j"$JOBS" CFLAGS="$CROSS_CFLAGS" check > check.out 2>&1 || status=$?
check_s=$(since "$t")
grep -E '^(PASS|FAIL|ERROR|XPASS|XFAIL|SKIP):|^# (TOTAL|PASS|FAIL|ERROR):' check.out || true
# Each suite's own count: Check's "N%: Checks: N, Failures: N, Errors: N",
# the shell tests' "N passed, N failed".
checks=0 failed=0 shell=0
for log in tests/*.log examples/*.log; do
	[ -f "$log" ] || continue
	line=$(grep -E '^[0-9]+%: Checks: |^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1) || continue
	printf '  %-28s %s\n' "${log%.log}" "$line"
	case "$line" in
	*Checks:*)
		read -r c f e <<< "$(sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/' <<< "$line")"
		checks=$((checks + c)) failed=$((failed + f + e)) ;;
	*)
		read -r p f <<< "$(sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<< "$line")"
		shell=$((shell + p + f)) failed=$((failed + f)) ;;
	esac
done
say "armel under $(sed -n 's/^PW_TEST_EMULATOR = //p' Makefile): $checks Check tests" \
    "+ $shell shell tests, $failed failed; make check took $check_s s (build $build_s s)"
if [ "$status" -ne 0 ]; then
	for log in tests/*.log examples/*.log; do
		grep -q -s -E '^:test-result: (FAIL|ERROR)' "${log%.log}.trs" || continue
		echo "----- $BUILD/$log"
		tail -n 60 "$log"
	done
	die "make check failed under qemu-arm"
fi

if [ $VM = 1 ]; then
	t=$(date +%s)
	make VM_TESTS="${VM_TESTS:-}" check-vm-arm > check-vm-arm.out 2>&1 ||
		{ tail -n 80 check-vm-arm.out; die "make check-vm-arm failed"; }
	grep -E '^== |^[0-9]+%: Checks: |^-- ' check-vm-arm.out || true
	say "$(tail -n 1 check-vm-arm.out) (make check-vm-arm: $(since "$t") s)"
fi
