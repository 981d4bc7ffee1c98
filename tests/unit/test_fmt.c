// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/fmt.c. */
#include "tests/unit/helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/fmt.h"

/* Every digit count, at and around each power of ten, and random values:
 * the same digits as printf, and -ENOSPC (buf "") when one byte short. */
static void check_u64(uint64_t v)
{
	char want[32], buf[32];
	int n = snprintf(want, sizeof(want), "%llu", (unsigned long long)v);

	assert_int_equal(fmt_u64(v, buf, sizeof(buf)), n);
	assert_string_equal(buf, want);
	assert_int_equal(fmt_u64(v, buf, (size_t)n + 1), n);
	assert_string_equal(buf, want);
	assert_int_equal(fmt_u64(v, buf, (size_t)n), -ENOSPC);
	assert_string_equal(buf, "");
}

/* Counts in a cell: exact when they fit, else in K/M/G... rounded down. */
static void test_count(void **state)
{
	static const struct {
		uint64_t v;
		int width;
		const char *want;
	} t[] = {
		{ 0, 5, "0" },		{ 99999, 5, "99999" },	{ 100000, 5, "100K" },
		{ 199999, 5, "199K" },	{ 200000, 5, "200K" },	{ 9999999, 5, "9999K" },
		{ 10000000, 5, "10M" },	{ 1234567890, 5, "1234M" },
		{ 12345678901ULL, 5, "12G" }, { UINT64_MAX, 5, "18E" },
		{ 9999999, 7, "9999999" }, { 10000000, 7, "10000K" },
		{ 999999999, 7, "999999K" }, { 1000000000, 7, "1000M" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(fmt_count(t[i].v, t[i].width, buf, sizeof(buf)),
				 (int)strlen(t[i].want));
		assert_string_equal(buf, t[i].want);
	}
	assert_int_equal(fmt_count(123456, 5, buf, 3), -ENOSPC);
}

/* fmt_put_kept(): len bytes of the text at p, p + len back; at most
 * FMT_SHORT_COPY bytes written for a short text, exactly len for a long one. */
static void test_put_kept(void **state)
{
	char src[2 * FMT_SHORT_COPY], out[3 * FMT_SHORT_COPY];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (char)('A' + i % 26);
	for (len = 0; len <= sizeof(src); len++) {
		size_t reach = len > FMT_SHORT_COPY ? len : FMT_SHORT_COPY;
		char *end;

		memset(out, '#', sizeof(out));
		end = fmt_put_kept(out + 1, src, len);
		assert_ptr_equal(end, out + 1 + len);
		assert_int_equal(out[0], '#');
		assert_memory_equal(out + 1, src, len);
		for (i = 1 + reach; i < sizeof(out); i++)
			assert_int_equal(out[i], '#');
	}
}

static void test_u64(void **state)
{
	uint64_t p = 1;
	char buf[4];

	check_u64(0);
	check_u64(UINT64_MAX);
	for (int k = 0; k < 20; k++, p *= 10) {
		check_u64(p);
		check_u64(p - 1);
		check_u64(p + 1);
		check_u64(p * 5 - 1);
	}
	srand(7);
	for (int i = 0; i < 100000; i++)
		check_u64(((uint64_t)rand() << 42 ^ (uint64_t)rand() << 21 ^ (uint64_t)rand()) >>
			  (rand() % 64));
	assert_int_equal(fmt_u64(5, NULL, 0), -ENOSPC);
	assert_int_equal(fmt_u64(5, buf, 0), -ENOSPC);
}

static void test_bytes(void **state)
{
	static const struct {
		uint64_t in;
		const char *out;
	} cases[] = {
		{ 0, "0" },
		{ 999, "999" },
		{ 1000, "1.0K" },
		{ 1023, "1.0K" },
		{ 1024, "1.0K" },
		{ 1536, "1.5K" },
		{ 10239, "10.0K" },
		{ 102348, "99.9K" },
		{ 102349, "100K" },		/* 99.95K rounds to 100K, not "100.0K" */
		{ 1023487, "999K" },
		{ 1023488, "1.0M" },		/* 999.5K rounds to 1000K: next unit */
		{ 12897485, "12.3M" },
		{ 123ULL << 20, "123M" },
		{ 1288490189, "1.2G" },
		{ 5ULL << 40, "5.0T" },
		{ 3ULL << 50, "3.0P" },
		{ UINT64_MAX, "16.0E" },
	};
	char buf[FMT_BYTES_LEN];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int n = fmt_bytes(cases[i].in, buf, sizeof(buf));

		assert_string_equal(buf, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
		assert_true(n <= 5);
	}
	assert_int_equal(fmt_bytes(123456, buf, 3), -ENOSPC);
	assert_string_equal(buf, "");
}

static void test_dur(void **state)
{
	static const struct {
		uint64_t us;
		const char *out;
	} cases[] = {
		{ 0, "0us" },
		{ 850, "850us" },
		{ 999, "999us" },
		{ 1000, "1.0ms" },
		{ 12345, "12.3ms" },
		{ 99949, "99.9ms" },
		{ 99950, "100ms" },
		{ 350000, "350ms" },
		{ 999499, "999ms" },
		{ 999500, "1.00s" },
		{ 4200000, "4.20s" },
		{ 9994999, "9.99s" },
		{ 9995000, "10.0s" },
		{ 42100000, "42.1s" },
		{ 59949999, "59.9s" },
		{ 59950000, "1m00s" },
		{ 185000000, "3m05s" },
		{ 3599499999ULL, "59m59s" },
		{ 3599500000ULL, "1h00m" },
		{ 7260000000ULL, "2h01m" },
		{ 100ULL * 3600 * 1000000, "4d04h" },
		{ UINT64_MAX, "213503982d08h" },
	};
	char buf[FMT_DUR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		fmt_dur_us(cases[i].us, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_ms3(void **state)
{
	char buf[32];

	fmt_ms3(0, buf, sizeof(buf));
	assert_string_equal(buf, "0.000");
	fmt_ms3(12345, buf, sizeof(buf));
	assert_string_equal(buf, "12.345");
	fmt_ms3(7, buf, sizeof(buf));
	assert_string_equal(buf, "0.007");
	fmt_ms3(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "18446744073709551.615");
}

static void test_addr(void **state)
{
	struct in6_addr a, back;
	char buf[FMT_ADDR_LEN];

	addr_v4(&a, 192, 168, 1, 20);
	assert_int_equal(fmt_addr(&a, AF_INET, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "192.168.1.20");
	/* Exactly enough room, one byte short, and the longest dotted quad. */
	assert_int_equal(fmt_addr(&a, AF_INET, buf, 13), 12);
	assert_string_equal(buf, "192.168.1.20");
	assert_int_equal(fmt_addr(&a, AF_INET, buf, 12), -ENOSPC);
	assert_string_equal(buf, "");
	addr_v4(&a, 255, 255, 255, 255);
	assert_int_equal(fmt_addr(&a, AF_INET, buf, 16), 15);
	assert_string_equal(buf, "255.255.255.255");
	assert_int_equal(fmt_addr(&a, AF_INET, buf, 15), -ENOSPC);
	assert_string_equal(buf, "");
	addr_v4(&a, 192, 168, 1, 20);
	/* An IPv4-mapped address on an IPv6 socket is shown as a dotted quad too. */
	fmt_addr(&a, AF_INET6, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.1.20");
	assert_int_equal(fmt_addr_parse(buf, &back), 0);
	assert_memory_equal(&a, &back, sizeof(a));

	addr_v6(&a, "2001:db8::1");
	fmt_addr(&a, AF_INET6, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
	assert_int_equal(fmt_addr_parse(buf, &back), 0);
	assert_memory_equal(&a, &back, sizeof(a));

	addr_v6(&a, "::1");
	fmt_addr(&a, AF_INET6, buf, sizeof(buf));
	assert_string_equal(buf, "::1");

	assert_int_equal(fmt_addr(&a, AF_INET6, buf, 3), -ENOSPC);
	assert_int_equal(fmt_addr_parse("1.2.3", &back), -EINVAL);
	assert_int_equal(fmt_addr_parse("256.1.1.1", &back), -EINVAL);
	assert_int_equal(fmt_addr_parse("::g", &back), -EINVAL);
	assert_int_equal(fmt_addr_parse("", &back), -EINVAL);
	assert_int_equal(fmt_addr_parse("1.2.3.4 ", &back), -EINVAL);
}

static void test_time_iso(void **state)
{
	char buf[FMT_TIME_ISO_LEN];
	uint64_t ns;

	fmt_time_iso(T0_NS + 123456789, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-23T22:15:03.123456Z");
	assert_int_equal(fmt_time_iso_parse(buf, &ns), 0);
	assert_true(ns == T0_NS + 123456000);	/* ns below the microsecond are dropped */

	fmt_time_iso(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");

	assert_int_equal(fmt_time_iso_parse("2026-11-23T22:15:03Z", &ns), 0);
	assert_true(ns == T0_NS);
	assert_int_equal(fmt_time_iso_parse("2026-11-23T22:15:03.5Z", &ns), 0);
	assert_true(ns == T0_NS + 500000000);
	assert_int_equal(fmt_time_iso_parse("2026-11-23T22:15:03.123456789Z", &ns), 0);
	assert_true(ns == T0_NS + 123456789);
	assert_int_equal(fmt_time_iso_parse("2024-02-29T00:00:00Z", &ns), 0);
}

/* The date and time of day are kept for the last two seconds: times that
 * go back and forth between three seconds are each written right. */
static void test_time_iso_seconds_kept(void **state)
{
	static const int order[] = { 0, 1, 0, 1, 2, 0, 2, 1, 1, 2, 2, 0, 0, 1 };
	const uint64_t secs[] = { 1796468761ull, 1796468762ull, 1000000000ull };
	char buf[FMT_TIME_ISO_LEN], want[64];

	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		uint64_t ns = secs[order[i]] * 1000000000ull + i * 1000;
		time_t t = (time_t)secs[order[i]];
		struct tm tm;

		assert_non_null(gmtime_r(&t, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06zuZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, i);
		assert_int_equal(fmt_time_iso(ns, buf, sizeof(buf)), 27);
		assert_string_equal(buf, want);
	}
}

/* fmt_put_u64 (no length check, no NUL) writes what printf does, at every
 * length and around every power of ten. */
static void test_put_u64(void **state)
{
	char buf[32], want[32];
	uint64_t v = 1;

	for (int d = 0; d < 20; d++, v *= 10) {
		const uint64_t around[] = { v - 1, v, v + 1, v * 5, v * 9 + (v - 1) };

		for (size_t i = 0; i < ARRAY_LEN(around); i++) {
			char *end = fmt_put_u64(buf, around[i]);

			*end = '\0';
			snprintf(want, sizeof(want), "%llu", (unsigned long long)around[i]);
			assert_string_equal(buf, want);
		}
	}
	for (uint64_t u = 0; u < 2000000; u += 7) {
		*fmt_put_u64(buf, u) = '\0';
		snprintf(want, sizeof(want), "%llu", (unsigned long long)u);
		assert_string_equal(buf, want);
	}
	*fmt_put_u64(buf, UINT64_MAX) = '\0';
	assert_string_equal(buf, "18446744073709551615");
}

static void test_time_iso_rejects(void **state)
{
	static const char *const bad[] = {
		"", "x", "2026-11-23", "2026-11-23 22:15:03Z", "2026-11-23T22:15:03",
		"2026-11-23T22:15:03.Z", "2026-11-23T22:15:03.1234567890Z",
		"2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
		"2026-11-23T24:00:00Z", "2026-11-23T22:60:00Z", "2026-11-23T22:15:60Z",
		"1969-12-31T23:59:59Z", "2026-11-23T22:15:03Zjunk", "2026-1-23T22:15:03Z",
		"+026-11-23T22:15:03Z",
	};
	uint64_t ns = 7;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		if (fmt_time_iso_parse(bad[i], &ns) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_true(ns == 7);
}

static void test_time_hms(void **state)
{
	char buf[FMT_TIME_HMS_LEN];

	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(fmt_time_hms(T0_NS + 999999999, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "22:15:03");
}

static void test_comm_escape_table(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "nginx", "nginx" },
		{ "", "" },
		{ "a b", "a b" },
		{ "back\\slash", "back\\\\slash" },
		{ "\x1b[31mred", "\\x1b[31mred" },
		{ "tab\there", "tab\\x09here" },
		{ "del\x7f", "del\\x7f" },
		{ "\xff\xfe", "\\xff\\xfe" },			/* not UTF-8 */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },		/* valid UTF-8 kept */
		{ "\xe2\x82\xac", "\xe2\x82\xac" },		/* euro sign */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },	/* 4-byte emoji */
		{ "\xc3", "\\xc3" },				/* truncated sequence */
		{ "\xc0\xaf", "\\xc0\\xaf" },			/* overlong '/' */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },		/* surrogate */
		{ "\xc2\x9b" "2J", "\\xc2\\x9b2J" },		/* C1 CSI */
		{ "\xe2\x80\xae" "evil", "\\xe2\\x80\\xaeevil" },	/* RLO */
		{ "\n\r", "\\x0a\\x0d" },
		/* 16 bytes with no NUL: only SESSION_COMM_LEN bytes are read */
		{ "0123456789abcdefXYZ", "0123456789abcdef" },
	};
	char out[FMT_COMM_ESC_LEN];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		size_t n = fmt_comm_escape(cases[i].in, out, sizeof(out));

		assert_string_equal(out, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
}

static bool escaped_is_inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n;

		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = fmt_utf8_seq_len(p, strlen((const char *)p));
		if (!n)
			return false;
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			return false;	/* C1 */
		p += n;
	}
	return true;
}

/* Every single byte, and every byte pair, escapes to inert text and back. */
static void test_comm_escape_round_trip_exhaustive(void **state)
{
	char comm[SESSION_COMM_LEN], back[SESSION_COMM_LEN], out[FMT_COMM_ESC_LEN];
	unsigned int a, b;

	for (a = 1; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			memset(comm, 0, sizeof(comm));
			comm[0] = (char)a;
			comm[1] = (char)b;
			fmt_comm_escape(comm, out, sizeof(out));
			assert_true(escaped_is_inert(out));
			assert_int_equal(fmt_comm_unescape(out, back), 0);
			assert_memory_equal(comm, back, sizeof(comm));
		}
	}
}

static void test_comm_escape_round_trip_random(void **state)
{
	char comm[SESSION_COMM_LEN], back[SESSION_COMM_LEN], out[FMT_COMM_ESC_LEN];
	unsigned int seed = 12345;
	int iter, i;

	for (iter = 0; iter < 200000; iter++) {
		int len = (int)(rand_r(&seed) % SESSION_COMM_LEN);

		memset(comm, 0, sizeof(comm));
		for (i = 0; i < len; i++) {
			unsigned char c;

			/* Bias toward the interesting bytes: controls, '\', high bytes. */
			switch (rand_r(&seed) % 4) {
			case 0: c = (unsigned char)(1 + rand_r(&seed) % 0x1f); break;
			case 1: c = (unsigned char)(0x80 + rand_r(&seed) % 0x80); break;
			case 2: c = (unsigned char)"\\x\"',=+-@ "[rand_r(&seed) % 10]; break;
			default: c = (unsigned char)(1 + rand_r(&seed) % 255);
			}
			comm[i] = (char)c;
		}
		assert_true(fmt_comm_escape(comm, out, sizeof(out)) < FMT_COMM_ESC_LEN);
		assert_true(escaped_is_inert(out));
		assert_int_equal(fmt_comm_unescape(out, back), 0);
		assert_memory_equal(comm, back, sizeof(comm));
	}
}

static void test_comm_escape_small_buffer(void **state)
{
	char out[8];

	/* Never splits an escape: "ab\x1b" needs 6 bytes + NUL. */
	assert_int_equal(fmt_comm_escape("ab\x1b" "c", out, 6), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(fmt_comm_escape("ab\x1b" "c", out, 7), 6);
	assert_string_equal(out, "ab\\x1b");
	/* Nor a UTF-8 sequence. */
	assert_int_equal(fmt_comm_escape("a\xe2\x82\xac", out, 4), 1);
	assert_string_equal(out, "a");
	assert_int_equal(fmt_comm_escape("abc", out, 0), 0);
	assert_int_equal(fmt_comm_escape("abc", out, 1), 0);
	assert_string_equal(out, "");
}

static void test_comm_unescape_rejects(void **state)
{
	static const char *const bad[] = {
		"\\", "\\n", "\\x", "\\x1", "\\xg0", "\\x00", "a\\q",
		"0123456789abcdef",		/* 16 bytes: too long */
		"0123456789abcd\\x41\\x42",	/* 16 after decoding */
	};
	char comm[SESSION_COMM_LEN];
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		memset(comm, 'Z', sizeof(comm));
		if (fmt_comm_unescape(bad[i], comm) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(comm[0], '\0');
	}
	assert_int_equal(fmt_comm_unescape("0123456789abcde", comm), 0);
	assert_string_equal(comm, "0123456789abcde");
	assert_int_equal(fmt_comm_unescape("\\x1B\\\\", comm), 0);	/* upper-case hex digits too */
	assert_string_equal(comm, "\x1b\\");
}

static void test_cut_cols(void **state)
{
	size_t cols;

	assert_int_equal(fmt_cut_cols("abcdef", 4, &cols), 4);
	assert_int_equal(cols, 4);
	assert_int_equal(fmt_cut_cols("ab", 10, &cols), 2);
	assert_int_equal(cols, 2);
	/* "\x1b" is 4 columns and is kept whole or not at all */
	assert_int_equal(fmt_cut_cols("ab\\x1bc", 5, &cols), 2);
	assert_int_equal(cols, 2);
	assert_int_equal(fmt_cut_cols("ab\\x1bc", 6, &cols), 6);
	assert_int_equal(fmt_cut_cols("a\\\\b", 2, &cols), 1);
	/* a UTF-8 character is one column, several bytes */
	assert_int_equal(fmt_cut_cols("\xc3\xa9t\xc3\xa9", 2, &cols), 3);
	assert_int_equal(cols, 2);
	assert_int_equal(fmt_cut_cols("\xe2\x82\xac\xe2\x82\xac", 1, NULL), 3);
	/* East Asian wide: two columns each, never split; a combining mark: none */
	assert_int_equal(fmt_cut_cols("\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac", 10, &cols), 8);
	assert_int_equal(cols, 5);				/* é 日 本 */
	assert_int_equal(fmt_cut_cols("\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac", 4, &cols), 5);
	assert_int_equal(cols, 3);				/* é 日: 本 would make 5 */
	assert_int_equal(fmt_cut_cols("e\xcc\x81x", 2, &cols), 4);
	assert_int_equal(cols, 2);				/* e + U+0301, x */
	assert_int_equal(fmt_cp_cols('a'), 1);
	assert_int_equal(fmt_cp_cols(0x1f600), 2);		/* an emoji */
	assert_int_equal(fmt_cp_cols(0xac00), 2);		/* Hangul */
	assert_int_equal(fmt_cp_cols(0x200b), 0);		/* zero width space */
	assert_int_equal(fmt_cp_cols(0x00e9), 1);
}

static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fmt_json_string(f, s), 0);
	fclose(f);
	return buf;
}

static void test_json_string(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\", "\"q\\\"b\\\\\"" },
		{ "\n\t\x01\x1f\x7f", "\"\\n\\t\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "bad\xff", "\"bad\\ufffd\"" },
		{ "", "\"\"" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char *j = json_of(cases[i].in);

		assert_string_equal(j, cases[i].out);
		assert_true(json_valid(j));
		free(j);
	}
}

static void test_json_string_hostile_bytes_always_valid(void **state)
{
	char s[64];
	unsigned int seed = 99;
	int iter, i;

	for (iter = 0; iter < 20000; iter++) {
		int len = (int)(rand_r(&seed) % (sizeof(s) - 1));
		char *j;

		for (i = 0; i < len; i++)
			s[i] = (char)(1 + rand_r(&seed) % 255);
		s[len] = '\0';
		j = json_of(s);
		assert_true(json_valid(j));
		free(j);
	}
}

static void test_utf8_seq_len(void **state)
{
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xc3\xa9", 1), 0);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xe0\x9f\x80", 3), 0);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xe0\xa0\x80", 3), 3);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\x80", 1), 0);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xc1\x81", 2), 0);
	assert_int_equal(fmt_utf8_seq_len((const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
}

/* Text escaped already keeps its backslashes; what cannot be shown is
 * escaped; a small buffer cuts between escapes, always terminated. */
static void test_escape_escaped(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(fmt_escape_escaped("\\x1b[31m\\", out, sizeof(out)), 9);
	assert_string_equal(out, "\\x1b[31m\\");
	fmt_escape_escaped("a\x1b\\b\n", out, sizeof(out));
	assert_string_equal(out, "a\\x1b\\b\\x0a");
	fmt_escape_escaped("\\", out, sizeof(out));
	assert_string_equal(out, "\\");
	assert_int_equal(fmt_escape_escaped("", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_true(fmt_escape_escaped("ab\x1b", out, 5) < 5);
	assert_string_equal(out, "ab");	/* "\x1b" does not fit: not split */
	assert_int_equal(fmt_escape_escaped("x", out, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_kept),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_dur),
		cmocka_unit_test(test_ms3),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_time_iso),
		cmocka_unit_test(test_time_iso_seconds_kept),
		cmocka_unit_test(test_put_u64),
		cmocka_unit_test(test_time_iso_rejects),
		cmocka_unit_test(test_time_hms),
		cmocka_unit_test(test_comm_escape_table),
		cmocka_unit_test(test_comm_escape_round_trip_exhaustive),
		cmocka_unit_test(test_comm_escape_round_trip_random),
		cmocka_unit_test(test_comm_escape_small_buffer),
		cmocka_unit_test(test_escape_escaped),
		cmocka_unit_test(test_comm_unescape_rejects),
		cmocka_unit_test(test_cut_cols),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_json_string_hostile_bytes_always_valid),
		cmocka_unit_test(test_utf8_seq_len),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
