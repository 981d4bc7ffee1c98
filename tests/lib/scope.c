// SPDX-License-Identifier: GPL-2.0
/* Run the tcpscope binary under test; see scope.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core/replay.h"
#include "core/source.h"
#include "tests/lib/scope.h"

const char *scope_binary(void)
{
	const char *p = getenv("TCPSCOPE");

	return p && *p ? p : "./tcpscope";
}

bool scope_can_load_bpf(void)
{
	if (geteuid() != 0) {
		printf("SKIP: integration tests load BPF and need root\n");
		return false;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		printf("SKIP: no kernel BTF at /sys/kernel/btf/vmlinux\n");
		return false;
	}
	return true;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(int ms)
{
	poll(NULL, 0, ms);
}

static char errbuf[1 << 20];	/* room for -v (libbpf's messages) */

const char *scope_stderr(struct scope *sc)
{
	int fd = open(sc->err_path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	errbuf[0] = '\0';
	if (fd >= 0) {
		n = read(fd, errbuf, sizeof(errbuf) - 1);
		close(fd);
	}
	errbuf[n > 0 ? n : 0] = '\0';
	return errbuf;
}

static bool reap(struct scope *sc, int flags)
{
	if (sc->exited || sc->pid <= 0)
		return true;
	if (waitpid(sc->pid, &sc->status, flags) == sc->pid) {
		sc->exited = true;
		return true;
	}
	return false;
}

/*
 * The scopes started and not yet cleaned up. A test whose assertion fails
 * leaves through cmocka's longjmp, past its scope_cleanup(): at exit, what is
 * left here is killed and its directory removed (the struct scope itself
 * was on the failed test's stack: only copies are kept).
 */
#define LIVE_MAX 32
static struct scope live[LIVE_MAX];
static bool live_hooked;

static void live_forget(const struct scope *sc)
{
	for (int i = 0; i < LIVE_MAX; i++)
		if (live[i].dir[0] && !strcmp(live[i].dir, sc->dir))
			memset(&live[i], 0, sizeof(live[i]));
}

static void live_sweep(void)
{
	for (int i = 0; i < LIVE_MAX; i++) {
		struct scope *sc = &live[i];

		if (!sc->dir[0])
			continue;
		/* Only a child not reaped yet: a number reaped may be another
		 * process's by now. */
		if (sc->pid > 0 && waitpid(sc->pid, NULL, WNOHANG) == 0 &&
		    kill(sc->pid, SIGKILL) == 0)
			waitpid(sc->pid, NULL, 0);
		unlink(sc->out_path);
		unlink(sc->err_path);
		rmdir(sc->dir);
		memset(sc, 0, sizeof(*sc));
	}
}

static void live_add(const struct scope *sc)
{
	if (!live_hooked)
		live_hooked = atexit(live_sweep) == 0;
	for (int i = 0; i < LIVE_MAX; i++) {
		if (!live[i].dir[0]) {
			live[i] = *sc;
			return;
		}
	}
}

int scope_start(struct scope *sc, const char *const argv[], bool wait_attached)
{
	const char *args[64];
	long deadline;
	int n = 0, fd;

	memset(sc, 0, sizeof(*sc));
	snprintf(sc->dir, sizeof(sc->dir), "/tmp/tcpscope-test-XXXXXX");
	if (!mkdtemp(sc->dir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(sc->out_path, sizeof(sc->out_path), "%s/out", sc->dir);
	snprintf(sc->err_path, sizeof(sc->err_path), "%s/err", sc->dir);

	args[n++] = scope_binary();
	for (int i = 0; argv[i] && n < 62; i++)
		args[n++] = argv[i];
	args[n] = NULL;

	fflush(NULL);
	sc->pid = fork();
	if (sc->pid < 0) {
		rmdir(sc->dir);
		return -1;
	}
	if (sc->pid > 0)
		live_add(sc);
	if (sc->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(sc->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		close(fd);
		fd = open(sc->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		execv(args[0], (char *const *)args);
		dprintf(2, "exec %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}
	if (!wait_attached)
		return 0;
	deadline = now_ms() + 15000;
	while (now_ms() < deadline) {
		/* Attached, and sessions already open looked for. */
		if (strstr(scope_stderr(sc), "open sessions seeded") ||
		    strstr(scope_stderr(sc), "open session seeded"))
			return 0;
		if (reap(sc, WNOHANG)) {
			printf("tcpscope exited before attaching: %s\n", scope_stderr(sc));
			return -1;
		}
		sleep_ms(10);
	}
	printf("tcpscope did not attach within 15 s: %s\n", scope_stderr(sc));
	scope_stop(sc, SIGKILL);
	return -1;
}

static int exit_code(struct scope *sc)
{
	if (!sc->exited)
		return -1;
	return WIFEXITED(sc->status) ? WEXITSTATUS(sc->status) : -1;
}

int scope_wait(struct scope *sc, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;

	while (now_ms() < deadline) {
		if (reap(sc, WNOHANG))
			return exit_code(sc);
		sleep_ms(10);
	}
	printf("tcpscope still running after %d ms: interrupting it\n", timeout_ms);
	return scope_stop(sc, SIGINT);
}

int scope_stop(struct scope *sc, int sig)
{
	long deadline;

	if (sc->exited || sc->pid <= 0)
		return exit_code(sc);
	kill(sc->pid, sig);
	deadline = now_ms() + 10000;
	while (now_ms() < deadline) {
		if (reap(sc, WNOHANG))
			return exit_code(sc);
		sleep_ms(10);
	}
	kill(sc->pid, SIGKILL);
	reap(sc, 0);
	return -1;
}

struct collect {
	struct session *v;
	size_t n, cap;
};

static int collect_sink(void *ctx, const struct session *s)
{
	struct collect *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct session *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return 1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *s;
	return 0;
}

int scope_read_sessions(struct scope *sc, struct session **out, size_t *n)
{
	struct collect c = { 0 };
	struct session_source *src;
	char err[512];
	int rc;

	src = replay_open(sc->out_path, err, sizeof(err));
	if (!src) {
		printf("cannot read tcpscope's CSV: %s\n", err);
		return -1;
	}
	do
		rc = source_drain(src, collect_sink, &c);
	while (rc > 0);
	source_destroy(src);
	if (rc != -ENODATA && rc != 0) {
		printf("reading tcpscope's CSV failed: %s\n", strerror(-rc));
		free(c.v);
		return -1;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

long scope_count_lines(struct scope *sc)
{
	FILE *f = fopen(sc->out_path, "r");
	long lines = 0;
	int ch;

	if (!f)
		return -1;
	while ((ch = getc_unlocked(f)) != EOF)
		if (ch == '\n')
			lines++;
	fclose(f);
	return lines;
}

void scope_cleanup(struct scope *sc)
{
	if (sc->pid > 0 && !sc->exited)
		scope_stop(sc, SIGKILL);
	if (sc->dir[0]) {
		unlink(sc->out_path);
		unlink(sc->err_path);
		rmdir(sc->dir);
		live_forget(sc);
	}
	memset(sc, 0, sizeof(*sc));
}

static bool port_free(int family, unsigned short port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return false;
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a4.sin_port = htons(port);
	a6.sin6_port = htons(port);
	rc = family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4)) :
				 bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	close(fd);
	return rc == 0;
}

unsigned short scope_free_port(void)
{
	/* Outside the ephemeral range, so a client never collides with it. */
	static unsigned short next;

	if (!next)
		next = 20000 + (getpid() % 5000) * 2;
	for (int i = 0; i < 5000; i++) {
		unsigned short p = next;

		next = next >= 29990 ? 20000 : next + 1;
		if (port_free(AF_INET, p) && port_free(AF_INET6, p))
			return p;
	}
	return 0;
}

const struct session *scope_find(const struct session *v, size_t n, unsigned short lport,
				 unsigned short rport)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].lport == lport && v[i].rport == rport)
			return &v[i];
	return NULL;
}
