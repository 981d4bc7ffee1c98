/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who a set of sessions was with: their service ports, their processes
 * (pid + comm), their peers (remote addresses) or their network namespaces,
 * each with its count, the most frequent first. For a summary row's details
 * ("its last 200 sessions: ports 5432 (180), 22 (20)"), over a bounded set of sessions
 * (the cost is quadratic in the distinct keys, at most n * TALLY_MAX).
 */
#ifndef TCPSCOPE_CORE_TALLY_H
#define TCPSCOPE_CORE_TALLY_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core/session.h"

enum tally_kind {
	TALLY_PORT,	/* session_service_port() */
	TALLY_PROC,	/* pid + comm */
	TALLY_PEER,	/* raddr */
	TALLY_NETNS,	/* network namespace */
};

#define TALLY_MAX 256	/* distinct keys counted; past them, "others" */

struct tally_entry {
	uint64_t count;
	uint16_t port;			/* TALLY_PORT */
	uint32_t pid;			/* TALLY_PROC */
	char comm[SESSION_COMM_LEN];	/* TALLY_PROC, NUL-terminated */
	struct in6_addr addr;		/* TALLY_PEER */
	uint32_t netns;			/* TALLY_NETNS */
};

struct tally {
	enum tally_kind kind;
	struct tally_entry e[TALLY_MAX];
	size_t n;		/* distinct keys in e[] */
	uint64_t others;	/* sessions whose key did not fit in e[] */
};

/*
 * Count the n sessions of s by kind into t (emptied first), then order
 * t->e by count, most first (ties: the key first seen first).
 */
void tally_sessions(struct tally *t, enum tally_kind kind, const struct session *const *s,
		    size_t n);

#endif
