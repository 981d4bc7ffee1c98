// SPDX-License-Identifier: GPL-2.0
/* Run a program to completion with captured output; see run.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tests/lib/run.h"

long run_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void run_sleep_ms(int ms)
{
	poll(NULL, 0, ms);
}

void run_nobody_ids(uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam("nobody");

	*uid = pw ? pw->pw_uid : 65534;
	*gid = pw ? pw->pw_gid : 65534;
}

/* Whole file into a NUL-terminated malloc'ed buffer ("" if unreadable). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	*len = 0;
	if (f) {
		do {
			if (cap - n < 4096) {
				char *b = realloc(buf, cap ? cap * 2 : 8192);

				if (!b)
					break;
				buf = b;
				cap = cap ? cap * 2 : 8192;
			}
			got = fread(buf + n, 1, cap - n - 1, f);
			n += got;
		} while (got > 0);
		fclose(f);
	}
	if (!buf)
		buf = calloc(1, 1);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

static void child(const char *const argv[], const struct run_opts *o, int out_fd, int err_fd,
		  const char *tty)
{
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = tty ? open(tty, O_RDWR | O_NOCTTY) : open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	if (fd > 2)
		close(fd);
	close(out_fd);
	close(err_fd);
	if (o->stdout_closed)
		close(1);
	signal(SIGPIPE, SIG_DFL);
	for (int i = 0; o->env && o->env[i]; i++)
		putenv((char *)o->env[i]);
	if (o->as_nobody) {
		uid_t uid;
		gid_t gid;

		run_nobody_ids(&uid, &gid);
		if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
			dprintf(2, "run: cannot become nobody: %s\n", strerror(errno));
			_exit(126);
		}
	}
	execv(argv[0], (char *const *)argv);
	dprintf(2, "run: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int run_capture(const char *const argv[], const struct run_opts *o, struct run_result *r)
{
	static const struct run_opts defaults;
	char dir[] = "/tmp/tcpscope-run-XXXXXX", out_path[64], err_path[64];
	int out_fd = -1, err_fd = -1, master = -1, ret = -1;
	const char *tty = NULL;
	long deadline;
	pid_t pid;

	if (!o)
		o = &defaults;
	memset(r, 0, sizeof(*r));
	if (!mkdtemp(dir)) {
		printf("run: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	snprintf(err_path, sizeof(err_path), "%s/err", dir);
	out_fd = open(o->stdout_path ? o->stdout_path : out_path,
		      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	err_fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out_fd < 0 || err_fd < 0) {
		printf("run: cannot create output files: %s\n", strerror(errno));
		goto cleanup;
	}
	if (o->stdin_tty) {
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) || unlockpt(master) || !(tty = ptsname(master))) {
			printf("run: no pseudo-terminal: %s\n", strerror(errno));
			goto cleanup;
		}
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		printf("run: fork: %s\n", strerror(errno));
		goto cleanup;
	}
	if (pid == 0)
		child(argv, o, out_fd, err_fd, tty);

	deadline = run_now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 20000);
	for (;;) {
		pid_t w = waitpid(pid, &r->status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			printf("run: waitpid: %s\n", strerror(errno));
			break;
		}
		if (run_now_ms() > deadline) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			waitpid(pid, &r->status, 0);
			break;
		}
		run_sleep_ms(5);
	}
	r->out = o->stdout_path ? calloc(1, 1) : slurp(out_path, &r->out_len);
	r->err = slurp(err_path, &r->err_len);
	ret = r->out && r->err ? 0 : -1;
cleanup:
	if (master >= 0)
		close(master);
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
	unlink(out_path);
	unlink(err_path);
	rmdir(dir);
	return ret;
}

void run_result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

const char *run_status_str(const struct run_result *r, char *buf, size_t len)
{
	if (r->timed_out)
		snprintf(buf, len, "timed out");
	else if (WIFEXITED(r->status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(r->status));
	else if (WIFSIGNALED(r->status))
		snprintf(buf, len, "killed by SIG%s", sigabbrev_np(WTERMSIG(r->status)) ?: "?");
	else
		snprintf(buf, len, "status 0x%x", r->status);
	return buf;
}
