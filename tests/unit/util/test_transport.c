/* SPDX-License-Identifier: ISC */
/* Protocol names, the one spelling every file format and report shares,
 * both ways; and port lists made sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>

#include "util/transport.h"

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pc_proto_name(IPPROTO_TCP), "tcp");
	assert_string_equal(pc_proto_name(IPPROTO_UDP), "udp");
	assert_string_equal(pc_proto_name(IPPROTO_SCTP), "?");
	assert_string_equal(pc_proto_name(0), "?");
}

/* Only the exact lower-case names: the files are case-sensitive. */
static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(pc_proto_parse("tcp"), IPPROTO_TCP);
	assert_int_equal(pc_proto_parse("udp"), IPPROTO_UDP);
	assert_int_equal(pc_proto_parse("TCP"), 0);
	assert_int_equal(pc_proto_parse("tcp6"), 0);
	assert_int_equal(pc_proto_parse("t"), 0);
	assert_int_equal(pc_proto_parse(""), 0);
	assert_int_equal(pc_proto_parse(NULL), 0);
	assert_int_equal(pc_proto_parse(pc_proto_name(IPPROTO_UDP)), IPPROTO_UDP);
}

static void test_port_valid(void **state)
{
	(void)state;
	assert_true(pc_port_valid(1));
	assert_true(pc_port_valid(65535));
	assert_false(pc_port_valid(0));
	assert_false(pc_port_valid(65536));
	assert_false(pc_port_valid(-1));
	assert_false(pc_port_valid(65536L * 65536L + 80)); /* not 80 once narrowed */
}

static void test_ports_sort_unique(void **state)
{
	(void)state;
	uint16_t ports[] = { 443, 22, 65535, 22, 1, 443, 443 };
	size_t n = pc_ports_sort_unique(ports, sizeof(ports) / sizeof(ports[0]));
	assert_int_equal(n, 4);
	assert_int_equal(ports[0], 1);
	assert_int_equal(ports[1], 22);
	assert_int_equal(ports[2], 443);
	assert_int_equal(ports[3], 65535);
	/* none and one need no array to sort */
	assert_int_equal(pc_ports_sort_unique(NULL, 0), 0);
	uint16_t one = 7;
	assert_int_equal(pc_ports_sort_unique(&one, 1), 1);
	assert_int_equal(one, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_port_valid),
		cmocka_unit_test(test_ports_sort_unique),
	};
	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}
