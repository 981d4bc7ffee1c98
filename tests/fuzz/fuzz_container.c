// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: a process's container from the text of /proc/PID/cgroup, and
 * the names read from runtimes' files (core/container.c). Control groups'
 * names are chosen by whoever may make them (a delegated subtree is a
 * user's), and Docker's names and pods' by their users.
 *
 * Invariants, for any bytes:
 *   - container_of_cgroups() never reads past the length given; a
 *     container found has a runtime, an ID of 64 lower-case hex digits or a
 *     name of 1-64 bytes, a pod UID of none or 8-4-4-4-12 hex digits;
 *   - container_describe() fits its buffer and is inert on a terminal,
 *     whatever the names given with it;
 *   - container_docker_name(), container_pod_dir(), container_storage_name()
 *     and container_log_name() fit theirs, never read past the length given,
 *     and give a name whole: no quote, backslash or '_' in a storage or log
 *     name (the tail of one cut short would be taken for another's).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/container.h"
#include "tests/fuzz/fuzz.h"

/* The ID the runtimes' files are searched for */
#define FUZZ_ID "3f2a9c1b7e4d5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef"

static void check_container(const struct container *c)
{
	size_t n = strlen(c->id), i;

	FUZZ_CHECK(c->runtime);
	FUZZ_CHECK(n > 0 && n < CONTAINER_ID_LEN);
	if (!c->id_is_name) {
		FUZZ_CHECK(n == 64);
		for (i = 0; i < n; i++)
			FUZZ_CHECK((c->id[i] >= '0' && c->id[i] <= '9') ||
				   (c->id[i] >= 'a' && c->id[i] <= 'f'));
	}
	n = strlen(c->pod_uid);
	FUZZ_CHECK(n == 0 || n == 36);
	for (i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			FUZZ_CHECK(c->pod_uid[i] == '-');
		else
			FUZZ_CHECK((c->pod_uid[i] >= '0' && c->pod_uid[i] <= '9') ||
				   (c->pod_uid[i] >= 'a' && c->pod_uid[i] <= 'f'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes: ASan sees a read past it */
	char *text = malloc(size ? size : 1);
	char name[CONTAINER_ID_LEN], pod[64], out[256], small[9];
	struct container c;
	size_t n, half = size / 2;

	FUZZ_CHECK(text);
	memcpy(text, data, size);
	if (container_of_cgroups(text, size, &c)) {
		check_container(&c);
		/* the input's halves as names: anything a user may choose */
		{
			char *a = strndup(text, half), *b = strndup(text + half, size - half);

			FUZZ_CHECK(a && b);
			n = container_describe(&c, a, b, out, sizeof(out));
			FUZZ_CHECK(n == strlen(out) && n < sizeof(out));
			FUZZ_CHECK(fuzz_text_inert(out, n, false));
			n = container_describe(&c, a, b, small, sizeof(small));
			FUZZ_CHECK(n == strlen(small) && n < sizeof(small));
			free(a);
			free(b);
		}
	} else {
		FUZZ_CHECK(!c.runtime);
	}
	if (container_docker_name(text, size, name, sizeof(name)))
		FUZZ_CHECK(strlen(name) > 0 && strlen(name) < sizeof(name));
	{
		char *z = strndup(text, size);

		FUZZ_CHECK(z);
		if (container_pod_dir(z, "5b0e1a2c-3d4e-4f50-8a9b-0c1d2e3f4a5b", pod, sizeof(pod)))
			FUZZ_CHECK(strchr(pod, '/') && strlen(pod) < sizeof(pod));
		if (container_log_name(z, FUZZ_ID, name, sizeof(name))) {
			n = strlen(name);
			FUZZ_CHECK(n > 0 && n < sizeof(name) && !strchr(name, '_'));
			FUZZ_CHECK(strstr(z, name));
		}
		free(z);
	}
	if (container_storage_name(text, size, FUZZ_ID, name, sizeof(name))) {
		n = strlen(name);
		FUZZ_CHECK(n > 0 && n < sizeof(name));
		FUZZ_CHECK(!strchr(name, '"') && !strchr(name, '\\'));
		FUZZ_CHECK(memmem(text, size, name, n));
		FUZZ_CHECK(memmem(text, size, FUZZ_ID, 64));
	}
	free(text);
	return 0;
}
