// SPDX-License-Identifier: GPL-2.0
/* A process's container from its control groups' paths; see container.h. */
#include <stdio.h>
#include <string.h>

#include "core/container.h"
#include "core/fmt.h"

struct part {
	const char *p;
	size_t n;
};

static bool has_prefix(struct part c, const char *pre)
{
	size_t n = strlen(pre);

	return c.n >= n && !memcmp(c.p, pre, n);
}

static bool has_suffix(struct part c, const char *suf)
{
	size_t n = strlen(suf);

	return c.n >= n && !memcmp(c.p + c.n - n, suf, n);
}

static bool is_hex64(const char *p, size_t n)
{
	size_t i;

	if (n != 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* PREFIX<64 hex>SUFFIX: the ID into out */
static bool framed_id(struct part c, const char *pre, const char *suf, char *out)
{
	size_t a = strlen(pre), b = strlen(suf);

	if (c.n != a + 64 + b || !has_prefix(c, pre) || !has_suffix(c, suf) ||
	    !is_hex64(c.p + a, 64))
		return false;
	memcpy(out, c.p + a, 64);
	out[64] = '\0';
	return true;
}

/* A pod's UID, 36 characters, written with '-' (cgroupfs: pod<UID>) or
 * with '_' (systemd: kubepods-besteffort-pod<UID>.slice). */
static bool pod_uid(struct part c, char out[CONTAINER_POD_LEN])
{
	char tmp[CONTAINER_POD_LEN];	/* out is the last pod's until this one is whole */
	const char *u;
	size_t i;

	if (has_prefix(c, "pod") && c.n == 3 + 36)
		u = c.p + 3;
	else if (has_prefix(c, "kubepods") && has_suffix(c, ".slice") && c.n >= 3 + 36 + 6 &&
		 !memcmp(c.p + c.n - 6 - 36 - 3, "pod", 3))
		u = c.p + c.n - 6 - 36;
	else
		return false;
	for (i = 0; i < 36; i++) {
		char ch = u[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (ch != '-' && ch != '_')
				return false;
			tmp[i] = '-';
		} else if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) {
			tmp[i] = ch;
		} else {
			return false;
		}
	}
	tmp[36] = '\0';
	memcpy(out, tmp, sizeof(tmp));
	return true;
}

/* A name after a prefix (lxc.payload.NAME, machine-NAME.scope), systemd's
 * "\xNN" escapes decoded. */
static bool name_of(struct part c, size_t skip, size_t cut, char out[CONTAINER_ID_LEN])
{
	size_t i, o = 0;

	if (c.n <= skip + cut)
		return false;
	for (i = skip; i < c.n - cut && o + 1 < CONTAINER_ID_LEN; i++) {
		int hi, lo;

		/* the text has no NUL to stop a scanf: the digits one by one */
		if (c.p[i] == '\\' && i + 3 < c.n - cut && c.p[i + 1] == 'x' &&
		    (hi = fmt_hex_digit(c.p[i + 2])) >= 0 && (lo = fmt_hex_digit(c.p[i + 3])) >= 0 &&
		    (hi || lo)) {
			out[o++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			out[o++] = c.p[i];
		}
	}
	out[o] = '\0';
	return o > 0;
}

/* One component: a container's mark, given the one before it. */
static const char *mark(struct part c, struct part prev, bool in_pod, struct container *out)
{
	out->id_is_name = false;
	if (framed_id(c, "docker-", ".scope", out->id))
		return "docker";
	if (framed_id(c, "cri-containerd-", ".scope", out->id))
		return "containerd";
	if (framed_id(c, "crio-", ".scope", out->id) || framed_id(c, "crio-", "", out->id))
		return "cri-o";
	if (framed_id(c, "libpod-", ".scope", out->id) || framed_id(c, "libpod-", "", out->id))
		return "podman";
	if (is_hex64(c.p, c.n)) {
		memcpy(out->id, c.p, 64);
		out->id[64] = '\0';
		if (prev.n == 6 && !memcmp(prev.p, "docker", 6))
			return "docker";
		return in_pod ? "kubernetes" : "container";
	}
	out->id_is_name = true;
	if (has_prefix(c, "lxc.payload.") && name_of(c, 12, 0, out->id))
		return "lxc";
	if (prev.n == 3 && !memcmp(prev.p, "lxc", 3) && name_of(c, 0, 0, out->id))
		return "lxc";
	if (prev.n == 13 && !memcmp(prev.p, "machine.slice", 13) && has_prefix(c, "machine-") &&
	    has_suffix(c, ".scope") && name_of(c, 8, 6, out->id))
		return "machine";
	out->id_is_name = false;
	return NULL;
}

/* One line's path ("/kubepods/burstable/pod.../ID"): the deepest mark. */
static bool of_path(const char *p, size_t n, struct container *out)
{
	struct part prev = { "", 0 }, c;
	struct container found = { 0 }, cur = { 0 };
	char uid[CONTAINER_POD_LEN] = "";
	size_t i = 0;

	while (i < n) {
		const char *r;

		while (i < n && p[i] == '/')
			i++;
		c.p = p + i;
		while (i < n && p[i] != '/')
			i++;
		c.n = (size_t)(p + i - c.p);
		if (!c.n)
			break;
		if (pod_uid(c, uid)) {
			prev = c;
			continue;
		}
		r = mark(c, prev, uid[0] != '\0', &cur);
		if (r) {
			found = cur;
			found.runtime = r;
			memcpy(found.pod_uid, uid, sizeof(uid));
		}
		prev = c;
	}
	if (!found.runtime)
		return false;
	*out = found;
	return true;
}

bool container_of_cgroups(const char *text, size_t len, struct container *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		size_t end = i, colon = 0, c2 = 0;

		while (end < len && text[end] != '\n' && text[end] != '\0')
			end++;
		/* "ID:CONTROLLERS:PATH" */
		for (size_t k = i; k < end; k++) {
			if (text[k] == ':') {
				if (!colon)
					colon = k + 1;
				else {
					c2 = k + 1;
					break;
				}
			}
		}
		if (c2 && of_path(text + c2, end - c2, out))
			return true;
		if (end < len && text[end] == '\0')
			break;
		i = end + 1;
	}
	memset(out, 0, sizeof(*out));
	return false;
}

/* A JSON string's text from s (after its opening quote) to its closing
 * one, before end: its length, or 0 for none, an empty one, or one with an
 * escape (names have none; one with an escape is not taken). */
static size_t json_plain_string(const char *s, const char *end)
{
	const char *q;

	for (q = s; q < end && *q != '"' && *q != '\\' && *q; q++)
		;
	return q < end && *q == '"' ? (size_t)(q - s) : 0;
}

bool container_docker_name(const char *json, size_t len, char *name, size_t name_len)
{
	static const char key[] = "\"Name\":\"";
	const char *p = json, *end = json + len;

	if (!name_len)
		return false;
	name[0] = '\0';
	/* the top level's "Name" comes after nested objects' keys of other
	 * names ("Config", "State"): the first "Name":"/ with its slash is
	 * the container's (an image's or a mount's names have none) */
	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1))) {
		const char *s = p + sizeof(key) - 1;
		size_t n;

		p = s;
		if (s >= end || *s != '/')
			continue;
		s++;
		n = json_plain_string(s, end);
		if (!n)
			return false;
		if (n >= name_len)
			n = name_len - 1;
		memcpy(name, s, n);
		name[n] = '\0';
		return true;
	}
	return false;
}

bool container_storage_name(const char *json, size_t len, const char *id, char *name,
			    size_t name_len)
{
	static const char id_key[] = "\"id\":\"", names_key[] = "\"names\":[\"";
	const char *end = json + len, *p = json, *s, *next;
	size_t idl = strlen(id), n;

	if (!name_len)
		return false;
	name[0] = '\0';
	if (idl != 64)
		return false;
	/* the entry whose "id" is id: a key of the top level's objects (the
	 * entries' "metadata" is JSON inside a string, its quotes escaped) */
	for (;;) {
		p = memmem(p, (size_t)(end - p), id_key, sizeof(id_key) - 1);
		if (!p)
			return false;
		p += sizeof(id_key) - 1;
		if ((size_t)(end - p) > idl && !memcmp(p, id, idl) && p[idl] == '"')
			break;
	}
	p += idl + 1;
	/* its "names", before the next entry's "id" */
	next = memmem(p, (size_t)(end - p), id_key, sizeof(id_key) - 1);
	if (!next)
		next = end;
	s = memmem(p, (size_t)(next - p), names_key, sizeof(names_key) - 1);
	if (!s)
		return false;
	s += sizeof(names_key) - 1;
	n = json_plain_string(s, next);
	if (!n)
		return false;
	/* k8s_NAME_POD_NAMESPACE_UID_N: NAME (a DNS label, no '_') */
	if (n > 4 && !memcmp(s, "k8s_", 4)) {
		const char *us = memchr(s + 4, '_', n - 4);

		if (us && us > s + 4) {
			n = (size_t)(us - (s + 4));
			s += 4;
		}
	}
	if (n >= name_len)
		return false;	/* whole or not at all */
	memcpy(name, s, n);
	name[n] = '\0';
	return true;
}

bool container_log_name(const char *filename, const char *id, char *name, size_t name_len)
{
	size_t fl = strlen(filename), idl = strlen(id), n;
	const char *tail, *us, *p;

	if (!name_len)
		return false;
	name[0] = '\0';
	/* ...-ID.log */
	if (idl != 64 || fl < idl + 5 + 5)
		return false;
	tail = filename + fl - idl - 5;
	if (tail[0] != '-' || memcmp(tail + 1, id, idl) || strcmp(tail + 1 + idl, ".log"))
		return false;
	/* POD_NAMESPACE_NAME: neither a pod's name nor a namespace has '_' */
	us = memchr(filename, '_', (size_t)(tail - filename));
	if (!us || us == filename)
		return false;
	p = memchr(us + 1, '_', (size_t)(tail - us - 1));
	if (!p || p == us + 1 || p + 1 == tail || memchr(p + 1, '_', (size_t)(tail - p - 1)))
		return false;
	n = (size_t)(tail - p - 1);
	if (n >= name_len)
		return false;
	memcpy(name, p + 1, n);
	name[n] = '\0';
	return true;
}

bool container_pod_dir(const char *dirname, const char *uid, char *out, size_t out_len)
{
	size_t n = strlen(dirname), u = strlen(uid);
	const char *us;

	if (!out_len)
		return false;
	out[0] = '\0';
	/* NAMESPACE_NAME_UID: a namespace has no '_' (DNS labels), nor a
	 * pod's name; the UID is the end */
	if (u != 36 || n < u + 4 || dirname[n - u - 1] != '_' || strcmp(dirname + n - u, uid))
		return false;
	us = memchr(dirname, '_', n - u - 1);
	if (!us || us == dirname || us + 1 == dirname + n - u - 1)
		return false;
	/* whole or not at all: a name cut short would be another pod's */
	if ((size_t)snprintf(out, out_len, "%.*s/%.*s", (int)(us - dirname), dirname,
			     (int)(dirname + n - u - 1 - us - 1), us + 1) >= out_len) {
		out[0] = '\0';
		return false;
	}
	return true;
}

size_t container_describe(const struct container *c, const char *name, const char *pod,
			  char *buf, size_t len)
{
	char id[4 * CONTAINER_ID_LEN], nm[4 * CONTAINER_ID_LEN], pd[4 * CONTAINER_POD_NAME_LEN];
	char all[sizeof(id) + sizeof(nm) + sizeof(pd) + 32];
	size_t n;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!c || !c->runtime)
		return 0;
	if (c->id_is_name)
		fmt_escape(c->id, strlen(c->id), id, sizeof(id));
	else
		snprintf(id, sizeof(id), "%.*s", CONTAINER_SHORT_ID, c->id);
	nm[0] = pd[0] = '\0';
	if (name && name[0])
		fmt_escape(name, strlen(name), nm, sizeof(nm));
	if (pod && pod[0])
		fmt_escape(pod, strlen(pod), pd, sizeof(pd));
	else if (c->pod_uid[0])
		snprintf(pd, sizeof(pd), "%s", c->pod_uid);
	snprintf(all, sizeof(all), "%s%s%s %s%s%s", c->runtime, nm[0] ? " " : "", nm, id,
		 pd[0] ? ", pod " : "", pd);
	/* cut to buf between two characters: never a UTF-8 sequence's part */
	n = strlen(all);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)all[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, all, n);
	buf[n] = '\0';
	return n;
}
