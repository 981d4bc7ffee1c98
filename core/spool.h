/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A session_source that drains another in a thread of its own and keeps
 * what it drained in memory until the caller's drain() takes it.
 *
 * Why: the monitor's loop also sorts, filters and draws, and on a host whose
 * CPUs a load saturates the kernel can leave that loop waiting to run for
 * half a second and more (measured: the kernel's session groups, autogroup,
 * put the monitor's terminal session in a group of its own, and that group
 * at times gets no CPU for 0.1-0.6 s; tests/bench/FINDINGS.md). Sessions
 * then pile up in the kernel's buffer until it is full, and the rest are
 * lost. The spool's thread does nothing but move them into memory, can be
 * given a policy of its own (the monitor makes it real-time), and so keeps
 * the kernel's buffer empty while the loop waits; the loop takes them, all
 * of them, when it runs again.
 *
 * Bounded: past `cap` sessions held, new ones are counted as missed (and in
 * spool_full), as a full kernel buffer's are.
 */
#ifndef TCPSCOPE_CORE_SPOOL_H
#define TCPSCOPE_CORE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include "core/source.h"

#define SPOOL_DEFAULT_CAP	(512u * 1024)	/* sessions held at most (60 MiB) */
#define SPOOL_CHUNK		4096		/* sessions a block of memory holds */
#define SPOOL_SPARES		4		/* emptied blocks kept for reuse (1.9 MiB) */
#define SPOOL_PREFAULT		2		/* blocks made and touched at the start */

struct spool_opts {
	size_t cap;		/* sessions held at most (rounded up to whole chunks); 0: default */
	unsigned interval_ms;	/* drain at least this often; 0: 100 */
	/* Run first in the spool's thread (its scheduling policy, say). Its
	 * result is kept: spool_setup_result(). */
	int (*thread_setup)(void *ctx);
	void *thread_setup_ctx;
};

/* Wrap inner (taken over: destroyed with the spool) and start the thread.
 * NULL on failure, with one line in err; inner is then left to the caller. */
struct session_source *spool_new(struct session_source *inner, const struct spool_opts *opts,
				 char *err, size_t errlen);

/* Run fn on the inner source with the thread held off it (the thread's
 * drains wait). For work on the inner source other than the source's own
 * operations (the collector's walk for sessions open at start-up). */
void spool_with_inner(struct session_source *spool,
		      void (*fn)(struct session_source *inner, void *ctx), void *ctx);

/* Whether src is a spool. */
bool spool_is(const struct session_source *src);

/* thread_setup's result, once the thread has run it (0 before). */
int spool_setup_result(struct session_source *spool);

/* Sessions dropped because the spool was full (also in stats' missed). */
unsigned long long spool_dropped(struct session_source *spool);

/* Chunks of memory made so far, those made at the start included (a flow
 * that needs no more than SPOOL_PREFAULT, and bursts of SPOOL_SPARES after
 * the first, make no new ones). */
unsigned long long spool_chunks_made(struct session_source *spool);

#endif
