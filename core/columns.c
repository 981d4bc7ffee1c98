// SPDX-License-Identifier: GPL-2.0
/* The column table: names, titles, comparators and formatters per view. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/agg.h"
#include "core/columns.h"
#include "core/fmt.h"
#include "core/session.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int put_u64(char *buf, size_t len, unsigned long long v)
{
	return fmt_u64(v, buf, len);
}

/* A byte at a time: the strings are a few bytes ("4", "out", "remote"),
 * where strlen() and memcpy() calls cost more than the copy (the CSV stream
 * writes six of them a row). */
static int put_str(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		if (n + 1 >= len) {
			if (len)
				buf[0] = '\0';
			return -ENOSPC;
		}
		buf[n] = s[n];
	}
	if (!len)
		return -ENOSPC;
	buf[n] = '\0';
	return (int)n;
}

static int put_comm(char *buf, size_t len, const char *comm)
{
	if (len < FMT_COMM_ESC_LEN) {
		char tmp[FMT_COMM_ESC_LEN];

		fmt_comm_escape(comm, tmp, sizeof(tmp));
		return put_str(buf, len, tmp);
	}
	return (int)fmt_comm_escape(comm, buf, len);
}

static int put_time(char *buf, size_t len, uint64_t ns, enum fmt_style style)
{
	return style == FMT_HUMAN ? fmt_time_hms(ns, buf, len) : fmt_time_iso(ns, buf, len);
}

static int put_dur(char *buf, size_t len, uint64_t us, enum fmt_style style)
{
	return style == FMT_HUMAN ? fmt_dur_us(us, buf, len) : fmt_ms3(us, buf, len);
}

static int put_bytes(char *buf, size_t len, uint64_t b, enum fmt_style style)
{
	return style == FMT_HUMAN ? fmt_bytes(b, buf, len) : put_u64(buf, len, b);
}

static int cmp_comm(const char *a, const char *b)
{
	int c = strncmp(a, b, SESSION_COMM_LEN);

	return CMP(c, 0);
}

static int cmp_addr(const struct in6_addr *a, const struct in6_addr *b)
{
	int c = memcmp(a, b, sizeof(*a));

	return CMP(c, 0);
}

static struct col_key key_u64(uint64_t v)
{
	return (struct col_key){ 0, v };
}

/* Big-endian bytes: the key orders like memcmp(). */
static struct col_key key_bytes(const unsigned char *b)
{
	struct col_key k = { 0, 0 };
	int i;

	for (i = 0; i < 8; i++)
		k.hi = k.hi << 8 | b[i];
	for (i = 8; i < 16; i++)
		k.lo = k.lo << 8 | b[i];
	return k;
}

/* The comm up to its NUL, zero-padded: orders like strncmp(a, b, 16). */
static struct col_key key_comm(const char *comm)
{
	unsigned char b[SESSION_COMM_LEN] = { 0 };

	memcpy(b, comm, strnlen(comm, SESSION_COMM_LEN));
	return key_bytes(b);
}

/* ---- sessions -------------------------------------------------------------- */

#define S(p) ((const struct session *)(p))

/* A comparator on one session field. */
#define SESS_CMP(name, expr)                                              \
	static int cmp_s_##name(const void *a, const void *b)            \
	{                                                                 \
		const struct session *x = S(a), *y = S(b);                \
		return CMP(expr(x), expr(y));                             \
	}                                                                 \
	static struct col_key key_s_##name(const void *a)                \
	{                                                                 \
		return key_u64(expr(S(a)));                               \
	}

#define F_END(s)	((s)->end_ns)
#define F_PID(s)	((s)->pid)
#define F_FAMILY(s)	((s)->family)
#define F_LPORT(s)	((s)->lport)
#define F_RPORT(s)	((s)->rport)
#define F_TX(s)		((s)->tx_bytes)
#define F_RX(s)		((s)->rx_bytes)
#define F_DUR(s)	((s)->dur_us)
#define F_START(s)	((s)->start_ns)
#define F_SRTT(s)	((s)->srtt_us)
#define F_RETRANS(s)	((s)->retrans)
#define F_HSHAKE(s)	((s)->handshake_us)
#define F_DIR(s)	((s)->dir)
#define F_CLOSER(s)	((s)->closer)
#define F_CAUSE(s)	((s)->cause)
#define F_CERTAIN(s)	(!((s)->flags & SESS_PID_UNCERTAIN))
#define F_PARTIAL(s)	(!!((s)->flags & SESS_PARTIAL))
#define F_NETNS(s)	((s)->netns)

SESS_CMP(time, F_END)
SESS_CMP(pid, F_PID)
SESS_CMP(family, F_FAMILY)
SESS_CMP(lport, F_LPORT)
SESS_CMP(rport, F_RPORT)
SESS_CMP(tx, F_TX)
SESS_CMP(rx, F_RX)
SESS_CMP(dur, F_DUR)
SESS_CMP(start, F_START)
SESS_CMP(srtt, F_SRTT)
SESS_CMP(retrans, F_RETRANS)
SESS_CMP(hshake, F_HSHAKE)
SESS_CMP(dir, F_DIR)
SESS_CMP(closer, F_CLOSER)
SESS_CMP(cause, F_CAUSE)
SESS_CMP(certain, F_CERTAIN)
SESS_CMP(partial, F_PARTIAL)
SESS_CMP(netns, F_NETNS)

static int cmp_s_comm(const void *a, const void *b)
{
	return cmp_comm(S(a)->comm, S(b)->comm);
}

static int cmp_s_laddr(const void *a, const void *b)
{
	return cmp_addr(&S(a)->laddr, &S(b)->laddr);
}

static int cmp_s_raddr(const void *a, const void *b)
{
	return cmp_addr(&S(a)->raddr, &S(b)->raddr);
}

static struct col_key key_s_comm(const void *a)
{
	return key_comm(S(a)->comm);
}

static struct col_key key_s_laddr(const void *a)
{
	return key_bytes(S(a)->laddr.s6_addr);
}

static struct col_key key_s_raddr(const void *a)
{
	return key_bytes(S(a)->raddr.s6_addr);
}

static int fmt_s_time(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_time(buf, len, S(r)->end_ns, st);
}

/* No owner known: see session_no_owner(). */
#define NO_OWNER(pid, comm)	session_no_owner(pid, comm)

static int fmt_s_pid(const void *r, char *buf, size_t len, enum fmt_style st)
{
	int n;

	if (st == FMT_HUMAN && NO_OWNER(S(r)->pid, S(r)->comm))
		return put_str(buf, len, "-");
	n = fmt_u64(S(r)->pid, buf, len);

	if (n < 0 || st != FMT_HUMAN || !(S(r)->flags & SESS_PID_UNCERTAIN))
		return n;
	if ((size_t)n + 2 > len) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	buf[n++] = '?';
	buf[n] = '\0';
	return n;
}

static int fmt_s_comm(const void *r, char *buf, size_t len, enum fmt_style st)
{
	if (st == FMT_HUMAN && NO_OWNER(S(r)->pid, S(r)->comm))
		return put_str(buf, len, SESSION_NO_OWNER_COMM);
	return put_comm(buf, len, S(r)->comm);
}

static int fmt_s_family(const void *r, char *buf, size_t len, enum fmt_style st)
{
	int f = S(r)->family;

	return put_str(buf, len, f == AF_INET ? "4" : f == AF_INET6 ? "6" : "?");
}

static int fmt_s_laddr(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return fmt_addr(&S(r)->laddr, S(r)->family, buf, len);
}

static int fmt_s_raddr(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return fmt_addr(&S(r)->raddr, S(r)->family, buf, len);
}

static int fmt_s_lport(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_u64(buf, len, S(r)->lport);
}

static int fmt_s_rport(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_u64(buf, len, S(r)->rport);
}

static int fmt_s_tx(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_bytes(buf, len, S(r)->tx_bytes, st);
}

static int fmt_s_rx(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_bytes(buf, len, S(r)->rx_bytes, st);
}

static int fmt_s_dur(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_dur(buf, len, S(r)->dur_us, st);
}

static int fmt_s_start(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_time(buf, len, S(r)->start_ns, st);
}

static int fmt_s_srtt(const void *r, char *buf, size_t len, enum fmt_style st)
{
	/* 0: no RTT sample (never established), as HSHAKE shows it */
	if (st == FMT_HUMAN)
		return S(r)->srtt_us ? fmt_dur_us(S(r)->srtt_us, buf, len) : put_str(buf, len, "-");
	return put_u64(buf, len, S(r)->srtt_us);
}

static int fmt_s_retrans(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_u64(buf, len, S(r)->retrans);
}

static int fmt_s_hshake(const void *r, char *buf, size_t len, enum fmt_style st)
{
	if (st == FMT_HUMAN)
		return S(r)->handshake_us ? fmt_dur_us(S(r)->handshake_us, buf, len)
					  : put_str(buf, len, "-");
	return put_u64(buf, len, S(r)->handshake_us);
}

static int fmt_s_dir(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_str(buf, len, session_dir_name(S(r)->dir));
}

static int fmt_s_closer(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_str(buf, len, session_closer_name(S(r)->closer));
}

static int fmt_s_cause(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_str(buf, len, session_cause_name(S(r)->cause));
}

static int fmt_s_certain(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_str(buf, len, F_CERTAIN(S(r)) ? "1" : "0");
}

static int fmt_s_partial(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_str(buf, len, F_PARTIAL(S(r)) ? "1" : "0");
}

static int fmt_s_netns(const void *r, char *buf, size_t len, enum fmt_style st)
{
	/* 0: not known (a session from a file without the column) */
	if (st == FMT_HUMAN && !S(r)->netns)
		return put_str(buf, len, "-");
	return put_u64(buf, len, S(r)->netns);
}

#define N COLT_NUMBER
#define T COLT_STRING
#define U COLT_UNTRUSTED

/* The order here is the CSV column order: the first 11 are a contract. */
static const struct column session_cols[] = {
	{ COL_TIME, "time", "TIME", 8, false, true, T, cmp_s_time, fmt_s_time, key_s_time, true },
	{ COL_PID, "pid", "PID", 7, true, true, N, cmp_s_pid, fmt_s_pid, key_s_pid, true },
	{ COL_COMM, "comm", "COMM", 12, false, true, U, cmp_s_comm, fmt_s_comm, key_s_comm, true },
	{ COL_FAMILY, "family", "IP", 2, true, false, N, cmp_s_family, fmt_s_family, key_s_family, true },
	{ COL_LADDR, "laddr", "LADDR", 15, false, false, T, cmp_s_laddr, fmt_s_laddr, key_s_laddr, true },
	{ COL_LPORT, "lport", "LPORT", 5, true, true, N, cmp_s_lport, fmt_s_lport, key_s_lport, true },
	{ COL_RADDR, "raddr", "RADDR", 15, false, true, T, cmp_s_raddr, fmt_s_raddr, key_s_raddr, true },
	{ COL_RPORT, "rport", "RPORT", 5, true, true, N, cmp_s_rport, fmt_s_rport, key_s_rport, true },
	{ COL_TX_BYTES, "tx_bytes", "TX", 5, true, true, N, cmp_s_tx, fmt_s_tx, key_s_tx, true },
	{ COL_RX_BYTES, "rx_bytes", "RX", 5, true, true, N, cmp_s_rx, fmt_s_rx, key_s_rx, true },
	{ COL_DURATION, "duration_ms", "DUR", 6, true, true, N, cmp_s_dur, fmt_s_dur, key_s_dur, true },
	{ COL_START_TIME, "start_time", "START", 8, false, false, T, cmp_s_start, fmt_s_start, key_s_start, true },
	{ COL_SRTT, "srtt_us", "SRTT", 6, true, false, N, cmp_s_srtt, fmt_s_srtt, key_s_srtt, true },
	{ COL_RETRANS, "retransmits", "RETR", 4, true, false, N, cmp_s_retrans, fmt_s_retrans, key_s_retrans, true },
	{ COL_HANDSHAKE, "handshake_us", "HSHAKE", 6, true, false, N, cmp_s_hshake, fmt_s_hshake, key_s_hshake, true },
	{ COL_DIR, "direction", "DIR", 3, false, false, T, cmp_s_dir, fmt_s_dir, key_s_dir, true },
	{ COL_CLOSER, "closed_by", "CLOSER", 6, false, false, T, cmp_s_closer, fmt_s_closer, key_s_closer, true },
	{ COL_CAUSE, "end_cause", "END", 11, false, false, T, cmp_s_cause, fmt_s_cause, key_s_cause, true },
	{ COL_PID_CERTAIN, "pid_certain", "PIDOK", 5, true, false, N, cmp_s_certain, fmt_s_certain, key_s_certain, true },
	{ COL_PARTIAL, "partial", "PART", 4, true, false, N, cmp_s_partial, fmt_s_partial, key_s_partial, true },
	{ COL_NETNS, "netns", "NETNS", 10, true, false, N, cmp_s_netns, fmt_s_netns, key_s_netns, true },
};

/* ---- aggregates --------------------------------------------------------- */

#define A(p) ((const struct agg_row *)(p))

#define AGG_CMP(name, field)                                              \
	static int cmp_a_##name(const void *a, const void *b)            \
	{                                                                 \
		return CMP(A(a)->field, A(b)->field);                     \
	}                                                                 \
	static struct col_key key_a_##name(const void *a)                \
	{                                                                 \
		return key_u64(A(a)->field);                              \
	}

AGG_CMP(pid, pid)
AGG_CMP(port, port)
AGG_CMP(sessions, sessions)
AGG_CMP(tx, tx_bytes)
AGG_CMP(rx, rx_bytes)
AGG_CMP(max, dur_max_us)
AGG_CMP(rsts, rsts)
AGG_CMP(fails, fails)
AGG_CMP(peers, peers)
AGG_CMP(last, last_ns)

/* A peer's family: an IPv4-mapped address is an IPv4 host's. */
#define A_FAMILY(r) (IN6_IS_ADDR_V4MAPPED(&(r)->raddr) ? AF_INET : AF_INET6)

static int cmp_a_family(const void *a, const void *b)
{
	return CMP(A_FAMILY(A(a)), A_FAMILY(A(b)));
}

static struct col_key key_a_family(const void *a)
{
	return key_u64(A_FAMILY(A(a)));
}

static int cmp_a_raddr(const void *a, const void *b)
{
	return cmp_addr(&A(a)->raddr, &A(b)->raddr);
}

static struct col_key key_a_raddr(const void *a)
{
	return key_bytes(A(a)->raddr.s6_addr);
}

static int cmp_a_comm(const void *a, const void *b)
{
	return cmp_comm(A(a)->comm, A(b)->comm);
}

static struct col_key key_a_comm(const void *a)
{
	return key_comm(A(a)->comm);
}

/* The average duration to the nearest microsecond (halves up): until
 * 2026-12-06 cut down, 84.8 us shown as 84. */
static uint64_t agg_avg_us(const struct agg_row *r)
{
	uint64_t rem;

	if (!r->sessions)
		return 0;
	rem = r->dur_sum_us % r->sessions;
	return r->dur_sum_us / r->sessions + (rem >= r->sessions - rem);
}

/* sum_a/n_a vs sum_b/n_b exactly: cross-multiply in 128 bits. */
static int cmp_a_avg(const void *a, const void *b)
{
	const struct agg_row *x = A(a), *y = A(b);
	unsigned __int128 l, r;

	if (!x->sessions || !y->sessions)
		return CMP(x->sessions != 0, y->sessions != 0);
	l = (unsigned __int128)x->dur_sum_us * y->sessions;
	r = (unsigned __int128)y->dur_sum_us * x->sessions;
	return CMP(l, r);
}

/* floor(sum * 2^64 / n): monotonic in the average, not exact (ties need cmp_a_avg). */
static struct col_key key_a_avg(const void *a)
{
	const struct agg_row *r = A(a);
	struct col_key k = { 0, 0 };

	if (r->sessions) {
		k.hi = r->dur_sum_us / r->sessions;
		k.lo = (uint64_t)(((unsigned __int128)(r->dur_sum_us % r->sessions) << 64) /
				  r->sessions);
	}
	return k;
}

static int fmt_a_pid(const void *r, char *buf, size_t len, enum fmt_style st)
{
	if (st == FMT_HUMAN && NO_OWNER(A(r)->pid, A(r)->comm))
		return put_str(buf, len, "-");
	return put_u64(buf, len, A(r)->pid);
}

static int fmt_a_comm(const void *r, char *buf, size_t len, enum fmt_style st)
{
	if (st == FMT_HUMAN && NO_OWNER(A(r)->pid, A(r)->comm))
		return put_str(buf, len, SESSION_NO_OWNER_COMM);
	return put_comm(buf, len, A(r)->comm);
}

static int fmt_a_family(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_str(buf, len, A_FAMILY(A(r)) == AF_INET ? "4" : "6");
}

static int fmt_a_raddr(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return fmt_addr(&A(r)->raddr, AF_INET6, buf, len);	/* mapped: dotted */
}

static int fmt_a_port(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_u64(buf, len, A(r)->port);
}

/* Cell widths of the summaries' counts (the tables below). */
#define W_SESS	7
#define W_COUNT	5

/* A count in its cell's width on screen ("200K", not "2000…"), exact in exports. */
static int put_count(char *buf, size_t len, uint64_t v, int width, enum fmt_style st)
{
	return st == FMT_HUMAN ? fmt_count(v, width, buf, len) : put_u64(buf, len, v);
}

static int fmt_a_sessions(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_count(buf, len, A(r)->sessions, W_SESS, st);
}

static int fmt_a_tx(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_bytes(buf, len, A(r)->tx_bytes, st);
}

static int fmt_a_rx(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_bytes(buf, len, A(r)->rx_bytes, st);
}

static int fmt_a_avg(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_dur(buf, len, agg_avg_us(A(r)), st);
}

static int fmt_a_max(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_dur(buf, len, A(r)->dur_max_us, st);
}

static int fmt_a_rsts(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_count(buf, len, A(r)->rsts, W_COUNT, st);
}

static int fmt_a_fails(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_count(buf, len, A(r)->fails, W_COUNT, st);
}

/* A distinct count: exact, the number recorded (a lower bound when
 * capped); human adds "+" then, and `unit` after it ("3 netns"). */
static int put_at_least(char *buf, size_t len, uint64_t v, bool at_least, const char *unit,
			enum fmt_style st)
{
	int n = snprintf(buf, len, "%llu%s%s", (unsigned long long)v,
			 st == FMT_HUMAN && at_least ? "+" : "", st == FMT_HUMAN ? unit : "");

	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

static int fmt_a_peers(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_at_least(buf, len, A(r)->peers, A(r)->peers_at_least, "", st);
}

static int fmt_a_last(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_time(buf, len, A(r)->last_ns, st);
}

/*
 * A summary's namespace: its number when all its sessions were in one ("-"
 * on screen for 0, not known: a file without the column), on screen the
 * count when they were in several ("3 netns"), 0 in exports, where
 * netns_count says how many. Sorted by the count, then the number: rows of
 * one namespace first, by namespace.
 */
static int cmp_a_netns(const void *a, const void *b)
{
	int c = CMP(A(a)->netns_count, A(b)->netns_count);

	return c ? c : CMP(A(a)->netns_count > 1 ? 0 : A(a)->netns,
			   A(b)->netns_count > 1 ? 0 : A(b)->netns);
}

static struct col_key key_a_netns(const void *a)
{
	struct col_key k = { A(a)->netns_count, A(a)->netns_count > 1 ? 0 : A(a)->netns };

	return k;
}

static int fmt_a_netns(const void *r, char *buf, size_t len, enum fmt_style st)
{
	const struct agg_row *a = A(r);

	if (a->netns_count <= 1) {
		if (st == FMT_HUMAN && !a->netns)
			return put_str(buf, len, "-");
		return put_u64(buf, len, a->netns);
	}
	if (st != FMT_HUMAN)
		return put_u64(buf, len, 0);
	return put_at_least(buf, len, a->netns_count, a->netns_at_least, " netns", st);
}

AGG_CMP(netns_count, netns_count)

static int fmt_a_netns_count(const void *r, char *buf, size_t len, enum fmt_style st)
{
	return put_at_least(buf, len, A(r)->netns_count, A(r)->netns_at_least, "", st);
}

static uint64_t rate_now_ns;

void columns_set_rate_now(uint64_t now_ns)
{
	rate_now_ns = now_ns;
}

/* The rate in thousandths of a session a second: what is sorted and shown. */
static uint64_t rate_milli(const struct agg_row *r)
{
	return rate_now_ns ? (uint64_t)(agg_row_rate(r, rate_now_ns) * 1000.0 + 0.5) : 0;
}

static int cmp_a_rate(const void *a, const void *b)
{
	return CMP(rate_milli(A(a)), rate_milli(A(b)));
}

static struct col_key key_a_rate(const void *a)
{
	return key_u64(rate_milli(A(a)));
}

/* Screen: "0", "0.4", "12", "350", "1.2K" (one decimal below 10); exports:
 * three decimals. */
static int fmt_a_rate(const void *r, char *buf, size_t len, enum fmt_style st)
{
	uint64_t m = rate_milli(A(r));
	int n;

	if (st != FMT_HUMAN)
		n = snprintf(buf, len, "%llu.%03llu", (unsigned long long)(m / 1000),
			     (unsigned long long)(m % 1000));
	else if (m == 0)
		n = snprintf(buf, len, "0");
	else if (m < 9950)
		n = snprintf(buf, len, "%.1f", (double)m / 1000.0);
	else if (m < 9999500)
		n = snprintf(buf, len, "%llu", (unsigned long long)((m + 500) / 1000));
	else
		return fmt_count((m + 500) / 1000, 5, buf, len);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

/* The summaries' shared columns (MAX is in the narrow set or not). */
#define A_SESS { COL_SESSIONS, "sessions", "SESS", W_SESS, true, true, N, cmp_a_sessions, fmt_a_sessions, key_a_sessions, true }
#define A_RATE { COL_RATE, "rate_per_s", "RATE", 5, true, false, N, cmp_a_rate, fmt_a_rate, key_a_rate, true }
#define A_TX { COL_TX_BYTES, "tx_bytes", "TX", 6, true, true, N, cmp_a_tx, fmt_a_tx, key_a_tx, true }
#define A_RX { COL_RX_BYTES, "rx_bytes", "RX", 6, true, true, N, cmp_a_rx, fmt_a_rx, key_a_rx, true }
#define A_AVG { COL_AVG, "avg_ms", "AVG", 6, true, true, N, cmp_a_avg, fmt_a_avg, key_a_avg, false }
#define A_MAX(narrow) { COL_MAX, "max_ms", "MAX", 6, true, narrow, N, cmp_a_max, fmt_a_max, key_a_max, true }
#define A_RSTS { COL_RSTS, "rsts", "RST", W_COUNT, true, true, N, cmp_a_rsts, fmt_a_rsts, key_a_rsts, true }
#define A_FAILS { COL_FAILS, "fails", "FAIL", W_COUNT, true, true, N, cmp_a_fails, fmt_a_fails, key_a_fails, true }
#define A_PEERS { COL_PEERS, "peers", "PEERS", 6, true, true, N, cmp_a_peers, fmt_a_peers, key_a_peers, true }
#define A_LAST { COL_LAST_SEEN, "last_seen", "LAST", 8, false, true, T, cmp_a_last, fmt_a_last, key_a_last, true }
#define A_NETNS { COL_NETNS, "netns", "NETNS", 11, true, false, N, cmp_a_netns, fmt_a_netns, key_a_netns, true }, \
	{ COL_NETNS_COUNT, "netns_count", "NS", 5, true, false, N, cmp_a_netns_count, fmt_a_netns_count, key_a_netns_count, true }

static const struct column proc_cols[] = {
	{ COL_PID, "pid", "PID", 7, true, true, N, cmp_a_pid, fmt_a_pid, key_a_pid, true },
	{ COL_COMM, "comm", "COMM", 15, false, true, U, cmp_a_comm, fmt_a_comm, key_a_comm, true },
	A_SESS, A_RATE, A_TX, A_RX, A_AVG, A_MAX(false), A_RSTS, A_FAILS, A_PEERS, A_LAST, A_NETNS,
};

static const struct column port_cols[] = {
	{ COL_PORT, "port", "PORT", 5, true, true, N, cmp_a_port, fmt_a_port, key_a_port, true },
	A_SESS, A_RATE, A_PEERS, A_TX, A_RX, A_AVG, A_MAX(true), A_RSTS, A_FAILS, A_LAST, A_NETNS,
};

/* A peer's PORTS counts its service ports, kept in the field that counts
 * the other summaries' peers. */
static const struct column peer_cols[] = {
	{ COL_RADDR, "raddr", "RADDR", 15, false, true, T, cmp_a_raddr, fmt_a_raddr, key_a_raddr, true },
	{ COL_FAMILY, "family", "IP", 2, true, false, N, cmp_a_family, fmt_a_family, key_a_family, true },
	A_SESS, A_RATE,
	{ COL_PORTS, "ports", "PORTS", 5, true, true, N, cmp_a_peers, fmt_a_peers, key_a_peers, true },
	A_TX, A_RX, A_AVG, A_MAX(true), A_RSTS, A_FAILS, A_LAST, A_NETNS,
};

#undef N
#undef T
#undef U

_Static_assert(ARRAY_LEN(session_cols) <= COL_MAX_COLUMNS, "COL_MAX_COLUMNS");
_Static_assert(ARRAY_LEN(proc_cols) <= COL_MAX_COLUMNS, "COL_MAX_COLUMNS");
_Static_assert(ARRAY_LEN(port_cols) <= COL_MAX_COLUMNS, "COL_MAX_COLUMNS");
_Static_assert(ARRAY_LEN(peer_cols) <= COL_MAX_COLUMNS, "COL_MAX_COLUMNS");

const struct column *columns_for(enum view_kind kind, size_t *n)
{
	switch (kind) {
	case VIEW_SESSIONS:
		*n = ARRAY_LEN(session_cols);
		return session_cols;
	case VIEW_PROCS:
		*n = ARRAY_LEN(proc_cols);
		return proc_cols;
	case VIEW_PORTS:
		*n = ARRAY_LEN(port_cols);
		return port_cols;
	case VIEW_PEERS:
		*n = ARRAY_LEN(peer_cols);
		return peer_cols;
	default:
		*n = 0;
		return NULL;
	}
}

const struct column *column_find(enum view_kind kind, const char *name)
{
	size_t i, n;
	const struct column *cols = columns_for(kind, &n);

	for (i = 0; i < n && name; i++)
		if (strcmp(cols[i].name, name) == 0)
			return &cols[i];
	return NULL;
}

const struct column *column_by_id(enum view_kind kind, enum col_id id)
{
	size_t i, n;
	const struct column *cols = columns_for(kind, &n);

	for (i = 0; i < n; i++)
		if (cols[i].id == id)
			return &cols[i];
	return NULL;
}

/* What n rows of a view are: "1 session", "2 processes". */
const char *view_kind_noun(enum view_kind kind, size_t n)
{
	if (n != 1)
		return view_kind_name(kind);
	switch (kind) {
	case VIEW_SESSIONS:
		return "session";
	case VIEW_PROCS:
		return "process";
	case VIEW_PORTS:
		return "port";
	case VIEW_PEERS:
		return "peer";
	default:
		return "?";
	}
}

const char *view_kind_name(enum view_kind kind)
{
	switch (kind) {
	case VIEW_SESSIONS:
		return "sessions";
	case VIEW_PROCS:
		return "processes";
	case VIEW_PORTS:
		return "ports";
	case VIEW_PEERS:
		return "peers";
	default:
		return "?";
	}
}
