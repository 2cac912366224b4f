#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The upstream-fault and hostile-input tests (daemon_faults.t) again, with
# xdpdnsd built under AddressSanitizer, LeakSanitizer and UBSan
# (`make asan-daemon`): any report in a daemon's log fails them.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
BIN=$PWD/.output/asan/xdpdnsd
[ -x "$BIN" ] || skip_all "$BIN not built (make asan-daemon)"
XDPDNSD=$BIN ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	exec /usr/bin/python3 tests/integration/daemon_faults.t
