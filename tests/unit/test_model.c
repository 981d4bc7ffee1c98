// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/model.c. */
#include "tests/unit/helpers.h"

#include <errno.h>

#include "core/hash.h"
#include "core/model.h"

static void test_init_default_and_fini(void **state)
{
	struct model m;

	assert_int_equal(model_init(&m, 0), 0);
	assert_int_equal(session_log_capacity(m.log), MODEL_DEFAULT_HISTORY);
	assert_int_equal(agg_table_kind(m.by_proc), AGG_PROC);
	assert_int_equal(agg_table_kind(m.by_port), AGG_PORT);
	assert_int_equal(agg_table_kind(m.by_peer), AGG_PEER);
	assert_true(m.sessions_total == 0);
	model_fini(&m);
	assert_null(m.log);
	model_fini(&m);		/* twice is a no-op */
}

static void test_init_errors(void **state)
{
	struct model m;

	assert_int_equal(model_init(&m, SESSION_LOG_MAX_CAPACITY + 1), -EINVAL);
	assert_null(m.log);
	assert_null(m.by_proc);
	/* The second table failing: everything is undone. */
	hash_fail_after(1);
	assert_int_equal(model_init(&m, 10), -ENOMEM);
	hash_fail_after(-1);
	assert_null(m.log);
	assert_null(m.by_proc);
	assert_null(m.by_port);
	/* The third (the peers') failing too. */
	hash_fail_after(2);
	assert_int_equal(model_init(&m, 10), -ENOMEM);
	hash_fail_after(-1);
	assert_null(m.log);
	assert_null(m.by_port);
	assert_null(m.by_peer);
}

static void test_add_feeds_log_and_tables(void **state)
{
	struct model m;
	struct session s;
	uint64_t gen;

	assert_int_equal(model_init(&m, 3), 0);
	gen = m.generation;
	for (uint32_t i = 0; i < 10; i++) {
		s = mk_session(100 + i % 2, "app", (uint16_t)(40000 + i), 443, T0_NS + i);
		addr_v4(&s.raddr, 10, 0, 0, (uint8_t)(2 + i % 3));
		model_add(&m, &s);
	}
	assert_true(m.generation > gen);
	assert_true(m.sessions_total == 10);
	/* The log keeps 3, counts 7 evictions ... */
	assert_int_equal(session_log_len(m.log), 3);
	assert_true(session_log_evicted(m.log) == 7);
	assert_int_equal(session_log_at(m.log, 0)->lport, 40007);
	/* ... while the totals keep everything. */
	assert_int_equal(agg_table_len(m.by_proc), 2);
	assert_true(agg_find_proc(m.by_proc, 100, "app")->sessions == 5);
	assert_true(agg_find_proc(m.by_proc, 101, "app")->sessions == 5);
	assert_true(agg_find_port(m.by_port, 443)->sessions == 10);
	/* per peer: 10.0.0.2 has sessions 0, 3, 6, 9; .3 and .4 three each */
	assert_int_equal(agg_table_len(m.by_peer), 3);
	addr_v4(&s.raddr, 10, 0, 0, 2);
	assert_true(agg_find_peer(m.by_peer, &s.raddr)->sessions == 4);
	addr_v4(&s.raddr, 10, 0, 0, 4);
	assert_true(agg_find_peer(m.by_peer, &s.raddr)->sessions == 3);
	assert_true(agg_find_peer(m.by_peer, &s.raddr)->tx_bytes == 300);
	model_fini(&m);
}

static void test_sink_and_clear(void **state)
{
	struct model m;
	struct session s = mk_session(1, "a", 1, 2, T0_NS);

	assert_int_equal(model_init(&m, 5), 0);
	assert_int_equal(model_sink(&m, &s), 0);
	assert_int_equal(model_sink(&m, &s), 0);
	assert_true(m.sessions_total == 2);
	model_clear(&m);
	assert_true(m.sessions_total == 0);
	assert_int_equal(session_log_len(m.log), 0);
	assert_int_equal(session_log_capacity(m.log), 5);
	assert_int_equal(agg_table_len(m.by_proc), 0);
	assert_int_equal(agg_table_len(m.by_port), 0);
	assert_int_equal(agg_table_len(m.by_peer), 0);
	model_add(&m, &s);
	assert_int_equal(session_log_len(m.log), 1);
	assert_int_equal(agg_table_len(m.by_peer), 1);
	model_fini(&m);
}

/* Whether sessions of more than one network namespace were kept (the
 * monitor then gives NETNS room of its own); cleared with the model. */
static void test_netns_several(void **state)
{
	struct model m;
	struct session s = mk_session(1, "a", 1, 2, T0_NS);

	assert_int_equal(model_init(&m, 5), 0);
	s.netns = 4026531840u;
	model_add(&m, &s);
	model_add(&m, &s);
	assert_false(m.netns_several);
	s.netns = 4026532301u;
	model_add(&m, &s);
	assert_true(m.netns_several);
	model_clear(&m);
	assert_false(m.netns_several);
	model_add(&m, &s);		/* the first again: one namespace */
	assert_false(m.netns_several);
	s.netns = 0;			/* not known: another, as the summaries count it */
	model_add(&m, &s);
	assert_true(m.netns_several);
	model_fini(&m);
}

/* With a keep filter (the command line's), only the sessions it accepts
 * take room in the history and count in the totals; the others do not
 * count anywhere. Clearing forgets the counts, not the filter. */
static void test_keep_filter(void **state)
{
	struct filter f;
	struct model m;
	struct session s;
	const struct agg_row *r;
	int i;

	filter_init(&f);
	assert_int_equal(filter_only_port(&f, 443), 0);
	assert_int_equal(model_init(&m, 4), 0);
	s = mk_session(1, "a", 80, 50000, T0_NS);
	model_add(&m, &s);		/* before the filter: kept */
	model_keep(&m, &f);
	for (i = 0; i < 30; i++) {
		s = mk_session(1, "a", i % 3 ? 443 : 80, 50000 + i, T0_NS + i);
		model_add(&m, &s);
	}
	assert_int_equal(m.sessions_total, 1 + 20);
	assert_int_equal(session_log_len(m.log), 4);
	for (i = 0; i < 4; i++)	/* the last four kept: all on 443 */
		assert_int_equal(session_log_at(m.log, (size_t)i)->lport, 443);
	r = agg_table_first(m.by_port);
	assert_non_null(r);
	for (; r; r = agg_row_next(r))
		assert_int_equal(r->sessions, r->port == 443 ? 20 : 1);
	model_clear(&m);
	assert_int_equal(m.sessions_total, 0);
	s = mk_session(1, "a", 80, 50000, T0_NS + 99);
	model_add(&m, &s);		/* port 80: still not kept */
	assert_int_equal(m.sessions_total, 0);
	model_keep(&m, NULL);
	model_add(&m, &s);
	assert_int_equal(m.sessions_total, 1);
	model_fini(&m);
	filter_clear(&f);
}

static void test_add_survives_enomem(void **state)
{
	struct model m;
	struct session s = mk_session(1, "a", 1, 2, T0_NS);

	assert_int_equal(model_init(&m, 5), 0);
	hash_fail_after(0);
	model_add(&m, &s);
	hash_fail_after(-1);
	assert_true(m.sessions_total == 1);
	assert_int_equal(session_log_len(m.log), 1);	/* the log needs no allocation */
	assert_true(m.agg_dropped == 3);	/* processes, ports, peers */
	assert_int_equal(agg_table_len(m.by_proc), 0);
	assert_int_equal(agg_table_len(m.by_peer), 0);
	model_add(&m, &s);
	assert_int_equal(agg_table_len(m.by_proc), 1);
	assert_int_equal(agg_table_len(m.by_peer), 1);
	model_fini(&m);
}

/* Peers keep the MODEL_MAX_PEERS seen most recently (a server's clients
 * can be without number); the oldest go, counted. */
static void test_peers_bounded(void **state)
{
	struct model m;
	struct session s = mk_session(1, "srv", 80, 40000, T0_NS);
	uint32_t i;

	assert_int_equal(model_init(&m, 16), 0);
	for (i = 0; i <= MODEL_MAX_PEERS; i++) {
		s.end_ns = T0_NS + i;
		addr_v4(&s.raddr, 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
		model_add(&m, &s);
	}
	assert_true(agg_table_len(m.by_peer) <= MODEL_MAX_PEERS);
	assert_true(agg_table_evicted(m.by_peer) > 0);
	assert_int_equal(agg_table_len(m.by_peer) + agg_table_evicted(m.by_peer),
			 MODEL_MAX_PEERS + 1);
	assert_non_null(agg_find_peer(m.by_peer, &s.raddr));	/* the newest stays */
	addr_v4(&s.raddr, 10, 0, 0, 0);
	assert_null(agg_find_peer(m.by_peer, &s.raddr));	/* the oldest went */
	assert_int_equal(agg_table_len(m.by_proc), 1);
	model_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_default_and_fini),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_add_feeds_log_and_tables),
		cmocka_unit_test(test_sink_and_clear),
		cmocka_unit_test(test_netns_several),
		cmocka_unit_test(test_add_survives_enomem),
		cmocka_unit_test(test_keep_filter),
		cmocka_unit_test(test_peers_bounded),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
