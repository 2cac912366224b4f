#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs every line of tests/lab/scenarios.tsv against the reference validator
# (unbound 1.17 with the lab's anchors) from the client namespace, through
# the forwarder namespace's routing: rcode, AD and EDE must match the table;
# where the table records a known unbound deviation, unbound's recorded
# behaviour is what is checked (and the TAP line says so).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh

[ "$(id -u)" = 0 ] || skip_all "needs root for network namespaces"
for t in knotd unbound kdig ldns-signzone; do
	command -v "$t" >/dev/null 2>&1 || skip_all "$t missing (scripts/install-deps.sh)"
done

# One lab at a time on this machine: tests sharing it wait for each other.
exec 9>/tmp/xdpdns-lab.lock
flock -w 900 9 || { echo "Bail out! lab lock busy"; exit 1; }
trap 'tests/lab/lab.sh stop' EXIT
out=$(tests/lab/lab.sh start 2>&1) || {
	echo "$out" | sed 's/^/# /'
	echo "Bail out! lab.sh start failed"
	exit 1
}
diag "$out"
. tests/lab/run/env.sh
# The scenario runner prints the plan and one TAP line per table line.
ip netns exec "$LAB_NS_CLI" /usr/bin/python3 tests/lab/scenarios.py \
	--server "$LAB_VALIDATOR" --mode reference --table "$LAB_SCENARIOS"
