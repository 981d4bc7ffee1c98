// SPDX-License-Identifier: GPL-2.0
/*
 * How soon new data alone may redraw the screen (ui/pace.c): the refresh
 * interval normally, stretched by a slow rebuild and by a flood (more
 * sessions per refresh than the screen has rows), never past a second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/pace.h"

static void test_interval_when_quiet(void **state)
{
	(void)state;
	assert_int_equal(ui_pace_gap_ms(100, 100, 0, 100, 30), 100);
	assert_int_equal(ui_pace_gap_ms(100, 100, 30, 100, 30), 100);	/* one page: still readable */
	assert_int_equal(ui_pace_gap_ms(100, 250, 5, 250, 30), 250);
	/* an interval below the frame rate's floor */
	assert_int_equal(ui_pace_gap_ms(100, 10, 1, 50, 30), UI_PACE_FRAME_MS);
	/* the first rebuild: a long time since "the one before", few sessions */
	assert_int_equal(ui_pace_gap_ms(100, 100, 3, 123456789, 30), 100);
}

static void test_flood_slows_to_flood_gap(void **state)
{
	(void)state;
	assert_int_equal(ui_pace_gap_ms(100, 100, 31, 100, 30), UI_PACE_FLOOD_MS);
	assert_int_equal(ui_pace_gap_ms(100, 100, 50000, 100, 30), UI_PACE_FLOOD_MS);
	assert_int_equal(ui_pace_gap_ms(100, 10, 2, 50, 1), UI_PACE_FLOOD_MS);
	/* a longer interval than the flood gap is kept */
	assert_int_equal(ui_pace_gap_ms(100, 800, 50000, 800, 30), 800);
	/* a slow rebuild longer still */
	assert_int_equal(ui_pace_gap_ms(400000, 100, 50000, 800, 30), 800);
}

/* The test is on the rate, not on the count since the last rebuild. */
static void test_flood_is_a_rate(void **state)
{
	(void)state;
	/* in the slow mode: 2,000 sessions a second is still a flood ... */
	assert_int_equal(ui_pace_gap_ms(100, 100, 1000, 500, 28), UI_PACE_FLOOD_MS);
	/* ... 100 a second (50 in 500 ms, 10 per refresh) is not: back to the interval */
	assert_int_equal(ui_pace_gap_ms(100, 100, 50, 500, 28), 100);
	/* exactly a page per refresh is not a flood; one more is */
	assert_int_equal(ui_pace_gap_ms(100, 100, 140, 500, 28), 100);
	assert_int_equal(ui_pace_gap_ms(100, 100, 141, 500, 28), UI_PACE_FLOOD_MS);
	/* a key rebuilt 10 ms after the last rebuild: the count is not
	 * scaled up from so short a time (2 sessions are no flood) ... */
	assert_int_equal(ui_pace_gap_ms(100, 100, 2, 10, 28), 100);
	/* ... but more than a page in it is one */
	assert_int_equal(ui_pace_gap_ms(100, 100, 29, 10, 28), UI_PACE_FLOOD_MS);
	assert_true(ui_pace_flood(29, 0, 100, 28));
	assert_false(ui_pace_flood(28, 0, 100, 28));
	/* no overflow with absurd figures */
	assert_true(ui_pace_flood(UINT64_MAX, UINT64_MAX / 2, 100, 28));
	assert_false(ui_pace_flood(1, UINT64_MAX, 1000, 28));
}

static void test_page_unknown_no_flood(void **state)
{
	(void)state;
	assert_int_equal(ui_pace_gap_ms(100, 100, 50000, 100, 0), 100);
	assert_int_equal(ui_pace_gap_ms(100, 100, 50000, 100, -3), 100);
	assert_false(ui_pace_flood(UINT64_MAX, 1, 100, 0));
	assert_true(ui_pace_flood(UINT64_MAX, 1, 100, 1));
}

static void test_slow_rebuild_and_cap(void **state)
{
	(void)state;
	/* a rebuild takes at most half of the time */
	assert_int_equal(ui_pace_gap_ms(150000, 100, 0, 100, 30), 300);
	/* at least once a second, however slow, flood or not */
	assert_int_equal(ui_pace_gap_ms(5000000, 100, 0, 100, 30), UI_PACE_MAX_MS);
	assert_int_equal(ui_pace_gap_ms(5000000, 100, 50000, 100, 30), UI_PACE_MAX_MS);
	assert_int_equal(ui_pace_gap_ms(UINT64_MAX, 5000, UINT64_MAX, 0, 30), UI_PACE_MAX_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_when_quiet),
		cmocka_unit_test(test_flood_slows_to_flood_gap),
		cmocka_unit_test(test_flood_is_a_rate),
		cmocka_unit_test(test_page_unknown_no_flood),
		cmocka_unit_test(test_slow_rebuild_and_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
