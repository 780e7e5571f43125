#!/bin/sh
# mkinitramfs.sh SRCDIR BUILDDIR ENVFILE OUT: the VM rig's initramfs, built
# afresh on every run so it always holds the current build: busybox-static,
# the init and guest scripts, the project's programs from BUILDDIR (tests/,
# tests/vm/, tools/) with their shared libraries (ldd), Debian's gpiod tools
# with theirs, and ENVFILE as /pw/vm.env.  Writes a gzip'd newc cpio to OUT.
set -eu

srcdir=$1 builddir=$2 envfile=$3 out=$4
vm=$srcdir/tests/vm
gpiod_tools="gpiodetect gpioinfo gpioget gpioset gpiomon"

die() { printf 'mkinitramfs: %s\n' "$*" >&2; exit 1; }

busybox=$(command -v busybox) || die "no busybox (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	# A dynamic busybox would work too, but Debian's busybox-static is the
	# one that also serves as the init before anything else is in place.
	die "$busybox is dynamically linked (apt-get install busybox-static)"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/pinwatch-vm-root.XXXXXX")
trap 'rm -rf "$root"' EXIT
# mktemp made it 0700, and it becomes the guest's /: tests that drop root
# privileges must still be able to reach /dev, /tmp and the programs.
chmod 755 "$root"
mkdir -p "$root/bin" "$root/pw/bin" "$root/pw/guest.d" "$root/usr/bin" \
	"$root/lib" "$root/root" "$root/sys" "$root/proc" "$root/dev" "$root/tmp"

# Copy the libraries LDD_CMD... reports into the root: a system library at
# its host path; one from elsewhere (a private libgpiod prefix through
# LD_LIBRARY_PATH, an uninstalled libpinwatch.so) into /pw/lib, which goes
# on the guest's LD_LIBRARY_PATH: the guest has no ld.so.cache, the program
# may have no RUNPATH, and a build tree under /tmp would be hidden by the
# guest's tmpfs there.
copy_libs() {
	"$@" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }' |
	while read -r lib; do
		case ${lib%/*} in
		/lib|/lib64|/usr/lib|/usr/lib64|/lib/*-linux-gnu*|/usr/lib/*-linux-gnu*)
			dest=$lib ;;
		*)	dest=/pw/lib/${lib##*/} ;;
		esac
		[ -e "$root$dest" ] || install -D -m 755 "$(readlink -f "$lib")" "$root$dest"
	done
}

# add_program FILE DESTDIR: an ELF program, or a libtool wrapper of one.
add_program() {
	name=$(basename "$1")
	if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; then
		install -D -m 755 "$1" "$root$2/$name"
		copy_libs ldd "$1"
	elif grep -q 'libtool' "$1" 2>/dev/null; then
		# --enable-shared: the real program is in .libs and finds the
		# uninstalled libpinwatch only through LD_LIBRARY_PATH (copy_libs).
		dir=$(dirname "$1")
		real=$dir/.libs/lt-$name
		[ -x "$real" ] || real=$dir/.libs/$name
		[ -x "$real" ] || die "$1: libtool wrapper without its program"
		install -D -m 755 "$real" "$root$2/$name"
		copy_libs "$builddir/libtool" --mode=execute ldd "$1"
	fi
}

install -m 755 "$busybox" "$root/bin/busybox"
install -m 755 "$vm/init" "$root/init"
install -m 644 "$vm/gpiosim.sh" "$root/pw/gpiosim.sh"
install -m 755 "$vm/pw-vm-tests.sh" "$root/pw/bin/pw-vm-tests"
for f in "$vm"/guest.d/*; do
	[ -f "$f" ] && [ -x "$f" ] && install -m 755 "$f" "$root/pw/guest.d/"
done

for t in $gpiod_tools; do
	p=$(command -v "$t") || die "no $t (apt-get install gpiod)"
	add_program "$p" /usr/bin
done

nprog=0
for dir in tests tests/vm tools; do
	for f in "$builddir/$dir"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		case $f in *.sh|*.la|*.lo|*.o|*.log|*.trs) continue ;; esac
		add_program "$f" /pw/bin
		nprog=$((nprog + 1))
	done
done
[ "$nprog" -gt 0 ] || die "no programs in $builddir/tests, tests/vm or tools: run make first"

cp "$envfile" "$root/pw/vm.env"
[ ! -d "$root/pw/lib" ] || echo "export LD_LIBRARY_PATH=/pw/lib" >>"$root/pw/vm.env"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
