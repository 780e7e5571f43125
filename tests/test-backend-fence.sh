#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The backends' include fence (issue 13): backends/*.c and sim/*.c are
# compiled with the public header and the backend contract on the path and
# nothing else (PW_BACKEND_CPPFLAGS in Makefile.am and automake's
# DEFAULT_INCLUDES, passed in by make as PW_FENCE_CPPFLAGS), so a backend that includes the core's private
# internal.h does not build.  A one-line backend source is compiled with
# those flags: with backend.h it builds (the flags work), with internal.h it
# must not.  Ends with "N passed, N failed".

CC=${CC:-cc}
srcdir=${srcdir:-.}
. "$(dirname "$0")/tap.sh"

[ -n "${PW_FENCE_CPPFLAGS:-}" ] || { echo "PW_FENCE_CPPFLAGS unset (run by make check)"; exit 99; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compile NAME HEADER: a backend source of one line that includes HEADER.
compile() {
	printf '#include "%s"\n' "$2" > "$tmp/$1.c"
	# shellcheck disable=SC2086 # flag lists
	LC_ALL=C $CC $PW_FENCE_CPPFLAGS $PW_FENCE_CFLAGS -c -o "$tmp/$1.o" "$tmp/$1.c" 2>&1
}

if out=$(compile contract backend.h); then
	ok "a backend source including backend.h builds with the backends' flags"
else
	not_ok "a backend source including backend.h does not build with the backends' flags" "$out"
fi

if out=$(compile private internal.h); then
	not_ok "a backend source including internal.h builds: the fence is open" \
		"flags: $PW_FENCE_CPPFLAGS"
else
	case $out in
	*internal.h*"No such file"* | *internal.h*"file not found"*)
		ok "a backend source including internal.h does not build (internal.h not found)" ;;
	*) not_ok "a backend source including internal.h failed for another reason" "$out" ;;
	esac
fi

# Nor by its path from the top of the tree (automake's -I$(srcdir) is off).
if out=$(compile private_path core/internal.h); then
	not_ok "a backend source including core/internal.h builds: the fence is open" \
		"flags: $PW_FENCE_CPPFLAGS"
else
	case $out in
	*internal.h*"No such file"* | *internal.h*"file not found"*)
		ok "a backend source including core/internal.h does not build (not found)" ;;
	*) not_ok "a backend source including core/internal.h failed for another reason" "$out" ;;
	esac
fi

# The fence holds for the real sources only if none reaches around it.
around=$(grep -n '#[[:space:]]*include[[:space:]]*".*/' "$srcdir"/backends/*.[ch] "$srcdir"/sim/*.[ch] 2>/dev/null)
if [ -z "$around" ]; then
	ok "no backend or sim source includes a header by a path (../core/...)"
else
	not_ok "backend or sim sources include headers by a path" "$around"
fi

if [ -e "$srcdir/backends/internal.h" ] || [ -e "$srcdir/sim/internal.h" ] ||
   [ -n "$(ls "$srcdir"/core/contract | grep -v '^backend\.h$')" ]; then
	not_ok "an internal.h beside the backends, or more than backend.h in core/contract/"
else
	ok "core/contract/ holds backend.h only; no internal.h beside the backends"
fi

tap_end
