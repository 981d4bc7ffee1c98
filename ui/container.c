// SPDX-License-Identifier: GPL-2.0
/* A live process's container, for the details; see container.h. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/container.h"
#include "ui/container.h"

#define KEEP_MS 1000
#define CACHE_N 16
#define CONFIG_MAX (512 * 1024)	/* Docker's config.v2.json: tens of KiB */
#define STORE_MAX (16 * 1024 * 1024)	/* containers.json: about 1 KiB a container */

/* containers/storage's drivers, each with its own list of containers */
static const char *const store_drivers[] = { "overlay", "vfs", "btrfs", "zfs" };

/* Where the runtimes' files are looked for: "" (the root), or the tests'
 * TCPSCOPE_TEST_ROOT (/proc is always the real one). */
static const char *files_root(void)
{
	static const char *root;

	if (!root) {
		root = getenv("TCPSCOPE_TEST_ROOT");
		if (!root)
			root = "";
	}
	return root;
}

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

/* Up to max bytes of a file into a new buffer, a NUL after them; NULL if it
 * cannot be read. */
static char *slurp(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf;
	size_t n = 0;
	ssize_t k;
	struct stat st;

	if (fd < 0)
		return NULL;
	/* a file's own size, when it says (/proc's say 0) */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size < max)
		max = (size_t)st.st_size + 1;
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (n < max && (k = read(fd, buf + n, max - n)) > 0)
		n += (size_t)k;
	close(fd);
	buf[n] = '\0';
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
	char path[PATH_MAX], *json;
	size_t n;

	name[0] = '\0';
	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s/config.v2.json", files_root(),
		 c->id);
	json = slurp(path, CONFIG_MAX, &n);
	if (json) {
		container_docker_name(json, n, name, len);
		free(json);
	}
}

/* The home of the user pid runs as, into home: "" if not known. */
static void owner_home(uint32_t pid, char *home, size_t len)
{
	char path[64], *text, *u;
	size_t n;
	unsigned int uid;
	struct passwd pw, *res = NULL;
	char pwbuf[4096];

	home[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	text = slurp(path, 8192, &n);
	if (!text)
		return;
	u = strstr(text, "\nUid:");
	if (u && sscanf(u + 5, "%u", &uid) == 1 &&
	    !getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) && res && pw.pw_dir)
		snprintf(home, len, "%s", pw.pw_dir);
	free(text);
}

/* The name of the container in the containers/storage store at base
 * (under the files' root), whichever driver keeps it; false for none. */
static bool store_name(const char *base, const struct container *c, char *name, size_t len)
{
	char path[PATH_MAX], *json;
	size_t n, i;
	bool found = false;

	for (i = 0; i < sizeof(store_drivers) / sizeof(store_drivers[0]) && !found; i++) {
		snprintf(path, sizeof(path), "%s%s/%s-containers/containers.json", files_root(),
			 base, store_drivers[i]);
		json = slurp(path, STORE_MAX, &n);
		if (json) {
			found = container_storage_name(json, n, c->id, name, len);
			free(json);
		}
	}
	return found;
}

/* Podman's and CRI-O's name, from containers/storage's list: the system's
 * store, else the store of the user the process runs as (rootless). */
static void storage_name(const struct container *c, uint32_t pid, char *name, size_t len)
{
	char home[PATH_MAX], base[PATH_MAX + 64];

	name[0] = '\0';
	if (store_name("/var/lib/containers/storage", c, name, len))
		return;
	owner_home(pid, home, sizeof(home));
	if (!home[0] || !strcmp(home, "/"))
		return;
	snprintf(base, sizeof(base), "%s/.local/share/containers/storage", home);
	store_name(base, c, name, len);
}

/* Into out, what match() makes of the first entry of dir (under the
 * files' root) that it takes for key's; "" for none. */
static void find_in_dir(const char *dir,
			bool (*match)(const char *entry, const char *key, char *out, size_t len),
			const char *key, char *out, size_t len)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s%s", files_root(), dir);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (match(e->d_name, key, out, len))
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
		else if (!strcmp(c.runtime, "podman") || !strcmp(c.runtime, "cri-o"))
			storage_name(&c, pid, name, sizeof(name));
		if (c.pod_uid[0]) {
			/* a Kubernetes container's, whatever the runtime: the
			 * kubelet's links to its logs, POD_NAMESPACE_NAME-ID.log */
			if (!name[0] && !c.id_is_name)
				find_in_dir("/var/log/containers", container_log_name, c.id, name,
					    sizeof(name));
			/* its pod's: the kubelet's NAMESPACE_NAME_UID */
			find_in_dir("/var/log/pods", container_pod_dir, c.pod_uid, pod, sizeof(pod));
		}
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
