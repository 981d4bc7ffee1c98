/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Driving tcpscope in a real terminal: a detached tmux server with its own
 * socket (tmux -L tcpscope-test-PID-N), keys sent with send-keys, the
 * screen read with capture-pane and polled until the expected text shows
 * up (bounded, no fixed sleeps). Header-only: each test binary includes it.
 */
#ifndef TCPSCOPE_TESTS_UI_TMUX_HARNESS_H
#define TCPSCOPE_TESTS_UI_TMUX_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define TMUX_WAIT_MS 15000
#define TMUX_SCREEN_MAX (256 * 1024)

struct tmux {
	char sock[64];
	char dir[256];		/* scratch directory for this test */
	char screen[TMUX_SCREEN_MAX];
	bool up;
};

static unsigned tmux_serial;

static inline uint64_t tmux_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run argv; its stdout goes to out (may be NULL). Returns the exit status or -1. */
static inline int tmux_run(char *const argv[], char *out, size_t outlen)
{
	int pfd[2], status;
	size_t len = 0;
	pid_t pid;
	ssize_t n;

	/* no pipe without output wanted: a daemon (the tmux server) would hold it open */
	if (out && pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		if (out) {
			dup2(pfd[1], STDOUT_FILENO);
			close(pfd[0]);
			close(pfd[1]);
		} else if (devnull >= 0) {
			dup2(devnull, STDOUT_FILENO);
		}
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
			close(devnull);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		while (len < outlen - 1 && (n = read(pfd[0], out + len, outlen - 1 - len)) > 0)
			len += (size_t)n;
		out[len] = '\0';
		close(pfd[0]);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* tmux -L sock ARGS...; the argument list ends with NULL. */
static inline int tmux_cmd(struct tmux *t, char *out, size_t outlen, ...)
{
	char *argv[32];
	va_list ap;
	int n = 0;

	argv[n++] = "tmux";
	argv[n++] = "-L";
	argv[n++] = t->sock;
	va_start(ap, outlen);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return tmux_run(argv, out, outlen);
}

static inline bool tmux_available(void)
{
	char *argv[] = { "tmux", "-V", NULL };

	return tmux_run(argv, NULL, 0) == 0;
}

/*
 * A new server and a w x h window running an interactive sh in dir.
 * TZ=UTC and a UTF-8 locale make the screen reproducible.
 */
static inline int tmux_start(struct tmux *t, int w, int h)
{
	char ws[16], hs[16], cmd[512];

	memset(t, 0, sizeof(*t));
	snprintf(t->sock, sizeof(t->sock), "tcpscope-test-%d-%u", (int)getpid(), tmux_serial++);
	snprintf(t->dir, sizeof(t->dir), "/tmp/tcpscope-ui-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(ws, sizeof(ws), "%d", w);
	snprintf(hs, sizeof(hs), "%d", h);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && exec env -u NO_COLOR TZ=UTC LANG=C.UTF-8 LC_ALL= PS1='$ ' "
		 "sh", t->dir);
	if (tmux_cmd(t, NULL, 0, "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", ws,
		     "-y", hs, cmd, NULL))
		return -1;
	t->up = true;
	tmux_cmd(t, NULL, 0, "set-option", "-g", "remain-on-exit", "on", NULL);
	return 0;
}

/* The parent pid of pid (from /proc), or -1. */
static inline pid_t tmux_ppid_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd, ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the name may hold spaces and parentheses */
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* Still there, and not a zombie waiting for its parent. */
static inline bool tmux_pid_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

#define TMUX_MAX_PROCS 64

/* The pane's process and its descendants (a shell, tcpscope, its children). */
static inline int tmux_pane_procs(struct tmux *t, pid_t *out, int max)
{
	char buf[64];
	int n = 0, grew = 1;
	pid_t pid;

	if (tmux_cmd(t, buf, sizeof(buf), "list-panes", "-t", "main", "-F", "#{pane_pid}", NULL) ||
	    (pid = (pid_t)atoi(buf)) <= 0)
		return 0;
	out[n++] = pid;
	while (grew && n < max) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		grew = 0;
		if (!d)
			break;
		while ((e = readdir(d)) && n < max) {
			pid_t p = (pid_t)atoi(e->d_name), pp;
			bool known = false, parent_known = false;

			if (p <= 0)
				continue;
			pp = tmux_ppid_of(p);
			for (int i = 0; i < n; i++) {
				known |= out[i] == p;
				parent_known |= out[i] == pp;
			}
			if (!known && parent_known) {
				out[n++] = p;
				grew = 1;
			}
		}
		closedir(d);
	}
	return n;
}

/* The pane's process named comm (the first found), or 0. */
static inline pid_t tmux_pane_proc_named(struct tmux *t, const char *comm)
{
	pid_t procs[TMUX_MAX_PROCS];
	int n = tmux_pane_procs(t, procs, TMUX_MAX_PROCS);

	for (int i = 0; i < n; i++) {
		char path[64], name[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)procs[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(name, sizeof(name), f))
			name[0] = '\0';
		fclose(f);
		name[strcspn(name, "\n")] = '\0';
		if (!strcmp(name, comm))
			return procs[i];
	}
	return 0;
}

/*
 * Close the terminal (kill the tmux server): what runs in it gets SIGHUP and
 * must exit. Anything still running 10 s later is killed, so that no test
 * leaves a process behind, and named on stderr. (Seen once under
 * AddressSanitizer, whose leak check at exit hung in its own ptrace-based
 * stop of the process, spinning on a CPU for the rest of the run.)
 */
static inline void tmux_stop(struct tmux *t)
{
	pid_t procs[TMUX_MAX_PROCS];
	int nprocs = 0;
	char rm[300], sock_path[512] = "";

	if (t->up) {
		nprocs = tmux_pane_procs(t, procs, TMUX_MAX_PROCS);
		/* tmux (3.3) leaves its socket file behind when its server ends */
		if (tmux_cmd(t, sock_path, sizeof(sock_path), "display-message", "-p",
			     "#{socket_path}", NULL))
			sock_path[0] = '\0';
		sock_path[strcspn(sock_path, "\n")] = '\0';
		tmux_cmd(t, NULL, 0, "kill-server", NULL);
		if (sock_path[0] == '/' && strstr(sock_path, t->sock))
			unlink(sock_path);
	}
	t->up = false;
	for (uint64_t end = tmux_now_ms() + 10000; nprocs > 0;) {
		bool any = false;

		for (int i = 0; i < nprocs; i++)
			any |= tmux_pid_alive(procs[i]);
		if (!any)
			break;
		if (tmux_now_ms() > end) {
			for (int i = 0; i < nprocs; i++) {
				if (!tmux_pid_alive(procs[i]))
					continue;
				fprintf(stderr, "tmux: pid %d still running 10 s after its terminal "
					"closed: killed\n", (int)procs[i]);
				kill(procs[i], SIGKILL);
			}
			break;
		}
		usleep(20000);
	}
	if (t->dir[0] && strncmp(t->dir, "/tmp/tcpscope-ui-", 17) == 0) {
		char *argv[] = { "rm", "-rf", t->dir, NULL };

		snprintf(rm, sizeof(rm), "%s", t->dir);
		tmux_run(argv, NULL, 0);
	}
}

/* send-keys with tmux key names ("Enter", "Up", "C-c", "F6", "q"). */
static inline void tmux_keys(struct tmux *t, const char *key)
{
	tmux_cmd(t, NULL, 0, "send-keys", "-t", "main", key, NULL);
}

/* Literal text. */
static inline void tmux_type(struct tmux *t, const char *text)
{
	tmux_cmd(t, NULL, 0, "send-keys", "-t", "main", "-l", text, NULL);
}

static inline void tmux_line(struct tmux *t, const char *text)
{
	tmux_type(t, text);
	tmux_keys(t, "Enter");
}

/* Raw bytes, as hex pairs "1b 5b 4d ..." (for mouse reports). */
static inline void tmux_hex(struct tmux *t, const char *hex)
{
	char *argv[48], buf[256], *p, *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", hex);
	argv[n++] = "tmux";
	argv[n++] = "-L";
	argv[n++] = t->sock;
	argv[n++] = "send-keys";
	argv[n++] = "-t";
	argv[n++] = "main";
	argv[n++] = "-H";
	for (p = strtok_r(buf, " ", &save); p && n < 47; p = strtok_r(NULL, " ", &save))
		argv[n++] = p;
	argv[n] = NULL;
	tmux_run(argv, NULL, 0);
}

/* The visible screen (escapes: with colors and attributes as SGR sequences). */
static inline const char *tmux_capture(struct tmux *t, bool escapes)
{
	if (escapes)
		tmux_cmd(t, t->screen, sizeof(t->screen), "capture-pane", "-p", "-e", "-t", "main", NULL);
	else
		tmux_cmd(t, t->screen, sizeof(t->screen), "capture-pane", "-p", "-t", "main", NULL);
	return t->screen;
}

/* A pane format variable ("#{alternate_on}"), as text. */
static inline const char *tmux_format(struct tmux *t, const char *fmt, char *out, size_t len)
{
	tmux_cmd(t, out, len, "display-message", "-p", "-t", "main", fmt, NULL);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static inline void tmux_resize(struct tmux *t, int w, int h)
{
	char ws[16], hs[16];

	snprintf(ws, sizeof(ws), "%d", w);
	snprintf(hs, sizeof(hs), "%d", h);
	tmux_cmd(t, NULL, 0, "resize-window", "-t", "main", "-x", ws, "-y", hs, NULL);
}

typedef bool (*tmux_pred)(const char *screen, const void *arg);

static inline bool tmux_pred_contains(const char *screen, const void *arg)
{
	return strstr(screen, arg) != NULL;
}

static inline bool tmux_pred_lacks(const char *screen, const void *arg)
{
	return strstr(screen, arg) == NULL;
}

/* Poll the screen until pred holds; false (and the screen printed) after timeout_ms. */
static inline bool tmux_wait(struct tmux *t, tmux_pred pred, const void *arg, bool escapes,
			     int timeout_ms, const char *what)
{
	uint64_t end = tmux_now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		tmux_capture(t, escapes);
		if (pred(t->screen, arg))
			return true;
		if (tmux_now_ms() >= end)
			break;
		usleep(15000);
	}
	fprintf(stderr, "tmux: timed out after %d ms waiting for %s; the screen:\n%s\n", timeout_ms,
		what, t->screen);
	return false;
}

static inline bool tmux_wait_text(struct tmux *t, const char *text)
{
	return tmux_wait(t, tmux_pred_contains, text, false, TMUX_WAIT_MS, text);
}

static inline bool tmux_wait_gone(struct tmux *t, const char *text)
{
	return tmux_wait(t, tmux_pred_lacks, text, false, TMUX_WAIT_MS, text);
}

/*
 * Wait until two captures in a row are the same, so that a frame the
 * terminal is still receiving is not read half old, half new.
 */
static inline bool tmux_settle(struct tmux *t)
{
	static char prev[TMUX_SCREEN_MAX];
	uint64_t end = tmux_now_ms() + TMUX_WAIT_MS;

	tmux_capture(t, false);
	do {
		memcpy(prev, t->screen, strlen(t->screen) + 1);
		usleep(20000);
		tmux_capture(t, false);
		if (!strcmp(prev, t->screen))
			return true;
	} while (tmux_now_ms() < end);
	return false;
}

/* Line y of the last capture (without the newline) into buf. */
static inline const char *tmux_screen_line(const struct tmux *t, int y, char *buf, size_t len)
{
	const char *p = t->screen, *nl;
	int i;

	for (i = 0; i < y && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p) {
		buf[0] = '\0';
		return buf;
	}
	nl = strchr(p, '\n');
	snprintf(buf, len, "%.*s", (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
	return buf;
}

/*
 * The text of a line between display columns [x, x + w), trimmed. Lines
 * are UTF-8: columns are counted with wcwidth().
 */
static inline const char *tmux_cell(const char *line, int x, int w, char *out, size_t len)
{
	mbstate_t ps;
	size_t i = 0, n = strlen(line), o = 0, k;
	int col = 0, cw;
	wchar_t wc;

	memset(&ps, 0, sizeof(ps));
	while (i < n && col < x + w) {
		k = mbrtowc(&wc, line + i, n - i, &ps);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			k = 1;
			wc = '?';
			memset(&ps, 0, sizeof(ps));
		}
		cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (col >= x && o + k < len) {
			memcpy(out + o, line + i, k);
			o += k;
		}
		col += cw;
		i += k;
	}
	out[o] = '\0';
	while (o && out[o - 1] == ' ')
		out[--o] = '\0';
	for (i = 0; out[i] == ' '; i++)
		;
	memmove(out, out + i, strlen(out + i) + 1);
	return out;
}

#endif
