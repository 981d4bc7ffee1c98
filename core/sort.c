// SPDX-License-Identifier: GPL-2.0
/*
 * Sorting rows: the one place where sort direction and tie-break are
 * applied. Comparisons are three-way, never by subtraction.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/agg.h"
#include "core/session.h"
#include "core/sort.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* A row decorated with its sort key, so comparing touches no row memory. */
struct sort_item {
	struct col_key key;	/* complemented when descending */
	uint64_t tie;		/* sessions: end_ns */
	const void *row;
	size_t pos;		/* input position: the sequence */
};

void sort_default(enum view_kind kind, struct sort_spec *spec)
{
	if (kind == VIEW_SESSIONS) {
		spec->col = COL_TIME;
		spec->descending = false;
	} else {
		spec->col = COL_SESSIONS;
		spec->descending = true;
	}
}

void sort_buf_fini(struct sort_buf *buf)
{
	free(buf->items);
	buf->items = NULL;
	buf->cap = 0;
}

/* The kind's tie-break, always ascending. */
static int tie_cmp(enum view_kind kind, const void *a, const void *b)
{
	if (kind == VIEW_SESSIONS) {
		const struct session *x = a, *y = b;

		return CMP(x->end_ns, y->end_ns);
	}
	return agg_row_key_cmp(a, b);
}

/* Column order with direction, then the tie-break; 0 only for equal keys. */
static int row_cmp(const struct sort_order *ctx, const void *a, const void *b)
{
	int c = ctx->col->compare(a, b);

	c = CMP(c, 0);
	if (ctx->descending)
		c = -c;
	return c ? c : tie_cmp(ctx->kind, a, b);
}

static int item_cmp(const void *a, const void *b, void *arg)
{
	const struct sort_item *x = a, *y = b;
	const struct sort_order *ctx = arg;
	int c;

	c = CMP(x->key.hi, y->key.hi);
	if (!c)
		c = CMP(x->key.lo, y->key.lo);
	if (c)
		return c;
	if (!ctx->col->key_exact) {
		c = ctx->col->compare(x->row, y->row);
		c = CMP(c, 0);
		if (ctx->descending)
			c = -c;
		if (c)
			return c;
	}
	if (ctx->kind == VIEW_SESSIONS)
		c = CMP(x->tie, y->tie);
	else
		c = agg_row_key_cmp(x->row, y->row);
	return c ? c : CMP(x->pos, y->pos);
}

static int ptr_cmp(const void *a, const void *b, void *arg)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	int c = row_cmp(arg, x, y);

	return c ? c : CMP((uintptr_t)x, (uintptr_t)y);
}

static void make_ctx(struct sort_order *ctx, enum view_kind kind, const struct sort_spec *spec)
{
	struct sort_spec def;

	ctx->kind = kind;
	ctx->col = spec ? column_by_id(kind, spec->col) : NULL;
	ctx->descending = spec ? spec->descending : false;
	if (!ctx->col) {
		sort_default(kind, &def);
		ctx->col = column_by_id(kind, def.col);
		ctx->descending = def.descending;
	}
}

/*
 * Stable insertion of each row that is out of place into the sorted rows
 * before it (binary search, then one move). Gives up, returning false, once
 * it has moved more than 4 n rows: the rows are then still a stable
 * rearrangement of the input, so sorting them further gives the same order.
 */
static bool insertion_fix(const struct sort_order *ctx, const void **rows, size_t n)
{
	size_t i, moved = 0;

	for (i = 1; i < n; i++) {
		const void *x = rows[i];
		size_t lo = 0, hi = i;

		if (row_cmp(ctx, rows[i - 1], x) <= 0)
			continue;
		/* the first row after which x may stay: equal rows keep their order */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (row_cmp(ctx, rows[mid], x) > 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		moved += i - lo;
		if (moved > 4 * n)
			return false;
		memmove(&rows[lo + 1], &rows[lo], (i - lo) * sizeof(*rows));
		rows[lo] = x;
	}
	return true;
}

int sort_rows_buf(enum view_kind kind, const void **rows, size_t n, const struct sort_spec *spec,
		  struct sort_buf *buf)
{
	struct sort_item *items;
	struct sort_order ctx;
	size_t i, descents = 0;

	if ((unsigned int)kind >= VIEW_COUNT || n < 2)
		return 0;
	make_ctx(&ctx, kind, spec);
	/* Sessions arrive in log order: sorted by time, or nearly (a few
	 * arrive late). Few rows out of place: put each where it belongs. */
	for (i = 1; i < n; i++)
		if (row_cmp(&ctx, rows[i - 1], rows[i]) > 0)
			descents++;
	if (!descents)
		return 0;
	if (descents <= n / 32 && insertion_fix(&ctx, rows, n))
		return 0;
	if (buf->cap < n) {
		items = reallocarray(buf->items, n, sizeof(*items));
		if (!items) {
			qsort_r(rows, n, sizeof(*rows), ptr_cmp, &ctx);
			return -ENOMEM;
		}
		buf->items = items;
		buf->cap = n;
	}
	items = buf->items;
	for (i = 0; i < n; i++) {
		items[i].key = ctx.col->key(rows[i]);
		if (ctx.descending) {
			/* Complementing reverses the order of the keys exactly. */
			items[i].key.hi = ~items[i].key.hi;
			items[i].key.lo = ~items[i].key.lo;
		}
		items[i].tie = kind == VIEW_SESSIONS ? ((const struct session *)rows[i])->end_ns : 0;
		items[i].row = rows[i];
		items[i].pos = i;
	}
	qsort_r(items, n, sizeof(*items), item_cmp, &ctx);
	for (i = 0; i < n; i++)
		rows[i] = items[i].row;
	return 0;
}

void sort_order_init(struct sort_order *o, enum view_kind kind, const struct sort_spec *spec)
{
	make_ctx(o, kind, spec);
}

int sort_order_cmp(const struct sort_order *o, const void *a, const void *b)
{
	return row_cmp(o, a, b);
}

void sort_rows(enum view_kind kind, const void **rows, size_t n, const struct sort_spec *spec)
{
	struct sort_buf buf = { 0 };

	sort_rows_buf(kind, rows, n, spec, &buf);
	sort_buf_fini(&buf);
}
