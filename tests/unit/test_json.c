/* The JSON string writer every one-shot command uses: escapes, null, and
 * bytes that are not UTF-8 (a process's name is whatever it says). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "json.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_null),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
