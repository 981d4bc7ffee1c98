// SPDX-License-Identifier: GPL-2.0
/*
 * tcpscope: composition root. Parses the command line, builds the session
 * source (live collector or CSV replay) and the model, then runs either the
 * headless stream (-o text|csv|json) or the full-screen monitor.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "bpf/collector.h"
#include "core/filter.h"
#include "core/fmt.h"
#include "core/hash.h"
#include "core/hugemem.h"
#include "core/model.h"
#include "core/replay.h"
#include "core/spool.h"
#include "core/stream.h"
#include "ui/monitor.h"
#include "ui/outfile.h"
#include "ui/status.h"
#include "ui/term.h"

#define TCPSCOPE_VERSION "0.1.0"
#define EXIT_USAGE 2

struct options {
	bool stream;			/* -o / -s given */
	bool dash_o, dash_s;		/* which of them */
	struct stream_opts sopts;
	struct filter filter;
	double duration_s;		/* 0: until interrupted */
	uint64_t count;			/* 0: unlimited */
	size_t history;
	unsigned interval_ms;
	const char *replay;
	struct collector_opts copts;
	bool no_color;
	bool verbose;
	bool open_list;			/* --open */
};

static volatile sig_atomic_t stop_signal;
/* The signals on_stop_signal() takes (main()), which the stream's wait
 * blocks outside ppoll(). */
static sigset_t stop_sigs;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	ui_term_note_stop(sig);	/* the monitor's own flag, for when it starts */
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tcpscope [OPTIONS]\n"
"Show every TCP session on this host as it closes: process, addresses, ports,\n"
"payload bytes each way, lifetime and why it ended. Without -o, a full-screen\n"
"monitor; with -o, one line per closed session on stdout.\n"
"\n"
"Output:\n"
"  -o, --output FORMAT   stream to stdout: text, csv or json\n"
"  -s                    tcplife's -s: its columns, comma-separated\n"
"  -w, --wide            wide text/screen columns (16-char comm, IPv6 addresses)\n"
"  -t                    text, -s: prepend TIME(s), seconds since tracing began\n"
"  -T                    text, -s: prepend TIME, HH:MM:SS\n"
"      --duration SECS   stop after SECS seconds\n"
"      --count N         stop after N sessions (after filtering)\n"
"      --open            list the sessions open now instead (this network\n"
"                        namespace's: payload so far, age) and exit\n"
"\n"
"Filters (the monitor keeps only what they accept; its keys filter further):\n"
"  -p, --pid PIDS        only these processes (comma list, ranges a-b)\n"
"  -L, --lport PORTS     only these local ports\n"
"  -D, --rport PORTS     only these remote ports (-L and -D together: both)\n"
"  -P, --port PORTS      these ports on either side\n"
"  -4, --ipv4            only IPv4\n"
"  -6, --ipv6            only IPv6\n"
"      --comm TEXT       only processes whose name contains TEXT\n"
"      --failed          only sessions that failed: reset, refused, timed out,\n"
"                        unreachable or abandoned (not an orderly close)\n"
"      --netns NS        only these network namespaces: inode numbers (lsns -t\n"
"                        net), /proc/PID/ns/net or ip-netns names (comma list)\n"
"\n"
"Sources and tuning:\n"
"      --replay FILE     read sessions from a CSV tcpscope wrote (no root/BPF)\n"
"      --history N       sessions kept in memory (default %u)\n"
"      --interval MS     drain/refresh interval in ms (default 100)\n"
"      --hook HOOK       auto (default), tp_btf or tracepoint\n"
"      --max-sockets N   concurrently open sockets tracked (default %u)\n"
"      --ring-size BYTES kernel buffer, a power of two (default %u)\n"
"      --no-seed         do not look for sessions open at start-up (they are\n"
"                        still reported when they close, as partial)\n"
"      --btf FILE        kernel BTF to use (default /sys/kernel/btf/vmlinux)\n"
"      --no-color        monochrome screen (NO_COLOR is honoured too)\n"
"  -v, --verbose         show libbpf's messages, and what the hook saw at exit\n"
"  -h, --help            this text\n"
"  -V, --version         version\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
		MODEL_DEFAULT_HISTORY, COLLECTOR_DEFAULT_SOCKETS, COLLECTOR_DEFAULT_RING_BYTES);
}

/* One line on stderr. Messages quote what the user typed (file names,
 * values): it is escaped, so it can neither break the line nor reach the
 * terminal as a control sequence. */
/* One line on stderr. Control bytes and invalid UTF-8 in msg are escaped;
 * a backslash is left alone: the messages that quote input (a replay file's
 * header, a bad value) quote it escaped already, and "\x1b" must not turn
 * into "\\x1b". */
/* A replay file this big gets a line saying it is being read. */
#define REPLAY_SAY_BYTES (32 * 1000 * 1000)

static void say(const char *msg, const char *suffix)
{
	char esc[2048];

	fmt_escape_escaped(msg, esc, sizeof(esc));
	fprintf(stderr, "tcpscope: %s%s\n", esc, suffix);
}

static int fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail_usage(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say(msg, " (see tcpscope --help)");
	return EXIT_USAGE;
}

/* The number in s, without the blanks around it (as list items may have),
 * into buf; NULL when it is empty or too long. */
static const char *trim_blanks(const char *s, char *buf, size_t len)
{
	size_t n;

	if (!s)
		return NULL;
	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || n >= len)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* Strict unsigned parse: decimal digits only (blanks around them allowed),
 * within [min, max]. */
static int parse_u64(const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	char buf[32], *end;
	const char *s = trim_blanks(arg, buf, sizeof(buf));
	unsigned long long v;

	if (!s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_seconds(const char *arg, double *out)
{
	char buf[64], *end;
	const char *s = trim_blanks(arg, buf, sizeof(buf));
	double v;

	if (!s)
		return -EINVAL;
	/* Decimal only: digits, with a fraction if any (strtod would take
	 * "0x10", "1e3", "inf"). */
	if (strspn(s, "0123456789.") != strlen(s) || strchr(s, '.') != strrchr(s, '.') ||
	    !strpbrk(s, "0123456789"))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > 1e9)
		return -EINVAL;
	*out = v;
	return 0;
}

enum {
	OPT_DURATION = 256, OPT_COUNT, OPT_COMM, OPT_REPLAY, OPT_HISTORY, OPT_INTERVAL,
	OPT_HOOK, OPT_MAX_SOCKETS, OPT_RING_SIZE, OPT_NO_SEED, OPT_NO_COLOR, OPT_BTF, OPT_FAILED,
	OPT_NETNS, OPT_OPEN,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "wide", no_argument, NULL, 'w' },
	{ "pid", required_argument, NULL, 'p' },
	{ "lport", required_argument, NULL, 'L' },
	{ "rport", required_argument, NULL, 'D' },
	{ "port", required_argument, NULL, 'P' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "open", no_argument, NULL, OPT_OPEN },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "hook", required_argument, NULL, OPT_HOOK },
	{ "max-sockets", required_argument, NULL, OPT_MAX_SOCKETS },
	{ "ring-size", required_argument, NULL, OPT_RING_SIZE },
	{ "no-seed", no_argument, NULL, OPT_NO_SEED },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ 0 }
};

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct options *o)
{
	unsigned long long given = 0;
	const char *live_only = NULL;	/* an option of live tracing given */
	char err[160];
	uint64_t v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:swtTp:L:D:P:46vhV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DURATION: live_only = "--duration"; break;
		case OPT_HOOK: live_only = "--hook"; break;
		case OPT_MAX_SOCKETS: live_only = "--max-sockets"; break;
		case OPT_RING_SIZE: live_only = "--ring-size"; break;
		case OPT_NO_SEED: live_only = "--no-seed"; break;
		case OPT_OPEN: live_only = "--open"; break;
		case OPT_BTF: live_only = "--btf"; break;
		default: break;
		}
		/* An option of one value given twice: the last one would win
		 * silently (a second --replay dropped the first file). */
		if (c >= OPT_DURATION && c < OPT_DURATION + 64 && c != OPT_NO_SEED &&
		    c != OPT_NO_COLOR && c != OPT_FAILED && c != OPT_NETNS && c != OPT_OPEN) {
			unsigned long long bit = 1ULL << (c - OPT_DURATION);
			const struct option *lo = long_opts;

			while (lo->name && lo->val != c)
				lo++;
			if (given & bit)
				return fail_usage("--%s given twice: give one %s", lo->name,
						  c == OPT_REPLAY ? "file" :
						  c == OPT_COMM ? "(a part of the name matches)" :
						  c == OPT_HOOK ? "of auto, tp_btf or tracepoint" :
						  "value");
			given |= bit;
		}
		switch (c) {
		case 'o':
			/* Two layouts asked for: neither may win silently. */
			if (o->dash_o)
				return fail_usage("-o given twice: give one of text, csv or json");
			o->stream = true;
			o->dash_o = true;
			if (!strcmp(optarg, "text"))
				o->sopts.fmt = STREAM_TEXT;
			else if (!strcmp(optarg, "csv"))
				o->sopts.fmt = STREAM_CSV;
			else if (!strcmp(optarg, "json"))
				o->sopts.fmt = STREAM_JSON;
			else
				return fail_usage("bad -o '%s': expected text, csv or json", optarg);
			break;
		case 's':	/* tcplife's -s: its columns, comma-separated */
			o->stream = true;
			o->dash_s = true;
			o->sopts.fmt = STREAM_LIFECSV;
			break;
		case 'w':
			o->sopts.wide = true;
			break;
		case 't':
			o->sopts.time_s = true;
			break;
		case 'T':
			o->sopts.time_hms = true;
			break;
		case 'p':
			if (filter_parse_pids(optarg, &o->filter.pids, err, sizeof(err)))
				return fail_usage("-p: %s", err);
			break;
		case 'L':
			if (filter_parse_ports(optarg, &o->filter.lports, err, sizeof(err)))
				return fail_usage("-L: %s", err);
			break;
		case 'D':
			if (filter_parse_ports(optarg, &o->filter.rports, err, sizeof(err)))
				return fail_usage("-D: %s", err);
			break;
		case 'P':
			if (filter_parse_ports(optarg, &o->filter.ports, err, sizeof(err)))
				return fail_usage("-P: %s", err);
			break;
		case '4':
		case '6':
			if (o->filter.family && o->filter.family != (c == '4' ? AF_INET : AF_INET6))
				return fail_usage("-4 and -6 exclude each other");
			filter_set_family(&o->filter, c == '4' ? AF_INET : AF_INET6);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tcpscope %s\n", TCPSCOPE_VERSION);
			return 0;
		case OPT_DURATION:
			if (parse_seconds(optarg, &o->duration_s))
				return fail_usage("bad --duration '%s': expected seconds, more than 0 and "
						  "at most 1000000000 (e.g. 60 or 0.5)", optarg);
			break;
		case OPT_COUNT:
			if (parse_u64(optarg, 1, UINT64_MAX, &o->count))
				return fail_usage("bad --count '%s': expected a whole number from 1 to "
						  "18446744073709551615", optarg);
			break;
		case OPT_COMM:
			if (!*optarg || filter_set_comm(&o->filter, optarg))
				return fail_usage("bad --comm '%s': expected 1 to %d characters", optarg,
						  FILTER_TEXT_LEN - 1);
			break;
		case OPT_FAILED:
			filter_set_failures(&o->filter, true);
			break;
		case OPT_NETNS:
			if (filter_parse_netns(optarg, &o->filter.netns, err, sizeof(err)))
				return fail_usage("--netns: %s", err);
			break;
		case OPT_REPLAY:
			if (!*optarg)
				return fail_usage("--replay needs a file name");
			o->replay = optarg;
			break;
		case OPT_HISTORY:
			if (parse_u64(optarg, 1, SESSION_LOG_MAX_CAPACITY, &v))
				return fail_usage("bad --history '%s': expected 1 to %u sessions", optarg,
						  SESSION_LOG_MAX_CAPACITY);
			o->history = v;
			break;
		case OPT_INTERVAL:
			if (parse_u64(optarg, 10, 10000, &v))
				return fail_usage("bad --interval '%s': expected 10 to 10000 ms", optarg);
			o->interval_ms = v;
			break;
		case OPT_HOOK:
			if (!strcmp(optarg, "auto"))
				o->copts.hook = HOOK_AUTO;
			else if (!strcmp(optarg, "tp_btf"))
				o->copts.hook = HOOK_TP_BTF;
			else if (!strcmp(optarg, "tracepoint"))
				o->copts.hook = HOOK_TRACEPOINT;
			else
				return fail_usage("bad --hook '%s': expected auto, tp_btf or tracepoint", optarg);
			break;
		case OPT_MAX_SOCKETS:
			if (parse_u64(optarg, 1024, 16777216, &v))
				return fail_usage("bad --max-sockets '%s': expected 1024 to 16777216", optarg);
			o->copts.max_sockets = v;
			break;
		case OPT_RING_SIZE:
			if (parse_u64(optarg, 65536, 1u << 30, &v) || (v & (v - 1)))
				return fail_usage("bad --ring-size '%s': expected a power of two, 65536 to 1073741824",
						  optarg);
			o->copts.ring_bytes = v;
			break;
		case OPT_NO_SEED:
			o->copts.no_seed = true;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			break;
		case OPT_OPEN:
			o->open_list = true;
			break;
		case OPT_BTF:
			if (!*optarg)
				return fail_usage("--btf needs a file name");
			o->copts.btf_path = optarg;
			break;
		case ':':
			/* optopt is the letter of a short option, a long one's value
			 * otherwise: name the option as it was typed. */
			if (optopt > 0 && optopt < 128 && isalnum(optopt))
				return fail_usage("option -%c needs a value", optopt);
			return fail_usage("option %s needs a value", argv[optind - 1]);
		default: {
			/* getopt leaves the word it stopped at behind optind: a
			 * long option given a value it does not take ("--wide=x")
			 * sets optopt to the option's own code, not a letter. */
			const char *word = argv[optind - 1], *eq = strchr(word, '=');

			if (!strncmp(word, "--", 2) && eq)
				return fail_usage("option %.*s takes no value", (int)(eq - word), word);
			if (!strncmp(word, "--", 2) || !optopt || optopt >= 128 || !isprint(optopt))
				return fail_usage("unknown option %s", word);
			return fail_usage("unknown option -%c", optopt);
		}
		}
	}
	if (optind < argc)
		return fail_usage("unexpected argument '%s'", argv[optind]);
	/* A replay traces nothing: an option of the tracing would be
	 * silently ignored (a wrong --btf path said nothing). */
	if (o->replay && live_only)
		return fail_usage("%s applies to live tracing, not to --replay", live_only);
	/* Two layouts asked for: neither may win silently. */
	if (o->dash_o && o->dash_s)
		return fail_usage("-s and -o choose the output both: give one (-s is tcplife's "
				  "columns, -o csv tcpscope's)");
	/* --open lists once, in the stream's layouts (text unless asked). */
	if (o->open_list && o->duration_s > 0)
		return fail_usage("--duration does not apply to --open: it lists what is open "
				  "now, once");
	if (o->open_list && o->copts.no_seed)
		return fail_usage("--no-seed does not apply to --open: the walk it leaves out "
				  "names the owners of what was open before");
	if (o->open_list)
		o->stream = true;
	if (!o->stream && (o->duration_s > 0 || o->count))
		return fail_usage("--duration and --count apply to a stream: add -o text|csv|json");
	/* -t/-T add tcplife's time columns to its layouts (-o text, -s); the
	 * CSV and JSON always carry time and start_time, and -t/-T would be
	 * silently ignored. */
	if (o->stream && o->sopts.fmt != STREAM_TEXT && o->sopts.fmt != STREAM_LIFECSV &&
	    (o->sopts.time_s || o->sopts.time_hms))
		return fail_usage("-t and -T apply to tcplife's layouts (-o text, -s); the CSV and "
				  "JSON always carry time and start_time");
	if (!o->stream && (o->sopts.time_s || o->sopts.time_hms))
		return fail_usage("-t and -T apply to the text stream: add -o text or -s");
	/* -w widens tcplife's layout and the monitor's columns; the CSV and
	 * JSON are always whole, and -w would be silently ignored. */
	if (o->stream && (o->sopts.fmt == STREAM_CSV || o->sopts.fmt == STREAM_JSON) &&
	    o->sopts.wide)
		return fail_usage("-w applies to -o text and the monitor; the CSV and JSON always "
				  "carry every column whole");
	return -1;
}

/* The closing line on stderr: what was shown, and what was lost. */
/* Append to a line being built (cut at its size, never past it). */
static void __attribute__((format(printf, 4, 5)))
line_addf(char *line, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= size - 1)
		return;
	va_start(ap, fmt);
	w = vsnprintf(line + *n, size - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n += (size_t)w < size - *n ? (size_t)w : size - *n - 1;
}

static void print_summary(struct session_source *src, uint64_t shown, const struct filter *f,
			  bool verbose)
{
	struct source_stats st;
	char line[512] = "";
	size_t n = 0;

	source_stats(src, &st);
	/* Built whole and written at once: stderr is unbuffered, and a shell
	 * whose job this was (a monitor ended from the background) printed
	 * its prompt between the pieces ("tcpscope: 244 sessions$ , 0
	 * missed"). */
	line_addf(line, sizeof(line), &n, "tcpscope: %llu %s", (unsigned long long)shown,
		  fmt_plural(shown, "session", "sessions"));
	if (!filter_is_empty(f))
		line_addf(line, sizeof(line), &n, " shown (%llu seen)",
			  (unsigned long long)st.sessions);
	line_addf(line, sizeof(line), &n, ", %llu missed", (unsigned long long)st.missed);
	if (st.missed) {
		line_addf(line, sizeof(line), &n, " (buffer full %llu, closed untraced %llu",
			  (unsigned long long)st.ring_full, (unsigned long long)st.vanished);
		if (st.unreadable)
			line_addf(line, sizeof(line), &n, ", unreadable %llu",
				  (unsigned long long)st.unreadable);
		if (st.spool_full)
			line_addf(line, sizeof(line), &n, ", memory queue full %llu",
				  (unsigned long long)st.spool_full);
		if (st.unaccounted)
			line_addf(line, sizeof(line), &n, ", lost in transit %llu",
				  (unsigned long long)st.unaccounted);
		line_addf(line, sizeof(line), &n, ")");
		/* A record lost in the kernel cannot be told to match or not. */
		if (!filter_is_empty(f))
			line_addf(line, sizeof(line), &n,
				  " among all sessions, not only those the filter shows");
	}
	line_addf(line, sizeof(line), &n, "\n");
	fputs(line, stderr);
	if (verbose && spool_is(src) && spool_setup_result(src))
		fprintf(stderr, "tcpscope: the drain thread ran without real-time priority (%s): "
			"on a saturated host the kernel's buffer could fill while it waited for a "
			"CPU\n", strerror(-spool_setup_result(src)));
	if (st.kernel_misses)
		fprintf(stderr, "tcpscope: the kernel skipped %llu runs of tcpscope's programs (a "
			"state change inside another's run on the same CPU): not sessions; a close "
			"among them was reported when its socket was destroyed, or counted above as "
			"closed untraced\n", (unsigned long long)st.kernel_misses);
	if (st.table_full)
		fprintf(stderr, "tcpscope: %llu %s while the socket table was full "
			"(raise --max-sockets)%s: %s marked partial, with the start and "
			"the duration counted from tcpscope's start\n",
			(unsigned long long)st.table_full,
			fmt_plural(st.table_full, "session began", "sessions began"),
			filter_is_empty(f) ? "" : ", among all sessions, not only those the filter shows",
			fmt_plural(st.table_full, "its row is", "their rows are"));
	if (verbose && (st.hook_connects || st.hook_accepts || st.hook_closes))
		fprintf(stderr, "tcpscope: the hook saw %llu connects, %llu accepts, %llu closes"
			" (and %llu closes of closed sockets); %llu %s when %s socket was destroyed\n",
			(unsigned long long)st.hook_connects, (unsigned long long)st.hook_accepts,
			(unsigned long long)st.hook_closes, (unsigned long long)st.hook_recloses,
			(unsigned long long)st.hook_late,
			fmt_plural(st.hook_late, "session whose close it did not see was reported",
				   "sessions whose close it did not see were reported"),
			fmt_plural(st.hook_late, "its", "their"));
	if (verbose && st.spilled)
		fprintf(stderr, "tcpscope: %llu %s through the ring buffer because %s "
			"CPU's lane was full (user space fell behind)\n",
			(unsigned long long)st.spilled,
			fmt_plural(st.spilled, "session came", "sessions came"),
			fmt_plural(st.spilled, "its", "their"));
	if (verbose && (st.owner_unseen || st.owner_no_wait || st.owner_lost || st.owner_gone))
		fprintf(stderr, "tcpscope: owners not known for sure: %llu %s close did not come "
			"within %.1f s or before the end (pid_certain=0); %llu could not wait (table "
			"full); %llu %s lost (buffer full); %llu %s no owner (pid 0: let go of before "
			"tracing began, or with the socket table full)\n",
			(unsigned long long)st.owner_unseen,
			fmt_plural(st.owner_unseen, "session whose owner's", "sessions whose owner's"),
			COLLECTOR_AWAIT_MS / 1000.0, (unsigned long long)st.owner_no_wait,
			(unsigned long long)st.owner_lost,
			fmt_plural(st.owner_lost, "owner's record was", "owners' records were"),
			(unsigned long long)st.owner_gone,
			fmt_plural(st.owner_gone, "session has", "sessions have"));
	if (verbose && st.vanished)
		fprintf(stderr, "tcpscope: %llu %s with no close traced at all (%llu "
			"found gone by the sweep of open sockets, %llu still followed when a later "
			"socket came: a new session of %s socket, or a socket at %s address): "
			"counted as missed\n",
			(unsigned long long)st.vanished,
			fmt_plural(st.vanished, "session closed", "sessions closed"),
			(unsigned long long)(st.vanished - st.stale), (unsigned long long)st.stale,
			fmt_plural(st.stale, "its", "their"), fmt_plural(st.stale, "its", "their"));
}

struct stream_ctx {
	const struct options *o;
	FILE *out;
	size_t out_size;	/* its buffer's */
	uint64_t first_end_ns;
	uint64_t printed;
	bool done;
};

static int stream_sink(void *ctx, const struct session *s)
{
	struct stream_ctx *sc = ctx;

	if (!filter_accepts(&sc->o->filter, s))
		return 0;
	if (!sc->first_end_ns)	/* a replay: its first row */
		sc->first_end_ns = s->end_ns;
	/* Rows reach the output whole: a row never straddles two writes, so
	 * that what a stalled reader did not take can be counted in rows. */
	if (__fpending(sc->out) > sc->out_size - STREAM_ROW_MAX)
		fflush(sc->out);
	stream_session(sc->out, &sc->o->sopts, s, sc->first_end_ns);
	sc->printed++;
	if (sc->o->count && sc->printed >= sc->o->count) {
		sc->done = true;
		return 1;
	}
	return 0;
}

/* Root, or CAP_BPF + CAP_PERFMON, or CAP_SYS_ADMIN, in the effective set. */
static bool may_load_bpf(void)
{
	struct { uint32_t version; int pid; } hdr = { 0x20080522 /* v3 */, 0 };
	struct { uint32_t effective, permitted, inheritable; } data[2] = { 0 };
	uint64_t eff;

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &hdr, data))
		return true;	/* cannot tell: let the kernel decide */
	eff = data[0].effective | (uint64_t)data[1].effective << 32;
	return (eff & (1ull << 21)) ||				/* CAP_SYS_ADMIN */
	       ((eff & (1ull << 39)) && (eff & (1ull << 38)));	/* CAP_BPF, CAP_PERFMON */
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* As soon as every close is seen: sessions already open are looked for next. */
static void say_attached(void *ctx, const char *hook)
{
	fprintf(stderr, "tcpscope: attached (%s)\n", hook);
}

struct first_frame_ctx {
	struct session_source *src;
	struct model *model;
};

static void seed(struct session_source *collector, void *ctx)
{
	collector_seed(collector);
}

/* The monitor's first screen is up: the start-up work that need not hold
 * it back. The walk for sessions already open (with the drain thread held
 * off the collector); memory for the whole history, not a page fault at a
 * time while sessions pour in (failing that, it comes as needed). */
static void after_first_frame(void *ctx)
{
	struct first_frame_ctx *f = ctx;

	spool_with_inner(f->src, seed, NULL);
	model_prefault(f->model);
}

/*
 * The drain thread (core/spool.h, the monitor's and the stream's) runs
 * real-time, at the lowest priority: the kernel's fair scheduler can leave
 * a terminal session's processes waiting 0.1-1.1 s for a CPU when a load in
 * another session saturates the host (tests/bench/FINDINGS.md, 2026-12-06),
 * and the kernel's buffer fills in about that time under a flood. The thread
 * only moves records into memory (about 0.04 us of CPU a session more than
 * draining in the loop, FINDINGS). Best effort: without the privilege it stays as it is, and `-v`
 * says so.
 */
static int drain_thread_setup(void *ctx)
{
	struct sched_param sp = { .sched_priority = sched_get_priority_min(SCHED_FIFO) };
	int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

	(void)ctx;
	return rc ? -rc : 0;
}

/* Whether stdout is a pipe (or socket) no reader is left on: the stream
 * ends quietly then, as when a write fails with EPIPE. A terminal that
 * hangs up ends the stream through SIGHUP. */
static bool reader_gone(void)
{
	struct stat sb;

	return fstat(STDOUT_FILENO, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode));
}

static int run_stream(struct session_source *src, const struct options *o)
{
	struct stream_ctx sc = { .o = o };
	uint64_t deadline = o->duration_s > 0 ? now_ms() + (uint64_t)(o->duration_s * 1000) : 0;
	uint64_t header_lost, rows_lost;
	int fd = source_fd(src), rc = 0, n;
	struct source_stats st;
	struct outfile out;

	/* Flushed after every drain: a big buffer only saves write calls. */
	static char out_buf[256 * 1024];

	/* its pages' first writes now, not in the first drain under a load */
	mem_prefault(out_buf, sizeof(out_buf));
	sc.out = outfile_open(&out, STDOUT_FILENO, &stop_signal, out_buf, sizeof(out_buf));
	sc.out_size = sizeof(out_buf);
	/* -t counts live from when tracing began (no traced close is older):
	 * a session held back for its owner comes after later ones, and
	 * counted from the first row printed it could go below zero. A replay
	 * counts from its earliest close, wherever that is in the file (until
	 * 2026-12-06 from its first row: an export sorted by anything but time
	 * gave negative times). */
	source_stats(src, &st);
	sc.first_end_ns = st.started_ns;
	if (!sc.out) {
		fprintf(stderr, "tcpscope: cannot set up the output: %s\n", strerror(errno));
		return 1;
	}
	stream_header(sc.out, &o->sopts);
	fflush(sc.out);
	header_lost = out.lines_lost;
	while (!stop_signal && !sc.done) {
		/* A spool wakes its fd when sessions come: no timer then (an
		 * idle stream's loop ran ten times a second, for nothing). */
		int timeout = src->wakes_on_data ? -1 : (int)o->interval_ms;

		if (deadline) {
			uint64_t now = now_ms();

			if (now >= deadline)
				break;
			if (timeout < 0 || deadline - now < (uint64_t)timeout)
				timeout = deadline - now;
		}
		if (fd >= 0) {
			/* stdout too, for nothing but its errors: a pipe whose
			 * reader went away says so at once (until 2026-12-06
			 * that was seen only at the next row written, which a
			 * filter that rarely matches could put hours away). */
			struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
					       { .fd = STDOUT_FILENO, .events = 0 } };
			struct timespec ts = { timeout / 1000, timeout % 1000 * 1000000L };
			sigset_t old;
			int r;

			/* A stop that comes after the check above ends the
			 * wait: the wait has no timer to end it otherwise. */
			sigprocmask(SIG_BLOCK, &stop_sigs, &old);
			r = stop_signal ? 0 : ppoll(p, 2, timeout < 0 ? NULL : &ts, &old);
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (stop_signal)
				break;
			if (r > 0 && (p[1].revents & (POLLERR | POLLHUP)) && reader_gone())
				return 0;
		}
		n = source_drain(src, stream_sink, &sc);
		if (fflush(sc.out) || ferror(sc.out)) {
			if (out.gave_up)	/* stopped while the reader took nothing */
				break;
			if (errno == EPIPE)	/* reader went away: end quietly */
				return 0;
			fprintf(stderr, "tcpscope: write error: %s\n", strerror(errno));
			return 1;
		}
		if (n == -ENODATA)	/* replay exhausted */
			break;
		if (n < 0 && n != -EINTR && n != -ECANCELED) {
			fprintf(stderr, "tcpscope: reading sessions failed: %s\n", strerror(-n));
			rc = 1;
			break;
		}
		if (fd < 0 && n == 0)
			break;
	}
	/* Whatever already closed is still reported (or, with a reader that
	 * takes nothing, counted as not written). */
	if (!sc.done && rc == 0) {
		source_flush(src, stream_sink, &sc);
		if ((fflush(sc.out) || ferror(sc.out)) && !out.gave_up && errno != EPIPE) {
			fprintf(stderr, "tcpscope: write error: %s\n", strerror(errno));
			rc = 1;
		}
	}
	rows_lost = out.lines_lost - header_lost;
	if (out.gave_up) {
		fprintf(stderr, "tcpscope: standard output took nothing for %d s after the stop: "
			"%llu %s not written%s\n", OUTFILE_STALL_MS / 1000,
			(unsigned long long)rows_lost, fmt_plural(rows_lost, "session", "sessions"),
			out.cut ? " (the last line written is cut short)" : "");
		rc = 1;
	}
	print_summary(src, sc.printed - rows_lost, &o->filter, o->verbose);
	fclose(sc.out);
	return rc;
}

/* --open: the sessions open now, in the stream's layout, once. */
static int run_open_list(struct session_source *src, const struct options *o)
{
	struct stream_ctx sc = { .o = o };
	struct source_stats st;
	int n;

	sc.out = stdout;
	sc.out_size = BUFSIZ > STREAM_ROW_MAX ? BUFSIZ : 2 * STREAM_ROW_MAX;
	source_stats(src, &st);
	sc.first_end_ns = st.started_ns;
	stream_header(stdout, &o->sopts);
	n = source_open_now(src, stream_sink, &sc);
	if (fflush(stdout) || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		fprintf(stderr, "tcpscope: write error: %s\n", strerror(errno));
		return 1;
	}
	if (n == -EOPNOTSUPP) {
		fprintf(stderr, "tcpscope: --open needs BPF iterators (iter/tcp, Linux 5.9 and "
			"later), which this kernel does not load\n");
		return 1;
	}
	if (n < 0) {
		fprintf(stderr, "tcpscope: cannot list the sessions open: %s\n", strerror(-n));
		return 1;
	}
	fprintf(stderr, "tcpscope: %llu open %s listed\n", (unsigned long long)sc.printed,
		fmt_plural(sc.printed, "session", "sessions"));
	return 0;
}

/*
 * Once attached, the stream works in batches (a drain every interval) and
 * never needs to run ahead of the workload it watches: SCHED_BATCH keeps its
 * fair share of CPU, so it cannot fall behind on a busy host, but its
 * wake-ups no longer preempt the task running on that CPU (they used to,
 * 15-30 times a second). The monitor stays SCHED_OTHER: it answers keys,
 * and as SCHED_BATCH it cost a saturated load more, not less (0.5 % in 37
 * of 60 paired rounds, tests/bench/FINDINGS.md). A policy set by the user
 * (chrt) is kept. Best effort: nothing depends on it.
 */
static void become_batch(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	if (sched_getscheduler(0) == SCHED_OTHER)
		sched_setscheduler(0, SCHED_BATCH, &sp);
}

/*
 * Standard input, output and error that were closed (`tcpscope -o csv >&-`)
 * are opened on /dev/null, so that no descriptor of ours (a BPF map, an
 * epoll) takes their number and gets the rows. Returns whether stdout was
 * closed.
 */
static bool open_closed_std_fds(void)
{
	bool out_closed = false;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == STDOUT_FILENO)
			out_closed = true;
		if (open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) != fd)
			break;	/* an earlier one failed: leave the rest */
	}
	return out_closed;
}

/* The BPF objects take some 60 descriptors: a soft limit below 1024 is
 * raised towards the hard one (a shell's `ulimit -Sn 16`). Never fails. */
static void enough_descriptors(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= 1024 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max < 1024 ? rl.rlim_max : 1024;
	setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
	struct options o = { .interval_ms = 100 };
	struct session_source *src = NULL;
	struct model model = { 0 };
	struct sigaction sa;
	bool out_closed = open_closed_std_fds();
	char err[512];
	int rc;

	hash_seed_random();	/* before any table: core/hash.h */
	enough_descriptors();
	filter_init(&o.filter);
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		goto out;
	rc = 1;
	o.copts.verbose = o.verbose;

	if (o.stream && out_closed) {
		fprintf(stderr, "tcpscope: standard output is closed: nowhere to write the stream\n");
		goto out;
	}

	if (!o.stream && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
		fprintf(stderr, "tcpscope: the monitor needs a terminal on stdin and stdout; "
			"for a stream use -o text|csv|json\n");
		rc = EXIT_USAGE;
		goto out;
	}

	/* Every signal that would end the process (INT, TERM, HUP, USR1, an
	 * alarm, the CPU-time limit, ...) is a stop: the summary, and in the
	 * monitor the terminal restored. A write past the file-size limit
	 * (ulimit -f) fails as a write (EFBIG) instead of killing it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	{
		int sigs[64];
		size_t n = ui_term_quit_signals(sigs, 64);

		sigemptyset(&stop_sigs);
		for (size_t i = 0; i < n; i++) {
			sigaction(sigs[i], &sa, NULL);
			sigaddset(&stop_sigs, sigs[i]);
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	if (o.replay) {
		struct stat rs;

		/* A big capture takes seconds to read, before anything shows:
		 * say what is going on (about 1.5 s a million rows here). */
		if (stat(o.replay, &rs) == 0 && S_ISREG(rs.st_mode) &&
		    rs.st_size >= REPLAY_SAY_BYTES) {
			char shown[300];

			fmt_escape(o.replay, strlen(o.replay), shown, sizeof(shown));
			fprintf(stderr, "tcpscope: reading %s (%lld MB)...\n", shown,
				(long long)(rs.st_size / 1000000));
		}
		src = replay_open(o.replay, err, sizeof(err));
		if (!src && stop_signal) {
			/* Stopped while it waited (a FIFO with no writer yet) or
			 * read: what was asked for, not a bad file. */
			fprintf(stderr, "tcpscope: stopped before the replay was read\n");
			rc = 0;
			goto out;
		}
		if (!src) {
			say(err, "");
			rc = EXIT_USAGE;
			goto out;
		}
		/* The monitor says it with the replay's end. */
		if (o.stream && replay_warning(src))
			say(replay_warning(src), "");
	} else {
		if (!may_load_bpf()) {
			fprintf(stderr, "tcpscope: loading BPF needs root or the capabilities "
				"CAP_BPF and CAP_PERFMON (try sudo tcpscope, or "
				"tcpscope --replay FILE without either)\n");
			goto out;
		}
		/* In the monitor, libbpf's and the collector's messages go to the
		 * status line once the screen is up (stderr before that). */
		if (!o.stream) {
			o.copts.log = ui_status_log;
			o.copts.log_ctx = NULL;
			/* The first screen comes first; the walk for sessions
			 * already open (tens of ms with many TIME_WAIT sockets
			 * about) right after it. */
			o.copts.defer_seed = true;
		} else {
			o.copts.on_attached = say_attached;
		}
		src = collector_open(&o.copts, err, sizeof(err));
		if (!src) {
			/* The file the user named with --btf is bad: a usage
			 * error; anything else (no BTF in the kernel, no
			 * privilege, ...) is the environment's. */
			bool bad_btf_file = o.copts.btf_path && strstr(err, "BTF");

			say(err, "");
			if (bad_btf_file)
				rc = EXIT_USAGE;
			goto out;
		}
		if (o.open_list) {
			rc = run_open_list(src, &o);
			goto out;
		}
		/* Drained in a thread of its own from now on (drain_thread_setup). */
		{
			struct spool_opts so = {
				.interval_ms = o.interval_ms,
				.thread_setup = drain_thread_setup,
			};
			struct session_source *spool = spool_new(src, &so, err, sizeof(err));

			if (!spool) {
				say(err, "");
				goto out;
			}
			src = spool;
		}
		if (o.stream)
			become_batch();
	}

	if (o.stream) {
		if (!o.replay) {
			struct source_stats st;

			source_stats(src, &st);
			fprintf(stderr, "tcpscope: %llu open %s seeded\n",
				(unsigned long long)st.seeded,
				fmt_plural(st.seeded, "session", "sessions"));
		}
		rc = run_stream(src, &o);
	} else {
		struct ui_opts uo = {
			.interval_ms = o.interval_ms,
			.replay = o.replay != NULL,
			.no_color = o.no_color,
			.wide = o.sopts.wide,
			.kept = &o.filter,
		};
		struct first_frame_ctx ffc = { src, &model };
		char label[300];

		if (o.replay)
			snprintf(label, sizeof(label), "replay %s", o.replay);
		else
			snprintf(label, sizeof(label), "live (%s)", src->name);
		uo.source_label = label;
		if (model_init(&model, o.history)) {
			fprintf(stderr, "tcpscope: cannot allocate a history of %zu sessions\n",
				o.history ? o.history : (size_t)MODEL_DEFAULT_HISTORY);
			goto out;
		}
		/* The command line's filter chooses what the monitor keeps. */
		model_keep(&model, &o.filter);
		/* A file larger than the history: the newest by close time are
		 * the ones kept, whatever order the file is in. */
		if (o.replay && replay_keep_newest(src, session_log_capacity(model.log))) {
			fprintf(stderr, "tcpscope: out of memory ordering %s by time\n", o.replay);
			goto out;
		}
		if (!o.replay) {
			uo.after_first_frame = after_first_frame;
			uo.after_first_frame_ctx = &ffc;
		} else {
			model_prefault(&model);
		}
		err[0] = '\0';
		rc = ui_monitor_run(src, &model, &uo, err, sizeof(err));
		if (err[0]) {
			say(err, "");
		} else {
			/* As at the end of a stream: what closed since the last
			 * drain, sessions held for their owner, and the final
			 * sweeps (closes never traced) are counted before the
			 * summary, so that its sessions and missed add up. */
			source_flush(src, model_sink, &model);
			print_summary(src, model.sessions_total, &o.filter, o.verbose);
		}
	}
out:
	source_destroy(src);
	model_fini(&model);
	filter_clear(&o.filter);
	return rc;
}
