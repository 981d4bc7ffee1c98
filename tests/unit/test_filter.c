// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/filter.c (sets, parsers, semantics, description). */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/filter.h"

/* ---- parsers ------------------------------------------------------------- */

static void set_text(const struct id_set *set, char *buf, size_t len)
{
	assert_true(id_set_format(set, buf, len) >= 0);
}

static void test_parse_ports_valid(void **state)
{
	static const struct {
		const char *in, *set;
	} cases[] = {
		{ "80", "80" },
		{ "80,443", "80,443" },
		{ "443,80", "80,443" },
		{ "8000-8010", "8000-8010" },
		{ " 80 , 443 ", "80,443" },
		{ "\t22\t", "22" },
		{ "8000 - 8010", "8000-8010" },
		{ "80,80,80", "80" },
		{ "1-65535", "1-65535" },
		{ "5-5", "5" },
		{ "10-20,15-30,31", "10-31" },	/* overlapping and adjacent merge */
		{ "65535", "65535" },
		{ "0080", "80" },
	};
	char buf[128], err[128];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct id_set set;

		id_set_init(&set);
		err[0] = '\0';
		if (filter_parse_ports(cases[i].in, &set, err, sizeof(err)) != 0)
			fail_msg("'%s' rejected: %s", cases[i].in, err);
		set_text(&set, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].set);
		id_set_clear(&set);
	}
}

static void test_parse_ports_errors(void **state)
{
	static const struct {
		const char *in, *err;
	} cases[] = {
		{ "", "empty port list" },
		{ "   ", "empty port list" },
		{ "80,,443", "empty item in port list '80,,443'" },
		{ "80,", "empty item in port list '80,'" },
		{ ",80", "empty item in port list ',80'" },
		{ "80, ,443", "empty item in port list '80, ,443'" },
		{ "http", "bad port 'http'" },
		{ "80x", "bad port '80x'" },
		{ "80 443", "bad port '80 443'" },
		{ "-80", "bad port '-80'" },
		{ "+80", "bad port '+80'" },
		{ "8000-", "bad port '8000-'" },
		{ "8000-x", "bad port '8000-x'" },
		{ "1-2-3", "bad port '1-2-3'" },
		{ "0x50", "bad port '0x50'" },
		{ "0", "port 0 out of range (1-65535)" },
		{ "0-10", "port 0 out of range (1-65535)" },
		{ "65536", "port 65536 out of range (1-65535)" },
		{ "80,99999999999999999999", "port 99999999999999999999 out of range (1-65535)" },
		{ "100-70000", "port 70000 out of range (1-65535)" },
		{ "8010-8000", "reversed port range 8010-8000" },
		{ "\x1b[2J", "bad port '\\x1b[2J'" },	/* hostile input is shown escaped */
	};
	char err[128];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct id_set set;

		id_set_init(&set);
		err[0] = '\0';
		if (filter_parse_ports(cases[i].in, &set, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", cases[i].in);
		assert_string_equal(err, cases[i].err);
		assert_null(strchr(err, '\n'));
		assert_int_equal(set.n, 0);
		id_set_clear(&set);
	}
	assert_int_equal(filter_parse_ports(NULL, &(struct id_set){ 0 }, err, sizeof(err)), -EINVAL);
}

static void test_parse_pids(void **state)
{
	static const struct {
		const char *in;
		int ret;
		const char *out;	/* set text, or error */
	} cases[] = {
		{ "123", 0, "123" },
		{ "1,2,3", 0, "1-3" },
		{ "4194304", 0, "4194304" },
		{ "100-200", 0, "100-200" },
		{ "0", 0, "0" },		/* the sessions with no owner known */
		{ "0,7", 0, "0,7" },
		{ "4194305", -EINVAL, "pid 4194305 out of range (0-4194304)" },
		{ "12a", -EINVAL, "bad pid '12a'" },
		{ "", -EINVAL, "empty pid list" },
		{ "200-100", -EINVAL, "reversed pid range 200-100" },
	};
	char buf[128], err[128];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct id_set set;

		id_set_init(&set);
		err[0] = '\0';
		assert_int_equal(filter_parse_pids(cases[i].in, &set, err, sizeof(err)), cases[i].ret);
		if (cases[i].ret == 0) {
			set_text(&set, buf, sizeof(buf));
			assert_string_equal(buf, cases[i].out);
		} else {
			assert_string_equal(err, cases[i].out);
		}
		id_set_clear(&set);
	}
}

static void test_parse_appends_atomically(void **state)
{
	struct id_set set;
	char buf[64], err[128];

	id_set_init(&set);
	assert_int_equal(filter_parse_ports("80", &set, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_ports("443,81", &set, err, sizeof(err)), 0);
	set_text(&set, buf, sizeof(buf));
	assert_string_equal(buf, "80-81,443");
	/* a bad list adds nothing, even its good items */
	assert_int_equal(filter_parse_ports("22,bad", &set, err, sizeof(err)), -EINVAL);
	set_text(&set, buf, sizeof(buf));
	assert_string_equal(buf, "80-81,443");
	id_set_clear(&set);
}

static void test_parse_huge_ranges_are_not_expanded(void **state)
{
	struct id_set set;
	char err[64];

	id_set_init(&set);
	assert_int_equal(filter_parse_pids("1-4194304", &set, err, sizeof(err)), 0);
	assert_int_equal(set.n, 1);
	assert_true(id_set_contains(&set, 1));
	assert_true(id_set_contains(&set, 4194304));
	assert_false(id_set_contains(&set, 0));
	id_set_clear(&set);
}

static void test_parse_too_many_items(void **state)
{
	char text[FILTER_MAX_ITEMS * 7 + 16], err[128];
	struct id_set set;
	size_t pos = 0;
	int i;

	for (i = 0; i <= FILTER_MAX_ITEMS; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%d", i ? "," : "", 1 + 2 * i);
	id_set_init(&set);
	assert_int_equal(filter_parse_ports(text, &set, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "too many items in port list (max 1024)");
	id_set_clear(&set);
}

static void test_id_set_ops(void **state)
{
	struct id_set a, b;
	char buf[16];
	uint32_t v;

	id_set_init(&a);
	id_set_init(&b);
	assert_true(id_set_is_empty(&a));
	assert_int_equal(id_set_add_range(&a, 5, 4), -EINVAL);
	assert_int_equal(id_set_add_range(&a, 10, 20), 0);
	assert_int_equal(id_set_add_range(&a, 0, 0), 0);
	assert_int_equal(id_set_add_range(&a, UINT32_MAX - 1, UINT32_MAX), 0);
	assert_int_equal(id_set_add_range(&a, 21, 21), 0);	/* adjacent: merged */
	assert_int_equal(a.n, 3);
	for (v = 0; v < 30; v++)
		assert_int_equal(id_set_contains(&a, v), v == 0 || (v >= 10 && v <= 21));
	assert_true(id_set_contains(&a, UINT32_MAX));
	assert_int_equal(id_set_copy(&b, &a), 0);
	assert_int_equal(b.n, 3);
	assert_true(id_set_contains(&b, 15));
	/* too small a buffer: cut with "..." */
	assert_int_equal(id_set_format(&a, buf, sizeof(buf)), -ENOSPC);
	assert_string_equal(buf, "0,10-21,4294...");
	id_set_clear(&a);
	id_set_clear(&b);
}

/* ---- semantics ------------------------------------------------------------ */

static struct session sess(uint32_t pid, const char *comm, uint16_t lport, uint16_t rport)
{
	return mk_session(pid, comm, lport, rport, T0_NS);
}

static void test_empty_accepts_all(void **state)
{
	struct filter f;
	struct session s = sess(1, "x", 1, 2);

	filter_init(&f);
	assert_true(filter_is_empty(&f));
	assert_true(filter_accepts(&f, &s));
	filter_clear(&f);
	/* zeroed memory is an empty filter too */
	struct filter z;

	memset(&z, 0, sizeof(z));
	assert_true(filter_is_empty(&z));
	assert_true(filter_accepts(&z, &s));
}

static void test_ports_and_or(void **state)
{
	struct filter f;
	char err[64];
	struct session a = sess(1, "x", 8000, 50000);	/* local 8000 */
	struct session b = sess(1, "x", 50001, 8000);	/* remote 8000 */
	struct session c = sess(1, "x", 8000, 443);	/* local 8000, remote 443 */
	struct session d = sess(1, "x", 1234, 443);

	/* -L 8000: local only */
	filter_init(&f);
	assert_int_equal(filter_parse_ports("8000", &f.lports, err, sizeof(err)), 0);
	assert_false(filter_is_empty(&f));
	assert_true(filter_accepts(&f, &a));
	assert_false(filter_accepts(&f, &b));
	assert_true(filter_accepts(&f, &c));
	/* -L 8000 -D 443: AND */
	assert_int_equal(filter_parse_ports("443", &f.rports, err, sizeof(err)), 0);
	assert_false(filter_accepts(&f, &a));
	assert_false(filter_accepts(&f, &b));
	assert_true(filter_accepts(&f, &c));
	assert_false(filter_accepts(&f, &d));
	filter_clear(&f);

	/* a Ports row's filter: the service port, not either side; a client
	 * whose own port is 8000 talking to 9000 serves 9000 */
	{
		struct filter sv;
		struct session in = { .dir = DIR_IN, .lport = 8000, .rport = 40000 };
		struct session out = { .dir = DIR_OUT, .lport = 40001, .rport = 8000 };
		struct session other = { .dir = DIR_OUT, .lport = 8000, .rport = 9000 };
		char desc[64];

		filter_init(&sv);
		assert_int_equal(filter_only_service(&sv, 8000), 0);
		assert_true(filter_accepts(&sv, &in));
		assert_true(filter_accepts(&sv, &out));
		assert_false(filter_accepts(&sv, &other));
		assert_false(filter_is_empty(&sv));
		assert_false(filter_is_process_only(&sv));
		filter_describe(&sv, desc, sizeof(desc));
		assert_string_equal(desc, "service port 8000");
		filter_clear(&sv);
		assert_true(filter_is_empty(&sv));
	}
	/* -P 8000: either side */
	filter_init(&f);
	assert_int_equal(filter_parse_ports("8000", &f.ports, err, sizeof(err)), 0);
	assert_true(filter_accepts(&f, &a));
	assert_true(filter_accepts(&f, &b));
	assert_true(filter_accepts(&f, &c));
	assert_false(filter_accepts(&f, &d));
	/* within one set: OR */
	assert_int_equal(filter_parse_ports("443", &f.ports, err, sizeof(err)), 0);
	assert_true(filter_accepts(&f, &d));
	filter_clear(&f);
}

/* A Peers row's filter: the remote address exactly (not the local one,
 * not a longer address containing its text); alone it is a filter on
 * peers' lifetime rows; copy, equal, describe and clear know it. */
static void test_peer(void **state)
{
	struct filter f, g;
	struct session a = { .family = AF_INET }, b = a, c = a, d = { .family = AF_INET6 };
	struct in6_addr six = IN6ADDR_LOOPBACK_INIT;
	char desc[64];

	addr_v4(&a.raddr, 10, 0, 0, 5);
	addr_v4(&b.raddr, 10, 0, 0, 50);	/* "10.0.0.5" is in its text */
	addr_v4(&c.laddr, 10, 0, 0, 5);		/* the address, but local */
	addr_v4(&c.raddr, 10, 0, 0, 6);
	d.raddr = six;
	filter_init(&f);
	filter_init(&g);
	filter_only_peer(&f, &a.raddr);
	assert_false(filter_is_empty(&f));
	assert_true(filter_accepts(&f, &a));
	assert_false(filter_accepts(&f, &b));
	assert_false(filter_accepts(&f, &c));
	assert_false(filter_accepts(&f, &d));
	assert_true(filter_is_peer_only(&f));
	assert_false(filter_is_process_only(&f));
	assert_false(filter_is_service_only(&f));
	assert_true(filter_accepts_peer(&f, &a.raddr));
	assert_false(filter_accepts_peer(&f, &b.raddr));
	filter_describe(&f, desc, sizeof(desc));
	assert_string_equal(desc, "peer 10.0.0.5");
	assert_false(filter_equal(&f, &g));
	assert_int_equal(filter_copy(&g, &f), 0);
	assert_true(filter_equal(&f, &g));
	filter_only_peer(&g, &six);		/* another peer replaces it */
	assert_false(filter_equal(&f, &g));
	assert_true(filter_accepts(&g, &d));
	assert_false(filter_accepts(&g, &a));
	filter_describe(&g, desc, sizeof(desc));
	assert_string_equal(desc, "peer ::1");
	/* with anything else: no longer a filter on the peer alone */
	assert_int_equal(filter_only_pid(&f, 7), 0);
	assert_false(filter_is_peer_only(&f));
	filter_describe(&f, desc, sizeof(desc));
	assert_string_equal(desc, "peer 10.0.0.5  pid 7");
	filter_clear(&f);
	assert_true(filter_is_empty(&f));
	assert_true(filter_accepts_peer(&f, &b.raddr));
	filter_clear(&g);
}

/* A process row's `f`: its pid and its whole name as shown; not the same
 * pid under another name (an exec), nor a name containing it. `c` after it
 * is a part of a name again. */
static void test_only_process(void **state)
{
	struct filter f, g;
	struct session a = sess(7, "python3", 1, 2), b = sess(7, "renamed", 1, 2);
	struct session c = sess(7, "python3.11", 1, 2), d = sess(8, "python3", 1, 2);
	char desc[64], long_name[FILTER_TEXT_LEN + 1];

	filter_init(&f);
	filter_init(&g);
	assert_int_equal(filter_only_process(&f, 7, "python3"), 0);
	assert_true(f.comm_exact);
	assert_true(filter_accepts(&f, &a));
	assert_false(filter_accepts(&f, &b));
	assert_false(filter_accepts(&f, &c));
	assert_false(filter_accepts(&f, &d));
	assert_true(filter_is_process_only(&f));
	assert_true(filter_accepts_process(&f, 7, "python3"));
	assert_false(filter_accepts_process(&f, 7, "renamed"));
	filter_describe(&f, desc, sizeof(desc));
	assert_string_equal(desc, "pid 7  comm python3");
	assert_int_equal(filter_copy(&g, &f), 0);
	assert_true(filter_equal(&f, &g));
	assert_int_equal(filter_set_comm(&g, "python3"), 0);	/* `c`: a part */
	assert_false(g.comm_exact);
	assert_false(filter_equal(&f, &g));
	assert_true(filter_accepts(&g, &c));
	/* a name too long for the filter: the pid alone, and -EINVAL */
	memset(long_name, 'x', FILTER_TEXT_LEN);
	long_name[FILTER_TEXT_LEN] = '\0';
	assert_int_equal(filter_only_process(&g, 7, long_name), -EINVAL);
	assert_false(g.comm_exact);
	assert_string_equal(g.comm, "");
	assert_true(filter_accepts(&g, &b));
	assert_false(filter_accepts(&g, &d));
	filter_clear(&f);
	filter_clear(&g);
}

static void test_ranges(void **state)
{
	struct filter f;
	char err[64];
	struct session s = sess(1, "x", 40000, 8005);

	filter_init(&f);
	assert_int_equal(filter_parse_ports("8000-8010", &f.rports, err, sizeof(err)), 0);
	assert_true(filter_accepts(&f, &s));
	s.rport = 8010;
	assert_true(filter_accepts(&f, &s));
	s.rport = 8011;
	assert_false(filter_accepts(&f, &s));
	s.rport = 7999;
	assert_false(filter_accepts(&f, &s));
	filter_clear(&f);
}

static void test_pids_family_comm_and(void **state)
{
	struct filter f;
	char err[64];
	struct session s = sess(123, "nginx", 80, 5000);
	struct session s6 = s;

	s6.family = AF_INET6;
	addr_v6(&s6.raddr, "2001:db8::5");
	filter_init(&f);
	assert_int_equal(filter_parse_pids("0", &f.pids, err, sizeof(err)), 0);
	assert_false(filter_accepts(&f, &s));
	s.pid = 0;		/* no owner known */
	s.comm[0] = '\0';
	assert_true(filter_accepts(&f, &s));
	filter_clear(&f);
	/* such a row shows "?" for its name, and `c ?` and `/ ?` find it
	 * (and only rows whose shown name holds a "?") */
	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "?"), 0);
	assert_true(filter_accepts(&f, &s));
	assert_true(filter_accepts_process(&f, 0, ""));
	assert_false(filter_accepts_process(&f, 0, "kworker"));
	assert_false(filter_accepts_process(&f, 7, ""));
	s.pid = 7;		/* a process with an empty name: not "no owner" */
	assert_false(filter_accepts(&f, &s));
	s.pid = 0;
	assert_int_equal(filter_set_comm(&f, ""), 0);
	assert_int_equal(filter_set_search(&f, "?"), 0);
	assert_true(filter_accepts(&f, &s));
	s.pid = 7;
	assert_false(filter_accepts(&f, &s));
	filter_clear(&f);
	s = sess(123, "nginx", 80, 5000);
	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "?"), 0);
	assert_false(filter_accepts(&f, &s));
	filter_clear(&f);
	s = sess(123, "nginx", 80, 5000);
	filter_init(&f);
	assert_int_equal(filter_parse_pids("100-200,300", &f.pids, err, sizeof(err)), 0);
	assert_true(filter_accepts(&f, &s));
	s.pid = 250;
	assert_false(filter_accepts(&f, &s));
	s.pid = 300;
	assert_true(filter_accepts(&f, &s));

	assert_int_equal(filter_set_family(&f, AF_INET), 0);
	assert_true(filter_accepts(&f, &s));
	s6.pid = 300;
	assert_false(filter_accepts(&f, &s6));
	assert_int_equal(filter_set_family(&f, AF_INET6), 0);
	assert_true(filter_accepts(&f, &s6));
	assert_false(filter_accepts(&f, &s));
	assert_int_equal(filter_set_family(&f, 99), -EINVAL);
	assert_int_equal(filter_set_family(&f, 0), 0);

	assert_int_equal(filter_set_comm(&f, "ngi"), 0);
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_set_comm(&f, "NGI"), 0);	/* comm is case-sensitive */
	assert_false(filter_accepts(&f, &s));
	assert_int_equal(filter_set_comm(&f, ""), 0);
	assert_true(filter_accepts(&f, &s));
	filter_clear(&f);
	assert_true(filter_is_empty(&f));
}

static void test_comm_matches_escaped_form(void **state)
{
	struct filter f;
	struct session s = sess(1, "a\x1b[31mb", 1, 2);

	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "\\x1b[31m"), 0);
	assert_true(filter_accepts(&f, &s));
	filter_clear(&f);
}

static void test_search(void **state)
{
	struct filter f;
	struct session s = sess(42, "Postgres", 5432, 40001);

	addr_v4(&s.raddr, 192, 168, 7, 9);
	filter_init(&f);
	assert_int_equal(filter_set_search(&f, "postgres"), 0);	/* case-insensitive */
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_set_search(&f, "GRES"), 0);
	assert_true(filter_accepts(&f, &s));
	assert_string_equal(f.search_typed, "GRES");	/* shown as typed */
	assert_int_equal(filter_set_search(&f, "543"), 0);	/* port as text */
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_set_search(&f, "4000"), 0);	/* remote port */
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_set_search(&f, "168.7"), 0);	/* address as text */
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_set_search(&f, "10.0.0.1"), 0);	/* local address */
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_set_search(&f, "mysql"), 0);
	assert_false(filter_accepts(&f, &s));
	assert_int_equal(filter_set_search(&f, "9999"), 0);
	assert_false(filter_accepts(&f, &s));

	s.family = AF_INET6;
	addr_v6(&s.raddr, "2001:DB8::abcd");
	assert_int_equal(filter_set_search(&f, "DB8::AB"), 0);
	assert_true(filter_accepts(&f, &s));
	filter_clear(&f);

	char longtext[FILTER_TEXT_LEN + 1];

	memset(longtext, 'a', sizeof(longtext) - 1);
	longtext[FILTER_TEXT_LEN] = '\0';
	assert_int_equal(filter_set_search(&f, longtext), -EINVAL);
	assert_int_equal(filter_set_comm(&f, longtext), -EINVAL);
	assert_true(filter_is_empty(&f));
}

/* A whole address searches for that address, not for text that contains it
 * (until 2026-12-06 "127.0.0.1" also found 127.0.0.10-19 and 127.0.0.100-199,
 * and "addr:port" found nothing). */
static void test_search_exact_address(void **state)
{
	static const struct {
		const char *text;
		bool a, b, c;	/* accepts sessions a, b, c */
		bool exact;
	} cases[] = {
		{ "127.0.0.1", true, false, false, true },
		{ "127.0.0.1:8080", true, false, false, true },	/* a's remote side */
		{ "127.0.0.1:40001", false, false, false, true },	/* a port of the other side */
		{ "127.0.0.10", false, true, false, true },
		{ "127.0.0.10:40002", false, true, false, true },	/* b's local side */
		{ "127.0.0", true, true, false, false },	/* a part: as text, as before */
		{ "::1", false, false, true, false },	/* IPv6 unbracketed: as text */
		{ "[::1]", false, false, true, true },
		{ "[::1]:443", false, false, true, true },
		{ "[::1]:444", false, false, false, true },
		{ "[::ffff:127.0.0.1]", true, false, false, true },
		{ "127.0.0.1:80:80", false, false, false, false },
		{ "[::1]:0", false, false, false, false },	/* no such port: as text */
		{ "127.0.0.1:99999", false, false, false, false },
		{ "[::1", false, false, false, false },
	};
	struct session a = sess(1, "a", 40001, 8080), b = sess(2, "b", 40002, 8080),
		       c = sess(3, "c", 40003, 443);
	struct filter f, g;

	addr_v4(&a.laddr, 10, 0, 0, 1);
	addr_v4(&a.raddr, 127, 0, 0, 1);
	addr_v4(&b.laddr, 127, 0, 0, 10);
	addr_v4(&b.raddr, 127, 0, 0, 100);
	c.family = AF_INET6;
	addr_v6(&c.laddr, "::1");
	addr_v6(&c.raddr, "::1");
	filter_init(&f);
	filter_init(&g);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(filter_set_search(&f, cases[i].text), 0);
		if (f.search_exact != cases[i].exact || filter_accepts(&f, &a) != cases[i].a ||
		    filter_accepts(&f, &b) != cases[i].b || filter_accepts(&f, &c) != cases[i].c)
			fail_msg("'%s': exact %d, accepts %d %d %d", cases[i].text, f.search_exact,
				 filter_accepts(&f, &a), filter_accepts(&f, &b),
				 filter_accepts(&f, &c));
		assert_int_equal(filter_copy(&g, &f), 0);	/* a copy decides the same */
		assert_int_equal(filter_accepts(&g, &a), cases[i].a);
		assert_int_equal(filter_accepts(&g, &c), cases[i].c);
	}
	filter_clear(&f);
	filter_clear(&g);
}

static void test_only_pid_port_and_copy(void **state)
{
	struct filter f, g;
	char err[64];
	struct session s = sess(7, "x", 22, 60000);

	filter_init(&f);
	filter_init(&g);
	assert_int_equal(filter_parse_pids("1-5", &f.pids, err, sizeof(err)), 0);
	assert_int_equal(filter_only_pid(&f, 7), 0);	/* replaces */
	assert_int_equal(f.pids.n, 1);
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_only_port(&f, 60000), 0);
	assert_true(filter_accepts(&f, &s));
	assert_int_equal(filter_only_port(&f, 23), 0);
	assert_false(filter_accepts(&f, &s));

	assert_int_equal(filter_set_search(&f, "x"), 0);
	assert_int_equal(filter_copy(&g, &f), 0);
	filter_clear(&f);	/* the copy owns its own memory */
	assert_false(filter_accepts(&g, &s));
	assert_int_equal(filter_only_port(&g, 22), 0);
	assert_true(filter_accepts(&g, &s));
	assert_string_equal(g.search, "x");
	filter_clear(&g);
}

/* failures: the sessions that did not end in an orderly close; a filter on
 * sessions, not on a summary row's key; copied, compared, described. */
/* --netns and the n key: inode numbers, ranges, and namespaces by path or
 * ip-netns name, looked up as given. */
static void test_netns(void **state)
{
	struct filter f, g;
	struct session s = sess(7, "x", 22, 60000);
	struct stat st;
	char buf[96], err[160], path[64];
	int fd;

	filter_init(&f);
	filter_init(&g);
	assert_int_equal(filter_parse_netns(" 4026531840, 4026532000-4026532010 ", &f.netns, err,
					    sizeof(err)), 0);
	assert_false(filter_is_empty(&f));
	assert_false(filter_is_process_only(&f));
	assert_false(filter_is_service_only(&f));
	assert_false(filter_is_peer_only(&f));
	s.netns = 4026531840u;
	assert_true(filter_accepts(&f, &s));
	s.netns = 4026532010u;
	assert_true(filter_accepts(&f, &s));
	s.netns = 4026532011u;
	assert_false(filter_accepts(&f, &s));
	s.netns = 0;	/* not known: not in any namespace asked for */
	assert_false(filter_accepts(&f, &s));
	filter_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "netns 4026531840,4026532000-4026532010");
	assert_int_equal(filter_copy(&g, &f), 0);
	assert_true(filter_equal(&f, &g));
	id_set_clear(&g.netns);
	assert_false(filter_equal(&f, &g));
	assert_true(filter_is_empty(&g));
	filter_clear(&f);

	/* by path: the namespace's inode, as stat(2) gives it */
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_int_equal(filter_parse_netns("/proc/self/ns/net", &f.netns, err, sizeof(err)), 0);
	s.netns = (uint32_t)st.st_ino;
	assert_true(filter_accepts(&f, &s));
	s.netns = (uint32_t)st.st_ino + 1;
	assert_false(filter_accepts(&f, &s));
	/* a descriptor's path works too; a list of path and number adds up */
	fd = open("/proc/self/ns/net", O_RDONLY);
	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d,7", fd);
	filter_clear(&f);
	assert_int_equal(filter_parse_netns(path, &f.netns, err, sizeof(err)), 0);
	close(fd);
	assert_int_equal(f.netns.n, 2);
	s.netns = 7;
	assert_true(filter_accepts(&f, &s));
	filter_clear(&f);

	/* errors leave the set as it was, in one line */
	assert_int_equal(filter_parse_netns("5", &f.netns, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_netns("/proc/self/ns/mnt", &f.netns, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "netns '/proc/self/ns/mnt': not a network namespace");
	assert_int_equal(filter_parse_netns("/etc/hostname", &f.netns, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "netns '/etc/hostname': not a network namespace");
	assert_int_equal(filter_parse_netns("/nonexistent/x", &f.netns, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "netns '/nonexistent/x': No such file or directory");
	assert_int_equal(filter_parse_netns("tcpscope-no-such-ns", &f.netns, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "no network namespace named 'tcpscope-no-such-ns' (in /run/netns/)");
	/* a name that starts with a digit is a name */
	assert_int_equal(filter_parse_netns("1blue-no-such", &f.netns, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "no network namespace named '1blue-no-such' (in /run/netns/)");
	assert_int_equal(filter_parse_netns("..", &f.netns, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad netns '..'");
	assert_int_equal(filter_parse_netns("0", &f.netns, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "netns 0 out of range (1-4294967295)");
	assert_int_equal(filter_parse_netns("4294967296", &f.netns, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_netns("5,", &f.netns, err, sizeof(err)), -EINVAL);
	assert_int_equal(f.netns.n, 1);
	assert_true(f.netns.ranges[0].lo == 5 && f.netns.ranges[0].hi == 5);
	filter_clear(&f);
	filter_clear(&g);
}

static void test_failures(void **state)
{
	static const enum sess_cause failed[] = {
		CAUSE_RST_SENT, CAUSE_RST_RECV, CAUSE_REFUSED, CAUSE_TIMEOUT, CAUSE_ABANDONED,
		CAUSE_UNREACHABLE,
	};
	struct filter f, g;
	struct session s = sess(7, "x", 22, 60000);
	char buf[64];
	size_t i;

	filter_init(&f);
	filter_init(&g);
	filter_set_failures(&f, true);
	assert_false(filter_is_empty(&f));
	assert_false(filter_is_process_only(&f));
	assert_false(filter_is_service_only(&f));
	assert_false(filter_is_peer_only(&f));
	s.cause = CAUSE_FIN;
	assert_false(filter_accepts(&f, &s));
	s.cause = CAUSE_UNKNOWN;	/* a close not traced: not known to have failed */
	assert_false(filter_accepts(&f, &s));
	for (i = 0; i < ARRAY_LEN(failed); i++) {
		s.cause = failed[i];
		assert_true(session_is_failure(&s));
		assert_true(filter_accepts(&f, &s));
	}
	/* with others: AND */
	assert_int_equal(filter_only_pid(&f, 8), 0);
	assert_false(filter_accepts(&f, &s));
	assert_false(filter_is_process_only(&f));
	id_set_clear(&f.pids);
	filter_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "failures");
	assert_int_equal(filter_set_family(&f, AF_INET), 0);
	filter_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "IPv4  failures");
	assert_false(filter_equal(&f, &g));
	assert_int_equal(filter_copy(&g, &f), 0);
	assert_true(g.failures);
	assert_true(filter_equal(&f, &g));
	filter_set_failures(&f, false);
	assert_false(filter_equal(&f, &g));
	assert_int_equal(filter_set_family(&f, 0), 0);
	assert_true(filter_is_empty(&f));
	s.cause = CAUSE_FIN;
	assert_true(filter_accepts(&f, &s));
	filter_clear(&g);
	filter_clear(&f);
}

static void test_describe(void **state)
{
	struct filter f;
	char buf[128], err[64];
	int n;

	filter_init(&f);
	assert_int_equal(filter_describe(&f, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(filter_parse_ports("80,443", &f.ports, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_pids("123", &f.pids, err, sizeof(err)), 0);
	assert_int_equal(filter_set_comm(&f, "nginx"), 0);
	assert_int_equal(filter_set_family(&f, AF_INET), 0);
	filter_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "port 80,443  pid 123  comm nginx  IPv4");

	assert_int_equal(filter_parse_ports("8000-8010", &f.lports, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_ports("53", &f.rports, err, sizeof(err)), 0);
	assert_int_equal(filter_set_search(&f, "Web"), 0);
	assert_int_equal(filter_set_family(&f, AF_INET6), 0);
	assert_int_equal(filter_set_comm(&f, "a\x1b"), 0);
	n = filter_describe(&f, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf,
		"port 80,443  lport 8000-8010  rport 53  pid 123  comm a\\x1b  IPv6  /Web");

	/* too long for the buffer: cut, marked, terminated */
	assert_int_equal(filter_describe(&f, buf, 20), 19);
	assert_string_equal(buf, "port 80,443  lpo...");
	filter_clear(&f);

	/* Typed escapes are shown as typed: they are matched against names as
	 * shown (until 2026-12-06 "\x1b" was shown "\\x1b"). */
	filter_init(&f);
	assert_int_equal(filter_set_comm(&f, "\\x1b[31m\\"), 0);
	assert_int_equal(filter_set_search(&f, "\\x9b"), 0);
	filter_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "comm \\x1b[31m\\  /\\x9b");
	filter_clear(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ports_valid),
		cmocka_unit_test(test_parse_ports_errors),
		cmocka_unit_test(test_parse_pids),
		cmocka_unit_test(test_parse_appends_atomically),
		cmocka_unit_test(test_parse_huge_ranges_are_not_expanded),
		cmocka_unit_test(test_parse_too_many_items),
		cmocka_unit_test(test_id_set_ops),
		cmocka_unit_test(test_empty_accepts_all),
		cmocka_unit_test(test_ports_and_or),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_pids_family_comm_and),
		cmocka_unit_test(test_comm_matches_escaped_form),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_search_exact_address),
		cmocka_unit_test(test_only_pid_port_and_copy),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_netns),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_peer),
		cmocka_unit_test(test_only_process),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
