/* Shared by the catalog/config/expect/cli unit tests: where the repository
 * is, and checks on "FILE:LINE: message" diagnostics. Include after
 * <cmocka.h>. static inline: each binary takes what it uses. */
#ifndef PC_TEST_H
#define PC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* The repository root, from this header's own path as the compiler saw it
 * ("tests/unit/pc_test.h" when make runs from the root: the root is ""). */
static inline const char *repo_root(void)
{
	static char root[1024];
	static int done;
	if (!done) {
		const char *self = __FILE__;
		const char *tail = strstr(self, "tests/unit/pc_test.h");
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

/* The first diagnostic must be an error at exactly path:line and mention
 * needle. line 0 means "no line": "path: ...". */
static inline void check_first_error(const struct pc_diag *diag, const char *path, int line,
			      const char *needle)
{
	char prefix[1200];
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	if (diag->n_errors == 0 || diag->n_lines == 0)
		fail_msg("expected an error at %s, got none", prefix);
	if (strncmp(diag->lines[0], prefix, strlen(prefix)) != 0 ||
	    strstr(diag->lines[0], needle) == NULL)
		fail_msg("expected \"%s...%s...\", got \"%s\"", prefix, needle, diag->lines[0]);
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

#endif
