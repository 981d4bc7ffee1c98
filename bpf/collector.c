// SPDX-License-Identifier: GPL-2.0
/*
 * Live session source: skeleton lifecycle (open -> size maps -> load ->
 * attach -> seed), draining the lanes and the ring buffer, conversion of the
 * kernel record into core's struct session.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/mount.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/socket.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bpf/collector.h"
#include "core/clock.h"
#include "core/hugemem.h"
#include "core/owner_wait.h"
#include "bpf/tcpscope.h"
#include "tcpscope.skel.h"

/* A lane record is two whole cache lines (bpf/tcpscope.h). */
_Static_assert(sizeof(struct tcpscope_event) == 128, "struct tcpscope_event: 128 bytes");

/* Sessions held back until their owner is known (TS_F_AWAIT_OWNER), and
 * owner records that came before their session (lanes are per CPU, the
 * owner record goes through the ring buffer: a session closed while a drain
 * ran comes after its owner). A flood of resets on 2 CPUs holds a few
 * thousand of each (under 1 MiB); the limits only bound memory (at most
 * about 25 MiB, 232 and 136 bytes an entry). */
#define AWAIT_MAX	65536
#define PARKED_MAX	65536
#define AWAIT_NS	(COLLECTOR_AWAIT_MS * 1000000ull)	/* then they are delivered as uncertain */

/* The lanes (tp_btf hook): one ring of records per possible CPU. */
struct lanes {
	int n;				/* CPUs */
	uint32_t len;			/* records per lane, a power of two */
	struct ts_lane_hdr *hdr;	/* mapped lane_hdrs */
	size_t hdr_bytes;
	struct tcpscope_event *rec;	/* mapped lanes: lane i at rec[i * len] */
	size_t rec_bytes;
	uint64_t *pos, *end;		/* per lane: next to read, published */
};

/* An entry of the socket table that the last sweep did not find open. */
struct suspect {
	uint64_t key;		/* cookie; in socks with the classic hook, the socket's address */
	uint64_t start_ns;
	uint32_t idx;		/* slot index; SUSPECT_IN_SOCKS: in socks */
};

#define SUSPECT_IN_SOCKS UINT32_MAX
#define SWEEP_EVERY_NS (30ULL * 1000000000)
/* Idle, the drain thread looks this often all the same: for the sweep, and
 * for a record whose wake-up the program did not send (see collector_idle()). */
#define IDLE_MS 1000

struct collector {
	struct session_source src;	/* first: the source handle */
	struct owner_wait *ow;		/* sessions and owners waiting for each other */
	struct tcpscope_bpf *skel;
	struct ring_buffer *rb;
	struct lanes lanes;		/* n == 0: every record comes through rb */
	bool seed_pending;		/* collector_seed() has the start-up walk to do */
	struct bpf_program *state_prog;	/* the attached state hook */
	struct bpf_program *destroy_prog;	/* the attached tcp_destroy_sock hook, or NULL */
	session_sink_fn sink;
	void *sink_ctx;
	int sink_stop;
	uint64_t boot_to_epoch_ns;	/* add to CLOCK_BOOTTIME to get the wall clock */
	bool mono_to_boot_fixed;	/* TCPSCOPE_TEST_MONO_TO_BOOT_NS: set_mono_to_boot() */
	int64_t mono_to_boot_fixed_ns;
	uint64_t started_epoch_ns;
	uint64_t delivered;
	bool flushed;		/* everything was drained: closes can be reconciled */
	uint64_t closes_at_flush;	/* sessions handed over, read before the final drain */
	/* The sweep (see sweep()). */
	struct slot *slots;		/* the mapped slots table */
	size_t slots_n, slots_bytes;
	uint32_t netns;			/* ours; 0: no sweep */
	uint16_t sweep_gen;
	uint64_t next_sweep_ns;		/* CLOCK_MONOTONIC */
	struct suspect *suspects;	/* sorted by (idx, key) */
	size_t n_suspects;
	struct suspect *present;	/* the slots' entries at the last check, sorted */
	size_t n_present;
	uint64_t sweep_every_ns;
	uint64_t sweep_walks, sweep_skips;	/* periodic checks that walked / did not */
	uint64_t vanished;		/* sessions whose socket went away untraced */
	uint64_t owner_unseen;		/* held for their owner, delivered uncertain at the deadline */
	uint64_t owner_hold_failed;	/* could not be held (the waiting table full) */
	unsigned int vanished_shown;
	/* Idle (collector_idle()): the program wakes us at its next record. */
	bool idle_armed;
	uint64_t idle_sleeps;		/* times armed, nothing to read */
	uint64_t idle_woken;		/* of those, ended by a record's wake-up */
	/* The walk of the sessions open now (collector_open_now()), loaded
	 * and attached at its first use (open_load()). */
	bool iters;			/* BPF iterators load on this kernel */
	const char *btf_path;		/* --btf, for that load */
	struct tcpscope_bpf *open_skel;
	int open_err;			/* its load or attach failed: this, at every look */
	struct bpf_link *open_link;
	char *open_buf;
};

static void (*log_fn)(void *, const char *);
static void *log_ctx;
static bool log_verbose;

static void log_line(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (!n)
		return;
	if (log_fn)
		log_fn(log_ctx, buf);
	else
		fprintf(stderr, "tcpscope: %s\n", buf);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[512];

	/* Without -v libbpf stays quiet: a failed attempt we recover from is
	 * not worth a line, and a final failure gets one line of our own. */
	if (!log_verbose)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_line("%s", buf);
	return 0;
}

/* strerror() that also knows libbpf's own codes (4000 and up). */
static const char *errstr(int err)
{
	static char buf[128];

	if (libbpf_strerror(err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", strerror(err));
	return buf;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * The program turns the socket's clock (CLOCK_MONOTONIC) into CLOCK_BOOTTIME
 * with this: the two differ by the time the machine was suspended. Each try
 * reads BOOTTIME around a MONOTONIC read, which brackets the offset however
 * long the reads were held up (clock_offset_pick()); a read of the two one
 * after the other was off by the delay, under CPU contention microseconds,
 * and negative on a machine never suspended, which cost connect()ed
 * sessions their handshake (see syn_start()). Written only when it moves
 * (after a suspend): the program reads its cache line at every close.
 * TCPSCOPE_TEST_MONO_TO_BOOT_NS (tests only) fixes it, read once at the
 * start (getenv() walks the environment: 1.6 % of the stream's CPU time
 * under a flood when it was read at every drain).
 */
static void set_mono_to_boot(const struct collector *c, struct tcpscope_bpf *skel)
{
	struct clock_reads r[4];
	int64_t d;

	if (c->mono_to_boot_fixed) {
		skel->bss->mono_to_boot_ns = c->mono_to_boot_fixed_ns;
		return;
	}
	for (int i = 0; i < 4; i++) {
		r[i].a = clock_ns(CLOCK_BOOTTIME);
		r[i].b = clock_ns(CLOCK_MONOTONIC);
		r[i].a2 = clock_ns(CLOCK_BOOTTIME);
	}
	d = clock_offset_pick(r, 4, skel->bss->mono_to_boot_ns);
	if (d != skel->bss->mono_to_boot_ns)
		skel->bss->mono_to_boot_ns = d;
}

/*
 * The wall clock's offset from CLOCK_BOOTTIME (it moves only when the clock
 * is set), read between two reads of the other clock, the tightest of a few
 * tries, and kept in whole microseconds, the unit every output shows: two
 * instances (a stream beside a monitor) then give each session the same
 * times (a difference of tens of ns made 1 in 20 rows differ by 1 us).
 */
static void refresh_clock_offset(struct collector *c)
{
	uint64_t best = UINT64_MAX, boot = 0, off = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t b1 = clock_ns(CLOCK_BOOTTIME), r = clock_ns(CLOCK_REALTIME);
		uint64_t b2 = clock_ns(CLOCK_BOOTTIME);

		if (b2 - b1 < best) {
			best = b2 - b1;
			boot = b1 + (b2 - b1) / 2;
			off = r - boot;
		}
	}
	c->boot_to_epoch_ns = (off + 500) / 1000 * 1000;
	if (c->skel)
		set_mono_to_boot(c, c->skel);
}

/* Whether the running kernel is major.minor or later (uname). */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Descriptors the BPF objects take at once while loading and running (about
 * 25 when running; a few more while loading), with room to spare. */
#define COLLECTOR_FDS_NEEDED 40

/* How many more descriptors this process may open. */
static long fd_room(void)
{
	struct rlimit rl;
	struct dirent *e;
	long open_now = 0;
	DIR *d;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return LONG_MAX;
	d = opendir("/proc/self/fd");
	if (!d)
		return LONG_MAX;	/* no /proc: let the load tell */
	while ((e = readdir(d)))
		open_now += e->d_name[0] != '.';
	closedir(d);
	open_now--;		/* the directory's own */
	return (long)rl.rlim_cur > open_now ? (long)rl.rlim_cur - open_now : 0;
}

static int is_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

static void to_mapped(struct in6_addr *dst, const uint8_t *v4)
{
	memset(dst, 0, sizeof(*dst));
	dst->s6_addr[10] = 0xff;
	dst->s6_addr[11] = 0xff;
	memcpy(&dst->s6_addr[12], v4, 4);
}

static void event_to_session(const struct collector *c, const struct tcpscope_event *e,
			     struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->end_ns = e->end_ns + c->boot_to_epoch_ns;
	if (e->start_ns)
		s->start_ns = e->start_ns + c->boot_to_epoch_ns;
	else
		s->start_ns = c->started_epoch_ns < s->end_ns ? c->started_epoch_ns : s->end_ns;
	/* In the microseconds shown: time - start_time is duration_ms, exactly. */
	s->dur_us = s->end_ns / 1000 > s->start_ns / 1000 ? s->end_ns / 1000 - s->start_ns / 1000 : 0;
	s->tx_bytes = e->tx_bytes;
	s->rx_bytes = e->rx_bytes;
	if (e->family == AF_INET) {
		s->family = AF_INET;
		to_mapped(&s->laddr, e->saddr);
		to_mapped(&s->raddr, e->daddr);
	} else if (is_v4_mapped(e->saddr) && is_v4_mapped(e->daddr)) {
		/* IPv4 through a dual-stack socket: it is IPv4 to the user. */
		s->family = AF_INET;
		memcpy(&s->laddr, e->saddr, 16);
		memcpy(&s->raddr, e->daddr, 16);
	} else {
		s->family = AF_INET6;
		memcpy(&s->laddr, e->saddr, 16);
		memcpy(&s->raddr, e->daddr, 16);
	}
	s->pid = e->pid;
	s->srtt_us = e->srtt_us;
	s->handshake_us = e->handshake_us;
	s->retrans = e->retrans;
	s->netns = e->netns;
	s->lport = e->lport;
	s->rport = e->rport;
	s->dir = e->dir == TS_DIR_OUT ? DIR_OUT : e->dir == TS_DIR_IN ? DIR_IN : DIR_UNKNOWN;
	s->closer = e->closer == TS_CLOSER_LOCAL ? CLOSER_LOCAL :
		    e->closer == TS_CLOSER_REMOTE ? CLOSER_REMOTE : CLOSER_UNKNOWN;
	switch (e->cause) {
	case TS_CAUSE_FIN: s->cause = CAUSE_FIN; break;
	case TS_CAUSE_RST_SENT: s->cause = CAUSE_RST_SENT; break;
	case TS_CAUSE_RST_RECV: s->cause = CAUSE_RST_RECV; break;
	case TS_CAUSE_REFUSED: s->cause = CAUSE_REFUSED; break;
	case TS_CAUSE_ABANDONED: s->cause = CAUSE_ABANDONED; break;
	case TS_CAUSE_UNREACHABLE: s->cause = CAUSE_UNREACHABLE; break;
	case TS_CAUSE_TIMEOUT: s->cause = CAUSE_TIMEOUT; break;
	case TS_CAUSE_OPEN: s->cause = CAUSE_OPEN; break;
	default: s->cause = CAUSE_UNKNOWN;
	}
	if (e->flags & TS_F_PID_UNCERTAIN)
		s->flags |= SESS_PID_UNCERTAIN;
	if (e->flags & TS_F_PARTIAL)
		s->flags |= SESS_PARTIAL;
	memcpy(s->comm, e->comm, sizeof(s->comm));
	s->comm[sizeof(s->comm) - 1] = '\0';
}

static int deliver(struct collector *c, const struct session *s)
{
	c->delivered++;
	if (c->sink && c->sink(c->sink_ctx, s)) {
		c->sink_stop = 1;
		return -ECANCELED;	/* libbpf stops consuming; the rest waits */
	}
	return 0;
}

/* Deliver held-back sessions whose owner did not show up in time (all of
 * them with all = true). */
static int await_release(struct collector *c, bool all)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct session s;
	int err = 0;

	while (!err && owner_wait_expired(c->ow, now, all, &s)) {
		c->owner_unseen++;
		err = deliver(c, &s);
	}
	return err;
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct tcpscope_event *e = data;
	struct collector *c = ctx;
	struct session s;
	uint64_t now;

	if (len < sizeof(struct tcpscope_event))
		return 0;
	if (e->kind == TS_KIND_OWNER) {
		if (owner_wait_owner(c->ow, e->sock_id, e->end_ns, e->pid, e->comm, &s))
			return deliver(c, &s);
		/* Delivered already as uncertain, or its session is still in
		 * a lane: keep it for a while. */
		if (c->lanes.n) {
			now = clock_ns(CLOCK_MONOTONIC);
			owner_wait_park(c->ow, e->sock_id, e->end_ns, e->pid, e->comm, now + AWAIT_NS,
					now);
		}
		return 0;
	}
	event_to_session(c, e, &s);
	if (e->flags & TS_F_AWAIT_OWNER) {
		now = clock_ns(CLOCK_MONOTONIC);
		if (c->lanes.n && owner_wait_unpark(c->ow, e->sock_id, e->end_ns, now, &s))
			return deliver(c, &s);
		if (owner_wait_hold(c->ow, e->sock_id, e->end_ns, now + AWAIT_NS, &s) == 0)
			return 0;
		c->owner_hold_failed++;
	}
	return deliver(c, &s);
}

static uint64_t sum_count(struct collector *c, __u32 what);

static inline struct tcpscope_event *lane_rec(const struct lanes *l, int i, uint64_t pos)
{
	return &l->rec[(size_t)i * l->len + (pos & (l->len - 1))];
}

/*
 * Read every lane up to what was published when the pass began, merged in
 * order of close time (each lane is in order, to a few microseconds: one
 * CPU's closes, one after another, an orderly one timed when its last packet
 * came in), then hand the space back.
 */
static void lanes_drain(struct collector *c)
{
	struct lanes *l = &c->lanes;
	int i, live = 0;

	for (i = 0; i < l->n; i++) {
		l->end[i] = __atomic_load_n(&l->hdr[i].head, __ATOMIC_ACQUIRE);
		if (l->end[i] - l->pos[i] > l->len)	/* never: the program checks */
			l->pos[i] = l->end[i] - l->len;
		live += l->pos[i] != l->end[i];
	}
	while (live && !c->sink_stop) {
		const struct tcpscope_event *e, *best = NULL;
		int b = -1;

		if (live == 1) {
			/* One lane left (or only one busy CPU): in order. */
			for (b = 0; l->pos[b] == l->end[b]; b++)
				;
			while (l->pos[b] != l->end[b] && !c->sink_stop)
				on_event(c, lane_rec(l, b, l->pos[b]++), sizeof(*e));
			break;
		}
		for (i = 0; i < l->n; i++) {
			if (l->pos[i] == l->end[i])
				continue;
			e = lane_rec(l, i, l->pos[i]);
			if (!best || e->end_ns < best->end_ns) {
				best = e;
				b = i;
			}
		}
		l->pos[b]++;
		live -= l->pos[b] == l->end[b];
		on_event(c, (void *)best, sizeof(*best));
	}
	for (i = 0; i < l->n; i++)
		__atomic_store_n(&l->hdr[i].tail, l->pos[i], __ATOMIC_RELEASE);
}

static int collector_fd(struct session_source *src)
{
	struct collector *c = (struct collector *)src;

	return ring_buffer__epoll_fd(c->rb);
}

static void describe_entry(const char *what, uint64_t key, const struct sk_info *in);
static int run_iter(struct bpf_program *prog);

static int suspect_cmp(const void *a, const void *b)
{
	const struct suspect *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static int add_suspect(struct suspect **v, size_t *n, size_t *cap, uint64_t key,
		       uint64_t start_ns, uint32_t idx)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct suspect *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = (struct suspect){ .key = key, .start_ns = start_ns, .idx = idx };
	return 0;
}

/* A suspect of the previous sweep still there, unchanged and unmarked:
 * the socket is gone and no close of it was traced. Count it and free its
 * entry (unless the program just freed or reused it). */
static bool vanish(struct collector *c, const struct suspect *s, const struct sk_info *in)
{
	if (s->idx != SUSPECT_IN_SOCKS) {
		uint64_t expect = s->key;

		if (!__atomic_compare_exchange_n(&c->slots[s->idx].key, &expect, 0, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return false;
	} else {
		if (bpf_map_delete_elem(bpf_map__fd(c->skel->maps.socks), &s->key))
			return false;
		__atomic_fetch_sub(&c->skel->bss->in_socks, 1, __ATOMIC_RELAXED);
	}
	c->vanished++;
	if (log_verbose && c->vanished_shown < 5) {
		c->vanished_shown++;
		describe_entry("gone without a traced close: socket", s->key, in);
	}
	return true;
}

/*
 * Before a periodic sweep: is there an entry that was already there at the
 * last check? If not, no entry can be one that a sweep left unmarked, and
 * the walk is not needed: it visits every TCP socket, TIME_WAIT ones
 * included (50 ms with 110,000 of them here), where this scan reads the
 * mapped slots only. Under a flood of short sessions the walk is skipped;
 * with long-lived sessions about it runs. Entries in the hash map (the
 * classic tracepoint, slot collisions, seeded sockets) always call for it.
 */
static bool sweep_needed(struct collector *c)
{
	struct suspect *now = NULL;
	size_t n = 0, cap = 0;
	bool old = false;

	if (!c->lanes.n || __atomic_load_n(&c->skel->bss->in_socks, __ATOMIC_RELAXED) > 0)
		return true;
	for (size_t i = 0; i < c->slots_n; i++) {
		uint64_t key = __atomic_load_n(&c->slots[i].key, __ATOMIC_ACQUIRE);
		const struct sk_info *in = &c->slots[i].info;

		if (!key || in->netns != c->netns)
			continue;
		if (add_suspect(&now, &n, &cap, key, in->start_ns, (uint32_t)i)) {
			free(now);
			return true;
		}
	}
	/* The scan goes by index: already in suspect_cmp's order. */
	for (size_t i = 0; i < n && !old; i++) {
		const struct suspect *was = c->n_present ?
			bsearch(&now[i], c->present, c->n_present, sizeof(*now), suspect_cmp) : NULL;

		old = was && was->start_ns == now[i].start_ns;
	}
	free(c->present);
	c->present = now;
	c->n_present = n;
	if (!old) {
		/* Nothing a past sweep left unmarked is still there. */
		free(c->suspects);
		c->suspects = NULL;
		c->n_suspects = 0;
	}
	return old;
}

/*
 * The sweep, every SWEEP_EVERY_NS when sweep_needed(), and twice at the end
 * of a stream: a BPF iterator walks the TCP sockets of our network
 * namespace and marks the entry of each that is still open. An entry of
 * this namespace that two sweeps in a row leave unmarked (same socket, same
 * session) belongs to a socket that is gone although no close of it
 * reached the program: the
 * kernel did not run it (seen on a 2-CPU VM, about once in 10 million
 * sessions, by the kernel's own event tracing too). Such a session is
 * counted as missed ("closed untraced") and its entry freed, instead of
 * staying in the table unseen.
 */
static void sweep(struct collector *c)
{
	struct suspect *now = NULL, *keep = NULL;
	size_t n = 0, cap = 0, n_keep = 0, cap_keep = 0;
	uint16_t gen = (uint16_t)(c->sweep_gen + 1);
	int64_t in_socks;

	if (!gen)
		gen = 1;
	c->sweep_gen = gen;
	__atomic_store_n(&c->skel->bss->sweep_gen, gen, __ATOMIC_RELEASE);
	if (run_iter(c->skel->progs.tcpscope_sweep))
		return;
	for (size_t i = 0; c->lanes.n && i < c->slots_n; i++) {
		uint64_t key = __atomic_load_n(&c->slots[i].key, __ATOMIC_ACQUIRE);
		const struct sk_info *in = &c->slots[i].info;

		if (!key || in->netns != c->netns || in->seen == gen)
			continue;
		if (add_suspect(&now, &n, &cap, key, in->start_ns, (uint32_t)i))
			goto out;
	}
	in_socks = __atomic_load_n(&c->skel->bss->in_socks, __ATOMIC_RELAXED);
	if (in_socks > 0) {
		int fd = bpf_map__fd(c->skel->maps.socks);
		/* A key deleted under the walk restarts it from the first:
		 * bounded, for a table that churns. */
		size_t budget = 2 * (size_t)bpf_map__max_entries(c->skel->maps.socks);
		__u64 key, next, *prev = NULL;
		struct sk_info in;

		while (budget-- && bpf_map_get_next_key(fd, prev, &next) == 0) {
			key = next;
			prev = &key;
			if (bpf_map_lookup_elem(fd, &key, &in) || in.netns != c->netns ||
			    in.seen == gen)
				continue;
			if (add_suspect(&now, &n, &cap, key, in.start_ns, SUSPECT_IN_SOCKS))
				goto out;
		}
	}
	if (n > 1)
		qsort(now, n, sizeof(*now), suspect_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct suspect *was = c->n_suspects ?
			bsearch(&now[i], c->suspects, c->n_suspects, sizeof(*now), suspect_cmp) : NULL;
		struct sk_info in;

		if (was && was->start_ns == now[i].start_ns) {
			if (now[i].idx != SUSPECT_IN_SOCKS)
				memcpy(&in, &c->slots[now[i].idx].info, sizeof(in));
			else if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.socks), &now[i].key, &in))
				continue;
			if (vanish(c, &now[i], &in))
				continue;
		}
		if (add_suspect(&keep, &n_keep, &cap_keep, now[i].key, now[i].start_ns, now[i].idx))
			goto out;
	}
	free(c->suspects);
	c->suspects = keep;
	c->n_suspects = n_keep;
	keep = NULL;
out:
	free(keep);
	free(now);
}

static void maybe_sweep(struct collector *c)
{
	uint64_t t;

	if (!c->netns)
		return;
	t = clock_ns(CLOCK_MONOTONIC);
	if (t < c->next_sweep_ns)
		return;
	if (sweep_needed(c)) {
		sweep(c);
		c->sweep_walks++;
	} else {
		c->sweep_skips++;
	}
	c->next_sweep_ns = clock_ns(CLOCK_MONOTONIC) + c->sweep_every_ns;
}

/*
 * Nothing came: the program is to wake us at its next record (wake_next)
 * instead of leaving it for the timer, which then runs once a second, not
 * ten times (an idle stream woke 20 times a second, 1.5 ms of CPU a second
 * here). The program publishes a record, then reads the flag, with no
 * fence between (a fence in every record's path, for a wake-up it needs
 * only when idle, is not worth it): a record that comes just as we go to
 * sleep can miss its wake-up, and waits for the next look, IDLE_MS later.
 */
static int collector_idle(struct session_source *src)
{
	struct collector *c = (struct collector *)src;

	/* Sessions held for their owner go out at a deadline of their own. */
	if (owner_wait_held(c->ow))
		return 0;
	if (!c->idle_armed) {
		c->idle_armed = true;
		c->idle_sleeps++;
		/* a full fence: the drain that follows sees what came before */
		__atomic_store_n(&c->skel->bss->wake_next, 1, __ATOMIC_SEQ_CST);
	}
	return IDLE_MS;
}

static int collector_drain(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct collector *c = (struct collector *)src;
	uint64_t before = c->delivered;
	int err;

	if (c->idle_armed && !__atomic_load_n(&c->skel->bss->wake_next, __ATOMIC_ACQUIRE)) {
		c->idle_armed = false;	/* a record woke us */
		c->idle_woken++;
	}
	refresh_clock_offset(c);
	c->sink = sink;
	c->sink_ctx = ctx;
	c->sink_stop = 0;
	/* The lanes first: a session's owner record (the ring buffer) comes
	 * after its close, often in the same drain period, and is then taken
	 * up at once rather than parked (the records that spilled into the
	 * ring buffer, when the lanes were full, are the newer ones too). */
	if (c->lanes.n)
		lanes_drain(c);
	err = c->sink_stop ? 0 : ring_buffer__consume(c->rb);
	if (err < 0 && !c->sink_stop)
		return err;
	if (!c->sink_stop)
		await_release(c, false);
	maybe_sweep(c);
	return (int)(c->delivered - before);
}

/*
 * -v, after the final drain: the sockets the program still follows. Each is
 * a session not closed yet, or one whose close was never seen (after a load
 * that has ended, that is the only kind). Up to five are described.
 */
/* -v: one line on what the program knew of a socket. */
static void describe_entry(const char *what, uint64_t key, const struct sk_info *in)
{
	uint64_t boot = clock_ns(CLOCK_BOOTTIME);
	char comm[TS_COMM_LEN + 1], age[48];

	memcpy(comm, in->comm, TS_COMM_LEN);
	comm[TS_COMM_LEN] = '\0';
	for (char *p = comm; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	/* A connect() still waiting for its SYN to be answered holds jiffies
	 * (I_START_SYN), not a time. */
	if (in->flags & I_START_SYN)
		snprintf(age, sizeof(age), "connecting");
	else
		snprintf(age, sizeof(age), "opened %s%.1f s ago", in->start_ns ? "" : "before start, ",
			 in->start_ns && boot > in->start_ns ? (boot - in->start_ns) / 1e9 : 0.0);
	log_line("  %s %llu: %s%s, %s%s%s, %s (pid %u %s)", what,
		 (unsigned long long)key,
		 in->flags & I_OUT ? "connect" : in->flags & I_IN ? "accept" : "?",
		 in->flags & I_PARTIAL ? " (open at start)" : "",
		 in->handshake_us && !(in->flags & I_DPORT) ? "established" : "no handshake seen",
		 (in->flags & (I_FIN_SENT | I_LOCAL_FIRST)) == (I_FIN_SENT | I_LOCAL_FIRST) ?
			 ", close() first" : "",
		 (in->flags & (I_FIN_SENT | I_REMOTE_FIRST)) == (I_FIN_SENT | I_REMOTE_FIRST) ?
			 ", close() after the peer's" : "",
		 age, in->pid, in->flags & I_IDENT ? comm : "-");
}

static void log_still_followed(struct collector *c)
{
	__u32 n = c->slots ? c->slots_n : 0, shown = 0;
	int64_t in_socks = __atomic_load_n(&c->skel->bss->in_socks, __ATOMIC_RELAXED);
	int fd = bpf_map__fd(c->skel->maps.socks);
	uint64_t in_slots = 0, key, next, *prev = NULL, followed;
	struct sk_info info;

	if (!c->lanes.n)
		n = 0;	/* the classic hook keeps every socket in socks */
	for (__u32 i = 0; i < n; i++) {
		struct slot sl;

		sl.key = __atomic_load_n(&c->slots[i].key, __ATOMIC_ACQUIRE);
		if (!sl.key)
			continue;
		in_slots++;
		if (shown >= 5)
			continue;
		memcpy(&sl.info, &c->slots[i].info, sizeof(sl.info));
		describe_entry("socket", sl.key, &sl.info);
		shown++;
	}
	/* Then the hash map's: sockets open at start-up, sockets whose slot
	 * was taken, and every socket with the classic hook. */
	while (shown < 5 && fd >= 0 && bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &info) == 0) {
			describe_entry("socket", key, &info);
			shown++;
		}
	}
	followed = in_slots + (in_socks > 0 ? (uint64_t)in_socks : 0);
	if (followed == 1)
		log_line("1 socket still followed at exit (a session not closed yet, or whose "
			 "close was not seen)%s", shown ? "; described above" : "");
	else if (followed)
		log_line("%llu sockets still followed at exit (sessions not closed yet, or whose "
			 "close was not seen); %u of them described above",
			 (unsigned long long)followed, shown);
}

static int collector_flush(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct collector *c = (struct collector *)src;
	uint64_t before = c->delivered;
	uint64_t closes = sum_count(c, TS_CNT_HANDED) + sum_count(c, TS_CNT_LATE);
	int n = collector_drain(src, sink, ctx);

	if (n < 0 || c->sink_stop)
		return n;
	c->closes_at_flush = closes;
	await_release(c, true);
	if (c->netns) {
		sweep(c);
		sweep(c);
	}
	c->flushed = true;
	if (log_verbose && c->netns)
		log_line("sweep for closes never traced: %llu walks of the open sockets while "
			 "running; %llu checks needed none (no entry old enough)",
			 (unsigned long long)c->sweep_walks, (unsigned long long)c->sweep_skips);
	if (log_verbose)
		log_line("idle: %llu %s with nothing to read, %llu ended by a session's wake-up",
			 (unsigned long long)c->idle_sleeps,
			 c->idle_sleeps == 1 ? "wait" : "waits", (unsigned long long)c->idle_woken);
	if (log_verbose)
		log_still_followed(c);
	return (int)(c->delivered - before);
}

static uint64_t prog_recursion_misses(struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	if (!prog || bpf_program__fd(prog) < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.recursion_misses;
}

/* One of the per-CPU counters (TS_CNT_*), summed over the CPUs. */
static uint64_t sum_count(struct collector *c, __u32 what)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;

	if (ncpu <= 0)
		return 0;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.closes), &what, v) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

static void collector_stats(struct session_source *src, struct source_stats *out)
{
	struct collector *c = (struct collector *)src;

	memset(out, 0, sizeof(*out));
	out->sessions = c->delivered;
	out->started_ns = c->started_epoch_ns;
	out->ring_full = __atomic_load_n(&c->skel->bss->ring_full, __ATOMIC_RELAXED);
	out->table_full = __atomic_load_n(&c->skel->bss->table_full, __ATOMIC_RELAXED);
	out->seeded = c->skel->bss->seeded;
	out->hook_connects = sum_count(c, TS_CNT_CONNECTS);
	out->hook_accepts = sum_count(c, TS_CNT_ACCEPTS);
	out->hook_closes = sum_count(c, TS_CNT_CLOSES);
	out->hook_recloses = sum_count(c, TS_CNT_RECLOSES);
	out->hook_late = sum_count(c, TS_CNT_LATE);
	out->kernel_misses = prog_recursion_misses(c->state_prog) +
			     prog_recursion_misses(c->destroy_prog);
	out->stale = __atomic_load_n(&c->skel->bss->stale_entries, __ATOMIC_RELAXED);
	out->vanished = c->vanished + out->stale;
	out->spilled = __atomic_load_n(&c->skel->bss->spilled, __ATOMIC_RELAXED);
	out->owner_unseen = c->owner_unseen;
	out->owner_no_wait = c->owner_hold_failed +
			     __atomic_load_n(&c->skel->bss->await_failed, __ATOMIC_RELAXED);
	out->owner_lost = __atomic_load_n(&c->skel->bss->owner_lost, __ATOMIC_RELAXED);
	out->owner_gone = __atomic_load_n(&c->skel->bss->owner_gone, __ATOMIC_RELAXED);
	/* Sessions, not program runs: a run the kernel skipped (kernel_misses)
	 * that was a close left its session to the socket's destruction
	 * (reported then) or to the sweep (vanished); counting the runs too
	 * counted two a session, and runs that were no close at all. */
	out->unreadable = __atomic_load_n(&c->skel->bss->unreadable, __ATOMIC_RELAXED);
	out->missed = out->ring_full + out->vanished + out->unreadable;
	if (c->flushed) {
		/* Every session handed over before the flush was delivered, is
		 * held, or was counted as ring full; anything else was lost on
		 * the way (later arrivals only make the check looser). */
		uint64_t accounted = c->delivered + owner_wait_held(c->ow) + out->ring_full;

		if (c->closes_at_flush > accounted) {
			out->unaccounted = c->closes_at_flush - accounted;
			out->missed += out->unaccounted;
		}
	}
}

static void lanes_unmap(struct lanes *l)
{
	if (l->hdr)
		munmap(l->hdr, l->hdr_bytes);
	if (l->rec)
		munmap(l->rec, l->rec_bytes);
	free(l->pos);
	free(l->end);
	memset(l, 0, sizeof(*l));
}

static void collector_destroy(struct session_source *src)
{
	struct collector *c = (struct collector *)src;

	if (!c)
		return;
	ring_buffer__free(c->rb);
	bpf_link__destroy(c->open_link);
	tcpscope_bpf__destroy(c->open_skel);
	free(c->open_buf);
	lanes_unmap(&c->lanes);
	if (c->slots)
		munmap(c->slots, c->slots_bytes);
	tcpscope_bpf__destroy(c->skel);
	free(c->suspects);
	free(c->present);
	owner_wait_free(c->ow);
	free(c);
}

/* Bytes read from the walk at a time: whole records. */
#define OPEN_BUF_BYTES (64 * sizeof(struct tcpscope_event))

/*
 * The sessions open now: a walk of this network namespace's TCP sockets
 * (tcpscope_open), each one's record read back and delivered as a session
 * whose cause is CAUSE_OPEN. Nothing in the kernel side's tables changes.
 */
/*
 * The walk's program, loaded on its own at its first use, not with the
 * others: its verification (7,000 instructions, 8 ms here) would otherwise
 * delay every start, for a view that may never be opened. A second instance
 * of the same object, with that program alone, using the first one's tables
 * (the slots, the hash map of sockets, the listeners, and the globals it
 * reads), and no table of its own but its constants.
 */
static void verifier_logs(struct bpf_object *obj, bool before);

static int open_load(struct collector *c)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = c->btf_path);
	struct tcpscope_bpf *o;
	struct bpf_program *p;
	struct bpf_map *m;
	int err;

	o = tcpscope_bpf__open_opts(&oo);
	if (!o)
		return -errno;
	bpf_object__for_each_program(p, o->obj)
		bpf_program__set_autoload(p, p == o->progs.tcpscope_open);
	/* the same constants (the slots' mask, the key of the sockets' map) */
	memcpy(o->rodata, c->skel->rodata, sizeof(*o->rodata));
	err = 0;
	bpf_object__for_each_map(m, o->obj) {
		struct bpf_map *theirs = m == o->maps.slots ? c->skel->maps.slots :
					 m == o->maps.socks ? c->skel->maps.socks :
					 m == o->maps.listen_ports ? c->skel->maps.listen_ports :
					 m == o->maps.bss ? c->skel->maps.bss : NULL;

		if (theirs)
			err = bpf_map__reuse_fd(m, bpf_map__fd(theirs));
		else if (m != o->maps.rodata && m != o->maps.kconfig)
			err = bpf_map__set_autocreate(m, false);	/* not used */
		if (err)
			break;
	}
	if (!err) {
		verifier_logs(o->obj, true);
		err = tcpscope_bpf__load(o);
		verifier_logs(o->obj, false);
	}
	if (err) {
		tcpscope_bpf__destroy(o);
		return err < 0 ? err : -EINVAL;
	}
	c->open_skel = o;
	return 0;
}

static int collector_open_now(struct session_source *src, session_sink_fn sink, void *ctx)
{
	struct collector *c = (struct collector *)src;
	size_t have = 0, i;
	int fd, err = 0, n = 0;
	ssize_t got;

	if (!c->skel || !c->iters)
		return -EOPNOTSUPP;	/* no BPF iterators on this kernel */
	if (c->open_err)
		return c->open_err;	/* not tried again at every look */
	if (!c->open_skel) {
		err = open_load(c);
		if (err)
			return c->open_err = err;
	}
	if (!c->open_link) {
		c->open_link = bpf_program__attach_iter(c->open_skel->progs.tcpscope_open, NULL);
		if (!c->open_link)
			return c->open_err = -errno;
	}
	if (!c->open_buf) {
		c->open_buf = malloc(OPEN_BUF_BYTES);
		if (!c->open_buf)
			return -ENOMEM;
	}
	fd = bpf_iter_create(bpf_link__fd(c->open_link));
	if (fd < 0)
		return -errno;
	/* A read may end inside a record: the rest comes with the next. */
	while ((got = read(fd, c->open_buf + have, OPEN_BUF_BYTES - have)) > 0) {
		have += (size_t)got;
		for (i = 0; i + sizeof(struct tcpscope_event) <= have;
		     i += sizeof(struct tcpscope_event)) {
			struct tcpscope_event e;
			struct session s;

			memcpy(&e, c->open_buf + i, sizeof(e));
			if (e.kind != TS_KIND_OPEN)
				continue;
			event_to_session(c, &e, &s);
			n++;
			if (sink(ctx, &s))
				goto done;
		}
		memmove(c->open_buf, c->open_buf + i, have - i);
		have -= i;
	}
	if (got < 0)
		err = -errno;
done:
	close(fd);
	return err ? err : n;
}

static const struct session_source_ops collector_ops = {
	.fd = collector_fd,
	.drain = collector_drain,
	.flush = collector_flush,
	.stats = collector_stats,
	.destroy = collector_destroy,
	.idle = collector_idle,
	.open_now = collector_open_now,
};

/* Run one iterator program to completion. */
static int run_iter(struct bpf_program *prog)
{
	struct bpf_link *link;
	char buf[256];
	int fd, err = 0;
	ssize_t n;

	link = bpf_program__attach_iter(prog, NULL);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto cleanup_link;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = -errno;
	close(fd);
cleanup_link:
	bpf_link__destroy(link);
	return err;
}

/* Classic tracepoints need tracefs for their ids; mount it if nobody has. */
static void ensure_tracefs(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0 ||
	    stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
		log_line("mounted tracefs on /sys/kernel/tracing for the tracepoint hook");
}

static const char *hook_name(enum collector_hook h)
{
	return h == HOOK_TP_BTF ? "tp_btf" : "tracepoint";
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * libbpf parses the kernel's whole BTF (megabytes of types, copied and
 * indexed) to load the program. Left to itself, each 4 KiB page of that
 * comes with a page fault and, in a VM with shadow page tables, TLB misses
 * that cost as much: 45 ms of a 65-95 ms start-up here (2,850 faults).
 * Instead, the heap is grown once and libbpf's buffers are carved from it;
 * heap_release() hands it back after the load. Where transparent huge pages
 * can be had, the heap's 2 MiB-aligned part is advised to use them: the
 * parse then took 6 ms (a few dozen faults; 14 MiB resident instead of 8
 * for those milliseconds). Without them its pages are backed in one call
 * (MADV_POPULATE_WRITE), which saved less (29 ms). After the load the
 * range is advised back to small pages: the heap grows into it later, and
 * in huge pages a small history's monitor settled 3-5 MiB larger. glibc
 * only; elsewhere nothing changes.
 */
static uintptr_t huge_lo, huge_hi;

static void heap_prepare(const char *btf_path)
{
#ifdef __GLIBC__
	const uintptr_t huge = HUGEMEM_PAGE;
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	size_t want;
	uintptr_t lo, hi;
	char *p;

	if (page <= 0 || stat(btf_path, &st) || st.st_size <= 0)
		return;
	want = (size_t)st.st_size * 3;	/* raw file, its copy, the indexes */
	if (want > (64u << 20))
		want = 64u << 20;
	mallopt(M_MMAP_THRESHOLD, 32 << 20);	/* big buffers from the heap too */
	mallopt(M_TRIM_THRESHOLD, (int)(want * 2));	/* and kept there until released */
	p = malloc(want);
	if (!p)
		return;
	lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	hi = ((uintptr_t)p + want) & ~(huge - 1);
	if (hi > lo && hugemem_thp_usable() && madvise((void *)lo, hi - lo, MADV_HUGEPAGE) == 0) {
		huge_lo = lo;
		huge_hi = hi;
	} else {
		lo = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
		if (lo + (uintptr_t)page < (uintptr_t)p + want)
			madvise((void *)lo, (uintptr_t)p + want - lo - (uintptr_t)page,
				MADV_POPULATE_WRITE);
	}
	free(p);
#else
	(void)btf_path;
#endif
}

static void heap_release(void)
{
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 128 * 1024);
	malloc_trim(0);
	if (huge_hi > huge_lo) {
		madvise((void *)huge_lo, huge_hi - huge_lo, MADV_NOHUGEPAGE);
		huge_lo = huge_hi = 0;
	}
#endif
}

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) / page * page;
}

static int lanes_map(struct lanes *l, struct tcpscope_bpf *skel, int ncpu, uint32_t len)
{
	void *p;

	l->n = ncpu;
	l->len = len;
	l->pos = calloc(ncpu, sizeof(*l->pos));
	l->end = calloc(ncpu, sizeof(*l->end));
	if (!l->pos || !l->end)
		goto nomem;
	l->hdr_bytes = page_round((size_t)ncpu * sizeof(struct ts_lane_hdr));
	p = mmap(NULL, l->hdr_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(skel->maps.lane_hdrs), 0);
	if (p == MAP_FAILED)
		goto fail;
	l->hdr = p;
	l->rec_bytes = page_round((size_t)ncpu * len * sizeof(struct tcpscope_event));
	p = mmap(NULL, l->rec_bytes, PROT_READ, MAP_SHARED, bpf_map__fd(skel->maps.lanes), 0);
	if (p == MAP_FAILED)
		goto fail;
	l->rec = p;
	return 0;
nomem:
	errno = ENOMEM;
fail: {
	int err = -errno;

	lanes_unmap(l);
	return err;
}
}

/*
 * -v: what the kernel's verifier spent on each program it loads (its
 * statistics, BPF_LOG_STATS). Most of the time from launch to attached is
 * the verifier's, and it grows with every branch a program gains: in
 * 2026-12 it grew tenfold in the state program, unnoticed, from 12,000
 * instructions processed to 127,000 (0.04 s to launch to 0.14 s).
 * `before`: give each program to load a buffer; after: say what each
 * buffer holds, and free them.
 */
#define VERIFIER_LOG_SIZE (64 * 1024)	/* the statistics are 3 lines; an error's message fits */

static void verifier_logs(struct bpf_object *obj, bool before)
{
	struct bpf_program *prog;

	if (!log_verbose)
		return;
	bpf_object__for_each_program(prog, obj) {
		size_t size;
		char *buf;
		const char *p;
		unsigned long long insns = 0, usec = 0;

		if (!bpf_program__autoload(prog))
			continue;
		if (before) {
			buf = calloc(1, VERIFIER_LOG_SIZE);
			if (buf) {
				bpf_program__set_log_buf(prog, buf, VERIFIER_LOG_SIZE);
				bpf_program__set_log_level(prog, 4);
			}
			continue;
		}
		buf = (char *)bpf_program__log_buf(prog, &size);
		if (!buf)
			continue;
		p = strstr(buf, "verification time ");
		if (p)
			usec = strtoull(p + strlen("verification time "), NULL, 10);
		p = strstr(buf, "processed ");
		if (p)
			insns = strtoull(p + strlen("processed "), NULL, 10);
		if (p)
			log_line("verifier: %s: %llu instructions processed, %.1f ms",
				 bpf_program__name(prog), insns, (double)usec / 1000.0);
		bpf_program__set_log_buf(prog, NULL, 0);
		bpf_program__set_log_level(prog, 0);
		free(buf);
	}
}

/* One attempt: open, configure, load and attach with the given hook. With
 * tp_btf, `cast`: the state program that uses bpf_rdonly_cast (6.2+), else
 * the one that calls bpf_skc_to_tcp_sock. */
static int try_open(struct collector *c, const struct collector_opts *opts,
		    enum collector_hook hook, bool cast, bool with_iters)
{
	struct tcpscope_bpf *skel;
	struct bpf_program *state, *destroy, *error, *prog;
	struct bpf_link **link, **destroy_link;
	size_t sockets, slots = 1024, ring;
	uint32_t lane_len = 0, shift = 0;
	int err, ncpu = 0;
	/* `make bench`: the floor (tcpscope_floor_* in the program). */
	bool floor = getenv("TCPSCOPE_BENCH_FLOOR") != NULL;

	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = opts->btf_path);

	/* Fault injection for tests of the fallback path. */
	if (hook == HOOK_TP_BTF && getenv("TCPSCOPE_TEST_NO_TP_BTF"))
		return -EOPNOTSUPP;
	if (hook == HOOK_TP_BTF && cast && getenv("TCPSCOPE_TEST_NO_RDONLY_CAST"))
		return -EOPNOTSUPP;
	skel = tcpscope_bpf__open_opts(&open_opts);
	if (!skel)
		return -errno;
	/* The two hook programs this attempt attaches; every other hook
	 * program stays unloaded. */
	if (floor && hook == HOOK_TRACEPOINT) {
		state = skel->progs.tcpscope_floor_state_tp;
		link = &skel->links.tcpscope_floor_state_tp;
		destroy = skel->progs.tcpscope_floor_destroy_tp;
		destroy_link = &skel->links.tcpscope_floor_destroy_tp;
	} else if (floor) {
		state = skel->progs.tcpscope_floor_state_btf;
		link = &skel->links.tcpscope_floor_state_btf;
		destroy = skel->progs.tcpscope_floor_destroy_btf;
		destroy_link = &skel->links.tcpscope_floor_destroy_btf;
	} else if (hook == HOOK_TRACEPOINT) {
		state = skel->progs.tcpscope_state_tp;
		link = &skel->links.tcpscope_state_tp;
		destroy = skel->progs.tcpscope_destroy_tp;
		destroy_link = &skel->links.tcpscope_destroy_tp;
	} else {
		state = cast ? skel->progs.tcpscope_state_btf : skel->progs.tcpscope_state_btf_helper;
		link = cast ? &skel->links.tcpscope_state_btf : &skel->links.tcpscope_state_btf_helper;
		destroy = cast ? skel->progs.tcpscope_destroy_btf :
			skel->progs.tcpscope_destroy_btf_helper;
		destroy_link = cast ? &skel->links.tcpscope_destroy_btf :
			&skel->links.tcpscope_destroy_btf_helper;
	}
	/* Optional, tp_btf only: errors that end a connect() (connect_errs);
	 * the tracepoint came with Linux 5.13. */
	error = hook == HOOK_TP_BTF && !floor && kernel_at_least(5, 13) ?
		skel->progs.tcpscope_error_btf : NULL;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == state || prog == destroy || prog == error);
	bpf_program__set_autoload(skel->progs.tcpscope_seed_tcp, with_iters);
	bpf_program__set_autoload(skel->progs.tcpscope_seed_files, with_iters);
	bpf_program__set_autoload(skel->progs.tcpscope_sweep, with_iters);
	/* loaded at its first use (open_load()) */
	bpf_program__set_autoload(skel->progs.tcpscope_open, false);
	/* The lock-free slot table stays small (TLB and cache misses cost more
	 * than the rare overflow into the hash map); the hash map holds the
	 * rest, up to max_sockets. */
	sockets = opts->max_sockets ? opts->max_sockets : COLLECTOR_DEFAULT_SOCKETS;
	while (slots < sockets && slots < COLLECTOR_SLOTS)
		slots <<= 1;
	bpf_map__set_max_entries(skel->maps.socks, sockets);
	/* With tp_btf the hash map only holds overflow and seeds: allocate its
	 * entries on demand rather than all at load (start-up time, memory). */
	if (hook == HOOK_TP_BTF)
		bpf_map__set_map_flags(skel->maps.socks,
				       bpf_map__map_flags(skel->maps.socks) | BPF_F_NO_PREALLOC);
	bpf_map__set_max_entries(skel->maps.slots, slots);
	skel->rodata->slot_mask = slots - 1;
	skel->rodata->socks_by_cookie = hook == HOOK_TP_BTF;
	ring = opts->ring_bytes ? opts->ring_bytes : COLLECTOR_DEFAULT_RING_BYTES;
	if (hook == HOOK_TP_BTF) {
		/* A lane per CPU, small (COLLECTOR_LANE_RECORDS, or less if
		 * the ring size is tiny) so that the records written stay in
		 * cache: writing into lines that are not cost about 200 ns
		 * per close, and a 4 MiB lane per CPU measured 200 ns per run
		 * against 167 for 256 KiB. The ring buffer, half the ring
		 * size, takes what does not fit while user space catches up,
		 * plus owner records and wake-ups. */
		ncpu = libbpf_num_possible_cpus();
		if (ncpu <= 0) {
			err = ncpu ? ncpu : -EINVAL;
			goto fail;
		}
		/* The lanes together take at most half of the ring size. */
		lane_len = 16;
		while ((size_t)lane_len * 4 * sizeof(struct tcpscope_event) * ncpu <= ring &&
		       lane_len < COLLECTOR_LANE_RECORDS)
			lane_len *= 2;
		for (shift = 0; (1u << shift) < lane_len; shift++)
			;
		bpf_map__set_max_entries(skel->maps.lane_hdrs, ncpu);
		/* and after them, one spare record per CPU (lane_spare) */
		bpf_map__set_max_entries(skel->maps.lanes, (size_t)lane_len * ncpu + ncpu);
		skel->rodata->lane_spare = (uint32_t)lane_len * ncpu;
		skel->rodata->lane_shift = shift;
		skel->rodata->lane_mask = lane_len - 1;
		skel->rodata->lane_wake = lane_len / COLLECTOR_LANE_WAKE_DIV;
		ring = ring / 2 > 65536 ? ring / 2 : 65536;
	}
	bpf_map__set_max_entries(skel->maps.events, ring);
	skel->rodata->wake_threshold_bytes = ring / 4;
	/* Fault injection for tests of closes that are never seen. */
	if (getenv("TCPSCOPE_TEST_DROP_CLOSE_PORT"))
		skel->rodata->test_drop_close_port =
			(uint16_t)strtoul(getenv("TCPSCOPE_TEST_DROP_CLOSE_PORT"), NULL, 10);
	if (getenv("TCPSCOPE_TEST_SLOW_CLOSE_PORT")) {
		skel->rodata->test_slow_close_port =
			(uint16_t)strtoul(getenv("TCPSCOPE_TEST_SLOW_CLOSE_PORT"), NULL, 10);
		skel->rodata->test_slow_close_ns = 200000;	/* 200 us */
	}
	if (getenv("TCPSCOPE_TEST_DROP_DESTROY_PORT"))
		skel->rodata->test_drop_destroy_port =
			(uint16_t)strtoul(getenv("TCPSCOPE_TEST_DROP_DESTROY_PORT"), NULL, 10);

	if (floor)
		log_line("TCPSCOPE_BENCH_FLOOR is set: the programs return at once, nothing is "
			 "reported (a benchmark's floor)");

	verifier_logs(skel->obj, true);
	err = tcpscope_bpf__load(skel);
	verifier_logs(skel->obj, false);
	if (err)
		goto fail;
	set_mono_to_boot(c, skel);
	c->slots_n = slots;
	c->slots_bytes = (slots * sizeof(struct slot) + (size_t)getpagesize() - 1) &
			 ~((size_t)getpagesize() - 1);
	c->slots = mmap(NULL, c->slots_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
			bpf_map__fd(skel->maps.slots), 0);
	if (c->slots == MAP_FAILED) {
		c->slots = NULL;
		err = -errno;
		goto fail;
	}
	if (hook == HOOK_TP_BTF) {
		err = lanes_map(&c->lanes, skel, ncpu, lane_len);
		if (err)
			goto fail;
	}
	if (hook == HOOK_TRACEPOINT)
		ensure_tracefs();
	*link = bpf_program__attach(state);
	if (!*link) {
		err = -errno;
		goto fail;
	}
	/* Optional: without it, sessions reset under an idle owner stay
	 * marked uncertain. */
	*destroy_link = bpf_program__attach(destroy);
	/* Optional: without it, a connect() ended by an ICMP error that its
	 * owner read before closing the socket reads as abandoned. */
	if (error)
		skel->links.tcpscope_error_btf = bpf_program__attach(error);
	c->skel = skel;
	c->iters = with_iters && !floor;
	c->btf_path = opts->btf_path;
	c->state_prog = state;
	if (*destroy_link)
		c->destroy_prog = destroy;
	c->src.name = hook_name(hook);
	return 0;
fail:
	lanes_unmap(&c->lanes);
	if (c->slots)
		munmap(c->slots, c->slots_bytes);
	c->slots = NULL;
	tcpscope_bpf__destroy(skel);
	return err ? err : -EINVAL;
}

void collector_seed(struct session_source *src)
{
	struct collector *c = (struct collector *)src;

	if (!c || !c->seed_pending)
		return;
	c->seed_pending = false;
	if (run_iter(c->skel->progs.tcpscope_seed_tcp) ||
	    run_iter(c->skel->progs.tcpscope_seed_files))
		log_line("start-up seeding failed: sessions already open will show as partial");
}

struct session_source *collector_open(const struct collector_opts *opts, char *err, size_t errlen)
{
	static const struct collector_opts defaults;
	const char *btf = "/sys/kernel/btf/vmlinux", *fixed;
	struct stat btf_st;
	enum collector_hook hooks[3];
	bool casts[3];
	struct collector *c;
	int n_hooks = 0, rc = -EINVAL, i;
	enum collector_hook last_hook = HOOK_AUTO;
	bool iters;

	if (!opts)
		opts = &defaults;
	if (opts->btf_path)
		btf = opts->btf_path;
	log_fn = opts->log;
	log_ctx = opts->log_ctx;
	log_verbose = opts->verbose;
	libbpf_set_print(libbpf_print);

	if (opts->btf_path && stat(btf, &btf_st) == 0 && S_ISDIR(btf_st.st_mode)) {
		snprintf(err, errlen, "the BTF file %s is a directory", btf);
		errno = EISDIR;
		return NULL;
	}
	if (access(btf, R_OK) != 0 && opts->btf_path) {
		snprintf(err, errlen, "cannot read the BTF file %s (%s)", btf, strerror(errno));
		errno = ENOENT;
		return NULL;
	}
	if (access(btf, R_OK) != 0) {
		snprintf(err, errlen, "kernel has no BTF at %s: tcpscope needs a kernel built with "
			 "CONFIG_DEBUG_INFO_BTF=y (%s)", btf, strerror(errno));
		errno = ENOENT;
		return NULL;
	}
	if (opts->btf_path) {
		struct btf *b = btf__parse(btf, NULL);

		if (!b) {
			snprintf(err, errlen, "%s is not a readable BTF file (%s)", btf,
				 errstr(-errno));
			errno = EINVAL;
			return NULL;
		}
		btf__free(b);
	}
	if (opts->ring_bytes && (opts->ring_bytes & (opts->ring_bytes - 1))) {
		snprintf(err, errlen, "ring buffer size must be a power of two");
		errno = EINVAL;
		return NULL;
	}

	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->src.ops = &collector_ops;
	fixed = getenv("TCPSCOPE_TEST_MONO_TO_BOOT_NS");
	if (fixed) {
		c->mono_to_boot_fixed = true;
		c->mono_to_boot_fixed_ns = strtoll(fixed, NULL, 10);
	}
	c->ow = owner_wait_new(AWAIT_MAX, PARKED_MAX);
	if (!c->ow) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	refresh_clock_offset(c);
	c->started_epoch_ns = clock_ns(CLOCK_REALTIME);

	/* Too few descriptors make the load fail in ways that do not say so
	 * (a descriptor libbpf could not get, passed on as -1, reads as "bad
	 * file descriptor"): say it first. */
	if (fd_room() < COLLECTOR_FDS_NEEDED) {
		snprintf(err, errlen, "cannot load BPF programs: too many open files (raise "
			 "ulimit -n: tcpscope needs about 64 descriptors)");
		owner_wait_free(c->ow);
		free(c);
		return NULL;
	}

	/* tp_btf with bpf_rdonly_cast, tp_btf with the helper, tracepoint. */
	if (opts->hook == HOOK_AUTO || opts->hook == HOOK_TP_BTF) {
		hooks[n_hooks] = HOOK_TP_BTF;
		casts[n_hooks++] = true;
		hooks[n_hooks] = HOOK_TP_BTF;
		casts[n_hooks++] = false;
	}
	if (opts->hook == HOOK_AUTO || opts->hook == HOOK_TRACEPOINT) {
		hooks[n_hooks] = HOOK_TRACEPOINT;
		casts[n_hooks++] = false;
	}

	heap_prepare(btf);
	for (i = 0; i < n_hooks && !c->skel; i++) {
		last_hook = hooks[i];
		iters = true;
		rc = try_open(c, opts, hooks[i], casts[i], iters);
		if (rc && iters) {
			rc = try_open(c, opts, hooks[i], casts[i], false);
			if (!rc)
				log_line("BPF iterators did not load: no start-up seeding (sessions "
					 "already open will show as partial) and no sweep");
		}
		if (rc == -EPERM || rc == -EMFILE || rc == -ENFILE || rc == -ENOMEM)
			break;	/* not allowed, or out of resources: no other hook will do better */
		if (rc && i + 1 < n_hooks && hooks[i + 1] == hooks[i] && log_verbose)
			log_line("tp_btf hook with bpf_rdonly_cast unavailable (%s), "
				 "trying it with bpf_skc_to_tcp_sock", errstr(-rc));
		else if (rc && i + 1 < n_hooks && hooks[i + 1] != hooks[i])
			log_line("%s hook unavailable (%s), falling back to %s",
				 hook_name(hooks[i]), errstr(-rc), hook_name(hooks[i + 1]));
	}
	heap_release();
	if (!c->skel) {
		if (rc == -EMFILE || rc == -ENFILE)
			snprintf(err, errlen, "cannot load BPF programs: too many open files (raise "
				 "ulimit -n: tcpscope needs about 64 descriptors)");
		else if (rc == -ENOMEM)
			snprintf(err, errlen, "cannot load BPF programs: out of memory (ulimit -v, or "
				 "a smaller --ring-size or --max-sockets)");
		else if ((rc == -EPERM || rc == -EACCES) && geteuid() != 0 &&
			 last_hook == HOOK_TRACEPOINT)
			snprintf(err, errlen, "cannot load BPF programs (%s): the classic tracepoint "
				 "needs root (tracefs is root's only) besides CAP_BPF and CAP_PERFMON",
				 strerror(-rc));
		else if ((rc == -EPERM || rc == -EACCES) && geteuid() != 0)
			snprintf(err, errlen, "cannot load BPF programs (%s): run as root or with "
				 "CAP_BPF and CAP_PERFMON", strerror(-rc));
		else if (rc == -EACCES)
			snprintf(err, errlen, "the kernel's verifier rejected the BPF program%s",
				 opts->verbose ? "" : " (-v shows its log)");
		else
			snprintf(err, errlen, "cannot load or attach the BPF program (%s%s)",
				 errstr(-rc), opts->verbose ? "" : "; -v shows libbpf's log");
		goto fail;
	}

	c->rb = ring_buffer__new(bpf_map__fd(c->skel->maps.events), on_event, c, NULL);
	if (!c->rb) {
		rc = -errno;
		snprintf(err, errlen, "cannot open the BPF ring buffer (%s)", strerror(-rc));
		goto fail;
	}

	if (opts->on_attached)
		opts->on_attached(opts->on_attached_ctx, c->src.name);
	/* Attached first, then seeded: a socket that changes state meanwhile
	 * already has its own entry, which the seed leaves alone. Tests widen
	 * that window (TCPSCOPE_TEST_SEED_DELAY_MS, from the environment). */
	if (getenv("TCPSCOPE_TEST_SEED_DELAY_MS"))
		usleep(1000 * (useconds_t)strtoul(getenv("TCPSCOPE_TEST_SEED_DELAY_MS"), NULL, 10));
	if (bpf_program__autoload(c->skel->progs.tcpscope_sweep)) {
		struct stat st;

		/* The sweep sees our network namespace only. */
		if (stat("/proc/self/ns/net", &st) == 0)
			c->netns = (uint32_t)st.st_ino;
		/* Tests shorten the period (TCPSCOPE_TEST_SWEEP_MS). */
		c->sweep_every_ns = SWEEP_EVERY_NS;
		if (getenv("TCPSCOPE_TEST_SWEEP_MS"))
			c->sweep_every_ns = 1000000ULL *
					    strtoull(getenv("TCPSCOPE_TEST_SWEEP_MS"), NULL, 10);
		c->next_sweep_ns = clock_ns(CLOCK_MONOTONIC) + c->sweep_every_ns;
	}
	c->seed_pending = !opts->no_seed && bpf_program__autoload(c->skel->progs.tcpscope_seed_tcp);
	if (!opts->defer_seed)
		collector_seed(&c->src);
	return &c->src;
fail:
	collector_destroy(&c->src);
	errno = -rc;
	return NULL;
}
