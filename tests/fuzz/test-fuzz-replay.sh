#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make check: every fuzz target over its committed corpus
# (tests/fuzz/corpus/TARGET/), deterministically, through replay.c's main().
# A crash, an abort (a broken invariant) or a sanitizer report fails it.
# FUZZ_BIN_DIR overrides where the targets are (default: tests/fuzz of the
# build directory).  Ends with "N passed, N failed".

WRAP=${PINWATCH_TEST_EXEC_WRAPPER:-}
BIN=${FUZZ_BIN_DIR:-./tests/fuzz}
CORPUS=${srcdir:-.}/tests/fuzz/corpus
unset PINWATCH_BOARD PINWATCH_DEBUG
pass=0
fail=0

for target in spec names sysfs_tree cli; do
	prog=$BIN/fuzz-$(echo "$target" | tr _ -)
	log=$(mktemp "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX") || exit 99
	# shellcheck disable=SC2086 # the wrapper is a command and its words
	if timeout 300 $WRAP "$prog" "$CORPUS/$target" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) - $target: $(grep '^replay:' "$log" | tail -1)"
	else
		fail=$((fail + 1))
		echo "not ok $((pass + fail)) - $target (exit $?)"
		tail -20 "$log" | sed 's/^/#   /'
	fi
	rm -f "$log"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
