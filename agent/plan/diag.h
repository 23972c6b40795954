/* SPDX-License-Identifier: ISC */
/* Diagnostics about input files, collected rather than printed, so that a
 * whole file (or catalog) is checked before anything is used and the caller
 * decides where the lines go: stderr for a command, the log for a reload.
 *
 * Every line is printable: control characters from the input become '?'
 * (pc_diag_plain), so a configuration cannot write escape sequences to a
 * terminal or forge log lines. Only the first PC_DIAG_PER_KIND lines of a
 * kind (one format string) are kept; the rest are counted in one line,
 * "N more like the above", so that a pathological input cannot print
 * millions of lines. */
#ifndef PC_DIAG_H
#define PC_DIAG_H

#include <stddef.h>
#include <stdio.h>

#define PC_DIAG_PER_KIND 20

struct pc_diag_kind;

struct pc_diag {
	char **lines; /* "FILE:LINE: message" (or "FILE: message" when line is 0) */
	size_t n_errors; /* all of them, those not shown included */
	size_t n_warnings;
	size_t n_lines;
	struct pc_diag_kind *kinds; /* how many of each format string */
	size_t n_kinds;
};

void pc_diag_error(struct pc_diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pc_diag_warning(struct pc_diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pc_diag_print(const struct pc_diag *d, FILE *out);
void pc_diag_clear(struct pc_diag *d);

/* s made printable into buf (len bytes, always terminated): every control
 * character (below 0x20, and 0x7f) becomes '?'. The one rule for text from
 * input files, process names and the like on its way to a terminal, a log
 * or a DisplayString. */
void pc_diag_plain(char *buf, size_t len, const char *s);

#endif
