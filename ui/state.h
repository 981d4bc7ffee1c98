/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state of the monitor that keys act on: active view, per-view sort,
 * selection and scrolling, visible columns, filters, pause, prompt, and the
 * screen layout. Pure C: no curses, no clock, no files, so that every key
 * can be tested without a terminal.
 *
 * The rows of the active view are borrowed from the loop (ui/monitor.c)
 * with ui_state_set_rows(); they are valid until the loop rebuilds them.
 */
#ifndef TCPSCOPE_UI_STATE_H
#define TCPSCOPE_UI_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/agg.h"
#include "core/columns.h"
#include "core/filter.h"
#include "core/session.h"
#include "core/sort.h"
#include "ui/keys.h"
#include "ui/prompt.h"

/* Smallest terminal the monitor draws in; below it a message says so. */
#define UI_MIN_COLS 40
#define UI_MIN_LINES 10

/* Widths in wide mode (full IPv6 addresses, long escaped process names). */
#define UI_WIDE_ADDR_WIDTH 39
#define UI_WIDE_COMM_WIDTH 24

/* Lines of the screen, top to bottom. */
struct ui_layout {
	int lines, cols;
	bool too_small;
	int title_y;	/* program, source, clock or PAUSED */
	int meters_y;	/* sessions/s, total, missed, history */
	int filter_y;	/* active filters */
	int tabs_y;	/* Sessions | Processes | Ports, row count, sort */
	int head_y;	/* column titles */
	int rows_y;	/* first data row */
	int rows_h;	/* data rows (the page) */
	int status_y;	/* messages and prompts */
	int fnbar_y;	/* function keys */
};

/* One entry of the function-key bar. */
struct ui_fnkey {
	int key;		/* UK_F(n) */
	const char *fkey;	/* "F1" */
	const char *label;	/* "Help" */
	const char *alt;	/* the label in the other state ("Resume" paused); or NULL */
};
#define UI_FNBAR_LABEL 6	/* label cell width */

/* A column as placed on the screen. */
struct ui_col_pos {
	const struct column *col;
	int x;		/* screen column of the cell */
	int width;	/* cell width (may be cut at the right edge) */
};
#define UI_MAX_COLS 32

enum ui_prompt_kind {
	PK_NONE,
	PK_PIDS,	/* p */
	PK_PORTS,	/* o: either side */
	PK_LPORTS,	/* l */
	PK_RPORTS,	/* d */
	PK_NETNS,	/* n */
	PK_COMM,	/* c, F4 */
	PK_SEARCH,	/* /, F3 */
	PK_EXPORT,	/* e, F8 */
};

enum ui_msg_level {
	MSG_INFO,
	MSG_WARN,
	MSG_ERROR,
};

struct ui_view_state {
	struct sort_spec sort;
	size_t sel;		/* selected row */
	size_t top;		/* first row on screen */
	bool follow;		/* keep the newest session selected (sessions view) */
	size_t hscroll;		/* shown columns skipped at the left */
	bool colvis[COL_ID_COUNT];	/* chosen columns (narrow or wide set, or the user's) */
	bool custom;		/* the user chose them: no columns added to fill the width */
	/* The user's choice in the other of narrow and wide, kept while this
	 * one shows (w goes back to it). */
	bool other_colvis[COL_ID_COUNT];
	bool other_custom;
	/* identity of the selected row, so it stays selected across rebuilds */
	bool have_key;
	struct session key_sess;
	struct agg_row key_agg;
	bool left_said;		/* "left the history" said since the user last moved */
};

/* The tabs: the four views, then Open (Sessions showing the sessions open
 * now, O), which keeps its own sort, selection and columns. */
#define UI_TAB_OPEN VIEW_COUNT
#define UI_TABS (VIEW_COUNT + 1)

struct ui_state {
	enum view_kind view;
	enum ui_mode mode;
	struct ui_view_state vs[UI_TABS];	/* per tab: [UI_TAB_OPEN] is Open's */
	bool open_now;		/* view is VIEW_SESSIONS, showing the sessions open now
				 * (the Open tab), not the history */
	bool wide;
	bool procs_by_pid;	/* Processes: one row per pid (H), not per pid and name */
	bool by_netns;		/* Ports, Peers: a row per namespace's port or peer (N) */
	bool paused;
	bool replay;
	bool netns_several;	/* sessions of several network namespaces kept: NETNS
				 * shown where there is room (set at each rebuild) */
	struct filter filter;		/* the keys' filters, on top of kept */
	const struct filter *kept;	/* the command line's: all the model keeps (NULL: all) */

	/* rows of the active view, borrowed from the loop */
	const void *const *rows;
	size_t n;
	bool from_history;

	struct ui_layout lay;

	/* prompt */
	enum ui_prompt_kind pkind;
	struct ui_prompt prompt;
	char prompt_saved[FILTER_TEXT_LEN];	/* comm/search before a live-preview prompt */
	char export_path[PATH_MAX];		/* set with R_EXPORT */
	time_t now;				/* wall clock, set by the loop (default file name) */

	/* detail panel: a copy of the row, valid across drains */
	enum view_kind detail_kind;
	struct session detail_sess;
	struct agg_row detail_agg;
	size_t detail_scroll;

	size_t chooser_sel;	/* column chooser */
	size_t overlay_scroll;	/* help, messages */

	/* status line: the latest message; msg_seq changes with each */
	char msg[256];
	enum ui_msg_level msg_level;
	unsigned msg_seq;
	enum ui_mode msg_mode;	/* the mode it was said in */
};

/* The active tab: the view's, or UI_TAB_OPEN; and its state. */
static inline int ui_state_tab(const struct ui_state *st)
{
	return st->open_now ? UI_TAB_OPEN : (int)st->view;
}
#define UI_VS(st) (&(st)->vs[ui_state_tab(st)])

/* Initial state: sessions view, default sorts, narrow or wide columns,
 * follow mode, no filter of its own; kept is the command line's filter,
 * what the model keeps (shown; NULL or empty: everything; it must outlive
 * the state). 0 or -ENOMEM. */
int ui_state_init(struct ui_state *st, bool wide, bool replay, const struct filter *kept);
void ui_state_fini(struct ui_state *st);

/* Screen size changed: recompute the layout and keep the selection visible. */
void ui_state_set_size(struct ui_state *st, int lines, int cols);

/*
 * New rows for the active view (after a rebuild). In follow mode the newest
 * row is selected; otherwise the previously selected row stays selected
 * (found again by identity) at the same place on the screen if possible.
 */
void ui_state_set_rows(struct ui_state *st, const void *const *rows, size_t n, bool from_history);

/* The selected row of the active view, NULL if none. */
const void *ui_state_selected(const struct ui_state *st);

/* Move the selection by delta rows (clamped); updates follow mode. R_* bits. */
unsigned ui_state_move(struct ui_state *st, long delta);
/* Select row i (clamped). R_* bits. */
unsigned ui_state_select(struct ui_state *st, size_t i);

/*
 * Columns of the active view that are shown, in order, with their widths
 * (widths may be NULL): the chosen ones, plus, unless the user chose them,
 * columns and width that fill a wide terminal. Returns the count.
 */
size_t ui_state_shown(const struct ui_state *st, const struct column **out, int *widths, size_t max);
/* Screen width of the shown columns from the from-th on, a space between
 * each (-1 when none); *count (may be NULL) gets how many are shown. */
int ui_state_width_from(const struct ui_state *st, size_t from, size_t *count);
bool ui_state_col_shown(const struct ui_state *st, enum col_id id);
/* Whether column id is the one that still names the current summary's rows
 * (Ports' PORT, Peers' RADDR, Processes' PID or COMM when the other is
 * hidden): the chooser does not hide it. */
bool ui_state_col_names_rows(const struct ui_state *st, enum col_id id);
/* The column chooser opens: make the shown columns the chosen ones (custom). */
void ui_state_choose_columns(struct ui_state *st);
/* The active view's columns back to tcpscope's choice (for the width, or
 * all in wide mode): the chooser's `d`. */
void ui_state_default_columns(struct ui_state *st);
/* Columns of the active view as placed on screen (after hscroll). Returns the count. */
size_t ui_state_columns(const struct ui_state *st, struct ui_col_pos *out, size_t max);
/* Screen width of a column in the current mode (wide widens addresses and names). */
int ui_state_col_width(const struct ui_state *st, const struct column *c);
/* Total width of the shown columns from the first (hscroll 0). */
int ui_state_table_width(const struct ui_state *st);

/* The function-key bar: entries and their x positions. */
const struct ui_fnkey *ui_fnbar(size_t *n);
int ui_fnbar_x(size_t i);
int ui_fnbar_width(size_t i);
/* Whether entry i is whole within cols (only whole ones are drawn and
 * clicked). */
bool ui_fnbar_fits(size_t i, int cols);

/* The tab bar on a screen cols wide, with view `active` shown: x, width and
 * title of the tab of view kind k (short titles on a narrow screen; on the
 * narrowest, the other tabs' keys alone), and the key that shows view k. */
/* Tabs by index (a view_kind, or UI_TAB_OPEN); active is ui_state_tab(). */
int ui_tab_x(int k, int cols, int active);
int ui_tab_width(int k, int cols, int active);
const char *ui_tab_title(int k, int cols, int active);
int ui_tab_key(int k);

/* Mouse: button 1 click, 4/5 wheel. double_click opens the detail panel. R_* bits. */
unsigned ui_state_click(struct ui_state *st, int y, int x, int button, bool double_click);

/* Status line message. */
void ui_state_msg(struct ui_state *st, enum ui_msg_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Make column id of the active view the sort column (same column: invert). R_* bits. */
unsigned ui_state_sort_by(struct ui_state *st, enum col_id id);

/* Show the wide or the narrow column set in every view. */
void ui_state_set_wide(struct ui_state *st, bool wide);

/* Copy the selected row into the detail panel and open it. R_* bits. */
unsigned ui_state_open_detail(struct ui_state *st);

/* Whether the newest sessions are at the top (sessions sorted by time, descending). */
bool ui_state_newest_on_top(const struct ui_state *st);

/*
 * Which of n header figures fit in cols columns, each width[i] wide and
 * two apart: keep[i]. A short line drops the highest rank first (ties: the
 * rightmost); rank 0 is never dropped (what was lost stays in sight).
 */
void ui_meters_fit(const int *width, const int *rank, size_t n, int cols, bool *keep);

#endif
