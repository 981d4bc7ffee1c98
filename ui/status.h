/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages for the status line: the monitor's own and those of the
 * libraries below it (libbpf, the collector). While the monitor owns the
 * terminal nothing may be printed, so lines are kept here (the last
 * UI_STATUS_KEEP of them, shown by the `m` key) and the newest is shown in
 * the status line. While the monitor is not running, lines also go to
 * stderr.
 */
#ifndef TCPSCOPE_UI_STATUS_H
#define TCPSCOPE_UI_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define UI_STATUS_KEEP 64
#define UI_STATUS_LINE 256

/*
 * A log callback for collector_opts.log (ctx is unused, pass NULL): keeps
 * the line (a trailing newline is dropped) for the status line.
 */
void ui_status_log(void *ctx, const char *line);

/* Keep a line of the monitor's own (level: enum ui_msg_level). The same
 * line as the last one kept only takes the new time. */
void ui_status_add(int level, const char *line);

/* Whether the monitor owns the terminal (lines are then not printed). */
void ui_status_set_active(bool active);

/* Number of lines kept; line i (0 = oldest) with its time and level. */
size_t ui_status_count(void);
const char *ui_status_at(size_t i, time_t *when, int *level);

/* Bumped by every ui_status_log() line (not by ui_status_add()). */
unsigned ui_status_log_seq(void);

#endif
