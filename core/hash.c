// SPDX-License-Identifier: GPL-2.0
/* Allocation hooks for uthash and for the rows that live in hash tables. */
#include <stdlib.h>
#include <sys/random.h>

#include "core/hash.h"

uint64_t hash_seed = 0x9e3779b97f4a7c15ull;

void hash_seed_random(void)
{
	uint64_t s;

	/* Without entropy yet (early boot), the fixed seed: lookups work
	 * either way. */
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
		hash_seed = s;
}

/* < 0: no fault injection; otherwise allocations left before failing. */
static long hash_allocs_left = -1;

void hash_fail_after(long n)
{
	hash_allocs_left = n < 0 ? -1 : n;
}

void *hash_alloc(size_t size)
{
	if (hash_allocs_left == 0)
		return NULL;
	if (hash_allocs_left > 0)
		hash_allocs_left--;
	return malloc(size);
}

void hash_free(void *ptr)
{
	free(ptr);
}
