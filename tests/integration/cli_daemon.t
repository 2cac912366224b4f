#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The xdpdns CLI against a running xdpdnsd: stats with the daemon's
# counters, cache show user, and the control-socket objects (anchor, nta,
# zone) of a daemon that validates nothing (the lab runs them validating:
# daemon_trust.t).
# The daemon runs in a private namespace with a fake upstream; no XDP here.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
XDPDNS=${XDPDNS:-$ROOT/xdpdns}
XDPDNSD=${XDPDNSD:-$ROOT/xdpdnsd}
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -x "$XDPDNS" ] || skip_all "xdpdns not built"
[ -x "$XDPDNSD" ] || skip_all "xdpdnsd not built"
command -v kdig >/dev/null || skip_all "kdig missing"

NS=xdpcli-d-$$
TMP=$(mktemp -d)
CTL=$TMP/control.sock
# A private copy: a parallel "make" relinking the binary cannot disturb us.
cp "$XDPDNS" "$TMP/xdpdns" && XDPDNS=$TMP/xdpdns
cp "$XDPDNSD" "$TMP/xdpdnsd" && XDPDNSD=$TMP/xdpdnsd
UP_PID=
D_PID=

cleanup() {
	[ -n "$D_PID" ] && kill "$D_PID" 2>/dev/null && wait "$D_PID" 2>/dev/null
	[ -n "$UP_PID" ] && kill "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
	ip netns del $NS 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

N() { nsenter --net=/run/netns/$NS "$@"; }
X() { "$XDPDNS" --control "$CTL" --pin-path "$TMP/no-maps" "$@"; }
jget() {
	$PY -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
status() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	echo $?
}

ip netns add $NS || skip_all "cannot create a namespace"
ip -n $NS link set lo up

# A fake upstream: every A question gets 192.0.2.1 (TTL 300); bounded to
# two minutes so that it never outlives the test.
cat >"$TMP/upstream.py" <<'PYEOF'
import socket, sys, time
import dns.flags, dns.message, dns.rrset, dns.rdatatype
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 53))
s.settimeout(1)
open(sys.argv[1], "w").close()	# bound: the test may go on
end = time.time() + 120
while time.time() < end:
    try:
        data, peer = s.recvfrom(4096)
    except socket.timeout:
        continue
    try:
        q = dns.message.from_wire(data)
    except Exception:
        continue
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    qn = q.question[0]
    if qn.rdtype == dns.rdatatype.A:
        r.answer.append(dns.rrset.from_text(qn.name, 300, "IN", "A", "192.0.2.1"))
    s.sendto(r.to_wire(), peer)
PYEOF
# nsenter directly (not through a function) so that $! is the process.
nsenter --net=/run/netns/$NS $PY "$TMP/upstream.py" "$TMP/upstream.ready" &
UP_PID=$!
for i in $(seq 100); do
	[ -e "$TMP/upstream.ready" ] && break
	sleep 0.1
done
[ -e "$TMP/upstream.ready" ] || skip_all "the fake upstream did not start"
nsenter --net=/run/netns/$NS "$XDPDNSD" --listen 127.0.0.53 --upstream 127.0.0.2 --control-socket "$CTL" --no-validation \
	--workers 1 >"$TMP/daemon.log" 2>&1 &
D_PID=$!

# Up when "stats" shows the daemon's counters (bounded: 10 s).
up=1
for i in $(seq 100); do
	if X -j stats 2>/dev/null | jget 'j["daemon"] is not None' 2>/dev/null | grep -q True; then
		up=0
		break
	fi
	kill -0 $D_PID 2>/dev/null || break
	sleep 0.1
done
[ $up = 0 ] || { sed 's/^/# /' "$TMP/daemon.log"; skip_all "xdpdnsd did not start"; }

ans=$(N kdig +short +notcp +timeout=3 +retry=1 @127.0.0.53 www.example.com A 2>/dev/null)
is "$ans" "192.0.2.1" "the daemon answers through the fake upstream"

# --- stats: the daemon's counters (no kernel maps here) ---------------------------
X -j stats >"$TMP/stats.json" 2>"$TMP/err"
ok $? "stats without pinned maps but with the daemon: exit 0"
grep -q "no xdpdns maps pinned" "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ]
ok $? "stats: one line says the kernel maps are missing"
is "$(jget 'j["kernel"], j["daemon"]["queries"]["udp"] >= 1' <"$TMP/stats.json")" "(None, True)" \
	"stats -j: kernel null, the daemon's query counters"
is "$(jget 'sorted(k for k in ("queries", "answers", "cache", "upstreams") if k in j["daemon"])' <"$TMP/stats.json")" \
	"['answers', 'cache', 'queries', 'upstreams']" "stats -j: the daemon's sections as it returns them"
X stats >"$TMP/plain" 2>/dev/null
grep -q '^daemon:' "$TMP/plain" && grep -q 'NOERROR: [1-9]' "$TMP/plain"
ok $? "stats plain: daemon counters (answers by rcode)"

# --- stats watch: the daemon's rates -----------------------------------------------
X -j stats watch interval 2 count 1 >"$TMP/watch.json" 2>"$TMP/watch.err" &
W_PID=$!
sleep 0.5
for i in 1 2 3; do
	N kdig +short +notcp +timeout=1 +retry=0 @127.0.0.53 w$i.example.com A >/dev/null 2>&1
done
wait $W_PID
ok $? "stats watch with the daemon only: exit 0"
is "$(jget 'len(j), j[0]["rates"], j[0]["counters"], round(j[0]["daemon_rates"]["queries_udp"] * j[0]["interval"])' <"$TMP/watch.json")" \
	"(1, None, None, 3)" "stats watch -j: three queries in the interval, kernel part null"
X stats watch count 1 >"$TMP/plain" 2>/dev/null
grep -q '^xdpdnsd:' "$TMP/plain" && grep -q 'queries_udp' "$TMP/plain"
ok $? "stats watch plain: the daemon's rates"

# --- cache show user -------------------------------------------------------------
X -j cache show user >"$TMP/user.json"
ok $? "cache show user -j: exit 0"
is "$(jget '[(e["name"], e["type"]) for e in j if e["name"] == "www.example.com."]' <"$TMP/user.json")" \
	"[('www.example.com.', 'A')]" "cache show user: the resolved name is in the daemon's cache"
is "$(X -j cache show user name WWW.EXAMPLE.COM type a | jget 'len(j)')" 1 \
	"cache show user: name and type filters"
is "$(X -j cache show user type MX)" null "cache show user: nothing of that type is null"
X cache show user >"$TMP/plain"
grep -q 'name www.example.com.  type A' "$TMP/plain"; ok $? "cache show user: plain rows"

# --- anchor, nta, zone through the daemon (it validates nothing here) ---------------
is "$(X -j anchor list)" null "anchor list -j: no anchor configured is null"
is "$(status X anchor list)" 0 "anchor list: exit 0"
grep -q "no trust anchors" "$TMP/out"; ok $? "anchor list plain: says there are none"
is "$(status X -j anchor remove example.com)" 1 "anchor remove without validation: exit 1"
jget 'j["error"]' <"$TMP/out" | grep -q "does not validate"
ok $? "anchor remove: the daemon says it does not validate"
is "$(status X -j anchor add example.com ds 12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE)" 1 \
	"anchor add without validation: exit 1"
is "$(X -j nta add test.example ttl 60 | jget '(j["name"], j["ttl"])')" "('test.example.', 60)" \
	"nta add test.example ttl 60"
is "$(X -j nta list | jget '[(n["name"], n["source"], 55 <= n["remaining"] <= 60) for n in j["ntas"]]')" \
	"[('test.example.', 'runtime', True)]" "nta list: the NTA with its time left"
X nta list >"$TMP/plain" 2>&1
grep -q "test.example." "$TMP/plain"; ok $? "nta list plain: the name"
is "$(X -j nta add test.example | jget 'j["ttl"]')" 3600 "nta add without ttl: the default, an hour"
is "$(status X -j nta add test.example ttl 604801)" 2 "nta add ttl above a week: usage error"
is "$(X -j nta remove test.example | jget 'j["removed"]')" True "nta remove test.example"
is "$(X -j nta list)" null "nta list: none left is null"
is "$(status X -j nta remove test.example)" 1 "nta remove of nothing: exit 1"
jget 'j["error"]' <"$TMP/out" | grep -q "no runtime negative trust anchor"
ok $? "nta remove of nothing: a clear error"
is "$(X -j zone list)" null "zone list: nothing validated, null"
is "$(status X -j zone show example.com)" 1 "zone show of an unknown zone: exit 1"
jget 'j["error"]' <"$TMP/out" | grep -q "not in the inventory"
ok $? "zone show: says it is not in the inventory"
is "$(status X nta add 'bad..name')" 2 "nta add bad name: usage error, nothing sent"
is "$(status X anchor add example.com cds 1 2 3)" 2 "anchor add unknown type: usage error"

# --- the daemon goes away ----------------------------------------------------------------
kill "$D_PID"
wait "$D_PID" 2>/dev/null
D_PID=
# A daemon that died without unlinking leaves a socket nobody answers on.
is "$(status X cache show user)" 1 "daemon stopped: cache show user exits 1"
grep -q "daemon is not running" "$TMP/err"; ok $? "daemon stopped: clear error"
is "$(status X stats watch count 1)" 1 "daemon stopped, no maps: stats watch exits 1"
is "$(status X stats)" 1 "daemon stopped, no maps: stats exits 1"
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "no xdpdns maps pinned.*and the daemon is not running" "$TMP/err"
ok $? "stats with nothing to read: one line naming both"

done_testing
