// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/container.c (a process's container from /proc/PID/cgroup,
 * and the names runtimes keep in files). */
#include <stdlib.h>

#include "tests/unit/helpers.h"

#include "core/container.h"

#define ID "3f2a9c1b7e4d5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef"
#define UID "5b0e1a2c-3d4e-4f50-8a9b-0c1d2e3f4a5b"
#define UID_ "5b0e1a2c_3d4e_4f50_8a9b_0c1d2e3f4a5b"

static bool of(const char *text, struct container *c)
{
	return container_of_cgroups(text, strlen(text), c);
}

static void want(const char *text, const char *runtime, const char *id, const char *pod)
{
	struct container c;

	if (!of(text, &c))
		fail_msg("no container in %s", text);
	assert_string_equal(c.runtime, runtime);
	assert_string_equal(c.id, id);
	assert_string_equal(c.pod_uid, pod);
}

/* Each runtime's mark, as cgroup v2 (0::) and v1 lines show them. */
static void test_runtimes(void **state)
{
	want("0::/system.slice/docker-" ID ".scope\n", "docker", ID, "");
	want("12:memory:/docker/" ID "\n", "docker", ID, "");
	want("0::/system.slice/crio-" ID ".scope\n", "cri-o", ID, "");
	want("0::/machine.slice/libpod-" ID ".scope/container\n", "podman", ID, "");
	want("0::/libpod_parent/libpod-" ID "\n", "podman", ID, "");
	/* Kubernetes, systemd driver (UID with '_') and cgroupfs (with '-') */
	want("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	     ".slice/cri-containerd-" ID ".scope\n", "containerd", ID, UID);
	want("0::/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" ID ".scope\n", "cri-o", ID,
	     UID);
	want("0::/kubepods/besteffort/pod" UID "/" ID "\n", "kubernetes", ID, UID);
	/* a level that looks like a pod's but is not (a byte not hex): the
	 * pod above it stays the one */
	want("0::/kubepods/pod" UID "/pod9999aaaa-3d4e-4f50-8a9b-0c1d2e3f4a5x/" ID "\n", "kubernetes",
	     ID, UID);
	/* an ID alone, as containerd's own namespaces place one */
	want("0::/default/" ID "\n", "container", ID, "");
	/* names */
	want("0::/lxc.payload.web1\n", "lxc", "web1", "");
	want("4:memory:/lxc/web2\n", "lxc", "web2", "");
	want("0::/machine.slice/machine-my\\x2dvm.scope\n", "machine", "my-vm", "");
}

/* The line that names one, among others that do not; the last line with
 * no newline; v1 lines before v2's. */
static void test_lines(void **state)
{
	want("12:pids:/\n11:memory:/docker/" ID "\n0::/", "docker", ID, "");
	want("1:name=systemd:/\n0::/system.slice/docker-" ID ".scope", "docker", ID, "");
	/* a path with colons in it (cgroup names may hold them) */
	want("0::/a:b/docker-" ID ".scope\n", "docker", ID, "");
}

/* A host's processes, the runtimes' own helpers, and broken text: none. */
static void test_none(void **state)
{
	static const char *const none[] = {
		"",
		"0::/\n",
		"0::/user.slice/user-1000.slice/session-2.scope\n",
		"0::/system.slice/docker.service\n",
		"0::/system.slice/containerd.service\n",
		"0::/machine.slice/libpod-conmon-" ID ".scope\n",
		"0::/system.slice/crio-conmon-" ID ".scope\n",
		"0::/kubepods.slice/kubepods-pod" UID_ ".slice\n",	/* the pod's level, no container */
		"0::/system.slice/docker-" ID "0.scope\n",		/* 65 digits */
		"0::/system.slice/docker-3F2A9C1B7E4D5F60718293A4B5C6D7E8F90112233445566778899AABBCCDDEEF.scope\n",
		"0::/docker\n",
		"0::/lxc.payload.\n",
		"0::/machine-x.scope\n",	/* not under machine.slice */
		"no colons at all /docker/" ID "\n",
		"0:/docker/" ID "\n",		/* one colon: not a path */
		"\n\n\n",
	};
	struct container c;

	for (size_t i = 0; i < ARRAY_LEN(none); i++) {
		if (of(none[i], &c))
			fail_msg("found %s in %s", c.runtime, none[i]);
		assert_null(c.runtime);
	}
	/* text cut short, as a read of a length, with no NUL */
	{
		char buf[] = "0::/system.slice/docker-" ID ".scope";

		assert_false(container_of_cgroups(buf, 30, &c));
		assert_true(container_of_cgroups(buf, sizeof(buf) - 1, &c));
	}
}

static void test_docker_name(void **state)
{
	static const char json[] =
		"{\"StreamConfig\":{},\"State\":{\"Running\":true},\"ID\":\"" ID "\","
		"\"Config\":{\"Hostname\":\"3f2a\",\"Image\":\"nginx\",\"Labels\":{\"Name\":\"x\"}},"
		"\"Image\":\"sha256:abc\",\"Name\":\"/web\",\"Driver\":\"overlay2\"}";
	char name[64];

	assert_true(container_docker_name(json, strlen(json), name, sizeof(name)));
	assert_string_equal(name, "web");
	/* cut to the buffer */
	assert_true(container_docker_name(json, strlen(json), name, 3));
	assert_string_equal(name, "we");
	/* none, or not closed within the text */
	assert_false(container_docker_name("{\"Name\":\"x\"}", 12, name, sizeof(name)));
	assert_false(container_docker_name("{\"Name\":\"/web", 13, name, sizeof(name)));
	assert_false(container_docker_name("{\"Name\":\"/\"}", 12, name, sizeof(name)));
	assert_false(container_docker_name("", 0, name, sizeof(name)));
}

static void test_pod_dir(void **state)
{
	char out[128];

	assert_true(container_pod_dir("default_web-7d9f8-abcde_" UID, UID, out, sizeof(out)));
	assert_string_equal(out, "default/web-7d9f8-abcde");
	assert_true(container_pod_dir("kube-system_coredns-1_" UID, UID, out, sizeof(out)));
	assert_string_equal(out, "kube-system/coredns-1");
	/* another pod's, or not the kubelet's form */
	assert_false(container_pod_dir("default_web_5b0e1a2c-3d4e-4f50-8a9b-0c1d2e3f4a5c", UID,
				       out, sizeof(out)));
	assert_false(container_pod_dir(UID, UID, out, sizeof(out)));
	assert_false(container_pod_dir("_web_" UID, UID, out, sizeof(out)));
	assert_false(container_pod_dir("default__" UID, UID, out, sizeof(out)));
	assert_false(container_pod_dir("defaultweb" UID, UID, out, sizeof(out)));
	assert_false(container_pod_dir("default_web_" UID, "short", out, sizeof(out)));
	/* a name that does not fit: none, not a cut one */
	assert_false(container_pod_dir("default_web-7d9f8-abcde_" UID, UID, out, 12));
	assert_string_equal(out, "");
}

/* containers/storage's list, as Podman and CRI-O write it (Go's encoder:
 * an entry's "metadata" is JSON inside a string, its quotes escaped) */
#define OTHER "0a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0"
#define STORE "[{\"id\":\"" OTHER "\",\"names\":[\"db\"],\"image\":\"" ID "\"}," \
	"{\"id\":\"" ID "\",\"names\":[\"web\",\"web-alias\"],\"image\":\"" OTHER "\"," \
	"\"layer\":\"" OTHER "\",\"metadata\":\"{\\\"id\\\":\\\"x\\\",\\\"names\\\":[\\\"no\\\"]}\"," \
	"\"created\":\"2026-12-07T20:00:00Z\"}]"

static void test_storage_name(void **state)
{
	char name[CONTAINER_ID_LEN];
	const char *nameless = "[{\"id\":\"" ID "\",\"image\":\"" OTHER "\"},"
			       "{\"id\":\"" OTHER "\",\"names\":[\"db\"]}]";
	const char *crio = "[{\"id\":\"" ID "\",\"names\":[\"k8s_api_api-7d9f8_default_" UID
			   "_0\"]}]";
	const char *escaped = "[{\"id\":\"" ID "\",\"names\":[\"w\\u003ceb\"]}]";

	(void)state;
	assert_true(container_storage_name(STORE, strlen(STORE), ID, name, sizeof(name)));
	assert_string_equal(name, "web");
	assert_true(container_storage_name(STORE, strlen(STORE), OTHER, name, sizeof(name)));
	assert_string_equal(name, "db");
	/* an ID only as another's image or layer, or none at all */
	assert_false(container_storage_name(STORE, strlen(STORE),
					    "1111111111111111111111111111111111111111111111111111111111111111",
					    name, sizeof(name)));
	assert_string_equal(name, "");
	assert_false(container_storage_name("[]", 2, ID, name, sizeof(name)));
	/* no names of its own: not the next entry's */
	assert_false(container_storage_name(nameless, strlen(nameless), ID, name, sizeof(name)));
	/* the name Kubernetes gave a container */
	assert_true(container_storage_name(crio, strlen(crio), ID, name, sizeof(name)));
	assert_string_equal(name, "api");
	/* an escape in the name: not taken */
	assert_false(container_storage_name(escaped, strlen(escaped), ID, name, sizeof(name)));
	/* cut anywhere: never read past the end, nothing half */
	for (size_t n = 0; n < strlen(STORE); n++) {
		char *cut = malloc(n ? n : 1);

		assert_non_null(cut);
		memcpy(cut, STORE, n);
		if (container_storage_name(cut, n, ID, name, sizeof(name)))
			assert_string_equal(name, "web");
		free(cut);
	}
	/* whole or not at all */
	assert_false(container_storage_name(STORE, strlen(STORE), ID, name, 3));
	assert_true(container_storage_name(STORE, strlen(STORE), ID, name, 4));
	assert_string_equal(name, "web");
	assert_false(container_storage_name(STORE, strlen(STORE), "3f2a", name, sizeof(name)));
}

static void test_log_name(void **state)
{
	char name[CONTAINER_ID_LEN];

	(void)state;
	assert_true(container_log_name("web-7d9f8-abcde_default_nginx-" ID ".log", ID, name,
				       sizeof(name)));
	assert_string_equal(name, "nginx");
	assert_true(container_log_name("coredns-1_kube-system_coredns-" ID ".log", ID, name,
				       sizeof(name)));
	assert_string_equal(name, "coredns");
	/* another container's, or not the kubelet's form */
	assert_false(container_log_name("web_default_nginx-" OTHER ".log", ID, name, sizeof(name)));
	assert_string_equal(name, "");
	assert_false(container_log_name("web_default_nginx-" ID ".log.1", ID, name, sizeof(name)));
	assert_false(container_log_name("web_default_nginx_" ID ".log", ID, name, sizeof(name)));
	assert_false(container_log_name("default_nginx-" ID ".log", ID, name, sizeof(name)));
	assert_false(container_log_name("web_default_-" ID ".log", ID, name, sizeof(name)));
	assert_false(container_log_name("_default_nginx-" ID ".log", ID, name, sizeof(name)));
	assert_false(container_log_name("web__nginx-" ID ".log", ID, name, sizeof(name)));
	assert_false(container_log_name("a_b_c_d-" ID ".log", ID, name, sizeof(name)));
	assert_false(container_log_name("-" ID ".log", ID, name, sizeof(name)));
	assert_false(container_log_name("web_default_nginx-" ID ".log", "3f2a", name,
					 sizeof(name)));
	/* whole or not at all */
	assert_false(container_log_name("web_default_nginx-" ID ".log", ID, name, 5));
	assert_true(container_log_name("web_default_nginx-" ID ".log", ID, name, 6));
	assert_string_equal(name, "nginx");
}

static void test_describe(void **state)
{
	struct container c;
	char buf[256];

	assert_true(of("0::/system.slice/docker-" ID ".scope", &c));
	container_describe(&c, "web", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "docker web 3f2a9c1b7e4d");
	container_describe(&c, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "docker 3f2a9c1b7e4d");
	assert_true(of("0::/kubepods/pod" UID "/" ID, &c));
	container_describe(&c, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "kubernetes 3f2a9c1b7e4d, pod " UID);
	container_describe(&c, NULL, "default/web", buf, sizeof(buf));
	assert_string_equal(buf, "kubernetes 3f2a9c1b7e4d, pod default/web");
	/* names are untrusted: escaped, inert on a terminal */
	container_describe(&c, "a\x1b[2Jb", "ns/\x07x", buf, sizeof(buf));
	assert_string_equal(buf, "kubernetes a\\x1b[2Jb 3f2a9c1b7e4d, pod ns/\\x07x");
	assert_true(of("0::/lxc.payload.a\x1b" "b", &c));
	container_describe(&c, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "lxc a\\x1bb");
	/* none; a short buffer */
	c.runtime = NULL;
	assert_int_equal(container_describe(&c, "web", NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_true(of("0::/docker/" ID, &c));
	assert_int_equal(container_describe(&c, NULL, NULL, buf, 7), 6);
	assert_string_equal(buf, "docker");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtimes),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_docker_name),
		cmocka_unit_test(test_pod_dir),
		cmocka_unit_test(test_storage_name),
		cmocka_unit_test(test_log_name),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests_name("container", tests, NULL, NULL);
}
