// SPDX-License-Identifier: GPL-2.0
/*
 * Command line and input files: every bad flag, value or replay file gets
 * exactly one line on stderr that starts with "tcpscope: ", the documented
 * exit status (2 usage, 1 environment or runtime failure), nothing on stdout
 * and never a crash. One table, one cmocka test per row. Then the good
 * paths: a valid replay streams back exactly the rows it was given, as any
 * user, and hostile names in it come out inert in every format.
 *
 * Runs without BPF except for the rows marked NEED_ROOT (they get past the
 * capability check and fail on the environment).
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/csv.h"
#include "core/fmt.h"
#include "core/session.h"
#include "tests/lib/hostile.h"
#include "tests/lib/run.h"
#include "tests/lib/scope.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum case_flags {
	NEED_ROOT = 1,		/* only meaningful as root (skipped otherwise) */
	AS_NOBODY = 2,		/* the child runs as nobody */
	STDIN_TTY = 4,		/* stdin is a terminal (stdout still a file) */
	STDOUT_FULL = 8,	/* stdout is /dev/full */
};

struct cli_case {
	const char *name;
	const char *args[12];	/* after argv[0]; "@name" is a fixture file */
	int status;		/* expected exit status */
	const char *mention[3];	/* the line must contain each of these */
	unsigned int flags;
};

#define USAGE 2		/* bad flag, bad value, bad file named on the command line */
#define FAILURE 1	/* environment or runtime: no privilege, no BTF, write failed */

static const struct cli_case cases[] = {
	/* unknown flags, missing values, stray arguments */
	{ "unknown long flag", { "--bogus" }, USAGE, { "--bogus" }, 0 },
	{ "unknown short flag", { "-x" }, USAGE, { "-x" }, 0 },
	{ "unknown flag with -o", { "-o", "csv", "--nope" }, USAGE, { "--nope" }, 0 },
	{ "-o without value", { "-o" }, USAGE, { "-o" }, 0 },
	{ "--pid without value", { "--pid" }, USAGE, { "needs a value" }, 0 },
	{ "--duration without value", { "--duration" }, USAGE, { "needs a value" }, 0 },
	{ "--replay without value", { "--replay" }, USAGE, { "needs a value" }, 0 },
	{ "stray argument", { "-o", "csv", "extra" }, USAGE, { "extra" }, 0 },
	{ "bad -o", { "-o", "xml" }, USAGE, { "xml" }, 0 },
	{ "empty -o", { "--output=" }, USAGE, { "-o" }, 0 },
	/* PID lists */
	{ "pid not a number", { "-o", "csv", "-p", "abc" }, USAGE, { "abc" }, 0 },
	{ "pid too big, its range", { "-o", "csv", "-p", "4194305" }, USAGE,
	  { "(0-4194304)" }, 0 },
	{ "pid too big", { "-o", "csv", "-p", "4194305" }, USAGE, { "4194305", "out of range" },
	  0 },
	{ "pid overflow", { "-o", "csv", "-p", "99999999999999999999" }, USAGE, { "out of range" },
	  0 },
	{ "pid negative", { "-o", "csv", "-p", "-1" }, USAGE, { "-1" }, 0 },
	{ "pid hex", { "-o", "csv", "-p", "0x10" }, USAGE, { "0x10" }, 0 },
	{ "pid fraction", { "-o", "csv", "-p", "1.5" }, USAGE, { "1.5" }, 0 },
	{ "pid empty list", { "-o", "csv", "-p", "" }, USAGE, { "empty" }, 0 },
	{ "pid blank list", { "-o", "csv", "--pid", "  " }, USAGE, { "empty" }, 0 },
	/* port lists */
	{ "port 0", { "-o", "csv", "-P", "0" }, USAGE, { "out of range" }, 0 },
	{ "port 65536", { "-o", "csv", "-P", "65536" }, USAGE, { "65536", "out of range" }, 0 },
	{ "port not a number", { "-o", "csv", "-L", "http" }, USAGE, { "http" }, 0 },
	{ "empty item", { "-o", "csv", "-P", "80,,81" }, USAGE, { "80,,81" }, 0 },
	{ "trailing comma", { "-o", "csv", "-P", "80," }, USAGE, { "80," }, 0 },
	{ "leading comma", { "-o", "csv", "-D", ",80" }, USAGE, { ",80" }, 0 },
	{ "reversed range", { "-o", "csv", "-P", "90-80" }, USAGE, { "90-80" }, 0 },
	{ "letters range", { "-o", "csv", "-P", "a-b" }, USAGE, { "a-b" }, 0 },
	{ "open range", { "-o", "csv", "-L", "80-" }, USAGE, { "80-" }, 0 },
	{ "range past 65535", { "-o", "csv", "-D", "1-65536" }, USAGE, { "out of range" }, 0 },
	{ "negative port", { "-o", "csv", "--lport", "-80" }, USAGE, { "-80" }, 0 },
	{ "escape in port list", { "-o", "csv", "-P", "\x1b[2J" }, USAGE, { "\\x1b[2J" }, 0 },
	/* numbers */
	{ "duration negative", { "-o", "csv", "--duration", "-1" }, USAGE, { "--duration" }, 0 },
	{ "duration zero", { "-o", "csv", "--duration", "0" }, USAGE, { "--duration" }, 0 },
	{ "duration garbage", { "-o", "csv", "--duration", "abc" }, USAGE, { "--duration" }, 0 },
	{ "duration trailing", { "-o", "csv", "--duration", "5s" }, USAGE, { "--duration" }, 0 },
	{ "duration nan", { "-o", "csv", "--duration", "nan" }, USAGE, { "--duration" }, 0 },
	{ "duration inf", { "-o", "csv", "--duration", "inf" }, USAGE, { "--duration" }, 0 },
	{ "duration hex", { "-o", "csv", "--duration", "0x10" }, USAGE, { "--duration" }, 0 },
	{ "duration exponent", { "-o", "csv", "--duration", "1e3" }, USAGE, { "--duration" }, 0 },
	{ "duration two points", { "-o", "csv", "--duration", "1.2.3" }, USAGE, { "--duration" }, 0 },
	{ "duration a point", { "-o", "csv", "--duration", "." }, USAGE, { "--duration" }, 0 },
	{ "duration too long", { "-o", "csv", "--duration", "4294967296" }, USAGE,
	  { "at most 1000000000" }, 0 },
	{ "duration empty", { "-o", "csv", "--duration", "" }, USAGE, { "--duration" }, 0 },
	{ "count 0", { "-o", "csv", "--count", "0" }, USAGE, { "--count" }, 0 },
	{ "count negative", { "-o", "csv", "--count", "-5" }, USAGE, { "--count" }, 0 },
	{ "count overflow", { "-o", "csv", "--count", "18446744073709551616" }, USAGE,
	  { "--count" }, 0 },
	{ "count garbage", { "-o", "csv", "--count", "ten" }, USAGE, { "--count" }, 0 },
	{ "count blank", { "-o", "csv", "--count", " \t " }, USAGE, { "--count" }, 0 },
	{ "count blank inside", { "-o", "csv", "--count", "1 0" }, USAGE, { "--count" }, 0 },
	{ "count newline", { "-o", "csv", "--count", "5\n" }, USAGE, { "--count" }, 0 },
	{ "count plus", { "-o", "csv", "--count", " +5" }, USAGE, { "--count" }, 0 },
	{ "duration blank", { "-o", "csv", "--duration", "  " }, USAGE, { "--duration" }, 0 },
	{ "history 0", { "--history", "0" }, USAGE, { "--history" }, 0 },
	{ "history too big", { "--history", "100000001" }, USAGE, { "--history" }, 0 },
	{ "history over the log's most", { "--history", "16777217" }, USAGE, { "1 to 16777216" }, 0 },
	{ "history exponent", { "--history", "1e3" }, USAGE, { "--history" }, 0 },
	{ "interval too small", { "-o", "csv", "--interval", "9" }, USAGE, { "--interval" }, 0 },
	{ "interval too big", { "-o", "csv", "--interval", "10001" }, USAGE, { "--interval" }, 0 },
	{ "interval garbage", { "-o", "csv", "--interval", "fast" }, USAGE, { "--interval" }, 0 },
	{ "ring size not a power of two", { "-o", "csv", "--ring-size", "100000" }, USAGE,
	  { "--ring-size" }, 0 },
	{ "ring size too small", { "-o", "csv", "--ring-size", "4096" }, USAGE, { "--ring-size" },
	  0 },
	{ "ring size zero", { "-o", "csv", "--ring-size", "0" }, USAGE, { "--ring-size" }, 0 },
	{ "max sockets too small", { "-o", "csv", "--max-sockets", "10" }, USAGE,
	  { "--max-sockets" }, 0 },
	/* combinations and choices */
	{ "-4 with -6", { "-o", "csv", "-4", "-6" }, USAGE, { "-4", "-6" }, 0 },
	{ "-6 with -4", { "-o", "csv", "-6", "-4" }, USAGE, { "-4", "-6" }, 0 },
	{ "duration without -o", { "--duration", "5" }, USAGE, { "--duration" }, 0 },
	{ "-t with csv", { "-o", "csv", "-t" }, USAGE, { "-t and -T apply to tcplife's layouts" },
	  0 },
	{ "a value to --no-color", { "--no-color=1" }, USAGE, { "option --no-color takes no value" }, 0 },
	{ "a value to --wide", { "--wide=x" }, USAGE, { "option --wide takes no value" }, 0 },
	{ "unknown long option", { "--bogus" }, USAGE, { "unknown option --bogus" }, 0 },
	{ "unknown short option", { "-Z" }, USAGE, { "unknown option -Z" }, 0 },
	{ "-T with json", { "-o", "json", "-T" }, USAGE, { "always carry time" }, 0 },
	{ "-t in the monitor", { "-t" }, USAGE, { "add -o text or -s" }, 0 },
	{ "-s then -o", { "-s", "-o", "json" }, USAGE, { "-s and -o" }, 0 },
	{ "-o then -s", { "-o", "csv", "-s" }, USAGE, { "-s and -o" }, 0 },
	{ "-o twice", { "-o", "csv", "-o", "json" }, USAGE, { "-o given twice" }, 0 },
	{ "--hook twice", { "-o", "csv", "--hook", "tracepoint", "--hook", "tp_btf" }, USAGE,
	  { "--hook given twice" }, 0 },
	{ "--comm twice", { "-o", "csv", "--comm", "zzz", "--comm", "pyth" }, USAGE,
	  { "--comm given twice" }, 0 },
	/* every option of one value: until 2026-12-06 the last one won silently, and a
	 * second --replay dropped the first file */
	{ "--replay twice", { "-o", "csv", "--replay", "/dev/null", "--replay", "/dev/null" }, USAGE,
	  { "--replay given twice: give one file" }, 0 },
	{ "--count twice", { "-o", "csv", "--count", "5", "--count", "10" }, USAGE,
	  { "--count given twice: give one value" }, 0 },
	{ "--duration twice", { "-o", "csv", "--duration", "5", "--duration", "1" }, USAGE,
	  { "--duration given twice" }, 0 },
	{ "--history twice", { "--history", "5", "--history", "10" }, USAGE,
	  { "--history given twice" }, 0 },
	{ "--interval twice", { "--interval", "500", "--interval=200" }, USAGE,
	  { "--interval given twice" }, 0 },
	{ "--max-sockets twice", { "-o", "csv", "--max-sockets", "2048", "--max-sockets", "4096" },
	  USAGE, { "--max-sockets given twice" }, 0 },
	{ "--ring-size twice", { "-o", "csv", "--ring-size", "1048576", "--ring-size", "2097152" }, USAGE,
	  { "--ring-size given twice" }, 0 },
	{ "--btf twice", { "-o", "csv", "--btf", "/a", "--btf", "/b" }, USAGE,
	  { "--btf given twice" }, 0 },
	{ "-w with csv", { "-o", "csv", "-w" }, USAGE, { "-w applies to -o text" }, 0 },
	{ "-w with json", { "--wide", "-o", "json" }, USAGE, { "-w applies to -o text" }, 0 },
	{ "btf a directory", { "-o", "csv", "--btf", "/tmp" }, USAGE, { "/tmp is a directory" },
	  NEED_ROOT },
	{ "count without -o", { "--count", "5" }, USAGE, { "--count" }, 0 },
	{ "hook bogus", { "-o", "csv", "--hook", "bogus" }, USAGE, { "bogus" }, 0 },
	{ "hook empty", { "-o", "csv", "--hook", "" }, USAGE, { "--hook" }, 0 },
	/* what the user typed is quoted escaped: no second line, no raw ESC */
	{ "hook hostile", { "-o", "csv", "--hook", "a\nb\x1b[2J" }, USAGE,
	  { "\\x0a", "\\x1b[2J" }, 0 },
	{ "replay hostile name", { "-o", "csv", "--replay", "no\nsuch\x1b]0;x\x07" }, USAGE,
	  { "\\x0a", "\\x1b]0;x\\x07" }, 0 },
	{ "replay directory", { "-o", "csv", "--replay", "/" }, USAGE, { "directory" }, 0 },
	{ "comm empty", { "-o", "csv", "--comm", "" }, USAGE, { "--comm" }, 0 },
	{ "comm too long", { "-o", "csv", "--comm",
	  "0123456789012345678901234567890123456789012345678901234567890123" }, USAGE,
	  { "--comm" }, 0 },
	{ "btf empty", { "-o", "csv", "--btf", "" }, USAGE, { "--btf" }, 0 },
	/* replay files */
	{ "replay empty name", { "-o", "csv", "--replay", "" }, USAGE, { "--replay" }, 0 },
	{ "replay missing", { "-o", "csv", "--replay", "@missing.csv" }, USAGE,
	  { "missing.csv", "No such file" }, 0 },
	{ "replay unreadable", { "-o", "csv", "--replay", "@unreadable.csv" }, USAGE,
	  { "unreadable.csv", "Permission denied" }, AS_NOBODY },
	{ "replay directory", { "-o", "csv", "--replay", "@dir" }, USAGE, { "dir" }, 0 },
	{ "replay empty file", { "-o", "csv", "--replay", "@empty.csv" }, USAGE, { "empty" }, 0 },
	{ "replay /dev/null", { "-o", "csv", "--replay", "/dev/null" }, USAGE, { "empty" }, 0 },
	{ "replay /dev/zero", { "-o", "csv", "--replay", "/dev/zero" }, USAGE, { "NUL" }, 0 },
	{ "replay header with ESC, escaped once", { "-o", "csv", "--replay", "@escheader.csv" }, USAGE,
	  { "(header starts '\\x1b[31mx')" }, 0 },
	{ "replay binary garbage", { "-o", "csv", "--replay", "@garbage.bin" }, USAGE,
	  { "garbage.bin" }, 0 },
	{ "replay text, not CSV", { "-o", "text", "--replay", "@prose.txt" }, USAGE,
	  { "prose.txt", "not a tcpscope sessions CSV" }, 0 },
	{ "replay tcplife's -s output", { "-o", "csv", "--replay", "@lifes.csv" }, USAGE,
	  { "lifes.csv", "tcplife's -s columns" }, 0 },
	/* options of live tracing, which a replay would ignore */
	{ "replay with --btf", { "-o", "csv", "--replay", "@valid.csv", "--btf", "/nonexist" },
	  USAGE, { "--btf applies to live tracing, not to --replay" }, 0 },
	{ "replay with --duration", { "-o", "csv", "--duration", " 60 ", "--replay", "@valid.csv" },
	  USAGE, { "--duration applies to live tracing" }, 0 },
	{ "replay with --hook", { "--hook", "tp_btf", "-o", "text", "--replay", "@valid.csv" },
	  USAGE, { "--hook applies to live tracing" }, 0 },
	{ "replay with --no-seed", { "--replay", "@valid.csv", "--no-seed" }, USAGE,
	  { "--no-seed applies to live tracing" }, 0 },
	{ "replay with --ring-size", { "--replay", "@valid.csv", "--ring-size", "65536" }, USAGE,
	  { "--ring-size applies to live tracing" }, 0 },
	{ "replay with --max-sockets", { "--replay", "@valid.csv", "--max-sockets", "2048" },
	  USAGE, { "--max-sockets applies to live tracing" }, 0 },
	{ "replay a JSON stream", { "-o", "csv", "--replay", "@stream.json" }, USAGE,
	  { "stream.json", "JSON, not CSV" }, 0 },
	{ "replay a JSON stream after a BOM", { "-o", "csv", "--replay", "@bom.json" }, USAGE,
	  { "bom.json", "JSON, not CSV" }, 0 },
	{ "replay a JSON stream after blank lines", { "-o", "csv", "--replay", "@blank.json" },
	  USAGE, { "blank.json", "JSON, not CSV" }, 0 },
	{ "replay truncated line", { "-o", "csv", "--replay", "@truncated.csv" }, USAGE,
	  { "truncated.csv:3", "truncated" }, 0 },
	{ "replay blank lines first, line numbers kept", { "-o", "csv", "--replay",
	  "@blanktrunc.csv" }, USAGE, { "blanktrunc.csv:5", "truncated" }, 0 },
	{ "replay unterminated quote", { "-o", "json", "--replay", "@openquote.csv" }, USAGE,
	  { "openquote.csv:3", "unterminated" }, 0 },
	{ "replay stray quote", { "-o", "csv", "--replay", "@strayquote.csv" }, USAGE,
	  { "strayquote.csv:2", "quote" }, 0 },
	{ "replay bad port value", { "-o", "csv", "--replay", "@badport.csv" }, USAGE,
	  { "badport.csv:2", "rport", "70000" }, 0 },
	{ "replay bad comm escape", { "-o", "csv", "--replay", "@badcomm.csv" }, USAGE,
	  { "badcomm.csv:2", "comm" }, 0 },
	{ "replay bad time", { "-o", "csv", "--replay", "@badtime.csv" }, USAGE,
	  { "badtime.csv:2", "time" }, 0 },
	{ "replay record too long", { "-o", "csv", "--replay", "@huge.csv" }, USAGE,
	  { "huge.csv", "too long" }, 0 },
	{ "replay duplicate column", { "-o", "csv", "--replay", "@dupcol.csv" }, USAGE,
	  { "duplicate column" }, 0 },
	{ "replay processes export", { "-o", "csv", "--replay", "@processes.csv" }, USAGE,
	  { "processes" }, 0 },
	{ "replay ports export", { "-o", "csv", "--replay", "@ports.csv" }, USAGE, { "ports" }, 0 },
	{ "replay peers export", { "-o", "csv", "--replay", "@peers.csv" }, USAGE,
	  { "peers export" }, 0 },
	/* not a terminal */
	{ "monitor, stdout redirected", { NULL }, USAGE, { "terminal", "-o" }, 0 },
	{ "monitor, stdout redirected, stdin a tty", { NULL }, USAGE, { "terminal" }, STDIN_TTY },
	{ "replay monitor, stdout redirected", { "--replay", "@valid.csv" }, USAGE,
	  { "terminal" }, 0 },
	/* environment and runtime failures */
	{ "not root", { "-o", "csv" }, FAILURE, { "root", "CAP_BPF" }, AS_NOBODY },
	{ "not root, forced hook", { "-o", "text", "--hook", "tracepoint" }, FAILURE,
	  { "root", "CAP_BPF" }, AS_NOBODY },
	/* A BTF file named with --btf that is missing: the user's bad file, exit 2. */
	{ "btf missing", { "-o", "csv", "--btf", "@no-such-btf" }, USAGE, { "no-such-btf" },
	  NEED_ROOT },
	{ "btf not BTF", { "-o", "csv", "--btf", "@prose.txt" }, USAGE, { "prose.txt" },
	  NEED_ROOT },
	{ "stdout full", { "-o", "csv", "--replay", "@valid.csv" }, FAILURE,
	  { "No space left" }, STDOUT_FULL },
	{ "stdout full, json", { "-o", "json", "--replay", "@valid.csv" }, FAILURE,
	  { "No space left" }, STDOUT_FULL },
};

static char fixdir[64];

static void fixture_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", fixdir, name);
}

static void write_file(const char *name, const char *data, size_t len, mode_t mode)
{
	char path[128];
	FILE *f;

	fixture_path(name, path, sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void write_text(const char *name, const char *text)
{
	write_file(name, text, strlen(text), 0644);
}

#define HEADER "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms\n"
#define ROW "2026-11-23T22:00:00.000100Z,42,curl,4,127.0.0.1,40000,127.0.0.1,80,100,2000,1.500\n"

/* Sessions with hostile names, written by core's own CSV writer. */
static size_t make_sessions(struct session *v, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < HOSTILE_COUNT && n < max; i++, n++) {
		struct session *s = &v[n];

		memset(s, 0, sizeof(*s));
		s->end_ns = 1795471200ULL * 1000000000ULL + i * 1234567000ULL;
		s->dur_us = 1500 + i * 1001;
		s->start_ns = s->end_ns - s->dur_us * 1000;
		s->tx_bytes = 100 * i;
		s->rx_bytes = 7 * i;
		s->family = i % 2 ? AF_INET6 : AF_INET;
		if (s->family == AF_INET) {
			s->laddr.s6_addr[10] = s->laddr.s6_addr[11] = 0xff;
			s->laddr.s6_addr[12] = 127;
			s->laddr.s6_addr[15] = 1;
		} else {
			s->laddr.s6_addr[15] = 1;
		}
		s->raddr = s->laddr;
		s->pid = 1000 + i;
		s->lport = 30000 + i;
		s->rport = 443;
		s->srtt_us = 20 + i;
		s->handshake_us = 40 + i;
		s->dir = DIR_OUT;
		s->closer = i % 2 ? CLOSER_REMOTE : CLOSER_LOCAL;
		s->cause = i % 3 ? CAUSE_FIN : CAUSE_RST_SENT;
		s->flags = i % 4 == 3 ? SESS_PID_UNCERTAIN : 0;
		snprintf(s->comm, sizeof(s->comm), "%s", hostile_names[i].comm);
	}
	return n;
}

static int setup_fixtures(void **state)
{
	struct session v[HOSTILE_COUNT];
	char path[128], *huge;
	size_t n, huge_len = CSV_MAX_RECORD + 4096;
	FILE *f;

	snprintf(fixdir, sizeof(fixdir), "/tmp/tcpscope-cli-XXXXXX");
	if (!mkdtemp(fixdir) || chmod(fixdir, 0755))
		return -1;
	write_text("empty.csv", "");
	write_file("garbage.bin", "\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe,\"\n\x1b[2J", 18, 0644);
	write_text("prose.txt", "This is not a CSV file.\nIt has, however, commas.\n");
	write_text("stream.json", "{\"time\":\"2026-11-23T22:00:01.000000Z\",\"pid\":43}\n");
	write_text("bom.json", "\xef\xbb\xbf{\"time\":\"2026-11-23T22:00:01.000000Z\"}\n");
	write_text("blank.json", "\n\r\n  {\"time\":\"2026-11-23T22:00:01.000000Z\"}\n");
	write_text("escheader.csv", "\x1b[31mx,y\n1,2\n");
	write_text("reversed.csv", HEADER
		   "2026-11-23T22:00:02.000000Z,42,curl,4,127.0.0.1,40000,127.0.0.1,80,100,2000,1.500\n"
		   "2026-11-23T22:00:01.000000Z,42,curl,4,127.0.0.1,40001,127.0.0.1,80,100,2000,1.500\n"
		   "2026-11-23T22:00:00.500000Z,42,curl,4,127.0.0.1,40002,127.0.0.1,80,100,2000,1.500\n");
	write_text("lifes.csv", "TIME(s),PID,COMM,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS\n"
		   "0.000000,42,curl,127.0.0.1,40000,127.0.0.1,80,0,1,1.50\n");
	/* A row cut short before the file's end: the file is refused. (Cut
	 * at the file's end, the row is left out: test_replay_cut_last_row.) */
	write_text("truncated.csv", HEADER ROW "2026-11-23T22:00:01.000000Z,43,wget,4,127.0.\n" ROW);
	write_text("blanktrunc.csv", "\n\n" HEADER ROW "2026-11-23T22:00:01.000000Z,43,wget,4,127.0.\n"
		   ROW);
	write_text("cutlast.csv", HEADER ROW "2026-11-23T22:00:01.000000Z,43,wget,4,127.0.");
	write_text("openquote.csv", HEADER ROW "2026-11-23T22:00:01.000000Z,43,\"wget,4\n");
	write_text("strayquote.csv", HEADER "2026-11-23T22:00:00.000100Z,42,cu\"rl,4,"
		   "127.0.0.1,40000,127.0.0.1,80,100,2000,1.500\n");
	write_text("badport.csv", HEADER "2026-11-23T22:00:00.000100Z,42,curl,4,"
		   "127.0.0.1,40000,127.0.0.1,70000,100,2000,1.500\n");
	write_text("badcomm.csv", HEADER "2026-11-23T22:00:00.000100Z,42,cu\\x00rl,4,"
		   "127.0.0.1,40000,127.0.0.1,80,100,2000,1.500\n");
	write_text("badtime.csv", HEADER "yesterday,42,curl,4,"
		   "127.0.0.1,40000,127.0.0.1,80,100,2000,1.500\n");
	write_text("dupcol.csv", "time,pid,comm,pid,family,laddr,lport,raddr,rport,tx_bytes,"
		   "rx_bytes,duration_ms\n");
	write_text("processes.csv", "pid,comm,sessions,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,"
		   "peers,last_seen\n42,curl,3,300,6000,1.500,2.000,0,1,"
		   "2026-11-23T22:00:00.000100Z\n");
	write_text("ports.csv", "port,sessions,peers,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,"
		   "last_seen\n80,3,1,300,6000,1.500,2.000,0,2026-11-23T22:00:00.000100Z\n");
	write_text("peers.csv", "raddr,family,sessions,ports,tx_bytes,rx_bytes,avg_ms,max_ms,rsts,"
		   "fails,last_seen\n10.0.0.2,4,3,1,300,6000,1.500,2.000,0,0,"
		   "2026-11-23T22:00:00.000100Z\n");
	write_text("unreadable.csv", HEADER ROW);
	fixture_path("unreadable.csv", path, sizeof(path));
	assert_int_equal(chmod(path, 0), 0);
	fixture_path("dir", path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);

	/* One record longer than the reader's limit, no line break at all. */
	huge = malloc(huge_len);
	assert_non_null(huge);
	memcpy(huge, HEADER, strlen(HEADER));
	memset(huge + strlen(HEADER), 'a', huge_len - strlen(HEADER));
	write_file("huge.csv", huge, huge_len, 0644);
	free(huge);

	/* A valid file: hostile names through core's writer (escaped, guarded). */
	n = make_sessions(v, ARRAY_LEN(v));
	fixture_path("valid.csv", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(csv_write_header(f, VIEW_SESSIONS), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(csv_write_row(f, VIEW_SESSIONS, &v[i]), 0);
	assert_int_equal(fclose(f), 0);
	write_text("header-only.csv", HEADER);
	*state = NULL;
	return 0;
}

static int teardown_fixtures(void **state)
{
	char cmd[128];

	/* Only our own mkdtemp() directory, by its full path. */
	if (strncmp(fixdir, "/tmp/tcpscope-cli-", 18) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", fixdir);
		if (system(cmd) != 0)
			printf("could not remove %s\n", fixdir);
	}
	return 0;
}

/* argv for the binary under test; "@name" becomes a fixture path. */
static void build_argv(const char *const args[], const char *argv[], char paths[][128],
		       size_t max)
{
	size_t n = 0;

	argv[n++] = scope_binary();
	for (size_t i = 0; args[i] && n < max - 1; i++) {
		if (args[i][0] == '@') {
			fixture_path(args[i] + 1, paths[i], 128);
			argv[n++] = paths[i];
		} else {
			argv[n++] = args[i];
		}
	}
	argv[n] = NULL;
}

static bool is_root(void)
{
	return geteuid() == 0;
}

/* Printable for a failure message: the raw bytes escaped. */
static const char *shown(const char *s, size_t len)
{
	static char buf[1024];

	fmt_escape(s, len, buf, sizeof(buf));
	return buf;
}

static void check_one_line(const struct run_result *r, const char *const mention[])
{
	const char *nl = memchr(r->err, '\n', r->err_len);

	if (!nl || (size_t)(nl - r->err) != r->err_len - 1 || strncmp(r->err, "tcpscope: ", 10)) {
		printf("stderr is not one line starting 'tcpscope: ': \"%s\"\n",
		       shown(r->err, r->err_len));
		fail();
	}
	for (size_t i = 0; i + 1 < r->err_len; i++) {
		unsigned char c = (unsigned char)r->err[i];

		if (c < 0x20 || c == 0x7f) {
			printf("raw control byte 0x%02x on stderr: \"%s\"\n", c,
			       shown(r->err, r->err_len));
			fail();
		}
	}
	for (size_t i = 0; i < 3 && mention[i]; i++) {
		if (!strstr(r->err, mention[i])) {
			printf("stderr does not mention \"%s\": \"%s\"\n", mention[i],
			       shown(r->err, r->err_len));
			fail();
		}
	}
}

/* The current case's result; freed by the teardown even when a check fails. */
static struct run_result cur;

static int free_cur(void **state)
{
	run_result_free(&cur);
	return 0;
}

static void run_case(void **state)
{
	const struct cli_case *c = *state;
	struct run_opts o = {
		.as_nobody = (c->flags & AS_NOBODY) && is_root(),
		.stdin_tty = c->flags & STDIN_TTY,
		.stdout_path = c->flags & STDOUT_FULL ? "/dev/full" : NULL,
		.timeout_ms = 20000,
	};
	char paths[ARRAY_LEN(c->args)][128], st[64];
	const char *argv[ARRAY_LEN(c->args) + 2];
	struct run_result *r = &cur;

	if ((c->flags & NEED_ROOT) && !is_root()) {
		printf("SKIP: needs root\n");
		skip();
	}
	build_argv(c->args, argv, paths, ARRAY_LEN(argv));
	assert_int_equal(run_capture(argv, &o, r), 0);
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != c->status) {
		printf("%s: %s, expected exit %d; stderr: \"%s\"\n", c->name,
		       run_status_str(r, st, sizeof(st)), c->status, shown(r->err, r->err_len));
		fail();
	}
	assert_false(WIFSIGNALED(r->status));
	if (r->out_len) {
		printf("%s: %zu bytes on stdout: \"%s\"\n", c->name, r->out_len,
		       shown(r->out, r->out_len));
		fail();
	}
	check_one_line(r, c->mention);
}

/* ---- good paths ----------------------------------------------------------- */

static void run_ok(const char *const args[], bool as_nobody, struct run_result *r)
{
	char paths[12][128], st[64];
	const char *argv[14];
	struct run_opts o = { .as_nobody = as_nobody && is_root() };

	build_argv(args, argv, paths, ARRAY_LEN(argv));
	assert_int_equal(run_capture(argv, &o, r), 0);
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
		printf("%s, expected exit 0; stderr: \"%s\"\n", run_status_str(r, st, sizeof(st)),
		       shown(r->err, r->err_len));
		fail();
	}
}

static char *read_fixture(const char *name, size_t *len)
{
	char path[128];
	FILE *f;
	char *buf;
	long n;

	fixture_path(name, path, sizeof(path));
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = n;
	return buf;
}

/* Output is valid UTF-8 with no C0 (but LF), DEL or C1 control in it. */
static void assert_inert(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n;

		if (p[i] == '\n' || (p[i] >= 0x20 && p[i] < 0x7f)) {
			i++;
			continue;
		}
		n = fmt_utf8_seq_len(p + i, len - i);
		if (!n || (p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			printf("byte 0x%02x at %zu is not inert: \"%s\"\n", p[i], i,
			       shown(s + (i > 20 ? i - 20 : 0), 40));
			fail();
		}
		i += n;
	}
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* A replay of a file tcpscope wrote streams back exactly the same rows. */
static void test_replay_reproduces_rows(void **state)
{
	const char *args[] = { "-o", "csv", "--replay", "@valid.csv", NULL };
	struct run_result r;
	size_t len;
	char *want = read_fixture("valid.csv", &len);

	run_ok(args, false, &r);
	assert_int_equal(r.out_len, len);
	assert_memory_equal(r.out, want, len);
	assert_int_equal(count_lines(r.out, r.out_len), HOSTILE_COUNT + 1);
	check_one_line(&r, (const char *const[]){ "sessions", "0 missed", NULL });
	run_result_free(&r);
	free(want);
}

/* A number takes blanks around it as a list item does ("-p ' 5'",
 * "--count ' 3 '"): both kinds of flag read input the same way. */
static void test_numbers_take_blanks(void **state)
{
	/* (--duration " 60 ": in the cases, refused for the replay, not the blanks) */
	const char *args[] = { "-o", "csv", "--count", " 3\t", "--history",
			       "  1000", "-p", " 1 - 4194304 ", "--replay", "@valid.csv", NULL };
	struct run_result r;

	run_ok(args, false, &r);
	assert_int_equal(count_lines(r.out, r.out_len), 1 + 3);
	check_one_line(&r, (const char *const[]){ "3 sessions", NULL });
	run_result_free(&r);
}

/* One session is "1 session", with a filter "1 session shown". */
static void test_summary_one_session(void **state)
{
	const char *plain[] = { "-o", "csv", "--count", "1", "--replay", "@valid.csv", NULL };
	const char *filtered[] = { "-o", "csv", "--count", "1", "-p", "0-4194304", "--replay",
				   "@valid.csv", NULL };
	struct run_result r;

	run_ok(plain, false, &r);
	assert_int_equal(count_lines(r.out, r.out_len), 1 + 1);
	check_one_line(&r, (const char *const[]){ "tcpscope: 1 session, 0 missed", NULL });
	run_result_free(&r);
	run_ok(filtered, false, &r);
	assert_int_equal(count_lines(r.out, r.out_len), 1 + 1);
	check_one_line(&r, (const char *const[]){ "tcpscope: 1 session shown (", NULL });
	run_result_free(&r);
}

/* Start argv with stdin and stdout on /dev/null, stderr on err_fd (-1:
 * /dev/null too); its pid. */
static pid_t spawn_quiet(const char *const *argv, int err_fd)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(err_fd >= 0 ? err_fd : null, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/*
 * The summary line goes out in one write(): stderr is unbuffered, and a
 * shell whose background job ended put its prompt between the pieces of a
 * line written in several ("tcpscope: 244 sessions$ , 0 missed"). stderr
 * here is a SOCK_SEQPACKET socket, which keeps each write() a message of
 * its own: the line must be one message, filtered or not.
 */
static void test_summary_one_write(void **state)
{
	static const char *const extra[][3] = { { NULL }, { "-P", "443", NULL } };

	for (size_t k = 0; k < sizeof(extra) / sizeof(extra[0]); k++) {
		const char *argv[12] = { scope_binary(), "-o", "csv", "--replay", NULL };
		char path[128], msg[4096];
		int sv[2], st, i = 5, found = 0;
		ssize_t got;
		pid_t pid;

		fixture_path("valid.csv", path, sizeof(path));
		argv[4] = path;
		for (int j = 0; extra[k][j]; j++)
			argv[i++] = extra[k][j];
		argv[i] = NULL;
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
		pid = spawn_quiet(argv, sv[1]);
		close(sv[1]);
		while ((got = recv(sv[0], msg, sizeof(msg) - 1, 0)) > 0) {
			msg[got] = '\0';
			if (strstr(msg, " missed")) {
				printf("summary message: %s", msg);
				/* the whole line, from its start to its end */
				assert_memory_equal(msg, "tcpscope: ", 10);
				assert_true(msg[got - 1] == '\n');
				assert_null(memchr(msg, '\n', (size_t)got - 1));
				found++;
			}
		}
		close(sv[0]);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		assert_int_equal(found, 1);
	}
}

/* A big capture (32 MB or more) gets a line saying it is being read, before
 * the seconds that takes; a small one none (test_replay_reproduces_rows). */
static void test_replay_big_says_reading(void **state)
{
	const char *args[] = { "-o", "csv", "--count", "1", "--replay", "@big.csv", NULL };
	struct run_result r;
	size_t len, n = 0;
	char *rows = read_fixture("valid.csv", &len), *body = strchr(rows, '\n') + 1;
	char path[128];
	FILE *f;

	fixture_path("big.csv", path, sizeof(path));
	f = fopen(path, "w");

	assert_non_null(f);
	fwrite(rows, 1, (size_t)(body - rows), f);
	while (n < 33 * 1000 * 1000) {
		fwrite(body, 1, len - (size_t)(body - rows), f);
		n += len - (size_t)(body - rows);
	}
	fclose(f);
	run_ok(args, false, &r);
	assert_non_null(strstr(r.err, "tcpscope: reading "));
	assert_non_null(strstr(r.err, "/big.csv ("));
	assert_non_null(strstr(r.err, " MB)...\n"));
	assert_non_null(strstr(r.err, "tcpscope: 1 session"));
	run_result_free(&r);
	unlink(path);
	free(rows);
}

/* Replay needs neither root nor BPF. */
static void test_replay_as_nobody(void **state)
{
	const char *args[] = { "-o", "csv", "--replay", "@valid.csv", NULL };
	struct run_result r;
	size_t len;
	char *want = read_fixture("valid.csv", &len);

	if (!is_root())
		printf("(not root: runs as the current user)\n");
	run_ok(args, true, &r);
	assert_int_equal(r.out_len, len);
	assert_memory_equal(r.out, want, len);
	run_result_free(&r);
	free(want);
}

/* A header and no rows is a valid, empty capture. */
static void test_replay_header_only(void **state)
{
	const char *args[] = { "-o", "csv", "--replay", "@header-only.csv", NULL };
	struct run_result r;

	run_ok(args, false, &r);
	assert_true(r.out_len > 0 && count_lines(r.out, r.out_len) == 1);
	assert_memory_equal(r.out, "time,pid,comm,", 14);
	check_one_line(&r, (const char *const[]){ "0 sessions", NULL });
	run_result_free(&r);
}

/* A file cut inside its last row (a full disk, `head -c`): its whole rows
 * are replayed, and a line says what was left out (until 2026-12-06 the
 * whole file was refused). */
static void test_replay_cut_last_row(void **state)
{
	const char *args[] = { "-o", "csv", "--replay", "@cutlast.csv", NULL };
	const char *said = "cutlast.csv:3: the file ends inside this row: left out\n"
			   "tcpscope: 1 session, 0 missed\n";
	struct run_result r;

	run_ok(args, false, &r);
	assert_int_equal(count_lines(r.out, r.out_len), 2);	/* the header and the whole row */
	assert_non_null(memmem(r.out, r.out_len, ",42,curl,", 9));
	assert_non_null(memmem(r.err, r.err_len, said, strlen(said)));
	run_result_free(&r);
}

/* -t in a replay counts from the file's earliest close, wherever it is in
 * the file (until 2026-12-06 from its first row: a file in any other order,
 * an export sorted by bytes or newest first, gave negative times). */
static void test_replay_time_s_from_earliest(void **state)
{
	const char *args[] = { "-s", "-t", "--replay", "@reversed.csv", NULL };
	const char *want = "TIME(s),PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS\n"
			   "1.500000,42,curl,4,127.0.0.1,40000,127.0.0.1,80,0,1,1.50\n"
			   "0.500000,42,curl,4,127.0.0.1,40001,127.0.0.1,80,0,1,1.50\n"
			   "0.000000,42,curl,4,127.0.0.1,40002,127.0.0.1,80,0,1,1.50\n";
	struct run_result r;

	run_ok(args, false, &r);
	if (r.out_len != strlen(want) || memcmp(r.out, want, r.out_len))
		printf("got (%zu bytes):\n%.*s", r.out_len, (int)r.out_len, r.out);
	assert_int_equal(r.out_len, strlen(want));
	assert_memory_equal(r.out, want, r.out_len);
	run_result_free(&r);
}

/* Hostile names from a replay come out inert, one record per line. */
static void test_replay_hostile_formats(void **state)
{
	static const char *const fmts[][8] = {
		{ "-o", "text", "--replay", "@valid.csv", NULL },
		{ "-o", "text", "-w", "-t", "-T", "--replay", "@valid.csv", NULL },
		{ "-o", "json", "--replay", "@valid.csv", NULL },
		{ "-o", "csv", "--replay", "@valid.csv", NULL },
	};
	static const size_t lines[] = { HOSTILE_COUNT + 1, HOSTILE_COUNT + 1, HOSTILE_COUNT,
					HOSTILE_COUNT + 1 };

	for (size_t f = 0; f < ARRAY_LEN(fmts); f++) {
		struct run_result r;

		run_ok(fmts[f], false, &r);
		assert_inert(r.out, r.out_len);
		if (count_lines(r.out, r.out_len) != lines[f]) {
			printf("%s %s: %zu lines, expected %zu\n", fmts[f][1], fmts[f][2],
			       count_lines(r.out, r.out_len), lines[f]);
			fail();
		}
		run_result_free(&r);
	}
}

/*
 * The stream writes in big pieces: its 256 KiB output buffer is really
 * used (glibc ignores setvbuf()'s size without a buffer and writes every
 * 4 KiB). Counted by the kernel: the write() calls of the finished process
 * (/proc/PID/io, read before it is reaped).
 */
static void test_stream_writes_in_big_pieces(void **state)
{
	const char *argv[8] = { scope_binary(), "-o", "csv", "--replay", NULL, NULL };
	char path[128], line[128];
	long calls = -1, bytes = -1;
	size_t len, rows;
	char *rows_text, *one = read_fixture("valid.csv", &len);
	siginfo_t si;
	pid_t pid;
	FILE *f;

	/* valid.csv's rows, 600 times over: about 1.4 MB of CSV */
	rows_text = strchr(one, '\n') + 1;
	fixture_path("big.csv", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(one, 1, rows_text - one, f);
	for (int i = 0; i < 600; i++)
		fputs(rows_text, f);
	rows = 600 * count_lines(rows_text, strlen(rows_text));
	assert_int_equal(fclose(f), 0);
	argv[4] = path;

	pid = spawn_quiet(argv, -1);
	assert_int_equal(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	snprintf(line, sizeof(line), "/proc/%d/io", (int)pid);
	f = fopen(line, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "syscw: %ld", &calls);
		sscanf(line, "wchar: %ld", &bytes);
	}
	fclose(f);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(si.si_code, CLD_EXITED);
	assert_int_equal(si.si_status, 0);
	printf("%zu rows: %ld bytes in %ld write calls\n", rows, bytes, calls);
	assert_true(bytes > 1000000);
	/* 4 KiB pieces would be 350 calls; 256 KiB ones, 6, and one per
	 * drain of the replay, the header and the summary line */
	assert_true(calls <= 40);
	free(one);
}

static void test_help_and_version(void **state)
{
	const char *help[] = { "--help", NULL }, *version[] = { "-V", NULL };
	struct run_result r;

	run_ok(help, false, &r);
	assert_non_null(strstr(r.out, "Usage: tcpscope"));
	assert_non_null(strstr(r.out, "Exit status"));
	assert_int_equal(r.err_len, 0);
	run_result_free(&r);
	run_ok(version, false, &r);
	assert_memory_equal(r.out, "tcpscope ", 9);
	assert_int_equal(count_lines(r.out, r.out_len), 1);
	assert_int_equal(r.err_len, 0);
	run_result_free(&r);
}

/*
 * A test whose assertion fails leaves through cmocka's longjmp, past its
 * scope_cleanup(): the monitors it started are killed and their directories
 * removed when the test binary exits. Here a child starts one (a replay of
 * a FIFO nobody writes: it waits) and exits without cleaning up, as a failed
 * test's binary does. Until 2026-12-06 each such failure left a
 * /tmp/tcpscope-test-* directory behind.
 */
static void test_failed_test_leaves_nothing(void **state)
{
	char tmp[] = "/tmp/tcpscope-fifo-XXXXXX", fifo[64], line[128] = "", dir[64] = "";
	struct stat sb;
	int p[2], st, mon = 0;
	ssize_t n;
	pid_t c;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmp);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(pipe(p), 0);
	c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		const char *argv[] = { "-o", "csv", "--replay", fifo, NULL };
		struct scope sc;

		close(p[0]);
		if (scope_start(&sc, argv, false))
			_exit(2);
		dprintf(p[1], "%d %s\n", (int)sc.pid, sc.dir);
		exit(1);	/* no scope_cleanup(), as after a failed assertion */
	}
	close(p[1]);
	n = read(p[0], line, sizeof(line) - 1);
	close(p[0]);
	assert_int_equal(waitpid(c, &st, 0), c);
	unlink(fifo);
	rmdir(tmp);
	assert_true(n > 0);
	assert_int_equal(sscanf(line, "%d %63s", &mon, dir), 2);
	assert_true(mon > 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	if (stat(dir, &sb) == 0)
		fail_msg("%s left behind", dir);
	assert_int_equal(errno, ENOENT);
	/* and the monitor, killed and reaped by the child before it ended */
	assert_int_equal(kill(mon, 0), -1);
	assert_int_equal(errno, ESRCH);
}

int main(void)
{
	static const struct CMUnitTest good[] = {
		cmocka_unit_test(test_replay_reproduces_rows),
		cmocka_unit_test(test_replay_as_nobody),
		cmocka_unit_test(test_numbers_take_blanks),
		cmocka_unit_test(test_replay_time_s_from_earliest),
		cmocka_unit_test(test_summary_one_session),
		cmocka_unit_test(test_summary_one_write),
		cmocka_unit_test(test_replay_big_says_reading),
		cmocka_unit_test(test_replay_header_only),
		cmocka_unit_test(test_replay_cut_last_row),
		cmocka_unit_test(test_replay_hostile_formats),
		cmocka_unit_test(test_stream_writes_in_big_pieces),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_failed_test_leaves_nothing),
	};
	struct CMUnitTest tests[ARRAY_LEN(cases) + ARRAY_LEN(good)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++, n++) {
		tests[n] = (struct CMUnitTest){ .name = cases[i].name, .test_func = run_case,
						.teardown_func = free_cur,
						.initial_state = (void *)&cases[i] };
	}
	for (size_t i = 0; i < ARRAY_LEN(good); i++)
		tests[n++] = good[i];
	return _cmocka_run_group_tests("integration: command line and files", tests, n,
				       setup_fixtures, teardown_fixtures);
}
