/* SPDX-License-Identifier: ISC */
/* portcomplyd --check (cli.h), with the collector's source and the output
 * streams as parameters so that tests can run it on a fixture /proc tree
 * and read what an operator or Nagios would see. */
#ifndef PC_CLI_CHECK_H
#define PC_CLI_CHECK_H

#include <stdio.h>

#include "cli/cli.h"
#include "collect/collect.h"

/* collect: where to read the socket tables (mode, proc_root), NULL for the
 * real host (netlink, /proc as the fallback). Whether processes are
 * resolved comes from the configuration; destroy events are never
 * watched. Returns the Nagios exit status (report.h). */
int pc_check_run(const struct pc_cli_args *args, const struct pc_collector_options *collect,
		 FILE *out, FILE *err);

#endif
