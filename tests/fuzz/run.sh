#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs libFuzzer targets for a while each.
#   tests/fuzz/run.sh SECONDS [TARGET...]
# TARGET is a name (fuzz_message) or a path; default: every built
# $OUTPUT/fuzz/fuzz_*. Each target starts from a temporary copy of
# tests/fuzz/corpus/<name without fuzz_>/ so the committed corpus is never
# written to. Crash inputs are kept under $OUTPUT/fuzz/artifacts/<name>/.
# Exit status is non-zero if any target found a crash or failed to run.
set -eu
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-.output}

if [ $# -lt 1 ]; then
	echo "usage: $0 SECONDS [TARGET...]" >&2
	exit 2
fi
secs=$1
shift

targets=""
if [ $# -gt 0 ]; then
	for t in "$@"; do
		case "$t" in
		*/*) targets="$targets $t" ;;
		*) targets="$targets $OUTPUT/fuzz/$t" ;;
		esac
	done
else
	for t in "$OUTPUT"/fuzz/fuzz_*; do
		[ -f "$t" ] && [ -x "$t" ] && targets="$targets $t"
	done
fi
if [ -z "$targets" ]; then
	echo "run.sh: no fuzz targets built (make fuzz-bins)" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/xdpdns-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

status=0
for t in $targets; do
	name=$(basename "$t")
	corpus=tests/fuzz/corpus/${name#fuzz_}
	work=$tmp/$name
	art=$OUTPUT/fuzz/artifacts/$name
	mkdir -p "$work" "$art"
	if [ -d "$corpus" ]; then
		cp -R "$corpus"/. "$work"/
	fi
	log=$tmp/$name.log
	if "$t" -max_total_time="$secs" -max_len=65535 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$art"/ "$work" \
		>"$log" 2>&1; then
		result=ok
	else
		result=FAILED
		status=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	echo "$name: $result, ${execs:-?} execs, ${rate:-?} execs/s in ${secs}s"
	if [ "$result" != ok ]; then
		grep -E 'ERROR|SUMMARY|fuzz_|Test unit written' "$log" | head -20 >&2 || true
	fi
done
exit $status
