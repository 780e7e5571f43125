#!/bin/sh
# SPDX-License-Identifier: MIT
#
# scripts/check-dist.sh DISTDIR SRCDIR (make dist's dist-hook): the tarball
# must build itself.  It holds what the README's quick start and .ci/run
# run, and, made from a git checkout, every tracked file (a file missing
# from EXTRA_DIST fails here, not in a user's fresh extract).
distdir=$1 srcdir=$2
fail=0

# The quick start (README.md) and .ci/run, step by step.
for f in scripts/install-deps autogen.sh configure.ac Makefile.am README.md \
	examples/aria-g25-counter.c .ci/run tests/gpiod2-prefix.sh \
	tests/vm/run tests/vm/arm/run tests/cross/armel.sh tests/cross/build-only.sh \
	docs/pinwatch.1 docs/pinwatch.3 LICENSE NEWS debian/control; do
	[ -e "$distdir/$f" ] || { echo "dist: $f is missing from the tarball" >&2; fail=1; }
done
for f in scripts/install-deps autogen.sh .ci/run tests/cross/armel.sh; do
	[ -x "$distdir/$f" ] || { echo "dist: $f is not executable in the tarball" >&2; fail=1; }
done

if git -C "$srcdir" rev-parse --git-dir > /dev/null 2>&1; then
	missing=$(git -C "$srcdir" ls-files | grep -v -E '(^|/)\.git(ignore|keep|attributes)$' |
		while IFS= read -r f; do [ -e "$distdir/$f" ] || echo "$f"; done)
	if [ -n "$missing" ]; then
		echo "dist: tracked files missing from the tarball (add them to EXTRA_DIST):" >&2
		echo "$missing" | sed 's/^/  /' >&2
		fail=1
	fi
fi
[ $fail = 0 ] && echo "dist: the tarball holds the quick start, .ci/run and every tracked file"
exit $fail
