/* SPDX-License-Identifier: GPL-2.0 */
/* Shared helpers for the core unit tests (header only, included by test_*.c). */
#ifndef TCPSCOPE_TESTS_UNIT_HELPERS_H
#define TCPSCOPE_TESTS_UNIT_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <ctype.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/fmt.h"
#include "core/session.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NS_PER_SEC 1000000000ULL

/* 2026-11-23T22:15:03Z, a fixed base time for the tests. */
#define T0_NS (1795472103ULL * NS_PER_SEC)

static inline void __attribute__((unused)) addr_v4(struct in6_addr *a, uint8_t b0, uint8_t b1,
						    uint8_t b2, uint8_t b3)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = 0xff;
	a->s6_addr[11] = 0xff;
	a->s6_addr[12] = b0;
	a->s6_addr[13] = b1;
	a->s6_addr[14] = b2;
	a->s6_addr[15] = b3;
}

static inline void __attribute__((unused)) addr_v6(struct in6_addr *a, const char *text)
{
	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
}

/* A zeroed IPv4 session with plausible defaults; times are whole microseconds. */
static inline struct session __attribute__((unused))
mk_session(uint32_t pid, const char *comm, uint16_t lport, uint16_t rport, uint64_t end_ns)
{
	struct session s;

	memset(&s, 0, sizeof(s));
	s.pid = pid;
	strncpy(s.comm, comm, SESSION_COMM_LEN - 1);
	s.lport = lport;
	s.rport = rport;
	s.end_ns = end_ns;
	s.dur_us = 1500;
	s.start_ns = end_ns - s.dur_us * 1000;
	s.tx_bytes = 100;
	s.rx_bytes = 200;
	s.family = AF_INET;
	addr_v4(&s.laddr, 10, 0, 0, 1);
	addr_v4(&s.raddr, 10, 0, 0, 2);
	s.dir = DIR_OUT;
	s.closer = CLOSER_LOCAL;
	s.cause = CAUSE_FIN;
	return s;
}

/* ---- a strict JSON validator (RFC 8259), for output checks -------------- */

struct json_p {
	const unsigned char *p;
	int depth;
};

static bool __attribute__((unused)) json_value(struct json_p *j);

static void __attribute__((unused)) json_ws(struct json_p *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool __attribute__((unused)) json_string(struct json_p *j)
{
	if (*j->p != '"')
		return false;
	j->p++;
	for (;;) {
		unsigned char c = *j->p;
		size_t n;

		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;	/* includes the terminating NUL */
		if (c == '\\') {
			j->p++;
			if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
				j->p++;
			} else if (*j->p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit(j->p[i]))
						return false;
				j->p += 5;
			} else {
				return false;
			}
			continue;
		}
		if (c < 0x80) {
			j->p++;
			continue;
		}
		n = fmt_utf8_seq_len(j->p, strnlen((const char *)j->p, 4));
		if (!n)
			return false;
		j->p += n;
	}
}

static bool __attribute__((unused)) json_number(struct json_p *j)
{
	const unsigned char *s = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (isdigit(*j->p))
			j->p++;
	else
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!isdigit(*j->p))
			return false;
		while (isdigit(*j->p))
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!isdigit(*j->p))
			return false;
		while (isdigit(*j->p))
			j->p++;
	}
	return j->p > s;
}

static bool __attribute__((unused)) json_value(struct json_p *j)
{
	bool ok = true;

	if (++j->depth > 64)
		return false;
	json_ws(j);
	if (*j->p == '{') {
		j->p++;
		json_ws(j);
		if (*j->p == '}') {
			j->p++;
		} else {
			for (;;) {
				json_ws(j);
				if (!json_string(j))
					return false;
				json_ws(j);
				if (*j->p++ != ':')
					return false;
				if (!json_value(j))
					return false;
				json_ws(j);
				if (*j->p == ',') {
					j->p++;
					continue;
				}
				if (*j->p++ != '}')
					return false;
				break;
			}
		}
	} else if (*j->p == '[') {
		j->p++;
		json_ws(j);
		if (*j->p == ']') {
			j->p++;
		} else {
			for (;;) {
				if (!json_value(j))
					return false;
				json_ws(j);
				if (*j->p == ',') {
					j->p++;
					continue;
				}
				if (*j->p++ != ']')
					return false;
				break;
			}
		}
	} else if (*j->p == '"') {
		ok = json_string(j);
	} else if (!strncmp((const char *)j->p, "true", 4)) {
		j->p += 4;
	} else if (!strncmp((const char *)j->p, "false", 5)) {
		j->p += 5;
	} else if (!strncmp((const char *)j->p, "null", 4)) {
		j->p += 4;
	} else {
		ok = json_number(j);
	}
	json_ws(j);
	j->depth--;
	return ok;
}

/* True if text is exactly one valid JSON value (surrounding blanks allowed). */
static inline bool __attribute__((unused)) json_valid(const char *text)
{
	struct json_p j = { (const unsigned char *)text, 0 };

	return json_value(&j) && *j.p == '\0';
}

#endif
