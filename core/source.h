/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct session_source: the seam between where sessions come from (the live
 * BPF collector, or a CSV replay) and the model. The event loop polls fd()
 * and calls drain(), which hands each new session to the sink.
 */
#ifndef TCPSCOPE_CORE_SOURCE_H
#define TCPSCOPE_CORE_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include "core/session.h"

/* Called once per closed session. Return 0 to go on, non-zero to stop draining. */
typedef int (*session_sink_fn)(void *ctx, const struct session *s);

struct source_stats {
	uint64_t sessions;	/* sessions delivered */
	uint64_t started_ns;	/* wall clock (Unix epoch, ns) just before tracing began: no
				 * traced close is older (a partial session's start); for a
				 * replay, its earliest close (0: no rows) */
	uint64_t missed;	/* lost before delivery: ring full + kernel misses +
				 * vanished (+ unaccounted) */
	uint64_t ring_full;	/* BPF ring buffer reservations that failed */
	uint64_t kernel_misses;	/* BPF programs' recursion_misses: runs the kernel
				 * skipped, not sessions (a close among them is
				 * reported at its socket's destruction, or
				 * counted in vanished); not part of missed */
	uint64_t unreadable;	/* closes whose socket could not be read: lost */
	uint64_t seeded;	/* sockets open at start (partial sessions to come) */
	uint64_t table_full;	/* sockets not tracked: BPF socket table full */
	uint64_t unaccounted;	/* closes the kernel saw that were neither delivered nor
				 * counted above (only known once everything is drained:
				 * after flush); included in missed */
	/* Transitions the kernel side saw, to compare with the kernel's own
	 * counters (Tcp ActiveOpens, PassiveOpens); 0 for a replay. */
	uint64_t hook_connects;	/* -> SYN_SENT */
	uint64_t hook_accepts;	/* LISTEN -> SYN_RECV */
	uint64_t hook_closes;	/* -> CLOSE of a session */
	uint64_t hook_recloses;	/* CLOSE -> CLOSE: not a session, counted to be sure */
	uint64_t hook_late;	/* sessions whose close was not seen, reported at destruction */
	uint64_t vanished;	/* sessions whose socket went away with no close traced at
				 * all (found by the sweep, or stale); included in missed */
	uint64_t stale;		/* of those: found still followed when a later socket
				 * came (a new session of the same socket, or a socket
				 * at its address) */
	uint64_t spilled;	/* records that took the slow way (their CPU's lane full) */
	uint64_t spool_full;	/* sessions drained from the kernel with no room left in
				 * memory for them (core/spool.h); included in missed */
	/* Sessions reported without a certain owner, and why (-v). */
	uint64_t owner_unseen;	/* waited for their owner's close, which did not come in time */
	uint64_t owner_no_wait;	/* could not wait (the kernel side's table of them full) */
	uint64_t owner_lost;	/* owners' records lost on the way (buffer full) */
	uint64_t owner_gone;	/* no owner at all (pid 0): the socket was let go of
				 * unseen, before tracing began or with the table full */
};

struct session_source;

struct session_source_ops {
	/* fd to poll for readability; -1 if none (drain on the timer). */
	int (*fd)(struct session_source *src);
	/* Deliver pending sessions to sink. Returns the number delivered, or -errno.
	 * Returns -ENODATA once a finite source (replay) is exhausted. */
	int (*drain)(struct session_source *src, session_sink_fn sink, void *ctx);
	/* Like drain, and also deliver what the source holds back (sessions
	 * waiting for their owner). Optional: NULL means drain. For the end of
	 * a stream. */
	int (*flush)(struct session_source *src, session_sink_fn sink, void *ctx);
	void (*stats)(struct session_source *src, struct source_stats *out);
	void (*destroy)(struct session_source *src);
	/* A drain found nothing: make fd readable as soon as something comes
	 * (rather than at the source's next look, its timer). Returns how long
	 * the caller may then wait on fd alone, in ms, or 0: not now (keep
	 * draining on the timer). The caller drains once more before it waits:
	 * what came while this ran is not announced. Optional: NULL means 0. */
	int (*idle)(struct session_source *src);
	/* Deliver the sessions open now, each as its record would read if it
	 * closed now (cause CAUSE_OPEN, end_ns now), to sink; nothing is kept
	 * or changed by it. Returns the number delivered, or -errno.
	 * Optional: NULL means the source has none to show (a replay). */
	int (*open_now)(struct session_source *src, session_sink_fn sink, void *ctx);
};

struct session_source {
	const struct session_source_ops *ops;
	const char *name;	/* "tp_btf", "tracepoint", "replay" */
	/* fd turns readable whenever a drain has something to deliver, or an
	 * error to report: a loop over this source needs no timer to drain. */
	bool wakes_on_data;
};

static inline int source_fd(struct session_source *s) { return s->ops->fd(s); }
static inline int source_drain(struct session_source *s, session_sink_fn f, void *c)
{
	return s->ops->drain(s, f, c);
}
static inline int source_flush(struct session_source *s, session_sink_fn f, void *c)
{
	return s->ops->flush ? s->ops->flush(s, f, c) : s->ops->drain(s, f, c);
}
static inline void source_stats(struct session_source *s, struct source_stats *o)
{
	s->ops->stats(s, o);
}
static inline int source_idle(struct session_source *s)
{
	return s->ops->idle ? s->ops->idle(s) : 0;
}
/* The sessions open now (see open_now); -EOPNOTSUPP from a source with none. */
static inline int source_open_now(struct session_source *s, session_sink_fn f, void *c)
{
	return s->ops->open_now ? s->ops->open_now(s, f, c) : -EOPNOTSUPP;
}
static inline void source_destroy(struct session_source *s)
{
	if (s)
		s->ops->destroy(s);
}

#endif
