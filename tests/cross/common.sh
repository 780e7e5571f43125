# shellcheck shell=bash
# Shared by tests/cross/armel.sh and tests/cross/build-only.sh: install a
# Debian 12 cross toolchain with apt-get (idempotent), configure out of tree,
# build.  Sourced, not run.  docs/cross-compiling.md explains the choices.

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JOBS=${JOBS:-$(nproc)}
export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

say() { printf '%s: %s\n' "${0##*/}" "$*"; }
die() { say "$*" >&2; exit 1; }

# Debian architecture of a GNU triplet.
deb_arch() {
	case "$1" in
	arm-linux-gnueabi) echo armel ;;
	arm-linux-gnueabihf) echo armhf ;;
	aarch64-linux-gnu) echo arm64 ;;
	*) die "unknown target '$1' (arm-linux-gnueabi, arm-linux-gnueabihf, aarch64-linux-gnu)" ;;
	esac
}

# What a cross build for TRIPLET needs.  The toolchain's own libc headers
# (libc6-dev-ARCH-cross) rather than libc6-dev:ARCH: the latter must match the
# build machine's linux-libc-dev version exactly, which a security update on
# one architecture and not the other breaks.  pkgconf:ARCH installs
# TRIPLET-pkg-config, which configure picks up by itself.
cross_packages() {
	local triplet=$1 arch
	arch=$(deb_arch "$triplet")
	echo "autoconf automake libtool make pkgconf gcc-$triplet libc6-dev-$arch-cross" \
	     "pkgconf:$arch check:$arch libgpiod-dev:$arch"
}

# Install PACKAGES; add foreign ARCHES first.  apt-get update runs only if an
# architecture was added or a package is not installed and unknown to apt.
apt_ensure() {
	local arches=$1; shift
	local added=0 missing=() p
	for a in $arches; do
		if [ "$a" != "$(dpkg --print-architecture)" ] &&
		   ! dpkg --print-foreign-architectures | grep -qx "$a"; then
			say "dpkg --add-architecture $a"
			$SUDO dpkg --add-architecture "$a"
			added=1
		fi
	done
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && { say "packages: all installed"; return 0; }
	say "installing: ${missing[*]}"
	if [ $added = 1 ] || ! apt-cache show "${missing[@]}" > /dev/null 2>&1; then
		# A mirror caught mid-sync fails one index; what is needed may
		# still be there: apt-get install below is the judge.
		$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q ||
			say "warning: apt-get update reported errors, trying the install anyway"
	fi
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
}

# Seconds since $1 (from date +%s).
since() { echo $(( $(date +%s) - $1 )); }

# configure TRIPLET in BUILD (created), out of the source tree.
cross_configure() {
	local triplet=$1 build=$2
	if [ ! -x "$SRC/configure" ]; then
		say "no configure in $SRC: running autogen.sh"
		(cd "$SRC" && ./autogen.sh > /dev/null 2>&1) || die "autogen.sh failed"
	fi
	mkdir -p "$build"
	cd "$build" || die "cannot enter $build"
	"$SRC/configure" --host="$triplet" > configure.out 2>&1 || {
		tail -n 40 configure.out; tail -n 40 config.log; die "configure --host=$triplet failed"
	}
	sed -n '/^pinwatch /,/^$/p' configure.out
	grep -i 'warning' configure.out | grep -v 'not prefixed with host triplet' || true
}

# The warnings-as-errors build flags of the CI builds; configure's own
# checks run without -Werror, so it goes on make's command line only.
CROSS_CFLAGS=${CROSS_CFLAGS:-"-O2 -g -Werror"}
