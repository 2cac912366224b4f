#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The validation engine judged on every scenario of the lab, read from the
# zone FILES: mkzones.py generates and signs the lab into a temporary
# directory (no servers, no namespaces), zone_responses.py builds the
# responses the authoritative servers would give, and
# test_dnssec_labzones validates each one against scenarios.tsv.
. "$(dirname "$0")/../lib/tap.sh"
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-.output}
BIN=$OUTPUT/tests/unit/test_dnssec_labzones

[ -x "$BIN" ] || skip_all "$BIN not built"
for tool in ldns-keygen ldns-signzone ldns-key2ds; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not installed"
done

dir=$(mktemp -d /tmp/xdpdns-labzones.XXXXXX)
trap 'rm -rf "$dir"' EXIT
if ! /usr/bin/python3 tests/lab/mkzones.py "$dir/run" >"$dir/gen.log" 2>&1 ||
   ! /usr/bin/python3 tests/lab/zone_responses.py "$dir/run" "$dir/out" \
	>>"$dir/gen.log" 2>&1; then
	ok 1 "lab zones and responses generated"
	sed 's/^/# /' "$dir/gen.log"
	done_testing
	exit 1
fi
XDPDNS_LAB_RESPONSES=$dir/out "$BIN"
