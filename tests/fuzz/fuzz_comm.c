// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: process-name escaping (core/fmt.c) and the writers that carry
 * escaped names (CSV cell, JSON string).
 *
 * Invariants, for any 15 bytes a process can name itself with:
 *   - fmt_comm_escape() output is inert on a terminal and fits
 *     FMT_COMM_ESC_LEN; fmt_comm_unescape() gives the exact bytes back;
 *   - fmt_cut_cols() never cuts inside an escape or a UTF-8 sequence;
 *   - as a CSV text cell it reads back (RFC 4180 reader + csv_unguard) to
 *     the same text, and never starts with a formula character;
 *   - as a JSON string it is valid JSON.
 * And for any text, fmt_comm_unescape() either fails or yields a name that
 * escapes and unescapes to itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/fmt.h"
#include "core/session.h"
#include "tests/fuzz/fuzz.h"

static void check_csv_cell(const char *text)
{
	struct csv_record rec;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	FUZZ_CHECK(f);
	csv_write_text_cell(f, text);
	putc('\n', f);
	FUZZ_CHECK(fclose(f) == 0);
	FUZZ_CHECK(!strchr("=+-@\t\r", buf[0]) || !buf[0] || buf[0] == '\n');
	if (buf[0] == '"')
		FUZZ_CHECK(!strchr("=+-@\t\r", buf[1]) || !buf[1]);
	f = fmemopen(buf, len, "r");
	FUZZ_CHECK(f);
	csv_record_init(&rec);
	FUZZ_CHECK(csv_read_record(f, &rec) == 1);
	FUZZ_CHECK(rec.n == 1);
	FUZZ_CHECK(strcmp(csv_unguard(rec.fields[0]), text) == 0);
	csv_record_fini(&rec);
	fclose(f);
	free(buf);
}

static void check_json(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	FUZZ_CHECK(f);
	FUZZ_CHECK(fmt_json_string(f, text) == 0);
	FUZZ_CHECK(fclose(f) == 0);
	FUZZ_CHECK(buf[0] == '"' && fuzz_json_valid(buf) && strlen(buf) == len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char comm[SESSION_COMM_LEN] = { 0 }, back[SESSION_COMM_LEN], esc[FMT_COMM_ESC_LEN];
	char *text, *all;
	size_t n, elen, alen;

	/* What a process can set: up to 15 bytes, up to the first NUL. */
	n = size < SESSION_COMM_LEN - 1 ? size : SESSION_COMM_LEN - 1;
	memcpy(comm, data, strnlen((const char *)data, n));
	elen = fmt_comm_escape(comm, esc, sizeof(esc));
	FUZZ_CHECK(elen == strlen(esc) && elen < FMT_COMM_ESC_LEN);
	FUZZ_CHECK(fuzz_text_inert(esc, elen, false));
	FUZZ_CHECK(fmt_comm_unescape(esc, back) == 0);
	FUZZ_CHECK(memcmp(back, comm, SESSION_COMM_LEN) == 0);

	/* Every cut is whole: the prefix unescapes to a prefix of the name. */
	for (size_t cols = 0; cols <= 16; cols++) {
		char part[FMT_COMM_ESC_LEN];
		size_t w, b = fmt_cut_cols(esc, cols, &w);

		FUZZ_CHECK(b <= elen && w <= cols);
		memcpy(part, esc, b);
		part[b] = '\0';
		FUZZ_CHECK(fmt_comm_unescape(part, back) == 0);
		FUZZ_CHECK(strncmp(back, comm, strlen(back)) == 0);
	}
	check_csv_cell(esc);
	check_json(esc);

	/* The whole input, NULs and all, through the general escaper. */
	alen = size * 4 + 1;
	all = malloc(alen);
	FUZZ_CHECK(all);
	n = fmt_escape((const char *)data, size, all, alen);
	FUZZ_CHECK(n == strlen(all) && fuzz_text_inert(all, n, false));
	free(all);

	/* Arbitrary text as an escaped name (a replay file's comm cell). */
	text = strndup((const char *)data, size);
	FUZZ_CHECK(text);
	if (fmt_comm_unescape(text, back) == 0) {
		FUZZ_CHECK(strlen(back) < SESSION_COMM_LEN);
		fmt_comm_escape(back, esc, sizeof(esc));
		FUZZ_CHECK(fmt_comm_unescape(esc, comm) == 0);
		FUZZ_CHECK(strcmp(comm, back) == 0);
	}
	check_csv_cell(text);
	check_json(text);
	free(text);
	return 0;
}
