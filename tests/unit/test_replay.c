// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/replay.c (CSV replay source): round trips and error messages. */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/model.h"
#include "core/replay.h"
#include "core/stream.h"
#include "core/view.h"

static char tmpdir[64];
static char path[128];

static int make_tmpdir(void **state)
{
	strcpy(tmpdir, "/tmp/tcpscope-replay-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/trace.csv", tmpdir);
	return 0;
}

static int remove_tmpdir(void **state)
{
	unlink(path);
	return rmdir(tmpdir);
}

static void write_file(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void assert_session_equal(const struct session *a, const struct session *b)
{
	assert_true(a->start_ns == b->start_ns);
	assert_true(a->end_ns == b->end_ns);
	assert_true(a->dur_us == b->dur_us);
	assert_true(a->tx_bytes == b->tx_bytes);
	assert_true(a->rx_bytes == b->rx_bytes);
	assert_memory_equal(&a->laddr, &b->laddr, sizeof(a->laddr));
	assert_memory_equal(&a->raddr, &b->raddr, sizeof(a->raddr));
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->srtt_us, b->srtt_us);
	assert_int_equal(a->handshake_us, b->handshake_us);
	assert_int_equal(a->retrans, b->retrans);
	assert_int_equal(a->lport, b->lport);
	assert_int_equal(a->rport, b->rport);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->dir, b->dir);
	assert_int_equal(a->closer, b->closer);
	assert_int_equal(a->cause, b->cause);
	assert_int_equal(a->flags, b->flags);
	assert_true(a->netns == b->netns);
	assert_memory_equal(a->comm, b->comm, SESSION_COMM_LEN);
}

#define N_SESS 64

static struct session orig[N_SESS];

/* Varied sessions; times whole microseconds (the CSV precision), in close order. */
static void make_sessions(void)
{
	static const char *const comms[] = {
		"nginx", "=cmd|'/C calc'!", "-rf", "+x", "@SUM(1)", "'=quoted",
		"a,b\"c", "\x1b[2J\x07", "tab\there\n", "\xff\xfe\\", "caf\xc3\xa9",
		"\xc2\x9b" "31m", "", "0123456789abcde",
	};
	unsigned int seed = 11;
	int i;

	for (i = 0; i < N_SESS; i++) {
		struct session *s = &orig[i];

		memset(s, 0, sizeof(*s));
		*s = mk_session((uint32_t)rand_r(&seed), comms[i % ARRAY_LEN(comms)],
				(uint16_t)rand_r(&seed), (uint16_t)rand_r(&seed),
				T0_NS + (uint64_t)i * 1000 * 1000);
		memset(s->comm, 0, sizeof(s->comm));
		assert_true(strlen(comms[i % ARRAY_LEN(comms)]) < SESSION_COMM_LEN);
		strcpy(s->comm, comms[i % ARRAY_LEN(comms)]);
		s->start_ns = T0_NS - (uint64_t)(rand_r(&seed) % 100000) * 1000;
		s->dur_us = (uint64_t)rand_r(&seed) * (i % 3 ? 1 : 1000000);
		s->tx_bytes = i == 1 ? UINT64_MAX : (uint64_t)rand_r(&seed);
		s->rx_bytes = i == 2 ? 0 : (uint64_t)rand_r(&seed) << 20;
		s->srtt_us = i == 3 ? UINT32_MAX : (uint32_t)rand_r(&seed) % 100000;
		s->handshake_us = (uint32_t)rand_r(&seed) % 5000;
		s->retrans = (uint32_t)rand_r(&seed) % 7;
		s->dir = (uint8_t)(i % 3);
		s->closer = (uint8_t)(i % 3);
		s->cause = (uint8_t)(i % CAUSE_MAX);
		s->flags = (uint8_t)(i % 4);
		s->netns = i % 7 == 3 ? 0 : i % 7 == 5 ? UINT32_MAX : 4026531840u + (uint32_t)(i % 3);
		if (i == 4) {
			s->lport = 0;
			s->rport = 65535;
		}
		if (i % 5 == 1) {
			s->family = AF_INET6;
			addr_v6(&s->laddr, "2001:db8::1");
			addr_v6(&s->raddr, i % 2 ? "fe80::1:2:3:4" : "::1");
		} else if (i % 5 == 2) {
			s->family = AF_INET6;	/* dual-stack socket, IPv4 peer */
			addr_v4(&s->raddr, 192, 0, 2, (uint8_t)i);
		} else {
			addr_v4(&s->raddr, 198, 51, 100, (uint8_t)i);
		}
	}
}

struct collect {
	struct session got[N_SESS * 2];
	size_t n;
	size_t stop_after;	/* ask drain() to stop after this many (0: never) */
};

static int collect_sink(void *ctx, const struct session *s)
{
	struct collect *c = ctx;

	assert_true(c->n < ARRAY_LEN(c->got));
	c->got[c->n++] = *s;
	return c->stop_after && c->n >= c->stop_after;
}

static void replay_all(struct collect *c)
{
	char err[256] = "";
	struct session_source *src = replay_open(path, err, sizeof(err));
	int r;

	if (!src)
		fail_msg("%s", err);
	assert_string_equal(src->name, "replay");
	assert_int_equal(source_fd(src), -1);
	memset(c, 0, sizeof(*c));
	r = source_drain(src, collect_sink, c);
	assert_int_equal(r, replay_count(src));
	assert_int_equal(source_drain(src, collect_sink, c), -ENODATA);
	source_destroy(src);
}

static void test_round_trip_export(void **state)
{
	struct model m;
	struct view v = { 0 };
	struct collect *c = malloc(sizeof(*c));
	char err[256] = "";
	int i;

	make_sessions();
	assert_int_equal(model_init(&m, 1000), 0);
	for (i = 0; i < N_SESS; i++)
		model_add(&m, &orig[i]);
	assert_int_equal(view_build(&v, &m, VIEW_SESSIONS, NULL, NULL), 0);
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), 0);
	replay_all(c);
	assert_int_equal(c->n, N_SESS);
	for (i = 0; i < N_SESS; i++)
		assert_session_equal(&c->got[i], &orig[i]);
	free(c);
	view_fini(&v);
	model_fini(&m);
}

static void test_round_trip_stream(void **state)
{
	struct stream_opts o = { .fmt = STREAM_CSV };
	struct collect *c = malloc(sizeof(*c));
	FILE *f;
	int i;

	make_sessions();
	f = fopen(path, "w");
	assert_non_null(f);
	stream_header(f, &o);
	for (i = 0; i < N_SESS; i++)
		stream_session(f, &o, &orig[i], orig[0].end_ns);
	fclose(f);
	replay_all(c);
	assert_int_equal(c->n, N_SESS);
	for (i = 0; i < N_SESS; i++)
		assert_session_equal(&c->got[i], &orig[i]);
	free(c);
}

/* The model fed from a replay has the same totals as one fed directly. */
static void test_replay_into_model(void **state)
{
	struct model direct, replayed;
	struct view v = { 0 };
	char err[256];
	struct session_source *src;
	const struct agg_row *r, *q;
	int i;

	make_sessions();
	assert_int_equal(model_init(&direct, 100), 0);
	assert_int_equal(model_init(&replayed, 100), 0);
	for (i = 0; i < N_SESS; i++)
		model_add(&direct, &orig[i]);
	assert_int_equal(view_build(&v, &direct, VIEW_SESSIONS, NULL, NULL), 0);
	assert_int_equal(csv_export_view(path, &v, err, sizeof(err)), 0);
	src = replay_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_int_equal(source_drain(src, model_sink, &replayed), N_SESS);
	source_destroy(src);
	assert_int_equal(agg_table_len(replayed.by_proc), agg_table_len(direct.by_proc));
	for (r = agg_table_first(direct.by_port); r; r = agg_row_next(r)) {
		q = agg_find_port(replayed.by_port, r->port);
		assert_non_null(q);
		assert_true(q->sessions == r->sessions && q->tx_bytes == r->tx_bytes &&
			    q->dur_sum_us == r->dur_sum_us && q->rsts == r->rsts &&
			    q->peers == r->peers && q->last_ns == r->last_ns);
	}
	view_fini(&v);
	model_fini(&direct);
	model_fini(&replayed);
}

static void test_drain_batches_and_stop(void **state)
{
	struct stream_opts o = { .fmt = STREAM_CSV };
	struct collect *c = calloc(1, sizeof(*c));
	struct source_stats st;
	struct session_source *src;
	char err[256];
	FILE *f;
	int i;

	make_sessions();
	f = fopen(path, "w");
	stream_header(f, &o);
	for (i = 0; i < 10; i++)
		stream_session(f, &o, &orig[i], 0);
	fclose(f);
	src = replay_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_int_equal(replay_count(src), 10);
	replay_set_batch(src, 4);
	assert_int_equal(source_drain(src, collect_sink, c), 4);
	assert_int_equal(replay_remaining(src), 6);
	c->stop_after = 5;	/* the sink stops the drain after the 5th */
	assert_int_equal(source_drain(src, collect_sink, c), 1);
	c->stop_after = 0;
	replay_set_batch(src, 0);
	assert_int_equal(source_drain(src, collect_sink, c), 5);
	assert_int_equal(source_drain(src, collect_sink, c), -ENODATA);
	source_stats(src, &st);
	assert_true(st.sessions == 10);
	assert_true(st.missed == 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(c->got[i].pid, orig[i].pid);
	source_destroy(src);
	source_destroy(NULL);
	free(c);
}

/* A file of more sessions than the history, in no time order (an export
 * sorted by PID, or newest first): the history keeps the newest by close
 * time, not the file's last rows; a file that fits keeps its order. */
static void test_keep_newest(void **state)
{
	struct stream_opts o = { .fmt = STREAM_CSV };
	struct collect *c = calloc(1, sizeof(*c));
	struct session_source *src;
	struct model m;
	char err[256];
	FILE *f;
	int i;

	make_sessions();
	/* newest first, with the two newest apart from each other */
	f = fopen(path, "w");
	assert_non_null(f);
	stream_header(f, &o);
	for (i = N_SESS - 2; i >= 0; i--) {
		stream_session(f, &o, &orig[i], 0);
		if (i == N_SESS / 2)
			stream_session(f, &o, &orig[N_SESS - 1], 0);
	}
	fclose(f);

	src = replay_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_int_equal(model_init(&m, 5), 0);
	assert_int_equal(replay_keep_newest(src, session_log_capacity(m.log)), 0);
	assert_int_equal(source_drain(src, model_sink, &m), N_SESS);
	assert_true(m.sessions_total == N_SESS);
	assert_int_equal(session_log_len(m.log), 5);
	for (i = 0; i < 5; i++)	/* the five newest, oldest first */
		assert_session_equal(session_log_at(m.log, (size_t)i), &orig[N_SESS - 5 + i]);
	model_fini(&m);
	source_destroy(src);

	/* A history that holds the whole file: the file's order. */
	src = replay_open(path, err, sizeof(err));
	assert_non_null(src);
	assert_int_equal(replay_keep_newest(src, N_SESS), 0);
	assert_int_equal(source_drain(src, collect_sink, c), N_SESS);
	assert_session_equal(&c->got[0], &orig[N_SESS - 2]);
	assert_session_equal(&c->got[N_SESS - 1 - N_SESS / 2], &orig[N_SESS - 1]);
	assert_session_equal(&c->got[N_SESS - 1], &orig[0]);
	source_destroy(src);
	free(c);
}

/* Columns in any order, unknown extras, optional ones missing, BOM, CRLF, blank lines. */
static void test_flexible_header(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf" "rport,extra,duration_ms,rx_bytes,tx_bytes,raddr,lport,laddr,family,comm,pid,time\r\n"
		"443,whatever,2.5,10,20,10.0.0.9,40000,10.0.0.1,4,curl,77,2026-11-23T22:15:03.000010Z\r\n"
		"\r\n"
		"80,,0,0,0,::1,1,::1,6,,1,2026-11-23T22:15:04Z\r\n";
	struct collect *c = malloc(sizeof(*c));
	struct in6_addr a;

	write_file(text, sizeof(text) - 1);
	replay_all(c);
	assert_int_equal(c->n, 2);
	assert_int_equal(c->got[0].pid, 77);
	assert_string_equal(c->got[0].comm, "curl");
	assert_int_equal(c->got[0].rport, 443);
	assert_true(c->got[0].dur_us == 2500);
	assert_true(c->got[0].tx_bytes == 20 && c->got[0].rx_bytes == 10);
	assert_true(c->got[0].end_ns == T0_NS + 10000);
	assert_true(c->got[0].start_ns == T0_NS + 10000 - 2500000);	/* time - duration */
	/* no pid_certain column: the file does not say, so not known for sure */
	assert_int_equal(c->got[0].flags, SESS_PID_UNCERTAIN);
	assert_int_equal(c->got[0].netns, 0);	/* no netns column (before 2026-12-07): unknown */
	assert_int_equal(c->got[0].cause, CAUSE_UNKNOWN);
	assert_int_equal(c->got[1].family, AF_INET6);
	addr_v6(&a, "::1");
	assert_memory_equal(&c->got[1].raddr, &a, sizeof(a));
	free(c);
}

/* A file cut short inside its last row (a full disk, `head -c`): the whole
 * rows before it are read, the cut one is left out and said so. A row cut
 * anywhere else, or a last row that is whole without its line end, is not
 * this. */
static void test_cut_short(void **state)
{
#define CUT_HDR "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms,partial\n"
#define CUT_ROW(pid) "2026-11-23T22:15:03.000000Z," pid ",sh,4,10.0.0.1,1000,10.0.0.2,80,1,2,0.500,0"
	static const struct {
		const char *text;
		int sessions;		/* -1: refused */
		const char *warning;	/* NULL: none */
	} cases[] = {
		{ CUT_HDR CUT_ROW("1") "\n" CUT_ROW("2") "\n2026-11-23T22:15:0", 2, ":4: the file ends inside this row: left out" },
		{ CUT_HDR CUT_ROW("1") "\n" CUT_ROW("2") "\n" CUT_ROW("3"), 3, NULL },	/* whole */
		{ CUT_HDR CUT_ROW("1") "\n" CUT_ROW("2") ",", -1, NULL },	/* too many fields */
		{ CUT_HDR CUT_ROW("1") "\n" "2026-11-23T22:15:03.000000Z,2,sh,4,10.0.0.1,1000,10.0.0.2,80,1,2,0.500,", 1,
		  ":3: the file ends inside this row" },	/* cut inside the last field */
		{ CUT_HDR "2026-11-23T22:15:03Z,1,sh\n" CUT_ROW("2") "\n", -1, NULL },	/* not the last */
		{ "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms", 0,
		  ": the file ends inside its header line: no rows" },
	};
	char err[256];

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct session_source *src;
		const char *w;

		write_file(cases[i].text, strlen(cases[i].text));
		err[0] = '\0';
		src = replay_open(path, err, sizeof(err));
		if (cases[i].sessions < 0) {
			if (src)
				fail_msg("case %zu: read, expected refused", i);
			assert_non_null(strstr(err, "fields, the header has"));
			continue;
		}
		if (!src)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(replay_count(src), cases[i].sessions);
		w = replay_warning(src);
		if (cases[i].warning) {
			assert_non_null(w);
			assert_non_null(strstr(w, cases[i].warning));
			assert_non_null(strstr(w, path));
		} else {
			assert_null(w);
		}
		source_destroy(src);
	}
	assert_null(replay_warning(NULL));
#undef CUT_HDR
#undef CUT_ROW
}

static void test_open_errors(void **state)
{
#define HDR "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms"
#define ROW "2026-11-23T22:15:03.000000Z,1,sh,4,10.0.0.1,1000,10.0.0.2,80,1,2,0.500"
	static const struct {
		const char *text;
		const char *msg;	/* after "replay: <path>" */
	} cases[] = {
		{ "", ": empty file" },
		{ "\x01\x02garbage\x1b\n\x7f\n", ":1: not a tcpscope sessions CSV: no 'time' column "
		  "(header starts '\\x01\\x02garbage\\x1b')" },
		{ "pid,comm,sessions,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,peers,last_seen\n"
		  "1,sh,1,1,1,1.000,1.000,0,1,2026-11-23T22:15:03.000000Z\n",
		  ": not a sessions CSV (it is a processes export)" },
		{ "port,sessions,peers,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,last_seen\n",
		  ": not a sessions CSV (it is a ports export)" },
		{ "raddr,family,sessions,ports,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,fails,last_seen\n"
		  "10.0.0.2,4,2,2,100,400,1.500,1.500,1,1,2026-11-23T22:15:03.000002Z\n",
		  ": not a sessions CSV (it is a peers export)" },
		{ "time,pid,comm,family,laddr,lport,raddr,tx_bytes,rx_bytes,duration_ms\n",
		  ":1: not a tcpscope sessions CSV: no 'rport' column (header starts 'time')" },
		{ HDR ",pid\n", ":1: duplicate column 'pid'" },
		{ HDR "\n" ROW "\n"
		  "2026-11-23T22:15:03.000000Z,1,sh,4,10.0.0.1,1000,10.0.0.2,x,1,2,0.500\n",
		  ":3: bad rport 'x'" },
		{ HDR "\n2026-11-23T22:15:03.000000Z,1,sh,4,10.0.0.1,1000,10.0.0.2,65536,1,2,0.5\n",
		  ":2: bad rport '65536'" },
		{ HDR "\n2026-11-23T22:15:03.000000Z,1,sh,4,10.0.0.1,1000,10.0.0.2,\x1b[2J,1,2,0.5\n",
		  ":2: bad rport '\\x1b[2J'" },
		{ HDR "\n2026-11-23T22:15:03.000000Z,1,sh,5,10.0.0.1,1000,10.0.0.2,80,1,2,0.5\n",
		  ":2: bad family '5'" },
		{ HDR "\n2026-11-23T22:15:03.000000Z,1,sh,4,10.0.0,1000,10.0.0.2,80,1,2,0.5\n",
		  ":2: bad laddr '10.0.0'" },
		{ HDR "\n2026-11-23T22:15:03.000000Z,1,sh,4,::1,1000,10.0.0.2,80,1,2,0.5\n",
		  ":2: bad laddr '::1'" },
		{ HDR "\n2026-11-23 22:15:03,1,sh,4,10.0.0.1,1000,10.0.0.2,80,1,2,0.5\n",
		  ":2: bad time '2026-11-23 22:15:03'" },
		{ HDR "\n2026-11-23T22:15:03Z,1,sh,4,10.0.0.1,1000,10.0.0.2,80,1,2,1.2345\n",
		  ":2: bad duration_ms '1.2345'" },
		{ HDR "\n2026-11-23T22:15:03Z,1,sh,4,10.0.0.1,1000,10.0.0.2,80,-1,2,1\n",
		  ":2: bad tx_bytes '-1'" },
		{ HDR "\n2026-11-23T22:15:03Z,1,sh,4,10.0.0.1,1000,10.0.0.2,80,1,18446744073709551616,1\n",
		  ":2: bad rx_bytes '18446744073709551616'" },
		{ HDR "\n2026-11-23T22:15:03Z,4294967296,sh,4,10.0.0.1,1000,10.0.0.2,80,1,2,1\n",
		  ":2: bad pid '4294967296'" },
		{ HDR "\n2026-11-23T22:15:03Z,1,a\\qb,4,10.0.0.1,1000,10.0.0.2,80,1,2,1\n",
		  ":2: bad comm 'a\\\\qb'" },
		{ HDR "\n" ROW "\n" ROW "\n2026-11-23T22:15:03.000000Z,1,sh,4,10.0.0.1\n",
		  ":4: 5 fields, the header has 11 (truncated line?)" },
		{ HDR "\n" ROW ",extra\n", ":2: 12 fields, the header has 11" },
		{ HDR "\n" ROW "\n2026-11-23T22:15:03Z,1,\"sh,4,10.0.0.1,1000,10.0.0.2,80,1,2,1\n",
		  ":3: unterminated quoted field" },
		{ HDR ",end_cause\n" ROW ",boom\n", ":2: bad end_cause 'boom'" },
		{ HDR ",pid_certain\n" ROW ",2\n", ":2: bad pid_certain '2'" },
		{ HDR ",start_time\n" ROW ",yesterday\n", ":2: bad start_time 'yesterday'" },
		{ HDR ",netns\n" ROW ",4294967296\n", ":2: bad netns '4294967296'" },
		{ HDR ",netns\n" ROW ",net:[4026531840]\n", ":2: bad netns 'net:[4026531840]'" },
	};
#undef HDR
#undef ROW
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char err[256] = "", want[512];
		struct session_source *src;

		write_file(cases[i].text, strlen(cases[i].text));
		errno = 0;
		src = replay_open(path, err, sizeof(err));
		if (src)
			fail_msg("case %zu accepted", i);
		assert_true(errno != 0);
		snprintf(want, sizeof(want), "replay: %s%s", path, cases[i].msg);
		assert_string_equal(err, want);
	}
}

static void test_missing_file(void **state)
{
	char err[256], want[300], missing[160];

	snprintf(missing, sizeof(missing), "%s/none.csv", tmpdir);
	errno = 0;
	assert_null(replay_open(missing, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof(want), "replay: cannot open %s: No such file or directory", missing);
	assert_string_equal(err, want);
}

/* Random corruption of a good file: either a clean error or sessions, never a crash. */
static void test_fuzzed_files(void **state)
{
	struct stream_opts o = { .fmt = STREAM_CSV };
	char *good = NULL, err[256];
	size_t len = 0;
	unsigned int seed = 21;
	FILE *f;
	int i, iter;

	make_sessions();
	f = open_memstream(&good, &len);
	stream_header(f, &o);
	for (i = 0; i < 8; i++)
		stream_session(f, &o, &orig[i], 0);
	fclose(f);
	for (iter = 0; iter < 2000; iter++) {
		char *bad = malloc(len + 1);
		size_t cut = (size_t)rand_r(&seed) % (len + 1), k;
		struct session_source *src;

		memcpy(bad, good, len);
		for (k = 0; k < 3; k++)
			bad[(size_t)rand_r(&seed) % len] = (char)rand_r(&seed);
		write_file(bad, iter % 2 ? cut : len);
		err[0] = '\0';
		src = replay_open(path, err, sizeof(err));
		if (src) {
			struct collect *c = malloc(sizeof(*c));

			memset(c, 0, sizeof(*c));
			source_drain(src, collect_sink, c);
			source_destroy(src);
			free(c);
		} else {
			assert_true(strncmp(err, "replay: ", 8) == 0);
			assert_null(strchr(err, '\n'));
			assert_null(strchr(err, '\x1b'));
		}
		free(bad);
	}
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_export),
		cmocka_unit_test(test_round_trip_stream),
		cmocka_unit_test(test_replay_into_model),
		cmocka_unit_test(test_drain_batches_and_stop),
		cmocka_unit_test(test_keep_newest),
		cmocka_unit_test(test_flexible_header),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_fuzzed_files),
	};

	return cmocka_run_group_tests_name("replay", tests, make_tmpdir, remove_tmpdir);
}
