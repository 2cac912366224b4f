// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the zone inventory (keys, DS, expiry, CDS/CDNSKEY
 * agreement per RFC 7344 and RFC 8078, LRU bound) and of the kernel cache
 * flush below a name that trust changes use. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dns/message.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/crypto.h"
#include "dnssec/keytag.h"
#include "refill.h"
#include "tap.h"
#include "trust.h"
#include "xdpdns/shared.h"
#include "zones.h"

#define T_NOW 1800000000u	/* a fixed clock (2027-01-15) */

static uint8_t buf[8192];
static struct dns_msg msg;

struct rec {
	uint16_t type;
	const char *owner;
	const uint8_t *rdata;
	size_t len;
};

/* A response to @qname/@qtype with @n answer records, parsed into msg. */
static int respond(const char *qname, uint16_t qtype, const struct rec *r, size_t n)
{
	uint8_t name[DNS_NAME_MAXLEN], owner[DNS_NAME_MAXLEN];
	struct dns_builder b;
	size_t len;

	dns_name_from_text(qname, name);
	dns_builder_init(&b, buf, sizeof(buf), 0, 1, DNS_FLAG_QR | DNS_FLAG_RD);
	dns_builder_question(&b, name, qtype, DNS_CLASS_IN);
	for (size_t i = 0; i < n; i++) {
		dns_name_from_text(r[i].owner, owner);
		if (dns_builder_rr(&b, DNS_SECTION_ANSWER, owner, r[i].type, DNS_CLASS_IN,
				   300, r[i].rdata, r[i].len))
			return -1;
	}
	len = dns_builder_finish(&b);
	return dns_msg_parse(&msg, buf, len);
}

/* DNSKEY RDATA: flags, protocol 3, algorithm 13, a 64-octet key. */
static size_t dnskey(uint8_t *out, uint16_t flags, uint8_t fill)
{
	out[0] = flags >> 8;
	out[1] = flags & 0xff;
	out[2] = 3;
	out[3] = 13;
	memset(out + 4, fill, 64);
	return 68;
}

/* RRSIG RDATA over @covered by @signer, expiring at @exp. */
static size_t rrsig(uint8_t *out, uint16_t covered, const char *signer, uint32_t exp)
{
	uint8_t s[DNS_NAME_MAXLEN];
	size_t sl;

	dns_name_from_text(signer, s);
	sl = dns_name_length(s);
	out[0] = covered >> 8;
	out[1] = covered & 0xff;
	out[2] = 13;
	out[3] = 1;
	memset(out + 4, 0, 4);
	out[4 + 2] = 0x01;	/* TTL 300 */
	out[4 + 3] = 0x2c;
	out[8] = exp >> 24;
	out[9] = exp >> 16;
	out[10] = exp >> 8;
	out[11] = exp;
	memset(out + 12, 0, 4);	/* inception */
	out[16] = 0x12;
	out[17] = 0x34;
	memcpy(out + 18, s, sl);
	memset(out + 18 + sl, 0xab, 64);
	return 18 + sl + 64;
}

/* DS RDATA for @key of @zone with SHA-256 (or a fake digest if @fake). */
static size_t ds_for(uint8_t *out, const char *zone, const uint8_t *key, size_t klen,
		     bool fake)
{
	uint8_t owner[DNS_NAME_MAXLEN];
	size_t dlen = 32;
	uint16_t tag = 0;

	dns_name_from_text(zone, owner);
	dnssec_keytag(key, klen, &tag);
	out[0] = tag >> 8;
	out[1] = tag & 0xff;
	out[2] = 13;
	out[3] = 2;
	if (fake || dnssec_ds_digest(2, owner, dns_name_length(owner), key, klen, out + 4,
				     &dlen))
		memset(out + 4, 0x5a, 32);
	return 36;
}

/* TAP skips (tap.h has skip_all only). */
static void skip_n(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_count, why);
}

static int collect(const struct zone_info *zi, void *arg)
{
	char *s = arg, text[DNS_NAME_TEXT_MAXLEN];

	dns_name_to_text(zi->name, text, sizeof(text));
	strcat(s, text);
	strcat(s, " ");
	return 0;
}

static void test_keys_ds_expiry(void)
{
	struct zones *z = zones_new(0, 0);
	uint8_t ksk[80], zsk[80], sig1[400], sig2[400], ds[40], sigA[400], name[DNS_NAME_MAXLEN];
	size_t kl = dnskey(ksk, 257, 1), zl = dnskey(zsk, 256 | ZONE_KEY_FLAG_REVOKE, 2);
	struct rec keys[] = {
		{ DNS_TYPE_DNSKEY, "example.", ksk, kl },
		{ DNS_TYPE_DNSKEY, "example.", zsk, zl },
		{ DNS_TYPE_RRSIG, "example.", sig1, rrsig(sig1, DNS_TYPE_DNSKEY, "example.", T_NOW + 5000) },
		{ DNS_TYPE_RRSIG, "example.", sig2, rrsig(sig2, DNS_TYPE_DNSKEY, "example.", T_NOW + 4000) },
	};
	struct zone_info zi;
	uint16_t tag;

	dns_name_from_text("example.", name);
	is_int(respond("example.", DNS_TYPE_DNSKEY, keys, 4), 0, "DNSKEY response built");
	is_int(zones_note_response(z, &msg, T_NOW), 0, "DNSKEY response noted");
	is_int(zones_get(z, name, &zi), 0, "example. is in the inventory");
	is_int(zi.nkeys, 2, "two keys");
	dnssec_keytag(ksk, kl, &tag);
	ok(zi.keys[0].tag == tag && zi.keys[0].flags == 257 && zi.keys[0].algorithm == 13,
	   "KSK tag, flags, algorithm");
	ok(zi.keys[1].flags & ZONE_KEY_FLAG_REVOKE, "REVOKE flag kept");
	ok(zi.has_expiry && zi.expiry == T_NOW + 4000, "earliest RRSIG expiry over the DNSKEY set");
	is_int(zi.state, ZONE_UNKNOWN, "no verdict yet");
	ok(!zi.has_ds, "no DS seen yet");

	/* The parent's DS. */
	struct rec dsr[] = { { DNS_TYPE_DS, "example.", ds, ds_for(ds, "example.", ksk, kl, false) } };
	respond("example.", DNS_TYPE_DS, dsr, 1);
	zones_note_response(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	ok(zi.has_ds && zi.nds == 1 && zi.ds[0].tag == tag && zi.ds[0].digest_type == 2,
	   "DS set recorded");

	/* A DS NODATA for a name that is no zone creates nothing. */
	respond("www.example.", DNS_TYPE_DS, NULL, 0);
	zones_note_response(z, &msg, T_NOW);
	is_int(zones_count(z), 1, "DS NODATA of an unknown name: no new zone");
	respond("www.example.", DNS_TYPE_A, NULL, 0);
	is_int(zones_note_response(z, &msg, T_NOW), -EINVAL, "an A response is refused");

	is_int(zones_note_state(z, name, ZONE_SECURE, 0xffff, T_NOW + 1), 0, "verdict noted");
	zones_get(z, name, &zi);
	ok(zi.state == ZONE_SECURE && zi.validated == T_NOW + 1, "secure, with its time");

	/* Answers lower the expiry of their signer, only of a known zone. */
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	struct rec ans[] = {
		{ DNS_TYPE_A, "www.example.", a, 4 },
		{ DNS_TYPE_RRSIG, "www.example.", sigA, rrsig(sigA, DNS_TYPE_A, "example.", T_NOW + 100) },
	};
	respond("www.example.", DNS_TYPE_A, ans, 2);
	zones_note_signatures(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	is_int(zi.expiry, T_NOW + 100, "an answer's earlier RRSIG lowers the expiry");
	ans[1].len = rrsig(sigA, DNS_TYPE_A, "other.", T_NOW + 10);
	ans[1].owner = "www.other.";
	ans[0].owner = "www.other.";
	respond("www.other.", DNS_TYPE_A, ans, 2);
	zones_note_signatures(z, &msg, T_NOW);
	is_int(zones_count(z), 1, "an unknown signer adds no zone");

	/* Fresh keys bring fresh signatures: the expiry is replaced. */
	respond("example.", DNS_TYPE_DNSKEY, keys, 4);
	zones_note_response(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	is_int(zi.expiry, T_NOW + 4000, "new DNSKEY set: expiry from its RRSIGs");
	zones_free(z);
}

static void test_cds(void)
{
	struct zones *z = zones_new(0, 0);
	uint8_t ksk[80], ksk2[80], ds[40], cds[40], cds2[40], name[DNS_NAME_MAXLEN];
	size_t kl = dnskey(ksk, 257, 1), kl2 = dnskey(ksk2, 257, 7);
	static const uint8_t del_cds[5] = { 0, 0, 0, 0, 0 };
	static const uint8_t del_cdnskey[5] = { 0, 0, 3, 0, 0 };
	struct rec dsr[] = { { DNS_TYPE_DS, "c.example.", ds, ds_for(ds, "c.example.", ksk, kl, false) } };
	struct rec cdsr[] = { { DNS_TYPE_CDS, "c.example.", cds, ds_for(cds, "c.example.", ksk, kl, false) } };
	struct zone_info zi;

	dns_name_from_text("c.example.", name);
	respond("c.example.", DNS_TYPE_DS, dsr, 1);
	zones_note_response(z, &msg, T_NOW);
	respond("c.example.", DNS_TYPE_CDS, cdsr, 1);
	is_int(zones_note_cds(z, &msg, T_NOW), 0, "CDS noted");
	zones_get(z, name, &zi);
	ok(zi.has_cds && zi.ncds == 1 && zi.cds_match == ZONE_CDS_MATCH, "CDS equal to the DS: match");
	is_str(zones_cds_match_name(zi.cds_match), "match", "named match");

	cdsr[0].rdata = cds2;
	cdsr[0].len = ds_for(cds2, "c.example.", ksk2, kl2, false);
	respond("c.example.", DNS_TYPE_CDS, cdsr, 1);
	zones_note_cds(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	is_int(zi.cds_match, ZONE_CDS_DIFFER, "CDS for another key: differ (the parent lags)");

	cdsr[0].rdata = del_cds;
	cdsr[0].len = 5;
	respond("c.example.", DNS_TYPE_CDS, cdsr, 1);
	zones_note_cds(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	is_int(zi.cds_match, ZONE_CDS_DELETE, "CDS 0 0 0 00: delete (RFC 8078 4)");

	struct rec ck[] = { { DNS_TYPE_CDNSKEY, "c.example.", ksk, kl } };
	respond("c.example.", DNS_TYPE_CDNSKEY, ck, 1);
	is_int(zones_note_cds(z, &msg, T_NOW), 0, "CDNSKEY noted");
	zones_get(z, name, &zi);
	ok(zi.has_cdnskey && zi.ncdnskey == 1 && zi.cdnskey_match == ZONE_CDS_MATCH,
	   "CDNSKEY of the key the DS digests: match");
	ck[0].rdata = ksk2;
	ck[0].len = kl2;
	respond("c.example.", DNS_TYPE_CDNSKEY, ck, 1);
	zones_note_cds(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	is_int(zi.cdnskey_match, ZONE_CDS_DIFFER, "CDNSKEY of another key: differ");
	ck[0].rdata = del_cdnskey;
	ck[0].len = 5;
	respond("c.example.", DNS_TYPE_CDNSKEY, ck, 1);
	zones_note_cds(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	is_int(zi.cdnskey_match, ZONE_CDS_DELETE, "CDNSKEY 0 3 0 AA==: delete");

	/* The parent follows: a DS of the new key; CDNSKEY of it matches. */
	ck[0].rdata = ksk2;
	ck[0].len = kl2;
	respond("c.example.", DNS_TYPE_CDNSKEY, ck, 1);
	zones_note_cds(z, &msg, T_NOW);
	dsr[0].len = ds_for(ds, "c.example.", ksk2, kl2, false);
	respond("c.example.", DNS_TYPE_DS, dsr, 1);
	zones_note_response(z, &msg, T_NOW);
	zones_get(z, name, &zi);
	is_int(zi.cdnskey_match, ZONE_CDS_MATCH, "a new parent DS is compared again");
	respond("c.example.", DNS_TYPE_A, NULL, 0);
	is_int(zones_note_cds(z, &msg, T_NOW), -EINVAL, "an A answer is no CDS");

	/* The child withdraws its CDS: NODATA clears it; a name that is no
	 * zone is not made one by a CDS NODATA. */
	respond("c.example.", DNS_TYPE_CDS, NULL, 0);
	is_int(zones_note_cds(z, &msg, T_NOW), 0, "CDS NODATA noted");
	zones_get(z, name, &zi);
	ok(!zi.has_cds && zi.ncds == 0, "CDS withdrawn: none shown");
	respond("www.c.example.", DNS_TYPE_CDNSKEY, NULL, 0);
	is_int(zones_note_cds(z, &msg, T_NOW), 0, "CDNSKEY NODATA of a name");
	is_int(zones_count(z), 1, "a CDNSKEY NODATA adds no zone");
	zones_free(z);
}

/* When the daemon asks a zone's CDS and CDNSKEY itself. */
static void test_cds_probe(void)
{
	struct zones *z = zones_new(0, 0);
	uint8_t k1[80], k2[80], name[DNS_NAME_MAXLEN], other[DNS_NAME_MAXLEN];
	struct rec keys[] = {
		{ DNS_TYPE_DNSKEY, "p.example.", k1, dnskey(k1, 257, 3) },
		{ DNS_TYPE_DNSKEY, "p.example.", k2, dnskey(k2, 256, 4) },
	};
	struct rec swapped[] = { keys[1], keys[0] };

	dns_name_from_text("p.example.", name);
	dns_name_from_text("q.example.", other);
	ok(!zones_cds_probe_due(z, name, T_NOW), "unknown zone: no probe");
	respond("p.example.", DNS_TYPE_DNSKEY, keys, 1);
	zones_note_response(z, &msg, T_NOW);
	ok(zones_cds_probe_due(z, name, T_NOW), "new zone: probe due");
	ok(!zones_cds_probe_due(z, name, T_NOW + 1), "asked: not again at once");
	ok(!zones_cds_probe_due(z, other, T_NOW + 1), "another, unknown zone: none");
	respond("p.example.", DNS_TYPE_DNSKEY, keys, 2);
	zones_note_response(z, &msg, T_NOW + 2);
	ok(zones_cds_probe_due(z, name, T_NOW + 2), "DNSKEY set changed: due again");
	/* An RRset is a set: the upstream may give its records in any order. */
	respond("p.example.", DNS_TYPE_DNSKEY, swapped, 2);
	zones_note_response(z, &msg, T_NOW + 3);
	ok(!zones_cds_probe_due(z, name, T_NOW + 3),
	   "same keys in another order: not due");
	ok(!zones_cds_probe_due(z, name, T_NOW + ZONES_CDS_PROBE_EVERY + 1),
	   "same keys, within the interval: not due");
	ok(zones_cds_probe_due(z, name, T_NOW + 2 + ZONES_CDS_PROBE_EVERY),
	   "the interval passed: due");
	zones_free(z);
}

static void test_lru_order(void)
{
	struct zones *z = zones_new(3, 0);
	uint8_t n[DNS_NAME_MAXLEN];
	char list[256] = "";
	const char *names[] = { "b.example.", "a.example.", "example.", "z.example." };

	for (int i = 0; i < 4; i++) {
		dns_name_from_text(names[i], n);
		zones_note_state(z, n, ZONE_INSECURE, 0xffff, T_NOW + i);
	}
	is_int(zones_count(z), 3, "capacity 3: three zones kept");
	dns_name_from_text("b.example.", n);
	is_int(zones_get(z, n, &(struct zone_info){ 0 }), -ENOENT,
	       "the least recently updated went");
	zones_foreach(z, collect, list);
	is_str(list, "example. a.example. z.example. ", "listed in canonical order");
	zones_configure(z, 1, 0);
	is_int(zones_count(z), 1, "shrunk to 1");
	dns_name_from_text("z.example.", n);
	is_int(zones_get(z, n, &(struct zone_info){ 0 }), 0, "the most recent stays");
	is_str(zones_state_name(ZONE_NTA), "nta", "state names");
	zones_free(z);
}

/* refill_cache_flush_below() on a map of the cache's layout. */
static void test_kernel_flush(void)
{
	const char *names[] = { "www.example.", "a.b.example.", "example.", "example.org.",
				"xexample." };
	struct refill_maps maps = { .cache_fd = -1 };
	struct xdpdns_cache_entry *e = calloc(1, sizeof(*e));
	struct xdpdns_cache_key k;
	uint8_t zone[DNS_NAME_MAXLEN];
	unsigned int deleted = 0;
	int fd, left = 0;

	if (geteuid() != 0 || !e) {
		skip_n(7, "needs root for a BPF map");
		free(e);
		return;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "zones_test", sizeof(k), sizeof(*e), 64, NULL);
	if (fd < 0) {
		skip_n(7, "cannot create a BPF map");
		free(e);
		return;
	}
	maps.cache_fd = fd;
	for (unsigned int i = 0; i < 5; i++) {
		memset(&k, 0, sizeof(k));
		k.name_hash = i + 1;
		k.qtype = DNS_TYPE_A;
		k.qclass = DNS_CLASS_IN;
		memset(e->name, 0, sizeof(e->name));
		dns_name_from_text(names[i], e->name);
		e->name_len = (uint16_t)dns_name_length(e->name);
		bpf_map_update_elem(fd, &k, e, BPF_ANY);
	}
	dns_name_from_text("example.", zone);
	is_int(refill_cache_flush_below(&maps, zone, &deleted), 0, "flush below example.");
	is_int(deleted, 3, "three entries at or below example. went");
	memset(&k, 0, sizeof(k));
	for (unsigned int i = 0; i < 5; i++) {
		k.name_hash = i + 1;
		k.qtype = DNS_TYPE_A;
		k.qclass = DNS_CLASS_IN;
		left += bpf_map_lookup_elem(fd, &k, e) == 0;
	}
	is_int(left, 2, "example.org. and xexample. stay");
	k.name_hash = 4;
	ok(bpf_map_lookup_elem(fd, &k, e) == 0, "example.org. is there");
	is_int(refill_cache_flush_below(&maps, zone, &deleted), 0, "again");
	is_int(deleted, 0, "nothing more to delete");
	close(fd);
	free(e);
	is_int(refill_cache_flush_below(NULL, zone, &deleted), 0, "no maps: nothing to do");
}

int main(void)
{
	dns_msg_init(&msg);
	test_keys_ds_expiry();
	test_cds();
	test_cds_probe();
	test_lru_order();
	test_kernel_flush();
	dns_msg_release(&msg);
	done_testing();
}
