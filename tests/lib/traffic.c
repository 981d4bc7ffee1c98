// SPDX-License-Identifier: GPL-2.0
/*
 * Single loopback TCP sessions between a forked server and a forked client
 * with exact payload counts and a chosen closer; see tests/lib/traffic.h.
 *
 * The parent (the test) only coordinates: each child reports through its own
 * pipe (listening/local port, then "ready" with its TCP_INFO counters) and
 * both wait on one AF_UNIX release socket. Nothing but the session itself
 * goes over TCP, so the kernel's byte counters see exactly the spec's payload.
 */
#include "tests/lib/traffic.h"
#include "tests/lib/traffic_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <linux/tcp.h>		/* struct tcp_info with the byte counters */

/* ---- shared helpers (traffic_priv.h) ---------------------------------- */

uint64_t traffic_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void traffic_sleep_us(unsigned int usec)
{
	struct timespec ts = {
		.tv_sec = usec / 1000000,
		.tv_nsec = (long)(usec % 1000000) * 1000,
	};

	nanosleep(&ts, NULL);
}

static void close_fds_from(unsigned int lo, unsigned int hi)
{
	if (lo > hi)
		return;
	if (close_range(lo, hi, 0) == 0)
		return;
	/* no close_range(): walk the descriptor table */
	long max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 1 << 20)
		max = 1 << 20;
	for (long fd = lo; fd <= (long)hi && fd < max; fd++)
		close((int)fd);
}

void traffic_child_init(pid_t parent, const char *comm, const int *keep, int nkeep)
{
	int sorted[8];
	unsigned int lo = 3;
	sigset_t none;
	int n = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(TRAFFIC_EXIT_PARENT);
	/* the alarm() backstop must work whatever the test did to signals */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, SIG_DFL);
	if (comm && prctl(PR_SET_NAME, comm) < 0) {
		fprintf(stderr, "traffic: prctl(PR_SET_NAME, %s): %s\n", comm, strerror(errno));
		_exit(TRAFFIC_EXIT_SETUP);
	}

	/* insertion sort of the descriptors to keep, then close the gaps */
	for (int i = 0; i < nkeep && n < (int)(sizeof(sorted) / sizeof(sorted[0])); i++) {
		int j = n++;

		while (j > 0 && sorted[j - 1] > keep[i]) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = keep[i];
	}
	for (int i = 0; i < n; i++) {
		if (sorted[i] < (int)lo)
			continue;
		close_fds_from(lo, (unsigned int)sorted[i] - 1);
		lo = (unsigned int)sorted[i] + 1;
	}
	close_fds_from(lo, ~0U);
}

socklen_t traffic_loopback_addr(int family, uint16_t port, unsigned int src,
				struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		/* 127.0.0.0/8 only: 127.0.0.1 .. 127.0.0.254 */
		if (src < 1 || src > 254)
			src = 1;
		sin->sin_addr.s_addr = htonl(0x7f000000u | src);
		return sizeof(*sin);
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = in6addr_loopback;
		return sizeof(*sin6);
	}
	return 0;
}

uint16_t traffic_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

int traffic_reap(pid_t pid, uint64_t deadline_ns, int *wstatus)
{
	unsigned int nap_us = 50;
	int killed = 0;

	for (;;) {
		pid_t r = waitpid(pid, wstatus, killed ? 0 : WNOHANG);

		if (r == pid)
			return killed ? -ETIMEDOUT : 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r == 0 && traffic_now_ns() >= deadline_ns) {
			kill(pid, SIGKILL);
			killed = 1;
			continue;
		}
		if (r == 0) {
			traffic_sleep_us(nap_us);
			if (nap_us < 5000)
				nap_us *= 2;
		}
	}
}

void traffic_set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

const char *traffic_status_str(int wstatus, char *buf, size_t len)
{
	static const char *const why[] = {
		[TRAFFIC_EXIT_OK] = "ok",
		[TRAFFIC_EXIT_SETUP] = "setup failed",
		[TRAFFIC_EXIT_CONNECT] = "connect/accept failed",
		[TRAFFIC_EXIT_IO] = "I/O error or early EOF",
		[TRAFFIC_EXIT_TIMEOUT] = "timeout",
		[TRAFFIC_EXIT_PROTOCOL] = "protocol error: extra bytes or wrong kind of close",
		[TRAFFIC_EXIT_COUNTERS] = "TCP_INFO counters disagree with the spec",
		[TRAFFIC_EXIT_PARENT] = "lost the parent",
		[TRAFFIC_EXIT_NOT_REFUSED] = "connection was not refused",
		[TRAFFIC_EXIT_FAILURES] = "some connections failed",
	};

	if (wstatus == -1) {
		snprintf(buf, len, "not reaped");
	} else if (WIFEXITED(wstatus)) {
		int code = WEXITSTATUS(wstatus);
		const char *w = code < (int)(sizeof(why) / sizeof(why[0])) ? why[code] : NULL;

		snprintf(buf, len, "exit %d (%s)", code, w ? w : "unknown");
	} else if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);

		snprintf(buf, len, "killed by SIG%s%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
			 sig == SIGALRM ? " (timeout)" : "");
	} else {
		snprintf(buf, len, "status 0x%x", wstatus);
	}
	return buf;
}

/* ---- the children's side of one session ------------------------------- */

/* child -> parent report, one write each (< PIPE_BUF, so atomic) */
struct traffic_msg {
	uint32_t type;
	uint16_t port;		/* MSG_PORT: listening / local port */
	uint16_t peer_port;	/* refused case: the closed port */
	uint64_t tcpi_bytes_acked;	/* MSG_READY */
	uint64_t tcpi_bytes_received;
};

enum { MSG_PORT = 1, MSG_READY = 2 };

/* What one child does; filled by the server or client entry point. */
struct side {
	const char *name;	/* "server" / "client" */
	const struct traffic_spec *spec;
	int report_fd;
	int go_fd;
	int is_closer;
	uint64_t in;		/* payload the peer sends us */
	uint64_t read_in;	/* of which we read (all but unread_bytes) */
	uint64_t out;		/* payload we send */
	uint64_t syn_acked;	/* SYN counted in our tcpi_bytes_acked: 0 or 1 */
};

static char io_buf[65536];

static void __attribute__((noreturn, format(printf, 3, 4)))
child_die(int code, const char *name, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "traffic: %s[%d]: %s\n", name, (int)getpid(), msg);
	_exit(code);
}

static int err_exit_code(int err)
{
	if (err == -ETIMEDOUT)
		return TRAFFIC_EXIT_TIMEOUT;
	if (err == -EPROTO)
		return TRAFFIC_EXIT_PROTOCOL;
	return TRAFFIC_EXIT_IO;
}

static const char *err_str(int err)
{
	if (err == -ENODATA)
		return "peer closed early (EOF)";
	if (err == -EPROTO)
		return "unexpected extra bytes";
	return strerror(-err);
}

static uint64_t deadline_in(unsigned int ms)
{
	return traffic_now_ns() + (uint64_t)ms * NSEC_PER_MSEC;
}

/* poll() one descriptor until deadline: 0 when something happened */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = traffic_now_ns();
		struct pollfd p = { .fd = fd, .events = events };
		int r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int write_all(int fd, uint64_t n, uint64_t deadline)
{
	while (n) {
		size_t chunk = n < sizeof(io_buf) ? n : sizeof(io_buf);
		ssize_t w = send(fd, io_buf, chunk, MSG_NOSIGNAL);
		int r;

		if (w > 0) {
			n -= (uint64_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return -errno;
		r = wait_fd(fd, POLLOUT, deadline);
		if (r)
			return r;
	}
	return 0;
}

/* Read exactly n bytes, never more: -ENODATA on early EOF. */
static int read_exact(int fd, uint64_t n, uint64_t deadline)
{
	while (n) {
		size_t chunk = n < sizeof(io_buf) ? n : sizeof(io_buf);
		ssize_t r = recv(fd, io_buf, chunk, 0);
		int e;

		if (r > 0) {
			n -= (uint64_t)r;
			continue;
		}
		if (r == 0)
			return -ENODATA;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		e = wait_fd(fd, POLLIN, deadline);
		if (e)
			return e;
	}
	return 0;
}

/* After all expected input: 0 on EOF, -ECONNRESET on reset, -EPROTO on data. */
static int wait_peer_close(int fd, uint64_t deadline)
{
	for (;;) {
		ssize_t r = recv(fd, io_buf, 1, 0);
		int e;

		if (r == 0)
			return 0;
		if (r > 0)
			return -EPROTO;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		e = wait_fd(fd, POLLIN, deadline);
		if (e)
			return e;
	}
}

/* Until the peer has ACKed all we sent (nothing in flight). */
static int wait_acked(int fd, uint64_t deadline)
{
	unsigned int nap_us = 20;

	for (;;) {
		int outq = 0;

		if (ioctl(fd, SIOCOUTQ, &outq) < 0)
			return -errno;
		if (outq == 0)
			return 0;
		if (traffic_now_ns() >= deadline)
			return -ETIMEDOUT;
		traffic_sleep_us(nap_us);
		if (nap_us < 2000)
			nap_us *= 2;
	}
}

/* Until exactly n bytes sit unread in the receive queue. */
static int wait_unread(int fd, uint64_t n, uint64_t deadline)
{
	unsigned int nap_us = 20;

	for (;;) {
		int inq = 0;

		if (ioctl(fd, FIONREAD, &inq) < 0)
			return -errno;
		if ((uint64_t)inq == n)
			return 0;
		if ((uint64_t)inq > n)
			return -EPROTO;
		if (traffic_now_ns() >= deadline)
			return -ETIMEDOUT;
		traffic_sleep_us(nap_us);
		if (nap_us < 2000)
			nap_us *= 2;
	}
}

static void report(const struct side *sd, const struct traffic_msg *m)
{
	ssize_t w;

	do {
		w = write(sd->report_fd, m, sizeof(*m));
	} while (w < 0 && errno == EINTR);
	if (w != (ssize_t)sizeof(*m))
		child_die(TRAFFIC_EXIT_PARENT, sd->name, "report to the parent failed: %s",
			  w < 0 ? strerror(errno) : "short write");
}

static unsigned int backstop_s(unsigned int timeout_ms)
{
	/* a few phases of timeout_ms each, then SIGALRM ends the child */
	return (unsigned int)((8ULL * timeout_ms) / 1000 + 2);
}

/*
 * Common end of both children once the payload is exchanged: wait until
 * nothing is in flight, check the kernel's counters, report ready, wait for
 * the release, then close first or wait for the peer's close.
 */
static void __attribute__((noreturn)) side_finish(const struct side *sd, int fd)
{
	const struct traffic_spec *sp = sd->spec;
	struct traffic_msg m = { .type = MSG_READY };
	struct tcp_info ti;
	socklen_t tilen = sizeof(ti);
	int one = 1;
	char c;
	int r;

	/* we read all we want: acknowledge now instead of after the delayed-ACK timer */
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));

	r = wait_acked(fd, deadline_in(sp->timeout_ms));
	if (r)
		child_die(err_exit_code(r), sd->name, "waiting for the peer to ACK %llu bytes: %s",
			  (unsigned long long)sd->out, err_str(r));
	if (sd->is_closer && sp->end == TRAFFIC_END_UNREAD) {
		r = wait_unread(fd, sd->in - sd->read_in, deadline_in(sp->timeout_ms));
		if (r)
			child_die(err_exit_code(r), sd->name,
				  "waiting for %llu unread bytes in the receive queue: %s",
				  (unsigned long long)(sd->in - sd->read_in), err_str(r));
	}

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tilen) < 0)
		child_die(TRAFFIC_EXIT_IO, sd->name, "getsockopt(TCP_INFO): %s", strerror(errno));
	m.tcpi_bytes_acked = ti.tcpi_bytes_acked;
	m.tcpi_bytes_received = ti.tcpi_bytes_received;
	if (ti.tcpi_bytes_received != sd->in ||
	    (ti.tcpi_bytes_acked != sd->out && ti.tcpi_bytes_acked != sd->out + sd->syn_acked))
		child_die(TRAFFIC_EXIT_COUNTERS, sd->name,
			  "TCP_INFO bytes_received %llu (want %llu), bytes_acked %llu (want %llu%s)",
			  (unsigned long long)ti.tcpi_bytes_received, (unsigned long long)sd->in,
			  (unsigned long long)ti.tcpi_bytes_acked, (unsigned long long)sd->out,
			  sd->syn_acked ? " or +1 for the SYN" : "");
	report(sd, &m);

	/* held: no alarm while the test decides when to release */
	alarm(0);
	r = wait_fd(sd->go_fd, POLLIN, deadline_in(sp->hold_ms));
	if (r)
		child_die(err_exit_code(r), sd->name, "not released within %u ms", sp->hold_ms);
	if (read(sd->go_fd, &c, 1) < 0)
		child_die(TRAFFIC_EXIT_PARENT, sd->name, "release socket: %s", strerror(errno));
	alarm(backstop_s(sp->timeout_ms));

	if (sd->is_closer) {
		if (sp->end == TRAFFIC_END_RST) {
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };

			if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
				child_die(TRAFFIC_EXIT_IO, sd->name, "SO_LINGER: %s",
					  strerror(errno));
		}
		if (sp->end == TRAFFIC_END_SHUTDOWN) {
			if (shutdown(fd, SHUT_WR) < 0)
				child_die(TRAFFIC_EXIT_IO, sd->name, "shutdown: %s",
					  strerror(errno));
			r = wait_peer_close(fd, deadline_in(sp->timeout_ms + sp->second_close_ms));
			if (r != 0)
				child_die(r == -ECONNRESET ? TRAFFIC_EXIT_PROTOCOL : err_exit_code(r),
					  sd->name, "after shutdown, waiting for the peer's FIN: %s",
					  err_str(r));
		}
		/* TRAFFIC_END_UNREAD: the data left in the receive queue makes this a RST */
		if (close(fd) < 0)
			child_die(TRAFFIC_EXIT_IO, sd->name, "close: %s", strerror(errno));
		_exit(TRAFFIC_EXIT_OK);
	}

	/* second to close: only after we saw the peer's close */
	r = wait_peer_close(fd, deadline_in(sp->timeout_ms));
	if ((sp->end == TRAFFIC_END_FIN || sp->end == TRAFFIC_END_SHUTDOWN) && r != 0)
		child_die(r == -ECONNRESET ? TRAFFIC_EXIT_PROTOCOL : err_exit_code(r), sd->name,
			  "waiting for the peer's FIN: %s", err_str(r));
	if (sp->end != TRAFFIC_END_FIN && sp->end != TRAFFIC_END_SHUTDOWN && r != -ECONNRESET)
		child_die(r == 0 ? TRAFFIC_EXIT_PROTOCOL : err_exit_code(r), sd->name,
			  "waiting for the peer's RST: %s", r == 0 ? "got EOF (FIN)" : err_str(r));
	if (sp->second_close_ms)
		poll(NULL, 0, (int)sp->second_close_ms);
	if (close(fd) < 0)
		child_die(TRAFFIC_EXIT_IO, sd->name, "close: %s", strerror(errno));
	_exit(TRAFFIC_EXIT_OK);
}

static const char *fam_addr(int family)
{
	return family == AF_INET6 ? "[::1]" : "127.0.0.1";
}

static void __attribute__((noreturn))
server_child(const struct traffic_spec *sp, pid_t parent, int report_fd, int go_fd)
{
	int keep[] = { report_fd, go_fd };
	struct side sd = {
		.name = "server", .spec = sp, .report_fd = report_fd, .go_fd = go_fd,
		.is_closer = sp->closer == TRAFFIC_SERVER,
		.in = sp->c2s_bytes, .out = sp->s2c_bytes, .syn_acked = 0,
	};
	struct traffic_msg m = { .type = MSG_PORT };
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;
	int lfd, fd, r;

	traffic_child_init(parent, sp->server_comm, keep, 2);
	alarm(backstop_s(sp->timeout_ms));
	sd.read_in = sd.in;
	if (sd.is_closer && sp->end == TRAFFIC_END_UNREAD)
		sd.read_in = sd.in - (sp->unread_bytes ? sp->unread_bytes : sd.in);

	len = traffic_loopback_addr(sp->family, sp->port, 1, &ss);
	lfd = socket(sp->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		child_die(TRAFFIC_EXIT_SETUP, sd.name, "socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, len) < 0)
		child_die(TRAFFIC_EXIT_SETUP, sd.name, "bind %s:%u: %s", fam_addr(sp->family),
			  sp->port, strerror(errno));
	if (listen(lfd, 16) < 0)
		child_die(TRAFFIC_EXIT_SETUP, sd.name, "listen: %s", strerror(errno));
	m.port = traffic_local_port(lfd);
	report(&sd, &m);

	r = wait_fd(lfd, POLLIN, deadline_in(sp->timeout_ms));
	if (r)
		child_die(err_exit_code(r), sd.name, "no connection on port %u: %s", m.port,
			  err_str(r));
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		child_die(TRAFFIC_EXIT_CONNECT, sd.name, "accept: %s", strerror(errno));
	close(lfd);

	r = read_exact(fd, sd.read_in, deadline_in(sp->timeout_ms));
	if (r)
		child_die(err_exit_code(r), sd.name, "reading %llu bytes from the client: %s",
			  (unsigned long long)sd.read_in, err_str(r));
	r = write_all(fd, sd.out, deadline_in(sp->timeout_ms));
	if (r)
		child_die(err_exit_code(r), sd.name, "writing %llu bytes to the client: %s",
			  (unsigned long long)sd.out, err_str(r));
	side_finish(&sd, fd);
}

static int client_connect(const struct traffic_spec *sp, const char *name, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = traffic_loopback_addr(sp->family, port, 1, &ss);
	socklen_t elen = sizeof(int);
	int fd, r, soerr = 0;

	fd = socket(sp->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		child_die(TRAFFIC_EXIT_SETUP, name, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return fd;
	if (errno != EINPROGRESS)
		child_die(TRAFFIC_EXIT_CONNECT, name, "connect %s:%u: %s", fam_addr(sp->family),
			  port, strerror(errno));
	r = wait_fd(fd, POLLOUT, deadline_in(sp->timeout_ms));
	if (r)
		child_die(err_exit_code(r), name, "connect %s:%u: %s", fam_addr(sp->family), port,
			  err_str(r));
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
		soerr = errno;
	if (soerr)
		child_die(TRAFFIC_EXIT_CONNECT, name, "connect %s:%u: %s", fam_addr(sp->family),
			  port, strerror(soerr));
	return fd;
}

static void __attribute__((noreturn))
client_child(const struct traffic_spec *sp, pid_t parent, int report_fd, int go_fd,
	     uint16_t port)
{
	int keep[] = { report_fd, go_fd };
	struct side sd = {
		.name = "client", .spec = sp, .report_fd = report_fd, .go_fd = go_fd,
		.is_closer = sp->closer == TRAFFIC_CLIENT,
		.in = sp->s2c_bytes, .out = sp->c2s_bytes, .syn_acked = 1,
	};
	struct traffic_msg m = { .type = MSG_PORT };
	int fd, r;

	traffic_child_init(parent, sp->client_comm, keep, 2);
	alarm(backstop_s(sp->timeout_ms));
	sd.read_in = sd.in;
	if (sd.is_closer && sp->end == TRAFFIC_END_UNREAD)
		sd.read_in = sd.in - (sp->unread_bytes ? sp->unread_bytes : sd.in);

	fd = client_connect(sp, sd.name, port);
	m.port = traffic_local_port(fd);
	report(&sd, &m);

	r = write_all(fd, sd.out, deadline_in(sp->timeout_ms));
	if (r)
		child_die(err_exit_code(r), sd.name, "writing %llu bytes to the server: %s",
			  (unsigned long long)sd.out, err_str(r));
	r = read_exact(fd, sd.read_in, deadline_in(sp->timeout_ms));
	if (r)
		child_die(err_exit_code(r), sd.name, "reading %llu bytes from the server: %s",
			  (unsigned long long)sd.read_in, err_str(r));
	side_finish(&sd, fd);
}

/* ---- the parent's side -------------------------------------------------- */

static int check_spec(struct traffic_spec *sp, char *err, size_t errlen)
{
	uint64_t closer_in;

	if (sp->family == 0)
		sp->family = AF_INET;
	if (!sp->timeout_ms)
		sp->timeout_ms = TRAFFIC_TIMEOUT_MS;
	if (!sp->hold_ms)
		sp->hold_ms = TRAFFIC_HOLD_MS;
	if (sp->family != AF_INET && sp->family != AF_INET6) {
		traffic_set_err(err, errlen, "family %d: only AF_INET and AF_INET6", sp->family);
		return -EINVAL;
	}
	if (sp->closer != TRAFFIC_CLIENT && sp->closer != TRAFFIC_SERVER) {
		traffic_set_err(err, errlen, "closer %d: TRAFFIC_CLIENT or TRAFFIC_SERVER",
				sp->closer);
		return -EINVAL;
	}
	if (sp->end != TRAFFIC_END_FIN && sp->end != TRAFFIC_END_RST &&
	    sp->end != TRAFFIC_END_UNREAD && sp->end != TRAFFIC_END_SHUTDOWN) {
		traffic_set_err(err, errlen, "end %d: unknown", sp->end);
		return -EINVAL;
	}
	if (sp->end == TRAFFIC_END_UNREAD) {
		uint64_t unread;

		closer_in = sp->closer == TRAFFIC_CLIENT ? sp->s2c_bytes : sp->c2s_bytes;
		unread = sp->unread_bytes ? sp->unread_bytes : closer_in;
		if (unread == 0 || unread > closer_in || unread > TRAFFIC_UNREAD_MAX) {
			traffic_set_err(err, errlen,
					"TRAFFIC_END_UNREAD needs 1..%u unread bytes out of the %llu the closer receives",
					TRAFFIC_UNREAD_MAX, (unsigned long long)closer_in);
			return -EINVAL;
		}
	}
	return 0;
}

/* Read one report; on EOF or timeout describe the failure of who. */
static int read_msg(int fd, uint32_t type, struct traffic_msg *m, uint64_t deadline,
		    const char *who, const char *what, char *err, size_t errlen)
{
	ssize_t r;
	int e = 0;

	for (;;) {
		uint64_t now = traffic_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (now >= deadline) {
			e = -ETIMEDOUT;
			break;
		}
		r = poll(&p, 1, (int)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
		if (r < 0 && errno != EINTR) {
			e = -errno;
			break;
		}
		if (r <= 0)
			continue;
		r = read(fd, m, sizeof(*m));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == (ssize_t)sizeof(*m) && m->type == type)
			return 0;
		e = r < 0 ? -errno : -EPIPE;
		break;
	}
	if (e == -ETIMEDOUT)
		traffic_set_err(err, errlen, "%s did not report %s in time", who, what);
	else if (e == -EPIPE)
		traffic_set_err(err, errlen, "%s exited before reporting %s", who, what);
	else
		traffic_set_err(err, errlen, "reading the %s's report: %s", who, strerror(-e));
	return e;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reap a child, adding its status to the message if it failed. */
static void reap_child(pid_t pid, uint64_t deadline, int *status, bool *ok, const char *who,
		       char *err, size_t errlen)
{
	char st[96];
	int r;

	if (pid <= 0)
		return;
	r = traffic_reap(pid, deadline, status);
	*ok = r == 0 && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
	if (r == -ETIMEDOUT)
		traffic_set_err(err, errlen, "%s %d did not finish in time: killed", who, (int)pid);
	else if (r < 0)
		traffic_set_err(err, errlen, "waitpid(%s %d): %s", who, (int)pid, strerror(-r));
	else if (!*ok)
		traffic_set_err(err, errlen, "%s %d: %s", who, (int)pid,
				traffic_status_str(*status, st, sizeof(st)));
}

/* Tear down a session that did not get to "ready": kill what still runs. */
static void abort_start(struct traffic_session *s)
{
	struct traffic_result *res = &s->res;
	/* a child that reported EOF has exited: give it a moment to be reaped first */
	uint64_t soon = traffic_now_ns() + 200 * NSEC_PER_MSEC;
	char tmp[TRAFFIC_ERR_LEN] = "";

	/* the first message says what the parent saw; add who failed and how */
	reap_child(res->client_pid, soon, &res->client_status, &res->client_ok, "client",
		   tmp, sizeof(tmp));
	reap_child(res->server_pid, soon, &res->server_status, &res->server_ok, "server",
		   tmp, sizeof(tmp));
	if (tmp[0]) {
		size_t n = strlen(res->err);

		snprintf(res->err + n, sizeof(res->err) - n, "%s%s", n ? "; " : "", tmp);
	}
	close_fd(&s->srv_fd);
	close_fd(&s->cli_fd);
	close_fd(&s->go_fd);
	s->finished = true;
}

int traffic_start(struct traffic_session *s, const struct traffic_spec *spec)
{
	struct traffic_result *res = &s->res;
	int srv_pipe[2], cli_pipe[2], go_sock[2] = { -1, -1 };
	struct traffic_msg m;
	pid_t parent = getpid();
	uint64_t deadline;
	int r;

	memset(s, 0, sizeof(*s));
	s->srv_fd = s->cli_fd = s->go_fd = -1;
	res->server_status = res->client_status = -1;
	s->spec = *spec;
	s->started = true;
	r = check_spec(&s->spec, res->err, sizeof(res->err));
	if (r) {
		s->finished = true;
		return r;
	}
	/* the children wait at most 8 phases (backstop_s); so does the parent */
	deadline = traffic_now_ns() + 8ULL * s->spec.timeout_ms * NSEC_PER_MSEC;

	/* CLOEXEC: a monitor the test execs later must not hold our pipes */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go_sock) < 0 ||
	    pipe2(srv_pipe, O_CLOEXEC) < 0) {
		r = -errno;
		traffic_set_err(res->err, sizeof(res->err), "socketpair/pipe: %s", strerror(errno));
		if (go_sock[0] >= 0) {
			close(go_sock[0]);
			close(go_sock[1]);
		}
		s->finished = true;
		return r;
	}
	s->go_fd = go_sock[1];
	s->srv_fd = srv_pipe[0];

	res->server_pid = fork();
	if (res->server_pid == 0)
		server_child(&s->spec, parent, srv_pipe[1], go_sock[0]);
	close(srv_pipe[1]);
	if (res->server_pid < 0) {
		r = -errno;
		traffic_set_err(res->err, sizeof(res->err), "fork (server): %s", strerror(errno));
		res->server_pid = 0;
		close(go_sock[0]);
		goto fail;
	}
	r = read_msg(s->srv_fd, MSG_PORT, &m, deadline, "server", "its port", res->err,
		     sizeof(res->err));
	if (r) {
		close(go_sock[0]);
		goto fail;
	}
	res->server_port = m.port;

	if (pipe2(cli_pipe, O_CLOEXEC) < 0) {
		r = -errno;
		traffic_set_err(res->err, sizeof(res->err), "pipe: %s", strerror(errno));
		close(go_sock[0]);
		goto fail;
	}
	s->cli_fd = cli_pipe[0];
	res->client_pid = fork();
	if (res->client_pid == 0)
		client_child(&s->spec, parent, cli_pipe[1], go_sock[0], res->server_port);
	close(cli_pipe[1]);
	close(go_sock[0]);
	if (res->client_pid < 0) {
		r = -errno;
		traffic_set_err(res->err, sizeof(res->err), "fork (client): %s", strerror(errno));
		res->client_pid = 0;
		goto fail;
	}
	r = read_msg(s->cli_fd, MSG_PORT, &m, deadline, "client", "its port", res->err,
		     sizeof(res->err));
	if (r)
		goto fail;
	res->client_port = m.port;

	r = read_msg(s->srv_fd, MSG_READY, &m, deadline, "server", "ready", res->err,
		     sizeof(res->err));
	if (r)
		goto fail;
	res->server_tcpi_bytes_acked = m.tcpi_bytes_acked;
	res->server_tcpi_bytes_received = m.tcpi_bytes_received;
	r = read_msg(s->cli_fd, MSG_READY, &m, deadline, "client", "ready", res->err,
		     sizeof(res->err));
	if (r)
		goto fail;
	res->client_tcpi_bytes_acked = m.tcpi_bytes_acked;
	res->client_tcpi_bytes_received = m.tcpi_bytes_received;
	return 0;

fail:
	abort_start(s);
	return r;
}

int traffic_release(struct traffic_session *s)
{
	/* one byte for each child, then EOF: a copy of the channel in another
	 * process (a test's own fork) cannot hold the release back; a socket,
	 * not a pipe, so a child that is gone cannot SIGPIPE the test */
	static const char go[2] = { 'g', 'g' };
	ssize_t w;

	if (s->go_fd < 0)
		return 0;
	do {
		w = send(s->go_fd, go, sizeof(go), MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (w < 0 && errno == EINTR);
	close_fd(&s->go_fd);
	return 0;
}

int traffic_finish(struct traffic_session *s, struct traffic_result *res_out)
{
	struct traffic_result *res = &s->res;
	uint64_t deadline;
	int r = 0;

	if (!s->started)
		return -EINVAL;
	if (!s->finished) {
		traffic_release(s);
		/* closing takes at most two phases in the children (then SIGALRM) */
		deadline = traffic_now_ns() +
			   (uint64_t)(backstop_s(s->spec.timeout_ms) + 1) * NSEC_PER_SEC;
		reap_child(res->server_pid, deadline, &res->server_status, &res->server_ok,
			   "server", res->err, sizeof(res->err));
		reap_child(res->client_pid, deadline, &res->client_status, &res->client_ok,
			   "client", res->err, sizeof(res->err));
		close_fd(&s->srv_fd);
		close_fd(&s->cli_fd);
		s->finished = true;
	}
	if (res_out)
		*res_out = *res;
	if (res->err[0])
		r = -EIO;
	if (!res->client_ok || (res->server_pid && !res->server_ok))
		r = -EIO;
	return r;
}

int traffic_run(const struct traffic_spec *spec, struct traffic_result *res)
{
	struct traffic_session s;
	int r = traffic_start(&s, spec);
	int f = traffic_finish(&s, res);

	return r ? r : f;
}

/* ---- connection refused ------------------------------------------------- */

static void __attribute__((noreturn))
refused_child(const struct traffic_spec *sp, pid_t parent, int report_fd)
{
	const char *name = "client";
	struct side sd = { .name = name, .spec = sp, .report_fd = report_fd };
	struct traffic_msg m = { .type = MSG_PORT };
	struct sockaddr_storage ss;
	socklen_t len, elen = sizeof(int);
	uint16_t port = sp->port;
	int holder = -1, fd, r, soerr = 0;

	traffic_child_init(parent, sp->client_comm, &report_fd, 1);
	alarm(backstop_s(sp->timeout_ms));

	if (!port) {
		/* bound but not listening: a SYN to it is answered with RST */
		holder = socket(sp->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		len = traffic_loopback_addr(sp->family, 0, 1, &ss);
		if (holder < 0 || bind(holder, (struct sockaddr *)&ss, len) < 0)
			child_die(TRAFFIC_EXIT_SETUP, name, "reserving a closed port: %s",
				  strerror(errno));
		port = traffic_local_port(holder);
	}

	fd = socket(sp->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	len = traffic_loopback_addr(sp->family, 0, 1, &ss);
	/* bind first so the local port is known even though connect() fails */
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0)
		child_die(TRAFFIC_EXIT_SETUP, name, "client socket: %s", strerror(errno));
	m.port = traffic_local_port(fd);
	m.peer_port = port;
	report(&sd, &m);

	len = traffic_loopback_addr(sp->family, port, 1, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		if (errno == ECONNREFUSED)
			_exit(TRAFFIC_EXIT_OK);
		if (errno != EINPROGRESS)
			child_die(TRAFFIC_EXIT_CONNECT, name, "connect %s:%u: %s",
				  fam_addr(sp->family), port, strerror(errno));
		r = wait_fd(fd, POLLOUT, deadline_in(sp->timeout_ms));
		if (r)
			child_die(err_exit_code(r), name, "connect %s:%u: %s", fam_addr(sp->family),
				  port, err_str(r));
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
			soerr = errno;
	}
	if (soerr == ECONNREFUSED) {
		close(fd);
		if (holder >= 0)
			close(holder);
		_exit(TRAFFIC_EXIT_OK);
	}
	if (soerr)
		child_die(TRAFFIC_EXIT_CONNECT, name, "connect %s:%u: %s (want ECONNREFUSED)",
			  fam_addr(sp->family), port, strerror(soerr));
	child_die(TRAFFIC_EXIT_NOT_REFUSED, name,
		  "connect %s:%u succeeded: something listens there", fam_addr(sp->family), port);
}

int traffic_run_refused(const struct traffic_spec *spec, struct traffic_result *res)
{
	struct traffic_spec sp = *spec;
	struct traffic_msg m;
	int rpipe[2];
	pid_t parent = getpid();
	uint64_t deadline;
	int r;

	memset(res, 0, sizeof(*res));
	res->server_status = res->client_status = -1;
	res->server_ok = true;
	sp.closer = TRAFFIC_CLIENT;
	sp.end = TRAFFIC_END_FIN;
	r = check_spec(&sp, res->err, sizeof(res->err));
	if (r)
		return r;
	deadline = traffic_now_ns() + (uint64_t)(backstop_s(sp.timeout_ms) + 1) * NSEC_PER_SEC;

	if (pipe2(rpipe, O_CLOEXEC) < 0) {
		traffic_set_err(res->err, sizeof(res->err), "pipe: %s", strerror(errno));
		return -errno;
	}
	res->client_pid = fork();
	if (res->client_pid == 0)
		refused_child(&sp, parent, rpipe[1]);
	close(rpipe[1]);
	if (res->client_pid < 0) {
		r = -errno;
		traffic_set_err(res->err, sizeof(res->err), "fork (client): %s", strerror(errno));
		res->client_pid = 0;
		close(rpipe[0]);
		return r;
	}
	r = read_msg(rpipe[0], MSG_PORT, &m, deadline, "client", "its ports", res->err,
		     sizeof(res->err));
	close(rpipe[0]);
	if (!r) {
		res->client_port = m.port;
		res->server_port = m.peer_port;
	}
	reap_child(res->client_pid, deadline, &res->client_status, &res->client_ok, "client",
		   res->err, sizeof(res->err));
	if (r)
		return r;
	return res->client_ok ? 0 : -EIO;
}
