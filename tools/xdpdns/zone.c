// SPDX-License-Identifier: GPL-2.0
/* xdpdns zone: the daemon's inventory of zones it has validated through
 * (state, keys, DS, earliest signature expiry, CDS/CDNSKEY agreement),
 * through its control socket (zone-list, zone-show): a table for people,
 * the daemon's JSON with -j. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl_client.h"
#include "main.h"

/* A UTC time as "2026-12-29 00:59:37Z"; "-" for none. */
static const char *fmt_time(const struct json_value *v, char *buf, size_t cap)
{
	struct tm tm;
	time_t when;

	if (!v || v->type != JSON_NUMBER)
		return "-";
	when = (time_t)v->number;
	gmtime_r(&when, &tm);
	strftime(buf, cap, "%Y-%m-%d %H:%M:%SZ", &tm);
	return buf;
}

/* Seconds as the two largest units ("29d 23h", "4m 05s"); a negative
 * span (signatures already expired) as "expired 7d 00h ago". */
static const char *fmt_span(const struct json_value *v, char *buf, size_t cap)
{
	static const struct { const char *unit; long long secs; } units[] = {
		{ "d", 86400 }, { "h", 3600 }, { "m", 60 }, { "s", 1 },
	};
	long long s, neg;
	size_t i;

	if (!v || v->type != JSON_NUMBER)
		return "-";
	s = (long long)v->number;
	neg = s < 0;
	if (neg)
		s = -s;
	for (i = 0; i + 1 < 4 && s < units[i].secs; i++)
		;
	if (i + 1 < 4)
		snprintf(buf, cap, "%s%lld%s %02lld%s%s", neg ? "expired " : "",
			 s / units[i].secs, units[i].unit,
			 s % units[i].secs / units[i + 1].secs, units[i + 1].unit,
			 neg ? " ago" : "");
	else
		snprintf(buf, cap, "%s%llds%s", neg ? "expired " : "", s,
			 neg ? " ago" : "");
	return buf;
}

/* The key tags of a list of DS or CDS records: "18377,4711"; "-". */
static const char *fmt_tags(const struct json_value *list, char *buf, size_t cap)
{
	size_t used = 0;

	if (!list || list->type != JSON_ARRAY || !list->count)
		return "-";
	buf[0] = '\0';
	for (size_t i = 0; i < list->count && used < cap; i++) {
		int n = snprintf(buf + used, cap - used, "%s%llu", i ? "," : "",
				 (unsigned long long)json_get_u64(list->items[i],
								  "key_tag", 0));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* The zone's keys: "63361 ksk, 33831 zsk, 4711 ksk revoked". */
static void print_keys(const struct json_value *keys)
{
	if (!keys || keys->type != JSON_ARRAY || !keys->count) {
		printf("-");
		return;
	}
	for (size_t i = 0; i < keys->count; i++) {
		const struct json_value *k = keys->items[i];
		const struct json_value *rev = json_get(k, "revoked");
		const char *role = json_get_string(k, "role");

		printf("%s%llu %s%s", i ? ", " : "",
		       (unsigned long long)json_get_u64(k, "key_tag", 0),
		       role ? role : "?",
		       rev && rev->type == JSON_BOOL && rev->boolean ? " revoked" : "");
	}
}

/* "-" when the child publishes no CDS (or CDNSKEY), else how it compares
 * with the parent's DS (RFC 7344, RFC 8078). */
static const char *cds_state(const struct json_value *zone, const char *member)
{
	const struct json_value *c = json_get(zone, member);
	const char *m;

	if (!c || c->type != JSON_OBJECT)
		return "-";
	m = json_get_string(c, "match");
	return m ? m : "published";
}

/* The state, with the verdict under it when an NTA covers the zone. */
static const char *zone_state(const struct json_value *zone)
{
	const char *s = json_get_string(zone, "state");

	return s ? s : "?";
}

static void print_table(const struct json_value *zones)
{
	char t[32], span[48], ds[96], alg[48];
	int w = 4;

	for (size_t i = 0; i < zones->count; i++) {
		const char *n = json_get_string(zones->items[i], "name");
		int len = n ? (int)strlen(n) : 1;

		if (len > w)
			w = len;
	}
	printf("%-*s  %-9s %-6s %-14s %-20s %-20s %-10s %s\n", w, "ZONE", "STATE",
	       "ALG", "DS", "SIGNATURES EXPIRE", "LEFT", "CDS", "KEYS");
	for (size_t i = 0; i < zones->count; i++) {
		const struct json_value *z = zones->items[i];
		const struct json_value *algs = json_get(z, "algorithms");
		const char *n = json_get_string(z, "name");
		size_t used = 0;

		alg[0] = '\0';
		for (size_t a = 0; algs && algs->type == JSON_ARRAY && a < algs->count &&
				   used < sizeof(alg); a++)
			used += (size_t)snprintf(alg + used, sizeof(alg) - used, "%s%s",
						 a ? "," : "", algs->items[a]->text);
		printf("%-*s  %-9s %-6s %-14s %-20s %-20s %-10s ", w, n ? n : "?",
		       zone_state(z), alg[0] ? alg : "-",
		       fmt_tags(json_get(z, "ds"), ds, sizeof(ds)),
		       fmt_time(json_get(z, "expiry"), t, sizeof(t)),
		       fmt_span(json_get(z, "expires_in"), span, sizeof(span)),
		       cds_state(z, "cds"));
		print_keys(json_get(z, "keys"));
		printf("\n");
	}
}

static void print_zone(const struct json_value *z)
{
	const struct json_value *ede = json_get(z, "ede");
	const struct json_value *cds = json_get(z, "cds");
	const char *validated = json_get_string(z, "validated_state");
	const struct json_value *algs = json_get(z, "algorithms");
	char t[32], span[48], tags[96];

	printf("zone:        %s\n", json_get_string(z, "name") ?: "?");
	printf("state:       %s", zone_state(z));
	if (validated && strcmp(validated, zone_state(z)))
		printf(" (validates as %s)", validated);
	if (ede && ede->type == JSON_NUMBER && ede->number)
		printf(", EDE %s", ede->text);
	printf("\nalgorithms: ");
	for (size_t a = 0; algs && algs->type == JSON_ARRAY && a < algs->count; a++)
		printf(" %s", algs->items[a]->text);
	printf("\nkeys:        ");
	print_keys(json_get(z, "keys"));
	printf("\nds:          %s\n", fmt_tags(json_get(z, "ds"), tags, sizeof(tags)));
	printf("signatures:  earliest expiry %s", fmt_time(json_get(z, "expiry"), t, sizeof(t)));
	printf(" (%s)\n", fmt_span(json_get(z, "expires_in"), span, sizeof(span)));
	printf("validated:   %s", fmt_time(json_get(z, "validated"), t, sizeof(t)));
	printf(" (%s ago)\n", fmt_span(json_get(z, "validated_ago"), span, sizeof(span)));
	printf("cds:         %s", cds_state(z, "cds"));
	if (cds && cds->type == JSON_OBJECT)
		printf(" (key tags %s)", fmt_tags(json_get(cds, "records"), tags, sizeof(tags)));
	printf("\ncdnskey:     %s\n", cds_state(z, "cdnskey"));
}

static void print_list(const struct json_value *res)
{
	const struct json_value *zones = json_get(res, "zones");

	if (!zones || zones->type != JSON_ARRAY || !zones->count)
		printf("no zones\n");
	else
		print_table(zones);
}

static int do_list(struct cli *cli, int argc, char **argv)
{
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	return ctl_command_print(cli, "zone-list", NULL, 0, print_list);
}

static int do_show(struct cli *cli, int argc, char **argv)
{
	return ctl_name_command(cli, "zone-show", argc, argv, print_zone);
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s zone list\n"
		"       %1$s zone show NAME\n"
		"       %1$s zone help\n"
		"\n"
		"Zones the running daemon has validated through (its control socket):\n"
		"state (secure, insecure, bogus, nta), algorithms, DS and key tags, the\n"
		"earliest RRSIG expiration seen and the time left, and whether a CDS or\n"
		"CDNSKEY the child publishes matches the parent's DS.\n",
		cli->argv0);
	return CLI_OK;
}

static const struct cli_cmd zone_cmds[] = {
	{ "list", do_list },
	{ "show", do_show },
	{ NULL, NULL },
};

int do_zone(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "command", zone_cmds, argc, argv, do_help);
}
