/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Headless output: one line per closed session, as it closes.
 *
 * STREAM_TEXT  tcplife's layout (80 columns by default):
 *                PID   COMM       LADDR           LPORT RADDR           RPORT TX_KB RX_KB MS
 *              comm cut to 10 characters (16 with wide), addresses 15 wide
 *              (26 with wide, plus an IP column), TX_KB/RX_KB in KiB, MS with
 *              two decimals. time_hms prepends TIME (HH:MM:SS, local),
 *              time_s prepends TIME(s) (seconds since first_end_ns, 6
 *              decimals, left-aligned in 9 like tcplife's "%-9.6f"); with
 *              both, TIME comes first. Wide mode is tcplife's -w exactly (MS
 *              stays the last column: scripts take it with $NF; END, DIR and
 *              the owner's certainty are in the CSV and JSON).
 *              Process names are escaped (fmt_comm_escape()).
 * STREAM_LIFECSV  tcplife's -s: the text columns comma-separated, with the IP
 *              column always and the name whole (escaped, quoted as CSV
 *              needs): [TIME,][TIME(s),]PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,
 *              TX_KB,RX_KB,MS. A session with no owner known: PID 0, COMM empty.
 * STREAM_CSV   the Sessions column table (same writer as the export);
 *              wide/time_s/time_hms do not change it.
 * STREAM_JSON  one object per line, the same names as the CSV columns;
 *              numbers as numbers, everything else as JSON strings. No header.
 *
 * Write errors are left in the FILE: check ferror() (e.g. after fflush()).
 */
#ifndef TCPSCOPE_CORE_STREAM_H
#define TCPSCOPE_CORE_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/session.h"

enum stream_format {
	STREAM_TEXT,
	STREAM_LIFECSV,
	STREAM_CSV,
	STREAM_JSON,
};

struct stream_opts {
	enum stream_format fmt;
	bool wide;	/* -w */
	bool time_s;	/* -t: TIME(s) */
	bool time_hms;	/* -T: TIME */
};

/* No row (its line feed included) is longer, whatever the session holds: the
 * longest, a JSON row with a 15-byte name escaped byte by byte, two IPv6
 * addresses and every number at its maximum, is under 700 bytes. */
#define STREAM_ROW_MAX	4096

void stream_header(FILE *f, const struct stream_opts *o);
/* first_end_ns: end_ns of the first session printed (for TIME(s)). */
void stream_session(FILE *f, const struct stream_opts *o, const struct session *s,
		    uint64_t first_end_ns);

#endif
