#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The signed DNS lab: namespaces, veths, a signed hierarchy served by knotd,
# an iterating upstream unbound and a validating reference unbound.
#
#   tests/lab/lab.sh start    stop any leftover lab, then bring it all up
#   tests/lab/lab.sh stop     kill what start launched, delete namespaces
#   tests/lab/lab.sh status   show namespaces, processes, a probe query
#   tests/lab/lab.sh event ACTION ZONE [SECONDS]
#                             change a zone of the running lab (KSK rollover
#                             steps, CDS mismatch, signatures expiring soon:
#                             see mkzones.py run_event()), reload its knotd
#
# Everything it writes lives in tests/lab/run/ (git-ignored); other tests
# read the layout from tests/lab/run/env.sh.
set -eu

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
RUN=$LAB_DIR/run
PIDS=$RUN/pids
PY=/usr/bin/python3

# --- network plan (other areas depend on these values) --------------------
NS_LAB=xdpdns-lab
NS_FWD=xdpdns-fwd
NS_CLI=xdpdns-cli
AUTH_ROOT=198.18.0.1
AUTH_TLD=198.18.0.2
AUTH_SLD=198.18.0.3
AUTH_DEEP=198.18.0.4
UPSTREAM=198.18.0.53
VALIDATOR=198.18.0.54
LAB_VETH=xl-lab
FWD_VETH=xl-fwd
FWDC_VETH=xl-fwdc
CLI_VETH=xl-cli
LAB_VETH4=198.18.1.1
FWD_VETH4=198.18.1.2
LAB_VETH6=fd53:1::1
FWD_VETH6=fd53:1::2
FWDC_VETH4=198.18.2.1
CLI_VETH4=198.18.2.2
FWDC_VETH6=fd53:2::1
CLI_VETH6=fd53:2::2
KNOT_LEVELS="root tld sld deep"

log() {
	echo "lab: $*" >&2
}

die() {
	log "error: $*"
	# Show what the servers said before the failed start is cleaned up.
	for f in "$RUN"/*.out "$RUN"/*/unbound.log "$RUN"/*/knot.log; do
		[ -s "$f" ] || continue
		log "--- $f"
		tail -n 15 "$f" >&2
	done
	exit 1
}

in_lab() {
	ip netns exec "$NS_LAB" "$@"
}

# --- stop -----------------------------------------------------------------

# pid_is_ours PIDFILE: the PID in the file is alive and still runs the
# command recorded next to it (a recycled PID is left alone).
pid_is_ours() {
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	want=$(cat "${1%.pid}.comm" 2>/dev/null) || return 1
	have=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	# Between fork and exec the child is still "ip" (netns exec).
	[ "$want" = "$have" ] || [ "$have" = ip ]
}

lab_stop() {
	if [ -d "$PIDS" ]; then
		for f in "$PIDS"/*.pid; do
			[ -f "$f" ] || continue
			if pid_is_ours "$f"; then
				kill "$(cat "$f")" 2>/dev/null || true
			fi
		done
		# Bounded wait, then SIGKILL whatever is left of ours.
		i=0
		while [ $i -lt 50 ]; do
			alive=0
			for f in "$PIDS"/*.pid; do
				[ -f "$f" ] || continue
				pid_is_ours "$f" && alive=1
			done
			[ $alive -eq 0 ] && break
			sleep 0.1
			i=$((i + 1))
		done
		for f in "$PIDS"/*.pid; do
			[ -f "$f" ] || continue
			if pid_is_ours "$f"; then
				log "killing $(cat "$f") with SIGKILL"
				kill -9 "$(cat "$f")" 2>/dev/null || true
			fi
		done
	fi
	for ns in "$NS_CLI" "$NS_FWD" "$NS_LAB"; do
		if ip netns list | grep -qw "^$ns"; then
			ip netns del "$ns" 2>/dev/null || log "cannot delete $ns"
		fi
	done
	rm -rf "$RUN"
}

# --- start ----------------------------------------------------------------

setup_net() {
	for ns in "$NS_LAB" "$NS_FWD" "$NS_CLI"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	for a in $AUTH_ROOT $AUTH_TLD $AUTH_SLD $AUTH_DEEP $UPSTREAM \
		$VALIDATOR; do
		ip -n "$NS_LAB" addr add "$a/32" dev lo
	done

	ip link add "$LAB_VETH" netns "$NS_LAB" type veth \
		peer name "$FWD_VETH" netns "$NS_FWD"
	ip link add "$FWDC_VETH" netns "$NS_FWD" type veth \
		peer name "$CLI_VETH" netns "$NS_CLI"

	ip -n "$NS_LAB" addr add "$LAB_VETH4/24" dev "$LAB_VETH"
	ip -n "$NS_LAB" addr add "$LAB_VETH6/64" dev "$LAB_VETH" nodad
	ip -n "$NS_FWD" addr add "$FWD_VETH4/24" dev "$FWD_VETH"
	ip -n "$NS_FWD" addr add "$FWD_VETH6/64" dev "$FWD_VETH" nodad
	ip -n "$NS_FWD" addr add "$FWDC_VETH4/24" dev "$FWDC_VETH"
	ip -n "$NS_FWD" addr add "$FWDC_VETH6/64" dev "$FWDC_VETH" nodad
	ip -n "$NS_CLI" addr add "$CLI_VETH4/24" dev "$CLI_VETH"
	ip -n "$NS_CLI" addr add "$CLI_VETH6/64" dev "$CLI_VETH" nodad
	for l in "$NS_LAB:$LAB_VETH" "$NS_FWD:$FWD_VETH" "$NS_FWD:$FWDC_VETH" \
		"$NS_CLI:$CLI_VETH"; do
		ip -n "${l%%:*}" link set "${l#*:}" up
	done

	# The forwarder namespace reaches the servers through the lab veth;
	# clients reach everything through the forwarder namespace, which
	# routes (so transit DNS to the lab servers works too).
	ip -n "$NS_FWD" route add 198.18.0.0/24 via "$LAB_VETH4"
	ip -n "$NS_LAB" route add 198.18.2.0/24 via "$FWD_VETH4"
	ip -n "$NS_LAB" -6 route add fd53:2::/64 via "$FWD_VETH6"
	ip -n "$NS_CLI" route add 198.18.0.0/16 via "$FWDC_VETH4"
	ip -n "$NS_CLI" -6 route add fd53::/16 via "$FWDC_VETH6"
	ip netns exec "$NS_FWD" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$NS_FWD" sysctl -qw net.ipv6.conf.all.forwarding=1
}

# launch NAME CMD...: start CMD in the lab namespace in the background and
# record its PID and command name (ip netns exec execs CMD in place).
launch() {
	name=$1
	shift
	# fd 9 may hold a test's lab lock: the daemons must not keep it.
	ip netns exec "$NS_LAB" "$@" >"$RUN/$name.out" 2>&1 9>&- &
	echo $! >"$PIDS/$name.pid"
	basename "$1" | cut -c1-15 >"$PIDS/$name.comm"
}

# wait_dns ADDR NAME TYPE: until ADDR answers (bounded, about 10 s).
wait_dns() {
	i=0
	while [ $i -lt 100 ]; do
		if in_lab kdig +time=1 +retry=0 "@$1" "$2" "$3" \
			2>/dev/null | grep -q 'status: NOERROR'; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

write_env() {
	cat >"$RUN/env.sh" <<EOF
# Generated by tests/lab/lab.sh start; source it: . tests/lab/run/env.sh
LAB_RUN=$RUN
LAB_NS_LAB=$NS_LAB
LAB_NS_FWD=$NS_FWD
LAB_NS_CLI=$NS_CLI
LAB_AUTH_ROOT=$AUTH_ROOT
LAB_AUTH_TLD=$AUTH_TLD
LAB_AUTH_SLD=$AUTH_SLD
LAB_AUTH_DEEP=$AUTH_DEEP
LAB_UPSTREAM=$UPSTREAM
LAB_VALIDATOR=$VALIDATOR
LAB_PORT=53
LAB_VETH_LAB=$LAB_VETH
LAB_VETH_FWD=$FWD_VETH
LAB_VETH_FWDC=$FWDC_VETH
LAB_VETH_CLI=$CLI_VETH
LAB_VETH_LAB4=$LAB_VETH4
LAB_VETH_LAB6=$LAB_VETH6
LAB_VETH_FWD4=$FWD_VETH4
LAB_VETH_FWD6=$FWD_VETH6
LAB_VETH_FWDC4=$FWDC_VETH4
LAB_VETH_FWDC6=$FWDC_VETH6
LAB_VETH_CLI4=$CLI_VETH4
LAB_VETH_CLI6=$CLI_VETH6
LAB_ANCHORS=$RUN/anchors
LAB_ANCHOR_DS=$RUN/anchors/root.ds
LAB_ANCHOR_DNSKEY=$RUN/anchors/root.dnskey
LAB_ANCHOR_XML=$RUN/anchors/root-anchors.xml
LAB_MESH_ZONE=mesh.internal.
LAB_MESH_DS=$RUN/anchors/mesh.internal.ds
LAB_MESH_DNSKEY=$RUN/anchors/mesh.internal.dnskey
LAB_ZONES=$RUN/zones
LAB_SCENARIOS=$LAB_DIR/scenarios.tsv
LAB_VALIDATOR_LOG=$RUN/unbound-validator/unbound.log
LAB_UPSTREAM_LOG=$RUN/unbound-upstream/unbound.log
EOF
}

# mkzones ARGS...: the zone generator with the network plan's addresses.
mkzones() {
	LAB_AUTH_ROOT=$AUTH_ROOT LAB_AUTH_TLD=$AUTH_TLD LAB_AUTH_SLD=$AUTH_SLD \
		LAB_AUTH_DEEP=$AUTH_DEEP LAB_UPSTREAM=$UPSTREAM \
		LAB_VALIDATOR=$VALIDATOR "$PY" "$LAB_DIR/mkzones.py" "$@"
}

# phase NAME: log how long the previous phase took (start-up profile).
phase() {
	now=$(date +%s.%N)
	awk "BEGIN { printf \"lab:   %-10s %.2f s\\n\", \"$1\", $now - $tp }" >&2
	tp=$now
}

lab_start() {
	t0=$(date +%s.%N)
	tp=$t0
	lab_stop
	phase stop
	for tool in knotd unbound kdig ldns-keygen ldns-signzone ldns-key2ds; do
		command -v "$tool" >/dev/null 2>&1 ||
			die "$tool missing: run scripts/install-deps.sh"
	done
	mkdir -p "$PIDS"
	setup_net
	phase network

	mkzones "$RUN" || die "zone generation failed"
	phase zones

	for level in $KNOT_LEVELS; do
		launch "knot-$level" knotd -c "$RUN/knot-$level/knot.conf"
	done
	for level in $KNOT_LEVELS; do
		addr=$(sed -n 's/^ *listen: \([0-9.]*\)@53/\1/p' \
			"$RUN/knot-$level/knot.conf")
		zone=$(head -n 1 "$RUN/knot-$level/zones.list")
		wait_dns "$addr" "$zone" SOA ||
			die "knotd $level ($addr) does not answer $zone SOA"
	done
	phase knotd
	launch unbound-upstream unbound -d -c \
		"$RUN/unbound-upstream/unbound.conf"
	launch unbound-validator unbound -d -c \
		"$RUN/unbound-validator/unbound.conf"
	wait_dns "$UPSTREAM" test. SOA || die "upstream unbound does not answer"
	wait_dns "$VALIDATOR" test. SOA || die "reference unbound does not answer"
	phase unbound
	write_env
	t1=$(date +%s.%N)
	awk "BEGIN { printf \"lab: started in %.2f s\\n\", $t1 - $t0 }"
}

lab_status() {
	if [ ! -f "$RUN/env.sh" ]; then
		echo "lab: not running"
		return 1
	fi
	ip netns list | grep -E "^($NS_LAB|$NS_FWD|$NS_CLI)( |$)" || true
	rc=0
	for f in "$PIDS"/*.pid; do
		n=$(basename "$f" .pid)
		if pid_is_ours "$f"; then
			echo "$n: running, pid $(cat "$f")"
		else
			echo "$n: NOT running"
			rc=1
		fi
	done
	if ip netns exec "$NS_CLI" kdig +time=2 +retry=0 +dnssec \
		"@$VALIDATOR" www.alg13.test. A 2>/dev/null |
		grep -q "Flags: qr rd ra ad"; then
		echo "validator: answers www.alg13.test. A with AD"
	else
		echo "validator: no secure answer for www.alg13.test. A"
		rc=1
	fi
	return $rc
}

case "${1:-}" in
start)
	[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
	# A failed start leaves nothing behind.
	trap 'rc=$?; [ $rc -ne 0 ] && lab_stop; exit $rc' EXIT
	trap 'exit 1' INT TERM
	lab_start
	trap - EXIT INT TERM
	;;
stop)
	lab_stop
	;;
status)
	lab_status
	;;
event)
	[ -f "$RUN/zones/events.json" ] || die "lab not running"
	shift
	[ $# -ge 2 ] || die "usage: $0 event ACTION ZONE [SECONDS]"
	mkzones "$RUN" --event "$@"
	;;
*)
	echo "usage: $0 start|stop|status|event ACTION ZONE [SECONDS]" >&2
	exit 2
	;;
esac
