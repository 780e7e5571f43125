# SPDX-License-Identifier: MIT
#
# The shell tests' reporting, sourced by each ('. "$(dirname "$0")/tap.sh"'):
# ok/not_ok print one line per check ("ok N - what", "not ok N - what" with
# the detail indented below it), tap_end the summary "N passed, N failed"
# and the script's status.
pass=0
fail=0

# ok WHAT
ok() {
	pass=$((pass + 1))
	echo "ok $((pass + fail)) - $1"
}

# not_ok WHAT [DETAIL]
not_ok() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/#   /'
}

# The last command of a test: the summary; fails if any check did.
tap_end() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
