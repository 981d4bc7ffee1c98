// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile process names through the real BPF path: processes that named
 * themselves with terminal escapes, control bytes, CSV syntax, spreadsheet
 * formulas and invalid UTF-8 (tests/lib/hostile.h) make real loopback
 * sessions while four tcpscope streams run (text, wide text, JSON, CSV).
 *
 * Every stream must be inert (no raw C0/DEL/C1 byte but the line feeds,
 * valid UTF-8), hold exactly one record per line and one record per session,
 * and carry the name in its escaped form (core/fmt.c fmt_comm_escape()):
 * python3's json module must parse every JSON line strictly, python3's csv
 * module must read the CSV back to the escaped names with formulas
 * neutralised by a leading quote, and core's replay reader must recover the
 * exact raw bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/csv.h"
#include "core/fmt.h"
#include "core/session.h"
#include "tests/lib/hostile.h"
#include "tests/lib/run.h"
#include "tests/lib/scope.h"
#include "tests/lib/traffic.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NSESS (2 * HOSTILE_COUNT)	/* client and server side of each */
#define PYTHON "/usr/bin/python3"

enum out_kind { OUT_TEXT, OUT_WIDE, OUT_JSON, OUT_CSV, OUT_COUNT };

static const char *const kind_name[] = { "text", "wide text", "json", "csv" };

/* One loopback session per hostile name, and what each stream printed. */
struct hostile_run {
	struct traffic_result res[HOSTILE_COUNT];
	int family[HOSTILE_COUNT];
	char *out[OUT_COUNT];
	size_t out_len[OUT_COUNT];
	struct scope sc[OUT_COUNT];
};

static struct hostile_run run;

static const char *shown(const char *s, size_t len)
{
	static char buf[1024];

	fmt_escape(s, len, buf, sizeof(buf));
	return buf;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

/* Start the four streams, make the sessions, collect the outputs. */
static int setup_run(void **state)
{
	static const char *const fmt_args[OUT_COUNT][3] = {
		{ "-o", "text", NULL }, { "-o", "text", "-w" }, { "-o", "json", NULL },
		{ "-o", "csv", NULL },
	};
	unsigned short ports[HOSTILE_COUNT];
	char portlist[HOSTILE_COUNT * 6 + 1], count[16];
	size_t pos = 0;
	int rc = -1;

	memset(&run, 0, sizeof(run));
	for (size_t i = 0; i < HOSTILE_COUNT; i++) {
		ports[i] = scope_free_port();
		if (!ports[i])
			return -1;
		pos += snprintf(portlist + pos, sizeof(portlist) - pos, "%s%u", i ? "," : "",
				ports[i]);
	}
	snprintf(count, sizeof(count), "%zu", NSESS);
	for (int k = 0; k < OUT_COUNT; k++) {
		const char *argv[10] = { fmt_args[k][0], fmt_args[k][1] };
		int n = 2;

		if (fmt_args[k][2])
			argv[n++] = fmt_args[k][2];
		argv[n++] = "-P";
		argv[n++] = portlist;
		argv[n++] = "--count";
		argv[n++] = count;
		argv[n] = NULL;
		if (scope_start(&run.sc[k], argv, true) != 0)
			goto out;
	}
	for (size_t i = 0; i < HOSTILE_COUNT; i++) {
		struct traffic_spec spec = {
			.family = i % 2 ? AF_INET6 : AF_INET, .port = ports[i],
			.server_comm = hostile_names[i].comm, .client_comm = hostile_names[i].comm,
			.c2s_bytes = 100 + i, .s2c_bytes = 2000 + i, .closer = TRAFFIC_CLIENT,
		};

		run.family[i] = spec.family;
		if (traffic_run(&spec, &run.res[i]) != 0) {
			printf("traffic for '%s' failed: %s\n", hostile_names[i].what,
			       run.res[i].err);
			goto out;
		}
	}
	for (int k = 0; k < OUT_COUNT; k++) {
		int ec = scope_wait(&run.sc[k], 15000);

		if (ec != 0) {
			printf("%s stream: exit %d: %s\n", kind_name[k], ec,
			       scope_stderr(&run.sc[k]));
			goto out;
		}
		run.out[k] = slurp(run.sc[k].out_path, &run.out_len[k]);
		if (!run.out[k])
			goto out;
	}
	rc = 0;
out:
	*state = &run;
	return rc;
}

static int teardown_run(void **state)
{
	for (int k = 0; k < OUT_COUNT; k++) {
		scope_cleanup(&run.sc[k]);
		free(run.out[k]);
	}
	return 0;
}

/* ---- checks shared by every format ---------------------------------------- */

/* Valid UTF-8; no C0 control but LF, no DEL, no C1 control. */
static void assert_inert(enum out_kind k)
{
	const unsigned char *p = (const unsigned char *)run.out[k];
	size_t len = run.out_len[k];

	for (size_t i = 0; i < len;) {
		size_t n;

		if (p[i] == '\n' || (p[i] >= 0x20 && p[i] < 0x7f)) {
			i++;
			continue;
		}
		n = fmt_utf8_seq_len(p + i, len - i);
		if (!n || (p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			size_t from = i > 30 ? i - 30 : 0;

			printf("%s stream: byte 0x%02x at offset %zu is not inert: ...%s...\n",
			       kind_name[k], p[i], i, shown(run.out[k] + from, 60));
			fail();
		}
		i += n;
	}
}

static size_t count_lines(enum out_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < run.out_len[k]; i++)
		n += run.out[k][i] == '\n';
	return n;
}

static void escaped(size_t i, char *buf)
{
	fmt_comm_escape(hostile_names[i].comm, buf, FMT_COMM_ESC_LEN);
}

/* The four records of session i: client, then server. */
static void side(size_t i, int s, uint32_t *pid, uint16_t *lport, uint16_t *rport)
{
	const struct traffic_result *r = &run.res[i];

	*pid = s ? r->server_pid : r->client_pid;
	*lport = s ? r->server_port : r->client_port;
	*rport = s ? r->client_port : r->server_port;
}

/* ---- text ------------------------------------------------------------------ */

/* Occurrences of needle in the text stream, each at the start of a line. */
static int count_at_line_start(enum out_kind k, const char *needle)
{
	const char *p = run.out[k];
	size_t nlen = strlen(needle);
	int n = 0;

	while ((p = strstr(p, needle))) {
		if (p == run.out[k] || p[-1] == '\n')
			n++;
		p += nlen;
	}
	return n;
}

static void check_text(enum out_kind k)
{
	bool wide = k == OUT_WIDE;

	assert_inert(k);
	if (count_lines(k) != NSESS + 1) {
		printf("%s stream: %zu lines, expected a header and %zu sessions:\n%s\n",
		       kind_name[k], count_lines(k), NSESS, run.out[k]);
		fail();
	}
	for (size_t i = 0; i < HOSTILE_COUNT; i++) {
		char esc[FMT_COMM_ESC_LEN], comm[80], line[256], addr[FMT_ADDR_LEN];
		struct in6_addr lo;
		size_t cols, bytes;

		escaped(i, esc);
		bytes = fmt_cut_cols(esc, wide ? 16 : 10, &cols);
		memcpy(comm, esc, bytes);
		memset(comm + bytes, ' ', (wide ? 16 : 10) - cols);
		comm[bytes + (wide ? 16 : 10) - cols] = '\0';
		memset(&lo, 0, sizeof(lo));
		if (run.family[i] == AF_INET) {
			inet_pton(AF_INET6, "::ffff:127.0.0.1", &lo);
			strcpy(addr, "127.0.0.1");
		} else {
			inet_pton(AF_INET6, "::1", &lo);
			strcpy(addr, "::1");
		}
		for (int s = 0; s < 2; s++) {
			uint32_t pid;
			uint16_t lport, rport;

			side(i, s, &pid, &lport, &rport);
			if (wide) {
				snprintf(line, sizeof(line), "%-5u %s %-2s %-26s %-5u %-26s %-5u ",
					 pid, comm, run.family[i] == AF_INET ? "4" : "6", addr,
					 lport, addr, rport);
			} else {
				snprintf(line, sizeof(line), "%-5u %s %-15s %-5u %-15s %-5u ", pid,
					 comm, addr, lport, addr, rport);
			}
			if (count_at_line_start(k, line) != 1) {
				printf("%s stream: no single line starting \"%s\" for '%s':\n%s\n",
				       kind_name[k], shown(line, strlen(line)),
				       hostile_names[i].what, run.out[k]);
				fail();
			}
		}
	}
}

static void test_text_stream(void **state)
{
	check_text(OUT_TEXT);
}

static void test_wide_text_stream(void **state)
{
	check_text(OUT_WIDE);
}

/* ---- JSON and CSV, read back by python3's own parsers ----------------------- */

/*
 * Prints "pid lport rport hex(comm)" per record. json: every line must be a
 * strict JSON object (no control characters in strings, no NaN, no
 * duplicate keys) with integer pid/ports. csv: the csv module, strict, every
 * row as wide as the header. The file must be valid UTF-8.
 */
static const char py_reader[] =
"import csv, io, json, sys\n"
"kind, path = sys.argv[1], sys.argv[2]\n"
"text = open(path, 'rb').read().decode('utf-8')\n"
"def pairs(kv):\n"
"    d = {}\n"
"    for k, v in kv:\n"
"        if k in d: raise ValueError('duplicate key %r' % k)\n"
"        d[k] = v\n"
"    return d\n"
"def const(c): raise ValueError('not JSON: %s' % c)\n"
"recs = []\n"
"if kind == 'json':\n"
"    if not text.endswith('\\n'): raise ValueError('no final line feed')\n"
"    for line in text[:-1].split('\\n'):\n"
"        o = json.loads(line, object_pairs_hook=pairs, parse_constant=const)\n"
"        if not isinstance(o, dict): raise ValueError('not an object: %r' % line)\n"
"        for k in ('pid', 'lport', 'rport'):\n"
"            if type(o[k]) is not int: raise ValueError('%s not an integer' % k)\n"
"        recs.append((o['pid'], o['lport'], o['rport'], o['comm']))\n"
"else:\n"
"    rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))\n"
"    head = rows[0]\n"
"    ix = {n: head.index(n) for n in ('pid', 'lport', 'rport', 'comm')}\n"
"    for r in rows[1:]:\n"
"        if len(r) != len(head): raise ValueError('row of %d cells: %r' % (len(r), r))\n"
"        recs.append((int(r[ix['pid']]), int(r[ix['lport']]), int(r[ix['rport']]),\n"
"                     r[ix['comm']]))\n"
"for pid, lp, rp, comm in recs:\n"
"    print(pid, lp, rp, comm.encode('utf-8').hex())\n";

struct parsed {
	uint32_t pid;
	uint16_t lport, rport;
	char comm[FMT_COMM_ESC_LEN + 2];
};

static size_t python_read(enum out_kind k, struct parsed *v, size_t max)
{
	const char *argv[] = { PYTHON, "-c", py_reader, k == OUT_JSON ? "json" : "csv",
			       run.sc[k].out_path, NULL };
	struct run_result r;
	char st[64], *line, *save = NULL;
	size_t n = 0;

	if (access(PYTHON, X_OK) != 0) {
		printf("%s is missing (.ci/install-deps installs python3)\n", PYTHON);
		fail();
	}
	assert_int_equal(run_capture(argv, NULL, &r), 0);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
		printf("python3 rejected the %s stream (%s):\n%s\n%s\n", kind_name[k],
		       run_status_str(&r, st, sizeof(st)), r.err, run.out[k]);
		fail();
	}
	for (line = strtok_r(r.out, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save), n++) {
		unsigned int pid, lport, rport;
		char hex[160];
		size_t len;

		hex[0] = '\0';
		assert_true(sscanf(line, "%u %u %u %159s", &pid, &lport, &rport, hex) >= 3);
		len = strlen(hex) / 2;
		assert_true(len < sizeof(v[n].comm));
		for (size_t j = 0; j < len; j++)
			assert_int_equal(sscanf(hex + 2 * j, "%2hhx", &v[n].comm[j]), 1);
		v[n].comm[len] = '\0';
		v[n].pid = pid;
		v[n].lport = lport;
		v[n].rport = rport;
	}
	assert_null(line);
	run_result_free(&r);
	return n;
}

static void check_parsed(enum out_kind k)
{
	struct parsed v[NSESS + 1];
	size_t n;

	assert_inert(k);
	n = python_read(k, v, ARRAY_LEN(v));
	if (n != NSESS) {
		printf("%s stream: %zu records, expected %zu:\n%s\n", kind_name[k], n, NSESS,
		       run.out[k]);
		fail();
	}
	for (size_t i = 0; i < HOSTILE_COUNT; i++) {
		char esc[FMT_COMM_ESC_LEN], want[FMT_COMM_ESC_LEN + 1];

		escaped(i, esc);
		/* CSV neutralises a cell a spreadsheet would run; JSON does not. */
		snprintf(want, sizeof(want), "%s%s",
			 k == OUT_CSV && csv_needs_guard(esc) ? "'" : "", esc);
		for (int s = 0; s < 2; s++) {
			uint32_t pid;
			uint16_t lport, rport;
			int found = 0;

			side(i, s, &pid, &lport, &rport);
			for (size_t j = 0; j < n; j++) {
				if (v[j].lport != lport || v[j].rport != rport)
					continue;
				found++;
				if (v[j].pid != pid || strcmp(v[j].comm, want)) {
					printf("%s '%s': pid %u comm \"%s\", "
					       "expected pid %u \"%s\"\n",
					       kind_name[k], hostile_names[i].what, v[j].pid,
					       shown(v[j].comm, strlen(v[j].comm)), pid,
					       shown(want, strlen(want)));
					fail();
				}
			}
			if (found != 1) {
				printf("%s '%s': %d records for ports %u->%u\n", kind_name[k],
				       hostile_names[i].what, found, lport, rport);
				fail();
			}
		}
	}
	if (k != OUT_CSV)
		return;
	for (size_t j = 0; j < n; j++) {
		if (strchr("=+-@\t\r", v[j].comm[0])) {
			printf("csv: cell \"%s\" would run as a formula\n",
			       shown(v[j].comm, strlen(v[j].comm)));
			fail();
		}
	}
}

static void test_json_stream(void **state)
{
	check_parsed(OUT_JSON);
}

static void test_csv_stream(void **state)
{
	check_parsed(OUT_CSV);
}

/* tcpscope's own reader gets the raw bytes back from its CSV, exactly. */
static void test_csv_round_trip(void **state)
{
	struct session *v = NULL;
	size_t n;

	assert_int_equal(scope_read_sessions(&run.sc[OUT_CSV], &v, &n), 0);
	assert_int_equal(n, NSESS);
	for (size_t i = 0; i < HOSTILE_COUNT; i++) {
		char want[SESSION_COMM_LEN] = { 0 };

		/* The kernel keeps 15 bytes; all of ours fit. */
		strncpy(want, hostile_names[i].comm, SESSION_COMM_LEN - 1);
		for (int s = 0; s < 2; s++) {
			const struct session *got;
			uint32_t pid;
			uint16_t lport, rport;

			side(i, s, &pid, &lport, &rport);
			got = scope_find(v, n, lport, rport);
			assert_non_null(got);
			assert_int_equal(got->pid, pid);
			if (memcmp(got->comm, want, SESSION_COMM_LEN)) {
				printf("'%s': read back \"%s\"\n", hostile_names[i].what,
				       shown(got->comm, strnlen(got->comm, 16)));
				fail();
			}
			assert_int_equal(got->tx_bytes, s ? 2000 + i : 100 + i);
			assert_int_equal(got->rx_bytes, s ? 100 + i : 2000 + i);
		}
	}
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_stream),
		cmocka_unit_test(test_wide_text_stream),
		cmocka_unit_test(test_json_stream),
		cmocka_unit_test(test_csv_stream),
		cmocka_unit_test(test_csv_round_trip),
	};

	if (!scope_can_load_bpf())
		return 0;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("integration: hostile process names", tests,
					   setup_run, teardown_run);
}
