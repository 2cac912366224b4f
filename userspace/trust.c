// SPDX-License-Identifier: GPL-2.0
/* Runtime trust anchors and NTAs (RFC 7646) over the configured anchors:
 * rebuild the set, install it for the workers, flush what it vouched for. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "cache.h"
#include "dns/rr.h"
#include "dnssec/anchor.h"
#include "dnssec/dnskey.h"
#include "dnssec/keytag.h"
#include "log.h"
#include "refill.h"
#include "server.h"
#include "trust.h"
#include "trust_audit.h"
#include "xdpdns/shared.h"

struct trust_nta {
	uint8_t name[DNS_NAME_MAXLEN];
	uint64_t expires;
	uint64_t added;
};

struct trust {
	pthread_mutex_t lock;
	struct val_anchors *base;	/* configured (owned), NULL: no validation */
	const char **base_source;	/* per base record, into @paths */
	char **paths;			/* the anchor files of the last reload */
	size_t npaths;
	uint8_t (*removed)[DNS_NAME_MAXLEN];	/* configured names removed */
	size_t nremoved;
	struct val_anchors *runtime;	/* anchors added at run time */
	struct trust_nta *nta;		/* runtime NTAs */
	size_t nnta;
	uint64_t next_expiry;		/* earliest NTA end, 0: none (atomic) */
};

struct trust *trust_new(void)
{
	struct trust *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->runtime = val_anchors_new();
	if (!t->runtime) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

static void trust_sources_free(struct trust *t)
{
	for (size_t i = 0; i < t->npaths; i++)
		free(t->paths[i]);
	free(t->paths);
	free(t->base_source);
	t->paths = NULL;
	t->npaths = 0;
	t->base_source = NULL;
}

void trust_free(struct trust *t)
{
	if (!t)
		return;
	val_anchors_free(t->base);
	val_anchors_free(t->runtime);
	trust_sources_free(t);
	free(t->removed);
	free(t->nta);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* --- building and installing the set ----------------------------------- */

static bool trust_is_removed(const struct trust *t, const uint8_t *name)
{
	for (size_t i = 0; i < t->nremoved; i++)
		if (dns_name_equal(t->removed[i], name))
			return true;
	return false;
}

static void trust_next_expiry(struct trust *t)
{
	uint64_t next = 0;

	for (size_t i = 0; i < t->nnta; i++)
		if (!next || t->nta[i].expires < next)
			next = t->nta[i].expires;
	__atomic_store_n(&t->next_expiry, next, __ATOMIC_RELEASE);
}

/* Configured anchors (less the removed names), runtime anchors, live NTAs;
 * NULL without a configured set: the daemon does not validate. */
static int trust_build(struct trust *t, uint64_t now, struct val_anchors **out)
{
	struct val_anchors *set;
	int err = 0;

	*out = NULL;
	if (!t->base)
		return 0;
	set = val_anchors_new();
	if (!set)
		return -ENOMEM;
	for (size_t i = 0; !err && i < t->base->count; i++) {
		const struct val_anchor *a = &t->base->a[i];

		if (a->kind != VAL_ANCHOR_NTA && trust_is_removed(t, a->name))
			continue;
		err = val_anchors_add(set, a->name, a->kind, a->rdata, a->len);
	}
	for (size_t i = 0; !err && i < t->runtime->count; i++) {
		const struct val_anchor *a = &t->runtime->a[i];

		err = val_anchors_add(set, a->name, a->kind, a->rdata, a->len);
	}
	for (size_t i = 0; !err && i < t->nnta; i++)
		if (t->nta[i].expires > now)
			err = val_anchors_add(set, t->nta[i].name, VAL_ANCHOR_NTA, NULL, 0);
	if (err) {
		val_anchors_free(set);
		return err;
	}
	*out = set;
	return 0;
}

/* Install the set for the workers (generation bump), then flush what was
 * cached at and below each changed name in both caches. Called locked. */
static int trust_apply(struct server *srv, uint64_t now,
		       const uint8_t (*names)[DNS_NAME_MAXLEN], size_t nnames)
{
	struct trust *t = srv->trust;
	struct val_anchors *set;
	int err;

	trust_next_expiry(t);
	err = trust_build(t, now, &set);
	if (err)
		return err;
	err = server_install_anchors(srv, set);
	if (err)
		return err;
	for (size_t i = 0; i < nnames; i++) {
		char text[DNS_NAME_TEXT_MAXLEN];
		size_t user = cache_flush_below(srv->cache, names[i]);
		unsigned int kernel = 0;
		int kerr = refill_cache_flush_below(srv->kmaps, names[i], &kernel);

		if (dns_name_to_text(names[i], text, sizeof(text)) < 0)
			strcpy(text, "?");
		if (kerr)
			log_warn("trust change at %s: kernel cache not flushed: %s", text,
				 strerror(-kerr));
		log_info("trust change at %s: %zu cached answers flushed (%u in the kernel)",
			 text, user, kernel);
	}
	return 0;
}

/* Which anchor file holds each configured record: the files are read
 * again, as config_load_anchors() reads them. */
static void trust_find_sources(struct trust *t, const struct config *cfg)
{
	trust_sources_free(t);
	if (!t->base || !t->base->count)
		return;
	t->base_source = calloc(t->base->count, sizeof(*t->base_source));
	t->paths = calloc(cfg->trust_anchor_count ? cfg->trust_anchor_count : 1,
			  sizeof(*t->paths));
	if (!t->base_source || !t->paths)
		return;
	for (unsigned int f = 0; f < cfg->trust_anchor_count; f++) {
		struct val_anchors *one = val_anchors_new();
		char err[256];

		t->paths[t->npaths] = strdup(cfg->trust_anchor[f]);
		if (!one || !t->paths[t->npaths] ||
		    config_anchor_file_load(cfg->trust_anchor[f], one, err, sizeof(err))) {
			free(t->paths[t->npaths]);
			t->paths[t->npaths] = NULL;
			val_anchors_free(one);
			continue;
		}
		for (size_t i = 0; i < t->base->count; i++) {
			const struct val_anchor *a = &t->base->a[i];

			for (size_t k = 0; !t->base_source[i] && k < one->count; k++) {
				const struct val_anchor *b = &one->a[k];

				if (a->kind == b->kind && a->len == b->len &&
				    dns_name_equal(a->name, b->name) &&
				    (!a->len || !memcmp(a->rdata, b->rdata, a->len)))
					t->base_source[i] = t->paths[t->npaths];
			}
		}
		t->npaths++;
		val_anchors_free(one);
	}
}

int trust_rebase(struct server *srv, struct val_anchors *base)
{
	struct trust *t = srv->trust;
	struct config cfg;
	int err;

	server_config(srv, &cfg);
	pthread_mutex_lock(&t->lock);
	val_anchors_free(t->base);
	t->base = base;
	/* The files are read again: they decide about what they hold. */
	t->nremoved = 0;
	trust_find_sources(t, &cfg);
	/* The reload path flushes below changed configured anchors itself. */
	err = trust_apply(srv, (uint64_t)time(NULL), NULL, 0);
	pthread_mutex_unlock(&t->lock);
	return err;
}

/* --- anchors ---------------------------------------------------------------- */

void trust_audit_change(struct server *srv, const uint8_t *zone,
			const struct anchors_ref *before, const char *detail)
{
	struct anchors_ref *after = server_anchors_hold(srv, NULL);

	trust_audit_anchor(srv->audit, zone, server_anchors_set(before),
			   server_anchors_set(after), detail);
	server_anchors_release(after);
}

static bool trust_same(const struct val_anchor *a, const uint8_t *name, int kind,
		       const uint8_t *rdata, size_t len)
{
	return a->kind == kind && a->len == len && dns_name_equal(a->name, name) &&
	       !memcmp(a->rdata, rdata, len);
}

int trust_anchor_add(struct server *srv, const uint8_t *name, int kind,
		     const uint8_t *rdata, size_t len)
{
	struct trust *t = srv->trust;
	struct anchors_ref *before;
	uint8_t lower[1][DNS_NAME_MAXLEN];
	int err;

	if (kind != VAL_ANCHOR_DS && kind != VAL_ANCHOR_DNSKEY)
		return -EINVAL;
	dns_name_copy(lower[0], name);
	dns_name_to_lower(lower[0]);
	pthread_mutex_lock(&t->lock);
	if (!t->base) {
		err = -EPERM;
		goto out;
	}
	for (size_t i = 0; i < t->base->count; i++)
		if (!trust_is_removed(t, lower[0]) &&
		    trust_same(&t->base->a[i], lower[0], kind, rdata, len)) {
			err = -EEXIST;
			goto out;
		}
	for (size_t i = 0; i < t->runtime->count; i++)
		if (trust_same(&t->runtime->a[i], lower[0], kind, rdata, len)) {
			err = -EEXIST;
			goto out;
		}
	before = server_anchors_hold(srv, NULL);
	err = val_anchors_add(t->runtime, lower[0], kind, rdata, len);
	if (!err)
		err = trust_apply(srv, (uint64_t)time(NULL), lower, 1);
	if (!err)
		trust_audit_change(srv, lower[0], before, kind == VAL_ANCHOR_DS ?
				   "DS added at run time" : "DNSKEY added at run time");
	server_anchors_release(before);
out:
	pthread_mutex_unlock(&t->lock);
	return err;
}

int trust_anchor_remove(struct server *srv, const uint8_t *name, size_t *removed)
{
	struct trust *t = srv->trust;
	struct anchors_ref *before;
	uint8_t lower[1][DNS_NAME_MAXLEN];
	size_t n = 0, keep = 0;
	int err = 0;

	dns_name_copy(lower[0], name);
	dns_name_to_lower(lower[0]);
	pthread_mutex_lock(&t->lock);
	if (!t->base) {
		err = -EPERM;
		goto out;
	}
	for (size_t i = 0; i < t->runtime->count; i++) {
		struct val_anchor *a = &t->runtime->a[i];

		if (dns_name_equal(a->name, lower[0])) {
			free(a->rdata);
			n++;
		} else {
			t->runtime->a[keep++] = *a;
		}
	}
	t->runtime->count = keep;
	if (!trust_is_removed(t, lower[0])) {
		size_t conf = 0;

		for (size_t i = 0; i < t->base->count; i++)
			conf += t->base->a[i].kind != VAL_ANCHOR_NTA &&
				dns_name_equal(t->base->a[i].name, lower[0]);
		if (conf) {
			void *r = realloc(t->removed, (t->nremoved + 1) * sizeof(*t->removed));

			if (!r) {
				err = -ENOMEM;
				goto out;
			}
			t->removed = r;
			dns_name_copy(t->removed[t->nremoved++], lower[0]);
			n += conf;
		}
	}
	if (!n) {
		err = -ENOENT;
		goto out;
	}
	*removed = n;
	before = server_anchors_hold(srv, NULL);
	err = trust_apply(srv, (uint64_t)time(NULL), lower, 1);
	if (!err)
		trust_audit_change(srv, lower[0], before, "removed at run time");
	server_anchors_release(before);
out:
	pthread_mutex_unlock(&t->lock);
	return err;
}

int trust_foreach_anchor(struct trust *t,
			 int (*fn)(const struct trust_anchor_info *ai, void *arg),
			 void *arg)
{
	int ret = 0;

	pthread_mutex_lock(&t->lock);
	for (int part = 0; part < 2 && !ret; part++) {
		struct val_anchors *set = part ? t->runtime : t->base;

		for (size_t i = 0; set && !ret && i < set->count; i++) {
			const struct val_anchor *a = &set->a[i];
			struct trust_anchor_info ai = { .name = a->name, .kind = a->kind };
			struct val_ds ds;

			if (a->kind == VAL_ANCHOR_NTA || (!part && trust_is_removed(t, a->name)))
				continue;
			if (a->kind == VAL_ANCHOR_DS && !val_ds_parse(a->rdata, a->len, &ds)) {
				ai.tag = ds.key_tag;
				ai.algorithm = ds.algorithm;
				ai.digest_type = ds.digest_type;
			} else if (a->kind == VAL_ANCHOR_DNSKEY && a->len >= 4) {
				dnssec_keytag(a->rdata, a->len, &ai.tag);
				ai.flags = (uint16_t)(a->rdata[0] << 8 | a->rdata[1]);
				ai.algorithm = a->rdata[3];
			}
			ai.source = part ? TRUST_SOURCE_RUNTIME :
				    t->base_source && t->base_source[i] ? t->base_source[i] :
				    "configuration";
			ret = fn(&ai, arg);
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

/* --- negative trust anchors (RFC 7646) ----------------------------------------- */

int trust_nta_add(struct server *srv, const uint8_t *name, uint32_t ttl, uint64_t now)
{
	struct trust *t = srv->trust;
	uint8_t lower[1][DNS_NAME_MAXLEN];
	struct trust_nta *n = NULL;
	int64_t was;
	int err;

	/* RFC 7646 8: an NTA is temporary, a week at most. */
	if (ttl < 1 || ttl > TRUST_NTA_TTL_MAX)
		return -EINVAL;
	dns_name_copy(lower[0], name);
	dns_name_to_lower(lower[0]);
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nnta; i++)
		if (dns_name_equal(t->nta[i].name, lower[0]))
			n = &t->nta[i];
	was = n ? (int64_t)n->expires : 0;
	if (!n) {
		struct trust_nta *a = realloc(t->nta, (t->nnta + 1) * sizeof(*a));

		if (!a) {
			err = -ENOMEM;
			goto out;
		}
		t->nta = a;
		n = &t->nta[t->nnta++];
		dns_name_copy(n->name, lower[0]);
	}
	n->added = now;
	n->expires = now + ttl;
	err = trust_apply(srv, now, lower, 1);
	if (!err)
		trust_audit_nta(srv->audit, lower[0], was, (int64_t)(now + ttl),
				was ? "renewed" : "added");
out:
	pthread_mutex_unlock(&t->lock);
	return err;
}

int trust_nta_remove(struct server *srv, const uint8_t *name)
{
	struct trust *t = srv->trust;
	uint8_t lower[1][DNS_NAME_MAXLEN];
	bool found = false;
	int64_t was = 0;
	size_t keep = 0;
	int err = -ENOENT;

	dns_name_copy(lower[0], name);
	dns_name_to_lower(lower[0]);
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nnta; i++) {
		if (dns_name_equal(t->nta[i].name, lower[0])) {
			found = true;
			was = (int64_t)t->nta[i].expires;
		} else {
			t->nta[keep++] = t->nta[i];
		}
	}
	t->nnta = keep;
	if (found)
		err = trust_apply(srv, (uint64_t)time(NULL), lower, 1);
	if (found && !err)
		trust_audit_nta(srv->audit, lower[0], was, 0, "removed");
	pthread_mutex_unlock(&t->lock);
	return err;
}

bool trust_expire_due(const struct trust *t, uint64_t now)
{
	uint64_t next = __atomic_load_n(&t->next_expiry, __ATOMIC_ACQUIRE);

	return next && now >= next;
}

int trust_expire(struct server *srv, uint64_t now)
{
	struct trust *t = srv->trust;
	uint8_t (*gone)[DNS_NAME_MAXLEN] = NULL;
	size_t keep = 0, ngone = 0;
	int err = 0;

	pthread_mutex_lock(&t->lock);
	/* Another worker may have done it meanwhile. */
	if (!trust_expire_due(t, now))
		goto out;
	gone = malloc((t->nnta ? t->nnta : 1) * sizeof(*gone));
	if (!gone) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t->nnta; i++) {
		if (t->nta[i].expires <= now) {
			dns_name_copy(gone[ngone++], t->nta[i].name);
			trust_audit_nta(srv->audit, t->nta[i].name,
					(int64_t)t->nta[i].expires, 0, "expired");
		} else
			t->nta[keep++] = t->nta[i];
	}
	t->nnta = keep;
	for (size_t i = 0; i < ngone; i++) {
		char text[DNS_NAME_TEXT_MAXLEN];

		if (dns_name_to_text(gone[i], text, sizeof(text)) >= 0)
			log_info("negative trust anchor %s expired: validating again", text);
	}
	/* Answers cached unvalidated under it must not outlive it. */
	err = trust_apply(srv, now, (const uint8_t (*)[DNS_NAME_MAXLEN])gone, ngone);
out:
	pthread_mutex_unlock(&t->lock);
	free(gone);
	return err;
}

int trust_foreach_nta(struct trust *t, uint64_t now,
		      int (*fn)(const struct trust_nta_info *ni, void *arg), void *arg)
{
	int ret = 0;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; t->base && !ret && i < t->base->count; i++) {
		const struct val_anchor *a = &t->base->a[i];
		struct trust_nta_info ni = { .name = a->name };

		if (a->kind != VAL_ANCHOR_NTA)
			continue;
		ni.source = t->base_source && t->base_source[i] ? t->base_source[i] :
			    "configuration";
		ret = fn(&ni, arg);
	}
	for (size_t i = 0; !ret && i < t->nnta; i++) {
		struct trust_nta_info ni = { .name = t->nta[i].name,
					     .expires = t->nta[i].expires,
					     .added = t->nta[i].added,
					     .source = TRUST_SOURCE_RUNTIME };

		if (t->nta[i].expires > now)
			ret = fn(&ni, arg);
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

/* Labels of @name when @anchor is at or above it, else -1. */
static int trust_depth(const uint8_t *anchor, const uint8_t *name)
{
	int labels = 0;

	if (!dns_name_is_subdomain(name, anchor))
		return -1;
	for (const uint8_t *p = anchor; *p; p += *p + 1)
		labels++;
	return labels;
}

bool trust_nta_covers(struct trust *t, const uint8_t *name, uint64_t now)
{
	int nta = -1, anchor = -1;

	/* RFC 7646 2 with DESIGN.md: the closest point decides; at the same
	 * name the NTA wins. */
	pthread_mutex_lock(&t->lock);
	for (int part = 0; part < 2; part++) {
		struct val_anchors *set = part ? t->runtime : t->base;

		for (size_t i = 0; set && i < set->count; i++) {
			const struct val_anchor *a = &set->a[i];
			int d = trust_depth(a->name, name);

			if (a->kind == VAL_ANCHOR_NTA) {
				if (d > nta)
					nta = d;
			} else if (d > anchor && (part || !trust_is_removed(t, a->name))) {
				anchor = d;
			}
		}
	}
	for (size_t i = 0; i < t->nnta; i++) {
		int d = trust_depth(t->nta[i].name, name);

		if (t->nta[i].expires > now && d > nta)
			nta = d;
	}
	pthread_mutex_unlock(&t->lock);
	return nta >= 0 && nta >= anchor;
}

int trust_poll_timeout(const struct trust *t, int timeout)
{
	uint64_t next = __atomic_load_n(&t->next_expiry, __ATOMIC_ACQUIRE);
	uint64_t now = (uint64_t)time(NULL);
	int ms;

	if (!next)
		return timeout;
	/* Whole seconds: wake at most a second late, never spin. */
	ms = next <= now ? 0 : next - now > 3600 ? 3600000 : (int)(next - now) * 1000;
	return timeout < 0 || ms < timeout ? ms : timeout;
}

void trust_tick(struct server *srv)
{
	uint64_t now = (uint64_t)time(NULL);

	if (srv->trust && trust_expire_due(srv->trust, now))
		trust_expire(srv, now);
}
