// SPDX-License-Identifier: GPL-2.0
/* Trust anchors read from an RFC 7958 root-anchors.xml file (libxml2). */
#include "anchor_xml.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dns/name.h"
#include "util/error.h"

/* Longest digest we accept in hex: SHA-384 is 96, leave room for others. */
#define AX_DIGEST_MAX 256

#ifndef XML_PARSE_NO_XXE
#define XML_PARSE_NO_XXE 0	/* libxml2 < 2.14: external entities are not
				 * loaded without XML_PARSE_NOENT/DTDLOAD */
#endif

static bool ax_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/*
 * The text of an element, trimmed, into @out. Only text and CDATA children
 * are accepted: an entity reference or a child element is an error, so no
 * entity is ever expanded into an anchor.
 * Return: 0, 1 when the element is not plain text, 2 when too long.
 */
static int ax_text(const xmlNode *n, char *out, size_t cap)
{
	size_t len = 0;
	char *s, *e;

	for (const xmlNode *c = n->children; c; c = c->next) {
		size_t l;

		if (c->type == XML_COMMENT_NODE)
			continue;
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			return 1;
		l = strlen((const char *)c->content);
		if (len + l >= cap)
			return 2;
		memcpy(out + len, c->content, l);
		len += l;
	}
	out[len] = '\0';
	for (s = out; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	memmove(out, s, (size_t)(e - s) + 1);
	return 0;
}

/*
 * An xsd:dateTime as RFC 7958 uses it: YYYY-MM-DDThh:mm:ss, optional
 * fraction, then Z, +hh:mm, -hh:mm or nothing (taken as UTC).
 */
static int ax_time(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	long off = 0;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return -1;
	s += n;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s == '-' ? -1 : 1;

		n = 0;
		if (sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
		    oh > 14 || om > 59)
			return -1;
		off = sign * (oh * 3600L + om * 60L);
		s += 6;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || y < 1970)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t - off;
	return 0;
}

/* A decimal number in 0..@max. */
static int ax_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end || errno || *out > max ? -1 : 0;
}

/* Context for one file's messages. */
struct ax_ctx {
	const char *path;
	char *err;
	size_t errlen;
};

static int ax_fail(struct ax_ctx *x, const xmlNode *n, const char *what,
		   const char *detail)
{
	snprintf(x->err, x->errlen, "%s:%ld: %s%s%s", x->path,
		 n ? xmlGetLineNo(n) : 0L, what, detail ? ": " : "",
		 detail ? detail : "");
	return XDPDNS_ECONFIG;
}

/* The text of the single child element @name of @parent (required). */
static int ax_child(struct ax_ctx *x, const xmlNode *parent, const char *name,
		    char *out, size_t cap)
{
	const xmlNode *found = NULL;
	char what[96];

	for (const xmlNode *c = parent->children; c; c = c->next) {
		if (!ax_is(c, name))
			continue;
		if (found) {
			snprintf(what, sizeof(what), "<%s> given twice", name);
			return ax_fail(x, c, what, NULL);
		}
		found = c;
	}
	if (!found) {
		snprintf(what, sizeof(what), "<%s> missing in <%s>", name,
			 (const char *)parent->name);
		return ax_fail(x, parent, what, NULL);
	}
	switch (ax_text(found, out, cap)) {
	case 0:
		break;
	case 1:
		snprintf(what, sizeof(what), "<%s> must be plain text (no entity or element)",
			 name);
		return ax_fail(x, found, what, NULL);
	default:
		snprintf(what, sizeof(what), "<%s> too long", name);
		return ax_fail(x, found, what, NULL);
	}
	if (!*out) {
		snprintf(what, sizeof(what), "<%s> is empty", name);
		return ax_fail(x, found, what, NULL);
	}
	return 0;
}

/*
 * One <KeyDigest>: check every element, and when it is valid at @now add
 * it as "ZONE IN DS TAG ALG TYPE HEX". Return: 1 added, 0 not valid now,
 * or an error.
 */
static int ax_digest(struct ax_ctx *x, const xmlNode *kd, const char *zone,
		     struct val_anchors *set, time_t now)
{
	char tag[16], alg[16], dt[16], hex[AX_DIGEST_MAX + 1], line[DNS_NAME_MAXLEN * 4 + 320];
	unsigned long v;
	time_t from, until = 0;
	xmlChar *attr;
	bool has_until = false;
	size_t j = 0;
	int ret;

	attr = xmlGetProp(kd, (const xmlChar *)"validFrom");
	if (!attr)
		return ax_fail(x, kd, "<KeyDigest> without validFrom", NULL);
	ret = ax_time((const char *)attr, &from);
	xmlFree(attr);
	if (ret)
		return ax_fail(x, kd, "validFrom is not an xsd:dateTime", NULL);
	attr = xmlGetProp(kd, (const xmlChar *)"validUntil");
	if (attr) {
		ret = ax_time((const char *)attr, &until);
		xmlFree(attr);
		if (ret)
			return ax_fail(x, kd, "validUntil is not an xsd:dateTime", NULL);
		has_until = true;
	}
	if ((ret = ax_child(x, kd, "KeyTag", tag, sizeof(tag))) ||
	    (ret = ax_child(x, kd, "Algorithm", alg, sizeof(alg))) ||
	    (ret = ax_child(x, kd, "DigestType", dt, sizeof(dt))) ||
	    (ret = ax_child(x, kd, "Digest", hex, sizeof(hex))))
		return ret;
	if (ax_uint(tag, 65535, &v))
		return ax_fail(x, kd, "<KeyTag> is not a number 0..65535", tag);
	if (ax_uint(alg, 255, &v))
		return ax_fail(x, kd, "<Algorithm> is not a number 0..255", alg);
	if (ax_uint(dt, 255, &v))
		return ax_fail(x, kd, "<DigestType> is not a number 0..255", dt);
	for (size_t i = 0; hex[i]; i++) {
		if (isspace((unsigned char)hex[i]))
			continue;
		if (!isxdigit((unsigned char)hex[i]))
			return ax_fail(x, kd, "<Digest> is not hexadecimal", NULL);
		hex[j++] = hex[i];
	}
	hex[j] = '\0';
	if (j == 0 || j % 2)
		return ax_fail(x, kd, "<Digest> has an odd or zero number of digits", NULL);
	/* RFC 7958 section 2.3: only digests inside their validity window. */
	if (from > now || (has_until && until <= now))
		return 0;
	snprintf(line, sizeof(line), "%s IN DS %s %s %s %s", zone, tag, alg, dt, hex);
	ret = val_anchors_add_text(set, line);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return ax_fail(x, kd, "not a valid DS record", xdpdns_strerror(ret));
	return 1;
}

int anchor_xml_load(const char *path, struct val_anchors *set, time_t now,
		    char *err, size_t errlen)
{
	struct ax_ctx x = { .path = path, .err = err, .errlen = errlen };
	/* No network, no entity substitution, no DTD loading; silence libxml2's
	 * own printing: the error is reported through @err. */
	int opts = XML_PARSE_NONET | XML_PARSE_NO_XXE | XML_PARSE_NOERROR |
		   XML_PARSE_NOWARNING;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc = NULL;
	const xmlNode *root, *zn = NULL;
	char zone[DNS_NAME_MAXLEN * 4 + 8];
	uint8_t wire[DNS_NAME_MAXLEN];
	int ret = 0, added = 0;

	if (access(path, R_OK)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	doc = xmlCtxtReadFile(ctxt, path, NULL, opts);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[160] = "cannot read or parse it";

		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			msg[strcspn(msg, "\n")] = '\0';
		}
		snprintf(err, errlen, "%s:%d: malformed XML: %s", path,
			 e ? e->line : 0, msg);
		ret = XDPDNS_ECONFIG;
		goto out;
	}
	/* RFC 7958 defines no DTD: any DOCTYPE can only declare entities. */
	if (doc->intSubset || doc->extSubset) {
		snprintf(err, errlen, "%s: DOCTYPE declarations are not accepted", path);
		ret = XDPDNS_ECONFIG;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !ax_is(root, "TrustAnchor")) {
		ret = ax_fail(&x, root, "the root element is not <TrustAnchor>", NULL);
		goto out;
	}
	ret = ax_child(&x, root, "Zone", zone, sizeof(zone));
	if (ret)
		goto out;
	for (const xmlNode *c = root->children; c; c = c->next)
		if (ax_is(c, "Zone"))
			zn = c;
	if (strpbrk(zone, " \t\r\n;") || dns_name_from_text(zone, wire) < 0) {
		ret = ax_fail(&x, zn, "<Zone> is not a domain name", zone);
		goto out;
	}
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (!ax_is(c, "KeyDigest"))
			continue;
		ret = ax_digest(&x, c, zone, set, now);
		if (ret < 0)
			goto out;
		added += ret;
	}
	ret = 0;
	if (!added) {
		snprintf(err, errlen, "%s: no <KeyDigest> valid now (RFC 7958 2.3: "
			 "validFrom <= now < validUntil)", path);
		ret = XDPDNS_ECONFIG;
	}
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return ret ? ret : added;
}
