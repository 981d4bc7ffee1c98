// SPDX-License-Identifier: GPL-2.0
/*
 * Many loopback connections: traffic_burst(), the engine of
 * tests/bench/loadgen.c. See tests/lib/traffic.h for the exchange.
 *
 * Three processes: the caller coordinates, a server process runs one epoll
 * loop per thread on a shared listening socket (EPOLLEXCLUSIVE), a client
 * process runs `concurrency` threads that each do one blocking connection
 * at a time. Threads keep one PID per side (they inherit the comm set
 * before they are created). Each side counts a connection as ok only if it
 * moved exactly the payload of the spec and saw the kind of close the spec
 * asks for; both report their totals to the caller through a pipe.
 */
#include "tests/lib/traffic.h"
#include "tests/lib/traffic_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <linux/tcp.h>

#define BURST_BUF		65536
#define BURST_BACKLOG		4096
#define BURST_ERR_LEN		160
#define BURST_MAX_THREADS	64

/* The totals one child reports to the caller (one pipe write, < PIPE_BUF). */
struct burst_stats {
	uint64_t attempted;
	uint64_t ok;
	uint64_t failed;
	uint64_t err_connect;
	uint64_t err_timeout;
	uint64_t err_io;
	uint64_t c2s_bytes;
	uint64_t s2c_bytes;
	uint64_t elapsed_ns;
	char err[BURST_ERR_LEN];
};

struct burst_msg {
	uint32_t type;
	uint16_t port;
	struct burst_stats st;
};

enum { BMSG_PORT = 1, BMSG_DONE = 2 };

/* Outgoing payload: never read, so all threads can share it. */
static const char zero_buf[BURST_BUF];

static void stats_add(struct burst_stats *to, const struct burst_stats *from)
{
	to->attempted += from->attempted;
	to->ok += from->ok;
	to->failed += from->failed;
	to->err_connect += from->err_connect;
	to->err_timeout += from->err_timeout;
	to->err_io += from->err_io;
	to->c2s_bytes += from->c2s_bytes;
	to->s2c_bytes += from->s2c_bytes;
	if (!to->err[0] && from->err[0])
		memcpy(to->err, from->err, sizeof(to->err));
}

static int send_msg(int fd, const struct burst_msg *m)
{
	ssize_t w;

	do {
		w = write(fd, m, sizeof(*m));
	} while (w < 0 && errno == EINTR);
	return w == (ssize_t)sizeof(*m) ? 0 : -EPIPE;
}

/*
 * Leave delayed-ACK (pingpong) mode so that data arriving from now on is
 * ACKed at once, in the receive path. Used before an abort: an ACK that
 * waits for the delayed-ACK timer can leave on another CPU and be overtaken
 * by our own RST, and the peer's bytes_acked would then miss the payload.
 */
static void quickack(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

static int send_queue(int fd)
{
	int outq = 0;

	if (ioctl(fd, SIOCOUTQ, &outq) < 0)
		return -errno;
	return outq;
}

static void abort_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* ---- server ------------------------------------------------------------- */

enum sconn_phase {
	SC_FREE = 0,
	SC_READ,	/* reading the client's payload */
	SC_WRITE,	/* writing ours */
	SC_WAIT_CLOSE,	/* client closes first: waiting for its FIN/RST */
	SC_WAIT_ACKED,	/* we abort, once the client has ACKed everything */
};

struct sconn {
	uint64_t rd;
	uint64_t wr;
	uint64_t since_ns;	/* SC_WAIT_ACKED: when we started waiting */
	uint8_t phase;
	uint8_t want_out;	/* registered for EPOLLOUT */
};

struct server {
	const struct traffic_burst_spec *spec;
	int lfd;
	int ctl_fd;		/* EOF: the client is done, drain and stop */
	struct sconn *conns;	/* indexed by fd; each fd belongs to one thread */
	size_t nconns;
};

struct server_thread {
	struct server *srv;
	pthread_t tid;
	int ep;
	int *pending;		/* fds in SC_WAIT_ACKED */
	size_t npending, cap_pending;
	uint64_t active;
	struct burst_stats st;
	char buf[BURST_BUF];
};

/*
 * Account for a finished connection, then close it (RST if abort). The
 * bookkeeping comes first: once closed, the fd number may be accepted
 * again by another thread.
 */
static void sconn_end(struct server_thread *t, int fd, int abort, int ok, int err,
		      const char *what)
{
	struct sconn *c = &t->srv->conns[fd];

	if (ok) {
		t->st.ok++;
		t->st.c2s_bytes += c->rd;
		t->st.s2c_bytes += c->wr;
	} else {
		t->st.failed++;
		if (err == ETIMEDOUT)
			t->st.err_timeout++;
		else
			t->st.err_io++;
		if (!t->st.err[0])
			snprintf(t->st.err, sizeof(t->st.err), "server: %s: %s", what,
				 err ? strerror(err) : "protocol");
	}
	c->phase = SC_FREE;
	t->active--;
	if (abort)
		abort_close(fd);
	else
		close(fd);
}

static void pending_add(struct server_thread *t, int fd)
{
	if (t->npending == t->cap_pending) {
		size_t cap = t->cap_pending ? 2 * t->cap_pending : 64;
		int *p = realloc(t->pending, cap * sizeof(*p));

		if (!p) {
			/* no memory to wait: abort now, the counters may be short */
			sconn_end(t, fd, 1, 0, ENOMEM, "waiting for the ACK");
			return;
		}
		t->pending = p;
		t->cap_pending = cap;
	}
	t->pending[t->npending++] = fd;
}

static void pending_scan(struct server_thread *t, uint64_t now)
{
	uint64_t timeout = (uint64_t)t->srv->spec->timeout_ms * NSEC_PER_MSEC;
	size_t i = 0;

	while (i < t->npending) {
		int fd = t->pending[i];
		int outq = send_queue(fd);

		if (outq > 0 && now - t->srv->conns[fd].since_ns < timeout) {
			i++;
			continue;
		}
		t->pending[i] = t->pending[--t->npending];
		if (outq == 0)
			sconn_end(t, fd, 1, 1, 0, NULL);
		else
			sconn_end(t, fd, 1, 0, outq < 0 ? -outq : ETIMEDOUT,
				  "waiting for the client's ACK");
	}
}

static void set_events(struct server_thread *t, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	epoll_ctl(t->ep, EPOLL_CTL_MOD, fd, &ev);
}

static void sconn_event(struct server_thread *t, int fd)
{
	const struct traffic_burst_spec *sp = t->srv->spec;
	struct sconn *c = &t->srv->conns[fd];
	ssize_t n;

	switch (c->phase) {
	case SC_READ:
		while (c->rd < sp->c2s_bytes) {
			uint64_t left = sp->c2s_bytes - c->rd;

			n = read(fd, t->buf, left < BURST_BUF ? left : BURST_BUF);
			if (n > 0) {
				c->rd += (uint64_t)n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				return;
			sconn_end(t, fd, 0, 0, n < 0 ? errno : 0,
				  n < 0 ? "reading the request" : "early EOF in the request");
			return;
		}
		c->phase = SC_WRITE;
		/* fallthrough */
	case SC_WRITE:
		while (c->wr < sp->s2c_bytes) {
			uint64_t left = sp->s2c_bytes - c->wr;

			n = send(fd, zero_buf, left < BURST_BUF ? left : BURST_BUF, MSG_NOSIGNAL);
			if (n > 0) {
				c->wr += (uint64_t)n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN) {
				if (!c->want_out)
					set_events(t, fd, EPOLLOUT);
				c->want_out = 1;
				return;
			}
			sconn_end(t, fd, 0, 0, errno, "writing the reply");
			return;
		}
		if (c->want_out)
			set_events(t, fd, EPOLLIN);
		c->want_out = 0;
		if (sp->closer == TRAFFIC_SERVER && !sp->rst) {
			sconn_end(t, fd, 0, 1, 0, NULL);
			return;
		}
		if (sp->closer == TRAFFIC_SERVER) {
			/* abort only once nothing is in flight: exact counters */
			if (send_queue(fd) == 0) {
				sconn_end(t, fd, 1, 1, 0, NULL);
				return;
			}
			c->phase = SC_WAIT_ACKED;
			c->since_ns = traffic_now_ns();
			pending_add(t, fd);
			return;
		}
		c->phase = SC_WAIT_CLOSE;
		/* fallthrough */
	case SC_WAIT_CLOSE:
		n = read(fd, t->buf, 1);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n == 0 && !sp->rst)
			sconn_end(t, fd, 0, 1, 0, NULL);
		else if (n < 0 && errno == ECONNRESET && sp->rst)
			sconn_end(t, fd, 0, 1, 0, NULL);
		else if (n < 0)
			sconn_end(t, fd, 0, 0, errno, "waiting for the client's close");
		else
			sconn_end(t, fd, 0, 0, 0, n ? "extra bytes after the request"
						    : "got FIN, expected RST");
		return;
	case SC_WAIT_ACKED:
		/* nothing is expected from the client here; pending_scan() decides */
		return;
	default:
		return;
	}
}

/* Accept up to a batch of connections; returns how many were taken. */
static int server_accept(struct server_thread *t)
{
	struct server *srv = t->srv;
	int i;

	for (i = 0; i < 64; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		int fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
				t->st.failed++;
				t->st.err_connect++;
				if (!t->st.err[0])
					snprintf(t->st.err, sizeof(t->st.err), "server: accept: %s",
						 strerror(errno));
				if (errno == EMFILE || errno == ENFILE)
					traffic_sleep_us(1000);
			}
			return i;
		}
		if ((size_t)fd >= srv->nconns) {
			close(fd);
			t->st.failed++;
			t->st.err_connect++;
			continue;
		}
		/* we abort with nothing to send: the request's ACK must go out first */
		if (srv->spec->rst && srv->spec->closer == TRAFFIC_SERVER && !srv->spec->s2c_bytes)
			quickack(fd);
		memset(&srv->conns[fd], 0, sizeof(srv->conns[fd]));
		srv->conns[fd].phase = SC_READ;
		t->active++;
		t->st.attempted++;
		ev.data.fd = fd;
		if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			sconn_end(t, fd, 0, 0, errno, "epoll_ctl");
			continue;
		}
		/* the request is usually there already: save a wakeup */
		sconn_event(t, fd);
	}
	return i;
}

static void *server_thread_main(void *arg)
{
	struct server_thread *t = arg;
	struct server *srv = t->srv;
	struct epoll_event evs[128];
	uint64_t drain_deadline = 0;
	int draining = 0;

	for (;;) {
		int n = epoll_wait(t->ep, evs, 128, t->npending ? 1 : 50);
		uint64_t now;

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == srv->lfd) {
				server_accept(t);
			} else if (fd == srv->ctl_fd) {
				epoll_ctl(t->ep, EPOLL_CTL_DEL, fd, NULL);
				draining = 1;
				drain_deadline = traffic_now_ns() +
						 (uint64_t)srv->spec->timeout_ms * NSEC_PER_MSEC;
			} else {
				sconn_event(t, fd);
			}
		}
		now = traffic_now_ns();
		if (t->npending)
			pending_scan(t, now);
		/* the client can finish ahead of us (no reply to wait for):
		 * empty the accept queue before calling it a day */
		if (draining && t->active == 0)
			while (server_accept(t) == 64)
				;
		if (draining && (t->active == 0 || now >= drain_deadline))
			break;
	}
	if (t->active && !t->st.err[0])
		snprintf(t->st.err, sizeof(t->st.err),
			 "server: %llu connections unfinished when the client was done",
			 (unsigned long long)t->active);
	t->st.failed += t->active;
	return NULL;
}

/* Keep a side (all its threads, made after this) on the CPUs asked for. */
static void pin_cpus(uint64_t mask)
{
	cpu_set_t set;
	int i;

	if (!mask)
		return;
	CPU_ZERO(&set);
	for (i = 0; i < 64; i++)
		if (mask >> i & 1)
			CPU_SET(i, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "traffic: sched_setaffinity(%#llx): %s\n", (unsigned long long)mask,
			strerror(errno));
		_exit(TRAFFIC_EXIT_SETUP);
	}
}

static void __attribute__((noreturn))
server_main(const struct traffic_burst_spec *sp, pid_t parent, int report_fd, int ctl_fd)
{
	int keep[] = { report_fd, ctl_fd };
	struct server srv = { .spec = sp, .ctl_fd = ctl_fd };
	struct server_thread *threads;
	struct burst_msg m = { .type = BMSG_PORT };
	struct sockaddr_storage ss;
	struct rlimit rl;
	socklen_t len;
	unsigned int nthreads = sp->server_threads;
	int one = 1;

	traffic_child_init(parent, sp->server_comm, keep, 2);
	pin_cpus(sp->server_cpus);
	alarm((unsigned int)((sp->limit_ms + 4ULL * sp->timeout_ms) / 1000 + 10));

	/* as many connections as the hard limit allows */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	srv.nconns = rl.rlim_cur < (1u << 20) ? rl.rlim_cur : (1u << 20);
	srv.conns = calloc(srv.nconns, sizeof(*srv.conns));
	threads = calloc(nthreads, sizeof(*threads));
	if (!srv.conns || !threads) {
		fprintf(stderr, "traffic: burst server: out of memory\n");
		_exit(TRAFFIC_EXIT_SETUP);
	}

	len = traffic_loopback_addr(sp->family, sp->port, 1, &ss);
	srv.lfd = socket(sp->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv.lfd < 0) {
		fprintf(stderr, "traffic: burst server: socket: %s\n", strerror(errno));
		_exit(TRAFFIC_EXIT_SETUP);
	}
	setsockopt(srv.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(srv.lfd, (struct sockaddr *)&ss, len) < 0 || listen(srv.lfd, BURST_BACKLOG) < 0) {
		fprintf(stderr, "traffic: burst server: bind/listen %s port %u: %s\n",
			sp->family == AF_INET6 ? "[::1]" : "127.0.0.1", sp->port, strerror(errno));
		_exit(TRAFFIC_EXIT_SETUP);
	}

	for (unsigned int i = 0; i < nthreads; i++) {
		struct server_thread *t = &threads[i];
		struct epoll_event lev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = srv.lfd };
		struct epoll_event cev = { .events = EPOLLIN, .data.fd = ctl_fd };

		t->srv = &srv;
		t->ep = epoll_create1(EPOLL_CLOEXEC);
		if (t->ep < 0 || epoll_ctl(t->ep, EPOLL_CTL_ADD, srv.lfd, &lev) < 0 ||
		    epoll_ctl(t->ep, EPOLL_CTL_ADD, ctl_fd, &cev) < 0) {
			fprintf(stderr, "traffic: burst server: epoll: %s\n", strerror(errno));
			_exit(TRAFFIC_EXIT_SETUP);
		}
	}

	m.port = traffic_local_port(srv.lfd);
	if (send_msg(report_fd, &m))
		_exit(TRAFFIC_EXIT_PARENT);

	for (unsigned int i = 1; i < nthreads; i++) {
		int e = pthread_create(&threads[i].tid, NULL, server_thread_main, &threads[i]);

		if (e) {
			fprintf(stderr, "traffic: burst server: pthread_create: %s\n", strerror(e));
			_exit(TRAFFIC_EXIT_SETUP);
		}
	}
	server_thread_main(&threads[0]);

	memset(&m, 0, sizeof(m));
	m.type = BMSG_DONE;
	for (unsigned int i = 0; i < nthreads; i++) {
		if (i)
			pthread_join(threads[i].tid, NULL);
		stats_add(&m.st, &threads[i].st);
	}
	if (send_msg(report_fd, &m))
		_exit(TRAFFIC_EXIT_PARENT);
	_exit(m.st.failed ? TRAFFIC_EXIT_FAILURES : TRAFFIC_EXIT_OK);
}

/* ---- client ------------------------------------------------------------- */

struct client {
	const struct traffic_burst_spec *spec;
	struct sockaddr_storage srv_addr;
	socklen_t srv_len;
	uint64_t t0_ns;
	uint64_t end_ns;	/* duration: no connection starts after this */
	uint64_t limit_ns;	/* hard stop */
	_Atomic uint64_t next;	/* index of the next connection */
	_Atomic uint64_t last_ns;	/* when the last connection finished */
};

struct client_thread {
	struct client *cl;
	pthread_t tid;
	struct burst_stats st;
	char buf[BURST_BUF];
};

static void cfail(struct client_thread *t, int fd, int err, const char *what, uint64_t *counter)
{
	(*counter)++;
	t->st.failed++;
	if (!t->st.err[0])
		snprintf(t->st.err, sizeof(t->st.err), "client: %s: %s", what,
			 err ? strerror(err) : "protocol");
	if (fd >= 0)
		close(fd);
}

static uint64_t *err_counter(struct client_thread *t, int err)
{
	return err == EAGAIN || err == EINPROGRESS || err == ETIMEDOUT ? &t->st.err_timeout
								      : &t->st.err_io;
}

/* One connection, blocking with SO_RCVTIMEO/SO_SNDTIMEO; 0 when ok. */
static int client_conn(struct client_thread *t, uint64_t idx)
{
	const struct client *cl = t->cl;
	const struct traffic_burst_spec *sp = cl->spec;
	struct timeval tv = {
		.tv_sec = sp->timeout_ms / 1000,
		.tv_usec = (sp->timeout_ms % 1000) * 1000,
	};
	uint64_t left;
	ssize_t n;
	int fd;

	fd = socket(sp->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		cfail(t, -1, errno, "socket", &t->st.err_connect);
		if (errno == EMFILE || errno == ENFILE)
			traffic_sleep_us(1000);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sp->family == AF_INET && sp->src_addrs > 1) {
		/* 127.0.0.x source, port picked at connect() per 4-tuple */
		struct sockaddr_storage src;
		unsigned int host = 1 + (unsigned int)(idx % sp->src_addrs);
		socklen_t slen = traffic_loopback_addr(AF_INET, 0, host, &src);
		int one = 1;

		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, slen) < 0) {
			cfail(t, fd, errno, "bind 127.0.0.x", &t->st.err_connect);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&cl->srv_addr, cl->srv_len) < 0) {
		int e = errno;

		cfail(t, fd, e, "connect",
		      e == EINPROGRESS ? &t->st.err_timeout : &t->st.err_connect);
		return -1;
	}

	for (left = sp->c2s_bytes; left;) {
		n = send(fd, zero_buf, left < BURST_BUF ? left : BURST_BUF, MSG_NOSIGNAL);
		if (n > 0) {
			left -= (uint64_t)n;
		} else if (errno != EINTR) {
			cfail(t, fd, errno, "writing the request", err_counter(t, errno));
			return -1;
		}
	}
	if (sp->rst)
		quickack(fd);	/* ACK the reply at once: see quickack() */
	for (left = sp->s2c_bytes; left;) {
		n = recv(fd, t->buf, left < BURST_BUF ? left : BURST_BUF, 0);
		if (n > 0) {
			left -= (uint64_t)n;
		} else if (n == 0) {
			cfail(t, fd, 0, "early EOF in the reply", &t->st.err_io);
			return -1;
		} else if (errno != EINTR) {
			cfail(t, fd, errno, "reading the reply", err_counter(t, errno));
			return -1;
		}
	}

	if (sp->closer == TRAFFIC_CLIENT) {
		if (sp->rst) {
			uint64_t deadline = traffic_now_ns() + sp->timeout_ms * NSEC_PER_MSEC;
			int outq;

			/* the server must have its ACK of our request back to us
			 * before the RST (with no reply to carry it): exact counters */
			while ((outq = send_queue(fd)) > 0 && traffic_now_ns() < deadline)
				traffic_sleep_us(50);
			if (outq) {
				cfail(t, fd, outq < 0 ? -outq : ETIMEDOUT,
				      "waiting for the server's ACK", &t->st.err_timeout);
				return -1;
			}
			abort_close(fd);
		} else {
			close(fd);
		}
	} else {
		do {
			n = recv(fd, t->buf, 1, 0);
		} while (n < 0 && errno == EINTR);
		if (!(n == 0 && !sp->rst) && !(n < 0 && errno == ECONNRESET && sp->rst)) {
			if (n < 0)
				cfail(t, fd, errno, "waiting for the server's close",
				      err_counter(t, errno));
			else
				cfail(t, fd, 0, n ? "extra bytes after the reply"
						  : "got FIN, expected RST", &t->st.err_io);
			return -1;
		}
		close(fd);
	}
	t->st.ok++;
	t->st.c2s_bytes += sp->c2s_bytes;
	t->st.s2c_bytes += sp->s2c_bytes;
	return 0;
}

static void *client_thread_main(void *arg)
{
	struct client_thread *t = arg;
	struct client *cl = t->cl;
	const struct traffic_burst_spec *sp = cl->spec;

	for (;;) {
		uint64_t idx = atomic_fetch_add(&cl->next, 1);
		uint64_t now = traffic_now_ns();

		if (sp->count && idx >= sp->count)
			break;
		if (sp->rate > 0) {
			uint64_t at = cl->t0_ns + (uint64_t)((double)idx * 1e9 / sp->rate);

			if (at > now) {
				struct timespec ts = {
					.tv_sec = (time_t)(at / NSEC_PER_SEC),
					.tv_nsec = (long)(at % NSEC_PER_SEC),
				};

				if (at >= cl->end_ns || at >= cl->limit_ns)
					break;
				while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
						       NULL) == EINTR)
					;
				now = at;
			}
		}
		if (now >= cl->end_ns || now >= cl->limit_ns)
			break;
		t->st.attempted++;
		client_conn(t, idx);
		now = traffic_now_ns();
		/* keep the latest completion time */
		for (uint64_t last = atomic_load(&cl->last_ns); now > last &&
		     !atomic_compare_exchange_weak(&cl->last_ns, &last, now);)
			;
	}
	return NULL;
}

static void __attribute__((noreturn))
client_main(const struct traffic_burst_spec *sp, pid_t parent, int report_fd, uint16_t port)
{
	unsigned int nthreads = sp->concurrency;
	struct client cl = { .spec = sp };
	struct client_thread *threads;
	struct burst_msg m = { .type = BMSG_DONE };
	struct rlimit rl;

	traffic_child_init(parent, sp->client_comm, &report_fd, 1);
	pin_cpus(sp->client_cpus);
	alarm((unsigned int)((sp->limit_ms + 3ULL * sp->timeout_ms) / 1000 + 5));
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	threads = calloc(nthreads, sizeof(*threads));
	if (!threads) {
		fprintf(stderr, "traffic: burst client: out of memory\n");
		_exit(TRAFFIC_EXIT_SETUP);
	}
	cl.srv_len = traffic_loopback_addr(sp->family, port, 1, &cl.srv_addr);
	cl.t0_ns = traffic_now_ns();
	cl.end_ns = sp->duration_ms ? cl.t0_ns + sp->duration_ms * NSEC_PER_MSEC : UINT64_MAX;
	cl.limit_ns = cl.t0_ns + sp->limit_ms * NSEC_PER_MSEC;
	atomic_init(&cl.next, 0);
	atomic_init(&cl.last_ns, cl.t0_ns);

	for (unsigned int i = 0; i < nthreads; i++) {
		threads[i].cl = &cl;
		if (i == 0)
			continue;
		int e = pthread_create(&threads[i].tid, NULL, client_thread_main, &threads[i]);

		if (e) {
			fprintf(stderr, "traffic: burst client: pthread_create: %s\n", strerror(e));
			_exit(TRAFFIC_EXIT_SETUP);
		}
	}
	client_thread_main(&threads[0]);
	for (unsigned int i = 0; i < nthreads; i++) {
		if (i)
			pthread_join(threads[i].tid, NULL);
		stats_add(&m.st, &threads[i].st);
	}
	m.st.elapsed_ns = atomic_load(&cl.last_ns) - cl.t0_ns;
	if (sp->count && m.st.attempted < sp->count && !m.st.err[0])
		snprintf(m.st.err, sizeof(m.st.err),
			 "client: time limit of %u ms reached after %llu of %llu connections",
			 sp->limit_ms, (unsigned long long)m.st.attempted,
			 (unsigned long long)sp->count);
	if (send_msg(report_fd, &m))
		_exit(TRAFFIC_EXIT_PARENT);
	_exit(m.st.failed || (sp->count && m.st.ok < sp->count) ? TRAFFIC_EXIT_FAILURES
								 : TRAFFIC_EXIT_OK);
}

/* ---- the caller's side -------------------------------------------------- */

static int read_bmsg(int fd, uint32_t type, struct burst_msg *m, uint64_t deadline)
{
	for (;;) {
		uint64_t now = traffic_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		r = read(fd, m, sizeof(*m));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == (ssize_t)sizeof(*m) && m->type == type)
			return 0;
		return r < 0 ? -errno : -EPIPE;
	}
}

static int check_burst_spec(struct traffic_burst_spec *sp, char *err, size_t errlen)
{
	if (!sp->family)
		sp->family = AF_INET;
	if (sp->family != AF_INET && sp->family != AF_INET6) {
		traffic_set_err(err, errlen, "family %d: only AF_INET and AF_INET6", sp->family);
		return -EINVAL;
	}
	if (!sp->count && !sp->duration_ms) {
		traffic_set_err(err, errlen, "a count or a duration is needed");
		return -EINVAL;
	}
	if (sp->closer != TRAFFIC_CLIENT && sp->closer != TRAFFIC_SERVER) {
		traffic_set_err(err, errlen, "closer %d: TRAFFIC_CLIENT or TRAFFIC_SERVER",
				sp->closer);
		return -EINVAL;
	}
	if (sp->rate < 0) {
		traffic_set_err(err, errlen, "negative rate");
		return -EINVAL;
	}
	if (sp->src_addrs > 254) {
		traffic_set_err(err, errlen, "src_addrs %u: at most 254 (127.0.0.1..254)",
				sp->src_addrs);
		return -EINVAL;
	}
	if (!sp->concurrency)
		sp->concurrency = 1;
	if (!sp->server_threads)
		sp->server_threads = 1;
	if (sp->concurrency > BURST_MAX_THREADS || sp->server_threads > BURST_MAX_THREADS) {
		traffic_set_err(err, errlen, "at most %d threads per side", BURST_MAX_THREADS);
		return -EINVAL;
	}
	if (!sp->timeout_ms)
		sp->timeout_ms = TRAFFIC_TIMEOUT_MS;
	if (!sp->limit_ms) {
		/* the expected run time, with room; at max rate assume >= 500/s */
		double expect_ms;

		if (sp->duration_ms)
			expect_ms = sp->duration_ms;
		else if (sp->rate > 0)
			expect_ms = (double)sp->count * 1000.0 / sp->rate;
		else
			expect_ms = (double)sp->count * 2.0;
		if (sp->duration_ms && sp->count && sp->rate > 0 &&
		    (double)sp->count * 1000.0 / sp->rate < expect_ms)
			expect_ms = (double)sp->count * 1000.0 / sp->rate;
		expect_ms = expect_ms * 1.5 + 10000.0;
		sp->limit_ms = expect_ms > (double)(UINT_MAX / 4) ? UINT_MAX / 4
								 : (unsigned int)expect_ms;
	}
	return 0;
}

int traffic_burst(const struct traffic_burst_spec *spec, struct traffic_burst_result *res)
{
	struct traffic_burst_spec sp = *spec;
	int srv_pipe[2] = { -1, -1 }, ctl_pipe[2] = { -1, -1 }, cli_pipe[2] = { -1, -1 };
	struct burst_msg m, cm, sm;
	pid_t parent = getpid();
	uint64_t deadline;
	char st[96];
	int r, rc = 0, have_client = 0;

	memset(res, 0, sizeof(*res));
	res->server_status = res->client_status = -1;
	r = check_burst_spec(&sp, res->err, sizeof(res->err));
	if (r)
		return r;
	res->requested = sp.count;

	if (pipe2(srv_pipe, O_CLOEXEC) < 0 || pipe2(ctl_pipe, O_CLOEXEC) < 0 ||
	    pipe2(cli_pipe, O_CLOEXEC) < 0) {
		rc = -errno;
		traffic_set_err(res->err, sizeof(res->err), "pipe: %s", strerror(errno));
		goto close_pipes;
	}

	res->server_pid = fork();
	if (res->server_pid == 0)
		server_main(&sp, parent, srv_pipe[1], ctl_pipe[0]);
	close(srv_pipe[1]);
	close(ctl_pipe[0]);
	srv_pipe[1] = ctl_pipe[0] = -1;
	if (res->server_pid < 0) {
		rc = -errno;
		traffic_set_err(res->err, sizeof(res->err), "fork (server): %s", strerror(errno));
		res->server_pid = 0;
		goto close_pipes;
	}
	r = read_bmsg(srv_pipe[0], BMSG_PORT, &m,
		      traffic_now_ns() + sp.timeout_ms * NSEC_PER_MSEC);
	if (r) {
		rc = r;
		traffic_set_err(res->err, sizeof(res->err), "server %s before reporting its port",
				r == -ETIMEDOUT ? "timed out" : "exited");
		goto stop_server;
	}
	res->server_port = m.port;

	res->client_pid = fork();
	if (res->client_pid == 0)
		client_main(&sp, parent, cli_pipe[1], res->server_port);
	close(cli_pipe[1]);
	cli_pipe[1] = -1;
	if (res->client_pid < 0) {
		rc = -errno;
		traffic_set_err(res->err, sizeof(res->err), "fork (client): %s", strerror(errno));
		res->client_pid = 0;
		goto stop_server;
	}
	deadline = traffic_now_ns() + (sp.limit_ms + 2ULL * sp.timeout_ms) * NSEC_PER_MSEC;
	r = read_bmsg(cli_pipe[0], BMSG_DONE, &cm, deadline);
	if (r) {
		rc = r;
		traffic_set_err(res->err, sizeof(res->err), "client %s before reporting its totals",
				r == -ETIMEDOUT ? "timed out" : "exited");
	} else {
		have_client = 1;
		res->attempted = cm.st.attempted;
		res->ok = cm.st.ok;
		res->failed = cm.st.failed;
		res->err_connect = cm.st.err_connect;
		res->err_timeout = cm.st.err_timeout;
		res->err_io = cm.st.err_io;
		res->c2s_bytes = cm.st.c2s_bytes;
		res->s2c_bytes = cm.st.s2c_bytes;
		res->elapsed_s = (double)cm.st.elapsed_ns / 1e9;
		if (cm.st.err[0])
			traffic_set_err(res->err, sizeof(res->err), "%s", cm.st.err);
	}
	traffic_reap(res->client_pid, traffic_now_ns() + sp.timeout_ms * NSEC_PER_MSEC,
		     &res->client_status);

stop_server:
	/* EOF on the control pipe: the server drains and reports */
	close(ctl_pipe[1]);
	ctl_pipe[1] = -1;
	r = read_bmsg(srv_pipe[0], BMSG_DONE, &sm,
		      traffic_now_ns() + (2ULL * sp.timeout_ms + 1000) * NSEC_PER_MSEC);
	if (!r) {
		res->server_ok = sm.st.ok;
		res->server_failed = sm.st.failed;
		if (sm.st.err[0])
			traffic_set_err(res->err, sizeof(res->err), "%s", sm.st.err);
	} else if (have_client) {
		rc = r;
		traffic_set_err(res->err, sizeof(res->err), "server %s before reporting its totals",
				r == -ETIMEDOUT ? "timed out" : "exited");
	}
	traffic_reap(res->server_pid, traffic_now_ns() + sp.timeout_ms * NSEC_PER_MSEC,
		     &res->server_status);

	if (!rc) {
		int all = sp.count ? res->ok == sp.count : res->ok == res->attempted;

		if (!all || res->failed || res->server_failed || res->server_ok != res->ok ||
		    res->attempted == 0) {
			rc = -EIO;
			traffic_set_err(res->err, sizeof(res->err),
					"client ok %llu of %llu, server ok %llu failed %llu",
					(unsigned long long)res->ok,
					(unsigned long long)(sp.count ? sp.count : res->attempted),
					(unsigned long long)res->server_ok,
					(unsigned long long)res->server_failed);
		}
	}
	if (!rc && (!WIFEXITED(res->client_status) || WEXITSTATUS(res->client_status))) {
		rc = -EIO;
		traffic_set_err(res->err, sizeof(res->err), "client %s",
				traffic_status_str(res->client_status, st, sizeof(st)));
	}
	if (!rc && (!WIFEXITED(res->server_status) || WEXITSTATUS(res->server_status))) {
		rc = -EIO;
		traffic_set_err(res->err, sizeof(res->err), "server %s",
				traffic_status_str(res->server_status, st, sizeof(st)));
	}

close_pipes:
	for (int i = 0; i < 2; i++) {
		if (srv_pipe[i] >= 0)
			close(srv_pipe[i]);
		if (ctl_pipe[i] >= 0)
			close(ctl_pipe[i]);
		if (cli_pipe[i] >= 0)
			close(cli_pipe[i]);
	}
	return rc;
}
