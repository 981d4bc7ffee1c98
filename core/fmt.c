// SPDX-License-Identifier: GPL-2.0
/* Text formatting of session fields; see fmt.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fmt.h"
#include "core/session.h"

#define NS_PER_SEC	1000000000ULL
#define NS_PER_US	1000ULL
#define US_PER_MS	1000ULL
#define US_PER_SEC	1000000ULL
#define US_PER_MIN	(60 * US_PER_SEC)
#define US_PER_HOUR	(60 * US_PER_MIN)
#define US_PER_DAY	(24 * US_PER_HOUR)

/* vsnprintf() with the fmt.h return convention. */
static int __attribute__((format(printf, 3, 4)))
put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!buf || len == 0)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

int fmt_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	unsigned __int128 div = 1;
	unsigned int i;

	if (bytes < 1000)
		return put(buf, len, "%llu", (unsigned long long)bytes);
	for (i = 0; i < sizeof(units) - 1; i++) {
		unsigned long long tenths, whole;

		div *= 1024;
		/* Rounded to a tenth: one decimal while below 100 of this unit. */
		tenths = (unsigned long long)(((unsigned __int128)bytes * 10 + div / 2) / div);
		if (tenths < 1000)
			return put(buf, len, "%llu.%llu%c", tenths / 10, tenths % 10, units[i]);
		whole = (unsigned long long)((bytes + div / 2) / div);
		if (whole < 1000)
			return put(buf, len, "%llu%c", whole, units[i]);
	}
	/* Unreachable for 64-bit counts (16E max), kept for safety. */
	return put(buf, len, "%lluE", (unsigned long long)(bytes >> 60));
}

/* us / d rounded half up, without overflow near UINT64_MAX. */
static unsigned long long div_round(uint64_t us, uint64_t d)
{
	return us / d + (us % d >= d - d / 2);
}

int fmt_dur_us(uint64_t us, char *buf, size_t len)
{
	unsigned long long v;

	if (us < 1000)
		return put(buf, len, "%lluus", (unsigned long long)us);
	/* Each step checks the rounded value, so 99.96ms moves on to "100ms". */
	v = div_round(us, 100);			/* tenths of ms */
	if (v < 1000)
		return put(buf, len, "%llu.%llums", v / 10, v % 10);
	v = div_round(us, US_PER_MS);		/* ms */
	if (v < 1000)
		return put(buf, len, "%llums", v);
	v = div_round(us, 10000);		/* hundredths of s */
	if (v < 1000)
		return put(buf, len, "%llu.%02llus", v / 100, v % 100);
	v = div_round(us, 100000);		/* tenths of s */
	if (v < 600)
		return put(buf, len, "%llu.%llus", v / 10, v % 10);
	v = div_round(us, US_PER_SEC);	/* s */
	if (v < 3600)
		return put(buf, len, "%llum%02llus", v / 60, v % 60);
	v = div_round(us, US_PER_MIN);	/* min */
	if (v < 100 * 60)
		return put(buf, len, "%lluh%02llum", v / 60, v % 60);
	v = div_round(us, US_PER_HOUR);	/* h */
	return put(buf, len, "%llud%02lluh", v / 24, v % 24);
}

/* "00".."99": two digits per division (the CSV stream formats a dozen
 * numbers per session). */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The low `width` decimal digits of v at p, zero-padded, written backwards. */
static void put_digits(char *p, uint64_t v, int width)
{
	while (width >= 2) {
		width -= 2;
		memcpy(p + width, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (width)
		p[0] = (char)('0' + v % 10);
}

static int count_digits(uint64_t v)
{
	int n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* text (n bytes, at most FMT_PUT_MAX) into buf with its NUL: n, or -ENOSPC
 * (buf then ""). The bounded fmt_* functions are their fmt_put_* twins
 * through this. */
static int bounded(char *buf, size_t len, const char *text, size_t n)
{
	if (!buf || len <= n) {
		if (buf && len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
	return (int)n;
}

/* Two digits of v (< 100) at p. */
static inline void put_pair(char *p, unsigned int v)
{
	memcpy(p, digit_pairs + 2 * v, 2);
}

char *fmt_put_u64(char *p, uint64_t v)
{
	int n;

	/* Most numbers in a row are short (ports, pids, byte counts, RTTs):
	 * those take 32-bit arithmetic and no loop. */
	if (v < 100) {
		if (v < 10) {
			*p = (char)('0' + v);
			return p + 1;
		}
		put_pair(p, (unsigned int)v);
		return p + 2;
	}
	if (v < 1000000) {
		unsigned int u = (unsigned int)v;

		if (u < 10000) {
			if (u < 1000) {
				*p = (char)('0' + u / 100);
				put_pair(p + 1, u % 100);
				return p + 3;
			}
			put_pair(p, u / 100);
			put_pair(p + 2, u % 100);
			return p + 4;
		}
		if (u < 100000) {
			*p = (char)('0' + u / 10000);
			put_pair(p + 1, u / 100 % 100);
			put_pair(p + 3, u % 100);
			return p + 5;
		}
		put_pair(p, u / 10000);
		put_pair(p + 2, u / 100 % 100);
		put_pair(p + 4, u % 100);
		return p + 6;
	}
	n = count_digits(v);
	put_digits(p, v, n);
	return p + n;
}

int fmt_u64(uint64_t v, char *buf, size_t len)
{
	char tmp[FMT_PUT_MAX];

	return bounded(buf, len, tmp, (size_t)(fmt_put_u64(tmp, v) - tmp));
}

int fmt_count(uint64_t v, int width, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	uint64_t q = v;
	int n;

	n = fmt_u64(v, buf, len);
	if (n < 0 || n <= width)
		return n;
	for (size_t u = 0; u < sizeof(units) - 1; u++) {
		q /= 1000;
		n = snprintf(buf, len, "%llu%c", (unsigned long long)q, units[u]);
		if (n < 0 || (size_t)n >= len) {
			if (len)
				buf[0] = '\0';
			return -ENOSPC;
		}
		if (n <= width)
			return n;
	}
	return n;
}

char *fmt_put_ms3(char *p, uint64_t us)
{
	p = fmt_put_u64(p, us / US_PER_MS);
	*p = '.';
	put_digits(p + 1, us % US_PER_MS, 3);
	return p + 4;
}

int fmt_ms3(uint64_t us, char *buf, size_t len)
{
	char tmp[FMT_PUT_MAX];

	return bounded(buf, len, tmp, (size_t)(fmt_put_ms3(tmp, us) - tmp));
}

static bool addr_is_v4mapped(const struct in6_addr *a)
{
	static const unsigned char prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->s6_addr, prefix, sizeof(prefix)) == 0;
}

/* Decimal digits of v (< 1000) at p; returns the count. */
static size_t put_octet(char *p, unsigned int v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		memcpy(p, digit_pairs + 2 * v, 2);
		return 2;
	}
	*p = (char)('0' + v / 100);
	memcpy(p + 1, digit_pairs + 2 * (v % 100), 2);
	return 3;
}

char *fmt_put_addr(char *p, const struct in6_addr *addr, int family)
{
	const unsigned char *b = addr->s6_addr;

	if (family == AF_INET || addr_is_v4mapped(addr)) {
		for (int i = 12; i < 16; i++) {
			p += put_octet(p, b[i]);
			*p++ = '.';
		}
		return p - 1;
	}
	if (!inet_ntop(AF_INET6, addr, p, INET6_ADDRSTRLEN))
		return p;
	return p + strlen(p);
}

int fmt_addr(const struct in6_addr *addr, int family, char *buf, size_t len)
{
	char tmp[FMT_PUT_MAX];

	/* The search filter formats every address it looks at. */
	return bounded(buf, len, tmp, (size_t)(fmt_put_addr(tmp, addr, family) - tmp));
}

int fmt_addr_parse(const char *text, struct in6_addr *out)
{
	struct in_addr v4;

	if (!text)
		return -EINVAL;
	if (strchr(text, ':'))
		return inet_pton(AF_INET6, text, out) == 1 ? 0 : -EINVAL;
	if (inet_pton(AF_INET, text, &v4) != 1)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], &v4, 4);
	return 0;
}

/*
 * "YYYY-MM-DDTHH:MM:SS" of a second. Sessions arrive in bursts within the same
 * second, and a row has two times (its start and its end), which for a session
 * that lasted a second or more are in different seconds: the text of the last
 * two seconds is kept. NULL for a year outside 0-9999.
 */
static const char *iso_second(time_t sec)
{
	static _Thread_local struct {
		time_t sec;
		bool valid;
		char text[64];
	} cache[2];
	static _Thread_local unsigned int next;
	struct tm tm;
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (cache[i].valid && cache[i].sec == sec)
			return cache[i].text;
	if (!gmtime_r(&sec, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
		return NULL;
	i = next++ & 1;
	snprintf(cache[i].text, sizeof(cache[i].text), "%04d-%02d-%02dT%02d:%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	cache[i].sec = sec;
	cache[i].valid = true;
	return cache[i].text;
}

char *fmt_put_time_iso(char *p, uint64_t epoch_ns)
{
	const char *day = iso_second((time_t)(epoch_ns / NS_PER_SEC));
	unsigned int us;

	if (!day) {
		*p = '?';
		return p + 1;
	}
	us = (unsigned int)((epoch_ns % NS_PER_SEC) / NS_PER_US);
	memcpy(p, day, 19);
	p[19] = '.';
	put_pair(p + 20, us / 10000);
	put_pair(p + 22, us / 100 % 100);
	put_pair(p + 24, us % 100);
	p[26] = 'Z';
	return p + 27;
}

int fmt_time_iso(uint64_t epoch_ns, char *buf, size_t len)
{
	char tmp[FMT_PUT_MAX];

	return bounded(buf, len, tmp, (size_t)(fmt_put_time_iso(tmp, epoch_ns) - tmp));
}

static bool digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

int fmt_time_iso_parse(const char *s, uint64_t *epoch_ns)
{
	int year, mon, day, hour, min, sec;
	uint64_t frac_ns = 0, scale = NS_PER_SEC / 10;
	struct tm tm;
	time_t t;
	const char *p;

	if (!s || strlen(s) < 20)
		return -EINVAL;
	if (!digits(s, 4, &year) || s[4] != '-' || !digits(s + 5, 2, &mon) || s[7] != '-' ||
	    !digits(s + 8, 2, &day) || s[10] != 'T' || !digits(s + 11, 2, &hour) ||
	    s[13] != ':' || !digits(s + 14, 2, &min) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return -EINVAL;
	p = s + 19;
	if (*p == '.') {
		int n = 0;

		for (p++; *p >= '0' && *p <= '9'; p++, n++) {
			if (n >= 9)
				return -EINVAL;
			frac_ns += (uint64_t)(*p - '0') * scale;
			scale /= 10;
		}
		if (n == 0)
			return -EINVAL;
	}
	if (p[0] != 'Z' || p[1] != '\0')
		return -EINVAL;
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
	    min > 59 || sec > 59)
		return -EINVAL;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm() normalises 31 February into March: reject such dates. */
	if (t < 0 || tm.tm_mday != day || tm.tm_mon != mon - 1)
		return -EINVAL;
	if ((uint64_t)t > (UINT64_MAX - frac_ns) / NS_PER_SEC)
		return -EINVAL;
	*epoch_ns = (uint64_t)t * NS_PER_SEC + frac_ns;
	return 0;
}

int fmt_time_hms(uint64_t epoch_ns, char *buf, size_t len)
{
	static _Thread_local struct {
		time_t sec;
		bool valid;
		char text[40];
	} cache;
	time_t sec = (time_t)(epoch_ns / NS_PER_SEC);
	struct tm tm;

	if (!cache.valid || cache.sec != sec) {
		if (!localtime_r(&sec, &tm))
			return put(buf, len, "??:??:??");
		snprintf(cache.text, sizeof(cache.text), "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		cache.sec = sec;
		cache.valid = true;
	}
	return put(buf, len, "%s", cache.text);
}

size_t fmt_utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (avail < n)
		return 0;
	/* The second byte's range excludes overlongs, surrogates, > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Valid UTF-8 that a terminal could still act on or that reorders text. */
static bool utf8_is_unsafe(const unsigned char *p, size_t n)
{
	unsigned int cp;

	if (n == 2) {
		cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
		return cp <= 0x9f;	/* C1 controls U+0080..U+009F */
	}
	if (n != 3)
		return false;
	cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
	return cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t fmt_escape(const char *in, size_t inlen, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0;

	if (!out || outlen == 0)
		return 0;
	while (i < inlen) {
		unsigned char c = p[i];
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)c;
			i++;
			continue;
		}
		if (c == '\\') {
			if (o + 2 >= outlen)
				break;
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
			continue;
		}
		n = c >= 0x80 ? fmt_utf8_seq_len(p + i, inlen - i) : 0;
		if (n && !utf8_is_unsafe(p + i, n)) {
			if (o + n >= outlen)
				break;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		/* Control byte, stray byte, or each byte of an unsafe sequence. */
		if (n == 0)
			n = 1;
		if (o + 4 * n >= outlen)
			break;
		for (; n; n--, i++) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 0xf];
		}
	}
	out[o] = '\0';
	return o;
}

size_t fmt_escape_escaped(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	if (!out || outlen == 0)
		return 0;
	out[0] = '\0';
	while (*in && o + 1 < outlen) {
		size_t n = strcspn(in, "\\");

		o += fmt_escape(in, n, out + o, outlen - o);
		in += n;
		if (*in == '\\' && o + 1 < outlen) {
			out[o++] = '\\';
			out[o] = '\0';
			in++;
		}
	}
	return o;
}

size_t fmt_comm_escape(const char *comm, char *out, size_t outlen)
{
	return fmt_escape(comm, strnlen(comm, SESSION_COMM_LEN), out, outlen);
}

int fmt_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fmt_comm_unescape(const char *in, char *comm_out)
{
	size_t o = 0;

	memset(comm_out, 0, SESSION_COMM_LEN);
	while (*in) {
		int c;

		if (in[0] != '\\') {
			c = (unsigned char)*in++;
		} else if (in[1] == '\\') {
			c = '\\';
			in += 2;
		} else if (in[1] == 'x') {
			int h = fmt_hex_digit(in[2]), l = h < 0 ? -1 : fmt_hex_digit(in[3]);

			if (h < 0 || l < 0)
				goto bad;
			c = h << 4 | l;
			if (c == 0)
				goto bad;
			in += 4;
		} else {
			goto bad;
		}
		if (o >= SESSION_COMM_LEN - 1)
			goto bad;
		comm_out[o++] = (char)c;
	}
	return 0;
bad:
	memset(comm_out, 0, SESSION_COMM_LEN);
	return -EINVAL;
}

int fmt_cp_cols(uint32_t cp)
{
	/* Combining marks and zero-width characters. */
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a },
		{ 0x064b, 0x065f }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f },
		{ 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	};
	/* East Asian Wide and Fullwidth, and emoji. */
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a }, { 0x23e9, 0x23ec },
		{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 }, { 0x26aa, 0x26ab },
		{ 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
		{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
		{ 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 },
		{ 0x1f300, 0x1f64f }, { 0x1f900, 0x1f9ff }, { 0x20000, 0x3fffd },
	};
	size_t i;

	if (cp < 0x300)
		return 1;
	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* The code point of a valid UTF-8 sequence of n bytes. */
static uint32_t utf8_cp(const unsigned char *p, size_t n)
{
	uint32_t cp = n == 2 ? p[0] & 0x1f : n == 3 ? p[0] & 0x0f : p[0] & 0x07;

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

size_t fmt_cut_cols(const char *s, size_t max_cols, size_t *cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, w = 0;

	while (p[i] && w < max_cols) {
		size_t n = 1, adv = 1;

		if (p[i] == '\\' && p[i + 1] == '\\') {
			n = adv = 2;
		} else if (p[i] == '\\' && p[i + 1] == 'x' && p[i + 2] && p[i + 3]) {
			n = adv = 4;
		} else if (p[i] >= 0x80) {
			size_t l = fmt_utf8_seq_len(p + i, strnlen(s + i, 4));

			adv = l ? l : 1;
			n = l ? (size_t)fmt_cp_cols(utf8_cp(p + i, l)) : 1;
		}
		if (w + n > max_cols)
			break;
		w += n;
		i += adv;
	}
	if (cols)
		*cols = w;
	return i;
}

char *fmt_put_json_string(char *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *q = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	*p++ = '"';
	while (i < len) {
		unsigned char c = q[i];
		size_t n;

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			*p++ = '\\';
			switch (c) {
			case '\n': *p++ = 'n'; break;
			case '\r': *p++ = 'r'; break;
			case '\t': *p++ = 't'; break;
			case '\b': *p++ = 'b'; break;
			case '\f': *p++ = 'f'; break;
			default:
				memcpy(p, "u00", 3);
				p += 3;
				*p++ = hex[c >> 4];
				*p++ = hex[c & 0xf];
			}
			i++;
		} else if (c < 0x80) {
			*p++ = (char)c;
			i++;
		} else if ((n = fmt_utf8_seq_len(q + i, len - i))) {
			memcpy(p, q + i, n);
			p += n;
			i += n;
		} else {
			memcpy(p, "\\ufffd", 6);
			p += 6;
			i++;
		}
	}
	*p++ = '"';
	return p;
}

int fmt_json_string(FILE *f, const char *s)
{
	char stackbuf[512], *buf = stackbuf, *end;
	size_t need = strlen(s) * 6 + 2;

	if (need > sizeof(stackbuf) && !(buf = malloc(need)))
		return -ENOMEM;
	end = fmt_put_json_string(buf, s);
	fwrite(buf, 1, (size_t)(end - buf), f);
	if (buf != stackbuf)
		free(buf);
	return ferror(f) ? -EIO : 0;
}

void fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
