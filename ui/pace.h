/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How soon new data alone may rebuild and redraw the screen (a key always
 * redraws at once).
 *
 * Normally every refresh interval (--interval, 100 ms by default). Two
 * things stretch the gap:
 * - a slow rebuild (a big history, sorted): rebuilds take at most half of
 *   the time, so that keys are still served;
 * - a flood: when more sessions close per refresh than the screen has
 *   rows, every frame is a new page that nobody can read, and each costs
 *   the monitor and the terminal (over ssh: sshd and the network) a full
 *   repaint. The screen then follows twice a second. The test is on the
 *   rate (sessions per normal gap), not on the count since the last
 *   rebuild: a count over the longer gap would keep a rate that is no
 *   flood in the slow mode.
 * Never more than a second, whatever the cost.
 */
#ifndef TCPSCOPE_UI_PACE_H
#define TCPSCOPE_UI_PACE_H

#include <stdint.h>

#define UI_PACE_FRAME_MS	50	/* data alone never redraws more often */
#define UI_PACE_FLOOD_MS	500	/* the gap while a page turns over between frames */
#define UI_PACE_MAX_MS		1000	/* rebuild at least once a second, however slow */

/*
 * The gap in ms before new data may rebuild the view again: build_us is
 * what the last rebuild took, interval_ms the refresh interval, added the
 * sessions that closed in the elapsed_ms since the rebuild before it,
 * page_rows the rows the screen shows (0 or less: not known, no flood
 * rule).
 */
uint64_t ui_pace_gap_ms(uint64_t build_us, unsigned interval_ms, uint64_t added,
			uint64_t elapsed_ms, int page_rows);

/* Whether `added` sessions in elapsed_ms are more than a page of page_rows
 * per gap_ms: a flood at that pace. */
int ui_pace_flood(uint64_t added, uint64_t elapsed_ms, uint64_t gap_ms, int page_rows);

#endif
