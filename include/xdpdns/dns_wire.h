/* SPDX-License-Identifier: GPL-2.0 */
/* DNS wire-format constants and header layout, usable from BPF and userspace. */
#pragma once

#include <linux/types.h>

/* RFC 1035 4.1.1 header, all fields in network byte order. */
struct xdpdns_dns_hdr {
	__u16 id;
	__u8 flags_hi;	/* QR, Opcode (4 bits), AA, TC, RD */
	__u8 flags_lo;	/* RA, Z, AD, CD, RCODE (4 bits) */
	__u16 qdcount;
	__u16 ancount;
	__u16 nscount;
	__u16 arcount;
};

#define XDPDNS_DNS_HDR_LEN 12

/* Bits of flags_hi. */
#define XDPDNS_DNS_QR 0x80
#define XDPDNS_DNS_OPCODE_MASK 0x78
#define XDPDNS_DNS_AA 0x04
#define XDPDNS_DNS_TC 0x02
#define XDPDNS_DNS_RD 0x01
/* Bits of flags_lo (AD and CD: RFC 4035 3.2). */
#define XDPDNS_DNS_RA 0x80
#define XDPDNS_DNS_Z 0x40
#define XDPDNS_DNS_AD 0x20
#define XDPDNS_DNS_CD 0x10
#define XDPDNS_DNS_RCODE_MASK 0x0f

#define XDPDNS_DNS_CLASS_IN 1
#define XDPDNS_DNS_TYPE_OPT 41

/* OPT record (RFC 6891 6.1.2): root owner, then these fixed fields. */
#define XDPDNS_OPT_FIXED_LEN 11	/* owner(1) type(2) class(2) ttl(4) rdlen(2) */
#define XDPDNS_EDNS_DO 0x8000	/* in the low 16 bits of the OPT TTL */
#define XDPDNS_EDNS_OPT_COOKIE 10	/* RFC 7873 */
#define XDPDNS_EDNS_OPT_PADDING 12	/* RFC 7830 */
#define XDPDNS_EDNS_OPT_ECS 8	/* RFC 7871 */

/* Fixed part of a resource record after its owner name. */
#define XDPDNS_RR_FIXED_LEN 10	/* type(2) class(2) ttl(4) rdlength(2) */

/* Largest UDP payload without EDNS (RFC 1035 4.2.1). */
#define XDPDNS_DNS_UDP_MIN 512
