/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process names a local user can give itself (prctl(PR_SET_NAME) takes any
 * 15 bytes) that would do harm if printed raw: terminal escapes, control
 * bytes, CSV structure, spreadsheet formulas, invalid UTF-8. Shared by the
 * tests that push them through the stream writers, the replay reader and
 * the real BPF path.
 */
#ifndef TCPSCOPE_TESTS_HOSTILE_H
#define TCPSCOPE_TESTS_HOSTILE_H

struct hostile_name {
	const char *what;
	const char *comm;	/* raw bytes, at most 15, no NUL */
};

static const struct hostile_name hostile_names[] = {
	{ "CSI clear screen", "\x1b[2Jclear" },
	{ "OSC window title", "\x1b]0;pwned\x07" },
	{ "C0 controls and DEL", "a\x01" "b\x7f\x08\r\x1b" "c" },
	{ "commas and quotes", "x,y\"z,\"" },
	{ "newline", "two\nlines" },
	{ "formula =", "=1+2" },
	{ "formula +", "+SUM(A1:A9)" },
	{ "formula -", "-2+3" },
	{ "formula @", "@SUM(1)" },
	{ "formula TAB", "\t=tab" },
	{ "quote then formula", "'=quoted" },
	{ "invalid UTF-8", "\xff\xfe" "bad-utf8" },
	{ "C1 CSI (U+009B)", "\xc2\x9b" "2Jc1" },
	{ "bidi override", "\xe2\x80\xae" "rlo" },
	{ "literal backslash-x", "\\x1b-literal" },
	{ "valid UTF-8", "caf\xc3\xa9" },
	{ "exactly 15 bytes", "fifteen-bytes15" },
};

#define HOSTILE_COUNT (sizeof(hostile_names) / sizeof(hostile_names[0]))

#endif
