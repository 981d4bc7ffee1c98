// SPDX-License-Identifier: GPL-2.0
/* Headless one-line-per-session output; see stream.h. */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "core/columns.h"
#include "core/csv.h"
#include "core/fmt.h"
#include "core/stream.h"

#define NS_PER_SEC 1000000000ULL

/* Escaped comm cut to width characters and padded with spaces to it. */
static void put_comm(FILE *f, const char *comm, size_t width)
{
	char esc[FMT_COMM_ESC_LEN];
	size_t cols, bytes;

	fmt_comm_escape(comm, esc, sizeof(esc));
	bytes = fmt_cut_cols(esc, width, &cols);
	fwrite(esc, 1, bytes, f);
	for (; cols < width; cols++)
		putc(' ', f);
}

static void text_header(FILE *f, const struct stream_opts *o)
{
	if (o->fmt == STREAM_LIFECSV) {
		fprintf(f, "%s%sPID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS\n",
			o->time_hms ? "TIME," : "", o->time_s ? "TIME(s)," : "");
		return;
	}
	if (o->time_hms)
		fprintf(f, "%-8s ", "TIME");
	if (o->time_s)
		fprintf(f, "%-9s ", "TIME(s)");
	if (o->wide)
		fprintf(f, "%-5s %-16s %-2s %-26s %-5s %-26s %-5s %6s %6s %s\n", "PID", "COMM",
			"IP", "LADDR", "LPORT", "RADDR", "RPORT", "TX_KB", "RX_KB", "MS");
	else
		fprintf(f, "%-5s %-10s %-15s %-5s %-15s %-5s %5s %5s %s\n", "PID", "COMM",
			"LADDR", "LPORT", "RADDR", "RPORT", "TX_KB", "RX_KB", "MS");
}

/* TIME(s): seconds since first_end_ns, 6 decimals (sessions from several
 * CPUs may arrive slightly out of order: then negative). */
static void time_s_text(const struct session *s, uint64_t first_end_ns, char *ts, size_t len)
{
	bool neg = s->end_ns < first_end_ns;
	uint64_t d = neg ? first_end_ns - s->end_ns : s->end_ns - first_end_ns;

	snprintf(ts, len, "%s%llu.%06llu", neg ? "-" : "", (unsigned long long)(d / NS_PER_SEC),
		 (unsigned long long)(d % NS_PER_SEC / 1000));
}

/* TIME and TIME(s), as asked for: comma-separated for -s, else in columns
 * (tcplife's "%-8s " and "%-9.6f "). */
static void time_columns(FILE *f, const struct stream_opts *o, const struct session *s,
			 uint64_t first_end_ns)
{
	bool csv = o->fmt == STREAM_LIFECSV;

	if (o->time_hms) {
		char hms[FMT_TIME_HMS_LEN];

		fmt_time_hms(s->end_ns, hms, sizeof(hms));
		fprintf(f, csv ? "%s," : "%-8s ", hms);
	}
	if (o->time_s) {
		char ts[40];

		time_s_text(s, first_end_ns, ts, sizeof(ts));
		fprintf(f, csv ? "%s," : "%-9s ", ts);
	}
}

/* tcplife's -s row: the text columns, comma-separated. */
static void lifecsv_session(FILE *f, const struct stream_opts *o, const struct session *s,
			    uint64_t first_end_ns, const char *laddr, const char *raddr,
			    const char *ms)
{
	char esc[FMT_COMM_ESC_LEN];

	time_columns(f, o, s, first_end_ns);
	fprintf(f, "%u,", s->pid);
	fmt_comm_escape(s->comm, esc, sizeof(esc));
	csv_write_text_cell(f, esc);
	fprintf(f, ",%s,%s,%u,%s,%u,%" PRIu64 ",%" PRIu64 ",%s\n",
		s->family == AF_INET6 ? "6" : "4", laddr, s->lport, raddr, s->rport,
		s->tx_bytes / 1024, s->rx_bytes / 1024, ms);
}

static void text_session(FILE *f, const struct stream_opts *o, const struct session *s,
			 uint64_t first_end_ns)
{
	char laddr[FMT_ADDR_LEN], raddr[FMT_ADDR_LEN], ms[48];
	unsigned long long hundredths;

	fmt_addr(&s->laddr, s->family, laddr, sizeof(laddr));
	fmt_addr(&s->raddr, s->family, raddr, sizeof(raddr));
	/* Milliseconds rounded to two decimals, like tcplife's "%.2f". */
	hundredths = s->dur_us / 10 + (s->dur_us % 10 >= 5);
	snprintf(ms, sizeof(ms), "%llu.%02llu", hundredths / 100, hundredths % 100);
	if (o->fmt == STREAM_LIFECSV) {
		lifecsv_session(f, o, s, first_end_ns, laddr, raddr, ms);
		return;
	}
	time_columns(f, o, s, first_end_ns);

	if (s->pid == 0 && !s->comm[0]) {
		/* No owner known: "-" and "?", as on screen. */
		fprintf(f, "%-5s %-*s", "-", o->wide ? 16 : 10, "?");
	} else {
		fprintf(f, "%-5u ", s->pid);
		put_comm(f, s->comm, o->wide ? 16 : 10);
	}
	if (o->wide) {
		fprintf(f, " %-2s %-26s %-5u %-26s %-5u %6" PRIu64 " %6" PRIu64 " %s\n",
			s->family == AF_INET6 ? "6" : "4", laddr, s->lport, raddr, s->rport,
			s->tx_bytes / 1024, s->rx_bytes / 1024, ms);
	} else {
		fprintf(f, " %-15s %-5u %-15s %-5u %5" PRIu64 " %5" PRIu64 " %s\n", laddr,
			s->lport, raddr, s->rport, s->tx_bytes / 1024, s->rx_bytes / 1024, ms);
	}
}

/* Digits with at most one '.' between digits: a JSON number as our columns write them. */
static bool json_number_ok(const char *s)
{
	bool dot = false, digit = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			digit = true;
		} else if (*s == '.' && digit && !dot && s[1]) {
			dot = true;
			digit = false;
		} else {
			return false;
		}
	}
	return digit;
}

/* One row, built whole and written at once (a byte at a time through the
 * stream cost about 5.5 us a row, against 0.1 for a CSV row). */
static void json_session(FILE *f, const struct session *s)
{
	/* every cell and name escaped at worst 6 bytes a byte, with room */
	static char line[COL_ID_COUNT * (6 * (COL_TEXT_LEN + 32) + 8) + 4];
	size_t i, n;
	const struct column *cols = columns_for(VIEW_SESSIONS, &n);
	char cell[COL_TEXT_LEN], *p = line;

	*p++ = '{';
	for (i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		p = fmt_put_json_string(p, cols[i].name);
		*p++ = ':';
		cols[i].format(s, cell, sizeof(cell), FMT_EXACT);
		/* A number column that has no number (family "?") is still valid JSON. */
		if (cols[i].type != COLT_NUMBER) {
			p = fmt_put_json_string(p, cell);
		} else if (json_number_ok(cell)) {
			size_t k = strlen(cell);

			memcpy(p, cell, k);
			p += k;
		} else {
			memcpy(p, "null", 4);
			p += 4;
		}
	}
	*p++ = '}';
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), f);
}

void stream_header(FILE *f, const struct stream_opts *o)
{
	switch (o->fmt) {
	case STREAM_TEXT:
	case STREAM_LIFECSV:
		text_header(f, o);
		break;
	case STREAM_CSV:
		csv_write_header(f, VIEW_SESSIONS);
		break;
	case STREAM_JSON:
		break;
	}
}

void stream_session(FILE *f, const struct stream_opts *o, const struct session *s,
		    uint64_t first_end_ns)
{
	switch (o->fmt) {
	case STREAM_TEXT:
	case STREAM_LIFECSV:
		text_session(f, o, s, first_end_ns);
		break;
	case STREAM_CSV:
		csv_write_row(f, VIEW_SESSIONS, s);
		break;
	case STREAM_JSON:
		json_session(f, s);
		break;
	}
}
