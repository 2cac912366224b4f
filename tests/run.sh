#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the test suites under prove and prints its summary.
#   tests/run.sh            every suite
#   tests/run.sh unit ...   only the named suites (unit bpf fuzz integration lab)
set -eu
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
export OUTPUT

suites=${*:-"unit bpf fuzz lab integration"}
list=""
for suite in $suites; do
	case "$suite" in
	unit | bpf)
		for t in "$OUTPUT"/tests/"$suite"/*; do
			[ -x "$t" ] && [ -f "$t" ] && list="$list $t"
		done
		for t in tests/"$suite"/*.t; do
			[ -f "$t" ] && list="$list $t"
		done
		;;
	*)
		for t in tests/"$suite"/*.t; do
			[ -f "$t" ] && list="$list $t"
		done
		;;
	esac
done

if [ -z "$list" ]; then
	echo "no tests found for: $suites" >&2
	exit 1
fi
# shellcheck disable=SC2086
exec prove --timer -f $list
