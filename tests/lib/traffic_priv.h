/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by tests/lib/traffic.c (single sessions) and
 * tests/lib/traffic_burst.c (many connections). Not for the tests.
 */
#ifndef TCPSCOPE_TESTS_TRAFFIC_PRIV_H
#define TCPSCOPE_TESTS_TRAFFIC_PRIV_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

/* CLOCK_MONOTONIC in ns. */
uint64_t traffic_now_ns(void);

/* Sleep; interrupted sleeps are not resumed. */
void traffic_sleep_us(unsigned int usec);

/*
 * First thing a forked child does: die with the parent (checking the race
 * with getppid()), ignore SIGPIPE, take the comm (NULL keeps it) and close
 * every descriptor but 0, 1, 2 and the nkeep ones in keep[]; unblock all
 * signals and restore SIGALRM so alarm() ends a stuck child.
 */
void traffic_child_init(pid_t parent, const char *comm, const int *keep, int nkeep);

/*
 * The loopback address of family with port: 127.0.0.1 (127.0.0.<src>
 * when 1 <= src <= 254) or ::1. Returns the address length, or 0 for a
 * family other than AF_INET/AF_INET6.
 */
socklen_t traffic_loopback_addr(int family, uint16_t port, unsigned int src,
				struct sockaddr_storage *ss);

/* The port of a bound socket (host order), 0 on error. */
uint16_t traffic_local_port(int fd);

/*
 * Wait for pid until deadline_ns (CLOCK_MONOTONIC), then SIGKILL it and
 * reap it. Stores the raw status; returns 0, or -ETIMEDOUT if it had to be
 * killed, or -errno from waitpid().
 */
int traffic_reap(pid_t pid, uint64_t deadline_ns, int *wstatus);

/* snprintf into a result's err[] unless it already holds a message. */
void traffic_set_err(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
