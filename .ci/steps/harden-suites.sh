#!/bin/bash
# SPDX-License-Identifier: MIT
#
# CI step of the issue-12 hardening suites.  The fault matrix
# (tests/test-faults), allocation failure (tests/test-allocfail) and the
# fuzz corpus replay run in every `make check` of .ci/run (plain, ASan +
# UBSan, TSan) already; what needs a step of its own is fuzzing proper:
# libFuzzer with ASan + UBSan, bounded (FUZZ_SECONDS per target, default
# 45).
#
#   .ci/steps/harden-suites.sh SRC_DIR SCRATCH_DIR
set -euo pipefail

SRC=${1:?usage: harden-suites.sh SRC_DIR SCRATCH_DIR}
WORK=${2:?usage: harden-suites.sh SRC_DIR SCRATCH_DIR}
start=$(date +%s)
"$(dirname "$0")/fuzz.sh" "$SRC" "$WORK"
echo "harden-suites: fuzzing passed in $(( $(date +%s) - start ))s"
