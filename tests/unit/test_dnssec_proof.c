// SPDX-License-Identifier: GPL-2.0
/* Proof packs of the generated fixtures: the verdict and layout of each
 * pack, and every pack checked by the independent offline verifier
 * (tools/proof-verify, dnspython) at the fixtures' clock. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dnssec/proof.h"
#include "util/error.h"
#include "dnssec_run.h"
#include "tap.h"

#define VERIFIER "tools/proof-verify/xdpdns-proof-verify"

/*
 * Packs of an Insecure answer prove it only when the pack holds a signed
 * denial of DS; Insecure by local policy (an NTA, unsupported algorithm
 * or digest, NSEC3 iterations over the RFC 9276 limit) proves nothing
 * offline (docs/proof-pack.md).
 */
static const char *const provably_insecure[] = {
	"ds_optout", "insecure_nsec", "insecure_optout", "cname_to_insecure",
	NULL,
};

/* A line (or part of one) each of these packs must hold, and one it must
 * not: the sections the walk from the closest anchor wrote. */
static const struct {
	const char *name, *has, *lacks;
} layout[] = {
	{ "insecure_optout", "; insecure-delegation: unsigned.optout.test.", "; zone: unsigned." },
	{ "insecure_nsec", "; insecure-delegation: ", NULL },
	{ "cname_to_insecure", "; insecure-delegation: ", NULL },
	{ "dname_secure", "; delegation: rsa.test.", NULL },
	/* The closest anchor decides: nothing from the root. */
	{ "private_anchor", "; zone: mesh.internal. (trust anchor)", "; zone: . " },
	{ "nta", "; negative-trust-anchor: nta.test.", "; zone: " },
	{ "wildcard_nsec3", " IN NSEC3 ", NULL },
	{ "nxdomain_nsec", " IN RRSIG NSEC ", NULL },
	{ "nodata_nsec3", " IN RRSIG SOA ", NULL },
};

/* What the verifier must print for a fixture's pack: "secure",
 * "insecure", or "bogus" (any failure). */
static const char *expected(const struct fix_case *fc)
{
	if (fc->status == VAL_SECURE)
		return "secure";
	for (size_t i = 0; provably_insecure[i]; i++)
		if (!strcmp(fc->name, provably_insecure[i]))
			return "insecure";
	return "bogus";
}

/* The fixture's pack through the need/fetch loop over the pool. */
static int build(const struct fix_case *fc, char **text, size_t *len,
		 struct val_result *res)
{
	struct val_anchors *a = fix_anchors(fc->anchors);
	struct val_proof *p = a ? val_proof_new(a, NULL) : NULL;
	struct val_need need;
	struct dns_msg msg;
	int err = -ENOMEM;

	dns_msg_init(&msg);
	*text = NULL;
	if (!p)
		goto out;
	err = dns_msg_parse(&msg, fc->wire, fc->len);
	if (err)
		goto out;
	for (int i = 0; i < 100; i++) {
		int k;

		if (val_answer_next_need(val_proof_chain(p), &msg, FIX_NOW, &need) <= 0)
			break;
		k = fix_pool_find(&need);
		if (k < 0)
			break;
		err = val_proof_add(p, fix_pool[k].wire, fix_pool[k].len);
		if (err)
			goto out;
	}
	err = val_proof_write(p, &msg, FIX_NOW, "fixture", res, text, len);
out:
	dns_msg_release(&msg);
	val_proof_free(p);
	val_anchors_free(a);
	return err;
}

/* Records in a pack, and the count its end line states (-1 if none). */
static void count_records(const char *text, long *records, long *stated)
{
	const char *line = text;

	*records = 0;
	*stated = -1;
	while (*line) {
		const char *nl = strchr(line, '\n');

		if (!strncmp(line, "; end: ", 7))
			*stated = strtol(line + 7, NULL, 10);
		else if (*line != ';' && *line != '\n')
			(*records)++;
		if (!nl)
			break;
		line = nl + 1;
	}
}

static void check_layout(const struct fix_case *fc, const char *text,
			 const struct val_result *res)
{
	char want[128];
	long records, stated;

	is_int(res->status, fc->status, "%s: the pack's verdict is the validator's",
	       fc->name);
	snprintf(want, sizeof(want), "; verdict: %s\n", val_status_name(fc->status));
	ok(strstr(text, want) && strstr(text, "; version: 1\n") &&
	   strstr(text, "; question: ") && strstr(text, "; time: 1767225600 "
						     "2026-01-01T00:00:00Z\n") &&
	   strstr(text, "; daemon: fixture\n"),
	   "%s: header with version, question, verdict, time", fc->name);
	count_records(text, &records, &stated);
	ok(records > 0 && records == stated, "%s: end line counts the %ld records",
	   fc->name, records);
	if (fc->status == VAL_SECURE)
		ok(strstr(text, "(trust anchor)\n") && strstr(text, "; anchor: ") &&
		   strstr(text, "; answer\n"),
		   "%s: anchor zone, anchor records, answer", fc->name);
	for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
		if (!strcmp(layout[i].name, fc->name))
			ok(strstr(text, layout[i].has) &&
			   (!layout[i].lacks || !strstr(text, layout[i].lacks)),
			   "%s: holds '%s'%s%s", fc->name, layout[i].has,
			   layout[i].lacks ? ", not " : "", layout[i].lacks ? layout[i].lacks : "");
}

/* Write @text to @path. Return: 0 or -errno. */
static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}

/* Whether two fixtures have the same anchor lines. */
static bool same_anchors(const char *const *a, const char *const *b)
{
	size_t i;

	for (i = 0; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return !a[i] && !b[i];
}

/* Every pack whose fixture has these @anchors through one run of the
 * verifier; results compared with expected(). */
static void verify_group(const char *dir, char *const *packs,
			 const char *const *anchors)
{
	char path[4096], cmd[65536], line[1024];
	size_t used;
	bool seen[FIX_CASE_COUNT] = { false };
	FILE *p;

	size_t nanchors = 0;

	snprintf(path, sizeof(path), "%s/anchors", dir);
	{
		FILE *f = fopen(path, "w");

		for (size_t i = 0; f && anchors[i]; i++)
			if (!strstr(anchors[i], " NTA") && ++nanchors)
				fprintf(f, "%s\n", anchors[i]);
		if (f)
			fclose(f);
	}
	/* No anchor at all (only NTAs, or none): nothing can be proven. */
	if (!nanchors) {
		for (size_t i = 0; i < FIX_CASE_COUNT; i++)
			if (same_anchors(fix_cases[i].anchors, anchors) && packs[i])
				is_str(expected(&fix_cases[i]), "bogus",
				       "%s: no anchor to verify from", fix_cases[i].name);
		return;
	}
	used = (size_t)snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s -a %s/anchors",
				VERIFIER, dir);
	for (size_t i = 0; i < FIX_CASE_COUNT; i++) {
		if (!same_anchors(fix_cases[i].anchors, anchors) || !packs[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, fix_cases[i].name);
		if (put(path, packs[i]))
			continue;
		used += (size_t)snprintf(cmd + used, sizeof(cmd) - used, " %s %s",
					 path, path);	/* twice: always several */
	}
	p = popen(cmd, "r");
	if (!p) {
		ok(0, "run the verifier");
		return;
	}
	while (fgets(line, sizeof(line), p)) {
		char *sep = strstr(line, ": "), *name;
		const struct fix_case *fc;

		if (!sep)
			continue;
		*sep = '\0';
		name = strrchr(line, '/');
		fc = fix_case_find(name ? name + 1 : line);
		if (!fc || seen[fc - fix_cases])
			continue;
		seen[fc - fix_cases] = true;
		sep[2 + strcspn(sep + 2, "\n")] = '\0';
		ok(!strncmp(sep + 2, expected(fc), strlen(expected(fc))),
		   "%s: offline verifier says %s", fc->name, sep + 2);
	}
	pclose(p);
	for (size_t i = 0; i < FIX_CASE_COUNT; i++)
		if (same_anchors(fix_cases[i].anchors, anchors) && packs[i] && !seen[i])
			ok(0, "%s: the verifier gave no result", fix_cases[i].name);
}

int main(void)
{
	char *packs[FIX_CASE_COUNT] = { NULL };
	char dir[] = "/tmp/xdpdns-proof-unit.XXXXXX";
	bool verifier;

	for (size_t i = 0; i < FIX_CASE_COUNT; i++) {
		const struct fix_case *fc = &fix_cases[i];
		struct val_result res;
		size_t len = 0;
		int err = build(fc, &packs[i], &len, &res);

		if (!ok(!err && packs[i] && len == strlen(packs[i]),
			"%s: pack written (%zu bytes)", fc->name, len)) {
			diag("error %d", err);
			continue;
		}
		check_layout(fc, packs[i], &res);
	}

	/* Damaged answers (one byte changed at 16 places of each fixture):
	 * whatever the verdict, a pack that comes out is whole. */
	{
		unsigned int built = 0, whole = 0;

		for (size_t i = 0; i < FIX_CASE_COUNT; i++) {
			struct fix_case m = fix_cases[i];
			uint8_t *w = malloc(m.len);

			if (!w)
				break;
			for (size_t k = 0; k < 16; k++) {
				struct val_result res;
				long records, stated;
				char *text = NULL;
				size_t len;

				memcpy(w, fix_cases[i].wire, m.len);
				w[DNS_HEADER_LEN + (m.len - DNS_HEADER_LEN) * k / 16] ^= 0x5a;
				m.wire = w;
				if (build(&m, &text, &len, &res) == 0 && text) {
					built++;
					count_records(text, &records, &stated);
					whole += records == stated && len == strlen(text);
				}
				free(text);
			}
			free(w);
		}
		ok(built > 0 && whole == built,
		   "damaged answers: %u packs written, %u whole", built, whole);
	}

	/* A response that is neither DS nor DNSKEY is refused, like the
	 * chain refuses it. */
	{
		struct val_anchors *a = fix_anchors(fix_cases[0].anchors);
		struct val_proof *p = val_proof_new(a, NULL);

		is_int(val_proof_add(p, fix_cases[0].wire, fix_cases[0].len), -EINVAL,
		       "val_proof_add refuses an answer that is not DS or DNSKEY");
		val_proof_free(p);
		val_anchors_free(a);
	}

	/* The longest presentation line: 60000 octets of an unknown type
	 * are 120000 hex digits (RFC 3597 5); the pack still gets written. */
	{
		static const uint8_t head[] = {
			0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
			3, 'b', 'i', 'g', 4, 't', 'e', 's', 't', 0, 0xff, 0x00, 0, 1,
			0xc0, 12, 0xff, 0x00, 0, 1, 0, 0, 1, 0x2c, 60000 >> 8, 60000 & 0xff,
		};
		size_t wlen = sizeof(head) + 60000, len = 0;
		uint8_t *wire = calloc(1, wlen);
		struct val_anchors *a = fix_anchors(fix_cases[0].anchors);
		struct val_proof *p = val_proof_new(a, NULL);
		struct val_result res;
		struct dns_msg msg;
		char *text = NULL;
		int err = -ENOMEM;

		dns_msg_init(&msg);
		if (wire && p) {
			memcpy(wire, head, sizeof(head));
			err = dns_msg_parse(&msg, wire, wlen);
			if (!err)
				err = val_proof_write(p, &msg, FIX_NOW, NULL, &res,
						      &text, &len);
		}
		ok(!err && text && strstr(text, "\\# 60000 0000"),
		   "a 60000-octet record is written whole (%s)",
		   err ? xdpdns_strerror(err) : "ok");
		free(text);
		dns_msg_release(&msg);
		val_proof_free(p);
		val_anchors_free(a);
		free(wire);
	}

	verifier = access("/usr/bin/python3", X_OK) == 0 && access(VERIFIER, R_OK) == 0 &&
		   system("/usr/bin/python3 -c 'import dns.dnssec, cryptography' "
			  "2>/dev/null") == 0;
	if (!verifier) {
		diag("no /usr/bin/python3 with dnspython, or not run from the "
		     "source tree: the offline checks are skipped");
	} else if (mkdtemp(dir)) {
		/* One verifier run per distinct anchor set. */
		for (size_t i = 0; i < FIX_CASE_COUNT; i++) {
			bool first = true;

			for (size_t k = 0; k < i; k++)
				first = first && !same_anchors(fix_cases[k].anchors,
							      fix_cases[i].anchors);
			if (first)
				verify_group(dir, packs, fix_cases[i].anchors);
		}
		{
			char cmd[128];

			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
			if (system(cmd) != 0)
				diag("could not remove %s", dir);
		}
	} else {
		ok(0, "temporary directory");
	}
	for (size_t i = 0; i < FIX_CASE_COUNT; i++)
		free(packs[i]);
	return done_testing();
}
