/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run the real tcpscope binary (path in $TCPSCOPE) as a child for
 * integration tests: stdout and stderr go to files in a private temporary
 * directory, start-up waits for the "attached" line, and the CSV it wrote is
 * read back through core's replay reader.
 */
#ifndef TCPSCOPE_TESTS_SCOPE_H
#define TCPSCOPE_TESTS_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "core/session.h"

struct scope {
	pid_t pid;
	int status;		/* waitpid() status once exited */
	bool exited;
	char dir[64];		/* private temporary directory */
	char out_path[96];	/* the child's stdout */
	char err_path[96];	/* the child's stderr */
};

/* Path of the binary under test, from $TCPSCOPE (default ./tcpscope). */
const char *scope_binary(void);

/* True when BPF can be loaded here (root); otherwise prints why to stdout. */
bool scope_can_load_bpf(void);

/*
 * Start tcpscope with argv (NULL-terminated, without argv[0]). When
 * wait_attached, returns once stderr shows "N open sessions seeded" ("1 open
 * session seeded": attached, and sessions open at start looked for: 0) or
 * the child failed or 15 s passed (-1; the child is then killed).
 */
int scope_start(struct scope *sc, const char *const argv[], bool wait_attached);

/* Wait up to timeout_ms for the child to exit by itself; then SIGINT it and
 * wait again. Returns the exit code, or -1 if it was killed or hung. */
int scope_wait(struct scope *sc, int timeout_ms);

/* SIGINT (or sig) and wait. Returns the exit code or -1. */
int scope_stop(struct scope *sc, int sig);

/* Read the child's stdout as a sessions CSV. *out is malloc'ed. 0 or -1
 * (with the reason printed). */
int scope_read_sessions(struct scope *sc, struct session **out, size_t *n);

/* Count lines of the child's stdout (the header included). */
long scope_count_lines(struct scope *sc);

/* The child's stderr, NUL-terminated, in a static buffer. */
const char *scope_stderr(struct scope *sc);

/* Remove the files and the directory; kills the child if still running. */
void scope_cleanup(struct scope *sc);

/* A TCP port that was free a moment ago on both 127.0.0.1 and ::1. */
unsigned short scope_free_port(void);

/* Find the session with these local/remote ports (first match) or NULL. */
const struct session *scope_find(const struct session *v, size_t n, unsigned short lport,
				 unsigned short rport);

#endif
