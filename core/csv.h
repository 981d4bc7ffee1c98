/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CSV: RFC 4180 quoting (a cell is quoted when it holds a comma, a quote, CR
 * or LF; quotes are doubled), one record per line ending in LF, a header
 * line of column names. The reader accepts LF and CRLF.
 *
 * Formula neutralisation: cells from untrusted text columns (comm) that a
 * spreadsheet would run as a formula (starting with = + - @ TAB or CR) get
 * a leading single quote. So that this is reversible, a cell that already
 * starts with a quote followed by such a cell gets one too; csv_unguard()
 * strips exactly one. Numbers never need it (our numeric columns are never
 * negative).
 */
#ifndef TCPSCOPE_CORE_CSV_H
#define TCPSCOPE_CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/columns.h"
#include "core/view.h"

/* Write one cell, quoted if needed (no separator). */
void csv_write_cell(FILE *f, const char *s);
/* Write one cell of untrusted text: neutralised if needed, then quoted if needed. */
void csv_write_text_cell(FILE *f, const char *s);
/* The same at p (room for 2 * strlen(s) + 3 bytes); the end of the cell. */
char *csv_put_text_cell(char *p, const char *s);
/* Would csv_write_text_cell() add a leading quote to s? */
bool csv_needs_guard(const char *s);
/* s without the leading quote csv_write_text_cell() added (s itself if none). */
const char *csv_unguard(const char *s);

/* Header line of a view kind's columns. 0 or -EIO. */
int csv_write_header(FILE *f, enum view_kind kind);
/* One row (see columns.h for row types), all columns, FMT_EXACT. 0 or -EIO.
 * A session's row is written field by field without the columns' calls
 * (the stream writes one per session); the text is the same. */
int csv_write_row(FILE *f, enum view_kind kind, const void *row);
/* The same through the columns' own formatting, column by column (what the
 * tests hold the direct Sessions row to). */
int csv_write_row_by_columns(FILE *f, enum view_kind kind, const void *row);
/* A session as a JSON object, its line feed included, at line (STREAM_ROW_MAX
 * bytes): the Sessions columns' names and text, numbers as numbers, formatted
 * as the direct row is. Its length; 0 while the columns are not the ones it
 * knows (then build it from the columns). */
size_t csv_session_json(char *line, const struct session *s);
/* Header and every row of the view in its order. 0 or -EIO. */
int csv_write_view(FILE *f, const struct view *v);

/*
 * Export the view to path atomically: written to a temporary file in the
 * same directory, flushed, fsync()ed and renamed over path, so path is
 * either complete or untouched. A file it replaces keeps its permissions
 * and, where the caller may set them, its owner and group; a symbolic link
 * is followed (the file it names is replaced, the link stays). On failure
 * the temporary file is removed,
 * err gets one line ("cannot create /x/y.csv: No such file or directory")
 * and -errno is returned.
 */
int csv_export_view(const char *path, const struct view *v, char *err, size_t errlen);

/*
 * Whether path may be exported to: nothing there (created), or a regular
 * file, through any links (*exists: replaced). 0; or, for a directory, a
 * device, a pipe, a socket or a link to nothing, which an export must
 * never replace (a device node renamed over by a file is gone for the whole
 * host), -EISDIR, -EINVAL or -ENOENT and one line in err.
 */
int csv_export_target(const char *path, bool *exists, char *err, size_t errlen);

#define CSV_MAX_RECORD (1u << 20)	/* bytes in one record, quotes excluded */
#define CSV_MAX_FIELDS 4096

/*
 * A record read by csv_read_record(). fields[0..n-1] point into memory the
 * record owns, valid until the next read or csv_record_fini().
 */
struct csv_record {
	char **fields;
	size_t n;
	unsigned long line;	/* physical line (1-based) where the record starts */
	unsigned long err_line;	/* where the error was found or the bad quote opened */
	char err[96];		/* why the input is malformed, after -EINVAL / -E2BIG */
	bool unterminated;	/* the record ended where the input did, with no line end */
	/* private */
	char *buf;
	size_t len, cap;
	size_t *offs;
	size_t fcap;
	unsigned long next_line;
};

void csv_record_init(struct csv_record *rec);
void csv_record_fini(struct csv_record *rec);

/*
 * Read the next record from f (quoted fields may hold commas, doubled
 * quotes and line breaks). Returns 1 with a record, 0 at end of input,
 * -EINVAL for malformed input (unterminated quote, stray quote, NUL byte),
 * -E2BIG for a record over the limits, -ENOMEM or -EIO; rec->err and
 * rec->err_line then say what and where. An empty line is a record with
 * one empty field. After an error, stop reading: the input position is
 * somewhere inside the bad record.
 */
int csv_read_record(FILE *f, struct csv_record *rec);

#endif
