/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live collector: loads the kernel program, attaches it, seeds the
 * sessions already open, and delivers closed sessions as a session_source.
 * The only user of libbpf and the skeleton. Opaque to ui/.
 */
#ifndef TCPSCOPE_BPF_COLLECTOR_H
#define TCPSCOPE_BPF_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include "core/source.h"

enum collector_hook {
	HOOK_AUTO = 0,		/* tp_btf, falling back to the classic tracepoint */
	HOOK_TP_BTF,
	HOOK_TRACEPOINT,
};

struct collector_opts {
	enum collector_hook hook;
	size_t max_sockets;	/* concurrently open sockets tracked; 0 = default */
	size_t ring_bytes;	/* kernel buffers in all (the lanes, or the ring buffer);
				 * a power of two; 0 = default */
	bool no_seed;		/* do not look for sessions open at start-up */
	bool defer_seed;	/* look for them only at collector_seed() (the
				 * monitor draws its first screen first) */
	const char *btf_path;	/* kernel BTF for CO-RE; NULL = /sys/kernel/btf/vmlinux */
	/* Where libbpf's and the collector's messages go (NULL: stderr). */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
	bool verbose;		/* pass libbpf's debug messages too */
	/* Called once the hook is attached (every close is seen from then
	 * on), before sessions open at start-up are looked for. */
	void (*on_attached)(void *ctx, const char *hook);
	void *on_attached_ctx;
};

#define COLLECTOR_DEFAULT_SOCKETS	65536
#define COLLECTOR_DEFAULT_RING_BYTES	(8u << 20)
#define COLLECTOR_AWAIT_MS		500	/* a session reset under its owner waits for it */
#define COLLECTOR_SLOTS			16384	/* lock-free per-socket slots (tp_btf) */
#ifndef COLLECTOR_LANE_WAKE_DIV
#define COLLECTOR_LANE_WAKE_DIV		2	/* wake user space when a lane is this part full */
#endif
#ifndef COLLECTOR_LANE_RECORDS
#define COLLECTOR_LANE_RECORDS		4096	/* records per CPU lane (tp_btf), at most */
#endif

/* Load and attach. On failure returns NULL and writes one actionable line
 * (no trailing newline) into err. */
struct session_source *collector_open(const struct collector_opts *opts, char *err, size_t errlen);

/* With defer_seed: look for the sessions open now (once; later calls do
 * nothing). A failure is reported through the log and leaves them to show
 * up as partial. src must come from collector_open(). */
void collector_seed(struct session_source *src);

#endif
