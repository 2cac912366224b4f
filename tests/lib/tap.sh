# SPDX-License-Identifier: GPL-2.0
# TAP helpers for shell tests, sourced by tests/*/*.t.

TAP_COUNT=0
TAP_FAILED=0

# ok COND_STATUS DESCRIPTION: report the status of the previous command.
ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_COUNT - $2"
	else
		TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_COUNT - $2"
	fi
}

# check DESCRIPTION CMD...: run CMD, report whether it succeeded.
check() {
	desc=$1
	shift
	if "$@" >/tmp/xdpdns-tap.$$ 2>&1; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		sed 's/^/# /' /tmp/xdpdns-tap.$$
	fi
	rm -f /tmp/xdpdns-tap.$$
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "# got '$1', want '$2'"
	fi
}

diag() {
	echo "# $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$TAP_COUNT"
	[ "$TAP_FAILED" -eq 0 ]
}
