/* SPDX-License-Identifier: ISC */
/* Problems a test collects (with where each is) and reports together, so
 * that one run shows every broken note or tag, not just the first. Include
 * after <cmocka.h>. */
#ifndef PC_FINDINGS_H
#define PC_FINDINGS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct findings {
	char *text;
	size_t len, n;
};

static inline void found(struct findings *f, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void found(struct findings *f, const char *where, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t add = strlen(where) + strlen(msg) + 4;
	char *grown = realloc(f->text, f->len + add + 1);
	assert_non_null(grown);
	f->text = grown;
	f->len += (size_t)snprintf(f->text + f->len, add + 1, "%s: %s\n", where, msg);
	f->n++;
}

/* Fails the test when anything was found, after printing all of it. */
static inline void report(struct findings *f, const char *what)
{
	if (f->n > 0)
		fprintf(stderr, "%s", f->text);
	free(f->text);
	size_t n = f->n;
	*f = (struct findings){ 0 };
	if (n > 0)
		fail_msg("%zu %s", n, what);
}

#endif
