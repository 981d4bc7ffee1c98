/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a network namespace's number means here, for a session's details:
 * tcpscope's own namespace, or a name a tool gave it by bind-mounting it
 * (ip-netns(8) in /run/netns, Docker in /run/docker/netns; Kubernetes'
 * CNI plugins use /run/netns too, as cni-UUID). Pure file system look-ups,
 * no curses.
 */
#ifndef TCPSCOPE_UI_NSNAME_H
#define TCPSCOPE_UI_NSNAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Into buf: "tcpscope's own", "ip netns blue", "docker netns 1a2b3c4d5e6f",
 * or "" when none is known. The directories are read again at most once a
 * second. Returns buf.
 */
const char *ui_nsname(uint32_t netns, char *buf, size_t len);

/* Room for any name ui_nsname() gives. */
#define UI_NSNAME_LEN 96

#endif
