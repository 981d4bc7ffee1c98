// SPDX-License-Identifier: GPL-2.0
/* The spool: another source drained in a thread of its own; see spool.h. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/hugemem.h"
#include "core/spool.h"

struct chunk {
	struct chunk *next;
	size_t n;		/* sessions written */
	size_t taken;		/* sessions handed on */
	struct session s[SPOOL_CHUNK];
};

struct spool {
	struct session_source base;	/* first: the source the caller holds */
	struct session_source *inner;
	struct spool_opts opts;
	size_t cap_chunks;

	/* `inner_mu`: the inner source is the thread's while it drains, or
	 * spool_with_inner()'s, or stats()'. Priority inheritance: a caller
	 * that holds it while the kernel leaves it waiting for a CPU runs at
	 * the thread's priority meanwhile, so the thread never waits long. */
	pthread_mutex_t inner_mu;
	/* `q_mu`: the queue's ends and counts (held for pointer moves only). */
	pthread_mutex_t q_mu;
	struct chunk *head;	/* the oldest, being read */
	struct chunk *tail;	/* the newest, being written (by the thread only) */
	size_t chunks;		/* in the queue */
	size_t published;	/* sessions in tail readable (<= tail->n) */
	struct chunk *spares;	/* emptied chunks kept for the next (linked by next) */
	size_t n_spares;	/* at most SPOOL_SPARES */
	unsigned long long made;	/* chunks made so far */
	unsigned long long dropped;
	unsigned long long taken;	/* handed to the caller's sink */
	int inner_rc;		/* the inner drain's last error (-errno), or -ENODATA at its end */

	int wake_fd;		/* eventfd: readable while sessions wait (the caller's fd) */
	int stop_fd;		/* eventfd: the thread ends */
	pthread_t thread;
	bool running;
	int setup_rc;
	bool setup_done;
	bool flushed;
};

static struct chunk *chunk_new(void)
{
	/* Straight from the kernel, and back to it: a burst's memory is not
	 * kept by the allocator once taken. */
	void *p = mmap(NULL, sizeof(struct chunk), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Each page's first write is a fault, and a virtual machine may charge
	 * its own on top: on the development VM 1.1 ms a chunk written a
	 * session at a time, 0.5 ms prefaulted here at once. The chunks a
	 * steady flow cycles through are made so at the start (SPOOL_PREFAULT),
	 * and emptied ones are kept (SPOOL_SPARES). */
	mem_prefault(p, sizeof(struct chunk));
	return p;	/* zeroed */
}

/* An emptied chunk back to the spares, or to the kernel past SPOOL_SPARES;
 * q_mu held. Returns the one to free (outside the lock), or NULL. */
static struct chunk *spare_put_locked(struct spool *sp, struct chunk *c)
{
	if (sp->n_spares >= SPOOL_SPARES)
		return c;
	c->next = sp->spares;
	sp->spares = c;
	sp->n_spares++;
	return NULL;
}

static void chunk_free(struct chunk *c)
{
	if (c)
		munmap(c, sizeof(*c));
}

/* The kept chunks back to the kernel (no thread running). */
static void spares_free(struct spool *sp)
{
	while (sp->spares) {
		struct chunk *next = sp->spares->next;

		chunk_free(sp->spares);
		sp->spares = next;
	}
	sp->n_spares = 0;
}

/* wake() and unwake() leave errno as it was: the caller's drain sits
 * between its own calls whose errno it reads (a stream's write error read
 * after the drain said "Resource temporarily unavailable"). */
static void wake(int fd)
{
	uint64_t one = 1;
	int saved = errno;

	if (write(fd, &one, sizeof(one)) < 0) {
		/* only EAGAIN at the counter's limit: already readable */
	}
	errno = saved;
}

static void unwake(int fd)
{
	uint64_t v;
	int saved = errno;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing to clear */
	}
	errno = saved;
}

/* The thread's sink: one session into the tail chunk. Runs with inner_mu
 * held; q_mu only to link a new chunk. */
static int spool_push(void *ctx, const struct session *s)
{
	struct spool *sp = ctx;
	struct chunk *t = sp->tail;

	if (t && t->n == SPOOL_CHUNK) {
		/* the only chunk, and all of it taken: written again from its start */
		pthread_mutex_lock(&sp->q_mu);
		if (sp->head == t && t->taken == t->n) {
			t->n = 0;
			t->taken = 0;
			sp->published = 0;
		}
		pthread_mutex_unlock(&sp->q_mu);
	}
	if (!t || t->n == SPOOL_CHUNK) {
		struct chunk *c;

		pthread_mutex_lock(&sp->q_mu);
		if (sp->chunks >= sp->cap_chunks) {
			sp->dropped++;
			pthread_mutex_unlock(&sp->q_mu);
			return 0;
		}
		c = sp->spares;
		if (c) {
			sp->spares = c->next;
			sp->n_spares--;
		}
		pthread_mutex_unlock(&sp->q_mu);
		if (!c) {
			c = chunk_new();
			pthread_mutex_lock(&sp->q_mu);
			if (c)
				sp->made++;
			else
				sp->dropped++;
			pthread_mutex_unlock(&sp->q_mu);
			if (!c)
				return 0;
		}
		c->next = NULL;
		c->n = 0;
		c->taken = 0;
		pthread_mutex_lock(&sp->q_mu);
		if (t) {
			t->next = c;
		} else {
			sp->head = c;
		}
		sp->tail = c;
		sp->published = 0;
		sp->chunks++;
		pthread_mutex_unlock(&sp->q_mu);
		t = c;
	}
	t->s[t->n++] = *s;
	return 0;
}

/* Whether sessions wait to be taken; q_mu held. */
static bool queued_locked(const struct spool *sp)
{
	return sp->head && (sp->head != sp->tail || sp->head->taken < sp->published);
}

/* Make what the thread wrote readable, and say so. */
static void publish(struct spool *sp)
{
	bool any;

	pthread_mutex_lock(&sp->q_mu);
	if (sp->tail)
		sp->published = sp->tail->n;
	any = queued_locked(sp) || sp->inner_rc;	/* an error is news too */
	pthread_mutex_unlock(&sp->q_mu);
	if (any)
		wake(sp->wake_fd);
}

static int inner_drain_locked(struct spool *sp)
{
	int n = source_drain(sp->inner, spool_push, sp);

	if (n < 0 && n != -EINTR && n != -EAGAIN) {
		pthread_mutex_lock(&sp->q_mu);
		sp->inner_rc = n;
		pthread_mutex_unlock(&sp->q_mu);
	}
	return n;
}

static void *spool_thread(void *arg)
{
	struct spool *sp = arg;
	int fd = source_fd(sp->inner), timeout = (int)sp->opts.interval_ms;
	bool skip_fd = false;

	if (sp->opts.thread_setup)
		sp->setup_rc = sp->opts.thread_setup(sp->opts.thread_setup_ctx);
	__atomic_store_n(&sp->setup_done, true, __ATOMIC_RELEASE);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sp->stop_fd, .events = POLLIN },
			{ .fd = fd, .events = POLLIN },
		};
		int n;

		if (poll(p, fd >= 0 && !skip_fd ? 2 : 1, timeout) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		timeout = (int)sp->opts.interval_ms;
		pthread_mutex_lock(&sp->inner_mu);
		n = inner_drain_locked(sp);
		/* Readable, yet nothing came: wait the interval before heeding
		 * the fd again, rather than spin (the thread may run real-time). */
		skip_fd = p[1].revents && n <= 0;
		/* Nothing came: the source wakes the fd at its next session (if
		 * it can), and the thread waits on that rather than on its
		 * timer, after one more look (what came meanwhile is not
		 * announced). Idle, it then runs about once a second instead
		 * of ten times. */
		if (n == 0 && fd >= 0 && !skip_fd) {
			int t = source_idle(sp->inner);

			if (t > 0) {
				n = inner_drain_locked(sp);
				if (n == 0 && t > timeout)
					timeout = t;
			}
		}
		pthread_mutex_unlock(&sp->inner_mu);
		publish(sp);
		if (n == -ENODATA || n == -EBADF || n == -EINVAL || n == -EIO)
			break;	/* the end, or an error the caller will see */
	}
	return NULL;
}

static void stop_thread(struct spool *sp)
{
	if (!sp->running)
		return;
	wake(sp->stop_fd);
	pthread_join(sp->thread, NULL);
	sp->running = false;
}

static int spool_fd(struct session_source *src)
{
	return ((struct spool *)src)->wake_fd;
}

/* Hand what is queued to sink, oldest first, until it says stop. A chunk's
 * `taken` is written under q_mu only, by the caller's thread; its sessions
 * below the published end are the thread's no more. */
static int deliver(struct spool *sp, session_sink_fn sink, void *ctx)
{
	int count = 0;
	bool stop = false;

	unwake(sp->wake_fd);
	while (!stop) {
		struct chunk *h, *done = NULL;
		size_t i, end;

		pthread_mutex_lock(&sp->q_mu);
		h = sp->head;
		if (!h) {
			pthread_mutex_unlock(&sp->q_mu);
			break;
		}
		i = h->taken;
		end = h == sp->tail ? sp->published : h->n;
		pthread_mutex_unlock(&sp->q_mu);
		while (i < end && !stop) {
			stop = sink(ctx, &h->s[i]) != 0;
			i++;
			count++;
		}
		pthread_mutex_lock(&sp->q_mu);
		h->taken = i;
		if (h != sp->tail && i == h->n) {
			/* read to its end, and the thread writes elsewhere */
			sp->head = h->next;
			sp->chunks--;
			done = spare_put_locked(sp, h);
		} else if (i == end) {
			stop = true;	/* all that is published */
		}
		pthread_mutex_unlock(&sp->q_mu);
		chunk_free(done);
	}
	pthread_mutex_lock(&sp->q_mu);
	sp->taken += (unsigned long long)count;
	/* something left (the sink stopped): stay readable */
	if (queued_locked(sp))
		wake(sp->wake_fd);
	pthread_mutex_unlock(&sp->q_mu);
	return count;
}

static int spool_drain(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct spool *sp = (struct spool *)src;
	int n = deliver(sp, sink, ctx), rc;

	pthread_mutex_lock(&sp->q_mu);
	rc = sp->inner_rc;
	pthread_mutex_unlock(&sp->q_mu);
	if (n > 0)
		return n;
	/* Nothing more will come: say why once the queue is empty. */
	return rc;
}

static int spool_flush(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct spool *sp = (struct spool *)src;
	int n;

	/* The thread stops; what the inner source still holds (sessions held
	 * for their owner, the last closes) joins the queue behind the rest. */
	stop_thread(sp);
	if (!sp->flushed) {
		int rc;

		sp->flushed = true;
		rc = source_flush(sp->inner, spool_push, sp);
		if (rc < 0 && rc != -ENODATA && rc != -EINTR && rc != -EAGAIN)
			sp->inner_rc = rc;
		publish(sp);
	}
	n = deliver(sp, sink, ctx);
	return n > 0 ? n : sp->inner_rc;
}

static void spool_stats(struct session_source *src, struct source_stats *out)
{
	struct spool *sp = (struct spool *)src;

	pthread_mutex_lock(&sp->inner_mu);
	source_stats(sp->inner, out);
	pthread_mutex_unlock(&sp->inner_mu);
	pthread_mutex_lock(&sp->q_mu);
	out->sessions = sp->taken;
	out->spool_full = sp->dropped;
	out->missed += sp->dropped;
	pthread_mutex_unlock(&sp->q_mu);
}

static void spool_destroy(struct session_source *src)
{
	struct spool *sp = (struct spool *)src;
	struct chunk *c;

	stop_thread(sp);
	source_destroy(sp->inner);
	for (c = sp->head; c;) {
		struct chunk *next = c->next;

		chunk_free(c);
		c = next;
	}
	spares_free(sp);
	close(sp->wake_fd);
	close(sp->stop_fd);
	pthread_mutex_destroy(&sp->inner_mu);
	pthread_mutex_destroy(&sp->q_mu);
	free(sp);
}

/* The inner source's sessions open now, with the thread held off it. */
static int spool_open_now(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct spool *sp = (struct spool *)src;
	int rc;

	if (!sp->inner->ops->open_now)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&sp->inner_mu);
	rc = sp->inner->ops->open_now(sp->inner, sink, ctx);
	pthread_mutex_unlock(&sp->inner_mu);
	return rc;
}

static const struct session_source_ops spool_ops = {
	.fd = spool_fd,
	.drain = spool_drain,
	.flush = spool_flush,
	.stats = spool_stats,
	.destroy = spool_destroy,
	.open_now = spool_open_now,
};

struct session_source *spool_new(struct session_source *inner, const struct spool_opts *opts,
				 char *err, size_t errlen)
{
	struct spool *sp = calloc(1, sizeof(*sp));
	pthread_mutexattr_t ma;
	sigset_t all, old;
	int rc;

	if (!sp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sp->wake_fd = sp->stop_fd = -1;
	sp->base.ops = &spool_ops;
	sp->base.name = inner->name;
	sp->base.wakes_on_data = true;	/* publish() wakes wake_fd */
	sp->inner = inner;
	if (opts)
		sp->opts = *opts;
	if (!sp->opts.cap)
		sp->opts.cap = SPOOL_DEFAULT_CAP;
	if (!sp->opts.interval_ms)
		sp->opts.interval_ms = 100;
	sp->cap_chunks = (sp->opts.cap + SPOOL_CHUNK - 1) / SPOOL_CHUNK;
	/* The chunks a steady flow cycles through (one written, one read),
	 * touched now rather than in the first burst. Not having them is no
	 * error: they are made when needed. */
	for (int i = 0; i < SPOOL_PREFAULT; i++) {
		struct chunk *c = chunk_new();

		sp->made += c != NULL;
		if (!c || spare_put_locked(sp, c)) {
			chunk_free(c);
			break;
		}
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&sp->inner_mu, &ma);
	pthread_mutex_init(&sp->q_mu, &ma);
	pthread_mutexattr_destroy(&ma);
	sp->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sp->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sp->wake_fd < 0 || sp->stop_fd < 0) {
		snprintf(err, errlen, "cannot make an event descriptor: %s", strerror(errno));
		goto fail;
	}
	/* The thread takes no signals: the caller's handlers (the terminal's,
	 * Ctrl-Z's) run in the caller's thread, as without a spool. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&sp->thread, NULL, spool_thread, sp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the drain thread: %s", strerror(rc));
		goto fail;
	}
	sp->running = true;
	return &sp->base;
fail:
	spares_free(sp);
	if (sp->wake_fd >= 0)
		close(sp->wake_fd);
	if (sp->stop_fd >= 0)
		close(sp->stop_fd);
	pthread_mutex_destroy(&sp->inner_mu);
	pthread_mutex_destroy(&sp->q_mu);
	free(sp);
	return NULL;
}

void spool_with_inner(struct session_source *src,
		      void (*fn)(struct session_source *inner, void *ctx), void *ctx)
{
	struct spool *sp = (struct spool *)src;

	pthread_mutex_lock(&sp->inner_mu);
	fn(sp->inner, ctx);
	pthread_mutex_unlock(&sp->inner_mu);
}

bool spool_is(const struct session_source *src)
{
	return src && src->ops == &spool_ops;
}

int spool_setup_result(struct session_source *src)
{
	struct spool *sp = (struct spool *)src;

	return __atomic_load_n(&sp->setup_done, __ATOMIC_ACQUIRE) ? sp->setup_rc : 0;
}

/* One of the spool's counters, read under q_mu. */
static unsigned long long counter(struct session_source *src, size_t offset)
{
	struct spool *sp = (struct spool *)src;
	unsigned long long v;

	pthread_mutex_lock(&sp->q_mu);
	v = *(const unsigned long long *)((const char *)sp + offset);
	pthread_mutex_unlock(&sp->q_mu);
	return v;
}

unsigned long long spool_dropped(struct session_source *src)
{
	return counter(src, offsetof(struct spool, dropped));
}

unsigned long long spool_chunks_made(struct session_source *src)
{
	return counter(src, offsetof(struct spool, made));
}
