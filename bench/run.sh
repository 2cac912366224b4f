#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the benchmarks section by section and prints their tables
# (`make bench` builds everything first). Timings are reported, never
# asserted.
#   bench/run.sh                 every section
#   bench/run.sh crypto ...      only the named sections
#   BENCH_SECONDS=3              length of each timed measurement
#
# Adding a section: define section_NAME() below the others and append NAME
# to ALL_SECTIONS next to it.
set -eu
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
PYTHON=/usr/bin/python3
BENCH_SECONDS=${BENCH_SECONDS:-3}
ALL_SECTIONS=""

bench_tmp=$(mktemp -d /tmp/xdpdns-bench.XXXXXX)
trap 'rm -rf "$bench_tmp"' EXIT INT TERM

# --- crypto: DNSSEC signature verification and NSEC3 hashing ------------
# dnssec_key_verify() over 100 octets (a typical canonical RRset plus RRSIG
# RDATA) with a key built once, next to `openssl speed` raw verify rates of
# the same key types; NSEC3 hashing next to `openssl speed` SHA-1 on 24-octet
# inputs (one NSEC3 iteration hashes a 20-octet hash and a 4-octet salt).
# Both sides divide by CPU time (openssl speed's default; crypto_bench uses
# the thread's CPU clock), so load from other processes affects neither.
ALL_SECTIONS="$ALL_SECTIONS crypto"
section_crypto() {
	dir="$bench_tmp/crypto"
	rounds=${CRYPTO_BENCH_ROUNDS:-2}
	mkdir -p "$dir"
	echo "== DNSSEC signature verification ($(date -u '+%Y-%m-%d %H:%M UTC'), ${BENCH_SECONDS} CPU-s per figure, best of $rounds rounds, load average $(cut -d' ' -f1-3 /proc/loadavg))"
	"$PYTHON" tests/unit/crypto_vs_python.t --bench "$dir/vectors"
	# Rounds alternate between our figures and openssl's so that a burst
	# of load from elsewhere hits both sides; the best of each is shown.
	: >"$dir/ours"
	: >"$dir/ossl"
	: >"$dir/sha1"
	r=0
	while [ "$r" -lt "$rounds" ]; do
		CRYPTO_BENCH_SECONDS=$BENCH_SECONDS "$OUTPUT/bench/crypto_bench" \
			"$dir/vectors" >>"$dir/ours"
		openssl speed -seconds "$BENCH_SECONDS" rsa1024 rsa2048 rsa4096 \
			ecdsap256 ecdsap384 ed25519 ed448 >>"$dir/ossl" 2>/dev/null
		openssl speed -seconds "$BENCH_SECONDS" -bytes 24 sha1 >>"$dir/sha1" 2>/dev/null
		r=$((r + 1))
	done

	awk -v ours="$dir/ours" -v ossl="$dir/ossl" -v sha1="$dir/sha1" '
	function best(arr, k, v) { if (!(k in arr) || v + 0 > arr[k] + 0) arr[k] = v }
	BEGIN {
		while ((getline line < ossl) > 0) {
			n = split(line, f, " ")
			if (line ~ /^rsa [0-9]+ bits/) best(ref, "rsa" f[2], f[n])
			else if (line ~ /nistp256/) best(ref, "p256", f[n])
			else if (line ~ /nistp384/) best(ref, "p384", f[n])
			else if (line ~ /Ed25519/) best(ref, "ed25519", f[n])
			else if (line ~ /Ed448/) best(ref, "ed448", f[n])
		}
		sha = 0
		while ((getline line < sha1) > 0)
			if (line ~ /^sha1 /) {
				split(line, f, " "); sub(/k$/, "", f[2])
				if (f[2] * 1000 / 24 > sha) sha = f[2] * 1000 / 24
			}
		count = 0
		while ((getline line < ours) > 0) {
			if (line !~ /^RESULT /) continue
			split(line, f, " ")
			if (!(f[2] in mine)) order[++count] = f[2]
			best(mine, f[2], f[3])
		}
		printf "%-18s %16s %18s %7s\n", "algorithm", "xdpdns verify/s", "openssl verify/s", "ratio"
		for (i = 1; i <= count; i++) {
			name = order[i]; rate = mine[name]
			if (name !~ /^verify:/) continue
			sub(/^verify:/, "", name)
			key = ""
			if (name ~ /^RSA/) { split(name, p, "/"); key = "rsa" p[2] }
			else if (name ~ /P256/) key = "p256"
			else if (name ~ /P384/) key = "p384"
			else if (name ~ /ED25519/) key = "ed25519"
			else if (name ~ /ED448/) key = "ed448"
			if (key in ref)
				printf "%-18s %16d %18d %7.2f\n", name, rate, ref[key], rate / ref[key]
			else
				printf "%-18s %16d %18s %7s\n", name, rate, "-", "-"
		}
		printf "\n%-18s %16s %18s %18s %7s\n", "NSEC3 iterations", "names/s", "SHA-1 blocks/s", "openssl sha1 24B/s", "ratio"
		split("0 10 150", its, " ")
		for (i = 1; i <= 3; i++) {
			it = its[i]
			rate = mine["nsec3:" it]
			blocks = rate * (it + 1)
			printf "%-18s %16d %18d %18d %7.2f\n", it, rate, blocks, sha, (sha ? blocks / sha : 0)
		}
	}'
	echo "commands: $OUTPUT/bench/crypto_bench VECTORS (CRYPTO_BENCH_SECONDS=$BENCH_SECONDS),"
	echo "  openssl speed -seconds $BENCH_SECONDS rsa1024 rsa2048 rsa4096 ecdsap256 ecdsap384 ed25519 ed448,"
	echo "  openssl speed -seconds $BENCH_SECONDS -bytes 24 sha1"
	echo
}

# --- xdp: the XDP fast path under BPF_PROG_TEST_RUN ----------------------
# ns per packet (kernel-reported average over a million repeats, median of
# seven interleaved rounds) for a hit (A, DO=0), a hit with DO=1 and an
# RRSIG, a miss, a packet that is ours but no query, and two that are not
# ours, beside a do-nothing XDP program and the restore-only harness in the
# same run. Hits run behind a restore program (the query is copied back
# before each repeat); every verdict is checked through the counters. A
# second table prices single operations on this machine (helper calls, map
# lookups, clocks, adjust_tail, packet loads and stores) with the probe
# programs of bpf/xdp_bench_probe.bpf.c, in the same rounds. Needs root.
# For profiling: XDP_BENCH_ONLY=TEXT runs only the cases whose name holds
# TEXT; XDP_BENCH_HOLD=SECONDS keeps the programs loaded before exiting.
ALL_SECTIONS="$ALL_SECTIONS xdp"
section_xdp() {
	echo "== XDP fast path ($(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg))"
	"$OUTPUT"/bench/xdp_bench
	echo "command: $OUTPUT/bench/xdp_bench"
	echo
}

# --- daemon: xdpdnsd against a validating unbound, end to end ------------
# In the lab (takes the lab lock, starts and stops the lab): xdpdnsd and a
# validating unbound 1.17 with the same anchors and upstream in xdpdns-fwd,
# on the same veth (unbound on port 5353), one thread each, both on CPU 1;
# dnsperf in xdpdns-cli on CPU 0, rounds alternating between the servers.
# Cache-hit QPS, server CPU per 1,000 answers, validated cache-miss QPS and
# p50/p99 latency (dnsperf -v per-query latencies). E2E_SECONDS (5) per
# run, E2E_ROUNDS (3) rounds, medians shown. E2E_MISS=0: cache hits only;
# E2E_BASELINE=PATH: an earlier xdpdnsd binary as a third server in the
# same rounds (before and after a change); E2E_PROFILE=0: no perf profile
# of xdpdnsd's hit path after the rounds. Needs root.
ALL_SECTIONS="$ALL_SECTIONS daemon"
section_daemon() {
	"$PYTHON" bench/e2e_bench.py daemon
}

# --- e2e-xdp: cached answers end to end, XDP against unbound --------------
# Same lab and placement, xdpdnsd attached to xl-fwdc in generic mode;
# answers per second and the server side's CPU per 1,000 answers: the
# server process plus the threaded NAPI kthread of xl-fwdc (pinned to
# CPU 1, where XDP runs), with CPU 1's /proc/stat usr/sys/softirq minus an
# idle baseline beside it. Needs root.
ALL_SECTIONS="$ALL_SECTIONS e2e-xdp"
section_e2e_xdp() {
	"$PYTHON" bench/e2e_bench.py xdp
}

# --- dispatch (keep last) ----------------------------------------------
for section in ${*:-$ALL_SECTIONS}; do
	# Section names may hold '-', shell function names may not.
	fn=section_$(printf '%s' "$section" | tr - _)
	if ! command -v "$fn" >/dev/null 2>&1; then
		echo "bench: unknown section $section (have:$ALL_SECTIONS)" >&2
		exit 1
	fi
	"$fn"
done
