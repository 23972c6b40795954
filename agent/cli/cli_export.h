/* SPDX-License-Identifier: ISC */
/* portcomplyd --export FORMAT: the host's expected listen ports for other
 * tools; FORMAT "nftables" is an allow-list ruleset (cli_export.c). */
#ifndef PC_CLI_EXPORT_H
#define PC_CLI_EXPORT_H

#include <stdio.h>

#include "cli/cli.h"

/* Exit status: 0, 1 for an unknown format, 2 for a configuration that
 * does not validate (FILE:LINE messages on err, nothing on out). */
int pc_cli_export_to(const struct pc_cli_args *args, const char *format, FILE *out, FILE *err);
int pc_cli_export(const struct pc_cli_args *args, const char *format);

#endif
