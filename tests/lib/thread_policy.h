/* SPDX-License-Identifier: GPL-2.0 */
/* Tests' helper (header only): a process's threads' scheduling policies. */
#ifndef TCPSCOPE_TESTS_LIB_THREAD_POLICY_H
#define TCPSCOPE_TESTS_LIB_THREAD_POLICY_H

#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

/* The policy of pid's thread other than its main one (tcpscope's drain
 * thread, core/spool.h); -1 if it has none, or pid is gone. */
static inline int other_thread_policy(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int policy = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != pid)
			policy = sched_getscheduler(atoi(e->d_name));
	closedir(d);
	return policy;
}

#endif
