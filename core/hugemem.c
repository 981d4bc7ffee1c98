// SPDX-License-Identifier: GPL-2.0
/* Large allocations in transparent huge pages; see hugemem.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/hugemem.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

void *hugemem_alloc(size_t bytes, size_t *mapped)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len, extra = 0;
	bool huge;
	char *p;

	if (bytes == 0 || bytes > SIZE_MAX - 2 * (size_t)HUGEMEM_PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	len = round_up(bytes, page > 0 ? (size_t)page : 4096);
	huge = len >= HUGEMEM_PAGE;
	if (huge) {
		/* Whole huge pages at a huge page boundary: map one more, trim. */
		len = round_up(bytes, HUGEMEM_PAGE);
		extra = HUGEMEM_PAGE;
	}
	p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	if (huge) {
		size_t head = round_up((uintptr_t)p, HUGEMEM_PAGE) - (uintptr_t)p;

		if (head)
			munmap(p, head);
		if (extra - head)
			munmap(p + head + len, extra - head);
		p += head;
		/* EINVAL: a kernel without THP; the memory works the same. */
		madvise(p, len, MADV_HUGEPAGE);
	}
	*mapped = len;
	return p;
}

void hugemem_free(void *p, size_t mapped)
{
	if (p)
		munmap(p, mapped);
}

bool hugemem_thp_usable(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[always]") || strstr(buf, "[madvise]");
}

/* One write to each page of [p, p + len), its contents as they were: an
 * atomic or of 0 is a single write access (a read first may map the shared
 * zero page, and the write then fault again). */
static void touch_pages(void *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t step = page > 0 ? (size_t)page : 4096;

	for (size_t off = 0; off < len; off += step)
		__atomic_fetch_or((char *)p + off, 0, __ATOMIC_RELAXED);
	if (len)
		__atomic_fetch_or((char *)p + len - 1, 0, __ATOMIC_RELAXED);
}

int mem_populate(void *p, size_t len)
{
	if (!len || madvise(p, len, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno != EINVAL)	/* ENOMEM and the like: leave the rest to page faults */
		return -errno;
	touch_pages(p, len);	/* before Linux 5.14 */
	return 0;
}

void mem_prefault(void *p, size_t len)
{
	/* populated, each page's first write still costs a virtual machine
	 * its own share: paid here too */
	if (mem_populate(p, len) == 0)
		touch_pages(p, len);
}
