// SPDX-License-Identifier: GPL-2.0
/* A million random and mutated frames: the responder answers only valid cached queries. */
#include "../unit/tap.h"
#include "test_xdp_lib.h"
#include "util/error.h"

#define FUZZ_RUNS 1000000
#define FUZZ_SECONDS 50

static struct refill_maps maps;

/* xorshift64*: seeded, so a failure can be replayed. */
static uint64_t rng_state = 0x20261128dead5eedULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* What the cache holds: lower-case names with type and DO bit. */
struct cached {
	const char *name;
	uint16_t qtype;
	bool do_bit;
	size_t dns_len_plain;	/* answer length without OPT */
};

static struct cached cached[] = {
	{ "www.example.com", 1, false, 0 },
	{ "www.example.com", 1, true, 0 },
	{ "a.b.c.d.example.net", 28, false, 0 },
	{ "x", 16, false, 0 },
};

#define NCACHED (sizeof(cached) / sizeof(cached[0]))

static int insert_entries(void)
{
	static const uint8_t a[16] = { 192, 0, 2, 1 };
	uint8_t m[1024], sig[120];
	size_t i, n;
	int err;

	memset(sig, 0x5a, sizeof(sig));
	sig[18] = 0;	/* RRSIG signer: the root */
	for (i = 0; i < NCACHED; i++) {
		struct refill_params p = { .lifetime_s = 3600, .secure = i & 1,
					   .do_bit = cached[i].do_bit };
		struct xdpdns_cache_key key;
		static struct xdpdns_cache_entry e;
		uint16_t t = cached[i].qtype;

		n = tx_resp_start(m, cached[i].name, t, 0);
		if (t == 16)	/* TXT: one character-string */
			n = tx_rr(m, n, 12, t, 300, (const uint8_t *)"\003abc", 4);
		else
			n = tx_rr(m, n, 12, t, 300, a, t == 28 ? 16 : 4);
		if (cached[i].do_bit)
			n = tx_rr(m, n, 12, 46, 300, sig, sizeof(sig));
		tx_resp_counts(m, cached[i].do_bit ? 2 : 1, 0, 0);
		cached[i].dns_len_plain = n;
		err = refill_entry_build(m, n, maps.hash_seed, &p, &key, &e);
		if (!err)
			err = refill_entry_put(&maps, &key, &e);
		if (err) {
			diag("entry %zu: %s", i, xdpdns_strerror(err));
			return -1;
		}
	}
	return 0;
}

/*
 * Reference decision, written apart from the BPF code: is @f a plain query
 * to us for a cached key whose answer fits? Fills the DNS offset and the
 * question length for the comparison of answers.
 */
static bool ref_answerable(const uint8_t *f, size_t len, size_t *dns_off,
			   size_t *qlen)
{
	size_t off = 12, l4, end, p, nl = 0, i;
	uint16_t proto, udp_len, ar, udp_size = 0, qtype;
	uint8_t lname[256];
	bool edns = false, do_bit = false;

	if (len < 14)
		return false;
	proto = dns_get16(f + off);
	for (i = 0; i < 2 && (proto == 0x8100 || proto == 0x88a8); i++) {
		off += 4;
		if (off + 2 > len)
			return false;
		proto = dns_get16(f + off);
	}
	off += 2;
	if (proto == 0x0800) {
		size_t ihl;

		if (off + 20 > len || (f[off] >> 4) != 4 || f[off + 9] != 17)
			return false;
		ihl = (f[off] & 15) * 4;
		if (ihl < 20 || (dns_get16(f + off + 6) & 0x3fff) ||
		    memcmp(f + off + 16, tx_server4, 4))
			return false;
		if (dns_get16(f + off + 2) < ihl || off + dns_get16(f + off + 2) > len)
			return false;
		l4 = off + ihl;
		end = off + dns_get16(f + off + 2);
	} else if (proto == 0x86dd) {
		if (off + 40 > len || (f[off] >> 4) != 6 || f[off + 6] != 17 ||
		    memcmp(f + off + 24, tx_server6, 16))
			return false;
		l4 = off + 40;
		end = l4 + dns_get16(f + off + 4);
		if (end > len)
			return false;
	} else {
		return false;
	}
	if (l4 + 8 > len || dns_get16(f + l4 + 2) != 53)
		return false;
	udp_len = dns_get16(f + l4 + 4);
	if (l4 + udp_len != end || udp_len < 20)
		return false;
	p = l4 + 8;
	*dns_off = p;
	if ((f[p + 2] & 0xfa) || (f[p + 3] & 0x10) || dns_get16(f + p + 4) != 1 ||
	    dns_get16(f + p + 6) || dns_get16(f + p + 8))
		return false;
	ar = dns_get16(f + p + 10);
	if (ar > 1)
		return false;
	p += 12;
	for (;;) {
		uint8_t l;

		if (p >= end)
			return false;
		l = f[p];
		if (l > 63 || nl + l + 1 > 255)
			return false;
		for (i = 0; i <= l; i++) {
			uint8_t c = f[p + i];

			lname[nl++] = i && c >= 'A' && c <= 'Z' ? c + 32 : c;
		}
		p += l + 1;
		if (l == 0)
			break;
	}
	if (p + 4 > end || dns_get16(f + p + 2) != 1)
		return false;
	qtype = dns_get16(f + p);
	*qlen = p + 4 - (*dns_off + 12);
	p += 4;
	if (ar) {
		size_t rdend;

		if (p + 11 > end || f[p] || dns_get16(f + p + 1) != 41 || f[p + 6])
			return false;
		udp_size = dns_get16(f + p + 3);
		do_bit = f[p + 7] & 0x80;
		rdend = p + 11 + dns_get16(f + p + 9);
		if (rdend != end)
			return false;
		p += 11;
		for (i = 0; p < rdend; i++) {
			uint16_t code, ol;

			if (i == 8 || p + 4 > rdend)
				return false;
			code = dns_get16(f + p);
			ol = dns_get16(f + p + 2);
			if (p + 4 + ol > rdend || (code != 10 && code != 12))
				return false;
			p += 4 + ol;
		}
		edns = true;
	} else if (p != end) {
		return false;
	}
	for (i = 0; i < NCACHED; i++) {
		uint8_t w[256];
		size_t wl = tx_name(w, cached[i].name), alen;

		if (wl != nl || memcmp(w, lname, nl) || cached[i].qtype != qtype ||
		    cached[i].do_bit != do_bit)
			continue;
		alen = cached[i].dns_len_plain - (12 + wl + 4) + 12 + *qlen +
		       (edns ? 11 : 0);
		return alen <= (edns && udp_size > 512 ? udp_size : 512);
	}
	return false;
}

/* A valid query for one of the cached keys (or a near miss), wrapped. */
static size_t base_frame(uint8_t *f)
{
	static const uint8_t cookie[12] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tx_frame_opts o = { .family = rng() & 1 ? 4 : 6,
				   .vlans = rng() % 3 };
	const struct cached *c = &cached[rng() % NCACHED];
	struct tx_query q = { .id = rng(), .qtype = c->qtype, .flags = 0x0100 };
	char name[300];
	size_t i;

	for (i = 0; c->name[i]; i++)
		name[i] = rng() & 1 && c->name[i] >= 'a' ? c->name[i] - 32 : c->name[i];
	name[i] = 0;
	q.name = name;
	if (o.family == 4 && rng() % 4 == 0)
		o.ip_opts = 4 * (1 + rng() % 10);
	q.edns = c->do_bit || rng() & 1;
	q.do_bit = c->do_bit;
	if (q.edns && rng() % 4 == 0) {
		q.opts = cookie;
		q.opts_len = sizeof(cookie);
	}
	{
		uint8_t m[600];
		size_t n = tx_query_build(m, &q);

		return tx_frame(f, &o, m, n);
	}
}

static size_t mutate(uint8_t *f, size_t len)
{
	int k, kinds = 1 + rng() % 3;

	for (k = 0; k < kinds; k++) {
		switch (rng() % 6) {
		case 0:	/* flip bits in a few bytes */
		case 1: {
			int i, n = 1 + rng() % 4;

			for (i = 0; i < n; i++)
				f[rng() % len] ^= 1 << (rng() % 8);
			break;
		}
		case 2:	/* random byte somewhere in the DNS part */
			f[len - 1 - rng() % (len > 40 ? 40 : len)] = rng();
			break;
		case 3:	/* truncate */
			len = 14 + rng() % (len - 13);
			break;
		case 4: {	/* append */
			size_t n = rng() % 64, i;

			for (i = 0; i < n && len < 1500; i++)
				f[len++] = rng();
			break;
		}
		default:	/* set a byte to a boundary value */
			f[rng() % len] = (uint8_t[]){ 0, 1, 0x3f, 0x40, 0xc0, 0xff }[rng() % 6];
			break;
		}
	}
	return len;
}

int main(void)
{
	static uint8_t in[TX_FRAME_MAX], out[TX_FRAME_MAX];
	struct xdp_dns_bpf *skel;
	uint64_t answered = 0, passed = 0, bad_verdict = 0, wrong_tx = 0;
	uint64_t wrong_id = 0, bad_sum = 0, touched = 0, missed = 0, runs;
	time_t start = time(NULL);
	int prog_fd;

	if (geteuid() != 0)
		skip_all("needs root for BPF_PROG_TEST_RUN");
	skel = tx_load(&maps, false);
	if (!skel)
		skip_all("cannot load xdp_dns: %s", strerror(errno));
	prog_fd = bpf_program__fd(skel->progs.xdp_dns);
	ok(insert_entries() == 0, "cache entries inserted");

	for (runs = 0; runs < FUZZ_RUNS; runs++) {
		size_t len, dns_off = 0, qlen = 0;
		uint32_t olen = 0;
		int verdict;
		bool valid;

		if ((runs & 0xffff) == 0 && time(NULL) - start > FUZZ_SECONDS)
			break;
		if (rng() % 8 == 0) {
			size_t i;

			/* Random bytes under headers that reach our port. */
			len = base_frame(in);
			for (i = len - 1 - rng() % 30; i < len; i++)
				in[i] = rng();
			if (rng() & 1)
				len = mutate(in, len);
		} else {
			len = base_frame(in);
			if (rng() % 4)
				len = mutate(in, len);
		}
		valid = ref_answerable(in, len, &dns_off, &qlen);
		verdict = tx_run(prog_fd, in, len, out, &olen);
		if (verdict == XDP_PASS) {
			passed++;
			if (olen != len || memcmp(in, out, len))
				touched++;
			missed += valid;
			continue;
		}
		if (verdict != XDP_TX) {
			bad_verdict++;
			continue;
		}
		answered++;
		if (!valid) {
			if (wrong_tx++ < 3) {
				size_t i;

				printf("# answered a frame the reference refuses:\n# ");
				for (i = 0; i < len; i++)
					printf("%02x", in[i]);
				printf("\n");
			}
			continue;
		}
		if (olen < dns_off + 12 + qlen || memcmp(out + dns_off, in + dns_off, 2) ||
		    memcmp(out + dns_off + 12, in + dns_off + 12, qlen))
			wrong_id++;
		if (!tx_checksums_ok(out, olen))
			bad_sum++;
	}
	diag("%llu frames: %llu answered, %llu passed, %ld s",
	     (unsigned long long)runs, (unsigned long long)answered,
	     (unsigned long long)passed, (long)(time(NULL) - start));
	ok(runs >= 100000, "ran %llu frames (1e6 unless over %d s)",
	   (unsigned long long)runs, FUZZ_SECONDS);
	ok(answered > 1000 && passed > 1000, "both answered and passed frames");
	is_int(bad_verdict, 0, "only XDP_PASS or XDP_TX");
	is_int(wrong_tx, 0, "never answers what is not a valid cached query");
	is_int(wrong_id, 0, "answers keep ID and question bytes");
	is_int(bad_sum, 0, "answers carry valid checksums");
	is_int(touched, 0, "passed frames untouched");
	is_int(missed, 0, "every valid cached query answered (reference agrees)");
	refill_maps_close(&maps);
	xdp_dns_bpf__destroy(skel);
	return done_testing();
}
