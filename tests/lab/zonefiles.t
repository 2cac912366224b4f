#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The zone-file responses of zone_responses.py checked against the lab's
# real servers, then judged by the validation engine: the lab is started,
# every question's last authoritative step is asked to the knotd serving
# it and must carry the same answer and authority sections as the
# response built from the zone file, and test_dnssec_labzones validates
# the responses against scenarios.tsv (tests/unit/lab_zonefiles.t does
# the same without servers, from a private mkzones.py run).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
OUTPUT=${OUTPUT:-.output}
BIN=$OUTPUT/tests/unit/test_dnssec_labzones

[ "$(id -u)" = 0 ] || skip_all "needs root for network namespaces"
[ -x "$BIN" ] || skip_all "$BIN not built"
for t in knotd unbound ldns-signzone; do
	command -v "$t" >/dev/null 2>&1 || skip_all "$t missing (scripts/install-deps.sh)"
done

LAB=tests/lab/lab.sh
exec 9>/tmp/xdpdns-lab.lock
flock -w 900 9 || { echo "Bail out! lab lock busy"; exit 1; }
DIR=$(mktemp -d /tmp/xdpdns-zonefiles.XXXXXX)
trap '$LAB stop >/dev/null 2>&1; rm -rf "$DIR"' EXIT

$LAB start >"$DIR/start.log" 2>&1
ok $? "lab.sh start"
. tests/lab/run/env.sh

/usr/bin/python3 tests/lab/zone_responses.py "$LAB_RUN" "$DIR/out" \
	>"$DIR/gen.log" 2>&1
ok $? "responses built from the lab's zone files"
diag "$(cat "$DIR/gen.log")"

ip netns exec "$LAB_NS_LAB" /usr/bin/python3 tests/lab/zone_responses.py \
	--knot "$LAB_RUN" "$DIR/out" >"$DIR/knot.log" 2>&1
ok $? "knotd gives the same answer and authority sections for every question"
cat "$DIR/knot.log"

XDPDNS_LAB_RESPONSES=$DIR/out "$BIN" >"$DIR/engine.tap" 2>&1
ok $? "engine verdicts on the lab's zones match scenarios.tsv"
grep -v '^ok \|^1\.\.' "$DIR/engine.tap" | sed 's/^/# /'
diag "engine: $(grep -c '^ok ' "$DIR/engine.tap") ok," \
	"$(grep -c '^not ok ' "$DIR/engine.tap") not ok"
done_testing
