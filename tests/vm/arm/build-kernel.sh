#!/bin/sh
# Build (or reuse) the ARM VM rig's kernel: Debian's linux-source-6.1, `make
# ARCH=arm tinyconfig` + tests/vm/arm/kernel.config, cross-compiled with
# arm-linux-gnueabi-gcc for QEMU's versatilepb (ARM926EJ-S): a zImage and
# the board's device tree.  Cached like the x86 kernel (tests/vm/build-kernel.sh),
# keyed by the fragment, this recipe and the kernel source package version.
#
# Usage: build-kernel.sh [FRAGMENT]   prints the directory holding zImage and
# versatile-pb.dtb on stdout.
# Environment: KERNEL_SRC_TAR, KERNEL_SRC_PKG, JOBS (default 2),
#   PINWATCH_VM_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/pinwatch),
#   CROSS_COMPILE (default arm-linux-gnueabi-).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
fragment=${1:-$here/kernel.config}
src_tar=${KERNEL_SRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
src_pkg=${KERNEL_SRC_PKG:-linux-source-6.1}
jobs=${JOBS:-2}
cache=${PINWATCH_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwatch}
cross=${CROSS_COMPILE:-arm-linux-gnueabi-}
dtb=versatile-pb.dtb

say() { printf 'build-kernel-arm: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -r "$fragment" ] || die "no kernel config fragment at $fragment"
[ -r "$src_tar" ] || die "no kernel source at $src_tar (apt-get install $src_pkg)"
command -v "${cross}gcc" >/dev/null || die "no ${cross}gcc (apt-get install gcc-arm-linux-gnueabi)"

src_ver=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
	src_ver=$(stat -c '%s-%Y' "$src_tar")
recipe=arm-1
key=$( { printf '%s\n%s\n%s\n%s\n' "$src_pkg" "$src_ver" "$recipe" "$cross"; cat "$fragment"; } |
	sha256sum | cut -c1-16)
out=$cache/kernel-arm-$key

mkdir -p "$cache"
exec 9>"$cache/kernel-arm-$key.lock"
flock 9

if [ -s "$out/zImage" ] && [ -s "$out/$dtb" ]; then
	say "cached kernel $out ($src_pkg $src_ver)"
	printf '%s\n' "$out"
	exit 0
fi

work=$cache/build-arm-$key
log=$cache/build-arm-$key.log
rm -rf "$work"
mkdir -p "$work"
: >"$log"
say "building the ARM kernel from $src_pkg $src_ver (key $key, -j$jobs); log: $log"

fail() {
	say "kernel build failed: $*"
	say "last lines of $log:"
	tail -n 40 "$log" >&2
	exit 1
}

kmake() { make ARCH=arm CROSS_COMPILE="$cross" "$@"; }

start=$(date +%s)
tar -xJf "$src_tar" -C "$work" --strip-components=1 >>"$log" 2>&1 ||
	fail "could not unpack $src_tar"
(
	cd "$work"
	kmake tinyconfig
	./scripts/kconfig/merge_config.sh -m .config "$fragment"
	kmake olddefconfig
) >>"$log" 2>&1 || fail "configuration"

# Insist on every option of the fragment (merge_config.sh only warns).
missing=
for opt in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$fragment"); do
	grep -qx "$opt=y" "$work/.config" || missing="$missing $opt"
done
[ -z "$missing" ] || fail "options dropped by Kconfig:$missing"

( cd "$work" && kmake -j"$jobs" zImage && kmake "$dtb" ) >>"$log" 2>&1 ||
	fail "make zImage $dtb"

mkdir -p "$out.tmp"
cp "$work/arch/arm/boot/zImage" "$out.tmp/zImage"
cp "$(find "$work/arch/arm/boot/dts" -name "$dtb" | head -n 1)" "$out.tmp/$dtb"
cp "$work/.config" "$out.tmp/config"
printf '%s %s\n' "$src_pkg" "$src_ver" >"$out.tmp/source"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
say "kernel built in $(( $(date +%s) - start )) s: $out"
printf '%s\n' "$out"
