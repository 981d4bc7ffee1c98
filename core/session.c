// SPDX-License-Identifier: GPL-2.0
/* Names of the session enums, and their parsers (used by the CSV replay). */
#include <errno.h>
#include <string.h>

#include "core/session.h"

static const char *const dir_names[] = {
	[DIR_UNKNOWN] = "?",
	[DIR_OUT] = "out",
	[DIR_IN] = "in",
};

static const char *const closer_names[] = {
	[CLOSER_UNKNOWN] = "?",
	[CLOSER_LOCAL] = "local",
	[CLOSER_REMOTE] = "remote",
};

static const char *const cause_names[] = {
	[CAUSE_UNKNOWN] = "?",
	[CAUSE_FIN] = "fin",
	[CAUSE_RST_SENT] = "rst_sent",
	[CAUSE_RST_RECV] = "rst_recv",
	[CAUSE_REFUSED] = "refused",
	[CAUSE_TIMEOUT] = "timeout",
	[CAUSE_ABANDONED] = "abandoned",
	[CAUSE_UNREACHABLE] = "unreachable",
	[CAUSE_OPEN] = "open",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	if (v >= n || !names[v])
		return "?";
	return names[v];
}

/* "?" and the empty string both mean unknown (value 0). */
static int parse_name(const char *const *names, size_t n, const char *s, uint8_t *out)
{
	size_t i;

	if (!s)
		return -EINVAL;
	if (s[0] == '\0') {
		*out = 0;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (names[i] && strcmp(names[i], s) == 0) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *session_dir_name(enum sess_dir d)
{
	return name_of(dir_names, ARRAY_LEN(dir_names), d);
}

const char *session_closer_name(enum sess_closer c)
{
	return name_of(closer_names, ARRAY_LEN(closer_names), c);
}

const char *session_cause_name(enum sess_cause c)
{
	return name_of(cause_names, ARRAY_LEN(cause_names), c);
}

int session_dir_parse(const char *s, uint8_t *out)
{
	return parse_name(dir_names, ARRAY_LEN(dir_names), s, out);
}

int session_closer_parse(const char *s, uint8_t *out)
{
	return parse_name(closer_names, ARRAY_LEN(closer_names), s, out);
}

int session_cause_parse(const char *s, uint8_t *out)
{
	return parse_name(cause_names, ARRAY_LEN(cause_names), s, out);
}
