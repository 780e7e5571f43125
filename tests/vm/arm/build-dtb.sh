#!/bin/sh
# Build (or reuse) the ARM VM rig's device tree: versatile-pb-counter.dts =
# the kernel's versatile-pb.dts (+ versatile-ab.dts it includes), taken
# from the same linux-source tarball as the kernel, plus
# pinwatch-counter.dtsi; preprocessed with cpp and compiled with dtc
# (package device-tree-compiler).  Cached apart from the kernel, keyed by
# the .dts/.dtsi and the source package version: editing the device tree
# never rebuilds the kernel.
#
# Usage: build-dtb.sh   prints the path of the .dtb on stdout.
# Environment: KERNEL_SRC_TAR, KERNEL_SRC_PKG, PINWATCH_VM_CACHE (as
# build-kernel.sh).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src_tar=${KERNEL_SRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
src_pkg=${KERNEL_SRC_PKG:-linux-source-6.1}
cache=${PINWATCH_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwatch}

say() { printf 'build-dtb-arm: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -r "$src_tar" ] || die "no kernel source at $src_tar (apt-get install $src_pkg)"
command -v dtc >/dev/null || die "no dtc (apt-get install device-tree-compiler)"
command -v cpp >/dev/null || die "no cpp (apt-get install cpp)"

src_ver=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
	src_ver=$(stat -c '%s-%Y' "$src_tar")
key=$( { printf '%s\n%s\ndtb-1\n' "$src_pkg" "$src_ver"; cat "$here/versatile-pb-counter.dts" \
	"$here/pinwatch-counter.dtsi"; } | sha256sum | cut -c1-16)
out=$cache/dtb-arm-$key
dtb=$out/versatile-pb-counter.dtb

mkdir -p "$cache"
exec 9>"$cache/dtb-arm-$key.lock"
flock 9
if [ -s "$dtb" ]; then
	say "cached device tree $dtb"
	printf '%s\n' "$dtb"
	exit 0
fi

work=$(mktemp -d "$cache/.dtb-arm.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
# Only the two board files: versatile-ab.dts includes nothing else.
tar -xJf "$src_tar" -C "$work" --strip-components=5 --wildcards \
	'*/arch/arm/boot/dts/versatile-ab.dts' '*/arch/arm/boot/dts/versatile-pb.dts' ||
	die "could not take versatile-pb.dts from $src_tar"
cp "$here/versatile-pb-counter.dts" "$here/pinwatch-counter.dtsi" "$work/"
cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I "$work" \
	"$work/versatile-pb-counter.dts" -o "$work/board.dts" ||
	die "cpp failed on versatile-pb-counter.dts"
dtc -q -I dts -O dtb -o "$work/board.dtb" "$work/board.dts" ||
	die "dtc failed on versatile-pb-counter.dts"
mkdir -p "$out"
mv "$work/board.dtb" "$dtb"
say "device tree built in $(( $(date +%s) - start )) s: $dtb"
printf '%s\n' "$dtb"
