#!/bin/sh
# SPDX-License-Identifier: MIT
#
# abi/compare.sh ABIDIFF ABI_DIR SONAME CURRENT.abi (make abi-check): compare
# the shared library's ABI, as abidw wrote it, with the committed baseline of
# the same soname.  An incompatible change (abidiff's bit 8: a function
# removed, a type changed under its callers) fails; a compatible one (bit 4:
# a function added) passes with its report, and needs libtool's
# current+1:0:age+1 in configure.ac.  A new soname needs its own baseline:
# make abi-baseline, then commit abi/SONAME.abi.
abidiff=$1 dir=$2 soname=$3 current=$4

[ -n "$abidiff" ] || { echo "abi-check: no abidiff (Debian: abigail-tools)" >&2; exit 1; }
baseline=$dir/$soname.abi
if [ ! -f "$baseline" ]; then
	echo "abi-check: no baseline $baseline for soname $soname:" \
	     "run make abi-baseline and commit it" >&2
	exit 1
fi
"$abidiff" "$baseline" "$current" > abi-diff.txt 2>&1
rc_all=$?
if [ $((rc_all & 3)) -ne 0 ]; then
	cat abi-diff.txt >&2
	echo "abi-check: abidiff failed to run (exit $rc_all)" >&2
	exit 1
fi
if [ $((rc_all & 8)) -ne 0 ]; then
	cat abi-diff.txt >&2
	echo "abi-check: FAIL: incompatible ABI change in $soname without a soname bump" >&2
	exit 1
fi
if [ $((rc_all & 4)) -ne 0 ]; then
	cat abi-diff.txt
	echo "abi-check: compatible ABI change against $baseline (see above): bump -version-info"
	exit 0
fi
echo "abi-check: $soname matches $baseline"
