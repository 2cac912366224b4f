// SPDX-License-Identifier: GPL-2.0
/* The zone inventory: a bounded hash table of zones with an LRU list, fed
 * by the workers' validation path, read by the control socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/rr.h"
#include "dns/rrset.h"
#include "dnssec/anchor.h"
#include "dnssec/chain.h"
#include "dnssec/dnskey.h"
#include "dnssec/keytag.h"
#include "dnssec/rrsig.h"
#include "dnssec/verdict.h"
#include "log.h"
#include "zones.h"
#include "zones_audit.h"

#define ZONES_CDNSKEY_MAX 4	/* CDNSKEY RDATA kept per zone */
#define ZONES_WARN_EVERY 86400	/* one expiry warning per zone per day */

struct zone_entry {
	struct zone_info info;
	uint32_t hash;
	struct zone_entry *hnext;		/* bucket chain */
	struct zone_entry *prev, *next;		/* LRU, most recent first */
	uint8_t *cdnskey[ZONES_CDNSKEY_MAX];	/* RDATA, for DS comparison */
	uint16_t cdnskey_len[ZONES_CDNSKEY_MAX];
	unsigned int ncdnskey_rdata;
	uint64_t warned;			/* last expiry warning */
	uint64_t cds_probed;			/* last CDS/CDNSKEY ask, 0: due */
};

struct zones {
	pthread_mutex_t lock;
	struct zone_entry **buckets;
	size_t nbuckets;	/* a power of two */
	size_t count, cap;
	uint32_t warning;
	struct zone_entry *head, *tail;
	struct audit *audit;	/* NULL: no audit log (zones_set_audit()) */
};

/* FNV-1a over the lower-cased wire name. */
static uint32_t zones_hash(const uint8_t *name)
{
	size_t len = dns_name_length(name);
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = name[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static size_t zones_buckets_for(size_t cap)
{
	size_t n = 64;

	while (n < cap && n < (1u << 24))
		n <<= 1;
	return n;
}

struct zones *zones_new(size_t cap, uint32_t warning)
{
	struct zones *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->cap = cap ? cap : ZONES_DEFAULT_CAP;
	z->warning = warning;
	z->nbuckets = zones_buckets_for(z->cap);
	z->buckets = calloc(z->nbuckets, sizeof(*z->buckets));
	if (!z->buckets) {
		free(z);
		return NULL;
	}
	pthread_mutex_init(&z->lock, NULL);
	return z;
}

static void zones_entry_free(struct zone_entry *e)
{
	for (unsigned int i = 0; i < e->ncdnskey_rdata; i++)
		free(e->cdnskey[i]);
	free(e);
}

static void lru_unlink(struct zones *z, struct zone_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		z->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		z->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct zones *z, struct zone_entry *e)
{
	e->prev = NULL;
	e->next = z->head;
	if (z->head)
		z->head->prev = e;
	z->head = e;
	if (!z->tail)
		z->tail = e;
}

static void zones_remove(struct zones *z, struct zone_entry *e)
{
	struct zone_entry **pp = &z->buckets[e->hash & (z->nbuckets - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(z, e);
	z->count--;
	zones_entry_free(e);
}

void zones_free(struct zones *z)
{
	if (!z)
		return;
	while (z->head)
		zones_remove(z, z->head);
	free(z->buckets);
	pthread_mutex_destroy(&z->lock);
	free(z);
}

void zones_set_audit(struct zones *z, struct audit *audit)
{
	pthread_mutex_lock(&z->lock);
	z->audit = audit;
	pthread_mutex_unlock(&z->lock);
}

void zones_configure(struct zones *z, size_t cap, uint32_t warning)
{
	pthread_mutex_lock(&z->lock);
	/* The bucket array stays: chains only get longer past its size. */
	z->cap = cap ? cap : ZONES_DEFAULT_CAP;
	z->warning = warning;
	while (z->count > z->cap && z->tail)
		zones_remove(z, z->tail);
	pthread_mutex_unlock(&z->lock);
}

static struct zone_entry *zones_find(struct zones *z, const uint8_t *name,
				     uint32_t hash)
{
	struct zone_entry *e = z->buckets[hash & (z->nbuckets - 1)];

	for (; e; e = e->hnext)
		if (e->hash == hash && dns_name_equal(e->info.name, name))
			return e;
	return NULL;
}

/* The zone as stored before an update, for zones_audit_diff(); one per
 * thread (large), taken under the lock. */
static __thread struct zone_info zones_before;

/* Remember @name's stored state before an update. Called locked.
 * Return: &zones_before, or NULL if the zone is new (or no log). */
static const struct zone_info *zones_snapshot(struct zones *z, const uint8_t *name)
{
	struct zone_entry *e;

	if (!z->audit)
		return NULL;
	e = zones_find(z, name, zones_hash(name));
	if (!e)
		return NULL;
	zones_before = e->info;
	return &zones_before;
}

/* The entry of @name, moved to the LRU head; created when @create (the
 * least recently updated zone goes at capacity). Called locked. */
static struct zone_entry *zones_touch(struct zones *z, const uint8_t *name,
				      bool create, uint64_t now)
{
	uint32_t hash = zones_hash(name);
	struct zone_entry *e = zones_find(z, name, hash);

	if (!e) {
		if (!create)
			return NULL;
		if (z->count >= z->cap && z->tail)
			zones_remove(z, z->tail);
		e = calloc(1, sizeof(*e));
		if (!e)
			return NULL;
		dns_name_copy(e->info.name, name);
		dns_name_to_lower(e->info.name);
		e->info.ede = 0xffff;
		e->hash = hash;
		e->hnext = z->buckets[hash & (z->nbuckets - 1)];
		z->buckets[hash & (z->nbuckets - 1)] = e;
		z->count++;
	} else {
		lru_unlink(z, e);
	}
	lru_push(z, e);
	e->info.updated = now;
	return e;
}

/* --- DS versus CDS / CDNSKEY (RFC 7344 4, RFC 8078 4) ------------------- */

static bool zone_ds_equal(const struct zone_ds *a, const struct zone_ds *b)
{
	return a->tag == b->tag && a->algorithm == b->algorithm &&
	       a->digest_type == b->digest_type && a->digest_len == b->digest_len &&
	       !memcmp(a->digest, b->digest, a->digest_len);
}

bool zones_ds_in(const struct zone_ds *ds, const struct zone_ds *set, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (zone_ds_equal(ds, &set[i]))
			return true;
	return false;
}

/* Sets, not lists: the order of records in an RRset means nothing. */
bool zones_ds_set_equal(const struct zone_ds *a, unsigned int na,
			const struct zone_ds *b, unsigned int nb)
{
	if (na != nb)
		return false;
	for (unsigned int i = 0; i < na; i++)
		if (!zones_ds_in(&a[i], b, nb))
			return false;
	return true;
}

static bool zone_key_in(const struct zone_key *k, const struct zone_key *set,
			unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i].tag == k->tag && set[i].flags == k->flags &&
		    set[i].algorithm == k->algorithm)
			return true;
	return false;
}

bool zones_keys_equal(const struct zone_key *a, unsigned int na,
		      const struct zone_key *b, unsigned int nb)
{
	if (na != nb)
		return false;
	for (unsigned int i = 0; i < na; i++)
		if (!zone_key_in(&a[i], b, nb))
			return false;
	return true;
}

/* Does the parent's DS @ds designate the CDNSKEY @key? */
static bool zone_ds_designates(const uint8_t *zone, const struct zone_ds *ds,
			       const uint8_t *key, uint16_t len)
{
	struct val_ds v = { .key_tag = ds->tag, .algorithm = ds->algorithm,
			    .digest_type = ds->digest_type, .digest = ds->digest,
			    .digest_len = ds->digest_len };

	return val_ds_matches(&v, zone, key, len);
}

static void zone_cds_compare(struct zone_entry *e)
{
	struct zone_info *zi = &e->info;

	if (zi->has_cds) {
		bool same = zi->ncds == zi->nds;

		/* RFC 8078 4: CDS 0 0 0 00 asks the parent to remove the DS. */
		if (zi->ncds == 1 && zi->cds[0].algorithm == 0)
			zi->cds_match = ZONE_CDS_DELETE;
		else {
			for (unsigned int i = 0; same && i < zi->ncds; i++)
				same = zones_ds_in(&zi->cds[i], zi->ds, zi->nds);
			for (unsigned int i = 0; same && i < zi->nds; i++)
				same = zones_ds_in(&zi->ds[i], zi->cds, zi->ncds);
			zi->cds_match = same ? ZONE_CDS_MATCH : ZONE_CDS_DIFFER;
		}
	}
	if (zi->has_cdnskey) {
		bool same = zi->nds > 0;

		/* RFC 8078 4: CDNSKEY 0 3 0 AA== is the delete request. */
		if (e->ncdnskey_rdata == 1 && e->cdnskey_len[0] >= 4 &&
		    e->cdnskey[0][3] == 0) {
			zi->cdnskey_match = ZONE_CDS_DELETE;
			return;
		}
		/* Every DS designates a CDNSKEY and every CDNSKEY is designated. */
		for (unsigned int i = 0; same && i < zi->nds; i++) {
			bool found = false;

			for (unsigned int k = 0; !found && k < e->ncdnskey_rdata; k++)
				found = zone_ds_designates(zi->name, &zi->ds[i], e->cdnskey[k],
							   e->cdnskey_len[k]);
			same = found;
		}
		for (unsigned int k = 0; same && k < e->ncdnskey_rdata; k++) {
			bool found = false;

			for (unsigned int i = 0; !found && i < zi->nds; i++)
				found = zone_ds_designates(zi->name, &zi->ds[i], e->cdnskey[k],
							   e->cdnskey_len[k]);
			same = found;
		}
		zi->cdnskey_match = same ? ZONE_CDS_MATCH : ZONE_CDS_DIFFER;
	}
}

/* --- feeding -------------------------------------------------------------- */

/* Log once per zone per day when its earliest signature expires soon.
 * Called locked; the message is written after the unlock by the caller
 * through @warn (the zone name) and @left. */
static bool zone_expiry_due(struct zones *z, struct zone_entry *e, uint64_t now,
			    int64_t *left)
{
	if (!z->warning || !e->info.has_expiry)
		return false;
	*left = (int64_t)e->info.expiry - (int64_t)now;
	if (*left > (int64_t)z->warning)
		return false;
	if (e->warned && now - e->warned < ZONES_WARN_EVERY)
		return false;
	e->warned = now;
	return true;
}

static void zone_expiry_warn(const uint8_t *zone, int64_t left)
{
	char text[DNS_NAME_TEXT_MAXLEN];

	if (dns_name_to_text(zone, text, sizeof(text)) < 0)
		return;
	if (left <= 0)
		log_warn("zone %s: a signature expired %lld s ago", text, (long long)-left);
	else
		log_warn("zone %s: a signature expires in %lld s (%lld h)", text,
			 (long long)left, (long long)(left / 3600));
}

static void zone_ds_from(struct zone_ds *d, const uint8_t *rdata, size_t len)
{
	struct val_ds v;

	memset(d, 0, sizeof(*d));
	if (val_ds_parse(rdata, len, &v))
		return;
	d->tag = v.key_tag;
	d->algorithm = v.algorithm;
	d->digest_type = v.digest_type;
	d->digest_len = (uint8_t)(v.digest_len < ZONES_DIGEST_MAX ? v.digest_len :
				  ZONES_DIGEST_MAX);
	memcpy(d->digest, v.digest, d->digest_len);
}

/* Is @rr a record of @type owned by @owner in the answer section? */
static bool rr_is(const struct dns_rr *rr, uint16_t type, const uint8_t *owner)
{
	return rr->section == DNS_SECTION_ANSWER && rr->type == type &&
	       dns_name_equal(rr->owner, owner);
}

int zones_note_response(struct zones *z, const struct dns_msg *msg, uint64_t now)
{
	struct zone_key old[ZONES_MAX_KEYS];
	unsigned int nold;
	const struct zone_info *before;
	const uint8_t *zone;
	struct zone_entry *e;
	struct zone_info *zi;
	uint16_t qtype;
	bool due = false;
	int64_t left = 0;
	unsigned int n = 0;

	if (msg->qdcount < 1)
		return -EINVAL;
	zone = msg->question[0].name;
	qtype = msg->question[0].qtype;
	if (qtype != DNS_TYPE_DS && qtype != DNS_TYPE_DNSKEY)
		return -EINVAL;
	for (size_t i = 0; i < msg->rr_count; i++)
		n += rr_is(&msg->rr[i], qtype, zone);
	pthread_mutex_lock(&z->lock);
	before = zones_snapshot(z, zone);
	if (qtype == DNS_TYPE_DS) {
		/* A DS NODATA also comes for names that are no cut: it only
		 * updates a zone already known. */
		e = zones_touch(z, zone, n > 0, now);
		if (!e)
			goto out;
		zi = &e->info;
		zi->nds = 0;
		zi->has_ds = true;
		for (size_t i = 0; i < msg->rr_count && zi->nds < ZONES_MAX_DS; i++)
			if (rr_is(&msg->rr[i], DNS_TYPE_DS, zone))
				zone_ds_from(&zi->ds[zi->nds++], msg->rr[i].rdata,
					     msg->rr[i].rdata_len);
		zone_cds_compare(e);
		zones_audit_diff(z->audit, before, zi);
		goto out;
	}
	if (!n) {
		pthread_mutex_unlock(&z->lock);
		return -EINVAL;
	}
	e = zones_touch(z, zone, true, now);
	if (!e) {
		pthread_mutex_unlock(&z->lock);
		return -ENOMEM;
	}
	zi = &e->info;
	memcpy(old, zi->keys, sizeof(old));
	nold = zi->nkeys;
	zi->nkeys = 0;
	zi->has_expiry = false;
	for (size_t i = 0; i < msg->rr_count; i++) {
		const struct dns_rr *rr = &msg->rr[i];
		struct val_rrsig sig;

		if (rr_is(rr, DNS_TYPE_DNSKEY, zone) && zi->nkeys < ZONES_MAX_KEYS &&
		    rr->rdata_len >= 4) {
			struct zone_key *k = &zi->keys[zi->nkeys];

			if (dnssec_keytag(rr->rdata, rr->rdata_len, &k->tag))
				continue;
			k->flags = (uint16_t)(rr->rdata[0] << 8 | rr->rdata[1]);
			k->algorithm = rr->rdata[3];
			zi->nkeys++;
		} else if (rr_is(rr, DNS_TYPE_RRSIG, zone) &&
			   dns_rrsig_covered(rr->rdata, rr->rdata_len) == DNS_TYPE_DNSKEY &&
			   !val_rrsig_parse(rr->rdata, rr->rdata_len, &sig) &&
			   dns_name_equal(sig.signer, zone)) {
			/* Fresh keys: their signatures replace what was seen. */
			if (!zi->has_expiry || val_serial_lt(sig.expiration, zi->expiry))
				zi->expiry = sig.expiration;
			zi->has_expiry = true;
		}
	}
	/* New keys: a rollover is when a child's CDS changes (RFC 7344 4). */
	if (!zones_keys_equal(old, nold, zi->keys, zi->nkeys))
		e->cds_probed = 0;
	zones_audit_diff(z->audit, before, zi);
	due = zone_expiry_due(z, e, now, &left);
out:
	pthread_mutex_unlock(&z->lock);
	if (due)
		zone_expiry_warn(zone, left);
	return 0;
}

int zones_note_state(struct zones *z, const uint8_t *zone, enum zone_state state,
		     uint16_t ede, uint64_t now)
{
	const struct zone_info *before;
	struct zone_entry *e;

	pthread_mutex_lock(&z->lock);
	before = zones_snapshot(z, zone);
	e = zones_touch(z, zone, true, now);
	if (e) {
		e->info.state = state;
		e->info.ede = ede;
		e->info.validated = now;
		zones_audit_diff(z->audit, before, &e->info);
	}
	pthread_mutex_unlock(&z->lock);
	return e ? 0 : -ENOMEM;
}

const uint8_t *zones_note_signatures(struct zones *z, const struct dns_msg *msg,
				     uint64_t now)
{
	const uint8_t *signer = NULL;
	uint32_t earliest = 0;
	struct zone_entry *e;
	bool due = false;
	int64_t left = 0;

	/* The first signer and its earliest expiration: one lookup. */
	for (size_t i = 0; i < msg->rr_count; i++) {
		const struct dns_rr *rr = &msg->rr[i];
		struct val_rrsig sig;

		if (rr->type != DNS_TYPE_RRSIG ||
		    val_rrsig_parse(rr->rdata, rr->rdata_len, &sig))
			continue;
		if (!signer) {
			signer = sig.signer;
			earliest = sig.expiration;
		} else if (dns_name_equal(signer, sig.signer) &&
			   val_serial_lt(sig.expiration, earliest)) {
			earliest = sig.expiration;
		}
	}
	if (!signer)
		return NULL;
	pthread_mutex_lock(&z->lock);
	e = zones_find(z, signer, zones_hash(signer));
	if (e && (!e->info.has_expiry || val_serial_lt(earliest, e->info.expiry))) {
		e->info.expiry = earliest;
		e->info.has_expiry = true;
		due = zone_expiry_due(z, e, now, &left);
	}
	pthread_mutex_unlock(&z->lock);
	if (due)
		zone_expiry_warn(signer, left);
	return signer;
}

bool zones_cds_probe_due(struct zones *z, const uint8_t *zone, uint64_t now)
{
	struct zone_entry *e;
	bool due = false;

	pthread_mutex_lock(&z->lock);
	e = zones_find(z, zone, zones_hash(zone));
	if (e && e->info.nkeys) {
		due = !e->cds_probed || now >= e->cds_probed + ZONES_CDS_PROBE_EVERY;
		if (due)
			e->cds_probed = now;
	}
	pthread_mutex_unlock(&z->lock);
	return due;
}

int zones_note_cds(struct zones *z, const struct dns_msg *msg, uint64_t now)
{
	const struct zone_info *before;
	const uint8_t *zone;
	struct zone_entry *e;
	struct zone_info *zi;
	unsigned int n = 0;
	uint16_t qtype;

	if (msg->qdcount < 1)
		return -EINVAL;
	zone = msg->question[0].name;
	qtype = msg->question[0].qtype;
	if (qtype != DNS_TYPE_CDS && qtype != DNS_TYPE_CDNSKEY)
		return -EINVAL;
	for (size_t i = 0; i < msg->rr_count; i++)
		n += rr_is(&msg->rr[i], qtype, zone);
	pthread_mutex_lock(&z->lock);
	before = zones_snapshot(z, zone);
	/* None published: nothing to compare, and no zone made of a name
	 * that may be no zone at all. */
	e = zones_touch(z, zone, n > 0, now);
	if (!e) {
		pthread_mutex_unlock(&z->lock);
		return n ? -ENOMEM : 0;
	}
	zi = &e->info;
	if (qtype == DNS_TYPE_CDS) {
		zi->ncds = 0;
		zi->has_cds = n > 0;
		for (size_t i = 0; i < msg->rr_count && zi->ncds < ZONES_MAX_DS; i++)
			if (rr_is(&msg->rr[i], DNS_TYPE_CDS, zone))
				zone_ds_from(&zi->cds[zi->ncds++], msg->rr[i].rdata,
					     msg->rr[i].rdata_len);
	} else {
		for (unsigned int i = 0; i < e->ncdnskey_rdata; i++)
			free(e->cdnskey[i]);
		e->ncdnskey_rdata = 0;
		zi->ncdnskey = 0;
		zi->has_cdnskey = n > 0;
		for (size_t i = 0; i < msg->rr_count; i++) {
			const struct dns_rr *rr = &msg->rr[i];
			uint16_t tag;

			if (!rr_is(rr, DNS_TYPE_CDNSKEY, zone) || rr->rdata_len < 4)
				continue;
			if (zi->ncdnskey < ZONES_MAX_KEYS &&
			    !dnssec_keytag(rr->rdata, rr->rdata_len, &tag))
				zi->cdnskey_tags[zi->ncdnskey++] = tag;
			if (e->ncdnskey_rdata < ZONES_CDNSKEY_MAX) {
				uint8_t *copy = malloc(rr->rdata_len);

				if (!copy)
					continue;
				memcpy(copy, rr->rdata, rr->rdata_len);
				e->cdnskey[e->ncdnskey_rdata] = copy;
				e->cdnskey_len[e->ncdnskey_rdata++] = rr->rdata_len;
			}
		}
	}
	zone_cds_compare(e);
	zones_audit_diff(z->audit, before, zi);
	pthread_mutex_unlock(&z->lock);
	return 0;
}

/* --- reading ---------------------------------------------------------------- */

int zones_get(struct zones *z, const uint8_t *zone, struct zone_info *out)
{
	struct zone_entry *e;

	pthread_mutex_lock(&z->lock);
	e = zones_find(z, zone, zones_hash(zone));
	if (e)
		*out = e->info;
	pthread_mutex_unlock(&z->lock);
	return e ? 0 : -ENOENT;
}

static int zones_info_cmp(const void *a, const void *b)
{
	return dns_name_compare(((const struct zone_info *)a)->name,
				((const struct zone_info *)b)->name);
}

int zones_foreach(struct zones *z, int (*fn)(const struct zone_info *zi, void *arg),
		  void *arg)
{
	struct zone_info *all;
	size_t n = 0;
	int ret = 0;

	/* A snapshot, so that slow output never holds the workers up. */
	pthread_mutex_lock(&z->lock);
	all = malloc((z->count ? z->count : 1) * sizeof(*all));
	if (!all) {
		pthread_mutex_unlock(&z->lock);
		return -ENOMEM;
	}
	for (struct zone_entry *e = z->head; e; e = e->next)
		all[n++] = e->info;
	pthread_mutex_unlock(&z->lock);
	qsort(all, n, sizeof(*all), zones_info_cmp);
	for (size_t i = 0; !ret && i < n; i++)
		ret = fn(&all[i], arg);
	free(all);
	return ret;
}

size_t zones_count(struct zones *z)
{
	size_t n;

	pthread_mutex_lock(&z->lock);
	n = z->count;
	pthread_mutex_unlock(&z->lock);
	return n;
}

const char *zones_state_name(enum zone_state state)
{
	switch (state) {
	case ZONE_SECURE:
		return "secure";
	case ZONE_INSECURE:
		return "insecure";
	case ZONE_BOGUS:
		return "bogus";
	case ZONE_NTA:
		return "nta";
	default:
		return "unknown";
	}
}

const char *zones_cds_match_name(enum zone_cds_match m)
{
	switch (m) {
	case ZONE_CDS_MATCH:
		return "match";
	case ZONE_CDS_DIFFER:
		return "differ";
	case ZONE_CDS_DELETE:
		return "delete";
	default:
		return NULL;
	}
}

/* --- the feed from the validation path ---------------------------------------- */

void zones_note_chain(struct zones *z, struct val_chain *chain, const uint8_t *wire,
		      size_t len)
{
	uint64_t now = (uint64_t)time(NULL);
	struct val_keyset *ks = NULL;
	struct val_budget budget;
	struct val_result r;
	struct val_need need;
	struct dns_msg msg;
	enum val_status st;
	const uint8_t *zone;
	uint16_t qtype;
	bool nta = false;
	unsigned int n = 0;

	if (!z || !chain)
		return;
	dns_msg_init(&msg);
	if (dns_msg_parse(&msg, wire, len) || msg.qdcount < 1)
		goto out;
	zone = msg.question[0].name;
	qtype = msg.question[0].qtype;
	if (qtype != DNS_TYPE_DS && qtype != DNS_TYPE_DNSKEY)
		goto out;
	for (size_t i = 0; i < msg.rr_count; i++)
		n += rr_is(&msg.rr[i], qtype, zone);
	zones_note_response(z, &msg, now);
	val_anchors_closest(val_chain_anchors(chain), zone, &nta);
	val_budget_init(&budget, val_chain_limits(chain));
	st = val_chain_zone_keys(chain, zone, (uint32_t)now, &budget, &r, &need, &ks);
	if (nta && st == VAL_INSECURE) {
		if (n)
			zones_note_state(z, zone, ZONE_NTA, 0xffff, now);
		goto out;
	}
	switch (st) {
	case VAL_SECURE:
		/* The keys of this very zone (a DS response of a name that is
		 * no cut leaves us in the parent). */
		if (qtype == DNS_TYPE_DNSKEY && ks && dns_name_equal(ks->zone, zone))
			zones_note_state(z, zone, ZONE_SECURE, 0xffff, now);
		break;
	case VAL_INSECURE:
		/* A DNSKEY set of unsupported algorithms only, or the walk
		 * reached this DS and found it proven absent: the cut is here
		 * (RFC 4035 5.2). */
		if (qtype == DNS_TYPE_DNSKEY || !n)
			zones_note_state(z, zone, ZONE_INSECURE, r.ede, now);
		break;
	case VAL_BOGUS:
		if (qtype == DNS_TYPE_DNSKEY || n)
			zones_note_state(z, zone, ZONE_BOGUS, r.ede, now);
		break;
	default:
		break;	/* data still missing: the verdict comes with it */
	}
out:
	dns_msg_release(&msg);
}
