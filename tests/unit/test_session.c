// SPDX-License-Identifier: GPL-2.0
/* Unit tests: core/session.c (enum names and their parsers). */
#include "tests/unit/helpers.h"

#include <errno.h>

static void test_dir_names(void **state)
{
	uint8_t v = 99;

	assert_string_equal(session_dir_name(DIR_OUT), "out");
	assert_string_equal(session_dir_name(DIR_IN), "in");
	assert_string_equal(session_dir_name(DIR_UNKNOWN), "?");
	assert_string_equal(session_dir_name((enum sess_dir)77), "?");
	assert_int_equal(session_dir_parse("out", &v), 0);
	assert_int_equal(v, DIR_OUT);
	assert_int_equal(session_dir_parse("in", &v), 0);
	assert_int_equal(v, DIR_IN);
	assert_int_equal(session_dir_parse("?", &v), 0);
	assert_int_equal(v, DIR_UNKNOWN);
}

static void test_closer_names(void **state)
{
	uint8_t v = 99;

	assert_string_equal(session_closer_name(CLOSER_LOCAL), "local");
	assert_string_equal(session_closer_name(CLOSER_REMOTE), "remote");
	assert_string_equal(session_closer_name(CLOSER_UNKNOWN), "?");
	assert_string_equal(session_closer_name((enum sess_closer)200), "?");
	assert_int_equal(session_closer_parse("remote", &v), 0);
	assert_int_equal(v, CLOSER_REMOTE);
	assert_int_equal(session_closer_parse("", &v), 0);
	assert_int_equal(v, CLOSER_UNKNOWN);
}

static void test_cause_names_round_trip(void **state)
{
	static const char *const expect[] = {
		"?", "fin", "rst_sent", "rst_recv", "refused", "timeout", "abandoned", "unreachable",
		"open",
	};
	unsigned int c;

	assert_int_equal(ARRAY_LEN(expect), CAUSE_MAX);
	for (c = 0; c < CAUSE_MAX; c++) {
		uint8_t v = 0xff;

		assert_string_equal(session_cause_name(c), expect[c]);
		assert_int_equal(session_cause_parse(session_cause_name(c), &v), 0);
		assert_int_equal(v, c);
	}
	assert_string_equal(session_cause_name(CAUSE_MAX), "?");
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = { "OUT", "fin ", " in", "rst", "x", "unknown", "??" };
	uint8_t v = 42;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(session_dir_parse(bad[i], &v), -EINVAL);
		assert_int_equal(session_closer_parse(bad[i], &v), -EINVAL);
		assert_int_equal(session_cause_parse(bad[i], &v), -EINVAL);
	}
	assert_int_equal(v, 42);	/* untouched on error */
	assert_int_equal(session_cause_parse(NULL, &v), -EINVAL);
}

static void test_service_port_and_rst(void **state)
{
	struct session s = mk_session(1, "x", 40000, 443, T0_NS);

	s.dir = DIR_OUT;
	assert_int_equal(session_service_port(&s), 443);
	s.dir = DIR_IN;
	s.lport = 8080;
	s.rport = 51000;
	assert_int_equal(session_service_port(&s), 8080);
	s.dir = DIR_UNKNOWN;
	assert_int_equal(session_service_port(&s), 8080);
	s.cause = CAUSE_FIN;
	assert_false(session_is_rst(&s));
	s.cause = CAUSE_TIMEOUT;
	assert_false(session_is_rst(&s));
	s.cause = CAUSE_RST_SENT;
	assert_true(session_is_rst(&s));
	s.cause = CAUSE_RST_RECV;
	assert_true(session_is_rst(&s));
	s.cause = CAUSE_REFUSED;
	assert_true(session_is_rst(&s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_names),
		cmocka_unit_test(test_closer_names),
		cmocka_unit_test(test_cause_names_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_service_port_and_rst),
	};

	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
