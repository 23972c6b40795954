/* SPDX-License-Identifier: ISC */
/* Shared by the catalog/config/expect/cli unit tests: where the repository
 * is, checks on "FILE:LINE: message" diagnostics, and what a command-line
 * entry point printed. Include after <cmocka.h>. static inline: each
 * binary takes what it uses. */
#ifndef PC_TEST_H
#define PC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/catalog.h"
#include "plan/diag.h"

/* The repository root, from this header's own path as the compiler saw it
 * ("tests/support/pc_test.h" when make runs from the root: the root is ""). */
static inline const char *repo_root(void)
{
	static char root[1024];
	static int done;
	if (!done) {
		const char *self = __FILE__;
		const char *tail = strstr(self, "tests/support/pc_test.h");
		size_t n = tail ? (size_t)(tail - self) : 0;
		if (n >= sizeof(root))
			n = 0;
		memcpy(root, self, n);
		root[n] = '\0';
		done = 1;
	}
	return root;
}

/* A repository path as the loaders will print it. Rotating buffers, so a
 * few can be alive at once. */
static inline const char *repo_path(const char *relative)
{
	static char buf[8][1024];
	static int next;
	next = (next + 1) % 8;
	snprintf(buf[next], sizeof(buf[next]), "%s%s", repo_root(), relative);
	return buf[next];
}

#define CATALOG_DIR repo_path("conf/catalog")

/* One diagnostic line must be at exactly path:line and mention needle.
 * line 0 means "no line": "path: ...". */
static inline void check_diag_line(const char *text, const char *path, int line,
				   const char *needle)
{
	char prefix[1200];
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	if (text == NULL)
		fail_msg("expected \"%s...%s...\", got nothing", prefix, needle);
	if (strncmp(text, prefix, strlen(prefix)) != 0 || strstr(text, needle) == NULL)
		fail_msg("expected \"%s...%s...\", got \"%s\"", prefix, needle, text);
}

/* The first diagnostic must be an error, at path:line, mentioning needle. */
static inline void check_first_error(const struct pc_diag *diag, const char *path, int line,
				     const char *needle)
{
	if (diag->n_errors == 0)
		fail_msg("expected an error at %s:%d, got none", path, line);
	check_diag_line(diag->n_lines ? diag->lines[0] : NULL, path, line, needle);
}

/* Everything written to a stream, as one malloc'd string. */
static inline char *slurp(FILE *fp)
{
	long size;
	fflush(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	char *text = calloc(1, (size_t)size + 1);
	assert_non_null(text);
	if (size > 0)
		assert_int_equal(fread(text, 1, (size_t)size, fp), (size_t)size);
	return text;
}

/* What a command-line entry point printed and returned: open the streams,
 * call it, then collect. */
struct cli_run {
	int status;
	char *out;
	char *err;
};

struct cli_streams {
	FILE *out, *err;
};

static inline struct cli_streams cli_streams_open(void)
{
	struct cli_streams s = { tmpfile(), tmpfile() };
	assert_non_null(s.out);
	assert_non_null(s.err);
	return s;
}

static inline struct cli_run cli_streams_collect(struct cli_streams s, int status)
{
	struct cli_run r = { .status = status, .out = slurp(s.out), .err = slurp(s.err) };
	fclose(s.out);
	fclose(s.err);
	return r;
}

static inline void cli_run_free(struct cli_run *r)
{
	free(r->out);
	free(r->err);
}

/* A catalog role's rule by name; fails the test when there is none. */
static inline const struct pc_rule *rule_of(const struct pc_catalog *cat, const char *role,
					    const char *rule)
{
	const struct pc_role *r = pc_catalog_find_role(cat, role);
	assert_non_null(r);
	for (size_t i = 0; i < r->n_rules; i++)
		if (strcmp(r->rules[i]->name, rule) == 0)
			return r->rules[i];
	fail_msg("no rule %s in role %s", rule, role);
	return NULL;
}

#endif
