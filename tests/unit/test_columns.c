// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/columns.c (the shared column table). */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <stdlib.h>

#include "core/agg.h"
#include "core/columns.h"

static void expect_names(enum view_kind kind, const char *expect)
{
	char buf[512] = "";
	size_t i, n;
	const struct column *cols = columns_for(kind, &n);

	assert_non_null(cols);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, cols[i].name);
	}
	assert_string_equal(buf, expect);
}

static void test_column_orders(void **state)
{
	expect_names(VIEW_SESSIONS,
		     "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms,"
		     "start_time,srtt_us,retransmits,handshake_us,direction,closed_by,end_cause,"
		     "pid_certain,partial,netns");
	expect_names(VIEW_PROCS,
		     "pid,comm,sessions,rate_per_s,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,fails,peers,"
		     "last_seen,netns,netns_count");
	expect_names(VIEW_PORTS,
		     "port,sessions,rate_per_s,peers,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,fails,"
		     "last_seen,netns,netns_count");
	expect_names(VIEW_PEERS,
		     "raddr,family,sessions,rate_per_s,ports,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,"
		     "fails,last_seen,netns,netns_count");
}

static void test_table_is_complete(void **state)
{
	enum view_kind k;
	size_t n, i, j;

	for (k = 0; k < VIEW_COUNT; k++) {
		const struct column *cols = columns_for(k, &n);
		int narrow_width = 0;

		assert_true(n > 0);
		for (i = 0; i < n; i++) {
			assert_non_null(cols[i].name);
			assert_non_null(cols[i].title);
			assert_non_null(cols[i].compare);
			assert_non_null(cols[i].format);
			assert_true(cols[i].width > 0);
			assert_ptr_equal(column_find(k, cols[i].name), &cols[i]);
			assert_ptr_equal(column_by_id(k, cols[i].id), &cols[i]);
			for (j = 0; j < i; j++) {
				assert_string_not_equal(cols[i].name, cols[j].name);
				assert_int_not_equal(cols[i].id, cols[j].id);
			}
			if (cols[i].narrow)
				narrow_width += cols[i].width + 1;
		}
		/* the default narrow set fits an 80-column terminal */
		assert_true(narrow_width - 1 <= 80);
	}
	assert_null(column_find(VIEW_SESSIONS, "nope"));
	assert_null(column_find(VIEW_PORTS, "pid"));
	assert_null(column_by_id(VIEW_PORTS, COL_LADDR));
	assert_null(columns_for(VIEW_COUNT, &n));
	assert_int_equal(n, 0);
	assert_string_equal(view_kind_name(VIEW_PROCS), "processes");
}

static const char *cell(enum view_kind k, const char *name, const void *row, enum fmt_style st)
{
	static char buf[COL_TEXT_LEN];
	const struct column *c = column_find(k, name);

	assert_non_null(c);
	assert_true(c->format(row, buf, sizeof(buf), st) >= 0);
	return buf;
}

static void test_session_cells(void **state)
{
	struct session s = mk_session(4321, "nginx", 443, 51234, T0_NS + 123456789);

	setenv("TZ", "UTC", 1);
	s.start_ns = T0_NS - 2 * NS_PER_SEC;
	s.dur_us = 2123456;
	s.tx_bytes = 1536;
	s.rx_bytes = 12897485;
	s.srtt_us = 850;
	s.retrans = 3;
	s.handshake_us = 0;
	s.dir = DIR_IN;
	s.closer = CLOSER_REMOTE;
	s.cause = CAUSE_RST_RECV;
	s.flags = SESS_PID_UNCERTAIN | SESS_PARTIAL;

#define EXACT(name, text) assert_string_equal(cell(VIEW_SESSIONS, name, &s, FMT_EXACT), text)
#define HUMAN(name, text) assert_string_equal(cell(VIEW_SESSIONS, name, &s, FMT_HUMAN), text)
	EXACT("time", "2026-11-23T22:15:03.123456Z");
	HUMAN("time", "22:15:03");
	EXACT("pid", "4321");
	HUMAN("pid", "4321?");
	EXACT("comm", "nginx");
	EXACT("family", "4");
	EXACT("laddr", "10.0.0.1");
	EXACT("lport", "443");
	EXACT("raddr", "10.0.0.2");
	EXACT("rport", "51234");
	EXACT("tx_bytes", "1536");
	HUMAN("tx_bytes", "1.5K");
	EXACT("rx_bytes", "12897485");
	HUMAN("rx_bytes", "12.3M");
	EXACT("duration_ms", "2123.456");
	HUMAN("duration_ms", "2.12s");
	EXACT("start_time", "2026-11-23T22:15:01.000000Z");
	EXACT("srtt_us", "850");
	HUMAN("srtt_us", "850us");
	EXACT("retransmits", "3");
	EXACT("handshake_us", "0");
	HUMAN("handshake_us", "-");
	EXACT("direction", "in");
	EXACT("closed_by", "remote");
	EXACT("end_cause", "rst_recv");
	EXACT("pid_certain", "0");
	EXACT("partial", "1");
	s.flags = 0;
	s.family = AF_INET6;
	addr_v6(&s.raddr, "2001:db8::7");
	strcpy(s.comm, "\x1b]0;pwned\x07");
	EXACT("pid_certain", "1");
	EXACT("partial", "0");
	HUMAN("pid", "4321");
	EXACT("family", "6");
	EXACT("raddr", "2001:db8::7");
	EXACT("comm", "\\x1b]0;pwned\\x07");
	HUMAN("comm", "\\x1b]0;pwned\\x07");
	/* no owner known: pid 0 and no name, shown as "-" and "?" */
	s.pid = 0;
	s.comm[0] = '\0';
	s.flags = SESS_PID_UNCERTAIN | SESS_PARTIAL;
	EXACT("pid", "0");
	EXACT("comm", "");
	HUMAN("pid", "-");
	HUMAN("comm", "?");
	/* a name alone (the idle task's pid 0 is never so) is shown as it is */
	strcpy(s.comm, "swapper/0");
	HUMAN("pid", "0?");
	HUMAN("comm", "swapper/0");
#undef EXACT
#undef HUMAN
}

static void test_agg_cells(void **state)
{
	struct agg_row r;

	memset(&r, 0, sizeof(r));
	r.kind = AGG_PROC;
	r.pid = 99;
	strcpy(r.comm, "=cmd");
	r.sessions = 3;
	r.tx_bytes = 2048;
	r.rx_bytes = 10;
	r.dur_sum_us = 1000;	/* avg 333.333us */
	r.dur_max_us = 900;
	r.rsts = 1;
	r.peers = 65536;
	r.peers_at_least = true;
	r.last_ns = T0_NS;
	setenv("TZ", "UTC", 1);

	assert_string_equal(cell(VIEW_PROCS, "pid", &r, FMT_EXACT), "99");
	assert_string_equal(cell(VIEW_PROCS, "comm", &r, FMT_EXACT), "=cmd");
	assert_string_equal(cell(VIEW_PROCS, "sessions", &r, FMT_EXACT), "3");
	assert_string_equal(cell(VIEW_PROCS, "tx_bytes", &r, FMT_HUMAN), "2.0K");
	assert_string_equal(cell(VIEW_PROCS, "avg_ms", &r, FMT_EXACT), "0.333");
	assert_string_equal(cell(VIEW_PROCS, "avg_ms", &r, FMT_HUMAN), "333us");
	assert_string_equal(cell(VIEW_PROCS, "max_ms", &r, FMT_EXACT), "0.900");
	assert_string_equal(cell(VIEW_PROCS, "rsts", &r, FMT_EXACT), "1");
	assert_string_equal(cell(VIEW_PROCS, "peers", &r, FMT_EXACT), "65536");
	assert_string_equal(cell(VIEW_PROCS, "peers", &r, FMT_HUMAN), "65536+");
	assert_string_equal(cell(VIEW_PROCS, "last_seen", &r, FMT_EXACT),
			    "2026-11-23T22:15:03.000000Z");
	assert_string_equal(cell(VIEW_PROCS, "last_seen", &r, FMT_HUMAN), "22:15:03");
	/* RATE, at the start of the row's bucket (the previous one all in the
	 * window): n sessions are n x 10^9 / 2^32 a second */
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_HUMAN), "0");	/* no now */
	columns_set_rate_now(T0_NS & ~(AGG_RATE_BUCKET_NS - 1));
	r.rate_bucket = (uint32_t)(T0_NS >> AGG_RATE_SHIFT);
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_EXACT), "0.000");
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_HUMAN), "0");
	r.rate_cur = 1;		/* 0.2328 */
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_EXACT), "0.233");
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_HUMAN), "0.2");
	r.rate_prev = 50;	/* 51 sessions: 11.87 */
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_EXACT), "11.874");
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_HUMAN), "12");
	r.rate_cur = 200000;	/* 46,578 a second: whole in RATE's 5 columns */
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_HUMAN), "46578");
	r.rate_cur = 2000000;	/* 465,672: in thousands */
	assert_string_equal(cell(VIEW_PROCS, "rate_per_s", &r, FMT_HUMAN), "465K");
	columns_set_rate_now(0);
	/* its network namespace: the number when one, the count when several
	 * (0 in exports, which have netns_count); not known (0): "-" */
	r.netns_count = 1;
	assert_string_equal(cell(VIEW_PROCS, "netns", &r, FMT_EXACT), "0");
	assert_string_equal(cell(VIEW_PROCS, "netns", &r, FMT_HUMAN), "-");
	r.netns = 4026532301u;
	assert_string_equal(cell(VIEW_PROCS, "netns", &r, FMT_EXACT), "4026532301");
	assert_string_equal(cell(VIEW_PROCS, "netns", &r, FMT_HUMAN), "4026532301");
	assert_string_equal(cell(VIEW_PROCS, "netns_count", &r, FMT_EXACT), "1");
	r.netns_count = 3;
	assert_string_equal(cell(VIEW_PORTS, "netns", &r, FMT_EXACT), "0");
	assert_string_equal(cell(VIEW_PORTS, "netns", &r, FMT_HUMAN), "3 netns");
	assert_string_equal(cell(VIEW_PEERS, "netns_count", &r, FMT_HUMAN), "3");
	r.netns_count = AGG_NETNS_MAX;
	r.netns_at_least = true;
	assert_string_equal(cell(VIEW_PORTS, "netns", &r, FMT_HUMAN), "4096+ netns");
	assert_int_equal(strlen("4096+ netns"), column_find(VIEW_PORTS, "netns")->width);
	assert_string_equal(cell(VIEW_PORTS, "netns_count", &r, FMT_HUMAN), "4096+");
	assert_string_equal(cell(VIEW_PORTS, "netns_count", &r, FMT_EXACT), "4096");
	r.pid = 0;
	r.comm[0] = '\0';
	assert_string_equal(cell(VIEW_PROCS, "pid", &r, FMT_EXACT), "0");
	assert_string_equal(cell(VIEW_PROCS, "pid", &r, FMT_HUMAN), "-");
	assert_string_equal(cell(VIEW_PROCS, "comm", &r, FMT_HUMAN), "?");
	r.kind = AGG_PORT;
	r.port = 8443;
	assert_string_equal(cell(VIEW_PORTS, "port", &r, FMT_EXACT), "8443");
	/* to the nearest microsecond, halves up (until 2026-12-06 cut down) */
	r.sessions = 50;
	r.dur_sum_us = 4240;	/* 84.8 us */
	assert_string_equal(cell(VIEW_PORTS, "avg_ms", &r, FMT_EXACT), "0.085");
	assert_string_equal(cell(VIEW_PORTS, "avg_ms", &r, FMT_HUMAN), "85us");
	r.dur_sum_us = 4225;	/* 84.5 */
	assert_string_equal(cell(VIEW_PORTS, "avg_ms", &r, FMT_EXACT), "0.085");
	r.dur_sum_us = 4224;	/* 84.48 */
	assert_string_equal(cell(VIEW_PORTS, "avg_ms", &r, FMT_EXACT), "0.084");
	r.sessions = UINT64_MAX;
	r.dur_sum_us = UINT64_MAX - 1;	/* 0.99999...: 1 us, no overflow on the way */
	assert_string_equal(cell(VIEW_PORTS, "avg_ms", &r, FMT_EXACT), "0.001");
	r.sessions = 0;
	assert_string_equal(cell(VIEW_PORTS, "avg_ms", &r, FMT_EXACT), "0.000");
	/* a peer: its address (IPv4 mapped: dotted, family 4), its ports */
	r.kind = AGG_PEER;
	addr_v4(&r.raddr, 192, 168, 1, 20);
	r.peers = 3;
	r.peers_at_least = false;
	assert_string_equal(cell(VIEW_PEERS, "raddr", &r, FMT_EXACT), "192.168.1.20");
	assert_string_equal(cell(VIEW_PEERS, "raddr", &r, FMT_HUMAN), "192.168.1.20");
	assert_string_equal(cell(VIEW_PEERS, "family", &r, FMT_EXACT), "4");
	assert_string_equal(cell(VIEW_PEERS, "ports", &r, FMT_EXACT), "3");
	assert_string_equal(cell(VIEW_PEERS, "last_seen", &r, FMT_HUMAN), "22:15:03");
	inet_pton(AF_INET6, "2001:db8::1", &r.raddr);
	assert_string_equal(cell(VIEW_PEERS, "raddr", &r, FMT_EXACT), "2001:db8::1");
	assert_string_equal(cell(VIEW_PEERS, "family", &r, FMT_EXACT), "6");
}

static void test_format_small_buffer(void **state)
{
	struct session s = mk_session(1, "abcdefghijkl", 1, 2, T0_NS);
	size_t i, n;
	const struct column *cols = columns_for(VIEW_SESSIONS, &n);
	char buf[4];

	for (i = 0; i < n; i++) {
		int r = cols[i].format(&s, buf, sizeof(buf), FMT_EXACT);

		assert_true(r == -ENOSPC || (r >= 0 && (size_t)r < sizeof(buf)));
		if (r == -ENOSPC)
			assert_string_equal(buf, "");
	}
}

/* CSV writes tcpscope's own strings bare (csv_write_row): none may hold a
 * byte that would need quotes, whatever the row, in any view. */
static void assert_csv_safe(enum view_kind k, const void *row)
{
	size_t i, n;
	const struct column *cols = columns_for(k, &n);
	char buf[COL_TEXT_LEN];

	for (i = 0; i < n; i++) {
		if (cols[i].type != COLT_STRING)
			continue;
		if (cols[i].format(row, buf, sizeof(buf), FMT_EXACT) < 0)
			fail_msg("%s column %s: no room", view_kind_name(k), cols[i].name);
		if (strpbrk(buf, ",\"\r\n"))
			fail_msg("%s column %s: \"%s\" needs CSV quotes", view_kind_name(k),
				 cols[i].name, buf);
	}
}

static void test_strings_are_csv_safe(void **state)
{
	static const uint64_t times[] = { 0, 1, T0_NS, UINT64_MAX / 2, UINT64_MAX };
	struct session s;
	struct agg_row r;

	srand(11);
	for (int i = 0; i < 20000; i++) {
		s = mk_session((uint32_t)rand(), "x,\"y\n", (uint16_t)rand(), (uint16_t)rand(),
			       times[i % 5]);
		s.start_ns = times[(i / 5) % 5];
		s.family = i % 3 == 0 ? AF_INET6 : i % 3 == 1 ? AF_INET : (uint8_t)rand();
		for (int b = 0; b < 16; b++) {
			s.laddr.s6_addr[b] = (uint8_t)(i % 7 ? rand() : 0);
			s.raddr.s6_addr[b] = (uint8_t)(i % 11 ? rand() : 0);
		}
		s.dir = (uint8_t)rand();
		s.closer = (uint8_t)rand();
		s.cause = (uint8_t)rand();
		s.flags = (uint8_t)rand();
		assert_csv_safe(VIEW_SESSIONS, &s);

		memset(&r, 0, sizeof(r));
		r.kind = i % 3 == 0 ? AGG_PROC : i % 3 == 1 ? AGG_PORT : AGG_PEER;
		r.last_ns = times[i % 5] ^ (uint64_t)rand();
		r.sessions = (uint64_t)rand();
		r.raddr = s.raddr;
		assert_csv_safe(i % 3 == 0 ? VIEW_PROCS : i % 3 == 1 ? VIEW_PORTS : VIEW_PEERS, &r);
	}
}

/* Comparators are three-way with no overflow at the extremes. */
static void test_compare_extremes(void **state)
{
	struct session a = mk_session(0, "a", 0, 0, 0);
	struct session b = mk_session(UINT32_MAX, "b", 65535, 65535, UINT64_MAX);
	struct agg_row x, y;
	size_t i, n;
	const struct column *cols = columns_for(VIEW_SESSIONS, &n);

	a.tx_bytes = a.rx_bytes = a.dur_us = a.start_ns = 0;
	b.tx_bytes = b.rx_bytes = b.dur_us = b.start_ns = UINT64_MAX;
	b.srtt_us = b.retrans = b.handshake_us = UINT32_MAX;
	a.srtt_us = a.retrans = a.handshake_us = 0;
	a.netns = 0;
	b.netns = UINT32_MAX;
	b.dir = DIR_IN;
	b.closer = CLOSER_REMOTE;
	b.cause = CAUSE_TIMEOUT;
	a.dir = a.closer = a.cause = 0;
	a.flags = SESS_PID_UNCERTAIN;	/* certain: 0 < 1 */
	b.flags = SESS_PARTIAL;
	a.family = AF_INET;
	b.family = AF_INET6;
	addr_v4(&a.laddr, 0, 0, 0, 0);
	memset(&b.laddr, 0xff, sizeof(b.laddr));
	memset(&b.raddr, 0xff, sizeof(b.raddr));
	for (i = 0; i < n; i++) {
		if (cols[i].compare(&a, &b) != -1 || cols[i].compare(&b, &a) != 1 ||
		    cols[i].compare(&a, &a) != 0)
			fail_msg("session column %s", cols[i].name);
	}

	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	x.kind = y.kind = AGG_PROC;
	x.sessions = 1;
	y.pid = UINT32_MAX;
	y.port = 65535;
	strcpy(y.comm, "\xff");
	y.sessions = UINT64_MAX;
	y.tx_bytes = y.rx_bytes = y.dur_max_us = y.rsts = y.fails = y.peers = y.last_ns = UINT64_MAX;
	y.dur_sum_us = UINT64_MAX;	/* avg 1us vs x's 0us */
	x.netns_count = 1;		/* one namespace, not known, against the most */
	y.netns_count = UINT32_MAX;
	addr_v4(&x.raddr, 0, 0, 0, 0);	/* an IPv4 peer (4 < 6) ... */
	memset(&y.raddr, 0xff, sizeof(y.raddr));	/* ... and the last IPv6 address */
	/* the rate: none against the most a bucket can hold, now */
	columns_set_rate_now(T0_NS);
	y.rate_bucket = (uint32_t)(T0_NS >> AGG_RATE_SHIFT);
	y.rate_cur = y.rate_prev = UINT32_MAX;
	for (enum view_kind k = VIEW_PROCS; k <= VIEW_PEERS; k++) {
		cols = columns_for(k, &n);
		for (i = 0; i < n; i++) {
			if (cols[i].compare(&x, &y) != -1 || cols[i].compare(&y, &x) != 1 ||
			    cols[i].compare(&y, &y) != 0)
				fail_msg("%s column %s", view_kind_name(k), cols[i].name);
		}
	}
	columns_set_rate_now(0);
}

/* Averages compare exactly, even when integer division would tie them. */
static void test_avg_compare_exact(void **state)
{
	const struct column *c = column_find(VIEW_PORTS, "avg_ms");
	struct agg_row x, y;

	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	x.sessions = 3;
	x.dur_sum_us = 10;	/* 3.33 */
	y.sessions = 3;
	y.dur_sum_us = 11;	/* 3.67, same integer average */
	assert_int_equal(c->compare(&x, &y), -1);
	y.sessions = 6;
	y.dur_sum_us = 20;	/* equal: 3.33 */
	assert_int_equal(c->compare(&x, &y), 0);
	x.sessions = UINT64_MAX;
	x.dur_sum_us = UINT64_MAX;	/* 1 */
	y.sessions = UINT64_MAX - 1;
	y.dur_sum_us = UINT64_MAX - 1;	/* 1 */
	assert_int_equal(c->compare(&x, &y), 0);
}

static int key_cmp(struct col_key a, struct col_key b)
{
	int c = (a.hi > b.hi) - (a.hi < b.hi);

	return c ? c : (a.lo > b.lo) - (a.lo < b.lo);
}

static unsigned int rnd(unsigned int *seed)
{
	return (unsigned int)rand_r(seed);
}

/* Sort keys agree with the comparators: exact keys fully, others as a prefix. */
static void test_keys_agree_with_compare(void **state)
{
	enum { N = 64 };
	static struct session s[N];
	static struct agg_row r[N];
	const void *rows[N];
	unsigned int seed = 3;
	size_t i, j, c, n;
	enum view_kind k;

	for (i = 0; i < N; i++) {
		static const char *const comms[] = { "", "a", "ab", "a\x01", "\xff", "zz", "ab\xc3\xa9" };

		s[i] = mk_session(rnd(&seed) % 3 ? rnd(&seed) % 4 : UINT32_MAX, "",
				  (uint16_t)(rnd(&seed) % 3 * 30000), (uint16_t)(rnd(&seed) % 2),
				  rnd(&seed) % 2 ? UINT64_MAX : T0_NS + rnd(&seed) % 3);
		strcpy(s[i].comm, comms[rnd(&seed) % 7]);
		if (rnd(&seed) % 2)
			s[i].comm[strlen(s[i].comm) + 1] = 'G';	/* garbage after the NUL */
		s[i].tx_bytes = rnd(&seed) % 2 ? UINT64_MAX - rnd(&seed) % 2 : rnd(&seed) % 2;
		s[i].dur_us = rnd(&seed) % 3;
		s[i].flags = (uint8_t)(rnd(&seed) % 4);
		s[i].family = rnd(&seed) % 2 ? AF_INET : AF_INET6;
		if (rnd(&seed) % 2)
			addr_v6(&s[i].raddr, rnd(&seed) % 2 ? "2001:db8::1" : "ffff::");
		memset(&r[i], 0, sizeof(r[i]));
		r[i].pid = rnd(&seed) % 3;
		strcpy(r[i].comm, comms[rnd(&seed) % 7]);
		r[i].port = (uint16_t)(rnd(&seed) % 3);
		r[i].sessions = rnd(&seed) % 4;
		r[i].dur_sum_us = rnd(&seed) % 3 ? rnd(&seed) % 10 : UINT64_MAX - rnd(&seed) % 3;
		r[i].tx_bytes = rnd(&seed) % 2 ? UINT64_MAX : 5;
		r[i].last_ns = rnd(&seed) % 2 ? UINT64_MAX : 0;
		r[i].peers = rnd(&seed) % 3;
		r[i].netns = rnd(&seed) % 3;
		r[i].netns_count = 1 + rnd(&seed) % 2 * (rnd(&seed) % 2 ? 1 : UINT32_MAX - 1);
		if (rnd(&seed) % 2)
			addr_v6(&r[i].raddr, rnd(&seed) % 2 ? "2001:db8::1" : "::ffff:10.0.0.1");
	}
	for (k = 0; k < VIEW_COUNT; k++) {
		const struct column *cols = columns_for(k, &n);

		for (i = 0; i < N; i++)
			rows[i] = k == VIEW_SESSIONS ? (const void *)&s[i] : (const void *)&r[i];
		for (c = 0; c < n; c++) {
			for (i = 0; i < N; i++) {
				for (j = 0; j < N; j++) {
					int kc = key_cmp(cols[c].key(rows[i]), cols[c].key(rows[j]));
					int cc = cols[c].compare(rows[i], rows[j]);

					if (kc && kc != cc)
						fail_msg("%s: key order differs", cols[c].name);
					if (!kc && cols[c].key_exact && cc)
						fail_msg("%s: exact key ties, compare does not",
							 cols[c].name);
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_column_orders),
		cmocka_unit_test(test_table_is_complete),
		cmocka_unit_test(test_session_cells),
		cmocka_unit_test(test_agg_cells),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_strings_are_csv_safe),
		cmocka_unit_test(test_compare_extremes),
		cmocka_unit_test(test_avg_compare_exact),
		cmocka_unit_test(test_keys_agree_with_compare),
	};

	return cmocka_run_group_tests_name("columns", tests, NULL, NULL);
}
