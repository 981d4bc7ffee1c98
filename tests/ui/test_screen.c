// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor on a real terminal: tcpscope --replay runs in a tmux pane;
 * the test types keys and polls capture-pane until the screen shows what
 * it should (views, sort, filters, export, hostile names, sizes, restore).
 * Needs TCPSCOPE (the binary, set by `make ui-test`) and tmux.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/columns.h"
#include "core/csv.h"
#include "tests/ui/tmux_harness.h"
#include "ui/state.h"

#define FIXTURE "tests/ui/fixtures/sessions.csv"
#define FIXTURE_SESSIONS 244

static const char *tcpscope;
static char fixture[4096];

struct ctx {
	struct tmux t;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	assert_int_equal(tmux_start(&c->t, 100, 30), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char path[512], line[256];
	FILE *f;

	/* how each monitor run ended, for the log */
	snprintf(path, sizeof(path), "%s/timing.log", c->t.dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "exit:", 5) || !strncmp(line, "mouse", 5))
			fprintf(stderr, "  monitor %s", line);
	if (f)
		fclose(f);
	tmux_stop(&c->t);
	free(c);
	return 0;
}

/* Start the monitor on the fixture with extra arguments; wait for the first screen. */
static void start_ui(struct tmux *t, const char *env, const char *args)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "%s TCPSCOPE_UI_TIMING=%s/timing.log %s --replay %s %s; echo EXIT=$?",
		 env ? env : "", t->dir, tcpscope, fixture, args ? args : "");
	tmux_line(t, cmd);
	assert_true(tmux_wait_text(t, "replay complete"));
	assert_true(tmux_wait_text(t, "F10Quit"));
}

/* Write text to the file name in the test's directory; its path into path. */
static void write_file(const struct tmux *t, const char *name, const char *text, char *path,
		       size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", t->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Screen x of a column of a view with the default columns, in the 100-column pane. */
static int col_x(enum view_kind kind, enum col_id id, int *width)
{
	struct ui_col_pos pos[UI_MAX_COLS];
	struct ui_state st;
	size_t i, n;

	assert_int_equal(ui_state_init(&st, false, true, NULL), 0);
	st.view = kind;
	ui_state_set_size(&st, 30, 100);
	n = ui_state_columns(&st, pos, UI_MAX_COLS);
	ui_state_fini(&st);
	for (i = 0; i < n; i++) {
		if (pos[i].col->id == id) {
			*width = pos[i].width;
			return pos[i].x;
		}
	}
	fail_msg("column %d not in the default set", id);
	return -1;
}

/* Text of column id on screen line y of a view. */
static const char *cell(struct tmux *t, enum view_kind kind, int y, enum col_id id, char *out,
			size_t len)
{
	char line[2048];
	int w, x = col_x(kind, id, &w);

	tmux_screen_line(t, y, line, sizeof(line));
	return tmux_cell(line, x, w, out, len);
}

#define ROWS_Y 5

/* Number of data rows on the screen (lines from ROWS_Y with a non-empty first column). */
static int screen_rows(struct tmux *t, int lines)
{
	char line[2048];
	int y;

	for (y = ROWS_Y; y < lines - 2; y++) {
		tmux_screen_line(t, y, line, sizeof(line));
		if (!line[0] || (line[0] == ' ' && line[1] == ' ' && strspn(line, " ") > 10))
			break;
	}
	return y - ROWS_Y;
}

/* ---- views --------------------------------------------------------------------- */

static void test_sessions_view(void **state)
{
	struct ctx *c = *state;
	char line[2048], buf[64];

	start_ui(&c->t, NULL, NULL);
	assert_true(tmux_wait_text(&c->t, "244 rows"));
	assert_true(tmux_settle(&c->t));
	assert_non_null(strstr(c->t.screen, "Total: 244"));
	assert_non_null(strstr(c->t.screen, "History: 244/100000"));
	assert_non_null(strstr(c->t.screen, "following"));
	tmux_screen_line(&c->t, 4, line, sizeof(line));
	assert_non_null(strstr(line, "TIME"));
	assert_non_null(strstr(line, "COMM"));
	assert_non_null(strstr(line, "RADDR"));
	/* newest at the bottom: the last session of the file on the last data row */
	assert_string_equal(cell(&c->t, VIEW_SESSIONS, 30 - 3, COL_TIME, buf, sizeof(buf)), "22:01:55");
	assert_string_equal(cell(&c->t, VIEW_SESSIONS, 30 - 3, COL_PID, buf, sizeof(buf)), "6001");
	assert_int_equal(screen_rows(&c->t, 30), 30 - 7);
	/* the rows above the screen are counted: 244 - 23 on it */
	assert_non_null(strstr(c->t.screen, "244 rows, 221 above"));
	tmux_keys(&c->t, "Home");
	assert_true(tmux_wait_gone(&c->t, "above"));
	tmux_keys(&c->t, "PageDown");
	tmux_keys(&c->t, "PageDown");
	assert_true(tmux_wait_text(&c->t, "rows, 22 above"));
}

static void test_switch_views(void **state)
{
	struct ctx *c = *state;
	char line[2048], cellbuf[64];

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	tmux_screen_line(&c->t, 4, line, sizeof(line));
	assert_non_null(strstr(line, "PEERS"));
	assert_non_null(strstr(line, "RST  FAIL"));
	tmux_keys(&c->t, "Tab");
	assert_true(tmux_wait_text(&c->t, "13 rows"));
	tmux_screen_line(&c->t, 4, line, sizeof(line));
	assert_non_null(strstr(line, "PORT"));
	/* the busiest port first: the fixture's 81 sessions on 443, 9 of them
	 * resets or refusals, 11 not orderly (2 timeouts) */
	tmux_screen_line(&c->t, ROWS_Y, line, sizeof(line));
	assert_non_null(strstr(line, " 443 "));
	assert_int_equal(atoi(cell(&c->t, VIEW_PORTS, ROWS_Y, COL_SESSIONS, cellbuf, sizeof(cellbuf))), 81);
	assert_int_equal(atoi(cell(&c->t, VIEW_PORTS, ROWS_Y, COL_RSTS, cellbuf, sizeof(cellbuf))), 9);
	assert_int_equal(atoi(cell(&c->t, VIEW_PORTS, ROWS_Y, COL_FAILS, cellbuf, sizeof(cellbuf))), 11);
	/* Peers: the fixture's 72 remote addresses, the busiest first */
	tmux_keys(&c->t, "Tab");
	assert_true(tmux_wait_text(&c->t, "72 rows"));
	tmux_screen_line(&c->t, 4, line, sizeof(line));
	assert_non_null(strstr(line, "RADDR"));
	assert_non_null(strstr(line, "PORTS"));
	assert_string_equal(cell(&c->t, VIEW_PEERS, ROWS_Y, COL_RADDR, cellbuf, sizeof(cellbuf)),
			    "127.0.0.1");
	assert_int_equal(atoi(cell(&c->t, VIEW_PEERS, ROWS_Y, COL_SESSIONS, cellbuf, sizeof(cellbuf))), 51);
	assert_int_equal(atoi(cell(&c->t, VIEW_PEERS, ROWS_Y, COL_PORTS, cellbuf, sizeof(cellbuf))), 1);
	assert_int_equal(atoi(cell(&c->t, VIEW_PEERS, ROWS_Y, COL_RSTS, cellbuf, sizeof(cellbuf))), 3);
	/* Open, after Peers: a replay has no sessions open, and says so */
	tmux_keys(&c->t, "Tab");
	assert_true(tmux_wait_text(&c->t, "0 open"));
	assert_true(tmux_wait_text(&c->t, " O Open "));
	assert_true(tmux_wait_text(&c->t, "a replay has none"));
	tmux_keys(&c->t, "Tab");
	assert_true(tmux_wait_text(&c->t, "244 rows"));
	tmux_keys(&c->t, "BTab");
	assert_true(tmux_wait_text(&c->t, "0 open"));
	tmux_keys(&c->t, "BTab");
	assert_true(tmux_wait_text(&c->t, "72 rows"));
	tmux_keys(&c->t, "BTab");
	assert_true(tmux_wait_text(&c->t, "13 rows"));
	tmux_keys(&c->t, "P");
	assert_true(tmux_wait_text(&c->t, "72 rows"));
	tmux_keys(&c->t, "1");
	assert_true(tmux_wait_text(&c->t, "244 rows"));
}

/* Two peers of one /64: their addresses, longer than the cell, are cut in
 * the middle, so their ends tell them apart (until 2026-12-06 both read
 * "2001:db8:aaaa:bb…"), in Sessions and in Peers. */
static void test_address_cut_middle(void **state)
{
	struct ctx *c = *state;
	char path[600], cmd[2048];

	write_file(&c->t, "v6.csv",
		   "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms\n"
		   "2026-12-01T00:00:01.000000Z,5,a,6,2001:db8::1,40000,"
		   "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff,443,1,1,0.001\n"
		   "2026-12-01T00:00:02.000000Z,5,a,6,2001:db8::1,40001,"
		   "2001:db8:aaaa:bbbb:cccc:dddd:eeee:fffe,443,1,1,0.001\n", path, sizeof(path));
	tmux_resize(&c->t, 80, 12);
	snprintf(cmd, sizeof(cmd), "%s --replay %s; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "F10Quit"));
	assert_true(tmux_wait_text(&c->t, "2001:db\u2026eee:ffff"));
	assert_true(tmux_wait_text(&c->t, "2001:db\u2026eee:fffe"));
	tmux_keys(&c->t, "P");
	assert_true(tmux_wait_text(&c->t, "2 rows"));
	assert_true(tmux_wait_text(&c->t, "\u2026eee:ffff"));
	assert_true(tmux_wait_text(&c->t, "\u2026eee:fffe"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* A peer whose sessions have all left a small history: Peers keeps its
 * lifetime row under its `f`, and Sessions says that none of the
 * history's sessions matches (until 2026-12-06 "No rows match the
 * filter", as if the filter were wrong). */
static void test_filter_history_gone_said(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, "--history 50");
	tmux_keys(&c->t, "P");
	assert_true(tmux_wait_text(&c->t, "72 rows"));
	tmux_keys(&c->t, "Home");
	tmux_keys(&c->t, "Down");	/* 93.184.216.34: 9 sessions, none of the last 50 */
	tmux_keys(&c->t, "f");
	assert_true(tmux_wait_text(&c->t, "filter: peer 93.184.216.34"));
	assert_true(tmux_wait_text(&c->t, "1 of 72"));
	tmux_keys(&c->t, "1");
	assert_true(tmux_wait_text(&c->t, "0 of 50"));
	assert_true(tmux_wait_text(&c->t, "None of the history's 50 sessions matches the filter"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* Scrolled past its end, a panel stays on its last page: the first Up
 * moves it (until 2026-12-06 each key past the end needed one back, in
 * the details and in the help); End and Home go to the ends. */
static void test_panel_scroll_held_at_end(void **state)
{
	struct ctx *c = *state;
	static char s1[TMUX_SCREEN_MAX];

	tmux_resize(&c->t, 100, 24);
	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	tmux_keys(&c->t, "Home");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Process nginx, pid 1201"));
	for (int i = 0; i < 12; i++)
		tmux_keys(&c->t, "PageDown");
	assert_true(tmux_settle(&c->t));
	snprintf(s1, sizeof(s1), "%s", c->t.screen);
	tmux_keys(&c->t, "Up");
	assert_true(tmux_settle(&c->t));
	assert_string_not_equal(s1, c->t.screen);
	tmux_keys(&c->t, "Home");
	assert_true(tmux_wait_text(&c->t, "  PID               1201"));
	tmux_keys(&c->t, "End");
	assert_true(tmux_wait_gone(&c->t, "  PID               1201"));
	tmux_keys(&c->t, "Escape");
	/* the help */
	tmux_keys(&c->t, "?");
	assert_true(tmux_wait_text(&c->t, "tcpscope help"));
	for (int i = 0; i < 80; i++)
		tmux_keys(&c->t, "Down");
	assert_true(tmux_settle(&c->t));
	snprintf(s1, sizeof(s1), "%s", c->t.screen);
	tmux_keys(&c->t, "Up");
	assert_true(tmux_settle(&c->t));
	assert_string_not_equal(s1, c->t.screen);
	tmux_keys(&c->t, "q");
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* At 40 columns a detail's exact values are cut with an ellipsis (until
 * 2026-12-06 bare: "tx_bytes = 15" read as fifteen bytes). */
static void test_detail_exact_cut_said(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, NULL);
	tmux_resize(&c->t, 40, 14);
	tmux_keys(&c->t, "3");
	tmux_keys(&c->t, "Home");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Port 443"));
	assert_true(tmux_wait_text(&c->t, "tx_bytes = 1\u2026"));
	tmux_keys(&c->t, "Escape");
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* The screen line of a details panel's "Recent sessions" heading, with
 * room below it for its titles and a row. */
static int recent_heading(struct tmux *t)
{
	char line[512];
	int y;

	for (y = 0; y < 40; y++) {
		tmux_screen_line(t, y, line, sizeof(line));
		if (strstr(line, "Recent sessions, newest first:"))
			break;
	}
	assert_true(y < 38);
	return y;
}

/* Peers, searched for "203.0" (28 of the fixture's 72 peers), at cols
 * columns: a view added up from the history. */
static void peers_searched(struct ctx *c, int cols)
{
	tmux_resize(&c->t, cols, 24);
	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "P");
	tmux_keys(&c->t, "/");
	tmux_line(&c->t, "203.0");
}

/* At 80 columns a port's recent sessions show all ten columns, END whole:
 * the name and the address give up what they can spare (until 2026-12-07
 * END was cut to its ellipsis there). */
static void test_detail_recent_fits_80(void **state)
{
	struct ctx *c = *state;
	char line[512];
	int y;

	tmux_resize(&c->t, 80, 40);
	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "3");
	tmux_keys(&c->t, "Home");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Port 443"));
	assert_true(tmux_wait_text(&c->t, "Recent sessions, newest first:"));
	y = recent_heading(&c->t);
	tmux_screen_line(&c->t, y + 1, line, sizeof(line));
	printf("%s\n", line);
	assert_non_null(strstr(line, "COMM"));
	assert_non_null(strstr(line, "RADDR"));
	assert_non_null(strstr(line, " END"));
	assert_null(strstr(line, "\u2026"));
	/* 22:01:54 nginx from 203.0.113.32, ended by a timeout */
	tmux_screen_line(&c->t, y + 2, line, sizeof(line));
	printf("%s\n", line);
	assert_non_null(strstr(line, "nginx"));
	assert_non_null(strstr(line, "203.0.113.32"));
	assert_non_null(strstr(line, "timeout"));
	assert_null(strstr(line, "\u2026"));
	/* at 60 columns the row cannot fit: the address stays whole, and the
	 * last columns are cut (not the address cut to 9 for nothing) */
	tmux_resize(&c->t, 60, 40);
	assert_true(tmux_wait_text(&c->t, "2 Procs"));	/* drawn at 60 */
	assert_true(tmux_wait_text(&c->t, "Port 443"));
	assert_true(tmux_settle(&c->t));
	y = recent_heading(&c->t);
	tmux_screen_line(&c->t, y + 2, line, sizeof(line));
	printf("%s\n", line);
	assert_non_null(strstr(line, "203.0.113.32"));
	/* at 64 columns a peer's nine columns fit: PID gives up what its
	 * widest value (4 digits here) leaves, and END shows whole (until
	 * 2026-12-07 "rst_…") */
	tmux_keys(&c->t, "Escape");
	tmux_resize(&c->t, 64, 40);
	assert_true(tmux_wait_text(&c->t, "2 Processes"));	/* short below 64 */
	tmux_keys(&c->t, "P");
	tmux_keys(&c->t, "Home");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Peer 127.0.0.1 "));
	assert_true(tmux_wait_text(&c->t, "Recent sessions, newest first:"));
	assert_true(tmux_settle(&c->t));
	y = recent_heading(&c->t);
	tmux_screen_line(&c->t, y + 1, line, sizeof(line));
	printf("%s\n", line);
	assert_non_null(strstr(line, " PID COMM"));
	assert_non_null(strstr(line, " END"));
	tmux_screen_line(&c->t, y + 2, line, sizeof(line));
	printf("%s\n", line);
	assert_non_null(strstr(line, " 2210 postgres"));
	assert_non_null(strstr(line, " rst_recv"));
	assert_null(strstr(line, "\u2026"));
	tmux_keys(&c->t, "Escape");
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* Wide, at 90 columns, the tab line has no room for the Left/Right hint:
 * it goes, and "recent history" stays (until 2026-12-06 both went). */
static void test_recent_history_kept_wide(void **state)
{
	struct ctx *c = *state;

	peers_searched(c, 90);
	assert_true(tmux_wait_text(&c->t, "28 of 72"));
	assert_true(tmux_wait_text(&c->t, "recent history"));
	tmux_keys(&c->t, "w");
	assert_true(tmux_wait_text(&c->t, "wide:"));
	assert_true(tmux_settle(&c->t));
	assert_non_null(strstr(c->t.screen, "recent history"));
	assert_null(strstr(c->t.screen, "Left/Right"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* Narrower, that the rows come from the history is still said, short:
 * "28/72  recent history" at 63 columns, "28/72 recent" at 56 (until
 * 2026-12-07 it went below 64). */
static void test_recent_history_kept_narrow(void **state)
{
	struct ctx *c = *state;

	peers_searched(c, 80);
	assert_true(tmux_wait_text(&c->t, "28 of 72  recent history"));
	tmux_resize(&c->t, 63, 24);
	assert_true(tmux_wait_text(&c->t, "28/72  recent history"));
	tmux_resize(&c->t, 56, 24);
	assert_true(tmux_wait_text(&c->t, "28/72 recent"));
	assert_true(tmux_settle(&c->t));
	assert_null(strstr(c->t.screen, "recent history"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* The fixture's rows in reverse (newest first, as an export sorted by
 * TIME descending writes them) into path. */
static void reversed_fixture(const char *path)
{
	static char rows[512][1024];
	char line[1024];
	FILE *in = fopen(fixture, "r"), *out = fopen(path, "w");
	int n = 0;

	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(fgets(line, sizeof(line), in));
	fputs(line, out);
	while (n < 512 && fgets(rows[n], sizeof(rows[n]), in))
		n++;
	while (n-- > 0)
		fputs(rows[n], out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* A row's recent sessions are the ones that closed last, newest first,
 * whatever the order of the replayed file (until 2026-12-06 the file's
 * last rows, in its order: here the oldest). */
static void test_detail_recent_newest_first(void **state)
{
	struct ctx *c = *state;
	char path[600], cmd[2048], line[256];
	int y;

	snprintf(path, sizeof(path), "%s/reversed.csv", c->t.dir);
	reversed_fixture(path);
	snprintf(cmd, sizeof(cmd), "TZ=UTC %s --replay %s; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "F10Quit"));
	tmux_keys(&c->t, "P");
	assert_true(tmux_wait_text(&c->t, "72 rows"));
	tmux_keys(&c->t, "Home");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Peer 127.0.0.1 "));
	assert_true(tmux_wait_text(&c->t, "Recent sessions, newest first:"));
	y = recent_heading(&c->t);
	/* the heading, its titles, then 22:01:54 postgres, 22:01:51 python3 */
	tmux_screen_line(&c->t, y + 2, line, sizeof(line));
	printf("%s\n", line);
	assert_non_null(strstr(line, "22:01:54"));
	assert_non_null(strstr(line, "postgres"));
	tmux_screen_line(&c->t, y + 3, line, sizeof(line));
	assert_non_null(strstr(line, "22:01:51"));
	assert_non_null(strstr(line, "python3"));
	tmux_keys(&c->t, "Escape");
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* The peer's "Its 51 sessions" note on screen, each of its processes' items
 * whole on a line, and no line of it starting with a count. */
static bool note_items_whole(const char *screen, const void *arg)
{
	int whole = 0;

	(void)arg;
	if (!strstr(screen, "Its 51 sessions: ports 5432 (51);"))
		return false;
	for (const char *l = screen; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t len = strcspn(l, "\n");
		const char *p = l;
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		while (*p == ' ' || *p == '|' || (unsigned char)*p >= 0x80)
			p++;
		if (*p == '(')
			return false;
		whole += strstr(line, "python3 3307 (25).") != NULL;
		whole += strstr(line, "postgres 2210 (26),") != NULL;
	}
	return whole == 2;
}

/* A peer's details: its totals, who opened its sessions, its recent
 * sessions; `f` keeps its sessions in every view (the remote address
 * exactly: 127.0.0.1 and not 127.0.0.10), and x clears it. */
static void test_peer_details_and_filter(void **state)
{
	struct ctx *c = *state;
	char cellbuf[64];

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "P");
	assert_true(tmux_wait_text(&c->t, "72 rows"));
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Peer 127.0.0.1 (Esc closes, f: only this peer)"));
	assert_true(tmux_wait_text(&c->t, "It connected here 26 times; this host connected to it 25 times."));
	assert_true(tmux_wait_text(&c->t, "Ended by: fin 47, "));
	/* who its sessions were with: the ports and processes (not itself) */
	assert_true(tmux_wait_text(&c->t, "Its 51 sessions: ports 5432 (51); processes postgres 2210 "
				   "(26), python3 3307 (25)."));
	assert_true(tmux_wait_text(&c->t, "Recent sessions, newest first:"));
	assert_true(tmux_wait_text(&c->t, "postgres"));
	/* At 80 and 61 columns the note wraps after an item, never inside one:
	 * until 2026-12-06 "(25)." stood alone on a line at 80 columns, and
	 * "(26), python3 3307 (25)." began one at 61. */
	for (int w = 0; w < 2; w++) {
		tmux_resize(&c->t, w ? 61 : 80, 30);
		assert_true(tmux_wait(&c->t, note_items_whole, NULL, false, TMUX_WAIT_MS,
				      "the note wrapped between items"));
	}
	/* back to the pane's size (tmux hands the terminal its new size a
	 * moment later: the rows below are read at 100 columns) */
	tmux_resize(&c->t, 100, 30);
	assert_true(tmux_wait_text(&c->t, "2 Processes"));
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait_gone(&c->t, "Its 51 sessions"));
	/* the second row, 93.184.216.34: curl's 9 sessions */
	tmux_keys(&c->t, "Down");
	tmux_keys(&c->t, "f");
	assert_true(tmux_wait_text(&c->t, "filter: peer 93.184.216.34, this row (x clears)"));
	assert_true(tmux_wait_text(&c->t, "1 of 72"));
	assert_true(tmux_wait_text(&c->t, "Filter: peer 93.184.216.34"));
	assert_int_equal(atoi(cell(&c->t, VIEW_PEERS, ROWS_Y, COL_SESSIONS, cellbuf, sizeof(cellbuf))), 9);
	tmux_keys(&c->t, "1");
	assert_true(tmux_wait_text(&c->t, "9 of 244"));
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "recent history"));
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y, COL_COMM, cellbuf, sizeof(cellbuf)), "curl");
	tmux_keys(&c->t, "x");
	assert_true(tmux_wait_text(&c->t, "filters cleared"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

static bool sorted_column(struct tmux *t, enum view_kind kind, enum col_id id, int rows, bool desc)
{
	char a[64], b[64];
	int y;

	assert_true(tmux_settle(t));
	for (y = ROWS_Y; y + 1 < ROWS_Y + rows; y++) {
		long x = atol(cell(t, kind, y, id, a, sizeof(a)));
		long z = atol(cell(t, kind, y + 1, id, b, sizeof(b)));

		if (desc ? x < z : x > z) {
			fprintf(stderr, "rows %d/%d not in order: %s %s\n", y, y + 1, a, b);
			return false;
		}
	}
	return true;
}

static void test_sort(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "\u25bcSESS"));
	assert_true(sorted_column(&c->t, VIEW_PROCS, COL_SESSIONS, 20, true));
	/* < twice: COMM, then PID (ascending) */
	tmux_keys(&c->t, "<");
	tmux_keys(&c->t, "<");
	assert_true(tmux_wait_text(&c->t, "\u25b2PID"));
	assert_true(sorted_column(&c->t, VIEW_PROCS, COL_PID, 20, false));
	/* I inverts */
	tmux_keys(&c->t, "I");
	assert_true(tmux_wait_text(&c->t, "\u25bcPID"));
	assert_true(sorted_column(&c->t, VIEW_PROCS, COL_PID, 20, true));
	/* F6 to the next column */
	tmux_keys(&c->t, "F6");
	assert_true(tmux_wait_text(&c->t, "COMM\u25b2"));
	/* sessions by RPORT, descending with r */
	tmux_keys(&c->t, "1");
	tmux_keys(&c->t, ">");
	tmux_keys(&c->t, ">");
	tmux_keys(&c->t, ">");
	tmux_keys(&c->t, ">");
	tmux_keys(&c->t, ">");
	assert_true(tmux_wait_text(&c->t, "\u25b2RPORT"));
	tmux_keys(&c->t, "r");
	assert_true(tmux_wait_text(&c->t, "\u25bcRPORT"));
	assert_true(sorted_column(&c->t, VIEW_SESSIONS, COL_RPORT, 20, true));
	/* back to time: following the newest again */
	tmux_keys(&c->t, "<");
	tmux_keys(&c->t, "<");
	tmux_keys(&c->t, "<");
	tmux_keys(&c->t, "<");
	tmux_keys(&c->t, "<");
	assert_true(tmux_wait_text(&c->t, "TIME\u25b2"));
	assert_true(tmux_wait_text(&c->t, "following"));
	/* newest first: the newest is at the top, and Home follows it */
	tmux_keys(&c->t, "r");
	assert_true(tmux_wait_text(&c->t, "TIME\u25bc"));
	assert_true(tmux_wait_text(&c->t, "sorted by TIME, descending"));
	tmux_keys(&c->t, "End");
	assert_true(tmux_wait_text(&c->t, "scrolled (Home follows)"));
	tmux_keys(&c->t, "Home");
	assert_true(tmux_wait_text(&c->t, "following"));
}

/* ---- filters ------------------------------------------------------------------- */

/* Every Sessions row on the screen has port 5432 on one side; how many rows. */
static int rows_on_port_5432(struct ctx *c)
{
	char a[64], b[64];
	int y, rows;

	assert_true(tmux_settle(&c->t));
	rows = screen_rows(&c->t, 30);
	for (y = ROWS_Y; y < ROWS_Y + rows; y++) {
		cell(&c->t, VIEW_SESSIONS, y, COL_LPORT, a, sizeof(a));
		cell(&c->t, VIEW_SESSIONS, y, COL_RPORT, b, sizeof(b));
		if (strcmp(a, "5432") && strcmp(b, "5432"))
			fail_msg("row %d has neither port 5432: %s %s", y, a, b);
	}
	return rows;
}

static void test_filter_port(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "o");
	assert_true(tmux_wait_text(&c->t, "Ports, either side"));
	tmux_line(&c->t, "5432");
	assert_true(tmux_wait_text(&c->t, "Filter: port 5432"));
	assert_true(tmux_wait_text(&c->t, "51 of 244"));
	assert_int_equal(rows_on_port_5432(c), 23);
	/* the filter applies to every view */
	tmux_keys(&c->t, "3");
	assert_true(tmux_wait_text(&c->t, "1 of 13"));
	assert_true(tmux_wait_text(&c->t, "recent history"));
	/* its details: both ends of its loopback connections are here */
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Accepted 26, connected 25: a connection with both ends"));
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait_gone(&c->t, "Accepted 26"));
	/* a bad list: the error shows, the prompt stays; Esc leaves the filter as it was */
	tmux_keys(&c->t, "o");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, "80,x");
	assert_true(tmux_wait_text(&c->t, "bad port 'x'"));
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait_text(&c->t, "Filter: port 5432"));
	/* x clears */
	tmux_keys(&c->t, "x");
	assert_true(tmux_wait_text(&c->t, "13 rows"));
	assert_true(tmux_wait_text(&c->t, "Filter: none"));
}

/* On a narrow terminal a prompt's label is shortened, so that what is typed
 * stays in sight (the ports prompt's label alone is 52 columns: at 50, what
 * was typed was off the screen, and at 40 the label was cut). */
static void test_prompt_narrow(void **state)
{
	struct ctx *c = *state;
	char line[512];
	int y;

	start_ui(&c->t, NULL, NULL);
	tmux_resize(&c->t, 40, 12);
	assert_true(tmux_wait_text(&c->t, "F1Help"));
	tmux_keys(&c->t, "o");
	tmux_type(&c->t, "5432");
	assert_true(tmux_wait_text(&c->t, "Ports: 5432"));
	tmux_resize(&c->t, 50, 12);
	tmux_type(&c->t, ",80");
	assert_true(tmux_wait_text(&c->t, "Ports: 5432,80"));
	/* wide enough: the long label, with its example */
	tmux_resize(&c->t, 100, 20);
	assert_true(tmux_wait_text(&c->t, "Ports, either side (80,443,8000-8010; empty: any): 5432,80"));
	tmux_resize(&c->t, 40, 12);
	assert_true(tmux_wait_text(&c->t, "Ports: 5432,80"));
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, "5432");
	assert_true(tmux_wait_text(&c->t, "51 of 244"));
	/* the export prompt: its text is a path, as long as one likes */
	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	tmux_type(&c->t, "/tmp/a-rather-long-directory-name/and-file.csv");
	assert_true(tmux_wait_text(&c->t, "and-file.csv"));
	assert_true(tmux_settle(&c->t));
	for (y = 0; y < 12; y++) {
		tmux_screen_line(&c->t, y, line, sizeof(line));
		if (strstr(line, "and-file.csv"))
			break;
	}
	assert_true(y < 12);
	assert_true(strlen(line) <= 40 + 2);
	tmux_keys(&c->t, "Escape");
}

/* E: only failed sessions (the fixture's 23: 9 rst_sent, 8 rst_recv, 5
 * timeouts, 1 refused); every row's END is one of them, never fin; the
 * summaries add up those sessions; E again shows all. */
static void test_filter_failures(void **state)
{
	struct ctx *c = *state;
	char a[64];
	int y, rows;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "E");
	assert_true(tmux_wait_text(&c->t, "Filter: failures"));
	assert_true(tmux_wait_text(&c->t, "23 of 244"));
	assert_true(tmux_wait_text(&c->t, "only failed sessions"));
	tmux_keys(&c->t, "Home");
	assert_true(tmux_settle(&c->t));
	rows = screen_rows(&c->t, 30);
	assert_int_equal(rows, 23);
	for (y = ROWS_Y; y < ROWS_Y + rows; y++) {
		const char *end = cell(&c->t, VIEW_SESSIONS, y, COL_CAUSE, a, sizeof(a));

		if (strcmp(end, "rst_sent") && strcmp(end, "rst_recv") && strcmp(end, "timeout") &&
		    strcmp(end, "refused"))
			fail_msg("line %d: END %s", y, end);
	}
	/* Processes: the failed sessions' processes, added up from the history */
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "11 of 30  recent history"));
	tmux_keys(&c->t, "E");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	assert_true(tmux_wait_text(&c->t, "failed and orderly sessions"));
}

/* n: one container's sessions, by its namespace's number; its details
 * say which namespace a session was in. */
static void test_filter_netns(void **state)
{
	struct ctx *c = *state;
	char a[64];
	int y, rows;

	start_ui(&c->t, NULL, NULL);
	/* offered: the selected session's (the newest, cafe-worker's, the host's) */
	tmux_keys(&c->t, "n");
	assert_true(tmux_wait_text(&c->t, "): 4026531840"));
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, "4026532301");
	assert_true(tmux_wait_text(&c->t, "Filter: netns 4026532301"));
	assert_true(tmux_wait_text(&c->t, "19 of 244"));
	tmux_keys(&c->t, "Home");
	assert_true(tmux_settle(&c->t));
	rows = screen_rows(&c->t, 30);
	assert_int_equal(rows, 19);
	for (y = ROWS_Y; y < ROWS_Y + rows; y++)
		assert_string_equal(cell(&c->t, VIEW_SESSIONS, y, COL_COMM, a, sizeof(a)), "java");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Net namespace     4026532301"));
	tmux_keys(&c->t, "Escape");
	/* Processes: added up from the history */
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "1 of 30  recent history"));
	/* not a namespace: refused where it was typed (the prompt holds the
	 * filter's number: cleared first) */
	tmux_keys(&c->t, "n");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, "/etc/hostname");
	assert_true(tmux_wait_text(&c->t, "not a network namespace"));
	tmux_keys(&c->t, "Escape");
	tmux_keys(&c->t, "x");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
}

static void test_filter_pid_and_family(void **state)
{
	struct ctx *c = *state;
	char a[64];
	int y, rows;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "p");
	tmux_line(&c->t, "1201");
	assert_true(tmux_wait_text(&c->t, "Filter: pid 1201"));
	assert_true(tmux_wait_text(&c->t, "93 of 244"));
	assert_true(tmux_settle(&c->t));
	rows = screen_rows(&c->t, 30);
	for (y = ROWS_Y; y < ROWS_Y + rows; y++)
		assert_string_equal(cell(&c->t, VIEW_SESSIONS, y, COL_PID, a, sizeof(a)), "1201");
	/* combined with IPv6: nginx listens on IPv4 only */
	tmux_keys(&c->t, "6");
	assert_true(tmux_wait_text(&c->t, "0 of 244"));
	assert_true(tmux_wait_text(&c->t, "No rows match the filter"));
	tmux_keys(&c->t, "6");
	assert_true(tmux_wait_text(&c->t, "93 of 244"));
	/* f on a process row */
	tmux_keys(&c->t, "x");
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	tmux_keys(&c->t, "Down");
	tmux_keys(&c->t, "f");
	assert_true(tmux_wait_text(&c->t, "Filter: pid 2210"));
	assert_true(tmux_wait_text(&c->t, "1 of 30"));
	/* a process's own row, its lifetime totals: not added up from the history */
	assert_true(tmux_settle(&c->t));
	assert_null(strstr(c->t.screen, "recent history"));
	/* search: an address */
	tmux_keys(&c->t, "x");
	tmux_keys(&c->t, "1");
	tmux_keys(&c->t, "/");
	tmux_type(&c->t, "2001:db8:0:42::");
	assert_true(tmux_wait_text(&c->t, "19 of 244"));
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Filter: /2001:db8:0:42::"));
}

/*
 * A filter given on the command line chooses what is kept: the other
 * sessions take no room and count in no total (Processes and Ports are
 * lifetime totals of the kept sessions, not "recent history"); it is shown
 * apart, and keys filter on top of it (x clears theirs, not it).
 */
static void test_kept_filter(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, "-P 5432");
	assert_true(tmux_wait_text(&c->t, "Kept: port 5432   Filter: none"));
	assert_true(tmux_wait_text(&c->t, "51 rows"));
	assert_true(tmux_wait_text(&c->t, "Total: 51"));
	assert_int_equal(rows_on_port_5432(c), 23);
	tmux_keys(&c->t, "3");
	assert_true(tmux_wait_text(&c->t, "1 row"));
	assert_true(tmux_settle(&c->t));
	assert_null(strstr(c->t.screen, "recent history"));
	assert_non_null(strstr(c->t.screen, " 5432 "));
	/* keys filter on top; x clears theirs only */
	tmux_keys(&c->t, "1");
	tmux_keys(&c->t, "6");
	assert_true(tmux_wait_text(&c->t, "Kept: port 5432   Filter: IPv6"));
	assert_true(tmux_wait_text(&c->t, " of 51"));
	tmux_keys(&c->t, "x");
	assert_true(tmux_wait_text(&c->t, "Kept: port 5432   Filter: none"));
	assert_true(tmux_wait_text(&c->t, "51 rows"));
}

/*
 * Processes keeps at most 50,000 rows, the most recently seen: past it the
 * oldest tenth go (5,001 at a time). The tab bar says how many went, or the
 * totals would seem not to add up. 50,600 processes, one session each.
 */
static void test_processes_cap_said(void **state)
{
	struct ctx *c = *state;
	char path[512], cmd[8192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/many-procs.csv", c->t.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms\n", f);
	for (int i = 0; i < 50600; i++)	/* each its own process and peer */
		fprintf(f, "2026-12-01T00:%02d:%02d.%06dZ,%d,p%d,4,127.0.0.1,40000,10.%d.%d.%d,80,"
			"1,1,0.001\n", i / 60000, i / 1000 % 60, i % 1000 * 1000, 1000 + i, i,
			i >> 16, i >> 8 & 255, i & 255);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "%s --replay %s; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "45599 rows, 5001 older dropped"));
	/* by PID: what went are a pid's names (here one each), not PIDs */
	tmux_keys(&c->t, "H");
	assert_true(tmux_wait_text(&c->t, "45599 PIDs, 5001 older names dropped"));
	tmux_keys(&c->t, "H");
	assert_true(tmux_wait_text(&c->t, "45599 rows, 5001 older dropped"));
	/* Peers likewise; filtered, the rows come from the history, which
	 * still has the dropped peers' sessions: never more rows than the
	 * count of all (until 2026-12-06 "50600 of 45599, 5001 older
	 * dropped") */
	tmux_keys(&c->t, "P");
	assert_true(tmux_wait_text(&c->t, "45599 rows, 5001 older dropped"));
	tmux_keys(&c->t, "4");
	assert_true(tmux_wait_text(&c->t, "50600 of 50600"));
	assert_null(strstr(c->t.screen, "older dropped"));
	/* at 90 columns, scrolled to the end: the rows above give way to
	 * "recent history" (until 2026-12-06 the other way round) */
	tmux_resize(&c->t, 90, 24);
	tmux_keys(&c->t, "End");
	assert_true(tmux_wait_text(&c->t, "50600 of 50600  recent history"));
	assert_true(tmux_settle(&c->t));
	assert_null(strstr(c->t.screen, "above"));
	tmux_keys(&c->t, "4");
	tmux_keys(&c->t, "1");
	assert_true(tmux_wait_text(&c->t, "50600 rows"));
	assert_null(strstr(c->t.screen, "older dropped"));
}

/* ---- export -------------------------------------------------------------------- */

struct csv_file {
	char **rows[512];	/* fields of each record */
	size_t nfields[512];
	size_t n;
};

static void csv_load(const char *path, struct csv_file *f)
{
	struct csv_record rec;
	FILE *fp = fopen(path, "r");
	size_t i;
	int rc;

	assert_non_null(fp);
	memset(f, 0, sizeof(*f));
	csv_record_init(&rec);
	while ((rc = csv_read_record(fp, &rec)) == 1 && f->n < 512) {
		f->rows[f->n] = calloc(rec.n, sizeof(char *));
		for (i = 0; i < rec.n; i++)
			f->rows[f->n][i] = strdup(rec.fields[i]);
		f->nfields[f->n++] = rec.n;
	}
	assert_int_equal(rc, 0);
	csv_record_fini(&rec);
	fclose(fp);
}

static void csv_free(struct csv_file *f)
{
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		for (j = 0; j < f->nfields[i]; j++)
			free(f->rows[i][j]);
		free(f->rows[i]);
	}
}

static int csv_col(const struct csv_file *f, const char *name)
{
	size_t i;

	for (i = 0; f->n && i < f->nfields[0]; i++)
		if (!strcmp(f->rows[0][i], name))
			return (int)i;
	fail_msg("no column %s", name);
	return -1;
}

struct first_row {
	struct tmux *t;
	const struct csv_file *f;
};

/* The first data row shows the first record of the file (pid, lport, rport). */
static bool first_row_is(const char *screen, const void *arg)
{
	const struct first_row *m = arg;
	char a[64];

	(void)screen;
	return !strcmp(cell(m->t, VIEW_SESSIONS, ROWS_Y, COL_PID, a, sizeof(a)),
		       m->f->rows[1][csv_col(m->f, "pid")]) &&
	       !strcmp(cell(m->t, VIEW_SESSIONS, ROWS_Y, COL_LPORT, a, sizeof(a)),
		       m->f->rows[1][csv_col(m->f, "lport")]) &&
	       !strcmp(cell(m->t, VIEW_SESSIONS, ROWS_Y, COL_RPORT, a, sizeof(a)),
		       m->f->rows[1][csv_col(m->f, "rport")]);
}

/* RATE: sessions a second lately, in a replay at its newest close (the
 * fixture's last 4.3 s: nginx 5 sessions in the bucket before, postgres 3,
 * cafe-worker 1 in the current one); sorted by, and exported. */
static void test_rate_column(void **state)
{
	struct ctx *c = *state;
	struct csv_file f;
	char path[512], a[64];
	int rate, pid;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	assert_true(tmux_settle(&c->t));
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y, COL_PID, a, sizeof(a)), "1201");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y, COL_RATE, a, sizeof(a)), "1.1");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y + 1, COL_PID, a, sizeof(a)), "2210");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y + 1, COL_RATE, a, sizeof(a)), "0.7");
	tmux_keys(&c->t, ">");
	assert_true(tmux_wait_text(&c->t, "sorted by RATE, descending"));
	assert_true(tmux_settle(&c->t));
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y, COL_PID, a, sizeof(a)), "1201");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y + 1, COL_PID, a, sizeof(a)), "2210");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y + 2, COL_PID, a, sizeof(a)), "6001");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y + 2, COL_RATE, a, sizeof(a)), "0.2");
	tmux_keys(&c->t, "e");
	snprintf(path, sizeof(path), "%s/rates.csv", c->t.dir);
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, path);
	assert_true(tmux_wait_text(&c->t, "exported 30 processes (by RATE, descending) to "));
	csv_load(path, &f);
	assert_int_equal(f.n, 1 + 30);
	rate = csv_col(&f, "rate_per_s");
	pid = csv_col(&f, "pid");
	assert_string_equal(f.rows[1][pid], "1201");
	assert_string_equal(f.rows[1][rate], "1.085");
	assert_string_equal(f.rows[2][rate], "0.651");
	assert_string_equal(f.rows[3][rate], "0.233");
	assert_string_equal(f.rows[30][rate], "0.000");
	csv_free(&f);
	/* Ports: both ends of 5432 on this host */
	tmux_keys(&c->t, "3");
	assert_true(tmux_wait_text(&c->t, "13 rows"));
	assert_true(tmux_settle(&c->t));
	assert_string_equal(cell(&c->t, VIEW_PORTS, ROWS_Y + 1, COL_PORT, a, sizeof(a)), "5432");
	assert_string_equal(cell(&c->t, VIEW_PORTS, ROWS_Y + 1, COL_RATE, a, sizeof(a)), "0.9");
}

/*
 * One port in two network namespaces (8080 in two pods): the summaries say
 * so (NETNS "2 netns", NS 2), the port's details list which, `n` offers a
 * row's namespace when it has one, and the export has netns 0 and
 * netns_count 2 for it.
 */
static void test_netns_summaries(void **state)
{
	struct ctx *c = *state;
	struct csv_file f;
	char path[600], cmd[2048];
	int port, ns, nsn;

	write_file(&c->t, "pods.csv",
		   "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms,"
		   "netns\n"
		   "2026-12-01T00:00:01.000000Z,5,api,4,10.1.0.5,8080,10.1.0.9,40001,1,1,0.001,4026532301\n"
		   "2026-12-01T00:00:02.000000Z,5,api,4,10.1.0.5,8080,10.1.0.9,40002,1,1,0.001,4026532301\n"
		   "2026-12-01T00:00:03.000000Z,5,api,4,10.1.0.5,8080,10.1.0.9,40003,1,1,0.001,4026532301\n"
		   "2026-12-01T00:00:04.000000Z,6,api,4,10.1.1.5,8080,10.1.0.9,40004,1,1,0.001,4026532388\n"
		   "2026-12-01T00:00:05.000000Z,6,api,4,10.1.1.5,8080,10.1.0.9,40005,1,1,0.001,4026532388\n"
		   "2026-12-01T00:00:06.000000Z,7,sshd,4,10.0.0.5,22,192.0.2.7,50000,1,1,0.001,4026531840\n", path, sizeof(path));
	tmux_resize(&c->t, 100, 30);
	snprintf(cmd, sizeof(cmd), "%s --replay %s; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	tmux_keys(&c->t, "3");
	assert_true(tmux_wait_text(&c->t, "2 rows"));
	/* several namespaces kept: NETNS takes the room there is, unasked */
	assert_true(tmux_wait_text(&c->t, "LAST           NETNS"));
	assert_true(tmux_wait_text(&c->t, " 2 netns"));
	tmux_keys(&c->t, "w");
	assert_true(tmux_wait_text(&c->t, "NETNS    NS"));
	assert_true(tmux_wait_text(&c->t, "2 netns     2"));
	assert_true(tmux_wait_text(&c->t, "4026531840     1"));
	/* the port's details: which namespaces (a replay names none) */
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Port 8080"));
	assert_true(tmux_wait_text(&c->t, "network namespaces 4026532301 (3), 4026532388 (2)."));
	tmux_keys(&c->t, "Escape");
	/* `n` on a row of several offers nothing; on sshd's port, its one */
	tmux_keys(&c->t, "n");
	assert_true(tmux_wait_text(&c->t, "empty: any):"));
	assert_true(tmux_settle(&c->t));
	assert_null(strstr(tmux_capture(&c->t, false), "empty: any): 4"));
	tmux_keys(&c->t, "Escape");
	tmux_keys(&c->t, "Down");
	tmux_keys(&c->t, "n");
	assert_true(tmux_wait_text(&c->t, "empty: any): 4026531840"));
	tmux_keys(&c->t, "Escape");
	/* by the namespace filter: 8080 in one pod only */
	tmux_keys(&c->t, "n");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, "4026532388");
	assert_true(tmux_wait_text(&c->t, "1 of 2  recent history"));
	assert_true(tmux_wait_text(&c->t, "4026532388     1"));
	tmux_keys(&c->t, "x");
	assert_true(tmux_wait_text(&c->t, "2 rows"));
	/* N: a row per namespace's port, 8080 twice; the first is the pod
	 * of three sessions, its details its own */
	tmux_keys(&c->t, "N");
	assert_true(tmux_wait_text(&c->t, "3 rows by netns"));
	assert_true(tmux_wait_text(&c->t, "4026532301     1"));
	assert_true(tmux_wait_text(&c->t, "4026532388     1"));
	tmux_keys(&c->t, "Home");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Port 8080 in netns 4026532301"));
	assert_true(tmux_wait_text(&c->t, "Totals of its namespace's sessions still in the history."));
	assert_true(tmux_wait_text(&c->t, "Its 3 sessions: processes api 5 (3);"));
	tmux_keys(&c->t, "Escape");
	tmux_keys(&c->t, "N");
	assert_true(tmux_wait_text(&c->t, "2 rows"));
	tmux_keys(&c->t, "e");
	snprintf(path, sizeof(path), "%s/pods-ports.csv", c->t.dir);
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, path);
	assert_true(tmux_wait_text(&c->t, "exported 2 ports"));
	csv_load(path, &f);
	assert_int_equal(f.n, 1 + 2);
	port = csv_col(&f, "port");
	ns = csv_col(&f, "netns");
	nsn = csv_col(&f, "netns_count");
	assert_string_equal(f.rows[1][port], "8080");
	assert_string_equal(f.rows[1][ns], "0");
	assert_string_equal(f.rows[1][nsn], "2");
	assert_string_equal(f.rows[2][port], "22");
	assert_string_equal(f.rows[2][ns], "4026531840");
	assert_string_equal(f.rows[2][nsn], "1");
	csv_free(&f);
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	/* one namespace (this file's sshd alone): no NETNS at the same width */
	write_file(&c->t, "host.csv",
		   "time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms,"
		   "netns\n"
		   "2026-12-01T00:00:06.000000Z,7,sshd,4,10.0.0.5,22,192.0.2.7,50000,1,1,0.001,4026531840\n"
		   "2026-12-01T00:00:07.000000Z,7,sshd,4,10.0.0.5,22,192.0.2.8,50001,1,1,0.001,4026531840\n", path, sizeof(path));
	tmux_line(&c->t, "clear");
	snprintf(cmd, sizeof(cmd), "%s --replay %s; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	tmux_keys(&c->t, "3");
	assert_true(tmux_wait_text(&c->t, "1 row"));
	assert_true(tmux_settle(&c->t));
	assert_true(tmux_wait_text(&c->t, "RATE"));
	assert_null(strstr(tmux_capture(&c->t, false), "NETNS"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

static void test_export_matches_view(void **state)
{
	struct ctx *c = *state;
	struct first_row m;
	struct csv_file f;
	char path[512], a[2048], *end;
	int y, rows, pid, lport, rport, tx, nprocs;
	size_t i;
	unsigned long long prev = ~0ull;

	start_ui(&c->t, NULL, NULL);
	/* port 443 either side, sorted by TX descending, from the top */
	tmux_keys(&c->t, "o");
	tmux_line(&c->t, "443");
	assert_true(tmux_wait_text(&c->t, "81 of 244"));
	for (i = 0; i < 6; i++)
		tmux_keys(&c->t, ">");
	assert_true(tmux_wait_text(&c->t, "\u25bcTX"));
	tmux_keys(&c->t, "e");
	assert_true(tmux_wait_text(&c->t, "Export 81 sessions to: tcpscope-sessions-"));
	snprintf(path, sizeof(path), "%s/port443.csv", c->t.dir);
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, path);
	/* the order said, its direction too (until 2026-12-06 "(TX order)" either way) */
	assert_true(tmux_wait_text(&c->t, "exported 81 sessions (by TX, descending) to "));

	csv_load(path, &f);
	assert_int_equal(f.n, 1 + 81);
	assert_string_equal(f.rows[0][0], "time");
	pid = csv_col(&f, "pid");
	lport = csv_col(&f, "lport");
	rport = csv_col(&f, "rport");
	tx = csv_col(&f, "tx_bytes");
	/* every row passes the filter, in the view's order */
	for (i = 1; i < f.n; i++) {
		unsigned long long v = strtoull(f.rows[i][tx], &end, 10);

		assert_true(!strcmp(f.rows[i][lport], "443") || !strcmp(f.rows[i][rport], "443"));
		assert_true(v <= prev);
		prev = v;
	}
	/* from the top, the rows on the screen are the first rows of the file */
	tmux_keys(&c->t, "Home");
	m.t = &c->t;
	m.f = &f;
	assert_true(tmux_wait(&c->t, first_row_is, &m, false, TMUX_WAIT_MS, "the first CSV row on top"));
	assert_true(tmux_settle(&c->t));
	rows = screen_rows(&c->t, 30);
	assert_int_equal(rows, 23);
	for (y = 0; y < rows; y++) {
		assert_string_equal(cell(&c->t, VIEW_SESSIONS, ROWS_Y + y, COL_PID, a, sizeof(a)),
				    f.rows[1 + y][pid]);
		assert_string_equal(cell(&c->t, VIEW_SESSIONS, ROWS_Y + y, COL_RPORT, a, sizeof(a)),
				    f.rows[1 + y][rport]);
		assert_string_equal(cell(&c->t, VIEW_SESSIONS, ROWS_Y + y, COL_LPORT, a, sizeof(a)),
				    f.rows[1 + y][lport]);
	}
	csv_free(&f);

	/* the processes view exports its own rows; an existing file asks first */
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "of 30"));
	tmux_screen_line(&c->t, 3, a, sizeof(a));
	nprocs = atoi(strstr(a, "of 30") - 4 + strspn(strstr(a, "of 30") - 4, " "));
	assert_true(nprocs > 1 && nprocs < 30);
	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, path);
	assert_true(tmux_wait_text(&c->t, "The file exists: Enter replaces it"));
	/* Esc cancels, and the next export to the name asks again (until
	 * 2026-12-06 the question stayed armed, and the next Enter replaced
	 * the file at once) */
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait_text(&c->t, "export cancelled"));
	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, path);
	assert_true(tmux_wait_text(&c->t, "The file exists: Enter replaces it"));
	csv_load(path, &f);
	assert_string_equal(f.rows[0][0], "time");	/* still the sessions' export */
	csv_free(&f);
	tmux_keys(&c->t, "Enter");
	snprintf(a, sizeof(a), "exported %d processes", nprocs);
	assert_true(tmux_wait_text(&c->t, a));
	csv_load(path, &f);
	assert_int_equal(f.n, 1 + (size_t)nprocs);
	assert_string_equal(f.rows[0][0], "pid");
	csv_free(&f);

	/* a directory that does not exist: an error in the status line, no file */
	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, "/nonexistent/dir/x.csv");
	assert_true(tmux_wait_text(&c->t, "export failed: cannot create /nonexistent/dir/x.csv"));
}

/* A JVM's sessions under three thread names, and another process. */
static void threads_fixture(const char *path)
{
	static const char *const rows[] = {
		"2026-11-23T22:00:01.000000Z,4242,java,4,127.0.0.1,8080,10.0.0.1,40001,100,1000,1.000,2026-11-23T22:00:00.999000Z,308,0,483,in,remote,fin,1,0",
		"2026-11-23T22:00:02.000000Z,4242,http-nio-8080-e,4,127.0.0.1,8080,10.0.0.2,40002,200,2000,2.000,2026-11-23T22:00:01.998000Z,308,0,483,in,remote,fin,1,0",
		"2026-11-23T22:00:02.000001Z,4242,http-nio-8080-e,4,127.0.0.1,8080,10.0.0.3,40003,200,2000,2.000,2026-11-23T22:00:01.998001Z,308,0,483,in,remote,fin,1,0",
		"2026-11-23T22:00:02.000002Z,4242,http-nio-8080-e,4,127.0.0.1,8080,10.0.0.4,40004,200,2000,2.000,2026-11-23T22:00:01.998002Z,308,0,483,in,remote,fin,1,0",
		"2026-11-23T22:00:03.000000Z,4242,GC Thread#0,4,127.0.0.1,8080,10.0.0.1,40010,300,3000,5.000,2026-11-23T22:00:02.995000Z,308,0,483,in,remote,rst_recv,1,0",
		"2026-11-23T22:00:03.000001Z,4242,GC Thread#0,4,127.0.0.1,8080,10.0.0.1,40011,300,3000,5.000,2026-11-23T22:00:02.995001Z,308,0,483,in,remote,rst_recv,1,0",
		"2026-11-23T22:00:04.000000Z,777,dockerd,4,127.0.0.1,2375,10.0.0.9,40020,5,6,0.500,2026-11-23T22:00:03.999500Z,308,0,483,in,remote,fin,1,0",
	};
	FILE *out = fopen(path, "w");
	size_t i;

	assert_non_null(out);
	fputs("time,pid,comm,family,laddr,lport,raddr,rport,tx_bytes,rx_bytes,duration_ms,"
	      "start_time,srtt_us,retransmits,handshake_us,direction,closed_by,end_cause,"
	      "pid_certain,partial\n", out);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fprintf(out, "%s\n", rows[i]);
	assert_int_equal(fclose(out), 0);
}

/* H: Processes with one row per PID, its thread names merged: the screen,
 * the details, `f` and the export agree. */
static void test_procs_by_pid_screen(void **state)
{
	struct ctx *c = *state;
	char path[600], out[600], cmd[2048], line[2048];
	struct csv_file f;

	snprintf(path, sizeof(path), "%s/threads.csv", c->t.dir);
	threads_fixture(path);
	snprintf(cmd, sizeof(cmd), "TZ=UTC %s --replay %s; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	/* the replay read whole: its "replay complete: 7 sessions" in the
	 * status line would take the place of a key's message below */
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	assert_true(tmux_wait_text(&c->t, "F10Quit"));
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "4 rows"));
	tmux_keys(&c->t, "H");
	assert_true(tmux_wait_text(&c->t, "2 PIDs"));
	assert_true(tmux_wait_text(&c->t, "one row per PID, its names merged"));
	/* the busiest first: pid 4242 under its busiest name, 6 sessions */
	assert_true(tmux_settle(&c->t));
	tmux_screen_line(&c->t, ROWS_Y, line, sizeof(line));
	printf("%s\n", line);
	assert_non_null(strstr(line, "4242 http-nio-8080-e"));
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y, COL_SESSIONS, out, sizeof(out)), "6");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y, COL_PEERS, out, sizeof(out)), "4");
	assert_string_equal(cell(&c->t, VIEW_PROCS, ROWS_Y, COL_RSTS, out, sizeof(out)), "2");
	tmux_screen_line(&c->t, ROWS_Y + 1, line, sizeof(line));
	assert_non_null(strstr(line, "777 dockerd"));

	/* its details: the names it went by, and each session's */
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "PID 4242: http-nio-8080-e and 2 other names"));
	assert_true(tmux_wait_text(&c->t, "names http-nio-8080-e 4242 (3), GC Thread#0 4242 (2), "
				   "java 4242 (1)"));
	assert_true(tmux_wait_text(&c->t, "GC Thread#0   8080"));
	tmux_keys(&c->t, "Escape");

	/* the export: the rows on the screen */
	snprintf(out, sizeof(out), "%s/pids.csv", c->t.dir);
	tmux_keys(&c->t, "e");
	assert_true(tmux_wait_text(&c->t, "Export 2 processes to: "));
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, out);
	assert_true(tmux_wait_text(&c->t, "exported 2 processes (by SESS, descending)"));
	csv_load(out, &f);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.rows[1][csv_col(&f, "pid")], "4242");
	assert_string_equal(f.rows[1][csv_col(&f, "comm")], "http-nio-8080-e");
	assert_string_equal(f.rows[1][csv_col(&f, "sessions")], "6");
	assert_string_equal(f.rows[1][csv_col(&f, "tx_bytes")], "1300");
	assert_string_equal(f.rows[1][csv_col(&f, "rx_bytes")], "13000");
	assert_string_equal(f.rows[1][csv_col(&f, "max_ms")], "5.000");
	assert_string_equal(f.rows[1][csv_col(&f, "peers")], "4");
	assert_string_equal(f.rows[2][csv_col(&f, "pid")], "777");
	csv_free(&f);

	/* f: the pid under any name; the sessions view shows all six */
	tmux_keys(&c->t, "f");
	assert_true(tmux_wait_text(&c->t, "filter: pid 4242, any name"));
	assert_true(tmux_wait_text(&c->t, "1 of 2 PIDs"));
	tmux_keys(&c->t, "1");
	assert_true(tmux_wait_text(&c->t, "6 of 7"));
	/* H again: a row per pid and name, the filter kept */
	tmux_keys(&c->t, "H");
	assert_true(tmux_wait_text(&c->t, "3 of 4"));
	assert_true(tmux_wait_text(&c->t, "a row per PID and name"));
}

/* Nothing but what was there before: the directory has no file left. */
static int dir_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* A replay larger than the history says so: Sessions keeps the newest
 * rows, the summaries all (until 2026-12-06 nothing said it). */
static void test_replay_larger_than_history(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, "--history 100");
	assert_true(tmux_wait_text(&c->t, "keeps the newest 100 (--history 244 keeps them all)"));
	assert_true(tmux_wait_text(&c->t, "100 rows"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* A file newest first (an export sorted TIME descending), larger than the
 * history, its last row cut short: Sessions keeps the newest by close time
 * (until 2026-12-06 the file's last rows, here the oldest), and the end of
 * the replay says the cut row was left out (until then the file was
 * refused). */
static void test_replay_newest_of_any_order(void **state)
{
	struct ctx *c = *state;
	char path[512], cmd[8192], line[1024], *rows[300];
	size_t n = 0;
	FILE *in, *out;

	snprintf(path, sizeof(path), "%s/newest-first.csv", c->t.dir);
	in = fopen(fixture, "r");
	out = fopen(path, "w");
	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(fgets(line, sizeof(line), in));
	fputs(line, out);	/* the header */
	while (n < 300 && fgets(line, sizeof(line), in))
		rows[n++] = strdup(line);
	assert_int_equal(n, 244);
	while (n > 0) {
		fputs(rows[--n], out);
		free(rows[n]);
	}
	fputs("2026-11-23T22:00:00.1", out);	/* cut short */
	assert_int_equal(fclose(out), 0);
	fclose(in);

	snprintf(cmd, sizeof(cmd), "%s --replay %s --history 4; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete: 244 sessions (the last row, cut short, "
				   "left out: m); Sessions keeps the newest 4"));
	assert_true(tmux_wait_text(&c->t, "4 rows"));
	/* the four newest of the fixture closed at 22:01:54 and 22:01:55 */
	assert_non_null(strstr(c->t.screen, "22:01:55"));
	assert_null(strstr(c->t.screen, "22:01:53"));
	assert_null(strstr(c->t.screen, "22:00:0"));
	tmux_keys(&c->t, "m");
	assert_true(tmux_wait_text(&c->t, "newest-first.csv:246: the file ends inside this row"));
	tmux_keys(&c->t, "q");
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* Entries of dir whose name begins with prefix. */
static int entries_named(const char *dir, const char *prefix)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

/* A read-only file system, a full disk and a pipe: the status line says why, the
 * monitor goes on, and no file (not even a temporary one) is left. Needs
 * root for the mounts; skipped otherwise. */
static void test_export_errors(void **state)
{
	struct ctx *c = *state;
	char ro[600], full[600], path[700];

	if (geteuid() != 0) {
		printf("SKIP: export onto read-only and full mounts needs root\n");
		return;
	}
	snprintf(ro, sizeof(ro), "%s/ro", c->t.dir);
	snprintf(full, sizeof(full), "%s/full", c->t.dir);
	assert_int_equal(mkdir(ro, 0755), 0);
	assert_int_equal(mkdir(full, 0755), 0);
	assert_int_equal(mount("tcpscope-test", ro, "tmpfs", MS_RDONLY, "size=64k"), 0);
	/* 244 sessions are ~60 KiB of CSV: they cannot fit in 16 KiB */
	assert_int_equal(mount("tcpscope-test", full, "tmpfs", 0, "size=16k"), 0);

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	snprintf(path, sizeof(path), "%s/x.csv", ro);
	tmux_line(&c->t, path);
	assert_true(tmux_wait_text(&c->t, "Read-only file system"));
	assert_true(tmux_wait_text(&c->t, "export failed"));
	assert_int_equal(dir_entries(ro), 0);

	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	snprintf(path, sizeof(path), "%s/x.csv", full);
	tmux_line(&c->t, path);
	assert_true(tmux_wait_text(&c->t, "No space left on device"));
	assert_int_equal(dir_entries(full), 0);

	/* a pipe (or a device) is refused at once: not "The file exists" */
	snprintf(path, sizeof(path), "%s/fifo", c->t.dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, path);
	assert_true(tmux_wait_text(&c->t, "is a pipe"));
	assert_null(strstr(c->t.screen, "The file exists"));
	{
		struct stat sb;

		assert_int_equal(stat(path, &sb), 0);
		assert_true(S_ISFIFO(sb.st_mode));
	}
	assert_int_equal(unlink(path), 0);

	/* still running: the views answer */
	tmux_keys(&c->t, "3");
	assert_true(tmux_wait_text(&c->t, "PEERS"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	umount(ro);
	umount(full);
}

/* ---- hostile names ------------------------------------------------------------- */

/* In a capture with escapes, every ESC must start an SGR sequence made by tmux. */
static bool only_sgr(const char *s, char *why, size_t len)
{
	for (; (s = strchr(s, '\033')); s++) {
		const char *p = s + 1;

		if (*p != '[') {
			snprintf(why, len, "ESC followed by 0x%02x", (unsigned char)*p);
			return false;
		}
		p++;
		while ((*p >= '0' && *p <= '9') || *p == ';' || *p == ':')
			p++;
		if (*p != 'm') {
			snprintf(why, len, "CSI ending in 0x%02x", (unsigned char)*p);
			return false;
		}
	}
	return true;
}

static void test_hostile_comm_inert(void **state)
{
	struct ctx *c = *state;
	char why[96], title[256];

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	tmux_keys(&c->t, "w");	/* room for the whole escaped names */
	assert_true(tmux_wait_text(&c->t, "\\x1b[31mred\\x1b[0m"));
	assert_true(tmux_wait_text(&c->t, "\\x1b]0;pwned\\x07"));
	assert_true(tmux_wait_text(&c->t, "a,b\"c\\x0ad"));
	assert_true(tmux_wait_text(&c->t, "=cmd|' /C calc'"));
	tmux_capture(&c->t, true);
	if (!only_sgr(c->t.screen, why, sizeof(why)))
		fail_msg("a raw escape reached the terminal: %s", why);
	assert_null(strstr(c->t.screen, "\033]"));
	assert_null(strstr(c->t.screen, "\a"));
	/* the OSC in a name did not set the window title */
	tmux_format(&c->t, "#{pane_title}", title, sizeof(title));
	assert_null(strstr(title, "pwned"));
	/* the detail panel and the sessions view too */
	tmux_keys(&c->t, "1");
	tmux_keys(&c->t, "c");
	tmux_type(&c->t, "pwned");
	assert_true(tmux_wait_text(&c->t, "1 of 244"));
	tmux_keys(&c->t, "Enter");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Session of \\x1b]0;pwned\\x07"));
	tmux_capture(&c->t, true);
	if (!only_sgr(c->t.screen, why, sizeof(why)))
		fail_msg("a raw escape reached the terminal: %s", why);
	tmux_format(&c->t, "#{pane_title}", title, sizeof(title));
	assert_null(strstr(title, "pwned"));
}

/* ---- sizes --------------------------------------------------------------------- */

struct line_text {
	int y;
	const char *text;
};

/* Line y of the screen holds text. */
static bool line_has(const char *screen, const void *arg)
{
	const struct line_text *lt = arg;
	const char *p = screen;
	int i;

	for (i = 0; i < lt->y && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return false;
	const char *nl = strchr(p, '\n');
	const char *hit = strstr(p, lt->text);

	return hit && (!nl || hit < nl);
}

static void test_too_small_and_resize(void **state)
{
	struct ctx *c = *state;
	char line[2048];

	start_ui(&c->t, NULL, NULL);
	tmux_resize(&c->t, 30, 8);
	assert_true(tmux_wait_text(&c->t, "Terminal too small: 30x8"));
	assert_true(tmux_wait_text(&c->t, "at least 40x10"));
	tmux_resize(&c->t, 39, 20);
	assert_true(tmux_wait_text(&c->t, "Terminal too small: 39x20"));
	/* keys other than q do nothing meanwhile */
	tmux_keys(&c->t, "2");
	tmux_resize(&c->t, 80, 24);
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 23, "F10Quit" }, false,
			      TMUX_WAIT_MS, "F10Quit on line 23"));
	assert_true(tmux_settle(&c->t));
	tmux_screen_line(&c->t, 23, line, sizeof(line));
	assert_non_null(strstr(line, "F1Help"));
	assert_non_null(strstr(line, "F10Quit"));
	tmux_screen_line(&c->t, 0, line, sizeof(line));
	assert_true(strncmp(line, "tcpscope", 8) == 0);
	tmux_screen_line(&c->t, 4, line, sizeof(line));
	assert_non_null(strstr(line, "DUR"));	/* the narrow set fits 80 columns */
	/* the smallest size still draws a table */
	tmux_resize(&c->t, 40, 10);
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 9, "F1Help" }, false,
			      TMUX_WAIT_MS, "F1Help on line 9"));
	assert_true(tmux_settle(&c->t));
	assert_int_equal(screen_rows(&c->t, 10), 3);
	/* hints keep whole items ("o p" was left of "o port") */
	tmux_screen_line(&c->t, 2, line, sizeof(line));
	for (size_t k = strlen(line); k > 0 && line[k - 1] == ' '; k--)
		line[k - 1] = '\0';
	assert_string_equal(line, "Filter: none   p pid  o port  c name");
	/* a title too long is cut with an ellipsis (until 2026-12-06 just cut:
	 * "(any key retur") */
	tmux_keys(&c->t, "?");
	assert_true(tmux_wait(&c->t, line_has,
			      &(struct line_text){ 0, "tcpscope help: every key (any key retu\u2026" },
			      false, TMUX_WAIT_MS, "the help's title cut with an ellipsis"));
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 9, "F1Help" }, false,
			      TMUX_WAIT_MS, "F1Help on line 9"));
	/* a filter longer than the line is cut with an ellipsis, the hint
	 * dropped first (never "port 21  (x clears)" for port 21104); the
	 * tabs are short, so that the rows' count still fits */
	tmux_keys(&c->t, "o");
	tmux_line(&c->t, "8080,9090,10000-20000,30000-40000");
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 2, "\u2026" }, false,
			      TMUX_WAIT_MS, "an ellipsis on the filter line"));
	tmux_screen_line(&c->t, 2, line, sizeof(line));
	assert_non_null(strstr(line, "Filter: port 8080,9090,10000-20000,"));
	assert_null(strstr(line, "(x clears"));
	tmux_screen_line(&c->t, 3, line, sizeof(line));
	assert_non_null(strstr(line, " 1 Sess "));
	assert_non_null(strstr(line, " of 244"));
	tmux_resize(&c->t, 60, 10);
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 2, "(x clears)" }, false,
			      TMUX_WAIT_MS, "the whole filter and its hint at 60 columns"));
	tmux_keys(&c->t, "x");
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 2, "Filter: none" }, false,
			      TMUX_WAIT_MS, "the filter cleared"));
	/* big */
	tmux_resize(&c->t, 200, 60);
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 59, "F1Help" }, false,
			      TMUX_WAIT_MS, "F1Help on line 59"));
	assert_true(tmux_settle(&c->t));
	assert_int_equal(screen_rows(&c->t, 60), 53);
	/* many resizes in a row */
	for (int i = 0; i < 20; i++)
		tmux_resize(&c->t, 40 + i * 7, 10 + i * 2);
	tmux_resize(&c->t, 100, 30);
	assert_true(tmux_wait_text(&c->t, "244 rows"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* The fixture's rows again and again, at least `rows` of them, into path. */
static void big_replay(const char *path, size_t rows)
{
	FILE *in = fopen(fixture, "r"), *out = fopen(path, "w");
	char line[4096], *body = NULL;
	size_t len = 0, cap = 0, per = 0;

	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(fgets(line, sizeof(line), in));
	fputs(line, out);	/* the header */
	while (fgets(line, sizeof(line), in)) {
		size_t l = strlen(line);

		if (len + l + 1 > cap) {
			cap = (len + l + 1) * 2;
			body = realloc(body, cap);
			assert_non_null(body);
		}
		memcpy(body + len, line, l + 1);
		len += l;
		per++;
	}
	assert_true(per > 0);
	for (size_t n = 0; n < rows; n += per)
		fwrite(body, 1, len, out);
	free(body);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/*
 * At 40 columns the rows' count keeps its room beside the tabs: the tabs
 * not shown are their keys alone (" 1 Sess   2   3   P "), so a full
 * history's count shows ("100000 rows"; until 2026-12-06 nothing), and a
 * filtered one as "N of M".
 */
static void test_tabs_count_40_columns(void **state)
{
	struct ctx *c = *state;
	char path[600], cmd[2048], line[256];

	snprintf(path, sizeof(path), "%s/big.csv", c->t.dir);
	big_replay(path, 100000);
	tmux_resize(&c->t, 40, 10);
	snprintf(cmd, sizeof(cmd), "%s --replay %s; echo EXIT=$?", tcpscope, path);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 9, "F1Help" }, false,
			      TMUX_WAIT_MS, "F1Help on line 9"));
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 3, " 100000" }, false,
			      TMUX_WAIT_MS, "the count on the tab line"));
	tmux_keys(&c->t, "c");
	tmux_line(&c->t, "curl");
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 3, "6150 of 100000" }, false,
			      TMUX_WAIT_MS, "N of M on the tab line"));
	tmux_screen_line(&c->t, 3, line, sizeof(line));
	printf("%s\n", line);
	/* the tabs not shown are their keys alone */
	assert_non_null(strstr(line, " 1 Sess   2   3   P "));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

/* ---- panels --------------------------------------------------------------------- */

/* A session's notes in its details wrap between words (until 2026-12-06 one
 * line each, cut mid-word at the screen's edge). */
static void test_detail_notes_wrap(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "/");
	tmux_line(&c->t, "55099");	/* a session open before the capture began */
	assert_true(tmux_wait_text(&c->t, "1 of 244"));
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Not followed from its start"));
	assert_true(tmux_wait_text(&c->t, "bytes are the whole session's."));
	tmux_keys(&c->t, "Escape");
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
}

static void test_help_detail_columns(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "?");
	assert_true(tmux_wait_text(&c->t, "tcpscope help: every key"));
	assert_true(tmux_wait_text(&c->t, "invert the sort order"));
	tmux_keys(&c->t, "PageDown");
	assert_true(tmux_wait_text(&c->t, "A row's details (Enter)"));	/* its keys too */
	tmux_keys(&c->t, "PageDown");
	assert_true(tmux_wait_text(&c->t, "Reading the table"));
	tmux_keys(&c->t, "Space");
	assert_true(tmux_wait_text(&c->t, "244 rows"));
	assert_true(tmux_wait_gone(&c->t, "PAUSED"));
	/* details of the newest session */
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Session of caf\u00e9-worker, pid 6001"));
	assert_true(tmux_wait_text(&c->t, "duration_ms = 113.693"));
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait_text(&c->t, "244 rows"));
	/* process details list its recent sessions */
	tmux_keys(&c->t, "2");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "Process nginx, pid 1201"));
	/* its sessions by end cause, most first */
	assert_true(tmux_wait_text(&c->t, "Ended by: fin 84, rst_sent 5, rst_recv 2, timeout 2"));
	assert_null(strstr(c->t.screen, "Accepted "));	/* a process's: not said */
	assert_true(tmux_wait_text(&c->t, "Recent sessions, newest first"));
	assert_true(tmux_wait_text(&c->t, "203.0.113.25"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	/* the column chooser, its own keys on the status line, not the
	 * table's last message */
	tmux_keys(&c->t, "1");
	tmux_keys(&c->t, ">");
	assert_true(tmux_wait_text(&c->t, "sorted by"));
	tmux_keys(&c->t, "F2");
	assert_true(tmux_wait_text(&c->t, "Columns of sessions"));
	/* at once: the message would go by itself after 5 s */
	assert_true(tmux_wait(&c->t, tmux_pred_contains, "Space shows/hides the column", false, 2000,
			      "the chooser's keys"));
	assert_null(strstr(c->t.screen, "sorted by"));
	tmux_keys(&c->t, "Down");
	tmux_keys(&c->t, "Down");
	tmux_keys(&c->t, "Down");
	tmux_keys(&c->t, "Down");
	tmux_keys(&c->t, "Space");
	assert_true(tmux_wait_text(&c->t, "[x] LADDR"));
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait_text(&c->t, "LADDR"));
	assert_true(tmux_wait_gone(&c->t, "Columns of sessions"));
	/* pause shows in the header and the function bar */
	tmux_keys(&c->t, "Space");
	assert_true(tmux_wait_text(&c->t, "PAUSED  +0 new"));
	assert_true(tmux_wait_text(&c->t, "F5Resume"));
	tmux_keys(&c->t, "F5");
	assert_true(tmux_wait_gone(&c->t, "PAUSED"));
}

/* The screen line (with escapes) that holds text, copied into buf. */
static const char *escaped_line_with(struct tmux *t, const char *text, char *buf, size_t len)
{
	const char *s, *e;

	tmux_capture(t, true);
	s = strstr(t->screen, text);
	if (!s)
		return NULL;
	while (s > t->screen && s[-1] != '\n')
		s--;
	e = strchr(s, '\n');
	snprintf(buf, len, "%.*s", (int)(e ? e - s : (long)strlen(s)), s);
	return buf;
}

/*
 * A failed session shows as one at 80 columns, where END does not fit: its
 * row takes END's colour (red: a reset). At 100 columns END shows it, and
 * the rest of the row stays plain.
 */
static void test_failure_row_narrow(void **state)
{
	struct ctx *c = *state;
	char line[4096];
	const char *end;

	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "c");	/* curl's 15: the oldest (not selected) a reset */
	tmux_type(&c->t, "curl");
	tmux_keys(&c->t, "Enter");
	assert_true(tmux_wait_text(&c->t, "comm curl"));
	assert_true(tmux_wait_text(&c->t, "rst_recv"));
	assert_non_null(escaped_line_with(&c->t, "37884", line, sizeof(line)));
	end = strstr(line, "rst_recv");
	assert_non_null(end);
	assert_non_null(strstr(end - 12, "\033[31m"));	/* END in red */
	assert_null(memmem(line, (size_t)(end - 12 - line), "\033[31m", 5));
	tmux_resize(&c->t, 80, 30);
	assert_true(tmux_wait_gone(&c->t, "rst_recv"));
	assert_true(tmux_settle(&c->t));
	assert_non_null(escaped_line_with(&c->t, "37884", line, sizeof(line)));
	printf("at 80 columns: %s\n", line);
	assert_non_null(strstr(line, "\033[31m"));
	/* an orderly one stays plain */
	assert_non_null(escaped_line_with(&c->t, "26289", line, sizeof(line)));
	assert_null(strstr(line, "\033[31m"));
	assert_null(strstr(line, "33m"));
	/* scrolled up with rows above at 80 columns, the tab line still says
	 * it does not follow (until 2026-12-06 only the rows above) */
	tmux_keys(&c->t, "x");
	tmux_keys(&c->t, "Up");
	tmux_keys(&c->t, "Up");
	assert_true(tmux_wait(&c->t, line_has, &(struct line_text){ 3, " above  scrolled" }, false,
			      TMUX_WAIT_MS, "\"scrolled\" on the tab line"));
	/* and the help says what it means */
	tmux_keys(&c->t, "?");
	assert_true(tmux_wait_text(&c->t, "tcpscope help: every key"));
	for (int i = 0; i < 4 && !strstr(c->t.screen, "red/yellow row"); i++) {
		tmux_keys(&c->t, "PageDown");
		tmux_settle(&c->t);
	}
	assert_true(tmux_wait_text(&c->t, "red/yellow row"));
}

/* A replay whose every session the command line's filter leaves out says
 * so, not that the file has none. */
static void test_replay_none_kept(void **state)
{
	struct ctx *c = *state;

	start_ui(&c->t, NULL, "-P 1");
	assert_true(tmux_wait_text(&c->t, "244 sessions in the replay file, none of them kept"));
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "244 sessions in the replay file, none of them kept"));
}

static void test_no_color(void **state)
{
	struct ctx *c = *state;
	const char *s;

	start_ui(&c->t, "NO_COLOR=1", NULL);
	tmux_capture(&c->t, true);
	/* no explicit foreground or background color, only attributes */
	for (s = c->t.screen; (s = strstr(s, "\033[")); ) {
		char *end;

		s += 2;
		do {
			long v = strtol(s, &end, 10);

			if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) || (v >= 90 && v <= 107))
				fail_msg("color %ld on a NO_COLOR screen", v);
			s = *end == ';' ? end + 1 : end;
		} while (*end == ';');
	}
	/* reverse video marks the bars */
	assert_true(strstr(c->t.screen, "\033[7m") || strstr(c->t.screen, ";7m"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	/* --no-color does the same, and colors are there without it */
	tmux_line(&c->t, "clear");
	assert_true(tmux_wait_gone(&c->t, "EXIT=0"));
	start_ui(&c->t, NULL, "--no-color");
	tmux_capture(&c->t, true);
	assert_null(strstr(c->t.screen, "\033[42m"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	tmux_line(&c->t, "clear");
	assert_true(tmux_wait_gone(&c->t, "EXIT=0"));
	start_ui(&c->t, NULL, NULL);
	tmux_capture(&c->t, true);
	assert_non_null(strstr(c->t.screen, "\033[42m"));	/* the green column titles */
}

static void kill_from_pidfile(const char *pidfile, int sig);

/* ---- the mouse ----------------------------------------------------------------- */

/*
 * X10 mouse reports ("\e[M" + 3 bytes), what tmux sends for TERM=tmux-256color
 * or screen. The monitor acts on the press; the release is sent once the
 * press has shown its effect, as a hand would.
 */
static void x10_click(struct tmux *t, int x, int y, const char *effect)
{
	char hex[64];

	snprintf(hex, sizeof(hex), "1b 5b 4d %02x %02x %02x", 32 + 0, 32 + x + 1, 32 + y + 1);
	tmux_hex(t, hex);
	assert_true(tmux_wait_text(t, effect));
	snprintf(hex, sizeof(hex), "1b 5b 4d %02x %02x %02x", 32 + 3, 32 + x + 1, 32 + y + 1);
	tmux_hex(t, hex);
}

/* SGR mouse reports ("\e[<0;X;YM" then "...m"), what xterm-like terminals send. */
static void sgr_click(struct tmux *t, int x, int y)
{
	char seq[64], hex[256];
	size_t i, n;
	int len;

	len = snprintf(seq, sizeof(seq), "\033[<0;%d;%dM\033[<0;%d;%dm", x + 1, y + 1, x + 1, y + 1);
	for (i = 0, n = 0; i < (size_t)len && n + 4 < sizeof(hex); i++)
		n += (size_t)snprintf(hex + n, sizeof(hex) - n, "%02x ", (unsigned char)seq[i]);
	tmux_hex(t, hex);
}

static void sgr_wheel(struct tmux *t, int x, int y, bool up)
{
	char seq[64], hex[256];
	size_t i, n;
	int len;

	len = snprintf(seq, sizeof(seq), "\033[<%d;%d;%dM", up ? 64 : 65, x + 1, y + 1);
	for (i = 0, n = 0; i < (size_t)len && n + 4 < sizeof(hex); i++)
		n += (size_t)snprintf(hex + n, sizeof(hex) - n, "%02x ", (unsigned char)seq[i]);
	tmux_hex(t, hex);
}

static void test_mouse_x10(void **state)
{
	struct ctx *c = *state;
	char flag[32];
	int w, x;

	start_ui(&c->t, "TERM=tmux-256color", NULL);
	tmux_format(&c->t, "#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}", flag,
		    sizeof(flag));
	assert_non_null(strchr(flag, '1'));	/* the monitor asked for mouse reports */
	x10_click(&c->t, 30, 3, "13 rows");			/* the Ports tab */
	x = col_x(VIEW_PORTS, COL_PEERS, &w);
	x10_click(&c->t, x + 2, 4, "\u25bcPEERS");		/* a title sorts */
	x10_click(&c->t, x + 2, 4, "\u25b2PEERS");		/* again: inverted */
	x10_click(&c->t, 74, 29, "EXIT=0");			/* F10 in the bar */
}

static void test_mouse_sgr(void **state)
{
	struct ctx *c = *state;
	char pidfile[512], cmd[8192];
	int w, x;

	/* straight in the pane, no interactive shell: stopping it is no job-control event */
	snprintf(pidfile, sizeof(pidfile), "%s/pid", c->t.dir);
	snprintf(cmd, sizeof(cmd),
		 "sh -c 'echo $$ >%s; TERM=xterm-256color TCPSCOPE_UI_TIMING=%s/timing.log TZ=UTC "
		 "LANG=C.UTF-8 exec %s --replay %s'",
		 pidfile, c->t.dir, tcpscope, fixture);
	tmux_cmd(&c->t, NULL, 0, "respawn-pane", "-k", "-t", "main", cmd, NULL);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	sgr_click(&c->t, 30, 3);
	assert_true(tmux_wait_text(&c->t, "13 rows"));
	/* clicks that pile up while the monitor is stopped are all handled, in order */
	x = col_x(VIEW_PORTS, COL_PEERS, &w);
	kill_from_pidfile(pidfile, SIGSTOP);
	sgr_click(&c->t, x + 1, 4);	/* PEERS, descending */
	sgr_click(&c->t, x + 1, 4);	/* inverted */
	sgr_click(&c->t, 1, 4);		/* PORT, ascending */
	kill_from_pidfile(pidfile, SIGCONT);
	assert_true(tmux_wait_text(&c->t, "\u25b2PORT"));
	kill_from_pidfile(pidfile, SIGSTOP);
	sgr_click(&c->t, x + 1, 4);
	sgr_click(&c->t, x + 1, 4);
	kill_from_pidfile(pidfile, SIGCONT);
	assert_true(tmux_wait_text(&c->t, "\u25b2PEERS"));
	/* a row, then a double click opens its details */
	sgr_click(&c->t, 10, ROWS_Y + 2);
	sgr_click(&c->t, 10, ROWS_Y + 2);
	assert_true(tmux_wait_text(&c->t, "Esc closes, f: only this port"));
	tmux_keys(&c->t, "Escape");
	assert_true(tmux_wait_gone(&c->t, "Esc closes, f: only this port"));
	/* the wheel, in the sessions view */
	tmux_keys(&c->t, "1");
	assert_true(tmux_wait_text(&c->t, "following"));
	sgr_wheel(&c->t, 10, 10, true);
	assert_true(tmux_wait_text(&c->t, "End follows"));
	sgr_wheel(&c->t, 10, 10, false);
	assert_true(tmux_wait_text(&c->t, "following"));
}

/* ---- leaving ------------------------------------------------------------------- */

/* After the monitor: the shell answers, the tty is sane, no mode was left on. */
static void assert_restored(struct tmux *t, const char *why)
{
	char fmt[64];

	tmux_line(t, "clear");
	if (!tmux_wait(t, tmux_pred_lacks, "EXIT=", false, TMUX_WAIT_MS, "a clear screen"))
		fail_msg("%s: the shell does not clear", why);
	tmux_line(t, "echo alive-$((6*7))");
	if (!tmux_wait_text(t, "alive-42"))
		fail_msg("%s: the shell does not answer", why);
	tmux_line(t, "stty -a | tr ' ' '\\n' | grep -E -x -e '-?(icanon|echo|isig|icrnl|opost)' "
		  "| tr '\\n' ' '; echo");
	if (!tmux_wait_text(t, "icanon echo"))
		fail_msg("%s: stty not sane", why);
	tmux_capture(t, false);
	assert_null(strstr(t->screen, "-icanon"));
	assert_null(strstr(t->screen, "-echo "));
	assert_null(strstr(t->screen, "-isig"));
	assert_null(strstr(t->screen, "-opost"));
	assert_null(strstr(t->screen, "F10Quit"));
	tmux_format(t, "#{alternate_on}#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}", fmt,
		    sizeof(fmt));
	if (strcmp(fmt, "0000"))
		fail_msg("%s: pane modes left on (alternate, mouse): %s", why, fmt);
	tmux_format(t, "#{cursor_flag}#{keypad_cursor_flag}", fmt, sizeof(fmt));
	if (strcmp(fmt, "10"))
		fail_msg("%s: cursor hidden or keypad mode left on: %s", why, fmt);
}

static void start_with_pidfile(struct tmux *t, char *pidfile, size_t len)
{
	char cmd[8192];

	snprintf(pidfile, len, "%s/pid", t->dir);
	unlink(pidfile);
	snprintf(cmd, sizeof(cmd), "sh -c 'echo $$ >%s; exec %s --replay %s'; echo EXIT=$?", pidfile,
		 tcpscope, fixture);
	tmux_line(t, cmd);
	assert_true(tmux_wait_text(t, "replay complete"));
}

/* The monitor's pid, as start_with_pidfile() wrote it. */
static int pid_from_pidfile(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	int pid = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	assert_true(pid > 1);
	return pid;
}

static void kill_from_pidfile(const char *pidfile, int sig)
{
	assert_int_equal(kill(pid_from_pidfile(pidfile), sig), 0);
}

/* write() calls the process has made (/proc/PID/io), -1 if unknown. */
static long write_calls(int pid)
{
	char path[64], line[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/io", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "syscw: %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/*
 * A frame goes to the terminal in a few write() calls, not one per cursor
 * move (ncurses 6.4 flushes at every move until endwin() has been called
 * once: 40-60 calls for a changed screen, each waking the terminal). Every
 * view switch redraws most of the screen.
 */
static void test_frame_in_few_writes(void **state)
{
	struct ctx *c = *state;
	static const struct {
		const char *key, *text;
	} steps[] = { { "2", "30 rows" }, { "3", "13 rows" }, { "1", "244 rows" } };
	const int frames = 12;
	char pidfile[512];
	long before, after;
	int pid, i;

	start_with_pidfile(&c->t, pidfile, sizeof(pidfile));
	assert_true(tmux_settle(&c->t));
	pid = pid_from_pidfile(pidfile);
	before = write_calls(pid);
	assert_true(before >= 0);
	for (i = 0; i < frames; i++) {
		tmux_keys(&c->t, steps[i % 3].key);
		assert_true(tmux_wait_text(&c->t, steps[i % 3].text));
	}
	assert_true(tmux_settle(&c->t));
	after = write_calls(pid);
	fprintf(stderr, "  %d view switches: %ld write calls\n", frames, after - before);
	/* one call a frame, a second where the frame outgrows ncurses'
	 * buffer; a few frames more may be drawn (the clock) */
	assert_true(after - before <= 3 * frames);
	assert_true(after - before >= frames);
}

static void test_quit_restores_terminal(void **state)
{
	struct ctx *c = *state;
	char pidfile[512];
	static const struct {
		int sig;
		const char *name;
		const char *exit;
	} sigs[] = {
		{ SIGTERM, "SIGTERM", "EXIT=0" },
		{ SIGHUP, "SIGHUP", "EXIT=0" },
		{ SIGABRT, "SIGABRT (a crash)", "EXIT=134" },
		{ SIGSEGV, "SIGSEGV (a crash)", "EXIT=139" },
	};
	size_t i;

	/* q */
	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	assert_true(tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed"));
	assert_restored(&c->t, "q");
	/* F10 from a panel */
	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "?");
	assert_true(tmux_wait_text(&c->t, "tcpscope help"));
	tmux_keys(&c->t, "F10");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	assert_restored(&c->t, "F10");
	/* Ctrl-C, also in the middle of a prompt */
	start_ui(&c->t, NULL, NULL);
	tmux_keys(&c->t, "p");
	tmux_type(&c->t, "12");
	tmux_keys(&c->t, "C-c");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	assert_restored(&c->t, "Ctrl-C");
	/* signals from outside, and crashes */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		start_with_pidfile(&c->t, pidfile, sizeof(pidfile));
		kill_from_pidfile(pidfile, sigs[i].sig);
		if (!tmux_wait_text(&c->t, sigs[i].exit))
			fail_msg("%s: no %s", sigs[i].name, sigs[i].exit);
		assert_restored(&c->t, sigs[i].name);
	}
}

/*
 * Signals that would end the process without being a crash (a user's kill
 * -USR1, an alarm, the CPU-time limit, a real-time signal) end the monitor
 * as SIGTERM does: the summary, exit 0, the terminal restored. Until
 * 2026-12-06 they killed it with the alternate screen and the mouse left
 * on. A write past the file-size limit (ulimit -f) fails as a write: the
 * export says so and leaves nothing, where SIGXFSZ killed the monitor and
 * left a temporary file.
 */
static void test_other_signals_quit(void **state)
{
	struct ctx *c = *state;
	char pidfile[512], cmd[8192];
	const int sigs[] = { SIGUSR1, SIGALRM, SIGXCPU, SIGRTMIN + 3 };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		start_with_pidfile(&c->t, pidfile, sizeof(pidfile));
		kill_from_pidfile(pidfile, sigs[i]);
		if (!tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed\nEXIT=0"))
			fail_msg("signal %d: no summary and EXIT=0", sigs[i]);
		assert_restored(&c->t, "a signal");
	}
	snprintf(cmd, sizeof(cmd), "(ulimit -f 8; exec %s --replay %s); echo EXIT=$?", tcpscope,
		 fixture);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	tmux_keys(&c->t, "e");
	tmux_keys(&c->t, "C-u");
	tmux_line(&c->t, "big.csv");
	assert_true(tmux_wait_text(&c->t, "File too large"));
	assert_int_equal(entries_named(c->t.dir, "big.csv"), 0);	/* nor a temporary one */
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "EXIT=0"));
	assert_restored(&c->t, "ulimit -f");
}

/* The pane's shell replaced by an interactive bash: job control (jobs,
 * fg, %1), which the pane's sh lacks. */
static void job_control_shell(struct ctx *c)
{
	tmux_line(&c->t, "exec bash --norc --noprofile -i");
	tmux_line(&c->t, "PS1='$ '; echo bash-$((6*7))");
	assert_true(tmux_wait_text(&c->t, "bash-42"));
}

/* What the pane's processes are doing, for a job control test that failed:
 * the state, where each sleeps, and its signals (pending, blocked, ignored,
 * caught), and the screen. */
static void dump_pane_procs(struct ctx *c)
{
	pid_t procs[TMUX_MAX_PROCS];
	int n = tmux_pane_procs(&c->t, procs, TMUX_MAX_PROCS);

	for (int i = 0; i < n; i++) {
		static const char *const files[] = { "cmdline", "stat", "wchan", "status" };

		fprintf(stderr, "pid %d:\n", (int)procs[i]);
		for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
			char path[64], buf[4096];
			FILE *fp;
			size_t len;

			snprintf(path, sizeof(path), "/proc/%d/%s", (int)procs[i], files[f]);
			fp = fopen(path, "r");
			if (!fp)
				continue;
			len = fread(buf, 1, sizeof(buf) - 1, fp);
			fclose(fp);
			buf[len] = '\0';
			for (size_t k = 0; k < len; k++)
				if (buf[k] == '\0')
					buf[k] = ' ';
			if (!strcmp(files[f], "status")) {
				/* the state and the signal masks only */
				for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
					if (!strncmp(l, "State", 5) || !strncmp(l, "Sig", 3) ||
					    !strncmp(l, "ShdPnd", 6))
						fprintf(stderr, "  %s\n", l);
			} else {
				fprintf(stderr, "  %s: %s\n", files[f], buf);
			}
		}
	}
	tmux_capture(&c->t, false);
	fprintf(stderr, "screen:\n%s\n", c->t.screen);
}

/*
 * Job control, in bash: Ctrl-Z gives the terminal back, fg takes it again
 * (the screen whole, keys answered); a stopped monitor ended by kill %1
 * (SIGTERM, then the SIGCONT bash adds) ends with its summary and leaves the
 * terminal as it was, and so does one started in the background. Until
 * 2026-12-06 such a monitor stopped again at once (curses took the terminal
 * back from the background: SIGTTOU) and only fg ended it.
 */
static void test_job_control(void **state)
{
	struct ctx *c = *state;
	char cmd[8192];

	job_control_shell(c);
	snprintf(cmd, sizeof(cmd), "%s --replay %s", tcpscope, fixture);
	/* Ctrl-Z, fg */
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	tmux_keys(&c->t, "C-z");
	assert_true(tmux_wait_text(&c->t, "Stopped"));
	assert_true(tmux_wait_gone(&c->t, "F10Quit"));
	tmux_line(&c->t, "fg");
	assert_true(tmux_wait_text(&c->t, "F10Quit"));
	tmux_keys(&c->t, "2");
	assert_true(tmux_wait_text(&c->t, "30 rows"));
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed"));
	assert_restored(&c->t, "Ctrl-Z, fg, q");
	/* Ctrl-Z, kill %1 */
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	tmux_keys(&c->t, "C-z");
	assert_true(tmux_wait_text(&c->t, "Stopped"));
	/* bash adds SIGCONT to a kill %1 of a job it knows stopped; said
	 * again here in case its notice of the stop comes late (the old
	 * build stopped again on SIGTTOU however often it was continued) */
	tmux_line(&c->t, "clear; kill %%; kill -CONT %% 2>/dev/null; echo KILLED-$((6*7))");
	assert_true(tmux_wait_text(&c->t, "KILLED-42"));
	if (!tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed")) {
		dump_pane_procs(c);
		fail_msg("a stopped monitor did not end on kill %%1");
	}
	tmux_line(&c->t, "clear; jobs; echo JOBS-$((6*7))");
	assert_true(tmux_wait_text(&c->t, "JOBS-42"));
	if (strstr(c->t.screen, "Stopped"))
		fail_msg("still a stopped job: \"%s\"", c->t.screen);
	assert_restored(&c->t, "Ctrl-Z, kill %1");
	/* Ctrl-Z, then a crash's signal: it dies without touching the
	 * terminal from the background (its restore would stop it again) */
	snprintf(cmd, sizeof(cmd), "%s --replay %s", tcpscope, fixture);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	tmux_keys(&c->t, "C-z");
	assert_true(tmux_wait_text(&c->t, "Stopped"));
	tmux_line(&c->t, "clear; kill -SEGV %%; kill -CONT %%; sleep 0.5; jobs; echo SEGV-$((6*7))");
	assert_true(tmux_wait_text(&c->t, "SEGV-42"));
	if (!tmux_wait_text(&c->t, "Segmentation fault"))
		fail_msg("a stopped monitor sent SIGSEGV did not die");
	tmux_line(&c->t, "clear; jobs; echo JOBS-$((6*7))");
	assert_true(tmux_wait_text(&c->t, "JOBS-42"));
	if (strstr(c->t.screen, "Stopped"))
		fail_msg("still a stopped job after SIGSEGV: \"%s\"", c->t.screen);
	assert_restored(&c->t, "Ctrl-Z, kill -SEGV %1");
	/* started in the background, kill %1 */
	snprintf(cmd, sizeof(cmd), "%s --replay %s &", tcpscope, fixture);
	tmux_line(&c->t, cmd);
	tmux_line(&c->t, "sleep 0.5; jobs");
	assert_true(tmux_wait_text(&c->t, "Stopped"));
	/* bash adds SIGCONT to a kill %1 of a job it knows stopped; said
	 * again here in case its notice of the stop comes late (the old
	 * build stopped again on SIGTTOU however often it was continued) */
	tmux_line(&c->t, "clear; kill %%; kill -CONT %% 2>/dev/null; echo KILLED-$((6*7))");
	assert_true(tmux_wait_text(&c->t, "KILLED-42"));
	if (!tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed")) {
		dump_pane_procs(c);
		fail_msg("a monitor started in the background did not end on kill %%1");
	}
	assert_restored(&c->t, "&, kill %1");
}

/* The monitor started in the pane (cmd), its first screen up, then sent
 * sig; its pid. */
static pid_t start_and_signal(struct ctx *c, const char *cmd, int sig)
{
	pid_t pid;

	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "replay complete"));
	pid = tmux_pane_proc_named(&c->t, "tcpscope");
	assert_true(pid > 0);
	assert_int_equal(kill(pid, sig), 0);
	return pid;
}

/* Whether the pane shows the alternate screen (the monitor's modes on). */
static bool pane_alternate(struct ctx *c)
{
	char fmt[16];

	tmux_format(&c->t, "#{alternate_on}", fmt, sizeof(fmt));
	return !strcmp(fmt, "1");
}

/* Back in the foreground: the screen redrawn whole (nothing of the shell's
 * left on it) and keys answered at once, without a newline (the monitor's
 * modes, not the shell's). */
static void assert_taken_again(struct ctx *c, const char *why)
{
	tmux_line(&c->t, "fg");
	if (!tmux_wait_text(&c->t, "F10Quit") || !tmux_wait_gone(&c->t, "$ fg")) {
		dump_pane_procs(c);
		fail_msg("%s: the screen not redrawn after fg", why);
	}
	tmux_keys(&c->t, "2");
	if (!tmux_wait_text(&c->t, "30 rows"))
		fail_msg("%s: a key not answered after fg", why);
	tmux_keys(&c->t, "1");
	assert_true(tmux_wait_text(&c->t, "following"));
}

/*
 * Stopped by a signal other than Ctrl-Z, in bash. SIGTTOU or SIGTTIN sent
 * with kill to the monitor in the foreground: as Ctrl-Z, the terminal given
 * back first. SIGSTOP, which cannot be caught: the shell takes the terminal
 * with the monitor's screen on it; fg (or bg, then fg) gives it back to a
 * monitor that sets its modes again and redraws, and kill %1 ends it with
 * the alternate screen and the mouse turned off. Until 2026-12-06 SIGTTOU
 * and SIGTTIN stopped it with its screen up and the shell's prompt over it,
 * and after SIGSTOP the monitor came back in the shell's modes: keys waited
 * for Enter, echoed over the screen.
 */
static void test_stopped_by_signal(void **state)
{
	static const int tty_sigs[] = { SIGTTOU, SIGTTIN };
	struct ctx *c = *state;
	char cmd[8192];
	pid_t pid;

	job_control_shell(c);
	snprintf(cmd, sizeof(cmd), "clear; %s --replay %s", tcpscope, fixture);
	for (size_t i = 0; i < sizeof(tty_sigs) / sizeof(tty_sigs[0]); i++) {
		start_and_signal(c, cmd, tty_sigs[i]);
		if (!tmux_wait_text(&c->t, "Stopped") || !tmux_wait_gone(&c->t, "F10Quit")) {
			dump_pane_procs(c);
			fail_msg("%s: the terminal not given back", strsignal(tty_sigs[i]));
		}
		if (pane_alternate(c))
			fail_msg("%s: stopped on the alternate screen", strsignal(tty_sigs[i]));
		assert_taken_again(c, strsignal(tty_sigs[i]));
		tmux_keys(&c->t, "q");
		assert_true(tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed"));
		assert_restored(&c->t, strsignal(tty_sigs[i]));
	}
	/* SIGSTOP, fg; SIGSTOP, bg (it stops again, for the terminal), fg */
	pid = start_and_signal(c, cmd, SIGSTOP);
	assert_true(tmux_wait_text(&c->t, "Stopped"));
	assert_taken_again(c, "SIGSTOP, fg");
	assert_int_equal(kill(pid, SIGSTOP), 0);
	assert_true(tmux_wait_text(&c->t, "Stopped"));
	tmux_line(&c->t, "bg; sleep 0.5; jobs; echo BG-$((6*7))");
	assert_true(tmux_wait_text(&c->t, "BG-42"));
	tmux_capture(&c->t, false);
	if (!strstr(c->t.screen, "Stopped"))
		fail_msg("SIGSTOP, bg: the monitor went on in the background:\n%s", c->t.screen);
	assert_taken_again(c, "SIGSTOP, bg, fg");
	tmux_keys(&c->t, "q");
	assert_true(tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed"));
	assert_restored(&c->t, "SIGSTOP, fg, q");
	/* SIGSTOP, kill %1: it ends from the background, the screen's modes off */
	start_and_signal(c, cmd, SIGSTOP);
	assert_true(tmux_wait_text(&c->t, "Stopped"));
	/* (what the shell prints now goes to the alternate screen, which the
	 * monitor's end turns off: only the summary, after it, is seen) */
	tmux_line(&c->t, "kill %%; kill -CONT %% 2>/dev/null");
	if (!tmux_wait_text(&c->t, "tcpscope: 244 sessions, 0 missed")) {
		dump_pane_procs(c);
		fail_msg("a monitor stopped by SIGSTOP did not end on kill %%1");
	}
	assert_restored(&c->t, "SIGSTOP, kill %1");
}

/*
 * Started in the background of a subshell that has ended (or a script's): no
 * shell can bring it to the foreground, and SIGTTIN does not stop an
 * orphaned process group. It says so in one line and exits 1, without
 * touching the terminal. Until 2026-12-06 it waited, silently, forever.
 * Started a moment before the subshell ends, it finds the terminal still
 * its group's and draws; the shell then takes the terminal back, for good:
 * the monitor ends as on SIGHUP, saying why, with the alternate screen and
 * the mouse off. Until 2026-12-06 it went on drawing over the shell.
 */
static void test_orphaned_background(void **state)
{
	struct ctx *c = *state;
	char cmd[8192];

	job_control_shell(c);
	/* (a shell gives a job it does not control /dev/null for stdin: the
	 * terminal is given back explicitly; the monitor starts once the
	 * subshell has ended) */
	snprintf(cmd, sizeof(cmd),
		 "clear; ( (sleep 0.5; %s --replay %s </dev/tty; echo EXIT=$?) & ); "
		 "echo STARTED-$((6*7))", tcpscope, fixture);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "STARTED-42"));
	if (!tmux_wait_text(&c->t, "EXIT=1")) {
		dump_pane_procs(c);
		fail_msg("a monitor in an orphaned background group did not end");
	}
	tmux_capture(&c->t, false);
	assert_non_null(strstr(c->t.screen, "tcpscope: the terminal belongs to another job, and no "
					   "shell can bring this one to the foreground"));
	assert_null(strstr(c->t.screen, "F10Quit"));
	assert_restored(&c->t, "orphaned &");
	/* the monitor up while the subshell lasts, then the shell's again */
	snprintf(cmd, sizeof(cmd),
		 "clear; ( (%s --replay %s </dev/tty; echo EXIT=$?) & sleep 2 )", tcpscope, fixture);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "F10Quit"));
	if (!tmux_wait_text(&c->t, "EXIT=0")) {
		dump_pane_procs(c);
		fail_msg("a monitor whose terminal the shell took back for good did not end");
	}
	tmux_capture(&c->t, false);
	if (!strstr(c->t.screen, "tcpscope: the terminal went to another job, and no shell can") ||
	    !strstr(c->t.screen, "tcpscope: 244 sessions, 0 missed"))
		fail_msg("no word of why the monitor ended:\n%s", c->t.screen);
	assert_null(strstr(c->t.screen, "F10Quit"));
	assert_false(pane_alternate(c));
	/* bash took the terminal's modes, the monitor's, as its own when its
	 * job (the subshell) ended: they are the shell's to set back */
	tmux_line(&c->t, "stty sane");
	assert_restored(&c->t, "orphaned after it drew");
}

/* Terminals that lack what the screen uses: one without cursor addressing
 * (TERM=dumb) gets one line and exit 1, not a blank screen; one without an
 * alternate screen (TERM=linux, a console; vt100) gets a cleared screen at
 * exit, with the summary on a line of its own, not over the last frame. */
static void test_limited_terminals(void **state)
{
	/* For the Linux console ncurses loads libgpm (mouse), which leaks at
	 * exit what ASan reports: not ours, and not what is tested here. */
	static const char *const no_alt[] = { "TERM=linux NCURSES_GPM_TERMS=", "TERM=vt100" };
	struct ctx *c = *state;
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "TERM=dumb %s --replay %s; echo EXIT=$?", tcpscope, fixture);
	tmux_line(&c->t, cmd);
	assert_true(tmux_wait_text(&c->t, "EXIT=1"));
	tmux_capture(&c->t, false);
	assert_non_null(strstr(c->t.screen, "\ntcpscope: the terminal (TERM=dumb) cannot place the "
				 "cursor: try TERM=xterm or -o text\nEXIT=1"));
	assert_null(strstr(c->t.screen, "F10Quit"));
	assert_restored(&c->t, "TERM=dumb");
	for (size_t i = 0; i < sizeof(no_alt) / sizeof(no_alt[0]); i++) {
		start_ui(&c->t, no_alt[i], NULL);
		tmux_keys(&c->t, "q");
		assert_true(tmux_wait_text(&c->t, "EXIT=0"));
		tmux_capture(&c->t, false);
		if (strstr(c->t.screen, "F10Quit") || strstr(c->t.screen, "Sessions") ||
		    !strstr(c->t.screen, "\ntcpscope: 244 sessions, 0 missed\nEXIT=0"))
			fail_msg("%s: the last frame left behind:\n%s", no_alt[i], c->t.screen);
		assert_restored(&c->t, no_alt[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sessions_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_switch_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_details_and_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail_recent_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_cut_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recent_history_kept_wide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recent_history_kept_narrow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_history_gone_said, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panel_scroll_held_at_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail_exact_cut_said, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail_recent_fits_80, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prompt_narrow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_pid_and_family, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_netns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netns_summaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_processes_cap_said, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_matches_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procs_by_pid_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_signals_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_larger_than_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_newest_of_any_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_by_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphaned_background, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_comm_inert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_small_and_resize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_detail_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail_notes_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_row_narrow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_none_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tabs_count_40_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse_x10, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse_sgr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frame_in_few_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quit_restores_terminal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limited_terminals, setup, teardown),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	setlocale(LC_CTYPE, "C.UTF-8");
	tcpscope = getenv("TCPSCOPE");
	if (!tcpscope || !*tcpscope || access(tcpscope, X_OK)) {
		printf("test_screen: skipped: TCPSCOPE is not set to the tcpscope binary "
		       "(make ui-test sets it)\n");
		return 0;
	}
	if (!tmux_available()) {
		printf("test_screen: skipped: tmux is not installed\n");
		return 0;
	}
	if (!realpath(FIXTURE, fixture)) {
		printf("test_screen: cannot find %s (run from the repository root)\n", FIXTURE);
		return 1;
	}
	if (getenv("UI_TEST_FILTER"))
		cmocka_set_test_filter(getenv("UI_TEST_FILTER"));
	/* Development: run only the tests whose name matches (a glob). */
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests_name("ui screen (tmux)", tests, NULL, NULL);
}
