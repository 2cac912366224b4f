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

demo_start_lab
demo_secure
demo_insecure
demo_bogus
demo_nxdomain_nsec3
demo_private_anchor

section "Lab start time"
echo "$start_out" | grep 'started in'
section "Stop the lab"
$LAB stop
trap - EXIT INT TERM HUP PIPE
echo "lab stopped: namespaces and processes removed"
