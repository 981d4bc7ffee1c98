// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/view.c (filtered, sorted rows from the model). */
#include "tests/unit/helpers.h"

#include <errno.h>

#include "core/model.h"
#include "core/view.h"

static struct model m;

static int setup(void **state)
{
	return model_init(&m, 1000);
}

static int teardown(void **state)
{
	model_fini(&m);
	return 0;
}

/* 12 sessions: pids 1..3 round-robin, service ports 80/443, one v6, one RST. */
static void fill(void)
{
	uint32_t i;

	model_clear(&m);
	for (i = 0; i < 12; i++) {
		struct session s = mk_session(1 + i % 3, i % 3 == 0 ? "web" : "db",
					      (uint16_t)(50000 + i), i % 2 ? 443 : 80,
					      T0_NS + (12 - i) * 1000);	/* closing in reverse */

		s.tx_bytes = i * 10;
		if (i == 5) {
			s.family = AF_INET6;
			addr_v6(&s.raddr, "2001:db8::5");
		}
		if (i == 7)
			s.cause = CAUSE_RST_SENT;
		model_add(&m, &s);
	}
}

static void test_sessions_default_sort(void **state)
{
	struct view v;
	size_t i;

	fill();
	view_init(&v);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, NULL, NULL), 0);
	assert_int_equal(v.kind, VIEW_SESSIONS);
	assert_int_equal(v.n, 12);
	assert_int_equal(v.total, 12);
	assert_false(v.from_history);
	assert_int_equal(v.sort.col, COL_TIME);
	/* time ascending: newest at the bottom */
	for (i = 1; i < v.n; i++)
		assert_true(((const struct session *)v.rows[i - 1])->end_ns <
			    ((const struct session *)v.rows[i])->end_ns);
	/* rows point into the model's log */
	assert_ptr_equal(v.rows[v.n - 1], session_log_at(m.log, 0));
	view_fini(&v);
}

static void test_sessions_filtered_sorted(void **state)
{
	struct view v = { 0 };
	struct filter f;
	struct sort_spec spec = { COL_TX_BYTES, true };
	char err[64];
	size_t i;

	fill();
	filter_init(&f);
	assert_int_equal(filter_parse_ports("443", &f.rports, err, sizeof(err)), 0);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, &f, &spec), 0);
	assert_int_equal(v.n, 6);
	assert_int_equal(v.total, 12);
	for (i = 0; i < v.n; i++)
		assert_int_equal(((const struct session *)v.rows[i])->rport, 443);
	for (i = 1; i < v.n; i++)
		assert_true(((const struct session *)v.rows[i - 1])->tx_bytes >
			    ((const struct session *)v.rows[i])->tx_bytes);
	assert_int_equal(v.sort.col, COL_TX_BYTES);
	assert_true(v.sort.descending);

	/* AND with a family filter */
	assert_int_equal(filter_set_family(&f, AF_INET6), 0);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, &f, &spec), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(((const struct session *)v.rows[0])->tx_bytes, 50);
	filter_clear(&f);
	view_fini(&v);
}

static void test_procs_lifetime_vs_history(void **state)
{
	struct view v = { 0 };
	struct filter f;
	const struct agg_row *r;
	struct sort_spec by_pid = { COL_PID, false };
	size_t i;

	fill();
	/* no filter: the lifetime table itself */
	assert_int_equal(view_build(&v, &m, VIEW_PROCS, NULL, &by_pid), 0);
	assert_int_equal(v.n, 3);
	assert_false(v.from_history);
	for (i = 0; i < v.n; i++) {
		r = v.rows[i];
		assert_int_equal(r->pid, i + 1);
		assert_true(r->sessions == 4);
		assert_ptr_equal(r, agg_find_proc(m.by_proc, r->pid, r->comm));
	}
	/* an empty filter is no filter */
	filter_init(&f);
	assert_int_equal(view_build(&v, &m, VIEW_PROCS, &f, &by_pid), 0);
	assert_false(v.from_history);

	/* a filter: aggregated from the filtered history, in tables of the view */
	assert_int_equal(filter_only_port(&f, 443), 0);
	assert_int_equal(view_build(&v, &m, VIEW_PROCS, &f, &by_pid), 0);
	assert_true(v.from_history);
	assert_int_equal(v.total, 3);
	assert_int_equal(v.n, 3);
	for (i = 0; i < v.n; i++) {
		r = v.rows[i];
		assert_true(r->sessions == 2);
		assert_ptr_not_equal(r, agg_find_proc(m.by_proc, r->pid, r->comm));
	}
	filter_clear(&f);
	view_fini(&v);
}

/* Ports and Peers by namespace (N): a row per namespace's port or peer,
 * from the history, whatever the lifetime tables add up; under a filter,
 * "N of M" counts the history's rows by namespace. Processes ignore it. */
static void test_by_netns(void **state)
{
	struct model hm;
	struct view v = { 0 };
	struct filter f;
	struct sort_spec by_sess = { COL_SESSIONS, true };
	const struct agg_row *r;
	uint32_t i;

	assert_int_equal(model_init(&hm, 100), 0);
	for (i = 0; i < 6; i++) {	/* 8080 in namespaces 1 (4 times) and 2 (twice) */
		struct session s = mk_session(7, "api", 8080, 40000 + i, T0_NS + i);

		s.dir = DIR_IN;
		s.netns = i < 4 ? 1 : 2;
		model_add(&hm, &s);
	}
	{
		struct session s = mk_session(8, "sshd", 22, 50000, T0_NS + 9);

		s.dir = DIR_IN;
		s.netns = 1;
		model_add(&hm, &s);
	}
	view_init(&v);
	assert_int_equal(view_build(&v, &hm, VIEW_PORTS, NULL, &by_sess), 0);
	assert_int_equal(v.n, 2);		/* added up: 8080 and 22 */
	v.by_netns = true;
	assert_int_equal(view_build(&v, &hm, VIEW_PORTS, NULL, &by_sess), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.total, 3);
	r = v.rows[0];
	assert_true(r->by_netns && r->port == 8080 && r->netns == 1 && r->sessions == 4);
	r = v.rows[1];
	assert_true(r->port == 8080 && r->netns == 2 && r->sessions == 2);
	assert_int_equal(((const struct agg_row *)v.rows[2])->port, 22);
	/* peers: 127.0.0.1 of two namespaces */
	assert_int_equal(view_build(&v, &hm, VIEW_PEERS, NULL, &by_sess), 0);
	assert_int_equal(v.n, 2);
	/* filtered: "1 of 3" */
	filter_init(&f);
	assert_int_equal(filter_only_service(&f, 8080), 0);
	assert_int_equal(id_set_add_range(&f.netns, 2, 2), 0);
	assert_int_equal(view_build(&v, &hm, VIEW_PORTS, &f, &by_sess), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.total, 3);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 2);
	/* processes: one row per pid and name, as ever */
	assert_int_equal(view_build(&v, &hm, VIEW_PROCS, NULL, &by_sess), 0);
	assert_int_equal(v.n, 2);
	assert_false(v.from_history);
	/* off again: the lifetime rows */
	v.by_netns = false;
	assert_int_equal(view_build(&v, &hm, VIEW_PORTS, NULL, &by_sess), 0);
	assert_false(v.from_history);
	assert_int_equal(v.n, 2);
	assert_int_equal(((const struct agg_row *)v.rows[0])->netns_count, 2);
	filter_clear(&f);
	view_fini(&v);
	model_fini(&hm);
}

/* Processes by pid (H): a pid's rows under several names, merged; from
 * the lifetime rows (whole, or chosen by a process filter) or from the
 * history (any other filter); "N of M" in pids. */
static void test_procs_by_pid(void **state)
{
	struct model small;
	struct view v = { 0 };
	struct filter f;
	struct sort_spec by_sess = { COL_SESSIONS, true };
	const struct agg_row *r;
	uint32_t i;

	assert_int_equal(model_init(&small, 4), 0);	/* a history of 4 */
	for (i = 0; i < 5; i++) {	/* pid 7 as "java", 5 sessions to port 80 */
		struct session s = mk_session(7, "java", 80, 40000 + i, T0_NS + i);

		model_add(&small, &s);
	}
	for (i = 0; i < 3; i++) {	/* pid 8, "db", 3 sessions to port 5432 */
		struct session s = mk_session(8, "db", 5432, 41000 + i, T0_NS + 10 + i);

		model_add(&small, &s);
	}
	{	/* pid 7 as "http-nio", once, to port 443: the history holds
		 * db's last two sessions, this one and the next */
		struct session s = mk_session(7, "http-nio", 443, 42000, T0_NS + 20);

		model_add(&small, &s);
		s = mk_session(9, "cron", 25, 42001, T0_NS + 21);
		model_add(&small, &s);
	}

	view_init(&v);
	v.by_pid = true;
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, NULL, &by_sess), 0);
	assert_false(v.from_history);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.total, 3);
	r = v.rows[0];		/* the most sessions first */
	assert_int_equal(r->kind, AGG_PID);
	assert_int_equal(r->pid, 7);
	assert_string_equal(r->comm, "java");
	assert_int_equal(r->names, 2);
	assert_true(r->sessions == 6);	/* lifetime: more than the history holds */
	r = v.rows[1];
	assert_int_equal(r->pid, 8);
	assert_true(r->sessions == 3 && r->names == 1);

	/* a process filter: the lifetime rows it accepts, merged */
	filter_init(&f);
	assert_int_equal(filter_only_process(&f, 7, ""), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, &by_sess), 0);
	assert_false(v.from_history);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.total, 3);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 6);
	filter_clear(&f);
	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "http"), 0);	/* one of its names */
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, &by_sess), 0);
	assert_false(v.from_history);
	assert_int_equal(v.n, 1);
	r = v.rows[0];
	assert_int_equal(r->pid, 7);
	assert_string_equal(r->comm, "http-nio");
	assert_true(r->sessions == 1 && r->names == 1);

	/* any other filter: the history's sessions, merged */
	filter_clear(&f);
	filter_init(&f);
	assert_int_equal(filter_set_family(&f, AF_INET), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, &by_sess), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.total, 3);
	for (i = 0; i < v.n; i++) {
		r = v.rows[i];
		assert_int_equal(r->kind, AGG_PID);
		if (r->pid == 8)
			assert_true(r->sessions == 2);	/* of its 3, 2 still held */
		else
			assert_true(r->sessions == 1);
	}
	filter_clear(&f);

	/* off again: a row per pid and name */
	v.by_pid = false;
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, NULL, &by_sess), 0);
	assert_int_equal(v.n, 4);
	assert_int_equal(((const struct agg_row *)v.rows[0])->kind, AGG_PROC);
	/* and the other views never merge */
	v.by_pid = true;
	assert_int_equal(view_build(&v, &small, VIEW_PORTS, NULL, NULL), 0);
	assert_int_equal(v.n, agg_table_len(small.by_port));
	assert_int_equal(((const struct agg_row *)v.rows[0])->kind, AGG_PORT);
	view_fini(&v);
	assert_false(v.by_pid);
	model_fini(&small);
}

static void test_ports_view(void **state)
{
	struct view v = { 0 };
	struct filter f;
	const struct agg_row *r;
	char err[64];

	fill();
	assert_int_equal(view_build(&v, &m, VIEW_PORTS, NULL, NULL), 0);
	assert_int_equal(v.n, 2);
	r = v.rows[0];
	assert_true(r->sessions == 6);
	assert_int_equal(v.sort.col, COL_SESSIONS);
	/* ties on sessions: key ascending */
	assert_int_equal(r->port, 80);
	assert_int_equal(((const struct agg_row *)v.rows[1])->port, 443);
	assert_true(((const struct agg_row *)v.rows[1])->rsts == 1);

	filter_init(&f);
	assert_int_equal(filter_parse_pids("1", &f.pids, err, sizeof(err)), 0);
	assert_int_equal(view_build(&v, &m, VIEW_PORTS, &f, NULL), 0);
	assert_true(v.from_history);
	/* pid 1 has i = 0,3,6,9: rports 80,443,80,443 */
	assert_int_equal(v.n, 2);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 2);
	/* switching kinds reuses the view */
	assert_int_equal(view_build(&v, &m, VIEW_PROCS, &f, NULL), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(((const struct agg_row *)v.rows[0])->pid, 1);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, &f, NULL), 0);
	assert_int_equal(v.n, 4);
	filter_clear(&f);
	view_fini(&v);
}

static void test_history_view_sees_only_the_log(void **state)
{
	struct model small;
	struct view v = { 0 };
	struct filter f;
	uint32_t i;

	assert_int_equal(model_init(&small, 5), 0);
	for (i = 0; i < 20; i++) {
		struct session s = mk_session(9, "x", 1, 80, T0_NS + i);

		model_add(&small, &s);
	}
	filter_init(&f);
	assert_int_equal(filter_only_port(&f, 80), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, NULL), 0);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 5);	/* history */
	assert_true(v.from_history);
	assert_int_equal(view_build(&v, &small, VIEW_PORTS, &f, NULL), 0);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 5);
	assert_true(v.from_history);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, NULL, NULL), 0);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 20);	/* lifetime */
	assert_false(v.from_history);
	filter_clear(&f);
	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "x"), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PORTS, &f, NULL), 0);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 5);	/* history */
	filter_clear(&f);
	view_fini(&v);
	model_fini(&small);
}

/* Processes filtered by process alone (pid, name) are their lifetime rows,
 * whole, however much of them the history has lost; any other criterion
 * (ports, family, search) adds up the sessions still in the history. */
static void test_process_filter_on_lifetime_rows(void **state)
{
	struct model small;
	struct view v = { 0 };
	struct filter f;
	const struct agg_row *r;
	uint32_t i;

	assert_int_equal(model_init(&small, 5), 0);
	for (i = 0; i < 20; i++) {
		struct session s = mk_session(9, "old-srv", 1, 80, T0_NS + i);

		model_add(&small, &s);
	}
	for (i = 0; i < 5; i++) {	/* these push the old ones out of the history */
		struct session s = mk_session(10, "new-srv", 2, 81, T0_NS + 100 + i);

		model_add(&small, &s);
	}
	filter_init(&f);
	assert_int_equal(filter_only_pid(&f, 9), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, NULL), 0);
	assert_int_equal(v.n, 1);
	assert_false(v.from_history);
	assert_int_equal(v.total, 2);
	r = v.rows[0];
	assert_int_equal(r->pid, 9);
	assert_int_equal(r->sessions, 20);
	filter_clear(&f);
	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "-srv"), 0);
	assert_int_equal(filter_parse_pids("9-10", &f.pids, NULL, 0), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, NULL), 0);
	assert_int_equal(v.n, 2);
	assert_false(v.from_history);
	assert_int_equal(filter_set_comm(&f, "old"), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, NULL), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(((const struct agg_row *)v.rows[0])->sessions, 20);
	/* with a family too: from the history, where pid 9 has nothing left */
	assert_int_equal(filter_set_family(&f, AF_INET), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 0);
	filter_clear(&f);
	view_fini(&v);
	model_fini(&small);
}

/* Ports filtered by service port alone (a Ports row's `f`) are their
 * lifetime rows, as Processes are by process (until 2026-12-06 the row of a
 * port whose sessions had left the history vanished under its own `f`);
 * with anything else, the history's. */
static void test_service_filter_on_lifetime_rows(void **state)
{
	struct model small;
	struct view v = { 0 };
	struct filter f;
	uint32_t i;

	assert_int_equal(model_init(&small, 5), 0);
	for (i = 0; i < 20; i++) {
		struct session s = mk_session(9, "old-cli", (uint16_t)(40000 + i), 80, T0_NS + i);

		model_add(&small, &s);
	}
	for (i = 0; i < 5; i++) {	/* these push port 80's out of the history */
		struct session s = mk_session(10, "new-cli", (uint16_t)(41000 + i), 81,
					      T0_NS + 100 + i);

		model_add(&small, &s);
	}
	filter_init(&f);
	assert_int_equal(filter_only_service(&f, 80), 0);
	assert_true(filter_is_service_only(&f));
	assert_int_equal(view_build(&v, &small, VIEW_PORTS, &f, NULL), 0);
	assert_false(v.from_history);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.total, 2);
	assert_int_equal(((const struct agg_row *)v.rows[0])->port, 80);
	assert_int_equal(((const struct agg_row *)v.rows[0])->sessions, 20);
	/* the Sessions and Processes views of it: the history's (none left) */
	assert_int_equal(view_build(&v, &small, VIEW_SESSIONS, &f, NULL), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(view_build(&v, &small, VIEW_PROCS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 0);
	/* with a pid too: from the history */
	assert_int_equal(filter_only_pid(&f, 9), 0);
	assert_false(filter_is_service_only(&f));
	assert_int_equal(view_build(&v, &small, VIEW_PORTS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 0);
	filter_clear(&f);
	view_fini(&v);
	model_fini(&small);
}

/* Peers: a row per remote address from the lifetime table; a Peers row's
 * `f` keeps that peer's lifetime row whole (its sessions gone from the
 * history or not); with more in the filter, the history's sessions. */
static void test_peers_view(void **state)
{
	struct model small;
	struct view v = { 0 };
	struct filter f;
	struct in6_addr a;
	uint32_t i;

	assert_int_equal(model_init(&small, 5), 0);
	for (i = 0; i < 30; i++) {
		struct session s = mk_session(9, "cli", (uint16_t)(40000 + i), 80, T0_NS + i);

		addr_v4(&s.raddr, 10, 0, 0, (uint8_t)(1 + i % 3));	/* 10 each */
		s.tx_bytes = i;
		model_add(&small, &s);
	}
	for (i = 0; i < 5; i++) {	/* these push the others out of the history */
		struct session s = mk_session(10, "new", (uint16_t)(41000 + i), 81, T0_NS + 100 + i);

		addr_v4(&s.raddr, 10, 0, 0, 9);
		model_add(&small, &s);
	}
	assert_int_equal(view_build(&v, &small, VIEW_PEERS, NULL, NULL), 0);
	assert_int_equal(v.kind, VIEW_PEERS);
	assert_int_equal(v.n, 4);
	assert_int_equal(v.sort.col, COL_SESSIONS);	/* busiest first */
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 10);
	assert_true(((const struct agg_row *)v.rows[3])->sessions == 5);
	/* by address: 10.0.0.1, .2, .3, .9 */
	{
		struct sort_spec by_addr = { .col = COL_RADDR, .descending = false };

		assert_int_equal(view_build(&v, &small, VIEW_PEERS, NULL, &by_addr), 0);
		addr_v4(&a, 10, 0, 0, 2);
		assert_memory_equal(&((const struct agg_row *)v.rows[1])->raddr, &a, sizeof(a));
		/* 1 + 4 + ... + 28: the ten sessions i = 1, 4, ..., 28 */
		assert_true(((const struct agg_row *)v.rows[1])->tx_bytes == 145);
	}
	filter_init(&f);
	addr_v4(&a, 10, 0, 0, 3);
	filter_only_peer(&f, &a);
	assert_int_equal(view_build(&v, &small, VIEW_PEERS, &f, NULL), 0);
	assert_false(v.from_history);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.total, 4);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 10);
	/* the other views of it: the history's (none of 10.0.0.3 left) */
	assert_int_equal(view_build(&v, &small, VIEW_SESSIONS, &f, NULL), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(view_build(&v, &small, VIEW_PORTS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 0);
	/* the peer still in the history, with a family too: from the history */
	addr_v4(&a, 10, 0, 0, 9);
	filter_only_peer(&f, &a);
	assert_int_equal(filter_set_family(&f, AF_INET), 0);
	assert_int_equal(view_build(&v, &small, VIEW_PEERS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 1);
	assert_true(((const struct agg_row *)v.rows[0])->sessions == 5);
	filter_clear(&f);
	view_fini(&v);
	model_fini(&small);
}

/* Past its bound a lifetime table lets the least recently seen rows go,
 * while their sessions are still in the history: a filtered view adds up
 * the history's, and its "of M" counts the history's rows too (until
 * 2026-12-06 "50010 of 45009"); a filter on processes alone, which reads
 * the lifetime rows, reads the history's once rows have gone (until then
 * a process whose row had gone showed nothing). */
static void test_filtered_rows_after_rows_let_go(void **state)
{
	struct model big;
	struct view v = { 0 };
	struct filter f;
	uint32_t i, n4 = MODEL_MAX_PEERS + 10, n = n4 + 5;

	assert_int_equal(model_init(&big, n), 0);
	for (i = 0; i < n; i++) {
		struct session s = mk_session(1000 + i, "p", 80, 40000, T0_NS + i);

		if (i < n4) {
			addr_v4(&s.raddr, 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
		} else {	/* the newest five: IPv6 peers */
			addr_v6(&s.raddr, "2001:db8::1");
			s.raddr.s6_addr[15] = (uint8_t)i;
			s.family = AF_INET6;
		}
		model_add(&big, &s);
	}
	assert_int_equal(view_build(&v, &big, VIEW_PEERS, NULL, NULL), 0);
	assert_true(v.n < n);
	assert_int_equal(v.total, v.n);
	filter_init(&f);
	assert_int_equal(filter_set_family(&f, AF_INET), 0);
	assert_int_equal(view_build(&v, &big, VIEW_PEERS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, n4);
	assert_int_equal(v.total, n);
	assert_int_equal(filter_set_family(&f, AF_INET6), 0);
	assert_int_equal(view_build(&v, &big, VIEW_PEERS, &f, NULL), 0);
	assert_int_equal(v.n, 5);
	assert_int_equal(v.total, n);
	filter_clear(&f);
	/* pid 1000, the first process: its row has gone, its session not */
	filter_init(&f);
	assert_int_equal(filter_only_pid(&f, 1000), 0);
	assert_int_equal(view_build(&v, &big, VIEW_PROCS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 1);
	assert_int_equal(((const struct agg_row *)v.rows[0])->pid, 1000);
	assert_int_equal(v.total, n);
	/* the same by pid (H): "1 of n" PIDs, the history's */
	v.by_pid = true;
	assert_int_equal(view_build(&v, &big, VIEW_PROCS, &f, NULL), 0);
	assert_true(v.from_history);
	assert_int_equal(v.n, 1);
	assert_int_equal(((const struct agg_row *)v.rows[0])->kind, AGG_PID);
	assert_int_equal(((const struct agg_row *)v.rows[0])->pid, 1000);
	assert_int_equal(v.total, n);
	/* unfiltered: the rows kept, one per pid */
	assert_int_equal(view_build(&v, &big, VIEW_PROCS, NULL, NULL), 0);
	assert_int_equal(v.n, agg_table_len(big.by_proc));
	assert_int_equal(v.total, v.n);
	filter_clear(&f);
	view_fini(&v);
	model_fini(&big);
}

static void test_stale_and_errors(void **state)
{
	struct view v = { 0 };
	struct session s = mk_session(1, "x", 1, 2, T0_NS);

	fill();
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, NULL, NULL), 0);
	assert_false(view_is_stale(&v, &m));
	model_add(&m, &s);
	assert_true(view_is_stale(&v, &m));
	assert_int_equal(view_build(&v, &m, VIEW_COUNT, NULL, NULL), -EINVAL);
	assert_int_equal(v.n, 0);
	view_fini(&v);
	view_fini(&v);
}

static void test_empty_model(void **state)
{
	struct view v = { 0 };
	enum view_kind k;

	model_clear(&m);
	for (k = 0; k < VIEW_COUNT; k++) {
		assert_int_equal(view_build(&v, &m, k, NULL, NULL), 0);
		assert_int_equal(v.n, 0);
	}
	view_fini(&v);
}

/* A full default-size log, filtered and sorted: correct (timing is the bench's job). */
static void test_large(void **state)
{
	struct model big;
	struct view v = { 0 };
	struct filter f;
	struct sort_spec spec = { COL_DURATION, true };
	char err[64];
	uint32_t i;
	size_t j, expect = 0;

	assert_int_equal(model_init(&big, 0), 0);
	for (i = 0; i < MODEL_DEFAULT_HISTORY; i++) {
		struct session s = mk_session(i % 500, "w", (uint16_t)(1024 + i % 60000),
					      (uint16_t)(i % 7 ? 443 : 80), T0_NS + i);

		s.dur_us = (i * 7919) % 100000;
		expect += s.rport == 80;
		model_add(&big, &s);
	}
	filter_init(&f);
	assert_int_equal(filter_parse_ports("80", &f.ports, err, sizeof(err)), 0);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(view_build(&v, &big, VIEW_SESSIONS, &f, &spec), 0);
		assert_int_equal(v.n, expect);
		for (j = 1; j < v.n; j++)
			assert_true(((const struct session *)v.rows[j - 1])->dur_us >=
				    ((const struct session *)v.rows[j])->dur_us);
	}
	assert_int_equal(view_build(&v, &big, VIEW_PROCS, &f, NULL), 0);
	assert_true(v.n > 0);
	filter_clear(&f);
	view_fini(&v);
	model_fini(&big);
}

/* Deterministic pseudo-random numbers for the update test. */
static uint64_t rng_state = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* The rows of an updated view equal a fresh build's, in the same order. */
static void expect_same_as_fresh(struct view *upd, const struct model *mm, enum view_kind kind,
				 const struct filter *f, const struct sort_spec *spec)
{
	struct view fresh;
	size_t i;

	view_init(&fresh);
	assert_int_equal(view_build(upd, mm, kind, f, spec), 0);
	assert_int_equal(view_build(&fresh, mm, kind, f, spec), 0);
	assert_int_equal(upd->n, fresh.n);
	assert_int_equal(upd->total, fresh.total);
	assert_int_equal(upd->sort.col, fresh.sort.col);
	assert_int_equal(upd->sort.descending, fresh.sort.descending);
	for (i = 0; i < fresh.n; i++)
		assert_ptr_equal(upd->rows[i], fresh.rows[i]);
	view_fini(&fresh);
}

/*
 * Sessions arrive slightly out of time order (as from several CPUs), with
 * equal times, evictions, clears, filter and sort changes and a model
 * replaced at the same address: after every batch the kept view, updated in
 * place, must equal a fresh build.
 */
static void test_update_equals_fresh_build(void **state)
{
	static const struct sort_spec specs[] = {
		{ COL_TIME, false }, { COL_TIME, true }, { COL_TX_BYTES, true },
		{ COL_PID, false }, { COL_DURATION, false },
	};
	struct model mm;
	struct view v;
	struct filter f;
	char err[64];
	uint64_t t = T0_NS;
	int round, si = 0, filtered = 0;
	uint32_t i, n;

	assert_int_equal(model_init(&mm, 300), 0);
	view_init(&v);
	filter_init(&f);
	assert_int_equal(filter_parse_pids("2,5", &f.pids, err, sizeof(err)), 0);
	for (round = 0; round < 600; round++) {
		n = rnd(8) == 0 ? rnd(400) : rnd(40);
		for (i = 0; i < n; i++) {
			struct session s;

			t += rnd(3) * 1000;	/* equal times happen */
			s = mk_session(1 + rnd(6), "w", (uint16_t)(1024 + rnd(5000)), 443,
				       t - rnd(4) * 1000);	/* a little out of order */
			s.tx_bytes = rnd(5) * 100;
			s.dur_us = rnd(1000);
			model_add(&mm, &s);
		}
		switch (rnd(40)) {
		case 0:
			model_clear(&mm);
			break;
		case 1:
			si = (int)rnd(sizeof(specs) / sizeof(specs[0]));
			break;
		case 2:
			filtered = !filtered;
			break;
		case 3:
			/* a new model, perhaps at the same address */
			model_fini(&mm);
			assert_int_equal(model_init(&mm, 300), 0);
			break;
		case 4:
			/* another view kind in between */
			assert_int_equal(view_build(&v, &mm, VIEW_PROCS, NULL, NULL), 0);
			break;
		}
		expect_same_as_fresh(&v, &mm, VIEW_SESSIONS, filtered ? &f : NULL, &specs[si]);
	}
	/* most builds were updates (the others: after a change of filter,
	 * sort, model or kind, or a batch bigger than the history) */
	assert_true(v.updates > 400);
	filter_clear(&f);
	view_fini(&v);
	model_fini(&mm);
}

/* A sessions view reserved for the history's capacity keeps its rows and,
 * however often the history wraps, never grows again: the same memory all
 * along, and the same rows as a fresh build. */
static void test_reserved_never_grows(void **state)
{
	static const struct sort_spec by_time = { COL_TIME, false };
	const void **base;
	struct model mm;
	struct view v;
	uint64_t t = T0_NS;
	uint32_t i, n;
	int round;

	assert_int_equal(model_init(&mm, 300), 0);
	view_init(&v);
	for (i = 0; i < 50; i++) {
		struct session s = mk_session(1 + i % 4, "w", (uint16_t)(1024 + i), 443, t += 1000);

		model_add(&mm, &s);
	}
	expect_same_as_fresh(&v, &mm, VIEW_SESSIONS, NULL, &by_time);
	assert_int_equal(view_reserve(&v, 300), 0);
	assert_true(v.cap >= 450);
	base = v.base;
	expect_same_as_fresh(&v, &mm, VIEW_SESSIONS, NULL, &by_time);
	assert_int_equal(view_reserve(&v, 300), 0);	/* again: nothing to do */
	assert_ptr_equal(v.base, base);
	for (round = 0; round < 400; round++) {
		n = rnd(120);
		for (i = 0; i < n; i++) {
			struct session s = mk_session(1 + rnd(6), "w", (uint16_t)(1024 + rnd(5000)),
						      443, t += rnd(3) * 1000);

			model_add(&mm, &s);
		}
		expect_same_as_fresh(&v, &mm, VIEW_SESSIONS, NULL, &by_time);
		assert_ptr_equal(v.base, base);
	}
	assert_true(v.updates > 300);
	view_fini(&v);
	model_fini(&mm);
}

/* An open view: the model's last look at the sessions open (filtered,
 * sorted), never the history nor its totals; each look replaces the last;
 * the command line's filter (model_keep) applies to the look too; the
 * history's own view goes on by updates beside it. */
static void test_open_view(void **state)
{
	struct view v, hist;
	struct filter keep, f;
	struct sort_spec by_tx = { .col = COL_TX_BYTES, .descending = true };
	uint64_t total;
	size_t i;

	fill();
	total = m.sessions_total;
	view_init(&v);
	view_init(&hist);
	v.open = true;
	assert_int_equal(view_build(&hist, &m, VIEW_SESSIONS, NULL, NULL), 0);
	/* no look yet: nothing */
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, NULL, NULL), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(v.total, 0);
	model_open_begin(&m);
	for (i = 0; i < 5; i++) {
		struct session s = mk_session(100 + i, i % 2 ? "psql" : "redis",
					      (uint16_t)(40000 + i), i % 2 ? 5432 : 6379, T0_NS);

		s.cause = CAUSE_OPEN;
		s.tx_bytes = (i * 7919) % 1000;
		assert_int_equal(model_open_sink(&m, &s), 0);
	}
	model_open_end(&m, T0_NS);
	assert_int_equal(m.sessions_total, total);	/* not in the totals */
	assert_int_equal(session_log_len(m.log), 12);	/* nor in the history */
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, NULL, &by_tx), 0);
	assert_int_equal(v.n, 5);
	assert_int_equal(v.total, 5);
	for (i = 0; i < v.n; i++) {
		assert_int_equal(((const struct session *)v.rows[i])->cause, CAUSE_OPEN);
		if (i)
			assert_true(((const struct session *)v.rows[i - 1])->tx_bytes >=
				    ((const struct session *)v.rows[i])->tx_bytes);
	}
	/* a filter */
	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "psql"), 0);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, &f, &by_tx), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.total, 5);
	/* the next look replaces it, under the command line's filter */
	filter_init(&keep);
	assert_int_equal(filter_parse_ports("5432", &keep.ports, NULL, 0), 0);
	model_keep(&m, &keep);
	model_open_begin(&m);
	for (i = 0; i < 3; i++) {
		struct session s = mk_session(200, "psql", (uint16_t)(41000 + i),
					      i ? 5432 : 6379, T0_NS + 1000);

		s.cause = CAUSE_OPEN;
		model_open_sink(&m, &s);
	}
	model_open_end(&m, T0_NS + 1000);
	model_keep(&m, NULL);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, NULL, NULL), 0);
	assert_int_equal(v.n, 2);
	for (i = 0; i < v.n; i++)
		assert_int_equal(((const struct session *)v.rows[i])->rport, 5432);
	/* the history's view, beside it, is updated in place as before */
	model_add(&m, &(struct session){ .pid = 9, .family = AF_INET, .end_ns = T0_NS + 99999 });
	assert_int_equal(view_build(&hist, &m, VIEW_SESSIONS, NULL, NULL), 0);
	assert_int_equal(hist.n, 13);
	assert_int_equal(hist.updates, 1);
	/* cleared with the rest */
	model_clear(&m);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, NULL, NULL), 0);
	assert_int_equal(v.n, 0);
	filter_clear(&f);
	filter_clear(&keep);
	view_fini(&v);
	view_fini(&hist);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions_default_sort),
		cmocka_unit_test(test_sessions_filtered_sorted),
		cmocka_unit_test(test_procs_lifetime_vs_history),
		cmocka_unit_test(test_procs_by_pid),
		cmocka_unit_test(test_by_netns),
		cmocka_unit_test(test_ports_view),
		cmocka_unit_test(test_history_view_sees_only_the_log),
		cmocka_unit_test(test_process_filter_on_lifetime_rows),
		cmocka_unit_test(test_service_filter_on_lifetime_rows),
		cmocka_unit_test(test_peers_view),
		cmocka_unit_test(test_filtered_rows_after_rows_let_go),
		cmocka_unit_test(test_stale_and_errors),
		cmocka_unit_test(test_empty_model),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_update_equals_fresh_build),
		cmocka_unit_test(test_reserved_never_grows),
		cmocka_unit_test(test_open_view),
	};

	return cmocka_run_group_tests_name("view", tests, setup, teardown);
}
