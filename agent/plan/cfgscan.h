/* SPDX-License-Identifier: ISC */
/* A configuration or catalog file's text made what libconfuse is given
 * (cfgscan.c says why): comments out, runs of blanks collapsed, newlines
 * kept; and what libconfuse would accept silently or miscount found on the
 * way: text that is not text, a string, comment or list never closed, and
 * the line each section was opened on. */
#ifndef PC_CFGSCAN_H
#define PC_CFGSCAN_H

#include <stddef.h>

#include "plan/diag.h"

struct pc_cfgscan {
	const char *path; /* names the file in the diagnostics */
	struct pc_diag *diag;
	/* Found by the scan: the line of each section's opening brace, in the
	 * order the sections close (which is the order libconfuse calls the
	 * sections' callbacks); and the innermost section still open at the
	 * end of the file (0: none), for the caller to report after
	 * libconfuse's own errors. */
	int *opens;
	size_t n_opens;
	int unclosed_line;
};

/* in[0..len) -> out (at least len + 1 bytes), *out_len. 0, or -1 with the
 * reason added to scan->diag (out of memory: no new diagnostic, for the
 * caller to say). */
int pc_cfgscan_normalize(struct pc_cfgscan *scan, const char *in, size_t len, char *out,
			 size_t *out_len);

/* Frees what the scan found (the diagnostics stay the caller's). */
void pc_cfgscan_clear(struct pc_cfgscan *scan);

#endif
