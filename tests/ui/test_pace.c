// SPDX-License-Identifier: GPL-2.0
/*
 * How soon new data alone may redraw the screen (ui/pace.c): the refresh
 * interval normally, stretched by a slow rebuild and by a flood (more
 * sessions between two rebuilds than the screen has rows), never past a
 * second.
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
	assert_int_equal(ui_pace_gap_ms(100, 100, 0, 30), 100);
	assert_int_equal(ui_pace_gap_ms(100, 100, 30, 30), 100);	/* one page: still readable */
	assert_int_equal(ui_pace_gap_ms(100, 250, 5, 30), 250);
	/* an interval below the frame rate's floor */
	assert_int_equal(ui_pace_gap_ms(100, 10, 1, 30), UI_PACE_FRAME_MS);
}

static void test_flood_slows_to_flood_gap(void **state)
{
	(void)state;
	assert_int_equal(ui_pace_gap_ms(100, 100, 31, 30), UI_PACE_FLOOD_MS);
	assert_int_equal(ui_pace_gap_ms(100, 100, 50000, 30), UI_PACE_FLOOD_MS);
	assert_int_equal(ui_pace_gap_ms(100, 10, 2, 1), UI_PACE_FLOOD_MS);
	/* a longer interval than the flood gap is kept */
	assert_int_equal(ui_pace_gap_ms(100, 800, 50000, 30), 800);
	/* a slow rebuild longer still */
	assert_int_equal(ui_pace_gap_ms(400000, 100, 50000, 30), 800);
}

static void test_page_unknown_no_flood(void **state)
{
	(void)state;
	assert_int_equal(ui_pace_gap_ms(100, 100, 50000, 0), 100);
	assert_int_equal(ui_pace_gap_ms(100, 100, 50000, -3), 100);
	assert_false(ui_pace_flood(UINT64_MAX, 0));
	assert_true(ui_pace_flood(UINT64_MAX, 1));
}

static void test_slow_rebuild_and_cap(void **state)
{
	(void)state;
	/* a rebuild takes at most half of the time */
	assert_int_equal(ui_pace_gap_ms(150000, 100, 0, 30), 300);
	/* at least once a second, however slow, flood or not */
	assert_int_equal(ui_pace_gap_ms(5000000, 100, 0, 30), UI_PACE_MAX_MS);
	assert_int_equal(ui_pace_gap_ms(5000000, 100, 50000, 30), UI_PACE_MAX_MS);
	assert_int_equal(ui_pace_gap_ms(UINT64_MAX, 5000, UINT64_MAX, 30), UI_PACE_MAX_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_when_quiet),
		cmocka_unit_test(test_flood_slows_to_flood_gap),
		cmocka_unit_test(test_page_unknown_no_flood),
		cmocka_unit_test(test_slow_rebuild_and_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
