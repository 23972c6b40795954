/* SPDX-License-Identifier: ISC */
/* The index of names the loaders find duplicates with: each name keeps
 * the position it was first given, whatever comes after, through every
 * growth of the table; names that are not there are not found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "plan/names.h"

static void test_first_position_wins(void **state)
{
	(void)state;
	struct pc_names names = { 0 };
	size_t first = 99, position = 99;
	assert_false(pc_names_find(&names, "icm-router", &position));
	assert_int_equal(pc_names_add(&names, "icm-router", 0, &first), 1);
	assert_int_equal(pc_names_add(&names, "icm-logger", 1, &first), 1);
	assert_int_equal(pc_names_add(&names, "icm-router", 2, &first), 0);
	assert_int_equal(first, 0);
	assert_int_equal(pc_names_add(&names, "icm-router", 3, &first), 0);
	assert_int_equal(first, 0);
	assert_true(pc_names_find(&names, "icm-logger", &position));
	assert_int_equal(position, 1);
	assert_false(pc_names_find(&names, "icm-route", &position));
	assert_false(pc_names_find(&names, "", &position));
	assert_false(pc_names_find(&names, NULL, &position));
	/* the empty name is a name like another */
	assert_int_equal(pc_names_add(&names, "", 4, &first), 1);
	assert_true(pc_names_find(&names, "", &position));
	assert_int_equal(position, 4);
	assert_int_equal(names.n, 3);
	pc_names_clear(&names);
	assert_int_equal(names.n, 0);
	assert_false(pc_names_find(&names, "icm-logger", &position));
}

/* Many names, each given twice: the table grows many times over, and
 * every name still leads to its first position. */
static void test_many_names(void **state)
{
	(void)state;
	enum { N = 20000 };
	static char text[N][16];
	struct pc_names names = { 0 };
	size_t first;
	for (size_t i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "rule-%zu", i);
		assert_int_equal(pc_names_add(&names, text[i], i, &first), 1);
	}
	for (size_t i = 0; i < N; i++) {
		char copy[16];
		memcpy(copy, text[i], sizeof(copy)); /* compared by text, not by address */
		assert_int_equal(pc_names_add(&names, copy, N + i, &first), 0);
		assert_int_equal(first, i);
	}
	assert_int_equal(names.n, N);
	assert_true(names.size >= 2 * N);
	pc_names_clear(&names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_position_wins),
		cmocka_unit_test(test_many_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
