// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the CSV reader (core/csv.c csv_read_record) and the replay
 * parser (core/replay.c) on arbitrary bytes.
 *
 * Invariants: the reader never reads or writes out of bounds, every record
 * it returns has 1..CSV_MAX_FIELDS NUL-terminated fields, an error carries a
 * message; the replay parser either rejects the input with a one-line
 * message or yields sessions, and what tcpscope writes for those sessions
 * is canonical: read back and written again, it is byte-identical.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/replay.h"
#include "core/source.h"
#include "tests/fuzz/fuzz.h"

struct collect {
	struct session *v;
	size_t n, cap;
};

static int collect(void *ctx, const struct session *s)
{
	struct collect *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct session *v = realloc(c->v, cap * sizeof(*v));

		FUZZ_CHECK(v);
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *s;
	return 0;
}

static void read_records(const uint8_t *data, size_t size)
{
	struct csv_record rec;
	FILE *f = fuzz_open(data, size);
	unsigned long last_line = 0;
	int rc;

	FUZZ_CHECK(f);
	csv_record_init(&rec);
	while ((rc = csv_read_record(f, &rec)) > 0) {
		FUZZ_CHECK(rec.n >= 1 && rec.n <= CSV_MAX_FIELDS);
		FUZZ_CHECK(rec.line > last_line);
		last_line = rec.line;
		for (size_t i = 0; i < rec.n; i++)
			FUZZ_CHECK(strlen(rec.fields[i]) <= CSV_MAX_RECORD);
	}
	if (rc < 0) {
		FUZZ_CHECK(rec.err[0] != '\0');
		FUZZ_CHECK(strchr(rec.err, '\n') == NULL);
	}
	csv_record_fini(&rec);
	fclose(f);
}

/* Sessions of a replay source, or NULL (err filled) if the input is rejected. */
static struct session_source *replay_bytes(const void *data, size_t size, struct collect *c)
{
	struct session_source *src;
	char err[512] = "";
	FILE *f = fuzz_open(data, size);
	int rc;

	FUZZ_CHECK(f);
	src = replay_open_file(f, "fuzz.csv", err, sizeof(err));
	fclose(f);
	if (!src) {
		FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
		return NULL;
	}
	do
		rc = source_drain(src, collect, c);
	while (rc > 0);
	FUZZ_CHECK(rc == -ENODATA || rc == 0);
	FUZZ_CHECK(c->n == replay_count(src));
	return src;
}

/* The sessions as tcpscope writes them (-o csv). */
static char *write_sessions(const struct collect *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	FUZZ_CHECK(f);
	FUZZ_CHECK(csv_write_header(f, VIEW_SESSIONS) == 0);
	for (size_t i = 0; i < c->n; i++)
		FUZZ_CHECK(csv_write_row(f, VIEW_SESSIONS, &c->v[i]) == 0);
	FUZZ_CHECK(fclose(f) == 0);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct collect first = { 0 }, second = { 0 };
	struct session_source *src, *again;
	char *out1, *out2;
	size_t len1, len2;

	read_records(data, size);
	src = replay_bytes(data, size, &first);
	if (!src)
		return 0;
	out1 = write_sessions(&first, &len1);
	/* Inert, and one line per session: names are escaped, never raw. */
	FUZZ_CHECK(fuzz_text_inert(out1, len1, true));
	{
		size_t lines = 0;

		for (size_t i = 0; i < len1; i++)
			lines += out1[i] == '\n';
		FUZZ_CHECK(lines == first.n + 1);
	}
	again = replay_bytes(out1, len1, &second);
	FUZZ_CHECK(again);	/* what we write, we read */
	FUZZ_CHECK(second.n == first.n);
	out2 = write_sessions(&second, &len2);
	FUZZ_CHECK(len1 == len2 && memcmp(out1, out2, len1) == 0);
	source_destroy(again);
	source_destroy(src);
	free(out1);
	free(out2);
	free(first.v);
	free(second.v);
	return 0;
}
