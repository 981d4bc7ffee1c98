// SPDX-License-Identifier: GPL-2.0
/* The model: session log plus lifetime aggregation tables. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"

int model_init(struct model *m, size_t history_capacity)
{
	int err;

	memset(m, 0, sizeof(*m));
	if (history_capacity == 0)
		history_capacity = MODEL_DEFAULT_HISTORY;
	m->log = session_log_new(history_capacity);
	if (!m->log)
		goto err;
	m->by_proc = agg_table_new(AGG_PROC);
	if (!m->by_proc)
		goto err;
	m->by_port = agg_table_new(AGG_PORT);
	if (!m->by_port)
		goto err;
	m->by_peer = agg_table_new(AGG_PEER);
	if (!m->by_peer)
		goto err;
	agg_table_set_max_rows(m->by_proc, MODEL_MAX_PROCS);
	agg_table_set_max_rows(m->by_peer, MODEL_MAX_PEERS);
	return 0;

err:
	err = -errno;
	model_fini(m);
	return err;
}

void model_fini(struct model *m)
{
	free(m->open);
	agg_table_free(m->by_peer);
	agg_table_free(m->by_port);
	agg_table_free(m->by_proc);
	session_log_free(m->log);
	memset(m, 0, sizeof(*m));
}

int model_prefault(struct model *m)
{
	return session_log_prefault(m->log);
}

void model_add(struct model *m, const struct session *s)
{
	if (m->keep && !filter_accepts(m->keep, s))
		return;
	session_log_push(m->log, s);
	if (agg_add(m->by_proc, s) < 0)
		m->agg_dropped++;
	if (agg_add(m->by_port, s) < 0)
		m->agg_dropped++;
	if (agg_add(m->by_peer, s) < 0)
		m->agg_dropped++;
	if (s->end_ns > m->last_end_ns)
		m->last_end_ns = s->end_ns;
	if (!m->sessions_total)
		m->netns_first = s->netns;
	else if (s->netns != m->netns_first)
		m->netns_several = true;	/* the summaries' NETNS worth a column */
	m->sessions_total++;
	m->generation++;
}

void model_keep(struct model *m, const struct filter *f)
{
	m->keep = f && !filter_is_empty(f) ? f : NULL;
}

void model_clear(struct model *m)
{
	session_log_clear(m->log);
	agg_table_clear(m->by_proc);
	agg_table_clear(m->by_port);
	agg_table_clear(m->by_peer);
	m->sessions_total = 0;
	m->last_end_ns = 0;
	m->netns_first = 0;
	m->netns_several = false;
	m->agg_dropped = 0;
	m->open_n = 0;
	m->generation++;
}

int model_sink(void *ctx, const struct session *s)
{
	model_add(ctx, s);
	return 0;
}

void model_open_begin(struct model *m)
{
	m->open_n = 0;
	m->open_dropped = 0;
}

int model_open_sink(void *ctx, const struct session *s)
{
	struct model *m = ctx;

	if (m->keep && !filter_accepts(m->keep, s))
		return 0;
	if (m->open_n == m->open_cap) {
		size_t cap = m->open_cap ? m->open_cap * 2 : 256;
		struct session *n = reallocarray(m->open, cap, sizeof(*n));

		if (!n) {
			m->open_dropped++;
			return 0;
		}
		m->open = n;
		m->open_cap = cap;
	}
	m->open[m->open_n++] = *s;
	return 0;
}

void model_open_end(struct model *m, uint64_t taken_ns)
{
	m->open_taken_ns = taken_ns;
	m->open_generation++;
	m->generation++;
}
