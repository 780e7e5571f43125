#!/usr/bin/env bash
# CI step: the ARM VM rig (issue 17).  Cross-builds armel from SRC in
# SCRATCH/build-armel-vm and runs `make check-vm-arm` there: the
# conformance suite on sysfs and chardev, the sysfs/chardev guest.d checks
# and guest.d/60-counter (the counter backend on interrupt-cnt, from the
# rig's device tree) on a real ARMv5 kernel under qemu-system-arm.
#
#   .ci/steps/arm-vm.sh SRC SCRATCH
#
# The ARM kernel is cached under ${PINWATCH_VM_CACHE:-~/.cache/pinwatch}
# (cold: a niced kernel build, several minutes on two cores; cached:
# seconds).  Bounded: ARM_VM_TIMEOUT seconds for everything (default 2400),
# the guest's own run PINWATCH_VM_TIMEOUT (default 1200).  Prints one
# summary line; exits non-zero on any failure.
set -euo pipefail

src=${1:?usage: arm-vm.sh SRC SCRATCH}
scratch=${2:?usage: arm-vm.sh SRC SCRATCH}
src=$(cd "$src" && pwd)
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
build=$scratch/build-armel-vm
limit=${ARM_VM_TIMEOUT:-2400}
jobs=${JOBS:-2}
log=$scratch/arm-vm.log
start=$(date +%s)

say() { printf 'arm-vm: %s\n' "$*"; }
summary() {
	say "SUMMARY: $1 in $(( $(date +%s) - start )) s (log: $log)"
}

[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh >/dev/null 2>&1) ||
	{ summary "FAIL (autogen.sh)"; exit 1; }
rm -rf "$build"
mkdir -p "$build"
cd "$build"
: >"$log"
run() {   # run STEP CMD...: bounded by what is left of the limit
	local left=$(( limit - ($(date +%s) - start) ))
	[ "$left" -gt 0 ] || { say "$1: out of time"; return 124; }
	say "$1 (at most ${left}s)"
	timeout -k 10 "$left" nice -n 10 "${@:2}" >>"$log" 2>&1
}
if ! run "configure --host=arm-linux-gnueabi" "$src/configure" --host=arm-linux-gnueabi; then
	tail -n 40 "$log"; summary "FAIL (configure)"; exit 1
fi
if ! run "build" make -j"$jobs" CFLAGS="-O2 -g -Werror" all; then
	tail -n 40 "$log"; summary "FAIL (build)"; exit 1
fi
if ! run "test programs" make -j"$jobs" CFLAGS="-O2 -g -Werror" check TESTS=; then
	tail -n 40 "$log"; summary "FAIL (test programs)"; exit 1
fi
t=$(date +%s)
if ! PINWATCH_VM_TIMEOUT=${PINWATCH_VM_TIMEOUT:-1200} JOBS=$jobs \
	run "make check-vm-arm (kernel cached or built)" make check-vm-arm; then
	grep -E '^-- |^60-counter|PINWATCH-VM-SUMMARY|^vm-arm:|^build-' "$log" | tail -n 60
	summary "FAIL (make check-vm-arm)"
	exit 1
fi
grep -E '^-- |^60-counter: |PINWATCH-VM-SUMMARY' "$log" || true
summary "PASS (check-vm-arm $(( $(date +%s) - t )) s)"
