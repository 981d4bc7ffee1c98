// SPDX-License-Identifier: GPL-2.0
/* Bounded history of closed sessions; see session_log.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hugemem.h"
#include "core/session_log.h"

struct session_log {
	struct session *slots;	/* capacity entries, mapped once */
	size_t bytes;		/* capacity * sizeof(struct session) */
	size_t mapped;		/* what hugemem_alloc() mapped */
	uint64_t id;
	size_t capacity;
	size_t oldest;		/* index of session 0 */
	size_t len;
	uint64_t pushed;
	uint64_t evicted;
};

static uint64_t next_id;

struct session_log *session_log_new(size_t capacity)
{
	struct session_log *log;

	if (capacity == 0 || capacity > SESSION_LOG_MAX_CAPACITY) {
		errno = EINVAL;
		return NULL;
	}
	log = calloc(1, sizeof(*log));
	if (!log)
		goto err;
	/* Whole pages, zero-filled on first touch, returned whole at free;
	 * huge pages from 2 MiB up (hugemem.h says why). */
	log->bytes = capacity * sizeof(*log->slots);
	log->slots = hugemem_alloc(log->bytes, &log->mapped);
	if (!log->slots)
		goto err_free_log;
	log->capacity = capacity;
	log->id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
	return log;

err_free_log:
	free(log);
err:
	errno = ENOMEM;
	return NULL;
}

void session_log_free(struct session_log *log)
{
	if (!log)
		return;
	hugemem_free(log->slots, log->mapped);
	free(log);
}

void session_log_push(struct session_log *log, const struct session *s)
{
	size_t slot;

	if (log->len < log->capacity) {
		slot = log->oldest + log->len;
		if (slot >= log->capacity)
			slot -= log->capacity;
		log->len++;
	} else {
		slot = log->oldest;
		if (++log->oldest == log->capacity)
			log->oldest = 0;
		log->evicted++;
	}
	log->slots[slot] = *s;
	log->pushed++;
}

void session_log_clear(struct session_log *log)
{
	log->oldest = 0;
	log->len = 0;
}

size_t session_log_len(const struct session_log *log)
{
	return log->len;
}

size_t session_log_capacity(const struct session_log *log)
{
	return log->capacity;
}

uint64_t session_log_evicted(const struct session_log *log)
{
	return log->evicted;
}

uint64_t session_log_pushed(const struct session_log *log)
{
	return log->pushed;
}

const struct session *session_log_at(const struct session_log *log, size_t i)
{
	size_t slot;

	if (i >= log->len)
		return NULL;
	slot = log->oldest + i;
	if (slot >= log->capacity)
		slot -= log->capacity;
	return &log->slots[slot];
}

uint64_t session_log_seq(const struct session_log *log, size_t i)
{
	return log->pushed - log->len + i;
}

uint64_t session_log_seq_of(const struct session_log *log, const struct session *s)
{
	size_t slot = (size_t)(s - log->slots);
	size_t i = slot >= log->oldest ? slot - log->oldest : slot + log->capacity - log->oldest;

	return log->pushed - log->len + i;
}

uint64_t session_log_id(const struct session_log *log)
{
	return log->id;
}

int session_log_prefault(struct session_log *log)
{
	return mem_populate(log->slots, log->bytes < SESSION_LOG_PREFAULT_MAX
						  ? log->bytes : SESSION_LOG_PREFAULT_MAX);
}
