// SPDX-License-Identifier: GPL-2.0
/* The monitor's state: selection, scrolling, columns, layout; see state.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/state.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void default_columns(struct ui_view_state *vs, enum view_kind kind, bool wide)
{
	const struct column *cols;
	size_t i, n;

	memset(vs->colvis, 0, sizeof(vs->colvis));
	cols = columns_for(kind, &n);
	for (i = 0; i < n; i++)
		vs->colvis[cols[i].id] = wide || cols[i].narrow;
}

/* A tab's own choice of columns: its view's; Open leaves out TIME (every
 * row's is the look's) and END ("open") unless wide. */
static void tab_columns(struct ui_view_state *vs, int tab, bool wide)
{
	default_columns(vs, tab == UI_TAB_OPEN ? VIEW_SESSIONS : (enum view_kind)tab, wide);
	if (tab == UI_TAB_OPEN && !wide)
		vs->colvis[COL_TIME] = vs->colvis[COL_CAUSE] = false;
}

/* Wide or narrow: each keeps the user's choice of columns (the chooser)
 * while the other shows, and shows it again when it comes back; until
 * 2026-12-06 w and w again put the narrow defaults back in its place. */
void ui_state_set_wide(struct ui_state *st, bool wide)
{
	int k;

	for (k = 0; k < UI_TABS; k++) {
		struct ui_view_state *vs = &st->vs[k];
		bool colvis[COL_ID_COUNT], custom = vs->custom;

		if (wide != st->wide) {
			memcpy(colvis, vs->colvis, sizeof(colvis));
			memcpy(vs->colvis, vs->other_colvis, sizeof(colvis));
			memcpy(vs->other_colvis, colvis, sizeof(colvis));
			vs->custom = vs->other_custom;
			vs->other_custom = custom;
		}
		if (!vs->custom)
			tab_columns(vs, k, wide);
		vs->hscroll = 0;
	}
	st->wide = wide;
}

int ui_state_init(struct ui_state *st, bool wide, bool replay, const struct filter *kept)
{
	int k;

	memset(st, 0, sizeof(*st));
	filter_init(&st->filter);
	st->kept = kept && !filter_is_empty(kept) ? kept : NULL;
	st->view = VIEW_SESSIONS;
	st->mode = MODE_NORMAL;
	st->replay = replay;
	for (k = 0; k < VIEW_COUNT; k++)
		sort_default(k, &st->vs[k].sort);
	/* Open: the longest open first (an order that holds from one look
	 * to the next: every age grows alike) */
	st->vs[UI_TAB_OPEN].sort.col = COL_DURATION;
	st->vs[UI_TAB_OPEN].sort.descending = true;
	st->vs[VIEW_SESSIONS].follow = true;
	ui_state_set_wide(st, wide);
	ui_state_set_size(st, 24, 80);
	return 0;
}

void ui_state_fini(struct ui_state *st)
{
	filter_clear(&st->filter);
}

void ui_state_msg(struct ui_state *st, enum ui_msg_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	st->msg_level = level;
	st->msg_mode = st->mode;
	st->msg_seq++;
}

/* ---- layout ---------------------------------------------------------------- */

static size_t page(const struct ui_state *st)
{
	return st->lay.rows_h > 0 ? (size_t)st->lay.rows_h : 1;
}

static void clamp_top(struct ui_state *st)
{
	struct ui_view_state *vs = UI_VS(st);
	size_t p = page(st);

	if (st->n == 0) {
		vs->sel = vs->top = 0;
		return;
	}
	if (vs->sel >= st->n)
		vs->sel = st->n - 1;
	if (vs->top > vs->sel)
		vs->top = vs->sel;
	if (vs->sel >= vs->top + p)
		vs->top = vs->sel - p + 1;
	/* no empty space below the last row when there is more above */
	if (st->n > p && vs->top > st->n - p)
		vs->top = st->n - p;
	if (st->n <= p)
		vs->top = 0;
}

static void clamp_hscroll(struct ui_state *st);

void ui_state_set_size(struct ui_state *st, int lines, int cols)
{
	struct ui_layout *l = &st->lay;

	memset(l, 0, sizeof(*l));
	l->lines = lines;
	l->cols = cols;
	l->too_small = lines < UI_MIN_LINES || cols < UI_MIN_COLS;
	l->title_y = 0;
	l->meters_y = 1;
	l->filter_y = 2;
	l->tabs_y = 3;
	l->head_y = 4;
	l->rows_y = 5;
	l->status_y = lines - 2;
	l->fnbar_y = lines - 1;
	l->rows_h = lines - 7;
	if (l->rows_h < 0)
		l->rows_h = 0;
	clamp_top(st);
	clamp_hscroll(st);
}

/* ---- selection ------------------------------------------------------------ */

bool ui_state_newest_on_top(const struct ui_state *st)
{
	const struct sort_spec *s = &st->vs[VIEW_SESSIONS].sort;

	return !st->open_now && s->col == COL_TIME && s->descending;
}

const void *ui_state_selected(const struct ui_state *st)
{
	const struct ui_view_state *vs = UI_VS(st);

	if (!st->rows || vs->sel >= st->n)
		return NULL;
	return st->rows[vs->sel];
}

static void remember(struct ui_state *st)
{
	struct ui_view_state *vs = UI_VS(st);
	const void *row = ui_state_selected(st);

	vs->have_key = row != NULL;
	if (!row)
		return;
	if (st->view == VIEW_SESSIONS)
		memcpy(&vs->key_sess, row, sizeof(vs->key_sess));
	else
		memcpy(&vs->key_agg, row, sizeof(vs->key_agg));
}

/* A session open at two looks: its addresses, ports and namespace (its
 * bytes, age and the look's time move). */
static bool same_open(const struct session *a, const struct session *b)
{
	return a->lport == b->lport && a->rport == b->rport && a->netns == b->netns &&
	       a->family == b->family && !memcmp(&a->laddr, &b->laddr, sizeof(a->laddr)) &&
	       !memcmp(&a->raddr, &b->raddr, sizeof(a->raddr));
}

static bool same_row(const struct ui_state *st, const void *row)
{
	const struct ui_view_state *vs = UI_VS(st);

	if (st->open_now)
		return same_open(row, &vs->key_sess);
	if (st->view == VIEW_SESSIONS)
		return memcmp(row, &vs->key_sess, sizeof(vs->key_sess)) == 0;
	return agg_row_key_cmp(row, &vs->key_agg) == 0;
}

/* Index of the remembered row, looking near hint first; n if gone. */
static size_t find_key(const struct ui_state *st, size_t hint)
{
	size_t i, lo, hi;

	if (hint >= st->n)
		hint = st->n - 1;
	lo = hint > 8 ? hint - 8 : 0;
	hi = hint + 8 < st->n ? hint + 8 : st->n;
	for (i = lo; i < hi; i++)
		if (same_row(st, st->rows[i]))
			return i;
	for (i = 0; i < st->n; i++)
		if (same_row(st, st->rows[i]))
			return i;
	return st->n;
}

/* Where the remembered row, gone, would be in the rows' order: the first
 * row after it (the last row if none). */
static size_t key_place(const struct ui_state *st)
{
	const struct ui_view_state *vs = UI_VS(st);
	const void *key = st->view == VIEW_SESSIONS ? (const void *)&vs->key_sess
						    : (const void *)&vs->key_agg;
	struct sort_order o;
	size_t lo = 0, hi = st->n, mid;

	sort_order_init(&o, st->view, &vs->sort);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sort_order_cmp(&o, st->rows[mid], key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->n ? lo : st->n - 1;
}

/* Whether the remembered session closed before every session shown: let go
 * of by the history (the oldest go as new ones come), not filtered out. */
static bool key_left_history(const struct ui_state *st)
{
	const struct ui_view_state *vs = UI_VS(st);

	if (st->view != VIEW_SESSIONS || st->open_now || !filter_is_empty(&st->filter))
		return false;
	for (size_t i = 0; i < st->n; i++)
		if (((const struct session *)st->rows[i])->end_ns <= vs->key_sess.end_ns)
			return false;
	return true;
}

static bool follow_applies(const struct ui_state *st)
{
	return st->view == VIEW_SESSIONS && !st->open_now &&
	       st->vs[VIEW_SESSIONS].sort.col == COL_TIME;
}

static size_t newest_index(const struct ui_state *st)
{
	return ui_state_newest_on_top(st) ? 0 : st->n - 1;
}

void ui_state_set_rows(struct ui_state *st, const void *const *rows, size_t n, bool from_history)
{
	struct ui_view_state *vs = UI_VS(st);
	size_t old_sel = vs->sel, old_top = vs->top, off, i;

	st->rows = rows;
	st->n = n;
	st->from_history = from_history;
	clamp_hscroll(st);
	if (n == 0) {
		/* nothing to be scrolled into: what comes is followed */
		vs->sel = vs->top = 0;
		if (follow_applies(st))
			vs->follow = true;
		return;
	}
	if (vs->follow && follow_applies(st)) {
		vs->sel = newest_index(st);
	} else if (vs->have_key) {
		/* The selected row gone (let go of by the history, filtered
		 * out): the row after it in the order, not whatever came to
		 * its index (until 2026-12-06 a session that left the history
		 * left the selection on a different session at each refresh) */
		i = find_key(st, old_sel);
		if (i >= n) {
			i = key_place(st);
			if (!vs->left_said && key_left_history(st)) {
				vs->left_said = true;
				ui_state_msg(st, MSG_INFO, "the selected session left the history (the "
					     "oldest go as new ones come): the next one is selected");
			}
		}
		vs->sel = i;
	} else if (old_sel >= n) {
		vs->sel = n - 1;
	}
	/* an open detail panel of a summary row shows its totals as they are now */
	if (st->mode == MODE_DETAIL && st->detail_kind == st->view && st->view != VIEW_SESSIONS &&
	    vs->sel < n && agg_row_key_cmp(rows[vs->sel], &st->detail_agg) == 0)
		memcpy(&st->detail_agg, rows[vs->sel], sizeof(st->detail_agg));
	/* and an open session's, its payload and age at the last look */
	if (st->mode == MODE_DETAIL && st->open_now && st->detail_kind == VIEW_SESSIONS &&
	    vs->sel < n && same_open(rows[vs->sel], &st->detail_sess))
		memcpy(&st->detail_sess, rows[vs->sel], sizeof(st->detail_sess));
	/* keep the selected row where it was on the screen; but a summary
	 * shown from its top stays at its top (a ranking: what sorts in above
	 * the selection is what the user most wants to see), the selection
	 * moving down it while it stays on the screen */
	off = old_sel >= old_top ? old_sel - old_top : 0;
	vs->top = vs->sel >= off ? vs->sel - off : 0;
	if ((st->view != VIEW_SESSIONS || st->open_now) && old_top == 0)
		vs->top = 0;
	clamp_top(st);
	remember(st);
}

unsigned ui_state_select(struct ui_state *st, size_t i)
{
	struct ui_view_state *vs = UI_VS(st);

	if (st->n == 0) {
		/* an empty sessions view still remembers where the user wants to be */
		if (st->view == VIEW_SESSIONS && follow_applies(st))
			vs->follow = ui_state_newest_on_top(st) ? i == 0 : true;
		return R_REDRAW;
	}
	if (i >= st->n)
		i = st->n - 1;
	vs->sel = i;
	vs->left_said = false;
	if (follow_applies(st))
		vs->follow = i == newest_index(st);
	clamp_top(st);
	remember(st);
	return R_REDRAW;
}

unsigned ui_state_move(struct ui_state *st, long delta)
{
	struct ui_view_state *vs = UI_VS(st);
	size_t sel = vs->sel;

	if (delta < 0)
		sel = (size_t)-delta > sel ? 0 : sel - (size_t)-delta;
	else
		sel = (size_t)delta > SIZE_MAX - sel ? SIZE_MAX : sel + (size_t)delta;
	return ui_state_select(st, sel);
}

/* ---- columns --------------------------------------------------------------- */

int ui_state_col_width(const struct ui_state *st, const struct column *c)
{
	if (st->wide) {
		if (c->id == COL_LADDR || c->id == COL_RADDR)
			return UI_WIDE_ADDR_WIDTH;
		if (c->id == COL_COMM)
			return UI_WIDE_COMM_WIDTH;
	}
	return c->width;
}

/*
 * How spare width is spent when the user has not chosen the columns: show a
 * column that is not in the narrow set (only if it fits whole), or widen
 * one up to a width. In this order.
 */
enum spend_kind { SPEND_SHOW, SPEND_GROW };

struct spend {
	enum spend_kind kind;
	enum col_id id;
	int width;	/* SPEND_GROW: up to this width */
};

static const struct spend spend_sessions[] = {
	{ SPEND_SHOW, COL_CAUSE, 0 },			/* why it ended */
	{ SPEND_GROW, COL_COMM, SESSION_COMM_LEN - 1 },	/* a whole plain name */
	{ SPEND_GROW, COL_RADDR, 27 },			/* most IPv6 addresses */
	{ SPEND_SHOW, COL_DIR, 0 },
	{ SPEND_SHOW, COL_SRTT, 0 },
	{ SPEND_SHOW, COL_RETRANS, 0 },
	{ SPEND_SHOW, COL_NETNS, 0 },			/* several namespaces kept */
	{ SPEND_GROW, COL_RADDR, UI_WIDE_ADDR_WIDTH },
	{ SPEND_SHOW, COL_LADDR, 0 },
	{ SPEND_GROW, COL_COMM, UI_WIDE_COMM_WIDTH },	/* escaped names are longer */
	{ SPEND_GROW, COL_LADDR, UI_WIDE_ADDR_WIDTH },
};

static const struct spend spend_procs[] = {
	{ SPEND_SHOW, COL_MAX, 0 },
	{ SPEND_SHOW, COL_RATE, 0 },			/* sessions a second lately */
	{ SPEND_GROW, COL_COMM, UI_WIDE_COMM_WIDTH },
	{ SPEND_SHOW, COL_NETNS, 0 },
};

static const struct spend spend_ports[] = {
	{ SPEND_SHOW, COL_RATE, 0 },
	{ SPEND_SHOW, COL_NETNS, 0 },
};

static const struct spend spend_peers[] = {
	{ SPEND_GROW, COL_RADDR, 27 },			/* most IPv6 addresses */
	{ SPEND_SHOW, COL_FAMILY, 0 },
	{ SPEND_SHOW, COL_RATE, 0 },
	{ SPEND_SHOW, COL_NETNS, 0 },
	{ SPEND_GROW, COL_RADDR, UI_WIDE_ADDR_WIDTH },
};

static const struct spend *spend_plan(enum view_kind kind, size_t *n)
{
	switch (kind) {
	case VIEW_SESSIONS:
		*n = sizeof(spend_sessions) / sizeof(spend_sessions[0]);
		return spend_sessions;
	case VIEW_PROCS:
		*n = sizeof(spend_procs) / sizeof(spend_procs[0]);
		return spend_procs;
	case VIEW_PORTS:
		*n = sizeof(spend_ports) / sizeof(spend_ports[0]);
		return spend_ports;
	case VIEW_PEERS:
		*n = sizeof(spend_peers) / sizeof(spend_peers[0]);
		return spend_peers;
	default:
		*n = 0;
		return NULL;
	}
}

/* Columns scrolled off at the left come back as far as the screen has room
 * for them (a wider terminal, a view that fits): never empty space at the
 * right while columns hide at the left. */
static void clamp_hscroll(struct ui_state *st)
{
	struct ui_view_state *vs = UI_VS(st);
	size_t n;

	if (!vs->hscroll)
		return;
	ui_state_width_from(st, 0, &n);
	if (vs->hscroll >= n)
		vs->hscroll = n ? n - 1 : 0;
	while (vs->hscroll > 0 && ui_state_width_from(st, vs->hscroll - 1, NULL) <= st->lay.cols)
		vs->hscroll--;
}

int ui_state_width_from(const struct ui_state *st, size_t from, size_t *count)
{
	const struct column *cols[UI_MAX_COLS];
	int widths[UI_MAX_COLS], w = -1;
	size_t i, n = ui_state_shown(st, cols, widths, UI_MAX_COLS);

	for (i = from; i < n; i++)
		w += widths[i] + 1;
	if (count)
		*count = n;
	return w;
}

size_t ui_state_shown(const struct ui_state *st, const struct column **out, int *widths, size_t max)
{
	const struct ui_view_state *vs = UI_VS(st);
	const struct spend *plan;
	const struct column *cols;
	bool show[COL_ID_COUNT];
	int width[COL_ID_COUNT], used = -1, spare, w;
	size_t i, j, n, np, k = 0;

	cols = columns_for(st->view, &n);
	memset(show, 0, sizeof(show));
	for (i = 0; i < n; i++) {
		show[cols[i].id] = vs->colvis[cols[i].id];
		width[cols[i].id] = ui_state_col_width(st, &cols[i]);
		if (show[cols[i].id])
			used += width[cols[i].id] + 1;
	}
	/* room to spare: more columns, wider names and addresses, rather than empty space */
	spare = st->lay.cols - used;
	plan = spend_plan(st->view, &np);
	for (j = 0; j < np && spare > 0; j++) {
		enum col_id id = plan[j].id;

		if (!column_by_id(st->view, id))
			continue;
		/* NETNS: once sessions of a second namespace are kept (a
		 * host's one namespace repeated in every row says nothing) */
		if (id == COL_NETNS && !st->netns_several)
			continue;
		if (plan[j].kind == SPEND_SHOW) {
			if (vs->custom || st->wide || show[id] || width[id] + 1 > spare)
				continue;
			/* Open: every row's TIME is the look's, END "open" */
			if (st->open_now && (id == COL_TIME || id == COL_CAUSE))
				continue;
			show[id] = true;
			spare -= width[id] + 1;
		} else if (show[id] && width[id] < plan[j].width) {
			w = plan[j].width - width[id] < spare ? plan[j].width - width[id] : spare;
			width[id] += w;
			spare -= w;
		}
	}
	for (i = 0; i < n && k < max; i++) {
		if (!show[cols[i].id])
			continue;
		out[k] = &cols[i];
		if (widths)
			widths[k] = width[cols[i].id];
		k++;
	}
	return k;
}

int ui_state_table_width(const struct ui_state *st)
{
	const struct column *cols[UI_MAX_COLS];
	int widths[UI_MAX_COLS], w = 0;
	size_t i, n = ui_state_shown(st, cols, widths, UI_MAX_COLS);

	for (i = 0; i < n; i++)
		w += widths[i] + 1;
	return w;
}

size_t ui_state_columns(const struct ui_state *st, struct ui_col_pos *out, size_t max)
{
	const struct column *cols[UI_MAX_COLS];
	int widths[UI_MAX_COLS], x = 0;
	size_t i, n = ui_state_shown(st, cols, widths, UI_MAX_COLS), k = 0;

	/* skip the scrolled-off ones; the last one may be cut at the right edge */
	for (i = UI_VS(st)->hscroll; i < n && k < max && x < st->lay.cols; i++) {
		out[k].col = cols[i];
		out[k].x = x;
		out[k].width = x + widths[i] > st->lay.cols ? st->lay.cols - x : widths[i];
		x += widths[i] + 1;
		k++;
	}
	return k;
}

void ui_state_default_columns(struct ui_state *st)
{
	struct ui_view_state *vs = UI_VS(st);

	vs->custom = false;
	tab_columns(vs, ui_state_tab(st), st->wide);
	vs->hscroll = 0;
}

void ui_state_choose_columns(struct ui_state *st)
{
	struct ui_view_state *vs = UI_VS(st);
	const struct column *cols[UI_MAX_COLS];
	size_t i, n;

	if (vs->custom)
		return;
	/* from now on exactly what the user picks: start from what is shown */
	n = ui_state_shown(st, cols, NULL, UI_MAX_COLS);
	memset(vs->colvis, 0, sizeof(vs->colvis));
	for (i = 0; i < n; i++)
		vs->colvis[cols[i]->id] = true;
	vs->custom = true;
}

bool ui_state_col_shown(const struct ui_state *st, enum col_id id)
{
	const struct column *cols[UI_MAX_COLS];
	size_t i, n = ui_state_shown(st, cols, NULL, UI_MAX_COLS);

	for (i = 0; i < n; i++)
		if (cols[i]->id == id)
			return true;
	return false;
}

bool ui_state_col_names_rows(const struct ui_state *st, enum col_id id)
{
	switch (st->view) {
	case VIEW_PORTS:
		return id == COL_PORT;
	case VIEW_PEERS:
		return id == COL_RADDR;
	case VIEW_PROCS:
		return (id == COL_PID && !ui_state_col_shown(st, COL_COMM)) ||
		       (id == COL_COMM && !ui_state_col_shown(st, COL_PID));
	default:
		return false;
	}
}

static bool default_descending(const struct column *c)
{
	if (c->type != COLT_NUMBER)
		return c->id == COL_LAST_SEEN;
	switch (c->id) {
	case COL_PID:
	case COL_PORT:
	case COL_LPORT:
	case COL_RPORT:
	case COL_FAMILY:
		return false;
	default:
		return true;
	}
}

unsigned ui_state_sort_by(struct ui_state *st, enum col_id id)
{
	struct ui_view_state *vs = UI_VS(st);
	const struct column *c = column_by_id(st->view, id);

	if (!c)
		return R_NONE;
	if (vs->sort.col == id) {
		vs->sort.descending = !vs->sort.descending;
	} else {
		vs->sort.col = id;
		vs->sort.descending = st->view == VIEW_SESSIONS && id == COL_TIME ? false
										   : default_descending(c);
	}
	if (st->view == VIEW_SESSIONS)
		vs->follow = id == COL_TIME;
	return R_REBUILD | R_REDRAW;
}

unsigned ui_state_open_detail(struct ui_state *st)
{
	const void *row = ui_state_selected(st);

	if (!row) {
		ui_state_msg(st, MSG_WARN, "no row selected");
		return R_REDRAW;
	}
	st->detail_kind = st->view;
	if (st->view == VIEW_SESSIONS)
		memcpy(&st->detail_sess, row, sizeof(st->detail_sess));
	else
		memcpy(&st->detail_agg, row, sizeof(st->detail_agg));
	st->detail_scroll = 0;
	st->mode = MODE_DETAIL;
	return R_REDRAW;
}

/* ---- bars ------------------------------------------------------------------ */

static const struct ui_fnkey fnbar[] = {
	{ UK_F(1), "F1", "Help", NULL },
	{ UK_F(2), "F2", "Cols", NULL },
	{ UK_F(3), "F3", "Search", NULL },
	{ UK_F(4), "F4", "Filter", NULL },
	{ UK_F(5), "F5", "Pause", "Resume" },
	{ UK_F(6), "F6", "SortBy", NULL },
	{ UK_F(7), "F7", "Wide", "Narrow" },
	{ UK_F(8), "F8", "Export", NULL },
	{ UK_F(9), "F9", "Unfilt", NULL },	/* the filters, not the history */
	{ UK_F(10), "F10", "Quit", NULL },
};

const struct ui_fnkey *ui_fnbar(size_t *n)
{
	*n = ARRAY_LEN(fnbar);
	return fnbar;
}

int ui_fnbar_width(size_t i)
{
	if (i >= ARRAY_LEN(fnbar))
		return 0;
	return (int)strlen(fnbar[i].fkey) + UI_FNBAR_LABEL;
}

bool ui_fnbar_fits(size_t i, int cols)
{
	size_t text;

	if (i >= ARRAY_LEN(fnbar))
		return false;
	/* the key and its longer label; the label cell's padding may go */
	text = strlen(fnbar[i].label);
	if (fnbar[i].alt && strlen(fnbar[i].alt) > text)
		text = strlen(fnbar[i].alt);
	return ui_fnbar_x(i) + (int)(strlen(fnbar[i].fkey) + text) <= cols;
}

int ui_fnbar_x(size_t i)
{
	size_t k;
	int x = 0;

	for (k = 0; k < i && k < ARRAY_LEN(fnbar); k++)
		x += ui_fnbar_width(k);
	return x;
}

static const char *const tab_titles[UI_TABS] = {
	[VIEW_SESSIONS] = "1 Sessions",
	[VIEW_PROCS] = "2 Processes",
	[VIEW_PORTS] = "3 Ports",
	[VIEW_PEERS] = "P Peers",
	[UI_TAB_OPEN] = "O Open",
};

/* Below this many columns the tabs are short, and below the second the
 * tabs not shown are their keys alone, so that the rows' count still fits
 * beside them. */
#define TABS_SHORT_BELOW 64
#define TABS_KEYS_BELOW 50
/* Open's tab, when another is shown, is left out below this: the four
 * views' tabs and the rows' account keep their room (O, Tab and the help
 * still reach it). */
#define TABS_OPEN_FROM 110

static const char *const tab_short[UI_TABS] = {
	[VIEW_SESSIONS] = "1 Sess",
	[VIEW_PROCS] = "2 Procs",
	[VIEW_PORTS] = "3 Ports",
	[VIEW_PEERS] = "P Peers",
	[UI_TAB_OPEN] = "O Open",
};

/* Each view's key, alone ('4' and '6' filter by family: Peers is P). */
static const char *const tab_keys_only[UI_TABS] = {
	[VIEW_SESSIONS] = "1",
	[VIEW_PROCS] = "2",
	[VIEW_PORTS] = "3",
	[VIEW_PEERS] = "P",
	[UI_TAB_OPEN] = "O",
};

int ui_tab_key(int k)
{
	return k >= 0 && k < UI_TABS ? tab_keys_only[k][0] : 0;
}

const char *ui_tab_title(int k, int cols, int active)
{
	if (k < 0 || k >= UI_TABS)
		return "?";
	if (k == UI_TAB_OPEN && k != active && cols < TABS_OPEN_FROM)
		return "";
	if (cols < TABS_KEYS_BELOW && k != active)
		return tab_keys_only[k];
	return cols < TABS_SHORT_BELOW ? tab_short[k] : tab_titles[k];
}

/* Each tab is " title " followed by one space. */
int ui_tab_width(int k, int cols, int active)
{
	size_t len = strlen(ui_tab_title(k, cols, active));

	return len ? (int)len + 2 : 0;	/* "": not shown */
}

int ui_tab_x(int k, int cols, int active)
{
	int i, x = 0;

	for (i = 0; i < k && i < UI_TABS; i++)
		x += ui_tab_width(i, cols, active) + 1;
	return x;
}

/* ---- mouse ----------------------------------------------------------------- */

unsigned ui_state_click(struct ui_state *st, int y, int x, int button, bool double_click)
{
	const struct ui_layout *l = &st->lay;
	struct ui_col_pos pos[UI_MAX_COLS];
	const struct ui_fnkey *fk;
	size_t i, n;
	int k;

	if (l->too_small)
		return R_NONE;
	if (button == 4 || button == 5) {
		unsigned r = R_NONE;

		for (k = 0; k < 3; k++)
			r |= ui_keys_handle(st, button == 4 ? UK_UP : UK_DOWN);
		return r;
	}
	if (button != 1)
		return R_NONE;
	if (y == l->fnbar_y && st->mode != MODE_PROMPT) {
		fk = ui_fnbar(&n);
		for (i = 0; i < n; i++)
			if (ui_fnbar_fits(i, l->cols) && x >= ui_fnbar_x(i) &&
			    x < ui_fnbar_x(i) + ui_fnbar_width(i))
				return ui_keys_handle(st, fk[i].key);
		return R_NONE;
	}
	if (st->mode == MODE_HELP || st->mode == MODE_MESSAGES) {
		st->mode = MODE_NORMAL;
		return R_REDRAW;
	}
	if (st->mode != MODE_NORMAL)
		return R_NONE;
	if (y == l->tabs_y) {
		for (k = 0; k < UI_TABS; k++) {
			int tx = ui_tab_x(k, l->cols, ui_state_tab(st));

			if (x >= tx && x < tx + ui_tab_width(k, l->cols, ui_state_tab(st)))
				return ui_keys_handle(st, ui_tab_key(k));
		}
		return R_NONE;
	}
	if (y == l->head_y) {
		n = ui_state_columns(st, pos, UI_MAX_COLS);
		for (i = 0; i < n; i++)
			if (x >= pos[i].x && x <= pos[i].x + pos[i].width)
				return ui_state_sort_by(st, pos[i].col->id);
		return R_NONE;
	}
	if (y >= l->rows_y && y < l->rows_y + l->rows_h) {
		size_t idx = UI_VS(st)->top + (size_t)(y - l->rows_y);
		unsigned r;

		if (idx >= st->n)
			return R_NONE;
		r = ui_state_select(st, idx);
		if (double_click)
			r |= ui_state_open_detail(st);
		return r;
	}
	return R_NONE;
}

void ui_meters_fit(const int *width, const int *rank, size_t n, int cols, bool *keep)
{
	size_t i;

	for (i = 0; i < n; i++)
		keep[i] = true;
	for (;;) {
		int total = 0;
		size_t drop = n;

		for (i = 0; i < n; i++)
			if (keep[i])
				total += width[i] + (total ? 2 : 0);
		if (total <= cols)
			return;
		for (i = 0; i < n; i++)
			if (keep[i] && rank[i] > 0 && (drop == n || rank[i] >= rank[drop]))
				drop = i;
		if (drop == n)
			return;
		keep[drop] = false;
	}
}
