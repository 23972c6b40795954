/* SPDX-License-Identifier: ISC */
#include "plan/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct pc_diag_kind {
	const char *fmt; /* compared by address: one call site, one kind */
	size_t count;
	size_t summary; /* index of its "N more" line + 1; 0 until needed */
	size_t prefix, cap; /* that line: length of its "FILE", allocated size */
};

void pc_diag_plain(char *buf, size_t len, const char *s)
{
	size_t n = 0;
	if (len == 0)
		return;
	for (; s != NULL && s[n] != '\0' && n + 1 < len; n++) {
		unsigned char c = (unsigned char)s[n];
		buf[n] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[n] = '\0';
}

static struct pc_diag_kind *kind_of(struct pc_diag *d, const char *fmt)
{
	for (size_t i = 0; i < d->n_kinds; i++)
		if (d->kinds[i].fmt == fmt)
			return &d->kinds[i];
	struct pc_diag_kind *kinds = realloc(d->kinds, (d->n_kinds + 1) * sizeof(*kinds));
	if (kinds == NULL)
		return NULL;
	d->kinds = kinds;
	d->kinds[d->n_kinds] = (struct pc_diag_kind){ .fmt = fmt };
	return &d->kinds[d->n_kinds++];
}

static void append(struct pc_diag *d, const char *text)
{
	char **lines = realloc(d->lines, (d->n_lines + 1) * sizeof(*lines));
	if (lines == NULL)
		return; /* the counts still make the caller fail */
	d->lines = lines;
	d->lines[d->n_lines] = strdup(text);
	if (d->lines[d->n_lines] != NULL)
		d->n_lines++;
}

/* Past the limit, one line per kind counts what is not shown. It names
 * the file of the first hidden line (a kind is one check, mostly of one
 * file) and is rewritten in place as the count grows. */
static void count_hidden(struct pc_diag *d, struct pc_diag_kind *k, const char *file)
{
	static const char tail[] = ": %zu more like the above, not shown";
	size_t hidden = k->count - PC_DIAG_PER_KIND;
	if (k->summary == 0) {
		char **lines = realloc(d->lines, (d->n_lines + 1) * sizeof(*lines));
		if (lines == NULL)
			return;
		d->lines = lines;
		size_t cap = strlen(file) + sizeof(tail) + 24;
		char *line = malloc(cap);
		if (line == NULL)
			return;
		char plain[1024];
		pc_diag_plain(plain, sizeof(plain), file);
		snprintf(line, cap, "%s", plain);
		d->lines[d->n_lines++] = line;
		k->summary = d->n_lines;
		k->prefix = strlen(line);
		k->cap = cap;
	}
	char *line = d->lines[k->summary - 1];
	snprintf(line + k->prefix, k->cap - k->prefix, tail, hidden);
}

static void add(struct pc_diag *d, const char *kind, const char *file, int line,
		const char *fmt, va_list ap)
{
	char message[768], text[1024], plain[1024];

	struct pc_diag_kind *k = kind_of(d, fmt);
	if (k != NULL && ++k->count > PC_DIAG_PER_KIND) {
		count_hidden(d, k, file);
		return;
	}
	vsnprintf(message, sizeof(message), fmt, ap);
	if (line > 0)
		snprintf(text, sizeof(text), "%s:%d: %s%s", file, line, kind, message);
	else
		snprintf(text, sizeof(text), "%s: %s%s", file, kind, message);
	pc_diag_plain(plain, sizeof(plain), text);
	append(d, plain);
}

void pc_diag_error(struct pc_diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, "", file, line, fmt, ap);
	va_end(ap);
	d->n_errors++;
}

void pc_diag_warning(struct pc_diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, "warning: ", file, line, fmt, ap);
	va_end(ap);
	d->n_warnings++;
}

void pc_diag_print(const struct pc_diag *d, FILE *out)
{
	for (size_t i = 0; i < d->n_lines; i++)
		fprintf(out, "%s\n", d->lines[i]);
}

void pc_diag_clear(struct pc_diag *d)
{
	for (size_t i = 0; i < d->n_lines; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->kinds);
	memset(d, 0, sizeof(*d));
}
