#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Unpack libgpiod 2.x (library and headers) from Debian's bookworm-backports
# into a private prefix, so that pinwatch can be built and tested against the
# v2 API without replacing the system's libgpiod 1.6:
#
#   tests/gpiod2-prefix.sh DIR
#   PKG_CONFIG_PATH=DIR/usr/lib/<multiarch>/pkgconfig /path/to/configure
#
# The .pc file is rewritten to point into DIR.  The prefix keeps only the
# static libgpiod.a for linking: programs built against it carry libgpiod
# inside and run anywhere — on the host, under qemu-user for a cross build,
# and in the VM rig, whose guest mounts a tmpfs over /tmp and so could not
# serve a shared library from a DIR under /tmp.  Needs the bookworm-backports
# suite in the apt sources (Suites: line of the Debian entry in
# /etc/apt/sources.list.d/debian.sources) and apt-get update.
# Environment: GPIOD2_SUITE (default bookworm-backports), DEB_ARCH (default:
# the build machine's; e.g. armel to unpack for a cross build).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
suite=${GPIOD2_SUITE:-bookworm-backports}
arch=${DEB_ARCH:-$(dpkg --print-architecture)}
multiarch=$(dpkg-architecture -a"$arch" -qDEB_HOST_MULTIARCH 2>/dev/null) ||
	case $arch in
	amd64) multiarch=x86_64-linux-gnu ;;
	armel) multiarch=arm-linux-gnueabi ;;
	armhf) multiarch=arm-linux-gnueabihf ;;
	arm64) multiarch=aarch64-linux-gnu ;;
	*) echo "$0: unknown multiarch for $arch" >&2; exit 2 ;;
	esac

mkdir -p "$1"
dir=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# apt downloads as the _apt user when it can write the directory.
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
	chown _apt "$tmp"
fi

if ! (cd "$tmp" && apt-get download -q \
	"libgpiod-dev:$arch/$suite" "libgpiod3:$arch/$suite") >"$tmp/apt.log" 2>&1; then
	cat "$tmp/apt.log" >&2
	echo "$0: could not download libgpiod 2.x from $suite." >&2
	echo "  Add $suite to the Suites: line of the Debian source (same URI as bookworm)" >&2
	echo "  in /etc/apt/sources.list.d/debian.sources, then run apt-get update." >&2
	exit 1
fi
for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$dir"
done

pcdir=$dir/usr/lib/$multiarch/pkgconfig
pc=$pcdir/libgpiod.pc
if [ ! -f "$pc" ]; then
	echo "$0: $pc missing after unpacking" >&2
	exit 1
fi
sed -i -e "s|^prefix=.*|prefix=$dir/usr|" "$pc"
libdir=$dir/usr/lib/$multiarch
if [ ! -f "$libdir/libgpiod.a" ]; then
	echo "$0: $libdir/libgpiod.a missing after unpacking" >&2
	exit 1
fi
# No shared objects: -lgpiod then links libgpiod.a.
rm -f "$libdir"/libgpiod.so* "$libdir"/libgpiodcxx.so*

version=$(PKG_CONFIG_PATH=$pcdir pkg-config --modversion libgpiod)
echo "libgpiod $version unpacked into $dir"
echo "configure with: PKG_CONFIG_PATH=$pcdir .../configure"
