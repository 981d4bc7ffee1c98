/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session_log: the bounded history of closed sessions.
 *
 * A fixed array of `capacity` sessions allocated once. Pushing is O(1); when
 * the log is full the oldest session is overwritten and counted as evicted.
 * Memory is bounded by the capacity, never by uptime.
 *
 * Lifetime: a pointer returned by session_log_at() stays valid until the
 * next session_log_push() (which may overwrite that slot) or
 * session_log_clear()/session_log_free().
 */
#ifndef TCPSCOPE_CORE_SESSION_LOG_H
#define TCPSCOPE_CORE_SESSION_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/session.h"

/* Largest capacity accepted (about 2 GiB of sessions). */
#define SESSION_LOG_MAX_CAPACITY (16u * 1024 * 1024)

struct session_log;

/* NULL with errno EINVAL (capacity 0 or above the maximum) or ENOMEM. */
struct session_log *session_log_new(size_t capacity);
void session_log_free(struct session_log *log);	/* NULL: no-op */

/*
 * Back the capacity with memory now rather than page by page as the log
 * fills (the cost of a page fault per 34 sessions, on the hot path, for the
 * first `capacity` sessions): at most SESSION_LOG_PREFAULT_MAX bytes, the
 * rest of a very large history still comes as it fills. 0 or -errno; the
 * log works either way.
 */
#define SESSION_LOG_PREFAULT_MAX (64u << 20)
int session_log_prefault(struct session_log *log);

/* Copy *s in as the newest session; evicts the oldest when full. */
void session_log_push(struct session_log *log, const struct session *s);

/* Drop every session (counters pushed/evicted are kept). */
void session_log_clear(struct session_log *log);

size_t session_log_len(const struct session_log *log);
size_t session_log_capacity(const struct session_log *log);
uint64_t session_log_evicted(const struct session_log *log);	/* overwritten when full */
uint64_t session_log_pushed(const struct session_log *log);	/* ever pushed */
uint64_t session_log_id(const struct session_log *log);	/* unique among the logs of a process */

/* Session i, 0 = oldest, len-1 = newest; NULL if i >= len. */
const struct session *session_log_at(const struct session_log *log, size_t i);

/* Sequence number of session i: its 0-based push count. Monotonic in i. */
uint64_t session_log_seq(const struct session_log *log, size_t i);

/* Sequence number of a session returned by session_log_at() that is still
 * in the log (not evicted since). */
uint64_t session_log_seq_of(const struct session_log *log, const struct session *s);

#endif
