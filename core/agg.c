// SPDX-License-Identifier: GPL-2.0
/* Aggregation tables over uthash; see agg.h. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr_set.h"
#include "core/agg.h"
#include "core/hash.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

#define AGG_RECENT 4	/* rows looked at before the hash table */
#define PEER_PORTS_INLINE 8	/* a peer's first service ports, kept in its node */

/* Hashed as raw bytes: always memset() before filling. */
struct agg_key {
	uint32_t pid;
	uint16_t port;
	uint16_t zero;
	union {			/* 16 bytes either way: the key stays 24 */
		char comm[SESSION_COMM_LEN];	/* AGG_PROC */
		struct in6_addr addr;		/* AGG_PEER */
	};
};

_Static_assert(sizeof(struct agg_key) == 24, "agg_key: hashed and compared whole");

struct agg_node {
	struct agg_row row;	/* what callers see */
	struct agg_key key;
	/* AGG_PEER: its first service ports here, on lines the update
	 * touches anyway (in a set of their own, a model_add() loop over 64
	 * peers in turn took 10 ns a session more); past PEER_PORTS_INLINE,
	 * the rest in peers. */
	uint16_t ports[PEER_PORTS_INLINE];
	uint8_t nports;
	uint32_t name_sessions;	/* AGG_PID: the sessions of the row its name is from
				 * (held at UINT32_MAX; in the padding here) */
	struct addr_set peers;	/* distinct remote addresses; AGG_PEER: its other
				 * service ports, as addresses (port_member()) */
	struct addr_set netnses;	/* its namespaces (netns_member()), once it has
					 * a second: empty while it has one */
	UT_hash_handle hh;
};

struct agg_table {
	enum agg_kind kind;
	bool by_netns;		/* AGG_PORT, AGG_PEER: the namespace in the key */
	struct agg_node *head;	/* uthash head */
	uint32_t peer_cap;
	uint64_t dropped;
	size_t max_rows;	/* 0: unbounded */
	/* The rows found or added last, newest first: sessions come in runs,
	 * and often from a few processes in turn (a client and its server). */
	struct agg_node *recent[AGG_RECENT];
	uint64_t evicted;	/* rows forgotten to stay within max_rows */
};

static struct agg_node *node_of(const struct agg_row *r)
{
	return (struct agg_node *)((char *)r - offsetof(struct agg_node, row));
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

struct agg_table *agg_table_new(enum agg_kind kind)
{
	struct agg_table *t;

	if (kind != AGG_PROC && kind != AGG_PID && kind != AGG_PORT && kind != AGG_PEER) {
		errno = EINVAL;
		return NULL;
	}
	t = hash_alloc(sizeof(*t));
	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->peer_cap = kind == AGG_PROC || kind == AGG_PID ? AGG_PROC_PEERS_MAX : AGG_PORT_PEERS_MAX;
	return t;
}

/* Free a node taken out of its table. */
static void node_fini(struct agg_node *n)
{
	addr_set_fini(&n->peers);
	addr_set_fini(&n->netnses);
	hash_free(n);
}

void agg_table_clear(struct agg_table *t)
{
	struct agg_node *n, *tmp;

	HASH_ITER(hh, t->head, n, tmp) {
		HASH_DEL(t->head, n);
		node_fini(n);
	}
	t->head = NULL;
	memset(t->recent, 0, sizeof(t->recent));
}

void agg_table_free(struct agg_table *t)
{
	if (!t)
		return;
	agg_table_clear(t);
	hash_free(t);
}

static void make_key(struct agg_key *k, enum agg_kind kind, uint32_t pid, const char *comm,
		     uint16_t port, const struct in6_addr *addr)
{
	memset(k, 0, sizeof(*k));
	if (kind == AGG_PROC) {
		k->pid = pid;
		memcpy(k->comm, comm, strnlen(comm, SESSION_COMM_LEN - 1));
	} else if (kind == AGG_PID) {
		k->pid = pid;
	} else if (kind == AGG_PORT) {
		k->port = port;
	} else {
		k->addr = *addr;
	}
}

/* A service port as a member of an addr_set (a peer's distinct ports). */
static struct in6_addr port_member(uint16_t port)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	a.s6_addr[14] = (uint8_t)(port >> 8);
	a.s6_addr[15] = (uint8_t)port;
	return a;
}

/* A network namespace as a member of an addr_set. */
static struct in6_addr netns_member(uint32_t netns)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	memcpy(a.s6_addr, &netns, sizeof(netns));
	return a;
}

/* Count netns among the row's namespaces: a row's second namespace puts
 * its first in the set too. */
static void netns_add(struct agg_node *n, uint32_t netns)
{
	struct in6_addr member;

	if (!n->netnses.len) {
		member = netns_member(n->row.netns);
		addr_set_add(&n->netnses, &member);
	}
	member = netns_member(netns);
	addr_set_add(&n->netnses, &member);
	n->row.netns_count = n->netnses.len ? n->netnses.len : 1;
	n->row.netns_at_least = n->netnses.capped;
}

/* A row among the recent ones, or NULL. */
static struct agg_node *recent_find(const struct agg_table *t, const struct agg_key *k)
{
	for (size_t i = 0; i < AGG_RECENT && t->recent[i]; i++)
		if (!memcmp(&t->recent[i]->key, k, sizeof(*k)))
			return t->recent[i];
	return NULL;
}

/* n becomes the newest of the recent rows (each row at most once). */
static void recent_put(struct agg_table *t, struct agg_node *n)
{
	size_t i;

	for (i = 0; i < AGG_RECENT - 1 && t->recent[i] != n; i++)
		;
	memmove(&t->recent[1], &t->recent[0], i * sizeof(t->recent[0]));
	t->recent[0] = n;
}

static struct agg_node *find_node(const struct agg_table *t, const struct agg_key *k)
{
	struct agg_node *n = NULL;

	HASH_FIND(hh, t->head, k, sizeof(*k), n);
	return n;
}

void agg_table_by_netns(struct agg_table *t, bool on)
{
	if ((t->kind != AGG_PORT && t->kind != AGG_PEER) || t->by_netns == on)
		return;
	agg_table_clear(t);
	t->by_netns = on;
}

void agg_table_set_max_rows(struct agg_table *t, size_t max_rows)
{
	t->max_rows = max_rows;
}

uint64_t agg_table_evicted(const struct agg_table *t)
{
	return t->evicted;
}

static int cmp_last_seen(const void *a, const void *b)
{
	const struct agg_node *x = *(struct agg_node *const *)a, *y = *(struct agg_node *const *)b;
	int c = (x->row.last_ns > y->row.last_ns) - (x->row.last_ns < y->row.last_ns);

	return c ? c : agg_row_key_cmp(&x->row, &y->row);
}

/* Over max_rows: forget the tenth of the rows that were seen longest ago,
 * so that the cost is paid once per max_rows / 10 new keys. */
static void evict_oldest(struct agg_table *t)
{
	size_t n = HASH_COUNT(t->head), drop = t->max_rows / 10 + 1, i = 0;
	struct agg_node **v, *node, *tmp;

	v = malloc(n * sizeof(*v));
	if (!v)
		return;	/* try again on the next new key */
	HASH_ITER(hh, t->head, node, tmp)
		v[i++] = node;
	qsort(v, n, sizeof(*v), cmp_last_seen);
	if (drop > n)
		drop = n;
	memset(t->recent, 0, sizeof(t->recent));
	for (i = 0; i < drop; i++) {
		HASH_DEL(t->head, v[i]);
		node_fini(v[i]);
	}
	t->evicted += drop;
	free(v);
}

/* Count port among a peer's distinct service ports. */
static void peer_port_add(struct agg_node *n, uint16_t port)
{
	struct in6_addr member;
	uint8_t i;

	for (i = 0; i < n->nports; i++)
		if (n->ports[i] == port)
			return;
	if (n->nports < PEER_PORTS_INLINE) {
		n->ports[n->nports++] = port;
	} else {
		member = port_member(port);
		addr_set_add(&n->peers, &member);
	}
	n->row.peers = n->nports + n->peers.len;
}

/* A new row for key k in t (its key fields set, first seen at first_ns),
 * or NULL without memory. */
static struct agg_node *node_new(struct agg_table *t, const struct agg_key *k, uint64_t first_ns)
{
	struct agg_node *n = hash_alloc(sizeof(*n));

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->key = *k;
	n->row.kind = t->kind;
	n->row.by_netns = t->by_netns;
	n->row.pid = t->by_netns ? 0 : k->pid;
	n->row.port = k->port;
	if (t->kind == AGG_PEER)
		n->row.raddr = k->addr;
	else
		memcpy(n->row.comm, k->comm, sizeof(n->row.comm));
	n->row.first_ns = first_ns;
	n->row.netns_count = 1;
	addr_set_init(&n->peers, t->peer_cap);
	addr_set_init(&n->netnses, AGG_NETNS_MAX);
	HASH_ADD(hh, t->head, key, sizeof(n->key), n);
	if (HASH_ADD_FAILED(n)) {
		hash_free(n);
		return NULL;
	}
	return n;
}

static uint32_t sat_add32(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/*
 * Count cur sessions in bucket b, and prev in the one before, into r's two
 * buckets (a session, or a row merged). A bucket older than r's previous
 * one is past the window: not counted. A row's first session starts it
 * (rate_bucket 0 with nothing counted).
 */
static void rate_count(struct agg_row *r, uint32_t b, uint32_t cur, uint32_t prev)
{
	if (b == r->rate_bucket) {
		r->rate_cur = sat_add32(r->rate_cur, cur);
		r->rate_prev = sat_add32(r->rate_prev, prev);
	} else if (b > r->rate_bucket || (!r->rate_cur && !r->rate_prev)) {
		/* newer: what was current is the previous bucket, or older */
		r->rate_prev = sat_add32(b == r->rate_bucket + 1 ? r->rate_cur : 0, prev);
		r->rate_cur = cur;
		r->rate_bucket = b;
	} else if (b == r->rate_bucket - 1) {
		r->rate_prev = sat_add32(r->rate_prev, cur);	/* closed a little late */
	}
}

double agg_row_rate(const struct agg_row *r, uint64_t now_ns)
{
	uint64_t now_b = now_ns >> AGG_RATE_SHIFT;
	/* the part of the current bucket gone by: the previous one's weight is the rest */
	double into = (double)(now_ns & (AGG_RATE_BUCKET_NS - 1)) / (double)AGG_RATE_BUCKET_NS;
	double n;

	if (now_b == r->rate_bucket)
		n = r->rate_cur + r->rate_prev * (1.0 - into);
	else if (now_b == (uint64_t)r->rate_bucket + 1)
		n = r->rate_cur * (1.0 - into);
	else
		return 0.0;
	return n * 1e9 / (double)AGG_RATE_BUCKET_NS;
}

int agg_add(struct agg_table *t, const struct session *s)
{
	struct agg_key k;
	struct agg_node *n;
	struct agg_row *r;
	uint32_t rate_b;

	if (t->kind == AGG_PID)
		return -EINVAL;
	make_key(&k, t->kind, s->pid, s->comm, session_service_port(s), &s->raddr);
	if (t->by_netns)
		k.pid = s->netns;	/* AGG_PORT, AGG_PEER by namespace: where a
					 * process's pid would be */
	n = recent_find(t, &k);
	if (!n)
		n = find_node(t, &k);
	if (!n) {
		n = node_new(t, &k, s->start_ns);
		if (!n)
			goto oom;
		n->row.netns = s->netns;
		if (t->max_rows && HASH_COUNT(t->head) > t->max_rows) {
			n->row.last_ns = UINT64_MAX;	/* not the one to go */
			evict_oldest(t);
			n->row.last_ns = 0;
		}
	}
	recent_put(t, n);
	r = &n->row;
	r->sessions++;
	r->tx_bytes = sat_add(r->tx_bytes, s->tx_bytes);
	r->rx_bytes = sat_add(r->rx_bytes, s->rx_bytes);
	r->dur_sum_us = sat_add(r->dur_sum_us, s->dur_us);
	if (s->dur_us > r->dur_max_us)
		r->dur_max_us = s->dur_us;
	if (session_is_rst(s))
		r->rsts++;
	if (session_is_failure(s))
		r->fails++;
	r->by_cause[(unsigned)s->cause < CAUSE_MAX ? s->cause : CAUSE_UNKNOWN]++;
	r->in += s->dir == DIR_IN;
	r->out += s->dir == DIR_OUT;
	if (s->start_ns < r->first_ns)
		r->first_ns = s->start_ns;
	if (s->end_ns > r->last_ns)
		r->last_ns = s->end_ns;
	rate_b = (uint32_t)(s->end_ns >> AGG_RATE_SHIFT);
	if (rate_b == r->rate_bucket && r->rate_cur && r->rate_cur < UINT32_MAX)
		r->rate_cur++;		/* nearly every session: the bucket of the last */
	else
		rate_count(r, rate_b, 1, 0);
	if (t->kind == AGG_PEER) {
		peer_port_add(n, session_service_port(s));
	} else {
		addr_set_add(&n->peers, &s->raddr);
		r->peers = n->peers.len;
	}
	r->peers_at_least = n->peers.capped;
	if (s->netns != r->netns)
		netns_add(n, s->netns);	/* (a host without containers: never) */
	return 0;

oom:
	t->dropped++;
	return -ENOMEM;
}

int agg_merge_pids(struct agg_table *dst, const struct agg_row *const *rows, size_t n)
{
	struct agg_key k;
	size_t i, c;

	if (dst->kind != AGG_PID)
		return -EINVAL;
	agg_table_clear(dst);
	for (i = 0; i < n; i++) {
		const struct agg_row *s = rows[i];
		const struct agg_node *from = node_of(s);
		struct agg_node *to;
		struct agg_row *r;

		if (s->kind != AGG_PROC) {
			agg_table_clear(dst);
			return -EINVAL;
		}
		make_key(&k, AGG_PID, s->pid, NULL, 0, NULL);
		to = find_node(dst, &k);
		if (!to) {
			to = node_new(dst, &k, s->first_ns);
			if (!to)
				goto oom;
			to->row.netns = s->netns;
		}
		r = &to->row;
		if (s->sessions > to->name_sessions) {	/* a row has one at least */
			memcpy(r->comm, s->comm, sizeof(r->comm));
			to->name_sessions = s->sessions < UINT32_MAX ? (uint32_t)s->sessions
								     : UINT32_MAX;
		}
		r->names++;
		r->sessions = sat_add(r->sessions, s->sessions);
		r->tx_bytes = sat_add(r->tx_bytes, s->tx_bytes);
		r->rx_bytes = sat_add(r->rx_bytes, s->rx_bytes);
		r->dur_sum_us = sat_add(r->dur_sum_us, s->dur_sum_us);
		if (s->dur_max_us > r->dur_max_us)
			r->dur_max_us = s->dur_max_us;
		r->rsts = sat_add(r->rsts, s->rsts);
		r->fails = sat_add(r->fails, s->fails);
		for (c = 0; c < CAUSE_MAX; c++)
			r->by_cause[c] = sat_add(r->by_cause[c], s->by_cause[c]);
		r->in = sat_add(r->in, s->in);
		r->out = sat_add(r->out, s->out);
		if (s->first_ns < r->first_ns)
			r->first_ns = s->first_ns;
		if (s->last_ns > r->last_ns)
			r->last_ns = s->last_ns;
		rate_count(r, s->rate_bucket, s->rate_cur, s->rate_prev);
		addr_set_union(&to->peers, &from->peers);
		r->peers = to->peers.len;
		r->peers_at_least = to->peers.capped;
		if (from->netnses.len || s->netns != r->netns) {
			netns_add(to, s->netns);
			addr_set_union(&to->netnses, &from->netnses);
			r->netns_count = to->netnses.len;
			r->netns_at_least = to->netnses.capped;
		}
	}
	return 0;

oom:
	agg_table_clear(dst);
	dst->dropped++;
	return -ENOMEM;
}

enum agg_kind agg_table_kind(const struct agg_table *t)
{
	return t->kind;
}

size_t agg_table_len(const struct agg_table *t)
{
	return HASH_COUNT(t->head);
}

uint64_t agg_table_dropped(const struct agg_table *t)
{
	return t->dropped;
}

void agg_table_set_peer_cap(struct agg_table *t, uint32_t max)
{
	t->peer_cap = max;
}

const struct agg_row *agg_table_first(const struct agg_table *t)
{
	return t->head ? &t->head->row : NULL;
}

const struct agg_row *agg_row_next(const struct agg_row *r)
{
	struct agg_node *next = node_of(r)->hh.next;

	return next ? &next->row : NULL;
}

const struct agg_row *agg_find_proc(const struct agg_table *t, uint32_t pid, const char *comm)
{
	struct agg_key k;
	struct agg_node *n;

	if (t->kind != AGG_PROC)
		return NULL;
	make_key(&k, AGG_PROC, pid, comm, 0, NULL);
	n = find_node(t, &k);
	return n ? &n->row : NULL;
}

const struct agg_row *agg_find_port(const struct agg_table *t, uint16_t port)
{
	struct agg_key k;
	struct agg_node *n;

	if (t->kind != AGG_PORT)
		return NULL;
	make_key(&k, AGG_PORT, 0, NULL, port, NULL);
	n = find_node(t, &k);
	return n ? &n->row : NULL;
}

const struct agg_row *agg_find_peer(const struct agg_table *t, const struct in6_addr *addr)
{
	struct agg_key k;
	struct agg_node *n;

	if (t->kind != AGG_PEER)
		return NULL;
	make_key(&k, AGG_PEER, 0, NULL, 0, addr);
	n = find_node(t, &k);
	return n ? &n->row : NULL;
}

int agg_row_key_cmp(const struct agg_row *a, const struct agg_row *b)
{
	int c;

	if (a->kind == AGG_PORT || a->kind == AGG_PEER) {
		c = a->kind == AGG_PORT ? CMP(a->port, b->port)
					: CMP(memcmp(&a->raddr, &b->raddr, sizeof(a->raddr)), 0);
		if (c || !a->by_netns || !b->by_netns)
			return c;
		return CMP(a->netns, b->netns);
	}
	c = CMP(a->pid, b->pid);
	if (c)
		return c;
	c = memcmp(a->comm, b->comm, SESSION_COMM_LEN);
	return CMP(c, 0);
}
