#!/bin/bash
# SPDX-License-Identifier: MIT
#
# CI step: run every fuzz target of tests/fuzz/ with libFuzzer, ASan and
# UBSan for a bounded time each, starting from its committed corpus.  Fails
# on any crash, broken invariant (abort), leak, sanitizer report or
# libFuzzer timeout (-timeout per input); prints the executions per target.
#
#   .ci/steps/fuzz.sh SRC_DIR SCRATCH_DIR
#
# FUZZ_SECONDS    time per target (default 45)
# FUZZ_JOBS       make -j for the build (default 2)
# FUZZ_CC         the compiler (default clang; needs libFuzzer:
#                 libclang-rt-14-dev on Debian 12, scripts/install-deps fuzz)
# Findings are kept in SCRATCH_DIR/fuzz/findings/TARGET/ (crash-*, leak-*,
# timeout-*) with the log, for the CI artifacts.
set -euo pipefail

SRC=$(cd "${1:?usage: fuzz.sh SRC_DIR SCRATCH_DIR}" && pwd)
WORK=${2:?usage: fuzz.sh SRC_DIR SCRATCH_DIR}
SECONDS_EACH=${FUZZ_SECONDS:-45}
JOBS=${FUZZ_JOBS:-2}
CC=${FUZZ_CC:-clang}
TARGETS="spec names sysfs_tree cli"
started=$(date +%s)

command -v "$CC" > /dev/null || { echo "fuzz: $CC not found (scripts/install-deps fuzz)" >&2; exit 1; }
mkdir -p "$WORK"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
	> "$WORK/fuzz-probe.c"
"$CC" -fsanitize=fuzzer "$WORK/fuzz-probe.c" -o "$WORK/fuzz-probe" 2> "$WORK/fuzz-probe.log" ||
	{ echo "fuzz: $CC cannot link -fsanitize=fuzzer (libFuzzer missing: libclang-rt-14-dev)" >&2; cat "$WORK/fuzz-probe.log" >&2; exit 1; }

# The library and the tool's parsers, instrumented (coverage for libFuzzer,
# ASan, UBSan), out of tree.  The targets get libFuzzer's main(), not
# replay.c's.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
BUILD=$WORK/fuzz/build
rm -rf "$WORK/fuzz"
mkdir -p "$BUILD" "$WORK/fuzz/findings"
src=$WORK/fuzz/src
mkdir -p "$src"
# A copy of the sources to bootstrap: SRC itself is never written to.
if git -C "$SRC" rev-parse --git-dir > /dev/null 2>&1; then
	git -C "$SRC" archive --format=tar HEAD | tar -x -C "$src"
else
	cp -a "$SRC/." "$src"
fi
(cd "$src" && ./autogen.sh > "$WORK/fuzz/autogen.log" 2>&1)
cd "$BUILD"
"$src/configure" CC="$CC" CFLAGS="-O1 -g -fno-omit-frame-pointer $SAN -fsanitize=fuzzer-no-link" \
	LDFLAGS="$SAN" --disable-shared > "$WORK/fuzz/configure.log" 2>&1 ||
	{ tail -n 40 "$WORK/fuzz/configure.log"; exit 1; }
timeout 900 make -j"$JOBS" libpinwatch-core.la > "$WORK/fuzz/make.log" 2>&1 ||
	{ tail -n 40 "$WORK/fuzz/make.log"; exit 1; }
GPIOD_LIBS=$(sed -n 's/^GPIOD_LIBS = //p' Makefile)
CFLAGS="-O1 -g -fno-omit-frame-pointer $SAN -fsanitize=fuzzer -include config.h -I$BUILD/include -I$src/tools"

declare -A extra=( [cli]="$src/tools/util.c $src/tools/stim.c" )
for t in $TARGETS; do
	# shellcheck disable=SC2086 # flag lists
	"$CC" $CFLAGS -o "fuzz-$t" "$src/tests/fuzz/fuzz_$t.c" "$src/tests/fuzz/fuzz_util.c" \
		${extra[$t]:-} .libs/libpinwatch-core.a $GPIOD_LIBS -lpthread
done

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
unset PINWATCH_BOARD PINWATCH_DEBUG
fail=0
summary=""
for t in $TARGETS; do
	corpus=$WORK/fuzz/corpus/$t
	findings=$WORK/fuzz/findings/$t
	mkdir -p "$corpus" "$findings"
	cp "$src/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
	log=$findings/fuzz.log
	# -timeout: one input longer than 10 s is a hang; the outer timeout
	# bounds the whole run even if libFuzzer itself wedges.
	rc=0
	(cd "$findings" && timeout $((SECONDS_EACH + 120)) "$BUILD/fuzz-$t" \
		-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 -artifact_prefix="$findings/" \
		"$corpus" > "$log" 2>&1) || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$rc" -ne 0 ] || ls "$findings" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
		fail=$((fail + 1))
		echo "fuzz: $t FAILED (exit $rc); log and inputs in $findings"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 20 || true
		tail -n 30 "$log"
	fi
	summary="$summary $t=${execs:-?} execs (${speed:-?}/s, cov ${cov:-?})"
done
echo "fuzz: ${SECONDS_EACH}s each:$summary; $fail failed; $(( $(date +%s) - started ))s in all"
[ "$fail" -eq 0 ]
