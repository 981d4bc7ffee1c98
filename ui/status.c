// SPDX-License-Identifier: GPL-2.0
/* Kept messages for the status line; see status.h. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ui/state.h"
#include "ui/status.h"

static struct {
	char text[UI_STATUS_LINE];
	time_t when;
	int level;
} lines[UI_STATUS_KEEP];
static size_t head;	/* next slot */
static size_t count;
static unsigned log_seq;
static bool active;
/* The collector may log from the monitor's drain thread (core/spool.h). A
 * line ui_status_at() returned stays whole until UI_STATUS_KEEP more come. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* What of a line is kept: up to its first line feed, cut to fit. */
static size_t kept_len(const char *line)
{
	size_t n = strcspn(line, "\n");

	return n < UI_STATUS_LINE ? n : UI_STATUS_LINE - 1;
}

static void keep(int level, const char *line)
{
	size_t n = kept_len(line);

	memcpy(lines[head].text, line, n);
	lines[head].text[n] = '\0';
	lines[head].when = time(NULL);
	lines[head].level = level;
	head = (head + 1) % UI_STATUS_KEEP;
	if (count < UI_STATUS_KEEP)
		count++;
}

void ui_status_log(void *ctx, const char *line)
{
	if (!line)
		return;
	pthread_mutex_lock(&mu);
	keep(MSG_WARN, line);
	log_seq++;
	if (!active) {
		size_t n = strlen(line);

		fprintf(stderr, "tcpscope: %s%s", line, n && line[n - 1] == '\n' ? "" : "\n");
	}
	pthread_mutex_unlock(&mu);
}

static void add_locked(int level, const char *line)
{
	size_t last = (head + UI_STATUS_KEEP - 1) % UI_STATUS_KEEP, n = kept_len(line);

	/* The same line again (a key held, a paste refused key by key): its
	 * time moves on, rather than the log filling with it (until
	 * 2026-12-06 a 600-character paste left 13 "too long" lines). */
	if (count && lines[last].level == level && !strncmp(lines[last].text, line, n) &&
	    !lines[last].text[n]) {
		lines[last].when = time(NULL);
		return;
	}
	keep(level, line);
}

void ui_status_add(int level, const char *line)
{
	pthread_mutex_lock(&mu);
	add_locked(level, line);
	pthread_mutex_unlock(&mu);
}

void ui_status_set_active(bool on)
{
	pthread_mutex_lock(&mu);
	active = on;
	pthread_mutex_unlock(&mu);
}

size_t ui_status_count(void)
{
	size_t n;

	pthread_mutex_lock(&mu);
	n = count;
	pthread_mutex_unlock(&mu);
	return n;
}

const char *ui_status_at(size_t i, time_t *when, int *level)
{
	size_t slot;

	pthread_mutex_lock(&mu);
	if (i >= count) {
		pthread_mutex_unlock(&mu);
		return NULL;
	}
	slot = (head + UI_STATUS_KEEP - count + i) % UI_STATUS_KEEP;
	if (when)
		*when = lines[slot].when;
	if (level)
		*level = lines[slot].level;
	pthread_mutex_unlock(&mu);
	return lines[slot].text;
}

unsigned ui_status_log_seq(void)
{
	unsigned v;

	pthread_mutex_lock(&mu);
	v = log_seq;
	pthread_mutex_unlock(&mu);
	return v;
}
