/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one way core/ includes uthash.
 *
 * uthash is configured so that an allocation failure never exits the
 * process: HASH_NONFATAL_OOM makes a failed HASH_ADD leave the table as it
 * was and the element out of it. The hook below does nothing itself; callers
 * test HASH_ADD_FAILED(elt) right after HASH_ADD* and free the element.
 * (uthash sets elt->hh.tbl to NULL on every failure path of an add.)
 *
 * All uthash allocations go through hash_alloc()/hash_free(), so tests can
 * make the n-th allocation fail (hash_fail_after()) and prove that callers
 * survive -ENOMEM.
 *
 * Keys are hashed as raw bytes: memset() key structs to zero before filling
 * them, so padding never differs between two equal keys.
 */
#ifndef TCPSCOPE_CORE_HASH_H
#define TCPSCOPE_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

void *hash_alloc(size_t size);
void hash_free(void *ptr);

/*
 * Fault injection for tests: after n more successful hash_alloc() calls,
 * every later call fails (returns NULL) until hash_fail_after(-1) turns it
 * off again. n = 0 fails the very next allocation.
 */
void hash_fail_after(long n);

/*
 * The hashes' seed (the tables' and core/addr_set's). Keys come from the
 * network (remote addresses, ports): with a seed nobody can predict, nobody
 * can choose addresses that all fall in one bucket and make every lookup a
 * walk (uthash's own hash has no seed). hash_seed_random() sets it, once,
 * before any table is made; until then it is a fixed value (tests).
 */
extern uint64_t hash_seed;
void hash_seed_random(void);

/*
 * The keys' hash: 8 bytes a step, each mixed in by a multiply, and the
 * whole mixed once more (uthash takes its low bits for the bucket). The
 * keys here are 8 and 24 bytes. uthash's own (Jenkins') took 258
 * instructions a lookup of a 24-byte key, its chain walk included, where
 * this takes 76 (callgrind: the monitor's tables under a load from 64
 * addresses); the buckets fill as evenly (50,000 processes, IPv4 and IPv6
 * peers, 65,536 ports: as many items outside their ideal chain length).
 */
static inline unsigned hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = hash_seed ^ len, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; len; p++, len--)
		h = (h ^ *p) * 0x100000001b3ull;
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return (unsigned)h;
}

#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = hash_bytes((keyptr), (keylen)))
#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) hash_alloc(sz)
#define uthash_free(ptr, sz) hash_free(ptr)
#define uthash_nonfatal_oom(elt) ((void)(elt))

#include <uthash.h>

/* True when the HASH_ADD* just done on elt failed for lack of memory. */
#define HASH_ADD_FAILED(elt) ((elt)->hh.tbl == NULL)

#endif
