/* SPDX-License-Identifier: ISC */
/* The JSON string writer every one-shot command uses: escapes, null, and
 * bytes that are not UTF-8 (a process's name is whatever it says). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/json.h"
#include "json_check.h"
#include "pc_test.h"

static char *json_of(const char *s)
{
	FILE *out = tmpfile();
	assert_non_null(out);
	pc_json_string(out, s);
	char *text = slurp(out);
	fclose(out);
	return text;
}

static void check(const char *in, const char *want)
{
	char *got = json_of(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_plain_and_null(void **state)
{
	(void)state;
	check("icm-router", "\"icm-router\"");
	check("", "\"\"");
	check(NULL, "null");
}

static void test_escapes(void **state)
{
	(void)state;
	check("a\"b\\c", "\"a\\\"b\\\\c\"");
	check("tab\there\nnl\x01", "\"tab\\u0009here\\u000anl\\u0001\"");
	check("/|'", "\"/|'\""); /* nothing else is escaped */
}

static void test_utf8(void **state)
{
	(void)state;
	/* Valid sequences pass as they are: é (2), € (3), 𝄞 (4). */
	check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\"");
	/* A lone continuation byte, a truncated sequence, an overlong '/',
	 * a surrogate, a code point above U+10FFFF, 0xFF: each byte is U+FFFD. */
	check("a\x80z", "\"a\\ufffdz\"");
	check("\xe2\x82", "\"\\ufffd\\ufffd\"");
	check("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	check("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	check("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	check("\xff", "\"\\ufffd\"");
}

static void test_bool(void **state)
{
	(void)state;
	assert_string_equal(pc_json_bool(1), "true");
	assert_string_equal(pc_json_bool(0), "false");
}

/* The checker other tests prove their JSON with (json_check.h) must
 * itself tell good from bad. */
static void test_checker(void **state)
{
	(void)state;
	static const char *const good[] = {
		"{}", "[]", " {\"a\": [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"]}\n",
		"\"caf\xc3\xa9\"", "0", "{\"a\": {\"b\": []}}",
	};
	static const char *const bad[] = {
		"", "{", "{\"a\": 1,}", "[1 2]", "{a: 1}", "\"tab\there\"", "\"\\x\"",
		"\"\xff\"", "01", "1.", "tru", "{} {}", "{\"a\" 1}", "\"\\u12\"",
	};
	char why[160];
	for (size_t k = 0; k < sizeof(good) / sizeof(good[0]); k++)
		if (!json_valid(good[k], why, sizeof(why)))
			fail_msg("rejected %s: %s", good[k], why);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (json_valid(bad[k], why, sizeof(why)))
			fail_msg("accepted %s", bad[k]);
	/* Whatever bytes a name holds, the writer's output passes. */
	char *text = json_of("\x01\"\\\xff\xe2\x82 ok \xc3\xa9");
	assert_json_valid(text);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_null),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_checker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
