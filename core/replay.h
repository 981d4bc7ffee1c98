/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay: a session_source (core/source.h) that reads a Sessions CSV that
 * tcpscope exported (csv_export_view() of the sessions view) or streamed
 * (-o csv). The UI, its tests and the screenshots run from it with no root
 * and no BPF.
 *
 * The whole file is read and validated by replay_open(), so every error is
 * reported up front with the file and line:
 *   "replay: trace.csv:17: bad rport 'x'"
 * The header must name at least the 11 leading columns (time, pid, comm,
 * family, laddr, lport, raddr, rport, tx_bytes, rx_bytes, duration_ms) in
 * any order; extra columns are ignored; missing optional ones default
 * (start_time = time - duration, pid_certain = 1, partial = 0, others 0 or
 * unknown). Times keep microseconds (the CSV precision).
 *
 * drain() delivers the sessions in file order (all of them, or at most the
 * batch size per call), then returns -ENODATA. fd() returns -1.
 *
 * A file of more sessions than a history keeps need not be in time order
 * (an export sorted by PID, or newest first): replay_keep_newest() makes
 * the newest come last, so that a history of `keep` keeps the newest.
 */
#ifndef TCPSCOPE_CORE_REPLAY_H
#define TCPSCOPE_CORE_REPLAY_H

#include <stddef.h>
#include <stdio.h>

#include "core/source.h"

/* NULL with errno set and err filled on failure. */
struct session_source *replay_open(const char *path, char *err, size_t errlen);
/* Same from an open stream; name is used in messages. f is not closed. */
struct session_source *replay_open_file(FILE *f, const char *name, char *err, size_t errlen);

/* Sessions per drain() call; 0 (the default) means all that are left. */
void replay_set_batch(struct session_source *src, size_t batch);
/* Deliver in order of close time (file order among equal times) if the
 * file has more than `keep` sessions; before the first drain(). 0, or
 * -ENOMEM (then file order). */
int replay_keep_newest(struct session_source *src, size_t keep);
/* A file that ends inside its last row (cut short: every row tcpscope
 * writes ends with a line end) is read without that row: what was left
 * out, as one line ("replay: FILE:LINE: ..."); NULL when nothing was, or
 * src is not a replay. */
const char *replay_warning(const struct session_source *src);
/* Sessions in the file, and how many are still to be delivered. */
size_t replay_count(const struct session_source *src);
size_t replay_remaining(const struct session_source *src);

#endif
