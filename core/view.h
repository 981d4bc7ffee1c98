/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A view: the rows of one screen (sessions, processes, ports or peers), filtered
 * and sorted. The UI draws them; csv_write_view() exports them in the same
 * order with the same filter.
 *
 * LIFETIME: rows borrow pointers into the model (session log, lifetime
 * tables, the look at the sessions open) or into tables owned by the view.
 * They are valid until the next model_add()/model_clear() on that model (for
 * an open view: the next model_open_begin()), or the next view_build() or
 * view_fini() on this view, whichever comes first. Rebuild after draining.
 *
 * Zero-initialise a struct view (or view_init() it) before its first
 * view_build(); arrays are kept and reused between builds.
 *
 * A sessions view rebuilt over the same model with the same filter and sort
 * is updated in place: rows of evicted sessions are dropped and the new
 * sessions merged in, in time proportional to what changed (plus a pass over
 * the row sequence numbers when sessions were evicted out of order). The
 * rows are the same as a fresh build's, in the same order.
 */
#ifndef TCPSCOPE_CORE_VIEW_H
#define TCPSCOPE_CORE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/agg.h"
#include "core/columns.h"
#include "core/filter.h"
#include "core/model.h"
#include "core/sort.h"

struct view {
	/*
	 * Set by the caller before view_build() (view_init() clears it):
	 * Processes with one row per pid, the names its sessions came under
	 * (its threads', or before and after an exec) merged (agg_merge_pids()).
	 * Otherwise one row per pid and name.
	 */
	bool by_pid;
	/* Ports and Peers with one row per namespace's port or peer
	 * (agg_table_by_netns()), added up from the history. */
	bool by_netns;
	/* Sessions: the model's last look at the sessions open now
	 * (model->open), not the history. */
	bool open;
	enum view_kind kind;
	const void **rows;	/* const struct session * or const struct agg_row * */
	size_t n;
	/*
	 * Processes/ports/peers only: true when a filter was active, so the rows
	 * were aggregated from the sessions still in the log (recent history),
	 * not from the lifetime totals.
	 */
	bool from_history;
	size_t total;		/* rows before filtering (log length, or table length;
				 * never fewer than the filtered rows) */
	struct sort_spec sort;	/* the spec applied (defaults resolved) */
	uint64_t generation;	/* model->generation when built */
	uint64_t updates;	/* builds done as in-place updates (for tests and figures) */

	/* private: reused between builds */
	const void **base;	/* rows == base + off */
	uint64_t *seqs;		/* sessions: log sequence of base[i] */
	size_t off, cap;
	struct agg_table *hist;	/* aggregation from history, when filtered */
	struct agg_table *hist_all;	/* the same unfiltered, to count its rows, when the
					 * lifetime table has let rows go */
	struct agg_table *merged;	/* Processes by pid: the rows merged */
	struct sort_buf sort_buf;
	/* sessions, incremental update: valid while inc_log is set */
	const struct session_log *inc_log;
	uint64_t inc_log_id;
	struct filter inc_filter;	/* the filter of the last build (empty: none) */
	uint64_t next_seq;	/* first log sequence not looked at yet */
	uint64_t min_seq;	/* smallest sequence among the rows */
	bool seq_sorted;	/* rows are in log order too */
	const void **batch;	/* new sessions of one update */
	size_t batch_cap;
};

void view_init(struct view *v);

/*
 * Build the rows of kind from model m, keeping sessions f accepts (f NULL
 * or empty: everything), sorted by spec (NULL: sort_default()).
 * 0, -EINVAL (bad kind) or -ENOMEM; on error the view is empty (n = 0).
 */
int view_build(struct view *v, const struct model *m, enum view_kind kind,
	       const struct filter *f, const struct sort_spec *spec);

/* True if rows no longer match the model (something was added since the build). */
static inline bool view_is_stale(const struct view *v, const struct model *m)
{
	return v->generation != m->generation;
}

/*
 * Memory, touched now, for a sessions view of up to `rows` rows (the
 * history's capacity) and the slack its updates slide through, so that it
 * does not grow a piece at a time while the history fills. Keeps the rows;
 * 0 or -ENOMEM (the view is unchanged but may have grown).
 */
int view_reserve(struct view *v, size_t rows);

void view_fini(struct view *v);	/* frees; the view is empty and reusable */

#endif
