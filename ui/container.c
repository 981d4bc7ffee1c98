// SPDX-License-Identifier: GPL-2.0
/* A live process's container, for the details; see container.h. */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/container.h"
#include "ui/container.h"

#define KEEP_MS 1000
#define CACHE_N 16
#define CONFIG_MAX (512 * 1024)	/* Docker's config.v2.json: tens of KiB */

static struct {
	uint32_t pid;
	uint64_t seen_ns;
	uint64_t read_ms;
	char text[UI_CONTAINER_LEN];
} cache[CACHE_N];
static unsigned int cache_next;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Up to max bytes of a file into a new buffer; NULL if it cannot be read. */
static char *slurp(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf;
	size_t n = 0;
	ssize_t k;

	if (fd < 0)
		return NULL;
	buf = malloc(max);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (n < max && (k = read(fd, buf + n, max - n)) > 0)
		n += (size_t)k;
	close(fd);
	*len = n;
	return buf;
}

/* When the process began, Unix epoch ns; 0 if it is gone. */
static uint64_t started_ns(uint32_t pid)
{
	char path[64], *text, *p;
	size_t len;
	unsigned long long ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int field;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	text = slurp(path, 4096, &len);
	if (!text)
		return 0;
	text[len < 4096 ? len : 4095] = '\0';
	/* after the name, which may hold spaces and ')': the last ')' ends it */
	p = strrchr(text, ')');
	for (field = 2; p && *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (!p || sscanf(p, "%llu", &ticks) != 1 || hz <= 0) {
		free(text);
		return 0;
	}
	free(text);
	return clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME) +
	       ticks * (1000000000ull / (unsigned long long)hz);
}

static void docker_name(const struct container *c, char *name, size_t len)
{
	char path[160], *json;
	size_t n;

	name[0] = '\0';
	snprintf(path, sizeof(path), "/var/lib/docker/containers/%s/config.v2.json", c->id);
	json = slurp(path, CONFIG_MAX, &n);
	if (json) {
		container_docker_name(json, n, name, len);
		free(json);
	}
}

static void pod_name(const struct container *c, char *pod, size_t len)
{
	DIR *d = opendir("/var/log/pods");
	struct dirent *e;

	pod[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)))
		if (container_pod_dir(e->d_name, c->pod_uid, pod, len))
			break;
	closedir(d);
}

static void look_up(uint32_t pid, uint64_t seen_ns, char *out, size_t len)
{
	struct container c;
	char path[64], *text, name[CONTAINER_ID_LEN] = "", pod[CONTAINER_POD_NAME_LEN] = "";
	uint64_t start;
	size_t n;

	out[0] = '\0';
	start = started_ns(pid);
	/* gone, or the number given again to a process begun since (20 ms:
	 * a tick of /proc's start time, and the clocks' reads) */
	if (!start || start > seen_ns + 20000000ull)
		return;
	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	text = slurp(path, 16384, &n);
	if (!text)
		return;
	if (container_of_cgroups(text, n, &c)) {
		if (!strcmp(c.runtime, "docker"))
			docker_name(&c, name, sizeof(name));
		if (c.pod_uid[0])
			pod_name(&c, pod, sizeof(pod));
		container_describe(&c, name, pod, out, len);
	}
	free(text);
}

const char *ui_container(uint32_t pid, uint64_t seen_ns, char *buf, size_t len)
{
	uint64_t now_ms = clock_ns(CLOCK_MONOTONIC) / 1000000;
	unsigned int i;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!pid)
		return buf;
	for (i = 0; i < CACHE_N; i++)
		if (cache[i].pid == pid && cache[i].seen_ns == seen_ns &&
		    now_ms < cache[i].read_ms + KEEP_MS)
			break;
	if (i == CACHE_N) {
		i = cache_next++ % CACHE_N;
		cache[i].pid = pid;
		cache[i].seen_ns = seen_ns;
		cache[i].read_ms = now_ms;
		look_up(pid, seen_ns, cache[i].text, sizeof(cache[i].text));
	}
	snprintf(buf, len, "%s", cache[i].text);
	return buf;
}
