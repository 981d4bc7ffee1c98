// SPDX-License-Identifier: GPL-2.0
/* Open-addressing set of addresses; see addr_set.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr_set.h"
#include "core/hash.h"

#define ADDR_SET_MIN_CAP 8u

/* Two 8-byte loads, not a memcmp() call each (they were a third of a
 * monitor's set updates, callgrind). */
static bool addr_is_zero(const struct in6_addr *a)
{
	uint64_t w[2];

	memcpy(w, a, sizeof(w));
	return (w[0] | w[1]) == 0;
}

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	uint64_t x[2], y[2];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t addr_hash(const struct in6_addr *a)
{
	uint64_t lo, hi;

	memcpy(&lo, &a->s6_addr[0], 8);
	memcpy(&hi, &a->s6_addr[8], 8);
	return mix64(hi ^ mix64(lo ^ hash_seed));
}

/* Slot holding addr, or the empty slot where it would go. */
static uint32_t addr_set_probe(const struct addr_set *set, const struct in6_addr *addr)
{
	uint32_t mask = set->cap - 1;
	uint32_t i = (uint32_t)addr_hash(addr) & mask;

	while (!addr_is_zero(&set->slots[i]) && !addr_eq(&set->slots[i], addr))
		i = (i + 1) & mask;
	return i;
}

void addr_set_init(struct addr_set *set, uint32_t max)
{
	memset(set, 0, sizeof(*set));
	set->max = max;
}

void addr_set_fini(struct addr_set *set)
{
	hash_free(set->slots);
	addr_set_init(set, set->max);
}

static int addr_set_grow(struct addr_set *set)
{
	uint32_t new_cap = set->cap ? set->cap * 2 : ADDR_SET_MIN_CAP;
	struct addr_set bigger = *set;
	uint32_t i;

	if (new_cap < set->cap)
		return -ENOMEM;
	bigger.slots = hash_alloc((size_t)new_cap * sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	memset(bigger.slots, 0, (size_t)new_cap * sizeof(*bigger.slots));
	bigger.cap = new_cap;
	for (i = 0; i < set->cap; i++)
		if (!addr_is_zero(&set->slots[i]))
			bigger.slots[addr_set_probe(&bigger, &set->slots[i])] = set->slots[i];
	hash_free(set->slots);
	*set = bigger;
	return 0;
}

bool addr_set_contains(const struct addr_set *set, const struct in6_addr *addr)
{
	if (addr_is_zero(addr))
		return set->has_zero;
	if (!set->cap)
		return false;
	return !addr_is_zero(&set->slots[addr_set_probe(set, addr)]);
}

int addr_set_add(struct addr_set *set, const struct in6_addr *addr)
{
	uint32_t i = 0;

	if (addr_is_zero(addr)) {
		if (set->has_zero)
			return 0;
	} else if (set->cap) {
		i = addr_set_probe(set, addr);
		if (!addr_is_zero(&set->slots[i]))
			return 0;
	}
	if (set->max && set->len >= set->max) {
		set->capped = true;
		return -ENOSPC;
	}
	if (addr_is_zero(addr)) {
		set->has_zero = true;
		set->len++;
		return 1;
	}
	/* Keep the table at most half full so probes stay short. */
	if ((uint64_t)(set->len + 1) * 2 > set->cap) {
		if (addr_set_grow(set) < 0) {
			set->capped = true;
			return -ENOMEM;
		}
		i = addr_set_probe(set, addr);
	}
	set->slots[i] = *addr;
	set->len++;
	return 1;
}

void addr_set_union(struct addr_set *dst, const struct addr_set *src)
{
	static const struct in6_addr zero;
	uint32_t i;

	if (src->has_zero)
		addr_set_add(dst, &zero);
	for (i = 0; i < src->cap; i++)
		if (!addr_is_zero(&src->slots[i]))
			addr_set_add(dst, &src->slots[i]);
	if (src->capped)
		dst->capped = true;
}
