/* Diagnostics about input files, collected rather than printed, so that a
 * whole file (or catalog) is checked before anything is used and the caller
 * decides where the lines go: stderr for a command, the log for a reload. */
#ifndef PC_DIAG_H
#define PC_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct pc_diag {
	char **lines; /* "FILE:LINE: message" (or "FILE: message" when line is 0) */
	size_t n_errors;
	size_t n_warnings;
	size_t n_lines;
};

void pc_diag_error(struct pc_diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pc_diag_warning(struct pc_diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pc_diag_print(const struct pc_diag *d, FILE *out);
void pc_diag_clear(struct pc_diag *d);

#endif
