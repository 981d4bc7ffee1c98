// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/agg.c (aggregation tables over uthash). */
#include "tests/unit/helpers.h"

#include <math.h>

#include <errno.h>

#include "core/agg.h"
#include "core/hash.h"

static void test_new_free(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);

	assert_non_null(t);
	assert_int_equal(agg_table_kind(t), AGG_PROC);
	assert_int_equal(agg_table_len(t), 0);
	assert_null(agg_table_first(t));
	agg_table_free(t);
	agg_table_free(NULL);
	errno = 0;
	assert_null(agg_table_new((enum agg_kind)7));
	assert_int_equal(errno, EINVAL);
}

static void test_proc_totals(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);
	struct session s;
	const struct agg_row *r;

	s = mk_session(100, "curl", 40000, 443, T0_NS + 5000);
	s.tx_bytes = 10;
	s.rx_bytes = 1000;
	s.dur_us = 300;
	s.start_ns = T0_NS + 1000;
	assert_int_equal(agg_add(t, &s), 0);
	s.tx_bytes = 20;
	s.rx_bytes = 2000;
	s.dur_us = 700;
	s.start_ns = T0_NS;		/* earlier start */
	s.dir = DIR_IN;			/* one accepted, one connected */
	s.end_ns = T0_NS + 9000;	/* later end */
	s.cause = CAUSE_RST_RECV;
	addr_v4(&s.raddr, 1, 1, 1, 1);
	assert_int_equal(agg_add(t, &s), 0);
	/* same pid, other comm (after exec): another row */
	s = mk_session(100, "wget", 40001, 80, T0_NS + 1);
	s.cause = CAUSE_TIMEOUT;	/* a failure, not a reset */
	assert_int_equal(agg_add(t, &s), 0);
	/* same comm, other pid: another row */
	s = mk_session(101, "curl", 40002, 80, T0_NS + 2);
	assert_int_equal(agg_add(t, &s), 0);

	assert_int_equal(agg_table_len(t), 3);
	r = agg_find_proc(t, 100, "curl");
	assert_non_null(r);
	assert_int_equal(r->kind, AGG_PROC);
	assert_int_equal(r->pid, 100);
	assert_string_equal(r->comm, "curl");
	assert_true(r->sessions == 2);
	assert_true(r->tx_bytes == 30);
	assert_true(r->rx_bytes == 3000);
	assert_true(r->dur_sum_us == 1000);
	assert_true(r->dur_max_us == 700);
	assert_true(r->rsts == 1);
	assert_true(r->fails == 1);
	/* by end cause: the first was orderly (mk_session's), the second a reset */
	assert_true(r->by_cause[CAUSE_FIN] == 1);
	assert_true(r->by_cause[CAUSE_RST_RECV] == 1);
	assert_true(r->by_cause[CAUSE_TIMEOUT] == 0);
	assert_true(r->in == 1 && r->out == 1);
	assert_true(r->peers == 2);
	assert_false(r->peers_at_least);
	assert_true(r->first_ns == T0_NS);
	assert_true(r->last_ns == T0_NS + 9000);
	r = agg_find_proc(t, 100, "wget");
	assert_non_null(r);
	assert_true(r->rsts == 0);
	assert_true(r->fails == 1);
	assert_true(r->by_cause[CAUSE_TIMEOUT] == 1);
	assert_non_null(agg_find_proc(t, 101, "curl"));
	assert_null(agg_find_proc(t, 102, "curl"));
	assert_null(agg_find_port(t, 443));	/* wrong kind */
	agg_table_free(t);
}

/* Bytes after the comm's NUL must not split rows (keys are memset). */
static void test_key_ignores_bytes_after_nul(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);
	struct session a = mk_session(5, "sh", 1, 2, T0_NS);
	struct session b = a;

	memset(b.comm, 'X', sizeof(b.comm));
	memcpy(b.comm, "sh", 3);
	b.comm[SESSION_COMM_LEN - 1] = 'Y';	/* even unterminated garbage */
	assert_int_equal(agg_add(t, &a), 0);
	assert_int_equal(agg_add(t, &b), 0);
	assert_int_equal(agg_table_len(t), 1);
	assert_true(agg_table_first(t)->sessions == 2);
	agg_table_free(t);
}

static void test_port_is_service_port(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PORT);
	struct session s;
	const struct agg_row *r;

	s = mk_session(1, "curl", 50000, 443, T0_NS);
	s.dir = DIR_OUT;			/* -> 443 */
	agg_add(t, &s);
	s = mk_session(2, "nginx", 443, 50001, T0_NS);
	s.dir = DIR_IN;				/* -> 443 */
	agg_add(t, &s);
	s = mk_session(3, "x", 8080, 9090, T0_NS);
	s.dir = DIR_UNKNOWN;			/* -> lower: 8080 */
	agg_add(t, &s);
	assert_int_equal(agg_table_len(t), 2);
	r = agg_find_port(t, 443);
	assert_non_null(r);
	assert_int_equal(r->kind, AGG_PORT);
	assert_true(r->sessions == 2);
	assert_int_equal(r->pid, 0);
	assert_string_equal(r->comm, "");
	assert_non_null(agg_find_port(t, 8080));
	assert_null(agg_find_port(t, 9090));
	assert_null(agg_find_proc(t, 1, "curl"));
	agg_table_free(t);
}

/* A peer is its remote address: IPv4 and an IPv6 socket's IPv4-mapped
 * address of the same host are one row; its PORTS count the distinct
 * service ports; the key never reads comm bytes. */
static void test_peer_rows(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PEER);
	struct session s;
	struct in6_addr v6 = IN6ADDR_LOOPBACK_INIT;
	const struct agg_row *r;

	assert_non_null(t);
	assert_int_equal(agg_table_kind(t), AGG_PEER);
	s = mk_session(1, "curl", 50000, 443, T0_NS + 10);	/* to 10.0.0.2:443 */
	s.tx_bytes = 7;
	agg_add(t, &s);
	s = mk_session(2, "nginx", 80, 50001, T0_NS + 20);	/* from 10.0.0.2 to :80 */
	s.dir = DIR_IN;
	s.family = AF_INET6;		/* a dual-stack listener: mapped address */
	s.cause = CAUSE_RST_RECV;
	s.tx_bytes = 5;
	agg_add(t, &s);
	s = mk_session(3, "curl", 50002, 443, T0_NS + 30);	/* 10.0.0.2:443 again */
	s.tx_bytes = 1;
	agg_add(t, &s);
	s = mk_session(4, "ssh", 50003, 22, T0_NS + 40);
	s.family = AF_INET6;
	s.raddr = v6;
	agg_add(t, &s);
	assert_int_equal(agg_table_len(t), 2);
	addr_v4(&s.raddr, 10, 0, 0, 2);
	r = agg_find_peer(t, &s.raddr);
	assert_non_null(r);
	assert_int_equal(r->kind, AGG_PEER);
	assert_memory_equal(&r->raddr, &s.raddr, sizeof(r->raddr));
	assert_true(r->sessions == 3);
	assert_true(r->tx_bytes == 13);
	assert_true(r->in == 1 && r->out == 2);
	assert_true(r->rsts == 1);
	assert_true(r->peers == 2);		/* ports 443 and 80 */
	assert_false(r->peers_at_least);
	assert_string_equal(r->comm, "");	/* no process in a peer's key */
	assert_true(r->last_ns == T0_NS + 30);
	r = agg_find_peer(t, &v6);
	assert_non_null(r);
	assert_true(r->sessions == 1 && r->peers == 1);
	/* past the ports a peer keeps in its node: 20 distinct, each twice */
	for (int i = 0; i < 40; i++) {
		s = mk_session(5, "scan", (uint16_t)(1000 + i % 20), 60000, T0_NS + 50 + i);
		s.dir = DIR_IN;
		s.raddr = v6;
		agg_add(t, &s);
	}
	r = agg_find_peer(t, &v6);
	assert_true(r->sessions == 41);
	assert_true(r->peers == 21);		/* 22, and 1000-1019 */
	addr_v4(&s.raddr, 10, 0, 0, 3);
	assert_null(agg_find_peer(t, &s.raddr));
	assert_null(agg_find_port(t, 443));
	assert_null(agg_find_proc(t, 1, "curl"));
	agg_table_free(t);
}

static void test_peers_exact_then_capped(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PORT);
	struct session s = mk_session(1, "srv", 80, 1234, T0_NS);
	const struct agg_row *r;
	uint32_t i;

	s.dir = DIR_IN;
	for (i = 0; i < 3000; i++) {
		addr_v4(&s.raddr, 10, 1, (uint8_t)(i >> 8), (uint8_t)i);
		agg_add(t, &s);
		agg_add(t, &s);		/* repeats don't count */
	}
	r = agg_find_port(t, 80);
	assert_true(r->sessions == 6000);
	assert_true(r->peers == 3000);
	assert_false(r->peers_at_least);

	/* A table with a small cap: the count stops and says "at least". */
	agg_table_clear(t);
	agg_table_set_peer_cap(t, 100);
	for (i = 0; i < 250; i++) {
		addr_v4(&s.raddr, 10, 2, (uint8_t)(i >> 8), (uint8_t)i);
		agg_add(t, &s);
	}
	r = agg_find_port(t, 80);
	assert_true(r->sessions == 250);
	assert_true(r->peers == 100);
	assert_true(r->peers_at_least);
	agg_table_free(t);
}

/* The rows of t, in its order. */
static size_t rows_of(const struct agg_table *t, const struct agg_row **rows, size_t max)
{
	const struct agg_row *r;
	size_t n = 0;

	for (r = agg_table_first(t); r && n < max; r = agg_row_next(r))
		rows[n++] = r;
	return n;
}

/* RATE: sessions a second over the bucket-long window ending now, from two
 * buckets a row keeps; merged by pid with the buckets lined up. */
static void test_rate(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC), *m = agg_table_new(AGG_PID);
	const struct agg_row *rows[4], *r;
	const uint64_t B = AGG_RATE_BUCKET_NS, b0 = 400000000ull * B;	/* bucket starts */
	const double per_s = 1e9 / (double)B;	/* one session a bucket, a second */
	struct session s;
	size_t n, i;

	assert_non_null(t);
	assert_non_null(m);
	/* 4 sessions in bucket b0, 8 in b0 + 1 */
	for (i = 0; i < 4; i++) {
		s = mk_session(9, "a", 1, 2, b0 + i);
		assert_int_equal(agg_add(t, &s), 0);
	}
	for (i = 0; i < 8; i++) {
		s = mk_session(9, "a", 1, 2, b0 + B + 1000 + i);
		assert_int_equal(agg_add(t, &s), 0);
	}
	r = agg_find_proc(t, 9, "a");
	assert_non_null(r);
	assert_int_equal(r->rate_cur, 8);
	assert_int_equal(r->rate_prev, 4);
	/* at the start of b0 + 1: all of b0 is in the window */
	assert_true(fabs(agg_row_rate(r, b0 + B) - 12 * per_s) < 1e-9);
	/* a quarter into it: 8 + 4 x 0.75 */
	assert_true(fabs(agg_row_rate(r, b0 + B + B / 4) - 11 * per_s) < 1e-9);
	/* half into the next bucket: half of b0 + 1's 8 */
	assert_true(fabs(agg_row_rate(r, b0 + 2 * B + B / 2) - 4 * per_s) < 1e-9);
	/* past it: nothing in the window */
	assert_true(agg_row_rate(r, b0 + 3 * B) == 0.0);
	assert_true(agg_row_rate(r, b0) == 0.0);	/* a clock before the row's bucket */
	/* a session that closed a little late (the previous bucket) counts
	 * there; one older than that is past the window */
	s = mk_session(9, "a", 1, 2, b0 + 5);
	agg_add(t, &s);
	s = mk_session(9, "a", 1, 2, b0 - B);
	agg_add(t, &s);
	assert_int_equal(r->rate_prev, 5);
	assert_int_equal(r->rate_cur, 8);
	assert_int_equal(r->sessions, 14);	/* counted in the totals all the same */
	/* two buckets on: both shift out */
	s = mk_session(9, "a", 1, 2, b0 + 3 * B);
	agg_add(t, &s);
	assert_int_equal(r->rate_cur, 1);
	assert_int_equal(r->rate_prev, 0);
	/* one bucket on: the current one becomes the previous */
	s = mk_session(9, "a", 1, 2, b0 + 4 * B);
	agg_add(t, &s);
	assert_int_equal(r->rate_cur, 1);
	assert_int_equal(r->rate_prev, 1);

	/* merged by pid: a name a bucket behind adds to the previous bucket,
	 * a name further behind adds nothing */
	s = mk_session(9, "b", 1, 2, b0 + 3 * B + 7);	/* b: cur 2 in b0 + 3 */
	agg_add(t, &s);
	agg_add(t, &s);
	s = mk_session(9, "c", 1, 2, b0 + B);		/* c: far behind */
	agg_add(t, &s);
	n = 0;
	for (r = agg_table_first(t); r && n < 4; r = agg_row_next(r))
		rows[n++] = r;
	assert_int_equal(n, 3);
	assert_int_equal(agg_merge_pids(m, rows, n), 0);
	r = agg_table_first(m);
	assert_non_null(r);
	assert_int_equal(r->rate_bucket, (uint32_t)((b0 + 4 * B) >> AGG_RATE_SHIFT));
	assert_int_equal(r->rate_cur, 1);
	assert_int_equal(r->rate_prev, 1 + 2);
	/* the other order gives the same */
	rows[0] = agg_find_proc(t, 9, "c");
	rows[1] = agg_find_proc(t, 9, "b");
	rows[2] = agg_find_proc(t, 9, "a");
	assert_int_equal(agg_merge_pids(m, rows, n), 0);
	r = agg_table_first(m);
	assert_int_equal(r->rate_cur, 1);
	assert_int_equal(r->rate_prev, 3);
	agg_table_free(t);
	agg_table_free(m);
}

/*
 * Network namespaces: a row counts its sessions' distinct namespaces (one
 * port in two pods), keeps the first, and a merge by pid adds them up as a
 * union; the count stops at AGG_NETNS_MAX and says it is a lower bound.
 */
static void test_netns(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PORT), *p = agg_table_new(AGG_PROC);
	struct agg_table *m = agg_table_new(AGG_PID);
	const struct agg_row *rows[4], *r;
	struct session s;
	uint32_t i;

	assert_non_null(t);
	assert_non_null(p);
	assert_non_null(m);
	s = mk_session(10, "srv", 8080, 40000, T0_NS);
	s.dir = DIR_IN;
	s.netns = 4026531840u;
	agg_add(t, &s);
	agg_add(t, &s);
	r = agg_find_port(t, 8080);
	assert_non_null(r);
	assert_int_equal(r->netns, 4026531840u);
	assert_int_equal(r->netns_count, 1);
	s.netns = 4026532301u;		/* the same port in another namespace */
	agg_add(t, &s);
	agg_add(t, &s);
	assert_int_equal(r->netns, 4026531840u);	/* the first one's */
	assert_int_equal(r->netns_count, 2);
	s.netns = 0;			/* not known (a file without the column): one more */
	agg_add(t, &s);
	s.netns = 4026531840u;
	agg_add(t, &s);
	assert_int_equal(r->netns_count, 3);
	assert_false(r->netns_at_least);
	assert_int_equal(r->sessions, 6);
	/* another port: its own */
	s.lport = 9090;
	agg_add(t, &s);
	assert_int_equal(agg_find_port(t, 9090)->netns_count, 1);

	/* by pid: a pid's two names in one namespace stay one; a third name
	 * in another makes two, in either order of the rows */
	s = mk_session(77, "a", 1, 2, T0_NS);
	s.netns = 5;
	agg_add(p, &s);
	s = mk_session(77, "b", 1, 2, T0_NS);
	s.netns = 5;
	agg_add(p, &s);
	rows[0] = agg_find_proc(p, 77, "a");
	rows[1] = agg_find_proc(p, 77, "b");
	assert_int_equal(agg_merge_pids(m, rows, 2), 0);
	r = agg_table_first(m);
	assert_int_equal(r->netns, 5);
	assert_int_equal(r->netns_count, 1);
	s = mk_session(77, "c", 1, 2, T0_NS);
	s.netns = 6;
	agg_add(p, &s);
	s.netns = 7;
	agg_add(p, &s);
	rows[2] = agg_find_proc(p, 77, "c");
	assert_int_equal(rows[2]->netns_count, 2);
	assert_int_equal(agg_merge_pids(m, rows, 3), 0);
	r = agg_table_first(m);
	assert_int_equal(r->netns_count, 3);	/* 5, 6, 7 */
	rows[0] = agg_find_proc(p, 77, "c");
	rows[2] = agg_find_proc(p, 77, "a");
	assert_int_equal(agg_merge_pids(m, rows, 3), 0);
	r = agg_table_first(m);
	assert_int_equal(r->netns, 6);		/* the first row's first */
	assert_int_equal(r->netns_count, 3);

	/* past the cap: a lower bound */
	s = mk_session(10, "srv", 7000, 40000, T0_NS);
	s.dir = DIR_IN;
	for (i = 1; i <= AGG_NETNS_MAX + 10; i++) {
		s.netns = i;
		agg_add(t, &s);
	}
	r = agg_find_port(t, 7000);
	assert_int_equal(r->netns_count, AGG_NETNS_MAX);
	assert_true(r->netns_at_least);
	assert_int_equal(r->sessions, AGG_NETNS_MAX + 10);
	agg_table_free(t);
	agg_table_free(p);
	agg_table_free(m);
}

/* A table by namespace (N): one port or peer in two namespaces is two
 * rows, each of one namespace, told apart by agg_row_key_cmp(); a process
 * table ignores it; turning it on or off empties the table. */
static void test_by_netns(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PORT), *p = agg_table_new(AGG_PEER);
	struct agg_table *procs = agg_table_new(AGG_PROC);
	const struct agg_row *r, *rows[4];
	struct session s;
	size_t n = 0;

	assert_non_null(t);
	assert_non_null(p);
	assert_non_null(procs);
	s = mk_session(10, "srv", 8080, 40000, T0_NS);
	s.dir = DIR_IN;
	s.netns = 7;
	agg_add(t, &s);			/* added up: one row */
	agg_table_by_netns(t, true);
	assert_int_equal(agg_table_len(t), 0);	/* emptied */
	agg_table_by_netns(p, true);
	agg_table_by_netns(procs, true);	/* no effect */
	agg_add(t, &s);
	agg_add(p, &s);
	agg_add(procs, &s);
	agg_add(t, &s);
	s.netns = 9;
	agg_add(t, &s);
	agg_add(p, &s);
	agg_add(procs, &s);
	assert_int_equal(agg_table_len(t), 2);
	assert_int_equal(agg_table_len(p), 2);
	assert_int_equal(agg_table_len(procs), 1);
	assert_int_equal(agg_table_first(procs)->netns_count, 2);
	for (r = agg_table_first(t); r && n < 4; r = agg_row_next(r))
		rows[n++] = r;
	assert_int_equal(n, 2);
	assert_true(rows[0]->by_netns);
	assert_int_equal(rows[0]->port, 8080);
	assert_int_equal(rows[0]->pid, 0);
	assert_int_equal(rows[0]->netns, 7);
	assert_int_equal(rows[0]->sessions, 2);
	assert_int_equal(rows[0]->netns_count, 1);
	assert_int_equal(rows[1]->netns, 9);
	assert_int_equal(rows[1]->sessions, 1);
	assert_true(agg_row_key_cmp(rows[0], rows[1]) < 0);
	assert_true(agg_row_key_cmp(rows[1], rows[0]) > 0);
	assert_int_equal(agg_row_key_cmp(rows[0], rows[0]), 0);
	r = agg_table_first(p);
	assert_true(r->by_netns);
	assert_true(agg_row_key_cmp(r, agg_row_next(r)) < 0);
	agg_table_by_netns(t, false);
	assert_int_equal(agg_table_len(t), 0);
	agg_add(t, &s);
	s.netns = 7;
	agg_add(t, &s);
	assert_int_equal(agg_table_len(t), 1);
	assert_false(agg_table_first(t)->by_netns);
	assert_int_equal(agg_table_first(t)->netns_count, 2);
	agg_table_free(t);
	agg_table_free(p);
	agg_table_free(procs);
}

/* One row per pid: a JVM's sessions under three thread names, and another
 * process, merged from the pid + comm rows. */
static void test_merge_pids(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC), *m = agg_table_new(AGG_PID);
	const struct agg_row *rows[16], *r;
	struct session s;
	size_t n, i;

	assert_non_null(m);
	assert_int_equal(agg_table_kind(m), AGG_PID);
	/* java: 1 session, 10.0.0.1, 1 ms, the earliest start */
	s = mk_session(4242, "java", 8080, 40001, T0_NS + 1000000);
	s.dur_us = 1000;
	s.start_ns = T0_NS;
	s.dir = DIR_IN;
	addr_v4(&s.raddr, 10, 0, 0, 1);
	agg_add(t, &s);
	/* http-nio: 3 sessions, 10.0.0.2-4, 2 ms, 200/2000 bytes */
	for (i = 0; i < 3; i++) {
		s = mk_session(4242, "http-nio-8080", 8080, 40002 + i, T0_NS + 2000000 + i);
		s.dur_us = 2000;
		s.tx_bytes = 200;
		s.rx_bytes = 2000;
		s.dir = DIR_IN;
		addr_v4(&s.raddr, 10, 0, 0, (uint8_t)(2 + i));
		agg_add(t, &s);
	}
	/* another process in between */
	s = mk_session(777, "dockerd", 2375, 50000, T0_NS + 2500000);
	agg_add(t, &s);
	/* GC thread: 2 resets from 10.0.0.1 (a peer java's row has too), 5 ms,
	 * the last seen */
	for (i = 0; i < 2; i++) {
		s = mk_session(4242, "GC Thread#0", 8080, 40010 + i, T0_NS + 9000000 + i);
		s.dur_us = 5000;
		s.tx_bytes = 300;
		s.rx_bytes = 3000;
		s.cause = CAUSE_RST_RECV;
		addr_v4(&s.raddr, 10, 0, 0, 1);
		agg_add(t, &s);
	}
	n = rows_of(t, rows, ARRAY_LEN(rows));
	assert_int_equal(n, 4);
	assert_int_equal(agg_merge_pids(m, rows, n), 0);
	assert_int_equal(agg_table_len(m), 2);

	r = agg_table_first(m);		/* in the order of the rows given */
	assert_int_equal(r->kind, AGG_PID);
	assert_int_equal(r->pid, 4242);
	assert_string_equal(r->comm, "http-nio-8080");	/* the most sessions */
	assert_int_equal(r->names, 3);
	assert_true(r->sessions == 6);
	assert_true(r->tx_bytes == 100 + 600 + 600);
	assert_true(r->rx_bytes == 200 + 6000 + 6000);
	assert_true(r->dur_sum_us == 1000 + 6000 + 10000);
	assert_true(r->dur_max_us == 5000);
	assert_true(r->rsts == 2 && r->fails == 2);
	assert_true(r->by_cause[CAUSE_RST_RECV] == 2);
	assert_true(r->by_cause[CAUSE_FIN] == 4);
	assert_true(r->in == 4 && r->out == 2);
	assert_true(r->peers == 4);		/* 10.0.0.1 counted once */
	assert_false(r->peers_at_least);
	assert_true(r->first_ns == T0_NS);
	assert_true(r->last_ns == T0_NS + 9000001);
	r = agg_row_next(r);
	assert_int_equal(r->pid, 777);
	assert_string_equal(r->comm, "dockerd");
	assert_int_equal(r->names, 1);
	assert_true(r->sessions == 1 && r->peers == 1);
	assert_null(agg_row_next(r));

	/* Merging again starts afresh; a subset gives the subset's sums. */
	assert_int_equal(agg_merge_pids(m, rows + 1, 1), 0);
	assert_int_equal(agg_table_len(m), 1);
	r = agg_table_first(m);
	assert_true(r->sessions == 3 && r->peers == 3 && r->names == 1);
	assert_string_equal(r->comm, "http-nio-8080");
	assert_int_equal(agg_merge_pids(m, rows, 0), 0);
	assert_int_equal(agg_table_len(m), 0);
	agg_table_free(m);
	agg_table_free(t);
}

/* The name of a tie is the first row's; a later name with more sessions
 * takes over; a capped peer count stays "at least". */
static void test_merge_pids_names_and_caps(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC), *m = agg_table_new(AGG_PID);
	const struct agg_row *rows[8], *r;
	struct session s;
	size_t n;
	uint32_t i;

	agg_table_set_peer_cap(t, 10);
	s = mk_session(5, "worker-b", 1, 2, T0_NS);
	agg_add(t, &s);
	s = mk_session(5, "worker-a", 1, 2, T0_NS + 1);
	agg_add(t, &s);
	n = rows_of(t, rows, ARRAY_LEN(rows));
	assert_int_equal(agg_merge_pids(m, rows, n), 0);
	assert_string_equal(agg_table_first(m)->comm, "worker-b");

	for (i = 0; i < 20; i++) {	/* worker-a: 21 sessions, 20 peers seen, 10 kept */
		s = mk_session(5, "worker-a", 1, 2, T0_NS + 2 + i);
		addr_v4(&s.raddr, 10, 9, 0, (uint8_t)i);
		agg_add(t, &s);
	}
	n = rows_of(t, rows, ARRAY_LEN(rows));
	assert_int_equal(agg_merge_pids(m, rows, n), 0);
	r = agg_table_first(m);
	assert_string_equal(r->comm, "worker-a");
	assert_int_equal(r->names, 2);
	assert_true(r->sessions == 22);
	assert_true(r->peers_at_least);
	assert_true(r->peers >= 10);

	/* What it refuses: a table of another kind; rows of another kind; and
	 * agg_add() on a pid table, which only merging fills. */
	assert_int_equal(agg_merge_pids(t, rows, n), -EINVAL);
	s = mk_session(5, "x", 1, 2, T0_NS);
	assert_int_equal(agg_add(m, &s), -EINVAL);
	{
		struct agg_table *p = agg_table_new(AGG_PORT);
		const struct agg_row *pr[1];

		agg_add(p, &s);
		pr[0] = agg_table_first(p);
		assert_int_equal(agg_merge_pids(m, pr, 1), -EINVAL);
		assert_int_equal(agg_table_len(m), 0);
		agg_table_free(p);
	}
	agg_table_free(m);
	agg_table_free(t);
}

static void test_default_peer_cap_is_65536_for_ports(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PORT);
	struct session s = mk_session(1, "srv", 443, 1234, T0_NS);
	const struct agg_row *r;
	uint32_t i;

	s.dir = DIR_IN;
	for (i = 0; i < AGG_PORT_PEERS_MAX + 10; i++) {
		addr_v4(&s.raddr, 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
		agg_add(t, &s);
	}
	r = agg_find_port(t, 443);
	assert_true(r->peers == AGG_PORT_PEERS_MAX);
	assert_true(r->peers_at_least);
	assert_true(r->sessions == AGG_PORT_PEERS_MAX + 10);
	agg_table_free(t);
}

static void test_iteration_in_first_seen_order(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);
	const struct agg_row *r;
	struct session s;
	uint32_t pids[] = { 30, 10, 20, 10, 30, 40 };
	uint32_t expect[] = { 30, 10, 20, 40 };
	uint64_t total = 0;
	size_t i = 0;

	for (i = 0; i < ARRAY_LEN(pids); i++) {
		s = mk_session(pids[i], "p", 1, 2, T0_NS);
		agg_add(t, &s);
	}
	i = 0;
	for (r = agg_table_first(t); r; r = agg_row_next(r)) {
		assert_true(i < ARRAY_LEN(expect));
		assert_int_equal(r->pid, expect[i]);
		total += r->sessions;
		i++;
	}
	assert_int_equal(i, 4);
	assert_true(total == ARRAY_LEN(pids));
	agg_table_clear(t);
	assert_int_equal(agg_table_len(t), 0);
	assert_null(agg_table_first(t));
	s = mk_session(1, "again", 1, 2, T0_NS);
	assert_int_equal(agg_add(t, &s), 0);
	assert_int_equal(agg_table_len(t), 1);
	agg_table_free(t);
}

static void test_many_keys_totals(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);
	const struct agg_row *r;
	uint64_t sessions = 0, tx = 0;
	uint32_t i;

	for (i = 0; i < 50000; i++) {
		struct session s = mk_session(i % 5000, i % 2 ? "odd" : "even", 1, 2, T0_NS + i);

		s.tx_bytes = i;
		assert_int_equal(agg_add(t, &s), 0);
	}
	/* pid i%5000 with parity of i: pids 0..4999, each with one comm (5000 even) */
	assert_int_equal(agg_table_len(t), 5000);
	for (r = agg_table_first(t); r; r = agg_row_next(r)) {
		sessions += r->sessions;
		tx += r->tx_bytes;
		assert_true(r->sessions == 10);
	}
	assert_true(sessions == 50000);
	assert_true(tx == 50000ULL * 49999 / 2);
	agg_table_free(t);
}

/* The i-th of a test's peers: IPv4 10.x.y.z and IPv6 2001:db8::i in turn. */
static void peer_addr(struct in6_addr *a, uint32_t i)
{
	if (i % 2) {
		addr_v4(a, 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
	} else {
		memset(a, 0, sizeof(*a));
		a->s6_addr32[0] = htonl(0x20010db8);
		a->s6_addr32[3] = htonl(i);
	}
}

/*
 * Whatever the seed (core/hash.h: random in each process), every key is
 * found again: peers over IPv4 and IPv6 and processes, each looked up by
 * agg_find_*() and counted exactly; the seed put back for the other tests.
 */
static void test_seeded_hash_finds_every_key(void **state)
{
	const uint64_t seeds[] = { 0, 1, 0x8000000000000000ull, 0x243f6a8885a308d3ull, 0 };
	uint64_t saved = hash_seed;

	(void)state;
	hash_seed_random();
	for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		struct agg_table *peers = agg_table_new(AGG_PEER), *procs = agg_table_new(AGG_PROC);

		if (k < 4)	/* the last round: the random one */
			hash_seed = seeds[k];
		else
			hash_seed_random();
		for (uint32_t i = 0; i < 6000; i++) {
			struct session s = mk_session(100 + i % 3000, "p", 1000, 80, T0_NS + i);

			peer_addr(&s.raddr, i);
			assert_int_equal(agg_add(peers, &s), 0);
			assert_int_equal(agg_add(procs, &s), 0);
		}
		assert_int_equal(agg_table_len(peers), 6000);
		assert_int_equal(agg_table_len(procs), 3000);
		for (uint32_t i = 0; i < 6000; i++) {
			struct in6_addr a;
			const struct agg_row *r;

			peer_addr(&a, i);
			r = agg_find_peer(peers, &a);
			assert_non_null(r);
			assert_int_equal(r->sessions, 1);
			if (i < 3000) {
				r = agg_find_proc(procs, 100 + i, "p");
				assert_non_null(r);
				assert_int_equal(r->sessions, 2);
				/* its two sessions' distinct peers, through addr_set */
				assert_int_equal(r->peers, 2);
			}
		}
		agg_table_free(peers);
		agg_table_free(procs);
	}
	hash_seed = saved;
}

static void test_sums_saturate(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);
	struct session s = mk_session(1, "big", 1, 2, T0_NS);

	s.tx_bytes = UINT64_MAX - 1;
	s.dur_us = UINT64_MAX;
	agg_add(t, &s);
	agg_add(t, &s);
	assert_true(agg_table_first(t)->tx_bytes == UINT64_MAX);
	assert_true(agg_table_first(t)->dur_sum_us == UINT64_MAX);
	assert_true(agg_table_first(t)->dur_max_us == UINT64_MAX);
	agg_table_free(t);
}

/* Every allocation point failing in turn: -ENOMEM, no crash, table consistent. */
static void test_enomem_handled(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);
	const struct agg_row *r;
	long fail_at;
	uint32_t added = 0, failed = 0, i;
	uint64_t sum = 0;

	for (fail_at = 0; fail_at < 40; fail_at++) {
		for (i = 0; i < 50; i++) {
			struct session s = mk_session(1000 * (uint32_t)fail_at + i, "p", 1, 2, T0_NS);
			int err;

			hash_fail_after(i == 0 ? fail_at : -1);
			err = agg_add(t, &s);
			hash_fail_after(-1);
			if (err == 0) {
				added++;
			} else {
				assert_int_equal(err, -ENOMEM);
				failed++;
			}
		}
	}
	assert_true(failed > 0);
	assert_int_equal(agg_table_len(t), added);
	assert_true(agg_table_dropped(t) == failed);
	for (r = agg_table_first(t); r; r = agg_row_next(r)) {
		assert_non_null(agg_find_proc(t, r->pid, r->comm));
		sum += r->sessions;
	}
	assert_true(sum == added);
	agg_table_free(t);

	/* A table that cannot even be created. */
	hash_fail_after(0);
	errno = 0;
	assert_null(agg_table_new(AGG_PORT));
	assert_int_equal(errno, ENOMEM);
	hash_fail_after(-1);
}

/* uthash's own allocations (table, bucket expansion) failing: row not added, table intact. */
static void test_enomem_inside_uthash(void **state)
{
	struct agg_table *t;
	struct session s;
	uint32_t i, j, add_failures = 0;
	long k;

	/* The first insert creates the table: fail each of its allocations. */
	for (k = 0; k < 4; k++) {
		t = agg_table_new(AGG_PORT);
		s = mk_session(1, "p", 1, 80, T0_NS);
		hash_fail_after(k);
		if (agg_add(t, &s) < 0) {
			hash_fail_after(-1);
			assert_int_equal(agg_table_len(t), 0);
			assert_null(agg_table_first(t));
		}
		hash_fail_after(-1);
		assert_int_equal(agg_add(t, &s), 0);
		assert_int_equal(agg_table_len(t), 1);
		agg_table_free(t);
	}

	/* Later inserts: the allocation after the row's fails (bucket expansion or peers). */
	t = agg_table_new(AGG_PROC);
	for (i = 0; i < 5000; i++) {
		s = mk_session(i, "p", 1, 80, T0_NS);
		hash_fail_after(1);
		if (agg_add(t, &s) < 0) {
			add_failures++;
			hash_fail_after(-1);
			assert_null(agg_find_proc(t, i, "p"));
			assert_int_equal(agg_add(t, &s), 0);
		}
		hash_fail_after(-1);
		assert_int_equal(agg_table_len(t), i + 1);
	}
	assert_true(add_failures > 0);	/* some inserts needed to expand the buckets */
	for (j = 0; j < 5000; j++)
		assert_true(agg_find_proc(t, j, "p")->sessions == 1);
	agg_table_free(t);
}

static void test_key_cmp(void **state)
{
	struct agg_row a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.kind = b.kind = AGG_PORT;
	a.port = 80;
	b.port = 65535;
	assert_int_equal(agg_row_key_cmp(&a, &b), -1);
	assert_int_equal(agg_row_key_cmp(&b, &a), 1);
	assert_int_equal(agg_row_key_cmp(&a, &a), 0);
	a.kind = b.kind = AGG_PROC;
	a.pid = b.pid = 7;
	strcpy(a.comm, "a");
	strcpy(b.comm, "\xff");
	assert_int_equal(agg_row_key_cmp(&a, &b), -1);
	a.pid = UINT32_MAX;
	assert_int_equal(agg_row_key_cmp(&a, &b), 1);
	a.kind = b.kind = AGG_PEER;
	addr_v4(&a.raddr, 10, 0, 0, 9);
	addr_v4(&b.raddr, 10, 0, 1, 0);
	assert_int_equal(agg_row_key_cmp(&a, &b), -1);
	assert_int_equal(agg_row_key_cmp(&b, &a), 1);
	b.raddr = a.raddr;
	assert_int_equal(agg_row_key_cmp(&a, &b), 0);
}


/* Past max_rows the rows seen longest ago go, the newest stay, totals of
 * the survivors are intact. */
static void test_max_rows_evicts_least_recent(void **state)
{
	struct agg_table *t = agg_table_new(AGG_PROC);
	struct session s;
	uint32_t pid;

	assert_non_null(t);
	agg_table_set_max_rows(t, 100);
	for (pid = 1; pid <= 1000; pid++) {
		s = mk_session(pid, "job", 40000, 443, T0_NS + pid * 1000);
		assert_int_equal(agg_add(t, &s), 0);
		if (pid % 7 == 0) {	/* pid 7 keeps being seen */
			s = mk_session(7, "job", 40000, 443, T0_NS + pid * 1000 + 1);
			assert_int_equal(agg_add(t, &s), 0);
		}
		assert_true(agg_table_len(t) <= 100);
	}
	assert_true(agg_table_evicted(t) >= 900);
	assert_int_equal(agg_table_len(t) + agg_table_evicted(t), 1000);
	assert_non_null(agg_find_proc(t, 1000, "job"));	/* the newest */
	assert_non_null(agg_find_proc(t, 7, "job"));		/* recently seen */
	assert_int_equal(agg_find_proc(t, 7, "job")->sessions, 1 + 1000 / 7);
	assert_null(agg_find_proc(t, 1, "job"));		/* the oldest */
	agg_table_free(t);
}

/* Sessions from a few processes in turn (a client and its server; more
 * than the rows the table looks at before hashing), with rows evicted in
 * between: every session lands in its own process's row, and a row
 * forgotten by eviction is never counted into again (the sanitizer build
 * would see a freed row used). */
static void test_processes_in_turn(void **state)
{
	static const uint32_t order[] = { 1, 2, 1, 2, 3, 4, 5, 6, 1, 6, 2, 5, 3, 4, 1, 1, 2 };
	struct agg_table *t = agg_table_new(AGG_PROC), *small = agg_table_new(AGG_PROC);
	uint64_t want[7] = { 0 }, small_total = 0;
	const struct agg_row *r;
	size_t i, round;

	assert_non_null(t);
	assert_non_null(small);
	agg_table_set_max_rows(small, 3);
	for (round = 0; round < 50; round++) {
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			struct session s = mk_session(order[i], order[i] % 2 ? "cli" : "srv", 1, 2,
						      T0_NS + round * 100 + i);

			assert_int_equal(agg_add(t, &s), 0);
			assert_int_equal(agg_add(small, &s), 0);
			want[order[i]]++;
		}
	}
	assert_int_equal(agg_table_len(t), 6);
	for (i = 1; i <= 6; i++) {
		r = agg_find_proc(t, (uint32_t)i, i % 2 ? "cli" : "srv");
		assert_non_null(r);
		assert_true(r->sessions == want[i]);
	}
	assert_true(agg_table_evicted(small) > 0);
	assert_true(agg_table_len(small) <= 4);
	for (r = agg_table_first(small); r; r = agg_row_next(r)) {
		assert_true(r->sessions >= 1 && r->sessions <= want[r->pid]);
		small_total += r->sessions;
	}
	assert_true(small_total < 50 * sizeof(order) / sizeof(order[0]));
	agg_table_free(t);
	agg_table_free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_free),
		cmocka_unit_test(test_proc_totals),
		cmocka_unit_test(test_key_ignores_bytes_after_nul),
		cmocka_unit_test(test_port_is_service_port),
		cmocka_unit_test(test_peer_rows),
		cmocka_unit_test(test_peers_exact_then_capped),
		cmocka_unit_test(test_default_peer_cap_is_65536_for_ports),
		cmocka_unit_test(test_iteration_in_first_seen_order),
		cmocka_unit_test(test_many_keys_totals),
		cmocka_unit_test(test_processes_in_turn),
		cmocka_unit_test(test_seeded_hash_finds_every_key),
		cmocka_unit_test(test_sums_saturate),
		cmocka_unit_test(test_enomem_handled),
		cmocka_unit_test(test_enomem_inside_uthash),
		cmocka_unit_test(test_key_cmp),
		cmocka_unit_test(test_max_rows_evicts_least_recent),
		cmocka_unit_test(test_merge_pids),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_netns),
		cmocka_unit_test(test_by_netns),
		cmocka_unit_test(test_merge_pids_names_and_caps),
	};

	return cmocka_run_group_tests_name("agg", tests, NULL, NULL);
}
