/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which container a process runs in, told from the paths of its control
 * groups: the text of /proc/PID/cgroup, where each runtime leaves its own
 * mark (Docker's docker-ID.scope or /docker/ID, containerd's
 * cri-containerd-ID.scope, CRI-O's crio-ID.scope, Podman's libpod-ID.scope,
 * a Kubernetes pod's kubepods...pod<UID> level, LXC's lxc.payload.NAME,
 * systemd-machined's machine-NAME.scope). Pure text work: the files are
 * read by the caller (ui/container.c).
 */
#ifndef TCPSCOPE_CORE_CONTAINER_H
#define TCPSCOPE_CORE_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#define CONTAINER_ID_LEN 65	/* 64 hex digits, or a name of up to 64 bytes */
#define CONTAINER_POD_LEN 37	/* a pod's UID: 8-4-4-4-12 hex digits */
#define CONTAINER_SHORT_ID 12	/* as `docker ps` and `crictl ps` show an ID */

struct container {
	/* "docker", "containerd", "cri-o", "podman", "kubernetes" (a pod's
	 * container whose runtime the path does not say), "container" (an
	 * ID alone), "lxc", "machine"; NULL: none recognised */
	const char *runtime;
	char id[CONTAINER_ID_LEN];	/* lower-case hex ID, or lxc's/machine's name */
	bool id_is_name;		/* lxc, machine: id is a name (untrusted bytes) */
	char pod_uid[CONTAINER_POD_LEN];	/* "": not a pod's */
};

/*
 * From the text of /proc/PID/cgroup (len bytes, NUL not needed): the
 * container of the first line that names one. Returns false, with
 * out->runtime NULL, for a process in none (a host's service or session, a
 * conmon or shim process, a path of tcpscope's own cgroup namespace).
 */
bool container_of_cgroups(const char *text, size_t len, struct container *out);

/* The name in a Docker container's config.v2.json: "Name":"/web" gives
 * "web" (its bytes as they are: escape them to show them). */
bool container_docker_name(const char *json, size_t len, char *name, size_t name_len);

/*
 * The first name of the container id (64 hex digits) in a containers.json
 * of containers/storage, Podman's and CRI-O's store:
 * [{"id":"ID","names":["web"],...},...]. A name Kubernetes gave,
 * k8s_NAME_POD_NAMESPACE_UID_N, gives NAME. False if id is not there, or
 * has no name in its own entry.
 */
bool container_storage_name(const char *json, size_t len, const char *id, char *name,
			    size_t name_len);

/* A kubelet's link in /var/log/containers is POD_NAMESPACE_NAME-ID.log: for
 * the container of id (64 hex digits), NAME (untrusted bytes); false for
 * another container's, or a name that does not fit (whole or not at all). */
bool container_log_name(const char *filename, const char *id, char *name, size_t name_len);

/* A kubelet's pod log directory is NAMESPACE_NAME_UID: for the pod of uid,
 * "NAMESPACE/NAME" (untrusted bytes); false for another pod's, or one whose
 * name does not fit out (CONTAINER_POD_NAME_LEN is room for any: a
 * namespace is at most 63 bytes, a pod's name 253). */
#define CONTAINER_POD_NAME_LEN 320
bool container_pod_dir(const char *dirname, const char *uid, char *out, size_t out_len);

/*
 * One line for people, into buf (always NUL-terminated; escaped, inert on a
 * terminal): "docker web 3f2a9c1b7e4d", "containerd 3f2a9c1b7e4d, pod
 * default/web-7d9f8", "kubernetes 3f2a9c1b7e4d, pod UID", "lxc web1".
 * name and pod may be NULL or "" when not known. Returns the length.
 */
size_t container_describe(const struct container *c, const char *name, const char *pod,
			  char *buf, size_t len);

#endif
