/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a program (usually the tcpscope binary under test) to completion with
 * its stdout and stderr captured, for the command-line and lifecycle tests.
 *
 * Unlike scope.h, which starts a long-running monitor and waits for it to
 * attach, run_capture() is for short runs: it waits (bounded) for the exit,
 * kills the child if it overstays, and hands back the exit status and both
 * outputs in memory. Output goes through files, never pipes, so a chatty
 * child cannot block on a full pipe.
 */
#ifndef TCPSCOPE_TESTS_RUN_H
#define TCPSCOPE_TESTS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct run_opts {
	bool as_nobody;		/* setgid/setuid to nobody in the child (needs root) */
	bool stdin_tty;		/* stdin is a pseudo-terminal instead of /dev/null */
	const char *stdout_path;	/* write stdout there (e.g. /dev/full); NULL: captured */
	bool stdout_closed;	/* the child starts with no stdout at all (`>&-`) */
	const char *const *env;	/* extra NAME=VALUE entries, NULL-terminated; may be NULL */
	int timeout_ms;		/* 0: 20000 */
};

struct run_result {
	int status;		/* raw waitpid() status */
	bool timed_out;		/* killed with SIGKILL after timeout_ms */
	char *out;		/* stdout, NUL-terminated ("" when not captured) */
	size_t out_len;
	char *err;		/* stderr, NUL-terminated */
	size_t err_len;
};

/*
 * Run argv (argv[0] is the program path) and wait for it. Returns 0 when the
 * child ran and was reaped (whatever its status), -1 if it could not be
 * started (the reason is printed).
 */
int run_capture(const char *const argv[], const struct run_opts *o, struct run_result *r);
void run_result_free(struct run_result *r);

/* "exit 2", "killed by SIGSEGV", "timed out" */
const char *run_status_str(const struct run_result *r, char *buf, size_t len);

/* The uid/gid of "nobody" (65534 when the name is unknown). */
void run_nobody_ids(uid_t *uid, gid_t *gid);

/* Milliseconds on the monotonic clock, and a sleep that polls nothing. */
long run_now_ms(void);
void run_sleep_ms(int ms);

#endif
