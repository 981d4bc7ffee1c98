// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the PID, port and network namespace list parsers of
 * -p/-L/-D/-P/--netns and the UI prompt (core/filter.c filter_parse_pids,
 * filter_parse_ports, filter_parse_netns), plus the filter setters and
 * filter_accepts/filter_describe on what they built.
 *
 * Input: one selector byte (bit 0: pids or ports; 1: a set not empty before;
 * 2: IPv6; 3: failures only; 4-7: the session's end cause, all four set:
 * namespaces instead, whose items that are not numbers are looked up as
 * paths and names), then the list text (up to the first NUL).
 * Invariants: on error the set is unchanged and the message is one inert
 * line; on success every member is in range (pids 0-4194304, ports
 * 1-65535, namespaces 1-4294967295), and the set formatted by
 * id_set_format() parses back to the same ranges.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/filter.h"
#include "tests/fuzz/fuzz.h"

typedef int (*parse_fn)(const char *text, struct id_set *set, char *err, size_t errlen);

static bool same_set(const struct id_set *a, const struct id_set *b)
{
	return a->n == b->n && (a->n == 0 ||
				!memcmp(a->ranges, b->ranges, a->n * sizeof(*a->ranges)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct id_set set, before, back;
	struct filter f;
	struct session s;
	char *text, err[128], fmt[1 << 15], desc[40];
	uint8_t sel = size ? data[0] : 0;
	bool netns = (sel & 0xf0) == 0xf0, pids = !netns && (sel & 1);
	parse_fn parse = netns ? filter_parse_netns : pids ? filter_parse_pids : filter_parse_ports;
	uint32_t max = netns ? UINT32_MAX : pids ? FILTER_PID_MAX : 65535;
	int rc, len;

	text = strndup(size ? (const char *)data + 1 : "", size ? size - 1 : 0);
	FUZZ_CHECK(text);
	id_set_init(&set);
	id_set_init(&before);
	id_set_init(&back);
	/* A set that already holds something: errors must leave it alone. */
	if (sel & 2)
		FUZZ_CHECK(id_set_add_range(&set, 7, 9) == 0);
	FUZZ_CHECK(id_set_copy(&before, &set) == 0);

	memset(err, 'X', sizeof(err));
	rc = parse(text, &set, err, sizeof(err));
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)));
		FUZZ_CHECK(err[0] && fuzz_text_inert(err, strlen(err), false));
		FUZZ_CHECK(same_set(&set, &before));
		goto out;
	}
	FUZZ_CHECK(set.n >= 1);
	for (size_t i = 0; i < set.n; i++) {
		/* pid 0: the sessions with no owner known; a port is never 0 */
		FUZZ_CHECK(set.ranges[i].lo >= (pids ? 0u : 1u) &&
			   set.ranges[i].lo <= set.ranges[i].hi);
		FUZZ_CHECK(set.ranges[i].hi <= max);
		/* sorted, disjoint, not adjacent (normalised) */
		if (i)
			FUZZ_CHECK(set.ranges[i].lo > set.ranges[i - 1].hi + 1);
	}
	len = id_set_format(&set, fmt, sizeof(fmt));
	if (len >= 0) {
		FUZZ_CHECK((size_t)len == strlen(fmt));
		FUZZ_CHECK(parse(fmt, &back, err, sizeof(err)) == 0);
		FUZZ_CHECK(same_set(&set, &back));
	}
	/* A short buffer: cut with "...", always terminated. */
	len = id_set_format(&set, desc, sizeof(desc));
	FUZZ_CHECK(strlen(desc) < sizeof(desc));

	/* The set as a filter, and the rest of the input as comm and search. */
	filter_init(&f);
	FUZZ_CHECK(id_set_copy(netns ? &f.netns : pids ? &f.pids : &f.ports, &set) == 0);
	if (filter_set_comm(&f, text) == 0 && filter_set_search(&f, text) == 0)
		FUZZ_CHECK(filter_set_family(&f, sel & 4 ? AF_INET6 : 0) == 0);
	filter_set_failures(&f, sel & 8);
	memset(&s, 0, sizeof(s));
	s.cause = (enum sess_cause)((sel >> 4) % CAUSE_MAX);
	s.pid = set.ranges[0].lo;
	s.lport = (uint16_t)set.ranges[0].lo;
	s.netns = set.ranges[0].lo;
	s.family = AF_INET;
	memcpy(s.comm, text, strnlen(text, sizeof(s.comm) - 1));
	(void)filter_accepts(&f, &s);
	filter_describe(&f, desc, sizeof(desc));
	FUZZ_CHECK(strlen(desc) < sizeof(desc));
	filter_clear(&f);
out:
	id_set_clear(&set);
	id_set_clear(&before);
	id_set_clear(&back);
	free(text);
	return 0;
}
