// SPDX-License-Identifier: GPL-2.0
/* A worker's memo of the answers it built from cache hits: the same cached
 * entry at the same TTL, asked the same way, gets the same octets again
 * with only the ID changed, without parsing and rebuilding. */
#include <stdlib.h>
#include <string.h>

#include "dns/message.h"
#include "dns/name.h"
#include "resolve_memo.h"
#include "server.h"

/*
 * Everything of the client that resolve_answer_build() and
 * resolve_answer_ede() read, but the ID and the name: built zeroed, so
 * that memcmp() compares it whole.
 */
struct memo_shape {
	uint16_t qtype;
	uint16_t qclass;
	uint16_t flags;		/* the query's RD, CD and AD */
	uint16_t udp_size;	/* the client's */
	uint16_t cfg_udp_size;	/* the daemon's */
	uint8_t tcp;
	uint8_t has_edns;
	uint8_t do_bit;
	uint8_t qname_len;
};

struct resolve_memo_slot {
	uint64_t id;		/* cache entry; 0: empty */
	uint32_t ttl;
	uint16_t ede;
	uint16_t len;
	struct memo_shape shape;
	uint8_t qname[DNS_NAME_MAXLEN];	/* as spelled: answers echo it */
	uint8_t msg[RESOLVE_MEMO_MSG_MAX];
};

#define MEMO_SETS (RESOLVE_MEMO_SLOTS / 2)

struct resolve_memo {
	struct resolve_memo_slot slot[MEMO_SETS][2];
	uint8_t recent[MEMO_SETS];	/* the way used last in each set */
};

struct resolve_memo *resolve_memo_new(void)
{
	return calloc(1, sizeof(struct resolve_memo));
}

void resolve_memo_free(struct resolve_memo *m)
{
	free(m);
}

static void memo_shape_of(struct memo_shape *sh, const struct client *c,
			  uint16_t udp_size, size_t qname_len)
{
	memset(sh, 0, sizeof(*sh));
	sh->qtype = c->qtype;
	sh->qclass = c->qclass;
	sh->flags = c->flags & (DNS_FLAG_RD | DNS_FLAG_CD | DNS_FLAG_AD);
	sh->udp_size = c->udp_size;
	sh->cfg_udp_size = udp_size;
	sh->tcp = c->tcp;
	sh->has_edns = c->has_edns;
	sh->do_bit = c->do_bit;
	sh->qname_len = (uint8_t)qname_len;
}

struct resolve_memo_slot *resolve_memo_find(struct resolve_memo *m,
					    const struct client *c,
					    uint16_t udp_size, uint64_t *id,
					    uint32_t *ttl)
{
	size_t qlen = dns_name_length(c->qname);
	uint32_t h = 2166136261u;
	struct resolve_memo_slot *set;
	struct memo_shape sh;
	unsigned int i;

	/* FNV-1a over the name as spelled, the type and the DO bit. */
	for (size_t i = 0; i < qlen; i++)
		h = (h ^ c->qname[i]) * 16777619u;
	h = (h ^ c->qtype) * 16777619u;
	h = (h ^ (uint32_t)(c->do_bit | c->has_edns << 1)) * 16777619u;
	i = (h ^ h >> 16) % MEMO_SETS;
	set = m->slot[i];
	memo_shape_of(&sh, c, udp_size, qlen);
	for (unsigned int way = 0; way < 2; way++) {
		struct resolve_memo_slot *s = &set[way];

		if (s->id && !memcmp(&s->shape, &sh, sizeof(sh)) &&
		    !memcmp(s->qname, c->qname, qlen)) {
			m->recent[i] = (uint8_t)way;
			*id = s->id;
			*ttl = s->ttl;
			return s;
		}
	}
	/* Not held: the other way than the one used last is replaced. */
	*id = 0;
	*ttl = 0;
	m->recent[i] ^= 1;
	return &set[m->recent[i]];
}

size_t resolve_memo_answer(const struct resolve_memo_slot *s,
			   const struct client *c, uint8_t *out, uint16_t *ede)
{
	memcpy(out, s->msg, s->len);
	dns_hdr_set_id(out, c->id);
	*ede = s->ede;
	return s->len;
}

void resolve_memo_store(struct resolve_memo_slot *s, const struct client *c,
			uint16_t udp_size, uint64_t id, uint32_t ttl,
			uint16_t ede, const uint8_t *msg, size_t len)
{
	size_t qlen = dns_name_length(c->qname);

	if (len > RESOLVE_MEMO_MSG_MAX || len < DNS_HEADER_LEN) {
		s->id = 0;
		return;
	}
	memo_shape_of(&s->shape, c, udp_size, qlen);
	memcpy(s->qname, c->qname, qlen);
	memcpy(s->msg, msg, len);
	s->len = (uint16_t)len;
	s->id = id;
	s->ttl = ttl;
	s->ede = ede;
}
