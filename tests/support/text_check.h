/* SPDX-License-Identifier: ISC */
/* Checks on the text a one-shot command printed: a failed check shows
 * what was looked for and, where it helps, the whole text. Include after
 * <cmocka.h>. */
#ifndef PC_TEXT_CHECK_H
#define PC_TEXT_CHECK_H

#include <stdlib.h>
#include <string.h>

static inline void assert_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("missing: %s\n---- in:\n%s", needle, text);
}

static inline void assert_not_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) != NULL)
		fail_msg("unexpected: %s\n---- in:\n%s", needle, text);
}

static inline void assert_starts(const char *text, const char *prefix)
{
	if (strncmp(text, prefix, strlen(prefix)) != 0)
		fail_msg("expected \"%s...\", got:\n%s", prefix, text);
}

/* Lines of text (a last line without a newline counts). */
static inline size_t count_lines(const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n + (*text != '\0' && text[strlen(text) - 1] != '\n');
}

/* The number (from 0) of the first line holding all these words in this
 * order, -1 when none does. */
static inline int find_row(const char *text, const char *const *words, size_t n)
{
	int number = 0;
	for (const char *line = text; *line != '\0'; number++) {
		size_t len = strcspn(line, "\n");
		char *row = strndup(line, len);
		const char *at = row;
		size_t k = 0;
		for (; k < n && (at = strstr(at, words[k])) != NULL; k++)
			at += strlen(words[k]);
		free(row);
		if (k == n)
			return number;
		line += len + (line[len] == '\n');
	}
	return -1;
}

#define ROW(text, ...)                                                                     \
	find_row(text, (const char *const[]){ __VA_ARGS__ },                                  \
		 sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* Whether a line of text holds all these words, in this order. */
#define HAS_ROW(text, ...) (ROW(text, __VA_ARGS__) >= 0)

#endif
