// SPDX-License-Identifier: GPL-2.0
/* Trust anchors (DS or DNSKEY form, several zones) and negative anchors. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/message.h"
#include "dnssec/anchor.h"
#include "util/error.h"

struct val_anchors *val_anchors_new(void)
{
	return calloc(1, sizeof(struct val_anchors));
}

void val_anchors_free(struct val_anchors *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->a[i].rdata);
	free(set->a);
	free(set);
}

int val_anchors_add(struct val_anchors *set, const uint8_t *name, int kind,
		    const uint8_t *rdata, size_t len)
{
	struct val_anchor *e;

	if (kind == VAL_ANCHOR_DS ? len < 5 :
	    kind == VAL_ANCHOR_DNSKEY ? len < 5 : kind != VAL_ANCHOR_NTA)
		return -EINVAL;
	if (len > 65535)
		return -EINVAL;
	if (set->count == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct val_anchor *n = realloc(set->a, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		set->a = n;
		set->cap = cap;
	}
	e = &set->a[set->count];
	memset(e, 0, sizeof(*e));
	dns_name_copy(e->name, name);
	dns_name_to_lower(e->name);
	e->kind = kind;
	if (kind != VAL_ANCHOR_NTA) {
		e->rdata = malloc(len);
		if (!e->rdata)
			return -ENOMEM;
		memcpy(e->rdata, rdata, len);
		e->len = (uint16_t)len;
	}
	set->count++;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decode hex (@b64 false) or base64 from the remaining words of a line,
 * spaces ignored. Return the length or XDPDNS_ESYNTAX. */
static int decode_rest(const char *s, bool b64, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	size_t n = 0;

	for (; *s; s++) {
		int v;

		if (isspace((unsigned char)*s))
			continue;
		if (b64 && *s == '=') {
			pad++;
			continue;
		}
		if (pad)
			return XDPDNS_ESYNTAX;
		v = b64 ? b64val(*s) : hexval(*s);
		if (v < 0)
			return XDPDNS_ESYNTAX;
		acc = acc << (b64 ? 6 : 4) | (uint32_t)v;
		bits += b64 ? 6 : 4;
		if (bits >= 8) {
			if (n >= cap)
				return XDPDNS_ESYNTAX;
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if ((!b64 && bits) || (b64 && acc))
		return XDPDNS_ESYNTAX;
	return (int)n;
}

int val_anchors_add_text(struct val_anchors *set, const char *line)
{
	char word[5][DNS_NAME_TEXT_MAXLEN];
	uint8_t name[DNS_NAME_MAXLEN], rdata[4 + 2048];
	const char *p = line;
	int nw = 0, err, len, kind;
	long v[3];

	/* Read up to five words: owner, optional TTL/class, type, fields. */
	while (nw < 5) {
		size_t l = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		while (*p && !isspace((unsigned char)*p) &&
		       l < sizeof(word[0]) - 1)
			word[nw][l++] = *p++;
		word[nw][l] = 0;
		nw++;
		if (nw >= 2 && (!strcasecmp(word[nw - 1], "DS") ||
				!strcasecmp(word[nw - 1], "DNSKEY") ||
				!strcasecmp(word[nw - 1], "NTA")))
			break;
	}
	if (nw < 2)
		return XDPDNS_ESYNTAX;
	err = dns_name_from_text(word[0], name);
	if (err < 0)
		return err;
	if (!strcasecmp(word[nw - 1], "NTA"))
		return val_anchors_add(set, name, VAL_ANCHOR_NTA, NULL, 0);
	kind = !strcasecmp(word[nw - 1], "DS") ? VAL_ANCHOR_DS :
	       !strcasecmp(word[nw - 1], "DNSKEY") ? VAL_ANCHOR_DNSKEY : -1;
	if (kind < 0)
		return XDPDNS_ESYNTAX;
	for (int i = 0; i < 3; i++) {
		char *end;

		while (isspace((unsigned char)*p))
			p++;
		v[i] = strtol(p, &end, 10);
		/* DS: key tag, algorithm, digest type; DNSKEY: flags,
		 * protocol, algorithm. Both are 16 + 8 + 8 bits. */
		if (end == p || v[i] < 0 || v[i] > (i == 0 ? 65535 : 255))
			return XDPDNS_ESYNTAX;
		p = end;
	}
	dns_put16(rdata, (uint16_t)v[0]);
	rdata[2] = (uint8_t)v[1];
	rdata[3] = (uint8_t)v[2];
	len = decode_rest(p, kind == VAL_ANCHOR_DNSKEY, rdata + 4,
			  sizeof(rdata) - 4);
	if (len <= 0)
		return XDPDNS_ESYNTAX;
	return val_anchors_add(set, name, kind, rdata, 4 + (size_t)len);
}

const uint8_t *val_anchors_closest(const struct val_anchors *set,
				   const uint8_t *name, bool *nta)
{
	const struct val_anchor *best = NULL;
	unsigned int best_labels = 0;

	*nta = false;
	for (size_t i = 0; set && i < set->count; i++) {
		const struct val_anchor *e = &set->a[i];
		unsigned int l;

		if (!dns_name_is_subdomain(name, e->name))
			continue;
		l = dns_name_label_count(e->name);
		if (!best || l > best_labels ||
		    (l == best_labels && e->kind == VAL_ANCHOR_NTA)) {
			best = e;
			best_labels = l;
		}
	}
	if (!best)
		return NULL;
	*nta = best->kind == VAL_ANCHOR_NTA;
	return best->name;
}

size_t val_anchors_records(const struct val_anchors *set, const uint8_t *zone,
			   int kind, const uint8_t **rdata, uint16_t *len,
			   size_t max)
{
	size_t n = 0;

	for (size_t i = 0; set && i < set->count && n < max; i++) {
		if (set->a[i].kind != kind ||
		    !dns_name_equal(set->a[i].name, zone))
			continue;
		rdata[n] = set->a[i].rdata;
		len[n] = set->a[i].len;
		n++;
	}
	return n;
}
