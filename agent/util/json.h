/* SPDX-License-Identifier: ISC */
/* JSON output for the one-shot commands (--list-roles, --expected,
 * --listeners, --check): one string writer, so that every command escapes
 * alike and writes valid JSON whatever bytes a name holds. */
#ifndef PC_JSON_H
#define PC_JSON_H

#include <stdio.h>

/* s as a JSON string, or null when s is NULL. '"', '\\' and control
 * characters are escaped; bytes that are not valid UTF-8 (a process may
 * name itself anything) become U+FFFD, one per byte. */
void pc_json_string(FILE *out, const char *s);

/* "true" or "false". */
const char *pc_json_bool(int value);

#endif
