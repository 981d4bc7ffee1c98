// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/stream.c (tcplife text, CSV and JSON lines). */
#include "tests/unit/helpers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/columns.h"
#include "core/csv.h"
#include "core/fmt.h"
#include "core/stream.h"

static char *render(const struct stream_opts *o, const struct session *s, size_t n,
		    uint64_t first_end_ns, bool header)
{
	/* static: the memstream keeps their addresses until fclose() */
	static char *buf;
	static size_t len;
	size_t i;
	FILE *f;

	buf = NULL;
	len = 0;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (header)
		stream_header(f, o);
	for (i = 0; i < n; i++)
		stream_session(f, o, &s[i], first_end_ns);
	assert_false(ferror(f));
	fclose(f);
	return buf;
}

static struct session tcplife_example(int which)
{
	struct session s;

	switch (which) {
	case 0:
		s = mk_session(22597, "recordProgram", 46644, 28527, T0_NS);
		s.tx_bytes = 0;
		s.rx_bytes = 0;
		s.dur_us = 230;
		addr_v4(&s.laddr, 127, 0, 0, 1);
		addr_v4(&s.raddr, 127, 0, 0, 1);
		break;
	case 1:
		s = mk_session(3277, "redis-server", 28527, 46644, T0_NS);
		s.tx_bytes = 5;
		s.rx_bytes = 1023;
		s.dur_us = 275;		/* rounds to 0.28 like "%.2f" */
		addr_v4(&s.laddr, 127, 0, 0, 1);
		addr_v4(&s.raddr, 127, 0, 0, 1);
		break;
	default:
		s = mk_session(22598, "curl", 61620, 80, T0_NS);
		s.tx_bytes = 100;
		s.rx_bytes = 1536;
		s.dur_us = 91790;
		addr_v4(&s.laddr, 100, 66, 3, 172);
		addr_v4(&s.raddr, 52, 205, 89, 26);
	}
	return s;
}

/* The default layout is tcplife's, byte for byte (see TCPLIFE-COMPAT.md). */
static void test_text_matches_tcplife(void **state)
{
	struct stream_opts o = { .fmt = STREAM_TEXT };
	struct session s[3] = { tcplife_example(0), tcplife_example(1), tcplife_example(2) };
	char *out = render(&o, s, 3, 0, true);

	assert_string_equal(out,
		"PID   COMM       LADDR           LPORT RADDR           RPORT TX_KB RX_KB MS\n"
		"22597 recordProg 127.0.0.1       46644 127.0.0.1       28527     0     0 0.23\n"
		"3277  redis-serv 127.0.0.1       28527 127.0.0.1       46644     0     0 0.28\n"
		"22598 curl       100.66.3.172    61620 52.205.89.26    80        0     1 91.79\n");
	free(out);
}

/* A session open when tracing began: text marks its MS as a lower bound
 * ("lived at least"); -s keeps the number bare for scripts. */
static void test_text_partial_marked(void **state)
{
	struct stream_opts o = { .fmt = STREAM_TEXT };
	struct session s = tcplife_example(2);
	char *out;

	s.flags |= SESS_PARTIAL;
	s.dur_us = 2048340;
	out = render(&o, &s, 1, 0, false);
	assert_string_equal(out,
		"22598 curl       100.66.3.172    61620 52.205.89.26    80        0     1 >2048.34\n");
	free(out);
	o.fmt = STREAM_LIFECSV;
	out = render(&o, &s, 1, 0, false);
	assert_string_equal(out, "22598,curl,4,100.66.3.172,61620,52.205.89.26,80,0,1,2048.34\n");
	free(out);
}

static void test_text_time_columns(void **state)
{
	struct stream_opts o = { .fmt = STREAM_TEXT, .time_s = true, .time_hms = true };
	struct session s[2] = { tcplife_example(2), tcplife_example(2) };
	char *out;

	setenv("TZ", "UTC", 1);
	tzset();
	s[1].end_ns = T0_NS + 1500000 * 1000ULL + 999;	/* +1.500000s (ns below us dropped) */
	out = render(&o, s, 2, T0_NS, true);
	assert_string_equal(out,
		"TIME     TIME(s)   PID   COMM       LADDR           LPORT RADDR           RPORT TX_KB RX_KB MS\n"
		"22:15:03 0.000000  22598 curl       100.66.3.172    61620 52.205.89.26    80        0     1 91.79\n"
		"22:15:04 1.500000  22598 curl       100.66.3.172    61620 52.205.89.26    80        0     1 91.79\n");
	free(out);

	o.time_hms = false;
	out = render(&o, s, 1, T0_NS + NS_PER_SEC, true);	/* arrived out of order */
	assert_string_equal(out,
		"TIME(s)   PID   COMM       LADDR           LPORT RADDR           RPORT TX_KB RX_KB MS\n"
		"-1.000000 22598 curl       100.66.3.172    61620 52.205.89.26    80        0     1 91.79\n");
	free(out);
}

static void test_text_wide(void **state)
{
	struct stream_opts o = { .fmt = STREAM_TEXT, .wide = true };
	struct session s[2] = { tcplife_example(0), tcplife_example(2) };
	char *out;

	s[1].family = AF_INET6;
	addr_v6(&s[1].laddr, "2001:db8:aaaa:bbbb::1");
	addr_v6(&s[1].raddr, "2001:db8:cccc:dddd::2");
	s[1].flags = SESS_PID_UNCERTAIN;
	s[1].cause = CAUSE_REFUSED;
	out = render(&o, s, 2, 0, true);
	assert_string_equal(out,
		"PID   COMM             IP LADDR                      LPORT RADDR                      RPORT  TX_KB  RX_KB MS\n"
		"22597 recordProgram    4  127.0.0.1                  46644 127.0.0.1                  28527      0      0 0.23\n"
		"22598 curl             6  2001:db8:aaaa:bbbb::1      61620 2001:db8:cccc:dddd::2      80         0      1 91.79\n");
	free(out);
}

/* -s is tcplife's -s: its columns comma-separated, the IP column always, the
 * name whole, and the time columns when asked for; a name that CSV or a
 * spreadsheet would take for more is quoted and guarded. */
static void test_lifecsv_matches_tcplife(void **state)
{
	struct stream_opts o = { .fmt = STREAM_LIFECSV };
	struct session s[3] = { tcplife_example(0), tcplife_example(1), tcplife_example(2) };
	char *out;

	setenv("TZ", "UTC", 1);
	tzset();
	out = render(&o, s, 3, 0, true);
	assert_string_equal(out,
		"PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS\n"
		"22597,recordProgram,4,127.0.0.1,46644,127.0.0.1,28527,0,0,0.23\n"
		"3277,redis-server,4,127.0.0.1,28527,127.0.0.1,46644,0,0,0.28\n"
		"22598,curl,4,100.66.3.172,61620,52.205.89.26,80,0,1,91.79\n");
	free(out);
	o.time_s = o.time_hms = true;
	s[1] = s[2];
	s[1].end_ns = T0_NS + 1500000 * 1000ULL;
	s[1].family = AF_INET6;
	addr_v6(&s[1].laddr, "2001:db8::1");
	addr_v6(&s[1].raddr, "2001:db8::2");
	strcpy(s[1].comm, "=a,b");
	out = render(&o, &s[1], 1, T0_NS, true);
	assert_string_equal(out,
		"TIME,TIME(s),PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS\n"
		"22:15:04,1.500000,22598,\"'=a,b\",6,2001:db8::1,61620,2001:db8::2,80,0,1,91.79\n");
	free(out);
}

/* A session with no owner known (pid 0, no name) reads "-" and "?" in both
 * layouts, the columns kept. */
static void test_text_no_owner(void **state)
{
	struct stream_opts o = { .fmt = STREAM_TEXT };
	struct session s = tcplife_example(2);
	char *out;

	s.pid = 0;
	s.comm[0] = '\0';
	s.flags = SESS_PID_UNCERTAIN | SESS_PARTIAL;
	out = render(&o, &s, 1, 0, false);
	assert_string_equal(out,
		"-     ?          100.66.3.172    61620 52.205.89.26    80        0     1 >91.79\n");
	free(out);
	o.wide = true;
	out = render(&o, &s, 1, 0, false);
	assert_string_equal(out,
		"-     ?                4  100.66.3.172               61620 52.205.89.26               80         0      1 >91.79\n");
	free(out);
}

/* Hostile names are escaped, cut on character boundaries, and keep the columns aligned. */
static void test_text_hostile_comm(void **state)
{
	static const char *const comms[] = {
		"\x1b[2J\x1b]0;x\x07", "caf\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"\xff\xfe\xfd", "a\\b", "\r\n\t",
	};
	struct stream_opts o = { .fmt = STREAM_TEXT };
	size_t i;

	for (i = 0; i < ARRAY_LEN(comms); i++) {
		struct session s = tcplife_example(2);
		const unsigned char *p;
		char *out, *laddr;
		size_t cols = 0;

		strcpy(s.comm, comms[i]);
		out = render(&o, &s, 1, 0, false);
		for (p = (const unsigned char *)out; *p; p++)
			assert_true(*p >= 0x20 || *p == '\n');
		/* the LADDR column starts at character 17, counted in code points */
		laddr = strstr(out, "100.66.3.172");
		assert_non_null(laddr);
		for (p = (const unsigned char *)out; p < (const unsigned char *)laddr; p++)
			if ((*p & 0xc0) != 0x80)
				cols++;
		assert_int_equal(cols, 17);
		assert_int_equal(strchr(out, '\n')[1], '\0');
		free(out);
	}
}

#define HEAD11 "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms,"

static void test_csv_stream_is_the_export_format(void **state)
{
	struct stream_opts o = { .fmt = STREAM_CSV, .wide = true, .time_s = true };
	struct session s[2] = { tcplife_example(0), tcplife_example(2) };
	char *out, *want = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&want, &len);

	strcpy(s[0].comm, "=1+2,\"x\"");
	csv_write_header(f, VIEW_SESSIONS);
	csv_write_row(f, VIEW_SESSIONS, &s[0]);
	csv_write_row(f, VIEW_SESSIONS, &s[1]);
	fclose(f);
	out = render(&o, s, 2, 0, true);
	assert_string_equal(out, want);
	assert_true(strncmp(out, HEAD11, strlen(HEAD11)) == 0);
	assert_non_null(strstr(out, ",\"'=1+2,\"\"x\"\"\","));
	free(out);
	free(want);
}

static void test_json_lines(void **state)
{
	struct stream_opts o = { .fmt = STREAM_JSON };
	struct session s = tcplife_example(2);
	char *out;

	s.flags = SESS_PID_UNCERTAIN | SESS_PARTIAL;
	s.family = AF_INET6;
	s.netns = 4026532174u;
	addr_v6(&s.raddr, "2001:db8::2");
	out = render(&o, &s, 1, 0, true);	/* no header line for JSON */
	assert_string_equal(out,
		"{\"time\":\"2026-11-23T22:15:03.000000Z\",\"pid\":22598,\"comm\":\"curl\","
		"\"family\":6,\"laddr\":\"100.66.3.172\",\"lport\":61620,\"raddr\":\"2001:db8::2\","
		"\"rport\":80,\"tx_bytes\":100,\"rx_bytes\":1536,\"duration_ms\":91.790,"
		"\"start_time\":\"2026-11-23T22:15:02.998500Z\",\"srtt_us\":0,\"retransmits\":0,"
		"\"handshake_us\":0,\"direction\":\"out\",\"closed_by\":\"local\","
		"\"end_cause\":\"fin\",\"pid_certain\":0,\"partial\":1,\"netns\":4026532174}\n");
	*strchr(out, '\n') = '\0';
	assert_true(json_valid(out));
	free(out);

	s.family = 0;	/* no family: null, still valid JSON */
	out = render(&o, &s, 1, 0, false);
	assert_non_null(strstr(out, "\"family\":null,"));
	*strchr(out, '\n') = '\0';
	assert_true(json_valid(out));
	free(out);
}

static void test_json_hostile_comm_always_valid(void **state)
{
	struct stream_opts o = { .fmt = STREAM_JSON };
	unsigned int seed = 77;
	int iter, i;

	for (iter = 0; iter < 5000; iter++) {
		struct session s = tcplife_example(1);
		int len = rand_r(&seed) % SESSION_COMM_LEN;
		char *out;

		memset(s.comm, 0, sizeof(s.comm));
		for (i = 0; i < len; i++)
			s.comm[i] = (char)(1 + rand_r(&seed) % 255);
		out = render(&o, &s, 1, 0, false);
		assert_int_equal(out[strlen(out) - 1], '\n');
		out[strlen(out) - 1] = '\0';
		assert_null(strchr(out, '\n'));
		if (!json_valid(out))
			fail_msg("invalid JSON: %s", out);
		free(out);
	}
}

/* Names of wide characters keep the columns aligned: padded by the columns
 * a terminal gives them, not by characters. */
static void test_text_wide_characters(void **state)
{
	struct stream_opts o = { .fmt = STREAM_TEXT };
	struct session s = tcplife_example(0);
	char *out;

	snprintf(s.comm, sizeof(s.comm), "%s", "\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac");	/* é日本 */
	out = render(&o, &s, 1, 0, false);
	assert_string_equal(out, "22597 \xc3\xa9\xe6\x97\xa5\xe6\x9c\xac      127.0.0.1       46644 "
				 "127.0.0.1       28527     0     0 0.23\n");
	free(out);
}

/* STREAM_ROW_MAX bounds every row: a session with every field at its
 * longest (a name of bytes escaped one by one, IPv6 addresses of the most
 * digits, numbers at their maximum), in every format and layout. */
static void test_row_max(void **state)
{
	const enum stream_format fmts[] = { STREAM_TEXT, STREAM_CSV, STREAM_JSON };
	struct session s = tcplife_example(1);
	size_t longest = 0;
	int f, flags;

	memset(s.comm, 0x01, SESSION_COMM_LEN - 1);
	s.comm[SESSION_COMM_LEN - 1] = '\0';
	s.family = AF_INET6;
	memset(&s.laddr, 0xfe, sizeof(s.laddr));
	memset(&s.raddr, 0xfe, sizeof(s.raddr));
	s.start_ns = s.end_ns = s.dur_us = s.tx_bytes = s.rx_bytes = UINT64_MAX;
	s.pid = s.srtt_us = s.handshake_us = s.retrans = UINT32_MAX;
	s.lport = s.rport = 65535;
	s.dir = 0xff;
	s.closer = 0xff;
	s.cause = 0xff;
	s.flags = 0xff;
	for (f = 0; f < 3; f++) {
		for (flags = 0; flags < 8; flags++) {
			struct stream_opts o = {
				.fmt = fmts[f], .wide = flags & 1, .time_s = flags & 2,
				.time_hms = flags & 4,
			};
			char *out = render(&o, &s, 1, 0, false);
			size_t len = strlen(out);

			assert_int_equal(out[len - 1], '\n');
			if (len > longest)
				longest = len;
			free(out);
		}
	}
	printf("longest row: %zu bytes\n", longest);
	assert_true(longest > 300);	/* the fields above did fill it */
	assert_true(longest <= 700);
	assert_true(700 < STREAM_ROW_MAX);
}

/* ---- the reference: rows as the stream wrote them through stdio, piece by
 * piece (until 2026-12-06), and JSON from the Sessions columns ---------- */

static void ref_put_comm(FILE *f, const char *comm, size_t width)
{
	char esc[FMT_COMM_ESC_LEN];
	size_t cols, bytes;

	fmt_comm_escape(comm, esc, sizeof(esc));
	bytes = fmt_cut_cols(esc, width, &cols);
	fwrite(esc, 1, bytes, f);
	for (; cols < width; cols++)
		putc(' ', f);
}

static void ref_time_columns(FILE *f, const struct stream_opts *o, const struct session *s,
			     uint64_t first_end_ns)
{
	bool csv = o->fmt == STREAM_LIFECSV;

	if (o->time_hms) {
		char hms[FMT_TIME_HMS_LEN];

		fmt_time_hms(s->end_ns, hms, sizeof(hms));
		fprintf(f, csv ? "%s," : "%-8s ", hms);
	}
	if (o->time_s) {
		bool neg = s->end_ns < first_end_ns;
		uint64_t d = neg ? first_end_ns - s->end_ns : s->end_ns - first_end_ns;
		char ts[40];

		snprintf(ts, sizeof(ts), "%s%llu.%06llu", neg ? "-" : "",
			 (unsigned long long)(d / NS_PER_SEC),
			 (unsigned long long)(d % NS_PER_SEC / 1000));
		fprintf(f, csv ? "%s," : "%-9s ", ts);
	}
}

static void ref_text(FILE *f, const struct stream_opts *o, const struct session *s,
		     uint64_t first_end_ns)
{
	char laddr[FMT_ADDR_LEN], raddr[FMT_ADDR_LEN], ms[48], esc[FMT_COMM_ESC_LEN];
	unsigned long long hundredths;

	fmt_addr(&s->laddr, s->family, laddr, sizeof(laddr));
	fmt_addr(&s->raddr, s->family, raddr, sizeof(raddr));
	hundredths = s->dur_us / 10 + (s->dur_us % 10 >= 5);
	snprintf(ms, sizeof(ms), "%llu.%02llu", hundredths / 100, hundredths % 100);
	ref_time_columns(f, o, s, first_end_ns);
	if (o->fmt == STREAM_LIFECSV) {
		fprintf(f, "%u,", s->pid);
		fmt_comm_escape(s->comm, esc, sizeof(esc));
		csv_write_text_cell(f, esc);
		fprintf(f, ",%s,%s,%u,%s,%u,%" PRIu64 ",%" PRIu64 ",%s\n",
			s->family == AF_INET6 ? "6" : "4", laddr, s->lport, raddr, s->rport,
			s->tx_bytes / 1024, s->rx_bytes / 1024, ms);
		return;
	}
	if (s->flags & SESS_PARTIAL)	/* text only: at least this long */
		snprintf(ms, sizeof(ms), ">%llu.%02llu", hundredths / 100, hundredths % 100);
	if (s->pid == 0 && !s->comm[0]) {
		fprintf(f, "%-5s %-*s", "-", o->wide ? 16 : 10, "?");
	} else {
		fprintf(f, "%-5u ", s->pid);
		ref_put_comm(f, s->comm, o->wide ? 16 : 10);
	}
	if (o->wide)
		fprintf(f, " %-2s %-26s %-5u %-26s %-5u %6" PRIu64 " %6" PRIu64 " %s\n",
			s->family == AF_INET6 ? "6" : "4", laddr, s->lport, raddr, s->rport,
			s->tx_bytes / 1024, s->rx_bytes / 1024, ms);
	else
		fprintf(f, " %-15s %-5u %-15s %-5u %5" PRIu64 " %5" PRIu64 " %s\n", laddr,
			s->lport, raddr, s->rport, s->tx_bytes / 1024, s->rx_bytes / 1024, ms);
}

static void ref_json(FILE *f, const struct session *s)
{
	size_t i, n;
	const struct column *cols = columns_for(VIEW_SESSIONS, &n);
	char cell[COL_TEXT_LEN];

	putc('{', f);
	for (i = 0; i < n; i++) {
		bool num = true;
		const char *c;

		if (i)
			putc(',', f);
		fmt_json_string(f, cols[i].name);
		putc(':', f);
		cols[i].format(s, cell, sizeof(cell), FMT_EXACT);
		for (c = cell; *c; c++)
			num = num && ((*c >= '0' && *c <= '9') || *c == '.');
		if (cols[i].type != COLT_NUMBER)
			fmt_json_string(f, cell);
		else
			fputs(num && cell[0] ? cell : "null", f);
	}
	fputs("}\n", f);
}

static char *ref_render(const struct stream_opts *o, const struct session *s,
			uint64_t first_end_ns)
{
	static char *buf;
	static size_t len;
	FILE *f;

	buf = NULL;
	len = 0;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (o->fmt == STREAM_JSON)
		ref_json(f, s);
	else
		ref_text(f, o, s, first_end_ns);
	fclose(f);
	return buf;
}

static uint64_t rand_u64(unsigned int *seed)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 16 | (uint64_t)(rand_r(seed) & 0xffff);
	/* mostly small numbers, as in real rows; sometimes any */
	switch (rand_r(seed) % 4) {
	case 0: return v % 10;
	case 1: return v % 100000;
	case 2: return v % 10000000000ULL;
	default: return v;
	}
}

/* Random sessions, every format and layout: the rows built whole are the
 * rows the stream wrote piece by piece, byte for byte, and the JSON objects
 * are the Sessions columns' text. */
static void test_rows_match_reference(void **state)
{
	static const char *const comms[] = {
		"curl", "nginx: worker", "", "\x1b[2J", "caf\xc3\xa9\xe6\x97\xa5", "=cmd|x",
		"a,b\"c", "\xff\xfe", "exactly16chars!!", "\\x41", "'-1",
	};
	unsigned int seed = 2026;
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		struct session s = tcplife_example(iter % 3);
		struct stream_opts o = {
			.fmt = (enum stream_format)(rand_r(&seed) % 4),
			.wide = rand_r(&seed) & 1, .time_s = rand_r(&seed) & 1,
			.time_hms = rand_r(&seed) & 1,
		};
		uint64_t first = T0_NS + (uint64_t)(rand_r(&seed) % 5000) * 1000000ULL - 2500000000ULL;
		char *got, *want;

		if (o.fmt == STREAM_CSV)
			o.fmt = STREAM_TEXT;
		if (rand_r(&seed) % 4 == 0) {
			int k, len = rand_r(&seed) % SESSION_COMM_LEN;

			memset(s.comm, 0, sizeof(s.comm));
			for (k = 0; k < len; k++)
				s.comm[k] = (char)(1 + rand_r(&seed) % 255);
		} else {
			snprintf(s.comm, sizeof(s.comm), "%s", comms[rand_r(&seed) % ARRAY_LEN(comms)]);
		}
		s.pid = rand_r(&seed) % 3 ? (uint32_t)rand_u64(&seed) : 0;
		s.family = (uint16_t[]){ AF_INET, AF_INET6, 0 }[rand_r(&seed) % 3];
		if (s.family == AF_INET6) {
			addr_v6(&s.laddr, rand_r(&seed) & 1 ? "::1" : "2001:db8:ffff:1:2:3:4:5");
			addr_v6(&s.raddr, rand_r(&seed) & 1 ? "fe80::1" : "::ffff:10.1.2.3");
		} else {
			addr_v4(&s.laddr, (uint8_t)rand_r(&seed), (uint8_t)rand_r(&seed), 0, 1);
			addr_v4(&s.raddr, 127, 0, (uint8_t)rand_r(&seed), (uint8_t)rand_r(&seed));
		}
		s.lport = (uint16_t)rand_r(&seed);
		s.rport = (uint16_t)rand_r(&seed);
		s.tx_bytes = rand_u64(&seed);
		s.rx_bytes = rand_u64(&seed);
		s.dur_us = rand_u64(&seed);
		s.end_ns = T0_NS + rand_u64(&seed) % (100 * NS_PER_SEC);
		s.start_ns = rand_r(&seed) % 8 ? s.end_ns - s.dur_us * 1000 % s.end_ns : rand_u64(&seed);
		s.srtt_us = (uint32_t)rand_u64(&seed);
		s.retrans = (uint32_t)rand_u64(&seed);
		s.handshake_us = (uint32_t)rand_u64(&seed);
		s.dir = (uint8_t)(rand_r(&seed) % 5);
		s.closer = (uint8_t)(rand_r(&seed) % 5);
		s.cause = (uint8_t)(rand_r(&seed) % 12);
		s.flags = (uint8_t)rand_r(&seed);
		got = render(&o, &s, 1, first, false);
		want = ref_render(&o, &s, first);
		if (strcmp(got, want) != 0)
			fail_msg("format %d wide %d -t %d -T %d:\n got  %s want %s", o.fmt, o.wide,
				 o.time_s, o.time_hms, got, want);
		free(got);
		free(want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_matches_tcplife),
		cmocka_unit_test(test_text_partial_marked),
		cmocka_unit_test(test_text_time_columns),
		cmocka_unit_test(test_text_wide),
		cmocka_unit_test(test_text_no_owner),
		cmocka_unit_test(test_lifecsv_matches_tcplife),
		cmocka_unit_test(test_text_hostile_comm),
		cmocka_unit_test(test_csv_stream_is_the_export_format),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_json_hostile_comm_always_valid),
		cmocka_unit_test(test_row_max),
		cmocka_unit_test(test_text_wide_characters),
		cmocka_unit_test(test_rows_match_reference),
	};

	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
