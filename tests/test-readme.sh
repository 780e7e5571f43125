#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The README's "A first program", as printed (tests/readme-first.c is
# extracted from README.md by make): it builds, runs, and says the exact
# count of its 1000-pulse train.  Ends with "N passed, N failed".

WRAP=${PINWATCH_TEST_EXEC_WRAPPER:-}
PROG=${PINWATCH_README_PROG:-./tests/readme-first}
. "$(dirname "$0")/tap.sh"
out=$($WRAP "$PROG" 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ "$out" = "1000 rising, 0 lost" ]; then
	ok "the README's first program prints '1000 rising, 0 lost'"
else
	not_ok "the README's first program: exit $rc, printed:" "$out"
fi
tap_end
