/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys of the monitor: terminal-independent key codes, the reaction mask
 * that actions return, and the key table.
 *
 * Every key is a small action on a struct ui_state (ui/state.h) that
 * returns what the event loop has to do about it (R_*). Actions never call
 * curses, read the clock or touch files: the loop turns reactions into
 * effects (rebuild the view, redraw, export, quit). So key handling is
 * testable without a terminal (tests/ui/test_keys.c).
 */
#ifndef TCPSCOPE_UI_KEYS_H
#define TCPSCOPE_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct ui_state;

/*
 * Key codes: Unicode code points for text keys (below 0x110000), these
 * values for the rest. ui/monitor.c translates curses key codes to them.
 */
enum ui_key {
	UK_NONE = 0,
	UK_CTRL_A = 0x01,
	UK_CTRL_E = 0x05,
	UK_TAB = '\t',
	UK_CTRL_K = 0x0b,
	UK_CTRL_L = 0x0c,
	UK_ENTER = '\n',
	UK_CTRL_U = 0x15,
	UK_CTRL_W = 0x17,
	UK_ESC = 0x1b,
	UK_BACKSPACE = 0x7f,
	UK_SPECIAL = 0x110000,
	UK_UP,
	UK_DOWN,
	UK_LEFT,
	UK_RIGHT,
	UK_PGUP,
	UK_PGDN,
	UK_HOME,
	UK_END,
	UK_DELETE,
	UK_BTAB,		/* shift-tab */
	UK_RESIZE,
	UK_F1,			/* UK_F1 + n - 1 is Fn */
	UK_F10 = UK_F1 + 9,
	UK_F12 = UK_F1 + 11,
};

#define UK_F(n) (UK_F1 + (n) - 1)

/* Reactions: what the loop has to do after a key (bits). */
enum ui_reaction {
	R_NONE = 0,
	R_REDRAW = 1 << 0,	/* draw the screen again */
	R_REBUILD = 1 << 1,	/* rebuild the rows of the view (filter, sort, view changed) */
	R_QUIT = 1 << 2,	/* leave the monitor */
	R_EXPORT = 1 << 3,	/* write the view to state->export_path */
	R_CLEAR = 1 << 4,	/* repaint the whole terminal (Ctrl-L) */
	R_PAUSE = 1 << 5,	/* pause state changed: freeze (snapshot) or thaw the view */
	R_RESIZE = 1 << 6,	/* terminal size changed: recompute the layout */
};

/* Where a binding applies. */
enum ui_mode {
	MODE_NORMAL,	/* the table of rows */
	MODE_HELP,	/* the key list */
	MODE_DETAIL,	/* one row in full */
	MODE_COLUMNS,	/* column chooser */
	MODE_PROMPT,	/* line editor in the status line */
	MODE_MESSAGES,	/* recent status and library messages */
	MODE_COUNT,
};

typedef unsigned (*ui_action_fn)(struct ui_state *st);

struct ui_binding {
	int key;
	const char *label;	/* how help shows the key(s); NULL: an alias, not listed */
	const char *help;
	const char *section;	/* help section (normal mode) */
	ui_action_fn action;
};

/* Handle one key in the current mode. Returns R_* bits. */
unsigned ui_keys_handle(struct ui_state *st, int key);

/*
 * The bindings of a mode, in help order (NULL and 0 for MODE_PROMPT: the
 * line editor takes every key). The help screen lists them.
 */
const struct ui_binding *ui_keys_table(enum ui_mode mode, size_t *n);

/* A printable name for a key ("q", "F6", "Up", "Space"), for tests and messages. */
const char *ui_key_name(int key, char *buf, size_t len);

#endif
