/* SPDX-License-Identifier: GPL-2.0 */
/* The offset between two of the kernel's clocks, from reads of them. */
#ifndef TCPSCOPE_CORE_CLOCK_H
#define TCPSCOPE_CORE_CLOCK_H

#include <stdint.h>

/* One try: the first clock (a), the second (b), the first again (a2). */
struct clock_reads {
	uint64_t a, b, a2;
};

/*
 * The offset a - b of two clocks that run at the same rate (CLOCK_BOOTTIME
 * and CLOCK_MONOTONIC: the time the machine was suspended, never negative),
 * from n tries. A try brackets it: a - b <= offset <= a2 - b, however long
 * the reads were held up (a task preempted between two reads made a
 * one-sided estimate microseconds off, and negative on a machine never
 * suspended). The tightest try decides: `keep` (the offset in use) when it
 * lies in the bracket, else 0 (no suspend) when that does, else the
 * bracket's middle; never below 0. n == 0: keep.
 */
int64_t clock_offset_pick(const struct clock_reads *r, int n, int64_t keep);

#endif
