// SPDX-License-Identifier: GPL-2.0
/* Terminal setup and teardown, signals, colors, keys; see term.h. */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <ncurses.h>
#include <term.h>

#include "ui/keys.h"
#include "ui/term.h"

#define DOUBLE_CLICK_MS 400
#define STDERR_REPLAY_MAX (64 * 1024)

static SCREEN *screen;
static bool active;
static bool color;
static bool utf8;
static int attrs[ST_COUNT];

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t tstp_pending;	/* Ctrl-Z (SIGTSTP): the loop suspends */
static volatile sig_atomic_t cont_pending;	/* SIGCONT: perhaps after a stop not ours */
static bool suspended;	/* the terminal was given back, and we are not in its foreground */
static bool taken;	/* the terminal taken from us without our giving it back (SIGSTOP) */
static bool orphaned;	/* ... for good: no shell can give it back (an orphaned group) */
static bool modes_left;	/* ... with no stop, so the shell left our modes on it */
#define STOP_SIGS_MAX 64
static struct sigaction old_stop[STOP_SIGS_MAX];
static int stop_sigs[STOP_SIGS_MAX];
static size_t n_stop_sigs;
static struct sigaction old_tstp, old_cont;
static const int tty_sigs[2] = { SIGTTIN, SIGTTOU };
static struct sigaction old_tty[2];
static int wake_pipe[2] = { -1, -1 };	/* the handlers' wake-up for the loop's poll() */
static struct sigaction old_crash[7];
static const int crash_sigs[7] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP };

/* What a crash handler needs, prepared in advance (async-signal-safe use only). */
static struct termios saved_tio;
static bool have_tio;
static char reset_seq[256];
static size_t reset_len;
static int saved_stderr = -1;
static FILE *stderr_file;

static bool atexit_done;
static bool no_alt_screen;	/* the terminal has none: clear the screen at exit */

/* Whether the terminal has a string capability (after newterm()). */
static bool has_cap(const char *name)
{
	const char *v = tigetstr(name);

	return v && v != (const char *)-1;
}

/* ---- signals --------------------------------------------------------------- */

/* Whether the terminal is ours to draw on: our process group is its
 * foreground one (or it is not our controlling terminal at all). */
static bool in_foreground(void)
{
	pid_t fg = tcgetpgrp(STDIN_FILENO);

	return fg < 0 || fg == getpgrp();
}

/* From a handler: the loop's poll() returns (ui_term_wake_fd()). */
static void wake_loop(void)
{
	int saved = errno;
	ssize_t unused;

	if (wake_pipe[1] >= 0)
		unused = write(wake_pipe[1], "", 1);	/* full: a wake-up is pending anyway */
	(void)unused;
	errno = saved;
}

static void on_stop(int sig)
{
	stop_signal = sig;
	wake_loop();
}

static void on_crash(int sig)
{
	ssize_t unused;

	/* In the background (stopped by Ctrl-Z, then sent the signal), the
	 * terminal was given back at the stop, and touching it would stop
	 * the process again (SIGTTOU) instead of letting it die.
	 * (in_foreground() is async-signal-safe: two system calls.) */
	if (in_foreground()) {
		if (reset_len)
			unused = write(STDOUT_FILENO, reset_seq, reset_len);
		(void)unused;
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	if (saved_stderr >= 0)
		dup2(saved_stderr, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_tstp(int sig)
{
	(void)sig;
	tstp_pending = 1;
	wake_loop();
}

/* SIGCONT: fg, bg, or a kill's. After a stop that did not go through
 * ui_term_suspend() (SIGSTOP, which cannot be caught), the shell has taken
 * the terminal back and set its own modes: the loop takes it again
 * (ui_term_suspend()). */
static void on_cont(int sig)
{
	(void)sig;
	cont_pending = 1;
	wake_loop();
}

/*
 * SIGTTIN, SIGTTOU. In the foreground, sent with kill: as Ctrl-Z, the
 * terminal given back before the stop (their default action stopped the
 * monitor with its screen and modes left on, under the shell's prompt).
 * In the background, the kernel's, for a use of the terminal from there:
 * their own action, a stop until fg or bg (installed with SA_NODEFER, so
 * that the raise is not held back by the handler's own mask).
 */
static void on_tty_sig(int sig)
{
	struct sigaction dfl, cur;
	int saved = errno;

	if (in_foreground()) {
		tstp_pending = 1;
		wake_loop();
		return;
	}
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, &cur);
	raise(sig);
	sigaction(sig, &cur, NULL);
	errno = saved;
}

size_t ui_term_quit_signals(int *out, size_t max)
{
	/* Every signal whose default action ends the process without a
	 * crash: INT, TERM, HUP, and the ones a user, a script or a limit
	 * may send (SIGUSR1, an alarm, the CPU-time limit, the RT signals,
	 * ...), which would otherwise kill it with the screen up and no
	 * summary. SIGXFSZ is ignored instead (main()): a write past the
	 * file-size limit then fails as a write, and says so. */
	static const int fixed[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM,
				     SIGVTALRM, SIGPROF, SIGXCPU, SIGPWR, SIGIO, SIGSTKFLT };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n < max; i++)
		out[n++] = fixed[i];
	for (int sig = SIGRTMIN; sig <= SIGRTMAX && n < max; sig++)
		out[n++] = sig;
	return n;
}

static void install_signals(void)
{
	struct sigaction sa;
	size_t i;

	/* A stop that came before (while BPF loaded: ui_term_note_stop())
	 * stays: the monitor's loop ends at once. */
	if (wake_pipe[0] < 0 && pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC)) {
		wake_pipe[0] = -1;	/* then the poll's timeout bounds the wait */
		wake_pipe[1] = -1;
	}
	n_stop_sigs = ui_term_quit_signals(stop_sigs, STOP_SIGS_MAX - 1);
	stop_sigs[n_stop_sigs++] = SIGQUIT;	/* Ctrl-\ quits the monitor, no core */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	for (i = 0; i < n_stop_sigs; i++)
		sigaction(stop_sigs[i], &sa, &old_stop[i]);
	/* Ctrl-Z: the loop gives the terminal back and stops (ui_term_suspend()):
	 * curses' own handler took it back on SIGCONT even in the background,
	 * where that stops the process again (SIGTTOU), so that a kill %1 of
	 * the stopped monitor never ended it. */
	sa.sa_handler = on_tstp;
	sigaction(SIGTSTP, &sa, &old_tstp);
	sa.sa_handler = on_cont;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCONT, &sa, &old_cont);
	sa.sa_handler = on_tty_sig;
	sa.sa_flags = SA_RESTART | SA_NODEFER;
	for (i = 0; i < 2; i++)
		sigaction(tty_sigs[i], &sa, &old_tty[i]);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(crash_sigs) / sizeof(crash_sigs[0]); i++)
		sigaction(crash_sigs[i], &sa, &old_crash[i]);
}

static void restore_signals(void)
{
	size_t i;

	for (i = 0; i < n_stop_sigs; i++)
		sigaction(stop_sigs[i], &old_stop[i], NULL);
	sigaction(SIGTSTP, &old_tstp, NULL);
	sigaction(SIGCONT, &old_cont, NULL);
	for (i = 0; i < 2; i++)
		sigaction(tty_sigs[i], &old_tty[i], NULL);
	for (i = 0; i < sizeof(crash_sigs) / sizeof(crash_sigs[0]); i++)
		sigaction(crash_sigs[i], &old_crash[i], NULL);
	for (i = 0; i < 2; i++) {
		if (wake_pipe[i] >= 0)
			close(wake_pipe[i]);
		wake_pipe[i] = -1;
	}
}

int ui_term_wake_fd(void)
{
	return wake_pipe[0];
}

void ui_term_wake_drain(void)
{
	char buf[64];

	while (wake_pipe[0] >= 0 && read(wake_pipe[0], buf, sizeof(buf)) > 0)
		;
}

int ui_term_stop_signal(void)
{
	return stop_signal;
}

void ui_term_note_stop(int sig)
{
	stop_signal = sig;
}

/* ---- job control ------------------------------------------------------------ */

/* A process's parent, from /proc (0 if unknown). */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* after the name, which may hold anything */
	if (!p)
		return 0;
	return (pid_t)strtol(p + 3, NULL, 10);	/* ") S PPID" */
}

/*
 * Whether no shell can bring our process group to the foreground: it is
 * orphaned (started with & in a script, or in a subshell that has ended),
 * and then SIGTTIN does not stop it either. A group is orphaned when no
 * member has its parent in another group of the same session; here, the
 * first ancestor outside the group (sudo may sit between the shell and
 * tcpscope, in the same group) stands for all of them.
 */
static bool group_orphaned(void)
{
	pid_t pgrp = getpgrp(), sid = getsid(0), p = getppid();

	for (int depth = 0; p > 0 && depth < 64 && getpgid(p) == pgrp; depth++)
		p = parent_of(p);
	return p <= 0 || getsid(p) != sid || getpgid(p) == pgrp;
}

enum { FG_OURS, FG_STOP, FG_ORPHANED };

/*
 * Until the terminal is ours: stopped, as a full-screen program in the
 * background is (SIGTTIN, until fg or bg), looking again at each wake-up.
 * FG_STOP as soon as a stop signal came (kill %1 sends SIGTERM and SIGCONT
 * to a stopped job): the caller then ends without touching the terminal.
 * FG_ORPHANED when nothing can ever give it to us (group_orphaned()).
 */
static int wait_foreground(void)
{
	while (!in_foreground()) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (stop_signal)
			return FG_STOP;
		if (group_orphaned())
			return FG_ORPHANED;
		raise(SIGTTIN);
		if (stop_signal)
			return FG_STOP;
		/* not stopped after all (orphaned since): do not spin */
		if (!in_foreground())
			nanosleep(&ts, NULL);
	}
	return FG_OURS;
}

/* The terminal ours again (in the foreground): curses' modes back, and the
 * whole screen redrawn at the next frame. */
static void take_terminal(mmask_t mouse)
{
	reset_prog_mode();
	curs_set(0);
	mousemask(mouse, NULL);
	clearok(curscr, TRUE);
}

/* Whether the terminal is ours for good: not if our group is orphaned. As
 * on the SIGHUP the kernel sends a stopped group orphaned: the monitor ends,
 * and says why. */
static void end_if_orphaned(void)
{
	if (!stop_signal && wait_foreground() == FG_ORPHANED) {
		stop_signal = SIGHUP;
		orphaned = true;
	}
}

/*
 * The terminal taken without our giving it back: continued after a stop
 * (SIGSTOP) the shell noticed, or found in another job's hands while we ran
 * (started in a subshell's background, `( (tcpscope) & )`, a moment before
 * the subshell ended and the shell took the terminal back). The shell set
 * its own modes (echo, lines) and printed over the screen: take it again
 * once in the foreground. A stop signal meanwhile (kill %1 sends SIGTERM and
 * SIGCONT), or an orphaned group, ends the monitor: from the background
 * then (taken), and ui_term_close() only turns the screen's modes off.
 */
static bool resume_taken(bool stopped)
{
	mmask_t mask = 0;

	taken = true;
	/* A shell sets its own modes back when its job stops, not when it
	 * ends (the subshell's): then ours are still on the terminal. */
	modes_left = !stopped;
	end_if_orphaned();
	cont_pending = 0;	/* ours, from the wait's own stops */
	if (stop_signal) {
		suspended = !in_foreground();
		return false;
	}
	taken = false;
	modes_left = false;
	mousemask(0, &mask);
	take_terminal(mask);
	return true;
}

bool ui_term_suspend(void)
{
	struct sigaction dfl, cur;
	mmask_t mask = 0;
	sigset_t set;

	if (!tstp_pending) {
		/* (one look at the terminal's foreground: two system calls) */
		bool stopped = cont_pending;

		if (!active || suspended || (!stopped && in_foreground()))
			return false;
		cont_pending = 0;
		return resume_taken(stopped);
	}
	tstp_pending = 0;
	if (!active || suspended)
		return false;
	/* The terminal back as the shell had it, curses' state kept. */
	mousemask(0, &mask);
	curs_set(1);
	endwin();
	fflush(stdout);
	/* Stop as SIGTSTP's own action would. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &cur);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGTSTP);
	/* Continued: fg, bg, or a signal's SIGCONT. */
	sigaction(SIGTSTP, &cur, NULL);
	/* (Orphaned while stopped, the kernel sends SIGHUP: a stop signal.
	 * Orphaned while it ran in the background, nothing: it ends as if
	 * it had, the terminal out of its reach for good.) */
	end_if_orphaned();
	cont_pending = 0;	/* the SIGCONT of this stop */
	if (stop_signal) {
		suspended = true;
		return false;
	}
	/* The terminal is ours again: curses' modes back, all of it redrawn. */
	take_terminal(mask);
	return true;
}

/* ---- the crash reset sequence ---------------------------------------------- */

static void add_cap(const char *name)
{
	char *s = tigetstr(name);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (reset_len + n >= sizeof(reset_seq))
		return;
	memcpy(reset_seq + reset_len, s, n);
	reset_len += n;
}

static void prepare_reset(void)
{
	static const char mouse_off[] = "\033[?1006l\033[?1002l\033[?1000l";

	reset_len = 0;
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmkx");
	if (reset_len + sizeof(mouse_off) < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, mouse_off, sizeof(mouse_off) - 1);
		reset_len += sizeof(mouse_off) - 1;
	}
	add_cap("rmcup");
}

/* ---- stderr ---------------------------------------------------------------- */

static void capture_stderr(void)
{
	fflush(stderr);
	stderr_file = tmpfile();
	if (!stderr_file)
		return;
	saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved_stderr < 0 || dup2(fileno(stderr_file), STDERR_FILENO) < 0) {
		if (saved_stderr >= 0)
			close(saved_stderr);
		saved_stderr = -1;
		fclose(stderr_file);
		stderr_file = NULL;
	}
}

static void release_stderr(void)
{
	char buf[4096];
	size_t n, total = 0;
	long size;

	if (saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	if (!stderr_file)
		return;
	size = ftell(stderr_file);
	rewind(stderr_file);
	while (total < STDERR_REPLAY_MAX && (n = fread(buf, 1, sizeof(buf), stderr_file)) > 0) {
		fwrite(buf, 1, n, stderr);
		total += n;
	}
	if (size > 0 && (size_t)size > total)
		fprintf(stderr, "tcpscope: (%ld more bytes of messages not shown)\n",
			size - (long)total);
	fclose(stderr_file);
	stderr_file = NULL;
}

/* ---- colors ---------------------------------------------------------------- */

enum {
	CP_LABEL = 1, CP_ALERT, CP_FILTER, CP_TAB_ACTIVE, CP_HEAD, CP_HEAD_SORT, CP_SEL,
	CP_FN_LABEL, CP_INFO, CP_WARN, CP_ERROR, CP_PAUSED, CP_RST, CP_BIG, CP_HUGE, CP_ESCAPED,
	CP_DIM,
};

static void setup_colors(bool no_color)
{
	const char *nc = getenv("NO_COLOR");

	color = !no_color && !(nc && *nc) && has_colors() && start_color() == OK && COLORS >= 8;
	if (color) {
		use_default_colors();
		init_pair(CP_LABEL, COLOR_CYAN, -1);
		init_pair(CP_ALERT, COLOR_RED, -1);
		init_pair(CP_FILTER, COLOR_YELLOW, -1);
		init_pair(CP_TAB_ACTIVE, COLOR_BLACK, COLOR_CYAN);
		init_pair(CP_HEAD, COLOR_BLACK, COLOR_GREEN);
		init_pair(CP_HEAD_SORT, COLOR_BLACK, COLOR_CYAN);
		init_pair(CP_SEL, COLOR_BLACK, COLOR_CYAN);
		init_pair(CP_FN_LABEL, COLOR_BLACK, COLOR_CYAN);
		init_pair(CP_INFO, COLOR_GREEN, -1);
		init_pair(CP_WARN, COLOR_YELLOW, -1);
		init_pair(CP_ERROR, COLOR_RED, -1);
		init_pair(CP_PAUSED, COLOR_BLACK, COLOR_YELLOW);
		init_pair(CP_RST, COLOR_RED, -1);
		init_pair(CP_BIG, COLOR_CYAN, -1);
		init_pair(CP_HUGE, COLOR_GREEN, -1);
		init_pair(CP_ESCAPED, COLOR_MAGENTA, -1);
		init_pair(CP_DIM, COLOR_BLUE, -1);
		attrs[ST_NORMAL] = A_NORMAL;
		attrs[ST_TITLE] = A_BOLD;
		attrs[ST_LABEL] = COLOR_PAIR(CP_LABEL);
		attrs[ST_VALUE] = A_BOLD;
		attrs[ST_ALERT] = COLOR_PAIR(CP_ALERT) | A_BOLD;
		attrs[ST_FILTER] = COLOR_PAIR(CP_FILTER) | A_BOLD;
		attrs[ST_DIM] = COLOR_PAIR(CP_DIM) | A_BOLD;
		attrs[ST_TAB] = A_NORMAL;
		attrs[ST_TAB_ACTIVE] = COLOR_PAIR(CP_TAB_ACTIVE);
		attrs[ST_HEAD] = COLOR_PAIR(CP_HEAD);
		attrs[ST_HEAD_SORT] = COLOR_PAIR(CP_HEAD_SORT);
		attrs[ST_SEL] = COLOR_PAIR(CP_SEL);
		attrs[ST_FN_KEY] = A_NORMAL;
		attrs[ST_FN_LABEL] = COLOR_PAIR(CP_FN_LABEL);
		attrs[ST_INFO] = COLOR_PAIR(CP_INFO);
		attrs[ST_WARN] = COLOR_PAIR(CP_WARN) | A_BOLD;
		attrs[ST_ERROR] = COLOR_PAIR(CP_ERROR) | A_BOLD;
		attrs[ST_PAUSED] = COLOR_PAIR(CP_PAUSED);
		attrs[ST_RST] = COLOR_PAIR(CP_RST);
		attrs[ST_BIG] = COLOR_PAIR(CP_BIG);
		attrs[ST_HUGE] = COLOR_PAIR(CP_HUGE) | A_BOLD;
		attrs[ST_ESCAPED] = COLOR_PAIR(CP_ESCAPED);
		attrs[ST_BOX] = COLOR_PAIR(CP_HEAD);
		return;
	}
	/* monochrome: reverse video marks bars and the selection, bold the rest */
	attrs[ST_NORMAL] = A_NORMAL;
	attrs[ST_TITLE] = A_BOLD;
	attrs[ST_LABEL] = A_NORMAL;
	attrs[ST_VALUE] = A_BOLD;
	attrs[ST_ALERT] = A_BOLD | A_UNDERLINE;
	attrs[ST_FILTER] = A_BOLD;
	attrs[ST_DIM] = A_DIM;
	attrs[ST_TAB] = A_NORMAL;
	attrs[ST_TAB_ACTIVE] = A_REVERSE | A_BOLD;
	attrs[ST_HEAD] = A_REVERSE;
	attrs[ST_HEAD_SORT] = A_REVERSE | A_BOLD | A_UNDERLINE;
	attrs[ST_SEL] = A_REVERSE | A_BOLD;
	attrs[ST_FN_KEY] = A_BOLD;
	attrs[ST_FN_LABEL] = A_REVERSE;
	attrs[ST_INFO] = A_NORMAL;
	attrs[ST_WARN] = A_BOLD;
	attrs[ST_ERROR] = A_BOLD | A_UNDERLINE;
	attrs[ST_PAUSED] = A_REVERSE | A_BOLD;
	attrs[ST_RST] = A_BOLD;
	attrs[ST_BIG] = A_NORMAL;
	attrs[ST_HUGE] = A_BOLD;
	attrs[ST_ESCAPED] = A_UNDERLINE;
	attrs[ST_BOX] = A_REVERSE;
}

int ui_term_attr(enum ui_style st)
{
	return st < ST_COUNT ? attrs[st] : (int)A_NORMAL;
}

bool ui_term_color(void)
{
	return color;
}

bool ui_term_utf8(void)
{
	return utf8;
}

/* ---- open / close ---------------------------------------------------------- */

static void close_at_exit(void)
{
	ui_term_close();
}

int ui_term_open(bool no_color, char *err, size_t errlen)
{
	const char *cs;

	if (active)
		return 0;
	/* Started in the background (tcpscope &): wait for fg like a
	 * full-screen program, ending at once on a stop signal, before curses
	 * touches the terminal (which stops a background process). */
	switch (wait_foreground()) {
	case FG_OURS:
		break;
	case FG_STOP:
		return 1;
	default:
		snprintf(err, errlen, "the terminal belongs to another job, and no shell can bring this "
			 "one to the foreground (started in the background of a script or of a "
			 "subshell that has ended): run it in the foreground, or use -o text");
		return -1;
	}
	/* Only the character type: numbers and times keep the C conventions. */
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));

	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		have_tio = true;
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		const char *t = getenv("TERM");

		snprintf(err, errlen, "cannot set up the terminal (TERM=%s): try TERM=xterm or -o text",
			 t ? t : "unset");
		have_tio = false;
		return -1;
	}
	set_term(screen);
	/* A terminal that cannot place the cursor (TERM=dumb) would show a
	 * blank screen: say so instead. */
	if (!has_cap("cup")) {
		const char *t = getenv("TERM");

		delscreen(screen);
		screen = NULL;
		snprintf(err, errlen, "the terminal (TERM=%s) cannot place the cursor: try TERM=xterm "
			 "or -o text", t ? t : "unset");
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		have_tio = false;
		return -1;
	}
	/* Without an alternate screen (TERM=linux, a console; vt100) the last
	 * frame would stay behind at exit: ui_term_close() clears it. */
	no_alt_screen = !has_cap("smcup");
	/* ncurses 6.4 flushes its output at every cursor move of an update
	 * until endwin() has been called once: a frame went out in about 50
	 * write() calls instead of one (and each woke the terminal). One
	 * endwin() and update now, before anything is drawn, puts it in its
	 * running state; later versions are unaffected. */
	endwin();
	doupdate();
	active = true;
	if (!atexit_done) {
		atexit(close_at_exit);
		atexit_done = true;
	}
	install_signals();
	prepare_reset();
	capture_stderr();

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mouseinterval(0);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	setup_colors(no_color);
	return 0;
}

void ui_term_close(void)
{
	if (!active)
		return;
	active = false;
	/* Stopped, then ended from the background: the terminal was given
	 * back at the stop, and touching it now would stop us again
	 * (SIGTTOU). */
	/* Ending from the background: whatever curses' teardown or the
	 * summary still writes must not stop the process (SIGTTOU). */
	if (suspended)
		signal(SIGTTOU, SIG_IGN);
	if (suspended && taken && reset_len) {
		/* The terminal taken without our giving it back, and ended
		 * from the background: the alternate screen and the mouse are
		 * still on under the shell. They are turned off (SIGTTOU
		 * ignored: a write and a mode change from the background go
		 * through). The terminal's modes are the shell's again after
		 * a stop; after a subshell's end they are still ours. */
		ssize_t unused = write(STDOUT_FILENO, reset_seq, reset_len);

		(void)unused;
		if (modes_left && have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	if (!suspended) {
		mousemask(0, NULL);
		curs_set(1);
		if (no_alt_screen) {
			clear();
			refresh();
		}
		endwin();
		fflush(stdout);
		/* endwin() restores the modes curses saved; ours too */
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	delscreen(screen);
	screen = NULL;
	release_stderr();
	restore_signals();
	if (suspended)
		signal(SIGTTOU, SIG_IGN);	/* for the summary still to come */
	if (orphaned)
		fprintf(stderr, "tcpscope: the terminal went to another job, and no shell can bring "
			"this one back to the foreground (its group is orphaned): ended\n");
	suspended = false;
	taken = false;
	orphaned = false;
	modes_left = false;
	cont_pending = 0;
	tstp_pending = 0;
	reset_len = 0;
	have_tio = false;
}

/* ---- keys ------------------------------------------------------------------ */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int read_mouse(struct ui_mouse *m)
{
	static uint64_t last_ms;
	static int last_y = -1, last_x = -1;
	MEVENT ev;
	uint64_t now;

	memset(m, 0, sizeof(*m));
	if (getmouse(&ev) != OK)
		return UK_NONE;
	m->y = ev.y;
	m->x = ev.x;
	if (ev.bstate & BUTTON4_PRESSED) {
		m->button = 4;
	} else if (ev.bstate & BUTTON5_PRESSED) {
		m->button = 5;
	} else if (ev.bstate & BUTTON1_PRESSED) {
		m->button = 1;
		now = mono_ms();
		m->double_click = ev.y == last_y && ev.x == last_x && now - last_ms < DOUBLE_CLICK_MS;
		last_ms = m->double_click ? 0 : now;
		last_y = ev.y;
		last_x = ev.x;
	} else {
		return UK_NONE;
	}
	return UK_MOUSE;
}

int ui_term_read_key(struct ui_mouse *mouse)
{
	wint_t ch;
	int rc = get_wch(&ch);

	if (rc == ERR)
		return UK_NO_KEY;
	if (rc == OK) {
		if (ch == 0x08 || ch == 0x7f)
			return UK_BACKSPACE;
		return (int)ch;
	}
	/* KEY_CODE_YES */
	switch (ch) {
	case KEY_UP: return UK_UP;
	case KEY_DOWN: return UK_DOWN;
	case KEY_LEFT: return UK_LEFT;
	case KEY_RIGHT: return UK_RIGHT;
	case KEY_PPAGE: return UK_PGUP;
	case KEY_NPAGE: return UK_PGDN;
	case KEY_HOME:
	case KEY_FIND:
	case KEY_A1:
		return UK_HOME;
	case KEY_END:
	case KEY_SELECT:
	case KEY_C1:
		return UK_END;
	case KEY_DC: return UK_DELETE;
	case KEY_BTAB: return UK_BTAB;
	case KEY_BACKSPACE: return UK_BACKSPACE;
	case KEY_ENTER: return UK_ENTER;
	case KEY_RESIZE: return UK_RESIZE;
	case KEY_MOUSE: return read_mouse(mouse);
	default:
		if (ch >= KEY_F(1) && ch <= KEY_F(12))
			return UK_F(ch - KEY_F0);
		return UK_NONE;
	}
}
