/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The full-screen monitor: an ncursesw UI over a session_source and the
 * model. ui/main.c (the composition root) builds the source and the model
 * and hands them over; the monitor never touches BPF.
 */
#ifndef TCPSCOPE_UI_MONITOR_H
#define TCPSCOPE_UI_MONITOR_H

#include <stdbool.h>
#include "core/filter.h"
#include "core/model.h"
#include "core/source.h"

struct ui_opts {
	unsigned interval_ms;		/* drain / header refresh interval */
	const char *source_label;	/* "live (tp_btf)", "replay trace.csv" */
	bool replay;			/* source is a file: no live counters */
	bool no_color;			/* also implied by NO_COLOR or a mono terminal */
	bool wide;			/* start with the wide column set */
	const struct filter *kept;	/* the command line's filter: what the model keeps
					 * (model_keep()), shown; may be NULL */
	/* Called once, right after the first screen is drawn: start-up work
	 * that need not hold it back. May be NULL. */
	void (*after_first_frame)(void *ctx);
	void *after_first_frame_ctx;
};

/* Run until the user quits or SIGINT/SIGTERM/SIGHUP arrives; the terminal
 * is restored on every path. Returns the process exit code. err gets one
 * line when the terminal could not be set up. */
int ui_monitor_run(struct session_source *src, struct model *m, const struct ui_opts *opts,
		   char *err, size_t errlen);

#endif
