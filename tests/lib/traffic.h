/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loopback TCP traffic with known processes and known byte counts, for the
 * integration tests and the load generator (tests/bench/loadgen.c).
 *
 * Every session runs between two forked children, a server and a client,
 * each with its own PID and, optionally, its own comm (prctl(PR_SET_NAME)).
 * Only loopback addresses are used: 127.0.0.0/8 and ::1, never another.
 *
 * One session (struct traffic_spec) goes like this:
 *
 *   client connects to the server (127.0.0.1 or ::1, kernel-chosen port)
 *   client writes c2s_bytes            server reads exactly c2s_bytes
 *   server writes s2c_bytes            client reads exactly s2c_bytes
 *   each side waits until the peer has ACKed everything it sent (SIOCOUTQ
 *   is 0), checks the kernel's counters (TCP_INFO) and reports "ready"
 *   --- traffic_release() ---
 *   the closer closes: close() (FIN), SO_LINGER {1, 0} + close() (RST),
 *   close() with unread data in its receive queue (RST), or shutdown()
 *   (FIN) and close() after the peer's FIN; the other side waits for EOF
 *   (FIN) or ECONNRESET (RST) and only then closes its socket.
 *
 * So the payload counts are exact, nothing is in flight when the closer
 * acts, and "who closed first" is unambiguous. The non-closer checks that
 * the peer's close was of the kind the spec asked for (EOF vs. reset).
 *
 * Kernel counters, for whoever compares with them: on Linux 6.x a client's
 * tcpi_bytes_acked counts its SYN (+1), and after an orderly close both
 * tcpi_bytes_acked and tcpi_bytes_received count the FIN (+1). The payload
 * numbers in this API never include SYN or FIN.
 *
 * Every wait is bounded (poll deadlines in the children, alarm() as a
 * backstop, SIGKILL from the parent as the last resort) and children die
 * with the thread that forked them (PR_SET_PDEATHSIG), so a test can never
 * hang or leak processes. Children close every inherited descriptor except
 * stdin/stdout/stderr and never write to stdout; errors go to stderr with a
 * "traffic:" prefix. Children leave with _exit(), see enum traffic_exit.
 *
 * Functions return 0 or a negative errno; failures also leave one line in
 * the result's err[].
 */
#ifndef TCPSCOPE_TESTS_TRAFFIC_H
#define TCPSCOPE_TESTS_TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TRAFFIC_TIMEOUT_MS	5000	/* default bound of each phase */
#define TRAFFIC_HOLD_MS		60000	/* default bound of a hold */
#define TRAFFIC_UNREAD_MAX	32768	/* fits the initial receive window */
#define TRAFFIC_ERR_LEN		256

/* Which side closes first. */
enum traffic_side {
	TRAFFIC_CLIENT = 0,
	TRAFFIC_SERVER = 1,
};

/* How the closing side ends the session. */
enum traffic_end {
	TRAFFIC_END_FIN = 0,	/* close(): orderly FIN both ways */
	TRAFFIC_END_RST,	/* SO_LINGER {1, 0} then close(): RST */
	TRAFFIC_END_UNREAD,	/* close() with unread received data: RST */
	TRAFFIC_END_SHUTDOWN,	/* shutdown(SHUT_WR) (FIN), then close() once the
				 * peer's FIN is in: the socket stays a full one
				 * in FIN_WAIT2 until then */
};

/* Exit codes of the children (also the server/client status in results). */
enum traffic_exit {
	TRAFFIC_EXIT_OK = 0,
	TRAFFIC_EXIT_SETUP = 10,	/* socket, bind, listen, prctl, threads */
	TRAFFIC_EXIT_CONNECT = 11,	/* connect or accept failed */
	TRAFFIC_EXIT_IO = 12,		/* read/write error or early EOF */
	TRAFFIC_EXIT_TIMEOUT = 13,	/* a phase exceeded its deadline */
	TRAFFIC_EXIT_PROTOCOL = 14,	/* extra bytes, or wrong kind of close */
	TRAFFIC_EXIT_COUNTERS = 15,	/* TCP_INFO disagrees with the spec */
	TRAFFIC_EXIT_PARENT = 16,	/* lost the parent or its pipes */
	TRAFFIC_EXIT_NOT_REFUSED = 17,	/* traffic_run_refused: not ECONNREFUSED */
	TRAFFIC_EXIT_FAILURES = 18,	/* traffic_burst: some connections failed */
};

/*
 * One session. A zeroed spec is valid: IPv4, kernel-chosen port, inherited
 * names, no payload, the client closes first with FIN, default timeouts.
 */
struct traffic_spec {
	int family;			/* AF_INET (127.0.0.1) or AF_INET6 (::1); 0 = AF_INET */
	uint16_t port;			/* server port (host order); 0: the kernel picks */
	const char *server_comm;	/* prctl(PR_SET_NAME); NULL: keep the name */
	const char *client_comm;
	uint64_t c2s_bytes;		/* payload client -> server */
	uint64_t s2c_bytes;		/* payload server -> client */
	enum traffic_side closer;	/* who closes first */
	enum traffic_end end;		/* how the closer closes */
	uint32_t unread_bytes;		/* TRAFFIC_END_UNREAD: how much of its input the
					 * closer leaves unread (1..TRAFFIC_UNREAD_MAX);
					 * 0: all of it */
	unsigned int timeout_ms;	/* bound of each phase; 0: TRAFFIC_TIMEOUT_MS */
	unsigned int hold_ms;		/* bound of the wait for traffic_release();
					 * 0: TRAFFIC_HOLD_MS */
	unsigned int second_close_ms;	/* the side that closes second waits this long
					 * after the peer's close before its own
					 * (0: at once) */
};

struct traffic_result {
	pid_t server_pid;		/* 0: there was no server (refused case) */
	pid_t client_pid;
	uint16_t server_port;		/* host order */
	uint16_t client_port;		/* the client's ephemeral local port */
	int server_status;		/* raw waitpid() status; -1: not reaped */
	int client_status;
	bool server_ok;			/* exited with 0 (true if there was no server) */
	bool client_ok;
	/* TCP_INFO of each side at "ready" (see the note at the top) */
	uint64_t server_tcpi_bytes_acked;
	uint64_t server_tcpi_bytes_received;
	uint64_t client_tcpi_bytes_acked;
	uint64_t client_tcpi_bytes_received;
	char err[TRAFFIC_ERR_LEN];	/* first failure, one line; "" when none */
};

/* A session in progress: caller-owned, fields other than res are private. */
struct traffic_session {
	struct traffic_result res;	/* pids and ports are valid once started */
	struct traffic_spec spec;
	int srv_fd;			/* read end of the server's report pipe */
	int cli_fd;			/* read end of the client's report pipe */
	int go_fd;			/* our end of the release socket pair */
	bool started;
	bool finished;
};

/*
 * Fork server and client, connect, exchange the payload and return once
 * both sides are ready to close; the session then stays open until
 * traffic_release() (or traffic_finish()). Sessions opened this way exist
 * before a monitor that the test starts afterwards.
 * On failure the children are already reaped and s->res.err says why;
 * traffic_finish() is then optional and returns the same error.
 */
int traffic_start(struct traffic_session *s, const struct traffic_spec *spec);

/* Let the closer close. Idempotent. */
int traffic_release(struct traffic_session *s);

/*
 * Release if needed, wait for both children (bounded; they are SIGKILLed
 * if late), close the pipes and copy the result to *res (may be NULL).
 * Returns 0 only if both children exited with 0.
 */
int traffic_finish(struct traffic_session *s, struct traffic_result *res);

/* traffic_start() + traffic_finish(): one complete session. */
int traffic_run(const struct traffic_spec *spec, struct traffic_result *res);

/*
 * A refused connection: a forked client (client_comm) connects to a port
 * where nothing listens and must get ECONNREFUSED. With spec->port 0 the
 * client holds the port bound but not listening, so it is sure to be closed.
 * Uses family, port, client_comm and timeout_ms; res->server_pid is 0.
 */
int traffic_run_refused(const struct traffic_spec *spec, struct traffic_result *res);

/*
 * Many connections. A server process (epoll, server_threads threads) and a
 * client process (concurrency threads); each connection is: connect, client
 * writes c2s_bytes, server reads them, server writes s2c_bytes, client reads
 * them, the closer closes (RST after everything was ACKed if rst), the other
 * side waits for EOF/ECONNRESET and closes. The run stops after count
 * connections or duration_ms, whichever comes first (at least one is set).
 *
 * The counts are the payload the applications wrote and read, exactly. With
 * rst, the kernel's tcpi_bytes_acked of the side that receives the RST may,
 * rarely (about 1 in 10^5 connections on 2 CPUs), lack the last payload: a
 * pure ACK still queued on one CPU's loopback backlog can be overtaken by the
 * RST sent from another CPU. traffic_run() has no such gap: both sides
 * confirm that everything was ACKed before the closer acts.
 */
struct traffic_burst_spec {
	int family;			/* AF_INET or AF_INET6; 0 = AF_INET */
	uint16_t port;			/* 0: the kernel picks */
	const char *server_comm;	/* NULL: keep the name */
	const char *client_comm;
	uint64_t c2s_bytes;
	uint64_t s2c_bytes;
	enum traffic_side closer;
	bool rst;			/* the closer aborts with RST */
	uint64_t count;			/* connections; 0: no count limit */
	unsigned int duration_ms;	/* 0: no time limit */
	double rate;			/* connections per second, all threads; 0: max */
	unsigned int concurrency;	/* client threads; 0: 1 (sequential) */
	unsigned int server_threads;	/* 0: 1 */
	unsigned int src_addrs;		/* IPv4 only: spread client source addresses over
					 * 127.0.0.1 .. 127.0.0.N (N <= 254) so TIME_WAIT
					 * never exhausts the ephemeral ports; 0/1: kernel
					 * default (127.0.0.1) */
	unsigned int timeout_ms;	/* bound of each step of a connection; 0: default */
	unsigned int limit_ms;		/* bound of the whole run; 0: derived from the rest */
	uint64_t server_cpus;		/* CPUs the server may run on (bit N: CPU N); 0: any */
	uint64_t client_cpus;		/* the same for the client */
};

struct traffic_burst_result {
	pid_t server_pid;
	pid_t client_pid;
	uint16_t server_port;
	uint64_t requested;		/* count, or 0 with a duration only */
	uint64_t attempted;		/* connections the client started */
	uint64_t ok;			/* completed exactly as specified (client view) */
	uint64_t failed;		/* attempted - ok */
	uint64_t err_connect;		/* failed in connect() (EADDRNOTAVAIL, ...) */
	uint64_t err_timeout;
	uint64_t err_io;		/* I/O errors, short reads, wrong kind of close */
	uint64_t c2s_bytes;		/* payload of the completed connections */
	uint64_t s2c_bytes;
	uint64_t server_ok;		/* completed exactly as specified (server view) */
	uint64_t server_failed;
	double elapsed_s;		/* first connect to last close, client side */
	int server_status;		/* raw waitpid() status; -1: not reaped */
	int client_status;
	char err[TRAFFIC_ERR_LEN];	/* first failure, one line */
};

/* Returns 0 only if every requested connection completed on both sides. */
int traffic_burst(const struct traffic_burst_spec *spec, struct traffic_burst_result *res);

/* "exit 0 (ok)", "exit 12 (I/O error ...)", "killed by SIGALRM (timeout)"... */
const char *traffic_status_str(int wstatus, char *buf, size_t len);

#endif
