#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The xdpdns CLI on the pinned maps alone, no daemon: prog attach/show/
# detach on a veth in a namespace, listen addresses, cache load/show/lookup/
# delete/flush, counters moved by real queries from the peer namespace,
# usage errors (exit 2), a missing daemon and maps of another layout (exit 1).
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
XDPDNS=${XDPDNS:-$ROOT/xdpdns}
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -x "$XDPDNS" ] || skip_all "xdpdns not built"
command -v kdig >/dev/null || skip_all "kdig missing"
command -v bpftool >/dev/null || skip_all "bpftool missing"

NS_S=xdpcli-s-$$
NS_C=xdpcli-c-$$
PIN=/sys/fs/bpf/xdpdns-test-$$
PIN_OLD=/sys/fs/bpf/xdpdns-test-old-$$
TMP=$(mktemp -d)
SRV=192.0.2.53
# A private copy: a parallel "make" relinking the binary cannot disturb us.
cp "$XDPDNS" "$TMP/xdpdns" && XDPDNS=$TMP/xdpdns
CLI_ADDR=192.0.2.1

cleanup() {
	nsenter --net=/run/netns/$NS_S "$XDPDNS" --pin-path "$PIN" prog detach vs \
		>/dev/null 2>&1
	ip netns del $NS_S 2>/dev/null
	ip netns del $NS_C 2>/dev/null
	rm -rf "$PIN" "$PIN_OLD" "$TMP"
}
trap cleanup EXIT INT TERM

# X ARGS: the CLI inside the server namespace (nsenter keeps /sys/fs/bpf).
X() {
	nsenter --net=/run/netns/$NS_S "$XDPDNS" --pin-path "$PIN" \
		--control "$TMP/no-daemon.sock" "$@"
}

# jget EXPR: evaluate a Python expression on the JSON read from stdin (j).
jget() {
	$PY -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# isjson: stdin is one valid JSON text.
isjson() {
	$PY -c 'import json,sys; json.load(sys.stdin)' >/dev/null 2>&1
}

# status CMD...: print the exit status of CMD (output kept in $TMP/out, err).
status() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	echo $?
}

mount | grep -q ' /sys/fs/bpf type bpf' || mount -t bpf bpf /sys/fs/bpf ||
	skip_all "no bpffs"
ip netns add $NS_S && ip netns add $NS_C || skip_all "cannot create namespaces"
ip -n $NS_S link add vs type veth peer name vc netns $NS_C
ip -n $NS_S addr add $SRV/24 dev vs
ip -n $NS_C addr add $CLI_ADDR/24 dev vc
ip -n $NS_S link set vs up
ip -n $NS_C link set vc up
ip -n $NS_S link set lo up

# --- prog ----------------------------------------------------------------
is "$(X -j prog show)" "null" "prog show -j before attach: null"
check "prog attach vs mode generic" X prog attach vs mode generic
X -j prog show >"$TMP/prog.json"
is "$(jget 'len(j)' <"$TMP/prog.json")" 1 "prog show: one attachment"
is "$(jget 'j[0]["interface"], j[0]["mode"], j[0]["pinned_maps"]' <"$TMP/prog.json")" \
	"('vs', 'generic', True)" "prog show: vs, generic, our pinned maps"
is "$(jget 'j[0]["prog_id"] > 0 and j[0]["loaded_seconds_ago"] < 60' <"$TMP/prog.json")" \
	True "prog show: program id, loaded just now"
X prog show | grep -q '^vs  *generic' ; ok $? "prog show: plain table"
is "$(status X prog attach vs)" 1 "prog attach twice: error"
grep -q "already attached" "$TMP/err"; ok $? "prog attach twice: says already attached"
is "$(status X prog attach vs mode turbo)" 2 "prog attach bad mode: usage error"
is "$(status X prog attach nosuchdev0)" 1 "prog attach unknown interface: error"
is "$(status nsenter --net=/run/netns/$NS_S "$XDPDNS" --pin-path "$TMP/pins" prog attach lo)" 1 \
	"prog attach with a pin path outside bpffs: error"
grep -q "not on a bpffs mount" "$TMP/err" && [ ! -e "$TMP/pins" ]
ok $? "pin path outside bpffs: clear error, nothing created"
for f in "$PIN"/xdpdns_cache "$PIN"/xdpdns_stats "$PIN"/xdpdns_info "$PIN"/xdpdns_listen; do
	[ -e "$f" ] || break
done
ok $? "maps pinned in the private pin path"

# --- listen ----------------------------------------------------------------
check "listen add $SRV" X listen add $SRV
is "$(X -j listen show | jget 'j[0]["address"], j[0]["port"]')" "('$SRV', 53)" \
	"listen show -j"
is "$(status X listen add 300.1.2.3)" 2 "listen add bad address: usage error"

# --- cache load / show / lookup ---------------------------------------------
$PY - "$TMP" <<'PYEOF'
import sys
import dns.flags, dns.message, dns.rrset
d = sys.argv[1]
def resp(name, rdtype, rrs, do=False, rcode=0, auth=()):
    q = dns.message.make_query(name, rdtype, use_edns=0 if do else -1, want_dnssec=do)
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    r.set_rcode(rcode)
    r.answer.extend(rrs)
    r.authority.extend(auth)
    return r.to_wire()
def rr(name, ttl, t, *texts):
    return dns.rrset.from_text(name, ttl, "IN", t, *texts)
open(d + "/a.bin", "wb").write(resp("www.example.com.", "A", [rr("www.example.com.", 300, "A", "192.0.2.80", "192.0.2.81")]))
open(d + "/aaaa.bin", "wb").write(resp("www.example.com.", "AAAA", [rr("www.example.com.", 600, "AAAA", "2001:db8::80")]))
open(d + "/mx.bin", "wb").write(resp("example.com.", "MX", [rr("example.com.", 300, "MX", "10 mail.example.com.")]))
open(d + "/txt.bin", "wb").write(resp("example.com.", "TXT", [rr("example.com.", 300, "TXT", '"hello world"')], do=True))
open(d + "/nx.bin", "wb").write(resp("nope.example.com.", "A", [], rcode=3,
    auth=[rr("example.com.", 900, "SOA", "ns.example.com. admin.example.com. 1 7200 3600 1209600 300")]))
open(d + "/bad.bin", "wb").write(b"\x00\x01garbage")
PYEOF
check "cache load A (secure, lifetime from TTL)" X cache load "$TMP/a.bin"
check "cache load AAAA insecure" X cache load "$TMP/aaaa.bin" insecure
check "cache load MX lifetime 100" X cache load "$TMP/mx.bin" lifetime 100
check "cache load TXT do" X cache load "$TMP/txt.bin" do
check "cache load NXDOMAIN" X cache load "$TMP/nx.bin" lifetime 300
is "$(status X cache load "$TMP/bad.bin")" 1 "cache load garbage: error"
is "$(status X cache load "$TMP/missing.bin")" 1 "cache load missing file: error"

X -j cache show >"$TMP/show.json"
isjson <"$TMP/show.json"; ok $? "cache show -j: valid JSON"
is "$(jget 'len(j)' <"$TMP/show.json")" 5 "cache show: five entries"
is "$(jget '[(e["name"], e["type"], e["do"]) for e in j]' <"$TMP/show.json")" \
	"[('example.com.', 'MX', False), ('example.com.', 'TXT', True), ('nope.example.com.', 'A', False), ('www.example.com.', 'A', False), ('www.example.com.', 'AAAA', False)]" \
	"cache show: sorted by name, type, DO"
is "$(jget '[(e["rcode"], e["state"]) for e in j if e["name"].startswith("www")]' <"$TMP/show.json")" \
	"[('NOERROR', 'secure'), ('NOERROR', 'insecure')]" "cache show: rcode and state"
is "$(jget '[e["rcode"] for e in j if e["name"].startswith("nope")][0]' <"$TMP/show.json")" \
	NXDOMAIN "cache show: NXDOMAIN entry"
is "$(jget '[(e["lifetime"], 95 <= e["ttl"] <= 100) for e in j if e["type"] == "MX"][0]' <"$TMP/show.json")" \
	"(100, True)" "cache show: lifetime and remaining TTL"
is "$(jget '[e["size"] for e in j if e["type"] == "A" and e["name"].startswith("www")][0]' <"$TMP/show.json")" \
	"$(stat -c %s "$TMP/a.bin")" "cache show: size is the message without OPT"
is "$(X -j cache show name WWW.Example.COM type aaaa | jget '[(e["name"], e["type"]) for e in j]')" \
	"[('www.example.com.', 'AAAA')]" "cache show name/type filters (any case)"
is "$(X -j cache show name nothing.example)" null "cache show: no match gives null"
X cache show >"$TMP/plain"
grep -q '^www.example.com.  *A  *no  *NOERROR  *secure ' "$TMP/plain"; ok $? "cache show: plain row"
grep -q '^5 entries' "$TMP/plain"; ok $? "cache show: plain count"

X cache lookup www.example.com A >"$TMP/plain"
ok $? "cache lookup plain"
grep -Eq '^www\.example\.com\. (29[0-9]|300) IN A 192\.0\.2\.80$' "$TMP/plain"
ok $? "cache lookup: record printed as dig does, TTL counted down"
grep -q 'ANSWER SECTION' "$TMP/plain"; ok $? "cache lookup: sections"
X -j cache lookup www.example.com A >"$TMP/lk.json"
is "$(jget 'sorted(r["rdata"] for r in j["answer"])' <"$TMP/lk.json")" \
	"['192.0.2.80', '192.0.2.81']" "cache lookup -j: answer RDATA"
is "$(jget 'j["state"], j["rcode"], j["do"]' <"$TMP/lk.json")" \
	"('secure', 'NOERROR', False)" "cache lookup -j: state, rcode, DO"
is "$(X -j cache lookup nope.example.com A | jget 'j["authority"][0]["type"], j["authority"][0]["rdata"]')" \
	"('SOA', 'ns.example.com. admin.example.com. 1 7200 3600 1209600 300')" \
	"cache lookup: negative answer's SOA"
is "$(X -j cache lookup example.com TXT do | jget 'j["answer"][0]["rdata"]')" \
	'"hello world"' "cache lookup do: the DO form"
is "$(status X cache lookup example.com TXT)" 1 "cache lookup without do: no entry (exit 1)"
grep -q 'no cache entry for example.com. TXT' "$TMP/err"; ok $? "cache lookup miss: clear error"

# --- counters moved by real queries -------------------------------------------
before=$(X -j stats 2>/dev/null | jget 'j["kernel"]["counters"]["answered"], j["kernel"]["counters"]["pass_miss"]')
ans=$(nsenter --net=/run/netns/$NS_C kdig +short +notcp +timeout=2 +retry=0 @$SRV www.example.com A 2>/dev/null | sort | tr '\n' ' ')
is "$ans" "192.0.2.80 192.0.2.81 " "a cached name is answered by XDP"
nsenter --net=/run/netns/$NS_C kdig +notcp +timeout=1 +retry=0 @$SRV other.example.com A >/dev/null 2>&1
X -j stats >"$TMP/stats.json" 2>/dev/null
after=$(jget 'j["kernel"]["counters"]["answered"], j["kernel"]["counters"]["pass_miss"]' <"$TMP/stats.json")
is "$($PY -c "b=$before; a=$after; print(a[0]-b[0], a[1]-b[1])")" "1 1" \
	"stats: answered and pass_miss each moved by one"
is "$(jget 'j["daemon"]' <"$TMP/stats.json")" None "stats -j: daemon null without a daemon"
is "$(jget 'j["kernel"]["hit_ratio"] == j["kernel"]["counters"]["answered"] / j["kernel"]["counters"]["ours"]' <"$TMP/stats.json")" \
	True "stats: hit ratio is answered / ours"
X stats >"$TMP/plain" 2>"$TMP/err"
ok $? "stats without a daemon: still exit 0"
grep -q 'daemon is not running' "$TMP/err"; ok $? "stats: missing daemon reported on stderr"
is "$(wc -l <"$TMP/err")" 1 "stats: one line on stderr"
grep -q 'hit_ratio' "$TMP/plain" && grep -q 'miss' "$TMP/plain"; ok $? "stats plain: ratio and reasons"
X -j stats per-cpu >"$TMP/pc.json" 2>/dev/null
is "$(jget 'sum(c["answered"] for c in j["kernel"]["per_cpu"]) == j["kernel"]["counters"]["answered"]' <"$TMP/pc.json")" \
	True "stats per-cpu: per-CPU values add up to the sums"
X -j stats watch interval 1 count 2 >"$TMP/watch.json"
is "$(jget 'len(j), sorted(j[0]["rates"])[0], j[1]["sample"]' <"$TMP/watch.json")" \
	"(2, 'answered', 2)" "stats watch -j count 2: two samples with rates"
X stats watch count 1 >"$TMP/plain"
grep -q 'per second' "$TMP/plain" && ! grep -q "$(printf '\033')" "$TMP/plain"
ok $? "stats watch: plain, no screen clearing when not a TTY"

# --- an expired entry ---------------------------------------------------------------
X cache load "$TMP/aaaa.bin" lifetime 1 >/dev/null
sleep 2
is "$(X -j cache show name www.example.com type AAAA | jget 'j[0]["expired"], j[0]["ttl"], j[0]["lifetime"]')" \
	"(True, 0, 1)" "cache show: an expired entry says so"
X cache show name www.example.com type AAAA | grep -q ' expired$'; ok $? "cache show plain: expired"
is "$(X -j cache lookup www.example.com AAAA | jget 'j["expired"], j["answer"][0]["ttl"]')" \
	"(True, 599)" "cache lookup: TTLs counted down by the whole lifetime"
b=$(X -j stats 2>/dev/null | jget 'j["kernel"]["counters"]["pass_expired"]')
nsenter --net=/run/netns/$NS_C kdig +notcp +timeout=1 +retry=0 @$SRV www.example.com AAAA >/dev/null 2>&1
a=$(X -j stats 2>/dev/null | jget 'j["kernel"]["counters"]["pass_expired"]')
is "$((a - b))" 1 "stats: a query for it moves pass_expired"
X cache load "$TMP/aaaa.bin" insecure >/dev/null

# --- delete / flush -------------------------------------------------------------
is "$(X -j cache delete www.example.com A | jget 'j["deleted"]')" 1 "cache delete NAME TYPE"
is "$(X -j cache show name www.example.com | jget '[e["type"] for e in j]')" "['AAAA']" \
	"cache delete: only that type went"
X cache load "$TMP/a.bin" >/dev/null
X cache load "$TMP/a.bin" do >/dev/null
is "$(X -j cache delete www.example.com | jget 'j["deleted"]')" 3 \
	"cache delete NAME: every type and both DO forms"
is "$(status X cache delete www.example.com)" 1 "cache delete of nothing: error"
is "$(X -j cache flush | jget 'j["deleted"]')" 3 "cache flush: the rest"
is "$(X -j cache show)" null "cache show after flush: null"

# --- usage errors, JSON errors ------------------------------------------------------
is "$(status X frobnicate)" 2 "unknown object: exit 2"
grep -q "unknown object 'frobnicate'" "$TMP/err"; ok $? "unknown object: clear error"
is "$(status X cache frob)" 2 "unknown command: exit 2"
is "$(status X cache lookup www.example.com NOTATYPE)" 2 "unknown record type: exit 2"
is "$(status X cache lookup "$(printf 'a%.0s' $(seq 70)).com" A)" 2 "bad name (label > 63): exit 2"
is "$(status X stats watch interval zero)" 2 "bad number: exit 2"
is "$(status X c l)" 2 "ambiguous prefix: exit 2"
grep -q "ambiguous" "$TMP/err"; ok $? "ambiguous prefix: says so"
is "$(X -j cache frob 2>/dev/null | jget 'list(j)')" "['error']" "-j usage error: {\"error\": ...}"
is "$(X -j c s)" null "prefixes: c s is cache show"
for o in cache stats prog listen anchor nta zone; do
	X $o help >/dev/null 2>&1 || break
done
ok $? "help at every object"
is "$(X -j help)" null "help -j: null"

# --- daemon missing --------------------------------------------------------------
is "$(status X nta list)" 1 "nta list without a daemon: exit 1"
grep -q 'daemon is not running' "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ]
ok $? "missing daemon: one clear line"
is "$(status X cache show user)" 1 "cache show user without a daemon: exit 1"
is "$(X -j anchor list 2>/dev/null | jget 'list(j)')" "['error']" "anchor list -j: error object"

# --- another layout version ---------------------------------------------------------
mkdir "$PIN_OLD"
for m in xdpdns_cache xdpdns_listen xdpdns_stats; do
	bpftool map pin pinned "$PIN/$m" "$PIN_OLD/$m"
done
bpftool map create "$PIN_OLD/xdpdns_info" type array key 4 value 24 entries 1 name xdpdns_info
# layout_version 99, key 16, entry 1456, pad 0, seed 0
bpftool map update pinned "$PIN_OLD/xdpdns_info" key 0 0 0 0 \
	value 99 0 0 0 16 0 0 0 0xb0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0
is "$(status nsenter --net=/run/netns/$NS_S "$XDPDNS" --pin-path "$PIN_OLD" cache show)" 1 \
	"maps of another layout: refused"
grep -q "another layout version" "$TMP/err"; ok $? "another layout: clear error"
is "$(status nsenter --net=/run/netns/$NS_S "$XDPDNS" --pin-path "$PIN_OLD" stats)" 1 \
	"stats on another layout: refused"
ip -n $NS_S link add vs2 type veth peer name vc2
is "$(status nsenter --net=/run/netns/$NS_S "$XDPDNS" --pin-path "$PIN_OLD" prog attach vs2)" 1 \
	"prog attach onto maps of another layout: refused"

# --- detach -----------------------------------------------------------------------
check "prog detach vs" X prog detach vs
is "$(X -j prog show)" null "prog show after detach: null"
is "$(status X prog detach vs)" 1 "prog detach again: error"

# --- two attaches at once: the pin directory lock lets one win ------------------
X prog attach vs mode generic >/dev/null 2>&1 &
p1=$!
X prog attach vs mode generic >/dev/null 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$((r1 + r2))" 1 "concurrent prog attach: exactly one succeeds"
is "$(X -j prog show vs | jget 'len(j)')" 1 "concurrent prog attach: one program on vs"
check "prog detach vs after the race" X prog detach vs

# --- native mode: XDP_TX on a veth needs XDP on the peer (DESIGN.md) ---------
PASS_OBJ=$ROOT/${OUTPUT:-.output}/bpf/xdp_pass.bpf.o
if [ -f "$PASS_OBJ" ] && ip -n $NS_C link set dev vc xdpdrv obj "$PASS_OBJ" sec xdp 2>/dev/null; then
	check "prog attach vs mode native (maps reused)" X prog attach vs mode native
	is "$(X -j prog show vs | jget 'j[0]["mode"], j[0]["pinned_maps"]')" "('native', True)" \
		"prog show: native mode on the same pinned maps"
	is "$(X -j listen show | jget 'len(j)')" 1 "listen addresses kept in the pinned map"
	X cache load "$TMP/a.bin" >/dev/null
	ans=$(nsenter --net=/run/netns/$NS_C kdig +short +notcp +timeout=2 +retry=0 @$SRV www.example.com A 2>/dev/null | sort | tr '\n' ' ')
	is "$ans" "192.0.2.80 192.0.2.81 " "native mode: answered by XDP (pass program on the peer)"
	check "prog detach vs (native)" X prog detach vs
	ip -n $NS_C link set dev vc xdpdrv off
else
	diag "no pass program for the peer: native mode not checked"
fi

done_testing
