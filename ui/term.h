/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal: curses setup and teardown, colors (or monochrome), keys and
 * mouse translated to ui_key codes, and the guarantees around them:
 *   - SIGINT, SIGTERM, SIGHUP, SIGQUIT and every other signal that would
 *     end the process (ui_term_quit_signals()) only set a flag; the loop
 *     sees it and leaves through ui_term_close();
 *   - Ctrl-Z gives the terminal back and stops; it is taken again only in
 *     the foreground (ui_term_suspend()); so do SIGTTOU and SIGTTIN sent
 *     with kill in the foreground; after a stop that did not give it back
 *     (SIGSTOP), SIGCONT takes it again the same way;
 *   - a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP)
 *     restores the saved terminal modes and leaves the alternate screen
 *     before dying;
 *   - exit() while the screen is up ends curses too (atexit);
 *   - while the screen is up, stderr goes to a temporary file whose content
 *     is printed after the screen is closed, so nothing prints over it.
 */
#ifndef TCPSCOPE_UI_TERM_H
#define TCPSCOPE_UI_TERM_H

#include <stdbool.h>
#include <stddef.h>

/* Visual styles; ui_term_attr() gives the curses attribute of each. */
enum ui_style {
	ST_NORMAL,
	ST_TITLE,	/* program name */
	ST_LABEL,	/* header labels */
	ST_VALUE,	/* header figures */
	ST_ALERT,	/* header figure that needs attention (missed > 0) */
	ST_FILTER,	/* active filters */
	ST_DIM,		/* hints, uncertain values */
	ST_TAB,
	ST_TAB_ACTIVE,
	ST_HEAD,	/* column titles */
	ST_HEAD_SORT,	/* the sort column's title */
	ST_SEL,		/* selected row */
	ST_FN_KEY,	/* "F1" */
	ST_FN_LABEL,	/* "Help" */
	ST_INFO,
	ST_WARN,
	ST_ERROR,
	ST_PAUSED,
	ST_RST,		/* reset / refused sessions */
	ST_BIG,		/* >= 1 MiB */
	ST_HUGE,	/* >= 1 GiB */
	ST_ESCAPED,	/* a process name that needed escaping */
	ST_BOX,		/* panel titles */
	ST_COUNT,
};

/* Mouse event translated for ui_state_click(). */
struct ui_mouse {
	int y, x;
	int button;		/* 1, 4 (wheel up), 5 (wheel down); 0 none */
	bool double_click;
};

#define UK_NO_KEY (-1)	/* ui_term_read_key(): nothing pending */
#define UK_MOUSE (-2)	/* ui_term_read_key(): a mouse event is in *mouse */

/*
 * Set up the screen on stdin/stdout. no_color forces monochrome (as do
 * NO_COLOR and a terminal without colors). In the background, it waits
 * (stopped) for the foreground first. 0; 1 when a stop signal came while
 * it waited (nothing set up); or -1 with err filled.
 */
int ui_term_open(bool no_color, char *err, size_t errlen);
/* Restore the terminal; idempotent. Prints what was written to stderr meanwhile. */
void ui_term_close(void);

/*
 * Ctrl-Z: when one came, give the terminal back, stop, and on SIGCONT take
 * it again once in the foreground (waiting stopped while in the
 * background). After a stop not made here (SIGSTOP), the same on SIGCONT. True when the screen must be redrawn whole; false when
 * nothing came, or when a stop signal ended the wait (the loop then ends,
 * and ui_term_close() leaves the terminal as the shell has it).
 */
bool ui_term_suspend(void);

/* The signals that end tcpscope as a stop does (a summary, the terminal
 * restored): their numbers in out, at most max; the count. */
size_t ui_term_quit_signals(int *out, size_t max);

/* A stop signal arrived (its number, or 0). */
int ui_term_stop_signal(void);
/*
 * A descriptor that turns readable when a stop signal or Ctrl-Z comes
 * while the terminal is open, for the loop's poll(): one that came between
 * the loop's check and its poll() would otherwise wait for the poll's
 * timeout (up to a second). -1 when the terminal is not open.
 * ui_term_wake_drain() empties it.
 */
int ui_term_wake_fd(void);
void ui_term_wake_drain(void);
/* A stop signal arrived before the terminal was opened (async-signal-safe:
 * a handler may call it); the monitor ends as soon as it runs. */
void ui_term_note_stop(int sig);

/*
 * Next key without waiting: a ui_key code, UK_MOUSE, UK_NONE for a key
 * that means nothing here, or UK_NO_KEY when none is pending.
 */
int ui_term_read_key(struct ui_mouse *mouse);

int ui_term_attr(enum ui_style st);
bool ui_term_color(void);	/* colors in use */
bool ui_term_utf8(void);	/* the locale's charset is UTF-8 */

#endif
