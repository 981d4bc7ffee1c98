// SPDX-License-Identifier: GPL-2.0
/*
 * tcpscope kernel side: follows every TCP socket through
 * sock:inet_sock_set_state and emits one record per session when it reaches
 * TCP_CLOSE.
 *
 * Two entry points share one body: tp_btf/inet_sock_set_state (BTF-typed
 * pointers, direct loads, no tracefs) and the classic
 * tracepoint/sock/inet_sock_set_state for kernels without tp_btf (loads go
 * through bpf_probe_read_kernel). User space autoloads exactly one of them.
 *
 * Identity: the owner's pid/comm are captured only at transitions that run in
 * the owning process's context: connect() (-> SYN_SENT), close()/shutdown()
 * (-> FIN_WAIT1, CLOSE_WAIT -> LAST_ACK) and an abortive close by the owner
 * (ESTABLISHED/CLOSE_WAIT -> CLOSE with no socket error set). Everything
 * else (SYN_RECV -> ESTABLISHED, -> CLOSE_WAIT, the final -> CLOSE of an
 * orderly close) usually runs in softirq, where "current" is unrelated.
 *
 * Payload bytes: bytes_acked counts the SYN of an active opener and an acked
 * FIN; bytes_received counts a received FIN. tx is everything queued by the
 * application (bytes_acked + write_seq - snd_una) minus the SYN and FIN we
 * sent; rx is bytes_received minus the FIN if one arrived (SOCK_DONE).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "bpf/tcpscope.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6

#define ECONNREFUSED	111
#define ECONNRESET	104
#define EPIPE		32
#define ETIMEDOUT	110
#define ECONNABORTED	103
#define ENETUNREACH	101
#define EHOSTDOWN	112
#define EHOSTUNREACH	113
#define ENONET		64
#define EACCES		13	/* ICMPv6 administratively prohibited, policy, reject route */
#define ENOPROTOOPT	92	/* ICMP protocol unreachable */
#define EPROTO		71	/* ICMP parameter problem */
#define EOPNOTSUPP	95	/* ICMP source route failed */
#define EEXIST		17	/* a map update's: the key is there */

/* TCP states (include/net/tcp_states.h) */
#define S_ESTABLISHED	1
#define S_SYN_SENT	2
#define S_SYN_RECV	3
#define S_FIN_WAIT1	4
#define S_FIN_WAIT2	5
#define S_TIME_WAIT	6
#define S_CLOSE		7
#define S_CLOSE_WAIT	8
#define S_LAST_ACK	9
#define S_LISTEN	10
#define S_CLOSING	11
#define S_NEW_SYN_RECV	12


/* Set by user space before load. */
const volatile __u32 wake_threshold_bytes = 1 << 20;
const volatile __u32 slot_mask = 65535;	/* slots' max_entries - 1 */
const volatile __u32 lane_shift = 0;	/* log2 of a lane's records */
const volatile __u32 lane_mask = 0;	/* a lane's records - 1 */
const volatile __u32 lane_wake = 1;	/* wake user space when a lane holds this many */
const volatile __u32 lane_spare = 0;	/* the spare records' first index (one per CPU) */
/* Tests only: ignore the close of sessions with this port (either side),
 * as if the transition had not been traced; and their destruction too. 0:
 * off (the check is compiled away at load). */
const volatile __u16 test_drop_close_port = 0;
const volatile __u16 test_drop_destroy_port = 0;
/* Tests only: at the close of sessions with this port, spin this long
 * before reading any clock, as a program run earlier on the tracepoint
 * (another tracer) on a cold CPU would make us wait. */
const volatile __u16 test_slow_close_port = 0;
const volatile __u32 test_slow_close_ns = 0;
/* The key of `socks`: the socket's cookie (tp_btf), or its address (the
 * classic tracepoint, which has no cookies). Read by the iterators, which
 * serve both hooks; the hooks' own programs know theirs. */
const volatile bool socks_by_cookie = false;

/* Counters read by user space through the skeleton's .bss. */
__u64 ring_full;	/* failed ring buffer reservations: sessions lost */
__u64 table_full;	/* sessions begun with no room in `socks` (reported as partial) */
__u64 seeded;		/* sockets found open at start-up */
__s64 awaiting;		/* entries in await_owner (lets tcp_destroy_sock skip the lookup) */
__s64 in_socks;		/* entries in socks */
__u64 unreadable;	/* closes whose socket could not be read: sessions lost */
__u16 sweep_gen;	/* set by user space before each sweep */
__u64 spilled;		/* records that went to the ring buffer, their lane full */
__u64 await_failed;	/* sessions that could not wait for their owner (await_owner full) */
__u64 owner_lost;	/* owner records lost (ring buffer full) */
__u64 hinted;		/* owners put in owner_hints (lets a close skip the lookup) */
__u64 connect_errs_noted;	/* errors put in connect_errs (lets a close skip the lookup) */
__u64 owner_gone;	/* sessions closed with no owner known, their socket already
			 * let go of unseen (before tracing began, or with the table
			 * full): reported with no owner (pid 0) */
__s64 mono_to_boot_ns;	/* CLOCK_BOOTTIME - CLOCK_MONOTONIC, kept by user space */
__u64 stale_entries;	/* sessions whose entry a later socket found still there (a
			 * new session of the same socket; classic tracepoint: a
			 * socket at the same address, at its first session or at
			 * its destruction): no close and no destruction of theirs
			 * was traced */
__u32 wake_next;	/* set by user space when it goes to sleep with nothing to
			 * read: the next record wakes it (and clears this), where
			 * otherwise records wait for its timer */

/*
 * Sockets that have no slot (tp_btf: their slot was taken, or they were
 * open at start-up), or every socket (the classic tracepoint). Keyed by the
 * cookie with tp_btf: a cookie is never given to another socket, where a
 * freed socket's address is, at once, to the next socket made on that CPU;
 * an entry whose closes never reached the program would be taken for the
 * new socket's (a second, false report of its session when it is
 * destroyed). The classic tracepoint has only the address: see info_new()
 * and late_close(). The same key names the socket in `await_owner` and in
 * its records (sock_id); the hooks' programs choose it once, at their top.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);	/* resized by user space */
	__type(key, __u64);		/* cookie (tp_btf) or struct sock * */
	__type(value, struct sk_info);
} socks SEC(".maps");

/* Per-CPU counts (index TS_CNT_*): sessions handed over (submitted, or
 * counted in ring_full; counted after the hand-over: at the end user space
 * checks that every one was delivered), and the transitions seen at all:
 * connects, accepts and closes, to compare with the kernel's own counters. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TS_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} closes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);	/* the sweep reads it in place */
	__uint(max_entries, 65536);	/* resized by user space, a power of two */
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);	/* resized by user space */
} events SEC(".maps");

/*
 * Lanes (tp_btf): a ring of records per CPU in a memory-mapped array, each
 * written only by this program on its CPU (the kernel never runs it nested
 * on one CPU: a nested run is skipped and counted as a recursion miss) and
 * read by user space. Publishing a record is one atomic add; the ring
 * buffer's reservation takes a lock with interrupts disabled, which cost a
 * third of the program's time. Owner records (tcp_destroy_sock, a
 * different program that may interrupt this one) and wake-ups go through
 * `events`.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);		/* resized by user space: one per possible CPU */
	__type(key, __u32);
	__type(value, struct ts_lane_hdr);
} lane_hdrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);		/* resized by user space: lane_mask + 1 per CPU,
					 * then a spare record per CPU */
	__type(key, __u32);
	__type(value, struct tcpscope_event);
} lanes SEC(".maps");

/* Closed sessions whose owner was not seen but holds the socket, or will
 * (still in the accept queue): its close() will destroy the socket in its own
 * context (tcp_destroy_sock). Keyed by the socket's identity in its records
 * (sock_id): its cookie with tp_btf, which no later socket shares; its address
 * with the classic tracepoint, where user space matches owners to sessions in
 * time order (core/owner_wait.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* rarely used: no memory, no start-up cost */
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} await_owner SEC(".maps");

/* Listening ports, seen by the start-up iterator and at every listen()
 * since: whether a session not followed from its start was accepted or
 * connected; and who listens (the process that called listen(), in its own
 * context; pid 0 for a listener found at start-up), the best guess for the
 * owner of an accepted session whose owner never shows itself. */
struct listen_owner {
	__u32 pid;
	char comm[TS_COMM_LEN];
};

/* A port in a network namespace: a socket in another namespace (another
 * container) that happens to have the same port number is not a listener's
 * child, nor its session the listener's. */
struct listen_key {
	__u32 netns;	/* inode number of the namespace */
	__u16 port;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, struct listen_key);
	__type(value, struct listen_owner);
} listen_ports SEC(".maps");

/* The owner of a socket the table could not follow (it was full), taken at
 * its owner's close (FIN_WAIT1, LAST_ACK: the owner's own context), for its
 * session's record: otherwise that record could only take the context its
 * close runs in, the peer or an idle CPU's interrupt. LRU: never refuses,
 * and what no close consumed ages out. Keyed as `socks`. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct listen_owner);
} owner_hints SEC(".maps");

/* Errors that ended a connect() without ending its socket: an ICMP error that
 * came while connect() held the socket (the router, or a firewall's reject,
 * on this host: the answer comes back inside connect()) is kept as a soft
 * error, which the owner reads and clears (getsockopt(SO_ERROR), as every
 * non-blocking client does) before it close()s a socket still in SYN_SENT.
 * Noted when the kernel reports the error (sock:inet_sk_error_report), for
 * that close's record; tp_btf only (the classic tracepoint does not name
 * the socket). LRU: what no close took ages out. Keyed by cookie. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __s32);
} connect_errs SEC(".maps");

/* Read a field directly (tp_btf: BTF-typed pointer) or through
 * bpf_probe_read_kernel (classic tracepoint: untyped pointer). `direct` is a
 * compile-time constant at every call site, so one branch is compiled. */
#define RD(direct, p, ...) ((direct) ? (p)->__VA_ARGS__ : BPF_CORE_READ(p, __VA_ARGS__))

static __always_inline void count(__u32 what)
{
	__u64 *n = bpf_map_lookup_elem(&closes, &what);

	if (n)
		*n += 1;
}

/*
 * The current process: pid (tgid) and comm. tp_btf reads them straight from
 * the task (one helper call, two loads for the name; the kernel keeps comm
 * NUL-padded); the classic tracepoint, for older kernels, uses the helpers.
 */
static __always_inline __u32 current_pid(bool direct)
{
	if (direct)
		return bpf_get_current_task_btf()->tgid;
	return bpf_get_current_pid_tgid() >> 32;
}

static __always_inline void task_ident(struct task_struct *t, __u32 *pid, char comm[TS_COMM_LEN])
{
	*pid = t->tgid;
	__builtin_memcpy(comm, t->comm, TS_COMM_LEN);
}

static __always_inline void current_ident(__u32 *pid, char comm[TS_COMM_LEN], bool direct)
{
	if (direct) {
		task_ident(bpf_get_current_task_btf(), pid, comm);
	} else {
		*pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(comm, TS_COMM_LEN);
	}
}

static __always_inline void capture_identity(struct sk_info *info, bool direct)
{
	current_ident(&info->pid, info->comm, direct);
	info->flags |= I_IDENT;
}

#define PF_EXITING	0x00000004
#define PF_IO_WORKER	0x00000010

/*
 * Whether the task that closes a socket does so as its owner: in close()
 * or a call that closes descriptors (dup2, exec, io_uring), in shutdown(),
 * or exiting. The last reference to a socket's file can also be dropped by
 * a task that held it for a moment after the owner's close(): `ss -p` or
 * `lsof` reading /proc/PID/fd; the close then runs in that task, which owns
 * nothing (one session in about a thousand under an `ss -p` loop was given
 * to `ss`). Told on x86-64 by the system call the task is in (a helper call
 * and a load); assumed elsewhere, and on kernels before 5.15.
 */
static __always_inline bool owner_context(struct task_struct *t)
{
#if defined(__TARGET_ARCH_x86)
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs)) {
		struct pt_regs *regs;
		long nr;

		if (t->flags & (PF_EXITING | PF_IO_WORKER))
			return true;
		regs = (struct pt_regs *)bpf_task_pt_regs(t);
		if (!regs)
			return true;
		nr = regs->orig_ax;
		return nr == 3 /* close */ || nr == 48 /* shutdown */ || nr == 33 /* dup2 */ ||
		       nr == 292 /* dup3 */ || nr == 436 /* close_range */ || nr == 59 /* execve */ ||
		       nr == 322 /* execveat */ || nr == 60 /* exit */ || nr == 231 /* exit_group */ ||
		       nr == 426 /* io_uring_enter */;
	}
#endif
	return true;
}

/* The current task's identity, if it closes as the socket's owner
 * (owner_context(); the classic tracepoint cannot tell, and assumes it).
 * tp_btf asks for the task once (a helper call). */
static __always_inline bool owner_ident(__u32 *pid, char comm[TS_COMM_LEN], bool direct)
{
	if (direct) {
		struct task_struct *t = bpf_get_current_task_btf();

		if (!owner_context(t))
			return false;
		task_ident(t, pid, comm);
		return true;
	}
	current_ident(pid, comm, direct);
	return true;
}

/* At the owner's close() or shutdown(): take its identity, unless one is
 * known already. An outgoing session keeps the process that connect()ed
 * (as tcplife does: a socket handed to another process stays its
 * connector's), under the name it closes with; an accepted one takes its
 * closer's, if the closer is its owner (owner_context()). tp_btf asks for
 * the task once (a helper call). */
static __always_inline void refresh_identity(struct sk_info *info, bool direct)
{
	/* A session open at start-up: the holder the walk found is a guess
	 * its owner's close replaces (the socket may have been passed on
	 * since), as for an accepted session. */
	if ((info->flags & (I_IDENT | I_IDENT_SEEN)) == I_IDENT) {
		/* The same process under a later name (it exec()ed, or its
		 * thread renamed itself; or another of its threads closes):
		 * the name it has now, as an accepted session takes it. */
		if (direct) {
			struct task_struct *t = bpf_get_current_task_btf();

			if (t->tgid == info->pid)
				__builtin_memcpy(info->comm, t->comm, TS_COMM_LEN);
		} else if ((__u32)(bpf_get_current_pid_tgid() >> 32) == info->pid) {
			bpf_get_current_comm(info->comm, TS_COMM_LEN);
		}
		return;
	}
	if (owner_ident(&info->pid, info->comm, direct))
		info->flags = (info->flags | I_IDENT) & ~I_IDENT_SEEN;
}

/* A socket with no entry (the table was full) closed by its owner: keep who
 * it is for its close's record (owner_hints), if this is its owner's
 * context (owner_context()). */
static __always_inline void hint_owner(__u64 key, bool direct)
{
	struct listen_owner o;

	if (!owner_ident(&o.pid, o.comm, direct))
		return;
	if (!bpf_map_update_elem(&owner_hints, &key, &o, BPF_NOEXIST) &&
	    !*(volatile __u64 *)&hinted)
		__sync_fetch_and_add(&hinted, 1);
}

/* The owner kept for this socket by hint_owner(), into its record. */
static __always_inline bool take_hint(__u64 key, struct tcpscope_event *e)
{
	struct listen_owner *o;

	if (!*(volatile __u64 *)&hinted)
		return false;
	o = bpf_map_lookup_elem(&owner_hints, &key);
	if (!o)
		return false;
	e->pid = o->pid;
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
	bpf_map_delete_elem(&owner_hints, &key);
	return true;
}

/*
 * Publish a lane record: store the new head after the record's stores.
 * x86 keeps stores in program order, so a plain store is a release store
 * there; elsewhere an exchange (a full barrier in BPF's memory model).
 */
static __always_inline void publish_head(struct ts_lane_hdr *lane, __u64 head)
{
#ifdef __TARGET_ARCH_x86
	asm volatile("" ::: "memory");
	*(volatile __u64 *)&lane->head = head;
#else
	__sync_lock_test_and_set(&lane->head, head);
#endif
}

static __always_inline void new_info(struct sk_info *info, __u64 now, __u16 flags)
{
	__builtin_memset(info, 0, sizeof(*info));
	info->start_ns = now;
	info->flags = flags;
}

/*
 * Per-socket state.
 *
 * tp_btf (direct) keeps it in `slots`, a direct-mapped table indexed by the
 * socket's cookie (unique for the socket's lifetime; a pointer cannot be
 * used as an index by the verifier's rules): a slot is claimed with one
 * cmpxchg and freed with one store, so the hot path takes no lock (a hash
 * map's update and delete take two spinlocks each, which was most of the
 * program's cost). The kernel hands out cookies in sequence (in per-CPU
 * batches), so the low bits index the table directly: sockets opened one
 * after another share cache lines and pages, where a hashed index missed
 * the cache at every transition (13 % of the program's time on a 2-CPU VM).
 * A socket whose slot is taken, and every socket seeded at start-up, goes to
 * the `socks` hash map; `in_socks` counts them so that lookups skip the
 * hash map while it is empty. The classic tracepoint (for older kernels,
 * which may lack BPF cmpxchg) uses `socks` alone.
 */
static __always_inline struct slot *slot_of(__u64 cookie)
{
	__u32 idx = (__u32)cookie & slot_mask;

	return bpf_map_lookup_elem(&slots, &idx);
}

static __always_inline struct sk_info *info_lookup(__u64 key, __u64 ck, bool direct)
{
	struct slot *sl;

	if (direct) {
		sl = slot_of(ck);
		if (sl && sl->key == ck)
			return &sl->info;
		if (*(volatile __s64 *)&in_socks <= 0)
			return NULL;
	}
	return bpf_map_lookup_elem(&socks, &key);
}

/*
 * The socket's network namespace (its inode number): the sweep walks only
 * its own. tp_btf remembers, per CPU, the last namespace looked up: the
 * number shares a cache line with the namespace's reference count, which
 * every socket's creation and destruction writes on every CPU, so reading
 * it missed the cache at nearly every connect() (70 ns of the program's
 * 220 there, measured). A namespace freed and another allocated at the same
 * address could make an entry stale, but never for ours, which lives as
 * long as we do: the only question the sweep asks is "ours or not".
 */
struct netns_memo {
	__u64 net;		/* struct net *, as a number */
	__u32 inum;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netns_memo);
} netns_memo SEC(".maps");

static __always_inline __u32 sock_netns(const struct sock *sk, bool direct)
{
	if (direct) {
		struct net *net = sk->__sk_common.skc_net.net;
		struct netns_memo *m;
		__u32 zero = 0, inum;

		m = bpf_map_lookup_elem(&netns_memo, &zero);
		if (m && m->net == (__u64)net)
			return m->inum;
		inum = net->ns.inum;
		if (m) {
			m->net = (__u64)net;
			m->inum = inum;
		}
		return inum;
	}
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* A fresh entry for a session that starts now. Returns it, or NULL when
 * there is no room. An entry already there for the socket (the same cookie;
 * with the classic tracepoint, the same address) is that of a session none
 * of whose closes reached the program (nor its destruction, which would have
 * freed it): the socket connect()s again, or (classic tracepoint) its memory
 * went to a new socket. It is overwritten and counted (stale_entries), as a
 * missed session: keyed by address, the sweep would not find it any more. */
static __always_inline struct sk_info *info_new(const struct sock *sk, __u64 key, __u64 ck,
						bool direct, __u64 now, __u16 flags)
{
	struct sk_info *info;
	struct slot *sl;

	/* The classic tracepoint keys sockets by address: a new session here
	 * is not the one an old owner hint (its close never seen) was for. */
	if (!direct && !(flags & I_PARTIAL) && *(volatile __u64 *)&hinted)
		bpf_map_delete_elem(&owner_hints, &key);
	if (direct) {
		sl = slot_of(ck);
		if (sl && sl->key == ck) {
			__sync_fetch_and_add(&stale_entries, 1);
			info = &sl->info;
			goto init;
		}
		if (sl && __sync_val_compare_and_swap(&sl->key, 0, ck) == 0) {
			info = &sl->info;
			goto init;
		}
		/* Taken by another socket: the entry, if any, is in socks. */
		info = bpf_map_lookup_elem(&socks, &key);
		if (info) {
			__sync_fetch_and_add(&stale_entries, 1);
			goto init;
		}
	}
	{
		struct sk_info fresh = {};
		long err = bpf_map_update_elem(&socks, &key, &fresh, BPF_NOEXIST);

		/* Only an insert counts in in_socks, and only EEXIST reuses
		 * the entry there (reinitialised below). Any other failure
		 * (full; or -EBUSY, -ENOMEM) is no room. A second update with
		 * BPF_ANY, as until 2026-12-06, inserted uncounted whenever a
		 * delete on the other CPU made room between the two (a table
		 * at its limit, under churn): in_socks fell to 0 with entries
		 * left, lookups skipped them, and their sessions came out
		 * without their entry, counted missed as well. */
		if (err == 0) {
			__sync_fetch_and_add(&in_socks, 1);
		} else if (err == -EEXIST) {
			__sync_fetch_and_add(&stale_entries, 1);	/* it was there */
		} else {
			if (!(flags & I_PARTIAL))	/* a session's start: count it once */
				__sync_fetch_and_add(&table_full, 1);
			return NULL;
		}
		info = bpf_map_lookup_elem(&socks, &key);
		if (!info)
			return NULL;
	}
init:
	info->start_ns = now;
	info->flags = flags;
	info->pid = 0;
	info->handshake_us = 0;
	info->netns = sock_netns(sk, direct);
	info->seen = 0;
	return info;
}

static __always_inline struct sk_info *info_lookup_or_partial(const struct sock *sk, __u64 key,
								__u64 ck, bool direct)
{
	struct sk_info *info = info_lookup(key, ck, direct);

	return info ? info : info_new(sk, key, ck, direct, 0, I_PARTIAL);
}

/* The session is reported: forget it. */
static __always_inline void info_done(__u64 key, __u64 ck, bool direct)
{
	struct slot *sl;

	if (direct) {
		sl = slot_of(ck);
		if (sl && sl->key == ck) {
			sl->key = 0;
			return;
		}
		if (*(volatile __s64 *)&in_socks <= 0)
			return;
	}
	if (bpf_map_delete_elem(&socks, &key) == 0)
		__sync_fetch_and_add(&in_socks, -1);
}

struct addr_args {
	__u16 family;
	__u16 sport;	/* host order */
	__u16 dport;	/* host order */
	const __u8 *saddr4, *daddr4, *saddr6, *daddr6;	/* classic tracepoint only */
};

static __always_inline __u16 local_port(const struct sock *sk, struct tcp_sock *tp,
					 const struct addr_args *a, bool direct)
{
	/* The socket's own inet_num may already be cleared at CLOSE: the
	 * port it sent from, as the tracepoint itself does. */
	return direct ? bpf_ntohs(tp->inet_conn.icsk_inet.inet_sport) : a->sport;
}

static __always_inline __u16 remote_port(const struct sock *sk, const struct addr_args *a,
					  bool direct)
{
	return direct ? bpf_ntohs(sk->__sk_common.skc_dport) : a->dport;
}

static __always_inline bool test_port(const struct sock *sk, struct tcp_sock *tp,
				      const struct addr_args *a, bool direct, __u16 port)
{
	return local_port(sk, tp, a, direct) == port || remote_port(sk, a, direct) == port;
}

/* Bounded: at most 1024 checks of 8 clock reads (the verifier walks each
 * check as a branch; 8192 pending is its limit). */
static __always_inline void test_spin(__u64 ns)
{
	__u64 until = bpf_ktime_get_ns() + ns;

	for (int i = 0; i < 1024; i++) {
		__u64 t = bpf_ktime_get_ns();

		for (int j = 0; j < 7; j++)
			t = bpf_ktime_get_ns();
		if (t >= until)
			break;
	}
}

/* A CLOCK_MONOTONIC time (the socket's clocks) as CLOCK_BOOTTIME (ours). */
static __always_inline __u64 boot_of_mono(__u64 t)
{
	return t + *(volatile __s64 *)&mono_to_boot_ns;
}

/* The clock TCP last read into the socket (CLOCK_MONOTONIC), as
 * CLOCK_BOOTTIME; our own read if it has none. Only where the caller knows
 * TCP has just read it (close_time(), an accepted child's ESTABLISHED). */
static __always_inline __u64 sock_clock(struct tcp_sock *tp, bool direct)
{
	__u64 t = RD(direct, tp, tcp_clock_cache);

	return t ? boot_of_mono(t) : bpf_ktime_get_boot_ns();
}

/*
 * The time of a close. An orderly close ends in the processing of a packet
 * (the last ACK of our FIN after theirs; their FIN after our FIN was acked),
 * and TCP read the clock at the start of that processing into the socket
 * (tcp_clock_cache, CLOCK_MONOTONIC, refreshed in tcp_rcv_state_process):
 * measured here 0.9 us (median) before the CLOSE after LAST_ACK and 2.7 us
 * before the one after FIN_WAIT2 with their FIN in. A connection closed in
 * order takes it at both its closes: 80-150 ns less program time per
 * connection than two clock reads (8 interleaved runs on each bench load).
 * Every other close reads the clock: an abort (the cache is from the last
 * traffic), a timer or an error, and a FIN_WAIT2 socket whose peer's FIN
 * never came (its timer may end it a minute after the last packet).
 */
#define CLOSE_CLOCK_FRESH_NS 20000	/* 20 us: a packet's or a timer's own read */
/*
 * A close whose error says TCP read its clock for it: a reset received
 * (ECONNRESET, EPIPE; ECONNREFUSED in SYN_SENT), a timeout (ETIMEDOUT).
 * The packet's processing (tcp_rcv_established, tcp_rcv_state_process) or
 * the timer (tcp_write_timer_handler, tcp_keepalive_timer) refreshed the
 * cache just before, and sent nothing after: its age at our read is only
 * the programs run before ours on the tracepoint (other tracers), which on
 * a cold, idle CPU passed 20 us (two tcpscope streams: 3 of 400 reset rows
 * 20-80 us apart), and a guest's CPU can be taken away by its host between
 * the two (2026-12-07: a timeout's read found 0.8-1.0 ms old by the first
 * of two tracers). Taken up to 10 ms old: for these errors the read is the
 * close's own, and a read of ours would be late by just that delay (until
 * 2026-12-07, 1 ms). A refusal in SYN_SENT may also be
 * an ICMP port unreachable, which refreshes nothing: TCP read the clock
 * after its last send (the SYN) only if the RST was processed, so there
 * the cache must be newer than the send stamp (tcp_wstamp_ns; never older
 * than the cache at a send, its equal without pacing).
 */
#define CLOSE_CLOCK_TCP_NS 10000000	/* 10 ms */

static __always_inline __u64 close_time(struct tcp_sock *tp, int oldstate, int sk_err,
					bool fin_received, bool direct)
{
	__u64 now, t, cache, age, fresh = CLOSE_CLOCK_FRESH_NS;
	bool syn = oldstate == S_SYN_SENT || oldstate == S_SYN_RECV;

	if (!sk_err && bpf_core_field_exists(tp->tcp_clock_cache) &&
	    (oldstate == S_LAST_ACK || oldstate == S_CLOSING ||
	     (oldstate == S_FIN_WAIT2 && fin_received)))
		return sock_clock(tp, direct);
	now = bpf_ktime_get_boot_ns();
	/* Any other close: the socket's clock if TCP read it just now (the
	 * packet or the timer that ends it: a reset, a refusal, a timeout),
	 * so that two tracers give the session the same time; else our own
	 * read (an abort in close(): the cache is the last traffic's). */
	if (!bpf_core_field_exists(tp->tcp_clock_cache))
		return now;
	cache = RD(direct, tp, tcp_clock_cache);
	if (!cache)
		return now;
	/* Before the handshake's end the cache is the SYN's (or SYN-ACK's)
	 * departure unless TCP read the clock after it: never the close's. */
	if (syn && bpf_core_field_exists(tp->tcp_wstamp_ns) &&
	    cache <= RD(direct, tp, tcp_wstamp_ns))
		return now;
	if (sk_err == ECONNRESET || sk_err == EPIPE || sk_err == ETIMEDOUT ||
	    (sk_err == ECONNREFUSED && syn))
		fresh = CLOSE_CLOCK_TCP_NS;
	t = boot_of_mono(cache);
	age = now - t;
	if (t <= now && age < fresh)
		return t;
	return now;
}

/* The kernel's tick rate (CONFIG_HZ, from the kernel's configuration; 0 if
 * libbpf cannot read it: then connect() reads the clock). */
extern unsigned int CONFIG_HZ __kconfig __weak;

/*
 * The start of a connect()ed session (I_START_SYN). connect() takes no
 * clock read (one cost about 110 ns a connection here, more than any other
 * part of the program): it keeps the jiffies, and the start is read later
 * from the socket. TCP stamps the SYN's departure into it (tcp_wstamp_ns,
 * CLOCK_MONOTONIC, from the clock read in tcp_connect() right after the
 * SYN_SENT transition) and sends nothing else before ESTABLISHED. That
 * stamp is the start when the SYN is the one segment sent in this attempt
 * (segs_out, which a disconnect zeroes; a new SYN's stamp is never older
 * than a past attempt's). Otherwise (a SYN sent again: the stamp is the
 * last one's) the jiffies, placed against `now`: within a tick, on a
 * session that waited a second or more for its SYN to be answered. No SYN
 * sent at all (connect() failed before it): `now`.
 */
static __always_inline __u64 syn_start(struct tcp_sock *tp, __u64 jiffies0, __u64 now,
					bool direct)
{
	__u32 segs = RD(direct, tp, segs_out);
	__u64 t, ago;

	if (!segs)
		return now;
	if (segs == 1 && !RD(direct, tp, total_retrans)) {
		/* No stamp: 0. (Tested as a stamp, not as t against the
		 * offset: a signed offset below 0 compared unsigned took
		 * every start from the jiffies.) */
		t = RD(direct, tp, tcp_wstamp_ns);
		if (t) {
			t = boot_of_mono(t);
			if (t <= now)
				return t;
		}
	}
	ago = (bpf_jiffies64() - jiffies0) * (1000000000ULL / (CONFIG_HZ ? CONFIG_HZ : 1000));
	return now > ago ? now - ago : 1;
}

/*
 * What a socket's state says of a session not followed from its start:
 * open at start-up (the start-up walk), or not seeded (--no-seed) or not
 * fitting in the table (table_full), at its close. The direction: accepted
 * when a listener holds the port, or when the socket is a clone of one
 * (sk_clone_lock copies sk_max_ack_backlog, which a connect()ed socket never
 * sets); the byte count needs it (an outgoing side's SYN is in
 * bytes_acked).
 */
static __always_inline __u16 dir_flags(int state, __u32 netns, __u16 lport, __u32 max_ack_backlog)
{
	struct listen_key lk = { .netns = netns, .port = lport };

	if (state != S_SYN_SENT && (max_ack_backlog || bpf_map_lookup_elem(&listen_ports, &lk)))
		return I_IN;
	return I_OUT;
}

/* Who closed first and whether our FIN went out, from the state a session
 * is in (or closes from). */
static __always_inline __u16 closing_flags(int state)
{
	if (state == S_FIN_WAIT1 || state == S_FIN_WAIT2 || state == S_CLOSING)
		return I_LOCAL_FIRST | I_FIN_SENT;
	if (state == S_CLOSE_WAIT)
		return I_REMOTE_FIRST;
	if (state == S_LAST_ACK)
		return I_REMOTE_FIRST | I_FIN_SENT;
	return 0;
}

/* A session with no direction in its entry, or no entry, at its close:
 * what the entry lacks, unless a transition already said it. */
static __always_inline __u16 unfollowed_flags(const struct sock *sk, __u16 lport, int oldstate,
					      __u16 flags, bool direct)
{
	flags |= dir_flags(oldstate, sock_netns(sk, direct), lport, RD(direct, sk, sk_max_ack_backlog));
	if (!(flags & (I_LOCAL_FIRST | I_REMOTE_FIRST)))
		flags |= closing_flags(oldstate);
	return flags;
}

/* How a session ended, by the error the kernel set before tcp_done():
 * the cause, and (<< 4) who closed it. Absent: unknown. */
#define ERR_END(cause, closer) ((cause) | (closer) << 4)
#define ERR_ENDS_N 128
static const __u8 err_ends[ERR_ENDS_N] = {
	[ECONNREFUSED] = ERR_END(TS_CAUSE_REFUSED, TS_CLOSER_REMOTE),
	[ECONNRESET] = ERR_END(TS_CAUSE_RST_RECV, TS_CLOSER_REMOTE),
	[EPIPE] = ERR_END(TS_CAUSE_RST_RECV, TS_CLOSER_REMOTE),
	[ETIMEDOUT] = ERR_END(TS_CAUSE_TIMEOUT, TS_CLOSER_LOCAL),
	[ECONNABORTED] = ERR_END(TS_CAUSE_RST_SENT, TS_CLOSER_LOCAL),	/* ss -K / SOCK_DESTROY */
	/* an ICMP error (or TTL exceeded) answered the SYN, or came before
	 * a timeout ended it */
	[EHOSTUNREACH] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
	[ENETUNREACH] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
	[EHOSTDOWN] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
	[ENONET] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
	/* prohibited (ICMPv6: firewalls' default reject) */
	[EACCES] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
	[ENOPROTOOPT] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
	[EPROTO] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
	[EOPNOTSUPP] = ERR_END(TS_CAUSE_UNREACHABLE, TS_CLOSER_LOCAL),
};

/*
 * What must follow only a record that has a place (a session lost to full
 * buffers waits for no owner), and is done just before it is published:
 * emit()'s `after` bits.
 */
#define AFTER_AWAIT_OWNER	1	/* wait for the owner's close(): await_owner */
#define AFTER_OWNER_GONE	2	/* count it in owner_gone */

static __always_inline void after_placed(struct tcpscope_event *e, __u64 key, __u8 after)
{
	if (after & AFTER_OWNER_GONE)
		__sync_fetch_and_add(&owner_gone, 1);
	if (after & AFTER_AWAIT_OWNER) {
		__u8 one = 1;

		if (!bpf_map_update_elem(&await_owner, &key, &one, BPF_ANY)) {
			__sync_fetch_and_add(&awaiting, 1);
			e->flags |= TS_F_AWAIT_OWNER;
		} else {
			__sync_fetch_and_add(&await_failed, 1);
		}
	}
}

/* No wakeup per record: user space drains on a short timer. Wake it early
 * only when the ring buffer is filling up, or when user space went to sleep
 * with nothing to read (wake_next). */
/* Whether user space asked to be woken at the next record (and, if so,
 * the request taken): one load while records flow, a store only then. */
static __always_inline bool wake_asked(void)
{
	if (!*(volatile __u32 *)&wake_next)
		return false;
	*(volatile __u32 *)&wake_next = 0;
	return true;
}

static __always_inline __u64 ring_wake(void)
{
	if (wake_asked())
		return BPF_RB_FORCE_WAKEUP;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > wake_threshold_bytes ?
		BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* A record placed by after_placed() that then found no room after all. */
static __always_inline void after_undone(struct tcpscope_event *e, __u64 key, __u8 after)
{
	if (after & AFTER_OWNER_GONE)
		__sync_fetch_and_add(&owner_gone, -1);
	if ((e->flags & TS_F_AWAIT_OWNER) && !bpf_map_delete_elem(&await_owner, &key))
		__sync_fetch_and_add(&awaiting, -1);
}

static __always_inline int emit(const struct sock *sk, struct tcp_sock *tp, __u64 key, __u64 ck,
				int oldstate, const struct addr_args *a, bool direct, bool to_lane,
				__u32 counter)
{
	struct sk_info *info = info_lookup(key, ck, direct), si;
	struct tcpscope_event *e;
	struct ts_lane_hdr *lane;
	__u64 now, head = 0, used;
	__u32 cpu = 0, idx = 0;
	__u64 acked, received;
	__u32 write_seq, snd_una;
	unsigned long sk_flags;
	int sk_err;
	__u16 flags = I_PARTIAL;
	__u8 cause, closer = TS_CLOSER_UNKNOWN, after = 0;
	bool ident_now = false, fin_received;

	if (info) {
		/* A copy: a slot of `slots`, a value of `socks` or none were
		 * three states the verifier walked apart to the end (28,000
		 * instructions processed against 20,600). */
		si = *info;
		info = &si;
		flags = info->flags;
	}
	if (!(flags & (I_IN | I_OUT)))
		flags = unfollowed_flags(sk, local_port(sk, tp, a, direct), oldstate, flags, direct);

	/* Where the record goes. The lane is small, so that its records
	 * stay in cache; when user space falls behind and it is full, the
	 * record is written into the CPU's spare record, and copied into the
	 * ring buffer at the end. (Either way a record of `lanes`: one kind
	 * of pointer through all of what follows. A record reserved in the
	 * ring buffer when the lane was full made two, and the verifier
	 * walked every branch below once for each: most of the load time,
	 * 127,000 instructions processed where one kind took 38,000.) */
	if (to_lane) {
		cpu = bpf_get_smp_processor_id();
		idx = lane_spare + cpu;
		lane = bpf_map_lookup_elem(&lane_hdrs, &cpu);
		if (lane) {
			head = lane->head;
			if (head - *(volatile __u64 *)&lane->tail <= lane_mask)
				idx = (cpu << lane_shift) | ((__u32)head & lane_mask);
		}
		e = bpf_map_lookup_elem(&lanes, &idx);
	} else {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	}
	if (!e) {
		__sync_fetch_and_add(&ring_full, 1);
		goto out;
	}

	sk_err = RD(direct, sk, sk_err);
	sk_flags = RD(direct, sk, __sk_common.skc_flags);
	fin_received = sk_flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE));
	acked = RD(direct, tp, bytes_acked);
	received = RD(direct, tp, bytes_received);
	write_seq = RD(direct, tp, write_seq);
	snd_una = RD(direct, tp, snd_una);
	e->srtt_us = RD(direct, tp, srtt_us) >> 3;
	e->retrans = RD(direct, tp, total_retrans);

	/* A connect() ended by an error that did not end its socket, which its
	 * owner then close()d: the error kept as a soft one, or (read and
	 * cleared by the owner) noted when it was reported (connect_errs). */
	if (!sk_err && oldstate == S_SYN_SENT) {
		sk_err = RD(direct, sk, sk_err_soft);
		if (!sk_err && direct && *(volatile __u64 *)&connect_errs_noted) {
			__s32 *ce = bpf_map_lookup_elem(&connect_errs, &key);

			if (ce) {
				sk_err = *ce;
				bpf_map_delete_elem(&connect_errs, &key);
			}
		}
	}

	/* (Here, not after the switch below: sk_err and oldstate then die
	 * with it, and the verifier need not walk the rest of emit() once
	 * for each of its cases.) */
	now = close_time(tp, oldstate, sk_err, fin_received, direct);

	/* Why it ended, from the error the kernel set before tcp_done(). */
	if (!sk_err) {
		if (oldstate == S_ESTABLISHED || oldstate == S_CLOSE_WAIT ||
		    oldstate == S_SYN_RECV ||
		    ((oldstate == S_FIN_WAIT1 || oldstate == S_FIN_WAIT2) && !fin_received &&
		     (RD(direct, tp, rcv_nxt) != RD(direct, tp, copied_seq) ||
		      ((sk_flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_LINGER))) &&
		       !RD(direct, sk, sk_lingertime))))) {
			/* Abortive close (unread data, SO_LINGER 0): runs in
			 * the owner's close(), which sends the RST. Also
			 * half-closed (our FIN sent, theirs not come): an
			 * orderly end from FIN_WAIT1/2 has the peer's FIN, and
			 * the timewait a close() in FIN_WAIT2 turns into has
			 * neither unread data nor a zero linger. */
			cause = TS_CAUSE_RST_SENT;
			closer = TS_CLOSER_LOCAL;
			if ((flags & (I_IDENT | I_IDENT_SEEN)) != I_IDENT) {
				if (!direct || owner_context(bpf_get_current_task_btf()))
					ident_now = true;
			} else if (info) {
				/* An outgoing session: its connector under the
				 * name it closes with, as at FIN_WAIT1. */
				refresh_identity(info, direct);
			}
		} else if (oldstate == S_SYN_SENT) {
			/* connect() given up by its owner (close(), or a
			 * non-blocking connect closed before an answer):
			 * no error set, nothing sent. */
			cause = TS_CAUSE_ABANDONED;
			closer = TS_CLOSER_LOCAL;
		} else if (oldstate < 0) {
			cause = TS_CAUSE_UNKNOWN;	/* not seen */
		} else {
			cause = TS_CAUSE_FIN;
		}
	} else {
		/* A table, not a switch: one load, and no branches for the
		 * verifier to walk the rest of emit() through once each. */
		__u8 end = (__u32)sk_err < ERR_ENDS_N ? err_ends[(__u32)sk_err] : 0;

		cause = end & 0x0f;
		closer = end >> 4;
	}
	if (flags & I_LOCAL_FIRST)
		closer = TS_CLOSER_LOCAL;
	else if ((flags & I_REMOTE_FIRST) || fin_received)
		closer = TS_CLOSER_REMOTE;

	/* Payload only: see the comment at the top. */
	acked += write_seq - snd_una;
	if (flags & I_OUT)
		acked -= 1;			/* our SYN */
	if (flags & I_FIN_SENT)
		acked -= 1;			/* our FIN */
	if (fin_received)
		received -= 1;			/* their FIN */
	e->tx_bytes = (__s64)acked < 0 ? 0 : acked;
	e->rx_bytes = (__s64)received < 0 ? 0 : received;

	e->end_ns = now;
	e->family = a->family;
	e->lport = local_port(sk, tp, a, direct);
	e->rport = remote_port(sk, a, direct);
	if (direct) {
		if (a->family == AF_INET) {
			__builtin_memset(e->saddr, 0, 16);
			__builtin_memset(e->daddr, 0, 16);
			*(__u32 *)e->saddr = sk->__sk_common.skc_rcv_saddr;
			*(__u32 *)e->daddr = sk->__sk_common.skc_daddr;
		} else {
			bpf_core_read(e->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
			bpf_core_read(e->daddr, 16, &sk->__sk_common.skc_v6_daddr);
		}
	} else {
		if (a->family == AF_INET) {
			__builtin_memset(e->saddr, 0, 16);
			__builtin_memset(e->daddr, 0, 16);
			bpf_probe_read_kernel(e->saddr, 4, a->saddr4);
			bpf_probe_read_kernel(e->daddr, 4, a->daddr4);
		} else {
			bpf_probe_read_kernel(e->saddr, 16, a->saddr6);
			bpf_probe_read_kernel(e->daddr, 16, a->daddr6);
		}
	}

	e->dir = (flags & I_OUT) ? TS_DIR_OUT : (flags & I_IN) ? TS_DIR_IN : TS_DIR_UNKNOWN;
	e->closer = closer;
	e->cause = cause;
	e->flags = (flags & I_PARTIAL) ? TS_F_PARTIAL : 0;
	e->start_ns = 0;
	e->handshake_us = 0;
	if (info) {
		/* Accepted and closed before ESTABLISHED: it lasted no time. */
		if (flags & I_START_EST)
			e->start_ns = now;
		else if (flags & I_START_SYN)	/* never ESTABLISHED */
			e->start_ns = syn_start(tp, info->start_ns, now, direct);
		else
			e->start_ns = info->start_ns;
		if (flags & I_DPORT) {	/* never ESTABLISHED: no handshake, a port */
			/* Undone by the failed connect() (a close the program
			 * did not see, reported at destruction): its port
			 * cleared, its sequence moved on (tcp_disconnect()).
			 * It carried no payload. */
			if (!e->rport) {
				e->rport = info->handshake_us;
				e->tx_bytes = 0;
				e->rx_bytes = 0;
			}
		} else {
			e->handshake_us = info->handshake_us;
		}
	}
	if (info && (flags & (I_IDENT | I_IDENT_SEEN)) == I_IDENT && !ident_now) {
		e->pid = info->pid;
		__builtin_memcpy(e->comm, info->comm, sizeof(e->comm));
	} else if (!info && !ident_now && take_hint(key, e)) {
		/* Its owner's close, seen while the table was full. */
	} else {
		/* The owner's own abortive close, or the fallback: current;
		 * for an accepted session, who listens on its port is the
		 * better guess (the current task is the peer, or any). An
		 * orphan (its owner let go of it) whose owner was never seen
		 * gets none: its close runs in the peer's context or an
		 * interrupt's, never its owner's. */
		struct listen_owner *l = NULL;
		bool orphan = sk_flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DEAD));
		/* Open at start-up, its owner's close not seen (reset while
		 * it sat in read(), say): the holder the start-up walk found
		 * is the best guess, not a certainty (the socket may have been
		 * handed on since); the owner's own close() tells, as for any
		 * session reset under its owner. */
		bool walked = info && (flags & I_IDENT_SEEN) && !ident_now;

		if (!ident_now && !walked && (flags & I_IN)) {
			struct listen_key lk = { .netns = sock_netns(sk, direct), .port = e->lport };

			l = bpf_map_lookup_elem(&listen_ports, &lk);
		}
		if (walked) {
			e->pid = info->pid;
			__builtin_memcpy(e->comm, info->comm, sizeof(e->comm));
		} else if (l && l->pid) {
			e->pid = l->pid;
			__builtin_memcpy(e->comm, l->comm, sizeof(e->comm));
		} else if (ident_now) {
			current_ident(&e->pid, e->comm, direct);
		} else {
			/* Not the owner's context: the task here is the peer
			 * (loopback), or whatever an interrupt came in on;
			 * naming it would be wrong (until 2026-12-06 it was
			 * named, flagged, for a session not followed from its
			 * start and reset under its owner). None, until the
			 * owner's own close() tells (below). */
			e->pid = 0;
			__builtin_memset(e->comm, 0, sizeof(e->comm));
			if (orphan)
				after |= AFTER_OWNER_GONE;
		}
		if (!ident_now) {
			e->flags |= TS_F_PID_UNCERTAIN;
			/* Not orphaned: a process holds it (typically: reset
			 * by the peer while the owner sat in read()), or will
			 * (reset while it waited in the accept queue: whoever
			 * accepts it, or closes the listener). That close()
			 * destroys it and tells who it is. An orphan (its
			 * owner closed it, unseen) is destroyed right now, in
			 * whatever context this is: no owner to wait for.
			 * (Done once the record has a place: after_placed().) */
			if (!orphan)
				after |= AFTER_AWAIT_OWNER;
		}
	}
	e->kind = TS_KIND_SESSION;
	e->pad = 0;
	e->sock_id = key;
	/* The entry's (taken at its start, from the per-CPU memo): no load
	 * from the socket's namespace here. */
	e->netns = info ? info->netns : sock_netns(sk, direct);
	e->reserved = 0;

	after_placed(e, key, after);
	if (!to_lane) {
		bpf_ringbuf_submit(e, ring_wake());
	} else if (idx >= lane_spare) {
		/* The lane was full: the spare record into the ring buffer. */
		if (bpf_ringbuf_output(&events, e, sizeof(*e), ring_wake())) {
			after_undone(e, key, after);
			__sync_fetch_and_add(&ring_full, 1);
		} else {
			__sync_fetch_and_add(&spilled, 1);
		}
	} else {
		lane = bpf_map_lookup_elem(&lane_hdrs, &cpu);
		if (lane) {
			/* No wakeup per record: user space drains on a short
			 * timer. Wake it early only when the lane is filling. */
			publish_head(lane, head + 1);
			used = head + 1 - *(volatile __u64 *)&lane->tail;
			/* ... or at once when user space sleeps (wake_asked()). */
			if (wake_asked() || used == lane_wake) {
				__u64 kick = 0;

				bpf_ringbuf_output(&events, &kick, sizeof(kick),
						   BPF_RB_FORCE_WAKEUP);
			}
			/* Touch the next record's two cache lines now, while
			 * the kernel goes on: writing a record into lines that
			 * are not cached stalls the program (a lane is
			 * megabytes, written once per pass). The slot is free:
			 * user space has read it. */
			if (used <= lane_mask) {
				idx = (cpu << lane_shift) | ((__u32)(head + 1) & lane_mask);
				e = bpf_map_lookup_elem(&lanes, &idx);
				if (e) {
					*(volatile __u64 *)&e->start_ns = 0;
					*(volatile __u32 *)&e->pid = 0;
				}
			}
		}
	}
out:
	info_done(key, ck, direct);
	/* After the hand-over: user space checks at the end that every
	 * session counted was delivered. Each program has its own counter
	 * (the destroy program may interrupt this one on its CPU), so a plain
	 * per-CPU increment is enough. */
	count(counter);
	return 0;
}

/* Kernel 6.2 and later. User space loads the state program that uses it
 * first, and the one that calls bpf_skc_to_tcp_sock() if that fails. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * The socket as a tcp_sock. The classic tracepoint reads through
 * bpf_probe_read_kernel, so a cast is enough. tp_btf needs a typed pointer:
 * bpf_rdonly_cast() is a kfunc the verifier replaces with a plain move
 * (loads through it are checked for faults like bpf_probe_read_kernel's),
 * where bpf_skc_to_tcp_sock() is a helper call: 7 ns less per program run
 * on average, measured (the state program needs it at ESTABLISHED and at
 * CLOSE). The protocol is already known to be TCP.
 */
static __always_inline struct tcp_sock *to_tcp_sock(const struct sock *sk, bool direct, bool cast)
{
	if (!direct)
		return (struct tcp_sock *)sk;
	if (cast)
		return bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct tcp_sock));
	return bpf_skc_to_tcp_sock((void *)sk);
}

/*
 * One state change. Only the transitions that carry information do any
 * work; FIN_WAIT2, CLOSE_WAIT and CLOSING cost a switch (the closer and a
 * received FIN are read back at CLOSE).
 */
/* A listen(): who listens on the port, for listen_ports. */
static __always_inline void note_listener(const struct sock *sk, bool direct)
{
	struct listen_owner l;
	struct listen_key lk = { .netns = sock_netns(sk, direct),
				 .port = RD(direct, sk, __sk_common.skc_num) };

	current_ident(&l.pid, l.comm, direct);
	bpf_map_update_elem(&listen_ports, &lk, &l, BPF_ANY);
}

static __always_inline int handle(const struct sock *sk, int oldstate, int newstate,
				  const struct addr_args *a, bool direct, bool cast)
{
	__u64 key = (__u64)sk, ck = 0;
	const struct sock *rd = sk;
	struct sk_info *info;
	struct tcp_sock *tp;

	/* Fields are read through an untrusted view of the socket where the
	 * kernel allows it. Loading a pointer field (the namespace, the
	 * socket's file) through the trusted one makes the verifier search the
	 * kernel's BTF by name for the field's trust rules, a linear search of
	 * 100,000+ types on every path it explores: most of the load time. */
	if (direct && cast)
		rd = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct sock));

	switch (newstate) {
	case S_SYN_SENT:
	case S_SYN_RECV:
		/* A new session: the helper assigns the socket its cookie. */
		if (direct)
			ck = bpf_get_socket_cookie((void *)sk);
		break;
	case S_ESTABLISHED:
	case S_FIN_WAIT1:
	case S_LAST_ACK:
	case S_CLOSE:
		/* Later transitions read the cookie back with one load; a
		 * socket that has none yet (seen first now) gets one. */
		if (direct) {
			ck = sk->__sk_common.skc_cookie.counter;
			if (!ck)
				ck = bpf_get_socket_cookie((void *)sk);
		}
		break;
	case S_LISTEN:		/* listen(): the owner's context */
		note_listener(rd, direct);
		return 0;
	default:
		return 0;
	}
	if (direct)
		key = ck;	/* the socket's key: see `socks` */

	switch (newstate) {
	case S_SYN_SENT:	/* connect(): the owner's context */
		count(TS_CNT_CONNECTS);
		/* No clock read: see syn_start(). The twin for kernels before
		 * 6.2 reads the clock (to_tcp_sock() would be a helper call).
		 * The classic tracepoint reads the socket as the tp_btf hook
		 * does (until 2026-12-06 it read the clock here, before
		 * connect() searched for a free port, tens of ms early when
		 * that was slow). */
		tp = (cast || !direct) ? to_tcp_sock(sk, direct, cast) : NULL;
		if (tp && CONFIG_HZ && bpf_core_field_exists(tp->tcp_wstamp_ns))
			info = info_new(rd, key, ck, direct, bpf_jiffies64(), I_OUT | I_START_SYN);
		else
			info = info_new(rd, key, ck, direct, bpf_ktime_get_boot_ns(), I_OUT);
		if (info) {
			capture_identity(info, direct);
			info->handshake_us = remote_port(rd, a, direct);
			info->flags |= I_DPORT;
		}
		return 0;
	case S_SYN_RECV:	/* child of a listener; owner not known yet */
		if (oldstate != S_LISTEN)
			return 0;
		count(TS_CNT_ACCEPTS);
		/* The child is made when the handshake's last ACK comes in, and
		 * becomes ESTABLISHED in the processing of the same packet,
		 * where TCP has just read the clock into it: the start is taken
		 * from there (0.5 us later at most, measured), not from a clock
		 * read of our own. A Fast Open child (made at the SYN, with
		 * its handshake still to come) reads the clock now, and so does
		 * the twin for kernels before 6.2 (a pointer field read through
		 * its trusted socket costs the verifier a search of the kernel's
		 * types, see handle()). */
		tp = (cast || !direct) ? to_tcp_sock(sk, direct, cast) : NULL;
		if (tp && bpf_core_field_exists(tp->tcp_clock_cache) &&
		    !RD(direct, tp, fastopen_rsk))
			info_new(rd, key, ck, direct, 0, I_IN | I_START_EST);
		else
			info_new(rd, key, ck, direct, bpf_ktime_get_boot_ns(), I_IN);
		return 0;
	case S_ESTABLISHED:
		info = info_lookup(key, ck, direct);
		if (!info)
			return 0;
		tp = to_tcp_sock(sk, direct, cast);
		if (!tp)
			return 0;
		/* The kernel's first RTT sample is the handshake's round trip.
		 * A retransmitted SYN gives no sample (Karn): then the wall
		 * time since connect(), retries included. */
		if ((info->flags & I_START_EST) && bpf_core_field_exists(tp->tcp_clock_cache)) {
			info->start_ns = sock_clock(tp, direct);
			info->flags &= ~I_START_EST;
		}
		/* Connected: TCP has just read the clock for the SYN-ACK. */
		if (info->flags & I_START_SYN) {
			info->start_ns = syn_start(tp, info->start_ns, sock_clock(tp, direct), direct);
			info->flags &= ~I_START_SYN;
		}
		info->flags &= ~I_DPORT;
		info->handshake_us = RD(direct, tp, srtt_us) >> 3;
		if ((info->flags & I_OUT) && (!info->handshake_us || RD(direct, tp, total_retrans)))
			info->handshake_us = (bpf_ktime_get_boot_ns() - info->start_ns) / 1000;
		return 0;
	case S_FIN_WAIT1:	/* close()/shutdown() by the owner, first */
		info = info_lookup_or_partial(rd, key, ck, direct);
		if (!info) {
			hint_owner(key, direct);
			return 0;
		}
		refresh_identity(info, direct);
		info->flags |= I_FIN_SENT | I_LOCAL_FIRST;
		return 0;
	case S_LAST_ACK:	/* close() by the owner, after their FIN */
		info = info_lookup_or_partial(rd, key, ck, direct);
		if (!info) {
			hint_owner(key, direct);
			return 0;
		}
		refresh_identity(info, direct);
		info->flags |= I_FIN_SENT | I_REMOTE_FIRST;
		return 0;
	case S_CLOSE:
		if (oldstate == S_CLOSE)
			count(TS_CNT_RECLOSES);
		if (oldstate == S_LISTEN || oldstate == S_CLOSE)
			return 0;
		tp = to_tcp_sock(sk, direct, cast);
		if (test_drop_close_port && tp &&
		    test_port(sk, tp, a, direct, test_drop_close_port))
			return 0;
		if (test_slow_close_port && tp &&
		    test_port(sk, tp, a, direct, test_slow_close_port))
			test_spin(test_slow_close_ns);
		count(TS_CNT_CLOSES);
		if (!tp) {
			/* Never expected at CLOSE; if it happens, it is a lost
			 * session and is counted as one. */
			__sync_fetch_and_add(&unreadable, 1);
			return 0;
		}
		return emit(rd, tp, key, ck, oldstate, a, direct, direct, TS_CNT_HANDED);
	}
	return 0;
}

/* The classic tracepoints (sock:inet_sock_set_state, tcp:tcp_destroy_sock)
 * carry the same address fields under the same names. */
#define ADDR_ARGS_FROM_TP(a, ctx)			\
	do {						\
		(a)->family = (ctx)->family;		\
		(a)->sport = (ctx)->sport;		\
		(a)->dport = (ctx)->dport;		\
		(a)->saddr4 = (ctx)->saddr;		\
		(a)->daddr4 = (ctx)->daddr;		\
		(a)->saddr6 = (ctx)->saddr_v6;		\
		(a)->daddr6 = (ctx)->daddr_v6;		\
	} while (0)

/* A session whose close was never seen, found when its socket is destroyed:
 * reported now (the cause is not known), and counted.
 *
 * With the classic tracepoint, whose entries are keyed by the socket's
 * address, the entry found may be another socket's: one none of whose closes, nor
 * its destruction, reached the program, whose freed memory went to this
 * socket. If this one never began a session of its own it passed no
 * info_new() to find the entry stale: a listener, or a socket closed
 * unconnected. Neither ever chose an initial sequence number (write_seq stays
 * 0 from the socket's zeroed allocation; a disconnect after a refused
 * connect() leaves it non-zero): the entry is counted as a session missed,
 * not reported with this socket's ports and bytes. */
static __always_inline int late_close(const struct sock *sk, const struct sock *rd, __u64 key,
				      __u64 ck, const struct addr_args *a, bool direct, bool cast)
{
	struct tcp_sock *tp = to_tcp_sock(sk, direct, cast);

	if (!tp) {
		__sync_fetch_and_add(&unreadable, 1);
		info_done(key, ck, direct);
		count(TS_CNT_LATE);
		return 0;
	}
	if (!RD(direct, tp, write_seq)) {
		info_done(key, ck, direct);
		__sync_fetch_and_add(&stale_entries, 1);
		return 0;
	}
	/* Through the ring buffer: this program may have interrupted the
	 * state program, which owns its CPU's lane. */
	return emit(rd, tp, key, ck, -1, a, direct, false, TS_CNT_LATE);
}

/*
 * The socket is destroyed (tcp_destroy_sock: after its CLOSE, in the
 * context that let go of it last). Two jobs:
 * - a session still in the table means its close was never seen: report
 *   it now rather than lose it (and free its entry);
 * - if a closed session waits for its owner, this is the owner's close()
 *   (or exit), in its own context.
 */
static __always_inline int on_destroy(const struct sock *sk, const struct addr_args *a,
				      bool direct, bool cast)
{
	struct tcpscope_event *e;
	__u64 key = (__u64)sk, ck;
	/* the untrusted view, as in handle() */
	const struct sock *rd = direct && cast ?
		bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct sock)) : sk;

	if (test_drop_destroy_port) {
		struct tcp_sock *tp = to_tcp_sock(sk, direct, false);

		if (tp && test_port(sk, tp, a, direct, test_drop_destroy_port))
			return 0;
	}
	if (direct) {
		ck = sk->__sk_common.skc_cookie.counter;
		key = ck;	/* the socket's key (see `socks`); 0: never a session */
		if (ck && info_lookup(key, ck, direct))
			return late_close(sk, rd, key, ck, a, direct, cast);
	} else if (*(volatile __s64 *)&in_socks > 0 && bpf_map_lookup_elem(&socks, &key)) {
		return late_close(sk, rd, key, 0, a, direct, cast);
	}

	if (*(volatile __s64 *)&awaiting <= 0 || !key)
		return 0;
	if (!bpf_map_lookup_elem(&await_owner, &key))
		return 0;
	if (bpf_map_delete_elem(&await_owner, &key))
		return 0;	/* someone else took it */
	__sync_fetch_and_add(&awaiting, -1);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		/* The session stays uncertain; no session is lost. */
		__sync_fetch_and_add(&owner_lost, 1);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = TS_KIND_OWNER;
	e->end_ns = bpf_ktime_get_boot_ns();	/* after the session's close */
	e->sock_id = key;
	current_ident(&e->pid, e->comm, direct);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* An error reported on a socket (sock:inet_sk_error_report): a connecting
 * socket's soft error, which its owner may read and clear before it closes
 * it (see connect_errs). */
SEC("tp_btf/inet_sk_error_report")
int BPF_PROG(tcpscope_error_btf, struct sock *sk)
{
	__u64 key;
	__s32 soft;

	if (sk->__sk_common.skc_state != S_SYN_SENT || sk->sk_protocol != IPPROTO_TCP ||
	    sk->sk_err)
		return 0;
	soft = sk->sk_err_soft;
	key = sk->__sk_common.skc_cookie.counter;
	if (!soft || !key)
		return 0;
	if (!bpf_map_update_elem(&connect_errs, &key, &soft, BPF_ANY) &&
	    !*(volatile __u64 *)&connect_errs_noted)
		__sync_fetch_and_add(&connect_errs_noted, 1);
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(tcpscope_destroy_btf, struct sock *sk)
{
	struct addr_args a = {};

	a.family = sk->__sk_common.skc_family;
	return on_destroy(sk, &a, true, true);
}

/* The same, for kernels without bpf_rdonly_cast (before 6.2). */
SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(tcpscope_destroy_btf_helper, struct sock *sk)
{
	struct addr_args a = {};

	a.family = sk->__sk_common.skc_family;
	return on_destroy(sk, &a, true, false);
}

SEC("tracepoint/tcp/tcp_destroy_sock")
int tcpscope_destroy_tp(struct trace_event_raw_tcp_event_sk *ctx)
{
	struct addr_args a;

	ADDR_ARGS_FROM_TP(&a, ctx);
	return on_destroy(ctx->skaddr, &a, false, false);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcpscope_state_btf, const struct sock *sk, const int oldstate, const int newstate)
{
	struct addr_args a = {};

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	a.family = sk->__sk_common.skc_family;
	return handle(sk, oldstate, newstate, &a, true, true);
}

/* The same, for kernels without bpf_rdonly_cast (before 6.2). */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcpscope_state_btf_helper, const struct sock *sk, const int oldstate,
	     const int newstate)
{
	struct addr_args a = {};

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	a.family = sk->__sk_common.skc_family;
	return handle(sk, oldstate, newstate, &a, true, false);
}

SEC("tracepoint/sock/inet_sock_set_state")
int tcpscope_state_tp(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct addr_args a;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	ADDR_ARGS_FROM_TP(&a, ctx);
	return handle(ctx->skaddr, ctx->oldstate, ctx->newstate, &a, false, false);
}

/*
 * `make bench` only: programs that return at once, attached instead of the
 * four above, so that a run measures what the kernel's tracepoints cost with
 * a program attached: the floor under tcpscope's own cost. Programs of their
 * own rather than a switch in the real ones: a switch is a load and a branch
 * in every run of the real programs, which the floor would not measure.
 */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcpscope_floor_state_btf)
{
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(tcpscope_floor_destroy_btf)
{
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int tcpscope_floor_state_tp(void *ctx)
{
	return 0;
}

SEC("tracepoint/tcp/tcp_destroy_sock")
int tcpscope_floor_destroy_tp(void *ctx)
{
	return 0;
}

/*
 * Start-up seeding. seed_tcp walks every TCP socket once (listeners come
 * first): each open session gets a partial entry, so its close is reported
 * with the right direction and closer instead of being dropped. seed_files
 * then walks every open file: a socket we seeded gets its owner's pid/comm.
 */
SEC("iter/tcp")
int tcpscope_seed_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct sk_info fresh, *info;
	struct tcp_sock *tp;
	__u16 flags = I_PARTIAL, lport;
	__u64 key, ck;
	__u32 netns;
	int state;

	if (!skc)
		return 0;
	state = skc->skc_state;
	lport = skc->skc_num;
	netns = skc->skc_net.net->ns.inum;
	if (state == S_LISTEN) {
		struct listen_owner unknown = {};
		struct listen_key lk = { .netns = netns, .port = lport };

		/* A listen() seen since start-up already named its owner. */
		bpf_map_update_elem(&listen_ports, &lk, &unknown, BPF_NOEXIST);
		return 0;
	}
	if (state == S_TIME_WAIT || state == S_NEW_SYN_RECV || state == S_CLOSE)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	flags |= dir_flags(state, netns, lport, tp->inet_conn.icsk_inet.sk.sk_max_ack_backlog);
	flags |= closing_flags(state);
	/* Already followed: a transition since start-up (the owner's close()
	 * or shutdown(), under the socket lock that this walk holds too) gave
	 * it an entry, which did not know the direction: add it. A second
	 * entry would outlive the session and report it again when the
	 * socket is destroyed. */
	key = (__u64)tp;
	ck = tp->inet_conn.icsk_inet.sk.__sk_common.skc_cookie.counter;
	info = NULL;
	if (ck) {
		struct slot *sl = slot_of(ck);

		if (sl && sl->key == ck)
			info = &sl->info;
	}
	if (socks_by_cookie) {
		/* The socket's cookie, given now if it has none yet: the
		 * hook's later lookups read it back. */
		if (!ck)
			ck = bpf_get_socket_cookie(tp);
		key = ck;
	}
	if (!info)
		info = bpf_map_lookup_elem(&socks, &key);
	if (info) {
		if (!(info->flags & (I_IN | I_OUT)))
			info->flags |= flags & (I_IN | I_OUT);
		return 0;
	}
	new_info(&fresh, 0, flags);
	fresh.netns = skc->skc_net.net->ns.inum;
	if (bpf_map_update_elem(&socks, &key, &fresh, BPF_NOEXIST) == 0) {
		__sync_fetch_and_add(&seeded, 1);
		__sync_fetch_and_add(&in_socks, 1);
	}
	return 0;
}

/*
 * A socket an iterator walks: its entry (its slot, by cookie; or the hash
 * map's, under *key: its cookie with tp_btf, its address with the classic
 * tracepoint), or NULL. A socket that was never given a cookie has no slot
 * (a free slot's key is 0 too).
 */
static __always_inline struct sk_info *walked_info(struct sock_common *skc, struct tcp_sock *tp,
						   __u64 *key)
{
	__u64 ck = skc->skc_cookie.counter;

	*key = socks_by_cookie ? ck : (__u64)tp;
	if (ck)
		return info_lookup(*key, ck, true);
	return *key && *(volatile __s64 *)&in_socks > 0 ? bpf_map_lookup_elem(&socks, key) : NULL;
}

/*
 * The sweep: every TCP socket still open in this network namespace marks
 * its entry with the sweep's number. User space runs it now and then; an
 * entry of this namespace left unmarked by two sweeps in a row belongs to a
 * socket that is gone although no close of it was traced.
 */
SEC("iter/tcp")
int tcpscope_sweep(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct sk_info *info;
	struct tcp_sock *tp;
	__u64 key;
	int state;

	if (!skc)
		return 0;
	state = skc->skc_state;
	if (state == S_LISTEN || state == S_TIME_WAIT || state == S_NEW_SYN_RECV)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	info = walked_info(skc, tp, &key);
	if (info)
		info->seen = *(volatile __u16 *)&sweep_gen;
	return 0;
}

/*
 * The sessions open now (the monitor's Open view, `O`): every TCP socket of
 * this network namespace past its SYN and not closed, one record each, as a
 * closed session's would read if it closed now, written into the walk's
 * output (user space reads it: collector_open_now()). The kernel holds each
 * socket's lock while the program reads it. Read only: no entry is made or
 * changed, so what the closes report is the same with or without it.
 */
SEC("iter/tcp")
int tcpscope_open(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcpscope_event e = {};
	struct sk_info *info;
	struct listen_owner *l;
	struct tcp_sock *tp;
	struct sock *sk;
	__u64 key, now, acked, received;
	__u16 flags = I_PARTIAL;
	bool fin_received;
	int state;

	if (!skc)
		return 0;
	state = skc->skc_state;
	if (state == S_LISTEN || state == S_TIME_WAIT || state == S_NEW_SYN_RECV ||
	    state == S_CLOSE)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	sk = &tp->inet_conn.icsk_inet.sk;
	now = bpf_ktime_get_boot_ns();
	info = walked_info(skc, tp, &key);
	e.netns = skc->skc_net.net->ns.inum;
	e.lport = skc->skc_num;
	e.rport = bpf_ntohs(skc->skc_dport);
	if (info)
		flags = info->flags;
	if (!(flags & (I_IN | I_OUT)))
		flags |= dir_flags(state, e.netns, e.lport, sk->sk_max_ack_backlog);
	if (!(flags & (I_LOCAL_FIRST | I_REMOTE_FIRST)))
		flags |= closing_flags(state);

	/* Payload so far, as at a close (the comment at the top). */
	fin_received = sk->__sk_common.skc_flags &
		       (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE));
	acked = tp->bytes_acked + (__u32)(tp->write_seq - tp->snd_una);
	received = tp->bytes_received;
	if (flags & I_OUT)
		acked -= 1;			/* our SYN */
	if (flags & I_FIN_SENT)
		acked -= 1;			/* our FIN (in write_seq once queued) */
	if (fin_received)
		received -= 1;			/* their FIN */
	e.tx_bytes = (__s64)acked < 0 ? 0 : acked;
	e.rx_bytes = (__s64)received < 0 ? 0 : received;
	e.srtt_us = tp->srtt_us >> 3;
	e.retrans = tp->total_retrans;
	e.end_ns = now;
	e.family = skc->skc_family;
	if (e.family == AF_INET) {
		*(__u32 *)e.saddr = skc->skc_rcv_saddr;
		*(__u32 *)e.daddr = skc->skc_daddr;
	} else {
		bpf_core_read(e.saddr, 16, &skc->skc_v6_rcv_saddr);
		bpf_core_read(e.daddr, 16, &skc->skc_v6_daddr);
	}
	e.dir = (flags & I_OUT) ? TS_DIR_OUT : (flags & I_IN) ? TS_DIR_IN : TS_DIR_UNKNOWN;
	e.closer = (flags & I_LOCAL_FIRST) ? TS_CLOSER_LOCAL :
		   (flags & I_REMOTE_FIRST) || fin_received ? TS_CLOSER_REMOTE : TS_CLOSER_UNKNOWN;
	e.cause = TS_CAUSE_OPEN;
	e.flags = (flags & I_PARTIAL) ? TS_F_PARTIAL : 0;
	if (info) {
		if (flags & I_START_EST)	/* accepted, handshake not done */
			e.start_ns = now;
		else if (flags & I_START_SYN)	/* connect()ing */
			e.start_ns = syn_start(tp, info->start_ns, now, true);
		else
			e.start_ns = info->start_ns;
		if (!(flags & I_DPORT))
			e.handshake_us = info->handshake_us;
	}
	if (info && (flags & I_IDENT)) {
		/* The connector, or the holder the start-up walk found (a
		 * guess: it may have been handed on since). */
		e.pid = info->pid;
		__builtin_memcpy(e.comm, info->comm, sizeof(e.comm));
		if (flags & I_IDENT_SEEN)
			e.flags |= TS_F_PID_UNCERTAIN;
	} else {
		/* Accepted, its owner not seen yet (its close() says): who
		 * listens on its port is the best guess. */
		struct listen_key lk = { .netns = e.netns, .port = e.lport };

		l = (flags & I_IN) ? bpf_map_lookup_elem(&listen_ports, &lk) : NULL;
		if (l && l->pid) {
			e.pid = l->pid;
			__builtin_memcpy(e.comm, l->comm, sizeof(e.comm));
		}
		e.flags |= TS_F_PID_UNCERTAIN;
	}
	e.kind = TS_KIND_OPEN;
	e.pad = state;
	e.sock_id = key;
	bpf_seq_write(ctx->meta->seq, &e, sizeof(e));
	return 0;
}

SEC("iter/task_file")
int tcpscope_seed_files(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct sk_info *info;
	struct socket *sock;
	struct sock *sk;
	__u64 key;

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	key = socks_by_cookie ? BPF_CORE_READ(sk, __sk_common.skc_cookie.counter) : (__u64)sk;
	info = key ? bpf_map_lookup_elem(&socks, &key) : NULL;
	if (!info || (info->flags & I_IDENT))
		return 0;
	info->pid = task->tgid;
	BPF_CORE_READ_STR_INTO(&info->comm, task, comm);
	info->flags |= I_IDENT | I_IDENT_SEEN;
	return 0;
}
