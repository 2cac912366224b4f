// SPDX-License-Identifier: GPL-2.0
/* The validation engine judged on every scenario of the lab, from responses
 * built out of the lab's signed zone files (tests/lab/zone_responses.py). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/edns.h"
#include "dns/message.h"
#include "dns/name.h"
#include "dnssec/answer.h"
#include "dnssec/chain.h"
#include "tap.h"

/*
 * $XDPDNS_LAB_RESPONSES names a directory holding manifest.tsv:
 *	now	UNIX_TIME
 *	anchor	TEXT (zone file form, for val_anchors_add_text())
 *	scenario LINE QNAME QTYPE FLAGS SECURITY RCODE AD EDE GOT_RCODE FILE
 *	pool	QTYPE NAME FILE   (a DS or DNSKEY response)
 * Each scenario's response is validated through the daemon's loop: ask
 * what is needed, hand in the pool's response, ask again, then judge.
 *
 * Flags are mapped this way. tcp: the same response (the transport does
 * not change the verdict). cd, and DO=0 or AD-in-query: they only change
 * what the daemon returns to the client (SERVFAIL or data, the AD bit,
 * whether an EDE is attached), not the verdict, so the security column is
 * checked the same way, and the rcode and AD columns against what the
 * daemon derives from the verdict (SERVFAIL for Bogus without CD; AD for
 * Secure when the query had DO or AD). The EDE column is checked as the daemon would
 * send it (RFC 8914: for Bogus, and for Insecure by policy: EDE 1, 2, 27);
 * '-' means "none required" in the table (scenarios.py), so the engine's
 * EDE is then only shown. A CD line carries no EDE in the table (a CD
 * answer has none); its verdict's EDE must equal that of the same
 * question without CD when the table has one.
 */

#define MAX_POOL 1024
#define MAX_SCEN 256
#define MAX_ANCHORS 16
#define MAX_LOOP 100

struct pool_entry {
	uint16_t qtype;
	uint8_t name[DNS_NAME_MAXLEN];
	uint8_t *wire;
	size_t len;
};

struct scenario {
	int line;
	char qname[256], qtype[16], flags[32], security[16], rcode[16];
	int ad;
	int ede;		/* -1: '-' */
	char got_rcode[16];
	char file[64];
};

static struct pool_entry pool[MAX_POOL];
static size_t npool;
static struct scenario scen[MAX_SCEN];
static size_t nscen;
static char *anchors[MAX_ANCHORS];
static size_t nanchors;
static uint32_t now;

static uint8_t *read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	uint8_t *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

/* Split a line at tabs in place; return the field count. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static int load_manifest(const char *dir)
{
	char path[4096], line[1024], *f[12];
	FILE *m;
	int err = 0;

	snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
	m = fopen(path, "r");
	if (!m)
		return -errno;
	while (fgets(line, sizeof(line), m)) {
		int n;

		line[strcspn(line, "\n")] = '\0';
		n = split_tabs(line, f, 12);
		if (n == 2 && strcmp(f[0], "now") == 0) {
			now = (uint32_t)strtoul(f[1], NULL, 10);
		} else if (n == 2 && strcmp(f[0], "anchor") == 0 &&
			   nanchors < MAX_ANCHORS) {
			anchors[nanchors++] = strdup(f[1]);
		} else if (n == 4 && strcmp(f[0], "pool") == 0 &&
			   npool < MAX_POOL) {
			struct pool_entry *p = &pool[npool];

			p->qtype = (uint16_t)atoi(f[1]);
			if (dns_name_from_text(f[2], p->name) < 0) {
				err = -EINVAL;
				break;
			}
			dns_name_to_lower(p->name);
			p->wire = read_file(dir, f[3], &p->len);
			if (!p->wire) {
				err = -ENOENT;
				break;
			}
			npool++;
		} else if (n == 11 && strcmp(f[0], "scenario") == 0 &&
			   nscen < MAX_SCEN) {
			struct scenario *s = &scen[nscen++];

			s->line = atoi(f[1]);
			snprintf(s->qname, sizeof(s->qname), "%s", f[2]);
			snprintf(s->qtype, sizeof(s->qtype), "%s", f[3]);
			snprintf(s->flags, sizeof(s->flags), "%s", f[4]);
			snprintf(s->security, sizeof(s->security), "%s", f[5]);
			snprintf(s->rcode, sizeof(s->rcode), "%s", f[6]);
			s->ad = atoi(f[7]);
			s->ede = strcmp(f[8], "-") == 0 ? -1 : atoi(f[8]);
			snprintf(s->got_rcode, sizeof(s->got_rcode), "%s",
				 f[9]);
			snprintf(s->file, sizeof(s->file), "%s", f[10]);
		} else {
			err = -EINVAL;
			break;
		}
	}
	fclose(m);
	return err;
}

static const struct pool_entry *pool_find(const struct val_need *need)
{
	uint8_t name[DNS_NAME_MAXLEN];

	dns_name_copy(name, need->name);
	dns_name_to_lower(name);
	for (size_t i = 0; i < npool; i++)
		if (pool[i].qtype == need->qtype &&
		    dns_name_equal(pool[i].name, name))
			return &pool[i];
	return NULL;
}

static bool has_flag(const struct scenario *s, const char *flag)
{
	char buf[32], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s->flags);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save))
		if (strcmp(t, flag) == 0)
			return true;
	return false;
}

/* The EDE the daemon attaches to a verdict (resolve_validate.c), -1 none. */
static int client_ede(const struct val_result *r)
{
	if (r->status == VAL_BOGUS)
		return r->ede;
	if (r->status == VAL_INSECURE &&
	    (r->ede == DNS_EDE_UNSUPPORTED_DNSKEY_ALG ||
	     r->ede == DNS_EDE_UNSUPPORTED_DS_DIGEST ||
	     r->ede == DNS_EDE_UNSUPPORTED_NSEC3_ITERATIONS))
		return r->ede;
	return -1;
}

/* Validate one scenario's response; @missing tells a need the pool lacks. */
static int validate(struct val_anchors *a, const struct scenario *s,
		    const char *dir, struct val_result *res, char *missing,
		    size_t cap)
{
	struct val_chain *c = val_chain_new(a, NULL);
	struct dns_msg msg;
	struct val_need need;
	uint8_t *wire;
	size_t len = 0;
	int err = -ENOMEM;

	missing[0] = '\0';
	dns_msg_init(&msg);
	wire = read_file(dir, s->file, &len);
	if (!c || !wire)
		goto out;
	err = dns_msg_parse(&msg, wire, len);
	if (err)
		goto out;
	for (int i = 0; i < MAX_LOOP; i++) {
		const struct pool_entry *p;

		err = val_answer_next_need(c, &msg, now, &need);
		if (err <= 0)
			break;
		p = pool_find(&need);
		if (!p) {
			char text[DNS_NAME_TEXT_MAXLEN];

			dns_name_to_text(need.name, text, sizeof(text));
			snprintf(missing, cap, "%s type %u", text,
				 need.qtype);
			break;
		}
		err = val_chain_add(c, p->wire, p->len);
		if (err)
			goto out;
	}
	err = val_answer_validate(c, &msg, now, res, NULL);
out:
	dns_msg_release(&msg);
	free(wire);
	val_chain_free(c);
	return err;
}

/* The table's EDE of the same question without CD, -1 if none. */
static int twin_ede(const struct scenario *s)
{
	for (size_t i = 0; i < nscen; i++) {
		const struct scenario *t = &scen[i];

		if (t != s && !has_flag(t, "cd") && t->ede >= 0 &&
		    strcasecmp(t->qname, s->qname) == 0 &&
		    strcmp(t->qtype, s->qtype) == 0)
			return t->ede;
	}
	return -1;
}

int main(void)
{
	const char *dir = getenv("XDPDNS_LAB_RESPONSES");
	struct val_anchors *a;
	int err;

	if (!dir || !*dir)
		skip_all("no lab responses");
	err = load_manifest(dir);
	ok(err == 0 && nscen > 0 && npool > 0 && nanchors > 0 && now,
	   "manifest: %zu scenarios, %zu DS/DNSKEY responses, %zu anchors",
	   nscen, npool, nanchors);
	if (err)
		return done_testing();
	a = val_anchors_new();
	for (size_t i = 0; a && i < nanchors; i++)
		ok(val_anchors_add_text(a, anchors[i]) == 0, "anchor %s",
		   anchors[i]);
	for (size_t i = 0; a && i < nscen; i++) {
		const struct scenario *s = &scen[i];
		struct val_result res;
		char missing[DNS_NAME_TEXT_MAXLEN + 16];
		bool cd = has_flag(s, "cd");
		int want_ede = cd ? twin_ede(s) : s->ede;
		const char *rcode;
		int got_ede, ad;
		bool good;

		val_result_init(&res);
		err = validate(a, s, dir, &res, missing, sizeof(missing));
		got_ede = cd ? (res.status == VAL_BOGUS ? res.ede : -1)
			     : client_ede(&res);
		/* What the client sees: Bogus without CD is SERVFAIL, else
		 * the upstream's rcode; AD only for Secure data asked with
		 * DO or AD (RFC 6840 5.7, 5.8). */
		rcode = res.status == VAL_BOGUS && !cd ? "SERVFAIL"
						       : s->got_rcode;
		ad = res.status == VAL_SECURE &&
		     (has_flag(s, "do") || has_flag(s, "ad"));
		good = err == 0 && !missing[0] &&
		       strcmp(val_status_name(res.status), s->security) == 0 &&
		       (want_ede < 0 || got_ede == want_ede) &&
		       strcmp(rcode, s->rcode) == 0 && ad == s->ad;
		ok(good, "line %d: %s %s %s: %s %s ad %d ede %d "
		   "(table %s %s ad %d ede %d)", s->line, s->qname, s->qtype,
		   s->flags, val_status_name(res.status), rcode, ad, got_ede,
		   s->security, s->rcode, s->ad, want_ede);
		if (!good || (want_ede < 0 && got_ede >= 0))
			diag("  reason: %s%s%s (err %d, response rcode %s)",
			     res.reason, missing[0] ? "; pool lacks " : "",
			     missing, err, s->got_rcode);
	}
	val_anchors_free(a);
	for (size_t i = 0; i < npool; i++)
		free(pool[i].wire);
	for (size_t i = 0; i < nanchors; i++)
		free(anchors[i]);
	return done_testing();
}
