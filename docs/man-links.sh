#!/bin/sh
# SPDX-License-Identifier: MIT
#
# One small page per function, so that `man pinwatch_pin_open` finds the
# group's page: each function on a page's NAME line gets FUNCTION.3 holding
# ".so man3/PAGE.3".  Run by `make install` (install-data-hook) and
# `make uninstall` (uninstall-hook).
#
#   docs/man-links.sh install|uninstall MAN3DIR SRCDIR docs/PAGE.3...
action=$1
dir=$2
srcdir=$3
shift 3
for rel; do
	page=$srcdir/$rel
	base=$(basename "$page")
	for f in $(sed -n '/^\.SH NAME/,/^\.SH/p' "$page" | sed '1d;$d' |
		sed 's/\\-.*//' | tr ',' ' '); do
		# the page's own name has the real page already
		[ "$f.3" = "$base" ] && continue
		case $action in
		install) echo ".so man3/$base" >"$dir/$f.3" || exit 1 ;;
		uninstall) rm -f "$dir/$f.3" ;;
		*) echo "man-links.sh: install or uninstall" >&2; exit 1 ;;
		esac
	done
done
