// SPDX-License-Identifier: GPL-2.0
/* The stream's standard output; see outfile.h. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "ui/outfile.h"

static uint64_t count_lines(const char *p, size_t n)
{
	const char *end = p + n;
	uint64_t lines = 0;

	while (p < end && (p = memchr(p, '\n', end - p))) {
		lines++;
		p++;
	}
	return lines;
}

/* Stopping: is the reader taking data? Waits up to OUTFILE_STALL_MS; a
 * further signal ends the wait (poll fails with EINTR). */
static bool reader_takes(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return poll(&p, 1, OUTFILE_STALL_MS) > 0;
}

/* fopencookie's write: all of buf, or what went out before an error (errno
 * set) or before the reader was given up on. A short count marks the FILE
 * as failed. */
static ssize_t out_write(void *cookie, const char *buf, size_t size)
{
	struct outfile *out = cookie;
	size_t done = 0;

	if (out->gave_up) {
		out->lines_lost += count_lines(buf, size);
		errno = EAGAIN;
		return 0;
	}
	while (done < size) {
		size_t chunk = size - done;
		ssize_t w;

		if (*out->stop) {
			if (!reader_takes(out->fd)) {
				out->gave_up = true;
				out->cut = done > 0 && buf[done - 1] != '\n';
				out->lines_lost += count_lines(buf + done, size - done);
				errno = EAGAIN;
				break;
			}
			/* A pipe with room takes this much without blocking. */
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		w = write(out->fd, buf + done, chunk);
		if (w > 0)
			done += (size_t)w;
		else if (w < 0 && errno == EINTR)
			continue;	/* a stop: the loop now waits for the reader */
		else
			break;
	}
	return done;
}

FILE *outfile_open(struct outfile *out, int fd, const volatile sig_atomic_t *stop,
		   char *buf, size_t size)
{
	cookie_io_functions_t io = { .write = out_write };
	FILE *f;

	memset(out, 0, sizeof(*out));
	out->fd = fd;
	out->stop = stop;
	f = fopencookie(out, "w", io);
	if (f && setvbuf(f, buf, _IOFBF, size)) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	return f;
}
