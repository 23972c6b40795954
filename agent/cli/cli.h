/* SPDX-License-Identifier: ISC */
/* The one-shot commands (audits, checks) that portcomplyd runs instead of
 * serving. They need no net-snmp; each returns the process exit status. */
#ifndef PC_CLI_H
#define PC_CLI_H

#include <stdbool.h>

struct pc_cli_args {
	const char *config_path; /* -c FILE, or the default one */
	bool config_given; /* -c was on the command line */
	const char *default_catalog_dir; /* when there is no config to name one */
	const char *role; /* --role */
	int instance; /* --instance, -1 when absent */
	const char *side; /* --side */
	int slot; /* --slot, -1 when absent */
	const char *format; /* --format: "text" (default), "json"; "conf" for --discover */
	bool brief; /* --check --brief: the status line only */
	bool verbose; /* --check --verbose: every table */
	bool all; /* --listeners --all: every bound UDP socket, listener or not */
};

int pc_cli_list_roles(const struct pc_cli_args *args); /* --list-roles */
int pc_cli_expected(const struct pc_cli_args *args); /* --expected */
int pc_cli_listeners(const struct pc_cli_args *args); /* --listeners */
int pc_cli_check(const struct pc_cli_args *args); /* --check */
int pc_cli_discover(const struct pc_cli_args *args); /* --discover */

#endif
