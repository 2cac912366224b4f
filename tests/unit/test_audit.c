// SPDX-License-Identifier: GPL-2.0
/* Tests of the audit log: JSON lines, rotation, drops when the ring is full. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "tap.h"

/* --- a small JSON validator (RFC 8259 grammar, no semantics) ------------- */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	int i;

	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	const char *s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		s = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return NULL;
	}
	return p;
}

static const char *json_value(const char *p, int depth)
{
	char close;

	if (depth > 16)
		return NULL;
	p = json_ws(p);
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (*p != '{' && *p != '[')
		return json_number(p);
	close = *p == '{' ? '}' : ']';
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			p = json_string(json_ws(p));
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static bool json_valid(const char *s)
{
	const char *end = json_value(s, 0);

	return end && !*json_ws(end);
}

/* --- helpers ------------------------------------------------------------------ */

static char tmpdir[] = "/tmp/xdpdns-audit-XXXXXX";

static int count_lines(const char *path, int *bad, int *first_seq,
		       int *last_seq)
{
	char line[8192];
	int n = 0, seq;
	const char *d;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!json_valid(line))
			(*bad)++;
		d = strstr(line, "\"detail\":\"seq ");
		if (d && sscanf(d + 14, "%d", &seq) == 1) {
			if (!n && first_seq)
				*first_seq = seq;
			if (last_seq)
				*last_seq = seq;
		}
		n++;
	}
	fclose(f);
	return n;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static struct audit_event event(enum audit_kind kind, const char *zone)
{
	struct audit_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.time_ms = 1795906800123LL;	/* 2026-11-28T23:00:00.123Z */
	snprintf(ev.zone, sizeof(ev.zone), "%s", zone);
	return ev;
}

/* --- tests ---------------------------------------------------------------------- */

static void test_format(void)
{
	struct audit_event ev = event(AUDIT_DNSKEY_CHANGED, "mesh.internal.");
	char line[4096];
	int n;

	ev.before_keys.n = 2;
	ev.before_keys.key[0] = (struct audit_key){ .tag = 20326, .algorithm = 8, .digest_type = 0, .flags = 257 };
	ev.before_keys.key[1] = (struct audit_key){ .tag = 1111, .algorithm = 13, .digest_type = 0, .flags = 256 };
	ev.after_keys.n = 3;
	ev.after_keys.key[0] = (struct audit_key){ .tag = 20326, .algorithm = 8, .digest_type = 0, .flags = 257 };
	ev.after_keys.key[1] = (struct audit_key){ .tag = 2222, .algorithm = 13, .digest_type = 0, .flags = 256 };
	ev.after_keys.key[2] = (struct audit_key){ .tag = 20454, .algorithm = 8, .digest_type = 0, .flags = 385 };
	n = audit_format(&ev, line, sizeof(line));
	ok(n > 0 && (size_t)n == strlen(line), "dnskey_changed formats");
	is_str(line,
	       "{\"time\":\"2026-11-28T23:00:00.123Z\",\"zone\":\"mesh.internal.\","
	       "\"kind\":\"dnskey_changed\","
	       "\"before\":[{\"tag\":20326,\"algorithm\":8,\"flags\":257,\"revoked\":false},"
	       "{\"tag\":1111,\"algorithm\":13,\"flags\":256,\"revoked\":false}],"
	       "\"after\":[{\"tag\":20326,\"algorithm\":8,\"flags\":257,\"revoked\":false},"
	       "{\"tag\":2222,\"algorithm\":13,\"flags\":256,\"revoked\":false},"
	       "{\"tag\":20454,\"algorithm\":8,\"flags\":385,\"revoked\":true}],"
	       "\"added\":[{\"tag\":2222,\"algorithm\":13,\"flags\":256,\"revoked\":false},"
	       "{\"tag\":20454,\"algorithm\":8,\"flags\":385,\"revoked\":true}],"
	       "\"removed\":[{\"tag\":1111,\"algorithm\":13,\"flags\":256,\"revoked\":false}],"
	       "\"revoked\":[{\"tag\":20454,\"algorithm\":8,\"flags\":385,\"revoked\":true}]}",
	       "added, removed and revoked keys derived from before and after");

	ev = event(AUDIT_ZONE_STATE_CHANGED, "we\"ird\\.\x01.");
	ev.before_state = AUDIT_STATE_SECURE;
	ev.after_state = AUDIT_STATE_BOGUS;
	snprintf(ev.detail, sizeof(ev.detail), "RRSIG expired");
	audit_format(&ev, line, sizeof(line));
	is_str(line,
	       "{\"time\":\"2026-11-28T23:00:00.123Z\",\"zone\":\"we\\\"ird\\\\.\\u0001.\","
	       "\"kind\":\"zone_state_changed\",\"before\":\"secure\","
	       "\"after\":\"bogus\",\"detail\":\"RRSIG expired\"}",
	       "zone state change, zone name escaped");
	ok(json_valid(line), "escaped line is valid JSON");

	ev.before_state = AUDIT_STATE_NONE;
	ev.after_state = AUDIT_STATE_NTA;
	ev.detail[0] = '\0';
	audit_format(&ev, line, sizeof(line));
	ok(strstr(line, "\"before\":null,\"after\":\"nta\"}"),
	   "unknown state is null, NTA named");

	ev = event(AUDIT_NTA_CHANGED, "broken.example.");
	ev.nta_after = 1795910400;
	audit_format(&ev, line, sizeof(line));
	ok(strstr(line, "\"before\":null,\"after\":{\"until\":"
			"\"2026-11-29T00:00:00.000Z\"}"),
	   "NTA added: before null, after its expiry");

	ev = event(AUDIT_CDS_MISMATCH, "child.example.");
	ev.before_keys.n = 1;
	ev.before_keys.key[0] = (struct audit_key){ .tag = 4242, .algorithm = 13, .digest_type = 2, .flags = 0 };
	ev.after_keys.n = 1;
	ev.after_keys.key[0] = (struct audit_key){ .tag = 4343, .algorithm = 13, .digest_type = 2, .flags = 0 };
	audit_format(&ev, line, sizeof(line));
	ok(strstr(line, "\"kind\":\"cds_mismatch\",\"before\":[{\"tag\":4242,"
			"\"algorithm\":13,\"digest_type\":2}]") &&
		   !strstr(line, "revoked"),
	   "CDS keys shown by digest type");
	ev = event(AUDIT_DS_CHANGED, "child.example.");
	ev.before_keys.n = 1;
	ev.before_keys.key[0] = (struct audit_key){ .tag = 4242, .algorithm = 13,
						    .digest_type = 2, .digest_len = 4,
						    .digest = { 0xde, 0xad, 0xbe, 0xef } };
	ev.after_keys.n = 1;
	ev.after_keys.key[0] = ev.before_keys.key[0];
	ev.after_keys.key[0].digest[3] = 0xee;
	audit_format(&ev, line, sizeof(line));
	is_str(line,
	       "{\"time\":\"2026-11-28T23:00:00.123Z\",\"zone\":\"child.example.\","
	       "\"kind\":\"ds_changed\","
	       "\"before\":[{\"tag\":4242,\"algorithm\":13,\"digest_type\":2,\"digest\":\"deadbeef\"}],"
	       "\"after\":[{\"tag\":4242,\"algorithm\":13,\"digest_type\":2,\"digest\":\"deadbeee\"}],"
	       "\"added\":[{\"tag\":4242,\"algorithm\":13,\"digest_type\":2,\"digest\":\"deadbeee\"}],"
	       "\"removed\":[{\"tag\":4242,\"algorithm\":13,\"digest_type\":2,\"digest\":\"deadbeef\"}]}",
	       "DS keys with their digests: same tag, new digest is a change");
	/* The longest line there can be fits AUDIT_LINE_MAX. */
	{
		static char big[AUDIT_LINE_MAX];
		struct audit_event w = event(AUDIT_DNSKEY_CHANGED, "");
		int k;

		memset(w.zone, 0x01, sizeof(w.zone) - 1);
		memset(w.detail, '"', sizeof(w.detail) - 1);
		w.before_keys.n = w.after_keys.n = AUDIT_MAX_KEYS;
		for (k = 0; k < AUDIT_MAX_KEYS; k++) {
			w.before_keys.key[k] = (struct audit_key){ .tag = 65535 - k, .algorithm = 255, .digest_type = 255, .flags = 65535 };
			w.after_keys.key[k] = (struct audit_key){ .tag = 60000 - k, .algorithm = 255, .digest_type = 255, .flags = 65535 };
		}
		n = audit_format(&w, big, sizeof(big));
		ok(n > 0 && json_valid(big), "worst case line fits (%d bytes)", n);
		/* DS keys carry 64-byte digests: the longest key arrays. */
		w.kind = AUDIT_DS_CHANGED;
		for (k = 0; k < AUDIT_MAX_KEYS; k++) {
			w.before_keys.key[k].digest_len = AUDIT_DIGEST_MAX;
			w.after_keys.key[k].digest_len = AUDIT_DIGEST_MAX;
			memset(w.before_keys.key[k].digest, 0xab, AUDIT_DIGEST_MAX);
			memset(w.after_keys.key[k].digest, 0xcd, AUDIT_DIGEST_MAX);
		}
		n = audit_format(&w, big, sizeof(big));
		ok(n > 0 && json_valid(big), "worst case DS line fits (%d bytes)", n);
	}
	ev.kind = AUDIT_KIND_MAX;
	is_int(audit_format(&ev, line, sizeof(line)), -EINVAL,
	       "unknown kind refused");
	ev.kind = AUDIT_DS_CHANGED;
	is_int(audit_format(&ev, line, 40), -ENOSPC, "small buffer reported");
}

static void test_log(void)
{
	static const enum audit_kind kinds[] = {
		AUDIT_DNSKEY_CHANGED, AUDIT_DS_CHANGED, AUDIT_CDS_APPEARED,
		AUDIT_CDS_CHANGED, AUDIT_CDS_MISMATCH, AUDIT_ZONE_STATE_CHANGED,
		AUDIT_ANCHOR_CHANGED, AUDIT_NTA_CHANGED,
	};
	char path[PATH_MAX / 2], cmd[PATH_MAX + 200];
	struct audit_event ev;
	struct audit *a;
	uint64_t written, dropped, errors;
	int bad = 0, i, n, err;

	snprintf(path, sizeof(path), "%s/audit.log", tmpdir);
	err = audit_open(path, 0, 0, &a);
	is_int(err, 0, "log opens");
	if (err)
		return;
	for (i = 0; i < 8; i++) {
		ev = event(kinds[i], "example.");
		ev.time_ms = 0;
		ev.before_keys.n = 1;
		ev.before_state = AUDIT_STATE_INSECURE;
		ev.after_state = AUDIT_STATE_SECURE;
		ev.nta_before = 1795910400;
		snprintf(ev.detail, sizeof(ev.detail), "seq %d", i);
		is_int(audit_event(a, &ev), 0, "%s queued", audit_kind_name(kinds[i]));
	}
	ev.kind = AUDIT_KIND_MAX;
	is_int(audit_event(a, &ev), -EINVAL, "unknown kind refused at entry");
	is_int(audit_flush(a, 5000), 0, "flushed");
	audit_stats(a, &written, &dropped, &errors);
	ok(written == 8 && dropped == 0 && errors == 0,
	   "8 written, none dropped or failed");
	audit_close(a);
	n = count_lines(path, &bad, NULL, NULL);
	is_int(n, 8, "8 lines in the file");
	is_int(bad, 0, "every line is valid JSON (own checker)");
	if (access("/usr/bin/python3", X_OK) == 0) {
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/python3 -c 'import json,sys,datetime\n"
			 "for l in open(sys.argv[1]):\n"
			 " d=json.loads(l)\n"
			 " datetime.datetime.fromisoformat(d[\"time\"].replace(\"Z\",\"+00:00\"))\n"
			 " assert d[\"zone\"]==\"example.\" and \"before\" in d and \"after\" in d\n' %s",
			 path);
		is_int(system(cmd), 0,
		       "python json.loads reads every line, RFC 3339 times");
	} else {
		ok(1, "# SKIP no /usr/bin/python3");
	}

	/* Appending: a reopened log keeps the old lines. */
	err = audit_open(path, 0, 0, &a);
	ev = event(AUDIT_DS_CHANGED, "example.");
	audit_event(a, &ev);
	audit_close(a);
	bad = 0;
	is_int(count_lines(path, &bad, NULL, NULL), 9, "log reopened appends");

	/* audit_reopen: after an external tool moved the file away. */
	snprintf(cmd, sizeof(cmd), "%s.moved", path);
	audit_open(path, 0, 0, &a);
	rename(path, cmd);
	audit_reopen(a);
	audit_event(a, &ev);
	audit_flush(a, 5000);
	audit_close(a);
	is_int(count_lines(path, &bad, NULL, NULL), 1,
	       "after audit_reopen the line goes to a new file");
	unlink(cmd);
	unlink(path);
}

static void test_rotation(void)
{
	char path[PATH_MAX], p1[PATH_MAX + 8], p2[PATH_MAX + 8], p3[PATH_MAX + 8];
	int bad = 0, f0 = -1, l0 = -1, f1 = -1, l1 = -1, f2 = -1, l2 = -1;
	struct audit_event ev;
	struct audit *a;
	int i, n0, n1, n2;

	snprintf(path, sizeof(path), "%s/rot.log", tmpdir);
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p2, sizeof(p2), "%s.2", path);
	snprintf(p3, sizeof(p3), "%s.3", path);
	if (audit_open(path, 1000, 2, &a)) {
		ok(0, "rotating log opens");
		return;
	}
	for (i = 0; i < 40; i++) {
		ev = event(AUDIT_ZONE_STATE_CHANGED, "example.");
		ev.before_state = AUDIT_STATE_SECURE;
		ev.after_state = AUDIT_STATE_BOGUS;
		snprintf(ev.detail, sizeof(ev.detail), "seq %d", i);
		audit_event(a, &ev);
	}
	audit_flush(a, 5000);
	audit_close(a);
	ok(file_size(path) > 0 && file_size(path) <= 1000 &&
		   file_size(p1) > 0 && file_size(p1) <= 1000 &&
		   file_size(p2) > 0 && file_size(p2) <= 1000,
	   "path, path.1, path.2 each within 1000 bytes (%lld %lld %lld)",
	   (long long)file_size(path), (long long)file_size(p1),
	   (long long)file_size(p2));
	ok(file_size(p3) < 0, "no path.3 with keep_files 2");
	n2 = count_lines(p2, &bad, &f2, &l2);
	n1 = count_lines(p1, &bad, &f1, &l1);
	n0 = count_lines(path, &bad, &f0, &l0);
	is_int(bad, 0, "rotated lines are valid JSON");
	ok(l0 == 39 && f0 == l1 + 1 && f1 == l2 + 1 &&
		   n0 == l0 - f0 + 1 && n1 == l1 - f1 + 1 && n2 == l2 - f2 + 1,
	   "newest lines in path, older in path.1 then path.2, none missing "
	   "between (%d-%d, %d-%d, %d-%d)", f2, l2, f1, l1, f0, l0);
	unlink(path);
	unlink(p1);
	unlink(p2);

	/* keep_files 0: the file starts again, nothing is kept. */
	audit_open(path, 500, 0, &a);
	for (i = 0; i < 10; i++) {
		ev = event(AUDIT_DS_CHANGED, "example.");
		snprintf(ev.detail, sizeof(ev.detail), "seq %d", i);
		audit_event(a, &ev);
	}
	audit_close(a);
	bad = 0;
	l0 = -1;
	ok(count_lines(path, &bad, NULL, &l0) > 0 && l0 == 9 &&
		   file_size(path) <= 500 && file_size(p1) < 0,
	   "keep_files 0 truncates in place");
	unlink(path);
}

struct read_state {
	int fd;
	int lines, bad;
};

static void *read_fifo(void *arg)
{
	struct read_state *rs = arg;
	char line[8192];
	FILE *f = fdopen(rs->fd, "r");

	while (f && fgets(line, sizeof(line), f)) {
		rs->lines++;
		line[strcspn(line, "\n")] = '\0';
		rs->bad += !json_valid(line);
	}
	if (f)
		fclose(f);
	return NULL;
}

/*
 * Drops: the log is a FIFO nobody reads, so the writer blocks in write(2)
 * as on a stuck disk; producers must not block, and must count drops.
 */
static void test_drops(void)
{
	char path[PATH_MAX];
	uint64_t written, dropped;
	int accepted = 0, refused = 0, rd, i, lines = 0, bad = 0;
	struct audit_event ev = event(AUDIT_ANCHOR_CHANGED, "example.");
	struct read_state rs = { 0 };
	pthread_t reader;
	struct audit *a;

	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	if (mkfifo(path, 0600)) {
		ok(0, "mkfifo: %s", strerror(errno));
		return;
	}
	rd = open(path, O_RDONLY | O_NONBLOCK);
	fcntl(rd, F_SETPIPE_SZ, 4096);
	if (audit_open(path, 100, 2, &a)) {
		ok(0, "log on a FIFO opens");
		close(rd);
		return;
	}
	for (i = 0; i < 5000; i++) {
		if (audit_event(a, &ev) == 0)
			accepted++;
		else
			refused++;
	}
	audit_stats(a, &written, &dropped, NULL);
	ok(refused > 0 && (uint64_t)refused == dropped,
	   "full ring drops and counts (%d dropped)", refused);
	ok(accepted >= AUDIT_RING_SIZE, "the ring took %d before filling",
	   accepted);
	/* Read everything in another thread so the writer drains; EOF
	 * comes when audit_close() closes the FIFO. */
	fcntl(rd, F_SETFL, 0);
	rs.fd = rd;
	pthread_create(&reader, NULL, read_fifo, &rs);
	audit_close(a);
	pthread_join(reader, NULL);
	lines = rs.lines;
	bad = rs.bad;
	is_int(lines, accepted, "every accepted event came out as a line");
	is_int(bad, 0, "all valid JSON");
	ok(audit_event(NULL, &ev) == 0, "NULL log accepts and ignores");
	unlink(path);
}

/* audit_configure(): a reload moves the log, changes its bounds, turns it
 * off; a path that cannot be opened leaves the running log alone. */
static void test_configure(void)
{
	char p1[PATH_MAX / 2], p2[PATH_MAX / 2], r1[PATH_MAX];
	struct audit_event ev = event(AUDIT_DS_CHANGED, "example.");
	struct audit *a;
	int bad = 0, i, n;

	snprintf(p1, sizeof(p1), "%s/conf1.log", tmpdir);
	snprintf(p2, sizeof(p2), "%s/conf2.log", tmpdir);
	snprintf(r1, sizeof(r1), "%s.1", p2);
	if (audit_open(p1, 0, 0, &a)) {
		ok(0, "log opens");
		return;
	}
	audit_event(a, &ev);
	is_int(audit_configure(a, p2, 600, 1), 0, "moved to a second file");
	audit_event(a, &ev);
	audit_flush(a, 5000);
	is_int(count_lines(p1, &bad, NULL, NULL), 1, "queued before: in the old file");
	is_int(count_lines(p2, &bad, NULL, NULL), 1, "after: in the new file");
	is_int(audit_configure(a, "/nonexistent-dir/x.log", 0, 0), -ENOENT,
	       "a path that cannot be opened is refused");
	ok(audit_enabled(a), "and the log stays on");
	for (i = 0; i < 10; i++)
		audit_event(a, &ev);
	audit_flush(a, 5000);
	ok(file_size(r1) > 0 && file_size(p2) <= 600,
	   "the new bounds rotate it (%lld, %lld)", (long long)file_size(p2),
	   (long long)file_size(r1));
	n = count_lines(p1, &bad, NULL, NULL) + count_lines(p2, &bad, NULL, NULL) +
	    count_lines(r1, &bad, NULL, NULL);
	is_int(audit_configure(a, "", 0, 0), 0, "turned off");
	ok(!audit_enabled(a), "reported off");
	is_int(audit_event(a, &ev), 0, "an event is accepted and ignored");
	audit_flush(a, 5000);
	is_int(count_lines(p1, &bad, NULL, NULL) + count_lines(p2, &bad, NULL, NULL) +
	       count_lines(r1, &bad, NULL, NULL), n, "no line written while off");
	is_int(audit_configure(a, p1, 0, 0), 0, "on again");
	audit_event(a, &ev);
	audit_close(a);
	is_int(count_lines(p1, &bad, NULL, NULL), 2, "appended to the file given");
	is_int(bad, 0, "all valid JSON");
	unlink(p1);
	unlink(p2);
	unlink(r1);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		skip_all("mkdtemp: %s", strerror(errno));
	}
	test_format();
	test_log();
	test_rotation();
	test_drops();
	test_configure();
	rmdir(tmpdir);
	return done_testing();
}
