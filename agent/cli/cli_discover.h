/* SPDX-License-Identifier: ISC */
/* portcomplyd --discover (cli.h), with the collector's source and the
 * output streams as parameters so that tests run it on a fixture /proc
 * tree and read what an operator would see. */
#ifndef PC_CLI_DISCOVER_H
#define PC_CLI_DISCOVER_H

#include <stdio.h>

#include "cli/cli.h"
#include "collect/collect.h"

/* collect: NULL for the real host. --format text (default), json or conf.
 * Returns 0, 1 for a runtime or usage error, 2 for a configuration or
 * catalog that does not validate (FILE:LINE lines on err). */
int pc_discover_command(const struct pc_cli_args *args, const struct pc_collector_options *collect,
			FILE *out, FILE *err);

#endif
