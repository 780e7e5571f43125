#!/bin/sh
# Build (or reuse) the VM rig's kernel: Debian's linux-source-6.1, `make
# tinyconfig` + tests/vm/kernel.config, x86_64 bzImage. The result is cached
# outside the clone, keyed by the fragment and the kernel source package
# version, so only a changed fragment or a kernel update costs a rebuild.
#
# Usage: build-kernel.sh [FRAGMENT]   prints the bzImage path on stdout.
# Environment: KERNEL_SRC_TAR (default /usr/src/linux-source-6.1.tar.xz),
#   KERNEL_SRC_PKG (default linux-source-6.1), JOBS (default 2),
#   PINWATCH_VM_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/pinwatch).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
fragment=${1:-$here/kernel.config}
src_tar=${KERNEL_SRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
src_pkg=${KERNEL_SRC_PKG:-linux-source-6.1}
jobs=${JOBS:-2}
cache=${PINWATCH_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwatch}

say() { printf 'build-kernel: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -r "$fragment" ] || die "no kernel config fragment at $fragment"
[ -r "$src_tar" ] || die "no kernel source at $src_tar (apt-get install $src_pkg)"

# The package version names the exact source; fall back to the tarball's size
# and mtime when it was not installed by dpkg.
src_ver=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
	src_ver=$(stat -c '%s-%Y' "$src_tar")
# The build recipe below is part of the key too: changing how the kernel is
# built must not silently reuse an image built the old way.
recipe=3
key=$( { printf '%s\n%s\n%s\n' "$src_pkg" "$src_ver" "$recipe"; cat "$fragment"; } |
	sha256sum | cut -c1-16)
out=$cache/kernel-$key
image=$out/bzImage

mkdir -p "$cache"
# One build per key at a time: a second run waits and then reuses the image.
exec 9>"$cache/kernel-$key.lock"
flock 9

if [ -s "$image" ]; then
	say "cached kernel $image ($src_pkg $src_ver)"
	printf '%s\n' "$image"
	exit 0
fi

work=$cache/build-$key
log=$cache/build-$key.log
rm -rf "$work"
mkdir -p "$work"
: >"$log"
say "building kernel from $src_pkg $src_ver (key $key, -j$jobs); log: $log"

fail() {
	say "kernel build failed: $*"
	say "last lines of $log:"
	tail -n 40 "$log" >&2
	exit 1
}

start=$(date +%s)
tar -xJf "$src_tar" -C "$work" --strip-components=1 >>"$log" 2>&1 ||
	fail "could not unpack $src_tar"
(
	cd "$work"
	make ARCH=x86_64 tinyconfig
	./scripts/kconfig/merge_config.sh -m .config "$fragment"
	make ARCH=x86_64 olddefconfig
) >>"$log" 2>&1 || fail "configuration"

# merge_config.sh only warns when Kconfig drops an option whose dependencies
# are missing; a kernel without, say, GPIO_SIM would boot and fail later in a
# confusing way, so insist on every option of the fragment here.
missing=
for opt in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$fragment"); do
	grep -qx "$opt=y" "$work/.config" || missing="$missing $opt"
done
[ -z "$missing" ] || fail "options dropped by Kconfig:$missing"

( cd "$work" && make ARCH=x86_64 -j"$jobs" bzImage ) >>"$log" 2>&1 ||
	fail "make bzImage"

mkdir -p "$out.tmp"
cp "$work/arch/x86/boot/bzImage" "$out.tmp/bzImage"
cp "$work/.config" "$out.tmp/config"
printf '%s %s\n' "$src_pkg" "$src_ver" >"$out.tmp/source"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
say "kernel built in $(( $(date +%s) - start )) s: $image"
printf '%s\n' "$image"
