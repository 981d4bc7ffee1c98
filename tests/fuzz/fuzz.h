/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared checks for the libFuzzer harnesses in tests/fuzz/. A broken
 * invariant aborts (libFuzzer then saves the input as a crash artifact).
 */
#ifndef TCPSCOPE_TESTS_FUZZ_H
#define TCPSCOPE_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/fmt.h"

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,    \
				__LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

/*
 * Text that is safe on a terminal: valid UTF-8 with no C0 control (but LF
 * when allow_lf), DEL, C1 control or bidi/line-separator format character
 * (the set that fmt_escape() escapes).
 */
static inline bool fuzz_text_inert(const char *s, size_t len, bool allow_lf)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n;
		unsigned int cp;

		if ((p[i] >= 0x20 && p[i] < 0x7f) || (allow_lf && p[i] == '\n')) {
			i++;
			continue;
		}
		n = fmt_utf8_seq_len(p + i, len - i);
		if (!n)
			return false;
		if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			return false;
		if (n == 3) {
			cp = ((p[i] & 0x0fu) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
			if (cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
			    (cp >= 0x2066 && cp <= 0x2069))
				return false;
		}
		i += n;
	}
	return true;
}

/* A read stream over data (fmemopen() refuses a zero size). */
static inline FILE *fuzz_open(const unsigned char *data, size_t size)
{
	return size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
}

#endif
