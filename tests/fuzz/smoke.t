#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every built fuzz target runs 30 seconds from its seed corpus without a
# crash (tests/fuzz/run.sh). One TAP line per target.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
OUTPUT=${OUTPUT:-.output}
export OUTPUT

found=0
for t in "$OUTPUT"/fuzz/fuzz_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	found=1
	name=$(basename "$t")
	out=$(./tests/fuzz/run.sh 30 "$t" 2>&1)
	st=$?
	echo "$out" | sed 's/^/# /'
	ok $st "$name runs 30 s without a crash"
done
[ $found = 1 ] || skip_all "no fuzz targets built (make fuzz-bins)"
done_testing
