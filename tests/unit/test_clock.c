// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/clock.c. */
#include "tests/unit/helpers.h"

#include <stdint.h>

#include "core/clock.h"

/* A machine never suspended: the clocks agree, and a try held up between
 * its reads (the second clock read 2.4 us late, as under CPU contention)
 * must not make the offset negative: 0, exactly. */
static void test_never_suspended(void **state)
{
	/* a, b, a2: b read 2359 ns after a, a2 right after b */
	struct clock_reads held[] = { { 1000000, 1002359, 1002400 } };
	struct clock_reads tight[] = { { 5000000, 5000020, 5000050 },
				       { 6000000, 6002359, 6002400 } };

	assert_int_equal(clock_offset_pick(held, 1, 0), 0);
	assert_int_equal(clock_offset_pick(held, 1, 12345), 0);
	assert_int_equal(clock_offset_pick(tight, 2, 0), 0);
	assert_int_equal(clock_offset_pick(tight, 2, -2359), 0);
}

/* After a suspend of about 7 s: the tightest try's middle, and the offset
 * in use kept while the reads bracket it. */
static void test_after_suspend(void **state)
{
	const int64_t off = 7000000123;
	struct clock_reads r[] = {
		{ 100 + off, 90000, 200000 + off },		/* wide: held up */
		{ 300000 + off, 300010, 300040 + off },	/* 40 ns */
		{ 400000 + off, 400050, 400200 + off },
	};

	/* bracket of the 40 ns try: [off - 10, off + 30] */
	assert_int_equal(clock_offset_pick(r, 3, 0), off + 10);
	assert_int_equal(clock_offset_pick(r, 3, off), off);
	assert_int_equal(clock_offset_pick(r, 3, off - 10), off - 10);
	assert_int_equal(clock_offset_pick(r, 3, off - 11), off + 10);
}

/* No usable try (none, or a clock that went back): the offset in use. */
static void test_no_try(void **state)
{
	struct clock_reads back[] = { { 500, 400, 450 } };

	assert_int_equal(clock_offset_pick(back, 0, 77), 77);
	assert_int_equal(clock_offset_pick(back, 1, 77), 77);
}

/* Never below 0, whatever the reads say. */
static void test_never_negative(void **state)
{
	struct clock_reads r[] = { { 1000, 5000, 1100 } };	/* [-4000, -3900] */

	assert_int_equal(clock_offset_pick(r, 1, 0), 0);
	assert_int_equal(clock_offset_pick(r, 1, 50), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_suspended),
		cmocka_unit_test(test_after_suspend),
		cmocka_unit_test(test_no_try),
		cmocka_unit_test(test_never_negative),
	};

	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
