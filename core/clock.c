// SPDX-License-Identifier: GPL-2.0
/* The offset between two of the kernel's clocks; see clock.h. */
#include "core/clock.h"

int64_t clock_offset_pick(const struct clock_reads *r, int n, int64_t keep)
{
	int64_t lo = 0, hi = 0, mid;
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < n; i++) {
		if (r[i].a2 < r[i].a || r[i].a2 - r[i].a >= best)
			continue;
		best = r[i].a2 - r[i].a;
		lo = (int64_t)(r[i].a - r[i].b);
		hi = (int64_t)(r[i].a2 - r[i].b);
	}
	if (best == UINT64_MAX)
		return keep;
	if (keep >= lo && keep <= hi)
		return keep;
	if (lo <= 0 && hi >= 0)
		return 0;
	mid = lo + (hi - lo) / 2;
	return mid > 0 ? mid : 0;
}
