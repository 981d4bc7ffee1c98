/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text formatting of session fields, shared by the screen, CSV, JSON and
 * the headless text stream.
 *
 * The fmt_* functions that write into (buf, len) always NUL-terminate when
 * len > 0 and return the length written (not counting the NUL), or -ENOSPC
 * when the text did not fit (buf then holds the empty string).
 */
#ifndef TCPSCOPE_CORE_FMT_H
#define TCPSCOPE_CORE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define FMT_BYTES_LEN	16	/* "1023.9K" fits with room to spare */
#define FMT_DUR_LEN	16
#define FMT_ADDR_LEN	INET6_ADDRSTRLEN
#define FMT_TIME_ISO_LEN 40	/* "2026-11-23T22:15:03.123456Z" is 27 */
#define FMT_TIME_HMS_LEN 16	/* "22:15:03" */
/* Escaped comm: at most 15 bytes, each at most 4 characters ("\xNN"). */
#define FMT_COMM_ESC_LEN 64

/* Human byte count, 1024-based: "0", "999", "1.0K", "12.3M", "123M", "1.2G". At most 5 chars. */
int fmt_bytes(uint64_t bytes, char *buf, size_t len);

/* Human duration: "850us", "12.3ms", "350ms", "4.20s", "42.1s", "3m05s", "2h01m", "3d04h". */
int fmt_dur_us(uint64_t dur_us, char *buf, size_t len);

/* Exact milliseconds with 3 decimals from microseconds: 12345 -> "12.345". */
int fmt_ms3(uint64_t us, char *buf, size_t len);
/* "session" or "sessions" for a count: one when n is 1, many otherwise. */
static inline const char *fmt_plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
/*
 * len bytes of a kept text (src, at least FMT_SHORT_COPY bytes long) to p;
 * p + len. A name's cell is a few bytes, and a copy of a length known only
 * at run time was a `rep movs`, slow to start: 14 % of the CSV stream's CPU.
 * Up to FMT_SHORT_COPY bytes are copied whole, so p must have that much room
 * whatever len is (what lies past len is written over by the next cell).
 */
#define FMT_SHORT_COPY 32
static inline char *fmt_put_kept(char *p, const char *src, size_t len)
{
	if (len <= FMT_SHORT_COPY)
		__builtin_memcpy(p, src, FMT_SHORT_COPY);
	else
		__builtin_memcpy(p, src, len);
	return p + len;
}
/* A count in at most `width` characters (width >= 2): exact when it fits,
 * else in thousands, millions, ... rounded down ("199K" for 199,999: never
 * more than it is). The length, or -ENOSPC. */
int fmt_count(uint64_t v, int width, char *buf, size_t len);
/* Decimal digits of v; the length, or -ENOSPC. */
int fmt_u64(uint64_t v, char *buf, size_t len);
/* One error line into err (NULL or errlen 0: nothing), for the parsers. */
void fmt_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Address as text. family AF_INET, or an IPv4-mapped IPv6 address of either
 * family, gives a dotted quad; otherwise RFC 5952 IPv6 text.
 */
int fmt_addr(const struct in6_addr *addr, int family, char *buf, size_t len);

/* Parse text written by fmt_addr(): a dotted quad becomes IPv4-mapped. 0 or -EINVAL. */
int fmt_addr_parse(const char *text, struct in6_addr *out);

/* UTC ISO 8601 with microseconds: "2026-11-23T22:15:03.123456Z" (ns truncated). */
int fmt_time_iso(uint64_t epoch_ns, char *buf, size_t len);

/* Parse "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (0-9 fraction digits) to epoch ns. 0 or -EINVAL. */
int fmt_time_iso_parse(const char *text, uint64_t *epoch_ns);

/*
 * The same texts written straight at p, without a length check or a NUL:
 * the caller has room for FMT_PUT_MAX bytes. Each returns the end of what
 * it wrote. For writers of many fields in a row (the CSV stream).
 */
#define FMT_PUT_MAX 48
char *fmt_put_u64(char *p, uint64_t v);
char *fmt_put_ms3(char *p, uint64_t us);
char *fmt_put_addr(char *p, const struct in6_addr *addr, int family);
char *fmt_put_time_iso(char *p, uint64_t epoch_ns);

/* Local wall-clock time "HH:MM:SS". */
int fmt_time_hms(uint64_t epoch_ns, char *buf, size_t len);

/*
 * Process names are untrusted bytes (prctl(PR_SET_NAME) takes anything).
 * fmt_comm_escape() writes the comm (up to SESSION_COMM_LEN bytes or the
 * first NUL) as printable, valid UTF-8 that is inert on a terminal:
 *   - 0x20..0x7e except '\' are copied;
 *   - '\' becomes "\\";
 *   - control bytes (0x00-0x1f, 0x7f), bytes that are not part of a valid
 *     UTF-8 sequence, and the bytes of C1 controls (U+0080-U+009F) and of
 *     bidi/line-separator format characters (U+200E, U+200F, U+2028-U+202E,
 *     U+2066-U+2069) become "\xNN" (lower-case hex);
 *   - other valid UTF-8 sequences are copied.
 * It never splits an escape or a UTF-8 sequence when out is too small.
 * Returns the length written; out is always NUL-terminated if outlen > 0.
 * FMT_COMM_ESC_LEN is always enough.
 */
size_t fmt_comm_escape(const char *comm, char *out, size_t outlen);

/* Same escaping for any byte string of inlen bytes (NULs are escaped too). */
size_t fmt_escape(const char *in, size_t inlen, char *out, size_t outlen);

/* The same for a NUL-terminated text that is escaped already, in part or
 * whole (a message quoting escaped input, a filter matched against names as
 * shown): a backslash is left as it is, so "\x1b" stays "\x1b". */
size_t fmt_escape_escaped(const char *in, char *out, size_t outlen);

/*
 * Reverse of fmt_comm_escape(): "\\" and "\xNN" are decoded, other bytes
 * copied. comm_out must have SESSION_COMM_LEN (16) bytes; it is zero-filled
 * first. Returns 0, or -EINVAL for a bad escape, "\x00", or a result longer
 * than 15 bytes.
 */
int fmt_comm_unescape(const char *in, char *comm_out);

/* A hex digit's value (either case), or -1. */
int fmt_hex_digit(char c);

/*
 * Length in bytes of the longest prefix of escaped text s that is at most
 * max_cols columns wide, never splitting an escape ("\xNN", "\\") or a
 * UTF-8 sequence. A code point takes the columns a terminal gives it
 * (fmt_cp_cols(): 2 for East Asian wide and emoji, 0 for a combining mark,
 * else 1), whatever the locale. If cols is not NULL it receives the width
 * of that prefix.
 */
size_t fmt_cut_cols(const char *s, size_t max_cols, size_t *cols);
/* Columns of a printable code point on a terminal: 0, 1 or 2. */
int fmt_cp_cols(uint32_t cp);

/*
 * Write s as a JSON string with its quotes. '"', '\' and control characters
 * are escaped; invalid UTF-8 bytes become U+FFFD so the output is always
 * valid JSON. Returns 0 or -EIO.
 */
int fmt_json_string(FILE *f, const char *s);
/* The same into p, which has room for 6 bytes a byte of s and 2 more;
 * returns the end (not NUL-terminated). */
char *fmt_put_json_string(char *p, const char *s);

/* Length of a valid UTF-8 sequence at p (at most avail bytes): 2-4, or 0 if invalid. */
size_t fmt_utf8_seq_len(const unsigned char *p, size_t avail);

#endif
