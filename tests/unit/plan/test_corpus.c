/* SPDX-License-Identifier: ISC */
/* The bad-input corpus: every tests/fixtures/config/bad-*.conf and
 * tests/fixtures/catalog/bad-*.conf says in itself what it must produce,
 * and this test holds each to it.
 *
 * A fixture carries (anywhere, usually last so that line numbers do not
 * move; a binary fixture after its bad bytes):
 *
 *   # expect: LINE: NEEDLE          the first error is FIXTURE:LINE: ...NEEDLE...
 *   # expect: FILE:LINE: NEEDLE     ... in FILE (a path from the repository's root)
 *   # also: NEEDLE                  some diagnostic line holds NEEDLE
 *   # absent: TEXT                  no diagnostic line holds TEXT (a secret
 *                                   the file holds must not be quoted)
 *
 * LINE 0 means an error about the whole file ("FILE: message"). A
 * configuration is loaded as the daemon loads it (configuration, catalog,
 * expectations); a catalog fixture on its own. Every diagnostic line must
 * be printable (no control character from the input).
 *
 * The inputs a file in git cannot be (a FIFO, a device, a file over the
 * size limit, thousands of repeated lines) are made at run time below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/cfgfile.h"

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "plan/plan.h"
#include "pc_test.h"

#define CORPUS_MIN 150

struct fixture {
	char path[2048];
	char *text;
	size_t len;
};

static bool read_fixture(struct fixture *fx)
{
	FILE *fp = fopen(fx->path, "rb");
	if (fp == NULL)
		return false;
	fx->text = slurp(fp);
	fseek(fp, 0, SEEK_END);
	fx->len = (size_t)ftell(fp);
	fclose(fp);
	return true;
}

/* The value of each "# KEY: value" line in turn; *at is where to go on. */
static bool directive(const struct fixture *fx, const char *key, size_t *at, char *value,
		      size_t len)
{
	char mark[32];
	snprintf(mark, sizeof(mark), "# %s: ", key);
	const char *p = memmem(fx->text + *at, fx->len - *at, mark, strlen(mark));
	if (p == NULL)
		return false;
	p += strlen(mark);
	const char *end = memchr(p, '\n', (size_t)(fx->text + fx->len - p));
	size_t n = end ? (size_t)(end - p) : (size_t)(fx->text + fx->len - p);
	if (n >= len)
		n = len - 1;
	memcpy(value, p, n);
	value[n] = '\0';
	*at = (size_t)(p - fx->text) + n;
	return true;
}

static bool any_line_has(const struct pc_diag *diag, const char *needle)
{
	for (size_t i = 0; i < diag->n_lines; i++)
		if (strstr(diag->lines[i], needle) != NULL)
			return true;
	return false;
}

static void print_diag(const struct pc_diag *diag)
{
	for (size_t i = 0; i < diag->n_lines; i++)
		print_message("  | %s\n", diag->lines[i]);
}

static void check_fixture(const char *dir, const char *name, bool config)
{
	struct fixture fx = { 0 };
	snprintf(fx.path, sizeof(fx.path), "%s/%s", dir, name);
	assert_true(read_fixture(&fx));

	char expect[512];
	size_t at = 0;
	if (!directive(&fx, "expect", &at, expect, sizeof(expect)))
		fail_msg("%s: no \"# expect: LINE: message\" line (see tests/unit/test_corpus.c)",
			 fx.path);
	/* [FILE:]LINE: NEEDLE */
	char where[2048];
	snprintf(where, sizeof(where), "%s", fx.path);
	char *colon = strchr(expect, ':');
	assert_non_null(colon);
	char *rest = colon + 1;
	char *end;
	long line = strtol(expect, &end, 10);
	if (end != colon) { /* a file name first */
		*colon = '\0';
		snprintf(where, sizeof(where), "%s", repo_path(expect));
		line = strtol(rest, &end, 10);
		assert_int_equal(*end, ':');
		rest = end + 1;
	}
	while (*rest == ' ')
		rest++;

	struct pc_diag diag = { 0 };
	if (config) {
		struct pc_plan *plan = pc_plan_load(fx.path, &diag);
		if (plan != NULL) {
			pc_plan_unref(plan);
			fail_msg("%s: accepted", fx.path);
		}
	} else {
		const char *paths[] = { fx.path };
		struct pc_catalog *cat = pc_catalog_load(paths, 1, &diag);
		if (cat != NULL) {
			pc_catalog_free(cat);
			fail_msg("%s: accepted", fx.path);
		}
	}
	if (diag.n_errors == 0 || diag.n_lines == 0)
		fail_msg("%s: refused without a message", fx.path);
	char prefix[2200];
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%ld: ", where, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", where);
	if (strncmp(diag.lines[0], prefix, strlen(prefix)) != 0 || strstr(diag.lines[0], rest) == NULL) {
		print_diag(&diag);
		fail_msg("%s: expected \"%s...%s...\"", fx.path, prefix, rest);
	}

	char value[512];
	for (at = 0; directive(&fx, "also", &at, value, sizeof(value));)
		if (!any_line_has(&diag, value)) {
			print_diag(&diag);
			fail_msg("%s: no diagnostic says \"%s\"", fx.path, value);
		}
	for (at = 0; directive(&fx, "absent", &at, value, sizeof(value));)
		if (any_line_has(&diag, value)) {
			print_diag(&diag);
			fail_msg("%s: a diagnostic quotes \"%s\"", fx.path, value);
		}
	for (size_t i = 0; i < diag.n_lines; i++)
		for (const char *p = diag.lines[i]; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail_msg("%s: control character 0x%02x in \"%s\"", fx.path,
					 (unsigned char)*p, diag.lines[i]);
	pc_diag_clear(&diag);
	free(fx.text);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each bad-*.conf of a folder, in name order; the number checked. */
static size_t check_folder(const char *relative, bool config)
{
	const char *dir_path = repo_path(relative);
	char dir_copy[1024];
	snprintf(dir_copy, sizeof(dir_copy), "%s", dir_path);
	DIR *dir = opendir(dir_copy);
	assert_non_null(dir);
	char *names[1024];
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dir)) != NULL && n < 1024;)
		if (strncmp(e->d_name, "bad-", 4) == 0)
			names[n++] = strdup(e->d_name);
	closedir(dir);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		check_fixture(dir_copy, names[i], config);
		free(names[i]);
	}
	return n;
}

static size_t n_configs, n_catalogs;

static void test_bad_configurations(void **state)
{
	(void)state;
	n_configs = check_folder("tests/fixtures/config", true);
	assert_true(n_configs > 0);
}

static void test_bad_catalogs(void **state)
{
	(void)state;
	n_catalogs = check_folder("tests/fixtures/catalog", false);
	assert_true(n_catalogs > 0);
}

static void test_corpus_size(void **state)
{
	(void)state;
	print_message("bad-input corpus: %zu configurations, %zu catalogs\n", n_configs, n_catalogs);
	assert_true(n_configs + n_catalogs >= CORPUS_MIN);
}

/* ---- inputs made at run time ------------------------------------------ */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pc-corpus-XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp_path(const char *name)
{
	static char path[8][256];
	static int next;
	next = (next + 1) % 8;
	snprintf(path[next], sizeof(path[next]), "%s/%s", tmpdir, name);
	return path[next];
}

/* "catalog = ..." naming the shipped catalog by an absolute path (the
 * configurations below live in a temporary directory). */
static const char *catalog_line(void)
{
	static char line[2200];
	char cwd[1024];
	const char *catalog = repo_path("conf/catalog");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(line, sizeof(line), "catalog = \"%s%s%s\"\n", catalog[0] == '/' ? "" : cwd,
		 catalog[0] == '/' ? "" : "/", catalog);
	return line;
}

static void write_config(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%s%s", catalog_line(), body);
	assert_int_equal(fclose(fp), 0);
}

static void expect_plan_error(const char *config, const char *where, int line, const char *needle)
{
	struct pc_diag diag = { 0 };
	assert_null(pc_plan_load(config, &diag));
	check_first_error(&diag, where, line, needle);
	pc_diag_clear(&diag);
}

/* Opening a FIFO for reading waits for a writer: the reader must refuse
 * it without opening it blocking. The alarm turns a hang into a failure. */
static void test_fifo_is_refused_at_once(void **state)
{
	(void)state;
	const char *fifo = tmp_path("fifo.conf");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(20);
	struct pc_diag diag = { 0 };
	assert_null(pc_plan_load(fifo, &diag));
	check_first_error(&diag, fifo, 0, "not a regular file (a FIFO)");
	pc_diag_clear(&diag);

	const char *config = tmp_path("site-fifo.conf");
	write_config(config, "site-catalog = \"fifo.conf\"\n");
	expect_plan_error(config, fifo, 0, "not a regular file (a FIFO)");

	/* a FIFO among a catalog directory's files */
	assert_int_equal(mkdir(tmp_path("catalog"), 0700), 0);
	const char *in_dir = tmp_path("catalog/10-site.conf");
	assert_int_equal(mkfifo(in_dir, 0600), 0);
	const char *paths[] = { tmp_path("catalog") };
	assert_null(pc_catalog_load(paths, 1, &diag));
	check_first_error(&diag, in_dir, 0, "not a regular file (a FIFO)");
	pc_diag_clear(&diag);
	alarm(0);
}

static void test_devices_and_directories_are_refused(void **state)
{
	(void)state;
	expect_plan_error("/dev/zero", "/dev/zero", 0, "not a regular file (a character device)");
	expect_plan_error("/dev/null", "/dev/null", 0, "not a regular file (a character device)");
	expect_plan_error(tmpdir, tmpdir, 0, "not a regular file (a directory)");
	struct pc_diag diag = { 0 };
	size_t len;
	assert_null(pc_cfgfile_read("/dev/urandom", &len, &diag));
	check_first_error(&diag, "/dev/urandom", 0, "not a regular file");
	pc_diag_clear(&diag);
}

/* A file of n bytes: the configuration then comment lines. */
static void write_sized(const char *path, const char *head, size_t n)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	size_t written = (size_t)fprintf(fp, "%s", head);
	while (written < n) {
		size_t line = n - written < 64 ? n - written : 64;
		for (size_t i = 0; i + 1 < line; i++)
			fputc(i == 0 ? '#' : 'x', fp);
		fputc('\n', fp);
		written += line;
	}
	assert_int_equal(fclose(fp), 0);
}

static void test_size_limit(void **state)
{
	(void)state;
	const char *head = catalog_line();
	const char *exact = tmp_path("exact.conf");
	write_sized(exact, head, PC_INPUT_MAX);
	struct pc_diag diag = { 0 };
	struct pc_plan *plan = pc_plan_load(exact, &diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(plan);
	pc_plan_unref(plan);
	pc_diag_clear(&diag);

	const char *over = tmp_path("over.conf");
	write_sized(over, head, PC_INPUT_MAX + 1);
	expect_plan_error(over, over, 0, "1048577 bytes: over the limit of 1048576 bytes (1 MiB)");

	const char *site = tmp_path("big-site.conf");
	write_sized(site, "", (size_t)PC_INPUT_MAX * 3);
	const char *config = tmp_path("big-site-config.conf");
	write_config(config, "site-catalog = \"big-site.conf\"\n");
	expect_plan_error(config, site, 0, "over the limit of 1048576 bytes (1 MiB)");
}

/* One repeated mistake: the input's head, then copies times its line
 * (a format that may take the copy's number), then its tail. n copies of a
 * name are n - 1 mistakes, each against the first (line FIRST + 1, then
 * the next lines): the first PC_DIAG_PER_KIND shown, the rest counted in
 * one line. Every pair was once compared, and reported: 4,000 roles gave 8
 * million error lines, 1,000 overrides half a million. */
struct repeated {
	const char *what;
	int copies;
	bool catalog; /* loaded as a catalog file, else as a configuration */
	const char *head, *line, *tail;
	int first; /* the line of the first copy (a configuration's line 1 names the catalog) */
	const char *message; /* of the first repeat */
};

static const struct repeated repeats[] = {
	{ "roles", 4000, false, "", "role \"icm-router\" { instance = 0  side = \"a\" }\n", "", 2,
	  "role icm-router is already configured at line 2 with the same instance, side and slot" },
	{ "overrides", 1000, false, "role \"icm-logger\" { instance = 0  side = \"a\"\n",
	  "\toverride \"sql-server\" { port = 1533 }\n", "}\n", 3,
	  "rule sql-server is overridden twice in this role (first at line 3)" },
	{ "instance names", 1000, false, "", "instance \"cust\" { number = 1 }\n", "", 2,
	  "instance cust is already defined at line 2" },
	{ "instance numbers", 1000, false, "", "instance \"cust%d\" { number = 1 }\n", "", 2,
	  "instance cust1: number 1 is already named cust0 (line 2)" },
	{ "catalog roles", 1000, true, "",
	  "role \"r\" { title = \"T\"  table = 0  rule \"x\" { description = \"x\"  protocol = \"tcp\"  "
	  "port = 7000  direction = \"listen\"  required = false  source = \"S\"  confidence = \"SITE\" } }\n",
	  "", 1, "role r is already defined at " },
	{ "catalog rules", 1000, true, "role \"r\" { title = \"T\"  table = 0\n",
	  "rule \"x\" { description = \"x\"  protocol = \"tcp\"  port = 7000  direction = \"listen\"  "
	  "required = false  source = \"S\"  confidence = \"SITE\" }\n",
	  "}\n", 2, "rule x is defined twice in role r (first at line 2)" },
	{ "ruleset uses", 1000, true,
	  "ruleset \"rs\" { rule \"x\" { description = \"x\"  protocol = \"tcp\"  port = 7000  "
	  "direction = \"listen\"  required = false  source = \"S\"  confidence = \"SITE\" } }\n"
	  "role \"r\" { title = \"T\"  table = 0  uses = {\n",
	  "\"rs\",\n", "\"rs\"} }\n", 3, "role r uses ruleset rs twice" },
};

static void test_repeated_mistake_is_counted_not_repeated(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(repeats) / sizeof(repeats[0]); r++) {
		const struct repeated *rep = &repeats[r];
		const int n = rep->copies;
		const char *path = tmp_path("repeated.conf");
		FILE *fp = fopen(path, "w");
		assert_non_null(fp);
		if (!rep->catalog)
			fputs(catalog_line(), fp);
		fputs(rep->head, fp);
		/* the tail of "ruleset uses" is one more copy */
		int lines = strcmp(rep->what, "ruleset uses") == 0 ? n - 1 : n;
		for (int i = 0; i < lines; i++)
			fprintf(fp, rep->line, i);
		fputs(rep->tail, fp);
		assert_int_equal(fclose(fp), 0);

		struct pc_diag diag = { 0 };
		if (rep->catalog) {
			const char *paths[] = { path };
			assert_null(pc_catalog_load(paths, 1, &diag));
		} else {
			assert_null(pc_plan_load(path, &diag));
		}
		/* the first repeat's line; a list's are all at its first value's */
		int line = strcmp(rep->what, "ruleset uses") == 0 ? rep->first : rep->first + 1;
		check_first_error(&diag, path, line, rep->message);
		assert_int_equal(diag.n_errors, n - 1);
		assert_int_equal(diag.n_lines, PC_DIAG_PER_KIND + 1);
		char last[512];
		snprintf(last, sizeof(last), "%s: %d more like the above, not shown", path,
			 n - 1 - PC_DIAG_PER_KIND);
		assert_string_equal(diag.lines[diag.n_lines - 1], last);
		pc_diag_clear(&diag);
	}
}

/* What the loaders print cannot carry a control character, whatever
 * the text they quote. */
static void test_diagnostics_are_printable(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	pc_diag_error(&diag, "f\033]0;x\a.conf", 3, "value \"%s\"", "\033[2J\r\nforged\x7f");
	assert_string_equal(diag.lines[0], "f?]0;x?.conf:3: value \"?[2J??forged?\"");
	pc_diag_clear(&diag);
	char plain[8];
	pc_diag_plain(plain, sizeof(plain), "a\tbcdefghij");
	assert_string_equal(plain, "a?bcdef");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configurations),
		cmocka_unit_test(test_bad_catalogs),
		cmocka_unit_test(test_corpus_size),
		cmocka_unit_test(test_fifo_is_refused_at_once),
		cmocka_unit_test(test_devices_and_directories_are_refused),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_repeated_mistake_is_counted_not_repeated),
		cmocka_unit_test(test_diagnostics_are_printable),
	};
	return cmocka_run_group_tests_name("corpus", tests, make_tmpdir, remove_tmpdir);
}
