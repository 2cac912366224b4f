// SPDX-License-Identifier: GPL-2.0
/* Domain names in wire form: decompression, comparison, text conversion. */
#include <stdio.h>
#include <string.h>

#include "dns/name.h"
#include "util/error.h"

static inline uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Classify a length octet: 0 ok label, else the error for its type. */
static int label_type_error(uint8_t c)
{
	if (c < 0x40)
		return 0;
	if (c < 0x80)
		return XDPDNS_ELABEL_TOO_LONG;
	if (c < 0xc0)
		return XDPDNS_EBAD_LABEL_TYPE;
	return 1; /* pointer */
}

int dns_name_unpack(const uint8_t *msg, size_t msg_len, size_t offset,
		    uint8_t *out, size_t *consumed)
{
	size_t pos = offset, seg_start = offset, max_seen = offset;
	size_t used = 0, wire = 0;
	bool jumped = false;

	for (;;) {
		uint8_t c;
		int t;

		if (pos >= msg_len)
			return XDPDNS_ETRUNCATED;
		c = msg[pos];
		t = label_type_error(c);
		if (t < 0)
			return t;
		if (t == 1) {
			size_t target;

			if (pos + 1 >= msg_len)
				return XDPDNS_ETRUNCATED;
			target = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
			if (!jumped)
				wire = pos + 2 - offset;
			if (pos + 1 > max_seen)
				max_seen = pos + 1;
			/*
			 * RFC 1035 4.1.4: a pointer refers to a prior
			 * occurrence. Anything at or after the start of the
			 * segment being read is either octets we already
			 * walked (a loop) or further on (forward).
			 */
			if (target >= msg_len)
				return XDPDNS_EBAD_POINTER;
			if (target >= seg_start)
				return target <= max_seen ? XDPDNS_EPOINTER_LOOP :
							    XDPDNS_EBAD_POINTER;
			jumped = true;
			seg_start = target;
			pos = target;
			continue;
		}
		if (pos + 1 + c > msg_len)
			return XDPDNS_ETRUNCATED;
		if (used + 1 + c > DNS_NAME_MAXLEN)
			return XDPDNS_ENAME_TOO_LONG;
		out[used] = c;
		memcpy(out + used + 1, msg + pos + 1, c);
		used += 1 + c;
		pos += 1 + c;
		if (pos - 1 > max_seen)
			max_seen = pos - 1;
		if (c == 0)
			break;
	}
	if (!jumped)
		wire = pos - offset;
	if (consumed)
		*consumed = wire;
	return (int)used;
}

int dns_name_unpack_flat(const uint8_t *buf, size_t len, uint8_t *out)
{
	size_t pos = 0;

	for (;;) {
		uint8_t c;
		int t;

		if (pos >= len)
			return XDPDNS_ETRUNCATED;
		c = buf[pos];
		t = label_type_error(c);
		if (t < 0)
			return t;
		if (t == 1)
			return XDPDNS_EBAD_LABEL_TYPE;
		if (pos + 1 + c > len)
			return XDPDNS_ETRUNCATED;
		if (pos + 1 + c > DNS_NAME_MAXLEN)
			return XDPDNS_ENAME_TOO_LONG;
		pos += 1 + c;
		if (c == 0)
			break;
	}
	if (out)
		memcpy(out, buf, pos);
	return (int)pos;
}

size_t dns_name_length(const uint8_t *name)
{
	size_t pos = 0;

	while (name[pos] && pos < DNS_NAME_MAXLEN)
		pos += 1 + name[pos];
	return pos + 1;
}

unsigned int dns_name_label_count(const uint8_t *name)
{
	unsigned int n = 0;

	while (*name) {
		name += 1 + *name;
		n++;
	}
	return n;
}

bool dns_name_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		uint8_t len = *a;

		if (len != *b)
			return false;
		if (len == 0)
			return true;
		for (uint8_t i = 1; i <= len; i++)
			if (lower(a[i]) != lower(b[i]))
				return false;
		a += 1 + len;
		b += 1 + len;
	}
}

/* Pointers to each label of @name, left to right; returns the count. */
static unsigned int label_ptrs(const uint8_t *name,
			       const uint8_t *ptrs[DNS_NAME_MAXLABELS])
{
	unsigned int n = 0;

	while (*name && n < DNS_NAME_MAXLABELS) {
		ptrs[n++] = name;
		name += 1 + *name;
	}
	return n;
}

static int label_compare(const uint8_t *a, const uint8_t *b)
{
	uint8_t la = *a, lb = *b, m = la < lb ? la : lb;

	for (uint8_t i = 1; i <= m; i++) {
		uint8_t ca = lower(a[i]), cb = lower(b[i]);

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return la == lb ? 0 : (la < lb ? -1 : 1);
}

int dns_name_compare(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *pa[DNS_NAME_MAXLABELS], *pb[DNS_NAME_MAXLABELS];
	unsigned int na = label_ptrs(a, pa), nb = label_ptrs(b, pb);

	/* RFC 4034 6.1: most significant (rightmost) label first. */
	while (na && nb) {
		int r = label_compare(pa[--na], pb[--nb]);

		if (r)
			return r;
	}
	if (na == nb)
		return 0;
	return na ? 1 : -1;
}

void dns_name_to_lower(uint8_t *name)
{
	while (*name) {
		uint8_t len = *name;

		for (uint8_t i = 1; i <= len; i++)
			name[i] = lower(name[i]);
		name += 1 + len;
	}
}

size_t dns_name_copy(uint8_t *dst, const uint8_t *src)
{
	size_t len = dns_name_length(src);

	memmove(dst, src, len);
	return len;
}

const uint8_t *dns_name_strip(const uint8_t *name, unsigned int count)
{
	while (count-- && *name)
		name += 1 + *name;
	return name;
}

const uint8_t *dns_name_suffix(const uint8_t *name, unsigned int labels)
{
	unsigned int n = dns_name_label_count(name);

	return n <= labels ? name : dns_name_strip(name, n - labels);
}

bool dns_name_is_subdomain(const uint8_t *name, const uint8_t *parent)
{
	unsigned int n = dns_name_label_count(name);
	unsigned int p = dns_name_label_count(parent);

	if (n < p)
		return false;
	return dns_name_equal(dns_name_strip(name, n - p), parent);
}

unsigned int dns_name_common_labels(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *pa[DNS_NAME_MAXLABELS], *pb[DNS_NAME_MAXLABELS];
	unsigned int na = label_ptrs(a, pa), nb = label_ptrs(b, pb);
	unsigned int common = 0;

	while (na && nb && label_compare(pa[--na], pb[--nb]) == 0)
		common++;
	return common;
}

bool dns_name_is_wildcard(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}

int dns_name_concat(uint8_t *dst, const uint8_t *prefix, const uint8_t *suffix)
{
	size_t plen = dns_name_length(prefix) - 1;
	size_t slen = dns_name_length(suffix);

	if (plen + slen > DNS_NAME_MAXLEN)
		return XDPDNS_ENAME_TOO_LONG;
	memcpy(dst, prefix, plen);
	memcpy(dst + plen, suffix, slen);
	return (int)(plen + slen);
}

int dns_name_wildcard(uint8_t *dst, const uint8_t *parent)
{
	static const uint8_t star[] = { 1, '*', 0 };

	return dns_name_concat(dst, star, parent);
}

int dns_name_from_text(const char *text, uint8_t *out)
{
	size_t used = 0, label_start;
	const char *p = text;

	/* The root is written "."; an empty string is not a name. */
	if (p[0] == '.' && p[1] == '\0') {
		out[0] = 0;
		return 1;
	}
	if (*p == '\0')
		return XDPDNS_ESYNTAX;
	while (*p) {
		size_t len = 0;

		label_start = used++;
		if (used > DNS_NAME_MAXLEN - 1)
			return XDPDNS_ENAME_TOO_LONG;
		while (*p && *p != '.') {
			unsigned int c = (unsigned char)*p++;

			if (c == '\\') {
				if (p[0] >= '0' && p[0] <= '9') {
					if (!(p[1] >= '0' && p[1] <= '9' &&
					      p[2] >= '0' && p[2] <= '9'))
						return XDPDNS_ESYNTAX;
					c = (p[0] - '0') * 100 +
					    (p[1] - '0') * 10 + (p[2] - '0');
					if (c > 255)
						return XDPDNS_ESYNTAX;
					p += 3;
				} else if (*p) {
					c = (unsigned char)*p++;
				} else {
					return XDPDNS_ESYNTAX;
				}
			}
			if (++len > DNS_LABEL_MAXLEN)
				return XDPDNS_ELABEL_TOO_LONG;
			/* Keep one octet for the root label. */
			if (used + 1 >= DNS_NAME_MAXLEN)
				return XDPDNS_ENAME_TOO_LONG;
			out[used++] = (uint8_t)c;
		}
		if (len == 0)
			return XDPDNS_ESYNTAX; /* empty label: ".." or ".x" */
		out[label_start] = (uint8_t)len;
		if (*p == '.')
			p++;
	}
	out[used++] = 0;
	return (int)used;
}

int dns_name_to_text(const uint8_t *name, char *out, size_t cap)
{
	size_t pos = 0;

	if (*name == 0) {
		if (cap < 2)
			return XDPDNS_ESPACE;
		memcpy(out, ".", 2);
		return 1;
	}
	while (*name) {
		uint8_t len = *name;

		for (uint8_t i = 1; i <= len; i++) {
			uint8_t c = name[i];
			bool special = c && strchr(".\"();\\@$", c);
			size_t need = special ? 2 : (c > 0x20 && c < 0x7f) ? 1 : 4;

			if (pos + need + 1 > cap)
				return XDPDNS_ESPACE;
			if (special) {
				out[pos++] = '\\';
				out[pos++] = (char)c;
			} else if (need == 1) {
				out[pos++] = (char)c;
			} else {
				snprintf(out + pos, cap - pos, "\\%03u", c);
				pos += 4;
			}
		}
		if (pos + 2 > cap)
			return XDPDNS_ESPACE;
		out[pos++] = '.';
		name += 1 + len;
	}
	out[pos] = '\0';
	return (int)pos;
}
