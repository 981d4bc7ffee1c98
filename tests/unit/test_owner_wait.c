// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/owner_wait.c (sessions and owners waiting for each other). */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/hash.h"
#include "core/owner_wait.h"

/* A session reset under an idle owner: named after "current" (the peer's
 * task), uncertain. `tag` tells sessions apart. */
static struct session reset_session(uint64_t tag)
{
	struct session s;

	memset(&s, 0, sizeof(s));
	s.pid = 999;
	strcpy(s.comm, "the-peer");
	s.flags = SESS_PID_UNCERTAIN;
	s.tx_bytes = tag;
	return s;
}

static void comm_of(char comm[SESSION_COMM_LEN], uint32_t pid)
{
	memset(comm, 0, SESSION_COMM_LEN);
	snprintf(comm, SESSION_COMM_LEN, "owner-%u", pid);
}

static void assert_named(const struct session *s, uint64_t tag, uint32_t pid)
{
	char comm[SESSION_COMM_LEN];

	comm_of(comm, pid);
	assert_int_equal(s->tx_bytes, tag);
	assert_int_equal(s->pid, pid);
	assert_string_equal(s->comm, comm);
	assert_false(s->flags & SESS_PID_UNCERTAIN);
}

static void test_held_then_owner(void **state)
{
	struct owner_wait *w = owner_wait_new(16, 16);
	struct session s = reset_session(1), out;
	char comm[SESSION_COMM_LEN];

	assert_non_null(w);
	assert_int_equal(owner_wait_hold(w, 0xabc, 100, 1000, &s), 0);
	assert_int_equal(owner_wait_held(w), 1);
	comm_of(comm, 42);
	/* Another socket's owner does not take it. */
	assert_false(owner_wait_owner(w, 0xdef, 200, 42, comm, &out));
	assert_true(owner_wait_owner(w, 0xabc, 200, 42, comm, &out));
	assert_named(&out, 1, 42);
	assert_int_equal(owner_wait_held(w), 0);
	assert_false(owner_wait_owner(w, 0xabc, 300, 42, comm, &out));
	owner_wait_free(w);
}

static void test_owner_first(void **state)
{
	struct owner_wait *w = owner_wait_new(16, 16);
	struct session s = reset_session(2);
	char comm[SESSION_COMM_LEN];

	comm_of(comm, 7);
	owner_wait_park(w, 0xabc, 200, 7, comm, 1000, 10);
	assert_int_equal(owner_wait_parked(w), 1);
	/* Its session arrives: named, and the owner is used up. */
	assert_true(owner_wait_unpark(w, 0xabc, 100, 20, &s));
	assert_named(&s, 2, 7);
	assert_int_equal(owner_wait_parked(w), 0);
	s = reset_session(3);
	assert_false(owner_wait_unpark(w, 0xabc, 100, 20, &s));
	assert_int_equal(s.pid, 999);
	owner_wait_free(w);
}

/* One socket's memory, reused: two sessions of the same identity, each
 * matched with its own owner by time, in either order of arrival. */
static void test_reused_socket(void **state)
{
	struct owner_wait *w = owner_wait_new(16, 16);
	struct session a = reset_session(10), b = reset_session(20), out;
	char comm[SESSION_COMM_LEN];

	/* Both sessions held, then both owners. */
	assert_int_equal(owner_wait_hold(w, 0x1, 10, 1000, &a), 0);
	assert_int_equal(owner_wait_hold(w, 0x1, 20, 1000, &b), 0);
	comm_of(comm, 15);
	assert_true(owner_wait_owner(w, 0x1, 15, 15, comm, &out));
	assert_named(&out, 10, 15);
	comm_of(comm, 25);
	assert_true(owner_wait_owner(w, 0x1, 25, 25, comm, &out));
	assert_named(&out, 20, 25);

	/* Both owners parked, then the sessions, the later one first: each
	 * takes the owner seen after it ended, not the earlier one. */
	comm_of(comm, 15);
	owner_wait_park(w, 0x1, 15, 15, comm, 1000, 0);
	comm_of(comm, 25);
	owner_wait_park(w, 0x1, 25, 25, comm, 1000, 0);
	b = reset_session(20);
	assert_true(owner_wait_unpark(w, 0x1, 20, 0, &b));
	assert_named(&b, 20, 25);
	a = reset_session(10);
	assert_true(owner_wait_unpark(w, 0x1, 10, 0, &a));
	assert_named(&a, 10, 15);

	/* A later session held: an owner seen before it ended is not its. */
	b = reset_session(20);
	assert_int_equal(owner_wait_hold(w, 0x1, 20, 1000, &b), 0);
	comm_of(comm, 15);
	assert_false(owner_wait_owner(w, 0x1, 15, 15, comm, &out));
	assert_int_equal(owner_wait_held(w), 1);
	owner_wait_free(w);
}

static void test_deadlines(void **state)
{
	struct owner_wait *w = owner_wait_new(16, 16);
	struct session s = reset_session(1), out;
	char comm[SESSION_COMM_LEN];

	assert_int_equal(owner_wait_hold(w, 0x1, 10, 100, &s), 0);
	s = reset_session(2);
	assert_int_equal(owner_wait_hold(w, 0x2, 20, 200, &s), 0);
	assert_false(owner_wait_expired(w, 99, false, &out));
	assert_true(owner_wait_expired(w, 100, false, &out));
	/* Delivered as it was: uncertain, the peer's name. */
	assert_int_equal(out.tx_bytes, 1);
	assert_true(out.flags & SESS_PID_UNCERTAIN);
	assert_int_equal(out.pid, 999);
	assert_false(owner_wait_expired(w, 150, false, &out));
	assert_true(owner_wait_expired(w, 150, true, &out));	/* all: at the end */
	assert_int_equal(out.tx_bytes, 2);
	assert_false(owner_wait_expired(w, 150, true, &out));
	assert_int_equal(owner_wait_held(w), 0);

	/* A parked owner past its deadline names nothing. */
	comm_of(comm, 5);
	owner_wait_park(w, 0x3, 50, 5, comm, 100, 0);
	s = reset_session(3);
	assert_false(owner_wait_unpark(w, 0x3, 40, 100, &s));
	assert_int_equal(s.pid, 999);
	owner_wait_free(w);
}

static void test_limits(void **state)
{
	struct owner_wait *w = owner_wait_new(2, 2);
	struct session s = reset_session(1);
	char comm[SESSION_COMM_LEN];

	assert_int_equal(owner_wait_hold(w, 1, 10, 100, &s), 0);
	assert_int_equal(owner_wait_hold(w, 2, 10, 100, &s), 0);
	assert_int_equal(owner_wait_hold(w, 3, 10, 100, &s), -ENOSPC);
	assert_int_equal(owner_wait_held(w), 2);
	/* Parked owners: the oldest gives way. */
	for (uint32_t i = 1; i <= 3; i++) {
		comm_of(comm, i);
		owner_wait_park(w, 100 + i, 50, i, comm, 1000, 0);
	}
	assert_int_equal(owner_wait_parked(w), 2);
	assert_false(owner_wait_unpark(w, 101, 40, 0, &s));
	assert_true(owner_wait_unpark(w, 103, 40, 0, &s));
	assert_int_equal(s.pid, 3);
	assert_true(owner_wait_unpark(w, 102, 40, 0, &s));
	assert_int_equal(s.pid, 2);
	owner_wait_free(w);

	/* No memory for the table: not held, and the caller delivers it. */
	w = owner_wait_new(16, 16);
	hash_fail_after(0);
	assert_int_equal(owner_wait_hold(w, 9, 10, 100, &s), -ENOMEM);
	hash_fail_after(-1);
	assert_int_equal(owner_wait_held(w), 0);
	assert_int_equal(owner_wait_hold(w, 9, 10, 100, &s), 0);
	owner_wait_free(w);
}

/*
 * A flood: 20,000 reset sessions on 64 socket identities (each reused over
 * and over), every session's owner seen 5 time units after it ended. The
 * sessions arrive in time order and so do the owners (as they do: per-CPU
 * lanes merged by time, one ring buffer), but the two streams are shuffled
 * against each other by up to 400 units either way. Every session must be
 * named with its own owner, and nothing left waiting.
 */
static void test_flood_interleaved(void **state)
{
	enum { N = 20000, IDS = 64, LAG = 400 };
	struct owner_wait *w = owner_wait_new(N, N);
	uint64_t *s_at = malloc(N * sizeof(*s_at)), *o_at = malloc(N * sizeof(*o_at));
	size_t si = 0, oi = 0, named = 0;
	char comm[SESSION_COMM_LEN];
	struct session s, out;

	assert_non_null(s_at);
	assert_non_null(o_at);
	srand(4);
	/* Arrival times: each stream in order, each record shifted at random
	 * but never before the previous one of its stream. */
	for (size_t i = 0; i < N; i++) {
		uint64_t t = 1000 + 10 * i;

		s_at[i] = t + (uint64_t)(rand() % LAG);
		o_at[i] = t + 5 + (uint64_t)(rand() % LAG);
		if (i && s_at[i] < s_at[i - 1])
			s_at[i] = s_at[i - 1];
		if (i && o_at[i] < o_at[i - 1])
			o_at[i] = o_at[i - 1];
	}
	while (si < N || oi < N) {
		bool session_next = oi == N || (si < N && s_at[si] <= o_at[oi]);

		if (session_next) {
			uint64_t end = 1000 + 10 * si;

			s = reset_session(si);
			if (owner_wait_unpark(w, si % IDS, end, 0, &s)) {
				assert_named(&s, si, (uint32_t)si + 1);
				named++;
			} else {
				assert_int_equal(owner_wait_hold(w, si % IDS, end, 1, &s), 0);
			}
			si++;
		} else {
			comm_of(comm, (uint32_t)oi + 1);
			if (owner_wait_owner(w, oi % IDS, 1000 + 10 * oi + 5, (uint32_t)oi + 1, comm,
					     &out)) {
				assert_named(&out, oi, (uint32_t)oi + 1);
				named++;
			} else {
				owner_wait_park(w, oi % IDS, 1000 + 10 * oi + 5, (uint32_t)oi + 1,
						comm, 1, 0);
			}
			oi++;
		}
	}
	assert_int_equal(named, N);
	assert_int_equal(owner_wait_held(w), 0);
	assert_int_equal(owner_wait_parked(w), 0);
	free(s_at);
	free(o_at);
	owner_wait_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_then_owner),
		cmocka_unit_test(test_owner_first),
		cmocka_unit_test(test_reused_socket),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_flood_interleaved),
	};

	return cmocka_run_group_tests_name("unit: owner_wait", tests, NULL, NULL);
}
