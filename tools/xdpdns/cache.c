// SPDX-License-Identifier: GPL-2.0
/* xdpdns cache: the kernel cache's entries (show, lookup, delete, flush,
 * load) and the daemon's cache through the control socket (show user). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "ctl_client.h"
#include "dns/message.h"
#include "dns/name.h"
#include "dns/print.h"
#include "dns/rr.h"
#include "main.h"
#include "refill.h"
#include "util/error.h"

#define NSEC_PER_SEC 1000000000ULL

/* One entry as listed: the key and what "show" prints of the value. */
struct cache_row {
	struct xdpdns_cache_key key;
	uint8_t name[XDPDNS_NAME_BUF];
	uint32_t size;
	uint32_t lifetime;
	uint64_t expiry_ns;
	uint16_t counts[3];
	uint8_t rcode;
	uint8_t state;
};

/* Filters of show and delete: a name and a type, each optional. */
struct cache_filter {
	bool has_name;
	uint8_t name[DNS_NAME_MAXLEN];
	bool has_type;
	unsigned int type;
};

static const char *cache_rcode_name(unsigned int rcode)
{
	static const char *const names[16] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
		"RCODE12", "RCODE13", "RCODE14", "RCODE15",
	};

	return names[rcode & 15];
}

static const char *cache_state_name(unsigned int state)
{
	switch (state) {
	case XDPDNS_STATE_SECURE:
		return "secure";
	case XDPDNS_STATE_INSECURE:
		return "insecure";
	default:
		return "unknown";
	}
}

/* Seconds an entry still answers, rounded up as the program rounds. */
static uint32_t cache_remaining(uint64_t expiry_ns, uint64_t now)
{
	if (expiry_ns <= now)
		return 0;
	return (uint32_t)((expiry_ns - now + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}

/* The DNS message an entry answers with, without its OPT record. */
static uint32_t cache_message_size(const struct xdpdns_cache_entry *e)
{
	return DNS_HEADER_LEN + e->name_len + 4 + e->rec_len;
}

static bool cache_entry_named(const struct xdpdns_cache_entry *e,
			      const uint8_t *name)
{
	size_t len = dns_name_length(name);

	return e->name_len == len && dns_name_equal(e->name, name);
}

static int cache_row_compare(const void *a, const void *b)
{
	const struct cache_row *x = a, *y = b;
	int c = dns_name_compare(x->name, y->name);

	if (c)
		return c;
	if (x->key.qtype != y->key.qtype)
		return x->key.qtype < y->key.qtype ? -1 : 1;
	return (int)x->key.flags - (int)y->key.flags;
}

/*
 * Read every entry that passes @f. The walk restarts nowhere: an LRU map
 * changing under it may skip or repeat an entry, which a listing accepts.
 */
static int cache_collect(const struct refill_maps *maps,
			 const struct cache_filter *f, struct cache_row **rows,
			 size_t *count)
{
	struct xdpdns_cache_entry *e = malloc(sizeof(*e));
	struct xdpdns_cache_key key, next;
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	struct cache_row *out = NULL;
	size_t n = 0, cap = 0, steps;
	bool first = true;
	int err;

	*rows = NULL;
	*count = 0;
	if (!e)
		return -ENOMEM;
	if (bpf_obj_get_info_by_fd(maps->cache_fd, &info, &info_len)) {
		err = -errno;
		goto out;
	}
	for (steps = 0; steps <= (size_t)info.max_entries * 2; steps++) {
		struct cache_row *r;

		if (bpf_map_get_next_key(maps->cache_fd, first ? NULL : &key, &next)) {
			err = errno == ENOENT ? 0 : -errno;
			if (err)
				goto out;
			break;
		}
		first = false;
		key = next;
		if (bpf_map_lookup_elem(maps->cache_fd, &key, e))
			continue;	/* deleted meanwhile */
		if (e->name_len < 1 || e->name_len > XDPDNS_NAME_MAX ||
		    dns_name_unpack_flat(e->name, e->name_len, NULL) != e->name_len)
			continue;	/* not an entry userspace would write */
		if (f->has_name && !cache_entry_named(e, f->name))
			continue;
		if (f->has_type && key.qtype != f->type)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			r = realloc(out, cap * sizeof(*out));
			if (!r) {
				err = -ENOMEM;
				goto out;
			}
			out = r;
		}
		r = &out[n++];
		memset(r, 0, sizeof(*r));
		r->key = key;
		memcpy(r->name, e->name, e->name_len);
		r->size = cache_message_size(e);
		r->lifetime = e->ttl_base;
		r->expiry_ns = e->expiry_ns;
		r->counts[0] = e->an_count;
		r->counts[1] = e->ns_count;
		r->counts[2] = e->ar_count;
		r->rcode = e->rcode;
		r->state = e->state;
	}
	if (n)
		qsort(out, n, sizeof(*out), cache_row_compare);
	*rows = out;
	*count = n;
	out = NULL;
	err = 0;
out:
	free(out);
	free(e);
	return err;
}

/* "name NAME", "type TYPE" in any order. */
static int cache_parse_filter(struct cli *cli, int argc, char **argv,
			      struct cache_filter *f, bool *user)
{
	memset(f, 0, sizeof(*f));
	while (argc > 0) {
		if (user && !strcmp(*argv, "user")) {
			*user = true;
			NEXT_ARG();
		} else if (cli_is_prefix(*argv, "name")) {
			NEXT_ARG();
			REQ_ARGS(1);
			if (cli_parse_name(cli, GET_ARG(), f->name))
				return CLI_USAGE;
			f->has_name = true;
		} else if (cli_is_prefix(*argv, "type")) {
			NEXT_ARG();
			REQ_ARGS(1);
			if (cli_parse_type(cli, GET_ARG(), &f->type))
				return CLI_USAGE;
			f->has_type = true;
		} else {
			return cli_usage_error(cli, "unexpected '%s' (expected name NAME "
					       "or type TYPE)", *argv);
		}
	}
	return 0;
}

static void cache_type_text(unsigned int type, char *buf, size_t cap)
{
	if (dns_type_to_text(type, buf, cap) < 0)
		snprintf(buf, cap, "TYPE%u", type);
}

static void cache_name_text(const uint8_t *name, char *buf, size_t cap)
{
	if (dns_name_to_text(name, buf, cap) < 0)
		snprintf(buf, cap, "?");
}

static void cache_show_json(struct cli *cli, const struct cache_row *rows,
			    size_t n, uint64_t now)
{
	struct json_writer *jw = &cli->jw;
	char name[DNS_NAME_TEXT_MAXLEN], type[16];
	size_t i;

	if (!n) {
		jw_null(jw);
		return;
	}
	jw_start_array(jw);
	for (i = 0; i < n; i++) {
		const struct cache_row *r = &rows[i];
		uint32_t left = cache_remaining(r->expiry_ns, now);

		cache_name_text(r->name, name, sizeof(name));
		cache_type_text(r->key.qtype, type, sizeof(type));
		jw_start_object(jw);
		jw_string_field(jw, "name", name);
		jw_string_field(jw, "type", type);
		jw_uint_field(jw, "type_code", r->key.qtype);
		jw_bool_field(jw, "do", r->key.flags & XDPDNS_KEY_DO);
		jw_string_field(jw, "rcode", cache_rcode_name(r->rcode));
		jw_string_field(jw, "state", cache_state_name(r->state));
		jw_uint_field(jw, "size", r->size);
		jw_uint_field(jw, "ttl", left);
		jw_uint_field(jw, "lifetime", r->lifetime);
		jw_bool_field(jw, "expired", left == 0);
		jw_uint_field(jw, "answer", r->counts[0]);
		jw_uint_field(jw, "authority", r->counts[1]);
		jw_uint_field(jw, "additional", r->counts[2]);
		jw_end_object(jw);
	}
	jw_end_array(jw);
}

static void cache_show_plain(const struct cache_row *rows, size_t n,
			     uint64_t now)
{
	char name[DNS_NAME_TEXT_MAXLEN], type[16];
	int width = 4;
	size_t i;

	for (i = 0; i < n; i++) {
		cache_name_text(rows[i].name, name, sizeof(name));
		if ((int)strlen(name) > width)
			width = (int)strlen(name);
	}
	printf("%-*s  %-10s %-3s %-9s %-8s %6s %8s\n", width, "NAME", "TYPE",
	       "DO", "RCODE", "STATE", "SIZE", "TTL");
	for (i = 0; i < n; i++) {
		const struct cache_row *r = &rows[i];
		uint32_t left = cache_remaining(r->expiry_ns, now);

		cache_name_text(r->name, name, sizeof(name));
		cache_type_text(r->key.qtype, type, sizeof(type));
		printf("%-*s  %-10s %-3s %-9s %-8s %6u ", width, name, type,
		       r->key.flags & XDPDNS_KEY_DO ? "yes" : "no",
		       cache_rcode_name(r->rcode), cache_state_name(r->state),
		       r->size);
		if (left)
			printf("%8u\n", left);
		else
			printf("%8s\n", "expired");
	}
	printf("%zu entr%s\n", n, n == 1 ? "y" : "ies");
}

/* "cache show user": the daemon's cache, filtered here by name and type. */
static int cache_show_user(struct cli *cli, const struct cache_filter *f)
{
	struct json_value *res = NULL, *entries;
	char errbuf[256];
	size_t i, kept = 0;
	int err;

	err = ctl_request(cli, "cache-show", NULL, 0, &res, errbuf, sizeof(errbuf));
	if (err)
		return ctl_report(cli, "cache-show", err, errbuf);
	entries = (struct json_value *)json_get(res, "entries");
	if (!entries || entries->type != JSON_ARRAY) {
		json_value_free(res);
		return cli_error(cli, "the daemon's cache-show answer has no entries list");
	}
	/* Drop what the filters exclude, keeping the daemon's order. */
	for (i = 0; i < entries->count; i++) {
		struct json_value *it = entries->items[i];
		const char *name = json_get_string(it, "name");
		const char *type = json_get_string(it, "type");
		uint8_t wire[DNS_NAME_MAXLEN];
		bool keep = true;

		if (f->has_name)
			keep = name && dns_name_from_text(name, wire) > 0 &&
			       dns_name_equal(wire, f->name);
		if (keep && f->has_type)
			keep = type && dns_type_from_text(type) == (int)f->type;
		if (keep)
			entries->items[kept++] = it;
		else
			json_value_free(it);
	}
	entries->count = kept;
	if (cli->json) {
		if (kept)
			json_emit(&cli->jw, entries);
		else
			jw_null(&cli->jw);
	} else {
		json_print_plain(entries, 0);
		printf("%zu entr%s (daemon cache)\n", kept, kept == 1 ? "y" : "ies");
	}
	json_value_free(res);
	return CLI_OK;
}

static int do_show(struct cli *cli, int argc, char **argv)
{
	struct refill_maps maps;
	struct cache_filter f;
	struct cache_row *rows = NULL;
	bool user = false;
	size_t n;
	int err;

	err = cache_parse_filter(cli, argc, argv, &f, &user);
	if (err)
		return err;
	if (user)
		return cache_show_user(cli, &f);
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	err = cache_collect(&maps, &f, &rows, &n);
	refill_maps_close(&maps);
	if (err)
		return cli_error(cli, "cannot read the cache map: %s", xdpdns_strerror(err));
	if (cli->json)
		cache_show_json(cli, rows, n, cli_boottime_ns());
	else
		cache_show_plain(rows, n, cli_boottime_ns());
	free(rows);
	return CLI_OK;
}

/*
 * Rebuild the message an entry answers with: a header and the question,
 * then the records with their TTLs counted down the way the program
 * counts them (stored value minus the whole seconds elapsed, never < 0).
 */
static size_t cache_entry_message(const struct xdpdns_cache_entry *e,
				  uint16_t qtype, uint32_t remaining,
				  uint8_t *msg)
{
	uint32_t elapsed = e->ttl_base > remaining ? e->ttl_base - remaining : 0;
	size_t q_end = DNS_HEADER_LEN + e->name_len + 4, i;

	memset(msg, 0, DNS_HEADER_LEN);
	dns_hdr_set_flags(msg, DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA |
			  (e->state == XDPDNS_STATE_SECURE ? DNS_FLAG_AD : 0) |
			  (e->rcode & DNS_RCODE_MASK));
	dns_put16(msg + 4, 1);
	dns_put16(msg + 6, e->an_count);
	dns_put16(msg + 8, e->ns_count);
	dns_put16(msg + 10, e->ar_count);
	memcpy(msg + DNS_HEADER_LEN, e->name, e->name_len);
	dns_put16(msg + DNS_HEADER_LEN + e->name_len, qtype);
	dns_put16(msg + DNS_HEADER_LEN + e->name_len + 2, DNS_CLASS_IN);
	memcpy(msg + q_end, e->rec, e->rec_len);
	for (i = 0; i < e->ttl_count && i < XDPDNS_TTL_MAX; i++) {
		uint8_t *p = msg + q_end + e->ttl_off[i];
		uint32_t ttl;

		if (e->ttl_off[i] + 4u > e->rec_len)
			continue;
		ttl = dns_get32(p);
		dns_put32(p, ttl > elapsed ? ttl - elapsed : 0);
	}
	return q_end + e->rec_len;
}

static void cache_lookup_json_section(struct json_writer *jw, const char *label,
				      const struct dns_msg *msg, int section)
{
	char owner[DNS_NAME_TEXT_MAXLEN], type[16], cls[16], *rdata;
	const struct dns_rr *rrs;
	size_t n, i;

	rdata = malloc(DNS_RDATA_MAXLEN * 4);
	rrs = dns_msg_section(msg, section, &n);
	jw_name(jw, label);
	jw_start_array(jw);
	for (i = 0; i < n; i++) {
		cache_name_text(rrs[i].owner, owner, sizeof(owner));
		cache_type_text(rrs[i].type, type, sizeof(type));
		if (dns_class_to_text(rrs[i].rclass, cls, sizeof(cls)) < 0)
			snprintf(cls, sizeof(cls), "CLASS%u", rrs[i].rclass);
		jw_start_object(jw);
		jw_string_field(jw, "name", owner);
		jw_uint_field(jw, "ttl", rrs[i].ttl);
		jw_string_field(jw, "class", cls);
		jw_string_field(jw, "type", type);
		if (rdata && dns_print_rdata(rrs[i].type, rrs[i].rdata, rrs[i].rdata_len,
					     rdata, DNS_RDATA_MAXLEN * 4) >= 0)
			jw_string_field(jw, "rdata", rdata);
		else
			jw_null_field(jw, "rdata");
		jw_end_object(jw);
	}
	jw_end_array(jw);
	free(rdata);
}

static void cache_lookup_plain_section(const char *label,
				       const struct dns_msg *msg, int section)
{
	const struct dns_rr *rrs;
	size_t n, i, cap = DNS_RDATA_MAXLEN * 4 + 2048;
	char *line = malloc(cap);

	rrs = dns_msg_section(msg, section, &n);
	if (!n || !line) {
		free(line);
		return;
	}
	printf("\n;; %s SECTION:\n", label);
	for (i = 0; i < n; i++) {
		if (dns_print_rr(&rrs[i], line, cap) >= 0)
			printf("%s\n", line);
	}
	free(line);
}

static int do_lookup(struct cli *cli, int argc, char **argv)
{
	char name_text[DNS_NAME_TEXT_MAXLEN], type_text[16];
	struct xdpdns_cache_key key = { 0 };
	struct xdpdns_cache_entry *e = NULL;
	uint8_t name[DNS_NAME_MAXLEN], *wire = NULL;
	struct refill_maps maps = { .cache_fd = -1 };
	struct dns_msg msg;
	unsigned int type;
	uint32_t left;
	bool do_bit = false;
	size_t len;
	int err, status = CLI_ERROR;

	dns_msg_init(&msg);
	REQ_ARGS(2);
	if (cli_parse_name(cli, GET_ARG(), name) || cli_parse_type(cli, GET_ARG(), &type))
		return CLI_USAGE;
	if (argc > 0 && !strcmp(*argv, "do")) {
		do_bit = true;
		NEXT_ARG();
	}
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s' after the type", *argv);
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	e = malloc(sizeof(*e));
	wire = malloc(DNS_HEADER_LEN + XDPDNS_NAME_BUF + 4 + XDPDNS_REC_MAX);
	if (!e || !wire) {
		status = cli_error(cli, "%s", xdpdns_strerror(-ENOMEM));
		goto out;
	}
	key.name_hash = refill_name_key_hash(name, maps.hash_seed);
	key.qtype = type;
	key.qclass = DNS_CLASS_IN;
	key.flags = do_bit ? XDPDNS_KEY_DO : 0;
	cache_name_text(name, name_text, sizeof(name_text));
	cache_type_text(type, type_text, sizeof(type_text));
	/* A hash collision is a different name in the slot: a miss too. */
	if (bpf_map_lookup_elem(maps.cache_fd, &key, e) || !cache_entry_named(e, name) ||
	    e->rec_len > XDPDNS_REC_MAX) {
		status = cli_error(cli, "no cache entry for %s %s%s", name_text,
				   type_text, do_bit ? " do" : "");
		goto out;
	}
	left = cache_remaining(e->expiry_ns, cli_boottime_ns());
	len = cache_entry_message(e, type, left, wire);
	err = dns_msg_parse(&msg, wire, len);
	if (err) {
		status = cli_error(cli, "the entry for %s %s does not parse: %s",
				   name_text, type_text, xdpdns_strerror(err));
		goto out;
	}
	if (cli->json) {
		struct json_writer *jw = &cli->jw;

		jw_start_object(jw);
		jw_string_field(jw, "name", name_text);
		jw_string_field(jw, "type", type_text);
		jw_bool_field(jw, "do", do_bit);
		jw_string_field(jw, "rcode", cache_rcode_name(e->rcode));
		jw_string_field(jw, "state", cache_state_name(e->state));
		jw_uint_field(jw, "size", cache_message_size(e));
		jw_uint_field(jw, "ttl", left);
		jw_uint_field(jw, "lifetime", e->ttl_base);
		jw_bool_field(jw, "expired", left == 0);
		cache_lookup_json_section(jw, "answer", &msg, DNS_SECTION_ANSWER);
		cache_lookup_json_section(jw, "authority", &msg, DNS_SECTION_AUTHORITY);
		cache_lookup_json_section(jw, "additional", &msg, DNS_SECTION_ADDITIONAL);
		jw_end_object(jw);
	} else {
		printf(";; %s IN %s, DO %s: %s, %s, %u bytes, ", name_text,
		       type_text, do_bit ? "yes" : "no", cache_rcode_name(e->rcode),
		       cache_state_name(e->state), cache_message_size(e));
		if (left)
			printf("answers for %u s more (lifetime %u s)\n", left, e->ttl_base);
		else
			printf("expired (lifetime %u s)\n", e->ttl_base);
		printf(";; ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n", e->an_count,
		       e->ns_count, e->ar_count);
		cache_lookup_plain_section("ANSWER", &msg, DNS_SECTION_ANSWER);
		cache_lookup_plain_section("AUTHORITY", &msg, DNS_SECTION_AUTHORITY);
		cache_lookup_plain_section("ADDITIONAL", &msg, DNS_SECTION_ADDITIONAL);
	}
	status = CLI_OK;
out:
	dns_msg_release(&msg);
	refill_maps_close(&maps);
	free(wire);
	free(e);
	return status;
}

static void cache_report_count(struct cli *cli, const char *what, unsigned int n)
{
	if (cli->json) {
		jw_start_object(&cli->jw);
		jw_uint_field(&cli->jw, what, n);
		jw_end_object(&cli->jw);
	} else {
		printf("%s %u entr%s\n", what, n, n == 1 ? "y" : "ies");
	}
}

static int do_delete(struct cli *cli, int argc, char **argv)
{
	struct refill_maps maps;
	struct cache_filter f = { 0 };
	struct cache_row *rows = NULL;
	unsigned int deleted = 0;
	size_t n, i;
	int err;

	REQ_ARGS(1);
	if (cli_parse_name(cli, GET_ARG(), f.name))
		return CLI_USAGE;
	f.has_name = true;
	if (argc > 0) {
		if (cli_parse_type(cli, GET_ARG(), &f.type))
			return CLI_USAGE;
		f.has_type = true;
	}
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s' after the type", *argv);
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	/* Every type and both DO forms of the name, by walking the map: the
	 * keys hold only the name's hash. */
	err = cache_collect(&maps, &f, &rows, &n);
	for (i = 0; !err && i < n; i++) {
		err = refill_entry_delete(&maps, &rows[i].key);
		if (err == -ENOENT)
			err = 0;	/* evicted meanwhile */
		else if (!err)
			deleted++;
	}
	refill_maps_close(&maps);
	free(rows);
	if (err)
		return cli_error(cli, "cannot delete from the cache map: %s",
				 xdpdns_strerror(err));
	if (!deleted) {
		char name[DNS_NAME_TEXT_MAXLEN], type[16] = "";

		cache_name_text(f.name, name, sizeof(name));
		if (f.has_type)
			cache_type_text(f.type, type, sizeof(type));
		return cli_error(cli, "no cache entry for %s%s%s", name,
				 f.has_type ? " " : "", type);
	}
	cache_report_count(cli, "deleted", deleted);
	return CLI_OK;
}

static int do_flush(struct cli *cli, int argc, char **argv)
{
	struct refill_maps maps;
	unsigned int deleted = 0;
	int err;

	if (argc > 0)
		return cli_usage_error(cli, "flush takes no arguments");
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	err = refill_cache_flush(&maps, &deleted);
	refill_maps_close(&maps);
	if (err)
		return cli_error(cli, "cannot flush the cache map: %s", xdpdns_strerror(err));
	cache_report_count(cli, "deleted", deleted);
	return CLI_OK;
}

/* The smallest TTL in a response, or 0 when it has no records. */
static uint32_t cache_min_ttl(const uint8_t *wire, size_t len)
{
	struct dns_msg msg;
	uint32_t min = 0;
	size_t i;

	dns_msg_init(&msg);
	if (dns_msg_parse(&msg, wire, len) == 0) {
		for (i = 0; i < msg.rr_count; i++)
			if (i == 0 || msg.rr[i].ttl < min)
				min = msg.rr[i].ttl;
	}
	dns_msg_release(&msg);
	return min;
}

/*
 * Debugging: insert a response read from a file (wire format), as the
 * daemon would after validating it. The caller vouches for its state.
 */
static int do_load(struct cli *cli, int argc, char **argv)
{
	struct refill_params params = { .secure = true };
	struct xdpdns_cache_entry *e = NULL;
	struct xdpdns_cache_key key;
	struct refill_maps maps = { .cache_fd = -1 };
	unsigned long long v;
	const char *path;
	uint8_t *wire = NULL;
	size_t len;
	FILE *f;
	int err, status = CLI_ERROR;

	REQ_ARGS(1);
	path = GET_ARG();
	while (argc > 0) {
		if (cli_is_prefix(*argv, "lifetime")) {
			NEXT_ARG();
			REQ_ARGS(1);
			if (cli_parse_uint(cli, "lifetime", GET_ARG(), 1, 604800, &v))
				return CLI_USAGE;
			params.lifetime_s = (uint32_t)v;
		} else if (!strcmp(*argv, "insecure")) {
			params.secure = false;
			NEXT_ARG();
		} else if (!strcmp(*argv, "secure")) {
			params.secure = true;
			NEXT_ARG();
		} else if (!strcmp(*argv, "do")) {
			params.do_bit = true;
			NEXT_ARG();
		} else {
			return cli_usage_error(cli, "unexpected '%s' (expected lifetime N, "
					       "secure, insecure or do)", *argv);
		}
	}
	wire = malloc(DNS_MSG_MAXLEN + 1);
	e = malloc(sizeof(*e));
	if (!wire || !e) {
		status = cli_error(cli, "%s", xdpdns_strerror(-ENOMEM));
		goto out;
	}
	f = fopen(path, "rb");
	if (!f) {
		status = cli_error(cli, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	len = fread(wire, 1, DNS_MSG_MAXLEN + 1, f);
	fclose(f);
	if (len > DNS_MSG_MAXLEN) {
		status = cli_error(cli, "%s: larger than a DNS message", path);
		goto out;
	}
	if (!params.lifetime_s)
		params.lifetime_s = cache_min_ttl(wire, len);
	if (!params.lifetime_s)
		params.lifetime_s = 60;	/* no records to take a TTL from */
	if (cli_maps_open(cli, &maps))
		goto out;
	err = refill_entry_build(wire, len, maps.hash_seed, &params, &key, e);
	if (err) {
		status = cli_error(cli, "%s: not cacheable in the kernel: %s", path,
				   err == -EINVAL ? "not a plain complete IN response with one question"
						  : xdpdns_strerror(err));
		goto out;
	}
	err = refill_entry_put(&maps, &key, e);
	if (err) {
		status = cli_error(cli, "cannot write the cache map: %s", xdpdns_strerror(err));
		goto out;
	}
	if (cli->json) {
		char name[DNS_NAME_TEXT_MAXLEN], type[16];

		cache_name_text(e->name, name, sizeof(name));
		cache_type_text(key.qtype, type, sizeof(type));
		jw_start_object(&cli->jw);
		jw_string_field(&cli->jw, "name", name);
		jw_string_field(&cli->jw, "type", type);
		jw_bool_field(&cli->jw, "do", params.do_bit);
		jw_string_field(&cli->jw, "state", params.secure ? "secure" : "insecure");
		jw_uint_field(&cli->jw, "lifetime", params.lifetime_s);
		jw_end_object(&cli->jw);
	} else {
		char name[DNS_NAME_TEXT_MAXLEN], type[16];

		cache_name_text(e->name, name, sizeof(name));
		cache_type_text(key.qtype, type, sizeof(type));
		printf("loaded %s %s%s (%s, %u s)\n", name, type,
		       params.do_bit ? " do" : "", params.secure ? "secure" : "insecure",
		       params.lifetime_s);
	}
	status = CLI_OK;
out:
	refill_maps_close(&maps);
	free(wire);
	free(e);
	return status;
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s cache show [name NAME] [type TYPE]\n"
		"       %1$s cache show user [name NAME] [type TYPE]\n"
		"       %1$s cache lookup NAME TYPE [do]\n"
		"       %1$s cache delete NAME [TYPE]\n"
		"       %1$s cache flush\n"
		"       %1$s cache load FILE [lifetime SECONDS] [secure|insecure] [do]\n"
		"       %1$s cache help\n"
		"\n"
		"show lists the kernel cache (user: the daemon's cache); lookup prints\n"
		"one entry's records with TTLs counted down; delete without TYPE removes\n"
		"every type and both DO forms. load (debugging) inserts a wire-format\n"
		"response read from FILE as if the daemon had validated it.\n",
		cli->argv0);
	return CLI_OK;
}

static const struct cli_cmd cache_cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "lookup", do_lookup },
	{ "delete", do_delete },
	{ "flush", do_flush },
	{ "load", do_load },
	{ NULL, NULL },
};

int do_cache(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "command", cache_cmds, argc, argv, do_help);
}
