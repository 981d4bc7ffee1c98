// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/spool.c (another source drained in a thread of its own). */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/spool.h"

/*
 * A stand-in for the kernel's side: a buffer of `room` sessions that the
 * test fills (as the kernel's programs would) and a drain empties; what
 * does not fit is counted as ring_full, as the collector counts it. Its fd
 * is readable while sessions wait.
 */
struct fake {
	struct session_source base;
	pthread_mutex_t mu;
	int pipe[2];
	size_t room;
	uint32_t *ids;		/* waiting, oldest first */
	size_t n;
	uint32_t next_id;	/* ids are made in order: 0, 1, 2, ... */
	uint64_t delivered;
	uint64_t ring_full;
	size_t held;		/* flush() delivers these after the rest */
	int drain_rc;		/* returned by drain once set */
	int in_with;		/* spool_with_inner()'s fn is running */
	int overlaps;		/* drains that ran while it did */
	int destroyed;
	int drains;
	/* Like the collector: with `quiet`, the fd is made readable only
	 * when idle() asked for it (otherwise sessions wait for a drain on
	 * the timer); idle() returns idle_ms. */
	bool quiet;
	bool armed;
	int idle_ms;
	int idles;
};

static struct session mk(uint32_t id)
{
	struct session s = mk_session(1000 + id % 7, "fake", 40000 + id % 1000, 80, T0_NS + id);

	s.retrans = id;	/* the id travels in a field nothing else uses here */
	return s;
}

static int fake_fd(struct session_source *src)
{
	return ((struct fake *)src)->pipe[0];
}

static int fake_drain(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct fake *f = (struct fake *)src;
	char buf[256];
	int count = 0;

	pthread_mutex_lock(&f->mu);
	f->drains++;
	if (f->in_with)
		f->overlaps++;
	while (read(f->pipe[0], buf, sizeof(buf)) > 0) {
	}
	if (f->drain_rc) {
		pthread_mutex_unlock(&f->mu);
		return f->drain_rc;
	}
	for (size_t i = 0; i < f->n; i++) {
		struct session s = mk(f->ids[i]);

		f->delivered++;
		count++;
		if (sink(ctx, &s)) {
			memmove(f->ids, f->ids + i + 1, (f->n - i - 1) * sizeof(*f->ids));
			f->n -= i + 1;
			pthread_mutex_unlock(&f->mu);
			return count;
		}
	}
	f->n = 0;
	pthread_mutex_unlock(&f->mu);
	return count;
}

static int fake_flush(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct fake *f = (struct fake *)src;
	int n = fake_drain(src, sink, ctx);

	pthread_mutex_lock(&f->mu);
	for (; f->held; f->held--) {
		struct session s = mk(f->next_id++);

		f->delivered++;
		n++;
		sink(ctx, &s);
	}
	pthread_mutex_unlock(&f->mu);
	return n;
}

static void fake_stats(struct session_source *src, struct source_stats *out)
{
	struct fake *f = (struct fake *)src;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&f->mu);
	out->sessions = f->delivered;
	out->ring_full = f->ring_full;
	out->missed = f->ring_full;
	pthread_mutex_unlock(&f->mu);
}

static void fake_destroy(struct session_source *src)
{
	struct fake *f = (struct fake *)src;

	f->destroyed++;
}

static int fake_idle(struct session_source *src)
{
	struct fake *f = (struct fake *)src;

	pthread_mutex_lock(&f->mu);
	f->idles++;
	if (f->idle_ms)
		f->armed = true;
	pthread_mutex_unlock(&f->mu);
	return f->idle_ms;
}

static const struct session_source_ops fake_ops = {
	.fd = fake_fd,
	.drain = fake_drain,
	.flush = fake_flush,
	.stats = fake_stats,
	.destroy = fake_destroy,
};

static const struct session_source_ops fake_idle_ops = {
	.fd = fake_fd,
	.drain = fake_drain,
	.flush = fake_flush,
	.stats = fake_stats,
	.destroy = fake_destroy,
	.idle = fake_idle,
};

static void fake_init(struct fake *f, size_t room)
{
	memset(f, 0, sizeof(*f));
	f->base.ops = &fake_ops;
	f->base.name = "fake";
	pthread_mutex_init(&f->mu, NULL);
	assert_int_equal(pipe2(f->pipe, O_NONBLOCK | O_CLOEXEC), 0);
	f->room = room;
	f->ids = calloc(room, sizeof(*f->ids));
	assert_non_null(f->ids);
}

static void fake_fini(struct fake *f)
{
	close(f->pipe[0]);
	close(f->pipe[1]);
	free(f->ids);
	pthread_mutex_destroy(&f->mu);
}

/* The kernel's side closes n sessions. */
static void produce(struct fake *f, size_t n)
{
	bool wake;

	pthread_mutex_lock(&f->mu);
	for (size_t i = 0; i < n; i++) {
		uint32_t id = f->next_id++;

		if (f->n < f->room)
			f->ids[f->n++] = id;
		else
			f->ring_full++;
	}
	wake = !f->quiet || f->armed;
	f->armed = false;
	pthread_mutex_unlock(&f->mu);
	if (wake && write(f->pipe[1], "x", 1) < 0) {
		/* full: readable already */
	}
}

static int fake_drains(struct fake *f)
{
	int n;

	pthread_mutex_lock(&f->mu);
	n = f->drains;
	pthread_mutex_unlock(&f->mu);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR) {
	}
}

/* What the caller's sink saw. */
struct seen {
	uint32_t *ids;
	size_t n, cap;
	size_t stop_after;	/* the sink says stop after this many (0: never) */
	size_t this_call;
};

static int seen_sink(void *ctx, const struct session *s)
{
	struct seen *v = ctx;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->ids = realloc(v->ids, v->cap * sizeof(*v->ids));
		assert_non_null(v->ids);
	}
	v->ids[v->n++] = s->retrans;
	return v->stop_after && ++v->this_call >= v->stop_after;
}

static int drain_all(struct session_source *src, struct seen *v)
{
	int n, total = 0;

	while ((n = source_drain(src, seen_sink, v)) > 0)
		total += n;
	return total;
}

static struct session_source *spool_of(struct fake *f, size_t cap)
{
	struct spool_opts o = { .cap = cap, .interval_ms = 5 };
	char err[128] = "";
	struct session_source *s = spool_new(&f->base, &o, err, sizeof(err));

	assert_non_null(s);
	assert_string_equal(err, "");
	return s;
}

/* Waits (bounded) until the fake's buffer is empty: the thread drained it. */
static void wait_drained(struct fake *f)
{
	for (int i = 0; i < 2000; i++) {
		size_t n;

		pthread_mutex_lock(&f->mu);
		n = f->n;
		pthread_mutex_unlock(&f->mu);
		if (!n)
			return;
		sleep_ms(1);
	}
	fail_msg("the spool's thread did not drain the source in 2 s");
}

/*
 * The point of it: a caller that does not drain for a long while (the
 * monitor's loop left waiting for a CPU) loses nothing, though ten times
 * the kernel buffer's room closes meanwhile; every session comes once, in
 * order. Drained directly instead, the same stall loses most of them.
 */
static void test_caller_stall_loses_nothing(void **state)
{
	struct fake f, g;
	struct session_source *src;
	struct source_stats st;
	struct seen v = { 0 };

	(void)state;
	fake_init(&f, 1000);
	src = spool_of(&f, 0);
	for (int burst = 0; burst < 20; burst++) {
		produce(&f, 500);	/* half the room each time */
		wait_drained(&f);	/* the thread keeps up; the caller does not drain */
	}
	assert_int_equal(drain_all(src, &v), 10000);
	assert_int_equal(v.n, 10000);
	for (uint32_t i = 0; i < 10000; i++)
		assert_int_equal(v.ids[i], i);
	source_stats(src, &st);
	assert_int_equal(st.sessions, 10000);
	assert_int_equal(st.missed, 0);
	assert_int_equal(st.ring_full, 0);
	assert_int_equal(st.spool_full, 0);
	source_destroy(src);
	assert_int_equal(f.destroyed, 1);
	fake_fini(&f);

	/* the same stall with no spool: the buffer's room, the rest lost */
	fake_init(&g, 1000);
	for (int burst = 0; burst < 20; burst++)
		produce(&g, 500);
	v.n = 0;
	assert_int_equal(drain_all(&g.base, &v), 1000);
	fake_stats(&g.base, &st);
	assert_int_equal(st.ring_full, 9000);
	fake_fini(&g);
	free(v.ids);
}

/* The caller drains while the thread writes: every session once, in order,
 * across many chunks; flush brings what the source held back, last. */
static void test_concurrent_order_and_flush(void **state)
{
	struct fake f;
	struct session_source *src;
	struct source_stats st;
	struct seen v = { 0 };
	const uint32_t total = 20 * SPOOL_CHUNK + 123;
	uint32_t made = 0;

	(void)state;
	fake_init(&f, 100000);
	src = spool_of(&f, 0);
	while (made < total) {
		uint32_t k = total - made < 777 ? total - made : 777;

		produce(&f, k);
		made += k;
		if (made % 3)
			drain_all(src, &v);
	}
	f.held = 5;
	wait_drained(&f);
	assert_true(source_flush(src, seen_sink, &v) >= 5);
	drain_all(src, &v);
	assert_int_equal(v.n, total + 5);
	for (uint32_t i = 0; i < total + 5; i++)
		assert_int_equal(v.ids[i], i);
	source_stats(src, &st);
	assert_int_equal(st.sessions, total + 5);
	assert_int_equal(st.missed, 0);
	/* after a flush nothing more comes, and asking again is harmless */
	assert_true(source_flush(src, seen_sink, &v) <= 0);
	assert_int_equal(v.n, total + 5);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

/* Full: past its bound new sessions are counted as missed, never held;
 * shown + missed = what closed. */
static void test_bound_counts_missed(void **state)
{
	struct fake f;
	struct session_source *src;
	struct source_stats st;
	struct seen v = { 0 };

	(void)state;
	fake_init(&f, 100000);
	src = spool_of(&f, 1);	/* one chunk */
	produce(&f, SPOOL_CHUNK + 1000);
	wait_drained(&f);
	assert_int_equal(spool_dropped(src), 1000);
	drain_all(src, &v);
	assert_int_equal(v.n, SPOOL_CHUNK);
	for (uint32_t i = 0; i < SPOOL_CHUNK; i++)
		assert_int_equal(v.ids[i], i);
	source_stats(src, &st);
	assert_int_equal(st.spool_full, 1000);
	assert_int_equal(st.missed, 1000);
	assert_int_equal(st.sessions + st.missed, SPOOL_CHUNK + 1000);
	/* room again once drained */
	produce(&f, 10);
	wait_drained(&f);
	sleep_ms(20);
	assert_int_equal(drain_all(src, &v), 10);
	assert_int_equal(v.ids[v.n - 1], SPOOL_CHUNK + 1000 + 9);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

/* A sink that says stop gets the rest at the next drain, and the fd stays
 * readable until then. */
static void test_sink_stop_keeps_rest(void **state)
{
	struct fake f;
	struct session_source *src;
	struct seen v = { .stop_after = 7 };
	struct pollfd p;

	(void)state;
	fake_init(&f, 1000);
	src = spool_of(&f, 0);
	produce(&f, 20);
	wait_drained(&f);
	sleep_ms(20);
	assert_int_equal(source_drain(src, seen_sink, &v), 7);
	p = (struct pollfd){ .fd = source_fd(src), .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 1);
	v.stop_after = 0;
	assert_int_equal(source_drain(src, seen_sink, &v), 13);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(v.ids[i], i);
	p.revents = 0;
	assert_int_equal(poll(&p, 1, 0), 0);
	/* nothing to take: errno is the caller's still (a stream reads its
	 * write error's after the drain) */
	errno = ENOSPC;
	assert_int_equal(source_drain(src, seen_sink, &v), 0);
	assert_int_equal(errno, ENOSPC);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

static void with_fn(struct session_source *inner, void *ctx)
{
	struct fake *f = (struct fake *)inner;

	pthread_mutex_lock(&f->mu);
	f->in_with = 1;
	pthread_mutex_unlock(&f->mu);
	produce(f, 3);	/* the thread would drain at once if it could */
	sleep_ms(50);
	pthread_mutex_lock(&f->mu);
	f->in_with = 0;
	pthread_mutex_unlock(&f->mu);
	*(int *)ctx = 1;
}

/* spool_with_inner() has the source to itself: no drain runs meanwhile. */
static void test_with_inner_excludes_drains(void **state)
{
	struct fake f;
	struct session_source *src;
	struct seen v = { 0 };
	int ran = 0, drains;

	(void)state;
	fake_init(&f, 1000);
	src = spool_of(&f, 0);
	sleep_ms(20);
	spool_with_inner(src, with_fn, &ran);
	assert_int_equal(ran, 1);
	assert_int_equal(f.overlaps, 0);
	wait_drained(&f);
	sleep_ms(20);
	assert_int_equal(drain_all(src, &v), 3);
	pthread_mutex_lock(&f.mu);
	drains = f.drains;
	pthread_mutex_unlock(&f.mu);
	assert_true(drains > 1);	/* it did drain, before and after */
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

/* The source's error reaches the caller once what came before it is taken. */
static void test_error_after_queue(void **state)
{
	struct fake f;
	struct session_source *src;
	struct seen v = { 0 };

	(void)state;
	fake_init(&f, 1000);
	src = spool_of(&f, 0);
	produce(&f, 4);
	wait_drained(&f);
	pthread_mutex_lock(&f.mu);
	f.drain_rc = -EIO;
	pthread_mutex_unlock(&f.mu);
	produce(&f, 1);	/* wakes the thread, whose drain now fails */
	sleep_ms(50);
	assert_int_equal(source_drain(src, seen_sink, &v), 4);
	assert_int_equal(source_drain(src, seen_sink, &v), -EIO);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

/* Whether src's fd turns readable within ms. */
static bool readable_within(struct session_source *src, int ms)
{
	struct pollfd p = { .fd = source_fd(src), .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* A spool over a fake that, like the collector, wakes its fd only when
 * idle() asked, and answers idle() with idle_ms. */
static struct session_source *idle_spool_of(struct fake *f, int idle_ms)
{
	fake_init(f, 1000);
	f->base.ops = &fake_idle_ops;
	f->quiet = true;
	f->idle_ms = idle_ms;
	return spool_of(f, 0);	/* a drain every 5 ms on the timer */
}

/*
 * Idle: when a drain finds nothing, the thread asks the source to wake its
 * fd at the next session (idle()), and waits on that alone, up to what
 * idle() returned, instead of draining on its timer (an idle stream woke
 * 20 times a second). The next session still reaches the caller, whose fd
 * says so: the spool's own fd needs no timer either.
 */
static void test_idle_waits_for_wakeup(void **state)
{
	struct fake f;
	struct session_source *src;
	struct seen v = { 0 };
	int drains;

	(void)state;
	src = idle_spool_of(&f, 10000);
	assert_true(src->wakes_on_data);
	sleep_ms(300);
	drains = fake_drains(&f);
	/* the first look, and the one more after arming: not 60 */
	assert_in_range(drains, 1, 4);
	assert_true(f.idles >= 1);
	assert_false(readable_within(src, 0));	/* nothing came: nothing to say */

	produce(&f, 3);	/* the source wakes its fd: it was asked to */
	assert_true(readable_within(src, 5000));
	assert_int_equal(drain_all(src, &v), 3);
	assert_int_equal(v.n, 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(v.ids[i], i);
	/* and, nothing more coming, the thread is back to waiting */
	sleep_ms(300);
	assert_in_range(fake_drains(&f) - drains, 1, 5);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

/* A source that cannot wake its fd now (idle() returns 0: a collector
 * holding sessions for their owner, whose deadline its drains keep) is
 * drained on the timer, and a session that comes unannounced still gets
 * through. */
static void test_idle_declined_keeps_timer(void **state)
{
	struct fake f;
	struct session_source *src;
	struct seen v = { 0 };

	(void)state;
	src = idle_spool_of(&f, 0);
	sleep_ms(300);
	assert_true(fake_drains(&f) >= 10);
	produce(&f, 2);	/* no wake-up: only a drain on the timer finds them */
	assert_true(readable_within(src, 5000));
	assert_int_equal(drain_all(src, &v), 2);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

/* An error in the thread's drain wakes the caller, who waits on the fd
 * alone (the stream, idle): it is not left waiting for a session that will
 * not come. */
static void test_error_wakes_caller(void **state)
{
	struct fake f;
	struct session_source *src;
	struct seen v = { 0 };

	(void)state;
	src = idle_spool_of(&f, 10000);
	sleep_ms(50);
	pthread_mutex_lock(&f.mu);
	f.drain_rc = -EIO;
	pthread_mutex_unlock(&f.mu);
	produce(&f, 1);	/* wakes the thread, whose drain now fails */
	assert_true(readable_within(src, 5000));
	assert_int_equal(source_drain(src, seen_sink, &v), -EIO);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

static int setup_calls;
static pthread_t setup_thread;
static int setup_blocked;	/* of SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP: how many blocked */

static int thread_setup(void *ctx)
{
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP };
	sigset_t cur;

	setup_calls++;
	setup_thread = pthread_self();
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		setup_blocked += sigismember(&cur, sigs[i]) == 1;
	return *(int *)ctx;
}

/* The setup runs first, in the spool's own thread; its result is kept. The
 * thread takes no signals (the monitor's handlers are the caller's), and
 * the caller's own mask is left as it was. */
static void test_thread_setup(void **state)
{
	struct fake f;
	int result = -EPERM;
	struct spool_opts o = { .interval_ms = 5, .thread_setup = thread_setup,
				.thread_setup_ctx = &result };
	char err[128] = "";
	struct session_source *src;

	(void)state;
	fake_init(&f, 10);
	src = spool_new(&f.base, &o, err, sizeof(err));
	assert_non_null(src);
	for (int i = 0; i < 1000 && !spool_setup_result(src); i++)
		sleep_ms(1);
	assert_int_equal(spool_setup_result(src), -EPERM);
	assert_int_equal(setup_calls, 1);
	assert_false(pthread_equal(setup_thread, pthread_self()));
	assert_int_equal(setup_blocked, 5);
	{
		sigset_t cur;

		pthread_sigmask(SIG_BLOCK, NULL, &cur);
		assert_int_equal(sigismember(&cur, SIGINT), 0);
	}
	assert_string_equal(src->name, "fake");
	assert_true(spool_is(src));
	assert_false(spool_is(&f.base));
	source_destroy(src);
	fake_fini(&f);
}

/* Drains until the caller has seen n in all (the thread publishes what it
 * took a moment after the source is empty). */
static void drain_until(struct session_source *src, struct seen *v, size_t n)
{
	for (int i = 0; i < 2000 && v->n < n; i++) {
		if (!drain_all(src, v))
			sleep_ms(1);
	}
	assert_int_equal(v->n, n);
}

static long minor_faults(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

/*
 * Memory a steady flow uses is touched when the spool starts, and an
 * emptied chunk is kept for the next burst (SPOOL_SPARES of them), so the
 * drain thread takes no page faults in a burst: a page's first write cost
 * 10 us on the development VM (shadow page tables), 1.3 ms a chunk. Until
 * 2026-12-07 the first two chunks were new memory, and every burst of more
 * than two chunks mapped and faulted new ones again.
 */
static void test_no_faults_in_steady_flow(void **state)
{
	struct fake f;
	struct session_source *src;
	struct source_stats st;
	struct seen v = { 0 };
	const size_t burst = SPOOL_SPARES * SPOOL_CHUNK;
	long before, flow, again;
	unsigned long long made, made_flow, made_again;

	(void)state;
	/* the test's own memory, touched first */
	v.cap = 200000;
	v.ids = calloc(v.cap, sizeof(*v.ids));
	assert_non_null(v.ids);
	memset(v.ids, 1, v.cap * sizeof(*v.ids));
	fake_init(&f, burst + 1000);
	memset(f.ids, 1, f.room * sizeof(*f.ids));
	src = spool_of(&f, 0);

	/* a steady flow: 3,000 at a time, taken as they come */
	made = spool_chunks_made(src);
	assert_int_equal(made, SPOOL_PREFAULT);
	before = minor_faults();
	for (int i = 0; i < 20; i++) {
		produce(&f, 3000);
		wait_drained(&f);
		drain_until(src, &v, 3000 * (size_t)(i + 1));
	}
	flow = minor_faults() - before;
	made_flow = spool_chunks_made(src) - made;

	/* a burst of SPOOL_SPARES chunks the caller does not take at once,
	 * twice: the second reuses the first's memory */
	produce(&f, burst);
	wait_drained(&f);
	drain_until(src, &v, 60000 + burst);
	before = minor_faults();
	made = spool_chunks_made(src);
	produce(&f, burst);
	wait_drained(&f);
	drain_until(src, &v, 60000 + 2 * burst);
	again = minor_faults() - before;
	made_again = spool_chunks_made(src) - made;

	print_message("page faults: steady flow %ld, second burst %ld (a chunk is %zu pages); "
		      "chunks made: %llu, %llu\n", flow, again,
		      (sizeof(struct session) * SPOOL_CHUNK + 4095) / 4096, made_flow, made_again);
	assert_int_equal(v.n, 60000 + 2 * burst);
	/* (a chunk is 120 pages; the sanitizers' own memory takes a few) */
	assert_true(flow < 60);
	assert_true(again < 60);
	assert_int_equal(made_flow, 0);
	assert_int_equal(made_again, 0);
	source_stats(src, &st);
	assert_int_equal(st.missed, 0);
	source_destroy(src);
	fake_fini(&f);
	free(v.ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caller_stall_loses_nothing),
		cmocka_unit_test(test_concurrent_order_and_flush),
		cmocka_unit_test(test_bound_counts_missed),
		cmocka_unit_test(test_sink_stop_keeps_rest),
		cmocka_unit_test(test_with_inner_excludes_drains),
		cmocka_unit_test(test_error_after_queue),
		cmocka_unit_test(test_thread_setup),
		cmocka_unit_test(test_no_faults_in_steady_flow),
		cmocka_unit_test(test_idle_waits_for_wakeup),
		cmocka_unit_test(test_idle_declined_keeps_timer),
		cmocka_unit_test(test_error_wakes_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
