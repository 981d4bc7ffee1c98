/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hugemem: large zero-filled memory in transparent huge pages where the
 * kernel offers them.
 *
 * An array of megabytes written a little at a time all over (the session
 * history: one slot per closed session, round and round) touches a new 4 KiB
 * page every few dozen writes. Each page needs its own TLB entry, and a miss
 * is dear in a virtual machine with shadow page tables: measured on a 2-CPU
 * VM under a connection flood, the copy into a 12 MiB history in 4 KiB pages
 * was 27 % of the monitor's time, in 2 MiB pages 3 %, and the monitor's CPU
 * per session fell from 0.50 to 0.36 us (tests/bench/FINDINGS.md). So a mapping of
 * 2 MiB or more is aligned to 2 MiB and advised MADV_HUGEPAGE (honoured when
 * the system's transparent_hugepage setting is "always" or "madvise";
 * harmless with "never"). Smaller mappings are plain pages.
 */
#ifndef TCPSCOPE_CORE_HUGEMEM_H
#define TCPSCOPE_CORE_HUGEMEM_H

#include <stdbool.h>
#include <stddef.h>

#define HUGEMEM_PAGE (2u << 20)

/* bytes of zero-filled memory, or NULL with errno ENOMEM. *mapped is set
 * to the length to give to hugemem_free(). */
void *hugemem_alloc(size_t bytes, size_t *mapped);
void hugemem_free(void *p, size_t mapped);	/* NULL: no-op */

/* Whether the system hands out transparent huge pages to memory advised
 * MADV_HUGEPAGE (its setting is "always" or "madvise"). */
bool hugemem_thp_usable(void);

/*
 * Back [p, p + len) with memory now (MADV_POPULATE_WRITE; before Linux 5.14
 * a write to each page), not page by page on a hot path. 0 or -errno; the
 * memory works either way.
 */
int mem_populate(void *p, size_t len);

/*
 * mem_populate(), then one write to each page (its contents unchanged), so
 * that what a virtual machine charges on a page's first write is paid now
 * too: on the development VM 10 us a page unpopulated, and still 3.7 us a
 * page populated (shadow page tables), against 0.05 after; the drain's
 * 480 KiB of new memory in the middle of a burst was 1.1 ms.
 */
void mem_prefault(void *p, size_t len);

#endif
