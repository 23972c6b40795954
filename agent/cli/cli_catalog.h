/* SPDX-License-Identifier: ISC */
/* --list-roles and --expected (cli.h), with the output streams as
 * parameters so that tests can read what an operator would see. */
#ifndef PC_CLI_CATALOG_H
#define PC_CLI_CATALOG_H

#include <stdio.h>

#include "cli/cli.h"

/* Exit status: 0 done, 2 the configuration, catalog or options did not
 * validate (every problem on err as FILE:LINE: message). */
int pc_cli_list_roles_to(const struct pc_cli_args *args, FILE *out, FILE *err);
int pc_cli_expected_to(const struct pc_cli_args *args, FILE *out, FILE *err);

#endif
