/* The libconfuse glue: exact lines whatever the comments, repeated titles
 * kept apart, a value given twice reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plan/cfgfile.h"
#include "pc_test.h"

static cfg_opt_t inner_opts[] = { CFG_INT("m", 0, CFGF_NONE), CFG_END() };
static cfg_opt_t sec_opts[] = {
	CFG_INT("n", 0, CFGF_NONE),
	CFG_SEC("inner", inner_opts, CFGF_MULTI),
	CFG_END(),
};
static cfg_opt_t file_opts[] = {
	CFG_STR("top", NULL, CFGF_NONE),
	CFG_STR("url", NULL, CFGF_NONE),
	CFG_SEC("sec", sec_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_INT_LIST("list", NULL, CFGF_NONE),
	CFG_STR("env", NULL, CFGF_NONE),
	CFG_INT("last", 0, CFGF_NONE),
	CFG_INT("after", 0, CFGF_NONE),
	CFG_INT("unused", 7, CFGF_NONE),
	CFG_END(),
};

static void test_lines_despite_comments(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *path = repo_path("tests/fixtures/cfgfile/lines.conf");
	struct pc_cfgfile *f = pc_cfgfile_parse(file_opts, path, &diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(f);
	assert_int_equal(diag.n_lines, 0);
	cfg_t *root = pc_cfgfile_root(f);
	assert_string_equal(pc_cfgfile_path(f), path);

	assert_int_equal(pc_cfgfile_line(f, root, "top"), 5);
	assert_string_equal(cfg_getstr(root, "top"), "a # not a comment");
	assert_int_equal(pc_cfgfile_line(f, root, "url"), 6);
	assert_string_equal(cfg_getstr(root, "url"), "http://x//y");
	assert_int_equal(pc_cfgfile_line(f, root, "list"), 13);
	assert_int_equal(cfg_size(root, "list"), 2);
	assert_int_equal(pc_cfgfile_line(f, root, "env"), 15);
	assert_string_equal(cfg_getstr(root, "env"), "fallback");
	assert_int_equal(pc_cfgfile_line(f, root, "last"), 16);
	assert_int_equal(pc_cfgfile_line(f, root, "after"), 17);
	assert_int_equal(cfg_getint(root, "after"), 17);
	/* a default is not "written in the file" */
	assert_int_equal(pc_cfgfile_line(f, root, "unused"), 0);
	assert_false(pc_cfgfile_isset(f, root, "unused"));
	pc_cfgfile_free(f);
}

static void test_sections(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_cfgfile *f =
		pc_cfgfile_parse(file_opts, repo_path("tests/fixtures/cfgfile/lines.conf"), &diag);
	assert_non_null(f);
	cfg_t *root = pc_cfgfile_root(f);

	/* two sections titled "one": both kept, in order, titles intact */
	assert_int_equal(cfg_size(root, "sec"), 3);
	cfg_t *first = cfg_getnsec(root, "sec", 0);
	cfg_t *again = cfg_getnsec(root, "sec", 1);
	cfg_t *two = cfg_getnsec(root, "sec", 2);
	assert_string_equal(cfg_title(first), "one");
	assert_string_equal(cfg_title(again), "one");
	assert_string_equal(cfg_title(two), "two");
	assert_int_equal(pc_cfgfile_line(f, first, NULL), 7);
	assert_int_equal(pc_cfgfile_line(f, first, "n"), 8);
	assert_int_equal(cfg_getint(first, "n"), 1);
	/* an empty section still has its opening line */
	assert_int_equal(pc_cfgfile_line(f, again, NULL), 10);
	assert_int_equal(cfg_getint(again, "n"), 0);
	/* sections opened and closed on one line */
	assert_int_equal(pc_cfgfile_line(f, two, NULL), 12);
	assert_int_equal(pc_cfgfile_line(f, cfg_getnsec(two, "inner", 0), NULL), 12);
	assert_int_equal(pc_cfgfile_line(f, two, "inner"), 12);
	pc_cfgfile_free(f);
}

static void test_value_given_twice(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *path = repo_path("tests/fixtures/cfgfile/twice.conf");
	struct pc_cfgfile *f = pc_cfgfile_parse(file_opts, path, &diag);
	/* the parse goes on so that every mistake is reported at once */
	assert_non_null(f);
	assert_int_equal(diag.n_errors, 1);
	check_first_error(&diag, path, 5, "n is set twice in this section (first at line 3)");
	pc_cfgfile_free(f);
	pc_diag_clear(&diag);
}

static void test_unreadable(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *path = repo_path("tests/fixtures/cfgfile/none.conf");
	assert_null(pc_cfgfile_parse(file_opts, path, &diag));
	check_first_error(&diag, path, 0, "cannot read: No such file");
	pc_diag_clear(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_despite_comments),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_value_given_twice),
		cmocka_unit_test(test_unreadable),
	};
	return cmocka_run_group_tests_name("cfgfile", tests, NULL, NULL);
}
