/* SPDX-License-Identifier: GPL-2.0 */
/* DNS messages: header accessors, parsing (message.c), building (builder.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dns/rr.h"

#define DNS_HEADER_LEN 12
#define DNS_MSG_MAXLEN 65535

/* Header flag bits in the 16-bit flags word (RFC 1035 4.1.1, RFC 4035). */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE_SHIFT 11
#define DNS_OPCODE_MASK 0x7800
#define DNS_RCODE_MASK 0x000f

enum dns_opcode {
	DNS_OPCODE_QUERY = 0,
	DNS_OPCODE_IQUERY = 1,
	DNS_OPCODE_STATUS = 2,
	DNS_OPCODE_NOTIFY = 4,
	DNS_OPCODE_UPDATE = 5,
};

enum dns_rcode {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_BADVERS = 16,	/* needs EDNS: upper 8 bits in the OPT TTL */
};

enum dns_section {
	DNS_SECTION_ANSWER = 0,
	DNS_SECTION_AUTHORITY = 1,
	DNS_SECTION_ADDITIONAL = 2,
	DNS_SECTION_COUNT = 3,
};

/* --- header accessors on raw wire (caller checks len >= 12) ------------ */

static inline uint16_t dns_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void dns_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void dns_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static inline uint16_t dns_hdr_id(const uint8_t *m) { return dns_get16(m); }
static inline uint16_t dns_hdr_flags(const uint8_t *m) { return dns_get16(m + 2); }
static inline uint8_t dns_hdr_opcode(const uint8_t *m)
{
	return (dns_get16(m + 2) & DNS_OPCODE_MASK) >> DNS_OPCODE_SHIFT;
}
static inline uint8_t dns_hdr_rcode(const uint8_t *m) { return m[3] & DNS_RCODE_MASK; }
static inline uint16_t dns_hdr_qdcount(const uint8_t *m) { return dns_get16(m + 4); }
static inline uint16_t dns_hdr_ancount(const uint8_t *m) { return dns_get16(m + 6); }
static inline uint16_t dns_hdr_nscount(const uint8_t *m) { return dns_get16(m + 8); }
static inline uint16_t dns_hdr_arcount(const uint8_t *m) { return dns_get16(m + 10); }
static inline void dns_hdr_set_id(uint8_t *m, uint16_t id) { dns_put16(m, id); }
static inline void dns_hdr_set_flags(uint8_t *m, uint16_t f) { dns_put16(m + 2, f); }

/**
 * struct dns_rr - one parsed resource record.
 * @offset:       offset of the RR (its owner name) in the message.
 * @wire_len:     octets the RR occupies in the message (owner as it is on
 *                the wire, possibly a pointer, through the end of RDATA).
 * @ttl_offset:   offset of the 32-bit TTL field in the message.
 * @rdata_offset: offset of the RDATA in the message.
 * @rdlength:     RDLENGTH as on the wire.
 * @type, @rclass, @ttl: the fields (for OPT: class is the UDP size and the
 *                TTL the extended rcode/version/flags, see edns.h).
 * @owner:        uncompressed owner name (points into the message's arena).
 * @owner_len:    its length.
 * @rdata:        uncompressed RDATA: points into the message itself when
 *                the type has no names (no copy), else into the arena.
 * @rdata_len:    its length (differs from @rdlength only after
 *                decompression).
 * @section:      enum dns_section.
 *
 * Pointers stay valid while the message buffer given to dns_msg_parse()
 * and the struct dns_msg live, until the next parse into the same struct.
 */
struct dns_rr {
	uint16_t offset;
	uint16_t wire_len;
	uint16_t ttl_offset;
	uint16_t rdata_offset;
	uint16_t rdlength;
	uint16_t type;
	uint16_t rclass;
	uint16_t owner_len;
	uint32_t ttl;
	uint16_t rdata_len;
	uint8_t section;
	const uint8_t *owner;
	const uint8_t *rdata;
};

/**
 * struct dns_question - one question entry.
 * @offset:   of the QNAME in the message.
 * @wire_len: octets occupied (name + 4).
 * @name:     uncompressed QNAME (arena).
 * @name_len: its length.
 * @qtype, @qclass: the fields.
 */
struct dns_question {
	uint16_t offset;
	uint16_t wire_len;
	const uint8_t *name;
	uint16_t name_len;
	uint16_t qtype;
	uint16_t qclass;
};

/**
 * struct dns_msg - a parsed message. Reusable: parse into the same struct
 * again and again and its arrays are only reallocated when they grow.
 * @wire, @wire_len:   the message parsed (not copied, not owned).
 * @id, @flags:        header fields.
 * @qdcount:           number of questions (entries in @question).
 * @question:          the questions.
 * @rr:                every RR of the three sections in wire order, the
 *                     OPT record excluded.
 * @rr_count:          entries in @rr.
 * @section_first:     index in @rr of each section's first RR.
 * @section_count:     RRs in each section (additional without the OPT).
 * @has_opt:           an OPT record was present (in the additional section).
 * @opt:               that record, with its offset and wire_len so that a
 *                     cache builder can cut it out; also at @opt_index.
 * @opt_index:         position of the OPT among the additional section's
 *                     wire records (0-based), -1 when absent.
 * @edns:              decoded OPT (valid when @has_opt).
 * @rcode:             full rcode: header's 4 bits plus OPT's upper 8 bits.
 * @end:               offset just after the last RR (== @wire_len).
 */
struct dns_msg {
	const uint8_t *wire;
	size_t wire_len;
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount;
	struct dns_question *question;
	struct dns_rr *rr;
	size_t rr_count;
	size_t section_first[DNS_SECTION_COUNT];
	size_t section_count[DNS_SECTION_COUNT];
	bool has_opt;
	int opt_index;
	struct dns_rr opt;
	struct dns_edns edns;
	uint16_t rcode;
	size_t end;

	/* private: storage reused between parses */
	struct dns_question *q_store;
	size_t q_cap;
	size_t rr_cap;
	uint8_t *arena;
	size_t arena_cap;
	size_t arena_len;
};

/**
 * dns_msg_init() - prepare an empty struct dns_msg (no allocation).
 */
void dns_msg_init(struct dns_msg *msg);

/**
 * dns_msg_release() - free the storage held by a struct dns_msg (the
 * struct itself is the caller's; it can be initialised again).
 */
void dns_msg_release(struct dns_msg *msg);

/**
 * dns_msg_new() - allocate and initialise a struct dns_msg.
 * Return: the message or NULL on allocation failure.
 */
struct dns_msg *dns_msg_new(void);

/**
 * dns_msg_free() - release and free a message from dns_msg_new(); NULL ok.
 */
void dns_msg_free(struct dns_msg *msg);

/**
 * dns_msg_parse() - parse a whole message.
 * @msg:  a struct dns_msg from dns_msg_init() or dns_msg_new().
 * @wire: the message; must stay valid while @msg's views are used.
 * @len:  its length.
 *
 * Every count is checked against what the message can hold, every name
 * and RDATA against the buffer and its type (see dns_rdata_unpack()), and
 * the OPT record must be alone, in the additional section, owned by the
 * root. Bytes after the last RR are an error.
 *
 * Return: 0, or XDPDNS_ETRUNCATED, XDPDNS_EBAD_COUNT, XDPDNS_EBAD_RDATA,
 * XDPDNS_EBAD_EDNS, XDPDNS_ETRAILING, a name error, or -ENOMEM. After an
 * error @msg holds no records (rr_count 0) but may be parsed into again.
 */
int dns_msg_parse(struct dns_msg *msg, const uint8_t *wire, size_t len);

/**
 * dns_msg_section() - the RRs of one section.
 * @msg:     a parsed message.
 * @section: enum dns_section.
 * @count:   receives the number of RRs.
 * Return: pointer to the first of them (in @msg->rr).
 */
static inline const struct dns_rr *dns_msg_section(const struct dns_msg *msg,
						   enum dns_section section,
						   size_t *count)
{
	*count = msg->section_count[section];
	return msg->rr + msg->section_first[section];
}

/* --- building ------------------------------------------------------------ */

#define DNS_COMPRESS_MAX 128	/* names remembered for compression */

/**
 * struct dns_builder - writes a message into a caller's buffer.
 * @buf:       output buffer (owned by the caller).
 * @cap:       its size.
 * @limit:     maximum message size (e.g. the client's UDP payload size);
 *             min(@cap, @limit) is what records may use.
 * @len:       bytes written so far.
 * @reserve:   bytes held back for the OPT record (dns_builder_reserve()).
 * @section:   the section now being written (questions come first).
 * @counts:    QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT written so far.
 * @truncated: a record set did not fit; TC set if it was required.
 *
 * The compression table remembers the offsets of names written (owner
 * names and compressible RDATA names) and points later names at the
 * longest matching suffix.
 */
struct dns_builder {
	uint8_t *buf;
	size_t cap;
	size_t limit;
	size_t len;
	size_t reserve;
	int section;
	uint16_t counts[4];
	bool truncated;
	/* private: compression table */
	uint16_t comp_off[DNS_COMPRESS_MAX];
	unsigned int comp_count;
};

/**
 * dns_builder_init() - start a message with a header.
 * @b:     the builder.
 * @buf:   output buffer.
 * @cap:   its size.
 * @limit: maximum message size; 0 means @cap.
 * @id:    message ID.
 * @flags: header flags word (opcode, rcode low bits included).
 * Return: 0 or XDPDNS_ESPACE (less than 12 bytes).
 */
int dns_builder_init(struct dns_builder *b, uint8_t *buf, size_t cap,
		     size_t limit, uint16_t id, uint16_t flags);

/**
 * dns_builder_reserve() - hold back room for records written last (OPT).
 * @b:   the builder.
 * @len: bytes to keep free below the limit until dns_builder_opt() runs.
 * Return: 0 or XDPDNS_ESPACE if that much is not left.
 */
int dns_builder_reserve(struct dns_builder *b, size_t len);

/**
 * dns_builder_question() - append a question (before any RR).
 * @b:      the builder.
 * @name:   uncompressed QNAME (case kept).
 * @qtype, @qclass: the fields.
 * Return: 0, XDPDNS_ESPACE, or -EINVAL if RRs were already written.
 */
int dns_builder_question(struct dns_builder *b, const uint8_t *name,
			 uint16_t qtype, uint16_t qclass);

/**
 * dns_builder_rr() - append one RR.
 * @b:        the builder.
 * @section:  enum dns_section; must not go back to an earlier section.
 * @owner:    uncompressed owner.
 * @type, @rclass, @ttl: the fields.
 * @rdata:    uncompressed RDATA (checked with dns_rdata_check()).
 * @rdlen:    its length.
 *
 * Owner names are compressed, and RDATA names only for RFC 1035 types.
 * Nothing is written when the RR does not fit.
 *
 * Return: 0, XDPDNS_ESPACE (did not fit; nothing changed, no flag set),
 * XDPDNS_EBAD_RDATA, or -EINVAL (section order).
 */
int dns_builder_rr(struct dns_builder *b, enum dns_section section,
		   const uint8_t *owner, uint16_t type, uint16_t rclass,
		   uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/**
 * dns_builder_rrset() - append records as one unit.
 * @b:       the builder.
 * @section: enum dns_section.
 * @rrs:     the records (their owner, type, class, ttl, rdata views).
 * @count:   how many.
 *
 * Either all records are written or none. When they do not fit, the
 * builder is marked truncated: in the answer and authority sections TC is
 * set (the set was needed, RFC 2181 9); in the additional section it is
 * not. After a truncation that set TC every later dns_builder_rrset() call
 * is refused the same way, so a message never carries a partial section.
 *
 * Return: 0, XDPDNS_ESPACE (not written), or an error of dns_builder_rr().
 */
int dns_builder_rrset(struct dns_builder *b, enum dns_section section,
		      const struct dns_rr *rrs, size_t count);

/**
 * dns_builder_opt() - append the OPT record (last, in additional).
 * @b:    the builder; its reservation is released first.
 * @edns: UDP size, extended rcode (upper 8 bits of the 12-bit rcode),
 *        version, flags and the options octets.
 * Return: 0 or XDPDNS_ESPACE.
 */
int dns_builder_opt(struct dns_builder *b, const struct dns_edns *edns);

/**
 * dns_builder_finish() - write the counts into the header.
 * @b: the builder.
 * Return: the message length.
 */
size_t dns_builder_finish(struct dns_builder *b);

/**
 * dns_msg_write() - write a parsed message back out through a builder.
 * @msg: a parsed message.
 * @b:   an initialised builder (header already set by its init).
 *
 * Questions, then each section's records in wire order, then the OPT if
 * present (room for it is reserved first). Consecutive records of one
 * RRset are written as a unit: what does not fit is dropped per set as in
 * dns_builder_rrset().
 *
 * Return: 0 (possibly truncated: see @b->truncated) or an error.
 */
int dns_msg_write(const struct dns_msg *msg, struct dns_builder *b);
