// SPDX-License-Identifier: GPL-2.0
/* Session filters and their parsers; see filter.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "core/filter.h"
#include "core/fmt.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* ---- id_set ----------------------------------------------------------- */

void id_set_init(struct id_set *set)
{
	memset(set, 0, sizeof(*set));
}

void id_set_clear(struct id_set *set)
{
	free(set->ranges);
	id_set_init(set);
}

/* Append without keeping the set normalised. */
static int id_set_push(struct id_set *set, uint32_t lo, uint32_t hi)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 4;
		struct id_range *r = reallocarray(set->ranges, cap, sizeof(*r));

		if (!r)
			return -ENOMEM;
		set->ranges = r;
		set->cap = cap;
	}
	set->ranges[set->n].lo = lo;
	set->ranges[set->n].hi = hi;
	set->n++;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct id_range *x = a, *y = b;
	int c = CMP(x->lo, y->lo);

	return c ? c : CMP(x->hi, y->hi);
}

/* Sort and merge overlapping or adjacent ranges. */
static void id_set_normalize(struct id_set *set)
{
	size_t i, o = 0;

	if (set->n < 2)
		return;
	qsort(set->ranges, set->n, sizeof(*set->ranges), range_cmp);
	for (i = 1; i < set->n; i++) {
		struct id_range *last = &set->ranges[o];
		const struct id_range *r = &set->ranges[i];

		if (last->hi == UINT32_MAX || r->lo <= last->hi + 1) {
			if (r->hi > last->hi)
				last->hi = r->hi;
		} else {
			set->ranges[++o] = *r;
		}
	}
	set->n = o + 1;
}

int id_set_add_range(struct id_set *set, uint32_t lo, uint32_t hi)
{
	int err;

	if (lo > hi)
		return -EINVAL;
	err = id_set_push(set, lo, hi);
	if (err)
		return err;
	id_set_normalize(set);
	return 0;
}

bool id_set_contains(const struct id_set *set, uint32_t v)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct id_range *r = &set->ranges[mid];

		if (v < r->lo)
			hi = mid;
		else if (v > r->hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int id_set_copy(struct id_set *dst, const struct id_set *src)
{
	struct id_range *r = NULL;

	if (dst == src)
		return 0;
	if (src->n) {
		r = malloc(src->n * sizeof(*r));
		if (!r) {
			id_set_clear(dst);
			return -ENOMEM;
		}
		memcpy(r, src->ranges, src->n * sizeof(*r));
	}
	free(dst->ranges);
	dst->ranges = r;
	dst->n = dst->cap = src->n;
	return 0;
}

/* Append text to buf at *pos; on overflow cut it and end with "...". */
static bool append(char *buf, size_t len, size_t *pos, const char *text)
{
	size_t n = strlen(text);

	if (*pos + n < len) {
		memcpy(buf + *pos, text, n + 1);
		*pos += n;
		return true;
	}
	if (len < 4) {
		buf[0] = '\0';
		*pos = 0;
		return false;
	}
	/* Keep what fits before "...", never splitting a UTF-8 sequence. */
	if (*pos < len - 4) {
		memcpy(buf + *pos, text, len - 4 - *pos);
	}
	*pos = len - 4;
	while (*pos > 0 && ((unsigned char)buf[*pos] & 0xc0) == 0x80)
		(*pos)--;
	memcpy(buf + *pos, "...", 4);
	*pos += 3;
	return false;
}

int id_set_format(const struct id_set *set, char *buf, size_t len)
{
	size_t i, pos = 0;
	char item[32];

	if (!buf || len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < set->n; i++) {
		const struct id_range *r = &set->ranges[i];

		if (r->lo == r->hi)
			snprintf(item, sizeof(item), "%s%u", i ? "," : "", r->lo);
		else
			snprintf(item, sizeof(item), "%s%u-%u", i ? "," : "", r->lo, r->hi);
		if (!append(buf, len, &pos, item))
			return -ENOSPC;
	}
	return (int)pos;
}

/* ---- parsers -------------------------------------------------------------- */


/* Untrusted text for an error message: escaped and cut short. */
static const char *show(const char *s, size_t n, char *buf, size_t len)
{
	size_t cut = n > 24 ? 24 : n;
	size_t w = fmt_escape(s, cut, buf, len);

	if (cut < n && w + 4 <= len)
		memcpy(buf + w, "...", 4);
	return buf;
}

/* Decimal digits at *p (no sign); advances *p. 0, -EINVAL (no digit) or -ERANGE (> max). */
static int parse_num(const char **p, uint32_t max, uint32_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	if (v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * An item that is not a number, for a list that takes namespaces: the
 * namespace's inode number, from its path or ip-netns name. 0, or -EINVAL
 * with err set.
 */
typedef int (*item_lookup_fn)(const char *item, size_t len, uint32_t *out, char *err,
			      size_t errlen);

static int parse_list(const char *text, struct id_set *set, const char *what, uint32_t max,
		      item_lookup_fn lookup, char *err, size_t errlen)
{
	struct id_set tmp;
	const char *p = text;
	char shown[FMT_COMM_ESC_LEN * 2];
	size_t items = 0;
	int ret = -EINVAL;

	id_set_init(&tmp);
	if (!text || *skip_ws(text) == '\0') {
		fmt_err(err, errlen, "empty %s list", what);
		goto out;
	}
	for (;;) {
		const char *item, *end, *num;
		uint32_t lo, hi;
		int rc;

		p = skip_ws(p);
		item = p;
		end = item + strcspn(item, ",");
		if (skip_ws(item) == end) {
			fmt_err(err, errlen, "empty item in %s list '%s'", what,
				show(text, strlen(text), shown, sizeof(shown)));
			goto out;
		}
		if (++items > FILTER_MAX_ITEMS) {
			fmt_err(err, errlen, "too many items in %s list (max %d)", what,
				FILTER_MAX_ITEMS);
			goto out;
		}
		num = p;
		/* not digits and a range's dash: a name or a path ("1blue" too) */
		if (lookup && strspn(item, "0123456789 \t-") < (size_t)(end - item)) {
			size_t len = (size_t)(end - item);

			while (len && (item[len - 1] == ' ' || item[len - 1] == '\t'))
				len--;
			if (lookup(item, len, &lo, err, errlen) < 0)
				goto out;
			hi = lo;
			goto push;
		}
		rc = parse_num(&p, max, &lo);
		hi = lo;
		if (!rc) {
			p = skip_ws(p);
			if (*p == '-') {
				p = skip_ws(p + 1);
				num = p;
				rc = parse_num(&p, max, &hi);
				p = skip_ws(p);
			}
		}
		if (rc == -ERANGE) {
			fmt_err(err, errlen, "%s %s out of range (%u-%u)", what,
				show(num, (size_t)(p - num), shown, sizeof(shown)),
				max == FILTER_PID_MAX ? 0 : 1, max);
			goto out;
		}
		if (rc || p != end) {
			/* Trim trailing blanks of the item for the message. */
			while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			fmt_err(err, errlen, "bad %s '%s'", what,
				show(item, (size_t)(end - item), shown, sizeof(shown)));
			goto out;
		}
		/* pid 0: the sessions with no owner known (a port is never 0) */
		if ((lo == 0 || hi == 0) && max != FILTER_PID_MAX) {
			fmt_err(err, errlen, "%s 0 out of range (1-%u)", what, max);
			goto out;
		}
		if (lo > hi) {
			fmt_err(err, errlen, "reversed %s range %u-%u", what, lo, hi);
			goto out;
		}
push:
		if (id_set_push(&tmp, lo, hi) < 0)
			goto nomem;
		if (*end == '\0')
			break;
		p = end + 1;
	}

	/* Merge into the caller's set all at once, so errors leave it unchanged. */
	{
		size_t i;

		for (i = 0; i < set->n; i++)
			if (id_set_push(&tmp, set->ranges[i].lo, set->ranges[i].hi) < 0)
				goto nomem;
		id_set_normalize(&tmp);
		id_set_clear(set);
		*set = tmp;
		return 0;
	}

nomem:
	fmt_err(err, errlen, "out of memory");
	ret = -ENOMEM;
out:
	id_set_clear(&tmp);
	return ret;
}

int filter_parse_pids(const char *text, struct id_set *set, char *err, size_t errlen)
{
	return parse_list(text, set, "pid", FILTER_PID_MAX, NULL, err, errlen);
}

int filter_parse_ports(const char *text, struct id_set *set, char *err, size_t errlen)
{
	return parse_list(text, set, "port", 65535, NULL, err, errlen);
}

#define NETNS_RUN_DIR "/run/netns/"

static int netns_lookup(const char *item, size_t len, uint32_t *out, char *err, size_t errlen)
{
	char path[4096], shown[FMT_COMM_ESC_LEN * 2];
	struct statfs sfs;
	struct stat st;
	int fd, type;

	show(item, len, shown, sizeof(shown));
	if (memchr(item, '/', len)) {
		if (len >= sizeof(path))
			goto bad;
		memcpy(path, item, len);
		path[len] = '\0';
	} else {
		/* a name ip-netns(8) gave: no dots alone, nothing but a name */
		if (len + sizeof(NETNS_RUN_DIR) > sizeof(path) ||
		    (len <= 2 && !strncmp(item, "..", len)))
			goto bad;
		memcpy(path, NETNS_RUN_DIR, sizeof(NETNS_RUN_DIR) - 1);
		memcpy(path + sizeof(NETNS_RUN_DIR) - 1, item, len);
		path[sizeof(NETNS_RUN_DIR) - 1 + len] = '\0';
	}
	/* Only a namespace's file is opened: a device's open can have effects
	 * (a watchdog starts counting). */
	if (statfs(path, &sfs) == 0 && sfs.f_type != NSFS_MAGIC) {
		fmt_err(err, errlen, "netns '%s': not a network namespace", shown);
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && !memchr(item, '/', len))
			fmt_err(err, errlen, "no network namespace named '%s' (in %s)", shown,
				NETNS_RUN_DIR);
		else
			fmt_err(err, errlen, "netns '%s': %s", shown, strerror(errno));
		return -EINVAL;
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET || fstat(fd, &st) < 0 || st.st_ino == 0 ||
	    st.st_ino > UINT32_MAX) {
		close(fd);
		fmt_err(err, errlen, "netns '%s': not a network namespace", shown);
		return -EINVAL;
	}
	close(fd);
	*out = (uint32_t)st.st_ino;
	return 0;
bad:
	fmt_err(err, errlen, "bad netns '%s'", shown);
	return -EINVAL;
}

int filter_parse_netns(const char *text, struct id_set *set, char *err, size_t errlen)
{
	return parse_list(text, set, "netns", UINT32_MAX, netns_lookup, err, errlen);
}

/* ---- filter --------------------------------------------------------------- */

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

void filter_clear(struct filter *f)
{
	id_set_clear(&f->pids);
	id_set_clear(&f->lports);
	id_set_clear(&f->rports);
	id_set_clear(&f->ports);
	id_set_clear(&f->services);
	id_set_clear(&f->netns);
	filter_init(f);
}

bool filter_is_empty(const struct filter *f)
{
	return id_set_is_empty(&f->pids) && id_set_is_empty(&f->lports) &&
	       id_set_is_empty(&f->rports) && id_set_is_empty(&f->ports) &&
	       id_set_is_empty(&f->services) && id_set_is_empty(&f->netns) && !f->has_peer &&
	       !f->family && !f->comm[0] &&
	       !f->search[0] && !f->failures;
}

int filter_copy(struct filter *dst, const struct filter *src)
{
	if (dst == src)
		return 0;
	if (id_set_copy(&dst->pids, &src->pids) < 0 ||
	    id_set_copy(&dst->lports, &src->lports) < 0 ||
	    id_set_copy(&dst->rports, &src->rports) < 0 ||
	    id_set_copy(&dst->ports, &src->ports) < 0 ||
	    id_set_copy(&dst->services, &src->services) < 0 ||
	    id_set_copy(&dst->netns, &src->netns) < 0) {
		filter_clear(dst);
		return -ENOMEM;
	}
	dst->has_peer = src->has_peer;
	dst->peer = src->peer;
	dst->family = src->family;
	memcpy(dst->comm, src->comm, sizeof(dst->comm));
	dst->comm_exact = src->comm_exact;
	dst->failures = src->failures;
	memcpy(dst->search, src->search, sizeof(dst->search));
	memcpy(dst->search_typed, src->search_typed, sizeof(dst->search_typed));
	dst->search_addr_chars = src->search_addr_chars;
	dst->search_digits = src->search_digits;
	dst->search_exact = src->search_exact;
	dst->search_port = src->search_port;
	dst->search_addr = src->search_addr;
	return 0;
}

static bool id_set_equal(const struct id_set *a, const struct id_set *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->ranges, b->ranges, a->n * sizeof(*a->ranges)));
}

bool filter_equal(const struct filter *a, const struct filter *b)
{
	return id_set_equal(&a->pids, &b->pids) && id_set_equal(&a->lports, &b->lports) &&
	       id_set_equal(&a->rports, &b->rports) && id_set_equal(&a->ports, &b->ports) &&
	       id_set_equal(&a->services, &b->services) && id_set_equal(&a->netns, &b->netns) &&
	       a->has_peer == b->has_peer &&
	       (!a->has_peer || IN6_ARE_ADDR_EQUAL(&a->peer, &b->peer)) &&
	       a->family == b->family && !strcmp(a->comm, b->comm) && a->comm_exact == b->comm_exact &&
	       a->failures == b->failures && !strcmp(a->search, b->search);
}

void filter_set_failures(struct filter *f, bool on)
{
	f->failures = on;
}

int filter_set_comm(struct filter *f, const char *text)
{
	if (!text)
		text = "";
	if (strlen(text) >= sizeof(f->comm))
		return -EINVAL;
	strcpy(f->comm, text);
	f->comm_exact = false;
	return 0;
}

int filter_only_process(struct filter *f, uint32_t pid, const char *shown_name)
{
	int err = filter_only_pid(f, pid);

	if (err)
		return err;
	f->comm[0] = '\0';
	f->comm_exact = false;
	if (strlen(shown_name) >= sizeof(f->comm))
		return -EINVAL;
	strcpy(f->comm, shown_name);
	f->comm_exact = shown_name[0] != '\0';
	return 0;
}

/* The name as shown (esc) against the comm filter: a part of it, or the
 * whole (a row's `f`). */
static bool comm_matches(const struct filter *f, const char *esc)
{
	return f->comm_exact ? !strcmp(esc, f->comm) : strstr(esc, f->comm) != NULL;
}

/* A port's text: 1-65535, digits only, the whole text. */
static bool parse_port(const char *p, uint16_t *port)
{
	uint32_t v;

	if (parse_num(&p, 65535, &v) || *p || !v)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* A whole address, with a port or not: "10.0.0.5", "10.0.0.5:443",
 * "[fd00::1]", "[fd00::1]:443". */
static bool parse_search_addr(const char *text, struct in6_addr *addr, uint16_t *port)
{
	char buf[FILTER_TEXT_LEN];
	const char *colon;
	size_t n = strlen(text);

	*port = 0;
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, text, n + 1);
	if (buf[0] == '[') {
		char *end = strchr(buf, ']');

		if (!end || !strchr(buf, ':'))
			return false;
		*end = '\0';
		if (end[1] && (end[1] != ':' || !parse_port(end + 2, port)))
			return false;
		return fmt_addr_parse(buf + 1, addr) == 0;
	}
	/* IPv4, or IPv4:port. IPv6 only in brackets: "db8::ab" is an
	 * address, but also what one types to find 2001:db8::abcd. */
	colon = strchr(buf, ':');
	if (colon) {
		if (strchr(colon + 1, ':') || !parse_port(colon + 1, port))
			return false;
		buf[colon - buf] = '\0';
	}
	return strchr(buf, '.') && fmt_addr_parse(buf, addr) == 0;
}

int filter_set_search(struct filter *f, const char *text)
{
	size_t i, n;

	if (!text)
		text = "";
	n = strlen(text);
	if (n >= sizeof(f->search))
		return -EINVAL;
	for (i = 0; i <= n; i++)
		f->search[i] = (char)tolower((unsigned char)text[i]);
	memcpy(f->search_typed, text, n + 1);
	f->search_digits = n && strspn(f->search, "0123456789") == n;
	f->search_addr_chars = n && strspn(f->search, "0123456789abcdef.:") == n;
	f->search_exact = n && parse_search_addr(f->search, &f->search_addr, &f->search_port);
	return 0;
}

int filter_set_family(struct filter *f, int family)
{
	if (family != 0 && family != AF_INET && family != AF_INET6)
		return -EINVAL;
	f->family = family;
	return 0;
}

int filter_only_pid(struct filter *f, uint32_t pid)
{
	id_set_clear(&f->pids);
	return id_set_add_range(&f->pids, pid, pid);
}

int filter_only_port(struct filter *f, uint16_t port)
{
	id_set_clear(&f->ports);
	return id_set_add_range(&f->ports, port, port);
}

int filter_only_service(struct filter *f, uint16_t port)
{
	id_set_clear(&f->services);
	return id_set_add_range(&f->services, port, port);
}

void filter_only_peer(struct filter *f, const struct in6_addr *addr)
{
	f->has_peer = true;
	f->peer = *addr;
}

/* ASCII lower-case copy of s into buf (len > 0). */
static void lower_copy(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i]; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
}

/* Decimal text of a port, at the end of buf[8]. */
static const char *port_text(char buf[8], uint16_t port)
{
	char *p = buf + 7;

	*p = '\0';
	do {
		*--p = (char)('0' + port % 10);
		port /= 10;
	} while (port);
	return p;
}

/* The name as the screen shows it, which `c` and `/` look in: escaped, and
 * "?" for a session with no owner (until 2026-12-06 `c ?` did not find
 * those rows). */
static void shown_comm(uint32_t pid, const char *comm, char *out, size_t len)
{
	if (session_no_owner(pid, comm))
		snprintf(out, len, "%s", SESSION_NO_OWNER_COMM);
	else
		fmt_comm_escape(comm, out, len);
}

static bool search_matches(const struct filter *f, const struct session *s, const char *comm_esc)
{
	char text[FMT_COMM_ESC_LEN > FMT_ADDR_LEN ? FMT_COMM_ESC_LEN : FMT_ADDR_LEN];
	char port[8];

	if (f->search_exact)	/* a whole address: that address, not text containing it */
		return (IN6_ARE_ADDR_EQUAL(&s->laddr, &f->search_addr) &&
			(!f->search_port || s->lport == f->search_port)) ||
		       (IN6_ARE_ADDR_EQUAL(&s->raddr, &f->search_addr) &&
			(!f->search_port || s->rport == f->search_port));
	lower_copy(text, sizeof(text), comm_esc);
	if (strstr(text, f->search))
		return true;
	if (f->search_digits && (strstr(port_text(port, s->lport), f->search) ||
				 strstr(port_text(port, s->rport), f->search)))
		return true;
	if (f->search_addr_chars) {
		/* inet_ntop() writes IPv6 in lower case, like the search text. */
		if (fmt_addr(&s->laddr, s->family, text, sizeof(text)) >= 0 &&
		    strstr(text, f->search))
			return true;
		if (fmt_addr(&s->raddr, s->family, text, sizeof(text)) >= 0 &&
		    strstr(text, f->search))
			return true;
	}
	return false;
}

bool filter_accepts(const struct filter *f, const struct session *s)
{
	char comm[FMT_COMM_ESC_LEN];

	if (f->family && s->family != f->family)
		return false;
	if (f->failures && !session_is_failure(s))
		return false;
	if (f->pids.n && !id_set_contains(&f->pids, s->pid))
		return false;
	if (f->lports.n && !id_set_contains(&f->lports, s->lport))
		return false;
	if (f->rports.n && !id_set_contains(&f->rports, s->rport))
		return false;
	if (f->ports.n && !id_set_contains(&f->ports, s->lport) &&
	    !id_set_contains(&f->ports, s->rport))
		return false;
	if (f->services.n && !id_set_contains(&f->services, session_service_port(s)))
		return false;
	if (f->netns.n && !id_set_contains(&f->netns, s->netns))
		return false;
	if (f->has_peer && !IN6_ARE_ADDR_EQUAL(&s->raddr, &f->peer))
		return false;
	if (!f->comm[0] && !f->search[0])
		return true;
	shown_comm(s->pid, s->comm, comm, sizeof(comm));
	if (f->comm[0] && !comm_matches(f, comm))
		return false;
	if (f->search[0] && !search_matches(f, s, comm))
		return false;
	return true;
}

/* Nothing set but the keys of a summary's rows: processes (pids, comm),
 * service ports, a peer. */
static bool only_row_keys(const struct filter *f)
{
	return !f->family && !f->lports.n && !f->rports.n && !f->ports.n && !f->netns.n &&
	       !f->search[0] && !f->failures;
}

static bool names_process(const struct filter *f)
{
	return f->pids.n || f->comm[0];
}

bool filter_is_process_only(const struct filter *f)
{
	return only_row_keys(f) && !f->services.n && !f->has_peer;
}

bool filter_is_service_only(const struct filter *f)
{
	return f->services.n && only_row_keys(f) && !f->has_peer && !names_process(f);
}

bool filter_is_peer_only(const struct filter *f)
{
	return f->has_peer && only_row_keys(f) && !f->services.n && !names_process(f);
}

bool filter_accepts_peer(const struct filter *f, const struct in6_addr *addr)
{
	return !f->has_peer || IN6_ARE_ADDR_EQUAL(&f->peer, addr);
}

bool filter_accepts_service(const struct filter *f, uint16_t port)
{
	return id_set_contains(&f->services, port);
}

bool filter_accepts_process(const struct filter *f, uint32_t pid, const char *comm)
{
	char esc[FMT_COMM_ESC_LEN];

	if (f->pids.n && !id_set_contains(&f->pids, pid))
		return false;
	if (!f->comm[0])
		return true;
	shown_comm(pid, comm, esc, sizeof(esc));
	return comm_matches(f, esc);
}

static bool describe_set(char *buf, size_t len, size_t *pos, const char *label,
			 const struct id_set *set)
{
	char list[256];

	if (!set->n)
		return true;
	if (*pos && !append(buf, len, pos, "  "))
		return false;
	if (!append(buf, len, pos, label))
		return false;
	id_set_format(set, list, sizeof(list));
	return append(buf, len, pos, list);
}

static bool describe_text(char *buf, size_t len, size_t *pos, const char *label,
			  const char *text)
{
	char esc[FILTER_TEXT_LEN * 4];

	if (!text[0])
		return true;
	if (*pos && !append(buf, len, pos, "  "))
		return false;
	/* The text is matched against names as shown, escapes and all: a
	 * typed "\x1b" finds ESC, and is shown as typed (until 2026-12-06 as
	 * "\\x1b", its backslash escaped again). Anything else that cannot
	 * be shown is escaped. */
	fmt_escape_escaped(text, esc, sizeof(esc));
	return append(buf, len, pos, label) && append(buf, len, pos, esc);
}

static bool describe_peer(char *buf, size_t len, size_t *pos, const struct filter *f)
{
	char addr[FMT_ADDR_LEN];

	if (!f->has_peer)
		return true;
	if (*pos && !append(buf, len, pos, "  "))
		return false;
	if (fmt_addr(&f->peer, AF_INET6, addr, sizeof(addr)) < 0)	/* mapped: dotted */
		snprintf(addr, sizeof(addr), "?");
	return append(buf, len, pos, "peer ") && append(buf, len, pos, addr);
}

int filter_describe(const struct filter *f, char *buf, size_t len)
{
	size_t pos = 0;

	if (!buf || len == 0)
		return 0;
	buf[0] = '\0';
	if (!describe_set(buf, len, &pos, "port ", &f->ports) ||
	    !describe_set(buf, len, &pos, "service port ", &f->services) ||
	    !describe_set(buf, len, &pos, "lport ", &f->lports) ||
	    !describe_set(buf, len, &pos, "rport ", &f->rports) ||
	    !describe_peer(buf, len, &pos, f) ||
	    !describe_set(buf, len, &pos, "pid ", &f->pids) ||
	    !describe_text(buf, len, &pos, "comm ", f->comm) ||
	    !describe_set(buf, len, &pos, "netns ", &f->netns))
		return (int)pos;
	if (f->family &&
	    (!(pos == 0 || append(buf, len, &pos, "  ")) ||
	     !append(buf, len, &pos, f->family == AF_INET ? "IPv4" : "IPv6")))
		return (int)pos;
	if (f->failures &&
	    (!(pos == 0 || append(buf, len, &pos, "  ")) || !append(buf, len, &pos, "failures")))
		return (int)pos;
	describe_text(buf, len, &pos, "/", f->search_typed[0] ? f->search_typed : f->search);
	return (int)pos;
}
