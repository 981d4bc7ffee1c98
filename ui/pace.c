// SPDX-License-Identifier: GPL-2.0
/* How soon new data may redraw the screen; see pace.h. */
#include "ui/pace.h"

uint64_t ui_pace_gap_ms(uint64_t build_us, unsigned interval_ms, uint64_t added, int page_rows)
{
	uint64_t gap = build_us / 500;	/* a rebuild takes at most half of the time */

	if (gap < UI_PACE_FRAME_MS)
		gap = UI_PACE_FRAME_MS;
	if (gap < interval_ms)
		gap = interval_ms;
	if (ui_pace_flood(added, page_rows) && gap < UI_PACE_FLOOD_MS)
		gap = UI_PACE_FLOOD_MS;
	if (gap > UI_PACE_MAX_MS)
		gap = UI_PACE_MAX_MS;
	return gap;
}
