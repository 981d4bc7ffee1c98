// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's event loop: one poll() over the session source and stdin.
 * Drain sessions into the model, read every pending key, rebuild the view
 * only when something changed, redraw at a bounded frame rate. Keys are
 * turned into reactions by ui/keys.c; this file carries them out.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ncurses.h>

#include "core/csv.h"
#include "core/fmt.h"
#include "core/model.h"
#include "core/replay.h"
#include "core/view.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/monitor.h"
#include "ui/pace.h"
#include "ui/state.h"
#include "ui/status.h"
#include "ui/term.h"

#define FRAME_MS	UI_PACE_FRAME_MS	/* data alone redraws at most 20 times a second; a key at once */
#define TICK_MS		1000	/* header figures (sessions/s, clock) */
#define OPEN_EVERY_MS	1000	/* Open: a look at the sessions open, this often while shown */
#define MSG_MS		5000	/* how long a message stays in the status line */
#define MSG_ERROR_MS	10000
#define KEYS_PER_TURN	512	/* then drain again, even while keys keep coming */

/* While paused, the rows shown are copies: the model keeps changing under them. */
struct snapshot {
	struct view view;	/* kind, rows, n, sort, from_history, total: for drawing and export */
	struct session *sess;
	size_t sess_cap;
	struct agg_row *aggs;
	size_t aggs_cap;
	const void **rows;
	size_t rows_cap;
	uint64_t arrived;	/* sessions kept since, that the view's filter accepts */
	uint64_t pushed;	/* the history's sessions pushed when it was taken */
};

struct monitor {
	struct ui_state st;
	struct session_source *src;
	struct model *m;
	const struct ui_opts *opts;
	bool first_frame_done;		/* after_first_frame has run */
	/* One per kind, kept between switches: a sessions view comes back
	 * by an update, not a rebuild of the whole history. */
	struct view views[VIEW_COUNT];
	struct view open_view;		/* the Open tab's: Sessions over the model's look */
	uint64_t open_next_ms;		/* when the sessions open are looked at again */
	struct snapshot snap;
	struct ui_figures fig;
	struct source_stats stats;
	unsigned interval_ms;
	/* Drained at least this often: the interval, or, from a source that
	 * wakes its fd when sessions come (the spool), once a tick (for the
	 * header's figures): an idle monitor ran ten times a second. */
	unsigned drain_every_ms;
	bool eof;
	bool quit;
	int rc;
	char *err;
	size_t errlen;

	uint64_t last_drain_ms;
	uint64_t min_gap_ms;
	uint64_t last_stats_ms;		/* when the source's figures were read */
	bool seeded_said;		/* the sessions open at start were counted on screen */
	bool src_ready;
	uint64_t last_frame_ms;
	uint64_t next_tick_ms;
	uint64_t rate_ms;		/* the drain the rate was last counted to */
	uint64_t rate_total;
	unsigned seen_msg_seq;
	unsigned seen_log_seq;
	uint64_t msg_until_ms;
	unsigned confirm_seq;	/* msg_seq of "file exists" */
	char confirm_path[PATH_MAX];
	int last_drain_err;

	bool need_rebuild;
	bool rebuild_now;	/* a key asked for it: do not wait for the rebuild gap */
	bool frame_now;		/* a key changed the screen: draw without waiting for FRAME_MS */
	uint64_t last_build_ms;
	uint64_t built_total;	/* model->sessions_total at the last rebuild */
	bool need_redraw;
	uint64_t key_ms;	/* when the first key since the last frame came */

	/* timings, for TCPSCOPE_UI_TIMING */
	FILE *timing;
	/* Tests only (TCPSCOPE_TEST_STALL_FILE): after the first drain that
	 * brings sessions the loop stops, once, while this file exists (30 s at
	 * most), as when the kernel leaves it waiting for a CPU. */
	const char *test_stall_file;
	bool test_stalled;
	uint64_t build_us;
	uint64_t draw_us;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t mono_ms(void)
{
	return mono_us() / 1000;
}

/* The wall clock in ns, as sessions' close times are. */
static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- snapshot -------------------------------------------------------------- */

static void snapshot_fini(struct snapshot *s)
{
	free(s->sess);
	free(s->aggs);
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

static int snapshot_take(struct snapshot *s, const struct view *v)
{
	size_t i;

	if (v->kind == VIEW_SESSIONS && v->n > s->sess_cap) {
		struct session *ns = reallocarray(s->sess, v->n, sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		s->sess = ns;
		s->sess_cap = v->n;
	} else if (v->kind != VIEW_SESSIONS && v->n > s->aggs_cap) {
		struct agg_row *na = reallocarray(s->aggs, v->n, sizeof(*na));

		if (!na)
			return -ENOMEM;
		s->aggs = na;
		s->aggs_cap = v->n;
	}
	if (v->n > s->rows_cap) {
		const void **nr = reallocarray(s->rows, v->n, sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		s->rows = nr;
		s->rows_cap = v->n;
	}
	for (i = 0; i < v->n; i++) {
		if (v->kind == VIEW_SESSIONS) {
			s->sess[i] = *(const struct session *)v->rows[i];
			s->rows[i] = &s->sess[i];
		} else {
			s->aggs[i] = *(const struct agg_row *)v->rows[i];
			s->rows[i] = &s->aggs[i];
		}
	}
	memset(&s->view, 0, sizeof(s->view));
	s->view.kind = v->kind;
	s->view.rows = s->rows;
	s->view.n = v->n;
	s->view.from_history = v->from_history;
	s->view.total = v->total;
	s->view.sort = v->sort;
	s->arrived = 0;
	return 0;
}

/* ---- rows ------------------------------------------------------------------ */

static struct view *cur_view(struct monitor *mon)
{
	return mon->st.open_now ? &mon->open_view : &mon->views[mon->st.view];
}

/* Open: the sessions open now, into the model's look (a walk of the kernel's
 * TCP sockets, about a microsecond each); or why there is none. */
static void look_open(struct monitor *mon)
{
	char *said = mon->fig.open_said;
	size_t len = sizeof(mon->fig.open_said);
	int n;

	model_open_begin(mon->m);
	n = source_open_now(mon->src, model_open_sink, mon->m);
	model_open_end(mon->m, real_ns());
	mon->open_next_ms = mono_ms() + OPEN_EVERY_MS;
	if (n >= 0)
		said[0] = '\0';
	else if (n == -EOPNOTSUPP && mon->st.replay)
		snprintf(said, len, "Open lists the sessions open now, live: a replay has none.");
	else if (n == -EOPNOTSUPP)
		snprintf(said, len, "This kernel cannot list the sessions open (it needs BPF "
			 "iterators: Linux 5.9 or later).");
	else
		snprintf(said, len, "Cannot list the sessions open: %s.", strerror(-n));
}

/*
 * Memory for the Sessions view's rows for the whole history, now that the
 * first screen is up (best effort: failing that, they grow as needed). The
 * rows may move: what the screen points at follows them.
 */
static void reserve_sessions(struct monitor *mon)
{
	struct view *v = &mon->views[VIEW_SESSIONS];

	view_reserve(v, session_log_capacity(mon->m->log));
	if (mon->st.view == VIEW_SESSIONS && !mon->st.open_now && !mon->st.paused)
		ui_state_set_rows(&mon->st, v->rows, v->n, v->from_history);
}

/* The summaries' RATE is taken now (live), or at the replay's newest close:
 * for the build's sort, and the frames and exports that show its rows.
 * Paused, at the pause: the paused picture's rates stay what they were. */
static void set_rate_now(const struct monitor *mon)
{
	if (!mon->st.paused)
		columns_set_rate_now(mon->st.replay ? mon->m->last_end_ns : real_ns());
}

static void rebuild(struct monitor *mon)
{
	struct ui_state *st = &mon->st;
	uint64_t t0 = mono_us(), added, elapsed, now;
	int rc;

	mon->need_rebuild = false;
	mon->rebuild_now = false;
	cur_view(mon)->by_pid = st->procs_by_pid;
	cur_view(mon)->by_netns = st->by_netns;
	set_rate_now(mon);
	if (st->open_now && !st->paused && mono_ms() + TICK_MS / 2 >= mon->open_next_ms)
		look_open(mon);
	st->netns_several = mon->m->netns_several;
	rc = view_build(cur_view(mon), mon->m, st->view, &st->filter, &UI_VS(st)->sort);
	if (rc)
		ui_state_msg(st, MSG_ERROR, "cannot build the %s view: %s", view_kind_name(st->view),
			     strerror(-rc));
	mon->fig.view_total = cur_view(mon)->total;
	if (st->paused) {
		if (snapshot_take(&mon->snap, cur_view(mon))) {
			ui_state_msg(st, MSG_ERROR, "out of memory: cannot keep the paused picture");
			st->paused = false;
		}
	}
	if (st->paused)
		ui_state_set_rows(st, mon->snap.view.rows, mon->snap.view.n, mon->snap.view.from_history);
	else
		ui_state_set_rows(st, cur_view(mon)->rows, cur_view(mon)->n,
				  cur_view(mon)->from_history);
	mon->build_us = mono_us() - t0;
	now = mono_ms();
	/*
	 * Sessions are drained every interval whatever the screen costs (the
	 * ring buffer must never overflow for its sake). New data alone
	 * rebuilds and redraws no more often than ui_pace_gap_ms() says: the
	 * refresh interval, longer for a slow rebuild or a flood (pace.h);
	 * however often the kernel side wakes us to drain. A key rebuilds at
	 * once.
	 */
	added = mon->m->sessions_total >= mon->built_total ?
		mon->m->sessions_total - mon->built_total : mon->m->sessions_total;
	mon->built_total = mon->m->sessions_total;
	elapsed = now - mon->last_build_ms;
	mon->last_build_ms = now;
	mon->min_gap_ms = ui_pace_gap_ms(mon->build_us, mon->interval_ms, added, elapsed,
					 st->lay.rows_h);
	if (mon->timing) {
		fprintf(mon->timing,
			"rebuild added=%llu elapsed_ms=%llu page=%d gap_ms=%llu build_us=%llu\n",
			(unsigned long long)added, (unsigned long long)elapsed, st->lay.rows_h,
			(unsigned long long)mon->min_gap_ms, (unsigned long long)mon->build_us);
		fflush(mon->timing);
	}
	mon->need_redraw = true;
}

static const struct view *shown_view(const struct monitor *mon)
{
	return mon->st.paused ? &mon->snap.view :
	       mon->st.open_now ? &mon->open_view : &mon->views[mon->st.view];
}

/* ---- effects ---------------------------------------------------------------- */

static void expand_home(const char *in, char *out, size_t len)
{
	const char *home = getenv("HOME");

	if (in[0] == '~' && (in[1] == '/' || in[1] == '\0') && home && *home)
		snprintf(out, len, "%s%s", home, in + 1);
	else
		snprintf(out, len, "%s", in);
}

static void do_export(struct monitor *mon)
{
	struct ui_state *st = &mon->st;
	const struct view *v = shown_view(mon);
	char path[PATH_MAX], shown[PATH_MAX], err[PATH_MAX + 128];
	bool exists;
	int rc;

	expand_home(st->export_path, path, sizeof(path));
	fmt_escape(path, strlen(path), shown, sizeof(shown));
	/* A directory, a device, a pipe: said at once, never "replaced". */
	if (csv_export_target(path, &exists, err, sizeof(err))) {
		mon->confirm_path[0] = '\0';
		ui_state_msg(st, MSG_ERROR, "export failed: %s", err);
		return;
	}
	if (exists &&
	    (strcmp(mon->confirm_path, path) || mon->confirm_seq != st->msg_seq)) {
		snprintf(mon->confirm_path, sizeof(mon->confirm_path), "%s", path);
		ui_state_msg(st, MSG_WARN, "The file exists: Enter replaces it, Esc cancels.");
		mon->confirm_seq = st->msg_seq;
		ui_prompt_start(&st->prompt, st->export_path);
		st->pkind = PK_EXPORT;
		st->mode = MODE_PROMPT;
		return;
	}
	mon->confirm_path[0] = '\0';
	rc = csv_export_view(path, v, err, sizeof(err));
	if (rc)
		ui_state_msg(st, MSG_ERROR, "export failed: %s", err);
	else
		ui_state_msg(st, MSG_INFO, "exported %zu %s (by %s, %s) to %s", v->n,
			     view_kind_noun(v->kind, v->n),
			     column_by_id(v->kind, v->sort.col) ? column_by_id(v->kind, v->sort.col)->title
								: "?",
			     v->sort.descending ? "descending" : "ascending", shown);
}

static void apply(struct monitor *mon, unsigned r)
{
	struct ui_state *st = &mon->st;

	if (r & R_QUIT) {
		mon->quit = true;
		return;
	}
	if (r & R_RESIZE) {
		int lines, cols;

		getmaxyx(stdscr, lines, cols);
		ui_state_set_size(st, lines, cols);
		clearok(curscr, TRUE);
	}
	if (r & R_CLEAR)
		clearok(curscr, TRUE);
	if (r & R_PAUSE) {
		if (st->paused) {
			if (mon->need_rebuild)
				rebuild(mon);	/* pause exactly what is current */
			mon->snap.pushed = session_log_pushed(mon->m->log);
			if (snapshot_take(&mon->snap, cur_view(mon))) {
				st->paused = false;
				ui_state_msg(st, MSG_ERROR, "out of memory: cannot pause");
			} else {
				ui_state_set_rows(st, mon->snap.view.rows, mon->snap.view.n,
						  mon->snap.view.from_history);
			}
		} else {
			mon->need_rebuild = true;
			mon->rebuild_now = true;
		}
	}
	if (r & R_REBUILD) {
		mon->need_rebuild = true;
		mon->rebuild_now = true;
	}
	if (r & R_EXPORT) {
		if (mon->need_rebuild)
			rebuild(mon);
		do_export(mon);
	}
	if (r & (R_REDRAW | R_RESIZE | R_CLEAR | R_REBUILD | R_EXPORT | R_PAUSE)) {
		mon->need_redraw = true;
		mon->frame_now = true;
	}
}

/* ---- the source ------------------------------------------------------------- */

/*
 * Paused: each session into the model as always, and counted when it is
 * kept and the view's filter shows it ("+N new" is what resuming shows;
 * counted as it comes, before a small history can let it go).
 */
static int paused_sink(void *ctx, const struct session *s)
{
	struct monitor *mon = ctx;
	uint64_t before = mon->m->sessions_total;

	model_add(mon->m, s);
	if (mon->m->sessions_total != before && filter_accepts(&mon->st.filter, s))
		mon->snap.arrived++;
	return 0;
}

static void drain(struct monitor *mon)
{
	struct ui_state *st = &mon->st;
	int n;

	n = st->paused ? source_drain(mon->src, paused_sink, mon)
		       : source_drain(mon->src, model_sink, mon->m);
	if (n == -ENODATA) {
		mon->eof = true;
		if (!mon->fig.live) {
			unsigned long long total = mon->m->sessions_total;
			size_t cap = session_log_capacity(mon->m->log);

			/* A file larger than the history: Sessions shows its
			 * newest rows only (the summaries have them all). */
			/* the file ended inside its last row: the line for the
			 * messages (m), and a word of it with the end */
			const char *cut = replay_warning(mon->src);
			const char *cut_note = cut ? " (the last row, cut short, left out: m)" : "";

			if (cut)
				ui_status_add(MSG_WARN, cut);
			if (total > cap)
				ui_state_msg(st, MSG_WARN, "replay complete: %llu sessions%s; Sessions "
					     "keeps the newest %zu (--history %llu keeps them all)",
					     total, cut_note, cap, total);
			else
				ui_state_msg(st, cut ? MSG_WARN : MSG_INFO, "replay complete: %llu %s%s",
					     total, fmt_plural(total, "session", "sessions"), cut_note);
		}
		mon->need_redraw = true;
	} else if (n < 0 && n != -EINTR && n != -EAGAIN) {
		if (n != mon->last_drain_err)
			ui_state_msg(st, MSG_ERROR, "reading sessions failed: %s", strerror(-n));
		mon->last_drain_err = n;
		if (n == -EBADF || n == -EINVAL || n == -EIO) {
			snprintf(mon->err, mon->errlen, "reading sessions failed: %s", strerror(-n));
			mon->rc = 1;
			mon->quit = true;
		}
	} else if (n > 0) {
		mon->last_drain_err = 0;
		if (st->paused)
			mon->need_redraw = true;
		else
			mon->need_rebuild = true;
		if (mon->test_stall_file && !mon->test_stalled) {
			mon->test_stalled = true;
			for (int i = 0; i < 3000 && access(mon->test_stall_file, F_OK) == 0; i++)
				usleep(10 * 1000);
		}
	}
	/* The figures for the header: a few system calls, so not at every
	 * drain (the kernel side may wake us often under a flood). */
	if (mono_ms() >= mon->last_stats_ms + mon->interval_ms || n == -ENODATA) {
		source_stats(mon->src, &mon->stats);
		mon->last_stats_ms = mono_ms();
		/* The walk for sessions already open (right after the first
		 * screen) found some: say so once, as the stream does on
		 * stderr (until 2026-12-06 the monitor said nothing, and
		 * they showed nowhere until they closed). */
		if (mon->stats.seeded && !mon->seeded_said) {
			mon->seeded_said = true;
			ui_state_msg(st, MSG_INFO, "%llu %s open at start: followed, shown when %s "
				     "close (marked partial)", (unsigned long long)mon->stats.seeded,
				     fmt_plural(mon->stats.seeded, "session", "sessions"),
				     mon->stats.seeded == 1 ? "it" : "they");
		}
	}
}

/* ---- figures and messages --------------------------------------------------- */

/* A new status message: keep it for `m` and show it for a while. */
static void note_msg(struct monitor *mon, uint64_t now)
{
	struct ui_state *st = &mon->st;

	if (st->msg_seq == mon->seen_msg_seq)
		return;
	mon->seen_msg_seq = st->msg_seq;
	ui_status_add(st->msg_level, st->msg);
	mon->msg_until_ms = now + (st->msg_level == MSG_ERROR ? MSG_ERROR_MS : MSG_MS);
	mon->fig.msg_visible = true;
	mon->need_redraw = true;
}

/* A summary's RATE, shown or sorted by, changes with the clock alone: with
 * nothing closing it falls to 0 within two buckets (about 9 s) of the last
 * close. Rebuilt at the ticks meanwhile (live, not paused). */
static bool rates_move(const struct monitor *mon)
{
	const struct ui_state *st = &mon->st;

	if (st->replay || st->paused || st->view == VIEW_SESSIONS || !mon->m->last_end_ns ||
	    (UI_VS(st)->sort.col != COL_RATE && !ui_state_col_shown(st, COL_RATE)))
		return false;
	return real_ns() < mon->m->last_end_ns + 3 * AGG_RATE_BUCKET_NS;
}

static void tick(struct monitor *mon, uint64_t now)
{
	struct ui_state *st = &mon->st;

	if (now >= mon->next_tick_ms) {
		/* Sessions come in at drains: counted from the last drain
		 * before the previous tick to the last one now (about a
		 * second apart, or a refresh interval when that is longer).
		 * Counted by the clock, an interval of more than a second, or
		 * one that does not divide it, made the figure swing between
		 * 0 and several seconds' worth. */
		if (mon->last_drain_ms > mon->rate_ms) {
			/* (sessions_total moves only in drain(), which runs
			 * just before this in the loop) */
			if (mon->rate_ms)
				mon->fig.rate = (double)(mon->m->sessions_total - mon->rate_total) *
						1000.0 / (double)(mon->last_drain_ms - mon->rate_ms);
			mon->rate_ms = mon->last_drain_ms;
			mon->rate_total = mon->m->sessions_total;
		}
		mon->next_tick_ms = now + TICK_MS;
		mon->need_redraw = true;
		/* Open: the next look, with this tick (one wake-up a second) */
		if (st->open_now && !st->paused && now + TICK_MS / 2 >= mon->open_next_ms)
			mon->need_rebuild = true;
		if (rates_move(mon))
			mon->need_rebuild = true;
	}
	if (ui_status_log_seq() != mon->seen_log_seq) {
		size_t n = ui_status_count();

		mon->seen_log_seq = ui_status_log_seq();
		if (n) {
			ui_state_msg(st, MSG_WARN, "%s", ui_status_at(n - 1, NULL, NULL));
			mon->seen_msg_seq = st->msg_seq;
			mon->msg_until_ms = now + MSG_ERROR_MS;
			mon->need_redraw = true;
		}
	}
	note_msg(mon, now);
	if (mon->fig.msg_visible && now >= mon->msg_until_ms)
		mon->need_redraw = true;
	mon->fig.msg_visible = now < mon->msg_until_ms;
}

static void gather(struct monitor *mon)
{
	struct ui_figures *f = &mon->fig;

	f->total = mon->m->sessions_total;
	f->procs_evicted = agg_table_evicted(mon->m->by_proc);
	f->peers_evicted = agg_table_evicted(mon->m->by_peer);
	f->missed = mon->stats.missed;
	f->seen = mon->stats.sessions;
	f->untracked = mon->stats.table_full;
	f->hist_len = session_log_len(mon->m->log);
	f->hist_cap = session_log_capacity(mon->m->log);
	f->arrived = mon->st.paused ? mon->snap.arrived : 0;
	f->recent_before = mon->st.paused ? mon->snap.pushed : UINT64_MAX;
	f->eof = mon->eof;
	f->model = mon->m;
}

static void frame(struct monitor *mon, uint64_t now)
{
	uint64_t t0 = mono_us();

	mon->st.now = time(NULL);
	gather(mon);
	ui_draw(&mon->st, &mon->fig);
	refresh();
	mon->draw_us = mono_us() - t0;
	mon->last_frame_ms = now;
	mon->need_redraw = false;
	mon->frame_now = false;
	if (mon->timing && mon->key_ms) {
		fprintf(mon->timing, "key_to_frame_ms=%llu build_us=%llu draw_us=%llu rows=%zu\n",
			(unsigned long long)(mono_ms() - mon->key_ms),
			(unsigned long long)mon->build_us, (unsigned long long)mon->draw_us, mon->st.n);
		fflush(mon->timing);
	}
	mon->key_ms = 0;
}

/* ---- keys ------------------------------------------------------------------- */

static bool allowed_when_small(int key)
{
	return key == 'q' || key == UK_F(10) || key == UK_RESIZE || key == UK_CTRL_L;
}

static void read_keys(struct monitor *mon)
{
	struct ui_mouse mouse;
	unsigned r;
	int i, key;

	for (i = 0; i < KEYS_PER_TURN && !mon->quit; i++) {
		key = ui_term_read_key(&mouse);
		if (key == UK_NO_KEY)
			break;
		if (key == UK_NONE)
			continue;
		if (!mon->key_ms)
			mon->key_ms = mono_ms();
		if (mon->st.lay.too_small && key != UK_MOUSE && !allowed_when_small(key))
			continue;
		/* actions may look at the rows: make them current first */
		if (mon->need_rebuild)
			rebuild(mon);
		if (key == UK_MOUSE && mon->timing)
			fprintf(mon->timing, "mouse y=%d x=%d button=%d double=%d\n", mouse.y, mouse.x,
				mouse.button, mouse.double_click);
		if (key == UK_MOUSE)
			r = ui_state_click(&mon->st, mouse.y, mouse.x, mouse.button, mouse.double_click);
		else
			r = ui_keys_handle(&mon->st, key);
		if ((r & R_QUIT) && mon->timing)
			fprintf(mon->timing, "exit: key %d\n", key);
		apply(mon, r);
		note_msg(mon, mono_ms());
	}
}

/* ---- the loop --------------------------------------------------------------- */

/* When the pending rebuild may run: at once after a key, else after the gap. */
static uint64_t rebuild_at(const struct monitor *mon)
{
	return mon->rebuild_now ? 0 : mon->last_build_ms + mon->min_gap_ms;
}

static int next_timeout(const struct monitor *mon, uint64_t now)
{
	uint64_t t = now + 60000, d;

	if (!mon->eof) {
		d = mon->last_drain_ms + mon->drain_every_ms;
		if (d < t)
			t = d;
	}
	if (mon->need_rebuild) {
		d = rebuild_at(mon);
		if (d < t)
			t = d;
	}
	if (mon->next_tick_ms < t)
		t = mon->next_tick_ms;
	if (mon->fig.msg_visible && mon->msg_until_ms < t)
		t = mon->msg_until_ms;
	if (mon->need_redraw && !mon->need_rebuild) {
		d = mon->frame_now ? now : mon->last_frame_ms + FRAME_MS;
		if (d < t)
			t = d;
	}
	return t > now ? (int)(t - now) : 0;
}

static void run_loop(struct monitor *mon)
{
	int fd = source_fd(mon->src);

	while (!mon->quit) {
		struct pollfd pfd[3];
		uint64_t now = mono_ms();
		nfds_t nfds = 2;

		if (ui_term_suspend()) {
			/* back from Ctrl-Z: the whole screen again */
			mon->need_redraw = true;
			mon->frame_now = true;
		}
		if (ui_term_stop_signal()) {
			if (mon->timing)
				fprintf(mon->timing, "exit: signal %d\n", ui_term_stop_signal());
			break;
		}
		if (!mon->eof && (now >= mon->last_drain_ms + mon->drain_every_ms || mon->src_ready)) {
			drain(mon);
			mon->last_drain_ms = now;
			mon->src_ready = false;
			if (mon->quit)
				break;
		}
		tick(mon, now);
		if (mon->need_rebuild && now >= rebuild_at(mon))
			rebuild(mon);
		/* never draw a stale view: its rows may point at freed rows */
		if (mon->need_redraw && !mon->need_rebuild &&
		    (mon->frame_now || now >= mon->last_frame_ms + FRAME_MS)) {
			frame(mon, now);
			if (!mon->first_frame_done) {
				if (mon->opts->after_first_frame)
					mon->opts->after_first_frame(mon->opts->after_first_frame_ctx);
				reserve_sessions(mon);
				if (mon->timing) {
					fprintf(mon->timing, "started\n");
					fflush(mon->timing);
				}
			}
			mon->first_frame_done = true;
		}

		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		/* a signal between the checks above and the poll wakes it */
		pfd[1].fd = ui_term_wake_fd();
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		if (fd >= 0 && !mon->eof) {
			pfd[2].fd = fd;
			pfd[2].events = POLLIN;
			pfd[2].revents = 0;
			nfds = 3;
		}
		if (poll(pfd, nfds, next_timeout(mon, mono_ms())) > 0 && nfds == 3 && pfd[2].revents)
			mon->src_ready = true;
		if (pfd[1].revents)
			ui_term_wake_drain();
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* the terminal went away */
			if (mon->timing)
				fprintf(mon->timing, "exit: stdin revents 0x%x\n", pfd[0].revents);
			mon->quit = true;
			break;
		}
		read_keys(mon);
	}
}

int ui_monitor_run(struct session_source *src, struct model *m, const struct ui_opts *opts,
		   char *err, size_t errlen)
{
	struct monitor *mon;
	const char *timing;
	int lines, cols, rc;

	mon = calloc(1, sizeof(*mon));
	if (!mon) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	mon->src = src;
	mon->m = m;
	mon->opts = opts;
	mon->err = err;
	mon->errlen = errlen;
	mon->interval_ms = opts->interval_ms ? opts->interval_ms : 100;
	mon->min_gap_ms = FRAME_MS < mon->interval_ms ? FRAME_MS : mon->interval_ms;
	mon->drain_every_ms = mon->interval_ms;
	if (src->wakes_on_data && mon->drain_every_ms < TICK_MS)
		mon->drain_every_ms = TICK_MS;
	mon->fig.source_label = opts->source_label;
	mon->fig.live = !opts->replay;
	mon->fig.rate = -1;
	for (int i = 0; i < VIEW_COUNT; i++)
		view_init(&mon->views[i]);
	view_init(&mon->open_view);
	mon->open_view.open = true;
	if (ui_state_init(&mon->st, opts->wide, opts->replay, opts->kept)) {
		snprintf(err, errlen, "out of memory");
		free(mon);
		return 1;
	}
	mon->test_stall_file = getenv("TCPSCOPE_TEST_STALL_FILE");
	timing = getenv("TCPSCOPE_UI_TIMING");
	if (timing && *timing)
		mon->timing = fopen(timing, "a");

	rc = ui_term_open(opts->no_color, err, errlen);
	if (rc) {
		/* 1: stopped while it waited in the background, a quit as any */
		rc = rc == 1 ? 0 : 1;
		goto out;
	}
	ui_status_set_active(true);
	getmaxyx(stdscr, lines, cols);
	ui_state_set_size(&mon->st, lines, cols);
	mon->st.now = time(NULL);
	mon->seen_log_seq = ui_status_log_seq();
	if (ui_status_count()) {
		/* what the collector said while starting */
		ui_state_msg(&mon->st, MSG_WARN, "%s", ui_status_at(ui_status_count() - 1, NULL, NULL));
		mon->seen_msg_seq = mon->st.msg_seq;
		mon->msg_until_ms = mono_ms() + MSG_ERROR_MS;
		mon->fig.msg_visible = true;
	}
	mon->need_rebuild = true;
	mon->need_redraw = true;

	run_loop(mon);

	ui_term_close();
	ui_status_set_active(false);
	rc = mon->rc;
out:
	if (mon->timing)
		fclose(mon->timing);
	snapshot_fini(&mon->snap);
	for (int i = 0; i < VIEW_COUNT; i++)
		view_fini(&mon->views[i]);
	view_fini(&mon->open_view);
	ui_state_fini(&mon->st);
	free(mon);
	return rc;
}
