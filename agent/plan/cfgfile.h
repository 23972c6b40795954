/* SPDX-License-Identifier: ISC */
/* A libconfuse file parsed with the line of every section and option kept,
 * for the cross-checks that run after parsing (unknown role, rule, side...).
 *
 * libconfuse itself forgets where things were once the parse is over, and
 * it merges two sections with the same title (the second replaces the first).
 * This glue records lines from validate callbacks during the parse and keeps
 * same-titled sections apart, so that a configuration can repeat
 * role "icm-router" { ... } for several instances and a catalog can report
 * a duplicate role with both lines. */
#ifndef PC_CFGFILE_H
#define PC_CFGFILE_H

#include <confuse.h>
#include <stdbool.h>

#include "plan/diag.h"

struct pc_cfgfile;

/* No configuration or catalog file is larger: a bigger one is refused
 * before it is parsed. */
#define PC_INPUT_MAX (1 << 20)

/* Parse path with the given option table. NULL when the file cannot be
 * read or has a syntax error (the reason is added to diag as FILE:LINE).
 * Only a regular file of at most PC_INPUT_MAX bytes of text is read (no
 * FIFO, device or directory, which are refused without blocking); a
 * section, list, comment or string left open at the end of the file is an
 * error, and so are NUL and other control characters, in the text and in
 * the values (written as escapes).
 * A scalar option given twice in one section is reported as an error but
 * the parse goes on; callers check diag->n_errors. Any thread may parse:
 * libconfuse itself runs one parse at a time (its lexer is process-wide),
 * so parses take turns for that part. */
struct pc_cfgfile *pc_cfgfile_parse(cfg_opt_t *options, const char *path, struct pc_diag *diag);

/* The same on text already in memory (len bytes; path names it in the
 * diagnostics). The fuzzer's entry point. */
struct pc_cfgfile *pc_cfgfile_parse_text(cfg_opt_t *options, const char *path, const char *text,
					 size_t len, struct pc_diag *diag);

/* A file's bytes as pc_cfgfile_parse reads them (regular file, size
 * limit, no blocking), NUL-terminated; NULL with the reason in diag. */
char *pc_cfgfile_read(const char *path, size_t *len, struct pc_diag *diag);

cfg_t *pc_cfgfile_root(const struct pc_cfgfile *file);
const char *pc_cfgfile_path(const struct pc_cfgfile *file);

/* Line of the section's opening (its title), or of option name inside it
 * when name is not NULL; 0 when the option was not written in the file
 * (libconfuse filled in its default). */
int pc_cfgfile_line(const struct pc_cfgfile *file, const cfg_t *section, const char *name);

/* Where a message about option name belongs: its line, or the section's
 * own when the option was not written (or name is NULL). */
int pc_cfgfile_where(const struct pc_cfgfile *file, const cfg_t *section, const char *name);

/* A port range as both file formats write it, range = {FIRST, LAST}: true
 * when the list has two ports with FIRST < LAST. *first and *last are set
 * either way (0 where the list has no value), for the caller's message. */
bool pc_cfgfile_port_range(cfg_t *section, const char *name, long *first, long *last);

static inline bool pc_cfgfile_isset(const struct pc_cfgfile *file, const cfg_t *section,
				    const char *name)
{
	return pc_cfgfile_line(file, section, name) > 0;
}

void pc_cfgfile_free(struct pc_cfgfile *file);

#endif
