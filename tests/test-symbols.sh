#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Symbol hygiene: every global symbol that libpinwatch.a defines is public
# (pinwatch_) or internal with the pw_ prefix, so a user's program that
# defines its own sim_now() or sysfs_read_attr() links.  Then the proof: a
# program that defines such names links against the archive.  Skipped (77)
# without nm.  Ends with "N passed, N failed".

NM=${NM:-nm}
CC=${CC:-cc}
lib=.libs/libpinwatch.a
. "$(dirname "$0")/tap.sh"

command -v "${NM%% *}" >/dev/null 2>&1 || { echo "no nm: skipped"; exit 77; }
[ -f "$lib" ] || { echo "no $lib (build first)"; exit 99; }

defined=$($NM -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 && $2 ~ /[A-Z]/ { print $3 }' | sort -u)
# __odr_asan.*: ASan's one-definition-rule markers of our own globals, in a
# sanitized build; not symbols a user program could clash with.
bad=$(printf '%s\n' "$defined" | grep -v -E '^(pinwatch_|pw_|__odr_asan\.(pinwatch_|pw_)|$)')
if [ -z "$bad" ]; then
	ok "every global symbol of $lib has the pinwatch_ or pw_ prefix ($(printf '%s\n' "$defined" | grep -c .) symbols)"
else
	not_ok "global symbols without the pinwatch_ or pw_ prefix" "$bad"
fi

# A user program with the names that used to clash links and runs.
if [ -z "${PW_TEST_EMULATOR:-}" ]; then
	tmp=$(mktemp -d)
	cat > "$tmp/clash.c" <<'EOC'
#include <pinwatch.h>
int sim_now(void) { return 1; }
int sim_wire(void) { return 2; }
int sysfs_read_attr(void) { return 3; }
int sysfs_parse_int(void) { return 4; }
int main(void)
{
	pinwatch_board *b;
	if (pinwatch_board_open("sim:aria-g25", &b))
		return 1;
	pinwatch_board_close(b);
	return sim_now() + sim_wire() + sysfs_read_attr() + sysfs_parse_int() == 10 ? 0 : 1;
}
EOC
	libs=$(sed -n "s/^dependency_libs='\(.*\)'/\1/p" libpinwatch.la)
	# The build's own flags (PW_TEST_CFLAGS, PW_TEST_LDFLAGS from make): a
	# sanitized archive links only with the sanitizer's runtime.
	# shellcheck disable=SC2086 # flag lists
	if out=$($CC $PW_TEST_CFLAGS -Iinclude -o "$tmp/clash" "$tmp/clash.c" "$lib" \
		$libs -lpthread $PW_TEST_LDFLAGS 2>&1) && "$tmp/clash"; then
		ok "a program defining sim_now, sim_wire, sysfs_read_attr, sysfs_parse_int links and runs"
	else
		not_ok "a program defining common names fails to link against $lib" "$out"
	fi
	rm -rf "$tmp"
fi

tap_end
