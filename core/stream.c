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

/* A row is built whole in one buffer and written with one call: through the
 * stream a piece at a time (fprintf, putc), a text row cost 0.39 us and a
 * JSON row 0.53, against 0.13 for a CSV row built whole. */

/* s (n bytes) at p, then spaces to width columns (cols: s's own). */
static char *put_left(char *p, const char *s, size_t n, size_t cols, size_t width)
{
	memcpy(p, s, n);
	p += n;
	for (; cols < width; cols++)
		*p++ = ' ';
	return p;
}

/* An ASCII piece [from, p) left-aligned in width: spaces after it. */
static char *pad_after(char *from, char *p, size_t width)
{
	size_t n = (size_t)(p - from);

	for (; n < width; n++)
		*p++ = ' ';
	return p;
}

/* v right-aligned in width ("%*llu"). */
static char *put_u64_right(char *p, uint64_t v, size_t width)
{
	char tmp[24];
	size_t n = (size_t)(fmt_put_u64(tmp, v) - tmp);

	for (; n < width; width--)
		*p++ = ' ';
	memcpy(p, tmp, n);
	return p + n;
}

/*
 * The escaped name cut to width characters and padded with spaces to it. A
 * stream names the same few processes row after row: the last few are kept,
 * by the name's raw bytes and the width.
 */
static char *put_comm(char *p, const char *comm, size_t width)
{
	static _Thread_local struct {
		char comm[SESSION_COMM_LEN];
		unsigned char width;	/* 0: unused */
		unsigned char len;
		char text[FMT_COMM_ESC_LEN + 16];
	} kept[4];
	static _Thread_local unsigned int next;
	char esc[FMT_COMM_ESC_LEN];
	size_t cols, bytes;
	unsigned int i;
	char *start = p;

	for (i = 0; i < 4; i++)
		if (kept[i].width == width && memcmp(kept[i].comm, comm, SESSION_COMM_LEN) == 0) {
			return fmt_put_kept(p, kept[i].text, kept[i].len);
		}
	fmt_comm_escape(comm, esc, sizeof(esc));
	bytes = fmt_cut_cols(esc, width, &cols);
	p = put_left(p, esc, bytes, cols, width);
	if ((size_t)(p - start) <= sizeof(kept[0].text) && width && width <= 255) {
		i = next++ & 3;
		memcpy(kept[i].comm, comm, SESSION_COMM_LEN);
		memcpy(kept[i].text, start, (size_t)(p - start));
		kept[i].len = (unsigned char)(p - start);
		kept[i].width = (unsigned char)width;
	}
	return p;
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
static char *put_time_s(char *p, const struct session *s, uint64_t first_end_ns)
{
	bool neg = s->end_ns < first_end_ns;
	uint64_t d = neg ? first_end_ns - s->end_ns : s->end_ns - first_end_ns;
	unsigned int us = (unsigned int)(d % NS_PER_SEC / 1000), i;

	if (neg)
		*p++ = '-';
	p = fmt_put_u64(p, d / NS_PER_SEC);
	*p++ = '.';
	for (i = 6; i-- > 0; us /= 10)
		p[i] = (char)('0' + us % 10);
	return p + 6;
}

/* TIME and TIME(s), as asked for: comma-separated for -s, else in columns
 * (tcplife's "%-8s " and "%-9.6f "). */
static char *put_time_columns(char *p, const struct stream_opts *o, const struct session *s,
			      uint64_t first_end_ns)
{
	bool csv = o->fmt == STREAM_LIFECSV;
	char *from;

	if (o->time_hms) {
		char hms[FMT_TIME_HMS_LEN];
		int n = fmt_time_hms(s->end_ns, hms, sizeof(hms));

		from = p;
		if (n > 0) {
			memcpy(p, hms, (size_t)n);
			p += n;
		}
		p = csv ? p : pad_after(from, p, 8);
		*p++ = csv ? ',' : ' ';
	}
	if (o->time_s) {
		from = p;
		p = put_time_s(p, s, first_end_ns);
		p = csv ? p : pad_after(from, p, 9);
		*p++ = csv ? ',' : ' ';
	}
	return p;
}

/* MS: milliseconds rounded to two decimals, like tcplife's "%.2f". */
static char *put_ms2(char *p, uint64_t dur_us)
{
	uint64_t hundredths = dur_us / 10 + (dur_us % 10 >= 5);
	unsigned int h = (unsigned int)(hundredths % 100);

	p = fmt_put_u64(p, hundredths / 100);
	*p++ = '.';
	*p++ = (char)('0' + h / 10);
	*p++ = (char)('0' + h % 10);
	return p;
}

/* tcplife's -s row: the text columns, comma-separated. */
static char *put_lifecsv(char *p, const struct session *s)
{
	char esc[FMT_COMM_ESC_LEN];

	p = fmt_put_u64(p, s->pid);
	*p++ = ',';
	fmt_comm_escape(s->comm, esc, sizeof(esc));
	p = csv_put_text_cell(p, esc);
	*p++ = ',';
	*p++ = s->family == AF_INET6 ? '6' : '4';
	*p++ = ',';
	p = fmt_put_addr(p, &s->laddr, s->family);
	*p++ = ',';
	p = fmt_put_u64(p, s->lport);
	*p++ = ',';
	p = fmt_put_addr(p, &s->raddr, s->family);
	*p++ = ',';
	p = fmt_put_u64(p, s->rport);
	*p++ = ',';
	p = fmt_put_u64(p, s->tx_bytes / 1024);
	*p++ = ',';
	p = fmt_put_u64(p, s->rx_bytes / 1024);
	*p++ = ',';
	return put_ms2(p, s->dur_us);
}

/* One text or -s row at line, its line feed included; its length. */
static size_t text_row(char *line, const struct stream_opts *o, const struct session *s,
		       uint64_t first_end_ns)
{
	size_t addr_w = o->wide ? 26 : 15, num_w = o->wide ? 6 : 5;
	char *p = put_time_columns(line, o, s, first_end_ns), *from;

	if (o->fmt == STREAM_LIFECSV) {
		p = put_lifecsv(p, s);
		*p++ = '\n';
		return (size_t)(p - line);
	}
	if (s->pid == 0 && !s->comm[0]) {
		/* No owner known: "-" and "?", as on screen. */
		p = put_left(p, "-", 1, 1, 5);
		*p++ = ' ';
		p = put_left(p, "?", 1, 1, o->wide ? 16 : 10);
	} else {
		from = p;
		p = pad_after(from, fmt_put_u64(p, s->pid), 5);
		*p++ = ' ';
		p = put_comm(p, s->comm, o->wide ? 16 : 10);
	}
	*p++ = ' ';
	if (o->wide) {
		p = put_left(p, s->family == AF_INET6 ? "6" : "4", 1, 1, 2);
		*p++ = ' ';
	}
	from = p;
	p = pad_after(from, fmt_put_addr(p, &s->laddr, s->family), addr_w);
	*p++ = ' ';
	from = p;
	p = pad_after(from, fmt_put_u64(p, s->lport), 5);
	*p++ = ' ';
	from = p;
	p = pad_after(from, fmt_put_addr(p, &s->raddr, s->family), addr_w);
	*p++ = ' ';
	from = p;
	p = pad_after(from, fmt_put_u64(p, s->rport), 5);
	*p++ = ' ';
	p = put_u64_right(p, s->tx_bytes / 1024, num_w);
	*p++ = ' ';
	p = put_u64_right(p, s->rx_bytes / 1024, num_w);
	*p++ = ' ';
	/* Not followed from its start (open when tracing began): it lived
	 * at least this long, counted from then (until 2026-12-06 the row
	 * looked like any other; -s, for scripts, keeps the number bare). */
	if (s->flags & SESS_PARTIAL)
		*p++ = '>';
	p = put_ms2(p, s->dur_us);
	*p++ = '\n';
	return (size_t)(p - line);
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

/* One row from the Sessions columns, built whole and written at once (the
 * way csv_session_json() is held to; it is used while the columns are
 * not the ones that knows). */
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
	char line[STREAM_ROW_MAX];
	size_t k;

	switch (o->fmt) {
	case STREAM_TEXT:
	case STREAM_LIFECSV:
		fwrite_unlocked(line, 1, text_row(line, o, s, first_end_ns), f);
		break;
	case STREAM_CSV:
		csv_write_row(f, VIEW_SESSIONS, s);
		break;
	case STREAM_JSON:
		k = csv_session_json(line, s);
		if (k)
			fwrite_unlocked(line, 1, k, f);
		else
			json_session(f, s);
		break;
	}
}
