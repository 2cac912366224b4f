// SPDX-License-Identifier: GPL-2.0
/* Append-only JSON-lines audit log of DNSSEC events, written by its own thread. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "util/outbuf.h"

#define DNSKEY_FLAG_REVOKE 0x0080	/* RFC 5011 2.1 */

static const char *const kind_names[AUDIT_KIND_MAX] = {
	[AUDIT_DNSKEY_CHANGED] = "dnskey_changed",
	[AUDIT_DS_CHANGED] = "ds_changed",
	[AUDIT_CDS_APPEARED] = "cds_appeared",
	[AUDIT_CDS_CHANGED] = "cds_changed",
	[AUDIT_CDS_MISMATCH] = "cds_mismatch",
	[AUDIT_ZONE_STATE_CHANGED] = "zone_state_changed",
	[AUDIT_ANCHOR_CHANGED] = "anchor_changed",
	[AUDIT_NTA_CHANGED] = "nta_changed",
};

static const char *const state_names[] = {
	[AUDIT_STATE_NONE] = NULL,
	[AUDIT_STATE_SECURE] = "secure",
	[AUDIT_STATE_INSECURE] = "insecure",
	[AUDIT_STATE_BOGUS] = "bogus",
	[AUDIT_STATE_INDETERMINATE] = "indeterminate",
	[AUDIT_STATE_NTA] = "nta",
};

/**
 * struct audit - the log.
 * @lock:      guards the ring, the sequence numbers and the flags.
 * @wake:      signalled when an event is queued, or on reopen or stop.
 * @done:      signalled when the writer has written what it took.
 * @ring:      AUDIT_RING_SIZE events; @queued - @taken of them are pending.
 * @queued:    events accepted so far; @taken: given to the writer;
 *             @finished: written (or failed) by it.
 * @fd, @size: the open file and its size (the writer's alone, as are
 *             @path, @max_bytes and @keep).
 * @enabled:   events are taken (false after a reload turned the log off).
 * @next_set, @next_fd, @next_path, @next_max, @next_keep: a new file and
 *             bounds from audit_configure(), for the writer to take over
 *             (@next_path NULL: no file).
 */
struct audit {
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	pthread_t thread;
	struct audit_event *ring;
	uint64_t queued, taken, finished;
	uint64_t written, dropped, errors;
	bool stop, reopen;
	bool enabled;
	bool next_set;
	int next_fd;
	char *next_path;
	uint64_t next_max;
	unsigned int next_keep;
	char *path;
	uint64_t max_bytes;
	unsigned int keep;
	int fd;
	uint64_t size;
};

const char *audit_kind_name(enum audit_kind kind)
{
	if ((unsigned int)kind >= AUDIT_KIND_MAX)
		return NULL;
	return kind_names[kind];
}

/* --- formatting ------------------------------------------------------------ */

/* A JSON string (RFC 8259 7): quote, backslash and control bytes escaped. */
static void put_string(struct outbuf *o, const char *s, size_t max)
{
	size_t i;

	outbuf_printf(o, "\"");
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			outbuf_printf(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			/* Presentation names escape other bytes as \DDD;
			 * a raw one is kept visible rather than made UTF-8. */
			outbuf_printf(o, "\\u%04x", c);
		else
			outbuf_printf(o, "%c", c);
	}
	outbuf_printf(o, "\"");
}

static void put_time(struct outbuf *o, int64_t ms)
{
	time_t sec = (time_t)(ms / 1000);
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	/* RFC 3339 5.6 date-time, UTC, with milliseconds. */
	outbuf_printf(o, "\"%s.%03dZ\"", buf, (int)(ms % 1000));
}

static bool key_equal(const struct audit_key *a, const struct audit_key *b)
{
	return a->tag == b->tag && a->algorithm == b->algorithm &&
	       a->digest_type == b->digest_type && a->flags == b->flags &&
	       a->digest_len == b->digest_len &&
	       !memcmp(a->digest, b->digest, a->digest_len);
}

static bool keyset_has(const struct audit_keyset *set,
		       const struct audit_key *k)
{
	unsigned int i;

	for (i = 0; i < set->n && i < AUDIT_MAX_KEYS; i++)
		if (key_equal(&set->key[i], k))
			return true;
	return false;
}

static void put_key(struct outbuf *o, const struct audit_key *k, bool is_ds)
{
	outbuf_printf(o, "{\"tag\":%u,\"algorithm\":%u", k->tag, k->algorithm);
	/* A DS-style record (DS, CDS, a DS anchor) is known by its digest. */
	if (is_ds || k->digest_len) {
		outbuf_printf(o, ",\"digest_type\":%u", k->digest_type);
		if (k->digest_len) {
			outbuf_printf(o, ",\"digest\":\"");
			for (unsigned int i = 0; i < k->digest_len &&
			     i < AUDIT_DIGEST_MAX; i++)
				outbuf_printf(o, "%02x", k->digest[i]);
			outbuf_printf(o, "\"");
		}
		outbuf_printf(o, "}");
	} else {
		outbuf_printf(o, ",\"flags\":%u,\"revoked\":%s}", k->flags,
		    k->flags & DNSKEY_FLAG_REVOKE ? "true" : "false");
	}
}

/*
 * A key array; @filter selects: 0 all of @set, 1 those not in @other,
 * 2 those with REVOKE set that were not already so in @other.
 */
static void put_keys(struct outbuf *o, const char *field,
		     const struct audit_keyset *set,
		     const struct audit_keyset *other, int filter, bool is_ds)
{
	bool first = true;
	unsigned int i;

	outbuf_printf(o, ",\"%s\":[", field);
	for (i = 0; i < set->n && i < AUDIT_MAX_KEYS; i++) {
		const struct audit_key *k = &set->key[i];

		if (filter == 1 && keyset_has(other, k))
			continue;
		if (filter == 2 && (!(k->flags & DNSKEY_FLAG_REVOKE) ||
				    keyset_has(other, k)))
			continue;
		if (!first)
			outbuf_printf(o, ",");
		put_key(o, k, is_ds);
		first = false;
	}
	outbuf_printf(o, "]");
}

static void put_nta(struct outbuf *o, const char *field, int64_t until)
{
	outbuf_printf(o, ",\"%s\":", field);
	if (!until) {
		outbuf_printf(o, "null");
		return;
	}
	outbuf_printf(o, "{\"until\":");
	put_time(o, until * 1000);
	outbuf_printf(o, "}");
}

int audit_format(const struct audit_event *ev, char *buf, size_t size)
{
	struct outbuf o = { .buf = buf, .cap = size };
	const char *kind = audit_kind_name(ev->kind);
	const char *sb, *sa;
	bool is_ds;

	if (!kind || !size)
		return -EINVAL;
	buf[0] = '\0';
	outbuf_printf(&o, "{\"time\":");
	put_time(&o, ev->time_ms);
	outbuf_printf(&o, ",\"zone\":");
	put_string(&o, ev->zone, sizeof(ev->zone));
	outbuf_printf(&o, ",\"kind\":\"%s\"", kind);
	switch (ev->kind) {
	case AUDIT_ZONE_STATE_CHANGED:
		sb = (unsigned int)ev->before_state <= AUDIT_STATE_NTA ?
			     state_names[ev->before_state] : NULL;
		sa = (unsigned int)ev->after_state <= AUDIT_STATE_NTA ?
			     state_names[ev->after_state] : NULL;
		/* NONE (a zone not known before, or gone) is null. */
		if (sb)
			outbuf_printf(&o, ",\"before\":\"%s\"", sb);
		else
			outbuf_printf(&o, ",\"before\":null");
		if (sa)
			outbuf_printf(&o, ",\"after\":\"%s\"", sa);
		else
			outbuf_printf(&o, ",\"after\":null");
		break;
	case AUDIT_NTA_CHANGED:
		put_nta(&o, "before", ev->nta_before);
		put_nta(&o, "after", ev->nta_after);
		break;
	default:
		/* DS and CDS describe keys by digest; DNSKEYs and anchors
		 * (which may be either) by flags when they have them. */
		is_ds = ev->kind == AUDIT_DS_CHANGED ||
			ev->kind == AUDIT_CDS_APPEARED ||
			ev->kind == AUDIT_CDS_CHANGED ||
			ev->kind == AUDIT_CDS_MISMATCH;
		put_keys(&o, "before", &ev->before_keys, NULL, 0, is_ds);
		put_keys(&o, "after", &ev->after_keys, NULL, 0, is_ds);
		put_keys(&o, "added", &ev->after_keys, &ev->before_keys, 1,
			 is_ds);
		put_keys(&o, "removed", &ev->before_keys, &ev->after_keys, 1,
			 is_ds);
		if (!is_ds)
			put_keys(&o, "revoked", &ev->after_keys,
				 &ev->before_keys, 2, false);
		if (ev->before_keys.cut || ev->after_keys.cut)
			outbuf_printf(&o, ",\"truncated\":true");
		break;
	}
	if (ev->detail[0]) {
		outbuf_printf(&o, ",\"detail\":");
		put_string(&o, ev->detail, sizeof(ev->detail));
	}
	outbuf_printf(&o, "}");
	return o.full ? -ENOSPC : (int)o.len;
}

/* --- the writer ------------------------------------------------------------ */

static int open_log(struct audit *a)
{
	struct stat st;
	int fd;

	if (!a->path)
		return 0;	/* turned off by a reload */
	fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	if (a->fd >= 0)
		close(a->fd);
	a->fd = fd;
	/* Only a regular file grows; a FIFO or terminal is never rotated. */
	a->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	return 0;
}

/* path.N-1 -> path.N ... path -> path.1, then a new empty path. */
static int rotate(struct audit *a)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct stat st;
	unsigned int i;

	if (fstat(a->fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	if (!a->keep) {
		if (unlink(a->path) && errno != ENOENT)
			return -errno;
		return open_log(a);
	}
	for (i = a->keep; i > 1; i--) {
		snprintf(from, sizeof(from), "%s.%u", a->path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", a->path, i);
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	snprintf(to, sizeof(to), "%s.1", a->path);
	if (rename(a->path, to) && errno != ENOENT)
		return -errno;
	return open_log(a);
}

static int write_line(struct audit *a, const struct audit_event *ev)
{
	char line[AUDIT_LINE_MAX];
	size_t done = 0;
	ssize_t n;
	int len;

	len = audit_format(ev, line, sizeof(line) - 1);
	if (len < 0)
		return len;
	line[len++] = '\n';
	if (a->max_bytes && a->size > 0 && a->size + (uint64_t)len > a->max_bytes) {
		int err = rotate(a);

		if (err)
			return err;
	}
	while (done < (size_t)len) {
		n = write(a->fd, line + done, (size_t)len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	a->size += (uint64_t)len;
	return 0;
}

/* Under the lock: switch to the file and bounds audit_configure() left. */
static void writer_take_next(struct audit *a)
{
	char *old_path = a->path;
	int old_fd = a->fd;
	struct stat st;

	a->next_set = false;
	a->path = a->next_path;
	a->next_path = NULL;
	a->fd = a->next_fd;
	a->next_fd = -1;
	a->max_bytes = a->next_max;
	a->keep = a->next_keep;
	/* Only a regular file grows; a FIFO or terminal is never rotated. */
	a->size = a->fd >= 0 && !fstat(a->fd, &st) && S_ISREG(st.st_mode) ?
			  (uint64_t)st.st_size : 0;
	pthread_mutex_unlock(&a->lock);
	if (old_fd >= 0)
		close(old_fd);
	free(old_path);
	pthread_mutex_lock(&a->lock);
}

static void *writer(void *arg)
{
	struct audit *a = arg;
	struct audit_event *ev;
	bool reopen;
	int err;

	ev = malloc(sizeof(*ev));
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->stop && !a->reopen && !a->next_set && a->taken == a->queued)
			pthread_cond_wait(&a->wake, &a->lock);
		if (a->next_set) {
			writer_take_next(a);
			continue;
		}
		reopen = a->reopen;
		a->reopen = false;
		if (a->taken == a->queued && !reopen)
			break;	/* stopping, and everything is written */
		if (reopen) {
			pthread_mutex_unlock(&a->lock);
			err = open_log(a);
			pthread_mutex_lock(&a->lock);
			if (err)
				a->errors++;
			continue;
		}
		if (ev)
			*ev = a->ring[a->taken % AUDIT_RING_SIZE];
		a->taken++;
		/* The copy is ours: the disk write happens unlocked, so a
		 * slow disk only fills the ring, never blocks a producer. */
		pthread_mutex_unlock(&a->lock);
		err = ev ? write_line(a, ev) : -ENOMEM;
		pthread_mutex_lock(&a->lock);
		if (err)
			a->errors++;
		else
			a->written++;
		a->finished++;
		pthread_cond_broadcast(&a->done);
	}
	pthread_mutex_unlock(&a->lock);
	free(ev);
	return NULL;
}

/* --- API ---------------------------------------------------------------------- */

int audit_open(const char *path, uint64_t max_bytes, unsigned int keep_files,
	       struct audit **out)
{
	pthread_condattr_t ca;
	struct audit *a;
	int err;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->fd = -1;
	a->next_fd = -1;
	a->enabled = true;
	a->max_bytes = max_bytes;
	a->keep = keep_files;
	a->path = strdup(path);
	a->ring = calloc(AUDIT_RING_SIZE, sizeof(*a->ring));
	if (!a->path || !a->ring) {
		err = -ENOMEM;
		goto out;
	}
	err = open_log(a);
	if (err)
		goto out;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	/* audit_flush() waits with a monotonic deadline. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->done, &ca);
	pthread_condattr_destroy(&ca);
	err = -pthread_create(&a->thread, NULL, writer, a);
	if (err) {
		pthread_cond_destroy(&a->done);
		pthread_cond_destroy(&a->wake);
		pthread_mutex_destroy(&a->lock);
		goto out;
	}
	*out = a;
	return 0;
out:
	if (a->fd >= 0)
		close(a->fd);
	free(a->ring);
	free(a->path);
	free(a);
	return err;
}

int audit_event(struct audit *a, const struct audit_event *ev)
{
	struct audit_event *slot;
	struct timespec ts;
	int err = 0;

	if (!a)
		return 0;
	if ((unsigned int)ev->kind >= AUDIT_KIND_MAX)
		return -EINVAL;
	pthread_mutex_lock(&a->lock);
	if (!a->enabled)
		goto out;	/* the log was turned off by a reload */
	if (a->queued - a->taken >= AUDIT_RING_SIZE) {
		a->dropped++;
		err = -ENOSPC;
		goto out;
	}
	slot = &a->ring[a->queued % AUDIT_RING_SIZE];
	*slot = *ev;
	/* Strings are cut to their arrays even if the caller forgot the NUL. */
	slot->zone[sizeof(slot->zone) - 1] = '\0';
	slot->detail[sizeof(slot->detail) - 1] = '\0';
	if (!slot->time_ms) {
		clock_gettime(CLOCK_REALTIME, &ts);
		slot->time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	a->queued++;
	pthread_cond_signal(&a->wake);
out:
	pthread_mutex_unlock(&a->lock);
	return err;
}

int audit_flush(struct audit *a, unsigned int timeout_ms)
{
	struct timespec dl;
	uint64_t target;
	int err = 0;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&a->lock);
	target = a->queued;
	while (a->finished < target && !err)
		err = -pthread_cond_timedwait(&a->done, &a->lock, &dl);
	if (a->finished >= target)
		err = 0;
	pthread_mutex_unlock(&a->lock);
	return err;
}

void audit_stats(struct audit *a, uint64_t *written, uint64_t *dropped,
		 uint64_t *errors)
{
	pthread_mutex_lock(&a->lock);
	if (written)
		*written = a->written;
	if (dropped)
		*dropped = a->dropped;
	if (errors)
		*errors = a->errors;
	pthread_mutex_unlock(&a->lock);
}

void audit_reopen(struct audit *a)
{
	pthread_mutex_lock(&a->lock);
	a->reopen = true;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
}

int audit_configure(struct audit *a, const char *path, uint64_t max_bytes,
		    unsigned int keep_files)
{
	char *copy = NULL;
	int fd = -1;

	/* The new file opens here, so that a bad path is the caller's error
	 * and the running log stays. */
	if (path && path[0]) {
		copy = strdup(path);
		if (!copy)
			return -ENOMEM;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0) {
			int err = -errno;

			free(copy);
			return err;
		}
	}
	/* What was queued before goes to the old file. */
	audit_flush(a, 1000);
	pthread_mutex_lock(&a->lock);
	if (a->next_set) {	/* a change the writer has not taken yet */
		if (a->next_fd >= 0)
			close(a->next_fd);
		free(a->next_path);
	}
	a->next_set = true;
	a->next_fd = fd;
	a->next_path = copy;
	a->next_max = max_bytes;
	a->next_keep = keep_files;
	a->enabled = fd >= 0;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
	return 0;
}

bool audit_enabled(struct audit *a)
{
	bool on;

	pthread_mutex_lock(&a->lock);
	on = a->enabled;
	pthread_mutex_unlock(&a->lock);
	return on;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->done);
	pthread_cond_destroy(&a->wake);
	pthread_mutex_destroy(&a->lock);
	if (a->fd >= 0)
		close(a->fd);
	if (a->next_fd >= 0)
		close(a->next_fd);
	free(a->next_path);
	free(a->ring);
	free(a->path);
	free(a);
}
