/* SPDX-License-Identifier: ISC */
/* The libconfuse glue: exact lines whatever the comments, repeated titles
 * kept apart (in file order, thousands of them), a value given twice
 * reported, integers read as decimal only; and parses on several threads
 * at once, each with its own lines and diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>

#include "plan/cfgfile.h"
#include "pc_test.h"

static cfg_opt_t inner_opts[] = { CFG_INT("m", 0, CFGF_NONE), CFG_END() };
static cfg_opt_t sec_opts[] = {
	CFG_INT("n", 0, CFGF_NONE),
	CFG_SEC("inner", inner_opts, CFGF_MULTI),
	CFG_END(),
};
static cfg_opt_t file_opts[] = {
	CFG_SEC("single", inner_opts, CFGF_NONE),
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

/* lines.conf, parsed cleanly, for the tests that read it. */
struct parsed {
	const char *path;
	struct pc_diag diag;
	struct pc_cfgfile *file;
	cfg_t *root;
};

static int parse_lines_conf(void **state)
{
	struct parsed *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	p->path = repo_path("tests/fixtures/cfgfile/lines.conf");
	p->file = pc_cfgfile_parse(file_opts, p->path, &p->diag);
	pc_diag_print(&p->diag, stderr);
	if (p->file == NULL || p->diag.n_lines != 0) {
		pc_cfgfile_free(p->file);
		pc_diag_clear(&p->diag);
		free(p);
		return -1;
	}
	p->root = pc_cfgfile_root(p->file);
	*state = p;
	return 0;
}

static int free_parsed(void **state)
{
	struct parsed *p = *state;
	pc_cfgfile_free(p->file);
	pc_diag_clear(&p->diag);
	free(p);
	return 0;
}

static void test_lines_despite_comments(void **state)
{
	const struct parsed *p = *state;
	struct pc_cfgfile *f = p->file;
	cfg_t *root = p->root;
	assert_string_equal(pc_cfgfile_path(f), p->path);

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
}

static void test_sections(void **state)
{
	const struct parsed *p = *state;
	struct pc_cfgfile *f = p->file;
	cfg_t *root = p->root;

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
}

/* A single (not multi) section exists before the parse, made by
 * libconfuse for its defaults: its options' lines are recorded too. */
static void test_single_section_made_before_the_parse(void **state)
{
	(void)state;
	static const char text[] = "top = \"t\"\nsingle {\n\tm = 3\n}\n";
	struct pc_diag diag = { 0 };
	struct pc_cfgfile *f = pc_cfgfile_parse_text(file_opts, "single.conf", text,
						     sizeof(text) - 1, &diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(f);
	assert_int_equal(diag.n_lines, 0);
	cfg_t *single = cfg_getsec(pc_cfgfile_root(f), "single");
	assert_int_equal(cfg_getint(single, "m"), 3);
	assert_int_equal(pc_cfgfile_line(f, single, "m"), 3);
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

/* Every integer is decimal: libconfuse alone would read "010" as 8 and
 * "0x10" as 16. "0" and negative numbers stay what they say; each bad
 * value is reported at its line with the value, the parse goes on to the
 * others, and the file is refused. */
static void test_integers_are_decimal(void **state)
{
	(void)state;
	static const char good[] = "last = 0\nafter = -12\nlist = {1, 65535, 0}\n"
				   "sec \"s\" { n = 9223372036854775807 }\n";
	struct pc_diag diag = { 0 };
	struct pc_cfgfile *f = pc_cfgfile_parse_text(file_opts, "good.conf", good,
						     sizeof(good) - 1, &diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(f);
	assert_int_equal(diag.n_lines, 0);
	cfg_t *root = pc_cfgfile_root(f);
	assert_int_equal(cfg_getint(root, "last"), 0);
	assert_int_equal(cfg_getint(root, "after"), -12);
	assert_int_equal(cfg_getnint(root, "list", 1), 65535);
	assert_int_equal(cfg_getnint(root, "list", 2), 0);
	assert_int_equal(cfg_getint(cfg_getnsec(root, "sec", 0), "n"), 9223372036854775807L);
	pc_cfgfile_free(f);

	static const struct {
		const char *text, *message;
	} bad[] = {
		{ "last = 010\n", "last = 010: a leading zero: numbers are decimal, not octal (write 10)" },
		{ "last = 00\n", "last = 00: a leading zero: numbers are decimal, not octal (write 0)" },
		{ "last = -07\n", "last = -07: a leading zero: numbers are decimal, not octal (write -7)" },
		{ "last = \"022\"\n", "last = 022: a leading zero" },
		{ "list = {1, 2,\n 0300}\n", "list = 0300: a leading zero" },
		{ "sec \"s\" {\n n = 08 }\n", "n = 08: a leading zero" },
		{ "last = 0x10\n", "last = 0x10: not a decimal integer (hexadecimal is not read" },
		{ "last = 0X1F\n", "last = 0X1F: not a decimal integer (hexadecimal is not read" },
		{ "last = 1e3\n", "last = 1e3: not a decimal integer" },
		{ "last = \" 5\"\n", "last =  5: not a decimal integer" },
		{ "last = -\n", "last = -: not a decimal integer" },
		{ "last = \"\"\n", "last = \"\": not a decimal integer" },
		{ "last = 9223372036854775808\n", "last = 9223372036854775808: out of range" },
		{ "last = 123456789012345678901234567890123456789\n",
		  "last = 12345678901234567890123456789012...: out of range" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int line = bad[i].text[0] == 'l' && strchr(bad[i].text, '\n')[1] == '\0' ? 1 : 2;
		assert_null(pc_cfgfile_parse_text(file_opts, "bad.conf", bad[i].text,
						  strlen(bad[i].text), &diag));
		check_first_error(&diag, "bad.conf", line, bad[i].message);
		assert_int_equal(diag.n_errors, 1);
		pc_diag_clear(&diag);
	}

	/* every bad number of a file is reported, not only the first */
	static const char several[] = "last = 010\nafter = 020\nlist = {1, 030}\n";
	assert_null(pc_cfgfile_parse_text(file_opts, "several.conf", several, sizeof(several) - 1,
					  &diag));
	assert_int_equal(diag.n_errors, 3);
	check_diag_line(diag.lines[1], "several.conf", 2, "after = 020: a leading zero");
	check_diag_line(diag.lines[2], "several.conf", 3, "list = 030: a leading zero");
	pc_diag_clear(&diag);
}

/* Sections given again and again are all kept, in file order, each with
 * its own line, titled alike or not, thousands of them (libconfuse alone
 * compares each title with every earlier one, and merges equal ones). */
static void test_many_repeated_sections(void **state)
{
	(void)state;
	enum { N = 2000 };
	size_t cap = N * 48 + 64, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "sec \"%s\" { n = %d inner { m = %d } }\n",
					i % 2 ? "odd" : "same", i, i);
	struct pc_diag diag = { 0 };
	struct pc_cfgfile *f = pc_cfgfile_parse_text(file_opts, "many.conf", text, len, &diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(f);
	cfg_t *root = pc_cfgfile_root(f);
	assert_int_equal(cfg_size(root, "sec"), N);
	for (int i = 0; i < N; i++) {
		cfg_t *sec = cfg_getnsec(root, "sec", (unsigned)i);
		assert_string_equal(cfg_title(sec), i % 2 ? "odd" : "same");
		assert_int_equal(cfg_getint(sec, "n"), i);
		assert_int_equal(pc_cfgfile_line(f, sec, NULL), i + 1);
		assert_int_equal(cfg_size(sec, "inner"), 1);
		assert_int_equal(cfg_getint(cfg_getnsec(sec, "inner", 0), "m"), i);
	}
	pc_cfgfile_free(f);

	/* a syntax error inside the last one: every section is still freed
	 * (valgrind and ASan hold the test to it) */
	len = (size_t)snprintf(text, cap, "sec \"a\" { n = 1 }\nsec \"a\" { n = 2 }\nsec \"a\" { n = = }\n");
	assert_null(pc_cfgfile_parse_text(file_opts, "broken.conf", text, len, &diag));
	check_first_error(&diag, "broken.conf", 3, "");
	pc_diag_clear(&diag);
	free(text);
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

/* range = {FIRST, LAST} as both file formats take it; and where a message
 * about an option that was not written points. */
static void test_port_ranges_and_where(void **state)
{
	(void)state;
	static const char text[] = "list = {10, 20}\n"
				   "sec \"ok\" { n = 1 }\n"
				   "sec \"one\" {\n}\n";
	struct pc_diag diag = { 0 };
	struct pc_cfgfile *f = pc_cfgfile_parse_text(file_opts, "ranges.conf", text,
						     sizeof(text) - 1, &diag);
	assert_non_null(f);
	cfg_t *root = pc_cfgfile_root(f);
	long first, last;
	assert_true(pc_cfgfile_port_range(root, "list", &first, &last));
	assert_int_equal(first, 10);
	assert_int_equal(last, 20);
	cfg_t *one = cfg_getnsec(root, "sec", 1);
	assert_int_equal(pc_cfgfile_where(f, cfg_getnsec(root, "sec", 0), "n"), 2);
	assert_int_equal(pc_cfgfile_where(f, one, "n"), 3); /* not written: the section */
	assert_int_equal(pc_cfgfile_where(f, one, NULL), 3);
	pc_cfgfile_free(f);

	static const struct {
		const char *list;
		long first, last;
	} bad[] = {
		{ "{20, 10}", 20, 10 }, { "{10, 10}", 10, 10 }, { "{0, 10}", 0, 10 },
		{ "{10, 65536}", 10, 65536 }, { "{10}", 10, 0 }, { "{1, 2, 3}", 1, 2 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "list = %s\n", bad[i].list);
		f = pc_cfgfile_parse_text(file_opts, "ranges.conf", line, strlen(line), &diag);
		assert_non_null(f);
		assert_false(pc_cfgfile_port_range(pc_cfgfile_root(f), "list", &first, &last));
		assert_int_equal(first, bad[i].first);
		assert_int_equal(last, bad[i].last);
		pc_cfgfile_free(f);
	}
	assert_int_equal(diag.n_lines, 0);
}

/* One text parsed over and over on one thread; what must come out first. */
struct parser {
	const char *path;
	const char *text;
	bool accepted; /* the file is returned (the mistake does not stop the parse) */
	char first[128]; /* the first diagnostic must start with this */
	int rounds;
	pthread_barrier_t *start; /* both threads parse from the same moment */
	int wrong; /* rounds whose result was not that */
};

static void *parse_rounds(void *arg)
{
	struct parser *p = arg;
	pthread_barrier_wait(p->start);
	for (int i = 0; i < p->rounds; i++) {
		struct pc_diag diag = { 0 };
		struct pc_cfgfile *f =
			pc_cfgfile_parse_text(file_opts, p->path, p->text, strlen(p->text), &diag);
		if ((f != NULL) != p->accepted || diag.n_lines == 0 ||
		    strncmp(diag.lines[0], p->first, strlen(p->first)) != 0)
			p->wrong++;
		pc_cfgfile_free(f);
		pc_diag_clear(&diag);
	}
	return NULL;
}

/* The loader thread parses while the SNMP thread (or a command) may too:
 * each parse reports its own mistakes, in its own file, at its own lines. */
static void test_parses_on_two_threads_at_once(void **state)
{
	(void)state;
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	struct parser twice = {
		.path = "twice.conf",
		.text = "sec \"x\" {\n\tn = 1\n\tn = 2\n}\n",
		.accepted = true,
		.first = "twice.conf:3: n is set twice in this section (first at line 2)",
		.rounds = 1000,
		.start = &start,
	};
	struct parser unknown = {
		.path = "unknown.conf",
		.text = "top = \"t\"\n\nbogus = 1\n",
		.accepted = false,
		.first = "unknown.conf:3: no such option 'bogus'",
		.rounds = 1000,
		.start = &start,
	};
	pthread_t a, b;
	assert_int_equal(pthread_create(&a, NULL, parse_rounds, &twice), 0);
	assert_int_equal(pthread_create(&b, NULL, parse_rounds, &unknown), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_barrier_destroy(&start);
	assert_int_equal(twice.wrong, 0);
	assert_int_equal(unknown.wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines_despite_comments, parse_lines_conf,
						free_parsed),
		cmocka_unit_test_setup_teardown(test_sections, parse_lines_conf, free_parsed),
		cmocka_unit_test(test_single_section_made_before_the_parse),
		cmocka_unit_test(test_value_given_twice),
		cmocka_unit_test(test_integers_are_decimal),
		cmocka_unit_test(test_many_repeated_sections),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_port_ranges_and_where),
		cmocka_unit_test(test_parses_on_two_threads_at_once),
	};
	return cmocka_run_group_tests_name("cfgfile", tests, NULL, NULL);
}
