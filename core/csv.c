// SPDX-License-Identifier: GPL-2.0
/* CSV writer, atomic export and reader; see csv.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/csv.h"
#include "core/fmt.h"
#include "core/session.h"

/* ---- writer ------------------------------------------------------------- */

/* Bytes that make a cell need quotes. */
static bool special(unsigned char c)
{
	return c == ',' || c == '"' || c == '\r' || c == '\n';
}

static bool needs_quotes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (special((unsigned char)s[i]))
			return true;
	return false;
}

/* Copy len bytes of s to out, doubling '"' when quoted; returns the bytes
 * written (at most 2 * len). */
static size_t escape(char *out, const char *s, size_t len, bool quoted)
{
	size_t i, k = 0;

	if (!quoted) {
		memcpy(out, s, len);
		return len;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			out[k++] = '"';
		out[k++] = s[i];
	}
	return k;
}

/* Cell s (len bytes) into out, with a "'" first when guard is set; returns
 * the bytes written (at most 2 * len + 3). */
static size_t put_cell(char *out, const char *s, size_t len, bool guard)
{
	bool quoted = needs_quotes(s, len);
	size_t k = 0;

	if (quoted)
		out[k++] = '"';
	if (guard)
		out[k++] = '\'';
	k += escape(out + k, s, len, quoted);
	if (quoted)
		out[k++] = '"';
	return k;
}

/* The same, to a stream, a piece at a time (a cell of any length). */
static void write_cell(FILE *f, const char *s, bool guard)
{
	size_t len = strlen(s), i, n;
	bool quoted = needs_quotes(s, len);
	char buf[2 * 256];

	if (quoted)
		putc_unlocked('"', f);
	if (guard)
		putc_unlocked('\'', f);
	for (i = 0; i < len; i += n) {
		n = len - i < 256 ? len - i : 256;
		fwrite_unlocked(buf, 1, escape(buf, s + i, n, quoted), f);
	}
	if (quoted)
		putc_unlocked('"', f);
}

void csv_write_cell(FILE *f, const char *s)
{
	write_cell(f, s, false);
}

static bool starts_formula(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool csv_needs_guard(const char *s)
{
	/* "'" + a guarded-looking cell is guarded too, so unguarding is exact. */
	while (*s == '\'')
		s++;
	return starts_formula(*s);
}

const char *csv_unguard(const char *s)
{
	return s[0] == '\'' && csv_needs_guard(s + 1) ? s + 1 : s;
}

void csv_write_text_cell(FILE *f, const char *s)
{
	write_cell(f, s, csv_needs_guard(s));
}

char *csv_put_text_cell(char *p, const char *s)
{
	return p + put_cell(p, s, strlen(s), csv_needs_guard(s));
}

int csv_write_header(FILE *f, enum view_kind kind)
{
	size_t i, n;
	const struct column *cols = columns_for(kind, &n);

	if (!cols)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (i)
			putc(',', f);
		csv_write_cell(f, cols[i].name);
	}
	putc('\n', f);
	return ferror_unlocked(f) ? -EIO : 0;
}

/* An untrusted cell formatted at `at` (len bytes, NUL-terminated): guarded
 * and quoted in place if it needs it; returns its length then. */
static size_t finish_untrusted(char *at, size_t len)
{
	char cell[COL_TEXT_LEN];
	bool guard = csv_needs_guard(at);

	if (!guard && !needs_quotes(at, len))
		return len;
	memcpy(cell, at, len);	/* quoting rewrites it in place */
	return put_cell(at, cell, len, guard);
}

#define ROW_MAX (COL_MAX_COLUMNS * (2 * COL_TEXT_LEN + 4))

/* A whole row is formatted into one buffer, in place, and written with one call. */
int csv_write_row_by_columns(FILE *f, enum view_kind kind, const void *row)
{
	size_t i, n, k = 0;
	const struct column *cols = columns_for(kind, &n);
	char line[ROW_MAX];

	if (!cols || n > COL_MAX_COLUMNS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int len;

		if (i)
			line[k++] = ',';
		len = cols[i].format(row, line + k, COL_TEXT_LEN, FMT_EXACT);
		if (len <= 0)
			continue;	/* empty cell */
		if (cols[i].type != COLT_UNTRUSTED)
			k += len;	/* ours: never quoted (columns.h) */
		else
			k += finish_untrusted(line + k, len);
	}
	line[k++] = '\n';
	fwrite_unlocked(line, 1, k, f);
	return ferror_unlocked(f) ? -EIO : 0;
}

/*
 * The Sessions view's columns, in the order session_row() writes them. The
 * direct row is used only while the columns are these (checked once);
 * test_csv holds its text to csv_write_row_by_columns()'s.
 */
#define SESSION_NAMES(X)								\
	X("time") X("pid") X("comm") X("family") X("laddr") X("lport") X("raddr")	\
	X("rport") X("tx_bytes") X("rx_bytes") X("duration_ms") X("start_time")	\
	X("srtt_us") X("retransmits") X("handshake_us") X("direction") X("closed_by")	\
	X("end_cause") X("pid_certain") X("partial") X("netns")

#define NAME_STRING(name) name,
static const char *const session_names[] = { SESSION_NAMES(NAME_STRING) };
#undef NAME_STRING

static bool session_row_ok(void)
{
	static int ok = -1;
	size_t n, i;
	const struct column *cols;

	if (ok >= 0)
		return ok;
	cols = columns_for(VIEW_SESSIONS, &n);
	ok = cols && n == sizeof(session_names) / sizeof(session_names[0]);
	for (i = 0; ok && i < n; i++)
		ok = strcmp(cols[i].name, session_names[i]) == 0 &&
		     (cols[i].type == COLT_UNTRUSTED) == (i == 2);
	return ok;
}

static char *put_name(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/*
 * A comm's cell, kept by the comm's raw bytes: a row after row names the
 * same few processes. CSV: escaped, then guarded and quoted as need be; JSON:
 * escaped, as a JSON string. A cell that does not fit is made afresh.
 */
struct kept_cell {
	char comm[SESSION_COMM_LEN];
	unsigned char len;	/* 0: unused (an empty comm is not kept) */
	char cell[2 * FMT_COMM_ESC_LEN + 3];
};

static char *put_comm_cell(char *p, const char *comm, bool json)
{
	static _Thread_local struct kept_cell kept[2][4];
	static _Thread_local unsigned int next[2];
	struct kept_cell *k = kept[json];
	unsigned int i;
	size_t n;

	for (i = 0; i < 4; i++)
		if (k[i].len && memcmp(k[i].comm, comm, SESSION_COMM_LEN) == 0)
			return fmt_put_kept(p, k[i].cell, k[i].len);
	if (json) {
		char esc[FMT_COMM_ESC_LEN];

		fmt_comm_escape(comm, esc, sizeof(esc));
		n = (size_t)(fmt_put_json_string(p, esc) - p);
	} else {
		n = fmt_comm_escape(comm, p, FMT_COMM_ESC_LEN);
		if (n)
			n = finish_untrusted(p, n);
	}
	if (n && n < sizeof(k[0].cell) && n <= 255) {
		i = next[json]++ & 3;
		memcpy(k[i].comm, comm, SESSION_COMM_LEN);
		memcpy(k[i].cell, p, n);
		k[i].len = (unsigned char)n;
	}
	return p + n;
}

/*
 * A namespace's number, kept: nearly every row has the one of the row before
 * (a host's sessions, or a container's).
 */
static char *put_netns(char *p, uint32_t netns)
{
	static _Thread_local struct {
		uint32_t netns;
		unsigned char len;	/* 0: unused */
		char text[FMT_SHORT_COPY];	/* fmt_put_kept() copies it whole */
	} kept;

	if (kept.len && kept.netns == netns)
		return fmt_put_kept(p, kept.text, kept.len);
	kept.len = (unsigned char)(fmt_put_u64(kept.text, netns) - kept.text);
	kept.netns = netns;
	return fmt_put_kept(p, kept.text, kept.len);
}

/*
 * JSON: each cell's opening, `,"name":` (no comma for the first), made from
 * the same names at compile time and copied whole (fmt_put_kept()).
 */
#define JSON_OPEN(name) { ",\"" name "\":", sizeof(",\"" name "\":") - 1 },
static const struct {
	char text[FMT_SHORT_COPY + 1];
	unsigned char len;
} json_open[] = { SESSION_NAMES(JSON_OPEN) };
#undef JSON_OPEN

/*
 * A cell's opening: the separator, and in JSON the name (and a string's
 * opening quote).
 */
static char *cell_open(char *p, unsigned int i, bool json, bool str)
{
	if (json) {
		/* the first cell: the text past its comma */
		p = fmt_put_kept(p, json_open[i].text + !i, json_open[i].len - !i);
		if (str)
			*p++ = '"';
	} else if (i) {
		*p++ = ',';
	}
	return p;
}

static char *cell_close(char *p, bool json, bool str)
{
	if (json && str)
		*p++ = '"';
	return p;
}

#define NUM(i, put)	(p = cell_open(p, i, json, false), p = (put))
#define STR(i, put)	(p = cell_open(p, i, json, true), p = (put), p = cell_close(p, json, true))

/*
 * One session's row at line, without the newline or JSON's braces; its
 * length. CSV: the cells. JSON: "name":value pairs, the same text (the name
 * escaped as a JSON string; a family that is not a number is null), as
 * json_session() in stream.c builds them from the columns.
 */
static size_t session_row(char *line, const struct session *s, bool json)
{
	char *p = line;

	STR(0, fmt_put_time_iso(p, s->end_ns));
	NUM(1, fmt_put_u64(p, s->pid));
	NUM(2, put_comm_cell(p, s->comm, json));
	p = cell_open(p, 3, json, false);
	if (s->family == AF_INET || s->family == AF_INET6)
		*p++ = s->family == AF_INET ? '4' : '6';
	else if (json)
		p = put_name(p, "null");
	else
		*p++ = '?';
	STR(4, fmt_put_addr(p, &s->laddr, s->family));
	NUM(5, fmt_put_u64(p, s->lport));
	STR(6, fmt_put_addr(p, &s->raddr, s->family));
	NUM(7, fmt_put_u64(p, s->rport));
	NUM(8, fmt_put_u64(p, s->tx_bytes));
	NUM(9, fmt_put_u64(p, s->rx_bytes));
	NUM(10, fmt_put_ms3(p, s->dur_us));
	STR(11, fmt_put_time_iso(p, s->start_ns));
	NUM(12, fmt_put_u64(p, s->srtt_us));
	NUM(13, fmt_put_u64(p, s->retrans));
	NUM(14, fmt_put_u64(p, s->handshake_us));
	STR(15, put_name(p, session_dir_name(s->dir)));
	STR(16, put_name(p, session_closer_name(s->closer)));
	STR(17, put_name(p, session_cause_name(s->cause)));
	p = cell_open(p, 18, json, false);
	*p++ = s->flags & SESS_PID_UNCERTAIN ? '0' : '1';
	p = cell_open(p, 19, json, false);
	*p++ = s->flags & SESS_PARTIAL ? '1' : '0';
	NUM(20, put_netns(p, s->netns));
	return (size_t)(p - line);
}

#undef NUM
#undef STR

size_t csv_session_json(char *line, const struct session *s)
{
	size_t k;

	if (!session_row_ok())
		return 0;
	line[0] = '{';
	k = 1 + session_row(line + 1, s, true);
	line[k++] = '}';
	line[k++] = '\n';
	return k;
}

int csv_write_row(FILE *f, enum view_kind kind, const void *row)
{
	char line[ROW_MAX];
	size_t k;

	if (kind != VIEW_SESSIONS || !session_row_ok())
		return csv_write_row_by_columns(f, kind, row);
	k = session_row(line, row, false);
	line[k++] = '\n';
	fwrite_unlocked(line, 1, k, f);
	return ferror_unlocked(f) ? -EIO : 0;
}

int csv_write_view(FILE *f, const struct view *v)
{
	size_t i;
	int err;

	err = csv_write_header(f, v->kind);
	for (i = 0; !err && i < v->n; i++)
		err = csv_write_row(f, v->kind, v->rows[i]);
	return err;
}

/* ---- atomic export ------------------------------------------------------ */


/* fsync the directory holding path so the rename itself is durable (best effort). */
static void sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* What a path other than a file is, for the message. */
static const char *not_a_file(mode_t mode)
{
	if (S_ISDIR(mode))
		return "is a directory";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "is a device";
	if (S_ISFIFO(mode))
		return "is a pipe";
	if (S_ISSOCK(mode))
		return "is a socket";
	return "is not a regular file";
}

/*
 * A path as messages show it: escaped (fmt_escape()), and a long one cut in
 * its middle, so that what the message says after it (why it failed) still
 * fits a status line: a name of 300 characters hid "File name too long"
 * until 2026-12-06. The start and the end (the file's own name) stay.
 */
#define SHOWN_HEAD 16
#define SHOWN_TAIL 44
static void shown_path(const char *path, char *out, size_t len)
{
	char full[8192];	/* a path's PATH_MAX, escaped */
	size_t n = fmt_escape(path, strlen(path), full, sizeof(full)), head = SHOWN_HEAD, tail;

	if (n <= SHOWN_HEAD + SHOWN_TAIL + 3 || len < SHOWN_HEAD + SHOWN_TAIL + 4) {
		fmt_escape(path, strlen(path), out, len);
		return;
	}
	tail = n - SHOWN_TAIL;
	/* not inside a UTF-8 character */
	while (head > 0 && ((unsigned char)full[head] & 0xc0) == 0x80)
		head--;
	while (tail < n && ((unsigned char)full[tail] & 0xc0) == 0x80)
		tail++;
	snprintf(out, len, "%.*s\xe2\x80\xa6%s", (int)head, full, full + tail);	/* U+2026 */
}

int csv_export_target(const char *path, bool *exists, char *err, size_t errlen)
{
	char shown[256];
	struct stat sb;

	*exists = false;
	if (!path || !path[0]) {
		fmt_err(err, errlen, "export: no file name");
		return -EINVAL;
	}
	if (stat(path, &sb) != 0) {
		/* Nothing there: created. A link to nothing (or a loop) is
		 * refused: renamed over, the link itself would be replaced. */
		if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
			shown_path(path, shown, sizeof(shown));
			fmt_err(err, errlen, "cannot export to %s: it is a symbolic link to nothing "
				"(or a loop); name its target, or remove it", shown);
			return -ENOENT;
		}
		return 0;
	}
	if (S_ISREG(sb.st_mode)) {
		*exists = true;
		return 0;
	}
	shown_path(path, shown, sizeof(shown));
	fmt_err(err, errlen, "cannot export to %s: it %s (only a file is written or replaced)",
		shown, not_a_file(sb.st_mode));
	return S_ISDIR(sb.st_mode) ? -EISDIR : -EINVAL;
}

int csv_export_view(const char *path, const struct view *v, char *err, size_t errlen)
{
	static unsigned int counter;
	char shown[256];
	char *tmp = NULL, *resolved = NULL;
	struct stat old;
	bool have_old;
	FILE *f = NULL;
	int fd = -1, ret = 0, tries;
	size_t tmp_len;

	if (!path || !path[0]) {
		fmt_err(err, errlen, "export: no file name");
		return -EINVAL;
	}
	shown_path(path, shown, sizeof(shown));
	/* Replace what a link names, not the link. */
	if (lstat(path, &old) == 0 && S_ISLNK(old.st_mode)) {
		resolved = realpath(path, NULL);
		if (resolved)
			path = resolved;
	}
	ret = csv_export_target(path, &have_old, err, errlen);
	if (ret)
		goto out_free;
	if (have_old && stat(path, &old) != 0)
		have_old = false;
	tmp_len = strlen(path) + 40;
	tmp = malloc(tmp_len);
	if (!tmp) {
		fmt_err(err, errlen, "export %s: out of memory", shown);
		return -ENOMEM;
	}
	for (tries = 0; tries < 100; tries++) {
		snprintf(tmp, tmp_len, "%s.tmp.%ld.%u", path, (long)getpid(), counter++);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		ret = -errno;
		/* The file is there: what failed is the new one written beside
		 * it (as /proc's files, which cannot be replaced). */
		if (have_old)
			fmt_err(err, errlen, "cannot replace %s: a new file cannot be created "
				"beside it: %s", shown, strerror(-ret));
		else
			fmt_err(err, errlen, "cannot create %s: %s", shown, strerror(-ret));
		goto out_free;
	}
	/* The file it replaces keeps its permissions, owner and group (the
	 * owner only where we may give it: root, or our own file). */
	if (have_old) {
		if (fchown(fd, old.st_uid, old.st_gid) != 0)
			(void)!fchown(fd, (uid_t)-1, old.st_gid);
		if (fchmod(fd, old.st_mode & 07777) != 0) {
			ret = -errno;
			fmt_err(err, errlen, "cannot keep the permissions of %s: %s", shown,
				strerror(-ret));
			close(fd);
			goto out_unlink;
		}
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		fmt_err(err, errlen, "cannot write %s: %s", shown, strerror(-ret));
		goto out_unlink;
	}
	errno = 0;
	if (csv_write_view(f, v) < 0 || fflush(f) != 0) {
		ret = errno ? -errno : -EIO;
		fmt_err(err, errlen, "cannot write %s: %s", shown, strerror(-ret));
		fclose(f);
		goto out_unlink;
	}
	if (fsync(fileno(f)) != 0) {
		ret = -errno;
		fmt_err(err, errlen, "cannot write %s: fsync: %s", shown, strerror(-ret));
		fclose(f);
		goto out_unlink;
	}
	if (fclose(f) != 0) {
		ret = -errno;
		fmt_err(err, errlen, "cannot write %s: %s", shown, strerror(-ret));
		goto out_unlink;
	}
	if (rename(tmp, path) != 0) {
		ret = -errno;
		fmt_err(err, errlen, "cannot replace %s: %s", shown, strerror(-ret));
		goto out_unlink;
	}
	sync_dir_of(path);
	goto out_free;

out_unlink:
	unlink(tmp);
out_free:
	free(tmp);
	free(resolved);
	return ret;
}

/* ---- reader ------------------------------------------------------------- */

void csv_record_init(struct csv_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->next_line = 1;
}

void csv_record_fini(struct csv_record *rec)
{
	free(rec->buf);
	free(rec->offs);
	free(rec->fields);
	csv_record_init(rec);
}

static int rec_putc(struct csv_record *rec, char c)
{
	if (rec->len >= CSV_MAX_RECORD)
		return -E2BIG;
	if (rec->len + 1 >= rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 256;
		char *b;

		b = realloc(rec->buf, cap);
		if (!b)
			return -ENOMEM;
		rec->buf = b;
		rec->cap = cap;
	}
	rec->buf[rec->len++] = c;
	return 0;
}

/* Terminate the current field and start the next one. */
static int rec_end_field(struct csv_record *rec)
{
	int err = rec_putc(rec, '\0');

	if (err)
		return err;
	if (rec->n >= CSV_MAX_FIELDS)
		return -E2BIG;
	if (rec->n + 1 >= rec->fcap) {
		size_t cap = rec->fcap ? rec->fcap * 2 : 16;
		size_t *o;

		o = reallocarray(rec->offs, cap, sizeof(*o));
		if (!o)
			return -ENOMEM;
		rec->offs = o;
		rec->fcap = cap;
	}
	rec->offs[++rec->n] = rec->len;
	return 0;
}

static int rec_finish(struct csv_record *rec)
{
	char **fields;
	size_t i;

	fields = reallocarray(rec->fields, rec->n ? rec->n : 1, sizeof(*fields));
	if (!fields)
		return -ENOMEM;
	rec->fields = fields;
	for (i = 0; i < rec->n; i++)
		rec->fields[i] = rec->buf + rec->offs[i];
	return 1;
}

static int rec_fail(struct csv_record *rec, int err, unsigned long line, const char *what)
{
	rec->err_line = line;
	if (err == -E2BIG)
		what = "record too long";
	else if (err == -ENOMEM)
		what = "out of memory";
	snprintf(rec->err, sizeof(rec->err), "%s", what);
	rec->n = 0;
	return err;
}

enum csv_state { ST_FIELD_START, ST_UNQUOTED, ST_QUOTED, ST_AFTER_QUOTE };

int csv_read_record(FILE *f, struct csv_record *rec)
{
	enum csv_state st = ST_FIELD_START;
	unsigned long line, quote_line = 0;
	bool any = false;
	int c, err;

	if (rec->next_line == 0)
		rec->next_line = 1;
	line = rec->next_line;
	rec->line = line;
	rec->n = 0;
	rec->len = 0;
	rec->err[0] = '\0';
	rec->err_line = 0;
	rec->unterminated = false;
	if (!rec->offs || rec->fcap == 0) {
		rec->offs = malloc(16 * sizeof(*rec->offs));
		if (!rec->offs)
			return rec_fail(rec, -ENOMEM, line, NULL);
		rec->fcap = 16;
	}
	rec->offs[0] = 0;

	for (;;) {
		c = getc(f);
		if (c == EOF && ferror(f))
			return rec_fail(rec, -EIO, line, "read error");
		if (c == '\0')
			return rec_fail(rec, -EINVAL, line, "NUL byte in input");
		if (c == EOF) {
			if (st == ST_QUOTED) {
				rec->next_line = line;
				return rec_fail(rec, -EINVAL, quote_line,
						"unterminated quoted field");
			}
			if (!any)
				return 0;
			rec->unterminated = true;
			break;
		}
		any = true;
		if (st == ST_QUOTED) {
			if (c == '"') {
				int d = getc(f);

				if (d == '"') {
					err = rec_putc(rec, '"');
				} else {
					if (d != EOF)
						ungetc(d, f);
					st = ST_AFTER_QUOTE;
					err = 0;
				}
			} else {
				if (c == '\n')
					line++;
				err = rec_putc(rec, (char)c);
			}
			if (err)
				return rec_fail(rec, err, line, NULL);
			continue;
		}
		if (c == ',') {
			err = rec_end_field(rec);
			if (err)
				return rec_fail(rec, err, line, NULL);
			st = ST_FIELD_START;
			continue;
		}
		if (c == '\r' || c == '\n') {
			if (c == '\r') {
				int d = getc(f);

				if (d != '\n' && d != EOF)
					ungetc(d, f);
			}
			line++;
			break;
		}
		switch (st) {
		case ST_FIELD_START:
			if (c == '"') {
				st = ST_QUOTED;
				quote_line = line;
				continue;
			}
			st = ST_UNQUOTED;
			/* fall through */
		case ST_UNQUOTED:
			if (c == '"')
				return rec_fail(rec, -EINVAL, line, "stray quote in unquoted field");
			err = rec_putc(rec, (char)c);
			if (err)
				return rec_fail(rec, err, line, NULL);
			break;
		case ST_AFTER_QUOTE:
			return rec_fail(rec, -EINVAL, line, "unexpected text after closing quote");
		case ST_QUOTED:
			break;
		}
	}
	rec->next_line = line;
	err = rec_end_field(rec);
	if (err)
		return rec_fail(rec, err, line, NULL);
	err = rec_finish(rec);
	return err < 0 ? rec_fail(rec, err, line, NULL) : err;
}
