#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void add(struct pc_diag *d, const char *kind, const char *file, int line,
		const char *fmt, va_list ap)
{
	char message[768], text[1024];

	vsnprintf(message, sizeof(message), fmt, ap);
	if (line > 0)
		snprintf(text, sizeof(text), "%s:%d: %s%s", file, line, kind, message);
	else
		snprintf(text, sizeof(text), "%s: %s%s", file, kind, message);
	char **lines = realloc(d->lines, (d->n_lines + 1) * sizeof(*lines));
	if (lines == NULL)
		return; /* the counts below still make the caller fail */
	d->lines = lines;
	d->lines[d->n_lines] = strdup(text);
	if (d->lines[d->n_lines] != NULL)
		d->n_lines++;
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
	memset(d, 0, sizeof(*d));
}
