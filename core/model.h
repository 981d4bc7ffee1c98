/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model: everything tcpscope knows about closed sessions.
 *   log      the last N sessions (bounded history)
 *   by_proc  lifetime totals per process (pid + comm)
 *   by_port  lifetime totals per service port
 *   by_peer  lifetime totals per remote address
 *
 * model_add() may overwrite the oldest session in the log; views that point
 * into the model are stale after it (see view.h).
 */
#ifndef TCPSCOPE_CORE_MODEL_H
#define TCPSCOPE_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/agg.h"
#include "core/filter.h"
#include "core/session.h"
#include "core/session_log.h"

#define MODEL_DEFAULT_HISTORY 100000u
#define MODEL_MAX_PROCS	50000u	/* process rows kept; the least recently seen go first */
#define MODEL_MAX_PEERS	50000u	/* peer rows kept, likewise */

struct model {
	struct session_log *log;
	struct agg_table *by_proc;
	struct agg_table *by_port;
	struct agg_table *by_peer;
	uint64_t sessions_total;	/* sessions ever kept */
	uint64_t last_end_ns;		/* the latest close kept (a replay's "now") */
	uint32_t netns_first;		/* the first session's network namespace */
	bool netns_several;		/* a session kept since was in another */
	const struct filter *keep;	/* see model_keep() */
	uint64_t agg_dropped;		/* table updates lost to -ENOMEM */
	uint64_t generation;		/* bumped by every change */
	/* The sessions open at the last look (the Open view): filled by
	 * model_open_begin(), model_open_sink() for each, model_open_end().
	 * Not in the history nor in any total. */
	struct session *open;
	size_t open_n, open_cap;
	uint64_t open_taken_ns;		/* wall clock of that look; 0: none yet */
	uint64_t open_generation;	/* bumped by each look */
	uint64_t open_dropped;		/* sessions of the last look left out: no memory */
};

/* history_capacity 0 means MODEL_DEFAULT_HISTORY. 0, -EINVAL or -ENOMEM. */
int model_init(struct model *m, size_t history_capacity);
/* Frees everything; safe on a zeroed or already finished model. */
void model_fini(struct model *m);
/* Back the whole history with memory now (see session_log_prefault()). */
int model_prefault(struct model *m);

/* Keep s (in the log and the totals), unless the keep filter rejects it. */
void model_add(struct model *m, const struct session *s);
/* From now on, keep only the sessions that f accepts (NULL or an empty
 * filter: all): the command line's filter, so that the sessions it rejects
 * take no room in the history and count in no total. f must outlive its
 * use. */
void model_keep(struct model *m, const struct filter *f);
/* Forget every session and total (the log capacity is kept). */
void model_clear(struct model *m);

/* A session_sink_fn (core/source.h) that model_add()s into ctx, a struct model *. */
int model_sink(void *ctx, const struct session *s);

/* A new look at the sessions open now: forget the last one's. */
void model_open_begin(struct model *m);
/* A session_sink_fn: one session open now, into ctx's (a struct model *)
 * look, unless the keep filter rejects it. */
int model_open_sink(void *ctx, const struct session *s);
/* The look is complete, taken at taken_ns (wall clock). */
void model_open_end(struct model *m, uint64_t taken_ns);

#endif
