// SPDX-License-Identifier: GPL-2.0
/* Building the rows of a view from the model; see view.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/view.h"

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
	filter_init(&v->inc_filter);
}

void view_fini(struct view *v)
{
	free(v->base);
	free(v->seqs);
	free(v->batch);
	agg_table_free(v->hist);
	agg_table_free(v->hist_all);
	agg_table_free(v->merged);
	sort_buf_fini(&v->sort_buf);
	filter_clear(&v->inc_filter);
	view_init(v);
}

/* Make base and seqs hold cap rows, keeping what they hold. */
static int grow(struct view *v, size_t cap)
{
	const void **rows;
	uint64_t *seqs;

	rows = reallocarray(v->base, cap, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	v->base = rows;
	v->rows = rows + v->off;
	seqs = reallocarray(v->seqs, cap, sizeof(*seqs));
	if (!seqs)
		return -ENOMEM;	/* base is bigger than cap says: harmless */
	v->seqs = seqs;
	v->cap = cap;
	return 0;
}

int view_reserve(struct view *v, size_t rows)
{
	size_t cap = rows + rows / 2, from = v->off + v->n;
	int err;

	if (cap <= v->cap)
		return 0;
	err = grow(v, cap);
	if (err)
		return err;
	/* Touched now: a page fault costs microseconds in a VM. */
	memset(v->base + from, 0, (cap - from) * sizeof(*v->base));
	memset(v->seqs + from, 0, (cap - from) * sizeof(*v->seqs));
	return 0;
}

/* Room for n rows from base[0] (rows of an earlier build are dropped). */
static int reserve(struct view *v, size_t n)
{
	v->off = 0;
	v->rows = v->base;
	return v->cap >= n ? 0 : grow(v, n);
}

static void inc_forget(struct view *v)
{
	v->inc_log = NULL;
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

/* The sessions open at the model's last look (always built whole: each
 * look replaces the last). */
static int build_open(struct view *v, const struct model *m, const struct filter *f)
{
	size_t i;
	int err;

	v->total = m->open_n;
	err = reserve(v, m->open_n);
	if (err)
		return err;
	for (i = 0; i < m->open_n; i++)
		if (!f || filter_accepts(f, &m->open[i]))
			v->rows[v->n++] = &m->open[i];
	return 0;
}

/* After a full sessions build: remember what an update needs. */
static void inc_remember(struct view *v, const struct model *m, const struct filter *f)
{
	size_t i;

	inc_forget(v);
	filter_clear(&v->inc_filter);
	if (f && filter_copy(&v->inc_filter, f))
		return;
	/* The sort may have moved rows: their sequences follow them. */
	v->seq_sorted = true;
	v->min_seq = UINT64_MAX;
	for (i = 0; i < v->n; i++) {
		v->seqs[i] = session_log_seq_of(m->log, v->rows[i]);
		if (v->seqs[i] < v->min_seq)
			v->min_seq = v->seqs[i];
		if (i && v->seqs[i] < v->seqs[i - 1])
			v->seq_sorted = false;
	}
	v->next_seq = session_log_pushed(m->log);
	v->inc_log = m->log;
	v->inc_log_id = session_log_id(m->log);
}

static bool inc_possible(const struct view *v, const struct model *m, enum view_kind kind,
			 const struct filter *f, const struct sort_spec *spec)
{
	static const struct filter none;
	uint64_t pushed = session_log_pushed(m->log);

	return v->inc_log && v->inc_log == m->log && v->inc_log_id == session_log_id(m->log) &&
	       v->kind == VIEW_SESSIONS &&
	       kind == VIEW_SESSIONS && v->sort.col == spec->col &&
	       v->sort.descending == spec->descending && pushed >= v->next_seq &&
	       pushed - v->next_seq < session_log_len(m->log) &&
	       filter_equal(&v->inc_filter, f ? f : &none);
}

/* Drop the rows of sessions the log has evicted (sequence below first). */
static void inc_drop_evicted(struct view *v, uint64_t first)
{
	size_t i, k;

	if (!v->n || v->min_seq >= first)
		return;
	while (v->n && v->seqs[v->off] < first) {
		v->off++;
		v->n--;
	}
	v->rows = v->base + v->off;
	if (v->seq_sorted) {
		v->min_seq = v->n ? v->seqs[v->off] : UINT64_MAX;
		return;
	}
	/* Out of log order: the evicted rows may be anywhere. */
	v->seq_sorted = true;
	v->min_seq = UINT64_MAX;
	for (i = v->off, k = v->off; i < v->off + v->n; i++) {
		if (v->seqs[i] < first)
			continue;
		if (k > v->off && v->seqs[i] < v->seqs[k - 1])
			v->seq_sorted = false;
		if (v->seqs[i] < v->min_seq)
			v->min_seq = v->seqs[i];
		v->base[k] = v->base[i];
		v->seqs[k++] = v->seqs[i];
	}
	v->n = k - v->off;
}

/* Room for `more` rows after the current ones, keeping them. */
static int inc_room(struct view *v, size_t more)
{
	size_t need = v->n + more;

	if (v->off + need <= v->cap)
		return 0;
	if (v->off) {
		memmove(v->base, v->base + v->off, v->n * sizeof(*v->base));
		memmove(v->seqs, v->seqs + v->off, v->n * sizeof(*v->seqs));
		v->off = 0;
		v->rows = v->base;
	}
	return need <= v->cap ? 0 : grow(v, need + need / 2);
}

/*
 * Bring a sessions view up to date: drop evicted rows, sort the new
 * sessions the filter accepts, merge them in from the back. Equal rows keep
 * log order as in a full build: every new row is younger than every old one.
 */
static int update_sessions(struct view *v, const struct model *m, const struct filter *f)
{
	const struct session_log *log = m->log;
	size_t len = session_log_len(log), i, b = 0, a, k, n;
	uint64_t pushed = session_log_pushed(log), first = pushed - len, from;
	struct sort_order order;
	const void **rows;
	uint64_t *seqs;
	int err;

	inc_drop_evicted(v, first);
	from = v->next_seq > first ? v->next_seq : first;
	if (pushed - from > v->batch_cap) {
		const void **nb = reallocarray(v->batch, pushed - from, sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		v->batch = nb;
		v->batch_cap = pushed - from;
	}
	for (i = from - first; i < len; i++) {
		const struct session *s = session_log_at(log, i);

		if (!f || filter_accepts(f, s))
			v->batch[b++] = s;
	}
	err = inc_room(v, b);
	if (err)
		return err;
	sort_rows_buf(VIEW_SESSIONS, v->batch, b, &v->sort, &v->sort_buf);
	sort_order_init(&order, VIEW_SESSIONS, &v->sort);

	rows = v->rows;
	seqs = v->seqs + v->off;
	a = v->n;
	n = a + b;
	k = n;
	while (b) {
		k--;
		if (a && sort_order_cmp(&order, rows[a - 1], v->batch[b - 1]) > 0) {
			a--;
			rows[k] = rows[a];
			seqs[k] = seqs[a];
		} else {
			b--;
			rows[k] = v->batch[b];
			seqs[k] = session_log_seq_of(log, v->batch[b]);
			if (seqs[k] < v->min_seq)
				v->min_seq = seqs[k];
		}
	}
	/* rows[0, k) did not move: check log order from there on. */
	for (i = k ? k : 1; v->seq_sorted && i < n; i++)
		if (seqs[i] < seqs[i - 1])
			v->seq_sorted = false;
	v->n = n;
	v->next_seq = pushed;
	v->total = len;
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

static enum agg_kind agg_kind_of(enum view_kind kind)
{
	return kind == VIEW_PROCS ? AGG_PROC : kind == VIEW_PORTS ? AGG_PORT : AGG_PEER;
}

static const struct agg_table *lifetime_table(const struct model *m, enum agg_kind ak)
{
	return ak == AGG_PROC ? m->by_proc : ak == AGG_PORT ? m->by_port : m->by_peer;
}

/* Whether f decides on a lifetime row's key alone: which processes, which
 * ports, which peers (lifetime_accepts() then decides on a row). */
static bool lifetime_filter(enum agg_kind ak, const struct filter *f)
{
	switch (ak) {
	case AGG_PROC:
		return filter_is_process_only(f);
	case AGG_PORT:
		return filter_is_service_only(f);
	default:
		return filter_is_peer_only(f);
	}
}

static bool lifetime_accepts(const struct filter *f, const struct agg_row *r)
{
	switch (r->kind) {
	case AGG_PROC:
		return filter_accepts_process(f, r->pid, r->comm);
	case AGG_PORT:
		return filter_accepts_service(f, r->port);
	default:
		return filter_accepts_peer(f, &r->raddr);
	}
}

/* *t, emptied, of kind ak (made or remade as needed). 0 or -ENOMEM. */
static int fresh_table(struct agg_table **t, enum agg_kind ak)
{
	if (*t && agg_table_kind(*t) != ak) {
		agg_table_free(*t);
		*t = NULL;
	}
	if (!*t) {
		*t = agg_table_new(ak);
		if (!*t)
			return -ENOMEM;
	}
	agg_table_clear(*t);
	return 0;
}

static int agg_rows(struct view *v, const struct model *m, const struct filter *f)
{
	enum agg_kind ak = agg_kind_of(v->kind);
	const struct agg_table *life = lifetime_table(m, ak);
	/* Past its bound the lifetime table has let its least recently seen
	 * rows go, while their sessions may still be in the history. */
	bool let_go = agg_table_evicted(life) > 0;
	/* Ports and Peers by namespace (N): the lifetime tables add
	 * namespaces up, so the history's sessions, by namespace */
	bool by_netns = v->by_netns && ak != AGG_PROC;
	bool all;
	size_t i, len;

	v->total = agg_table_len(life);
	if (!by_netns && !f)
		return table_rows(v, life);
	if (!by_netns && lifetime_filter(ak, f) && !let_go) {
		/* Which processes, ports or peers (a row's `f`): their
		 * lifetime rows, whole. (With rows let go, the history's:
		 * until 2026-12-06 a process whose row had gone showed no
		 * row, its sessions still in the history.) */
		const struct agg_row *r;
		int err = reserve(v, agg_table_len(life));

		if (err)
			return err;
		for (r = agg_table_first(life); r; r = agg_row_next(r))
			if (lifetime_accepts(f, r))
				v->rows[v->n++] = r;
		return 0;
	}

	/* Filtered, or by namespace: aggregate the accepted sessions still
	 * in the log; and all of them (hist_all) when "N of M" needs the
	 * history's rows: by namespace under a filter, or with lifetime
	 * rows let go. */
	all = by_netns ? f != NULL : let_go;
	v->from_history = true;
	if (fresh_table(&v->hist, ak) || (all && fresh_table(&v->hist_all, ak)))
		return -ENOMEM;
	agg_table_by_netns(v->hist, by_netns);
	if (all)
		agg_table_by_netns(v->hist_all, by_netns);
	len = session_log_len(m->log);
	for (i = 0; i < len; i++) {
		const struct session *s = session_log_at(m->log, i);

		if ((!f || filter_accepts(f, s)) && agg_add(v->hist, s) < 0)
			return -ENOMEM;
		if (all && agg_add(v->hist_all, s) < 0)
			return -ENOMEM;
	}
	/* "N of M": M the rows without the filter, the history's too when
	 * the lifetime table has let some go (until 2026-12-06 "50600 of
	 * 45599"; then, for a while, "54000 of 54000" with 60,000 in it);
	 * by namespace, the history's alone. */
	if (by_netns)
		v->total = agg_table_len(all ? v->hist_all : v->hist);
	else if (all && agg_table_len(v->hist_all) > v->total)
		v->total = agg_table_len(v->hist_all);
	return table_rows(v, v->hist);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The distinct pids among t's rows (an AGG_PROC table). */
static size_t distinct_pids(const struct agg_table *t)
{
	size_t n = agg_table_len(t), i = 0, d = 0;
	const struct agg_row *r;
	uint32_t *pids;

	if (!n)
		return 0;
	pids = malloc(n * sizeof(*pids));
	if (!pids)
		return n;	/* at most that many */
	for (r = agg_table_first(t); r; r = agg_row_next(r))
		pids[i++] = r->pid;
	qsort(pids, n, sizeof(*pids), cmp_u32);
	for (i = 0; i < n; i++)
		d += !i || pids[i] != pids[i - 1];
	free(pids);
	return d;
}

/*
 * Processes, one row per pid (v->by_pid): the rows agg_rows() chose, whole
 * lifetime rows or added up from the history, merged by pid. "N of M": M
 * the pids among the rows without the filter.
 */
static int merge_pids(struct view *v, const struct model *m, const struct filter *f)
{
	int err;

	if (fresh_table(&v->merged, AGG_PID))
		return -ENOMEM;
	err = agg_merge_pids(v->merged, (const struct agg_row *const *)v->rows, v->n);
	if (err)
		return err;
	if (!f) {
		v->total = agg_table_len(v->merged);
	} else {
		size_t all = distinct_pids(m->by_proc);

		if (v->from_history && agg_table_evicted(m->by_proc) && v->hist_all) {
			size_t hist = distinct_pids(v->hist_all);

			if (hist > all)
				all = hist;
		}
		v->total = all;
	}
	v->n = 0;
	err = table_rows(v, v->merged);
	if (!err && v->total < v->n)
		v->total = v->n;
	return err;
}

static int build_aggs(struct view *v, const struct model *m, const struct filter *f)
{
	int err = agg_rows(v, m, f);

	if (err || v->kind != VIEW_PROCS || !v->by_pid)
		return err;
	return merge_pids(v, m, f);
}

int view_build(struct view *v, const struct model *m, enum view_kind kind,
	       const struct filter *f, const struct sort_spec *spec)
{
	struct sort_spec want;
	int err;

	if (f && filter_is_empty(f))
		f = NULL;
	if (spec && column_by_id(kind, spec->col))
		want = *spec;
	else
		sort_default(kind, &want);
	v->generation = m->generation;
	v->from_history = false;
	if (kind == VIEW_SESSIONS && !v->open && inc_possible(v, m, kind, f, &want) &&
	    update_sessions(v, m, f) == 0) {
		v->updates++;
		return 0;
	}

	inc_forget(v);
	v->n = 0;
	v->total = 0;
	v->kind = kind;
	v->sort = want;
	switch (kind) {
	case VIEW_SESSIONS:
		err = v->open ? build_open(v, m, f) : build_sessions(v, m, f);
		break;
	case VIEW_PROCS:
	case VIEW_PORTS:
	case VIEW_PEERS:
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
	if (kind == VIEW_SESSIONS && !v->open)
		inc_remember(v, m, f);
	return 0;
}
