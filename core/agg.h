/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Aggregation tables: lifetime totals per process (pid + comm), per
 * service port (session_service_port()) or per peer (remote address). Rows
 * are never removed except by agg_table_clear() (and past a table's
 * max_rows, below), so totals survive the process exiting and the session
 * log evicting its sessions.
 *
 * Lifetime: a row pointer stays valid until agg_table_clear() or
 * agg_table_free(); agg_add() never moves existing rows (it may add one).
 * Iteration order is the order in which keys were first seen.
 */
#ifndef TCPSCOPE_CORE_AGG_H
#define TCPSCOPE_CORE_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/session.h"

enum agg_kind {
	AGG_PROC,	/* key: pid + comm */
	AGG_PORT,	/* key: service port */
	AGG_PEER,	/* key: remote address (IPv4 mapped: one row for a host
			 * whether reached over IPv4 or an IPv6 socket) */
	AGG_PID,	/* key: pid alone: AGG_PROC rows merged (agg_merge_pids()) */
};

/* Distinct peers recorded per row, by default. Past it, peers_at_least is set. */
#define AGG_PORT_PEERS_MAX 65536u
#define AGG_PROC_PEERS_MAX 4096u
/* Distinct network namespaces recorded per row. Past it, netns_at_least is set. */
#define AGG_NETNS_MAX 4096u

struct agg_row {
	enum agg_kind kind;
	/* key */
	uint32_t pid;			/* AGG_PROC, AGG_PID */
	char comm[SESSION_COMM_LEN];	/* AGG_PROC; AGG_PID: not part of the key, the
					 * name with the most sessions; untrusted
					 * bytes, NUL-padded */
	uint32_t names;			/* AGG_PID: the pid + comm rows merged */
	uint16_t port;			/* AGG_PORT */
	struct in6_addr raddr;		/* AGG_PEER */
	/* totals */
	uint64_t sessions;
	uint64_t tx_bytes;
	uint64_t rx_bytes;
	uint64_t dur_sum_us;
	uint64_t dur_max_us;
	uint64_t rsts;			/* sessions with session_is_rst() */
	uint64_t fails;			/* sessions with session_is_failure() (rsts too) */
	uint64_t by_cause[CAUSE_MAX];	/* sessions by end cause */
	uint64_t in, out;		/* sessions accepted (DIR_IN), connected (DIR_OUT) */
	uint64_t peers;			/* AGG_PROC, AGG_PORT: distinct remote addresses;
					 * AGG_PEER: distinct service ports */
	bool peers_at_least;		/* peers is a lower bound (cap or memory) */
	bool netns_at_least;		/* netns_count is a lower bound (cap or memory) */
	/* Network namespaces (session.netns) of its sessions: on a host with
	 * containers one port, peer or process name can be several
	 * namespaces' (8080 in two pods). */
	uint32_t netns;			/* the namespace of its first session: of them
					 * all when netns_count is 1 */
	uint32_t netns_count;		/* distinct namespaces, 1 or more */
	bool by_netns;			/* AGG_PORT, AGG_PEER: one namespace's row, its
					 * namespace part of the key (agg_table_by_netns()) */
	uint64_t first_ns;		/* earliest start_ns */
	uint64_t last_ns;		/* latest end_ns ("last seen") */
	/* Sessions closed lately, for the rate (agg_row_rate()): by close
	 * time in buckets of AGG_RATE_BUCKET_NS, the latest bucket one was
	 * seen in and the one before. */
	uint32_t rate_bucket;		/* end_ns / AGG_RATE_BUCKET_NS of the latest */
	uint32_t rate_cur;		/* sessions in bucket rate_bucket */
	uint32_t rate_prev;		/* in bucket rate_bucket - 1 */
};

/* A rate bucket: 2^32 ns, about 4.3 s (a shift, not a division, per session). */
#define AGG_RATE_SHIFT 32
#define AGG_RATE_BUCKET_NS (1ull << AGG_RATE_SHIFT)

/*
 * Sessions a second that closed in the row over the bucket-long window
 * ending at now_ns (about 4.3 s): the current bucket's count, and the
 * previous bucket's weighted by what of it is still in the window. 0 for a
 * row with nothing in the window.
 */
double agg_row_rate(const struct agg_row *r, uint64_t now_ns);

struct agg_table;

/* NULL with errno EINVAL (unknown kind) or ENOMEM. */
struct agg_table *agg_table_new(enum agg_kind kind);
void agg_table_free(struct agg_table *t);	/* NULL: no-op */
/* Remove and free every row. */
void agg_table_clear(struct agg_table *t);

/*
 * Count s into its row (creating it). 0, or -ENOMEM when a new row could
 * not be allocated: the table is unchanged and the session counted in
 * agg_table_dropped(). Running out of memory for the peer set (or the
 * namespaces') is not an error: peers (netns_count) just becomes a lower
 * bound. -EINVAL for an AGG_PID table (it is filled by agg_merge_pids()).
 */
int agg_add(struct agg_table *t, const struct session *s);

/*
 * Empty dst (an AGG_PID table) and fill it with rows, AGG_PROC rows of a
 * table (not copies), merged by pid: a process whose threads go by several
 * names (or that exec()ed) as one row. Counts and sums add up; the longest
 * duration, the first and the last seen are the extremes; peers is the
 * size of the union of the rows' peer sets (a lower bound if one was, or if
 * the union passes the cap), and netns_count that of their namespaces';
 * the name is that of the row with the most sessions (the first of them in
 * rows' order on a tie); `names` counts the rows merged. 0, -EINVAL (dst is not AGG_PID, a row not AGG_PROC) or
 * -ENOMEM (dst is then empty).
 */
int agg_merge_pids(struct agg_table *dst, const struct agg_row *const *rows, size_t n);

enum agg_kind agg_table_kind(const struct agg_table *t);
size_t agg_table_len(const struct agg_table *t);
uint64_t agg_table_dropped(const struct agg_table *t);	/* sessions lost to -ENOMEM */
/*
 * An AGG_PORT or AGG_PEER table whose rows are one namespace's each (8080
 * in two pods: two rows), the namespace part of the key; or not. Empties
 * the table when it changes it. Ignored for other kinds.
 */
void agg_table_by_netns(struct agg_table *t, bool on);
/* Change the distinct-peer cap for rows created from now on (0 = no cap). */
void agg_table_set_peer_cap(struct agg_table *t, uint32_t max);
/*
 * Keep at most max_rows rows (0: no bound). Past it, the tenth of the rows
 * seen longest ago are forgotten (a host that starts processes all day keeps
 * its memory bounded); agg_table_evicted() counts them. Rows then move:
 * pointers into the table are stale after agg_add().
 */
void agg_table_set_max_rows(struct agg_table *t, size_t max_rows);
uint64_t agg_table_evicted(const struct agg_table *t);

/* Iterate: for (r = agg_table_first(t); r; r = agg_row_next(r)) */
const struct agg_row *agg_table_first(const struct agg_table *t);
const struct agg_row *agg_row_next(const struct agg_row *r);

/* Lookups; NULL when absent. comm is compared up to SESSION_COMM_LEN bytes. */
const struct agg_row *agg_find_proc(const struct agg_table *t, uint32_t pid, const char *comm);
const struct agg_row *agg_find_port(const struct agg_table *t, uint16_t port);
const struct agg_row *agg_find_peer(const struct agg_table *t, const struct in6_addr *addr);

/* Three-way comparison of two rows' keys (port; address bytes; or pid,
 * then comm bytes; then, rows by namespace, the namespace). */
int agg_row_key_cmp(const struct agg_row *a, const struct agg_row *b);

#endif
