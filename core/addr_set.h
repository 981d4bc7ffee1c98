/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr_set: a set of IPv6 (or IPv4-mapped) addresses, used to count distinct
 * peers per aggregation row. Open addressing with linear probing: 16 bytes
 * per slot, at most half full, no per-entry allocation.
 *
 * The set holds at most `max` addresses. Past that, or when growing fails
 * for lack of memory, new addresses are not recorded and `capped` is set:
 * the length is then a lower bound ("at least").
 */
#ifndef TCPSCOPE_CORE_ADDR_SET_H
#define TCPSCOPE_CORE_ADDR_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct addr_set {
	struct in6_addr *slots;	/* cap slots; all-zero means empty */
	uint32_t cap;		/* 0 or a power of two */
	uint32_t len;		/* distinct addresses recorded */
	uint32_t max;		/* most addresses recorded */
	bool has_zero;		/* the address :: is a member (not in slots) */
	bool capped;		/* some address was not recorded: len is a lower bound */
};

/* No allocation until the first add. max 0 means no limit but memory. */
void addr_set_init(struct addr_set *set, uint32_t max);
void addr_set_fini(struct addr_set *set);	/* frees; the set is empty and reusable */

/* 1 added, 0 already a member, -ENOSPC not recorded (max), -ENOMEM not recorded. */
int addr_set_add(struct addr_set *set, const struct in6_addr *addr);
bool addr_set_contains(const struct addr_set *set, const struct in6_addr *addr);
/* Add src's members to dst (within dst's max). A src that is a lower bound
 * (capped) makes dst one too. */
void addr_set_union(struct addr_set *dst, const struct addr_set *src);

#endif
