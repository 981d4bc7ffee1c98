// SPDX-License-Identifier: GPL-2.0
/*
 * Integration: the real tcpscope binary with the real BPF program, against
 * loopback sessions this test makes itself with known processes and known
 * payload sizes. Every case runs on both hooks (tp_btf and the classic
 * tracepoint), and the main ones also on tp_btf as it loads on kernels
 * without bpf_rdonly_cast.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <fcntl.h>
#include <poll.h>
#include <net/if.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/sockios.h>
#include <cmocka.h>

#include "core/session.h"
#include "tests/lib/scope.h"
#include "tests/lib/traffic.h"

#define C2S 10000
#define S2C 50000

static const char *hook_of(void **state)
{
	return *state ? (const char *)*state : "auto";
}

/* Start tcpscope filtered to port, stopping after `count` sessions (-v if
 * verbose). */
static void start_scope_x(struct scope *sc, void **state, unsigned short port, int count,
			  bool verbose, const char *extra, const char *extra_val)
{
	static char portarg[16], countarg[16];
	const char *argv[12] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
				 "--count", countarg };
	int i = 8;

	if (verbose)
		argv[i++] = "-v";
	if (extra)
		argv[i++] = extra;
	if (extra_val)
		argv[i++] = extra_val;
	argv[i] = NULL;

	snprintf(portarg, sizeof(portarg), "%u", port);
	snprintf(countarg, sizeof(countarg), "%d", count);
	assert_int_equal(scope_start(sc, argv, true), 0);
	assert_non_null(strstr(scope_stderr(sc), hook_of(state)[0] == 'a' ? "attached" :
			       hook_of(state)));
}

/* A namespace's inode number, as the sessions carry it. */
static uint32_t netns_ino(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint32_t)st.st_ino;
}

static void start_scope_v(struct scope *sc, void **state, unsigned short port, int count,
			  bool verbose)
{
	start_scope_x(sc, state, port, count, verbose, NULL, NULL);
}

static void start_scope(struct scope *sc, void **state, unsigned short port, int count)
{
	start_scope_v(sc, state, port, count, false);
}

/* tcpscope's end, and what it reported, however many. */
static void collect_scope(struct scope *sc, struct session **v, size_t *n)
{
	int rc = scope_wait(sc, 10000);

	if (rc != 0)
		printf("tcpscope stderr: %s\n", scope_stderr(sc));
	assert_int_equal(rc, 0);
	assert_int_equal(scope_read_sessions(sc, v, n), 0);
}

/* The rows collected: exactly `expect`, each one's times in agreement. */
static void check_rows(struct scope *sc, struct session **v, size_t *n, size_t expect)
{
	if (*n != expect) {
		/* What came, and what tcpscope said of the rest (its summary
		 * counts sessions missed). */
		printf("tcpscope reported %zu sessions, expected %zu\n", *n, expect);
		for (size_t i = 0; i < *n; i++)
			printf("  pid %u %s lport %u rport %u dir %u closer %u cause %u flags %#x\n",
			       (*v)[i].pid, (*v)[i].comm, (*v)[i].lport, (*v)[i].rport, (*v)[i].dir,
			       (*v)[i].closer, (*v)[i].cause, (*v)[i].flags);
		printf("tcpscope stderr: %s\n", scope_stderr(sc));
	}
	assert_int_equal(*n, expect);
	/* Every row's times agree to the microsecond: time - start_time is
	 * duration_ms (they were rounded each on its own until 2026-12-06). */
	for (size_t i = 0; i < *n; i++)
		assert_int_equal((*v)[i].end_ns / 1000 - (*v)[i].start_ns / 1000, (*v)[i].dur_us);
}

static void finish_scope(struct scope *sc, struct session **v, size_t *n, size_t expect)
{
	collect_scope(sc, v, n);
	check_rows(sc, v, n, expect);
}

static void check_addr(const struct session *s, int family)
{
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT, lo4 = { 0 };

	lo4.s6_addr[10] = lo4.s6_addr[11] = 0xff;
	lo4.s6_addr[12] = 127;
	lo4.s6_addr[15] = 1;
	assert_int_equal(s->family, family);
	assert_memory_equal(&s->laddr, family == AF_INET ? &lo4 : &lo6, 16);
	assert_memory_equal(&s->raddr, family == AF_INET ? &lo4 : &lo6, 16);
}

/* The two sessions of one connection, with their addresses, the payload
 * exactly as written on both sides (whatever the close) and the direction. */
static void find_pair(struct session *v, size_t n, const struct traffic_result *res, int family,
		      const struct session **cli, const struct session **srv)
{
	*cli = scope_find(v, n, res->client_port, res->server_port);
	*srv = scope_find(v, n, res->server_port, res->client_port);
	assert_non_null(*cli);
	assert_non_null(*srv);
	check_addr(*cli, family);
	check_addr(*srv, family);
	assert_int_equal((*cli)->tx_bytes, C2S);
	assert_int_equal((*cli)->rx_bytes, S2C);
	assert_int_equal((*srv)->tx_bytes, S2C);
	assert_int_equal((*srv)->rx_bytes, C2S);
	assert_int_equal((*cli)->dir, DIR_OUT);
	assert_int_equal((*srv)->dir, DIR_IN);
}

/* One connection (spec) under a tcpscope that stops after its two sessions. */
static void pair_under_scope(struct scope *sc, void **state, struct traffic_spec *spec,
			     bool verbose, struct traffic_result *res, struct session **v, size_t *n)
{
	int rc;

	spec->port = scope_free_port();
	assert_int_not_equal(spec->port, 0);
	start_scope_v(sc, state, spec->port, 2, verbose);
	rc = traffic_run(spec, res);
	if (rc)
		printf("traffic failed: %s\n", res->err);
	assert_int_equal(rc, 0);
	finish_scope(sc, v, n, 2);
}

static void run_pair(void **state, int family, enum traffic_side closer, enum traffic_end end)
{
	struct traffic_spec spec = {
		.family = family, .server_comm = "ts-srv", .client_comm = "ts-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = closer, .end = end,
	};
	const struct session *cli, *srv, *first, *second;
	struct traffic_result res;
	struct session *v = NULL;
	struct scope sc;
	size_t n;

	pair_under_scope(&sc, state, &spec, false, &res, &v, &n);
	find_pair(v, n, &res, family, &cli, &srv);
	/* the namespace both sides live in: ours */
	assert_true(cli->netns == netns_ino("/proc/self/ns/net"));
	assert_true(srv->netns == cli->netns);
	assert_false(cli->flags & SESS_PARTIAL);
	assert_false(srv->flags & SESS_PARTIAL);
	assert_true(cli->end_ns >= cli->start_ns);
	assert_true(cli->dur_us > 0 && cli->dur_us < 30000000);
	assert_true(cli->handshake_us > 0);

	first = closer == TRAFFIC_CLIENT ? cli : srv;
	second = closer == TRAFFIC_CLIENT ? srv : cli;
	assert_int_equal(first->closer, CLOSER_LOCAL);
	assert_int_equal(second->closer, CLOSER_REMOTE);
	if (end == TRAFFIC_END_FIN) {
		assert_int_equal(first->cause, CAUSE_FIN);
		assert_int_equal(second->cause, CAUSE_FIN);
	} else {
		assert_int_equal(first->cause, CAUSE_RST_SENT);
		assert_int_equal(second->cause, CAUSE_RST_RECV);
	}

	/* The owner on both sides, whichever closes first and however. A side
	 * reset by its peer while idle is named when its owner closes it. */
	assert_int_equal(cli->pid, res.client_pid);
	assert_string_equal(cli->comm, "ts-cli");
	assert_false(cli->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(srv->pid, res.server_pid);
	assert_string_equal(srv->comm, "ts-srv");
	assert_false(srv->flags & SESS_PID_UNCERTAIN);
	free(v);
	scope_cleanup(&sc);
}

static void test_v4_client_closes(void **state)
{
	run_pair(state, AF_INET, TRAFFIC_CLIENT, TRAFFIC_END_FIN);
}

static void test_v4_server_closes(void **state)
{
	run_pair(state, AF_INET, TRAFFIC_SERVER, TRAFFIC_END_FIN);
}

static void test_v6_client_closes(void **state)
{
	run_pair(state, AF_INET6, TRAFFIC_CLIENT, TRAFFIC_END_FIN);
}

static void test_v6_server_closes(void **state)
{
	run_pair(state, AF_INET6, TRAFFIC_SERVER, TRAFFIC_END_FIN);
}

static void test_client_rst(void **state)
{
	run_pair(state, AF_INET, TRAFFIC_CLIENT, TRAFFIC_END_RST);
}

static void test_server_rst(void **state)
{
	run_pair(state, AF_INET6, TRAFFIC_SERVER, TRAFFIC_END_RST);
}

static void test_server_unread_close(void **state)
{
	run_pair(state, AF_INET, TRAFFIC_SERVER, TRAFFIC_END_UNREAD);
}

/* --failed: only the sessions that did not end in an orderly close. Two
 * orderly connections, then a reset one, under a tcpscope that stops after
 * two sessions: the reset connection's two, not the first two that closed. */
static void test_failed_only(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-srv", .client_comm = "ts-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_CLIENT,
		.end = TRAFFIC_END_FIN,
	};
	const struct session *cli, *srv;
	struct traffic_result res;
	struct session *v = NULL;
	struct scope sc;
	size_t n;
	int i, rc;

	spec.port = scope_free_port();
	assert_int_not_equal(spec.port, 0);
	start_scope_x(&sc, state, spec.port, 2, false, "--failed", NULL);
	for (i = 0; i < 3; i++) {
		spec.end = i < 2 ? TRAFFIC_END_FIN : TRAFFIC_END_RST;
		rc = traffic_run(&spec, &res);
		if (rc)
			printf("traffic failed: %s\n", res.err);
		assert_int_equal(rc, 0);
	}
	finish_scope(&sc, &v, &n, 2);
	find_pair(v, n, &res, AF_INET, &cli, &srv);
	assert_int_equal(cli->cause, CAUSE_RST_SENT);
	assert_int_equal(srv->cause, CAUSE_RST_RECV);
	assert_non_null(strstr(scope_stderr(&sc), "2 sessions shown"));
	free(v);
	scope_cleanup(&sc);
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A refused connect(): its start and end lie within the call (the start is
 * the SYN's departure, stamped by TCP, not a clock read at connect()). */
static void test_refused(void **state)
{
	struct traffic_spec spec = { .family = AF_INET, .client_comm = "ts-refused" };
	struct traffic_result res;
	struct session *v = NULL;
	struct scope sc;
	size_t n;
	int rc;

	uint64_t t0, t1;

	spec.port = scope_free_port();
	start_scope(&sc, state, spec.port, 1);
	t0 = realtime_ns();
	rc = traffic_run_refused(&spec, &res);
	t1 = realtime_ns();
	if (rc)
		printf("traffic failed: %s\n", res.err);
	assert_int_equal(rc, 0);
	finish_scope(&sc, &v, &n, 1);
	assert_int_equal(v[0].rport, spec.port);
	assert_int_equal(v[0].cause, CAUSE_REFUSED);
	/* The wall clock is read in microseconds by the CSV: 1 us either side. */
	if (v[0].start_ns + 1000 < t0 || v[0].end_ns > t1 + 1000 || v[0].start_ns > v[0].end_ns)
		printf("refused: start %+.3f ms, end %+.3f ms from before connect(), "
		       "which took %.3f ms\n", ((double)v[0].start_ns - (double)t0) / 1e6,
		       ((double)v[0].end_ns - (double)t0) / 1e6, (double)(t1 - t0) / 1e6);
	assert_true(v[0].start_ns + 1000 >= t0);
	assert_true(v[0].start_ns <= v[0].end_ns);
	assert_true(v[0].end_ns <= t1 + 1000);
	assert_true(v[0].dur_us <= (t1 - t0) / 1000 + 1);
	assert_int_equal(v[0].dir, DIR_OUT);
	assert_int_equal(v[0].pid, res.client_pid);
	assert_string_equal(v[0].comm, "ts-refused");
	assert_int_equal(v[0].tx_bytes, 0);
	assert_int_equal(v[0].rx_bytes, 0);
	free(v);
	scope_cleanup(&sc);
}

/*
 * A connect() its owner gives up before any answer: a listener whose accept
 * queue is full (backlog 0, one connection waiting) drops the SYN, and the
 * client closes its non-blocking socket 0.2 s later, still in SYN_SENT.
 * Reported as `abandoned`, closed by this side, with its owner and no
 * payload. The waiting connection and the listener belong to the same
 * process under another name, which the filter leaves out.
 */
static void abandon_connect(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct pollfd p = { .events = POLLOUT };
	int l, waiting, b, one = 1, err = -1;
	socklen_t len = sizeof(err);

	prctl(PR_SET_NAME, "ts-holder");
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 0))
		_exit(2);
	waiting = socket(AF_INET, SOCK_STREAM, 0);
	if (waiting < 0 || connect(waiting, (struct sockaddr *)&a, sizeof(a)))
		_exit(3);
	prctl(PR_SET_NAME, "ts-abandon");
	b = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (b < 0 || connect(b, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINPROGRESS)
		_exit(4);
	p.fd = b;
	if (poll(&p, 1, 200) != 0)	/* an answer came: the queue was not full */
		_exit(5);
	if (getsockopt(b, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		_exit(6);
	close(b);
	usleep(100000);
	prctl(PR_SET_NAME, "ts-holder");
	close(waiting);
	close(l);
	_exit(0);
}

/* A connect() that failed as `cause` in the child pid (named comm), which
 * exited with status: one session, out, closed by this side, with its
 * certain owner and no payload. Returns it (v[0], to free). */
static struct session *failed_connect(struct scope *sc, int status, pid_t pid,
				      unsigned short port, enum sess_cause cause, const char *comm)
{
	struct session *v = NULL;
	size_t n;

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	finish_scope(sc, &v, &n, 1);
	assert_int_equal(v[0].rport, port);
	assert_int_equal(v[0].cause, cause);
	assert_int_equal(v[0].closer, CLOSER_LOCAL);
	assert_int_equal(v[0].dir, DIR_OUT);
	assert_int_equal(v[0].pid, pid);
	assert_string_equal(v[0].comm, comm);
	assert_false(v[0].flags & SESS_PID_UNCERTAIN);
	assert_int_equal(v[0].tx_bytes, 0);
	assert_int_equal(v[0].rx_bytes, 0);
	return v;
}

static void test_abandoned_connect(void **state)
{
	unsigned short port = scope_free_port();
	struct session *v = NULL;
	struct scope sc;
	int status = -1;
	pid_t pid;

	start_scope_x(&sc, state, port, 1, false, "--comm", "ts-abandon");
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		abandon_connect(port);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	v = failed_connect(&sc, status, pid, port, CAUSE_ABANDONED, "ts-abandon");
	assert_true(v[0].dur_us >= 150000);
	free(v);
	scope_cleanup(&sc);
}

/* Run a shell command line made from fmt; true when it exited 0. */
static bool shell(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		printf("failed (%d): %s\n", rc, cmd);
	return rc == 0;
}

/* In the network namespace at path, connect() to addr:port; exit 0 when it
 * fails with EHOSTUNREACH. */
/* In the namespace at path, connect() to addr (IPv4 or IPv6); exit 0 when
 * it fails with want_errno. `polled`: as a non-blocking client does it
 * (EINPROGRESS, poll(), the error read with getsockopt(SO_ERROR)). */
static void connect_in_netns(const char *path, const char *addr, unsigned short port,
			     int want_errno, bool polled)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	bool v6 = strchr(addr, ':') != NULL;
	int ns = open(path, O_RDONLY | O_CLOEXEC), fd;

	prctl(PR_SET_NAME, "ts-unreach");
	if (ns < 0 || setns(ns, CLONE_NEWNET))
		_exit(2);
	if (v6 ? inet_pton(AF_INET6, addr, &a6.sin6_addr) != 1 :
		 inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		_exit(3);
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | (polled ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		_exit(3);
	if (connect(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a,
		    v6 ? sizeof(a6) : sizeof(a)) == 0)
		_exit(4);
	if (polled && errno == EINPROGRESS) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		socklen_t len = sizeof(errno);
		int err = 0;

		if (poll(&p, 1, 5000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
			_exit(6);
		errno = err;
	}
	close(fd);	/* a polled one: its socket still in SYN_SENT */
	_exit(errno == want_errno ? 0 : 5);
}

static bool summary_counts(struct scope *sc, unsigned long long *shown, unsigned long long *missed,
			   unsigned long long *gone);

/* How many sessions tcpscope (run with -v) reported at their socket's
 * destruction because their close never reached its program (0 if none). */
static unsigned long long late_reported(struct scope *sc)
{
	const char *p = strstr(scope_stderr(sc), " whose close it did not see w");

	for (int words = 0; p && p > scope_stderr(sc) && words < 2; p--)
		words += p[-1] == ' ';	/* back over "session(s)" to the count */
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/*
 * A connect() answered by an ICMP error: a client namespace routes through
 * a router namespace (veth), whose routes to the destinations answer the
 * SYN with an ICMP error: IPv4 `unreachable` (host unreachable: connect()
 * fails with EHOSTUNREACH) and IPv6 `prohibit` (administratively
 * prohibited, what firewalls reject IPv6 with by default: EACCES; reported
 * as `?` until 2026-12-06). Then IPv4 again as a non-blocking client does
 * it: the router's MAC known now, the SYN goes out inside connect() and the
 * ICMP comes back before connect() returns, while it holds the socket: the
 * kernel keeps it as a soft error, which the client reads (SO_ERROR) and
 * clears before it closes a socket still in SYN_SENT (with tp_btf noted
 * when reported: until 2026-12-06 `abandoned`; the classic tracepoint does
 * not name the socket and may still say so). All reported as
 * `unreachable`, closed by this side, with their owner, their address in
 * that namespace, no payload.
 *
 * A close the kernel does not run the program for (README.md, "Closes the
 * kernel never delivers"; about one run in 80 here, more with other traffic
 * on the machine) leaves the session to its socket's destruction, which
 * reports it without its cause, and, for a connect() that failed before it
 * returned, without its remote port (the kernel clears it): the port filter
 * then drops it. When tcpscope's own counts (-v) account for every missing
 * session that way, the connects are made once more (at most twice); any
 * other shortfall fails the test.
 */
struct unreach_dst {
	const char *addr;
	int err;
	bool polled;
};

/* A client namespace (tsu-c-PID, named into cns) whose default route goes
 * through a router namespace (tsu-r-PID, into rns) over a veth pair:
 * 10.201.0.1 and fd00:201::1 to 10.201.0.2 and fd00:201::2, forwarding on.
 * The caller adds the router's routes, and deletes both namespaces (also
 * when this fails: false). */
static bool router_up(char cns[32], char rns[32])
{
	snprintf(cns, 32, "tsu-c-%d", (int)getpid());
	snprintf(rns, 32, "tsu-r-%d", (int)getpid());
	return shell("ip netns add %s && ip netns add %s", cns, rns) &&
	       shell("ip -n %s link add tsu0 type veth peer name tsu1 netns %s", cns, rns) &&
	       shell("ip -n %s link set lo up && ip -n %s link set lo up", cns, rns) &&
	       shell("ip -n %s addr add 10.201.0.1/24 dev tsu0 && "
		     "ip -n %s addr add fd00:201::1/64 dev tsu0 nodad && ip -n %s link set tsu0 up",
		     cns, cns, cns) &&
	       shell("ip -n %s addr add 10.201.0.2/24 dev tsu1 && "
		     "ip -n %s addr add fd00:201::2/64 dev tsu1 nodad && ip -n %s link set tsu1 up",
		     rns, rns, rns) &&
	       shell("ip -n %s route add default via 10.201.0.2 && "
		     "ip -n %s -6 route add default via fd00:201::2", cns, cns) &&
	       shell("ip netns exec %s sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward && "
		     "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'", rns);
}

/* Namespaces, tcpscope and the three connects of one attempt; *up false
 * when the namespaces could not be set up. */
static void unreachable_once(void **state, struct scope *sc, const struct unreach_dst *dst,
			     int ndst, unsigned short port, pid_t *pid, int *status, bool *up)
{
	char cns[32], rns[32], path[64];

	*up = router_up(cns, rns) &&
	      shell("ip -n %s route add unreachable 10.202.0.0/24 && "
		    "ip -n %s -6 route add prohibit fd00:202::/64", rns, rns);
	if (*up) {
		start_scope_x(sc, state, port, ndst, true, "--comm", "ts-unreach");
		snprintf(path, sizeof(path), "/run/netns/%s", cns);
		for (int i = 0; i < ndst; i++) {
			fflush(NULL);
			pid[i] = fork();
			if (pid[i] == 0)
				connect_in_netns(path, dst[i].addr, port, dst[i].err, dst[i].polled);
			waitpid(pid[i], &status[i], 0);
		}
	}
	shell("ip netns del %s; ip netns del %s", cns, rns);
}

/* Waits for tcpscope (run with -v): true when fewer than `expect` sessions
 * came with their cause and tcpscope's counts put every other one among the
 * closes its program never ran for (reported at destruction, without its
 * cause: since 2026-12-06 with its port, so the filter keeps it; or closed
 * untraced). */
static bool closes_never_run(struct scope *sc, size_t expect)
{
	unsigned long long shown, missed, gone = 0, late;
	struct session *v = NULL;
	size_t n = 0, known = 0;

	if (scope_wait(sc, 10000) != 0 || scope_read_sessions(sc, &v, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		known += v[i].cause != CAUSE_UNKNOWN;
	free(v);
	n = known;
	if (n >= expect)
		return false;
	if (!summary_counts(sc, &shown, &missed, &gone))
		gone = 0;	/* no "closed untraced" said: none missed */
	late = late_reported(sc);
	printf("%zu of %zu sessions; tcpscope reported %llu at their socket's destruction and "
	       "counted %llu closed untraced\n", n, expect, late, gone);
	return late + gone >= expect - n;
}

static void test_unreachable(void **state)
{
	static const struct unreach_dst dst[] = { { "10.202.0.9", EHOSTUNREACH, false },
						  { "fd00:202::9", EACCES, false },
						  { "10.202.0.10", EHOSTUNREACH, true } };
	const int ndst = (int)(sizeof(dst) / sizeof(dst[0]));
	unsigned short port;
	struct session *v = NULL;
	struct scope sc;
	int status[3];
	pid_t pid[3];
	size_t n;
	bool up;

	for (int attempt = 0;; attempt++) {
		port = scope_free_port();
		for (int i = 0; i < ndst; i++) {
			status[i] = -1;
			pid[i] = -1;
		}
		unreachable_once(state, &sc, dst, ndst, port, pid, status, &up);
		assert_true(up);
		for (int i = 0; i < ndst; i++) {
			assert_true(WIFEXITED(status[i]));
			assert_int_equal(WEXITSTATUS(status[i]), 0);
		}
		if (attempt > 1 || !closes_never_run(&sc, (size_t)ndst))
			break;
		printf("the kernel did not run the hook for a close: the connects once more\n");
		scope_cleanup(&sc);
	}
	finish_scope(&sc, &v, &n, (size_t)ndst);
	for (size_t i = 0; i < n; i++) {
		int k = v[i].family == AF_INET6 ? 1 : v[i].raddr.s6_addr[15] == 10 ? 2 : 0;

		printf("%s: cause %d closed by %d after %lld us\n", dst[k].addr, v[i].cause,
		       v[i].closer, (long long)(v[i].end_ns / 1000) - (long long)(v[i].start_ns / 1000));
		assert_int_equal(v[i].rport, port);
		/* Its close is the ICMP's arrival, after the SYN's departure: not
		 * the SYN's clock read (until 2026-12-06 taken when under 20 us
		 * old, as if the error had come with no round trip). */
		assert_true(v[i].end_ns / 1000 > v[i].start_ns / 1000);
		if (k == 2 && !strcmp(hook_of(state), "tracepoint"))
			assert_true(v[i].cause == CAUSE_UNREACHABLE || v[i].cause == CAUSE_ABANDONED);
		else
			assert_int_equal(v[i].cause, CAUSE_UNREACHABLE);
		assert_int_equal(v[i].closer, CLOSER_LOCAL);
		assert_int_equal(v[i].dir, DIR_OUT);
		assert_int_equal(v[i].pid, pid[k]);
		assert_string_equal(v[i].comm, "ts-unreach");
		assert_false(v[i].flags & SESS_PID_UNCERTAIN);
		assert_int_equal(v[i].tx_bytes, 0);
		assert_int_equal(v[i].rx_bytes, 0);
		if (k == 1) {
			assert_int_equal(v[i].raddr.s6_addr[0], 0xfd);
			assert_int_equal(v[i].raddr.s6_addr[15], 9);
		} else {
			assert_int_equal(v[i].laddr.s6_addr32[3], htonl(0x0ac90001));	/* 10.201.0.1 */
			assert_int_equal(v[i].raddr.s6_addr32[3], htonl(k ? 0x0aca000a : 0x0aca0009));
		}
	}
	free(v);
	scope_cleanup(&sc);
}

static uint16_t ip_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* In the router namespace at path: answer the first SYN to port that comes
 * in on tsu1 with an ICMP port unreachable, as a firewall's REJECT does
 * (its default), and exit 0. Writes one byte to `ready` once listening. */
static void reject_in_netns(const char *path, unsigned short port, int ready)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	uint8_t in[2048], out[sizeof(struct icmphdr) + 60 + 8];
	int ns = open(path, O_RDONLY | O_CLOEXEC), pk, raw;

	if (ns < 0 || setns(ns, CLONE_NEWNET))
		_exit(2);
	ll.sll_ifindex = (int)if_nametoindex("tsu1");
	pk = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (!ll.sll_ifindex || pk < 0 || raw < 0 || bind(pk, (struct sockaddr *)&ll, sizeof(ll)))
		_exit(3);
	if (write(ready, "r", 1) != 1)
		_exit(4);
	alarm(10);
	for (;;) {
		ssize_t len = recv(pk, in, sizeof(in), 0);
		const struct iphdr *ip = (const void *)in;
		const struct tcphdr *th;
		struct icmphdr *ic = (void *)out;
		struct sockaddr_in to = { .sin_family = AF_INET };
		size_t ihl;

		if (len < (ssize_t)sizeof(*ip))
			continue;
		ihl = ip->ihl * 4u;
		if (ip->protocol != IPPROTO_TCP || ihl < 20 || ihl > 60 || (size_t)len < ihl + 20)
			continue;
		th = (const void *)(in + ihl);
		if (ntohs(th->dest) != port || !th->syn || th->ack)
			continue;
		memset(out, 0, sizeof(out));
		ic->type = ICMP_DEST_UNREACH;
		ic->code = ICMP_PORT_UNREACH;
		memcpy(out + sizeof(*ic), in, ihl + 8);	/* its IP header, 8 bytes of TCP */
		ic->checksum = ip_sum(out, sizeof(*ic) + ihl + 8);
		to.sin_addr.s_addr = ip->saddr;
		if (sendto(raw, out, sizeof(*ic) + ihl + 8, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			_exit(5);
		_exit(0);
	}
}

/*
 * A connect() refused by an ICMP port unreachable (a firewall's REJECT):
 * the router namespace drops the SYN (a blackhole route) and answers it
 * from user space. connect() fails with ECONNREFUSED, as for a refusing
 * RST, but TCP read no clock for it: the socket's last read is the SYN's
 * departure. Reported as refused, and closed when the ICMP came, not when
 * the SYN left (a refusal takes TCP's clock since 2026-12-06, when it was
 * read after the last send).
 */
static void test_icmp_refused(void **state)
{
	char cns[32], rns[32], path[2][64];
	unsigned short port = scope_free_port();
	struct session *v = NULL;
	int status[2] = { -1, -1 }, p[2];
	pid_t pid[2] = { -1, -1 };
	struct scope sc;
	char c;
	bool up;
	size_t n;

	up = router_up(cns, rns) && shell("ip -n %s route add blackhole 10.203.0.0/24", rns);
	snprintf(path[0], sizeof(path[0]), "/run/netns/%s", cns);
	snprintf(path[1], sizeof(path[1]), "/run/netns/%s", rns);
	if (up) {
		assert_int_equal(pipe(p), 0);
		start_scope_x(&sc, state, port, 1, true, "--comm", "ts-unreach");
		fflush(NULL);
		pid[1] = fork();
		if (pid[1] == 0)
			reject_in_netns(path[1], port, p[1]);
		close(p[1]);
		if (read(p[0], &c, 1) == 1) {
			pid[0] = fork();
			if (pid[0] == 0)
				connect_in_netns(path[0], "10.203.0.9", port, ECONNREFUSED, false);
			waitpid(pid[0], &status[0], 0);
		}
		close(p[0]);
		waitpid(pid[1], &status[1], 0);
	}
	shell("ip netns del %s; ip netns del %s", cns, rns);
	assert_true(up);
	for (int i = 0; i < 2; i++) {
		assert_true(WIFEXITED(status[i]));
		assert_int_equal(WEXITSTATUS(status[i]), 0);
	}
	finish_scope(&sc, &v, &n, 1);
	printf("refused by ICMP: closed %lld us after the SYN left\n",
	       (long long)(v[0].end_ns / 1000) - (long long)(v[0].start_ns / 1000));
	assert_int_equal(v[0].cause, CAUSE_REFUSED);
	assert_int_equal(v[0].rport, port);
	assert_int_equal(v[0].pid, pid[0]);
	assert_int_equal(v[0].raddr.s6_addr32[3], htonl(0x0acb0009));	/* 10.203.0.9 */
	assert_true(v[0].end_ns / 1000 > v[0].start_ns / 1000);
	free(v);
	scope_cleanup(&sc);
}

/* The transitions tcpscope's hook saw while it ran, host-wide, from its -v
 * summary at exit. */
static void hook_saw(struct scope *sc, unsigned long long *connects, unsigned long long *accepts)
{
	const char *line = strstr(scope_stderr(sc), "tcpscope: the hook saw");

	assert_non_null(line);
	assert_int_equal(sscanf(line, "tcpscope: the hook saw %llu connects, %llu accepts",
				connects, accepts), 2);
}

/* test_syn_sent_again's connection met the classic tracepoint's loss (see
 * there): waits for tcpscope (run with -v); true when its own counts show
 * it, fewer than `accepts` accepts seen host-wide, or the sessions missing
 * from `expect` all counted closed untraced. */
static bool transitions_never_run(struct scope *sc, unsigned long long accepts, size_t expect)
{
	unsigned long long connects = 0, seen = 0, shown, missed, gone = 0;
	struct session *v = NULL;
	size_t n = 0;
	bool rc;

	if (scope_wait(sc, 10000) != 0 || scope_read_sessions(sc, &v, &n) != 0)
		return false;
	free(v);
	hook_saw(sc, &connects, &seen);
	rc = seen < accepts ||
	     (n < expect && summary_counts(sc, &shown, &missed, &gone) && n + gone == expect);
	if (rc)
		printf("the hook saw %llu of the %llu accepts, %zu of the %zu sessions and %llu "
		       "closed untraced\n", seen, accepts, n, expect, gone);
	return rc;
}

/*
 * A connect() whose SYN is dropped (the listener's accept queue is full) and
 * sent again by TCP a second later. The socket's stamp is then the second
 * SYN's; the start comes from the jiffies kept at connect(), within a tick
 * (4 ms at HZ=250), and the handshake is the whole wait.
 *
 * On the classic tracepoint, about one run in 20 here the program is never
 * run for some of the connection's transitions (the client's ESTABLISHED and
 * the server's new child, set off by the SYN sent again; or two sessions'
 * closes and destructions), with no recursion miss counted: the kernel
 * drops them before the program (with its own event tracing on the same
 * tracepoint, 0 in 108 runs). When tcpscope's own counts show it (-v's
 * accepts lack one, or the sessions missing are counted closed untraced),
 * the connection is run once more. Any other shortfall fails the test.
 */
static void test_syn_sent_again(void **state)
{
	const uint64_t slack = 6000000;	/* a tick, and some scheduling */
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_in me;
	socklen_t mlen = sizeof(me);
	struct pollfd pfd;
	const struct session *s2 = NULL;
	struct session *v = NULL;
	int l, c1, c2, a1, a2, one = 1, err = -1;
	socklen_t elen = sizeof(err);
	uint64_t t0, t1;
	struct scope sc;
	size_t n;

	for (int attempt = 0;; attempt++) {
		sa.sin_port = htons(scope_free_port());
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		start_scope_v(&sc, state, ntohs(sa.sin_port), 4, true);
		l = socket(AF_INET, SOCK_STREAM, 0);
		assert_true(l >= 0);
		assert_int_equal(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
		assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(listen(l, 0), 0);	/* room for one connection */
		c1 = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(c1, (struct sockaddr *)&sa, sizeof(sa)), 0);
		c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(c2 >= 0);
		t0 = realtime_ns();
		assert_int_equal(connect(c2, (struct sockaddr *)&sa, sizeof(sa)), -1);
		assert_int_equal(errno, EINPROGRESS);
		mlen = sizeof(me);
		assert_int_equal(getsockname(c2, (struct sockaddr *)&me, &mlen), 0);
		usleep(300000);
		a1 = accept(l, NULL, NULL);	/* room again, for the SYN sent again */
		assert_true(a1 >= 0);
		pfd = (struct pollfd){ .fd = c2, .events = POLLOUT };
		assert_int_equal(poll(&pfd, 1, 10000), 1);
		t1 = realtime_ns();
		assert_int_equal(getsockopt(c2, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
		assert_int_equal(err, 0);
		a2 = accept(l, NULL, NULL);
		assert_true(a2 >= 0);
		close(c1);
		close(c2);
		usleep(50000);
		close(a1);
		close(a2);
		close(l);
		if (attempt > 0 || !transitions_never_run(&sc, 2, 4))
			break;
		printf("the kernel did not run the hook for some of the connection's transitions: "
		       "the connection once more\n");
		scope_cleanup(&sc);
	}
	finish_scope(&sc, &v, &n, 4);
	for (size_t i = 0; i < n; i++)
		if (v[i].dir == DIR_OUT && v[i].lport == ntohs(me.sin_port))
			s2 = &v[i];
	assert_non_null(s2);
	assert_true(s2->retrans >= 1);
	if (s2->start_ns + slack < t0 || s2->start_ns > t0 + slack ||
	    (uint64_t)s2->handshake_us * 1000 + slack < t1 - t0 ||
	    (uint64_t)s2->handshake_us * 1000 > t1 - t0 + slack)
		printf("start %+.3f ms from connect(), handshake %.3f ms, connect() to "
		       "writable %.3f ms\n", ((double)s2->start_ns - (double)t0) / 1e6,
		       s2->handshake_us / 1e3, (double)(t1 - t0) / 1e6);
	assert_true(s2->start_ns + slack >= t0);
	assert_true(s2->start_ns <= t0 + slack);
	assert_true((uint64_t)s2->handshake_us * 1000 + slack >= t1 - t0);
	assert_true((uint64_t)s2->handshake_us * 1000 <= t1 - t0 + slack);
	free(v);
	scope_cleanup(&sc);
}

/*
 * A connect()ed session starts when its SYN leaves, so the accepted peer,
 * which starts at the handshake's last ACK, starts at least the client's
 * handshake later (to the microsecond each). Under an offset between the
 * socket's clock and the program's below 0 (an estimate made of two reads
 * held up between them, under CPU contention, on a machine never suspended),
 * every such start was taken from the jiffies at ESTABLISHED instead: the
 * session short by its handshake. TCPSCOPE_TEST_MONO_TO_BOOT_NS sets that
 * offset (-3 us).
 */
static void test_connect_start_offset_below_zero(void **state)
{
	struct traffic_burst_spec spec = {
		.family = AF_INET, .server_comm = "ts-srv", .client_comm = "ts-cli",
		.c2s_bytes = 100, .s2c_bytes = 1000, .closer = TRAFFIC_CLIENT, .count = 20,
		.concurrency = 1,
	};
	struct traffic_burst_result res;
	struct session *v = NULL;
	struct scope sc;
	size_t n, outs = 0;
	int rc;

	spec.port = scope_free_port();
	setenv("TCPSCOPE_TEST_MONO_TO_BOOT_NS", "-3000", 1);
	start_scope(&sc, state, spec.port, 40);
	unsetenv("TCPSCOPE_TEST_MONO_TO_BOOT_NS");
	rc = traffic_burst(&spec, &res);
	if (rc)
		printf("burst failed: %s\n", res.err);
	assert_int_equal(rc, 0);
	finish_scope(&sc, &v, &n, 40);
	for (size_t i = 0; i < n; i++) {
		const struct session *o = &v[i], *in;
		int64_t gap;

		if (o->dir != DIR_OUT)
			continue;
		in = scope_find(v, n, o->rport, o->lport);
		assert_non_null(in);
		gap = (int64_t)(in->start_ns / 1000) - (int64_t)(o->start_ns / 1000);
		if (gap + 2 < (int64_t)o->handshake_us)
			printf("port %u: the accepted side starts %lld us after the connect()ed "
			       "one, whose handshake took %u us\n", o->lport, (long long)gap,
			       o->handshake_us);
		assert_true(gap + 2 >= (int64_t)o->handshake_us);
		outs++;
	}
	assert_int_equal(outs, 20);
	free(v);
	scope_cleanup(&sc);
}

/*
 * A forked client ("ts-aq-cli") connects to sa, sends 1000 bytes, waits until
 * the kernel has ACKed them (nobody has accepted) and resets the connection.
 * Returns its pid; its port in *cport.
 */
static pid_t client_resets(const struct sockaddr_in *sa, unsigned short *cport)
{
	int pfd[2], st;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		struct sockaddr_in me;
		socklen_t mlen = sizeof(me);
		char buf[1000];
		int c, q = 1;

		close(pfd[0]);
		prctl(PR_SET_NAME, "ts-aq-cli");
		memset(buf, 'x', sizeof(buf));
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (const struct sockaddr *)sa, sizeof(*sa)) ||
		    getsockname(c, (struct sockaddr *)&me, &mlen) ||
		    write(pfd[1], &me.sin_port, sizeof(me.sin_port)) != sizeof(me.sin_port) ||
		    write(c, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			_exit(1);
		for (int i = 0; i < 1000 && q; i++) {
			if (ioctl(c, SIOCOUTQ, &q))
				_exit(2);
			if (q)
				usleep(1000);
		}
		if (q || setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
			_exit(3);
		close(c);	/* RST */
		_exit(0);
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], cport, sizeof(*cport)), sizeof(*cport));
	*cport = ntohs(*cport);
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	usleep(100000);	/* loopback handles the RST within close(); a margin */
	return pid;
}

/* Both rows of a connection that client_resets() reset in the accept queue:
 * the server's named with this process as "ts-aq-srv", certain. */
static void check_reset_in_queue(const struct session *v, size_t n, unsigned short port,
				 unsigned short cport, pid_t client)
{
	const struct session *cli = scope_find(v, n, cport, port);
	const struct session *srv = scope_find(v, n, port, cport);

	assert_non_null(cli);
	assert_non_null(srv);
	assert_int_equal(cli->pid, client);
	assert_string_equal(cli->comm, "ts-aq-cli");
	assert_int_equal(cli->cause, CAUSE_RST_SENT);
	assert_int_equal(cli->tx_bytes, 1000);
	if (srv->pid != (uint32_t)getpid() || (srv->flags & SESS_PID_UNCERTAIN))
		printf("server row: pid %u %s flags 0x%x (expected pid %d ts-aq-srv, certain)\n",
		       srv->pid, srv->comm, srv->flags, (int)getpid());
	assert_int_equal(srv->pid, getpid());
	assert_string_equal(srv->comm, "ts-aq-srv");
	assert_false(srv->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(srv->cause, CAUSE_RST_RECV);
	assert_int_equal(srv->dir, DIR_IN);
	assert_int_equal(srv->rx_bytes, 1000);
}

/*
 * A connection reset while it waits in the listener's accept queue: the
 * kernel closes the server's socket in the client's context (the softirq of
 * its close()), before any process owns it. Its owner is the process that
 * accepts it later and closes it, or that closes the listener with it still
 * queued: named then, certain, never the client (until 2026-12-04 such a
 * row carried the client's name, flagged uncertain).
 */
static void test_reset_before_accept(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned short port, cport1, cport2;
	char oldname[17] = "";
	struct session *v = NULL;
	struct tcp_info ti;
	socklen_t ilen;
	int lfd, fd, one = 1;
	pid_t client1, client2;
	struct scope sc;
	size_t n;

	port = scope_free_port();
	assert_int_not_equal(port, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 8), 0);
	start_scope(&sc, state, port, 4);
	prctl(PR_GET_NAME, oldname);

	/* Accepted after the reset, then closed. */
	client1 = client_resets(&sa, &cport1);
	prctl(PR_SET_NAME, "ts-aq-srv");
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(fd >= 0);
	ilen = sizeof(ti);
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &ilen), 0);
	assert_int_equal(ti.tcpi_state, TCP_CLOSE);	/* reset before accept() took it */
	close(fd);
	prctl(PR_SET_NAME, oldname);

	/* Never accepted: the listener is closed with it in the queue. */
	client2 = client_resets(&sa, &cport2);
	prctl(PR_SET_NAME, "ts-aq-srv");
	close(lfd);
	prctl(PR_SET_NAME, oldname);

	finish_scope(&sc, &v, &n, 4);
	check_reset_in_queue(v, n, port, cport1, client1);
	check_reset_in_queue(v, n, port, cport2, client2);
	free(v);
	scope_cleanup(&sc);
}

/*
 * The owner keeps a socket its peer reset open for longer than the wait
 * (1.5 s against 0.5 s): the row comes out at the end of the wait, its
 * owner a best guess flagged so (pid_certain=0): the process that listens
 * on its port; and -v counts it among the sessions whose owner's close did
 * not come.
 */
static void test_owner_keeps_reset_socket(void **state)
{
	const char *line =
		"owners not known for sure: 1 session whose owner's close did not come within 0.5 s";
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-keep-srv", .client_comm = "ts-keep-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_CLIENT,
		.end = TRAFFIC_END_RST, .second_close_ms = 1500,
	};
	const struct session *cli, *srv;
	struct traffic_result res;
	struct session *v = NULL;
	struct scope sc;
	size_t n;

	pair_under_scope(&sc, state, &spec, true, &res, &v, &n);
	find_pair(v, n, &res, AF_INET, &cli, &srv);
	assert_int_equal(cli->pid, res.client_pid);
	assert_false(cli->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(srv->cause, CAUSE_RST_RECV);
	assert_true(srv->flags & SESS_PID_UNCERTAIN);
	/* the guess: who listens on the port (here the server itself), not
	 * the client whose RST ended it */
	assert_int_equal(srv->pid, res.server_pid);
	assert_string_equal(srv->comm, "ts-keep-srv");
	if (!strstr(scope_stderr(&sc), line))
		printf("tcpscope stderr: %s\n", scope_stderr(&sc));
	assert_non_null(strstr(scope_stderr(&sc), line));
	assert_non_null(strstr(scope_stderr(&sc), "0 could not wait (table full); 0 owners' records"));
	free(v);
	scope_cleanup(&sc);
}


/* tcpscope's summary line at exit, "N sessions shown (M seen), K missed
 * (buffer full B, closed untraced G)" ("1 session shown" for one):
 * host-wide counts. False when the
 * line is not there, or says nothing was missed. */
static bool summary_counts(struct scope *sc, unsigned long long *shown, unsigned long long *missed,
			   unsigned long long *gone)
{
	const char *line = strstr(scope_stderr(sc), " shown (");
	unsigned long long seen, buf;

	while (line && line > scope_stderr(sc) && line[-1] != '\n')
		line--;
	return line && sscanf(line, "tcpscope: %llu %*s shown (%llu seen), %llu missed "
				    "(buffer full %llu, closed untraced %llu",
			      shown, &seen, missed, &buf, gone) == 5;
}

static void summary_missed(struct scope *sc, unsigned long long *shown, unsigned long long *missed,
			   unsigned long long *gone)
{
	bool ok = summary_counts(sc, shown, missed, gone);

	if (!ok)
		printf("tcpscope stderr: %s\n", scope_stderr(sc));
	assert_true(ok);
}

/*
 * The one kernel event a single connection's test cannot wait out: a close
 * and a destruction that reach no program at all (README.md, "Closes the
 * kernel never delivers"; the close-timing tests met it about once in 700
 * runs on the development VM, always the first side to close). tcpscope
 * counts such a session as missed, closed untraced. Waits for tcpscope;
 * true when exactly one of the `expect` sessions did not come and its
 * summary counts one so.
 */
static bool one_close_never_delivered(struct scope *sc, size_t expect)
{
	unsigned long long shown, missed, gone;
	struct session *v = NULL;
	size_t n = 0;
	bool rc;

	rc = scope_wait(sc, 10000) == 0 && scope_read_sessions(sc, &v, &n) == 0 &&
	     n + 1 == expect && summary_counts(sc, &shown, &missed, &gone) && gone >= 1;
	free(v);
	return rc;
}

/*
 * A session's start and end are when they happened, whatever clock the
 * program took them from: an orderly close takes its time from the socket's
 * own clock, which TCP read when the packet that ended it came in; every
 * other close reads the clock. The connection idles 150 ms after its
 * payload; after the first close the other side waits 250 ms before its
 * own. So the side that closes second ends 250 ms or more after the
 * release (when its FIN is acknowledged), and so does the first with
 * shutdown() (its socket waits in FIN_WAIT2 for the peer's FIN). A time
 * from the socket's earlier traffic would be 250 ms or more too early. The
 * first to close() ends when its FIN is acknowledged (the kernel then hands
 * what is left to a TIME_WAIT entry), before the peer closes.
 */
static void close_times(void **state, enum traffic_side closer, enum traffic_end end)
{
	const uint64_t slack = 2000000, idle = 150000000, wait2 = 250000000;
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-time-srv", .client_comm = "ts-time-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = closer, .end = end,
		.second_close_ms = end == TRAFFIC_END_RST ? 0 : wait2 / 1000000,
	};
	const struct session *cli, *srv, *s[2];
	struct traffic_session ts;
	struct traffic_result res;
	uint64_t t0, t1, t2;
	struct session *v = NULL;
	struct scope sc;
	size_t n;

	for (int attempt = 0;; attempt++) {
		spec.port = scope_free_port();
		assert_int_not_equal(spec.port, 0);
		start_scope(&sc, state, spec.port, 2);
		t0 = realtime_ns();
		assert_int_equal(traffic_start(&ts, &spec), 0);
		usleep(idle / 1000);
		t1 = realtime_ns();
		assert_int_equal(traffic_release(&ts), 0);
		assert_int_equal(traffic_finish(&ts, &res), 0);
		t2 = realtime_ns();
		/* Once: a connection whose close the kernel never delivered
		 * (and tcpscope counted as missed) is run again. A session
		 * tcpscope lost on its own still fails the test. */
		if (attempt > 0 || !one_close_never_delivered(&sc, 2))
			break;
		printf("one side's close reached no program (tcpscope counted it as missed, "
		       "closed untraced): the connection once more\n");
		scope_cleanup(&sc);
	}
	finish_scope(&sc, &v, &n, 2);
	find_pair(v, n, &res, AF_INET, &cli, &srv);
	s[0] = closer == TRAFFIC_CLIENT ? cli : srv;	/* the first to close */
	s[1] = closer == TRAFFIC_CLIENT ? srv : cli;
	for (int i = 0; i < 2; i++) {
		uint64_t not_before = t1;

		if (end == TRAFFIC_END_SHUTDOWN || (end == TRAFFIC_END_FIN && i == 1))
			not_before += wait2;
		if (s[i]->start_ns + slack < t0 || s[i]->start_ns > t1 ||
		    s[i]->end_ns + slack < not_before || s[i]->end_ns > t2 + slack)
			printf("%s: start %+.3f ms, end %+.3f ms from the start of the traffic "
			       "(released at %+.3f ms, ends expected from %+.3f ms, done at "
			       "%+.3f ms)\n", i ? "second" : "first",
			       ((double)s[i]->start_ns - (double)t0) / 1e6,
			       ((double)s[i]->end_ns - (double)t0) / 1e6, (double)(t1 - t0) / 1e6,
			       (double)(not_before - t0) / 1e6, (double)(t2 - t0) / 1e6);
		assert_true(s[i]->start_ns + slack >= t0);
		assert_true(s[i]->start_ns <= t1);
		assert_true(s[i]->end_ns + slack >= not_before);
		assert_true(s[i]->end_ns <= t2 + slack);
		/* The CSV's times are in microseconds: the duration is theirs, give or take one. */
		assert_true(s[i]->dur_us + 1 >= (s[i]->end_ns - s[i]->start_ns) / 1000 &&
			    s[i]->dur_us <= (s[i]->end_ns - s[i]->start_ns) / 1000 + 1);
	}
	free(v);
	scope_cleanup(&sc);
}

static void test_close_times_client_first(void **state)
{
	close_times(state, TRAFFIC_CLIENT, TRAFFIC_END_FIN);
}

static void test_close_times_server_first(void **state)
{
	close_times(state, TRAFFIC_SERVER, TRAFFIC_END_FIN);
}

static void test_close_times_shutdown(void **state)
{
	close_times(state, TRAFFIC_CLIENT, TRAFFIC_END_SHUTDOWN);
}

static void test_close_times_rst(void **state)
{
	close_times(state, TRAFFIC_CLIENT, TRAFFIC_END_RST);
}

/* Runs fn(port) in a child process (fn ends it with _exit()) and checks
 * that it exited with status 0. Returns the child's pid. */
static pid_t run_child(void (*fn)(unsigned short), unsigned short port)
{
	int status = -1;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		fn(port);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return pid;
}

/*
 * Ends TCP reads its clock for, on 127.0.0.1:port, in one process named
 * ts-tcpclock: a refused connect() (RST to the SYN: ECONNREFUSED), a
 * connection the client aborts (SO_LINGER 0: its own end is rst_sent, the
 * server's rst_recv, ECONNRESET), then a connect() whose SYNs a listener
 * with a full accept queue drops, timed out by TCP_USER_TIMEOUT at its
 * first retransmission (1 s: ETIMEDOUT). Exits 0 when each failed as meant.
 */
static void ends_by_tcp(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	unsigned int uto = 100;
	int l, c, s, w, one = 1, err = -1;
	struct pollfd p = { .events = POLLOUT };
	socklen_t len = sizeof(err);
	char buf[64] = "x";

	prctl(PR_SET_NAME, "ts-tcpclock");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != ECONNREFUSED)
		_exit(2);
	close(c);
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 8))
		_exit(3);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		_exit(4);
	if (write(c, buf, 1) != 1 || read(s, buf, sizeof(buf)) != 1 ||
	    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		_exit(5);
	close(c);
	if (read(s, buf, sizeof(buf)) != -1 || errno != ECONNRESET)
		_exit(6);
	close(s);
	close(l);
	/* The timeout: backlog 0, one connection waiting fills the queue. */
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 0))
		_exit(7);
	w = socket(AF_INET, SOCK_STREAM, 0);
	if (w < 0 || connect(w, (struct sockaddr *)&a, sizeof(a)))
		_exit(8);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c < 0 || setsockopt(c, IPPROTO_TCP, TCP_USER_TIMEOUT, &uto, sizeof(uto)) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINPROGRESS)
		_exit(9);
	p.fd = c;
	if (poll(&p, 1, 5000) != 1 || getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) ||
	    err != ETIMEDOUT)
		_exit(10);
	close(c);
	close(w);
	close(l);
	_exit(0);
}

static const struct session *find_cause(const struct session *v, size_t n, enum sess_cause cause)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].cause == cause)
			return &v[i];
	return NULL;
}

/*
 * Two tcpscope instances give a session ended by a reset received, a
 * refusal or a timeout the same close time: the clock TCP read for it,
 * even when one instance's program runs long after that read. The second
 * instance is made to spin 200 us at each close on the port before it
 * reads a clock, as a program run before it on the tracepoint (another
 * tracer, on a cold CPU) would make it wait: until 2026-12-06 the socket's
 * clock was taken only within 20 us, and the two differed by the spin. The
 * client's own abort (rst_sent: TCP reads no clock for it) is each
 * instance's own read: the spin shows there, which proves it ran.
 */
static void test_close_time_two_tracers(void **state)
{
	static const enum sess_cause same[] = { CAUSE_REFUSED, CAUSE_RST_RECV, CAUSE_TIMEOUT };
	const struct session *x, *y;
	struct session *v[2] = { NULL, NULL };
	char portarg[16];
	struct scope sc[2];
	size_t n[2];
	unsigned short port;

	for (int attempt = 0;; attempt++) {
		bool all = true, lost = false;

		port = scope_free_port();
		assert_int_not_equal(port, 0);
		start_scope_x(&sc[0], state, port, 100, true, "--comm", "ts-tcpclock");
		snprintf(portarg, sizeof(portarg), "%u", port);
		setenv("TCPSCOPE_TEST_SLOW_CLOSE_PORT", portarg, 1);
		start_scope_x(&sc[1], state, port, 100, true, "--comm", "ts-tcpclock");
		unsetenv("TCPSCOPE_TEST_SLOW_CLOSE_PORT");
		run_child(ends_by_tcp, port);
		usleep(300000);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(scope_stop(&sc[i], SIGINT), 0);
			assert_int_equal(scope_read_sessions(&sc[i], &v[i], &n[i]), 0);
			for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++)
				all = all && find_cause(v[i], n[i], same[k]);
			all = all && find_cause(v[i], n[i], CAUSE_RST_SENT);
		}
		/* Once more when a close reached no program (README, "Closes
		 * the kernel never delivers"): tcpscope counts it with -v. */
		for (int i = 0; i < 2; i++) {
			unsigned long long shown, missed, gone = 0;

			if (!summary_counts(&sc[i], &shown, &missed, &gone))
				gone = 0;
			lost = lost || gone || late_reported(&sc[i]);
		}
		if (all || attempt > 0 || !lost)
			break;
		printf("a close reached no program: the connections once more\n");
		for (int i = 0; i < 2; i++) {
			free(v[i]);
			scope_cleanup(&sc[i]);
		}
	}
	for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++) {
		x = find_cause(v[0], n[0], same[k]);
		y = find_cause(v[1], n[1], same[k]);
		assert_non_null(x);
		assert_non_null(y);
		assert_int_equal(x->lport, y->lport);
		assert_int_equal(x->rport, y->rport);
		printf("cause %d: the second instance %+.3f ms\n", (int)same[k],
		       ((double)y->end_ns - (double)x->end_ns) / 1e6);
		assert_true(x->end_ns == y->end_ns);
	}
	x = find_cause(v[0], n[0], CAUSE_RST_SENT);
	y = find_cause(v[1], n[1], CAUSE_RST_SENT);
	assert_non_null(x);
	assert_non_null(y);
	printf("rst_sent: the second instance %+.3f ms\n",
	       ((double)y->end_ns - (double)x->end_ns) / 1e6);
	assert_true(y->end_ns >= x->end_ns + 150000 || x->end_ns >= y->end_ns + 150000);
	for (int i = 0; i < 2; i++) {
		free(v[i]);
		scope_cleanup(&sc[i]);
	}
}

/* The two sessions of a connection opened before tcpscope started (3000
 * bytes up, 7000 down, the client closes first with FIN): each reported
 * once, partial, with its owner, whole payload, direction and closer. */
static void check_old_pair(const struct session *v, size_t n, const struct traffic_result *res)
{
	const struct session *cli = scope_find(v, n, res->client_port, res->server_port);
	const struct session *srv = scope_find(v, n, res->server_port, res->client_port);

	assert_non_null(cli);
	assert_non_null(srv);
	assert_true(cli->flags & SESS_PARTIAL);
	assert_true(srv->flags & SESS_PARTIAL);
	assert_int_equal(cli->pid, res->client_pid);
	assert_int_equal(srv->pid, res->server_pid);
	assert_string_equal(cli->comm, "ts-old-cli");
	assert_string_equal(srv->comm, "ts-old-srv");
	assert_false(cli->flags & SESS_PID_UNCERTAIN);
	assert_false(srv->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(cli->tx_bytes, 3000);
	assert_int_equal(cli->rx_bytes, 7000);
	assert_int_equal(srv->tx_bytes, 7000);
	assert_int_equal(srv->rx_bytes, 3000);
	assert_int_equal(cli->dir, DIR_OUT);
	assert_int_equal(srv->dir, DIR_IN);
	assert_int_equal(cli->closer, CLOSER_LOCAL);
	assert_int_equal(srv->closer, CLOSER_REMOTE);
	assert_int_equal(cli->cause, CAUSE_FIN);
	assert_int_equal(srv->cause, CAUSE_FIN);
}

/* A connection opened before tcpscope starts (with `extra` on its command
 * line, if not NULL), closed after: both sides reported as check_old_pair()
 * says. */
static void old_pair(void **state, const char *extra)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-old-srv", .client_comm = "ts-old-cli",
		.c2s_bytes = 3000, .s2c_bytes = 7000, .closer = TRAFFIC_CLIENT,
	};
	struct traffic_session ts;
	struct traffic_result res;
	struct session *v = NULL;
	struct scope sc;
	size_t n;
	int rc;

	spec.port = scope_free_port();
	rc = traffic_start(&ts, &spec);
	if (rc)
		printf("traffic failed: %s\n", ts.res.err);
	assert_int_equal(rc, 0);
	start_scope_x(&sc, state, spec.port, 2, false, extra, NULL);
	assert_int_equal(traffic_finish(&ts, &res), 0);
	finish_scope(&sc, &v, &n, 2);
	check_old_pair(v, n, &res);
	free(v);
	scope_cleanup(&sc);
}

/* A session opened before tcpscope starts is reported (flagged partial)
 * with its owners and its whole payload. */
static void test_open_before_start(void **state)
{
	old_pair(state, NULL);
}

/* The same with --no-seed: nothing says the pair is there until it closes,
 * and each side's close still gives its direction (an outgoing side's SYN is
 * not payload), its closer and its owner. */
static void test_open_before_start_unseeded(void **state)
{
	old_pair(state, "--no-seed");
}

/* tcpscope --open -o csv -P PORTS, once: the sessions open now. */
static void list_open(void **state, const char *ports, struct session **v, size_t *n)
{
	const char *argv[] = { "--open", "-o", "csv", "--hook", hook_of(state), "-P", ports, NULL };
	struct scope sc;

	assert_int_equal(scope_start(&sc, argv, false), 0);
	assert_int_equal(scope_wait(&sc, 10000), 0);
	assert_int_equal(scope_read_sessions(&sc, v, n), 0);
	printf("%s", scope_stderr(&sc));
	assert_non_null(strstr(scope_stderr(&sc), "open session"));
	scope_cleanup(&sc);
}

/* One side of a held connection as --open lists it: open, its payload so
 * far exactly, its direction, its owner (the start-up walk's: a guess,
 * marked so), partial (open before that tcpscope started). */
static void check_open_side(const struct session *s, pid_t pid, const char *comm, uint64_t tx,
			    uint64_t rx, enum sess_dir dir, int family)
{
	assert_non_null(s);
	assert_int_equal(s->cause, CAUSE_OPEN);
	assert_int_equal(s->family, family);
	assert_int_equal(s->tx_bytes, tx);
	assert_int_equal(s->rx_bytes, rx);
	assert_int_equal(s->dir, dir);
	assert_int_equal(s->pid, pid);
	assert_string_equal(s->comm, comm);
	assert_true(s->flags & SESS_PARTIAL);
	assert_true(s->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(s->closer, CLOSER_UNKNOWN);
}

/*
 * --open: two connections held open (IPv4: 1234 bytes up, 98765 down;
 * IPv6: 7 up, 0 down), each side listed once with its payload so far, its
 * owner and its direction; once they are closed, none of them is listed.
 * The walk changes nothing the closes report (their records, as always).
 */
static void test_open_now(void **state)
{
	struct traffic_spec s4 = {
		.family = AF_INET, .server_comm = "ts-open-srv", .client_comm = "ts-open-cli",
		.c2s_bytes = 1234, .s2c_bytes = 98765, .closer = TRAFFIC_CLIENT,
	};
	struct traffic_spec s6 = {
		.family = AF_INET6, .server_comm = "ts-open6-srv", .client_comm = "ts-open6-cli",
		.c2s_bytes = 7, .s2c_bytes = 0, .closer = TRAFFIC_SERVER,
	};
	struct traffic_session t4, t6;
	struct traffic_result r4, r6;
	struct session *v = NULL;
	char ports[32];
	size_t n;

	s4.port = scope_free_port();
	s6.port = scope_free_port();
	snprintf(ports, sizeof(ports), "%u,%u", s4.port, s6.port);
	assert_int_equal(traffic_start(&t4, &s4), 0);
	assert_int_equal(traffic_start(&t6, &s6), 0);
	list_open(state, ports, &v, &n);
	assert_int_equal(n, 4);
	check_open_side(scope_find(v, n, t4.res.client_port, s4.port), t4.res.client_pid,
			"ts-open-cli", 1234, 98765, DIR_OUT, AF_INET);
	check_open_side(scope_find(v, n, s4.port, t4.res.client_port), t4.res.server_pid,
			"ts-open-srv", 98765, 1234, DIR_IN, AF_INET);
	check_open_side(scope_find(v, n, t6.res.client_port, s6.port), t6.res.client_pid,
			"ts-open6-cli", 7, 0, DIR_OUT, AF_INET6);
	check_open_side(scope_find(v, n, s6.port, t6.res.client_port), t6.res.server_pid,
			"ts-open6-srv", 0, 7, DIR_IN, AF_INET6);
	free(v);
	v = NULL;
	assert_int_equal(traffic_finish(&t4, &r4), 0);
	assert_int_equal(traffic_finish(&t6, &r6), 0);
	list_open(state, ports, &v, &n);
	assert_int_equal(n, 0);
	free(v);
}

/* -v at the end of a stream describes the sockets still followed (up to
 * five, from the slots and from the hash map: sockets open at start-up are
 * only there), and says how many of them it described. */
static void test_still_followed_described(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-old-srv", .client_comm = "ts-old-cli",
		.c2s_bytes = 300, .s2c_bytes = 700, .closer = TRAFFIC_CLIENT,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg, "-v",
			       "--duration", "0.5", NULL };
	unsigned long long followed = 0;
	unsigned described = 99, lines = 0;
	struct traffic_session ts;
	struct traffic_result res;
	const char *p, *line;
	struct scope sc;

	spec.port = scope_free_port();
	snprintf(portarg, sizeof(portarg), "%u", spec.port);
	assert_int_equal(traffic_start(&ts, &spec), 0);
	assert_int_equal(scope_start(&sc, argv, true), 0);
	assert_int_equal(scope_wait(&sc, 10000), 0);
	assert_int_equal(traffic_finish(&ts, &res), 0);
	line = strstr(scope_stderr(&sc), "sockets still followed at exit");
	if (!line)
		printf("stderr: %s\n", scope_stderr(&sc));
	assert_non_null(line);
	while (line > scope_stderr(&sc) && line[-1] != '\n')
		line--;
	assert_int_equal(sscanf(line, "tcpscope: %llu sockets still followed at exit (sessions not "
				"closed yet, or whose close was not seen); %u of them described",
				&followed, &described), 2);
	for (p = scope_stderr(&sc); p < line; p = strchr(p, '\n') + 1)
		lines += !strncmp(p, "tcpscope:   socket ", 19);
	printf("%llu followed, %u described, %u lines\n", followed, described, lines);
	assert_true(followed >= 2);	/* ours at least */
	assert_int_equal(described, followed < 5 ? followed : 5);
	assert_int_equal(lines, described);
	scope_cleanup(&sc);
}

/*
 * More sockets open at once than the kernel's table holds (--max-sockets
 * 1024, 1,500 connections, 3,000 sockets, all in one process): every
 * session is still reported, with its exact payload, direction and closer;
 * the ones that began with no room are marked partial, and the summary
 * counts them (the same number). All keep their owner, certain: the partial
 * ones' was taken at their owner's close() (until 2026-12-06 it was the
 * context of their close, here by chance the same process; elsewhere the
 * peer, or an interrupted idle CPU).
 */
#define FULL_CONNS 1500

static void many_open_at_once(unsigned short port)
{
	static int cli[FULL_CONNS], srv[FULL_CONNS];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct rlimit rl;
	char buf[64] = { 0 };
	int l, one = 1;

	prctl(PR_SET_NAME, "ts-full");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 3 * FULL_CONNS) {
		rl.rlim_cur = 3 * FULL_CONNS;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;	/* root may raise it */
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4096))
		_exit(2);
	for (int i = 0; i < FULL_CONNS; i++) {
		cli[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (cli[i] < 0 || connect(cli[i], (struct sockaddr *)&a, sizeof(a)))
			_exit(3);
		srv[i] = accept(l, NULL, NULL);
		if (srv[i] < 0)
			_exit(4);
	}
	for (int i = 0; i < FULL_CONNS; i++)
		if (write(cli[i], buf, 10) != 10 || write(srv[i], buf, 20) != 20)
			_exit(5);
	for (int i = 0; i < FULL_CONNS; i++)
		if (read(srv[i], buf, 10) != 10 || read(cli[i], buf, 20) != 20)
			_exit(6);
	for (int i = 0; i < FULL_CONNS; i++)
		close(cli[i]);
	for (int i = 0; i < FULL_CONNS; i++)
		if (read(srv[i], buf, 1) != 0)	/* the client's FIN */
			_exit(7);
	for (int i = 0; i < FULL_CONNS; i++)
		close(srv[i]);
	_exit(0);
}

static void test_table_full(void **state)
{
	unsigned short port = scope_free_port();
	unsigned long long said = 0;
	size_t n, partial = 0;
	struct session *v = NULL;
	const char *line;
	struct scope sc;
	pid_t pid;

	start_scope_x(&sc, state, port, 2 * FULL_CONNS, false, "--max-sockets", "1024");
	pid = run_child(many_open_at_once, port);
	finish_scope(&sc, &v, &n, 2 * FULL_CONNS);
	for (size_t i = 0; i < n; i++) {
		const struct session *s = &v[i];
		bool out = s->rport == port;

		/* With no entry, the owner is still kept: at its close(), in
		 * its own context, for its close's record (owner_hints). */
		assert_int_equal(s->pid, pid);
		assert_string_equal(s->comm, "ts-full");
		assert_false(s->flags & SESS_PID_UNCERTAIN);
		assert_int_equal(s->dir, out ? DIR_OUT : DIR_IN);
		assert_int_equal(s->tx_bytes, out ? 10 : 20);
		assert_int_equal(s->rx_bytes, out ? 20 : 10);
		assert_int_equal(s->closer, out ? CLOSER_LOCAL : CLOSER_REMOTE);
		assert_int_equal(s->cause, CAUSE_FIN);
		partial += !!(s->flags & SESS_PARTIAL);
	}
	line = strstr(scope_stderr(&sc), "sessions began while the socket table was full");
	assert_non_null(line);
	while (line > scope_stderr(&sc) && line[-1] != '\n')
		line--;
	assert_int_equal(sscanf(line, "tcpscope: %llu sessions began", &said), 1);
	printf("%zu of %zu sessions began with the table full; the summary says %llu\n", partial,
	       n, said);
	assert_true(partial > 0);
	assert_int_equal(said, partial);
	free(v);
	scope_cleanup(&sc);
}

/*
 * The table full under churn (--max-sockets 1024, 6,000 connections held by
 * a client process and a server process, then closed by the client one
 * after another while the server reads each to its end and closes it, on
 * the other CPU): sockets that began with no room get an entry at their
 * owner's close() as others free theirs. Until 2026-12-06 an insert that
 * failed for a full map was retried with BPF_ANY, which succeeded
 * uncounted when a delete on the other CPU made room in between: the count
 * of the hash map's entries fell to 0 with entries left, their sessions
 * came out without their owner (pid 0) and were counted missed as well (in
 * most runs 1 to 8 of 12,000: shown + missed > made).
 */
#define CHURN_CONNS 6000

static void churn(unsigned short port)
{
	static int fds[CHURN_CONNS];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct rlimit rl = { 3 * CHURN_CONNS, 3 * CHURN_CONNS };
	char buf[64] = { 0 };
	int l, one = 1, status = -1;
	pid_t srv;

	setrlimit(RLIMIT_NOFILE, &rl);
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4096))
		_exit(2);
	srv = fork();
	if (srv < 0)
		_exit(2);
	if (srv == 0) {
		prctl(PR_SET_NAME, "ts-churn-srv");
		for (int i = 0; i < CHURN_CONNS; i++)
			if ((fds[i] = accept(l, NULL, NULL)) < 0)
				_exit(3);
		for (int i = 0; i < CHURN_CONNS; i++) {
			while (read(fds[i], buf, sizeof(buf)) > 0)
				;
			close(fds[i]);
		}
		_exit(0);
	}
	close(l);
	prctl(PR_SET_NAME, "ts-churn-cli");
	for (int i = 0; i < CHURN_CONNS; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&a, sizeof(a)) ||
		    write(fds[i], buf, 1 + i % 50) != 1 + i % 50)
			_exit(4);
	}
	usleep(300000);
	for (int i = 0; i < CHURN_CONNS; i++)
		close(fds[i]);
	if (waitpid(srv, &status, 0) != srv || !WIFEXITED(status) || WEXITSTATUS(status))
		_exit(5);
	_exit(0);
}

static void test_table_full_churn(void **state)
{
	unsigned long long shown, missed, gone;
	size_t n, nocli, noowner;
	struct session *v = NULL;
	unsigned short port;
	struct scope sc;
	pid_t pid;

	for (int attempt = 0;; attempt++) {
		port = scope_free_port();
		start_scope_x(&sc, state, port, 2 * CHURN_CONNS, false, "--max-sockets", "1024");
		pid = run_child(churn, port);
		/* not counted yet: a close the kernel never delivered is
		 * looked for first (until 2026-12-07 the count failed the
		 * test before its second run could be made) */
		collect_scope(&sc, &v, &n);
		nocli = noowner = 0;
		for (size_t i = 0; i < n; i++) {
			const struct session *s = &v[i];

			noowner += s->pid == 0;
			if (s->rport == port) {
				nocli += s->pid != (uint32_t)pid || strcmp(s->comm, "ts-churn-cli");
				assert_true(s->tx_bytes >= 1 && s->tx_bytes <= 50);
			}
		}
		printf("%zu rows; %zu without an owner, %zu client rows not the client's\n", n,
		       noowner, nocli);
		assert_int_equal(noowner, 0);
		assert_int_equal(nocli, 0);
		/* nothing counted missed: every session came, each once */
		if (n == 2 * CHURN_CONNS && strstr(scope_stderr(&sc), " seen), 0 missed"))
			break;
		printf("tcpscope stderr: %s\n", scope_stderr(&sc));
		/* Once: closes the kernel never delivered to the programs
		 * (README.md, "Closes the kernel never delivers"; the classic
		 * tracepoint meets it most), each counted closed untraced.
		 * Such a connection's other session may have had no entry at
		 * all (the table was full), so it can take two sessions with
		 * it. Anything else tcpscope missed fails the test. */
		assert_true(attempt == 0 && summary_counts(&sc, &shown, &missed, &gone) &&
			    gone >= 1 && missed == gone && shown == n &&
			    shown + 2 * gone >= 2 * CHURN_CONNS);
		printf("%llu closes reached no program (counted closed untraced): the churn once "
		       "more\n", gone);
		free(v);
		v = NULL;
		scope_cleanup(&sc);
	}
	check_rows(&sc, &v, &n, 2 * CHURN_CONNS);
	free(v);
	scope_cleanup(&sc);
}

/*
 * A session opened before tcpscope starts whose owner shuts it down between
 * the attach and the start-up walk of open sockets (widened here to 0.8 s):
 * the shutdown gives it an entry, and the walk, which still finds it open
 * (FIN_WAIT2, the peer closes 1.5 s later), must not add a second one, or
 * the session is reported twice (the second time when its socket is
 * destroyed). Each side once, with its owner and whole payload, and nothing
 * reported late.
 */
static void test_close_during_start(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-old-srv", .client_comm = "ts-old-cli",
		.c2s_bytes = 3000, .s2c_bytes = 7000, .closer = TRAFFIC_CLIENT,
		.end = TRAFFIC_END_SHUTDOWN, .second_close_ms = 1500,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--duration", "3", "-v", NULL };
	unsigned long long connects, accepts, closes, recloses, late = 99;
	struct traffic_session ts;
	struct traffic_result res;
	struct session *v = NULL;
	const char *line;
	struct scope sc;
	size_t n;
	int rc;

	spec.port = scope_free_port();
	assert_int_not_equal(spec.port, 0);
	snprintf(portarg, sizeof(portarg), "%u", spec.port);
	rc = traffic_start(&ts, &spec);
	if (rc)
		printf("traffic failed: %s\n", ts.res.err);
	assert_int_equal(rc, 0);
	setenv("TCPSCOPE_TEST_SEED_DELAY_MS", "800", 1);
	rc = scope_start(&sc, argv, false);
	unsetenv("TCPSCOPE_TEST_SEED_DELAY_MS");
	assert_int_equal(rc, 0);
	/* Attached, and not yet looking for open sessions: shut it down. */
	for (int i = 0; i < 1500 && !strstr(scope_stderr(&sc), "attached"); i++)
		usleep(10000);
	assert_non_null(strstr(scope_stderr(&sc), "attached"));
	assert_null(strstr(scope_stderr(&sc), " seeded\n"));
	assert_int_equal(traffic_release(&ts), 0);
	assert_int_equal(traffic_finish(&ts, &res), 0);
	finish_scope(&sc, &v, &n, 2);
	check_old_pair(v, n, &res);

	line = strstr(scope_stderr(&sc), "tcpscope: the hook saw");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "tcpscope: the hook saw %llu connects, %llu accepts, "
				"%llu closes (and %llu closes of closed sockets); %llu session",
				&connects, &accepts, &closes, &recloses, &late), 5);
	assert_int_equal(late, 0);
	free(v);
	scope_cleanup(&sc);
}

/* The two sides of one connection to port: the client's (remote port) and
 * the server's (local port); fails the test if one is missing. */
static void split_pair(const struct session *v, size_t n, unsigned short port,
		       const struct session **cli, const struct session **srv)
{
	*cli = *srv = NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].rport == port)
			*cli = &v[i];
		else if (v[i].lport == port)
			*srv = &v[i];
	}
	assert_non_null(*cli);
	assert_non_null(*srv);
}

/*
 * A session whose owner let go of it before tcpscope started and whose end
 * comes after: the client writes until the server's window is full, closes
 * (its data and FIN still queued: FIN_WAIT1, an orphan) and exits; once
 * tcpscope runs, the server reads it all and closes. The client's socket
 * then closes in the server's context (loopback), which is not its owner's
 * (until 2026-12-06 the row carried the server's name): it has no owner to
 * give, pid 0 and no name, flagged. Its payload, direction and closer are
 * exact; the server side keeps its owner; -v counts the one without.
 */
struct gone_pair {
	pid_t srv, cli;
	int go;			/* write end: the server may read */
	int done;		/* read end: the client's byte count, then the server's */
	unsigned long long sent, got;
};

static void gone_client(unsigned short port, int out)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static char buf[65536];
	unsigned long long sent = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t w;

	prctl(PR_SET_NAME, "ts-gone-cli");
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(2);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int idle = 0; idle < 20;) {
		w = write(fd, buf, sizeof(buf));
		if (w > 0) {
			sent += (unsigned long long)w;
			idle = 0;
		} else if (w < 0 && errno == EAGAIN) {
			idle++;		/* the window may still open a little */
			usleep(5000);
		} else {
			_exit(3);
		}
	}
	close(fd);		/* data and FIN still queued: an orphan */
	if (write(out, &sent, sizeof(sent)) != sizeof(sent))
		_exit(4);
	_exit(0);
}

static void gone_server(int l, int go, int out)
{
	static char buf[65536];
	unsigned long long got = 0;
	char c;
	ssize_t r;
	int fd;

	prctl(PR_SET_NAME, "ts-gone-srv");
	fd = accept(l, NULL, NULL);
	if (fd < 0)
		_exit(2);
	if (read(go, &c, 1) != 1)
		_exit(3);
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		got += (unsigned long long)r;
	if (r < 0)
		_exit(4);
	close(fd);
	if (write(out, &got, sizeof(got)) != sizeof(got))
		_exit(5);
	_exit(0);
}

static void gone_pair_start(struct gone_pair *g, unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int go[2], done[2], one = 1, l;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 8), 0);
	fflush(NULL);
	g->srv = fork();
	assert_true(g->srv >= 0);
	if (g->srv == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(30);
		close(go[1]);
		close(done[0]);
		gone_server(l, go[0], done[1]);
	}
	close(l);
	close(go[0]);
	g->cli = fork();
	assert_true(g->cli >= 0);
	if (g->cli == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(30);
		close(go[1]);
		close(done[0]);
		gone_client(port, done[1]);
	}
	close(done[1]);
	g->go = go[1];
	g->done = done[0];
	assert_int_equal(read(g->done, &g->sent, sizeof(g->sent)), (ssize_t)sizeof(g->sent));
	assert_true(g->sent > 0);
}

static void gone_pair_finish(struct gone_pair *g)
{
	int status;

	assert_int_equal(write(g->go, "g", 1), 1);
	assert_int_equal(read(g->done, &g->got, sizeof(g->got)), (ssize_t)sizeof(g->got));
	assert_int_equal(waitpid(g->cli, &status, 0), g->cli);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(waitpid(g->srv, &status, 0), g->srv);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(g->go);
	close(g->done);
	assert_int_equal(g->got, g->sent);
}

static void test_owner_gone_before_start(void **state)
{
	unsigned short port = scope_free_port();
	unsigned long long gone = 0;
	const struct session *cli, *srv;
	struct session *v = NULL;
	struct gone_pair g;
	const char *line;
	struct scope sc;
	size_t n;

	gone_pair_start(&g, port);	/* the client has closed and exited */
	start_scope_x(&sc, state, port, 2, true, NULL, NULL);
	gone_pair_finish(&g);
	finish_scope(&sc, &v, &n, 2);
	split_pair(v, n, port, &cli, &srv);
	printf("%llu bytes; client side: pid %u '%s' flags %#x; server side: pid %u '%s' "
	       "(server %d)\n", g.sent, cli->pid, cli->comm, cli->flags, srv->pid, srv->comm,
	       (int)g.srv);
	assert_int_equal(cli->pid, 0);
	assert_string_equal(cli->comm, "");
	assert_true(cli->flags & SESS_PID_UNCERTAIN);
	assert_true(cli->flags & SESS_PARTIAL);
	assert_int_equal(cli->dir, DIR_OUT);
	assert_int_equal(cli->closer, CLOSER_LOCAL);
	assert_int_equal(cli->cause, CAUSE_FIN);
	assert_int_equal(cli->tx_bytes, g.sent);
	assert_int_equal(cli->rx_bytes, 0);
	assert_int_equal(srv->pid, g.srv);
	assert_string_equal(srv->comm, "ts-gone-srv");
	assert_false(srv->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(srv->dir, DIR_IN);
	assert_int_equal(srv->closer, CLOSER_REMOTE);
	assert_int_equal(srv->rx_bytes, g.sent);
	assert_int_equal(srv->tx_bytes, 0);
	line = strstr(scope_stderr(&sc), "owners' records were lost (buffer full); ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "owners' records were lost (buffer full); %llu sessions have "
				"no owner", &gone), 1);
	assert_true(gone >= 1);	/* host-wide: ours at least */
	free(v);
	scope_cleanup(&sc);
}

/* A child to be the client of listener l (closed in it); its pid in the
 * parent, 0 in the child. */
static pid_t fork_client(int l)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		close(l);
	return pid;
}

/* A listener on 127.0.0.1 and a port the kernel picks; *a gets its address. */
static int loopback_listener(struct sockaddr_in *a)
{
	socklen_t alen = sizeof(*a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)a, sizeof(*a)), 0);
	assert_int_equal(listen(l, 4), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)a, &alen), 0);
	return l;
}

/*
 * A session open before tcpscope starts, not looked for (--no-seed), that
 * the server resets (SO_LINGER 0) while the client's process sits idle and
 * closes its socket only 0.8 s later, past the 0.5 s wait for an owner: the
 * client's row names no process (pid 0, not certain). The reset runs in the
 * server's context (loopback): until 2026-12-06 the row named the server,
 * flagged, where README says "none".
 */
static void test_unseeded_reset_owner_late(void **state)
{
	struct sockaddr_in a;
	const struct session *cli, *srv;
	struct session *v = NULL;
	char buf[64] = { 0 };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	unsigned short port;
	int l, fd, st = -1;
	struct scope sc;
	size_t n;
	pid_t c;

	l = loopback_listener(&a);
	port = ntohs(a.sin_port);
	c = fork_client(l);
	if (c == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		prctl(PR_SET_NAME, "ts-late-cli");
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) || write(s, buf, 10) != 10)
			_exit(2);
		if (read(s, buf, sizeof(buf)) >= 0)	/* the reset */
			_exit(3);
		usleep(800000);
		close(s);
		_exit(0);
	}
	fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);	/* not tcpscope's too */
	assert_true(fd >= 0);
	close(l);
	assert_int_equal(read(fd, buf, sizeof(buf)), 10);
	start_scope_x(&sc, state, port, 2, true, "--no-seed", NULL);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	close(fd);
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	finish_scope(&sc, &v, &n, 2);
	split_pair(v, n, port, &cli, &srv);
	printf("client side: pid %u '%s', flags %#x, end %u\n", cli->pid, cli->comm, cli->flags,
	       cli->cause);
	assert_int_equal(cli->cause, CAUSE_RST_RECV);
	assert_true(cli->flags & SESS_PARTIAL);
	assert_true(cli->flags & SESS_PID_UNCERTAIN);
	assert_int_not_equal(cli->pid, getpid());	/* never the peer */
	assert_int_equal(cli->pid, 0);
	assert_int_equal(srv->pid, getpid());		/* its own close, abortive */
	free(v);
	scope_cleanup(&sc);
}

/* Send fd over the Unix socket u (SCM_RIGHTS). */
static int send_fd(int u, int fd)
{
	char c = 'f', ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(u, &mh, 0) == 1 ? 0 : -1;
}

/* A descriptor received over u (SCM_RIGHTS), or -1. */
static int recv_fd(int u)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(u, &mh, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * A session open at start-up whose accepted socket its holder then hands to
 * another process (SCM_RIGHTS): the row is partial, and its owner is the
 * process that has it at the end, as for a session followed from its start.
 * That process answers and closes it; or (reset) sits in read() while the
 * client closes with the server's data unread, and closes it once the RST
 * came: the close runs in softirq, and the owner comes from its close().
 * Until 2026-12-06 the holder the start-up walk found stayed, marked
 * certain, in both.
 */
static void passed_on(void **state, bool reset)
{
	struct sockaddr_in a;
	const struct session *cli, *srv;
	struct session *v = NULL;
	char buf[64] = { 0 };
	unsigned short port;
	int l, u[2], go[2], ready[2], st = -1;
	pid_t c, s, y;
	struct scope sc;
	size_t n;

	l = loopback_listener(&a);
	port = ntohs(a.sin_port);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, u), 0);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	c = fork_client(l);
	if (c == 0) {		/* the client */
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		prctl(PR_SET_NAME, "ts-pass-cli");
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    write(fd, buf, 10) != 10)
			_exit(2);
		if (reset) {
			/* the server's 20 bytes stay unread: close() resets */
			if (read(ready[0], buf, 1) != 1)
				_exit(2);
			usleep(50000);	/* Y is in read() */
		} else {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
		}
		close(fd);
		_exit(0);
	}
	s = fork_client(-1);
	if (s == 0) {		/* the holder: accepts, holds, hands it over */
		int fd = accept(l, NULL, NULL);
		char g;

		prctl(PR_SET_NAME, "ts-pass-s");
		if (fd < 0 || (reset && write(fd, buf, 20) != 20) || read(go[0], &g, 1) != 1 ||
		    send_fd(u[0], fd))
			_exit(2);
		close(fd);
		if (write(u[0], "c", 1) != 1)	/* let go of: Y's close is the last */
			_exit(2);
		_exit(0);
	}
	close(l);
	y = fork_client(-1);
	if (y == 0) {		/* the one it is handed to */
		int fd;

		prctl(PR_SET_NAME, "ts-pass-y");
		fd = recv_fd(u[1]);
		if (fd < 0 || read(fd, buf, sizeof(buf)) != 10 || read(u[1], buf, 1) != 1)
			_exit(2);
		if (reset) {
			if (write(ready[1], "r", 1) != 1 || read(fd, buf, sizeof(buf)) >= 0)
				_exit(3);	/* the reset, in read() */
		} else if (write(fd, buf, 20) != 20) {
			_exit(2);
		}
		close(fd);
		_exit(0);
	}
	usleep(200000);		/* connected and accepted: open before start */
	start_scope(&sc, state, port, 2);
	assert_int_equal(write(go[1], "g", 1), 1);
	for (int i = 0; i < 3; i++) {
		pid_t p = waitpid(-1, &st, 0);

		assert_true(p == c || p == s || p == y);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	finish_scope(&sc, &v, &n, 2);
	split_pair(v, n, port, &cli, &srv);
	printf("accepted side: pid %u '%s', flags %#x, end %u\n", srv->pid, srv->comm, srv->flags,
	       srv->cause);
	assert_true(srv->flags & SESS_PARTIAL);
	assert_int_equal(srv->pid, y);
	assert_string_equal(srv->comm, "ts-pass-y");
	assert_false(srv->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(srv->tx_bytes, 20);
	assert_int_equal(srv->cause, reset ? CAUSE_RST_RECV : CAUSE_FIN);
	assert_int_equal(cli->pid, c);
	for (int i = 0; i < 2; i++) {
		close(u[i]);
		close(go[i]);
		close(ready[i]);
	}
	free(v);
	scope_cleanup(&sc);
}

static void test_open_before_start_passed_on(void **state)
{
	passed_on(state, false);
}

static void test_open_before_start_passed_on_reset(void **state)
{
	passed_on(state, true);
}

/*
 * A client that half-closes (shutdown(SHUT_WR): its FIN goes, FIN_WAIT2),
 * gets an answer, and then close()s without reading it (or, with `linger`,
 * reads it and close()s with SO_LINGER 0): the kernel resets the connection
 * from FIN_WAIT2, the usual end of a "lingering close" gone wrong. The
 * client's row says `rst_sent` (until 2026-12-06 `fin`), closed by local,
 * with its owner; the server's `rst_recv`, closed by remote (the client's
 * FIN came first). Payload exact both ways.
 */
static void half_close_child(unsigned short port, bool linger)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char buf[500] = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), queued = 0;

	prctl(PR_SET_NAME, "ts-halfcl");
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(2);
	if (write(fd, buf, 200) != 200 || shutdown(fd, SHUT_WR))
		_exit(3);
	for (int i = 0; i < 500 && queued < 500; i++) {	/* the answer, unread */
		usleep(2000);
		if (ioctl(fd, FIONREAD, &queued))
			_exit(4);
	}
	if (queued != 500)
		_exit(5);
	if (linger) {
		if (read(fd, buf, sizeof(buf)) != 500 ||
		    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
			_exit(6);
	}
	close(fd);
	_exit(0);
}

static void half_close_reset(void **state, bool linger)
{
	struct sockaddr_in a;
	const struct session *cli, *srv;
	struct session *v = NULL;
	char buf[256] = { 0 };
	unsigned short port;
	int l, fd, got = 0, status = -1;
	struct scope sc;
	ssize_t r;
	size_t n;
	pid_t pid;

	l = loopback_listener(&a);
	port = ntohs(a.sin_port);
	start_scope_x(&sc, state, port, 2, false, NULL, NULL);
	pid = fork_client(l);
	if (pid == 0) {
		half_close_child(port, linger);
	}
	fd = accept(l, NULL, NULL);
	assert_true(fd >= 0);
	close(l);
	while ((r = read(fd, buf, sizeof(buf))) > 0)	/* up to the client's FIN */
		got += (int)r;
	assert_int_equal(got, 200);
	assert_int_equal(write(fd, buf, 250), 250);
	assert_int_equal(write(fd, buf, 250), 250);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	usleep(50000);
	close(fd);
	finish_scope(&sc, &v, &n, 2);
	split_pair(v, n, port, &cli, &srv);
	printf("client: cause %d closed by %d; server: cause %d closed by %d\n", cli->cause,
	       cli->closer, srv->cause, srv->closer);
	assert_int_equal(cli->cause, CAUSE_RST_SENT);
	assert_int_equal(cli->closer, CLOSER_LOCAL);
	assert_int_equal(cli->pid, pid);
	assert_string_equal(cli->comm, "ts-halfcl");
	assert_false(cli->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(cli->tx_bytes, 200);
	assert_int_equal(cli->rx_bytes, 500);
	assert_int_equal(srv->cause, CAUSE_RST_RECV);
	assert_int_equal(srv->closer, CLOSER_REMOTE);
	assert_int_equal(srv->tx_bytes, 500);
	assert_int_equal(srv->rx_bytes, 200);
	free(v);
	scope_cleanup(&sc);
}

static void test_half_closed_then_unread(void **state)
{
	half_close_reset(state, false);
}

static void test_half_closed_then_linger0(void **state)
{
	half_close_reset(state, true);
}

/*
 * A session open before tcpscope starts, in another network namespace (a
 * container), whose client's local port happens to be a port that a
 * listener in the host's namespace listens on: it is not that listener's
 * child. Reported when it closes (not seeded: the start-up walk sees our
 * namespace only) as `out`, its payload exact (until 2026-12-06 `in`, and
 * its SYN counted as a byte: a listener was looked up by port alone).
 */
static void netns_pair_child(const char *path, unsigned short cport, unsigned short sport,
			     int ready, int go)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(sport),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in c = s;
	int ns = open(path, O_RDONLY | O_CLOEXEC), l, cli, srv, one = 1;
	char buf[100] = { 0 }, x;

	c.sin_port = htons(cport);
	prctl(PR_SET_NAME, "ts-nsdir");
	if (ns < 0 || setns(ns, CLONE_NEWNET))
		_exit(2);
	l = socket(AF_INET, SOCK_STREAM, 0);
	cli = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || cli < 0 || bind(l, (struct sockaddr *)&s, sizeof(s)) || listen(l, 4) ||
	    bind(cli, (struct sockaddr *)&c, sizeof(c)) ||
	    connect(cli, (struct sockaddr *)&s, sizeof(s)))
		_exit(3);
	srv = accept(l, NULL, NULL);
	if (srv < 0 || write(cli, buf, 100) != 100 || read(srv, buf, 100) != 100)
		_exit(4);
	if (write(ready, "r", 1) != 1 || read(go, &x, 1) != 1)
		_exit(5);
	close(cli);
	if (read(srv, buf, 1) != 0)	/* the client's FIN */
		_exit(6);
	close(srv);
	_exit(0);
}

static void test_open_before_start_other_netns(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	unsigned short cport = scope_free_port(), sport = scope_free_port();
	const struct session *cli, *srv;
	struct session *v = NULL;
	char ns[32], path[64], ports[32], x;
	int ready[2], go[2], l, status = -1, one = 1;
	uint32_t ino;
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", ports, "--count", "2",
			       NULL };
	struct scope sc;
	size_t n;
	pid_t pid;

	assert_int_not_equal(cport, sport);
	snprintf(ns, sizeof(ns), "tsd-%d", (int)getpid());
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	assert_true(shell("ip netns add %s && ip -n %s link set lo up", ns, ns));
	ino = netns_ino(path);
	/* here, a listener on the port the client in the namespace will use */
	a.sin_port = htons(cport);
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 4), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(30);
		netns_pair_child(path, cport, sport, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (pid < 0 || read(ready[0], &x, 1) != 1) {
		shell("ip netns del %s", ns);
		fail_msg("the pair in the namespace did not start");
	}
	snprintf(ports, sizeof(ports), "%u,%u", cport, sport);
	assert_int_equal(scope_start(&sc, argv, true), 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	waitpid(pid, &status, 0);
	close(l);
	close(ready[0]);
	close(go[1]);
	shell("ip netns del %s", ns);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	finish_scope(&sc, &v, &n, 2);
	split_pair(v, n, sport, &cli, &srv);
	printf("client: lport %u dir %d tx %llu; server: dir %d rx %llu\n", cli->lport, cli->dir,
	       (unsigned long long)cli->tx_bytes, srv->dir, (unsigned long long)srv->rx_bytes);
	assert_int_equal(cli->lport, cport);
	assert_int_equal(cli->dir, DIR_OUT);
	assert_true(cli->netns == ino && srv->netns == ino);	/* found by the start-up walk */
	assert_int_equal(cli->tx_bytes, 100);
	assert_int_equal(cli->rx_bytes, 0);
	assert_int_equal(cli->closer, CLOSER_LOCAL);
	assert_true(cli->flags & SESS_PARTIAL);
	assert_int_equal(srv->dir, DIR_IN);
	assert_int_equal(srv->rx_bytes, 100);
	assert_int_equal(srv->tx_bytes, 0);
	assert_int_equal(srv->closer, CLOSER_REMOTE);
	free(v);
	scope_cleanup(&sc);
}

/*
 * An outgoing session whose process takes another name between connect()
 * and close() (a thread renamed; exec() does the same): the row has the
 * connector's pid and the name it closed with, as an accepted session of
 * the same thread would (until 2026-12-06 the name at connect(): one
 * process split in two rows in Processes). Closed in order, and abortively
 * (an answer left unread: close() sends the RST), which kept the name at
 * connect() until later that day.
 */
static void outgoing_name_at_close(void **state, bool abortive)
{
	struct sockaddr_in a;
	const struct session *cli, *srv;
	struct session *v = NULL;
	char buf[64] = { 0 };
	unsigned short port;
	int l, fd, status = -1;
	struct scope sc;
	size_t n;
	pid_t pid;

	l = loopback_listener(&a);
	port = ntohs(a.sin_port);
	start_scope_x(&sc, state, port, 2, false, NULL, NULL);
	pid = fork_client(l);
	if (pid == 0) {
		struct pollfd pfd;

		prctl(PR_SET_NAME, "ts-before");
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    write(fd, buf, 10) != 10)
			_exit(2);
		if (abortive) {
			/* the answer is in, and stays unread */
			pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
			if (poll(&pfd, 1, 5000) != 1)
				_exit(3);
		} else {
			usleep(20000);
		}
		prctl(PR_SET_NAME, "ts-after");
		close(fd);
		_exit(0);
	}
	fd = accept(l, NULL, NULL);
	assert_true(fd >= 0);
	close(l);
	assert_int_equal(read(fd, buf, sizeof(buf)), 10);
	if (abortive) {
		assert_int_equal(write(fd, buf, 50), 50);
		assert_true(read(fd, buf, sizeof(buf)) < 0);	/* reset */
	} else {
		assert_int_equal(read(fd, buf, sizeof(buf)), 0);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	finish_scope(&sc, &v, &n, 2);
	split_pair(v, n, port, &cli, &srv);
	printf("client: pid %u '%s', end %u\n", cli->pid, cli->comm, cli->cause);
	assert_int_equal(cli->pid, pid);
	assert_string_equal(cli->comm, "ts-after");
	assert_false(cli->flags & SESS_PID_UNCERTAIN);
	assert_int_equal(cli->tx_bytes, 10);
	assert_int_equal(cli->cause, abortive ? CAUSE_RST_SENT : CAUSE_FIN);
	assert_int_equal(srv->pid, getpid());
	free(v);
	scope_cleanup(&sc);
}

static void test_outgoing_takes_name_at_close(void **state)
{
	outgoing_name_at_close(state, false);
}

static void test_outgoing_takes_name_at_abortive_close(void **state)
{
	outgoing_name_at_close(state, true);
}

/* One session; fails the test if the traffic does. */
static void run_traffic(const struct traffic_spec *spec, struct traffic_result *res)
{
	int rc = traffic_run(spec, res);

	if (rc)
		printf("traffic failed: %s\n", res->err);
	assert_int_equal(rc, 0);
}

/* Pick the session's port (into spec and portarg, which argv shows) and
 * start tcpscope with its program told to ignore the closes of sessions on
 * it (and, with destroys, their sockets' destruction too). */
static void start_dropping(struct scope *sc, const char *const argv[], char portarg[16],
			   struct traffic_spec *spec, bool destroys)
{
	int rc;

	spec->port = scope_free_port();
	assert_int_not_equal(spec->port, 0);
	snprintf(portarg, 16, "%u", spec->port);
	setenv("TCPSCOPE_TEST_DROP_CLOSE_PORT", portarg, 1);
	if (destroys)
		setenv("TCPSCOPE_TEST_DROP_DESTROY_PORT", portarg, 1);
	rc = scope_start(sc, argv, true);
	unsetenv("TCPSCOPE_TEST_DROP_CLOSE_PORT");
	unsetenv("TCPSCOPE_TEST_DROP_DESTROY_PORT");
	assert_int_equal(rc, 0);
}

/*
 * A session whose close the hook never sees (the kernel changed the state
 * without the tracepoint, say) is still reported, when its socket is
 * destroyed: exact bytes and owners, the cause unknown, and counted. The
 * test makes the program ignore the closes on its port.
 */
static void test_unseen_close(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET6, .server_comm = "ts-srv", .client_comm = "ts-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_SERVER,
		.end = TRAFFIC_END_FIN,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--count", "2", "-v", NULL };
	unsigned long long connects = 0, accepts = 0, closes = 0, recloses = 0, late = 0;
	const struct session *cli, *srv;
	struct traffic_result res;
	struct session *v = NULL;
	const char *line;
	struct scope sc;
	size_t n;

	start_dropping(&sc, argv, portarg, &spec, false);
	run_traffic(&spec, &res);
	finish_scope(&sc, &v, &n, 2);

	find_pair(v, n, &res, AF_INET6, &cli, &srv);
	assert_int_equal(srv->closer, CLOSER_LOCAL);
	assert_int_equal(cli->closer, CLOSER_REMOTE);
	assert_int_equal(cli->cause, CAUSE_UNKNOWN);
	assert_int_equal(srv->cause, CAUSE_UNKNOWN);
	assert_int_equal(cli->pid, res.client_pid);
	assert_int_equal(srv->pid, res.server_pid);
	assert_true(cli->dur_us > 0 && cli->dur_us < 30000000);

	line = strstr(scope_stderr(&sc), "tcpscope: the hook saw");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "tcpscope: the hook saw %llu connects, %llu accepts, "
				"%llu closes (and %llu closes of closed sockets); %llu session",
				&connects, &accepts, &closes, &recloses, &late), 5);
	/* Host-wide counts: at least this pair. */
	assert_true(late >= 2);
	assert_non_null(strstr(scope_stderr(&sc), " 0 missed"));
	free(v);
	scope_cleanup(&sc);
}

/*
 * The same for a connect() that failed (refused, IPv4 and IPv6): by the
 * time its socket is destroyed the kernel has cleared its remote port
 * (connect() undoes a failed attempt), so it was reported with port 0
 * until 2026-12-06, and a port filter (-P here) dropped it: the port kept
 * from the connect() is reported. Its local address is cleared too, and
 * stays unknown.
 */
static void test_unseen_close_failed_connect(void **state)
{
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--count", "2", "-v", NULL };
	struct traffic_spec spec = { 0 };
	struct session *v = NULL;
	struct scope sc;
	size_t n;

	start_dropping(&sc, argv, portarg, &spec, false);
	for (int v6 = 0; v6 < 2; v6++) {
		struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(spec.port),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(spec.port),
					   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

		assert_true(fd >= 0);
		assert_int_equal(connect(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
					 v6 ? sizeof(a6) : sizeof(a4)), -1);
		assert_int_equal(errno, ECONNREFUSED);
		close(fd);
	}
	finish_scope(&sc, &v, &n, 2);
	assert_true(late_reported(&sc) >= 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].rport, spec.port);
		assert_int_equal(v[i].family, i ? AF_INET6 : AF_INET);
		assert_int_equal(v[i].dir, DIR_OUT);
		assert_int_equal(v[i].cause, CAUSE_UNKNOWN);
		assert_int_equal(v[i].pid, getpid());
		assert_int_equal(v[i].handshake_us, 0);	/* never ESTABLISHED: not the port */
		assert_int_equal(v[i].tx_bytes, 0);
		assert_int_equal(v[i].rx_bytes, 0);
		assert_true(v[i].lport != 0);
	}
	free(v);
	scope_cleanup(&sc);
}

/*
 * A session of which no close reaches the program at all (neither the
 * close transition nor the socket's destruction: the kernel did not run
 * the program) is not lost silently: the sweep finds its socket gone and
 * counts it as missed, and frees its entry. The test makes the program
 * ignore both on its port.
 */
static void test_vanished_session(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-srv", .client_comm = "ts-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_CLIENT,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--duration", "2", "-v", NULL };
	unsigned long long shown = 99, missed = 0, gone = 0;
	struct traffic_result res;
	struct session *v = NULL;
	struct scope sc;
	size_t n;

	start_dropping(&sc, argv, portarg, &spec, true);
	run_traffic(&spec, &res);
	finish_scope(&sc, &v, &n, 0);

	/* At least this pair. */
	summary_missed(&sc, &shown, &missed, &gone);
	assert_int_equal(shown, 0);
	assert_true(gone >= 2);
	assert_true(missed >= gone);
	assert_non_null(strstr(scope_stderr(&sc), "closed with no close traced at all"));
	/* Described with what the program knew: the client's connect. */
	assert_non_null(strstr(scope_stderr(&sc), "gone without a traced close: socket"));
	assert_non_null(strstr(scope_stderr(&sc), "(pid"));
	free(v);
	scope_cleanup(&sc);
}

/*
 * A session none of whose closes reaches the program, on a socket that then
 * begins another session (here: a connect() refused, with its close
 * ignored by the program, and a second connect() on the same socket) is
 * counted as missed when the new session finds its entry, not overwritten
 * unseen. With the classic tracepoint, whose entries are keyed by the
 * socket's address, the same holds for a new socket at a freed one's
 * address, which the sweep could no longer find. (The second session is
 * reported when its socket is destroyed, by which time a refused socket has
 * lost its ports: the port filter does not show it.)
 */
static void test_reconnect_after_lost_close(void **state)
{
	struct traffic_spec spec = { 0 };
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--duration", "1", "-v", NULL };
	unsigned long long shown, missed = 0, gone = 0, swept = 99, stale = 0;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const char *line;
	struct scope sc;
	int fd;

	start_dropping(&sc, argv, portarg, &spec, false);
	to.sin_port = htons(spec.port);		/* nothing listens there */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(connect(fd, (struct sockaddr *)&to, sizeof(to)), -1);
		assert_int_equal(errno, ECONNREFUSED);
	}
	close(fd);
	assert_int_equal(scope_wait(&sc, 10000), 0);

	summary_missed(&sc, &shown, &missed, &gone);
	assert_true(gone >= 1);
	assert_true(missed >= gone);
	line = strstr(scope_stderr(&sc), "closed with no close traced at all (");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "closed with no close traced at all (%llu found gone "
				"by the sweep of open sockets, %llu still followed when a later socket came",
				&swept, &stale), 2);
	assert_true(stale >= 1);
	scope_cleanup(&sc);
}

/*
 * A lost session's entry and the sockets that come after it. When none of a
 * session's closes reach the program, its entry stays behind, and the
 * freed socket's memory is the next one that CPU hands out. Neither kind of
 * socket made there may be taken for the lost session's:
 * - one that never begins a session (a listener, a socket closed
 *   unconnected): with the classic tracepoint, whose entries are keyed by
 *   the socket's address, its destruction found the entry and reported the
 *   lost session with the listener's port and no bytes;
 * - one that does: with tp_btf, a session open before tcpscope started
 *   (whose entry sat in the hash map under the socket's address, not in a
 *   slot under its cookie) was reported a second time, with the new
 *   session's ports and bytes, when the new socket was destroyed.
 * Here a pair opened before tcpscope loses its closes and destruction (the
 * program is told to ignore them), then on the same CPU come new pairs,
 * listeners and sockets closed unconnected. The lost pair is counted as
 * missed and never reported; each new pair exactly once, with its bytes.
 */
static void test_lost_session_address_reused(void **state)
{
	struct traffic_spec lost = {
		.family = AF_INET, .server_comm = "ts-lost-srv", .client_comm = "ts-lost-cli",
		.c2s_bytes = 300, .s2c_bytes = 700, .closer = TRAFFIC_CLIENT,
	};
	struct traffic_spec fresh = {
		.family = AF_INET, .server_comm = "ts-new-srv", .client_comm = "ts-new-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_CLIENT,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "--comm", "ts-", "-v", NULL };
	unsigned long long shown = 0, missed = 0, gone = 0;
	struct traffic_result res[3], lres;
	struct traffic_session ts;
	const struct session *cli, *srv;
	cpu_set_t all, one;
	struct session *v = NULL;
	struct scope sc;
	size_t n;
	int rc;

	/* Everything on one CPU (the children inherit it). */
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);

	lost.port = scope_free_port();
	assert_int_not_equal(lost.port, 0);
	rc = traffic_start(&ts, &lost);
	if (rc)
		printf("traffic failed: %s\n", ts.res.err);
	assert_int_equal(rc, 0);
	snprintf(portarg, sizeof(portarg), "%u", lost.port);
	setenv("TCPSCOPE_TEST_DROP_CLOSE_PORT", portarg, 1);
	setenv("TCPSCOPE_TEST_DROP_DESTROY_PORT", portarg, 1);
	rc = scope_start(&sc, argv, true);
	unsetenv("TCPSCOPE_TEST_DROP_CLOSE_PORT");
	unsetenv("TCPSCOPE_TEST_DROP_DESTROY_PORT");
	assert_int_equal(rc, 0);
	assert_int_equal(traffic_finish(&ts, &lres), 0);

	for (int i = 0; i < 3; i++)
		run_traffic(&fresh, &res[i]);
	for (int i = 0; i < 32; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int l = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_STREAM, 0);

		assert_true(l >= 0 && u >= 0);
		assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
		assert_int_equal(listen(l, 1), 0);
		close(l);
		close(u);
	}
	assert_int_equal(sched_setaffinity(0, sizeof(all), &all), 0);
	usleep(300 * 1000);		/* drained (interval 100 ms) */
	assert_int_equal(scope_stop(&sc, SIGINT), 0);
	assert_int_equal(scope_read_sessions(&sc, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strncmp(v[i].comm, "ts-new-", 7))
			printf("  not ours: pid %u %s lport %u rport %u tx %llu rx %llu\n", v[i].pid,
			       v[i].comm, v[i].lport, v[i].rport, (unsigned long long)v[i].tx_bytes,
			       (unsigned long long)v[i].rx_bytes);
	if (n != 6)
		printf("tcpscope stderr: %s\n", scope_stderr(&sc));
	assert_int_equal(n, 6);
	for (int i = 0; i < 3; i++) {
		find_pair(v, n, &res[i], AF_INET, &cli, &srv);
		assert_int_equal(cli->pid, res[i].client_pid);
		assert_int_equal(srv->pid, res[i].server_pid);
	}
	/* The lost pair: counted (closed untraced), however it was found. */
	summary_missed(&sc, &shown, &missed, &gone);
	assert_int_equal(shown, 6);
	assert_true(gone >= 2);
	assert_true(missed >= gone);
	free(v);
	scope_cleanup(&sc);
}

/* The walks of the sweep while tcpscope ran, and the checks that needed
 * none, from its -v summary at exit. */
static void sweep_counts(struct scope *sc, unsigned long long *walks, unsigned long long *skips)
{
	const char *line = strstr(scope_stderr(sc), "sweep for closes never traced: ");

	assert_non_null(line);
	assert_int_equal(sscanf(line, "sweep for closes never traced: %llu walks of the open sockets "
				"while running; %llu checks", walks, skips), 2);
}

/*
 * The same pair, found while tcpscope runs: the periodic sweep (its period
 * shortened to 200 ms for the test) sees an entry old enough to need a walk
 * of the sockets, walks twice, and counts the pair without waiting for the
 * end of the stream.
 */
static void test_vanished_while_running(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-srv", .client_comm = "ts-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_SERVER,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--duration", "30", "-v", NULL };
	unsigned long long walks = 0, skips = 0;
	struct traffic_result res;
	struct scope sc;
	int i;

	setenv("TCPSCOPE_TEST_SWEEP_MS", "200", 1);
	start_dropping(&sc, argv, portarg, &spec, true);
	unsetenv("TCPSCOPE_TEST_SWEEP_MS");
	run_traffic(&spec, &res);
	for (i = 0; i < 1000 && !strstr(scope_stderr(&sc), "gone without a traced close"); i++)
		usleep(10000);
	assert_non_null(strstr(scope_stderr(&sc), "gone without a traced close: socket"));
	assert_int_equal(scope_stop(&sc, SIGINT), 0);
	sweep_counts(&sc, &walks, &skips);
	printf("sweep while running: %llu walks, %llu checks that needed none\n", walks, skips);
	assert_true(walks >= 2);	/* one leaves the pair unmarked, the next confirms */
	scope_cleanup(&sc);
}

/* Bring up the loopback interface of the current network namespace. */
static int loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

/*
 * --netns NAME (a namespace ip-netns made): a pair in ours on the port,
 * then a pair in that namespace on the same port, under a tcpscope that
 * stops after two sessions. The namespace's pair is what comes out, exact,
 * in that namespace; and the pair in ours (both sides of a loopback
 * connection: 4 sessions in all) is not.
 */
static void test_netns_filter(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-srv", .client_comm = "ts-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_CLIENT,
		.end = TRAFFIC_END_FIN,
	};
	const struct session *cli, *srv;
	struct traffic_result res, res_ns;
	struct session *v = NULL;
	char ns[32], path[64];
	uint32_t ino;
	struct scope sc;
	int ours, theirs, rc;
	size_t n;

	snprintf(ns, sizeof(ns), "tsf-%d", (int)getpid());
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	/* one left by an earlier run of this test that failed (same pid) */
	if (access(path, F_OK) == 0)
		shell("ip netns del %s", ns);
	assert_true(shell("ip netns add %s && ip -n %s link set lo up", ns, ns));
	ino = netns_ino(path);
	spec.port = scope_free_port();
	assert_int_not_equal(spec.port, 0);
	start_scope_x(&sc, state, spec.port, 2, false, "--netns", ns);
	rc = traffic_run(&spec, &res);
	if (rc)
		printf("traffic failed: %s\n", res.err);
	assert_int_equal(rc, 0);
	ours = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(ours >= 0 && theirs >= 0);
	assert_int_equal(setns(theirs, CLONE_NEWNET), 0);
	spec.server_comm = "ts-ns-srv";
	spec.client_comm = "ts-ns-cli";
	rc = traffic_run(&spec, &res_ns);
	assert_int_equal(setns(ours, CLONE_NEWNET), 0);
	close(ours);
	close(theirs);
	shell("ip netns del %s", ns);
	if (rc)
		printf("traffic in the namespace failed: %s\n", res_ns.err);
	assert_int_equal(rc, 0);
	finish_scope(&sc, &v, &n, 2);
	find_pair(v, n, &res_ns, AF_INET, &cli, &srv);
	assert_int_equal(cli->pid, res_ns.client_pid);
	assert_string_equal(cli->comm, "ts-ns-cli");
	assert_int_equal(srv->pid, res_ns.server_pid);
	assert_true(cli->netns == ino && srv->netns == ino);
	assert_int_equal(cli->tx_bytes, C2S);
	assert_int_equal(srv->tx_bytes, S2C);
	assert_non_null(strstr(scope_stderr(&sc), "2 sessions shown"));
	free(v);
	scope_cleanup(&sc);
}

/*
 * Sessions in another network namespace are traced like ours, while the
 * sweep, which walks only our namespace's sockets, leaves their entries
 * alone: a pair in ours, then a pair held open in a namespace of the test's
 * own (same port) through several sweeps (200 ms apart), another pair in
 * ours meanwhile, then all closed: six sessions, exact, none partial, none
 * missed. If the program took the other namespace's sockets for ours (it
 * remembers the last namespace it looked up), the sweep would find them
 * gone, count them as missed and report their close as partial.
 */
static void test_other_netns(void **state)
{
	struct traffic_spec spec = {
		.family = AF_INET, .server_comm = "ts-ns-srv", .client_comm = "ts-ns-cli",
		.c2s_bytes = C2S, .s2c_bytes = S2C, .closer = TRAFFIC_CLIENT,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--duration", "30", "-v", NULL };
	const struct session *cli, *srv;
	struct traffic_result res_ns, res, res0;
	struct traffic_session ts;
	unsigned long long walks = 0, skips = 0;
	uint32_t ours_ino, other_ino;
	cpu_set_t all, one;
	struct session *v = NULL;
	struct scope sc;
	int ours, rc;
	size_t n;

	spec.port = scope_free_port();
	assert_int_not_equal(spec.port, 0);
	snprintf(portarg, sizeof(portarg), "%u", spec.port);
	setenv("TCPSCOPE_TEST_SWEEP_MS", "200", 1);
	rc = scope_start(&sc, argv, true);
	unsetenv("TCPSCOPE_TEST_SWEEP_MS");
	assert_int_equal(rc, 0);

	/* All on one CPU (the children inherit it), so that the program
	 * looks up both namespaces in turn on the same CPU. */
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	spec.server_comm = "ts-srv";
	spec.client_comm = "ts-cli";
	run_traffic(&spec, &res0);
	/* The pair's processes are forked inside a new namespace; this
	 * thread goes back to ours at once. */
	spec.server_comm = "ts-ns-srv";
	spec.client_comm = "ts-ns-cli";
	ours = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(ours >= 0);
	ours_ino = netns_ino("/proc/self/ns/net");
	if (unshare(CLONE_NEWNET) != 0) {
		printf("cannot make a network namespace here: %s\n", strerror(errno));
		close(ours);
		sched_setaffinity(0, sizeof(all), &all);
		scope_stop(&sc, SIGINT);
		scope_cleanup(&sc);
		skip();
	}
	other_ino = netns_ino("/proc/self/ns/net");
	rc = loopback_up();
	if (rc == 0)
		rc = traffic_start(&ts, &spec);
	assert_int_equal(setns(ours, CLONE_NEWNET), 0);
	close(ours);
	if (rc)
		printf("traffic in the other namespace failed: %s\n", ts.res.err);
	assert_int_equal(rc, 0);

	spec.server_comm = "ts-srv";
	spec.client_comm = "ts-cli";
	run_traffic(&spec, &res);
	usleep(1200 * 1000);		/* several sweeps */
	assert_int_equal(traffic_finish(&ts, &res_ns), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(all), &all), 0);
	usleep(500 * 1000);		/* drained (interval 100 ms) */
	assert_int_equal(scope_stop(&sc, SIGINT), 0);
	assert_int_equal(scope_read_sessions(&sc, &v, &n), 0);
	assert_int_equal(n, 6);

	assert_true(ours_ino != other_ino);
	find_pair(v, n, &res0, AF_INET, &cli, &srv);
	assert_int_equal(cli->pid, res0.client_pid);
	assert_int_equal(srv->pid, res0.server_pid);
	assert_true(cli->netns == ours_ino && srv->netns == ours_ino);
	find_pair(v, n, &res, AF_INET, &cli, &srv);
	assert_int_equal(cli->pid, res.client_pid);
	assert_int_equal(srv->pid, res.server_pid);
	assert_true(cli->netns == ours_ino && srv->netns == ours_ino);
	/* The other namespace's pair: the same addresses and server port;
	 * its namespace tells it apart. */
	find_pair(v, n, &res_ns, AF_INET, &cli, &srv);
	assert_int_equal(cli->pid, res_ns.client_pid);
	assert_string_equal(cli->comm, "ts-ns-cli");
	assert_int_equal(srv->pid, res_ns.server_pid);
	assert_string_equal(srv->comm, "ts-ns-srv");
	printf("namespaces: ours %u, the other %u; its pair reported in %u and %u\n", ours_ino,
	       other_ino, cli->netns, srv->netns);
	assert_true(cli->netns == other_ino && srv->netns == other_ino);
	assert_false(cli->flags & SESS_PARTIAL);
	assert_false(srv->flags & SESS_PARTIAL);
	assert_true(cli->dur_us >= 1000000);

	if (!strstr(scope_stderr(&sc), " 0 missed"))
		printf("tcpscope stderr: %s\n", scope_stderr(&sc));
	assert_non_null(strstr(scope_stderr(&sc), " 0 missed"));
	assert_null(strstr(scope_stderr(&sc), "gone without a traced close"));
	/* The classic tracepoint keeps every entry in the hash map, which
	 * calls for a walk at each sweep; with tp_btf the slots are scanned
	 * first, and only an entry of ours left from the last scan (or one
	 * seeded at start-up) calls for one. */
	sweep_counts(&sc, &walks, &skips);
	printf("other namespace: %llu walks, %llu sweeps that needed none\n", walks, skips);
	if (strcmp(hook_of(state), "tracepoint") == 0)
		assert_true(walks >= 2);
	free(v);
	scope_cleanup(&sc);
}

/* Pick the burst's port (into spec and portarg, which argv shows), start
 * tcpscope with argv and run the burst: every connection must complete. */
static void burst_under_scope(struct scope *sc, const char *const argv[], char portarg[16],
			      struct traffic_burst_spec *spec, struct traffic_burst_result *res)
{
	int rc;

	spec->port = scope_free_port();
	assert_int_not_equal(spec->port, 0);
	snprintf(portarg, 16, "%u", spec->port);
	assert_int_equal(scope_start(sc, argv, true), 0);
	rc = traffic_burst(spec, res);
	if (rc)
		printf("burst failed: %s\n", res->err);
	assert_int_equal(rc, 0);
	assert_int_equal(res->ok, spec->count);
}

/* Wait (bounded) until the burst's `expect` sessions are out, stop tcpscope
 * and read its summary: the sessions it printed (each counted as shown)
 * and those it counted as missed. */
static long stop_after_burst(struct scope *sc, uint64_t expect, unsigned long long *missed)
{
	unsigned long long shown = 0, seen = 0;
	const char *summary;
	long lines = 0;

	for (int i = 0; i < 1000 && lines < (long)expect + 1; i++) {
		lines = scope_count_lines(sc);
		if (lines < (long)expect + 1)
			usleep(10000);
	}
	assert_int_equal(scope_stop(sc, SIGINT), 0);
	lines = scope_count_lines(sc) - 1;	/* the header */
	summary = strstr(scope_stderr(sc), "sessions shown");
	assert_non_null(summary);
	while (summary > scope_stderr(sc) && summary[-1] != '\n')
		summary--;
	assert_int_equal(sscanf(summary, "tcpscope: %llu sessions shown (%llu seen), %llu missed",
				&shown, &seen, missed), 3);
	assert_int_equal((unsigned long long)lines, shown);
	assert_true((uint64_t)lines <= expect);
	return lines;
}

/* A burst of 20,000 connections (40,000 sessions): every one is reported,
 * or counted as missed. */
static void test_burst(void **state)
{
	struct traffic_burst_spec spec = {
		.family = AF_INET, .c2s_bytes = 100, .s2c_bytes = 300, .closer = TRAFFIC_CLIENT,
		.count = 20000, .concurrency = 2, .src_addrs = 16, .limit_ms = 120000,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg, "-v", NULL };
	struct traffic_burst_result res;
	unsigned long long missed = 0, connects = 0, accepts = 0, closes = 0;
	const uint64_t expect = 2 * spec.count;
	struct scope sc;
	const char *summary;
	long lines;

	burst_under_scope(&sc, argv, portarg, &spec, &res);
	lines = stop_after_burst(&sc, expect, &missed);
	printf("burst: %llu connections in %.2f s (%.0f/s): %ld sessions reported of %llu, "
	       "%llu missed\n", (unsigned long long)res.ok, res.elapsed_s,
	       res.ok / (res.elapsed_s > 0 ? res.elapsed_s : 1), lines,
	       (unsigned long long)expect, missed);
	/* -v: what the hook saw, host-wide. The burst at least; little else
	 * runs on a test machine. */
	summary = strstr(scope_stderr(&sc), "tcpscope: the hook saw");
	assert_non_null(summary);
	assert_int_equal(sscanf(summary, "tcpscope: the hook saw %llu connects, %llu accepts, %llu closes",
				&connects, &accepts, &closes), 3);
	printf("burst: the hook saw %llu connects, %llu accepts, %llu closes\n", connects, accepts,
	       closes);
	assert_true(connects >= spec.count && connects < spec.count + 1000);
	assert_true(accepts >= spec.count && accepts < spec.count + 1000);
	/* A close the kernel never delivers to any tracepoint (README, "Closes
	 * the kernel never delivers"; seen once in a CI run of this test, one
	 * connection, both sides) is not in the hook's count: the sweep finds
	 * it and counts it as missed ("closed untraced"), as the kernel's own
	 * skipped runs are. The closes the hook saw and those make up the
	 * burst (the 99.95 % below keeps such misses rare). */
	assert_true(closes + missed >= expect && closes < expect + 2000);
	/* Nothing lost without being counted... */
	assert_true((uint64_t)lines + missed >= expect);
	/* ...and the target: at least 99.95 % reported. */
	assert_true((uint64_t)lines * 10000 >= expect * 9995);
	/* The tp_btf state program that uses bpf_rdonly_cast loads on this
	 * kernel (6.2+); the other one only when that is forced. */
	if (strcmp(hook_of(state), "tp_btf") == 0)
		assert_true((strstr(scope_stderr(&sc), "trying it with bpf_skc_to_tcp_sock") != NULL) ==
			    (getenv("TCPSCOPE_TEST_NO_RDONLY_CAST") != NULL));
	scope_cleanup(&sc);
}

/*
 * A flood of connections that the client aborts with RST while the server
 * sits in read(): each server side is closed by the reset, in the client's
 * context, and named only when its owner close()s the dead socket. At this
 * rate hundreds of owners are seen before their sessions are read, and a
 * socket's memory is reused within one drain: every server session must
 * still carry the server's pid and name, certain, but for at most one in
 * 10,000 flagged uncertain (its owner not seen within the wait: on a VM
 * whose host stalls a CPU at the wrong moment, seen in about one run of a
 * hundred); a certain row with another owner fails at once. Every session
 * is reported or counted as missed.
 */
/* Until killed: find the process named comm, and read the links of its
 * descriptors over and over, as `ss -p` and `lsof` do: each readlink holds
 * the file for a moment. */
static void read_fd_links_of(const char *comm)
{
	char path[300], buf[256];
	pid_t pid = 0;

	prctl(PR_SET_NAME, "ts-reader");
	while (!pid) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		while (d && (e = readdir(d))) {
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
			f = fopen(path, "r");
			if (f && fgets(buf, sizeof(buf), f) && !strncmp(buf, comm, strlen(comm)) &&
			    buf[strlen(comm)] == '\n')
				pid = atoi(e->d_name);
			if (f)
				fclose(f);
		}
		if (d)
			closedir(d);
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	for (;;) {
		DIR *d = opendir(path);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			char link[600];

			snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
			(void)!readlink(link, buf, sizeof(buf));
		}
		if (d)
			closedir(d);
	}
}

/*
 * A task that holds a socket's file for a moment while its owner closes it
 * (a loop reading the links of the server's descriptors, as `ss -p` does)
 * may drop the last reference itself: the close then runs in that task.
 * No session is given to it: the server's rows are named with the server,
 * or flagged uncertain; the clients' keep their connector.
 */
static void test_transient_holder(void **state)
{
	struct traffic_burst_spec spec = {
		.family = AF_INET, .server_comm = "ts-th-srv", .client_comm = "ts-th-cli",
		.c2s_bytes = 100, .s2c_bytes = 300, .closer = TRAFFIC_CLIENT,
		.count = 20000, .concurrency = 2, .src_addrs = 16, .limit_ms = 120000,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg, NULL };
	const uint64_t expect = 2 * spec.count;
	size_t n = 0, reader_rows = 0, uncertain = 0;
	struct traffic_burst_result res;
	unsigned long long missed = 0;
	struct session *v = NULL;
	struct scope sc;
	pid_t reader;
	long lines;

	fflush(NULL);
	reader = fork();
	assert_true(reader >= 0);
	if (reader == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		read_fd_links_of("ts-th-srv");
	}
	burst_under_scope(&sc, argv, portarg, &spec, &res);
	kill(reader, SIGKILL);
	waitpid(reader, NULL, 0);
	lines = stop_after_burst(&sc, expect, &missed);
	assert_int_equal(scope_read_sessions(&sc, &v, &n), 0);
	assert_int_equal(n, (size_t)lines);
	for (size_t i = 0; i < n; i++) {
		bool server = v[i].lport == spec.port;

		if (v[i].pid == (uint32_t)reader || !strcmp(v[i].comm, "ts-reader")) {
			if (reader_rows++ < 5)
				printf("a row given to the reader: pid %u %s lport %u rport %u "
				       "certain %d\n", v[i].pid, v[i].comm, v[i].lport, v[i].rport,
				       !(v[i].flags & SESS_PID_UNCERTAIN));
			continue;
		}
		if (v[i].flags & SESS_PID_UNCERTAIN) {
			uncertain++;
			continue;
		}
		assert_int_equal(v[i].pid, server ? res.server_pid : res.client_pid);
		assert_string_equal(v[i].comm, server ? "ts-th-srv" : "ts-th-cli");
	}
	printf("%zu sessions, %zu uncertain, %zu given to the reader\n", n, uncertain,
	       reader_rows);
	assert_int_equal(reader_rows, 0);
	free(v);
	scope_cleanup(&sc);
}

static void test_rst_burst(void **state)
{
	struct traffic_burst_spec spec = {
		.family = AF_INET, .server_comm = "ts-rb-srv", .client_comm = "ts-rb-cli",
		.c2s_bytes = 100, .s2c_bytes = 300, .closer = TRAFFIC_CLIENT, .rst = true,
		.count = 20000, .concurrency = 4, .server_threads = 2, .src_addrs = 16,
		.limit_ms = 120000,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg, "-v", NULL };
	const uint64_t expect = 2 * spec.count;
	size_t n = 0, srv = 0, cli = 0, named = 0, bad = 0, uncertain = 0, wrong = 0, unknown = 0;
	struct traffic_burst_result res;
	unsigned long long missed = 0, late = 0;
	struct session *v = NULL;
	struct scope sc;
	long lines;

	burst_under_scope(&sc, argv, portarg, &spec, &res);
	lines = stop_after_burst(&sc, expect, &missed);
	/* A close whose program run the kernel skipped (README.md, "Closes the
	 * kernel never delivers"; seen under a second load on the machine) is
	 * reported when its socket is destroyed, if it is: by then its reader
	 * may have taken the reset's error, and its cause is not known. */
	late = late_reported(&sc);
	if (missed)
		printf("tcpscope stderr: %s\n", scope_stderr(&sc));
	assert_int_equal(scope_read_sessions(&sc, &v, &n), 0);
	assert_int_equal(n, (size_t)lines);
	for (size_t i = 0; i < n; i++) {
		bool ok;

		if (v[i].lport == spec.port) {
			srv++;
			ok = v[i].cause == CAUSE_RST_RECV;
			if (v[i].flags & SESS_PID_UNCERTAIN) {
				if (uncertain++ < 5)
					printf("uncertain server row: pid %u %s lport %u rport %u\n",
					       v[i].pid, v[i].comm, v[i].lport, v[i].rport);
			} else if (v[i].pid == (uint32_t)res.server_pid &&
				   strcmp(v[i].comm, "ts-rb-srv") == 0) {
				named++;
			} else if (wrong++ < 5) {
				printf("server row with a wrong owner: pid %u %s lport %u rport %u\n",
				       v[i].pid, v[i].comm, v[i].lport, v[i].rport);
			}
		} else {
			cli++;
			ok = v[i].rport == spec.port && v[i].pid == (uint32_t)res.client_pid &&
			     v[i].cause == CAUSE_RST_SENT;
		}
		if (!ok && v[i].cause == CAUSE_UNKNOWN && unknown < late) {
			unknown++;
			printf("a row reported at its destruction (its close not traced): pid %u %s "
			       "lport %u rport %u\n", v[i].pid, v[i].comm, v[i].lport, v[i].rport);
			continue;
		}
		if (!ok && bad++ < 5)
			printf("unexpected row: pid %u %s lport %u rport %u cause %d flags 0x%x\n",
			       v[i].pid, v[i].comm, v[i].lport, v[i].rport, v[i].cause, v[i].flags);
	}
	assert_int_equal(bad, 0);
	if (uncertain && !missed)	/* -v says why: no wait, no owner's record, or late */
		printf("tcpscope stderr: %s\n", scope_stderr(&sc));
	printf("rst burst: %.0f connections/s; %zu of %zu server sessions named with their "
	       "owner, %zu uncertain; %llu missed\n", res.ok / (res.elapsed_s > 0 ? res.elapsed_s : 1),
	       named, srv, uncertain, missed);
	/* Every session reported or counted (a connection none of whose closes
	 * reaches the programs is rare but real: the sweep counts it), at least
	 * 99.95 % reported, and every server session reported is named. */
	assert_true((uint64_t)lines + missed >= expect);
	assert_true((uint64_t)lines * 10000 >= expect * 9995);
	assert_true(cli <= spec.count && srv <= spec.count);
	/* never a wrong owner given as certain; uncertain at most 1 in 10,000 */
	assert_int_equal(wrong, 0);
	assert_int_equal(named + uncertain, srv);
	assert_true(uncertain * 10000 <= srv);
	free(v);
	scope_cleanup(&sc);
}

/*
 * The same burst with small lanes and ring buffer (--ring-size 65536) and
 * tcpscope stopped for 0.3 s in the middle: records spill from the full
 * lanes into the ring buffer, which overflows too. Every session is
 * reported or counted as missed, and the spill is seen (-v).
 */
static void test_burst_stalled(void **state)
{
	struct traffic_burst_spec spec = {
		.family = AF_INET, .c2s_bytes = 100, .s2c_bytes = 300, .closer = TRAFFIC_CLIENT,
		.count = 20000, .concurrency = 2, .src_addrs = 16, .limit_ms = 120000,
	};
	static char portarg[16];
	const char *argv[] = { "-o", "csv", "--hook", hook_of(state), "-P", portarg,
			       "--ring-size", "65536", "-v", NULL };
	unsigned long long shown = 0, seen = 0, missed = 0, spilled = 0;
	const uint64_t expect = 2 * spec.count;
	struct traffic_burst_result res;
	const char *line;
	struct scope sc;
	pid_t staller;
	long lines;
	int rc;

	spec.port = scope_free_port();
	snprintf(portarg, sizeof(portarg), "%u", spec.port);
	assert_int_equal(scope_start(&sc, argv, true), 0);
	staller = fork();
	assert_true(staller >= 0);
	if (staller == 0) {
		usleep(300000);
		kill(sc.pid, SIGSTOP);
		usleep(300000);
		kill(sc.pid, SIGCONT);
		_exit(0);
	}
	rc = traffic_burst(&spec, &res);
	waitpid(staller, NULL, 0);
	kill(sc.pid, SIGCONT);
	if (rc)
		printf("burst failed: %s\n", res.err);
	assert_int_equal(rc, 0);
	usleep(500000);
	assert_int_equal(scope_stop(&sc, SIGINT), 0);
	lines = scope_count_lines(&sc) - 1;	/* the header */
	line = strstr(scope_stderr(&sc), "sessions shown");
	assert_non_null(line);
	while (line > scope_stderr(&sc) && line[-1] != '\n')
		line--;
	assert_int_equal(sscanf(line, "tcpscope: %llu sessions shown (%llu seen), %llu missed",
				&shown, &seen, &missed), 3);
	line = strstr(scope_stderr(&sc), "through the ring buffer because");
	if (line) {
		while (line > scope_stderr(&sc) && line[-1] != '\n')
			line--;
		assert_int_equal(sscanf(line, "tcpscope: %llu session", &spilled), 1);
	}
	printf("stalled burst: %ld sessions reported of %llu, %llu missed, %llu through the ring "
	       "buffer\n", lines, (unsigned long long)expect, missed, spilled);
	assert_int_equal((unsigned long long)lines, shown);
	assert_true((uint64_t)lines + missed >= expect);
	assert_true((uint64_t)lines + missed < expect + 1000);
	assert_true(missed > 0);
	if (strcmp(hook_of(state), "tracepoint") != 0)
		assert_true(spilled > 0);	/* lanes: tp_btf only */
	scope_cleanup(&sc);
}

#define BOTH_HOOKS(fn) \
	cmocka_unit_test_prestate(fn, "tp_btf"), cmocka_unit_test_prestate(fn, "tracepoint")

/* tp_btf on a kernel without bpf_rdonly_cast (before 6.2): the state
 * program that calls bpf_skc_to_tcp_sock() instead, forced by a fault
 * injection. */
static int no_rdonly_cast(void **state)
{
	(void)state;
	return setenv("TCPSCOPE_TEST_NO_RDONLY_CAST", "1", 1);
}

static int rdonly_cast_back(void **state)
{
	(void)state;
	return unsetenv("TCPSCOPE_TEST_NO_RDONLY_CAST");
}

#define HELPER_HOOK(fn) \
	cmocka_unit_test_prestate_setup_teardown(fn, no_rdonly_cast, rdonly_cast_back, "tp_btf")

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH_HOOKS(test_v4_client_closes),
		BOTH_HOOKS(test_v4_server_closes),
		BOTH_HOOKS(test_v6_client_closes),
		BOTH_HOOKS(test_v6_server_closes),
		BOTH_HOOKS(test_client_rst),
		BOTH_HOOKS(test_server_rst),
		BOTH_HOOKS(test_server_unread_close),
		BOTH_HOOKS(test_refused),
		cmocka_unit_test_prestate(test_failed_only, "tp_btf"),
		BOTH_HOOKS(test_abandoned_connect),
		BOTH_HOOKS(test_close_time_two_tracers),
		BOTH_HOOKS(test_icmp_refused),
		BOTH_HOOKS(test_unreachable),
		BOTH_HOOKS(test_syn_sent_again),
		BOTH_HOOKS(test_connect_start_offset_below_zero),
		BOTH_HOOKS(test_reset_before_accept),
		BOTH_HOOKS(test_owner_keeps_reset_socket),
		BOTH_HOOKS(test_close_times_client_first),
		BOTH_HOOKS(test_close_times_server_first),
		BOTH_HOOKS(test_close_times_shutdown),
		BOTH_HOOKS(test_close_times_rst),
		BOTH_HOOKS(test_open_before_start),
		BOTH_HOOKS(test_open_now),
		BOTH_HOOKS(test_open_before_start_unseeded),
		BOTH_HOOKS(test_open_before_start_passed_on),
		BOTH_HOOKS(test_open_before_start_passed_on_reset),
		BOTH_HOOKS(test_unseeded_reset_owner_late),
		BOTH_HOOKS(test_table_full),
		BOTH_HOOKS(test_table_full_churn),
		BOTH_HOOKS(test_still_followed_described),
		BOTH_HOOKS(test_close_during_start),
		BOTH_HOOKS(test_owner_gone_before_start),
		BOTH_HOOKS(test_outgoing_takes_name_at_close),
		BOTH_HOOKS(test_outgoing_takes_name_at_abortive_close),
		BOTH_HOOKS(test_open_before_start_other_netns),
		BOTH_HOOKS(test_half_closed_then_unread),
		BOTH_HOOKS(test_half_closed_then_linger0),
		BOTH_HOOKS(test_unseen_close),
		BOTH_HOOKS(test_unseen_close_failed_connect),
		BOTH_HOOKS(test_vanished_session),
		BOTH_HOOKS(test_reconnect_after_lost_close),
		BOTH_HOOKS(test_lost_session_address_reused),
		BOTH_HOOKS(test_vanished_while_running),
		BOTH_HOOKS(test_other_netns),
		BOTH_HOOKS(test_netns_filter),
		BOTH_HOOKS(test_burst),
		BOTH_HOOKS(test_burst_stalled),
		BOTH_HOOKS(test_rst_burst),
		cmocka_unit_test_prestate(test_transient_holder, "tp_btf"),
		HELPER_HOOK(test_v4_client_closes),
		HELPER_HOOK(test_v6_server_closes),
		HELPER_HOOK(test_close_times_shutdown),
		HELPER_HOOK(test_client_rst),
		HELPER_HOOK(test_server_unread_close),
		HELPER_HOOK(test_refused),
		HELPER_HOOK(test_syn_sent_again),
		HELPER_HOOK(test_burst),
	};

	if (!scope_can_load_bpf())
		return 0;
	signal(SIGPIPE, SIG_IGN);
	/* Development: run only the tests whose name matches (a glob). */
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests_name("integration: collector", tests, NULL, NULL);
}
