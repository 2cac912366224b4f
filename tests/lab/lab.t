#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Checks the lab itself: start and stop, namespaces and routes, each
# authoritative instance, the signed zones (good ones verify, bogus ones are
# caught by a verifier), the upstream recursor, the reference validator.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh

[ "$(id -u)" = 0 ] || skip_all "needs root for network namespaces"
for t in knotd unbound kdig ldns-signzone ldns-verify-zone kzonecheck; do
	command -v "$t" >/dev/null 2>&1 || skip_all "$t missing (scripts/install-deps.sh)"
done

LAB=tests/lab/lab.sh
# One lab at a time on this machine: tests sharing it wait for each other.
exec 9>/tmp/xdpdns-lab.lock
flock -w 900 9 || { echo "Bail out! lab lock busy"; exit 1; }
trap '$LAB stop' EXIT
OUT=/tmp/xdpdns-lab-t.$$

# --- start ---------------------------------------------------------------
$LAB start >"$OUT" 2>&1
ok $? "lab.sh start succeeds"
grep -Eq '^lab: started in [0-9]+\.[0-9]+ s$' "$OUT"
ok $? "start prints how long it took"
diag "$(cat "$OUT")"
[ -f tests/lab/run/env.sh ]
ok $? "run/env.sh written"
. tests/lab/run/env.sh

for ns in "$LAB_NS_LAB" "$LAB_NS_FWD" "$LAB_NS_CLI"; do
	ip netns list | grep -q "^$ns\( \|$\)"
	ok $? "namespace $ns exists"
done
for f in "$LAB_ANCHOR_DS" "$LAB_ANCHOR_DNSKEY" "$LAB_ANCHOR_XML" \
	"$LAB_MESH_DS" "$LAB_MESH_DNSKEY"; do
	[ -s "$f" ]
	ok $? "anchor file $(basename "$f")"
done

# The RFC 7958 XML names the same key as the DS anchor.
/usr/bin/python3 - "$LAB_ANCHOR_XML" "$LAB_ANCHOR_DS" <<'EOF2'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
kd = root.find("KeyDigest")
xml = [root.findtext("Zone"), kd.findtext("KeyTag"), kd.findtext("Algorithm"),
       kd.findtext("DigestType"), kd.findtext("Digest").lower()]
f = open(sys.argv[2]).read().split()
ds = [f[0]] + f[4:7] + [f[7].lower()]
sys.exit(0 if root.tag == "TrustAnchor" and xml == ds else 1)
EOF2
ok $? "root-anchors.xml (RFC 7958) matches root.ds"

# --- network plan ---------------------------------------------------------
# reach NS ADDR: a UDP probe from NS to a port where nothing listens comes
# back as ICMP port unreachable when ADDR is reachable (no ping needed).
reach() {
	ip netns exec "$1" /usr/bin/python3 -c '
import socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET,
		  socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((a, 9))
s.send(b"x")
try:
	s.recv(1)
except ConnectionRefusedError:
	sys.exit(0)
except OSError:
	pass
sys.exit(1)' "$2"
}
for p in "$LAB_NS_CLI $LAB_VETH_FWDC4" "$LAB_NS_CLI $LAB_VETH_FWDC6" \
	"$LAB_NS_FWD $LAB_VETH_LAB4" "$LAB_NS_FWD $LAB_VETH_LAB6" \
	"$LAB_NS_CLI $LAB_VETH_LAB4" "$LAB_NS_CLI $LAB_VETH_LAB6"; do
	# shellcheck disable=SC2086
	reach $p
	ok $? "${p% *} reaches ${p#* }"
done
check "fwd reaches the upstream recursor" \
	ip netns exec "$LAB_NS_FWD" kdig +time=2 +retry=1 "@$LAB_UPSTREAM" test. SOA
check "cli reaches the root server directly (transit through fwd)" \
	ip netns exec "$LAB_NS_CLI" kdig +time=2 +retry=1 +norec "@$LAB_AUTH_ROOT" . SOA

# --- authoritative servers --------------------------------------------------
for level in root tld sld deep; do
	conf=$LAB_RUN/knot-$level/knot.conf
	addr=$(sed -n 's/^ *listen: \([0-9.]*\)@53/\1/p' "$conf")
	check "knotd $level is up (knotc status)" ip netns exec "$LAB_NS_LAB" \
		knotc -c "$conf" -s "$LAB_RUN/knot-$level/knot.sock" status
	while read -r zone; do
		ip netns exec "$LAB_NS_LAB" kdig +time=2 +retry=1 +norec \
			"@$addr" "$zone" SOA >"$OUT" 2>&1
		grep -q 'status: NOERROR' "$OUT" && grep -q 'Flags: qr aa' "$OUT"
		ok $? "knotd $level ($addr) answers $zone SOA authoritatively"
	done <"$LAB_RUN/knot-$level/zones.list"
done
# Separate instances per level: the DS at a cut comes from the parent.
ip netns exec "$LAB_NS_LAB" kdig +time=2 +norec +dnssec "@$LAB_AUTH_TLD" \
	alg13.test. DS >"$OUT" 2>&1
grep -q 'alg13.test\..*DS' "$OUT"
ok $? "the TLD instance answers the DS of alg13.test."

# --- signed zones -----------------------------------------------------------
while read -r zone file; do
	ldns-verify-zone -V 1 "$LAB_ZONES/$file" >"$OUT" 2>&1
	ok $? "ldns-verify-zone accepts $zone"
	[ "$zone" = test. ] && continue # holds the deliberate digest-0 DS
	kzonecheck -d on -o "$zone" "$LAB_ZONES/$file" >"$OUT" 2>&1
	ok $? "kzonecheck accepts $zone"
done <"$LAB_ZONES/signed-good.list"
while read -r zone file tool; do
	if [ "$tool" = kzonecheck ]; then
		kzonecheck -d on -o "$zone" "$LAB_ZONES/$file" >"$OUT" 2>&1
	else
		ldns-verify-zone -V 1 "$LAB_ZONES/$file" >"$OUT" 2>&1
	fi
	[ $? -ne 0 ]
	ok $? "$tool detects the broken zone $zone"
done <"$LAB_ZONES/signed-bogus.list"
# badds.test. is signed correctly; its parent's DS matches none of its keys.
/usr/bin/python3 - "$LAB_ZONES" <<'EOF'
import sys
import dns.dnssec, dns.rdata
zones = sys.argv[1]
def rdatas(path, owner, rtype):
	for line in open(path):
		f = line.split(";")[0].split()
		if len(f) > 4 and f[0] == owner and f[3] == rtype:
			yield " ".join(f[4:])
ds = [d.lower() for d in rdatas(zones + "/test.zone", "badds.test.", "DS")]
made = [dns.dnssec.make_ds("badds.test.", dns.rdata.from_text("IN",
	"DNSKEY", k), "SHA256").to_text().lower()
	for k in rdatas(zones + "/badds.test.zone", "badds.test.", "DNSKEY")]
sys.exit(0 if ds and made and not set(ds) & set(made) else 1)
EOF
ok $? "the DS of badds.test. matches none of its DNSKEYs"

# --- upstream recursor (iterator only) --------------------------------------
ip netns exec "$LAB_NS_CLI" kdig +time=2 +retry=1 +dnssec "@$LAB_UPSTREAM" \
	www.alg13.test. A >"$OUT" 2>&1
grep -q 'status: NOERROR' "$OUT"
ok $? "upstream resolves www.alg13.test. A"
grep -Eq 'www\.alg13\.test\..*RRSIG[[:space:]]+A' "$OUT"
ok $? "upstream returns the RRSIG when asked with DO"
grep -q 'Flags:.* ad' "$OUT"
[ $? -ne 0 ]
ok $? "upstream does not set AD (it does not validate)"
ip netns exec "$LAB_NS_CLI" kdig +time=2 +retry=1 +dnssec "@$LAB_UPSTREAM" \
	www.expired.test. A >"$OUT" 2>&1
grep -q 'status: NOERROR' "$OUT"
ok $? "upstream passes bogus data on (no validation)"
ip netns exec "$LAB_NS_CLI" kdig +time=2 +retry=1 +dnssec "@$LAB_UPSTREAM" \
	www.mesh.internal. A >"$OUT" 2>&1
grep -q 'status: NOERROR' "$OUT"
ok $? "upstream reaches mesh.internal. through its stub-zone"
ip netns exec "$LAB_NS_CLI" kdig +time=2 +retry=1 +dnssec "@$LAB_UPSTREAM" \
	nothere.internal. A >"$OUT" 2>&1
grep -q 'status: NXDOMAIN' "$OUT"
ok $? "internal. does not exist in the public tree"

# --- reference validator ----------------------------------------------------
ip netns exec "$LAB_NS_CLI" kdig +time=2 +retry=1 +dnssec "@$LAB_VALIDATOR" \
	www.alg13.test. A >"$OUT" 2>&1
grep -q 'Flags: qr rd ra ad' "$OUT"
ok $? "validator sets AD on a secure answer"
ip netns exec "$LAB_NS_CLI" kdig +time=2 +retry=1 +dnssec "@$LAB_VALIDATOR" \
	www.expired.test. A >"$OUT" 2>&1
grep -q 'status: SERVFAIL' "$OUT" && grep -q 'EDE: 7' "$OUT"
ok $? "validator answers SERVFAIL with EDE 7 for expired signatures"
[ -s "$LAB_VALIDATOR_LOG" ] && grep -q 'validation failure' "$LAB_VALIDATOR_LOG"
ok $? "validator logs validation failures (val-log-level 2)"

check "lab.sh status" $LAB status

# --- restart over a running lab, then stop -----------------------------------
old_pids=$(cat "$LAB_RUN"/pids/*.pid)
$LAB start >"$OUT" 2>&1
ok $? "start over a running lab succeeds"
dead=0
for p in $old_pids; do
	kill -0 "$p" 2>/dev/null && dead=1
done
ok $dead "start stopped the previous lab's processes"

# A half-failed lab: one server already gone, stop must still clean up.
pids=$(cat "$LAB_RUN"/pids/*.pid)
kill "$(cat "$LAB_RUN/pids/knot-deep.pid")"
$LAB stop >"$OUT" 2>&1
ok $? "stop succeeds with one server already gone"
left=0
for p in $pids; do
	kill -0 "$p" 2>/dev/null && left=1
done
ok $left "stop ended every process it started"
ip netns list | grep -Eq "^($LAB_NS_LAB|$LAB_NS_FWD|$LAB_NS_CLI)( |$)"
[ $? -ne 0 ]
ok $? "stop deleted every namespace"
[ ! -e tests/lab/run ]
ok $? "stop removed the run directory"
$LAB stop >"$OUT" 2>&1
ok $? "stop is idempotent"

rm -f "$OUT"
done_testing
