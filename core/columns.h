/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one column table shared by the screen, the sort and CSV/JSON output,
 * so that an export always matches what is shown.
 *
 * Rows are `const struct session *` for VIEW_SESSIONS and
 * `const struct agg_row *` for VIEW_PROCS, VIEW_PORTS and VIEW_PEERS. compare() and
 * format() take such a row pointer (not a pointer to an array element).
 *
 * compare() is a three-way comparison (-1, 0, 1), ascending, with no
 * direction and no tie-break: those are applied in one place, sort.c.
 *
 * format() writes the cell into buf with the core/fmt.h convention: returns
 * the length, or -ENOSPC (buf then ""). COL_TEXT_LEN is always enough.
 *   FMT_HUMAN  screen: "1.2M", "350ms", "22:15:03", pid "123?" if uncertain
 *   FMT_EXACT  CSV/JSON: raw integers, durations in ms with 3 decimals,
 *              times ISO 8601 UTC with microseconds
 * Process names are always written escaped (fmt_comm_escape()).
 */
#ifndef TCPSCOPE_CORE_COLUMNS_H
#define TCPSCOPE_CORE_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum view_kind {
	VIEW_SESSIONS,
	VIEW_PROCS,
	VIEW_PORTS,
	VIEW_PEERS,
	VIEW_COUNT,
};

enum fmt_style {
	FMT_HUMAN,
	FMT_EXACT,
};

enum col_id {
	/* sessions (pid and comm also in processes) */
	COL_TIME,		/* close time */
	COL_PID,
	COL_COMM,
	COL_FAMILY,
	COL_LADDR,
	COL_LPORT,
	COL_RADDR,
	COL_RPORT,
	COL_TX_BYTES,		/* also processes, ports */
	COL_RX_BYTES,		/* also processes, ports */
	COL_DURATION,
	COL_START_TIME,
	COL_SRTT,
	COL_RETRANS,
	COL_HANDSHAKE,
	COL_DIR,
	COL_CLOSER,
	COL_CAUSE,
	COL_PID_CERTAIN,
	COL_PARTIAL,
	COL_NETNS,		/* the network namespace's inode number */
	/* aggregates */
	COL_PORT,
	COL_SESSIONS,
	COL_AVG,
	COL_MAX,
	COL_RSTS,
	COL_FAILS,
	COL_PEERS,
	COL_PORTS,		/* peers: distinct service ports */
	COL_LAST_SEEN,
	COL_RATE,		/* sessions a second lately (agg_row_rate()) */
	COL_NETNS_COUNT,	/* distinct network namespaces of a summary's row */
	COL_ID_COUNT,
};

/* How a cell is typed in JSON, and whether CSV must neutralise it. */
enum col_type {
	COLT_NUMBER,	/* JSON number; digits only, maybe one '.' */
	COLT_STRING,	/* JSON string made by tcpscope (names, addresses, times):
			 * never holds ',', '"', CR or LF, so CSV writes it bare */
	COLT_UNTRUSTED,	/* JSON string from outside (comm): CSV formula-neutralised */
};

#define COL_TEXT_LEN 80	/* room for any formatted cell */
#define COL_MAX_COLUMNS 32	/* columns in one view, at most */

/*
 * A 128-bit sort key (hi first). For every column, key(a) < key(b) implies
 * compare(a, b) < 0; when key_exact, equal keys also mean compare() == 0,
 * so sorting never needs to look at the rows again. sort.c decorates rows
 * with their keys so that comparisons touch no row memory.
 */
struct col_key {
	uint64_t hi, lo;
};

struct column {
	enum col_id id;
	const char *name;	/* CSV/JSON name */
	const char *title;	/* screen header */
	int width;		/* screen width */
	bool right_align;
	bool narrow;		/* in the default narrow screen set */
	enum col_type type;
	int (*compare)(const void *a, const void *b);
	int (*format)(const void *row, char *buf, size_t len, enum fmt_style style);
	struct col_key (*key)(const void *row);
	bool key_exact;
};

/* The columns of a view in their fixed order; *n gets the count. NULL for a bad kind. */
const struct column *columns_for(enum view_kind kind, size_t *n);
/* By CSV/JSON name, or by id; NULL if the view has no such column. */
const struct column *column_find(enum view_kind kind, const char *name);
const struct column *column_by_id(enum view_kind kind, enum col_id id);

/*
 * The time the summaries' RATE is taken at (wall clock, ns): the monitor
 * sets it before it builds, draws or exports; a replay, its newest close.
 * 0 (the default): every rate is 0.
 */
void columns_set_rate_now(uint64_t now_ns);

/* "sessions", "processes", "ports", "peers" (used in messages); "?" for a bad kind. */
const char *view_kind_name(enum view_kind kind);
const char *view_kind_noun(enum view_kind kind, size_t n);

#endif
