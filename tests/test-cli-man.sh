#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The manual pages: groff -ww renders each one without a warning, every
# public function of pinwatch.h is documented on a page, and every option
# the tool's --help lists is in pinwatch(1).  Skipped (77) without groff.
# Ends with "N passed, N failed".

top=${srcdir:-.}
PW=${PINWATCH_TOOL:-./tools/pinwatch}
. "$(dirname "$0")/tap.sh"

if ! command -v groff >/dev/null 2>&1; then
	echo "groff is not installed: skipped"
	exit 77
fi

pages=$(ls "$top"/docs/*.1 "$top"/docs/*.3 2>/dev/null)
[ -n "$pages" ] || { echo "no manual pages under $top/docs"; exit 1; }

for page in $pages; do
	name=$(basename "$page")
	warnings=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
	if [ -z "$warnings" ]; then ok "groff -ww is silent on $name"; else not_ok "groff -ww on $name" "$warnings"; fi
	out=$(groff -man -Tutf8 "$page" 2>/dev/null | wc -l)
	if [ "$out" -gt 20 ]; then ok "$name renders"; else not_ok "$name renders ($out lines)"; fi
done

# Every function of the public header is on some page's NAME line.
names=$(for page in $pages; do
	sed -n '/^\.SH NAME/,/^\.SH/p' "$page"
done | tr ',' '\n' | sed 's/\\-.*//; s/[[:space:]]//g' | sort -u)
missing=""
for f in $(sed -n 's/^PINWATCH_API [^(]*[ *]\(pinwatch_[a-z_0-9]*\)(.*/\1/p' "$top/include/pinwatch.h.in"); do
	printf '%s\n' "$names" | grep -qx "$f" || missing="$missing $f"
done
if [ -z "$missing" ]; then
	ok "every public function has a manual page"
else
	not_ok "functions without a manual page:$missing"
fi

# Every long option of every command's --help is in pinwatch(1).
if [ -x "$PW" ] || [ -n "$PINWATCH_TEST_EXEC_WRAPPER" ]; then
	for cmd in detect info get set mon count notify; do
		missing=""
		opts=$($PINWATCH_TEST_EXEC_WRAPPER "$PW" "$cmd" --help |
			grep -o -- '--[a-z][a-z-]*' | sort -u)
		for o in $opts; do
			man=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
			grep -q -- "$man" "$top/docs/pinwatch.1" || missing="$missing $o"
		done
		if [ -z "$missing" ]; then
			ok "pinwatch(1) documents every option of '$cmd'"
		else
			not_ok "pinwatch(1) lacks options of '$cmd':$missing"
		fi
	done
else
	echo "# $PW not built: option cross-check skipped"
fi

tap_end
