/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stream's standard output, written so that a stop request can end a
 * write the reader is not taking.
 *
 * stdio restarts a write that a signal cut short, so a stream blocked on a
 * full pipe (a reader that stopped reading) used to ignore SIGINT, SIGTERM
 * and SIGHUP. Here, once a stop is asked for, the rows still go out while
 * the reader takes them (in pieces that do not block), and the rest is given
 * up after a second in which it takes nothing, or at once on another
 * signal. What was given up is counted in rows, so that the summary counts
 * only the rows that reached the reader.
 */
#ifndef TCPSCOPE_UI_OUTFILE_H
#define TCPSCOPE_UI_OUTFILE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OUTFILE_STALL_MS	1000	/* after a stop: how long a reader may take nothing */

struct outfile {
	int fd;
	const volatile sig_atomic_t *stop;	/* nonzero once a stop is asked for */
	uint64_t lines_lost;	/* whole lines given up after a stop */
	bool gave_up;		/* the reader stalled after a stop: nothing more is written */
	bool cut;		/* a line was cut short: its start reached the reader */
};

/* A fully buffered FILE writing to fd through out (which must outlive it),
 * with buf (size bytes) as its buffer; NULL with errno set on failure. */
FILE *outfile_open(struct outfile *out, int fd, const volatile sig_atomic_t *stop,
		   char *buf, size_t size);

#endif
