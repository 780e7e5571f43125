#!/usr/bin/env bash
# Cross-build pinwatch for an ARM target without running it: the library,
# the tool, the examples and every test program, with warnings as errors.
# CI uses it so that a 64-bit ARM and a hard-float ARM build never break.
#
#   tests/cross/build-only.sh TRIPLET [BUILD_DIR]
#     TRIPLET: aarch64-linux-gnu, arm-linux-gnueabihf (or arm-linux-gnueabi)
#     BUILD_DIR: default /tmp/pinwatch-build-TRIPLET
#
# Installs the cross compiler, and the target's Check and libgpiod (the
# chardev backend is built too), with apt-get (Debian 12; idempotent).
# JOBS (default: nproc) sets make's parallelism.
set -euo pipefail
# shellcheck source=tests/cross/common.sh
. "$(dirname "$0")/common.sh"

[ $# -ge 1 ] || die "usage: $0 TRIPLET [BUILD_DIR]"
TRIPLET=$1
ARCH=$(deb_arch "$TRIPLET")
BUILD=${2:-/tmp/pinwatch-build-$TRIPLET}
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac

t=$(date +%s)
# shellcheck disable=SC2046
apt_ensure "$ARCH" $(cross_packages "$TRIPLET")
say "dependencies: $(since "$t") s"

t=$(date +%s)
cross_configure "$TRIPLET" "$BUILD"
grep -q '^#define HAVE_CHARDEV 1' config.h || die "the chardev backend is not configured for $TRIPLET"
say "configure: $(since "$t") s"

t=$(date +%s)
make -j"$JOBS" CFLAGS="$CROSS_CFLAGS" > make.out 2>&1 || { tail -n 60 make.out; die "build failed"; }
make -j"$JOBS" CFLAGS="$CROSS_CFLAGS" check TESTS= > make-tests.out 2>&1 ||
	{ tail -n 60 make-tests.out; die "building the test programs failed"; }
say "$TRIPLET ($ARCH): built warnings-clean (CFLAGS=$CROSS_CFLAGS) in $(since "$t") s, not run"
