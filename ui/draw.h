/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drawing the monitor: header, tab bar, column titles, the visible rows,
 * status line, function-key bar, and the panels (help, details, column
 * chooser, messages). Draws into curses' stdscr; the loop refreshes.
 *
 * Every string goes through one writer that shows control characters,
 * invalid UTF-8 and zero-width characters as '?', so no byte that reaches
 * the terminal can be an escape sequence; process names are in addition
 * escaped by core (fmt_comm_escape(), "\x1b").
 */
#ifndef TCPSCOPE_UI_DRAW_H
#define TCPSCOPE_UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "ui/state.h"

/* Live figures for the header, gathered by the loop. */
struct ui_figures {
	const char *source_label;	/* "live (tp_btf)", "replay x.csv" */
	bool live;
	double rate;			/* sessions/s over the last second; < 0: not yet */
	uint64_t total;			/* sessions received */
	uint64_t seen;			/* sessions the source delivered, kept or not */
	uint64_t missed;		/* lost before delivery (source_stats) */
	uint64_t untracked;		/* sockets the kernel table could not track */
	size_t hist_len, hist_cap;	/* session history fill */
	uint64_t arrived;		/* sessions since the paused picture was taken */
	uint64_t recent_before;		/* a detail's recent sessions: those pushed before
					 * this (the paused picture's), or UINT64_MAX */
	size_t view_total;		/* rows of the view before filtering */
	uint64_t procs_evicted;		/* process rows let go (the oldest, past the cap) */
	uint64_t peers_evicted;		/* peer rows, likewise */
	bool eof;			/* replay fully read */
	bool msg_visible;		/* st->msg is recent enough to show */
	const struct model *model;	/* for the recent sessions of a detail panel */
	char open_said[160];		/* Open: why it has no rows ("" when it has a look) */
};

void ui_draw(struct ui_state *st, const struct ui_figures *fig);

/* Labels the detail panel uses for a column (exposed for tests). */
const char *ui_draw_col_label(enum col_id id);

#endif
