// SPDX-License-Identifier: GPL-2.0
/* Drawing the monitor; see draw.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <wchar.h>

#include <ncurses.h>

#include "core/fmt.h"
#include "core/session_log.h"
#include "core/tally.h"
#include "ui/draw.h"
#include "ui/container.h"
#include "ui/nsname.h"
#include "ui/status.h"
#include "ui/term.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LINE_MAX_CHARS 1024

/* ---- the one text writer --------------------------------------------------- */

/*
 * Decode the next character of s (at most avail bytes): its wide char,
 * byte length and screen width. Anything that is not a printable character
 * of width 1 or 2 becomes '?'.
 */
static size_t next_char(const char *s, size_t avail, wchar_t *wc, int *width)
{
	size_t n = 1;
	int w;

	if (ui_term_utf8() && (unsigned char)*s >= 0x80) {
		mbstate_t ps;

		memset(&ps, 0, sizeof(ps));
		n = mbrtowc(wc, s, avail, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			*wc = L'?';
		}
	} else {
		*wc = (unsigned char)*s < 0x80 ? (wchar_t)(unsigned char)*s : L'?';
	}
	w = (*wc >= 0x20 && *wc != 0x7f && !(*wc >= 0x80 && *wc < 0xa0)) ? wcwidth(*wc) : -1;
	if (w < 1 || w > 2) {
		*wc = L'?';
		w = 1;
	}
	*width = w;
	return n;
}

/* Screen width of s. */
static int text_width(const char *s)
{
	size_t len = strlen(s), i = 0;
	wchar_t wc;
	int w, total = 0;

	while (i < len) {
		i += next_char(s + i, len - i, &wc, &w);
		total += w;
	}
	return total;
}

/* Write s at (y, x), at most maxw columns. Returns the columns written. */
static int put(int y, int x, int maxw, const char *s, int attr)
{
	wchar_t buf[LINE_MAX_CHARS];
	size_t len = strlen(s), i = 0, k = 0;
	wchar_t wc;
	int w, used = 0;

	if (maxw <= 0 || y < 0 || x < 0)
		return 0;
	while (i < len && k < ARRAY_LEN(buf) - 1) {
		size_t n = next_char(s + i, len - i, &wc, &w);

		if (used + w > maxw)
			break;
		buf[k++] = wc;
		used += w;
		i += n;
	}
	buf[k] = 0;
	attrset(attr);
	mvaddnwstr(y, x, buf, (int)k);
	attrset(A_NORMAL);
	return used;
}

static int screen_cols(void)
{
	return COLS;
}

static void fill_line(int y, int attr)
{
	attrset(attr);
	mvhline(y, 0, ' ', screen_cols());
	attrset(A_NORMAL);
}

static const char *ellipsis(void)
{
	return ui_term_utf8() ? "\u2026" : "~";
}

/* A cell: s aligned in width columns, cut with an ellipsis when longer. */
static void put_cell(int y, int x, int width, const char *s, bool right, int attr)
{
	int w = text_width(s);

	if (width <= 0)
		return;
	if (w <= width) {
		int pad = right ? width - w : 0;

		if (pad) {
			attrset(attr);
			mvhline(y, x, ' ', pad);
		}
		put(y, x + pad, width - pad, s, attr);
		if (!right && w < width) {
			attrset(attr);
			mvhline(y, x + w, ' ', width - w);
		}
		attrset(A_NORMAL);
		return;
	}
	if (width == 1) {
		put(y, x, 1, ellipsis(), attr);
		return;
	}
	w = put(y, x, width - 1, s, attr);
	put(y, x + w, width - w, ellipsis(), attr);
}

/*
 * An address longer than its cell, cut in the middle ("2001:db8…eeee:ffff"):
 * its end is what tells two hosts of a network apart (until 2026-12-06 it
 * was cut at the end, and two peers of one /64 looked the same). Addresses
 * are ASCII: a byte is a column.
 */
static void cut_address(char *buf, size_t len, int width)
{
	char tmp[COL_TEXT_LEN + 8];
	int n = (int)strlen(buf), head, tail;

	if (n <= width || width < 5)
		return;
	head = (width - 1) / 2;
	tail = width - 1 - head;
	n = snprintf(tmp, sizeof(tmp), "%.*s%s%s", head, buf, ellipsis(), buf + n - tail);
	if (n > 0 && (size_t)n < len)
		memcpy(buf, tmp, (size_t)n + 1);
}

static bool is_address(const struct column *c)
{
	return c->id == COL_LADDR || c->id == COL_RADDR;
}

/* s at (y, x) in width columns, cut with an ellipsis when longer (a message,
 * a label: what is cut is shown to be). Returns the columns used. */
static int put_fit(int y, int x, int width, const char *s, int attr)
{
	if (width <= 0)
		return 0;
	if (text_width(s) <= width)
		return put(y, x, width, s, attr);
	put_cell(y, x, width, s, false, attr);
	return width;
}

/* A hint of items two spaces apart ("p pid  o port  c name"): as many whole
 * items as fit in width, never one cut in the middle ("o p"). */
static void put_items(int y, int x, int width, const char *s, int attr)
{
	char buf[256];
	size_t cut = 0, i;

	if (text_width(s) <= width) {
		put(y, x, width, s, attr);
		return;
	}
	for (i = 0; s[i] && i + 1 < sizeof(buf); i++) {
		if (s[i] == ' ' && s[i + 1] == ' ' && i > 0 && s[i - 1] != ' ') {
			memcpy(buf, s, i);
			buf[i] = '\0';
			if (text_width(buf) > width)
				break;
			cut = i;
		}
	}
	if (!cut)
		return;
	memcpy(buf, s, cut);
	buf[cut] = '\0';
	put(y, x, width, buf, attr);
}

/* ---- header ---------------------------------------------------------------- */

static void draw_title(const struct ui_state *st, const struct ui_figures *fig)
{
	char label[512], right[96], clock[16];
	const char *src;
	int cols = screen_cols(), x, rw;
	struct tm tm;

	fill_line(st->lay.title_y, A_NORMAL);
	x = put(st->lay.title_y, 0, cols, "tcpscope", ui_term_attr(ST_TITLE));
	src = fig->source_label ? fig->source_label : "";
	fmt_escape(src, strlen(src), label, sizeof(label));

	if (st->paused) {
		snprintf(right, sizeof(right), " PAUSED  +%llu new ",
			 (unsigned long long)fig->arrived);
	} else {
		localtime_r(&st->now, &tm);
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
		if (!fig->live)
			snprintf(right, sizeof(right), "%s", fig->eof ? "replay complete" : "replaying...");
		else
			snprintf(right, sizeof(right), "%s", clock);
	}
	rw = text_width(right);
	if (x + 2 + rw <= cols)
		put(st->lay.title_y, cols - rw, rw, right,
		    ui_term_attr(st->paused ? ST_PAUSED : ST_DIM));
	else
		rw = 0;
	put_fit(st->lay.title_y, x + 2, cols - x - 2 - rw - 1, label, A_NORMAL);
}

struct meter {
	const char *label;
	char value[48];
	enum ui_style style;
	int rank;	/* dropped first when the line is short: the highest; 0 never */
};

static void draw_meters(const struct ui_state *st, const struct ui_figures *fig)
{
	struct meter m[6];
	int widths[6], ranks[6];
	bool keep[6];
	size_t n = 0, i;
	int x = 0, cols = screen_cols(), w;
	size_t cap = fig->hist_cap;
	unsigned pct = cap ? (unsigned)((fig->hist_len * 100 + cap - 1) / cap) : 0;

	memset(m, 0, sizeof(m));
	if (fig->live) {
		m[n].label = "Sessions/s: ";
		if (fig->rate < 0)
			snprintf(m[n].value, sizeof(m[n].value), "-");
		else
			snprintf(m[n].value, sizeof(m[n].value), "%.1f", fig->rate);
		m[n].rank = 2;
		m[n++].style = ST_VALUE;
	}
	m[n].label = "Total: ";
	snprintf(m[n].value, sizeof(m[n].value), "%llu", (unsigned long long)fig->total);
	m[n].rank = 1;
	m[n++].style = ST_VALUE;
	if (fig->live) {
		m[n].label = "Missed: ";
		snprintf(m[n].value, sizeof(m[n].value), "%llu", (unsigned long long)fig->missed);
		m[n++].style = fig->missed ? ST_ALERT : ST_VALUE;
	}
	m[n].label = "History: ";
	snprintf(m[n].value, sizeof(m[n].value), "%zu/%zu (%u%%)", fig->hist_len, fig->hist_cap, pct);
	m[n].rank = 3;
	m[n++].style = ST_VALUE;
	if (fig->live && fig->untracked) {
		m[n].label = "Untracked: ";
		snprintf(m[n].value, sizeof(m[n].value), "%llu", (unsigned long long)fig->untracked);
		m[n++].style = ST_ALERT;
	}

	/* A narrow screen drops the least needed first (History, then the
	 * rate), never Missed and Untracked: what was lost stays in sight. */
	for (i = 0; i < n; i++) {
		widths[i] = text_width(m[i].label) + text_width(m[i].value);
		ranks[i] = m[i].rank;
	}
	ui_meters_fit(widths, ranks, n, cols, keep);
	fill_line(st->lay.meters_y, A_NORMAL);
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		w = text_width(m[i].label) + text_width(m[i].value);
		if (x + w > cols)
			break;
		x += put(st->lay.meters_y, x, cols - x, m[i].label, ui_term_attr(ST_LABEL));
		x += put(st->lay.meters_y, x, cols - x, m[i].value, ui_term_attr(m[i].style));
		x += 2;
	}
}

static void draw_filter(const struct ui_state *st)
{
	char desc[512];
	int y = st->lay.filter_y, cols = screen_cols(), x;

	fill_line(y, A_NORMAL);
	x = 0;
	if (st->kept) {
		/* The command line's filter: all that is kept; keys filter on top. */
		int room;

		x += put(y, x, cols - x, "Kept: ", ui_term_attr(ST_LABEL));
		filter_describe(st->kept, desc, sizeof(desc));
		/* at most half the line when the keys' filter needs room too */
		room = filter_is_empty(&st->filter) ? cols - x - 16 : cols / 2 - x;
		if (room < 4)
			room = 4;
		if (room > cols - x)
			room = cols - x;
		if (room <= 0)
			return;
		x += put_fit(y, x, room, desc, ui_term_attr(ST_FILTER));
		x += put(y, x, cols - x, "   ", A_NORMAL);
	}
	x += put(y, x, cols - x, "Filter: ", ui_term_attr(ST_LABEL));
	if (filter_is_empty(&st->filter)) {
		x += put(y, x, cols - x, "none", ui_term_attr(ST_VALUE));
		put_items(y, x, cols - x, "   p pid  o port  c name  / search  f this row",
			  ui_term_attr(ST_DIM));
		return;
	}
	/* The filter whole, then the hint if there is room; a filter longer
	 * than the line is cut with an ellipsis, never so that what is left
	 * reads as another filter ("port 21" for port 21104). */
	filter_describe(&st->filter, desc, sizeof(desc));
	x += put_fit(y, x, cols - x, desc, ui_term_attr(ST_FILTER));
	if (x + 12 <= cols)
		put(y, x, cols - x, "  (x clears)", ui_term_attr(ST_DIM));
}

/* Whether some columns are off the screen (scrolled left, or cut at the right). */
static bool columns_cut(const struct ui_state *st)
{
	struct ui_col_pos pos[UI_MAX_COLS];
	const struct column *cols[UI_MAX_COLS];
	int widths[UI_MAX_COLS];
	const struct ui_view_state *vs = UI_VS(st);
	size_t n = ui_state_columns(st, pos, UI_MAX_COLS);
	size_t shown = ui_state_shown(st, cols, widths, UI_MAX_COLS);

	if (vs->hscroll > 0 || vs->hscroll + n < shown)
		return true;
	return n && pos[n - 1].width < widths[shown - 1];
}

/* The rows' count in the room left right of the tabs (at 40 columns):
 * "N/M" under a filter, else "N"; in thousands or millions, rounded down,
 * when the exact one does not fit ("16K/100K"). */
static void draw_tabs_count(const struct ui_state *st, const struct ui_figures *fig, int y,
			    int room)
{
	bool filtered = !filter_is_empty(&st->filter);
	char n[24], m[24], count[56];
	int cols = screen_cols();

	for (int w = 20; w >= 4; w = w > 8 ? 8 : w - 1) {
		if (fmt_count(st->n, w, n, sizeof(n)) < 0 ||
		    fmt_count(fig->view_total, w, m, sizeof(m)) < 0)
			continue;
		snprintf(count, sizeof(count), filtered ? "%s/%s" : "%s", n, m);
		if (text_width(count) <= room) {
			put(y, cols - text_width(count), text_width(count), count,
			    ui_term_attr(ST_DIM));
			return;
		}
	}
}

static void draw_tabs(const struct ui_state *st, const struct ui_figures *fig)
{
	const struct ui_view_state *vs = UI_VS(st);
	char right[200], rows[100], count[100], brief[120], mid[140], mid2[140], mid3[80], mid4[80];
	const char *follow;
	int y = st->lay.tabs_y, cols = screen_cols(), k, end = 0;
	char tab[32];

	fill_line(y, A_NORMAL);
	for (k = 0; k < UI_TABS; k++) {
		int tx = ui_tab_x(k, cols, ui_state_tab(st));

		if (!ui_tab_width(k, cols, ui_state_tab(st)))
			continue;	/* left out at this width */
		snprintf(tab, sizeof(tab), " %s ", ui_tab_title(k, cols, ui_state_tab(st)));
		put(y, tx, cols - tx, tab,
		    ui_term_attr(k == ui_state_tab(st) ? ST_TAB_ACTIVE : ST_TAB));
		end = tx + ui_tab_width(k, cols, ui_state_tab(st));
	}
	/* Processes by pid (H) count PIDs, the rows being processes, whole */
	if (st->view == VIEW_PROCS && st->procs_by_pid && filter_is_empty(&st->filter))
		snprintf(rows, sizeof(rows), "%zu %s", st->n, st->n == 1 ? "PID" : "PIDs");
	else if (st->view == VIEW_PROCS && st->procs_by_pid)
		snprintf(rows, sizeof(rows), "%zu of %zu PIDs", st->n, fig->view_total);
	else if (st->open_now && filter_is_empty(&st->filter))
		snprintf(rows, sizeof(rows), "%zu open", st->n);
	else if (st->open_now)
		snprintf(rows, sizeof(rows), "%zu of %zu open", st->n, fig->view_total);
	else if (filter_is_empty(&st->filter))
		snprintf(rows, sizeof(rows), "%zu %s", st->n, st->n == 1 ? "row" : "rows");
	else
		snprintf(rows, sizeof(rows), "%zu of %zu", st->n, fig->view_total);
	/* a row per namespace (N): say so, beside the count */
	if (st->by_netns && (st->view == VIEW_PORTS || st->view == VIEW_PEERS)) {
		size_t len = strlen(rows);

		snprintf(rows + len, sizeof(rows) - len, " by netns");
	}
	snprintf(count, sizeof(count), "%s", rows);
	/* Processes and Peers keep the most recently seen; past their cap the
	 * oldest go: say how many, or the totals would seem not to add up
	 * (not of rows added up from the history, which has its own). */
	if (!st->from_history &&
	    ((st->view == VIEW_PROCS && fig->procs_evicted) ||
	     (st->view == VIEW_PEERS && fig->peers_evicted))) {
		size_t len = strlen(rows);

		/* by PID (H): what went are rows of a pid and a name, whose
		 * sessions the PID's row then lacks, not PIDs */
		snprintf(rows + len, sizeof(rows) - len, ", %llu older %sdropped",
			 (unsigned long long)(st->view == VIEW_PROCS ? fig->procs_evicted
								    : fig->peers_evicted),
			 st->view == VIEW_PROCS && st->procs_by_pid ? "names " : "");
	}
	/* Rows above the screen (new ones sorted in above a selection kept
	 * in place, or scrolled past): say so, Home shows them. */
	if (vs->top > 0 && vs->top < st->n) {
		size_t len = strlen(rows);

		snprintf(rows + len, sizeof(rows) - len, ", %zu above", vs->top);
	}
	/* whether Sessions by time follows the newest (and, in full, how to) */
	follow = st->view != VIEW_SESSIONS || st->open_now || vs->sort.col != COL_TIME ? ""
		 : vs->follow ? "  following" : "  scrolled";
	snprintf(right, sizeof(right), "%s%s%s%s%s", rows,
		 st->from_history ? "  recent history" : "",
		 columns_cut(st) ? "  Left/Right: columns" : "", follow,
		 !*follow || vs->follow ? ""
		 : ui_state_newest_on_top(st) ? " (Home follows)" : " (End follows)");
	/* Shorter when the line is: the whole; without the hints (that the
	 * rows come from the history stays: until 2026-12-06 it went with
	 * them); without the rows above, before that goes; the rows' account
	 * and whether it follows, said short (at 80 columns, scrolled with
	 * rows above); the rows' account; the count. */
	snprintf(mid, sizeof(mid), "%s%s%s", rows, st->from_history ? "  recent history" : "",
		 follow);
	snprintf(mid2, sizeof(mid2), "%s%s%s", count, st->from_history ? "  recent history" : "",
		 follow);
	snprintf(brief, sizeof(brief), "%s%s", rows, follow);
	/* (a view added up from the history is a filtered one: "N/M", then
	 * "recent" alone, keep it said down to 50 columns) */
	snprintf(mid3, sizeof(mid3), "%zu/%zu  recent history", st->n, fig->view_total);
	snprintf(mid4, sizeof(mid4), "%zu/%zu recent", st->n, fig->view_total);
	{
		const char *const tries[] = { right, mid, st->from_history ? mid2 : mid,
					      st->from_history ? mid3 : mid,
					      st->from_history ? mid4 : mid, brief, rows, count };

		for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
			int tw = text_width(tries[i]);

			if (end + 2 + tw <= cols) {
				put(y, cols - tw, tw, tries[i], ui_term_attr(ST_DIM));
				return;
			}
		}
	}
	draw_tabs_count(st, fig, y, cols - end - 1);
}

static void draw_head(const struct ui_state *st)
{
	const struct ui_view_state *vs = UI_VS(st);
	struct ui_col_pos pos[UI_MAX_COLS];
	size_t i, n = ui_state_columns(st, pos, UI_MAX_COLS);
	char title[64];
	int y = st->lay.head_y;

	fill_line(y, ui_term_attr(ST_HEAD));
	for (i = 0; i < n; i++) {
		bool sorted = pos[i].col->id == vs->sort.col;
		const char *arrow = !sorted ? "" : ui_term_utf8() ? (vs->sort.descending ? "\u25bc" : "\u25b2")
								 : (vs->sort.descending ? "v" : "^");

		int x = pos[i].x, w = pos[i].width;

		/* the arrow may take the separator space, so that titles stay whole */
		if (pos[i].col->right_align) {
			snprintf(title, sizeof(title), "%s%s", arrow, pos[i].col->title);
			if (sorted && x > 0) {
				x--;
				w++;
			}
		} else {
			snprintf(title, sizeof(title), "%s%s", pos[i].col->title, arrow);
			if (sorted && x + w < screen_cols())
				w++;
		}
		put_cell(y, x, w, title, pos[i].col->right_align,
			 ui_term_attr(sorted ? ST_HEAD_SORT : ST_HEAD));
	}
}

/* ---- rows ------------------------------------------------------------------ */

/* END's colour: red for a reset either way or a refusal, yellow for the
 * other failures. */
static enum ui_style cause_style(const struct session *s)
{
	if (session_is_rst(s))
		return ST_RST;
	return s->cause == CAUSE_TIMEOUT || s->cause == CAUSE_ABANDONED ||
	       s->cause == CAUSE_UNREACHABLE ? ST_WARN : ST_NORMAL;
}

static enum ui_style cell_style(enum view_kind kind, const struct column *c, const void *row)
{
	uint64_t bytes = 0;

	if (kind == VIEW_SESSIONS) {
		const struct session *s = row;
		char esc[FMT_COMM_ESC_LEN];

		switch (c->id) {
		case COL_COMM:
			fmt_comm_escape(s->comm, esc, sizeof(esc));
			return strncmp(esc, s->comm, SESSION_COMM_LEN) ? ST_ESCAPED : ST_NORMAL;
		case COL_PID:
			return s->flags & SESS_PID_UNCERTAIN ? ST_DIM : ST_NORMAL;
		case COL_CAUSE:
			return cause_style(s);
		case COL_PARTIAL:
		case COL_DURATION:	/* counted from tcpscope's start */
		case COL_START_TIME:
			return s->flags & SESS_PARTIAL ? ST_DIM : ST_NORMAL;
		case COL_RETRANS:
			return s->retrans ? ST_WARN : ST_NORMAL;
		case COL_TX_BYTES:
			bytes = s->tx_bytes;
			break;
		case COL_RX_BYTES:
			bytes = s->rx_bytes;
			break;
		default:
			return ST_NORMAL;
		}
	} else {
		const struct agg_row *r = row;
		char esc[FMT_COMM_ESC_LEN];

		switch (c->id) {
		case COL_COMM:
			fmt_comm_escape(r->comm, esc, sizeof(esc));
			return strncmp(esc, r->comm, SESSION_COMM_LEN) ? ST_ESCAPED : ST_NORMAL;
		case COL_RSTS:
			return r->rsts ? ST_RST : ST_NORMAL;
		case COL_FAILS:
			return r->fails > r->rsts ? ST_WARN : r->fails ? ST_RST : ST_NORMAL;
		case COL_TX_BYTES:
			bytes = r->tx_bytes;
			break;
		case COL_RX_BYTES:
			bytes = r->rx_bytes;
			break;
		default:
			return ST_NORMAL;
		}
	}
	if (bytes >= (1ull << 30))
		return ST_HUGE;
	if (bytes >= (1ull << 20))
		return ST_BIG;
	return ST_NORMAL;
}

/* tint_cause: a session row whose END is not on the screen (a narrow
 * terminal, or scrolled off) takes END's colour in its plain cells, so a
 * failure shows at 80 columns too. */
static void draw_row(int y, enum view_kind kind, const struct ui_col_pos *pos, size_t n,
		     const void *row, bool selected, bool tint_cause)
{
	enum ui_style plain = tint_cause ? cause_style(row) : ST_NORMAL, style;
	char buf[COL_TEXT_LEN];
	size_t i;

	if (selected)
		fill_line(y, ui_term_attr(ST_SEL));
	for (i = 0; i < n; i++) {
		const struct column *c = pos[i].col;
		int attr;

		style = cell_style(kind, c, row);
		if (style == ST_NORMAL)
			style = plain;
		attr = ui_term_attr(selected ? ST_SEL : style);

		if (c->format(row, buf, sizeof(buf), FMT_HUMAN) < 0)
			snprintf(buf, sizeof(buf), "?");
		if (is_address(c))
			cut_address(buf, sizeof(buf), pos[i].width);
		put_cell(y, pos[i].x, pos[i].width, buf, c->right_align, attr);
	}
}

static void draw_rows(const struct ui_state *st, const struct ui_figures *fig)
{
	const struct ui_view_state *vs = UI_VS(st);
	struct ui_col_pos pos[UI_MAX_COLS];
	size_t n = ui_state_columns(st, pos, UI_MAX_COLS), i;
	const char *empty;
	char none_kept[160];
	bool tint = st->view == VIEW_SESSIONS;
	int y;

	for (i = 0; i < n; i++)
		if (pos[i].col->id == COL_CAUSE)
			tint = false;	/* END itself shows it */
	for (y = 0; y < st->lay.rows_h; y++) {
		i = vs->top + (size_t)y;
		if (!st->rows || i >= st->n)
			break;
		draw_row(st->lay.rows_y + y, st->view, pos, n, st->rows[i], i == vs->sel, tint);
	}
	if (st->n || st->lay.rows_h < 2)
		return;
	if (st->open_now && fig->open_said[0]) {
		empty = fig->open_said;	/* why there is no look (a replay, an old kernel) */
	} else if (st->open_now && filter_is_empty(&st->filter)) {
		empty = "No TCP session is open in this network namespace.";
	} else if (!filter_is_empty(&st->filter) && fig->view_total) {
		/* Rows made of the history's sessions, when it has let some
		 * go: the filter's may have been among them (a peer's `f`,
		 * whose lifetime row Peers still shows), or not. */
		if (!st->open_now && (st->view == VIEW_SESSIONS || st->from_history) && fig->model &&
		    session_log_evicted(fig->model->log)) {
			size_t kept = session_log_len(fig->model->log);

			snprintf(none_kept, sizeof(none_kept), "None of the history's %zu %s matches "
				 "the filter (x clears it).", kept,
				 fmt_plural(kept, "session", "sessions"));
			empty = none_kept;
		} else {
			empty = "No rows match the filter (x clears it).";
		}
	} else if (!fig->live && !fig->eof) {
		empty = "Reading the replay file...";
	} else if (fig->live && st->paused) {
		empty = fig->arrived ? "Paused before any session closed: Space shows the new ones."
				     : "Paused: Space resumes.";
	} else if (st->kept && !fig->total && fig->seen) {
		/* the command line's filter (-P, --comm, ...) took none */
		snprintf(none_kept, sizeof(none_kept), "%llu %s %s, none of them kept (Kept: above).",
			 (unsigned long long)fig->seen, fmt_plural(fig->seen, "session", "sessions"),
			 fig->live ? "closed so far" : "in the replay file");
		empty = none_kept;
	} else if (!fig->live) {
		empty = "The replay file has no sessions.";
	} else {
		empty = st->view == VIEW_SESSIONS ? "Waiting for TCP sessions to close..."
						  : "Nothing yet: rows appear as sessions close.";
	}
	put_fit(st->lay.rows_y + 1, 2, screen_cols() - 2, empty, ui_term_attr(ST_DIM));
}

/* ---- status line and function keys ---------------------------------------- */

/* A prompt's label, short: for a terminal too narrow for prompt_label()'s. */
static const char *prompt_label_short(const struct ui_state *st)
{
	switch (st->pkind) {
	case PK_PIDS: return "PIDs: ";
	case PK_PORTS: return "Ports: ";
	case PK_LPORTS: return "Local ports: ";
	case PK_RPORTS: return "Remote ports: ";
	case PK_NETNS: return "Netns: ";
	case PK_COMM: return "Name: ";
	case PK_SEARCH: return "Search: ";
	case PK_EXPORT: return "Export to: ";
	default: return "> ";
	}
}

static const char *prompt_label(const struct ui_state *st, char *buf, size_t len)
{
	switch (st->pkind) {
	case PK_PIDS: return "PIDs (123,200-300; empty: any): ";
	case PK_PORTS: return "Ports, either side (80,443,8000-8010; empty: any): ";
	case PK_LPORTS: return "Local ports (empty: any): ";
	case PK_RPORTS: return "Remote ports (empty: any): ";
	case PK_NETNS: return "Network namespaces (inode, /proc/PID/ns/net, ip-netns name; empty: any): ";
	case PK_COMM: return "Process name contains: ";
	case PK_SEARCH: return "Search: ";
	case PK_EXPORT:
		snprintf(buf, len, "Export %zu %s to: ", st->n, view_kind_noun(st->view, st->n));
		return buf;
	default: return "> ";
	}
}

static void draw_prompt(const struct ui_state *st, const struct ui_figures *fig)
{
	char lbuf[96];
	const char *label = prompt_label(st, lbuf, sizeof(lbuf));
	int y = st->lay.status_y, cols = screen_cols(), x, room, cw;
	const char *text = st->prompt.text;
	char before[UI_PROMPT_LEN];

	/* What is typed stays in sight: the label is shortened when it would
	 * leave fewer than 16 columns (the text scrolls in what is left), and
	 * left out when even the short one would leave fewer than 8. */
	if (cols - text_width(label) < 16)
		label = prompt_label_short(st);
	if (cols - text_width(label) < 8)
		label = "";
	fill_line(y, A_NORMAL);
	x = put(y, 0, cols, label, ui_term_attr(ST_LABEL) | A_BOLD);
	room = cols - x - 1;
	/* keep the cursor visible: drop characters at the left while too long */
	memcpy(before, text, st->prompt.cur);
	before[st->prompt.cur] = '\0';
	cw = text_width(before);
	while (room > 0 && cw >= room && *text) {
		wchar_t wc;
		int w;
		size_t n = next_char(text, strlen(text), &wc, &w);

		text += n;
		cw -= w;
	}
	put(y, x, room, text, A_BOLD);
	/* what went wrong with the last Enter: on the line above, whole */
	if (fig->msg_visible && st->msg_level >= MSG_WARN && y > st->lay.rows_y) {
		fill_line(y - 1, A_NORMAL);
		put_fit(y - 1, 0, cols, st->msg,
			ui_term_attr(st->msg_level == MSG_ERROR ? ST_ERROR : ST_WARN));
	}
	move(y, x + (cw < 0 ? 0 : cw));
}

static void draw_status(const struct ui_state *st, const struct ui_figures *fig)
{
	static const enum ui_style level_style[] = { ST_INFO, ST_WARN, ST_ERROR };
	int y = st->lay.status_y, cols = screen_cols();

	if (st->mode == MODE_PROMPT) {
		draw_prompt(st, fig);
		return;
	}
	fill_line(y, A_NORMAL);
	/* A screen over the table (help, messages, details, the column
	 * chooser) shows its own keys, not what the table's last key said
	 * ("sorted by ..."); a warning or an error stays. */
	if (fig->msg_visible && st->msg[0] &&
	    (st->msg_level > MSG_INFO || st->msg_mode == st->mode || st->mode == MODE_NORMAL)) {
		put_fit(y, 0, cols, st->msg, ui_term_attr(level_style[st->msg_level]));
		return;
	}
	switch (st->mode) {
	case MODE_HELP:
	case MODE_MESSAGES:
		put_fit(y, 0, cols, "Any key returns; Up/Down scroll", ui_term_attr(ST_DIM));
		break;
	case MODE_DETAIL:
		put_fit(y, 0, cols, "Esc closes; f filters to this process, port or peer; Up/Down scroll",
			ui_term_attr(ST_DIM));
		break;
	case MODE_COLUMNS:
		put_fit(y, 0, cols, "Space shows/hides the column; d the defaults; Esc closes", ui_term_attr(ST_DIM));
		break;
	default:
		put_items(y, 0, cols,
			  "Enter details  f only this  p pid  o port  / search  e export  ? help",
			  ui_term_attr(ST_DIM));
	}
}

static void draw_fnbar(const struct ui_state *st)
{
	const struct ui_fnkey *fk;
	size_t i, n;
	int y = st->lay.fnbar_y, cols = screen_cols(), x;

	fk = ui_fnbar(&n);
	fill_line(y, ui_term_attr(ST_FN_LABEL));
	for (i = 0; i < n; i++) {
		const char *label = fk[i].label;

		if ((fk[i].key == UK_F(5) && st->paused) || (fk[i].key == UK_F(7) && st->wide))
			label = fk[i].alt;
		/* Whole items only, as the hint line (until 2026-12-06 the last
		 * one was cut: "F6So" at 45 columns). */
		if (!ui_fnbar_fits(i, cols))
			break;
		x = ui_fnbar_x(i);
		x += put(y, x, cols - x, fk[i].fkey, ui_term_attr(ST_FN_KEY));
		put_cell(y, x, x + UI_FNBAR_LABEL <= cols ? UI_FNBAR_LABEL : cols - x, label, false,
			 ui_term_attr(ST_FN_LABEL));
	}
}

/* ---- panels ---------------------------------------------------------------- */

/* The area panels cover: from the column titles to above the status line. */
static void panel_title(int y, const char *title)
{
	fill_line(y, ui_term_attr(ST_BOX));
	put_fit(y, 1, screen_cols() - 1, title, ui_term_attr(ST_BOX));
}

static void clear_lines(int from, int to)
{
	int y;

	for (y = from; y < to; y++)
		fill_line(y, A_NORMAL);
}

static size_t clamp_scroll(size_t scroll, size_t total, int height)
{
	size_t h = height > 0 ? (size_t)height : 1;

	if (total <= h)
		return 0;
	return scroll > total - h ? total - h : scroll;
}

struct help_line {
	const char *key;
	const char *text;
	bool section;
};

static const struct help_line help_extra[] = {
	{ NULL, "A row's details (Enter)", true },
	{ "Up Down PgUp PgDn", "scroll; Home End: its top, its end", false },
	{ "f", "only this process, port or peer", false },
	{ "Esc Enter q Left", "close", false },
	{ NULL, "Prompts", true },
	{ "Enter / Esc", "apply / cancel (Esc restores the previous filter)", false },
	{ "Left Right Home End", "move the cursor; Backspace, Delete edit", false },
	{ "Ctrl-U Ctrl-K Ctrl-W", "delete to the start / to the end / a word", false },
	{ NULL, "Mouse", true },
	{ "click", "select a row, a tab, or a function key", false },
	{ "click a title", "sort by that column (again: invert)", false },
	{ "double-click", "details of the row; the wheel scrolls", false },
	{ NULL, "Reading the table", true },
	{ "PID 123?", "the owner was not seen: a best guess, may be wrong (PID in blue)", false },
	{ "PID - COMM ?", "no owner known: let go of before tcpscope saw it", false },
	{ "TX RX", "payload bytes sent / received (no headers, SYN or FIN)", false },
	{ "red END / RST", "session ended by a reset (sent, received, refused)", false },
	{ "yellow END", "timeout, unreachable (ICMP), abandoned (closed while connecting)", false },
	{ "red/yellow row", "the same, when END is not on the screen (narrow: w shows it)", false },
	{ "blue DUR START", "not followed from its start (partial): counted from tcpscope's start", false },
	{ "FAIL", "not ended in order: resets, refusals, timeouts, unreachable, abandoned", false },
	{ "\\x1b in COMM", "a control byte in a process name, shown escaped", false },
	{ "Filters", "combine (AND); lists like 80,443,8000-8010; on every view", false },
	{ "recent history", "filtered totals come from the sessions still in memory", false },
	{ "Colors", "none with NO_COLOR=1 or --no-color", false },
};

static void draw_help(struct ui_state *st)
{
	const struct ui_binding *b;
	struct help_line lines[128];
	size_t n = 0, nb, i, scroll;
	const char *section = NULL;
	int y, h, cols = screen_cols();

	b = ui_keys_table(MODE_NORMAL, &nb);
	for (i = 0; i < nb && n < ARRAY_LEN(lines) - 2; i++) {
		if (!b[i].label)
			continue;
		if (!section || strcmp(section, b[i].section)) {
			section = b[i].section;
			lines[n++] = (struct help_line){ NULL, section, true };
		}
		lines[n++] = (struct help_line){ b[i].label, b[i].help, false };
	}
	for (i = 0; i < ARRAY_LEN(help_extra) && n < ARRAY_LEN(lines); i++)
		lines[n++] = help_extra[i];

	clear_lines(0, st->lay.status_y);
	panel_title(0, "tcpscope help: every key (any key returns)");
	h = st->lay.status_y - 1;
	/* kept where it shows: past the end, Up would move nothing (until
	 * 2026-12-06 each key past the end needed one back) */
	scroll = st->overlay_scroll = clamp_scroll(st->overlay_scroll, n, h);
	for (y = 0; y < h && scroll + (size_t)y < n; y++) {
		const struct help_line *l = &lines[scroll + (size_t)y];

		if (l->section) {
			put_fit(1 + y, 1, cols - 1, l->text, ui_term_attr(ST_LABEL) | A_BOLD);
			continue;
		}
		put_cell(1 + y, 3, 20 < cols - 3 ? 20 : cols - 3, l->key, false, ui_term_attr(ST_VALUE));
		if (cols > 25)
			put_fit(1 + y, 25, cols - 25, l->text, A_NORMAL);
	}
}

static void draw_messages(struct ui_state *st)
{
	static const enum ui_style level_style[] = { ST_INFO, ST_WARN, ST_ERROR };
	size_t n = ui_status_count(), scroll, i;
	int y, h, cols = screen_cols(), x, level;
	char stamp[16], esc[UI_STATUS_LINE * 4];
	struct tm tm;
	time_t when;

	clear_lines(0, st->lay.status_y);
	panel_title(0, "Messages, newest first (any key returns)");
	h = st->lay.status_y - 1;
	if (!n) {
		put(2, 2, cols - 2, "No messages.", ui_term_attr(ST_DIM));
		return;
	}
	scroll = st->overlay_scroll = clamp_scroll(st->overlay_scroll, n, h);
	for (y = 0; y < h && scroll + (size_t)y < n; y++) {
		i = n - 1 - (scroll + (size_t)y);
		const char *text = ui_status_at(i, &when, &level);

		localtime_r(&when, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S ", &tm);
		x = put(1 + y, 1, cols - 1, stamp, ui_term_attr(ST_DIM));
		fmt_escape(text, strlen(text), esc, sizeof(esc));
		put(1 + y, 1 + x, cols - 1 - x, esc,
		    ui_term_attr(level >= 0 && level <= MSG_ERROR ? level_style[level] : ST_NORMAL));
	}
}

static const struct {
	enum col_id id;
	const char *label;
} col_labels[] = {
	{ COL_TIME, "Closed at" },
	{ COL_START_TIME, "Started at" },
	{ COL_PID, "PID" },
	{ COL_COMM, "Process" },
	{ COL_FAMILY, "IP version" },
	{ COL_LADDR, "Local address" },
	{ COL_LPORT, "Local port" },
	{ COL_RADDR, "Remote address" },
	{ COL_RPORT, "Remote port" },
	{ COL_TX_BYTES, "Sent (payload)" },
	{ COL_RX_BYTES, "Received" },
	{ COL_DURATION, "Lifetime" },
	{ COL_SRTT, "Smoothed RTT" },
	{ COL_RETRANS, "Retransmits" },
	{ COL_HANDSHAKE, "Handshake" },
	{ COL_DIR, "Direction" },
	{ COL_CLOSER, "Closed by" },
	{ COL_CAUSE, "End cause" },
	{ COL_PID_CERTAIN, "PID certain" },
	{ COL_PARTIAL, "Partial" },
	{ COL_NETNS, "Net namespace" },
	{ COL_PORT, "Port" },
	{ COL_SESSIONS, "Sessions" },
	{ COL_AVG, "Avg lifetime" },
	{ COL_MAX, "Max lifetime" },
	{ COL_RSTS, "Resets" },
	{ COL_FAILS, "Failures" },
	{ COL_PEERS, "Peers" },
	{ COL_PORTS, "Service ports" },
	{ COL_LAST_SEEN, "Last seen" },
	{ COL_RATE, "Sessions/s now" },
	{ COL_NETNS_COUNT, "Net namespaces" },
};

const char *ui_draw_col_label(enum col_id id)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(col_labels); i++)
		if (col_labels[i].id == id)
			return col_labels[i].label;
	return "?";
}

/* A session open when looked at (Open): its fields say so. */
static const char *open_label(enum col_id id)
{
	switch (id) {
	case COL_TIME: return "Seen open at";
	case COL_DURATION: return "Open for";
	case COL_CLOSER: return "Closing first";
	case COL_CAUSE: return "State";
	default: return ui_draw_col_label(id);
	}
}

/* A line of the detail panel: a field, a note, a heading or a session row. */
struct dline {
	enum { DL_FIELD, DL_NOTE, DL_HEAD, DL_SESSION } kind;
	const struct column *col;	/* DL_FIELD */
	const char *text;		/* DL_NOTE, DL_HEAD */
	int len;			/* DL_NOTE: bytes of text on this line */
	const struct session *s;	/* DL_SESSION */
};

/* A note (ASCII prose) as lines of at most `width` columns, broken between
 * words (until 2026-12-06 one line, cut mid-word at the screen's edge). */
static void add_note(struct dline *lines, size_t *n, size_t max, const char *text, int width)
{
	if (width < 20)
		width = 20;
	while (*text && *n < max) {
		int len = (int)strlen(text);

		if (len > width) {
			int item = width;

			/* After a list's item, when one ends in the line's second
			 * half ("…, python3 3307 (25)." whole, not "(25)." alone) */
			while (item > width / 2 &&
			       !(text[item] == ' ' && strchr(",;:", text[item - 1])))
				item--;
			len = width;
			while (len > 0 && text[len] != ' ')
				len--;
			if (item > width / 2)
				len = item;
			else if (len == 0)
				len = width;	/* one word longer than the line */
		}
		lines[(*n)++] = (struct dline){ .kind = DL_NOTE, .text = text, .len = len };
		text += len;
		while (*text == ' ')
			text++;
	}
}

#define DETAIL_RECENT 200

/* "Ended by: fin 120, refused 20, abandoned 7, rst_recv 2": the row's
 * sessions by end cause, most first (in a buffer that lasts the frame). */
static const char *ended_by(const struct agg_row *r)
{
	static char buf[256];
	bool done[CAUSE_MAX] = { false };
	const char *sep = " ";
	size_t len;

	len = (size_t)snprintf(buf, sizeof(buf), "Ended by:");
	for (;;) {
		int best = -1;

		for (int c = 0; c < CAUSE_MAX; c++)
			if (!done[c] && r->by_cause[c] &&
			    (best < 0 || r->by_cause[c] > r->by_cause[best]))
				best = c;
		if (best < 0 || len >= sizeof(buf))
			break;
		done[best] = true;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s %llu", sep,
					session_cause_name((enum sess_cause)best),
					(unsigned long long)r->by_cause[best]);
		sep = ", ";
	}
	return buf;
}

static const enum col_id recent_proc_cols[] = {
	COL_TIME, COL_LPORT, COL_RADDR, COL_RPORT, COL_TX_BYTES, COL_RX_BYTES,
	COL_DURATION, COL_CAUSE,
};
/* a process's row per pid (H): its sessions' names differ */
static const enum col_id recent_pid_cols[] = {
	COL_TIME, COL_COMM, COL_LPORT, COL_RADDR, COL_RPORT, COL_TX_BYTES, COL_RX_BYTES,
	COL_DURATION, COL_CAUSE,
};
static const enum col_id recent_port_cols[] = {
	COL_TIME, COL_PID, COL_COMM, COL_LPORT, COL_RADDR, COL_RPORT, COL_TX_BYTES, COL_RX_BYTES,
	COL_DURATION, COL_CAUSE,
};
static const enum col_id recent_peer_cols[] = {
	COL_TIME, COL_PID, COL_COMM, COL_LPORT, COL_RPORT, COL_TX_BYTES, COL_RX_BYTES,
	COL_DURATION, COL_CAUSE,
};

/* A summary's recent sessions: the session columns that its row does not
 * say already. */
static const struct {
	const enum col_id *ids;
	size_t n;
} recent_cols[VIEW_COUNT] = {
	[VIEW_PROCS] = { recent_proc_cols, ARRAY_LEN(recent_proc_cols) },
	[VIEW_PORTS] = { recent_port_cols, ARRAY_LEN(recent_port_cols) },
	[VIEW_PEERS] = { recent_peer_cols, ARRAY_LEN(recent_peer_cols) },
};

static bool recent_match(const struct ui_state *st, const struct session *s)
{
	const struct agg_row *r = &st->detail_agg;

	if (st->detail_kind == VIEW_PROCS) {
		if (s->pid != r->pid ||
		    (r->kind == AGG_PROC && strncmp(s->comm, r->comm, SESSION_COMM_LEN)))
			return false;
	} else if (st->detail_kind == VIEW_PEERS) {
		if (!IN6_ARE_ADDR_EQUAL(&s->raddr, &r->raddr))
			return false;
	} else if (session_service_port(s) != r->port) {
		return false;
	}
	if (r->by_netns && s->netns != r->netns)
		return false;	/* a row per namespace (N): its own */
	return filter_accepts(&st->filter, s);
}

/*
 * The recent sessions' column widths in room columns (a space between two):
 * each its own width while they fit; narrower, they give up what they can
 * spare, in turn, down to a least width that still reads (a name's 8
 * characters, an IPv4 address's 12, the end's 8: "rst_recv"), and the
 * address to 9 only when that makes the row fit; then the last columns are
 * cut. PID gives up, before END, what the widest of the rows' PIDs does not
 * use (pid_least: its width, as shown). At 80 columns a port's ten columns
 * need 88 (until 2026-12-07 END was cut to its ellipsis there).
 */
static void recent_widths(const enum col_id *ids, size_t n, int room, int *widths, int pid_least)
{
	const struct {
		enum col_id id;
		int least;
		bool only_to_fit;
	} give[] = {
		{ COL_COMM, 8, false }, { COL_RADDR, 12, false }, { COL_PID, pid_least, false },
		{ COL_CAUSE, 8, false }, { COL_RADDR, 9, true },
	};
	int need = -1;
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct column *c = column_by_id(VIEW_SESSIONS, ids[i]);

		widths[i] = c ? c->width : 0;
		need += c ? widths[i] + 1 : 0;
	}
	for (k = 0; k < ARRAY_LEN(give) && need > room; k++)
		for (i = 0; i < n; i++) {
			int spare = widths[i] - give[k].least;

			if (ids[i] != give[k].id || spare <= 0 ||
			    (give[k].only_to_fit && spare < need - room))
				continue;
			if (spare > need - room)
				spare = need - room;
			widths[i] -= spare;
			need -= spare;
		}
}

/* The width of the widest PID of sessions s (n), as shown ("123?" for a
 * best guess), and at least its title's. */
static int pid_width(const struct session *const *s, size_t n)
{
	const struct column *c = column_by_id(VIEW_SESSIONS, COL_PID);
	char buf[COL_TEXT_LEN];
	int w = 3;

	for (size_t i = 0; c && i < n; i++)
		if (c->format(s[i], buf, sizeof(buf), FMT_HUMAN) >= 0 && text_width(buf) > w)
			w = text_width(buf);
	return w;
}

static void draw_recent_row(int y, const struct ui_state *st, const struct session *s, bool head,
			    int pid_least)
{
	bool by_pid = st->detail_kind == VIEW_PROCS && st->detail_agg.kind == AGG_PID;
	const enum col_id *ids = by_pid ? recent_pid_cols : recent_cols[st->detail_kind].ids;
	size_t n = by_pid ? ARRAY_LEN(recent_pid_cols) : recent_cols[st->detail_kind].n;
	char buf[COL_TEXT_LEN];
	int x = 2, cols = screen_cols(), w, widths[16];
	size_t i;

	if (n > ARRAY_LEN(widths))
		n = ARRAY_LEN(widths);
	recent_widths(ids, n, cols - x, widths, pid_least);
	if (head)
		fill_line(y, ui_term_attr(ST_HEAD));
	for (i = 0; i < n && x < cols; i++) {
		const struct column *c = column_by_id(VIEW_SESSIONS, ids[i]);

		if (!c)
			continue;
		w = widths[i] < cols - x ? widths[i] : cols - x;
		if (head) {
			put_cell(y, x, w, c->title, c->right_align, ui_term_attr(ST_HEAD));
		} else {
			if (c->format(s, buf, sizeof(buf), FMT_HUMAN) < 0)
				snprintf(buf, sizeof(buf), "?");
			if (is_address(c))
				cut_address(buf, sizeof(buf), w);
			put_cell(y, x, w, buf, c->right_align,
				 ui_term_attr(cell_style(VIEW_SESSIONS, c, s)));
		}
		x += w + 1;
	}
}

/*
 * The row's DETAIL_RECENT sessions that closed last, newest first, into
 * top; their count. The whole history is looked at: a replay's file (an
 * export sorted by bytes, say) is in any order (until 2026-12-06 the last
 * ones in the history were taken, in its order).
 */
static size_t newest_of_row(const struct ui_state *st, const struct session_log *log, size_t len,
			    uint64_t before, const struct session **top)
{
	size_t i, j, n = 0;

	for (i = len; i-- > 0;) {
		const struct session *s = session_log_at(log, i);

		/* paused: the picture's sessions only, as its totals are
		 * (until 2026-12-06 the newer ones came in here) */
		if (session_log_seq(log, i) >= before)
			continue;

		if (n == DETAIL_RECENT && s->end_ns <= top[n - 1]->end_ns)
			continue;
		if (!recent_match(st, s))
			continue;
		/* after those that closed at the same time: newer in the log first */
		j = n < DETAIL_RECENT ? n++ : n - 1;
		for (; j > 0 && top[j - 1]->end_ns < s->end_ns; j--)
			top[j] = top[j - 1];
		top[j] = s;
	}
	return n;
}

/* A tally's key as shown: "5432", "postgres 2210", "10.0.0.5",
 * "4026532301 (ip netns blue)" (live: whose, when known here). */
static void tally_key(const struct ui_state *st, const struct tally *t,
		      const struct tally_entry *e, char *buf, size_t len)
{
	char esc[FMT_COMM_ESC_LEN], name[UI_NSNAME_LEN];

	if (t->kind == TALLY_NETNS) {
		name[0] = '\0';
		if (!st->replay)
			ui_nsname(e->netns, name, sizeof(name));
		if (!e->netns)
			snprintf(buf, len, "-");
		else if (name[0])
			snprintf(buf, len, "%u (%s)", e->netns, name);
		else
			snprintf(buf, len, "%u", e->netns);
	} else if (t->kind == TALLY_PORT) {
		snprintf(buf, len, "%u", e->port);
	} else if (t->kind == TALLY_PROC) {
		fmt_comm_escape(e->comm, esc, sizeof(esc));
		if (session_no_owner(e->pid, e->comm))
			snprintf(buf, len, "%s", SESSION_NO_OWNER_COMM);
		else
			snprintf(buf, len, "%s %u", esc, e->pid);
	} else if (fmt_addr(&e->addr, AF_INET6, buf, len) < 0) {	/* mapped: dotted */
		snprintf(buf, len, "?");
	}
}

/* "5432 (51), 22 (3), +2 more": t's most frequent keys (t holds every key
 * of the DETAIL_RECENT sessions it counts: TALLY_MAX is more). */
static size_t put_tally(const struct ui_state *st, char *buf, size_t len, const struct tally *t)
{
	size_t i, pos = 0, shown = t->n < 4 ? t->n : 4;
	char key[FMT_COMM_ESC_LEN + FMT_ADDR_LEN + UI_NSNAME_LEN];

	for (i = 0; i < shown && pos < len; i++) {
		tally_key(st, t, &t->e[i], key, sizeof(key));
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s (%llu)", i ? ", " : "", key,
					(unsigned long long)t->e[i].count);
	}
	if (t->n > shown && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, ", +%zu more", t->n - shown);
	return pos < len ? pos : len - 1;
}

_Static_assert(DETAIL_RECENT <= TALLY_MAX, "a detail's tallies count every key");

/*
 * Who the row's newest sessions (top, n) were with, by the two keys that
 * are not the row's own: "Its 51 sessions: ports 5432 (51); processes
 * postgres 2210 (26), python3 3307 (25)." A process's: ports and peers; a
 * port's: processes and peers; a peer's: ports and processes. A row whose
 * sessions were in several network namespaces: those too ("network
 * namespaces 4026532301 (ip netns blue) (30), 4026531840 (21)").
 */
static const char *with_whom(const struct ui_state *st, const struct agg_row *r,
			     const struct session *const *top, size_t n)
{
	static struct tally t;
	static char buf[600];
	static const char *const names[] = { "ports", "processes", "peers",
					     "network namespaces" };
	enum tally_kind kinds[4];
	int nk = 2;
	size_t pos;
	bool by_pid = st->detail_kind == VIEW_PROCS && r->kind == AGG_PID;

	if (by_pid) {
		/* a row per pid (H): the names it went by, first */
		kinds[0] = TALLY_PROC;
		kinds[1] = TALLY_PORT;
		kinds[2] = TALLY_PEER;
		nk = 3;
	} else if (st->detail_kind == VIEW_PROCS) {
		kinds[0] = TALLY_PORT;
		kinds[1] = TALLY_PEER;
	} else if (st->detail_kind == VIEW_PORTS) {
		kinds[0] = TALLY_PROC;
		kinds[1] = TALLY_PEER;
	} else {
		kinds[0] = TALLY_PORT;
		kinds[1] = TALLY_PROC;
	}
	if (r->netns_count > 1)
		kinds[nk++] = TALLY_NETNS;
	pos = (size_t)snprintf(buf, sizeof(buf), n == r->sessions ? "Its %zu %s: " :
			       "Its last %zu %s: ", n, fmt_plural(n, "session", "sessions"));
	for (int k = 0; k < nk && pos < sizeof(buf); k++) {
		tally_sessions(&t, kinds[k], top, n);
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s ", k ? "; " : "",
					by_pid && !k ? "names" : names[kinds[k]]);
		if (pos < sizeof(buf))
			pos += put_tally(st, buf + pos, sizeof(buf) - pos, &t);
	}
	if (pos + 1 < sizeof(buf))
		strcat(buf, ".");
	return buf;
}

/* " in netns 4026532301", for a row of one namespace's (N). */
static const char *in_netns(uint32_t netns)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), " in netns %u", netns);
	return buf;
}

/* After a live session's or process's PID, dim: "pid = 4242" for an
 * uncertain owner's "4242?", then the container it runs in, if any
 * ("(docker web 3f2a9c1b7e4d)"). Live only: a replayed file's PIDs are
 * another time's, maybe another host's. */
static void draw_pid_extra(int y, int x, int w, const struct ui_state *st, const void *row,
			   const char *human, const char *exact)
{
	char box[UI_CONTAINER_LEN], ex[UI_CONTAINER_LEN + COL_TEXT_LEN + 16];
	uint32_t pid;
	uint64_t seen;
	int n = 0;

	if (x + 3 >= w)
		return;
	if (st->detail_kind == VIEW_SESSIONS) {
		pid = ((const struct session *)row)->pid;
		seen = ((const struct session *)row)->end_ns;
	} else {
		pid = ((const struct agg_row *)row)->pid;
		seen = ((const struct agg_row *)row)->last_ns;
	}
	ex[0] = '\0';
	if (strcmp(human, exact))
		n = snprintf(ex, sizeof(ex), "pid = %s", exact);
	ui_container(pid, seen, box, sizeof(box));
	if (box[0])
		snprintf(ex + n, sizeof(ex) - (size_t)n, "%s(%s)", n ? "  " : "", box);
	if (ex[0])
		put_fit(y, x + 3, w - x - 3, ex, ui_term_attr(ST_DIM));
}

static void draw_detail(struct ui_state *st, const struct ui_figures *fig)
{
	static struct dline lines[64 + DETAIL_RECENT];
	static const struct session *top[DETAIL_RECENT];
	const struct column *cols;
	size_t n = 0, ncols, i, scroll, recent = 0;
	const void *row;
	char title[160], esc[FMT_COMM_ESC_LEN], human[COL_TEXT_LEN], exact[COL_TEXT_LEN];
	int y0 = st->lay.head_y, h = st->lay.status_y - y0 - 1, y, x, w = screen_cols();
	int pid_least = INT_MAX;	/* no recent sessions: PID gives nothing */

	row = st->detail_kind == VIEW_SESSIONS ? (const void *)&st->detail_sess
					       : (const void *)&st->detail_agg;
	cols = columns_for(st->detail_kind, &ncols);
	for (i = 0; i < ncols; i++)
		lines[n++] = (struct dline){ .kind = DL_FIELD, .col = &cols[i] };
	if (st->detail_kind == VIEW_SESSIONS) {
		const struct session *s = &st->detail_sess;

		fmt_comm_escape(s->comm, esc, sizeof(esc));
		if (!s->pid && !s->comm[0])
			snprintf(title, sizeof(title), "Session of no known process (Esc closes, f: only such sessions)");
		else
			snprintf(title, sizeof(title),
				 "Session of %s, pid %u (Esc closes, f: only this process)", esc,
				 s->pid);
		if (!s->pid && !s->comm[0])
			add_note(lines, &n, ARRAY_LEN(lines),
				 "No owner known: the process let go of the socket before "
				 "tcpscope saw it (before it started, or with the socket "
				 "table full).", w - 4);
		else if ((s->flags & SESS_PID_UNCERTAIN) && s->cause == CAUSE_OPEN)
			add_note(lines, &n, ARRAY_LEN(lines),
				 "PID and name are a guess until its owner closes it: who "
				 "listens on its port (accepted), or who held it when tcpscope "
				 "started.", w - 4);
		else if (s->flags & SESS_PID_UNCERTAIN)
			add_note(lines, &n, ARRAY_LEN(lines),
				 "PID and name were taken when the socket closed (no owner "
				 "seen): they may be another process's.", w - 4);
		if (s->cause == CAUSE_OPEN)
			add_note(lines, &n, ARRAY_LEN(lines),
				 "Open when last looked at (Open looks every second): payload "
				 "so far, and how long it has been open.", w - 4);
		if (s->flags & SESS_PARTIAL)
			add_note(lines, &n, ARRAY_LEN(lines),
				 "Not followed from its start (open before tcpscope started, "
				 "or begun with the socket table full): start and duration "
				 "count from tcpscope's start; bytes are the whole session's.", w - 4);
	} else {
		const struct agg_row *r = &st->detail_agg;
		const struct session_log *log = fig->model ? fig->model->log : NULL;
		size_t len = log ? session_log_len(log) : 0;

		if (st->detail_kind == VIEW_PROCS) {
			fmt_comm_escape(r->comm, esc, sizeof(esc));
			if (r->kind == AGG_PID && r->names > 1)
				snprintf(title, sizeof(title),
					 "PID %u: %s and %u other %s (Esc closes, f: only this PID)",
					 r->pid, esc, r->names - 1,
					 r->names == 2 ? "name" : "names");
			else if (r->kind == AGG_PID && r->pid)
				snprintf(title, sizeof(title),
					 "Process %s, pid %u (Esc closes, f: only this PID)", esc,
					 r->pid);
			else if (!r->pid && !r->comm[0])
				snprintf(title, sizeof(title),
					 "Sessions of no known process (Esc closes, f: only these)");
			else
				snprintf(title, sizeof(title),
					 "Process %s, pid %u (Esc closes, f: only this process)", esc,
					 r->pid);
		} else if (st->detail_kind == VIEW_PEERS) {
			char addr[FMT_ADDR_LEN];

			if (fmt_addr(&r->raddr, AF_INET6, addr, sizeof(addr)) < 0)
				snprintf(addr, sizeof(addr), "?");
			snprintf(title, sizeof(title), "Peer %s%s (Esc closes, f: only this peer)", addr,
				 r->by_netns ? in_netns(r->netns) : "");
		} else {
			snprintf(title, sizeof(title), "Port %u%s (Esc closes, f: only this port)",
				 r->port, r->by_netns ? in_netns(r->netns) : "");
		}
		if (st->from_history)
			add_note(lines, &n, ARRAY_LEN(lines),
				 !r->by_netns ? "Totals of the filtered sessions still in the history."
				 : filter_is_empty(&st->filter)
					 ? "Totals of its namespace's sessions still in the history."
					 : "Totals of its namespace's filtered sessions still in the "
					   "history.",
				 w - 4);
		if (r->fails)
			add_note(lines, &n, ARRAY_LEN(lines), ended_by(r), w - 4);
		if (st->detail_kind == VIEW_PORTS && r->in && r->out) {
			/* served here and connected to from here: maybe the same
			 * connections (loopback, containers), counted at each end */
			static char both[240];

			snprintf(both, sizeof(both), "Accepted %llu, connected %llu: a connection with "
				 "both ends on this host (loopback, containers) is two sessions, one "
				 "of each, and its bytes count at both ends.",
				 (unsigned long long)r->in, (unsigned long long)r->out);
			add_note(lines, &n, ARRAY_LEN(lines), both, w - 4);
		}
		if (st->detail_kind == VIEW_PEERS) {
			/* who opened them: the peer (a client of ours) or us */
			static char dirs[160];

			snprintf(dirs, sizeof(dirs), "It connected here %llu %s; this host connected "
				 "to it %llu %s.", (unsigned long long)r->in,
				 fmt_plural(r->in, "time", "times"), (unsigned long long)r->out,
				 fmt_plural(r->out, "time", "times"));
			add_note(lines, &n, ARRAY_LEN(lines), dirs, w - 4);
		}
		recent = newest_of_row(st, log, len, fig->recent_before, top);
		pid_least = pid_width(top, recent);
		if (recent)
			add_note(lines, &n, ARRAY_LEN(lines), with_whom(st, r, top, recent), w - 4);
		lines[n++] = (struct dline){ .kind = DL_HEAD, .text = "" };
		for (i = 0; i < recent; i++)
			lines[n++] = (struct dline){ .kind = DL_SESSION, .s = top[i] };
		if (!recent)
			add_note(lines, &n, ARRAY_LEN(lines),
				 "No session of it is left in the history.", w - 4);
	}

	clear_lines(y0, st->lay.status_y);
	panel_title(y0, title);
	/* the heading of the recent sessions takes two screen lines */
	scroll = clamp_scroll(st->detail_scroll, n + (st->detail_kind != VIEW_SESSIONS), h);
	if (scroll > n)
		scroll = n;
	st->detail_scroll = scroll;	/* as the help's */
	for (y = 0, i = scroll; y < h && i < n; y++, i++) {
		const struct dline *l = &lines[i];
		int yy = y0 + 1 + y;

		switch (l->kind) {
		case DL_FIELD:
			put_cell(yy, 2, 16 < w - 2 ? 16 : w - 2,
				 st->detail_kind == VIEW_SESSIONS && st->detail_sess.cause == CAUSE_OPEN ?
				 open_label(l->col->id) : ui_draw_col_label(l->col->id), false,
				 ui_term_attr(ST_LABEL));
			if (l->col->format(row, human, sizeof(human), FMT_HUMAN) < 0)
				snprintf(human, sizeof(human), "?");
			if (l->col->format(row, exact, sizeof(exact), FMT_EXACT) < 0)
				snprintf(exact, sizeof(exact), "?");
			x = 20;
			/* cut with an ellipsis, as everything else: cut bare, an
			 * exact value read as another (until 2026-12-06
			 * "tx_bytes = 15" for 1579492 at 40 columns) */
			if (x < w)
				x += put_fit(yy, x, w - x, human,
					     ui_term_attr(cell_style(st->detail_kind, l->col, row)) |
						     A_BOLD);
			if (l->col->id == COL_PID && !st->replay &&
			    (st->detail_kind == VIEW_SESSIONS || st->detail_kind == VIEW_PROCS)) {
				draw_pid_extra(yy, x, w, st, row, human, exact);
			} else if (l->col->id == COL_NETNS && st->detail_kind != VIEW_SESSIONS &&
				   st->detail_agg.netns_count > 1) {
				/* "3 netns", which exports write as 0 with netns_count:
				 * the line below says which they were */
			} else if (strcmp(human, exact) && x + 3 < w) {
				char ex[COL_TEXT_LEN + 32];

				snprintf(ex, sizeof(ex), "%s = %s", l->col->name, exact);
				put_fit(yy, x + 3, w - x - 3, ex, ui_term_attr(ST_DIM));
			} else if (l->col->id == COL_NETNS && !st->replay && x + 3 < w) {
				/* whose: tcpscope's own, or a name a tool mounted it under
				 * (live only: a file's numbers may be another host's) */
				char name[UI_NSNAME_LEN], ex[UI_NSNAME_LEN + 16];

				ui_nsname(st->detail_kind == VIEW_SESSIONS
						  ? ((const struct session *)row)->netns
						  : st->detail_agg.netns,
					  name, sizeof(name));
				if (name[0]) {
					snprintf(ex, sizeof(ex), "(%s)", name);
					put_fit(yy, x + 3, w - x - 3, ex, ui_term_attr(ST_DIM));
				}
			}
			break;
		case DL_NOTE: {
			char note[256];

			snprintf(note, sizeof(note), "%.*s", l->len, l->text);
			put(yy, 2, w - 2, note, ui_term_attr(ST_WARN));
			break;
		}
		case DL_HEAD:
			if (st->detail_kind != VIEW_SESSIONS) {
				put_fit(yy, 2, w - 2, "Recent sessions, newest first:", ui_term_attr(ST_LABEL) | A_BOLD);
				if (y + 1 < h) {
					y++;
					draw_recent_row(y0 + 1 + y, st, NULL, true, pid_least);
				}
			}
			break;
		case DL_SESSION:
			draw_recent_row(yy, st, l->s, false, pid_least);
			break;
		}
	}
}

static void draw_columns(const struct ui_state *st)
{
	const struct ui_view_state *vs = UI_VS(st);
	const struct column *cols;
	size_t n, i, scroll;
	int y0 = st->lay.head_y, h = st->lay.status_y - y0 - 1, y, w = screen_cols();
	char line[160], title[96];

	cols = columns_for(st->view, &n);
	snprintf(title, sizeof(title), "Columns of %s (Space shows/hides, d defaults, Esc closes)",
		 view_kind_name(st->view));
	clear_lines(y0, st->lay.status_y);
	panel_title(y0, title);
	scroll = 0;
	if (h > 0 && st->chooser_sel >= (size_t)h)
		scroll = st->chooser_sel - (size_t)h + 1;
	for (y = 0; y < h && scroll + (size_t)y < n; y++) {
		i = scroll + (size_t)y;
		snprintf(line, sizeof(line), "[%c] %-7s %-16s %s%s%s",
			 ui_state_col_shown(st, cols[i].id) ? 'x' : ' ',
			 cols[i].title, ui_draw_col_label(cols[i].id), cols[i].name,
			 cols[i].id == vs->sort.col ? "  (sort)" : "",
			 ui_state_col_names_rows(st, cols[i].id) ? "  (names the rows)" : "");
		if (i == st->chooser_sel)
			fill_line(y0 + 1 + y, ui_term_attr(ST_SEL));
		put(y0 + 1 + y, 2, w - 2, line, ui_term_attr(i == st->chooser_sel ? ST_SEL : ST_NORMAL));
	}
}

static void draw_too_small(const struct ui_state *st)
{
	char a[64], b[64];
	const char *c = "Enlarge the window, or press q to quit.";
	int lines = st->lay.lines, cols = st->lay.cols, y = lines / 2 - 1;

	snprintf(a, sizeof(a), "Terminal too small: %dx%d", cols, lines);
	snprintf(b, sizeof(b), "tcpscope needs at least %dx%d", UI_MIN_COLS, UI_MIN_LINES);
	if (y < 0)
		y = 0;
	put(y, 0, cols, a, ui_term_attr(ST_WARN));
	if (y + 1 < lines)
		put(y + 1, 0, cols, b, A_NORMAL);
	if (y + 2 < lines)
		put(y + 2, 0, cols, c, A_NORMAL);
}

void ui_draw(struct ui_state *st, const struct ui_figures *fig)
{
	erase();
	curs_set(0);
	if (st->lay.too_small) {
		draw_too_small(st);
		return;
	}
	if (st->mode == MODE_HELP) {
		draw_help(st);
	} else if (st->mode == MODE_MESSAGES) {
		draw_messages(st);
	} else {
		draw_title(st, fig);
		draw_meters(st, fig);
		draw_filter(st);
		draw_tabs(st, fig);
		if (st->mode == MODE_DETAIL) {
			draw_detail(st, fig);
		} else if (st->mode == MODE_COLUMNS) {
			draw_columns(st);
		} else {
			draw_head(st);
			draw_rows(st, fig);
		}
	}
	draw_fnbar(st);
	draw_status(st, fig);
	if (st->mode == MODE_PROMPT)
		curs_set(1);
}
