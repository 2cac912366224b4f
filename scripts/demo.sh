#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: brings up the signed DNS lab and shows real answers from the
# reference validator, one section per kind of answer. Sections are plain
# shell functions so that later parts (xdpdnsd with XDP) slot in as more.
set -eu
cd "$(dirname "$0")/.."

LAB=tests/lab/lab.sh

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces); try: sudo make demo" >&2
	exit 1
fi

section() {
	printf '\n==== %s ====\n' "$*"
}

# ask SERVER ARGS...: show a kdig query from the client namespace and the
# interesting parts of its answer.
ask() {
	server=$1
	shift
	echo "\$ kdig @$server $*"
	ip netns exec "$LAB_NS_CLI" kdig +time=3 +retry=1 "@$server" "$@" |
		grep -Ev '^;; (Received|Time|From)|^$|PSEUDOSECTION|QUESTION SECTION' |
		sed 's/^/    /' || true
}

demo_start_lab() {
	section "Start the lab (namespaces, signed hierarchy, knotd, unbound)"
	# Wait for any lab test to finish: one lab at a time on a machine.
	exec 9>/tmp/xdpdns-lab.lock
	flock -w 900 9 || { echo "demo: lab lock busy" >&2; exit 1; }
	trap '$LAB stop >/dev/null 2>&1 || true' EXIT
	trap 'exit 1' INT TERM HUP PIPE
	start_out=$($LAB start 2>&1)
	echo "$start_out"
	. tests/lab/run/env.sh
	cat <<EOF
namespaces : $LAB_NS_CLI ($LAB_VETH_CLI4) -> $LAB_NS_FWD ($LAB_VETH_FWDC4 | $LAB_VETH_FWD4) -> $LAB_NS_LAB ($LAB_VETH_LAB4)
servers    : knotd root $LAB_AUTH_ROOT, TLD $LAB_AUTH_TLD, zones $LAB_AUTH_SLD and $LAB_AUTH_DEEP
             upstream unbound (iterator only) $LAB_UPSTREAM
             reference unbound (validator)    $LAB_VALIDATOR
anchors    : $LAB_ANCHOR_DS, private: $LAB_MESH_DS
EOF
	echo "root anchor: $(cat "$LAB_ANCHOR_DS")"
}

demo_secure() {
	section "Secure answer: AD set (ECDSA P-256 zone, chain from the lab root)"
	ask "$LAB_VALIDATOR" +dnssec www.alg13.test. A
}

demo_insecure() {
	section "Insecure answer: provably unsigned delegation, no AD"
	ask "$LAB_VALIDATOR" +dnssec www.insecure.test. A
}

demo_bogus() {
	section "Bogus answer: expired signatures, SERVFAIL with an Extended DNS Error"
	ask "$LAB_VALIDATOR" +dnssec www.expired.test. A
	section "Same query with CD=1: the unvalidated data, no AD"
	ask "$LAB_VALIDATOR" +dnssec +cdflag www.expired.test. A
}

demo_nxdomain_nsec3() {
	section "NXDOMAIN proven by NSEC3 (0 iterations, no salt)"
	ask "$LAB_VALIDATOR" +dnssec nx.nsec3zero.test. A
}

demo_private_anchor() {
	section "Private anchor: mesh.internal. has no DS in any public parent"
	ask "$LAB_VALIDATOR" +dnssec www.mesh.internal. A
}

# --- xdpdnsd with its XDP fast path -------------------------------------------
# The daemon runs in the forwarder namespace (entered with nsenter, not
# "ip netns exec", so that it sees /sys/fs/bpf), listens on the address
# the clients see, and attaches xdp_dns to the veth towards them. Maps go
# to a pin directory of the demo's own, removed at the end.
PIN=/sys/fs/bpf/xdpdns-demo
DEMO_RUN=/run/xdpdns-demo
CTL=$DEMO_RUN/control.sock
METRICS_PORT=9953
DAEMON_PID=

demo_cleanup() {
	if [ -n "$DAEMON_PID" ]; then
		kill "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	rm -rf "$PIN" "$DEMO_RUN"
	$LAB stop >/dev/null 2>&1 || true
}

# X ARGS: the xdpdns CLI beside the daemon.
X() {
	nsenter --net="/run/netns/$LAB_NS_FWD" ./xdpdns --pin-path "$PIN" --control "$CTL" "$@"
}

# counters: the XDP program's answers and the queries the daemon's sockets saw.
counters() {
	X -j stats | /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
k = j["kernel"]["counters"] if j.get("kernel") else {}
d = j["daemon"]["queries"] if j.get("daemon") else {}
print("    counters: xdp answered=%s passed-up(miss)=%s | daemon udp queries=%s"
      % (k.get("answered"), k.get("pass_miss"), d.get("udp")))'
}

demo_xdpdnsd_start() {
	section "Start xdpdnsd in $LAB_NS_FWD: XDP on $LAB_VETH_FWDC (generic), upstream $LAB_UPSTREAM"
	srv=${LAB_VETH_FWDC4%/*}
	rm -rf "$PIN" "$DEMO_RUN"
	mkdir -p "$DEMO_RUN"
	trap 'demo_cleanup' EXIT
	set -- --listen "$srv" --upstream "$LAB_UPSTREAM" \
		--trust-anchor "$LAB_ANCHOR_DS" --trust-anchor "$LAB_MESH_DS" \
		--interface "$LAB_VETH_FWDC" --xdp-mode generic \
		--pin-path "$PIN" --control-socket "$CTL" \
		--metrics "127.0.0.1:$METRICS_PORT" --audit-log "$DEMO_RUN/audit.jsonl"
	echo "\$ nsenter --net=/run/netns/$LAB_NS_FWD xdpdnsd $*"
	nsenter --net="/run/netns/$LAB_NS_FWD" ./xdpdnsd "$@" >"$DEMO_RUN/xdpdnsd.log" 2>&1 &
	DAEMON_PID=$!
	i=0
	until X -j stats 2>/dev/null | grep -q '"daemon":{'; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			echo "demo: xdpdnsd did not start:" >&2
			cat "$DEMO_RUN/xdpdnsd.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	sed 's/^/    /' "$DEMO_RUN/xdpdnsd.log"
	echo "\$ xdpdns prog show"
	X prog show | sed 's/^/    /'
	SRV=$srv
}

demo_xdp_hit() {
	section "First query: not in the kernel cache, the daemon validates, answers, refills"
	counters
	ask "$SRV" +dnssec www.alg13.test. A
	counters
	section "Same query again: answered by XDP (answered moves, the daemon's counter does not)"
	ask "$SRV" +dnssec www.alg13.test. A
	counters
}

demo_xdp_bogus() {
	section "Bogus name through xdpdnsd: SERVFAIL with its Extended DNS Error, never cached in the kernel"
	ask "$SRV" +dnssec www.expired.test. A
}

demo_xdp_insecure() {
	section "Insecure answer through xdpdnsd (no AD), then again from XDP"
	ask "$SRV" +dnssec www.insecure.test. A
	counters
	ask "$SRV" +dnssec www.insecure.test. A
	counters
}

demo_xdp_summary() {
	section "xdpdns stats"
	X stats | sed 's/^/    /'
	section "xdpdns cache show (the kernel cache)"
	X cache show | sed 's/^/    /'
}

# http_get PATH: the body of a GET to the daemon's metrics endpoint.
http_get() {
	nsenter --net="/run/netns/$LAB_NS_FWD" /usr/bin/python3 -c '
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode(), end="")
except Exception as e:
    print("(%s)" % e)' "http://127.0.0.1:$METRICS_PORT$1"
}

# The DNSSEC health the daemon has seen: zones with their signatures'
# time left, an excerpt of the Prometheus scrape, and the audit log.
demo_health() {
	section "A child that publishes CDS: the daemon compares it with the parent's DS"
	ask "$SRV" +dnssec cds.test. CDS
	section "xdpdns zone list (zones validated through, earliest signature expiry)"
	X zone list | sed 's/^/    /'
	section "xdpdns zone show alg13.test."
	X zone show alg13.test. | sed 's/^/    /'
	section "Scrape of http://127.0.0.1:$METRICS_PORT/metrics (excerpt)"
	http_get "/metrics" |
		grep -E '^xdpdns_(requests_total|cache_hits_total|validation_total|ede_total|zone_signature_expiry_seconds|xdp_)' |
		head -n 40 | sed 's/^/    /'
	echo "GET /readyz: $(http_get /readyz)"
	section "Audit log $DEMO_RUN/audit.jsonl (first lines)"
	head -n 8 "$DEMO_RUN/audit.jsonl" | sed 's/^/    /'
}

# A proof pack of a validated answer, checked offline against the anchor.
demo_proof() {
	pack="$DEMO_RUN/www.alg13.test.pack"
	section "Proof pack: xdpdns proof www.alg13.test A, verified offline from the root anchor"
	X proof www.alg13.test A -o "$pack" || true
	cut -c1-110 "$pack" | head -n 22 | sed 's/^/    /'
	echo "    ..."
	echo "\$ xdpdns-proof-verify -a root.ds $(basename "$pack")"
	tools/proof-verify/xdpdns-proof-verify -a "$LAB_ANCHOR_DS" "$pack" | sed 's/^/    /'
}

# quiet NAME: one query from the client namespace, the answer not shown.
quiet() {
	ip netns exec "$LAB_NS_CLI" kdig +time=3 +retry=1 +dnssec "@$SRV" "$1" A >/dev/null 2>&1 || true
}

# A double-signature KSK rollover of keyroll.test. (TTLs of 2 s) while
# the daemon answers for it: the audit log records each step.
demo_rollover() {
	section "A KSK rollover in the lab (new KSK, DS replaced at test., old KSK retired)"
	quiet www.keyroll.test.
	for step in rollover-publish rollover-ds rollover-retire; do
		echo "\$ tests/lab/lab.sh event $step keyroll.test."
		$LAB event "$step" keyroll.test. >/dev/null
		sleep 3
		quiet www.keyroll.test.
	done
	echo "audit log lines for keyroll.test. (tags added and removed):"
	grep '"zone":"keyroll.test."' "$DEMO_RUN/audit.jsonl" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    tags = lambda k: ",".join(str(x["tag"]) for x in (e.get(k) or []) if isinstance(x, dict))
    print("    %s %-18s added [%s] removed [%s]" % (e["time"], e["kind"], tags("added"), tags("removed")))'
	ask "$SRV" +dnssec www.keyroll.test. A
}

demo_start_lab
demo_secure
demo_insecure
demo_bogus
demo_nxdomain_nsec3
demo_private_anchor
demo_xdpdnsd_start
demo_xdp_hit
demo_xdp_bogus
demo_xdp_insecure
demo_xdp_summary
demo_rollover
demo_health
demo_proof

section "Lab start time"
echo "$start_out" | grep 'started in'
section "Stop xdpdnsd and the lab"
kill "$DAEMON_PID"
wait "$DAEMON_PID" || true
DAEMON_PID=
tail -n 3 "$DEMO_RUN/xdpdnsd.log" | sed 's/^/    /'
rm -rf "$PIN" "$DEMO_RUN"
$LAB stop
trap - EXIT INT TERM HUP PIPE
echo "lab stopped: xdpdnsd, namespaces and processes removed, pins deleted"
