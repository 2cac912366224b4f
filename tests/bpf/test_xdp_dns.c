// SPDX-License-Identifier: GPL-2.0
/* BPF_PROG_TEST_RUN tests of the XDP responder: hits, passes, malformed frames. */
#include "../unit/tap.h"
#include "test_xdp_lib.h"

static struct refill_maps maps;
static int prog_fd;

/* Snapshot of the summed counters. */
static struct xdpdns_stats stats_now(void)
{
	struct xdpdns_stats s;

	memset(&s, 0, sizeof(s));
	refill_stats_read(&maps, &s, NULL, 0);
	return s;
}

static int put_entry(const uint8_t *resp, size_t len, uint32_t lifetime,
		     uint32_t age, bool secure, bool do_bit)
{
	struct refill_params p = {
		.lifetime_s = lifetime,
		/*
		 * Half a second more, so that the whole seconds the program
		 * counts are @age however long the test takes to get there.
		 */
		.created_ns = tx_boottime_ns() - (uint64_t)age * 1000000000ULL -
			      (age ? 500000000ULL : 0),
		.secure = secure,
		.do_bit = do_bit,
	};
	struct xdpdns_cache_key key;
	static struct xdpdns_cache_entry entry;
	int err;

	err = refill_entry_build(resp, len, maps.hash_seed, &p, &key, &entry);
	if (err)
		return err;
	return refill_entry_put(&maps, &key, &entry);
}

/*
 * The answer userspace would send for @q (DNS part only): the query's ID,
 * flags and question bytes, the response's records with TTLs less
 * @elapsed, and our OPT when the query had one.
 */
static size_t expect_answer(uint8_t *out, const uint8_t *q, size_t qlen,
			    const uint8_t *r, size_t rlen, uint32_t elapsed,
			    bool secure)
{
	struct dns_msg msg;
	size_t qend = 12, rq_end, rec_end, n, i;
	bool edns = dns_get16(q + 10) == 1, do_bit = false, ad;

	while (q[qend])
		qend += q[qend] + 1;
	qend += 5;
	if (edns)
		do_bit = q[qend + 7] & 0x80;
	dns_msg_init(&msg);
	if (dns_msg_parse(&msg, r, rlen)) {
		dns_msg_release(&msg);
		return 0;
	}
	rq_end = 12 + msg.question[0].wire_len;
	rec_end = msg.has_opt ? msg.opt.offset : rlen;
	ad = secure && (do_bit || (q[3] & 0x20));
	memcpy(out, q, qend);
	out[2] = 0x80 | (q[2] & 0x01);
	out[3] = 0x80 | (ad ? 0x20 : 0) | (r[3] & 0x0f);
	dns_put16(out + 6, msg.section_count[0]);
	dns_put16(out + 8, msg.section_count[1]);
	dns_put16(out + 10, msg.section_count[2] + edns);
	n = qend;
	memcpy(out + n, r + rq_end, rec_end - rq_end);
	for (i = 0; i < msg.rr_count; i++) {
		uint8_t *t = out + n + msg.rr[i].ttl_offset - rq_end;
		uint32_t ttl = dns_get32(t);

		dns_put32(t, ttl > elapsed ? ttl - elapsed : 0);
	}
	n += rec_end - rq_end;
	if (edns) {
		static const uint8_t opt[11] = { 0, 0, 41, 0x04, 0xd0, 0, 0 };

		memcpy(out + n, opt, 11);
		out[n + 7] = do_bit ? 0x80 : 0;
		n += 11;
	}
	dns_msg_release(&msg);
	return n;
}

/* Run a frame that must be answered and compare with userspace's answer. */
static void check_hit(const char *what, const uint8_t *frame, size_t flen,
		      const uint8_t *resp, size_t rlen, uint32_t elapsed,
		      bool secure)
{
	static uint8_t out[TX_FRAME_MAX], want[TX_FRAME_MAX];
	struct xdpdns_stats before = stats_now(), after;
	size_t l3, l4, ol3, ol4, wlen;
	uint32_t olen = 0;
	int verdict, family, ofamily;
	bool good;

	verdict = tx_run(prog_fd, frame, flen, out, &olen);
	after = stats_now();
	if (!ok(verdict == XDP_TX, "%s: XDP_TX", what)) {
		diag("verdict %d", verdict);
		return;
	}
	is_int(after.counter[XDPDNS_CNT_ANSWERED] -
	       before.counter[XDPDNS_CNT_ANSWERED], 1, "%s: answered counted", what);
	if (tx_offsets(frame, flen, &l3, &l4, &family) ||
	    tx_offsets(out, olen, &ol3, &ol4, &ofamily)) {
		ok(0, "%s: frame layout", what);
		return;
	}
	wlen = expect_answer(want, frame + l4 + 8, flen - l4 - 8, resp, rlen,
			     elapsed, secure);
	good = ol4 == l4 && olen == l4 + 8 + wlen &&
	       memcmp(out + ol4 + 8, want, wlen) == 0;
	if (!ok(good, "%s: DNS answer equals userspace's", what))
		diag("len %u want %zu", olen, l4 + 8 + wlen);
	good = memcmp(out, frame + 6, 6) == 0 && memcmp(out + 6, frame, 6) == 0 &&
	       memcmp(out + 12, frame + 12, l3 - 12) == 0;
	if (family == 4)
		good = good && memcmp(out + l3 + 12, frame + l3 + 16, 4) == 0 &&
		       memcmp(out + l3 + 16, frame + l3 + 12, 4) == 0;
	else
		good = good && memcmp(out + l3 + 8, frame + l3 + 24, 16) == 0 &&
		       memcmp(out + l3 + 24, frame + l3 + 8, 16) == 0;
	good = good && memcmp(out + l4, frame + l4 + 2, 2) == 0 &&
	       memcmp(out + l4 + 2, frame + l4, 2) == 0;
	ok(good, "%s: addresses and ports swapped", what);
	ok(tx_checksums_ok(out, olen), "%s: IP and UDP checksums valid", what);
}

/*
 * Run a frame that must go up untouched; @reason is the counter that must
 * move by one, or -1 for a packet that is not ours (OURS must not move).
 */
static void check_pass(const char *what, const uint8_t *frame, size_t flen,
		       int reason)
{
	static uint8_t out[TX_FRAME_MAX];
	struct xdpdns_stats before = stats_now(), after;
	uint32_t olen = 0;
	int verdict, c;
	bool good = true;

	verdict = tx_run(prog_fd, frame, flen, out, &olen);
	after = stats_now();
	if (!ok(verdict == XDP_PASS, "%s: XDP_PASS", what))
		diag("verdict %d", verdict);
	ok(olen == flen && memcmp(out, frame, flen) == 0, "%s: untouched", what);
	for (c = 0; c < XDPDNS_CNT_MAX; c++) {
		uint64_t d = after.counter[c] - before.counter[c], w = 0;

		if (c == XDPDNS_CNT_SEEN)
			w = 1;
		else if (c == XDPDNS_CNT_OURS)
			w = reason >= 0;
		else if (c == reason)
			w = 1;
		if (d != w) {
			diag("counter %s moved by %llu, want %llu",
			     refill_counter_name(c), (unsigned long long)d,
			     (unsigned long long)w);
			good = false;
		}
	}
	ok(good, "%s: counters", what);
}

/* Frame for a query with default wrapping (IPv4 to the server, port 53). */
static size_t qframe(uint8_t *f, const struct tx_frame_opts *o,
		     const struct tx_query *q)
{
	static const struct tx_frame_opts def = { .family = 4 };
	uint8_t m[1024];
	size_t n = tx_query_build(m, q);

	return tx_frame(f, o ? o : &def, m, n);
}

/* Responses used by the cases. */
static uint8_t r_a[512], r_a_do[1024], r_txt[1500], r_nx[512], r_exp[512];
static size_t r_a_len, r_a_do_len, r_txt_len, r_nx_len, r_exp_len;

static void build_responses(void)
{
	static const uint8_t a[4] = { 192, 0, 2, 10 };
	uint8_t rrsig[400], txt[700], soa[128];
	size_t n, sl;
	int i;

	n = tx_resp_start(r_a, "www.example.com", 1, 0);
	n = tx_rr(r_a, n, 12, 1, 300, a, 4);
	tx_resp_counts(r_a, 1, 0, 0);
	r_a_len = n;

	/* A plus an RRSIG with a 256-byte signature, and an OPT (DO). */
	n = tx_resp_start(r_a_do, "www.example.com", 1, 0);
	n = tx_rr(r_a_do, n, 12, 1, 300, a, 4);
	memset(rrsig, 0, sizeof(rrsig));
	dns_put16(rrsig, 1);
	rrsig[2] = 8;
	rrsig[3] = 3;
	dns_put32(rrsig + 4, 300);
	dns_put32(rrsig + 8, 2000000000);
	dns_put32(rrsig + 12, 1700000000);
	dns_put16(rrsig + 16, 12345);
	sl = tx_name(rrsig + 18, "example.com");
	for (i = 0; i < 256; i++)
		rrsig[18 + sl + i] = i * 7 + 1;
	n = tx_rr(r_a_do, n, 12, 46, 300, rrsig, 18 + sl + 256);
	r_a_do[n] = 0;
	dns_put16(r_a_do + n + 1, 41);
	dns_put16(r_a_do + n + 3, 1232);
	dns_put32(r_a_do + n + 5, 0x8000);
	dns_put16(r_a_do + n + 9, 0);
	n += 11;
	tx_resp_counts(r_a_do, 2, 0, 1);
	r_a_do_len = n;

	/* TXT of about 600 bytes: over 512, within 1232. */
	n = tx_resp_start(r_txt, "big.example.com", 16, 0);
	for (i = 0; i < 3; i++) {
		txt[i * 200] = 199;
		memset(txt + i * 200 + 1, 'a' + i, 199);
	}
	n = tx_rr(r_txt, n, 12, 16, 600, txt, 600);
	tx_resp_counts(r_txt, 1, 0, 0);
	r_txt_len = n;

	/* NXDOMAIN with the zone's SOA; owner points at "example.com". */
	n = tx_resp_start(r_nx, "nx.example.com", 1, 3);
	sl = 0;
	soa[sl++] = 2;
	memcpy(soa + sl, "ns", 2);
	sl += 2;
	dns_put16(soa + sl, 0xc000 | 15);
	sl += 2;
	soa[sl++] = 0xc0;
	soa[sl++] = 15;
	for (i = 0; i < 5; i++, sl += 4)
		dns_put32(soa + sl, 3600 + i);
	n = tx_rr(r_nx, n, 15, 6, 900, soa, sl);
	tx_resp_counts(r_nx, 0, 1, 0);
	r_nx_len = n;

	n = tx_resp_start(r_exp, "old.example.com", 1, 0);
	n = tx_rr(r_exp, n, 12, 1, 30, a, 4);
	tx_resp_counts(r_exp, 1, 0, 0);
	r_exp_len = n;
}

static void test_hits(void)
{
	static const uint8_t cookie[12] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	static uint8_t padding[4 + 40] = { 0, 12, 0, 40 };
	struct tx_frame_opts o6 = { .family = 6 }, ov = { .family = 4, .vlans = 1 };
	struct tx_frame_opts oqq = { .family = 6, .vlans = 2 };
	struct tx_frame_opts oopt = { .family = 4, .ip_opts = 8 };
	struct tx_query q = { .id = 0x1234, .name = "www.example.com",
			      .qtype = 1, .flags = 0x0100 };
	uint8_t f[TX_FRAME_MAX];
	size_t n;

	ok(put_entry(r_a, r_a_len, 300, 0, true, false) == 0, "entry A DO=0");
	ok(put_entry(r_a_do, r_a_do_len, 300, 0, true, true) == 0, "entry A DO=1");
	ok(put_entry(r_txt, r_txt_len, 600, 0, false, false) == 0, "entry TXT");
	ok(put_entry(r_nx, r_nx_len, 900, 100, true, false) == 0, "entry NXDOMAIN");

	n = qframe(f, NULL, &q);
	check_hit("IPv4 A", f, n, r_a, r_a_len, 0, true);
	n = qframe(f, &o6, &q);
	check_hit("IPv6 A", f, n, r_a, r_a_len, 0, true);
	n = qframe(f, &ov, &q);
	check_hit("802.1Q A", f, n, r_a, r_a_len, 0, true);
	n = qframe(f, &oqq, &q);
	check_hit("QinQ IPv6 A", f, n, r_a, r_a_len, 0, true);
	n = qframe(f, &oopt, &q);
	check_hit("IPv4 with options", f, n, r_a, r_a_len, 0, true);

	n = qframe(f, NULL, &q);
	memset(f + n, 0, 12);
	check_hit("Ethernet padding after the IP packet", f, n + 12, r_a, r_a_len,
		  0, true);

	q.name = "wWw.ExAmPlE.cOM";
	n = qframe(f, NULL, &q);
	check_hit("0x20 mixed case", f, n, r_a, r_a_len, 0, true);
	q.flags = 0x0000;
	n = qframe(f, NULL, &q);
	check_hit("RD=0 copied", f, n, r_a, r_a_len, 0, true);
	q.flags = 0x0120;
	n = qframe(f, NULL, &q);
	check_hit("AD=1 query, Secure: AD set", f, n, r_a, r_a_len, 0, true);
	q.flags = 0x0100;

	q.edns = true;
	n = qframe(f, NULL, &q);
	check_hit("EDNS DO=0", f, n, r_a, r_a_len, 0, true);
	q.do_bit = true;
	n = qframe(f, &o6, &q);
	check_hit("EDNS DO=1 with RRSIG", f, n, r_a_do, r_a_do_len, 0, true);
	q.opts = cookie;
	q.opts_len = sizeof(cookie);
	n = qframe(f, NULL, &q);
	check_hit("COOKIE option", f, n, r_a_do, r_a_do_len, 0, true);
	q.opts = padding;
	q.opts_len = sizeof(padding);
	n = qframe(f, NULL, &q);
	check_hit("PADDING option (answer shrinks nothing)", f, n, r_a_do,
		  r_a_do_len, 0, true);
	q.opts = NULL;
	q.opts_len = 0;
	q.do_bit = false;

	q.name = "big.example.com";
	q.qtype = 16;
	n = qframe(f, NULL, &q);
	check_hit("TXT over 512 fits EDNS 1232", f, n, r_txt, r_txt_len, 0, false);
	q.edns = false;
	n = qframe(f, NULL, &q);
	check_pass("TXT over 512 without EDNS", f, n, XDPDNS_CNT_PASS_TOO_BIG);
	q.edns = true;
	q.udp_size = 256;
	n = qframe(f, NULL, &q);
	check_pass("EDNS size 256 (taken as 512) too small", f, n,
		   XDPDNS_CNT_PASS_TOO_BIG);
	q.udp_size = 0;

	q.name = "nx.example.com";
	q.qtype = 1;
	q.edns = false;
	n = qframe(f, &o6, &q);
	check_hit("NXDOMAIN with SOA, 100 s old: TTLs counted down", f, n, r_nx,
		  r_nx_len, 100, true);
}

static void test_passes(void)
{
	static const uint8_t ecs[12] = { 0, 8, 0, 7, 0, 1, 24, 0, 192, 0, 2 };
	static const uint8_t unknown_opt[8] = { 0xfd, 0xe9, 0, 4, 1, 2, 3, 4 };
	struct tx_frame_opts o = { .family = 4 }, o6 = { .family = 6 };
	struct tx_query q = { .id = 0x4321, .name = "www.example.com",
			      .qtype = 1, .flags = 0x0100 };
	uint8_t f[TX_FRAME_MAX], m[600];
	size_t n, mlen, l3, l4;
	int family;

	ok(put_entry(r_exp, r_exp_len, 30, 31, true, false) == 0,
	   "entry already expired");

	/* Not ours: other address, other port, transit DNS. */
	o.dst = tx_other4;
	n = qframe(f, &o, &q);
	check_pass("other IPv4 address", f, n, -1);
	o.dst = NULL;
	o.dport = 5353;
	n = qframe(f, &o, &q);
	check_pass("other port", f, n, -1);
	o.dport = 0;
	o6.dst = tx_client6;
	n = qframe(f, &o6, &q);
	check_pass("transit IPv6 DNS to another address", f, n, -1);
	o6.dst = NULL;

	/* Ours but not answered from the kernel. */
	q.flags = 0x0110;
	n = qframe(f, NULL, &q);
	check_pass("CD=1", f, n, XDPDNS_CNT_PASS_CD);
	q.flags = 0x0100;
	q.name = "old.example.com";
	n = qframe(f, NULL, &q);
	check_pass("expired entry", f, n, XDPDNS_CNT_PASS_EXPIRED);
	q.name = "missing.example.com";
	n = qframe(f, NULL, &q);
	check_pass("no entry", f, n, XDPDNS_CNT_PASS_MISS);
	q.name = "www.example.com";
	q.qtype = 28;
	n = qframe(f, NULL, &q);
	check_pass("other qtype", f, n, XDPDNS_CNT_PASS_MISS);
	q.qtype = 1;
	q.name = "www.example.co";
	n = qframe(f, NULL, &q);
	check_pass("name prefix of a cached one", f, n, XDPDNS_CNT_PASS_MISS);
	q.name = "www.example.com";
	q.edns = true;
	q.opts = ecs;
	q.opts_len = 11;
	n = qframe(f, NULL, &q);
	check_pass("EDNS Client Subnet", f, n, XDPDNS_CNT_PASS_EDNS_OPTION);
	q.opts = unknown_opt;
	q.opts_len = sizeof(unknown_opt);
	n = qframe(f, NULL, &q);
	check_pass("unknown EDNS option", f, n, XDPDNS_CNT_PASS_EDNS_OPTION);
	q.opts = NULL;
	q.opts_len = 0;

	/* Header flags and counts that make it no plain query. */
	mlen = tx_query_build(m, &q);
	m[2] |= 0x80;
	n = tx_frame(f, &o, m, mlen);
	check_pass("QR=1", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	m[2] = 0x01 | (4 << 3);
	n = tx_frame(f, &o, m, mlen);
	check_pass("opcode 4 (NOTIFY)", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	m[2] = 0x03;
	n = tx_frame(f, &o, m, mlen);
	check_pass("TC=1", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	m[2] = 0x01;
	m[5] = 2;
	n = tx_frame(f, &o, m, mlen);
	check_pass("QDCOUNT=2", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	m[5] = 1;
	m[7] = 1;
	n = tx_frame(f, &o, m, mlen);
	check_pass("ANCOUNT=1", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	m[7] = 0;
	m[11] = 2;
	n = tx_frame(f, &o, m, mlen);
	check_pass("ARCOUNT=2", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	m[11] = 1;
	m[mlen - 11 + 3] = 0;	/* OPT class: keep; make its type not OPT */
	m[mlen - 11 + 2] = 250;
	n = tx_frame(f, &o, m, mlen);
	check_pass("additional record not OPT", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	m[mlen - 11 + 2] = 41;
	m[mlen - 11 + 6] = 1;
	n = tx_frame(f, &o, m, mlen);
	check_pass("EDNS version 1", f, n, XDPDNS_CNT_PASS_EDNS_OPTION);
	m[mlen - 11 + 6] = 0;
	m[mlen - 1] = 4;
	n = tx_frame(f, &o, m, mlen);
	check_pass("OPT RDLENGTH past the end", f, n, XDPDNS_CNT_PASS_MALFORMED);
	m[mlen - 1] = 0;
	n = tx_frame(f, &o, m, mlen - 1);
	check_pass("OPT cut short", f, n, XDPDNS_CNT_PASS_MALFORMED);
	m[mlen] = 0;
	n = tx_frame(f, &o, m, mlen + 1);
	check_pass("byte after OPT", f, n, XDPDNS_CNT_PASS_MALFORMED);
	q.opts = unknown_opt;
	q.opts_len = 3;	/* an option header cut short inside RDATA */
	mlen = tx_query_build(m, &q);
	n = tx_frame(f, &o, m, mlen);
	check_pass("EDNS option header cut short", f, n, XDPDNS_CNT_PASS_MALFORMED);
	q.opts = NULL;
	q.opts_len = 0;
	q.edns = false;

	/* Malformed questions. */
	mlen = tx_query_build(m, &q);
	n = tx_frame(f, &o, m, mlen - 6);
	check_pass("name runs off the end", f, n, XDPDNS_CNT_PASS_MALFORMED);
	n = tx_frame(f, &o, m, mlen - 2);
	check_pass("QCLASS missing", f, n, XDPDNS_CNT_PASS_MALFORMED);
	n = tx_frame(f, &o, m, mlen + 1);
	check_pass("byte after question", f, n, XDPDNS_CNT_PASS_MALFORMED);
	m[12] = 64;
	n = tx_frame(f, &o, m, mlen);
	check_pass("label of 64", f, n, XDPDNS_CNT_PASS_MALFORMED);
	m[12] = 0xc0;
	m[13] = 12;
	n = tx_frame(f, &o, m, mlen);
	check_pass("compression pointer in question", f, n,
		   XDPDNS_CNT_PASS_MALFORMED);
	m[12] = 3;
	m[13] = 'w';
	dns_put16(m + mlen - 2, 3);
	n = tx_frame(f, &o, m, mlen);
	check_pass("class CH", f, n, XDPDNS_CNT_PASS_NOT_QUERY);
	dns_put16(m + mlen - 2, 1);
	/* A name of 256 octets: 4 labels of 63 plus root would be 257. */
	q.name = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
		 "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc."
		 "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";
	n = qframe(f, NULL, &q);
	check_pass("name over 255 octets", f, n, XDPDNS_CNT_PASS_MALFORMED);
	q.name = "www.example.com";

	/* Truncated and lying lower layers. */
	n = qframe(f, NULL, &q);
	tx_offsets(f, n, &l3, &l4, &family);
	check_pass("Ethernet header only", f, 14, -1);
	check_pass("IPv4 header cut short", f, l3 + 10, -1);
	check_pass("UDP header cut short", f, l4 + 4, -1);
	check_pass("DNS header cut short", f, l4 + 8 + 6,
		   XDPDNS_CNT_PASS_MALFORMED);
	f[l3] = 0x44;	/* ihl 4 */
	check_pass("IPv4 ihl below 5", f, n, -1);
	f[l3] = 0x45;
	f[l4 + 5] += 10;
	check_pass("UDP length longer than IP", f, n, XDPDNS_CNT_PASS_MALFORMED);
	f[l4 + 5] -= 20;
	check_pass("UDP length shorter than IP", f, n, XDPDNS_CNT_PASS_MALFORMED);
	f[l4 + 5] += 10;
	f[l3 + 3] += 40;
	f[l4 + 5] += 40;
	check_pass("IP and UDP lengths beyond the frame", f, n,
		   XDPDNS_CNT_PASS_MALFORMED);
	f[l3 + 3] -= 40;
	f[l4 + 5] -= 40;
	f[l3 + 6] = 0x20;	/* MF */
	check_pass("IPv4 first fragment", f, n, -1);
	f[l3 + 6] = 0x00;
	f[l3 + 7] = 0x10;	/* offset */
	check_pass("IPv4 later fragment", f, n, -1);
	f[l3 + 7] = 0x00;
	f[l3 + 9] = 6;
	check_pass("TCP to port 53", f, n, -1);
	f[l3 + 9] = 17;
	f[12] = 0x86;
	f[13] = 0xdd;
	check_pass("IPv4 bytes under an IPv6 ethertype", f, n, -1);
	n = qframe(f, &o6, &q);
	tx_offsets(f, n, &l3, &l4, &family);
	f[l3 + 6] = 0;	/* hop-by-hop options header */
	check_pass("IPv6 extension header", f, n, -1);
}

static size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	unsigned int b;

	if (strcmp(hex, "-") == 0)
		return 0;
	while (hex[0] && hex[1] && n < cap && sscanf(hex, "%2x", &b) == 1) {
		out[n++] = b;
		hex += 2;
	}
	return n;
}

/*
 * Driven by tests/bpf/xdp_answers.t: read cases from $XDPDNS_XDP_CASES/
 * cases.txt ("name response-hex|- lifetime age secure do frame-hex" per
 * line), run each frame once against a cache holding that one entry, and
 * write "name verdict output-hex" lines to results.txt for the script to
 * check on its own.
 */
static int run_case_file(const char *dir)
{
	static char line[16384], name[128], rhex[8192], fhex[8192];
	static uint8_t resp[4096], frame[TX_FRAME_MAX], out[TX_FRAME_MAX];
	char path[4096];
	FILE *in, *res;
	unsigned int lifetime, age, secure, do_bit;
	size_t rlen, flen;
	uint32_t olen, i;
	int verdict;

	snprintf(path, sizeof(path), "%s/cases.txt", dir);
	in = fopen(path, "r");
	snprintf(path, sizeof(path), "%s/results.txt", dir);
	res = fopen(path, "w");
	if (!in || !res) {
		ok(0, "open case files in %s", dir);
		return done_testing();
	}
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, "%127s %8191s %u %u %u %u %8191s", name, rhex,
			   &lifetime, &age, &secure, &do_bit, fhex) != 7)
			continue;
		refill_cache_flush(&maps, NULL);
		rlen = unhex(resp, sizeof(resp), rhex);
		if (rlen && !ok(put_entry(resp, rlen, lifetime, age, secure,
					  do_bit) == 0, "%s: entry built", name))
			continue;
		flen = unhex(frame, sizeof(frame), fhex);
		olen = 0;
		verdict = tx_run(prog_fd, frame, flen, out, &olen);
		ok(verdict >= 0, "%s: ran", name);
		fprintf(res, "%s %d ", name, verdict);
		for (i = 0; i < olen; i++)
			fprintf(res, "%02x", out[i]);
		fprintf(res, "\n");
	}
	fclose(in);
	fclose(res);
	return 0;
}

/*
 * With the rodata port filter set (as the daemon and the bench load it),
 * the first look at fixed offsets (xdpdns_quick_not_ours) must let every
 * query to the port through and send everything else up untouched.
 */
static void test_port_filter(void)
{
	struct tx_frame_opts o4 = { .family = 4 }, o6 = { .family = 6 };
	struct tx_frame_opts ov = { .family = 4, .vlans = 1 };
	struct tx_frame_opts oopt = { .family = 4, .ip_opts = 8 };
	struct tx_query q = { .id = 0x5151, .name = "www.example.com",
			      .qtype = 1, .flags = 0x0100 };
	struct refill_maps saved = maps, m2;
	int saved_fd = prog_fd;
	struct xdp_dns_bpf *s2 = tx_load(&m2, true);
	uint8_t f[TX_FRAME_MAX];
	size_t n;

	if (!ok(s2 != NULL, "load with the port filter"))
		return;
	maps = m2;
	prog_fd = bpf_program__fd(s2->progs.xdp_dns);
	ok(put_entry(r_a, r_a_len, 300, 0, true, false) == 0,
	   "port filter: entry A");
	n = qframe(f, &o4, &q);
	check_hit("port filter: IPv4", f, n, r_a, r_a_len, 0, true);
	n = qframe(f, &o6, &q);
	check_hit("port filter: IPv6", f, n, r_a, r_a_len, 0, true);
	n = qframe(f, &ov, &q);
	check_hit("port filter: VLAN", f, n, r_a, r_a_len, 0, true);
	n = qframe(f, &oopt, &q);
	check_hit("port filter: IPv4 options", f, n, r_a, r_a_len, 0, true);
	o4.dport = o6.dport = ov.dport = oopt.dport = 5353;
	n = qframe(f, &o4, &q);
	check_pass("port filter: IPv4 other port", f, n, -1);
	n = qframe(f, &o6, &q);
	check_pass("port filter: IPv6 other port", f, n, -1);
	n = qframe(f, &ov, &q);
	check_pass("port filter: VLAN other port", f, n, -1);
	n = qframe(f, &oopt, &q);
	check_pass("port filter: IPv4 options, other port", f, n, -1);
	/* Not UDP: protocol byte changed, header checksum left wrong. */
	o4.dport = 0;
	n = qframe(f, &o4, &q);
	f[14 + 9] = 6;
	check_pass("port filter: IPv4 TCP to the port", f, n, -1);
	refill_maps_close(&m2);
	xdp_dns_bpf__destroy(s2);
	maps = saved;
	prog_fd = saved_fd;
}

/* The listen table the program scans (info map) follows the listen map. */
static void listen_table_check(const char *what, uint32_t want_count)
{
	static struct xdpdns_info info;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(maps.info_fd, &zero, &info)) {
		ok(0, "%s: info map read", what);
		return;
	}
	is_int(info.listen[info.listen_gen & 1].count, want_count,
	       "%s: live listen table holds %u keys", what, want_count);
}

static void test_listen_changes(void)
{
	struct tx_query q = { .id = 0x7777, .name = "nothere.example.com",
			      .qtype = 1, .flags = 0x0100 };
	struct tx_frame_opts o = { .family = 4, .dst = tx_other4 };
	struct tx_frame_opts o6 = { .family = 6 };
	static const uint8_t base[4] = { 198, 51, 100, 0 };
	uint8_t f[TX_FRAME_MAX], a[4];
	size_t n;
	int i, added = 0;

	listen_table_check("start", 2);
	n = qframe(f, &o, &q);
	check_pass("unlisted address", f, n, -1);
	ok(refill_listen_add(&maps, 4, tx_other4, 53) == 0, "listen add");
	listen_table_check("after add", 3);
	check_pass("added address", f, n, XDPDNS_CNT_PASS_MISS);
	o.dport = 5353;
	n = qframe(f, &o, &q);
	check_pass("added address, other port", f, n, -1);
	ok(refill_listen_delete(&maps, 4, tx_other4, 53) == 0, "listen delete");
	listen_table_check("after delete", 2);
	o.dport = 0;
	n = qframe(f, &o, &q);
	check_pass("deleted address", f, n, -1);

	/* The server's own address out and back in; IPv6 unaffected. */
	ok(refill_listen_delete(&maps, 4, tx_server4, 53) == 0, "delete server");
	n = qframe(f, NULL, &q);
	check_pass("server address deleted", f, n, -1);
	n = qframe(f, &o6, &q);
	check_pass("IPv6 server still listed", f, n, XDPDNS_CNT_PASS_MISS);
	ok(refill_listen_add(&maps, 4, tx_server4, 53) == 0, "re-add server");
	n = qframe(f, NULL, &q);
	check_pass("server address back", f, n, XDPDNS_CNT_PASS_MISS);

	/* A full table: the last key is found; one more is refused. */
	for (i = 0; i < XDPDNS_LISTEN_MAX - 2; i++) {
		memcpy(a, base, 4);
		a[3] = i;
		if (refill_listen_add(&maps, 4, a, 53) == 0)
			added++;
	}
	is_int(added, XDPDNS_LISTEN_MAX - 2, "listen table filled");
	listen_table_check("full", XDPDNS_LISTEN_MAX);
	o.dst = a;
	n = qframe(f, &o, &q);
	check_pass("last address of a full table", f, n, XDPDNS_CNT_PASS_MISS);
	a[3] = 200;
	ok(refill_listen_add(&maps, 4, a, 53) != 0, "65th listen address refused");
	listen_table_check("after refusal", XDPDNS_LISTEN_MAX);
	for (i = 0; i < XDPDNS_LISTEN_MAX - 2; i++) {
		a[3] = i;
		refill_listen_delete(&maps, 4, a, 53);
	}
	listen_table_check("emptied", 2);
	a[3] = XDPDNS_LISTEN_MAX - 3;
	n = qframe(f, &o, &q);
	check_pass("address of the emptied table", f, n, -1);
}

int main(void)
{
	const char *case_dir = getenv("XDPDNS_XDP_CASES");
	struct xdp_dns_bpf *skel;

	if (geteuid() != 0)
		skip_all("needs root for BPF_PROG_TEST_RUN");
	skel = tx_load(&maps, false);
	if (!skel)
		skip_all("cannot load xdp_dns: %s", strerror(errno));
	prog_fd = bpf_program__fd(skel->progs.xdp_dns);
	if (case_dir) {
		run_case_file(case_dir);
	} else {
		build_responses();
		test_hits();
		test_passes();
		test_listen_changes();
		test_port_filter();
	}
	refill_maps_close(&maps);
	xdp_dns_bpf__destroy(skel);
	return done_testing();
}
