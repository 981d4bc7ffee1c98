/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sorting the rows of a view by one column.
 *
 * The order is total and deterministic: the column's three-way comparison,
 * reversed when descending; ties are then broken in ascending order
 * (whatever the direction), so equal rows keep a stable, chronological
 * order:
 *   sessions  end time, then input position (view_build() passes rows in
 *             the order they were logged: the sequence);
 *   agg rows  key (port; or pid, then comm).
 */
#ifndef TCPSCOPE_CORE_SORT_H
#define TCPSCOPE_CORE_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/columns.h"

struct sort_spec {
	enum col_id col;
	bool descending;
};

/* Sessions: time ascending (newest at the bottom). Processes/ports: sessions descending. */
void sort_default(enum view_kind kind, struct sort_spec *spec);

/* Reusable scratch memory for sort_rows_buf(); zero-initialise, then sort_buf_fini(). */
struct sort_buf {
	void *items;
	size_t cap;
};

void sort_buf_fini(struct sort_buf *buf);

/*
 * Sort rows (see columns.h for the row types) in place. spec NULL, or a
 * column the view does not have, sorts by the default spec.
 * sort_rows() allocates scratch memory for the tie-break on input position;
 * if that fails it still sorts, tie-breaking on row address instead.
 */
void sort_rows(enum view_kind kind, const void **rows, size_t n, const struct sort_spec *spec);

/* Same, with scratch memory kept in buf between calls. 0 or -ENOMEM (rows then sorted as above). */
int sort_rows_buf(enum view_kind kind, const void **rows, size_t n, const struct sort_spec *spec,
		  struct sort_buf *buf);

/*
 * The order itself, for callers that merge already sorted runs (the view's
 * incremental update): the column, direction and kind tie-break (sessions:
 * end time), without the input-position tie-break, which the caller owns.
 */
struct sort_order {
	enum view_kind kind;
	const struct column *col;
	bool descending;
};

/* spec NULL, or a column the kind does not have: the default spec. */
void sort_order_init(struct sort_order *o, enum view_kind kind, const struct sort_spec *spec);
/* <0, 0, >0. kind must be valid. */
int sort_order_cmp(const struct sort_order *o, const void *a, const void *b);

#endif
