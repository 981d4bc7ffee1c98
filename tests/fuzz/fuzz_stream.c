// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the stream writers (core/stream.c) and the replay reader on
 * any session the collector could produce (fields from the input bytes,
 * the comm any 15 bytes).
 *
 * Invariants: each text line (plain, wide, with times) is one inert line;
 * each JSON line is one valid JSON object; the CSV row read back by the
 * replay reader is the same session (times to the microsecond, the CSV's
 * precision).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/csv.h"
#include "core/replay.h"
#include "core/session.h"
#include "core/source.h"
#include "core/stream.h"
#include "tests/fuzz/fuzz.h"

#define NS_PER_US 1000ULL

static int take(void *ctx, const struct session *s)
{
	*(struct session *)ctx = *s;
	return 0;
}

/* A session from raw bytes, kept in the domain the collector produces. */
static void session_from(const uint8_t *data, size_t size, struct session *s)
{
	size_t head = offsetof(struct session, comm);

	memset(s, 0, sizeof(*s));
	memcpy(s, data, size < head ? size : head);
	if (size > head) {
		size_t n = size - head;

		n = n < SESSION_COMM_LEN - 1 ? n : SESSION_COMM_LEN - 1;
		memcpy(s->comm, data + head, strnlen((const char *)data + head, n));
	}
	s->family = s->family & 1 ? AF_INET6 : AF_INET;
	if (s->family == AF_INET) {
		memset(&s->laddr, 0, 10);
		memset(&s->raddr, 0, 10);
		s->laddr.s6_addr[10] = s->laddr.s6_addr[11] = 0xff;
		s->raddr.s6_addr[10] = s->raddr.s6_addr[11] = 0xff;
	}
	s->dir %= 3;
	s->closer %= 3;
	s->cause %= CAUSE_MAX;
	s->flags &= SESS_PID_UNCERTAIN | SESS_PARTIAL;
}

static char *write_stream(const struct stream_opts *o, const struct session *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	FUZZ_CHECK(f);
	stream_header(f, o);
	stream_session(f, o, s, s->end_ns ^ 0x5a5a);
	FUZZ_CHECK(fclose(f) == 0);
	return buf;
}

static size_t lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream_opts o = { 0 };
	struct session s, back;
	struct session_source *src;
	char err[256], *out;
	size_t len;
	FILE *f;

	session_from(data, size, &s);

	/* Text, every layout: a header and one line, all inert. */
	for (int v = 0; v < 8; v++) {
		o = (struct stream_opts){ .fmt = STREAM_TEXT, .wide = v & 1, .time_s = v & 2,
					  .time_hms = v & 4 };
		out = write_stream(&o, &s, &len);
		FUZZ_CHECK(lines(out, len) == 2 && out[len - 1] == '\n');
		FUZZ_CHECK(fuzz_text_inert(out, len, true));
		free(out);
	}

	/* tcplife's -s: a header and one row, inert, each read back as CSV with
	 * as many fields as the header names (a name with commas or quotes
	 * stays one field). */
	for (int v = 0; v < 4; v++) {
		struct csv_record rec;
		size_t want;

		o = (struct stream_opts){ .fmt = STREAM_LIFECSV, .time_s = v & 1, .time_hms = v & 2 };
		out = write_stream(&o, &s, &len);
		FUZZ_CHECK(lines(out, len) == 2 && fuzz_text_inert(out, len, true));
		want = 10 + !!(v & 1) + !!(v & 2);
		f = fmemopen(out, len, "r");
		FUZZ_CHECK(f);
		csv_record_init(&rec);
		FUZZ_CHECK(csv_read_record(f, &rec) == 1 && rec.n == want);
		FUZZ_CHECK(csv_read_record(f, &rec) == 1 && rec.n == want);
		csv_record_fini(&rec);
		fclose(f);
		free(out);
	}

	/* JSON: one line, one valid object. */
	o = (struct stream_opts){ .fmt = STREAM_JSON };
	out = write_stream(&o, &s, &len);
	FUZZ_CHECK(lines(out, len) == 1 && out[0] == '{' && out[len - 1] == '\n');
	FUZZ_CHECK(strlen(out) == len && fuzz_json_valid(out));
	free(out);

	/* CSV: read back by the replay reader to the same session. */
	o = (struct stream_opts){ .fmt = STREAM_CSV };
	out = write_stream(&o, &s, &len);
	FUZZ_CHECK(lines(out, len) == 2 && fuzz_text_inert(out, len, true));
	f = fmemopen(out, len, "r");
	FUZZ_CHECK(f);
	src = replay_open_file(f, "stream.csv", err, sizeof(err));
	if (!src) {
		fprintf(stderr, "tcpscope cannot read its own row: %s\n%s", err, out);
		abort();
	}
	FUZZ_CHECK(source_drain(src, take, &back) == 1);
	s.end_ns -= s.end_ns % NS_PER_US;
	s.start_ns -= s.start_ns % NS_PER_US;
	FUZZ_CHECK(s.end_ns == back.end_ns);
	FUZZ_CHECK(s.start_ns == back.start_ns);
	FUZZ_CHECK(s.dur_us == back.dur_us);
	FUZZ_CHECK(s.tx_bytes == back.tx_bytes && s.rx_bytes == back.rx_bytes);
	FUZZ_CHECK(!memcmp(&s.laddr, &back.laddr, 16) && !memcmp(&s.raddr, &back.raddr, 16));
	FUZZ_CHECK(s.pid == back.pid && s.srtt_us == back.srtt_us);
	FUZZ_CHECK(s.handshake_us == back.handshake_us && s.retrans == back.retrans);
	FUZZ_CHECK(s.lport == back.lport && s.rport == back.rport);
	FUZZ_CHECK(s.family == back.family && s.dir == back.dir && s.closer == back.closer);
	FUZZ_CHECK(s.cause == back.cause && s.flags == back.flags);
	FUZZ_CHECK(!memcmp(s.comm, back.comm, SESSION_COMM_LEN));
	source_destroy(src);
	fclose(f);
	free(out);
	return 0;
}
