// SPDX-License-Identifier: GPL-2.0
/* Sessions waiting for their owner and owners waiting for their session; see owner_wait.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/owner_wait.h"

/* One waiting record. The first of its socket is in the table; younger ones
 * of the same socket hang off it in arrival order (`same`). All are in the
 * FIFO, oldest first, which is also deadline order. */
struct node {
	uint64_t key;		/* the socket's identity */
	uint64_t t;		/* held: when the session ended; parked: when the owner was seen */
	uint64_t deadline;
	struct node *same;
	struct node *prev, *next;
	bool in_table;
	UT_hash_handle hh;
};

struct held {
	struct node n;		/* first */
	struct session s;
};

struct parked {
	struct node n;		/* first */
	uint32_t pid;
	char comm[SESSION_COMM_LEN];
};

struct queue {
	struct node *table;
	struct node *head, *tail;
	size_t n, max;
};

struct owner_wait {
	struct queue held;
	struct queue parked;
};

static struct node *first_of(struct queue *q, uint64_t key)
{
	struct node *f = NULL;

	HASH_FIND(hh, q->table, &key, sizeof(key), f);
	return f;
}

/* Add node (key, t and deadline set) at the young end. */
static int queue_add(struct queue *q, struct node *node)
{
	struct node *f = first_of(q, node->key);

	node->same = NULL;
	node->in_table = false;
	if (f) {
		while (f->same)
			f = f->same;
		f->same = node;
	} else {
		HASH_ADD(hh, q->table, key, sizeof(node->key), node);
		if (HASH_ADD_FAILED(node))
			return -ENOMEM;
		node->in_table = true;
	}
	node->next = NULL;
	node->prev = q->tail;
	if (q->tail)
		q->tail->next = node;
	else
		q->head = node;
	q->tail = node;
	q->n++;
	return 0;
}

/* Take node out (the caller frees it). */
static void queue_remove(struct queue *q, struct node *node)
{
	if (node->prev)
		node->prev->next = node->next;
	else
		q->head = node->next;
	if (node->next)
		node->next->prev = node->prev;
	else
		q->tail = node->prev;
	q->n--;

	if (node->in_table) {
		HASH_DEL(q->table, node);
		if (node->same) {
			/* The next of its socket takes its place. Should that
			 * fail for memory, the rest of the chain is reached by
			 * the FIFO only, and expires. */
			HASH_ADD(hh, q->table, key, sizeof(node->same->key), node->same);
			node->same->in_table = !HASH_ADD_FAILED(node->same);
		}
	} else {
		struct node *p = first_of(q, node->key);

		while (p && p->same != node)
			p = p->same;
		if (p)
			p->same = node->same;
	}
}

static void queue_clear(struct queue *q)
{
	struct node *n = q->head, *next;

	HASH_CLEAR(hh, q->table);
	for (; n; n = next) {
		next = n->next;
		free(n);
	}
	q->head = q->tail = NULL;
	q->n = 0;
}

struct owner_wait *owner_wait_new(size_t max_held, size_t max_parked)
{
	struct owner_wait *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->held.max = max_held;
	w->parked.max = max_parked;
	return w;
}

void owner_wait_free(struct owner_wait *w)
{
	if (!w)
		return;
	queue_clear(&w->held);
	queue_clear(&w->parked);
	free(w);
}

static void name(struct session *s, uint32_t pid, const char comm[SESSION_COMM_LEN])
{
	s->pid = pid;
	memcpy(s->comm, comm, SESSION_COMM_LEN);
	s->comm[SESSION_COMM_LEN - 1] = '\0';
	s->flags &= ~SESS_PID_UNCERTAIN;
}

int owner_wait_hold(struct owner_wait *w, uint64_t sock_id, uint64_t end_ns, uint64_t deadline,
		    const struct session *s)
{
	struct held *h;

	if (w->held.n >= w->held.max)
		return -ENOSPC;
	h = malloc(sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->n.key = sock_id;
	h->n.t = end_ns;
	h->n.deadline = deadline;
	h->s = *s;
	if (queue_add(&w->held, &h->n)) {
		free(h);
		return -ENOMEM;
	}
	return 0;
}

bool owner_wait_owner(struct owner_wait *w, uint64_t sock_id, uint64_t at_ns, uint32_t pid,
		      const char comm[SESSION_COMM_LEN], struct session *out)
{
	struct node *n;

	for (n = first_of(&w->held, sock_id); n; n = n->same) {
		struct held *h = (struct held *)n;

		if (n->t > at_ns)
			continue;	/* a later session of a reused socket */
		*out = h->s;
		name(out, pid, comm);
		queue_remove(&w->held, n);
		free(h);
		return true;
	}
	return false;
}

void owner_wait_park(struct owner_wait *w, uint64_t sock_id, uint64_t at_ns, uint32_t pid,
		     const char comm[SESSION_COMM_LEN], uint64_t deadline, uint64_t now)
{
	struct queue *q = &w->parked;
	struct parked *p;

	while (q->head && (q->head->deadline <= now || q->n >= q->max)) {
		struct node *old = q->head;

		queue_remove(q, old);
		free(old);
	}
	if (!q->max)
		return;
	p = malloc(sizeof(*p));
	if (!p)
		return;
	p->n.key = sock_id;
	p->n.t = at_ns;
	p->n.deadline = deadline;
	p->pid = pid;
	memcpy(p->comm, comm, SESSION_COMM_LEN);
	if (queue_add(q, &p->n))
		free(p);
}

bool owner_wait_unpark(struct owner_wait *w, uint64_t sock_id, uint64_t end_ns, uint64_t now,
		       struct session *s)
{
	struct node *n;

	for (n = first_of(&w->parked, sock_id); n; n = n->same) {
		struct parked *p = (struct parked *)n;

		/* Expired, or the owner of an earlier session of a reused
		 * socket. */
		if (n->deadline <= now || n->t < end_ns)
			continue;
		name(s, p->pid, p->comm);
		queue_remove(&w->parked, n);
		free(p);
		return true;
	}
	return false;
}

bool owner_wait_expired(struct owner_wait *w, uint64_t now, bool all, struct session *out)
{
	struct node *n = w->held.head;

	if (!n || (!all && n->deadline > now))
		return false;
	*out = ((struct held *)n)->s;
	queue_remove(&w->held, n);
	free(n);
	return true;
}

size_t owner_wait_held(const struct owner_wait *w)
{
	return w->held.n;
}

size_t owner_wait_parked(const struct owner_wait *w)
{
	return w->parked.n;
}
