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

void *hash_alloc(size_t size);
void hash_free(void *ptr);

/*
 * Fault injection for tests: after n more successful hash_alloc() calls,
 * every later call fails (returns NULL) until hash_fail_after(-1) turns it
 * off again. n = 0 fails the very next allocation.
 */
void hash_fail_after(long n);

#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) hash_alloc(sz)
#define uthash_free(ptr, sz) hash_free(ptr)
#define uthash_nonfatal_oom(elt) ((void)(elt))

#include <uthash.h>

/* True when the HASH_ADD* just done on elt failed for lack of memory. */
#define HASH_ADD_FAILED(elt) ((elt)->hh.tbl == NULL)

#endif
