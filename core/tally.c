// SPDX-License-Identifier: GPL-2.0
/* Counting a set of sessions by port, process, peer or namespace; see tally.h. */
#include <stdbool.h>
#include <string.h>

#include "core/tally.h"

static bool same_key(enum tally_kind kind, const struct tally_entry *e, const struct session *s)
{
	switch (kind) {
	case TALLY_PORT:
		return e->port == session_service_port(s);
	case TALLY_PROC:
		return e->pid == s->pid && !strncmp(e->comm, s->comm, SESSION_COMM_LEN);
	case TALLY_NETNS:
		return e->netns == s->netns;
	default:
		return !memcmp(&e->addr, &s->raddr, sizeof(e->addr));
	}
}

static void set_key(enum tally_kind kind, struct tally_entry *e, const struct session *s)
{
	memset(e, 0, sizeof(*e));
	switch (kind) {
	case TALLY_PORT:
		e->port = session_service_port(s);
		break;
	case TALLY_PROC:
		e->pid = s->pid;
		memcpy(e->comm, s->comm, strnlen(s->comm, SESSION_COMM_LEN - 1));
		break;
	case TALLY_NETNS:
		e->netns = s->netns;
		break;
	default:
		e->addr = s->raddr;
	}
}

void tally_sessions(struct tally *t, enum tally_kind kind, const struct session *const *s,
		    size_t n)
{
	size_t i, j;

	t->kind = kind;
	t->n = 0;
	t->others = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < t->n && !same_key(kind, &t->e[j], s[i]); j++)
			;
		if (j == t->n) {
			if (t->n == TALLY_MAX) {
				t->others++;
				continue;
			}
			set_key(kind, &t->e[t->n++], s[i]);
		}
		t->e[j].count++;
	}
	/* most first; a stable insertion sort keeps ties in first-seen order */
	for (i = 1; i < t->n; i++) {
		struct tally_entry e = t->e[i];

		for (j = i; j > 0 && t->e[j - 1].count < e.count; j--)
			t->e[j] = t->e[j - 1];
		t->e[j] = e;
	}
}
