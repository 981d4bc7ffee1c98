/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions waiting for their owner, and owners waiting for their session.
 *
 * A session that closed where its owner could not be seen (a server reset by
 * its peer while it sat in read()) is held until the owner's own record comes
 * (seen when the owner lets go of the socket) or a deadline passes. The two
 * records travel by different paths and can arrive in either order: an owner
 * that comes first is parked for a while. Both are matched by the socket's
 * identity and in time order: an owner belongs to the session of its socket
 * that ended before the owner was seen. (A socket's memory is reused at once,
 * so under a flood one identity can stand for two sessions in one drain.)
 *
 * Each record costs O(1): a hash table by socket, and a FIFO by deadline.
 * Times: `end_ns`/`at_ns` are the kernel's clock (when the session ended,
 * when the owner was seen); deadlines and `now` any one monotonic clock.
 */
#ifndef TCPSCOPE_CORE_OWNER_WAIT_H
#define TCPSCOPE_CORE_OWNER_WAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/session.h"

struct owner_wait;

/* At most max_held sessions held and max_parked owners parked. NULL: no memory. */
struct owner_wait *owner_wait_new(size_t max_held, size_t max_parked);
void owner_wait_free(struct owner_wait *w);

/* Hold session s of socket sock_id until deadline. 0: held; -ENOSPC (full)
 * or -ENOMEM: not held, the caller delivers it now as it is. */
int owner_wait_hold(struct owner_wait *w, uint64_t sock_id, uint64_t end_ns, uint64_t deadline,
		    const struct session *s);

/* The owner of socket sock_id, seen at at_ns. If a session of that socket
 * that ended by at_ns is held, the oldest such is taken, named (pid, comm,
 * no longer uncertain) and copied to *out: returns true. */
bool owner_wait_owner(struct owner_wait *w, uint64_t sock_id, uint64_t at_ns, uint32_t pid,
		      const char comm[SESSION_COMM_LEN], struct session *out);

/* Keep an owner that came before its session, until deadline. When full,
 * the oldest parked owner gives way. */
void owner_wait_park(struct owner_wait *w, uint64_t sock_id, uint64_t at_ns, uint32_t pid,
		     const char comm[SESSION_COMM_LEN], uint64_t deadline, uint64_t now);

/* Session s of socket sock_id, ended at end_ns, has just arrived: if an
 * owner of that socket seen at or after end_ns is parked (and not expired
 * at now), the oldest such names s and is used up: true. */
bool owner_wait_unpark(struct owner_wait *w, uint64_t sock_id, uint64_t end_ns, uint64_t now,
		       struct session *s);

/* The oldest held session whose deadline has passed (any, with all): taken
 * out and copied to *out, as it is (uncertain). false: none. */
bool owner_wait_expired(struct owner_wait *w, uint64_t now, bool all, struct session *out);

size_t owner_wait_held(const struct owner_wait *w);
size_t owner_wait_parked(const struct owner_wait *w);

#endif
