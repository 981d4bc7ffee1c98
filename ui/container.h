/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which container a live process runs in, for a session's or a process's
 * details: its control groups (/proc/PID/cgroup, told apart by
 * core/container.c), with the container's name where the runtime keeps it
 * in a file (Docker's config.v2.json, Podman's and CRI-O's containers.json,
 * the kubelet's /var/log/containers/POD_NAMESPACE_NAME-ID.log) and its
 * pod's where the kubelet does (/var/log/pods/NAMESPACE_NAME_UID). Pure
 * file system look-ups, no curses. The tests put those files under
 * TCPSCOPE_TEST_ROOT (/proc is always the real one).
 */
#ifndef TCPSCOPE_UI_CONTAINER_H
#define TCPSCOPE_UI_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Into buf: "docker web 3f2a9c1b7e4d", "containerd 3f2a9c1b7e4d, pod
 * default/web-7d9f8", or "" when the process runs in none, is gone, or is
 * not the one seen: a process that began after seen_ns (Unix epoch, ns: a
 * session's close, a process row's last one) has the number again. A
 * process's answer is kept for a second. Escaped, inert on a terminal.
 * Returns buf.
 */
const char *ui_container(uint32_t pid, uint64_t seen_ns, char *buf, size_t len);

/* Room for any answer of ui_container(). */
#define UI_CONTAINER_LEN 512

#endif
