// SPDX-License-Identifier: GPL-2.0
/*
 * Keys without a terminal: every action changes struct ui_state and returns
 * a reaction mask; no curses call is made (ui/keys.c, ui/state.c,
 * ui/prompt.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/columns.h"
#include "core/filter.h"
#include "ui/keys.h"
#include "ui/prompt.h"
#include "ui/state.h"
#include "ui/status.h"

#define NSESS 300

static struct session sess[NSESS];
static const void *sess_rows[NSESS];
static struct agg_row procs[8];
static const void *proc_rows[8];
static struct agg_row ports[8];
static const void *port_rows[8];

static void make_rows(void)
{
	size_t i;

	memset(sess, 0, sizeof(sess));
	for (i = 0; i < NSESS; i++) {
		sess[i].end_ns = 1000000000ull * (i + 1);
		sess[i].pid = 100 + (uint32_t)(i % 7);
		sess[i].lport = (uint16_t)(40000 + i);
		sess[i].rport = (uint16_t)(i % 2 ? 443 : 80);
		sess[i].family = i % 3 ? AF_INET : AF_INET6;
		sess[i].dir = DIR_OUT;
		snprintf(sess[i].comm, sizeof(sess[i].comm), "proc%zu", i % 7);
		sess_rows[i] = &sess[i];
	}
	memset(procs, 0, sizeof(procs));
	memset(ports, 0, sizeof(ports));
	for (i = 0; i < 8; i++) {
		procs[i].kind = AGG_PROC;
		procs[i].pid = 500 + (uint32_t)i;
		snprintf(procs[i].comm, sizeof(procs[i].comm), "p%zu", i);
		procs[i].sessions = 10 - i;
		proc_rows[i] = &procs[i];
		ports[i].kind = AGG_PORT;
		ports[i].port = (uint16_t)(8000 + i);
		ports[i].sessions = 10 - i;
		port_rows[i] = &ports[i];
	}
}

/* Give the state the rows of its current view, as the loop does after a rebuild. */
static void feed(struct ui_state *st, size_t n)
{
	switch (st->view) {
	case VIEW_SESSIONS:
		ui_state_set_rows(st, sess_rows, n, false);
		break;
	case VIEW_PROCS:
		ui_state_set_rows(st, proc_rows, n > 8 ? 8 : n, false);
		break;
	default:
		ui_state_set_rows(st, port_rows, n > 8 ? 8 : n, false);
	}
}

static int setup(void **state)
{
	struct ui_state *st = calloc(1, sizeof(*st));

	make_rows();
	assert_non_null(st);
	assert_int_equal(ui_state_init(st, false, true, NULL), 0);
	ui_state_set_size(st, 24, 80);
	feed(st, 100);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	ui_state_fini(*state);
	free(*state);
	return 0;
}

static unsigned keys(struct ui_state *st, const char *text)
{
	unsigned r = 0;

	for (; *text; text++)
		r |= ui_keys_handle(st, (unsigned char)*text);
	return r;
}

/* ---- initial state ---------------------------------------------------------- */

static void test_initial_state(void **state)
{
	struct ui_state *st = *state;
	const struct column *c;
	size_t i, n;

	assert_int_equal(st->view, VIEW_SESSIONS);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_int_equal(st->vs[VIEW_SESSIONS].sort.col, COL_TIME);
	assert_false(st->vs[VIEW_SESSIONS].sort.descending);
	assert_int_equal(st->vs[VIEW_PROCS].sort.col, COL_SESSIONS);
	assert_true(st->vs[VIEW_PROCS].sort.descending);
	/* follow mode: the newest session (the last row) is selected */
	assert_true(st->vs[VIEW_SESSIONS].follow);
	assert_int_equal(st->vs[VIEW_SESSIONS].sel, 99);
	assert_ptr_equal(ui_state_selected(st), &sess[99]);
	/* narrow columns */
	c = columns_for(VIEW_SESSIONS, &n);
	for (i = 0; i < n; i++)
		assert_int_equal(st->vs[VIEW_SESSIONS].colvis[c[i].id], c[i].narrow);
	/* 80x24: 17 data rows */
	assert_false(st->lay.too_small);
	assert_int_equal(st->lay.rows_h, 17);
	assert_int_equal(st->lay.fnbar_y, 23);
	assert_int_equal(st->lay.status_y, 22);
}

/* ---- views ------------------------------------------------------------------- */

static void test_view_switch(void **state)
{
	struct ui_state *st = *state;
	unsigned r;

	r = ui_keys_handle(st, UK_TAB);
	assert_int_equal(st->view, VIEW_PROCS);
	assert_true(r & R_REBUILD);
	assert_true(r & R_REDRAW);
	r = ui_keys_handle(st, UK_TAB);
	assert_int_equal(st->view, VIEW_PORTS);
	r = ui_keys_handle(st, UK_TAB);
	assert_int_equal(st->view, VIEW_PEERS);
	r = ui_keys_handle(st, UK_TAB);
	assert_int_equal(st->view, VIEW_SESSIONS);
	ui_keys_handle(st, UK_BTAB);
	assert_int_equal(st->view, VIEW_PEERS);
	ui_keys_handle(st, UK_BTAB);
	assert_int_equal(st->view, VIEW_PORTS);
	/* P shows Peers; 4 stays the IPv4 filter */
	ui_keys_handle(st, 'P');
	assert_int_equal(st->view, VIEW_PEERS);
	ui_keys_handle(st, '4');
	assert_int_equal(st->view, VIEW_PEERS);
	assert_int_equal(st->filter.family, AF_INET);
	ui_keys_handle(st, '4');
	assert_int_equal(st->filter.family, 0);
	ui_keys_handle(st, '2');
	assert_int_equal(st->view, VIEW_PROCS);
	/* the same view again: nothing to do */
	r = ui_keys_handle(st, '2');
	assert_int_equal(r, R_NONE);
	ui_keys_handle(st, '3');
	assert_int_equal(st->view, VIEW_PORTS);
	r = ui_keys_handle(st, '1');
	assert_int_equal(st->view, VIEW_SESSIONS);
	assert_true(r & R_REBUILD);
	/* rows of the old view are dropped until the loop rebuilds */
	assert_null(ui_state_selected(st));
}

static void test_per_view_selection_kept(void **state)
{
	struct ui_state *st = *state;

	ui_keys_handle(st, '2');
	feed(st, 8);
	ui_keys_handle(st, UK_DOWN);
	ui_keys_handle(st, UK_DOWN);
	assert_ptr_equal(ui_state_selected(st), &procs[2]);
	ui_keys_handle(st, '1');
	feed(st, 100);
	ui_keys_handle(st, '2');
	feed(st, 8);
	assert_ptr_equal(ui_state_selected(st), &procs[2]);
}

/*
 * A summary shown from its top stays at its top when a row sorts in above
 * the selection (the selection keeps its process and moves down); scrolled
 * into, it holds still, the selected row at its screen line.
 */
static void test_summary_top_stays_in_view(void **state)
{
	struct ui_state *st = *state;
	struct ui_view_state *vs = &st->vs[VIEW_PROCS];
	struct agg_row newcomer = procs[0];
	const void *rows[9];
	size_t p;

	ui_keys_handle(st, '2');
	ui_state_set_size(st, 10, 80);	/* fewer screen rows than the 8 summary rows + 1 */
	p = (size_t)st->lay.rows_h;
	assert_true(p >= 2 && p < 8);
	feed(st, 8);
	ui_keys_handle(st, UK_HOME);
	assert_ptr_equal(ui_state_selected(st), &procs[0]);
	/* a busier process sorts in first */
	newcomer.pid = 999;
	newcomer.sessions = 50;
	rows[0] = &newcomer;
	for (size_t i = 0; i < 8; i++)
		rows[i + 1] = proc_rows[i];
	ui_state_set_rows(st, rows, 9, false);
	assert_ptr_equal(ui_state_selected(st), &procs[0]);
	assert_int_equal(vs->sel, 1);
	assert_int_equal(vs->top, 0);	/* the newcomer is on the screen, not "1 above" */
	/* the selection at the screen's last line: pushed down, the screen follows it */
	ui_state_set_rows(st, proc_rows, 8, false);
	ui_state_select(st, p - 1);
	assert_int_equal(vs->top, 0);
	ui_state_set_rows(st, rows, 9, false);
	assert_ptr_equal(ui_state_selected(st), &procs[p - 1]);
	assert_int_equal(vs->sel, p);
	assert_int_equal(vs->top, 1);
	/* scrolled into: the selected row holds its screen line */
	ui_state_set_rows(st, proc_rows, 8, false);
	ui_state_select(st, 7);
	assert_true(vs->top > 0);
	size_t line = vs->sel - vs->top;

	ui_state_set_rows(st, rows, 9, false);
	assert_ptr_equal(ui_state_selected(st), &procs[7]);
	assert_int_equal(vs->sel - vs->top, line);
}

/* ---- sort --------------------------------------------------------------------- */

static void test_sort_move_and_invert(void **state)
{
	struct ui_state *st = *state;
	struct ui_view_state *vs = &st->vs[VIEW_SESSIONS];
	unsigned r;

	r = ui_keys_handle(st, '>');
	assert_true(r & R_REBUILD);
	assert_int_equal(vs->sort.col, COL_PID);	/* next visible column after TIME */
	assert_false(vs->sort.descending);		/* PIDs ascend by default */
	assert_false(vs->follow);			/* no following unless sorted by time */
	ui_keys_handle(st, UK_F(6));
	assert_int_equal(vs->sort.col, COL_COMM);
	ui_keys_handle(st, '>');
	ui_keys_handle(st, '>');
	ui_keys_handle(st, '>');
	assert_int_equal(vs->sort.col, COL_RPORT);
	ui_keys_handle(st, '>');
	assert_int_equal(vs->sort.col, COL_TX_BYTES);
	assert_true(vs->sort.descending);		/* amounts descend by default */
	ui_keys_handle(st, '<');
	assert_int_equal(vs->sort.col, COL_RPORT);
	/* wraps around: TIME is the first visible column, DUR the last */
	ui_keys_handle(st, UK_F(6));
	ui_keys_handle(st, UK_F(6));
	ui_keys_handle(st, UK_F(6));
	assert_int_equal(vs->sort.col, COL_DURATION);
	ui_keys_handle(st, '>');
	assert_int_equal(vs->sort.col, COL_TIME);
	assert_true(vs->follow);
	ui_keys_handle(st, '<');
	assert_int_equal(vs->sort.col, COL_DURATION);

	r = ui_keys_handle(st, 'I');
	assert_true(r & R_REBUILD);
	assert_false(vs->sort.descending);
	assert_string_equal(st->msg, "sorted by DUR, ascending");
	ui_keys_handle(st, 'r');
	assert_true(vs->sort.descending);
	assert_string_equal(st->msg, "sorted by DUR, descending");
	/* a sort is per view */
	ui_keys_handle(st, '3');
	assert_int_equal(st->vs[VIEW_PORTS].sort.col, COL_SESSIONS);
	ui_keys_handle(st, 'I');
	assert_false(st->vs[VIEW_PORTS].sort.descending);
	assert_int_equal(vs->sort.col, COL_DURATION);
}

static void test_sort_by_time_descending_follows_top(void **state)
{
	struct ui_state *st = *state;
	struct ui_view_state *vs = &st->vs[VIEW_SESSIONS];

	ui_keys_handle(st, 'I');
	assert_true(vs->sort.descending);
	assert_true(ui_state_newest_on_top(st));
	feed(st, 100);
	assert_int_equal(vs->sel, 0);
	assert_true(vs->follow);
}

/* ---- filters through the prompt ---------------------------------------------- */

static unsigned type_line(struct ui_state *st, const char *text)
{
	unsigned r = 0;

	/* clear what the prompt was pre-filled with */
	r |= ui_keys_handle(st, UK_CTRL_U);
	r |= ui_keys_handle(st, UK_END);
	r |= ui_keys_handle(st, UK_CTRL_U);
	r |= keys(st, text);
	return r;
}

static void test_filter_pids(void **state)
{
	struct ui_state *st = *state;
	unsigned r;

	r = ui_keys_handle(st, 'p');
	assert_int_equal(st->mode, MODE_PROMPT);
	assert_int_equal(st->pkind, PK_PIDS);
	assert_true(r & R_REDRAW);
	assert_false(r & R_REBUILD);
	r = type_line(st, "123,200-300");
	assert_false(r & R_REBUILD);	/* numbers apply on Enter */
	r = ui_keys_handle(st, UK_ENTER);
	assert_true(r & R_REBUILD);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_true(id_set_contains(&st->filter.pids, 123));
	assert_true(id_set_contains(&st->filter.pids, 250));
	assert_false(id_set_contains(&st->filter.pids, 124));
	assert_non_null(strstr(st->msg, "pid"));

	/* the prompt shows the current list again */
	ui_keys_handle(st, 'p');
	assert_string_equal(st->prompt.text, "123,200-300");
	/* a bad list: the error is in the status line, the prompt stays, nothing changes */
	type_line(st, "12x");
	r = ui_keys_handle(st, UK_ENTER);
	assert_false(r & R_REBUILD);
	assert_int_equal(st->mode, MODE_PROMPT);
	assert_int_equal(st->msg_level, MSG_ERROR);
	assert_true(id_set_contains(&st->filter.pids, 123));
	/* Esc cancels */
	r = ui_keys_handle(st, UK_ESC);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_true(id_set_contains(&st->filter.pids, 123));
	/* an empty list clears that filter */
	ui_keys_handle(st, 'p');
	type_line(st, "");
	r = ui_keys_handle(st, UK_ENTER);
	assert_true(r & R_REBUILD);
	assert_true(id_set_is_empty(&st->filter.pids));
	assert_true(filter_is_empty(&st->filter));
}

/* n: network namespaces, by number or by path, applied on Enter; a path
 * that is not one is refused where it was typed. */
static void test_filter_netns(void **state)
{
	struct ui_state *st = *state;
	struct stat sb;
	unsigned r;

	assert_int_equal(stat("/proc/self/ns/net", &sb), 0);
	/* with none set, the prompt offers the selected session's (the newest) */
	sess[99].netns = 4026532999u;
	r = ui_keys_handle(st, 'n');
	assert_string_equal(st->prompt.text, "4026532999");
	ui_keys_handle(st, UK_ESC);
	assert_true(filter_is_empty(&st->filter));
	sess[99].netns = 0;	/* not known: nothing offered */
	ui_keys_handle(st, 'n');
	assert_string_equal(st->prompt.text, "");
	ui_keys_handle(st, UK_ESC);
	r = ui_keys_handle(st, 'n');
	assert_int_equal(st->mode, MODE_PROMPT);
	assert_int_equal(st->pkind, PK_NETNS);
	assert_false(r & R_REBUILD);
	type_line(st, "4026532000, /proc/self/ns/net");
	r = ui_keys_handle(st, UK_ENTER);
	assert_true(r & R_REBUILD);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_true(id_set_contains(&st->filter.netns, 4026532000u));
	assert_true(id_set_contains(&st->filter.netns, (uint32_t)sb.st_ino));
	assert_string_equal(st->msg, "filter: netns 4026532000, /proc/self/ns/net");
	/* the prompt shows the numbers again */
	ui_keys_handle(st, 'n');
	assert_non_null(strstr(st->prompt.text, "4026532000"));
	type_line(st, "/proc/self/ns/mnt");
	r = ui_keys_handle(st, UK_ENTER);
	assert_false(r & R_REBUILD);
	assert_int_equal(st->mode, MODE_PROMPT);
	assert_int_equal(st->msg_level, MSG_ERROR);
	assert_string_equal(st->msg,
			    "netns '/proc/self/ns/mnt': not a network namespace (Esc cancels)");
	assert_true(id_set_contains(&st->filter.netns, 4026532000u));
	ui_keys_handle(st, UK_ESC);
	/* x clears it with the other keys' filters */
	assert_true(ui_keys_handle(st, 'x') & R_REBUILD);
	assert_true(filter_is_empty(&st->filter));
}

static void test_filter_ports(void **state)
{
	struct ui_state *st = *state;

	ui_keys_handle(st, 'o');
	assert_int_equal(st->pkind, PK_PORTS);
	type_line(st, "80,443");
	assert_true(ui_keys_handle(st, UK_ENTER) & R_REBUILD);
	assert_true(id_set_contains(&st->filter.ports, 443));

	ui_keys_handle(st, 'l');
	assert_int_equal(st->pkind, PK_LPORTS);
	type_line(st, "8000-8010");
	ui_keys_handle(st, UK_ENTER);
	assert_true(id_set_contains(&st->filter.lports, 8005));

	ui_keys_handle(st, 'd');
	assert_int_equal(st->pkind, PK_RPORTS);
	type_line(st, "5432");
	ui_keys_handle(st, UK_ENTER);
	assert_true(id_set_contains(&st->filter.rports, 5432));

	/* out of range */
	ui_keys_handle(st, 'o');
	type_line(st, "70000");
	assert_false(ui_keys_handle(st, UK_ENTER) & R_REBUILD);
	assert_int_equal(st->msg_level, MSG_ERROR);
	ui_keys_handle(st, UK_ESC);
	assert_true(id_set_contains(&st->filter.ports, 80));

	/* x clears everything at once */
	assert_true(ui_keys_handle(st, 'x') & R_REBUILD);
	assert_true(filter_is_empty(&st->filter));
	assert_false(ui_keys_handle(st, 'x') & R_REBUILD);
	ui_keys_handle(st, 'o');
	type_line(st, "22");
	ui_keys_handle(st, UK_ENTER);
	assert_true(ui_keys_handle(st, UK_F(9)) & R_REBUILD);
	assert_true(filter_is_empty(&st->filter));
}

static void test_filter_comm_live_and_cancel(void **state)
{
	struct ui_state *st = *state;
	unsigned r;

	ui_keys_handle(st, '4');
	ui_keys_handle(st, 'x');	/* an older message, replaced when the name applies */
	assert_non_null(strstr(st->msg, "cleared"));
	ui_keys_handle(st, 'c');
	assert_int_equal(st->pkind, PK_COMM);
	r = keys(st, "ngi");
	assert_true(r & R_REBUILD);	/* text filters follow each key */
	assert_string_equal(st->filter.comm, "ngi");
	r = ui_keys_handle(st, UK_BACKSPACE);
	assert_true(r & R_REBUILD);
	assert_string_equal(st->filter.comm, "ng");
	ui_keys_handle(st, UK_ENTER);
	assert_string_equal(st->filter.comm, "ng");
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_string_equal(st->msg, "process name: ng (x clears)");

	/* Esc restores what was there before the prompt */
	ui_keys_handle(st, UK_F(4));
	keys(st, "inx");
	assert_string_equal(st->filter.comm, "nginx");
	r = ui_keys_handle(st, UK_ESC);
	assert_true(r & R_REBUILD);
	assert_string_equal(st->filter.comm, "ng");
}

static void test_search(void **state)
{
	struct ui_state *st = *state;

	ui_keys_handle(st, '/');
	assert_int_equal(st->pkind, PK_SEARCH);
	keys(st, "Db8");
	assert_string_equal(st->filter.search, "db8");	/* matched in any case */
	ui_keys_handle(st, UK_ENTER);
	assert_string_equal(st->msg, "search: Db8 (x clears)");	/* shown as typed */
	ui_keys_handle(st, UK_F(3));
	assert_string_equal(st->prompt.text, "Db8");
	ui_keys_handle(st, UK_CTRL_U);
	keys(st, "10.0");
	assert_string_equal(st->filter.search, "10.0");
	ui_keys_handle(st, UK_ENTER);
	ui_keys_handle(st, UK_F(3));
	assert_string_equal(st->prompt.text, "10.0");
	ui_keys_handle(st, UK_CTRL_U);
	assert_string_equal(st->filter.search, "");
	ui_keys_handle(st, UK_ENTER);
	assert_true(filter_is_empty(&st->filter));
}

static void test_family_toggles(void **state)
{
	struct ui_state *st = *state;

	assert_true(ui_keys_handle(st, '4') & R_REBUILD);
	assert_int_equal(st->filter.family, AF_INET);
	ui_keys_handle(st, '6');
	assert_int_equal(st->filter.family, AF_INET6);
	ui_keys_handle(st, '6');
	assert_int_equal(st->filter.family, 0);
	ui_keys_handle(st, '4');
	ui_keys_handle(st, '4');
	assert_int_equal(st->filter.family, 0);
}

/* E: only failed sessions, and again all; x clears it with the rest. */
static void test_failures_toggle(void **state)
{
	struct ui_state *st = *state;

	assert_true(ui_keys_handle(st, 'E') & R_REBUILD);
	assert_true(st->filter.failures);
	assert_non_null(strstr(st->msg, "only failed sessions"));
	ui_keys_handle(st, 'E');
	assert_false(st->filter.failures);
	assert_true(filter_is_empty(&st->filter));
	ui_keys_handle(st, 'E');
	ui_keys_handle(st, '4');
	assert_true(ui_keys_handle(st, 'x') & R_REBUILD);
	assert_false(st->filter.failures);
	assert_true(filter_is_empty(&st->filter));
}

static void test_filter_selected_row(void **state)
{
	struct ui_state *st = *state;

	/* sessions: the selected session's process */
	ui_keys_handle(st, UK_UP);
	assert_true(ui_keys_handle(st, 'f') & R_REBUILD);
	assert_true(id_set_contains(&st->filter.pids, sess[98].pid));
	assert_false(id_set_contains(&st->filter.pids, sess[98].pid + 1));
	/* processes: that pid */
	ui_keys_handle(st, '2');
	feed(st, 8);
	ui_keys_handle(st, UK_DOWN);
	ui_keys_handle(st, 'f');
	assert_true(id_set_contains(&st->filter.pids, 501));
	assert_false(id_set_contains(&st->filter.pids, sess[98].pid));
	/* and that name, whole: a row is pid and name (until 2026-12-06 the
	 * pid alone, which took in the same pid's rows under another name) */
	assert_true(st->filter.comm_exact);
	assert_true(filter_accepts_process(&st->filter, 501, ((const struct agg_row *)
							      ui_state_selected(st))->comm));
	assert_false(filter_accepts_process(&st->filter, 501, "another-name"));
	/* ports: that row, the sessions serving that port (not any with
	 * the number on either side) */
	ui_keys_handle(st, '3');
	feed(st, 8);
	ui_keys_handle(st, UK_END);
	ui_keys_handle(st, 'f');
	assert_true(id_set_contains(&st->filter.services, 8007));
	assert_int_equal(st->filter.ports.n, 0);
	/* nothing selected: a message, no change */
	ui_keys_handle(st, '2');
	feed(st, 0);
	assert_false(ui_keys_handle(st, 'f') & R_REBUILD);
	assert_int_equal(st->msg_level, MSG_WARN);
}

/* H: Processes by pid, from any view; `f` on such a row is the pid under
 * any name. */
static void test_procs_by_pid_key(void **state)
{
	struct ui_state *st = *state;
	struct agg_row merged = { .kind = AGG_PID, .pid = 4242, .comm = "http-nio", .names = 3,
				  .sessions = 6 };
	const void *rows[1] = { &merged };

	assert_false(st->procs_by_pid);
	assert_int_equal(st->view, VIEW_SESSIONS);
	assert_true(ui_keys_handle(st, 'H') & R_REBUILD);
	assert_true(st->procs_by_pid);
	assert_int_equal(st->view, VIEW_PROCS);
	assert_non_null(strstr(st->msg, "one row per PID"));
	ui_state_set_rows(st, rows, 1, false);
	assert_true(ui_keys_handle(st, 'f') & R_REBUILD);
	assert_true(id_set_contains(&st->filter.pids, 4242));
	assert_false(st->filter.comm_exact);
	assert_true(filter_accepts_process(&st->filter, 4242, "GC Thread#0"));
	assert_true(filter_accepts_process(&st->filter, 4242, "http-nio"));
	assert_false(filter_accepts_process(&st->filter, 4243, "http-nio"));
	assert_non_null(strstr(st->msg, "pid 4242, any name"));
	/* again: a row per pid and name, in the Processes view still */
	assert_true(ui_keys_handle(st, 'H') & R_REBUILD);
	assert_false(st->procs_by_pid);
	assert_int_equal(st->view, VIEW_PROCS);
	assert_non_null(strstr(st->msg, "a row per PID and name"));
}

/* N: Ports (or Peers) with a row per namespace's port or peer; `f` on
 * such a row keeps its port and its namespace; N again adds them up. */
static void test_by_netns_key(void **state)
{
	struct ui_state *st = *state;
	struct agg_row pod = { .kind = AGG_PORT, .port = 8080, .by_netns = true,
			       .netns = 4026532301u, .netns_count = 1, .sessions = 3 };
	const void *rows[1] = { &pod };
	struct session s = { .pid = 5, .family = AF_INET, .lport = 8080, .rport = 40000 };

	assert_false(st->by_netns);
	assert_true(ui_keys_handle(st, 'N') & R_REBUILD);
	assert_true(st->by_netns);
	assert_int_equal(st->view, VIEW_PORTS);	/* from Sessions: Ports */
	assert_non_null(strstr(st->msg, "a row per network namespace"));
	ui_state_set_rows(st, rows, 1, true);
	assert_true(ui_keys_handle(st, 'f') & R_REBUILD);
	assert_non_null(strstr(st->msg, "service port 8080 in its namespace"));
	s.dir = DIR_IN;
	s.netns = 4026532301u;
	assert_true(filter_accepts(&st->filter, &s));
	s.netns = 4026532388u;			/* the same port in another pod */
	assert_false(filter_accepts(&st->filter, &s));
	/* from Peers it stays in Peers; again: added up */
	ui_keys_handle(st, 'P');
	assert_true(ui_keys_handle(st, 'N') & R_REBUILD);
	assert_false(st->by_netns);
	assert_int_equal(st->view, VIEW_PEERS);
	assert_non_null(strstr(st->msg, "added up across network namespaces"));
}

/* O: the Open tab, Sessions over the sessions open now, with a sort, a
 * selection and columns of its own (the longest open first; no TIME nor
 * END at 80 columns); a row stays selected across looks by its addresses
 * and ports, as its bytes and age move; Tab goes through it. */
static void test_open_key(void **state)
{
	struct ui_state *st = *state;
	struct session a = { .pid = 7, .family = AF_INET, .lport = 40000, .rport = 5432,
			     .tx_bytes = 100, .dur_us = 9000000, .cause = CAUSE_OPEN };
	struct session b = { .pid = 8, .family = AF_INET, .lport = 40001, .rport = 5432,
			     .tx_bytes = 50, .dur_us = 1000000, .cause = CAUSE_OPEN };
	struct session a2 = a, b2 = b;
	const void *rows[2] = { &a, &b }, *rows2[2] = { &a2, &b2 };

	ui_keys_handle(st, UK_END);
	assert_true(ui_keys_handle(st, 'O') & R_REBUILD);
	assert_true(st->open_now);
	assert_int_equal(st->view, VIEW_SESSIONS);
	assert_int_equal(ui_state_tab(st), UI_TAB_OPEN);
	assert_ptr_equal(UI_VS(st), &st->vs[UI_TAB_OPEN]);
	assert_int_equal(UI_VS(st)->sort.col, COL_DURATION);
	assert_true(UI_VS(st)->sort.descending);
	assert_false(ui_state_col_shown(st, COL_TIME));
	assert_false(ui_state_col_shown(st, COL_CAUSE));
	assert_true(ui_state_col_shown(st, COL_TX_BYTES));
	/* Sessions' own state is left as it was */
	assert_int_equal(st->vs[VIEW_SESSIONS].sort.col, COL_TIME);
	assert_true(ui_state_col_shown(st, COL_DURATION));
	/* the second row selected; at the next look it moved on (bytes, age,
	 * the look's time) and sorts first: still the one selected */
	ui_state_set_rows(st, rows, 2, false);
	ui_keys_handle(st, UK_DOWN);
	assert_ptr_equal(ui_state_selected(st), &b);
	b2.tx_bytes = 5000;
	b2.dur_us = 20000000;
	b2.end_ns = 2000000000;
	a2.end_ns = 2000000000;
	rows2[0] = &b2;
	rows2[1] = &a2;
	ui_state_set_rows(st, rows2, 2, false);
	assert_ptr_equal(ui_state_selected(st), &b2);
	/* its details follow it from look to look: the payload as it is now */
	ui_keys_handle(st, UK_ENTER);
	assert_int_equal(st->mode, MODE_DETAIL);
	assert_int_equal(st->detail_sess.tx_bytes, 5000);
	b.tx_bytes = 7000;
	rows[0] = &b;
	rows[1] = &a;
	ui_state_set_rows(st, rows, 2, false);
	assert_int_equal(st->detail_sess.tx_bytes, 7000);
	ui_keys_handle(st, UK_ESC);
	assert_int_equal(st->mode, MODE_NORMAL);
	/* O again: nothing to do; Tab from Open goes to Sessions, S-Tab back */
	assert_int_equal(ui_keys_handle(st, 'O'), R_NONE);
	assert_true(ui_keys_handle(st, UK_TAB) & R_REBUILD);
	assert_false(st->open_now);
	assert_int_equal(st->view, VIEW_SESSIONS);
	assert_true(ui_keys_handle(st, UK_BTAB) & R_REBUILD);
	assert_true(st->open_now);
	/* a view's key leaves Open */
	ui_keys_handle(st, 'P');
	assert_false(st->open_now);
	assert_int_equal(ui_state_tab(st), VIEW_PEERS);
	ui_keys_handle(st, UK_TAB);
	assert_true(st->open_now);
	/* H and N show their views */
	ui_keys_handle(st, 'H');
	assert_false(st->open_now);
	assert_int_equal(st->view, VIEW_PROCS);
}

/* The command line's filter is what is kept, shown apart: the keys' filter
 * starts empty, and clearing it leaves the kept one. */
static void test_kept_filter_apart(void **state)
{
	struct ui_state st;
	struct filter f, none;

	(void)state;
	filter_init(&f);
	filter_init(&none);
	assert_int_equal(filter_parse_ports("443", &f.ports, NULL, 0), 0);
	assert_int_equal(ui_state_init(&st, true, false, &f), 0);
	assert_ptr_equal(st.kept, &f);
	assert_true(filter_is_empty(&st.filter));
	assert_true(st.wide);
	ui_keys_handle(&st, '4');
	assert_false(filter_is_empty(&st.filter));
	ui_keys_handle(&st, 'x');
	assert_true(filter_is_empty(&st.filter));
	assert_ptr_equal(st.kept, &f);
	assert_string_equal(st.msg, "filters cleared: showing all that is kept");
	ui_keys_handle(&st, 'x');
	assert_string_equal(st.msg, "no filter to clear (Kept: is the command line's)");
	assert_true(id_set_contains(&f.ports, 443));
	ui_state_fini(&st);
	/* an empty one keeps everything: nothing to show */
	assert_int_equal(ui_state_init(&st, false, false, &none), 0);
	assert_null(st.kept);
	ui_state_fini(&st);
	filter_clear(&f);
}

/* ---- pause, quit, export ------------------------------------------------------ */

static void test_pause(void **state)
{
	struct ui_state *st = *state;
	unsigned r;

	r = ui_keys_handle(st, ' ');
	assert_true(st->paused);
	assert_true(r & R_PAUSE);
	assert_false(r & R_REBUILD);
	r = ui_keys_handle(st, UK_F(5));
	assert_false(st->paused);
	assert_true(r & R_PAUSE);
	assert_true(r & R_REBUILD);
}

static void test_quit(void **state)
{
	struct ui_state *st = *state;

	assert_true(ui_keys_handle(st, 'q') & R_QUIT);
	assert_true(ui_keys_handle(st, UK_F(10)) & R_QUIT);
	/* q in a prompt is text */
	ui_keys_handle(st, 'c');
	assert_false(ui_keys_handle(st, 'q') & R_QUIT);
	ui_keys_handle(st, UK_ESC);
	/* q closes help; F10 quits from it */
	ui_keys_handle(st, '?');
	assert_int_equal(st->mode, MODE_HELP);
	assert_false(ui_keys_handle(st, 'q') & R_QUIT);
	assert_int_equal(st->mode, MODE_NORMAL);
	ui_keys_handle(st, UK_F(1));
	assert_int_equal(st->mode, MODE_HELP);
	assert_true(ui_keys_handle(st, UK_F(10)) & R_QUIT);
}

/* The messages log (m): the same line again takes its place's time, not a
 * new place (until 2026-12-06 a long paste refused key by key left a line
 * per key); a different level, or another line between, is a new one. */
static void test_messages_repeat(void **state)
{
	size_t before = ui_status_count();

	ui_status_add(MSG_ERROR, "process name: too long");
	ui_status_add(MSG_ERROR, "process name: too long");
	ui_status_add(MSG_ERROR, "process name: too long\nsecond line");	/* the same, as kept */
	assert_int_equal(ui_status_count(), before + 1);
	ui_status_add(MSG_WARN, "process name: too long");
	ui_status_add(MSG_ERROR, "process name: too long");
	ui_status_add(MSG_ERROR, "process name: too lon");
	assert_int_equal(ui_status_count(), before + 4);
	assert_string_equal(ui_status_at(before + 3, NULL, NULL), "process name: too lon");
}

static void test_export_prompt(void **state)
{
	struct ui_state *st = *state;
	unsigned r;

	st->now = 1795471200;	/* 2026-11-23 22:00:00 UTC */
	setenv("TZ", "UTC", 1);
	tzset();
	ui_keys_handle(st, '2');
	r = ui_keys_handle(st, 'e');
	assert_false(r & R_EXPORT);
	assert_int_equal(st->pkind, PK_EXPORT);
	assert_string_equal(st->prompt.text, "tcpscope-processes-20261123-220000.csv");
	r = ui_keys_handle(st, UK_ENTER);
	assert_true(r & R_EXPORT);
	assert_string_equal(st->export_path, "tcpscope-processes-20261123-220000.csv");
	/* edit the name */
	ui_keys_handle(st, UK_F(8));
	ui_keys_handle(st, UK_CTRL_U);
	keys(st, "/tmp/x.csv");
	assert_true(ui_keys_handle(st, UK_ENTER) & R_EXPORT);
	assert_string_equal(st->export_path, "/tmp/x.csv");
	/* spaces around the name are dropped, inside it kept */
	ui_keys_handle(st, 'e');
	ui_keys_handle(st, UK_CTRL_U);
	keys(st, "  a b.csv  ");
	assert_true(ui_keys_handle(st, UK_ENTER) & R_EXPORT);
	assert_string_equal(st->export_path, "a b.csv");
	/* only spaces: an empty name */
	ui_keys_handle(st, 'e');
	ui_keys_handle(st, UK_CTRL_U);
	keys(st, "   ");
	assert_false(ui_keys_handle(st, UK_ENTER) & R_EXPORT);
	assert_int_equal(st->mode, MODE_NORMAL);
	/* an empty name cancels */
	ui_keys_handle(st, 'e');
	ui_keys_handle(st, UK_CTRL_U);
	assert_false(ui_keys_handle(st, UK_ENTER) & R_EXPORT);
	assert_int_equal(st->mode, MODE_NORMAL);
	/* Esc too */
	ui_keys_handle(st, 'e');
	assert_false(ui_keys_handle(st, UK_ESC) & R_EXPORT);
}

/* ---- moving ------------------------------------------------------------------- */

static void test_scroll_bounds(void **state)
{
	struct ui_state *st = *state;
	struct ui_view_state *vs = &st->vs[VIEW_SESSIONS];

	/* at the end: Down stays */
	ui_keys_handle(st, UK_DOWN);
	assert_int_equal(vs->sel, 99);
	assert_int_equal(vs->top, 83);
	ui_keys_handle(st, UK_HOME);
	assert_int_equal(vs->sel, 0);
	assert_int_equal(vs->top, 0);
	assert_false(vs->follow);
	ui_keys_handle(st, UK_UP);
	assert_int_equal(vs->sel, 0);
	ui_keys_handle(st, UK_PGDN);
	assert_int_equal(vs->sel, 16);
	assert_int_equal(vs->top, 0);
	ui_keys_handle(st, UK_DOWN);
	assert_int_equal(vs->sel, 17);
	assert_int_equal(vs->top, 1);
	ui_keys_handle(st, UK_PGUP);
	assert_int_equal(vs->sel, 1);
	assert_int_equal(vs->top, 1);
	ui_keys_handle(st, UK_PGUP);
	assert_int_equal(vs->sel, 0);
	for (int i = 0; i < 10; i++)
		ui_keys_handle(st, UK_PGDN);
	assert_int_equal(vs->sel, 99);
	assert_true(vs->follow);	/* reaching the newest follows again */
	assert_int_equal(vs->top, 83);
	/* fewer rows than a page */
	feed(st, 5);
	assert_int_equal(vs->sel, 4);
	assert_int_equal(vs->top, 0);
	feed(st, 0);
	assert_null(ui_state_selected(st));
	assert_int_equal(ui_keys_handle(st, UK_DOWN) & R_REBUILD, 0);
}

static void test_follow_mode(void **state)
{
	struct ui_state *st = *state;
	struct ui_view_state *vs = &st->vs[VIEW_SESSIONS];
	const void **shifted;

	feed(st, 50);
	assert_int_equal(vs->sel, 49);
	/* new sessions arrive: the newest stays selected */
	feed(st, 60);
	assert_int_equal(vs->sel, 59);
	assert_ptr_equal(ui_state_selected(st), &sess[59]);
	/* scrolling up freezes the selection on that session */
	ui_keys_handle(st, UK_UP);
	ui_keys_handle(st, UK_UP);
	assert_false(vs->follow);
	assert_ptr_equal(ui_state_selected(st), &sess[57]);
	feed(st, 80);
	assert_ptr_equal(ui_state_selected(st), &sess[57]);
	/* the oldest are evicted: the same session stays selected, at the same screen line */
	size_t line = vs->sel - vs->top;

	shifted = (const void **)&sess_rows[10];
	ui_state_set_rows(st, shifted, 70, false);
	assert_ptr_equal(ui_state_selected(st), &sess[57]);
	assert_int_equal(vs->sel, 47);
	assert_int_equal(vs->sel - vs->top, line);
	/* End follows again */
	ui_keys_handle(st, UK_END);
	assert_true(vs->follow);
	feed(st, 90);
	assert_int_equal(vs->sel, 89);
	/* scrolled, then a filter leaves no row: the rows that come are followed */
	ui_keys_handle(st, UK_UP);
	assert_false(vs->follow);
	ui_state_set_rows(st, sess_rows, 0, false);
	assert_true(vs->follow);
	feed(st, 5);
	assert_int_equal(vs->sel, 4);
	feed(st, 90);
	assert_int_equal(vs->sel, 89);
	/* the selected session left the history (the oldest go): the next one
	 * in the order is selected, and the user told once; until 2026-12-06
	 * the index stayed, on another session at each refresh */
	ui_keys_handle(st, UK_HOME);
	ui_keys_handle(st, UK_DOWN);
	ui_keys_handle(st, UK_DOWN);
	assert_ptr_equal(ui_state_selected(st), &sess[2]);
	ui_state_set_rows(st, (const void **)&sess_rows[20], 30, false);
	assert_ptr_equal(ui_state_selected(st), &sess[20]);
	assert_non_null(strstr(st->msg, "the selected session left the history"));
	st->msg[0] = '\0';
	ui_state_set_rows(st, (const void **)&sess_rows[25], 25, false);
	assert_ptr_equal(ui_state_selected(st), &sess[25]);
	assert_string_equal(st->msg, "");	/* said once */
	/* one gone from the middle (filtered out): the one after it, no word */
	{
		const void *gap[40];
		size_t k = 0;

		for (size_t i = 0; i < 41; i++)
			if (i != 30)
				gap[k++] = sess_rows[i];
		feed(st, 41);
		ui_keys_handle(st, UK_HOME);
		for (int i = 0; i < 30; i++)
			ui_keys_handle(st, UK_DOWN);
		assert_ptr_equal(ui_state_selected(st), &sess[30]);
		ui_state_set_rows(st, gap, 40, false);
		assert_ptr_equal(ui_state_selected(st), &sess[31]);
		assert_int_equal(vs->sel, 30);
		assert_string_equal(st->msg, "");
	}
	/* sorted by duration, most first: the place in that order */
	for (size_t i = 0; i < 41; i++)
		sess[i].dur_us = 1000 * (41 - i);
	vs->sort.col = COL_DURATION;
	vs->sort.descending = true;
	feed(st, 41);
	ui_keys_handle(st, UK_HOME);
	ui_keys_handle(st, UK_DOWN);
	assert_ptr_equal(ui_state_selected(st), &sess[1]);
	ui_state_set_rows(st, (const void **)&sess_rows[2], 39, false);
	assert_ptr_equal(ui_state_selected(st), &sess[2]);
}

static void test_horizontal_scroll(void **state)
{
	struct ui_state *st = *state;
	struct ui_col_pos pos[UI_MAX_COLS];
	size_t n;

	/* narrow columns fit in 80: nothing to scroll, and the columns left
	 * out said where to find (until 2026-12-06 Right did nothing) */
	assert_int_equal(ui_keys_handle(st, UK_RIGHT), R_REDRAW);
	assert_int_equal(st->vs[st->view].hscroll, 0);
	assert_non_null(strstr(st->msg, "w shows every column"));
	ui_keys_handle(st, 'w');
	assert_true(st->wide);
	assert_true(ui_state_table_width(st) > 80);
	n = ui_state_columns(st, pos, UI_MAX_COLS);
	assert_int_equal(pos[0].col->id, COL_TIME);
	assert_true(pos[n - 1].x + pos[n - 1].width <= 80);
	assert_true(ui_keys_handle(st, UK_RIGHT) & R_REDRAW);
	n = ui_state_columns(st, pos, UI_MAX_COLS);
	assert_int_equal(pos[0].col->id, COL_PID);
	assert_int_equal(pos[0].x, 0);
	ui_keys_handle(st, UK_LEFT);
	n = ui_state_columns(st, pos, UI_MAX_COLS);
	assert_int_equal(pos[0].col->id, COL_TIME);
	assert_int_equal(ui_keys_handle(st, UK_LEFT), R_NONE);
	/* scrolled right, then a terminal wide enough for the whole table:
	 * the columns at the left come back */
	while (ui_keys_handle(st, UK_RIGHT) & R_REDRAW)
		;
	assert_true(st->vs[st->view].hscroll > 1);
	ui_state_set_size(st, 24, ui_state_table_width(st) + 10);
	assert_int_equal(st->vs[st->view].hscroll, 0);
	n = ui_state_columns(st, pos, UI_MAX_COLS);
	assert_int_equal(pos[0].col->id, COL_TIME);
	/* a little wider only: as many come back as fit, the last still shown */
	ui_state_set_size(st, 24, 80);
	while (ui_keys_handle(st, UK_RIGHT) & R_REDRAW)
		;
	size_t far = st->vs[st->view].hscroll;

	ui_state_set_size(st, 24, 90);
	assert_true(st->vs[st->view].hscroll < far);
	n = ui_state_columns(st, pos, UI_MAX_COLS);
	assert_true(pos[n - 1].x + pos[n - 1].width <= 90);
	assert_int_equal(pos[n - 1].col->id, COL_NETNS);
}

/* ---- display ------------------------------------------------------------------ */

static void test_wide_and_columns(void **state)
{
	struct ui_state *st = *state;
	struct ui_view_state *vs = &st->vs[VIEW_SESSIONS];
	const struct column *c;
	size_t i, n, shown = 0;

	ui_keys_handle(st, 'w');
	c = columns_for(VIEW_SESSIONS, &n);
	for (i = 0; i < n; i++)
		assert_true(vs->colvis[c[i].id]);
	assert_int_equal(ui_state_col_width(st, column_by_id(VIEW_SESSIONS, COL_RADDR)),
			 UI_WIDE_ADDR_WIDTH);
	ui_keys_handle(st, UK_F(7));
	assert_false(st->wide);
	assert_false(vs->colvis[COL_LADDR]);

	/* the chooser: show LADDR (the 5th column) */
	ui_keys_handle(st, 'C');
	assert_int_equal(st->mode, MODE_COLUMNS);
	for (i = 0; i < 4; i++)
		ui_keys_handle(st, UK_DOWN);
	assert_int_equal(c[st->chooser_sel].id, COL_LADDR);
	ui_keys_handle(st, ' ');
	assert_true(vs->colvis[COL_LADDR]);
	ui_keys_handle(st, UK_ENTER);
	assert_false(vs->colvis[COL_LADDR]);
	ui_keys_handle(st, ' ');
	ui_keys_handle(st, UK_ESC);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_true(vs->colvis[COL_LADDR]);

	/* at least one column stays */
	ui_keys_handle(st, UK_F(2));
	for (i = 0; i < n; i++) {
		st->chooser_sel = i;
		if (vs->colvis[c[i].id])
			ui_keys_handle(st, ' ');
	}
	for (i = 0; i < n; i++)
		shown += vs->colvis[c[i].id];
	assert_int_equal(shown, 1);
	assert_int_equal(st->msg_level, MSG_WARN);
	ui_keys_handle(st, 'q');
	assert_int_equal(st->mode, MODE_NORMAL);
}

/* Hide every column of a summary the chooser will: what names its rows
 * stays (Processes: PID or COMM, the one left; Ports: PORT; Peers: RADDR;
 * until 2026-12-07 Peers' rows could be left without their address). */
static void hide_all(struct ui_state *st, enum view_kind view)
{
	const struct column *c;
	size_t i, n;

	c = columns_for(view, &n);
	ui_keys_handle(st, UK_F(2));
	assert_int_equal(st->mode, MODE_COLUMNS);
	for (i = 0; i < n; i++) {
		st->chooser_sel = i;
		if (st->vs[view].colvis[c[i].id])
			ui_keys_handle(st, ' ');
	}
	ui_keys_handle(st, UK_ESC);
	assert_int_equal(st->mode, MODE_NORMAL);
}

static size_t shown_count(const struct ui_state *st, enum view_kind view)
{
	const struct column *c;
	size_t i, n, shown = 0;

	c = columns_for(view, &n);
	for (i = 0; i < n; i++)
		shown += st->vs[view].colvis[c[i].id];
	return shown;
}

static void test_chooser_keeps_row_names(void **state)
{
	struct ui_state *st = *state;

	ui_keys_handle(st, '3');
	hide_all(st, VIEW_PORTS);
	assert_int_equal(shown_count(st, VIEW_PORTS), 1);
	assert_true(st->vs[VIEW_PORTS].colvis[COL_PORT]);
	assert_int_equal(st->msg_level, MSG_WARN);
	assert_non_null(strstr(st->msg, "PORT names the rows"));

	ui_keys_handle(st, 'P');
	hide_all(st, VIEW_PEERS);
	assert_int_equal(shown_count(st, VIEW_PEERS), 1);
	assert_true(st->vs[VIEW_PEERS].colvis[COL_RADDR]);

	/* Processes: PID goes (COMM still names them), then COMM stays */
	ui_keys_handle(st, '2');
	hide_all(st, VIEW_PROCS);
	assert_int_equal(shown_count(st, VIEW_PROCS), 1);
	assert_false(st->vs[VIEW_PROCS].colvis[COL_PID]);
	assert_true(st->vs[VIEW_PROCS].colvis[COL_COMM]);
	assert_non_null(strstr(st->msg, "COMM names the rows"));
	assert_true(ui_state_col_names_rows(st, COL_COMM));
	assert_false(ui_state_col_names_rows(st, COL_SESSIONS));

	/* Sessions: any column may go but the last */
	ui_keys_handle(st, '1');
	assert_false(ui_state_col_names_rows(st, COL_RADDR));
}

/* NETNS takes spare width once sessions of several network namespaces are
 * kept, and only then: one namespace's number in every row says nothing. */
static void test_auto_netns_column(void **state)
{
	struct ui_state *st = *state;

	ui_keys_handle(st, '3');		/* Ports: RATE, then NETNS */
	ui_state_set_size(st, 30, 100);
	assert_true(ui_state_col_shown(st, COL_RATE));
	assert_false(ui_state_col_shown(st, COL_NETNS));
	st->netns_several = true;
	assert_true(ui_state_col_shown(st, COL_NETNS));
	assert_false(ui_state_col_shown(st, COL_NETNS_COUNT));	/* the wide set's, or chosen */
	ui_state_set_size(st, 24, 80);
	assert_false(ui_state_col_shown(st, COL_NETNS));	/* no room */
	ui_keys_handle(st, '1');		/* Sessions: after RETR, before wider addresses */
	ui_state_set_size(st, 30, 160);
	assert_true(ui_state_col_shown(st, COL_NETNS));
	assert_true(ui_state_col_shown(st, COL_RETRANS));
	st->netns_several = false;
	assert_false(ui_state_col_shown(st, COL_NETNS));
	assert_true(ui_state_col_shown(st, COL_LADDR));	/* the room goes on */
}

/* Spare width shows more columns and widens names and addresses, unless the user chose. */
static void test_auto_columns(void **state)
{
	struct ui_state *st = *state;
	struct ui_col_pos pos[UI_MAX_COLS];
	size_t n, i;

	assert_false(ui_state_col_shown(st, COL_CAUSE));	/* 80 columns: the narrow set */
	ui_state_set_size(st, 30, 100);
	assert_true(ui_state_col_shown(st, COL_CAUSE));	/* why it ended */
	assert_false(ui_state_col_shown(st, COL_LADDR));
	n = ui_state_columns(st, pos, UI_MAX_COLS);
	assert_true(pos[n - 1].x + pos[n - 1].width <= 100);
	assert_true(pos[n - 1].x + pos[n - 1].width >= 98);	/* no room left unused */
	for (i = 0; i < n; i++)
		if (pos[i].col->id == COL_COMM)
			assert_int_equal(pos[i].width, SESSION_COMM_LEN - 1);
	/* the shown columns are the ones < and > move through */
	ui_keys_handle(st, '<');
	assert_int_equal(st->vs[VIEW_SESSIONS].sort.col, COL_CAUSE);
	ui_state_set_size(st, 40, 200);
	assert_true(ui_state_col_shown(st, COL_LADDR));
	assert_true(ui_state_col_shown(st, COL_SRTT));
	/* processes get MAX */
	ui_keys_handle(st, '2');
	assert_true(ui_state_col_shown(st, COL_MAX));
	ui_state_set_size(st, 24, 80);
	assert_false(ui_state_col_shown(st, COL_MAX));
	/* once the user picks columns, the width adds none */
	ui_keys_handle(st, '1');
	ui_state_set_size(st, 30, 100);
	ui_keys_handle(st, 'C');
	assert_true(ui_state_col_shown(st, COL_CAUSE));	/* what is shown is what is chosen */
	ui_keys_handle(st, UK_DOWN);
	ui_keys_handle(st, ' ');				/* hide PID */
	assert_true(st->vs[VIEW_SESSIONS].custom);
	assert_false(ui_state_col_shown(st, COL_PID));
	ui_state_set_size(st, 40, 200);
	assert_true(ui_state_col_shown(st, COL_CAUSE));
	assert_false(ui_state_col_shown(st, COL_LADDR));
	/* w and w again come back to the columns chosen (until 2026-12-06
	 * the defaults came back in their place) */
	ui_keys_handle(st, UK_ESC);
	ui_keys_handle(st, 'w');
	assert_false(st->vs[VIEW_SESSIONS].custom);	/* wide: every column */
	assert_true(ui_state_col_shown(st, COL_PID));
	assert_true(ui_state_col_shown(st, COL_LADDR));
	ui_keys_handle(st, 'w');
	assert_true(st->vs[VIEW_SESSIONS].custom);
	assert_false(ui_state_col_shown(st, COL_PID));
	assert_true(ui_state_col_shown(st, COL_CAUSE));
	assert_non_null(strstr(st->msg, "the columns you chose"));
	/* a choice made in wide mode is wide's own */
	ui_keys_handle(st, 'w');
	ui_keys_handle(st, 'C');
	st->chooser_sel = 0;
	ui_keys_handle(st, ' ');	/* hide TIME */
	ui_keys_handle(st, UK_ESC);
	assert_false(ui_state_col_shown(st, COL_TIME));
	ui_keys_handle(st, 'w');
	assert_true(ui_state_col_shown(st, COL_TIME));
	assert_false(ui_state_col_shown(st, COL_PID));
	ui_keys_handle(st, 'w');
	assert_false(ui_state_col_shown(st, COL_TIME));
	assert_true(ui_state_col_shown(st, COL_PID));
	/* d in the chooser: the defaults again */
	ui_keys_handle(st, 'w');
	ui_keys_handle(st, 'C');
	ui_keys_handle(st, 'd');
	assert_false(st->vs[VIEW_SESSIONS].custom);
	assert_true(ui_state_col_shown(st, COL_PID));
	assert_non_null(strstr(st->msg, "the default columns"));
	ui_keys_handle(st, UK_ESC);
	ui_keys_handle(st, 'w');
	ui_keys_handle(st, 'w');
	assert_false(st->vs[VIEW_SESSIONS].custom);
	assert_true(ui_state_col_shown(st, COL_PID));
}

static void test_detail(void **state)
{
	struct ui_state *st = *state;
	unsigned r;

	ui_keys_handle(st, UK_UP);
	r = ui_keys_handle(st, UK_ENTER);
	assert_true(r & R_REDRAW);
	assert_int_equal(st->mode, MODE_DETAIL);
	assert_int_equal(st->detail_kind, VIEW_SESSIONS);
	/* a copy: stays valid when the rows change */
	assert_int_equal(st->detail_sess.lport, sess[98].lport);
	feed(st, 0);
	ui_keys_handle(st, UK_DOWN);
	assert_int_equal(st->detail_scroll, 1);
	/* f in the panel: filter to that process and close */
	r = ui_keys_handle(st, 'f');
	assert_true(r & R_REBUILD);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_true(id_set_contains(&st->filter.pids, sess[98].pid));
	/* Enter with nothing selected: a message */
	r = ui_keys_handle(st, UK_ENTER);
	assert_int_equal(st->mode, MODE_NORMAL);
	/* ports */
	ui_keys_handle(st, '3');
	feed(st, 8);
	ui_keys_handle(st, '\r');
	assert_int_equal(st->mode, MODE_DETAIL);
	assert_int_equal(st->detail_agg.port, 8000);
	ui_keys_handle(st, 'q');
	assert_int_equal(st->mode, MODE_NORMAL);
}

static void test_help_and_messages_close_on_any_key(void **state)
{
	struct ui_state *st = *state;

	ui_keys_handle(st, 'h');
	assert_int_equal(st->mode, MODE_HELP);
	ui_keys_handle(st, UK_DOWN);
	assert_int_equal(st->mode, MODE_HELP);
	assert_int_equal(st->overlay_scroll, 1);
	ui_keys_handle(st, 'z');
	assert_int_equal(st->mode, MODE_NORMAL);
	ui_keys_handle(st, 'm');
	assert_int_equal(st->mode, MODE_MESSAGES);
	ui_keys_handle(st, UK_ESC);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_true(ui_keys_handle(st, UK_CTRL_L) & R_CLEAR);
	assert_true(ui_keys_handle(st, UK_RESIZE) & R_RESIZE);
}

/* Every key of the normal table is listed in the help (its label or its group's). */
static void test_help_lists_every_key(void **state)
{
	const struct ui_binding *b;
	size_t i, j, n;
	char name[32];

	(void)state;
	b = ui_keys_table(MODE_NORMAL, &n);
	assert_true(n > 30);
	for (i = 0; i < n; i++) {
		bool listed = false;

		assert_non_null(b[i].action);
		if (b[i].key == UK_RESIZE || b[i].key == '\r')
			continue;
		ui_key_name(b[i].key, name, sizeof(name));
		for (j = 0; j < n && !listed; j++) {
			const char *l = b[j].label, *p;
			size_t len = strlen(name);

			if (!l)
				continue;
			/* a whole word of the label */
			for (p = strstr(l, name); p && !listed; p = strstr(p + 1, name))
				listed = (p == l || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ');
		}
		if (!listed)
			fail_msg("key %s is not in the help", name);
		if (b[i].label) {
			assert_non_null(b[i].help);
			assert_non_null(b[i].section);
		}
	}
	/* no key bound twice in one mode */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_int_not_equal(b[i].key, b[j].key);
}

/* ---- mouse ---------------------------------------------------------------------- */

static void test_mouse(void **state)
{
	struct ui_state *st = *state;
	struct ui_col_pos pos[UI_MAX_COLS];
	unsigned r;
	size_t n;

	/* a row */
	r = ui_state_click(st, st->lay.rows_y + 2, 10, 1, false);
	assert_true(r & R_REDRAW);
	assert_int_equal(st->vs[VIEW_SESSIONS].sel, st->vs[VIEW_SESSIONS].top + 2);
	assert_false(st->vs[VIEW_SESSIONS].follow);
	/* below the last row: nothing */
	feed(st, 3);
	assert_int_equal(ui_state_click(st, st->lay.rows_y + 10, 10, 1, false), R_NONE);
	feed(st, 100);
	/* a double click opens the details */
	ui_state_click(st, st->lay.rows_y, 10, 1, true);
	assert_int_equal(st->mode, MODE_DETAIL);
	ui_keys_handle(st, UK_ESC);
	/* a column title sorts by it; again inverts */
	n = ui_state_columns(st, pos, UI_MAX_COLS);
	assert_true(n > 3);
	r = ui_state_click(st, st->lay.head_y, pos[3].x + 1, 1, false);
	assert_true(r & R_REBUILD);
	assert_int_equal(st->vs[VIEW_SESSIONS].sort.col, pos[3].col->id);
	bool desc = st->vs[VIEW_SESSIONS].sort.descending;

	ui_state_click(st, st->lay.head_y, pos[3].x, 1, false);
	assert_int_equal(st->vs[VIEW_SESSIONS].sort.descending, !desc);
	/* a tab */
	r = ui_state_click(st, st->lay.tabs_y, ui_tab_x(VIEW_PORTS, st->lay.cols, st->view) + 2, 1,
			   false);
	assert_true(r & R_REBUILD);
	assert_int_equal(st->view, VIEW_PORTS);
	/* Peers' tab shows Peers (its key is P: 4 filters IPv4) */
	r = ui_state_click(st, st->lay.tabs_y, ui_tab_x(VIEW_PEERS, st->lay.cols, st->view) + 2, 1,
			   false);
	assert_true(r & R_REBUILD);
	assert_int_equal(st->view, VIEW_PEERS);
	assert_int_equal(st->filter.family, 0);
	assert_int_equal(ui_tab_x(VIEW_PEERS, 80, VIEW_SESSIONS), 37);
	/* Open's tab, after Peers': Sessions showing the sessions open now,
	 * with a state of its own */
	assert_int_equal(ui_tab_x(UI_TAB_OPEN, 80, VIEW_SESSIONS), 47);
	/* below 110 columns left out, unless it is shown */
	assert_string_equal(ui_tab_title(UI_TAB_OPEN, 80, VIEW_SESSIONS), "");
	assert_int_equal(ui_tab_width(UI_TAB_OPEN, 80, VIEW_SESSIONS), 0);
	assert_string_equal(ui_tab_title(UI_TAB_OPEN, 80, UI_TAB_OPEN), "O Open");
	assert_string_equal(ui_tab_title(UI_TAB_OPEN, 110, VIEW_SESSIONS), "O Open");
	ui_state_set_size(st, 24, 120);
	r = ui_state_click(st, st->lay.tabs_y, ui_tab_x(UI_TAB_OPEN, st->lay.cols, st->view) + 2,
			   1, false);
	assert_true(r & R_REBUILD);
	assert_int_equal(st->view, VIEW_SESSIONS);
	assert_true(st->open_now);
	assert_int_equal(ui_state_tab(st), UI_TAB_OPEN);
	r = ui_state_click(st, st->lay.tabs_y, ui_tab_x(VIEW_SESSIONS, st->lay.cols,
							  ui_state_tab(st)) + 2, 1, false);
	assert_true(r & R_REBUILD);
	assert_false(st->open_now);
	assert_int_equal(st->view, VIEW_SESSIONS);
	ui_state_set_size(st, 24, 80);
	/* on a narrow screen the tabs are short, and clicks follow them:
	 * below 64 columns "1 Sess", below 50 the other tabs' keys alone, so
	 * that the count keeps its room; x 14 is in " 3 " at 40 columns
	 * (from 13), in " 3 Ports " at 55 (from 19), in " 2 Processes " at 80 */
	assert_string_equal(ui_tab_title(VIEW_SESSIONS, 55, VIEW_SESSIONS), "1 Sess");
	assert_string_equal(ui_tab_title(VIEW_PORTS, 55, VIEW_SESSIONS), "3 Ports");
	assert_string_equal(ui_tab_title(VIEW_SESSIONS, 40, VIEW_SESSIONS), "1 Sess");
	assert_string_equal(ui_tab_title(VIEW_PORTS, 40, VIEW_SESSIONS), "3");
	assert_string_equal(ui_tab_title(VIEW_PEERS, 40, VIEW_PEERS), "P Peers");
	assert_int_equal(ui_tab_x(VIEW_PORTS, 55, VIEW_SESSIONS), 19);
	assert_string_equal(ui_tab_title(UI_TAB_OPEN, 55, VIEW_SESSIONS), "");
	assert_string_equal(ui_tab_title(UI_TAB_OPEN, 55, UI_TAB_OPEN), "O Open");
	assert_int_equal(ui_tab_x(VIEW_PORTS, 40, VIEW_SESSIONS), 13);
	assert_int_equal(ui_tab_x(VIEW_PORTS, 80, VIEW_SESSIONS), 27);
	ui_state_set_size(st, 20, 40);
	ui_keys_handle(st, '1');
	r = ui_state_click(st, st->lay.tabs_y, 14, 1, false);
	assert_true(r & R_REBUILD);
	assert_int_equal(st->view, VIEW_PORTS);
	ui_state_set_size(st, 24, 80);
	/* a function key: F10 quits, F1 helps */
	r = ui_state_click(st, st->lay.fnbar_y, ui_fnbar_x(9) + 1, 1, false);
	assert_true(r & R_QUIT);
	ui_state_click(st, st->lay.fnbar_y, ui_fnbar_x(0), 1, false);
	assert_int_equal(st->mode, MODE_HELP);
	ui_state_click(st, 5, 5, 1, false);
	assert_int_equal(st->mode, MODE_NORMAL);
	/* at 45 columns the bar ends with F5 (F6 would be cut: not drawn,
	 * and its place not a button) */
	ui_state_set_size(st, 24, 45);
	assert_true(ui_fnbar_fits(4, 45));
	assert_false(ui_fnbar_fits(5, 45));
	assert_true(ui_fnbar_fits(5, 48));
	assert_false(ui_fnbar_fits(10, 1000));
	assert_int_equal(ui_state_click(st, st->lay.fnbar_y, ui_fnbar_x(5) + 1, 1, false), R_NONE);
	ui_state_set_size(st, 24, 80);
	/* the wheel */
	ui_keys_handle(st, '1');
	feed(st, 100);
	ui_keys_handle(st, UK_END);
	ui_state_click(st, 10, 10, 4, false);
	assert_int_equal(st->vs[VIEW_SESSIONS].sel, 96);
	ui_state_click(st, 10, 10, 5, false);
	assert_int_equal(st->vs[VIEW_SESSIONS].sel, 99);
}

/* ---- layout ----------------------------------------------------------------------- */

static void test_layout_sizes(void **state)
{
	struct ui_state *st = *state;

	ui_state_set_size(st, UI_MIN_LINES, UI_MIN_COLS);
	assert_false(st->lay.too_small);
	assert_int_equal(st->lay.rows_h, UI_MIN_LINES - 7);
	/* the selection stays on screen */
	assert_true(st->vs[VIEW_SESSIONS].sel < st->vs[VIEW_SESSIONS].top + 3);
	ui_state_set_size(st, UI_MIN_LINES - 1, 100);
	assert_true(st->lay.too_small);
	ui_state_set_size(st, 40, UI_MIN_COLS - 1);
	assert_true(st->lay.too_small);
	assert_int_equal(ui_state_click(st, 5, 5, 1, false), R_NONE);
	ui_state_set_size(st, 50, 200);
	assert_false(st->lay.too_small);
	assert_int_equal(st->lay.rows_h, 43);
	ui_state_set_size(st, 3, 3);
	assert_int_equal(st->lay.rows_h, 0);
	assert_int_equal(ui_keys_handle(st, UK_DOWN) & R_QUIT, 0);
}

/* ---- the line editor -------------------------------------------------------------- */

static void test_prompt_editing(void **state)
{
	struct ui_prompt p;

	(void)state;
	ui_prompt_start(&p, "80,443");
	assert_int_equal(p.cur, 6);
	assert_int_equal(ui_prompt_key(&p, UK_BACKSPACE), PROMPT_CHANGED);
	assert_string_equal(p.text, "80,44");
	ui_prompt_key(&p, UK_HOME);
	ui_prompt_key(&p, UK_DELETE);
	assert_string_equal(p.text, "0,44");
	ui_prompt_key(&p, '8');
	ui_prompt_key(&p, '8');
	assert_string_equal(p.text, "880,44");
	ui_prompt_key(&p, UK_RIGHT);
	ui_prompt_key(&p, UK_LEFT);
	ui_prompt_key(&p, UK_LEFT);
	assert_int_equal(p.cur, 1);
	ui_prompt_key(&p, UK_CTRL_K);
	assert_string_equal(p.text, "8");
	ui_prompt_key(&p, UK_END);
	ui_prompt_key(&p, ',');
	ui_prompt_key(&p, '9');
	assert_int_equal(ui_prompt_key(&p, UK_CTRL_W), PROMPT_CHANGED);
	assert_string_equal(p.text, "8,");
	/* UTF-8: one Backspace removes one character */
	ui_prompt_key(&p, 0xe9);	/* é */
	assert_int_equal(p.len, 4);
	assert_int_equal(ui_prompt_cursor_chars(&p), 3);
	ui_prompt_key(&p, UK_LEFT);
	assert_int_equal(p.cur, 2);
	ui_prompt_key(&p, UK_END);
	ui_prompt_key(&p, UK_BACKSPACE);
	assert_string_equal(p.text, "8,");
	/* control characters are not inserted */
	assert_int_equal(ui_prompt_key(&p, 0x1c), PROMPT_IGNORED);
	assert_int_equal(ui_prompt_key(&p, 0x9b), PROMPT_IGNORED);	/* C1 CSI */
	assert_int_equal(ui_prompt_key(&p, 0x07), PROMPT_IGNORED);
	assert_string_equal(p.text, "8,");
	ui_prompt_key(&p, UK_CTRL_U);
	assert_string_equal(p.text, "");
	assert_int_equal(ui_prompt_key(&p, UK_BACKSPACE), PROMPT_EDITING);
	assert_int_equal(ui_prompt_key(&p, UK_ENTER), PROMPT_DONE);
	assert_int_equal(ui_prompt_key(&p, UK_ESC), PROMPT_CANCEL);
	assert_int_equal(ui_prompt_key(&p, UK_F(5)), PROMPT_IGNORED);
	/* full: keys are dropped and said so, never overflow; Enter is
	 * refused until the text is shorter */
	ui_prompt_start(&p, NULL);
	for (int i = 0; i < UI_PROMPT_LEN - 1; i++)
		assert_int_equal(ui_prompt_key(&p, 'a'), PROMPT_CHANGED);
	assert_int_equal(ui_prompt_key(&p, UK_ENTER), PROMPT_DONE);	/* all there */
	for (int i = 0; i < 10; i++)
		assert_int_equal(ui_prompt_key(&p, 'a'), PROMPT_FULL);
	assert_int_equal(p.len, UI_PROMPT_LEN - 1);
	assert_int_equal(strlen(p.text), UI_PROMPT_LEN - 1);
	assert_int_equal(ui_prompt_key(&p, UK_ENTER), PROMPT_REFUSED);
	ui_prompt_key(&p, UK_LEFT);
	assert_int_equal(ui_prompt_key(&p, UK_ENTER), PROMPT_REFUSED);
	ui_prompt_key(&p, UK_BACKSPACE);
	assert_int_equal(ui_prompt_key(&p, UK_ENTER), PROMPT_DONE);
	ui_prompt_start(&p, "80");
	assert_int_equal(ui_prompt_key(&p, UK_ENTER), PROMPT_DONE);
}

/* A pasted list longer than the prompt holds is not applied cut: the pid
 * filter would otherwise match other processes than the ones listed. */
static void test_prompt_cut_not_applied(void **state)
{
	struct ui_state *st = *state;
	char list[UI_PROMPT_LEN + 200] = "";
	size_t len = 0;

	for (int i = 1; len < sizeof(list) - 8; i++)
		len += snprintf(list + len, sizeof(list) - len, "%d,", i);
	ui_keys_handle(st, 'p');
	keys(st, list);
	assert_int_equal(st->msg_level, MSG_ERROR);
	assert_non_null(strstr(st->msg, "too long"));
	assert_false(ui_keys_handle(st, UK_ENTER) & R_REBUILD);
	assert_int_equal(st->mode, MODE_PROMPT);
	assert_non_null(strstr(st->msg, "not applied"));
	assert_true(filter_is_empty(&st->filter));
	ui_keys_handle(st, UK_CTRL_U);
	keys(st, "1-5");
	assert_true(ui_keys_handle(st, UK_ENTER) & R_REBUILD);
	assert_int_equal(st->mode, MODE_NORMAL);
	assert_false(filter_is_empty(&st->filter));
}

static void test_comm_too_long(void **state)
{
	struct ui_state *st = *state;
	char text[FILTER_TEXT_LEN + 8];

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ui_keys_handle(st, 'c');
	keys(st, text);
	assert_int_equal(st->msg_level, MSG_ERROR);
	assert_int_equal(strlen(st->filter.comm), FILTER_TEXT_LEN - 1);
	assert_false(ui_keys_handle(st, UK_ENTER) & R_REBUILD);
	assert_int_equal(st->mode, MODE_PROMPT);
	ui_keys_handle(st, UK_ESC);
	assert_string_equal(st->filter.comm, "");
}

/*
 * The header's figures on a short line: Sessions/s, Total, Missed, History
 * (ranks 2, 1, 0, 3). History goes first, then the rate, then Total;
 * Missed never (until 2026-12-06 the line was cut from the right, and a
 * 40-column screen with a busy rate lost Missed first).
 */
static void test_meters_fit(void **state)
{
	/* "Sessions/s: 12345.6" "Total: 1234567" "Missed: 0" "History: 100000/100000 (100%)" */
	const int width[4] = { 19, 14, 9, 29 }, rank[4] = { 2, 1, 0, 3 };
	bool keep[4];

	(void)state;
	ui_meters_fit(width, rank, 4, 200, keep);
	assert_true(keep[0] && keep[1] && keep[2] && keep[3]);
	ui_meters_fit(width, rank, 4, 19 + 14 + 9 + 29 + 6, keep);	/* exactly */
	assert_true(keep[0] && keep[1] && keep[2] && keep[3]);
	ui_meters_fit(width, rank, 4, 60, keep);
	assert_true(keep[0] && keep[1] && keep[2] && !keep[3]);
	ui_meters_fit(width, rank, 4, 40, keep);	/* the narrowest screen */
	assert_true(!keep[0] && keep[1] && keep[2] && !keep[3]);
	ui_meters_fit(width, rank, 4, 20, keep);
	assert_true(!keep[0] && !keep[1] && keep[2] && !keep[3]);
	ui_meters_fit(width, rank, 4, 5, keep);	/* rank 0 stays, cut by the screen */
	assert_true(!keep[0] && !keep[1] && keep[2] && !keep[3]);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_initial_state),
		cmocka_unit_test(test_meters_fit),
		T(test_view_switch),
		T(test_per_view_selection_kept),
		T(test_summary_top_stays_in_view),
		T(test_sort_move_and_invert),
		T(test_sort_by_time_descending_follows_top),
		T(test_filter_pids),
		T(test_filter_ports),
		T(test_filter_netns),
		T(test_filter_comm_live_and_cancel),
		T(test_search),
		T(test_family_toggles),
		T(test_failures_toggle),
		T(test_filter_selected_row),
		T(test_procs_by_pid_key),
		T(test_kept_filter_apart),
		T(test_pause),
		T(test_quit),
		T(test_export_prompt),
		T(test_messages_repeat),
		T(test_scroll_bounds),
		T(test_follow_mode),
		T(test_horizontal_scroll),
		T(test_wide_and_columns),
		T(test_chooser_keeps_row_names),
		T(test_auto_netns_column),
		T(test_by_netns_key),
		T(test_open_key),
		T(test_auto_columns),
		T(test_detail),
		T(test_help_and_messages_close_on_any_key),
		T(test_help_lists_every_key),
		T(test_mouse),
		T(test_layout_sizes),
		T(test_prompt_editing),
		T(test_comm_too_long),
		T(test_prompt_cut_not_applied),
	};

	return cmocka_run_group_tests_name("ui keys", tests, NULL, NULL);
}
