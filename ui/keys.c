// SPDX-License-Identifier: GPL-2.0
/*
 * The key table: one small action per key, each returning a reaction mask
 * (ui/keys.h). Modelled on htop's Action.c: bindings are data, actions do
 * not draw.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/fmt.h"
#include "ui/keys.h"
#include "ui/state.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct ui_view_state *cur(struct ui_state *st)
{
	return UI_VS(st);
}

/* ---- moving ---------------------------------------------------------------- */

static long page_rows(const struct ui_state *st)
{
	return st->lay.rows_h > 1 ? st->lay.rows_h - 1 : 1;
}

static unsigned act_up(struct ui_state *st) { return ui_state_move(st, -1); }
static unsigned act_down(struct ui_state *st) { return ui_state_move(st, 1); }
static unsigned act_pgup(struct ui_state *st) { return ui_state_move(st, -page_rows(st)); }
static unsigned act_pgdn(struct ui_state *st) { return ui_state_move(st, page_rows(st)); }
static unsigned act_home(struct ui_state *st) { return ui_state_select(st, 0); }
static unsigned act_end(struct ui_state *st) { return ui_state_select(st, SIZE_MAX); }

static unsigned act_left(struct ui_state *st)
{
	if (cur(st)->hscroll == 0)
		return R_NONE;
	cur(st)->hscroll--;
	return R_REDRAW;
}

static unsigned act_right(struct ui_state *st)
{
	struct ui_view_state *vs = cur(st);
	size_t n;
	int w = ui_state_width_from(st, vs->hscroll, &n);

	/* scroll only while columns are cut at the right edge */
	if (w <= st->lay.cols || vs->hscroll + 1 >= n) {
		size_t all;

		/* nothing cut off, but columns not in the set (END at 80
		 * columns): say where they are, rather than do nothing */
		columns_for(st->view, &all);
		if (st->wide || n >= all)
			return R_NONE;
		ui_state_msg(st, MSG_INFO, "no column cut off to scroll to: w shows every column, "
			     "C chooses them");
		return R_REDRAW;
	}
	vs->hscroll++;
	return R_REDRAW;
}

/* ---- views ----------------------------------------------------------------- */

/* To tab k: a view, or UI_TAB_OPEN (Sessions showing the sessions open
 * now). */
static unsigned switch_tab(struct ui_state *st, int k)
{
	if (ui_state_tab(st) == k)
		return R_NONE;
	st->open_now = k == UI_TAB_OPEN;
	st->view = st->open_now ? VIEW_SESSIONS : (enum view_kind)k;
	st->rows = NULL;
	st->n = 0;
	return R_REBUILD | R_REDRAW;
}

static unsigned switch_view(struct ui_state *st, enum view_kind k)
{
	return switch_tab(st, (int)k);
}

/* O: the sessions open now, looked at again every second while shown. */
static unsigned act_open(struct ui_state *st) { return switch_tab(st, UI_TAB_OPEN); }

static unsigned act_view1(struct ui_state *st) { return switch_view(st, VIEW_SESSIONS); }
static unsigned act_view2(struct ui_state *st) { return switch_view(st, VIEW_PROCS); }
static unsigned act_view3(struct ui_state *st) { return switch_view(st, VIEW_PORTS); }
static unsigned act_view4(struct ui_state *st) { return switch_view(st, VIEW_PEERS); }
/* H: Processes with one row per pid (its threads' names, or its names
 * before and after an exec, merged), or one per pid and name. Shows the
 * Processes view. */
static unsigned act_by_pid(struct ui_state *st)
{
	st->procs_by_pid = !st->procs_by_pid;
	ui_state_msg(st, MSG_INFO, st->procs_by_pid ?
		     "Processes: one row per PID, its names merged (H: a row per PID and name)" :
		     "Processes: a row per PID and name (H: one row per PID)");
	switch_view(st, VIEW_PROCS);
	return R_REBUILD | R_REDRAW;
}

/* N: Ports and Peers with a row per network namespace's port or peer (8080
 * in two pods: two rows), added up from the history; or added up across
 * namespaces, lifetime totals. Shows Ports unless Peers is shown. */
static unsigned act_by_netns(struct ui_state *st)
{
	st->by_netns = !st->by_netns;
	ui_state_msg(st, MSG_INFO, st->by_netns ?
		     "Ports and Peers: a row per network namespace, from the history (N: added up)" :
		     "Ports and Peers: added up across network namespaces (N: a row per namespace)");
	if (st->view != VIEW_PEERS)
		switch_view(st, VIEW_PORTS);
	return R_REBUILD | R_REDRAW;
}

static unsigned act_next_view(struct ui_state *st)
{
	return switch_tab(st, (ui_state_tab(st) + 1) % UI_TABS);
}
static unsigned act_prev_view(struct ui_state *st)
{
	return switch_tab(st, (ui_state_tab(st) + UI_TABS - 1) % UI_TABS);
}

/* ---- sort ------------------------------------------------------------------ */

static unsigned move_sort(struct ui_state *st, int dir)
{
	struct ui_view_state *vs = cur(st);
	const struct column *cols[UI_MAX_COLS];
	size_t i, n = ui_state_shown(st, cols, NULL, UI_MAX_COLS), at = SIZE_MAX;

	if (!n)
		return R_NONE;
	for (i = 0; i < n; i++)
		if (cols[i]->id == vs->sort.col)
			at = i;
	if (at == SIZE_MAX)
		at = dir > 0 ? n - 1 : 0;	/* sort column hidden: start at an end */
	at = (at + (dir > 0 ? 1 : n - 1)) % n;
	ui_state_sort_by(st, cols[at]->id);
	ui_state_msg(st, MSG_INFO, "sorted by %s, %s", cols[at]->title,
		     vs->sort.descending ? "descending" : "ascending");
	return R_REBUILD | R_REDRAW;
}

static unsigned act_sort_next(struct ui_state *st) { return move_sort(st, 1); }
static unsigned act_sort_prev(struct ui_state *st) { return move_sort(st, -1); }

static unsigned act_invert(struct ui_state *st)
{
	struct ui_view_state *vs = cur(st);

	const struct column *c;

	vs->sort.descending = !vs->sort.descending;
	c = column_by_id(st->view, vs->sort.col);
	if (c)
		ui_state_msg(st, MSG_INFO, "sorted by %s, %s", c->title,
			     vs->sort.descending ? "descending" : "ascending");
	return R_REBUILD | R_REDRAW;
}

/* ---- filters --------------------------------------------------------------- */

static unsigned open_prompt(struct ui_state *st, enum ui_prompt_kind k)
{
	char buf[UI_PROMPT_LEN];
	struct tm tm;

	buf[0] = '\0';
	switch (k) {
	case PK_PIDS:
		id_set_format(&st->filter.pids, buf, sizeof(buf));
		break;
	case PK_PORTS:
		id_set_format(&st->filter.ports, buf, sizeof(buf));
		break;
	case PK_LPORTS:
		id_set_format(&st->filter.lports, buf, sizeof(buf));
		break;
	case PK_RPORTS:
		id_set_format(&st->filter.rports, buf, sizeof(buf));
		break;
	case PK_NETNS:
		id_set_format(&st->filter.netns, buf, sizeof(buf));
		/* none yet: the selected row's, to take with Enter (a
		 * summary's when all its sessions were in one) */
		if (!buf[0] && ui_state_selected(st)) {
			uint32_t ns = 0;

			if (st->view == VIEW_SESSIONS) {
				ns = ((const struct session *)ui_state_selected(st))->netns;
			} else {
				const struct agg_row *r = ui_state_selected(st);

				if (r->netns_count == 1)
					ns = r->netns;
			}
			if (ns)
				snprintf(buf, sizeof(buf), "%u", ns);
		}
		break;
	case PK_COMM:
		snprintf(buf, sizeof(buf), "%s", st->filter.comm);
		snprintf(st->prompt_saved, sizeof(st->prompt_saved), "%s", st->filter.comm);
		break;
	case PK_SEARCH:
		snprintf(buf, sizeof(buf), "%s", st->filter.search_typed);
		snprintf(st->prompt_saved, sizeof(st->prompt_saved), "%s", st->filter.search_typed);
		break;
	case PK_EXPORT:
		localtime_r(&st->now, &tm);
		snprintf(buf, sizeof(buf), "tcpscope-%s-", view_kind_name(st->view));
		strftime(buf + strlen(buf), sizeof(buf) - strlen(buf), "%Y%m%d-%H%M%S.csv", &tm);
		break;
	default:
		return R_NONE;
	}
	/* an id list that did not fit ends in "...": start empty rather than invalid */
	if (strstr(buf, "...") && k != PK_COMM && k != PK_SEARCH && k != PK_EXPORT)
		buf[0] = '\0';
	ui_prompt_start(&st->prompt, buf);
	st->pkind = k;
	st->mode = MODE_PROMPT;
	return R_REDRAW;
}

static unsigned act_pids(struct ui_state *st) { return open_prompt(st, PK_PIDS); }
static unsigned act_ports(struct ui_state *st) { return open_prompt(st, PK_PORTS); }
static unsigned act_lports(struct ui_state *st) { return open_prompt(st, PK_LPORTS); }
static unsigned act_rports(struct ui_state *st) { return open_prompt(st, PK_RPORTS); }
static unsigned act_netns(struct ui_state *st) { return open_prompt(st, PK_NETNS); }
static unsigned act_comm(struct ui_state *st) { return open_prompt(st, PK_COMM); }
static unsigned act_search(struct ui_state *st) { return open_prompt(st, PK_SEARCH); }
static unsigned act_export(struct ui_state *st) { return open_prompt(st, PK_EXPORT); }

static unsigned toggle_family(struct ui_state *st, int family)
{
	int now = st->filter.family == family ? 0 : family;

	filter_set_family(&st->filter, now);
	if (now)
		ui_state_msg(st, MSG_INFO, "only IPv%c sessions (press %c again for all)",
			     family == AF_INET ? '4' : '6', family == AF_INET ? '4' : '6');
	else
		ui_state_msg(st, MSG_INFO, "IPv4 and IPv6 sessions");
	return R_REBUILD | R_REDRAW;
}

/* E: only the sessions that failed (session_is_failure()), or all again. */
static unsigned act_failures(struct ui_state *st)
{
	filter_set_failures(&st->filter, !st->filter.failures);
	if (st->filter.failures)
		ui_state_msg(st, MSG_INFO, "only failed sessions: resets, refusals, timeouts, "
			     "unreachable, abandoned connects (E again: all)");
	else
		ui_state_msg(st, MSG_INFO, "failed and orderly sessions");
	return R_REBUILD | R_REDRAW;
}

static unsigned act_ipv4(struct ui_state *st) { return toggle_family(st, AF_INET); }
static unsigned act_ipv6(struct ui_state *st) { return toggle_family(st, AF_INET6); }

static unsigned act_clear(struct ui_state *st)
{
	if (filter_is_empty(&st->filter)) {
		ui_state_msg(st, MSG_INFO, st->kept ? "no filter to clear (Kept: is the command line's)"
						    : "no filter to clear");
		return R_REDRAW;
	}
	filter_clear(&st->filter);
	filter_init(&st->filter);
	ui_state_msg(st, MSG_INFO, st->kept ? "filters cleared: showing all that is kept"
					    : "filters cleared: showing everything");
	return R_REBUILD | R_REDRAW;
}

/* A row of one namespace's (N): its namespace too. 0 or -ENOMEM. */
static int only_row_netns(struct ui_state *st, const struct agg_row *r)
{
	if (!r->by_netns)
		return 0;
	id_set_clear(&st->filter.netns);
	return id_set_add_range(&st->filter.netns, r->netns, r->netns);
}

/* f: filter to the process, the port or the peer of a row. */
static unsigned filter_to_row(struct ui_state *st, enum view_kind kind, const void *row)
{
	char comm[FMT_COMM_ESC_LEN];

	if (!row) {
		ui_state_msg(st, MSG_WARN, "no row selected");
		return R_REDRAW;
	}
	if (kind == VIEW_PORTS) {
		const struct agg_row *r = row;

		/* The row's sessions: the port they serve (a listener's, or
		 * the remote one of an outgoing session), not any session
		 * with the number on either side (until 2026-12-06). */
		if (filter_only_service(&st->filter, r->port) || only_row_netns(st, r))
			goto nomem;
		ui_state_msg(st, MSG_INFO, "filter: service port %u%s, this row (x clears)", r->port,
			     r->by_netns ? " in its namespace" : "");
	} else if (kind == VIEW_PEERS) {
		const struct agg_row *r = row;
		char addr[FMT_ADDR_LEN];

		filter_only_peer(&st->filter, &r->raddr);
		if (only_row_netns(st, r))
			goto nomem;
		if (fmt_addr(&r->raddr, AF_INET6, addr, sizeof(addr)) < 0)
			snprintf(addr, sizeof(addr), "?");
		ui_state_msg(st, MSG_INFO, "filter: peer %s%s, this row (x clears)", addr,
			     r->by_netns ? " in its namespace" : "");
	} else {
		uint32_t pid;
		bool any_name = false;

		if (kind == VIEW_SESSIONS) {
			const struct session *s = row;

			pid = s->pid;
			fmt_comm_escape(s->comm, comm, sizeof(comm));
		} else {
			const struct agg_row *r = row;

			pid = r->pid;
			/* a row per pid (H): the pid, under any name */
			any_name = r->kind == AGG_PID;
			if (any_name)
				comm[0] = '\0';
			else
				fmt_comm_escape(r->comm, comm, sizeof(comm));
		}
		/* The process as its row is: pid and name (until 2026-12-06 the
		 * pid alone, which took in the rows of the same pid under
		 * another name, after an exec); a row per pid (H): the pid
		 * alone; no owner: pid 0, no name. */
		if (filter_only_process(&st->filter, pid, comm) == -ENOMEM)
			goto nomem;
		if (any_name)
			ui_state_msg(st, MSG_INFO, "filter: pid %u, any name (x clears)", pid);
		else if (!pid && !comm[0])
			ui_state_msg(st, MSG_INFO, "filter: sessions of no known process, pid 0 "
				     "(x clears)");
		else
			ui_state_msg(st, MSG_INFO, "filter: pid %u (%s) (x clears)", pid, comm);
	}
	return R_REBUILD | R_REDRAW;
nomem:
	ui_state_msg(st, MSG_ERROR, "out of memory");
	return R_REDRAW;
}

static unsigned act_filter_row(struct ui_state *st)
{
	return filter_to_row(st, st->view, ui_state_selected(st));
}

/* ---- display --------------------------------------------------------------- */

static unsigned act_wide(struct ui_state *st)
{
	bool mine;

	ui_state_set_wide(st, !st->wide);
	mine = UI_VS(st)->custom;
	if (st->wide)
		ui_state_msg(st, MSG_INFO, "wide: %s, full addresses (w: narrow)",
			     mine ? "the columns you chose" : "every column");
	else
		ui_state_msg(st, MSG_INFO, "narrow: %s (w: wide)",
			     mine ? "the columns you chose" : "default columns");
	return R_REDRAW;
}

static unsigned act_columns(struct ui_state *st)
{
	st->chooser_sel = 0;
	st->mode = MODE_COLUMNS;
	return R_REDRAW;
}

static unsigned act_detail(struct ui_state *st) { return ui_state_open_detail(st); }

static unsigned act_pause(struct ui_state *st)
{
	st->paused = !st->paused;
	if (st->paused)
		ui_state_msg(st, MSG_INFO, "paused: sessions are still collected; Space resumes");
	else
		ui_state_msg(st, MSG_INFO, "resumed");
	return R_PAUSE | R_REDRAW | (st->paused ? 0 : R_REBUILD);
}

static unsigned act_help(struct ui_state *st)
{
	st->overlay_scroll = 0;
	st->mode = MODE_HELP;
	return R_REDRAW;
}

static unsigned act_messages(struct ui_state *st)
{
	st->overlay_scroll = 0;
	st->mode = MODE_MESSAGES;
	return R_REDRAW;
}

static unsigned act_redraw(struct ui_state *st) { return R_CLEAR | R_REDRAW; }
static unsigned act_quit(struct ui_state *st) { return R_QUIT; }
static unsigned act_resize(struct ui_state *st) { return R_RESIZE | R_REDRAW; }

#define B(k, label, help, sect, fn) { k, label, help, sect, fn }
#define ALIAS(k, fn) { k, NULL, NULL, NULL, fn }

static const struct ui_binding normal_keys[] = {
	B(UK_TAB, "Tab S-Tab", "next / previous view", "Views", act_next_view),
	ALIAS(UK_BTAB, act_prev_view),
	B('1', "1 2 3 P", "Sessions, Processes, Ports, Peers (remote hosts)", "Views", act_view1),
	ALIAS('2', act_view2),
	ALIAS('3', act_view3),
	ALIAS('P', act_view4),
	B('O', "O", "Open: the TCP sessions open now, payload so far and age (looked at every "
	  "second)", "Views", act_open),
	B('H', "H", "Processes: one row per PID, its threads' names merged (again: per name)",
	  "Views", act_by_pid),
	B('N', "N", "Ports, Peers: a row per network namespace (again: added up)", "Views",
	  act_by_netns),
	B(UK_ENTER, "Enter", "details of the selected row (double-click too)", "Views", act_detail),
	ALIAS('\r', act_detail),

	B(UK_UP, "Up Down", "select the previous / next row", "Moving", act_up),
	ALIAS(UK_DOWN, act_down),
	B(UK_PGUP, "PgUp PgDn", "a page up / down", "Moving", act_pgup),
	ALIAS(UK_PGDN, act_pgdn),
	B(UK_HOME, "Home", "first row (sessions by TIME reversed: follow the newest)", "Moving",
	  act_home),
	B(UK_END, "End", "last row (sessions by TIME: follow the newest)", "Moving", act_end),
	B(UK_LEFT, "Left Right", "scroll columns sideways", "Moving", act_left),
	ALIAS(UK_RIGHT, act_right),

	B(UK_F(6), "F6 >", "sort by the next column", "Sorting", act_sort_next),
	ALIAS('>', act_sort_next),
	B('<', "<", "sort by the previous column", "Sorting", act_sort_prev),
	B('I', "I r", "invert the sort order", "Sorting", act_invert),
	ALIAS('r', act_invert),

	B('p', "p", "filter by PIDs: 123,200-300 (empty: any)", "Filters", act_pids),
	B('o', "o", "filter by ports on either side: 80,443", "Filters", act_ports),
	B('l', "l", "filter by local ports", "Filters", act_lports),
	B('d', "d", "filter by remote ports", "Filters", act_rports),
	B('n', "n", "filter by network namespaces: inode, /proc/PID/ns/net, ip-netns name",
	  "Filters", act_netns),
	B('c', "c F4", "filter by process name (substring)", "Filters", act_comm),
	ALIAS(UK_F(4), act_comm),
	B('/', "/ F3", "search names, addresses and ports", "Filters", act_search),
	ALIAS(UK_F(3), act_search),
	B('4', "4 6", "only IPv4 / only IPv6 (again: both)", "Filters", act_ipv4),
	ALIAS('6', act_ipv6),
	B('E', "E", "only failed sessions: resets, refusals, timeouts... (again: all)", "Filters",
	  act_failures),
	B('f', "f", "only the selected row's process (or port, or peer)", "Filters",
	  act_filter_row),
	B('x', "x F9", "clear the filters set by keys", "Filters", act_clear),
	ALIAS(UK_F(9), act_clear),

	B(' ', "Space F5", "pause / resume the display (collection goes on)", "Display",
	  act_pause),
	ALIAS(UK_F(5), act_pause),
	B('w', "w F7", "wide: every column, full addresses", "Display", act_wide),
	ALIAS(UK_F(7), act_wide),
	B('C', "C F2", "choose columns", "Display", act_columns),
	ALIAS(UK_F(2), act_columns),
	B(UK_CTRL_L, "Ctrl-L", "repaint the screen", "Display", act_redraw),

	B('e', "e F8", "export the view to CSV (all rows, this sort, these filters)", "Other",
	  act_export),
	ALIAS(UK_F(8), act_export),
	B('m', "m", "recent messages", "Other", act_messages),
	B('?', "? h F1", "this help", "Other", act_help),
	ALIAS('h', act_help),
	ALIAS(UK_F(1), act_help),
	B('q', "q F10", "quit (Ctrl-C too)", "Other", act_quit),
	ALIAS(UK_F(10), act_quit),
	ALIAS(UK_RESIZE, act_resize),
};

/* ---- help and messages ---------------------------------------------------- */

static unsigned act_overlay_close(struct ui_state *st)
{
	st->mode = MODE_NORMAL;
	return R_REDRAW;
}

static unsigned scroll_overlay(size_t *scroll, long delta)
{
	if (delta < 0)
		*scroll = (size_t)-delta > *scroll ? 0 : *scroll - (size_t)-delta;
	else
		*scroll = *scroll > SIZE_MAX - (size_t)delta ? SIZE_MAX
							     : *scroll + (size_t)delta;	/* the drawing clamps */
	return R_REDRAW;
}

/* The scroll offset of the panel shown: a row's details, or the help's
 * and the messages'. */
static size_t *panel_scroll(struct ui_state *st)
{
	return st->mode == MODE_DETAIL ? &st->detail_scroll : &st->overlay_scroll;
}

static unsigned act_pan_up(struct ui_state *st) { return scroll_overlay(panel_scroll(st), -1); }
static unsigned act_pan_down(struct ui_state *st) { return scroll_overlay(panel_scroll(st), 1); }
static unsigned act_pan_pgup(struct ui_state *st)
{
	return scroll_overlay(panel_scroll(st), -page_rows(st));
}
static unsigned act_pan_pgdn(struct ui_state *st)
{
	return scroll_overlay(panel_scroll(st), page_rows(st));
}
static unsigned act_pan_home(struct ui_state *st)
{
	*panel_scroll(st) = 0;
	return R_REDRAW;
}
static unsigned act_pan_end(struct ui_state *st)
{
	*panel_scroll(st) = SIZE_MAX;	/* the drawing clamps it to the last page */
	return R_REDRAW;
}

/* A panel's scrolling keys, the same in the help and in the details. */
#define PANEL_SCROLL_KEYS						\
	B(UK_UP, "Up Down PgUp PgDn Home End", "scroll", NULL, act_pan_up), \
	ALIAS(UK_DOWN, act_pan_down),					\
	ALIAS(UK_PGUP, act_pan_pgup),					\
	ALIAS(UK_PGDN, act_pan_pgdn),					\
	ALIAS(UK_HOME, act_pan_home),					\
	ALIAS(UK_END, act_pan_end)

static const struct ui_binding help_keys[] = {
	PANEL_SCROLL_KEYS,
	B(UK_F(10), "F10", "quit", NULL, act_quit),
	ALIAS(UK_RESIZE, act_resize),
	ALIAS(UK_CTRL_L, act_redraw),
	/* any other key closes */
};

/* ---- detail panel ---------------------------------------------------------- */

static unsigned act_dt_filter(struct ui_state *st)
{
	const void *row = st->detail_kind == VIEW_SESSIONS ? (const void *)&st->detail_sess
							   : (const void *)&st->detail_agg;

	st->mode = MODE_NORMAL;
	return filter_to_row(st, st->detail_kind, row);
}

static const struct ui_binding detail_keys[] = {
	PANEL_SCROLL_KEYS,
	B('f', "f", "filter to this process, port or peer", NULL, act_dt_filter),
	B(UK_ESC, "Esc Enter q", "close", NULL, act_overlay_close),
	ALIAS(UK_ENTER, act_overlay_close),
	ALIAS('\r', act_overlay_close),
	ALIAS('q', act_overlay_close),
	ALIAS(UK_LEFT, act_overlay_close),
	ALIAS(UK_BACKSPACE, act_overlay_close),
	B(UK_F(10), "F10", "quit", NULL, act_quit),
	ALIAS(UK_RESIZE, act_resize),
	ALIAS(UK_CTRL_L, act_redraw),
};

/* ---- column chooser -------------------------------------------------------- */

static unsigned act_ch_up(struct ui_state *st)
{
	if (st->chooser_sel)
		st->chooser_sel--;
	return R_REDRAW;
}

static unsigned act_ch_down(struct ui_state *st)
{
	size_t n;

	columns_for(st->view, &n);
	if (st->chooser_sel + 1 < n)
		st->chooser_sel++;
	return R_REDRAW;
}

static unsigned act_ch_toggle(struct ui_state *st)
{
	struct ui_view_state *vs = cur(st);
	const struct column *cols;
	size_t i, n, shown = 0;
	enum col_id id;

	cols = columns_for(st->view, &n);
	if (st->chooser_sel >= n)
		return R_NONE;
	ui_state_choose_columns(st);
	id = cols[st->chooser_sel].id;
	for (i = 0; i < n; i++)
		shown += vs->colvis[cols[i].id];
	if (vs->colvis[id] && shown == 1) {
		ui_state_msg(st, MSG_WARN, "at least one column stays visible");
		return R_REDRAW;
	}
	/* a summary's rows without what names them could not be told apart
	 * (until 2026-12-07 Peers' RADDR could be hidden) */
	if (vs->colvis[id] && ui_state_col_names_rows(st, id)) {
		ui_state_msg(st, MSG_WARN, "%s names the rows: it stays shown",
			     cols[st->chooser_sel].title);
		return R_REDRAW;
	}
	vs->colvis[id] = !vs->colvis[id];
	vs->hscroll = 0;
	return R_REDRAW;
}

/* The columns tcpscope picks again (for the width; all in wide mode). */
static unsigned act_ch_defaults(struct ui_state *st)
{
	ui_state_default_columns(st);
	ui_state_msg(st, MSG_INFO, "%s: the default columns", st->wide ? "wide" : "narrow");
	return R_REDRAW;
}

static const struct ui_binding columns_keys[] = {
	B(UK_UP, "Up Down", "select a column", NULL, act_ch_up),
	ALIAS(UK_DOWN, act_ch_down),
	B(' ', "Space Enter", "show / hide it", NULL, act_ch_toggle),
	ALIAS(UK_ENTER, act_ch_toggle),
	ALIAS('\r', act_ch_toggle),
	B('d', "d", "the default columns again", NULL, act_ch_defaults),
	B(UK_ESC, "Esc q F2 C", "close", NULL, act_overlay_close),
	ALIAS('q', act_overlay_close),
	ALIAS(UK_F(2), act_overlay_close),
	ALIAS('C', act_overlay_close),
	B(UK_F(10), "F10", "quit", NULL, act_quit),
	ALIAS(UK_RESIZE, act_resize),
	ALIAS(UK_CTRL_L, act_redraw),
};

/* ---- prompt ---------------------------------------------------------------- */

static const char *prompt_what(enum ui_prompt_kind k)
{
	switch (k) {
	case PK_PIDS: return "pid";
	case PK_PORTS: return "port";
	case PK_LPORTS: return "local port";
	case PK_RPORTS: return "remote port";
	case PK_NETNS: return "netns";
	case PK_COMM: return "process name";
	case PK_SEARCH: return "search";
	default: return "";
	}
}

static struct id_set *prompt_set(struct ui_state *st)
{
	switch (st->pkind) {
	case PK_PIDS: return &st->filter.pids;
	case PK_PORTS: return &st->filter.ports;
	case PK_LPORTS: return &st->filter.lports;
	case PK_RPORTS: return &st->filter.rports;
	case PK_NETNS: return &st->filter.netns;
	default: return NULL;
	}
}

/* Live text filters (comm, search) follow every edit. */
static unsigned set_text_filter(struct ui_state *st, const char *text)
{
	int err = st->pkind == PK_COMM ? filter_set_comm(&st->filter, text)
				       : filter_set_search(&st->filter, text);

	if (err) {
		ui_state_msg(st, MSG_ERROR, "%s: at most %d characters", prompt_what(st->pkind),
			     FILTER_TEXT_LEN - 1);
		return R_REDRAW;
	}
	return R_REBUILD | R_REDRAW;
}

static unsigned prompt_done(struct ui_state *st)
{
	const char *text = st->prompt.text;
	struct id_set *set = prompt_set(st), tmp;
	char err[160];
	int rc;

	while (*text == ' ')
		text++;
	if (set) {
		id_set_init(&tmp);
		if (*text) {
			rc = st->pkind == PK_PIDS ? filter_parse_pids(text, &tmp, err, sizeof(err)) :
			     st->pkind == PK_NETNS ? filter_parse_netns(text, &tmp, err, sizeof(err)) :
						     filter_parse_ports(text, &tmp, err, sizeof(err));
			if (rc) {
				id_set_clear(&tmp);
				ui_state_msg(st, MSG_ERROR, "%s (Esc cancels)", err);
				return R_REDRAW;	/* stay in the prompt to fix it */
			}
		}
		id_set_clear(set);
		*set = tmp;
		st->mode = MODE_NORMAL;
		if (*text)
			ui_state_msg(st, MSG_INFO, "filter: %s %s", prompt_what(st->pkind), text);
		else
			ui_state_msg(st, MSG_INFO, "%s filter cleared", prompt_what(st->pkind));
		return R_REBUILD | R_REDRAW;
	}
	if (st->pkind == PK_COMM || st->pkind == PK_SEARCH) {
		unsigned r = set_text_filter(st, st->prompt.text);

		if (!(r & R_REBUILD))
			return r;
		st->mode = MODE_NORMAL;
		/* Say what now holds, as the list filters do: an older message
		 * ("filters cleared") must not stay up beside it. */
		if (*text)
			ui_state_msg(st, MSG_INFO, "%s: %s (%sx clears)", prompt_what(st->pkind),
				     st->pkind == PK_COMM ? st->filter.comm : st->prompt.text,
				     st->pkind == PK_SEARCH && st->filter.search_exact ?
				     "this address exactly; " : "");
		else
			ui_state_msg(st, MSG_INFO, "%s filter cleared", prompt_what(st->pkind));
		return r;
	}
	if (st->pkind == PK_EXPORT) {
		if (!*text) {
			st->mode = MODE_NORMAL;
			ui_state_msg(st, MSG_INFO, "export cancelled");
			return R_REDRAW;
		}
		/* Spaces around the name are dropped, at its end too (until
		 * 2026-12-06 only at its start: "x.csv " made a file whose
		 * name ended in a space). */
		size_t len = strlen(text);

		while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
			len--;
		snprintf(st->export_path, sizeof(st->export_path), "%.*s", (int)len, text);
		st->mode = MODE_NORMAL;
		return R_EXPORT | R_REDRAW;
	}
	st->mode = MODE_NORMAL;
	return R_REDRAW;
}

static unsigned prompt_key(struct ui_state *st, int key)
{
	switch (ui_prompt_key(&st->prompt, key)) {
	case PROMPT_DONE:
		return prompt_done(st);
	case PROMPT_CANCEL:
		st->mode = MODE_NORMAL;
		if (st->pkind == PK_COMM || st->pkind == PK_SEARCH)
			return set_text_filter(st, st->prompt_saved);
		/* A new message disarms an export's "The file exists: Enter
		 * replaces it" (until 2026-12-06 it stayed, and the next export
		 * to that name replaced the file without asking). */
		if (st->pkind == PK_EXPORT)
			ui_state_msg(st, MSG_INFO, "export cancelled");
		return R_REDRAW;
	case PROMPT_CHANGED:
		if (st->pkind == PK_COMM || st->pkind == PK_SEARCH)
			return set_text_filter(st, st->prompt.text);
		return R_REDRAW;
	case PROMPT_EDITING:
		return R_REDRAW;
	case PROMPT_FULL:
		ui_state_msg(st, MSG_ERROR, "too long: at most %d bytes; what did not fit was dropped",
			     UI_PROMPT_LEN - 1);
		return R_REDRAW;
	case PROMPT_REFUSED:
		ui_state_msg(st, MSG_ERROR, "not applied: the text was cut at %d bytes; shorten it "
			     "or Esc", UI_PROMPT_LEN - 1);
		return R_REDRAW;
	case PROMPT_IGNORED:
	default:
		if (key == UK_RESIZE)
			return R_RESIZE | R_REDRAW;
		if (key == UK_CTRL_L)
			return R_CLEAR | R_REDRAW;
		return R_NONE;
	}
}

/* ---- dispatch -------------------------------------------------------------- */

const struct ui_binding *ui_keys_table(enum ui_mode mode, size_t *n)
{
	switch (mode) {
	case MODE_NORMAL:
		*n = ARRAY_LEN(normal_keys);
		return normal_keys;
	case MODE_HELP:
	case MODE_MESSAGES:
		*n = ARRAY_LEN(help_keys);
		return help_keys;
	case MODE_DETAIL:
		*n = ARRAY_LEN(detail_keys);
		return detail_keys;
	case MODE_COLUMNS:
		*n = ARRAY_LEN(columns_keys);
		return columns_keys;
	default:
		*n = 0;
		return NULL;
	}
}

unsigned ui_keys_handle(struct ui_state *st, int key)
{
	const struct ui_binding *t;
	size_t i, n;

	if (st->mode == MODE_PROMPT)
		return prompt_key(st, key);
	t = ui_keys_table(st->mode, &n);
	for (i = 0; i < n; i++)
		if (t[i].key == key)
			return t[i].action(st);
	if (st->mode == MODE_HELP || st->mode == MODE_MESSAGES)
		return act_overlay_close(st);	/* any other key closes, like htop */
	return R_NONE;
}

const char *ui_key_name(int key, char *buf, size_t len)
{
	static const struct { int key; const char *name; } names[] = {
		{ UK_UP, "Up" }, { UK_DOWN, "Down" }, { UK_LEFT, "Left" }, { UK_RIGHT, "Right" },
		{ UK_PGUP, "PgUp" }, { UK_PGDN, "PgDn" }, { UK_HOME, "Home" }, { UK_END, "End" },
		{ UK_DELETE, "Delete" }, { UK_BTAB, "S-Tab" }, { UK_RESIZE, "Resize" },
		{ UK_TAB, "Tab" }, { UK_ENTER, "Enter" }, { '\r', "Enter" }, { UK_ESC, "Esc" },
		{ UK_BACKSPACE, "Backspace" }, { ' ', "Space" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].key == key) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	if (key >= UK_F(1) && key <= UK_F12)
		snprintf(buf, len, "F%d", key - UK_F1 + 1);
	else if (key > 0 && key < 0x20)
		snprintf(buf, len, "Ctrl-%c", '@' + key);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "U+%04X", key);
	return buf;
}
