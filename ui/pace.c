// SPDX-License-Identifier: GPL-2.0
/* How soon new data may redraw the screen; see pace.h. */
#include "ui/pace.h"

int ui_pace_flood(uint64_t added, uint64_t elapsed_ms, uint64_t gap_ms, int page_rows)
{
	if (page_rows <= 0)
		return 0;
	if (elapsed_ms == 0)
		elapsed_ms = 1;
	if (elapsed_ms <= gap_ms)	/* a shorter wait than a gap: the count is a lower bound */
		return added > (uint64_t)page_rows;
	/* added per gap_ms > page_rows (in floating point: no overflow) */
	return (double)added * (double)gap_ms > (double)page_rows * (double)elapsed_ms;
}

uint64_t ui_pace_gap_ms(uint64_t build_us, unsigned interval_ms, uint64_t added,
			uint64_t elapsed_ms, int page_rows)
{
	uint64_t gap = build_us / 500;	/* a rebuild takes at most half of the time */

	if (gap < UI_PACE_FRAME_MS)
		gap = UI_PACE_FRAME_MS;
	if (gap < interval_ms)
		gap = interval_ms;
	if (gap < UI_PACE_FLOOD_MS && ui_pace_flood(added, elapsed_ms, gap, page_rows))
		gap = UI_PACE_FLOOD_MS;
	if (gap > UI_PACE_MAX_MS)
		gap = UI_PACE_MAX_MS;
	return gap;
}
