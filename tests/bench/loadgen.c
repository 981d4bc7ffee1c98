// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen: loopback TCP load with a known ground truth, for the benchmark
 * and the integration tests. A server process and a client process (each
 * with its own PID and comm) make N connections over 127.0.0.1 or ::1 with
 * exact payload each way and a chosen closer; at the end the totals are
 * printed as key=value lines (or one JSON object). Exit status 0 only if
 * every connection completed as specified on both sides, 1 otherwise,
 * 2 on a usage error. The engine is traffic_burst() in tests/lib/.
 */
#include "tests/lib/traffic.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_COUNT		1000
#define DEFAULT_C2S		100
#define DEFAULT_S2C		1000
#define DEFAULT_CONCURRENCY	2
#define DEFAULT_SERVER_THREADS	1
#define DEFAULT_SRC_ADDRS	64
#define COMM_MAX		15	/* TASK_COMM_LEN - 1 */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loadgen [options]\n"
		"Loopback TCP load between a server process and a client process, with\n"
		"known byte counts; prints the totals as key=value lines.\n"
		"\n"
		"  -n N                connections (default %d unless --duration is given)\n"
		"  --duration SECONDS  run for this long instead (with -n: whichever ends first)\n"
		"  -r CONN_PER_SEC     fixed connection rate (default: as fast as possible)\n"
		"  -c CONCURRENCY      parallel client threads (default %d)\n"
		"  -w THREADS          server threads (default %d)\n"
		"  -s BYTES            payload client -> server per connection (default %d)\n"
		"  -S BYTES            payload server -> client per connection (default %d)\n"
		"                      (BYTES may end in k, m or g: x1024)\n"
		"  --close client|server  which side closes first (default client)\n"
		"  --rst               the closing side aborts with RST (SO_LINGER 0)\n"
		"  -6                  use ::1 instead of 127.0.0.1\n"
		"  --port PORT         server port (default: chosen by the kernel)\n"
		"  --src-addrs N       IPv4: client sources spread over 127.0.0.1..127.0.0.N so\n"
		"                      TIME_WAIT cannot exhaust ephemeral ports (default %d;\n"
		"                      1 = always 127.0.0.1)\n"
		"  --comm-client NAME  client process name (default loadgen-cli)\n"
		"  --comm-server NAME  server process name (default loadgen-srv)\n"
		"  --timeout SECONDS   bound of the whole run (default: derived from -n/-r/--duration)\n"
		"  --conn-timeout MS   bound of each step of a connection (default %d)\n"
		"  --server-cpus LIST  run the server only on these CPUs: 0, 0,1 or 0-1\n"
		"  --client-cpus LIST  the same for the client (default: anywhere)\n"
		"  --json              print one JSON object instead of key=value lines\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 every connection completed on both sides, 1 failures, 2 usage.\n",
		DEFAULT_COUNT, DEFAULT_CONCURRENCY, DEFAULT_SERVER_THREADS, DEFAULT_C2S,
		DEFAULT_S2C, DEFAULT_SRC_ADDRS, TRAFFIC_TIMEOUT_MS);
}

static void __attribute__((noreturn, format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "loadgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try --help)\n");
	exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t max, int suffixes)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		usage_error("%s: '%s' is not a non-negative number", opt, s);
	v = strtoull(s, &end, 10);
	if (suffixes && *end && !end[1]) {
		int shift = *end == 'k' || *end == 'K' ? 10 :
			    *end == 'm' || *end == 'M' ? 20 :
			    *end == 'g' || *end == 'G' ? 30 : -1;

		if (shift > 0 && v <= (ULLONG_MAX >> shift)) {
			v <<= shift;
			end++;
		}
	}
	if (errno || *end || v > max)
		usage_error("%s: '%s' is not a number in 0..%llu%s", opt, s,
			    (unsigned long long)max, suffixes ? " (suffix k, m or g allowed)" : "");
	return v;
}

static double parse_seconds(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > 86400.0)
		usage_error("%s: '%s' is not a number of seconds in (0, 86400]", opt, s);
	return v;
}

/* "0", "0,2", "0-1": a mask of CPUs 0..63 this machine has. */
static uint64_t parse_cpus(const char *opt, const char *s)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t mask = 0;
	const char *p = s;

	if (ncpu < 1 || ncpu > 64)
		ncpu = 64;
	for (;;) {
		unsigned long lo, hi;
		char *end;

		if (*p < '0' || *p > '9')
			break;
		errno = 0;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				break;
			hi = strtoul(end + 1, &end, 10);
			if (hi < lo)
				break;
		}
		if (errno || hi >= (unsigned long)ncpu)
			usage_error("%s: '%s': this machine has CPUs 0..%ld", opt, s, ncpu - 1);
		for (; lo <= hi; lo++)
			mask |= 1ULL << lo;
		if (!*end)
			return mask;
		if (*end != ',')
			break;
		p = end + 1;
	}
	usage_error("%s: '%s' is not a list of CPUs (0, 0,1 or 0-1)", opt, s);
}

static const char *check_comm(const char *opt, const char *s)
{
	if (!*s || strlen(s) > COMM_MAX)
		usage_error("%s: '%s' must be 1..%d bytes (the kernel's comm length)", opt, s,
			    COMM_MAX);
	return s;
}

/* Print a string as a JSON string literal. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

enum {
	OPT_CLOSE = 256, OPT_RST, OPT_COMM_CLIENT, OPT_COMM_SERVER, OPT_DURATION, OPT_JSON,
	OPT_PORT, OPT_SRC_ADDRS, OPT_TIMEOUT, OPT_CONN_TIMEOUT, OPT_SERVER_CPUS, OPT_CLIENT_CPUS,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "close", required_argument, NULL, OPT_CLOSE },
		{ "rst", no_argument, NULL, OPT_RST },
		{ "comm-client", required_argument, NULL, OPT_COMM_CLIENT },
		{ "comm-server", required_argument, NULL, OPT_COMM_SERVER },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "src-addrs", required_argument, NULL, OPT_SRC_ADDRS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "conn-timeout", required_argument, NULL, OPT_CONN_TIMEOUT },
		{ "server-cpus", required_argument, NULL, OPT_SERVER_CPUS },
		{ "client-cpus", required_argument, NULL, OPT_CLIENT_CPUS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct traffic_burst_spec sp = {
		.family = AF_INET,
		.server_comm = "loadgen-srv",
		.client_comm = "loadgen-cli",
		.c2s_bytes = DEFAULT_C2S,
		.s2c_bytes = DEFAULT_S2C,
		.closer = TRAFFIC_CLIENT,
		.concurrency = DEFAULT_CONCURRENCY,
		.server_threads = DEFAULT_SERVER_THREADS,
		.src_addrs = DEFAULT_SRC_ADDRS,
	};
	struct traffic_burst_result res;
	int have_count = 0, json = 0, opt, rc;
	uint64_t expected;
	double rate_seen;
	char sst[96], cst[96];

	while ((opt = getopt_long(argc, argv, "n:r:c:w:s:S:6h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			sp.count = parse_u64("-n", optarg, UINT64_MAX / 2, 0);
			if (!sp.count)
				usage_error("-n: need at least one connection");
			have_count = 1;
			break;
		case 'r': {
			char *end;

			errno = 0;
			sp.rate = strtod(optarg, &end);
			if (errno || *end || !(sp.rate > 0) || sp.rate > 1e7)
				usage_error("-r: '%s' is not a rate in (0, 1e7] connections/s",
					    optarg);
			break;
		}
		case 'c':
			sp.concurrency = (unsigned int)parse_u64("-c", optarg, 64, 0);
			if (!sp.concurrency)
				usage_error("-c: at least 1");
			break;
		case 'w':
			sp.server_threads = (unsigned int)parse_u64("-w", optarg, 64, 0);
			if (!sp.server_threads)
				usage_error("-w: at least 1");
			break;
		case 's':
			sp.c2s_bytes = parse_u64("-s", optarg, 1ULL << 40, 1);
			break;
		case 'S':
			sp.s2c_bytes = parse_u64("-S", optarg, 1ULL << 40, 1);
			break;
		case '6':
			sp.family = AF_INET6;
			break;
		case OPT_CLOSE:
			if (!strcmp(optarg, "client"))
				sp.closer = TRAFFIC_CLIENT;
			else if (!strcmp(optarg, "server"))
				sp.closer = TRAFFIC_SERVER;
			else
				usage_error("--close: 'client' or 'server', not '%s'", optarg);
			break;
		case OPT_RST:
			sp.rst = true;
			break;
		case OPT_COMM_CLIENT:
			sp.client_comm = check_comm("--comm-client", optarg);
			break;
		case OPT_COMM_SERVER:
			sp.server_comm = check_comm("--comm-server", optarg);
			break;
		case OPT_DURATION:
			sp.duration_ms =
				(unsigned int)ceil(parse_seconds("--duration", optarg) * 1000);
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_PORT:
			sp.port = (uint16_t)parse_u64("--port", optarg, 65535, 0);
			break;
		case OPT_SRC_ADDRS:
			sp.src_addrs = (unsigned int)parse_u64("--src-addrs", optarg, 254, 0);
			break;
		case OPT_TIMEOUT:
			sp.limit_ms = (unsigned int)ceil(parse_seconds("--timeout", optarg) * 1000);
			break;
		case OPT_CONN_TIMEOUT:
			sp.timeout_ms =
				(unsigned int)parse_u64("--conn-timeout", optarg, 3600000, 0);
			if (!sp.timeout_ms)
				usage_error("--conn-timeout: at least 1 ms");
			break;
		case OPT_SERVER_CPUS:
			sp.server_cpus = parse_cpus("--server-cpus", optarg);
			break;
		case OPT_CLIENT_CPUS:
			sp.client_cpus = parse_cpus("--client-cpus", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_count && !sp.duration_ms)
		sp.count = DEFAULT_COUNT;

	/* children must not inherit unflushed output */
	fflush(stdout);
	rc = traffic_burst(&sp, &res);
	if (rc == -EINVAL) {
		fprintf(stderr, "loadgen: %s\n", res.err);
		return 2;
	}

	expected = sp.count ? sp.count : res.attempted;
	rate_seen = res.elapsed_s > 0 ? (double)res.ok / res.elapsed_s : 0.0;
	traffic_status_str(res.server_status, sst, sizeof(sst));
	traffic_status_str(res.client_status, cst, sizeof(cst));

	if (json) {
		printf("{\"connections_requested\":%llu,\"connections_attempted\":%llu,"
		       "\"connections_ok\":%llu,\"connections_failed\":%llu,"
		       "\"server_connections_ok\":%llu,\"server_connections_failed\":%llu,"
		       "\"errors_connect\":%llu,\"errors_timeout\":%llu,\"errors_io\":%llu,"
		       "\"bytes_c2s_total\":%llu,\"bytes_s2c_total\":%llu,"
		       "\"bytes_c2s_per_conn\":%llu,\"bytes_s2c_per_conn\":%llu,"
		       "\"elapsed_s\":%.6f,\"conn_per_s\":%.1f,"
		       "\"server_pid\":%d,\"client_pid\":%d,\"loadgen_pid\":%d,\"server_port\":%u,"
		       "\"family\":\"%s\",\"closer\":\"%s\",\"rst\":%s,\"concurrency\":%u,"
		       "\"server_threads\":%u,\"comm_server\":",
		       (unsigned long long)sp.count, (unsigned long long)res.attempted,
		       (unsigned long long)res.ok, (unsigned long long)(expected - res.ok),
		       (unsigned long long)res.server_ok, (unsigned long long)res.server_failed,
		       (unsigned long long)res.err_connect, (unsigned long long)res.err_timeout,
		       (unsigned long long)res.err_io, (unsigned long long)res.c2s_bytes,
		       (unsigned long long)res.s2c_bytes, (unsigned long long)sp.c2s_bytes,
		       (unsigned long long)sp.s2c_bytes, res.elapsed_s, rate_seen,
		       (int)res.server_pid, (int)res.client_pid, (int)getpid(), res.server_port,
		       sp.family == AF_INET6 ? "ipv6" : "ipv4",
		       sp.closer == TRAFFIC_SERVER ? "server" : "client", sp.rst ? "true" : "false",
		       sp.concurrency, sp.server_threads);
		json_str(sp.server_comm);
		printf(",\"comm_client\":");
		json_str(sp.client_comm);
		printf(",\"server_status\":");
		json_str(sst);
		printf(",\"client_status\":");
		json_str(cst);
		printf(",\"error\":");
		json_str(rc ? res.err : "");
		printf("}\n");
	} else {
		printf("connections_requested=%llu\n", (unsigned long long)sp.count);
		printf("connections_attempted=%llu\n", (unsigned long long)res.attempted);
		printf("connections_ok=%llu\n", (unsigned long long)res.ok);
		printf("connections_failed=%llu\n", (unsigned long long)(expected - res.ok));
		printf("server_connections_ok=%llu\n", (unsigned long long)res.server_ok);
		printf("server_connections_failed=%llu\n", (unsigned long long)res.server_failed);
		printf("errors_connect=%llu\n", (unsigned long long)res.err_connect);
		printf("errors_timeout=%llu\n", (unsigned long long)res.err_timeout);
		printf("errors_io=%llu\n", (unsigned long long)res.err_io);
		printf("bytes_c2s_total=%llu\n", (unsigned long long)res.c2s_bytes);
		printf("bytes_s2c_total=%llu\n", (unsigned long long)res.s2c_bytes);
		printf("bytes_c2s_per_conn=%llu\n", (unsigned long long)sp.c2s_bytes);
		printf("bytes_s2c_per_conn=%llu\n", (unsigned long long)sp.s2c_bytes);
		printf("elapsed_s=%.6f\n", res.elapsed_s);
		printf("conn_per_s=%.1f\n", rate_seen);
		printf("server_pid=%d\n", (int)res.server_pid);
		printf("client_pid=%d\n", (int)res.client_pid);
		printf("loadgen_pid=%d\n", (int)getpid());
		printf("server_port=%u\n", res.server_port);
		printf("family=%s\n", sp.family == AF_INET6 ? "ipv6" : "ipv4");
		printf("closer=%s\n", sp.closer == TRAFFIC_SERVER ? "server" : "client");
		printf("rst=%d\n", sp.rst ? 1 : 0);
		printf("concurrency=%u\n", sp.concurrency);
		printf("server_threads=%u\n", sp.server_threads);
		printf("comm_server=%s\n", sp.server_comm);
		printf("comm_client=%s\n", sp.client_comm);
		printf("server_status=%s\n", sst);
		printf("client_status=%s\n", cst);
	}
	if (rc) {
		fprintf(stderr, "loadgen: %s\n", res.err[0] ? res.err : strerror(-rc));
		return 1;
	}
	return 0;
}
