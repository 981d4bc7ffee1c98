// SPDX-License-Identifier: GPL-2.0
/* Building the rows of a view from the model; see view.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/view.h"

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
}

void view_fini(struct view *v)
{
	free(v->rows);
	agg_table_free(v->hist);
	sort_buf_fini(&v->sort_buf);
	view_init(v);
}

static int reserve(struct view *v, size_t n)
{
	const void **rows;

	if (v->cap >= n)
		return 0;
	rows = reallocarray(v->rows, n, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	v->rows = rows;
	v->cap = n;
	return 0;
}

static int build_sessions(struct view *v, const struct model *m, const struct filter *f)
{
	size_t i, len = session_log_len(m->log);
	int err;

	v->total = len;
	err = reserve(v, len);
	if (err)
		return err;
	for (i = 0; i < len; i++) {
		const struct session *s = session_log_at(m->log, i);

		if (!f || filter_accepts(f, s))
			v->rows[v->n++] = s;
	}
	return 0;
}

static int table_rows(struct view *v, const struct agg_table *t)
{
	const struct agg_row *r;
	int err;

	err = reserve(v, agg_table_len(t));
	if (err)
		return err;
	for (r = agg_table_first(t); r; r = agg_row_next(r))
		v->rows[v->n++] = r;
	return 0;
}

static int build_aggs(struct view *v, const struct model *m, const struct filter *f)
{
	enum agg_kind ak = v->kind == VIEW_PROCS ? AGG_PROC : AGG_PORT;
	const struct agg_table *life = ak == AGG_PROC ? m->by_proc : m->by_port;
	size_t i, len;

	v->total = agg_table_len(life);
	if (!f)
		return table_rows(v, life);

	/* Filtered: aggregate the accepted sessions still in the log. */
	v->from_history = true;
	if (v->hist && agg_table_kind(v->hist) != ak) {
		agg_table_free(v->hist);
		v->hist = NULL;
	}
	if (!v->hist) {
		v->hist = agg_table_new(ak);
		if (!v->hist)
			return -ENOMEM;
	}
	agg_table_clear(v->hist);
	len = session_log_len(m->log);
	for (i = 0; i < len; i++) {
		const struct session *s = session_log_at(m->log, i);

		if (filter_accepts(f, s) && agg_add(v->hist, s) < 0)
			return -ENOMEM;
	}
	return table_rows(v, v->hist);
}

int view_build(struct view *v, const struct model *m, enum view_kind kind,
	       const struct filter *f, const struct sort_spec *spec)
{
	int err;

	v->n = 0;
	v->total = 0;
	v->from_history = false;
	v->kind = kind;
	v->generation = m->generation;
	if (f && filter_is_empty(f))
		f = NULL;
	if (spec && column_by_id(kind, spec->col))
		v->sort = *spec;
	else
		sort_default(kind, &v->sort);

	switch (kind) {
	case VIEW_SESSIONS:
		err = build_sessions(v, m, f);
		break;
	case VIEW_PROCS:
	case VIEW_PORTS:
		err = build_aggs(v, m, f);
		break;
	default:
		err = -EINVAL;
	}
	if (err) {
		v->n = 0;
		return err;
	}
	sort_rows_buf(kind, v->rows, v->n, &v->sort, &v->sort_buf);
	return 0;
}
