// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/tally.c (who a set of sessions was with). */
#include "tests/unit/helpers.h"

#include "core/tally.h"

static struct tally t;

/* By service port (the listener's for an accepted session, the remote one
 * for an outgoing one), most first, ties in first-seen order. */
static void test_ports(void **state)
{
	struct session s[6];
	const struct session *p[6];

	s[0] = mk_session(1, "cli", 40000, 22, T0_NS);		/* out: 22 */
	s[1] = mk_session(2, "srv", 5432, 40001, T0_NS);
	s[1].dir = DIR_IN;					/* in: 5432 */
	s[2] = mk_session(1, "cli", 40002, 5432, T0_NS);	/* out: 5432 */
	s[3] = mk_session(1, "cli", 40003, 443, T0_NS);		/* 443 */
	s[4] = mk_session(1, "cli", 40004, 22, T0_NS);		/* 22 */
	s[5] = mk_session(1, "cli", 40005, 80, T0_NS);		/* 80 */
	for (int i = 0; i < 6; i++)
		p[i] = &s[i];
	tally_sessions(&t, TALLY_PORT, p, 6);
	assert_int_equal(t.kind, TALLY_PORT);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.others, 0);
	assert_int_equal(t.e[0].port, 22);	/* 2, seen first */
	assert_true(t.e[0].count == 2);
	assert_int_equal(t.e[1].port, 5432);	/* 2 */
	assert_true(t.e[1].count == 2);
	assert_int_equal(t.e[2].port, 443);	/* 1, seen before 80 */
	assert_int_equal(t.e[3].port, 80);
	tally_sessions(&t, TALLY_PORT, p, 0);	/* emptied first */
	assert_int_equal(t.n, 0);
}

/* By process: pid and name (an exec'd name is another process; bytes
 * after the name's NUL do not count); by peer: the remote address. */
static void test_procs_and_peers(void **state)
{
	struct session s[4];
	const struct session *p[4];

	s[0] = mk_session(7, "curl", 1, 2, T0_NS);
	s[1] = mk_session(7, "wget", 1, 2, T0_NS);
	s[2] = mk_session(8, "curl", 1, 2, T0_NS);
	s[3] = mk_session(7, "curl", 1, 2, T0_NS);
	s[3].comm[6] = 'G';			/* garbage past the NUL */
	addr_v4(&s[1].raddr, 10, 0, 0, 9);
	for (int i = 0; i < 4; i++)
		p[i] = &s[i];
	tally_sessions(&t, TALLY_PROC, p, 4);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.e[0].pid, 7);
	assert_string_equal(t.e[0].comm, "curl");
	assert_true(t.e[0].count == 2);
	assert_string_equal(t.e[1].comm, "wget");
	assert_int_equal(t.e[2].pid, 8);
	tally_sessions(&t, TALLY_PEER, p, 4);
	assert_int_equal(t.n, 2);
	assert_memory_equal(&t.e[0].addr, &s[0].raddr, sizeof(s[0].raddr));
	assert_true(t.e[0].count == 3);
	assert_memory_equal(&t.e[1].addr, &s[1].raddr, sizeof(s[1].raddr));
	assert_true(t.e[1].count == 1);
	/* by network namespace: 4026532301 three times, 0 (not known) once */
	for (int i = 0; i < 4; i++)
		s[i].netns = i == 2 ? 0 : 4026532301u;
	tally_sessions(&t, TALLY_NETNS, p, 4);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.e[0].netns, 4026532301u);
	assert_true(t.e[0].count == 3);
	assert_int_equal(t.e[1].netns, 0);
	assert_true(t.e[1].count == 1);
}

/* Past TALLY_MAX distinct keys the rest count as others; the counted ones
 * stay exact. */
static void test_overflow(void **state)
{
	static struct session s[TALLY_MAX + 10];
	static const struct session *p[TALLY_MAX + 10];
	size_t n = TALLY_MAX + 10;

	for (size_t i = 0; i < n; i++) {
		s[i] = mk_session(1, "x", (uint16_t)(1000 + i), 1, T0_NS);
		s[i].dir = DIR_IN;
		p[i] = &s[i];
	}
	s[n - 1].lport = 1000;		/* one more of the first key */
	tally_sessions(&t, TALLY_PORT, p, n);
	assert_int_equal(t.n, TALLY_MAX);
	assert_true(t.others == 9);
	assert_int_equal(t.e[0].port, 1000);
	assert_true(t.e[0].count == 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_procs_and_peers),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests_name("tally", tests, NULL, NULL);
}
