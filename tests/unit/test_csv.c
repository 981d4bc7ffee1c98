// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/csv.c (writer, neutralisation, reader, atomic export). */
#include "tests/unit/helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/stream.h"
#include "core/model.h"
#include "core/view.h"

/* ---- helpers ------------------------------------------------------------- */

struct membuf {
	char *data;
	size_t len;
	FILE *f;
};

static void mem_open(struct membuf *m)
{
	m->data = NULL;
	m->len = 0;
	m->f = open_memstream(&m->data, &m->len);
	assert_non_null(m->f);
}

static char *mem_close(struct membuf *m)
{
	fclose(m->f);
	return m->data;
}

static FILE *str_file(const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");

	assert_non_null(f);
	return f;
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	strcpy(tmpdir, "/tmp/tcpscope-csv-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int remove_tmpdir(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "chmod -R u+w %s && rm -rf %s", tmpdir, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* ---- writer -------------------------------------------------------------- */

static void test_write_cell_quoting(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "line\nbreak", "\"line\nbreak\"" },
		{ "cr\rhere", "\"cr\rhere\"" },
		{ "=1+1", "=1+1" },		/* plain cells are not neutralised */
		{ " spaced ", " spaced " },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct membuf m;
		char *out;

		mem_open(&m);
		csv_write_cell(m.f, cases[i].in);
		out = mem_close(&m);
		assert_string_equal(out, cases[i].out);
		free(out);
	}

	/* A cell longer than the writer's piece size, quotes across the pieces. */
	{
		char in[1001], want[2 * 1000 + 3];
		size_t k = 0;
		struct membuf m;
		char *out;

		want[k++] = '"';
		for (i = 0; i < 1000; i++) {
			in[i] = i % 3 ? 'x' : '"';
			if (in[i] == '"')
				want[k++] = '"';
			want[k++] = in[i];
		}
		in[1000] = '\0';
		want[k++] = '"';
		want[k] = '\0';
		mem_open(&m);
		csv_write_cell(m.f, in);
		out = mem_close(&m);
		assert_string_equal(out, want);
		free(out);
	}
}

static void test_write_text_cell_neutralises(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "nginx", "nginx" },
		{ "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
		{ "+1", "'+1" },
		{ "-cmd", "'-cmd" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" },
		{ "\rx", "\"'\rx\"" },
		{ "'=x", "''=x" },		/* already quoted lookalike: one more, reversibly */
		{ "'plain", "'plain" },
		{ "'", "'" },
		{ "a=b", "a=b" },
		{ "", "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct membuf m;
		char *out;

		mem_open(&m);
		csv_write_text_cell(m.f, cases[i].in);
		out = mem_close(&m);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	assert_string_equal(csv_unguard("'=x"), "=x");
	assert_string_equal(csv_unguard("''=x"), "'=x");
	assert_string_equal(csv_unguard("'x"), "'x");
	assert_string_equal(csv_unguard("'"), "'");
}

/* Any text through write + read + unguard comes back identical. */
static void test_round_trip_through_reader(void **state)
{
	static const char alphabet[] = "ab,\"'\r\n=+-@\t \\x";
	unsigned int seed = 5;
	int iter;

	for (iter = 0; iter < 3000; iter++) {
		char cells[4][24];
		struct csv_record rec;
		struct membuf m;
		char *out;
		FILE *f;
		int i, j;

		mem_open(&m);
		for (i = 0; i < 4; i++) {
			int len = rand_r(&seed) % 23;

			for (j = 0; j < len; j++)
				cells[i][j] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
			cells[i][len] = '\0';
			if (i)
				putc(',', m.f);
			csv_write_text_cell(m.f, cells[i]);
		}
		putc('\n', m.f);
		out = mem_close(&m);

		f = str_file(out);
		csv_record_init(&rec);
		assert_int_equal(csv_read_record(f, &rec), 1);
		assert_int_equal(rec.n, 4);
		for (i = 0; i < 4; i++)
			assert_string_equal(csv_unguard(rec.fields[i]), cells[i]);
		assert_int_equal(csv_read_record(f, &rec), 0);
		csv_record_fini(&rec);
		fclose(f);
		free(out);
	}
}

static void build_view(struct model *m, struct view *v, enum view_kind kind)
{
	struct session a = mk_session(10, "=evil,\"x\"", 40000, 443, T0_NS + 1000);
	struct session b = mk_session(20, "sshd", 22, 51000, T0_NS + 2000);

	b.dir = DIR_IN;
	b.closer = CLOSER_REMOTE;
	b.cause = CAUSE_RST_RECV;
	b.flags = SESS_PID_UNCERTAIN;
	b.tx_bytes = 1ULL << 40;
	b.srtt_us = 120;
	b.retrans = 2;
	b.handshake_us = 300;
	a.netns = 4026531840u;
	b.netns = 4026532174u;
	assert_int_equal(model_init(m, 10), 0);
	model_add(m, &a);
	model_add(m, &b);
	view_init(v);
	assert_int_equal(view_build(v, m, kind, NULL, NULL), 0);
}

static void test_write_view_sessions(void **state)
{
	struct model m;
	struct view v;
	struct membuf mb;
	char *out;

	build_view(&m, &v, VIEW_SESSIONS);
	mem_open(&mb);
	assert_int_equal(csv_write_view(mb.f, &v), 0);
	out = mem_close(&mb);
	assert_string_equal(out,
		"time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms,"
		"start_time,srtt_us,retransmits,handshake_us,direction,closed_by,end_cause,"
		"pid_certain,partial,netns\n"
		"2026-11-23T22:15:03.000001Z,10,\"'=evil,\"\"x\"\"\",4,10.0.0.1,40000,10.0.0.2,443,"
		"100,200,1.500,2026-11-23T22:15:02.998501Z,0,0,0,out,local,fin,1,0,4026531840\n"
		"2026-11-23T22:15:03.000002Z,20,sshd,4,10.0.0.1,22,10.0.0.2,51000,"
		"1099511627776,200,1.500,2026-11-23T22:15:02.998502Z,120,2,300,in,remote,"
		"rst_recv,0,0,4026532174\n");
	free(out);
	view_fini(&v);
	model_fini(&m);
}

/* A pseudo-random session for the comparison below: every field's range,
 * edge values included, comms that need escaping, guarding and quoting. */
static void random_session(struct session *s, uint64_t *seed)
{
	static const char *const comms[] = {
		"nginx", "", "=evil,\"x\"", "a,b", "q\"q", "+1", "-x", "@y", "'=z", "\t", "tab\there",
		"nl\nx", "cr\rx", "\xff\xfe", "caf\xc3\xa9", "\x1b[31m", "0123456789abcde", "\\x41",
	};
	static const uint64_t nums[] = {
		0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 100000, 999999, 1000000,
		4294967295ull, 4294967296ull, 1099511627776ull, 18446744073709551615ull,
	};
#define RND() (*seed = *seed * 6364136223846793005ull + 1442695040888963407ull, *seed >> 33)
#define NUM() (RND() % 3 ? nums[RND() % (sizeof(nums) / sizeof(nums[0]))] : RND() * RND())
	memset(s, 0, sizeof(*s));
	/* Times: now, 1970, the year 2554 (the last a u64 of ns reaches),
	 * start and end seconds apart or in the same second. */
	s->end_ns = RND() % 4 ? 1796468761000000000ull + RND() % 3000000000ull :
		    RND() % 2 ? RND() % 1000000000ull : 18446744073709551615ull - RND() % 1000;
	s->start_ns = RND() % 2 ? s->end_ns - RND() % 2000000000ull : NUM();
	s->dur_us = NUM();
	s->tx_bytes = NUM();
	s->rx_bytes = NUM();
	s->family = RND() % 3 ? AF_INET : RND() % 2 ? AF_INET6 : 0;
	for (int i = 0; i < 16; i++) {
		s->laddr.s6_addr[i] = RND() % 4 ? 0 : (uint8_t)RND();
		s->raddr.s6_addr[i] = (uint8_t)RND();
	}
	if (RND() % 2) {
		s->laddr.s6_addr[10] = s->laddr.s6_addr[11] = 0xff;
		memset(s->laddr.s6_addr, 0, 10);
	}
	s->pid = (uint32_t)NUM();
	s->srtt_us = (uint32_t)NUM();
	s->handshake_us = (uint32_t)NUM();
	s->retrans = (uint32_t)NUM();
	/* a few namespaces, often the row before's (the kept text) */
	s->netns = RND() % 4 ? 4026531840u + (uint32_t)(RND() % 3) : (uint32_t)NUM();
	s->lport = (uint16_t)NUM();
	s->rport = (uint16_t)RND();
	s->dir = (uint8_t)(RND() % 4);
	s->closer = (uint8_t)(RND() % 4);
	s->cause = (uint8_t)(RND() % (CAUSE_MAX + 1));
	s->flags = (uint8_t)(RND() % 4);
	/* Sometimes garbage after the NUL: the text must not depend on it. */
	memset(s->comm, RND() % 2 ? 0 : 'Z', sizeof(s->comm));
	strncpy(s->comm, comms[RND() % (sizeof(comms) / sizeof(comms[0]))], sizeof(s->comm) - 1);
	s->comm[sizeof(s->comm) - 1] = '\0';
#undef NUM
#undef RND
}

/* The stream's direct Sessions row is the same text as the columns' own
 * formatting, row by row, over 200,000 sessions. */
static void test_session_row_as_columns(void **state)
{
	static char json[STREAM_ROW_MAX];
	struct membuf a, b;
	struct session s;
	uint64_t seed = 42, probe = 1;
	char *x, *y;
	size_t lines = 0;

	mem_open(&a);
	mem_open(&b);
	/* the direct row is in use (its names are the columns'), not the
	 * by-columns one it falls back to */
	random_session(&s, &probe);
	assert_true(csv_session_json(json, &s) > 0);
	for (int i = 0; i < 200000; i++) {
		random_session(&s, &seed);
		assert_int_equal(csv_write_row(a.f, VIEW_SESSIONS, &s), 0);
		assert_int_equal(csv_write_row_by_columns(b.f, VIEW_SESSIONS, &s), 0);
	}
	x = mem_close(&a);
	y = mem_close(&b);
	for (const char *p = x; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 200000);
	if (strcmp(x, y) != 0) {
		size_t i = 0, line = 1, from = 0;

		for (; x[i] && x[i] == y[i]; i++)
			if (x[i] == '\n') {
				line++;
				from = i + 1;
			}
		printf("row %zu differs:\n%.300s\n%.300s\n", line, x + from, y + from);
	}
	assert_string_equal(x, y);
	free(x);
	free(y);
}

static void test_write_view_procs_and_ports(void **state)
{
	struct model m;
	struct view v;
	struct membuf mb;
	char *out;

	/* the rate 3 us after the second close: a session in the current
	 * bucket is 2^-32 of one a nanosecond, 0.233 a second */
	columns_set_rate_now(T0_NS + 3000);
	build_view(&m, &v, VIEW_PORTS);
	mem_open(&mb);
	assert_int_equal(csv_write_view(mb.f, &v), 0);
	out = mem_close(&mb);
	/* sessions descending, ties by port: 22 before 443 */
	assert_string_equal(out,
		"port,sessions,rate_per_s,peers,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,fails,last_seen,"
		"netns,netns_count\n"
		"22,1,0.233,1,1099511627776,200,1.500,1.500,1,1,2026-11-23T22:15:03.000002Z,"
		"4026532174,1\n"
		"443,1,0.233,1,100,200,1.500,1.500,0,0,2026-11-23T22:15:03.000001Z,4026531840,1\n");
	free(out);
	assert_int_equal(view_build(&v, &m, VIEW_PROCS, NULL, NULL), 0);
	mem_open(&mb);
	assert_int_equal(csv_write_view(mb.f, &v), 0);
	out = mem_close(&mb);
	assert_string_equal(out,
		"pid,comm,sessions,rate_per_s,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,fails,peers,"
		"last_seen,netns,netns_count\n"
		"10,\"'=evil,\"\"x\"\"\",1,0.233,100,200,1.500,1.500,0,0,1,2026-11-23T22:15:03.000001Z,"
		"4026531840,1\n"
		"20,sshd,1,0.233,1099511627776,200,1.500,1.500,1,1,1,2026-11-23T22:15:03.000002Z,"
		"4026532174,1\n");
	free(out);
	/* peers: both sessions were with 10.0.0.2, on ports 443 and 22, from
	 * two network namespaces (netns 0, netns_count 2) */
	assert_int_equal(view_build(&v, &m, VIEW_PEERS, NULL, NULL), 0);
	mem_open(&mb);
	assert_int_equal(csv_write_view(mb.f, &v), 0);
	out = mem_close(&mb);
	assert_string_equal(out,
		"raddr,family,sessions,rate_per_s,ports,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,fails,"
		"last_seen,netns,netns_count\n"
		"10.0.0.2,4,2,0.466,2,1099511627876,400,1.500,1.500,1,1,2026-11-23T22:15:03.000002Z,"
		"0,2\n");
	free(out);
	/* 9 s on (two buckets): nothing lately */
	columns_set_rate_now(T0_NS + 9000000000ull);
	mem_open(&mb);
	assert_int_equal(csv_write_view(mb.f, &v), 0);
	out = mem_close(&mb);
	assert_non_null(strstr(out, "10.0.0.2,4,2,0.000,2,"));
	free(out);
	columns_set_rate_now(0);
	view_fini(&v);
	model_fini(&m);
}

static void test_write_error_reported(void **state)
{
	struct model m;
	struct view v;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	build_view(&m, &v, VIEW_SESSIONS);
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(csv_write_view(f, &v), -EIO);
	fclose(f);
	view_fini(&v);
	model_fini(&m);
}

/* ---- reader -------------------------------------------------------------- */

static void expect_record(FILE *f, struct csv_record *rec, unsigned long line, size_t n, ...)
{
	va_list ap;
	size_t i;

	assert_int_equal(csv_read_record(f, rec), 1);
	assert_int_equal(rec->line, line);
	assert_int_equal(rec->n, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(rec->fields[i], va_arg(ap, const char *));
	va_end(ap);
}

static void test_reader_basic(void **state)
{
	FILE *f = str_file("a,b,c\r\n"
			   "\"x,y\",\"he said \"\"hi\"\"\",\"multi\nline\r\nfield\"\n"
			   "\n"
			   ",,\n"
			   "last,no newline");
	struct csv_record rec;

	csv_record_init(&rec);
	expect_record(f, &rec, 1, 3, "a", "b", "c");
	expect_record(f, &rec, 2, 3, "x,y", "he said \"hi\"", "multi\nline\r\nfield");
	expect_record(f, &rec, 5, 1, "");		/* an empty line */
	expect_record(f, &rec, 6, 3, "", "", "");
	expect_record(f, &rec, 7, 2, "last", "no newline");
	assert_int_equal(csv_read_record(f, &rec), 0);
	assert_int_equal(csv_read_record(f, &rec), 0);
	csv_record_fini(&rec);
	fclose(f);
}

static void test_reader_errors(void **state)
{
#define CASE(text, ret, line, err) { text, sizeof(text) - 1, ret, line, err }
	static const struct {
		const char *in;
		size_t len;	/* the text may hold a NUL */
		int ret;
		unsigned long line;
		const char *err;
	} cases[] = {
		CASE("a,b\n\"open,\nnever\nclosed\n", -EINVAL, 2, "unterminated quoted field"),
		CASE("a,b\nx\"y,z\n", -EINVAL, 2, "stray quote in unquoted field"),
		CASE("a,b\n\"q\"x,z\n", -EINVAL, 2, "unexpected text after closing quote"),
		CASE("a,b\nc,d\0e\n", -EINVAL, 2, "NUL byte in input"),
		CASE("a\n\n\nx,\"\n\n", -EINVAL, 4, "unterminated quoted field"),
	};
#undef CASE
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		FILE *f;
		struct csv_record rec;

		f = fmemopen((void *)cases[i].in, cases[i].len, "r");
		csv_record_init(&rec);
		assert_int_equal(csv_read_record(f, &rec), 1);
		while (i == 4 && rec.line < 3)	/* skip the blank lines */
			assert_int_equal(csv_read_record(f, &rec), 1);
		assert_int_equal(csv_read_record(f, &rec), cases[i].ret);
		assert_int_equal(rec.err_line, cases[i].line);
		assert_string_equal(rec.err, cases[i].err);
		csv_record_fini(&rec);
		fclose(f);
	}
}

static void test_reader_limits(void **state)
{
	struct csv_record rec;
	struct membuf m;
	char *big;
	FILE *f;
	size_t i;

	/* one record over CSV_MAX_RECORD bytes */
	mem_open(&m);
	for (i = 0; i < CSV_MAX_RECORD + 10; i++)
		putc('x', m.f);
	putc('\n', m.f);
	big = mem_close(&m);
	f = str_file(big);
	csv_record_init(&rec);
	assert_int_equal(csv_read_record(f, &rec), -E2BIG);
	assert_string_equal(rec.err, "record too long");
	csv_record_fini(&rec);
	fclose(f);
	free(big);

	/* too many fields */
	mem_open(&m);
	for (i = 0; i < CSV_MAX_FIELDS + 10; i++)
		putc(',', m.f);
	big = mem_close(&m);
	f = str_file(big);
	csv_record_init(&rec);
	assert_int_equal(csv_read_record(f, &rec), -E2BIG);
	csv_record_fini(&rec);
	fclose(f);
	free(big);
}

/* ---- export ------------------------------------------------------------- */

static void test_export_ok(void **state)
{
	struct model m;
	struct view v;
	struct membuf mb;
	char path[128], err[256] = "", *want, *got;

	build_view(&m, &v, VIEW_SESSIONS);
	snprintf(path, sizeof(path), "%s/ok.csv", tmpdir);
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	mem_open(&mb);
	csv_write_view(mb.f, &v);
	want = mem_close(&mb);
	got = slurp(path);
	assert_string_equal(got, want);
	free(got);
	/* exporting again replaces the file; no temporary file is left behind */
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), 0);
	assert_int_equal(count_entries(tmpdir), 1);
	assert_int_equal(unlink(path), 0);
	free(want);
	view_fini(&v);
	model_fini(&m);
}

/* Replacing a file keeps its permissions and owner; through a link, the
 * file the link names is replaced and the link stays. */
static void test_export_keeps_mode_owner_link(void **state)
{
	struct model m;
	struct view v;
	struct membuf mb;
	char path[128], link[128], err[256] = "", *want, *got;
	struct stat st;
	FILE *f;

	build_view(&m, &v, VIEW_SESSIONS);
	mem_open(&mb);
	csv_write_view(mb.f, &v);
	want = mem_close(&mb);
	snprintf(path, sizeof(path), "%s/mine.csv", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0640), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(path, 1234, 2345), 0);
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	if (geteuid() == 0) {
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 2345);
	}
	got = slurp(path);
	assert_string_equal(got, want);
	free(got);
	/* through a link */
	snprintf(link, sizeof(link), "%s/link.csv", tmpdir);
	assert_int_equal(symlink("mine.csv", link), 0);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(csv_export_view(link, &v, err, sizeof(err)), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	got = slurp(path);
	assert_string_equal(got, want);
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(count_entries(tmpdir), 2);	/* no temporary file left */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(unlink(path), 0);
	free(want);
	view_fini(&v);
	model_fini(&m);
}

static void test_export_missing_dir(void **state)
{
	struct model m;
	struct view v;
	char path[128], err[256] = "";

	build_view(&m, &v, VIEW_SESSIONS);
	snprintf(path, sizeof(path), "%s/nope/x.csv", tmpdir);
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot create"));
	assert_non_null(strstr(err, "/nope/x.csv"));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(count_entries(tmpdir), 0);
	assert_int_equal(csv_export_view("", &v, err, sizeof(err)), -EINVAL);
	view_fini(&v);
	model_fini(&m);
}

/* A long name: the message keeps its start, its end and why it failed,
 * short enough for a status line (until 2026-12-06 a 300-character name
 * pushed "File name too long" out of every line that showed it). */
static void test_export_long_name(void **state)
{
	struct model m;
	struct view v;
	char path[512], err[512] = "";
	size_t len;

	build_view(&m, &v, VIEW_SESSIONS);
	len = (size_t)snprintf(path, sizeof(path), "%s/", tmpdir);
	memset(path + len, 'L', 300);
	strcpy(path + len + 300, "\xc3\xa9.csv");	/* a name too long for the file system */
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "cannot create /tmp/"));
	assert_non_null(strstr(err, "\xe2\x80\xa6LLLL"));
	assert_non_null(strstr(err, "LLL\xc3\xa9.csv: File name too long"));
	assert_true(strlen(err) < 110);
	/* a short one is shown whole */
	snprintf(path, sizeof(path), "%s/no/x.csv", tmpdir);
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, tmpdir));
	assert_null(strstr(err, "\xe2\x80\xa6"));
	assert_int_equal(count_entries(tmpdir), 0);
	view_fini(&v);
	model_fini(&m);
}

static void test_export_onto_directory(void **state)
{
	struct model m;
	struct view v;
	char path[128], err[256] = "";

	build_view(&m, &v, VIEW_SESSIONS);
	snprintf(path, sizeof(path), "%s/adir", tmpdir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "is a directory"));
	assert_int_equal(count_entries(tmpdir), 1);	/* just the directory */
	assert_int_equal(rmdir(path), 0);
	view_fini(&v);
	model_fini(&m);
}

/*
 * A device, a pipe, a socket, directly or through a link, are never
 * replaced: an export to a copy of /dev/full (as root) used to rename a
 * file over the device node. Each is refused before anything is written,
 * the node stays what it was, and no temporary file is left.
 */
static void test_export_onto_special_files(void **state)
{
	struct model m;
	struct view v;
	char dev[128], fifo[128], sock[128], link[128], err[256];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *paths[4] = { dev, fifo, sock, link };
	const char *says[4] = { "is a device", "is a pipe", "is a socket", "is a device" };
	struct stat st;
	bool exists;
	int sfd;

	build_view(&m, &v, VIEW_SESSIONS);
	snprintf(dev, sizeof(dev), "%s/full", tmpdir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
	snprintf(sock, sizeof(sock), "%s/sock", tmpdir);
	snprintf(link, sizeof(link), "%s/link", tmpdir);
	/* a device node needs CAP_MKNOD: without it, the pipe and socket */
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 7)) != 0)
		paths[0] = paths[3] = NULL;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	sfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(sfd >= 0);
	assert_true(strlen(sock) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	assert_int_equal(bind(sfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	if (paths[0])
		assert_int_equal(symlink("full", link), 0);
	for (int i = 0; i < 4; i++) {
		if (!paths[i])
			continue;
		err[0] = '\0';
		assert_true(csv_export_target(paths[i], &exists, err, sizeof(err)) < 0);
		assert_false(exists);
		assert_non_null(strstr(err, says[i]));
		err[0] = '\0';
		assert_true(csv_export_view(paths[i], &v, err, sizeof(err)) < 0);
		assert_non_null(strstr(err, "cannot export to"));
		assert_non_null(strstr(err, says[i]));
		assert_null(strchr(err, '\n'));
	}
	if (paths[0]) {
		assert_int_equal(stat(dev, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
		assert_int_equal(unlink(link), 0);
		assert_int_equal(unlink(dev), 0);
	}
	assert_int_equal(stat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(stat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(count_entries(tmpdir), 2);	/* the pipe and the socket, nothing else */
	close(sfd);
	assert_int_equal(unlink(fifo), 0);
	assert_int_equal(unlink(sock), 0);
	/* a link to nothing, and a loop: refused, the links stay */
	snprintf(link, sizeof(link), "%s/dangling", tmpdir);
	assert_int_equal(symlink("nowhere", link), 0);
	assert_int_equal(csv_export_view(link, &v, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "symbolic link to nothing"));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(unlink(link), 0);
	snprintf(link, sizeof(link), "%s/loop", tmpdir);
	assert_int_equal(symlink("loop", link), 0);
	assert_int_equal(csv_export_view(link, &v, err, sizeof(err)), -ENOENT);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(unlink(link), 0);
	assert_int_equal(count_entries(tmpdir), 0);
	/* a file, and nothing: exported to */
	snprintf(link, sizeof(link), "%s/new.csv", tmpdir);
	assert_int_equal(csv_export_target(link, &exists, err, sizeof(err)), 0);
	assert_false(exists);
	assert_int_equal(csv_export_view(link, &v, err, sizeof(err)), 0);
	assert_int_equal(csv_export_target(link, &exists, err, sizeof(err)), 0);
	assert_true(exists);
	assert_int_equal(unlink(link), 0);
	view_fini(&v);
	model_fini(&m);
}

/*
 * Run fn in a child process (for privilege drops and resource limits that
 * must not leak into the other tests); the child's exit status is fn's
 * return value.
 */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(arg));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

struct export_job {
	const char *path;
	char err[256];
	int ret;
};

static int child_export_ro(void *arg)
{
	struct export_job *job = arg;
	struct model m;
	struct view v;
	char err[256] = "";
	int ret;

	/* root ignores directory permissions: become nobody first */
	if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
		return 100;
	build_view(&m, &v, VIEW_SESSIONS);
	ret = csv_export_view(job->path, &v, err, sizeof(err));
	if (ret != -EACCES)
		return 101;
	if (!strstr(err, "cannot create") || !strstr(err, "Permission denied"))
		return 102;
	return 0;
}

/* The same onto a file that is there (and writable): what cannot be made is
 * the new file beside it, and the message says so (until 2026-12-06 it said
 * "cannot create" a file that existed). */
static int child_export_ro_replace(void *arg)
{
	struct export_job *job = arg;
	struct model m;
	struct view v;
	char err[256] = "";

	if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
		return 100;
	build_view(&m, &v, VIEW_SESSIONS);
	if (csv_export_view(job->path, &v, err, sizeof(err)) != -EACCES)
		return 101;
	if (!strstr(err, "cannot replace") || !strstr(err, "beside it: Permission denied"))
		return 102;
	return 0;
}

static void test_export_read_only_dir(void **state)
{
	struct export_job job;
	char dir[128], path[160], *got;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/ro", tmpdir);
	assert_int_equal(mkdir(dir, 0555), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(chmod(tmpdir, 0755), 0);	/* nobody may enter, not write */
	snprintf(path, sizeof(path), "%s/x.csv", dir);
	job.path = path;
	assert_int_equal(in_child(child_export_ro, &job), 0);
	assert_int_equal(count_entries(dir), 0);	/* no file, no temporary */
	/* a file there, writable by anyone: left as it was */
	snprintf(path, sizeof(path), "%s/old.csv", dir);
	f = fopen(path, "w");	/* root may, in the read-only directory */
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(in_child(child_export_ro_replace, &job), 0);
	assert_int_equal(count_entries(dir), 1);
	got = slurp(path);
	assert_string_equal(got, "old\n");
	free(got);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(chmod(tmpdir, 0700), 0);
	assert_int_equal(rmdir(dir), 0);
}

static int child_export_too_large(void *arg)
{
	struct export_job *job = arg;
	struct rlimit rl = { 200, 200 };
	struct model m;
	struct view v;
	char err[256] = "";
	int ret;

	signal(SIGXFSZ, SIG_IGN);
	build_view(&m, &v, VIEW_SESSIONS);
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 100;
	ret = csv_export_view(job->path, &v, err, sizeof(err));
	if (ret != -EFBIG)
		return 101;
	if (!strstr(err, "cannot write") || !strstr(err, "File too large"))
		return 102;
	return 0;
}

/* A write failing half way leaves the previous file as it was, and no temporary. */
static void test_export_write_failure_is_atomic(void **state)
{
	struct export_job job;
	char path[128], *got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/keep.csv", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old contents\n", f);
	fclose(f);
	job.path = path;
	assert_int_equal(in_child(child_export_too_large, &job), 0);
	got = slurp(path);
	assert_string_equal(got, "old contents\n");
	free(got);
	assert_int_equal(count_entries(tmpdir), 1);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_cell_quoting),
		cmocka_unit_test(test_write_text_cell_neutralises),
		cmocka_unit_test(test_round_trip_through_reader),
		cmocka_unit_test(test_write_view_sessions),
		cmocka_unit_test(test_session_row_as_columns),
		cmocka_unit_test(test_write_view_procs_and_ports),
		cmocka_unit_test(test_write_error_reported),
		cmocka_unit_test(test_reader_basic),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_reader_limits),
		cmocka_unit_test(test_export_ok),
		cmocka_unit_test(test_export_keeps_mode_owner_link),
		cmocka_unit_test(test_export_missing_dir),
		cmocka_unit_test(test_export_long_name),
		cmocka_unit_test(test_export_onto_directory),
		cmocka_unit_test(test_export_onto_special_files),
		cmocka_unit_test(test_export_read_only_dir),
		cmocka_unit_test(test_export_write_failure_is_atomic),
	};

	return cmocka_run_group_tests_name("csv", tests, make_tmpdir, remove_tmpdir);
}
