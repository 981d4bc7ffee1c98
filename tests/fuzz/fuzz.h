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
#include <string.h>

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
			cp = ((p[i] & 0x0fu) << 12) | ((p[i + 1] & 0x3fu) << 6) |
			     (p[i + 2] & 0x3fu);
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

/*
 * Strict JSON (RFC 8259) for one value: objects, arrays, strings (escapes,
 * valid UTF-8, no raw control character), numbers, true/false/null. *p is
 * advanced past the value. Recursion is bounded by depth.
 */
static inline void fuzz_json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static inline bool fuzz_json_string(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;

	if (*s++ != '"')
		return false;
	while (*s != '"') {
		if (*s < 0x20)
			return false;	/* raw control character, or the end */
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int k = 1; k <= 4; k++)
					if (!s[k] || !strchr("0123456789abcdefABCDEF", s[k]))
						return false;
				s += 5;
			} else if (*s && strchr("\"\\/bfnrt", *s)) {
				s++;
			} else {
				return false;
			}
		} else if (*s < 0x80) {
			s++;
		} else {
			size_t n = fmt_utf8_seq_len(s, strnlen((const char *)s, 4));

			if (!n)
				return false;
			s += n;
		}
	}
	*p = (const char *)s + 1;
	return true;
}

static inline bool fuzz_json_number(const char **p)
{
	const char *s = *p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	*p = s;
	return true;
}

static inline bool fuzz_json_value(const char **p, int depth)
{
	fuzz_json_ws(p);
	if (depth > 32)
		return false;
	switch (**p) {
	case '{':
	case '[': {
		char close = **p == '{' ? '}' : ']';
		bool obj = close == '}';

		(*p)++;
		fuzz_json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		for (;;) {
			if (obj) {
				fuzz_json_ws(p);
				if (!fuzz_json_string(p))
					return false;
				fuzz_json_ws(p);
				if (*(*p)++ != ':')
					return false;
			}
			if (!fuzz_json_value(p, depth + 1))
				return false;
			fuzz_json_ws(p);
			if (**p == close) {
				(*p)++;
				return true;
			}
			if (*(*p)++ != ',')
				return false;
		}
	}
	case '"':
		return fuzz_json_string(p);
	case 't':
		return !strncmp(*p, "true", 4) && (*p += 4);
	case 'f':
		return !strncmp(*p, "false", 5) && (*p += 5);
	case 'n':
		return !strncmp(*p, "null", 4) && (*p += 4);
	default:
		return fuzz_json_number(p);
	}
}

/* s (NUL-terminated) is exactly one JSON value, blanks around it allowed. */
static inline bool fuzz_json_valid(const char *s)
{
	if (!fuzz_json_value(&s, 0))
		return false;
	fuzz_json_ws(&s);
	return *s == '\0';
}

#endif
