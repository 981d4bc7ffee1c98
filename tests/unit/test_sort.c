// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/sort.c (direction, tie-break, stability, extremes). */
#include "tests/unit/helpers.h"

#include <stdlib.h>

#include "core/agg.h"
#include "core/sort.h"

#define N_SESS 500

static struct session sessions[N_SESS];
static const void *rows[N_SESS];

static void fill_sessions(unsigned int seed)
{
	size_t i;

	for (i = 0; i < N_SESS; i++) {
		struct session *s = &sessions[i];

		*s = mk_session((uint32_t)(rand_r(&seed) % 7), (const char *[]){ "a", "b", "c" }[i % 3],
				(uint16_t)(rand_r(&seed) % 5), (uint16_t)(rand_r(&seed) % 3),
				T0_NS + (uint64_t)(rand_r(&seed) % 50));
		/* values near the top of the range: subtraction would overflow */
		s->tx_bytes = rand_r(&seed) % 2 ? UINT64_MAX - (uint64_t)(rand_r(&seed) % 4)
						: (uint64_t)(rand_r(&seed) % 4);
		s->dur_us = rand_r(&seed) % 3 ? UINT64_MAX : 0;
		s->srtt_us = rand_r(&seed) % 2 ? UINT32_MAX : 1;
		rows[i] = s;
	}
}

static size_t index_of(const void *row)
{
	return (size_t)((const struct session *)row - sessions);
}

/*
 * Check a sorted array: the column is monotonic in the asked direction;
 * among equal column values end_ns ascends; among equal both, input order
 * (the array index here, as rows were filled in index order) ascends.
 */
static void check_sessions(const struct sort_spec *spec)
{
	const struct column *c = column_by_id(VIEW_SESSIONS, spec->col);
	size_t i;

	for (i = 1; i < N_SESS; i++) {
		const struct session *p = rows[i - 1], *q = rows[i];
		int cmp = c->compare(p, q);

		if (spec->descending)
			cmp = -cmp;
		if (cmp > 0)
			fail_msg("column %s not sorted at %zu", c->name, i);
		if (cmp == 0) {
			if (p->end_ns > q->end_ns)
				fail_msg("column %s: tie not by end time at %zu", c->name, i);
			if (p->end_ns == q->end_ns && index_of(p) > index_of(q))
				fail_msg("column %s: not stable at %zu", c->name, i);
		}
	}
}

static void test_every_session_column_both_directions(void **state)
{
	size_t i, n;
	const struct column *cols = columns_for(VIEW_SESSIONS, &n);

	for (i = 0; i < n; i++) {
		for (int d = 0; d < 2; d++) {
			struct sort_spec spec = { cols[i].id, d };

			fill_sessions(7 + (unsigned int)i);
			sort_rows(VIEW_SESSIONS, rows, N_SESS, &spec);
			check_sessions(&spec);
		}
	}
}

static void test_extremes_order(void **state)
{
	struct session a = mk_session(1, "a", 1, 1, T0_NS);
	struct session b = a, c = a;
	const void *r[3];
	struct sort_spec spec = { COL_TX_BYTES, false };

	a.tx_bytes = UINT64_MAX;
	b.tx_bytes = 0;
	c.tx_bytes = UINT64_MAX - 1;
	r[0] = &a;
	r[1] = &b;
	r[2] = &c;
	sort_rows(VIEW_SESSIONS, r, 3, &spec);
	assert_ptr_equal(r[0], &b);
	assert_ptr_equal(r[1], &c);
	assert_ptr_equal(r[2], &a);
	spec.descending = true;
	sort_rows(VIEW_SESSIONS, r, 3, &spec);
	assert_ptr_equal(r[0], &a);
	assert_ptr_equal(r[1], &c);
	assert_ptr_equal(r[2], &b);
}

/* Equal rows keep their input (log) order in both directions. */
static void test_stable_in_both_directions(void **state)
{
	struct session s[6];
	const void *r[6];
	struct sort_spec spec = { COL_RPORT, true };
	size_t i;

	for (i = 0; i < 6; i++) {
		s[i] = mk_session((uint32_t)i, "x", 1, i % 2 ? 443 : 80, T0_NS);	/* same end */
		r[i] = &s[i];
	}
	sort_rows(VIEW_SESSIONS, r, 6, &spec);
	/* 443 first (descending), each group in input order */
	assert_ptr_equal(r[0], &s[1]);
	assert_ptr_equal(r[1], &s[3]);
	assert_ptr_equal(r[2], &s[5]);
	assert_ptr_equal(r[3], &s[0]);
	assert_ptr_equal(r[4], &s[2]);
	assert_ptr_equal(r[5], &s[4]);
	spec.descending = false;
	sort_rows(VIEW_SESSIONS, r, 6, &spec);
	assert_ptr_equal(r[0], &s[0]);
	assert_ptr_equal(r[1], &s[2]);
	assert_ptr_equal(r[2], &s[4]);
	assert_ptr_equal(r[3], &s[1]);
	assert_ptr_equal(r[4], &s[3]);
	assert_ptr_equal(r[5], &s[5]);
}

static void test_tie_break_by_end_time(void **state)
{
	struct session a = mk_session(1, "x", 1, 80, T0_NS + 30);
	struct session b = mk_session(2, "x", 1, 80, T0_NS + 10);
	struct session c = mk_session(3, "x", 1, 80, T0_NS + 20);
	const void *r[3] = { &a, &b, &c };
	struct sort_spec spec = { COL_RPORT, true };

	sort_rows(VIEW_SESSIONS, r, 3, &spec);
	assert_ptr_equal(r[0], &b);
	assert_ptr_equal(r[1], &c);
	assert_ptr_equal(r[2], &a);
}

static void test_default_and_unknown_column(void **state)
{
	struct sort_spec spec;
	struct session a = mk_session(1, "x", 1, 80, T0_NS + 3);
	struct session b = mk_session(2, "x", 1, 80, T0_NS + 1);
	const void *r[2] = { &a, &b };

	sort_default(VIEW_SESSIONS, &spec);
	assert_int_equal(spec.col, COL_TIME);
	assert_false(spec.descending);
	sort_default(VIEW_PORTS, &spec);
	assert_int_equal(spec.col, COL_SESSIONS);
	assert_true(spec.descending);

	sort_rows(VIEW_SESSIONS, r, 2, NULL);	/* default: time ascending */
	assert_ptr_equal(r[0], &b);
	spec.col = COL_PORT;			/* not a sessions column: default too */
	spec.descending = true;
	r[0] = &a;
	r[1] = &b;
	sort_rows(VIEW_SESSIONS, r, 2, &spec);
	assert_ptr_equal(r[0], &b);
	sort_rows(VIEW_SESSIONS, r, 0, &spec);	/* nothing to do */
	sort_rows(VIEW_COUNT, r, 2, &spec);	/* bad kind: left alone */
	assert_ptr_equal(r[0], &b);
}

static void test_agg_rows_tie_break_by_key(void **state)
{
	struct agg_row a[5];
	const void *r[5];
	struct sort_spec spec = { COL_SESSIONS, true };
	size_t i;

	memset(a, 0, sizeof(a));
	for (i = 0; i < 5; i++) {
		a[i].kind = AGG_PORT;
		a[i].port = (uint16_t)(1000 - i);	/* input order: descending ports */
		a[i].sessions = i == 2 ? UINT64_MAX : 5;
		r[i] = &a[i];
	}
	sort_rows(VIEW_PORTS, r, 5, &spec);
	assert_ptr_equal(r[0], &a[2]);
	/* the 5-session rows by port ascending (key), whatever the input order */
	assert_int_equal(((const struct agg_row *)r[1])->port, 996);
	assert_int_equal(((const struct agg_row *)r[2])->port, 997);
	assert_int_equal(((const struct agg_row *)r[3])->port, 999);
	assert_int_equal(((const struct agg_row *)r[4])->port, 1000);

	/* processes: pid, then comm */
	for (i = 0; i < 4; i++) {
		a[i].kind = AGG_PROC;
		a[i].pid = i < 2 ? 7 : 3;
		strcpy(a[i].comm, i % 2 ? "aa" : "zz");
		a[i].sessions = 1;
		r[i] = &a[i];
	}
	sort_rows(VIEW_PROCS, r, 4, &spec);
	assert_ptr_equal(r[0], &a[3]);	/* 3 aa */
	assert_ptr_equal(r[1], &a[2]);	/* 3 zz */
	assert_ptr_equal(r[2], &a[1]);	/* 7 aa */
	assert_ptr_equal(r[3], &a[0]);	/* 7 zz */
}

static void test_buf_is_reused(void **state)
{
	struct sort_buf buf = { 0 };
	struct sort_spec spec = { COL_TX_BYTES, true };
	void *first;

	fill_sessions(1);
	assert_int_equal(sort_rows_buf(VIEW_SESSIONS, rows, N_SESS, &spec, &buf), 0);
	check_sessions(&spec);
	first = buf.items;
	assert_true(buf.cap >= N_SESS);
	fill_sessions(2);
	assert_int_equal(sort_rows_buf(VIEW_SESSIONS, rows, N_SESS / 2, &spec, &buf), 0);
	assert_ptr_equal(buf.items, first);
	sort_buf_fini(&buf);
	assert_null(buf.items);
	sort_buf_fini(&buf);
}

/*
 * Nearly sorted by time (the common case: sessions in log order, a few
 * late): few late rows (moved into place one by one), and late rows that
 * are far too late (the one-by-one fix gives up and a full sort finishes).
 * Either way the order is exactly the checked one, ties in input order.
 */
static void test_nearly_sorted(void **state)
{
	struct sort_spec spec = { COL_TIME, false };
	unsigned int seed = 7;
	size_t i;

	for (int round = 0; round < 4; round++) {
		for (i = 0; i < N_SESS; i++) {
			sessions[i] = mk_session(1, "a", 1, 2, T0_NS + i / 3);	/* ties in threes */
			rows[i] = &sessions[i];
		}
		/* rounds 0-1: 10 rows a little late; 2-3: 15 rows so late that
		 * moving them one by one would move more than 4 n rows */
		for (int k = 0; k < (round < 2 ? 10 : 15); k++) {
			size_t at = round < 2 ? 20 + (size_t)(rand_r(&seed) % (N_SESS - 20))
					      : 300 + (size_t)(rand_r(&seed) % (N_SESS - 300));

			sessions[at].end_ns -= round < 2 ? 1 + rand_r(&seed) % 5 : 400 + rand_r(&seed) % 50;
		}
		sort_rows(VIEW_SESSIONS, rows, N_SESS, &spec);
		check_sessions(&spec);
		for (i = 0; i < N_SESS; i++)	/* a permutation: every row once */
			for (size_t j = i + 1; j < N_SESS; j++)
				assert_ptr_not_equal(rows[i], rows[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_session_column_both_directions),
		cmocka_unit_test(test_extremes_order),
		cmocka_unit_test(test_stable_in_both_directions),
		cmocka_unit_test(test_tie_break_by_end_time),
		cmocka_unit_test(test_default_and_unknown_column),
		cmocka_unit_test(test_agg_rows_tie_break_by_key),
		cmocka_unit_test(test_buf_is_reused),
		cmocka_unit_test(test_nearly_sorted),
	};

	return cmocka_run_group_tests_name("sort", tests, NULL, NULL);
}
