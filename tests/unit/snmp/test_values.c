/* SPDX-License-Identifier: ISC */
/* The encoding the MIB's handlers and the notifications share (values.c):
 * each setter gives the type it names and the value unchanged; a TimeStamp
 * is 0 for never and for before the agent started; the row indexes are the
 * MIB's INDEX clauses in order, and an index too long for the buffer marks
 * itself unusable instead of writing past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "snmp/values.h"

static void test_setters(void **ctx)
{
	(void)ctx;
	netsnmp_variable_list var;
	memset(&var, 0, sizeof(var));

	pc_mib_set_int(&var, -1);
	assert_int_equal(var.type, ASN_INTEGER);
	assert_int_equal(*var.val.integer, -1);

	pc_mib_set_uint(&var, ASN_GAUGE, 4294967295ul);
	assert_int_equal(var.type, ASN_GAUGE);
	assert_int_equal((unsigned long)*var.val.integer, 4294967295ul);

	pc_mib_set_string(&var, "router");
	assert_int_equal(var.type, ASN_OCTET_STR);
	assert_int_equal(var.val_len, 6);
	assert_memory_equal(var.val.string, "router", 6);

	/* No text is the empty string, not an absent value. */
	pc_mib_set_string(&var, NULL);
	assert_int_equal(var.type, ASN_OCTET_STR);
	assert_int_equal(var.val_len, 0);

	static const uint8_t bytes[] = { 0, 10, 0, 255 };
	pc_mib_set_octets(&var, bytes, sizeof(bytes));
	assert_int_equal(var.type, ASN_OCTET_STR);
	assert_int_equal(var.val_len, sizeof(bytes));
	assert_memory_equal(var.val.string, bytes, sizeof(bytes));

	assert_int_equal(PC_TRUTH(true), 1);
	assert_int_equal(PC_TRUTH(false), 2);
	snmp_free_var_internals(&var);
}

static void test_timestamps(void **ctx)
{
	(void)ctx;
	/* Now is 60 s of monotonic time, and sysUpTime 1000 s (100000 ticks). */
	assert_int_equal(pc_mib_timestamp_at(0, 60000, 100000), 0); /* never */
	assert_int_equal(pc_mib_timestamp_at(60000, 60000, 100000), 100000);
	assert_int_equal(pc_mib_timestamp_at(56000, 60000, 100000), 100000 - 400);
	/* Before the agent's sysUpTime began: 0, never a wrapped number. */
	assert_int_equal(pc_mib_timestamp_at(1, 60000, 100), 0);
}

static void test_listener_index(void **ctx)
{
	(void)ctx;
	struct pc_endpoint ep;
	struct pc_mib_index index = { .len = 0 };
	static const uint8_t v4[] = { 10, 1, 2, 3 };
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET, v4, false, 0, 2222);
	pc_mib_index_append_listener(&index, &ep);
	static const oid want_v4[] = { IPPROTO_TCP, PC_INET_IPV4, 4, 10, 1, 2, 3, 2222 };
	assert_int_equal(index.len, OID_LENGTH(want_v4));
	assert_memory_equal(index.sub, want_v4, sizeof(want_v4));

	/* IPv6: length 16 and sixteen bytes, still within the buffer. */
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	v6[15] = 1;
	pc_endpoint_set(&ep, IPPROTO_UDP, AF_INET6, v6, true, 0, 53);
	index.len = 0;
	pc_mib_index_append_listener(&index, &ep);
	assert_true(pc_mib_index_usable(&index));
	assert_int_equal(index.len, 3 + 16 + 1);
	assert_int_equal(index.sub[0], IPPROTO_UDP);
	assert_int_equal(index.sub[1], PC_INET_IPV6);
	assert_int_equal(index.sub[2], 16);
	assert_int_equal(index.sub[3], 0x20);
	assert_int_equal(index.sub[18], 1);
	assert_int_equal(index.sub[19], 53);
}

static void test_expectation_index(void **ctx)
{
	(void)ctx;
	struct pc_mib_index index = { .len = 0 };
	pc_mib_index_append(&index, 2); /* as pcInstancePortTable's leading part */
	pc_mib_index_append_expectation(&index, 3, 5, 7);
	static const oid want[] = { 2, 3, 5, 7 };
	assert_int_equal(index.len, OID_LENGTH(want));
	assert_memory_equal(index.sub, want, sizeof(want));
}

static void test_overlong_index(void **ctx)
{
	(void)ctx;
	struct pc_mib_index index = { .len = 0 };
	uint8_t bytes[PC_MIB_INDEX_MAX];
	memset(bytes, 7, sizeof(bytes));
	pc_mib_index_append_octets(&index, bytes, PC_MIB_INDEX_MAX - 1);
	assert_true(pc_mib_index_usable(&index)); /* exactly full */
	pc_mib_index_append(&index, 9);
	pc_mib_index_append_octets(&index, bytes, sizeof(bytes));
	assert_false(pc_mib_index_usable(&index));
	assert_int_equal(index.len, PC_MIB_INDEX_MAX + 1 + 1 + PC_MIB_INDEX_MAX);
	assert_int_equal(index.sub[PC_MIB_INDEX_MAX - 1], 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_listener_index),
		cmocka_unit_test(test_expectation_index),
		cmocka_unit_test(test_overlong_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
