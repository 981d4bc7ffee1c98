// SPDX-License-Identifier: GPL-2.0
/* A session_source that replays a Sessions CSV; see replay.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include "core/columns.h"
#include "core/csv.h"
#include "core/fmt.h"
#include "core/replay.h"

/* Columns a sessions CSV must have: the leading 11 of the column table. */
static const enum col_id required[] = {
	COL_TIME, COL_PID, COL_COMM, COL_FAMILY, COL_LADDR, COL_LPORT,
	COL_RADDR, COL_RPORT, COL_TX_BYTES, COL_RX_BYTES, COL_DURATION,
};

struct replay {
	struct session_source src;	/* first: container of the source */
	struct session *sessions;
	size_t n, cap;
	size_t next;
	size_t batch;
	size_t *order;		/* delivery order (replay_keep_newest()); NULL: the file's */
	uint64_t earliest_end_ns;	/* the earliest close in the file (0: no rows) */
	char warning[160];	/* replay_warning() */
};

struct parse_ctx {
	const char *name;	/* file name for messages */
	char *err;
	size_t errlen;
	int idx[COL_ID_COUNT];	/* field index of each column, -1 if absent */
	size_t nfields;
};

static struct replay *replay_of(const struct session_source *src)
{
	return (struct replay *)src;
}


/* Untrusted field text for a message: escaped, cut to 32 bytes. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s), cut = n > 32 ? 32 : n;
	size_t w = fmt_escape(s, cut, buf, len);

	if (cut < n && w + 4 <= len)
		memcpy(buf + w, "...", 4);
	return buf;
}

/* ---- field parsers: 0 or -EINVAL ----------------------------------------- */

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (d > 9 || v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* "12.345" (0 to 3 decimals) milliseconds to microseconds. */
static int parse_ms3(const char *s, uint64_t *us)
{
	char whole[24];
	const char *dot = strchr(s, '.');
	uint64_t ms, frac = 0;
	size_t nd = 0, wl = dot ? (size_t)(dot - s) : strlen(s);

	if (wl == 0 || wl >= sizeof(whole))
		return -EINVAL;
	memcpy(whole, s, wl);
	whole[wl] = '\0';
	if (parse_u64(whole, UINT64_MAX / 1000, &ms) < 0)
		return -EINVAL;
	if (dot) {
		for (dot++; *dot; dot++, nd++) {
			if (*dot < '0' || *dot > '9' || nd >= 3)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*dot - '0');
		}
		if (nd == 0)
			return -EINVAL;
		for (; nd < 3; nd++)
			frac *= 10;
	}
	if (ms * 1000 > UINT64_MAX - frac)
		return -EINVAL;
	*us = ms * 1000 + frac;
	return 0;
}

static int parse_family(const char *s, uint8_t *out)
{
	if (!strcmp(s, "4") || !strcmp(s, "ipv4"))
		*out = AF_INET;
	else if (!strcmp(s, "6") || !strcmp(s, "ipv6"))
		*out = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "1"))
		*out = true;
	else if (!strcmp(s, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* ---- header ------------------------------------------------------------- */

static bool has_name(const struct csv_record *rec, const char *name)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (!strcmp(rec->fields[i], name))
			return true;
	return false;
}

static int parse_header(struct parse_ctx *ctx, struct csv_record *rec)
{
	char buf[64];
	size_t i;

	for (i = 0; i < COL_ID_COUNT; i++)
		ctx->idx[i] = -1;
	/* A spreadsheet may have saved the file with a UTF-8 byte order mark. */
	if (rec->n && !strncmp(rec->fields[0], "\xef\xbb\xbf", 3))
		memmove(rec->fields[0], rec->fields[0] + 3, strlen(rec->fields[0] + 3) + 1);
	for (i = 0; i < rec->n; i++) {
		const struct column *c = column_find(VIEW_SESSIONS, rec->fields[i]);

		if (!c)
			continue;
		if (ctx->idx[c->id] >= 0) {
			fmt_err(ctx->err, ctx->errlen, "replay: %s:%lu: duplicate column '%s'",
				ctx->name, rec->line, c->name);
			return -EINVAL;
		}
		ctx->idx[c->id] = (int)i;
	}
	ctx->nfields = rec->n;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct column *c = column_by_id(VIEW_SESSIONS, required[i]);

		if (ctx->idx[required[i]] >= 0)
			continue;
		if (has_name(rec, "sessions") &&
		    (has_name(rec, "pid") || has_name(rec, "port") || has_name(rec, "raddr"))) {
			fmt_err(ctx->err, ctx->errlen,
				"replay: %s: not a sessions CSV (it is a %s export)", ctx->name,
				has_name(rec, "port")	 ? "ports"
				: has_name(rec, "raddr") ? "peers"
							 : "processes");
			return -EINVAL;
		}
		if (has_name(rec, "TX_KB") && has_name(rec, "RX_KB")) {
			/* tcplife -s (or tcpscope -s): kilobytes, no times */
			fmt_err(ctx->err, ctx->errlen,
				"replay: %s: tcplife's -s columns, not tcpscope's CSV: replay reads "
				"what -o csv or the monitor's export wrote", ctx->name);
			return -EINVAL;
		}
		fmt_err(ctx->err, ctx->errlen,
			"replay: %s:%lu: not a tcpscope sessions CSV: no '%s' column (header starts '%s')",
			ctx->name, rec->line, c->name,
			shown(rec->n ? rec->fields[0] : "", buf, sizeof(buf)));
		return -EINVAL;
	}
	return 0;
}

/* ---- records ------------------------------------------------------------ */

/* The text of column id in rec, or NULL if the file has no such column. */
static const char *field(const struct parse_ctx *ctx, const struct csv_record *rec,
			 enum col_id id)
{
	return ctx->idx[id] >= 0 ? rec->fields[ctx->idx[id]] : NULL;
}

static int parse_session(struct parse_ctx *ctx, const struct csv_record *rec,
			 struct session *s)
{
	const char *v, *bad = NULL;
	enum col_id bad_col = COL_TIME;
	uint64_t u;
	bool b;
	char buf[160];

	memset(s, 0, sizeof(*s));

#define BAD(id) do { bad_col = (id); bad = v; goto fail; } while (0)
	v = field(ctx, rec, COL_TIME);
	if (fmt_time_iso_parse(v, &s->end_ns) < 0)
		BAD(COL_TIME);
	v = field(ctx, rec, COL_PID);
	if (parse_u64(v, UINT32_MAX, &u) < 0)
		BAD(COL_PID);
	s->pid = (uint32_t)u;
	v = field(ctx, rec, COL_COMM);
	if (fmt_comm_unescape(csv_unguard(v), s->comm) < 0)
		BAD(COL_COMM);
	v = field(ctx, rec, COL_FAMILY);
	if (parse_family(v, &s->family) < 0)
		BAD(COL_FAMILY);
	v = field(ctx, rec, COL_LADDR);
	if (fmt_addr_parse(v, &s->laddr) < 0 || (s->family == AF_INET && strchr(v, ':')))
		BAD(COL_LADDR);
	v = field(ctx, rec, COL_RADDR);
	if (fmt_addr_parse(v, &s->raddr) < 0 || (s->family == AF_INET && strchr(v, ':')))
		BAD(COL_RADDR);
	v = field(ctx, rec, COL_LPORT);
	if (parse_u64(v, UINT16_MAX, &u) < 0)
		BAD(COL_LPORT);
	s->lport = (uint16_t)u;
	v = field(ctx, rec, COL_RPORT);
	if (parse_u64(v, UINT16_MAX, &u) < 0)
		BAD(COL_RPORT);
	s->rport = (uint16_t)u;
	v = field(ctx, rec, COL_TX_BYTES);
	if (parse_u64(v, UINT64_MAX, &s->tx_bytes) < 0)
		BAD(COL_TX_BYTES);
	v = field(ctx, rec, COL_RX_BYTES);
	if (parse_u64(v, UINT64_MAX, &s->rx_bytes) < 0)
		BAD(COL_RX_BYTES);
	v = field(ctx, rec, COL_DURATION);
	if (parse_ms3(v, &s->dur_us) < 0)
		BAD(COL_DURATION);

	/* Optional columns. */
	if ((v = field(ctx, rec, COL_START_TIME))) {
		if (fmt_time_iso_parse(v, &s->start_ns) < 0)
			BAD(COL_START_TIME);
	} else {
		u = s->dur_us > UINT64_MAX / 1000 ? UINT64_MAX : s->dur_us * 1000;
		s->start_ns = s->end_ns > u ? s->end_ns - u : 0;
	}
	if ((v = field(ctx, rec, COL_SRTT))) {
		if (parse_u64(v, UINT32_MAX, &u) < 0)
			BAD(COL_SRTT);
		s->srtt_us = (uint32_t)u;
	}
	if ((v = field(ctx, rec, COL_RETRANS))) {
		if (parse_u64(v, UINT32_MAX, &u) < 0)
			BAD(COL_RETRANS);
		s->retrans = (uint32_t)u;
	}
	if ((v = field(ctx, rec, COL_HANDSHAKE))) {
		if (parse_u64(v, UINT32_MAX, &u) < 0)
			BAD(COL_HANDSHAKE);
		s->handshake_us = (uint32_t)u;
	}
	if ((v = field(ctx, rec, COL_DIR)) && session_dir_parse(v, &s->dir) < 0)
		BAD(COL_DIR);
	if ((v = field(ctx, rec, COL_CLOSER)) && session_closer_parse(v, &s->closer) < 0)
		BAD(COL_CLOSER);
	if ((v = field(ctx, rec, COL_CAUSE)) && session_cause_parse(v, &s->cause) < 0)
		BAD(COL_CAUSE);
	if ((v = field(ctx, rec, COL_PID_CERTAIN))) {
		if (parse_bool(v, &b) < 0)
			BAD(COL_PID_CERTAIN);
		if (!b)
			s->flags |= SESS_PID_UNCERTAIN;
	} else {
		s->flags |= SESS_PID_UNCERTAIN;	/* a file that does not say: not known */
	}
	if ((v = field(ctx, rec, COL_PARTIAL))) {
		if (parse_bool(v, &b) < 0)
			BAD(COL_PARTIAL);
		if (b)
			s->flags |= SESS_PARTIAL;
	}
	if ((v = field(ctx, rec, COL_NETNS))) {	/* 0 (or absent): not known */
		if (parse_u64(v, UINT32_MAX, &u) < 0)
			BAD(COL_NETNS);
		s->netns = (uint32_t)u;
	}
#undef BAD
	return 0;

fail:
	fmt_err(ctx->err, ctx->errlen, "replay: %s:%lu: bad %s '%s'", ctx->name, rec->line,
		column_by_id(VIEW_SESSIONS, bad_col)->name, shown(bad, buf, sizeof(buf)));
	return -EINVAL;
}

static int replay_push(struct replay *r, const struct session *s)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct session *p = reallocarray(r->sessions, cap, sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->sessions = p;
		r->cap = cap;
	}
	r->sessions[r->n++] = *s;
	if (!r->earliest_end_ns || s->end_ns < r->earliest_end_ns)
		r->earliest_end_ns = s->end_ns;
	return 0;
}

/* ---- source ops ------------------------------------------------------------ */

static int replay_fd(struct session_source *src)
{
	return -1;
}

static int replay_drain(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct replay *r = replay_of(src);
	size_t end, count = 0;

	if (r->next >= r->n)
		return -ENODATA;
	end = r->batch && r->n - r->next > r->batch ? r->next + r->batch : r->n;
	while (r->next < end) {
		size_t i = r->order ? r->order[r->next] : r->next;
		int stop;

		r->next++;
		stop = sink(ctx, &r->sessions[i]);

		count++;
		if (stop)
			break;
	}
	return count > INT32_MAX ? INT32_MAX : (int)count;
}

static void replay_stats(struct session_source *src, struct source_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->sessions = replay_of(src)->next;
	out->started_ns = replay_of(src)->earliest_end_ns;
}

static void replay_destroy(struct session_source *src)
{
	struct replay *r = replay_of(src);

	free(r->order);
	free(r->sessions);
	free(r);
}

static const struct session_source_ops replay_ops = {
	.fd = replay_fd,
	.drain = replay_drain,
	.stats = replay_stats,
	.destroy = replay_destroy,
};

void replay_set_batch(struct session_source *src, size_t batch)
{
	replay_of(src)->batch = batch;
}

/* Close time, then file order: a stable order. */
static int by_close_time(const void *a, const void *b, void *arg)
{
	const struct session *v = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (v[i].end_ns != v[j].end_ns)
		return v[i].end_ns < v[j].end_ns ? -1 : 1;
	return i < j ? -1 : i > j;
}

int replay_keep_newest(struct session_source *src, size_t keep)
{
	struct replay *r = replay_of(src);

	if (r->n <= keep || r->order || r->next)
		return 0;
	r->order = reallocarray(NULL, r->n, sizeof(*r->order));
	if (!r->order)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		r->order[i] = i;
	qsort_r(r->order, r->n, sizeof(*r->order), by_close_time, r->sessions);
	return 0;
}

const char *replay_warning(const struct session_source *src)
{
	if (!src || src->ops != &replay_ops)
		return NULL;
	return replay_of(src)->warning[0] ? replay_of(src)->warning : NULL;
}

size_t replay_count(const struct session_source *src)
{
	return replay_of(src)->n;
}

size_t replay_remaining(const struct session_source *src)
{
	const struct replay *r = replay_of(src);

	return r->n - r->next;
}

struct session_source *replay_open_file(FILE *f, const char *name, char *err, size_t errlen)
{
	struct parse_ctx ctx = { .name = name, .err = err, .errlen = errlen };
	struct csv_record rec;
	struct replay *r;
	struct session s;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fmt_err(err, errlen, "replay: %s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	r->src.ops = &replay_ops;
	r->src.name = "replay";
	csv_record_init(&rec);

	/* A JSON stream (-o json) is not a CSV: say so, rather than report
	 * its first quote as misplaced; also after a byte order mark or
	 * blank lines, which the header may follow too. */
	ret = getc(f);
	if (ret == 0xef) {
		if (getc(f) != 0xbb || getc(f) != 0xbf) {
			fmt_err(err, errlen, "replay: %s: not a tcpscope sessions CSV (it does not "
				"begin with a header)", name);
			ret = -EINVAL;
			goto fail;
		}
		ret = getc(f);
	}
	while (ret == '\n' || ret == '\r' || ret == ' ' || ret == '\t') {
		if (ret == '\n')
			rec.next_line++;	/* the header's line number stays right */
		ret = getc(f);
	}
	if (ret == '{' || ret == '[') {
		fmt_err(err, errlen, "replay: %s: JSON, not CSV: replay reads what -o csv or the "
			"monitor's export wrote", name);
		ret = -EINVAL;
		goto fail;
	}
	if (ret != EOF)
		ungetc(ret, f);

	ret = csv_read_record(f, &rec);
	if (ret == 0) {
		fmt_err(err, errlen, "replay: %s: empty file", name);
		ret = -EINVAL;
		goto fail;
	}
	if (ret < 0)
		goto csv_error;
	ret = parse_header(&ctx, &rec);
	if (ret < 0)
		goto fail;
	if (rec.unterminated)	/* no line end at all: the rows, if any, were cut away */
		fmt_err(r->warning, sizeof(r->warning), "replay: %s: the file ends inside its "
			"header line: no rows", name);

	while ((ret = csv_read_record(f, &rec)) > 0) {
		if (rec.n == 1 && rec.fields[0][0] == '\0')
			continue;	/* blank line */
		if (rec.n != ctx.nfields) {
			fmt_err(err, errlen, "replay: %s:%lu: %zu fields, the header has %zu%s",
				name, rec.line, rec.n, ctx.nfields,
				rec.n < ctx.nfields ? " (truncated line?)" : "");
			ret = -EINVAL;
		} else {
			ret = parse_session(&ctx, &rec, &s);
		}
		if (ret < 0 && rec.unterminated && rec.n <= ctx.nfields) {
			/* The file ends inside its last row (tcpscope ends every
			 * row with a line end): a capture cut short by a full
			 * disk, a copy cut by size. The rows before it are
			 * whole; the broken one is left out, and said so. */
			fmt_err(r->warning, sizeof(r->warning), "replay: %s:%lu: the file ends "
				"inside this row: left out", name, rec.line);
			err[0] = '\0';
			ret = 0;
			break;
		}
		if (ret < 0)
			goto fail;
		ret = replay_push(r, &s);
		if (ret < 0) {
			fmt_err(err, errlen, "replay: %s:%lu: out of memory", name, rec.line);
			goto fail;
		}
	}
	if (ret < 0)
		goto csv_error;
	csv_record_fini(&rec);
	return &r->src;

csv_error:
	if (ret == -EIO)
		fmt_err(err, errlen, "replay: %s: read error", name);
	else
		fmt_err(err, errlen, "replay: %s:%lu: %s", name, rec.err_line, rec.err);
fail:
	csv_record_fini(&rec);
	replay_destroy(&r->src);
	errno = -ret;
	return NULL;
}

struct session_source *replay_open(const char *path, char *err, size_t errlen)
{
	struct session_source *src;
	FILE *f;
	int saved;

	f = fopen(path, "r");
	if (f) {
		struct stat st;

		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			fclose(f);
			f = NULL;
			errno = EISDIR;
		}
	}
	if (!f) {
		saved = errno;
		fmt_err(err, errlen, "replay: cannot open %s: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	src = replay_open_file(f, path, err, errlen);
	saved = errno;
	fclose(f);
	errno = saved;
	return src;
}
