// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/session_log.c (bounded history). */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/hugemem.h"
#include "core/session_log.h"

static struct session numbered(uint32_t i)
{
	return mk_session(i, "n", (uint16_t)i, 80, T0_NS + i);
}

static void test_new_rejects(void **state)
{
	errno = 0;
	assert_null(session_log_new(0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(session_log_new(SESSION_LOG_MAX_CAPACITY + 1));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(session_log_new(SIZE_MAX));
	assert_int_equal(errno, EINVAL);
	session_log_free(NULL);
}

static void test_push_and_order(void **state)
{
	struct session_log *log = session_log_new(4);
	struct session s;
	uint32_t i;

	assert_non_null(log);
	assert_int_equal(session_log_capacity(log), 4);
	assert_int_equal(session_log_len(log), 0);
	assert_null(session_log_at(log, 0));
	for (i = 0; i < 3; i++) {
		s = numbered(i);
		session_log_push(log, &s);
	}
	assert_int_equal(session_log_len(log), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(session_log_at(log, i)->pid, i);
	assert_null(session_log_at(log, 3));
	assert_true(session_log_evicted(log) == 0);
	assert_true(session_log_pushed(log) == 3);
	session_log_free(log);
}

static void test_evicts_oldest_and_counts(void **state)
{
	struct session_log *log = session_log_new(5);
	struct session s;
	uint32_t i;

	for (i = 0; i < 23; i++) {
		s = numbered(i);
		session_log_push(log, &s);
		assert_int_equal(session_log_len(log), i < 5 ? i + 1 : 5);
		assert_true(session_log_evicted(log) == (i < 5 ? 0 : i - 4));
		/* After every push: oldest first, newest last, in push order. */
		assert_int_equal(session_log_at(log, session_log_len(log) - 1)->pid, i);
		assert_int_equal(session_log_at(log, 0)->pid, i < 5 ? 0 : i - 4);
	}
	for (i = 0; i < 5; i++) {
		assert_int_equal(session_log_at(log, i)->pid, 18 + i);
		assert_true(session_log_seq(log, i) == 18 + i);
	}
	assert_true(session_log_pushed(log) == 23);
	assert_true(session_log_evicted(log) == 18);
	session_log_free(log);
}

static void test_copy_is_taken(void **state)
{
	struct session_log *log = session_log_new(2);
	struct session s = numbered(7);

	session_log_push(log, &s);
	s.pid = 99;
	strcpy(s.comm, "changed");
	assert_int_equal(session_log_at(log, 0)->pid, 7);
	assert_string_equal(session_log_at(log, 0)->comm, "n");
	session_log_free(log);
}

static void test_capacity_one(void **state)
{
	struct session_log *log = session_log_new(1);
	struct session s;
	uint32_t i;

	for (i = 0; i < 10; i++) {
		s = numbered(i);
		session_log_push(log, &s);
		assert_int_equal(session_log_len(log), 1);
		assert_int_equal(session_log_at(log, 0)->pid, i);
	}
	assert_true(session_log_evicted(log) == 9);
	session_log_free(log);
}

static void test_clear_keeps_counters(void **state)
{
	struct session_log *log = session_log_new(3);
	struct session s;
	uint32_t i;

	for (i = 0; i < 7; i++) {
		s = numbered(i);
		session_log_push(log, &s);
	}
	session_log_clear(log);
	assert_int_equal(session_log_len(log), 0);
	assert_null(session_log_at(log, 0));
	assert_true(session_log_pushed(log) == 7);
	assert_true(session_log_evicted(log) == 4);
	s = numbered(100);
	session_log_push(log, &s);
	assert_int_equal(session_log_at(log, 0)->pid, 100);
	assert_true(session_log_seq(log, 0) == 7);
	session_log_free(log);
}

/* seq_of() names the sequence of a live session wherever the ring has wrapped;
 * every log has its own id; a prefaulted log works as before. */
static void test_seq_of_id_and_prefault(void **state)
{
	struct session_log *log = session_log_new(5), *other = session_log_new(5);
	struct session s;
	uint32_t i;
	size_t j;

	assert_non_null(log);
	assert_non_null(other);
	assert_true(session_log_id(log) != session_log_id(other));
	assert_int_equal(session_log_prefault(log), 0);
	for (i = 0; i < 13; i++) {
		s = numbered(i);
		session_log_push(log, &s);
		for (j = 0; j < session_log_len(log); j++) {
			const struct session *p = session_log_at(log, j);

			assert_true(session_log_seq_of(log, p) == session_log_seq(log, j));
			assert_true(session_log_seq_of(log, p) == p->pid);	/* pushed i-th */
		}
	}
	session_log_clear(log);
	s = numbered(99);
	session_log_push(log, &s);
	assert_true(session_log_seq_of(log, session_log_at(log, 0)) == 13);
	session_log_free(log);
	session_log_free(other);
}

/* The kernel's transparent huge page mode: "always", "madvise" or "never"
 * (NULL: not known, e.g. no THP in the kernel). */
static const char *thp_mode(char *buf, size_t len)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char *a, *b;

	if (!f)
		return NULL;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!b)
		return NULL;
	*b = '\0';
	return a + 1;
}

/* kB of the mapping that holds addr backed by huge pages (smaps), -1 if not found. */
static long anon_huge_kb(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	bool in = false;
	long kb = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {	/* a mapping's first line */
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* A history of 2 MiB or more lives in huge pages where the system allows
 * them (each 4 KiB page is a TLB entry; tests/bench/FINDINGS.md): aligned to
 * 2 MiB always, and backed by huge pages once prefaulted unless THP is off. */
static void test_big_history_in_huge_pages(void **state)
{
	size_t cap = 100000;
	struct session_log *log = session_log_new(cap), *small = session_log_new(100);
	struct session s = numbered(1);
	const struct session *first;
	char buf[128];
	const char *mode = thp_mode(buf, sizeof(buf));
	long kb;

	assert_non_null(log);
	assert_non_null(small);
	session_log_push(log, &s);
	session_log_push(small, &s);
	first = session_log_at(log, 0);
	assert_true(((uintptr_t)first & (HUGEMEM_PAGE - 1)) == 0);
	assert_int_equal(session_log_prefault(log), 0);
	kb = anon_huge_kb(first);
	assert_true(kb >= 0);
	if (mode && strcmp(mode, "never"))
		assert_true(kb >= (long)(HUGEMEM_PAGE >> 10));
	else
		print_message("transparent huge pages: %s; only the alignment is checked\n",
			      mode ? mode : "not offered");
	/* A small log takes plain pages, and both still work. */
	assert_true(session_log_at(small, 0)->pid == 1);
	s = numbered(2);
	session_log_push(log, &s);
	assert_true(session_log_at(log, 1)->pid == 2);
	session_log_free(log);
	session_log_free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects),
		cmocka_unit_test(test_push_and_order),
		cmocka_unit_test(test_evicts_oldest_and_counts),
		cmocka_unit_test(test_copy_is_taken),
		cmocka_unit_test(test_capacity_one),
		cmocka_unit_test(test_clear_keeps_counters),
		cmocka_unit_test(test_seq_of_id_and_prefault),
		cmocka_unit_test(test_big_history_in_huge_pages),
	};

	return cmocka_run_group_tests_name("session_log", tests, NULL, NULL);
}
