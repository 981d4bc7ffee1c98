/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session filters: what -p/-L/-D/-P/-4/-6/-c set at start and what the UI
 * toggles later (the `f` key, the `/` search). Kinds are ANDed; within one
 * set the members are ORed:
 *   pids    pid in set
 *   lports  local port in set (tcplife -L)
 *   rports  remote port in set (tcplife -D); -L and -D together mean AND
 *   ports   local OR remote port in set (-P: "port 8000 on either side")
 *   family  0 any, AF_INET, AF_INET6
 *   peer    the remote address, exactly (a Peers row's `f`; IPv4 mapped)
 *   comm    substring of the comm as shown: escaped (fmt_comm_escape), "?"
 *           for a session with no owner (session_no_owner()); case-sensitive
 *   netns   network namespace (inode number) in set
 *   failures  only sessions that did not end in an orderly close
 *           (session_is_failure(): resets, refusals, timeouts, unreachable,
 *           abandoned connects)
 *   search  free text, case-insensitive (ASCII), matched against the
 *           comm as shown, both addresses as text and both ports as text;
 *           a whole IPv4 address ("10.0.0.5") or a bracketed IPv6 one
 *           ("[::1]"), alone or with a port ("10.0.0.5:443", "[::1]:443"),
 *           is matched exactly against either side's address (and that
 *           side's port); IPv6 without brackets stays text ("db8::ab"
 *           finds 2001:db8::abcd)
 *
 * A struct filter owns heap memory (the sets): filter_init() it, and
 * filter_clear() it when done. Zero-initialised memory is a valid empty
 * filter too.
 */
#ifndef TCPSCOPE_CORE_FILTER_H
#define TCPSCOPE_CORE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/session.h"

#define FILTER_PID_MAX		4194304u	/* PID_MAX_LIMIT */
#define FILTER_MAX_ITEMS	1024		/* items in one parsed list */
#define FILTER_TEXT_LEN		64		/* comm / search text, with NUL */

struct id_range {
	uint32_t lo, hi;	/* inclusive */
};

/* A set of numbers kept as sorted, merged, disjoint ranges (never expanded). */
struct id_set {
	struct id_range *ranges;
	size_t n, cap;
};

void id_set_init(struct id_set *set);
void id_set_clear(struct id_set *set);		/* frees; the set is empty and reusable */
static inline bool id_set_is_empty(const struct id_set *set) { return set->n == 0; }
/* Add [lo, hi]. 0, -EINVAL (lo > hi) or -ENOMEM. */
int id_set_add_range(struct id_set *set, uint32_t lo, uint32_t hi);
bool id_set_contains(const struct id_set *set, uint32_t v);
/* Copy src into dst (dst's old contents are freed). 0 or -ENOMEM. */
int id_set_copy(struct id_set *dst, const struct id_set *src);
/*
 * "80,443,8000-8010". Returns the length, or -ENOSPC when it did not fit:
 * buf then holds as much as fits, ending in "...".
 */
int id_set_format(const struct id_set *set, char *buf, size_t len);

struct filter {
	struct id_set pids;
	struct id_set lports;
	struct id_set rports;
	struct id_set ports;
	struct id_set services;	/* the service port (session_service_port()): a Ports row's */
	struct id_set netns;	/* network namespaces, by inode number */
	bool has_peer;		/* only sessions with this remote address: a Peers row's */
	struct in6_addr peer;	/* IPv4 mapped, as in sessions */
	int family;
	char comm[FILTER_TEXT_LEN];
	bool comm_exact;	/* comm is the whole name (a row's `f`), not a part */
	bool failures;		/* only sessions with session_is_failure() */
	/* Set with filter_set_search(): kept lower-cased, with hints; and
	 * as typed, for showing. */
	char search[FILTER_TEXT_LEN];
	char search_typed[FILTER_TEXT_LEN];
	bool search_addr_chars;	/* search could be part of an address */
	bool search_digits;	/* search could be part of a port */
	bool search_exact;	/* search is a whole address: search_addr[, search_port] */
	uint16_t search_port;	/* 0: any */
	struct in6_addr search_addr;	/* IPv4 mapped, as in sessions */
};

void filter_init(struct filter *f);
void filter_clear(struct filter *f);		/* frees and empties; reusable */
bool filter_is_empty(const struct filter *f);
bool filter_accepts(const struct filter *f, const struct session *s);
/* Whether f decides on the process alone (pids, comm; nothing else set):
 * it can then be applied to a process's lifetime totals. */
bool filter_is_process_only(const struct filter *f);
/* What filter_accepts() decides for any session of this process, for a
 * filter_is_process_only() filter. */
bool filter_accepts_process(const struct filter *f, uint32_t pid, const char *comm);
/* Whether f decides on the service port alone (a Ports row's `f`; nothing
 * else set): it can then be applied to a port's lifetime totals, with
 * filter_accepts_service(). */
bool filter_is_service_only(const struct filter *f);
bool filter_accepts_service(const struct filter *f, uint16_t port);
/* Likewise for the remote address alone (a Peers row's `f`). */
bool filter_is_peer_only(const struct filter *f);
bool filter_accepts_peer(const struct filter *f, const struct in6_addr *addr);
/* Deep copy. 0 or -ENOMEM (dst is then empty). dst must be initialised. */
int filter_copy(struct filter *dst, const struct filter *src);
/* Same criteria (what filter_accepts() decides on). */
bool filter_equal(const struct filter *a, const struct filter *b);

/*
 * Parse a list like "80", "80,443", "8000-8010", " 80 , 443 " and add it to
 * set. On error nothing is added, err gets one line without a trailing
 * newline ("bad port 'x'", "reversed range 8010-8000", ...) and -EINVAL (or
 * -ENOMEM) is returned. Ports are 1-65535, PIDs 1-FILTER_PID_MAX.
 */
int filter_parse_pids(const char *text, struct id_set *set, char *err, size_t errlen);
int filter_parse_ports(const char *text, struct id_set *set, char *err, size_t errlen);
/*
 * Network namespaces: each item an inode number or a range of them (as
 * lsns(8) and /proc/PID/ns/net give them), a path to a namespace
 * ("/proc/1234/ns/net", "/run/netns/blue": it contains a '/') or a name
 * that ip-netns(8) gave one ("blue": /run/netns/blue). A path or name is
 * looked up now; one that is not a network namespace is an error.
 */
int filter_parse_netns(const char *text, struct id_set *set, char *err, size_t errlen);

/* Setters for the UI. 0, -EINVAL (text too long / bad family) or -ENOMEM. */
int filter_set_comm(struct filter *f, const char *text);	/* "" clears; a part of the name */
/* pids = { pid } and the name exactly as shown (escaped): one process, as a
 * Processes row is (an exec'd name is another row). 0, -EINVAL (a name
 * too long to hold: then by pid alone) or -ENOMEM. */
int filter_only_process(struct filter *f, uint32_t pid, const char *shown_name);
int filter_set_search(struct filter *f, const char *text);	/* "" clears */
int filter_set_family(struct filter *f, int family);		/* 0, AF_INET, AF_INET6 */
void filter_set_failures(struct filter *f, bool on);	/* only failed sessions, or any */
int filter_only_pid(struct filter *f, uint32_t pid);		/* pids = { pid } */
int filter_only_port(struct filter *f, uint16_t port);		/* ports = { port } (either side) */
int filter_only_service(struct filter *f, uint16_t port);	/* services = { port }: a Ports row */
void filter_only_peer(struct filter *f, const struct in6_addr *addr);	/* a Peers row */

/*
 * Short text for a header: "port 80,443  pid 123  comm nginx  IPv4  failures", empty
 * for an empty filter. Always NUL-terminated (len > 0); returns the length.
 * Text that does not fit is cut and ends in "...".
 */
int filter_describe(const struct filter *f, char *buf, size_t len);

#endif
