// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/addr_set.c (distinct peer sets). */
#include "tests/unit/helpers.h"

#include <errno.h>

#include "core/addr_set.h"
#include "core/hash.h"

static void nth_addr(struct in6_addr *a, uint32_t i)
{
	addr_v4(a, 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
}

static void test_add_contains(void **state)
{
	struct addr_set set;
	struct in6_addr a, b;

	addr_set_init(&set, 0);
	addr_v4(&a, 1, 2, 3, 4);
	addr_v6(&b, "2001:db8::1");
	assert_false(addr_set_contains(&set, &a));
	assert_int_equal(addr_set_add(&set, &a), 1);
	assert_int_equal(addr_set_add(&set, &a), 0);
	assert_int_equal(addr_set_add(&set, &b), 1);
	assert_true(addr_set_contains(&set, &a));
	assert_true(addr_set_contains(&set, &b));
	assert_int_equal(set.len, 2);
	assert_false(set.capped);
	addr_set_fini(&set);
	assert_int_equal(set.len, 0);
	assert_false(addr_set_contains(&set, &a));
	addr_set_fini(&set);	/* twice is fine */
}

static void test_zero_address_is_a_member_like_any(void **state)
{
	struct addr_set set;
	struct in6_addr zero;

	memset(&zero, 0, sizeof(zero));
	addr_set_init(&set, 0);
	assert_false(addr_set_contains(&set, &zero));
	assert_int_equal(addr_set_add(&set, &zero), 1);
	assert_int_equal(addr_set_add(&set, &zero), 0);
	assert_true(addr_set_contains(&set, &zero));
	assert_int_equal(set.len, 1);
	addr_set_fini(&set);
}

static void test_grows_exactly(void **state)
{
	struct addr_set set;
	struct in6_addr a;
	uint32_t i;

	addr_set_init(&set, 0);
	for (i = 0; i < 100000; i++) {
		nth_addr(&a, i);
		assert_int_equal(addr_set_add(&set, &a), 1);
	}
	for (i = 0; i < 100000; i += 7) {
		nth_addr(&a, i);
		assert_int_equal(addr_set_add(&set, &a), 0);
	}
	assert_int_equal(set.len, 100000);
	assert_true(set.cap >= 2 * set.len);
	nth_addr(&a, 100001);
	assert_false(addr_set_contains(&set, &a));
	addr_set_fini(&set);
}

static void test_cap_makes_len_a_lower_bound(void **state)
{
	struct addr_set set;
	struct in6_addr a;
	uint32_t i;

	addr_set_init(&set, 10);
	for (i = 0; i < 10; i++) {
		nth_addr(&a, i);
		assert_int_equal(addr_set_add(&set, &a), 1);
	}
	assert_false(set.capped);
	nth_addr(&a, 3);
	assert_int_equal(addr_set_add(&set, &a), 0);	/* known: still fine */
	assert_false(set.capped);
	nth_addr(&a, 10);
	assert_int_equal(addr_set_add(&set, &a), -ENOSPC);
	assert_true(set.capped);
	assert_int_equal(set.len, 10);
	addr_set_fini(&set);
}

static void test_oom_is_survived(void **state)
{
	struct addr_set set;
	struct in6_addr a;
	uint32_t i;

	addr_set_init(&set, 0);
	hash_fail_after(0);
	nth_addr(&a, 1);
	assert_int_equal(addr_set_add(&set, &a), -ENOMEM);
	assert_true(set.capped);
	assert_int_equal(set.len, 0);
	hash_fail_after(-1);
	for (i = 0; i < 100; i++) {
		nth_addr(&a, i);
		assert_true(addr_set_add(&set, &a) >= 0);
	}
	/* Growth failing half way keeps what was recorded. */
	hash_fail_after(0);
	for (i = 100; i < 1000; i++) {
		nth_addr(&a, i);
		addr_set_add(&set, &a);
	}
	hash_fail_after(-1);
	for (i = 0; i < 100; i++) {
		nth_addr(&a, i);
		assert_true(addr_set_contains(&set, &a));
	}
	assert_true(set.len >= 100 && set.len < 1000);
	addr_set_fini(&set);
}

/* The union: every member of both once, :: too; a capped source makes
 * the union a lower bound; the destination's cap holds. */
static void test_union(void **state)
{
	struct addr_set a, b, small;
	struct in6_addr x, zero;
	uint32_t i;

	memset(&zero, 0, sizeof(zero));
	addr_set_init(&a, 0);
	addr_set_init(&b, 0);
	for (i = 0; i < 100; i++) {
		addr_v4(&x, 10, 0, 0, (uint8_t)i);
		assert_int_equal(addr_set_add(&a, &x), 1);
	}
	for (i = 50; i < 300; i++) {
		addr_v4(&x, 10, 0, (uint8_t)(i >> 8), (uint8_t)i);
		assert_int_equal(addr_set_add(&b, &x), 1);
	}
	assert_int_equal(addr_set_add(&b, &zero), 1);
	addr_set_union(&a, &b);
	assert_int_equal(a.len, 301);
	assert_false(a.capped);
	assert_true(addr_set_contains(&a, &zero));
	for (i = 0; i < 300; i++) {
		addr_v4(&x, 10, 0, (uint8_t)(i >> 8), (uint8_t)i);
		assert_true(addr_set_contains(&a, &x));
	}
	addr_set_union(&a, &b);		/* again: nothing new */
	assert_int_equal(a.len, 301);

	addr_set_init(&small, 10);
	addr_set_union(&small, &b);
	assert_int_equal(small.len, 10);
	assert_true(small.capped);
	b.capped = true;		/* a lower bound itself */
	addr_set_union(&a, &b);
	assert_int_equal(a.len, 301);
	assert_true(a.capped);
	addr_set_fini(&small);
	addr_set_fini(&b);
	addr_set_fini(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_contains),
		cmocka_unit_test(test_zero_address_is_a_member_like_any),
		cmocka_unit_test(test_grows_exactly),
		cmocka_unit_test(test_cap_makes_len_a_lower_bound),
		cmocka_unit_test(test_oom_is_survived),
		cmocka_unit_test(test_union),
	};

	return cmocka_run_group_tests_name("addr_set", tests, NULL, NULL);
}
