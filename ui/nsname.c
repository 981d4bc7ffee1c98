// SPDX-License-Identifier: GPL-2.0
/* Names of network namespaces, for a session's details; see nsname.h. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "ui/nsname.h"

#define NSNAME_MAX 64		/* names kept from one reading */
#define NSNAME_LEN 64
_Static_assert(NSNAME_LEN <= UI_NSNAME_LEN, "a kept name fits callers' buffers");

static const struct {
	const char *dir;
	const char *label;
} dirs[] = {
	{ "/run/netns", "ip netns" },
	{ "/run/docker/netns", "docker netns" },
};

static struct {
	uint32_t ino;
	char name[NSNAME_LEN];
} names[NSNAME_MAX];
static size_t n_names;
static uint64_t read_ms;
static bool read_once;
static uint32_t own;

static void read_dirs(void)
{
	struct stat st;
	size_t d;

	n_names = 0;
	if (!own && stat("/proc/self/ns/net", &st) == 0)
		own = (uint32_t)st.st_ino;
	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		DIR *dir = opendir(dirs[d].dir);
		struct dirent *e;

		if (!dir)
			continue;
		while (n_names < NSNAME_MAX && (e = readdir(dir))) {
			char path[512];
			struct statfs sfs;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d].dir, e->d_name);
			/* a namespace's mount only: stat() of anything else
			 * could block (a FIFO is not opened, but a stale NFS
			 * mount would be), and its inode means nothing */
			if (statfs(path, &sfs) != 0 || sfs.f_type != NSFS_MAGIC ||
			    stat(path, &st) != 0)
				continue;
			names[n_names].ino = (uint32_t)st.st_ino;
			snprintf(names[n_names].name, NSNAME_LEN, "%s %.40s", dirs[d].label,
				 e->d_name);
			n_names++;
		}
		closedir(dir);
	}
}

const char *ui_nsname(uint32_t netns, char *buf, size_t len)
{
	struct timespec ts;
	uint64_t now_ms;
	size_t i;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!netns)
		return buf;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (!read_once || now_ms >= read_ms + 1000) {
		read_dirs();
		read_once = true;
		read_ms = now_ms;
	}
	if (netns == own) {
		snprintf(buf, len, "tcpscope's own");
		return buf;
	}
	for (i = 0; i < n_names; i++) {
		if (names[i].ino == netns) {
			snprintf(buf, len, "%s", names[i].name);
			break;
		}
	}
	return buf;
}
