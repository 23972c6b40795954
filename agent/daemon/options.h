/* SPDX-License-Identifier: ISC */
/* The command line of portcomplyd, net-snmp style (-f, -x, -c, -L...),
 * with the one-shot commands' long options. */
#ifndef PC_OPTIONS_H
#define PC_OPTIONS_H

#include <stdbool.h>

#include "cli/cli.h"
#include "util/program.h"

enum pc_command { PC_CMD_SERVE, PC_CMD_LIST_ROLES, PC_CMD_EXPECTED, PC_CMD_LISTENERS, PC_CMD_CHECK,
		  PC_CMD_EXPORT, PC_CMD_DISCOVER, PC_CMD_RELOAD };

struct pc_options {
	enum pc_command command;
	bool foreground;
	bool logging_given; /* some -L option was seen */
	const char *agentx_socket; /* -x */
	const char *pidfile; /* -p */
	const char *user; /* -u; NULL: the default user (priv.h) */
	const char *export_format; /* --export FORMAT */
	const char *default_state_dir; /* when the configuration names no state-directory */
	struct pc_cli_args cli;
};

/* The options that are net-snmp's (-L, -D, -v's library version, -h's
 * default master): main.c passes net-snmp's own, so that only main.c, link,
 * notify and mib know net-snmp. */
struct pc_options_netsnmp {
	int (*log_option)(char *arg, int argc, char *const *argv); /* -L: < 0 if bad; may move optind */
	void (*debug)(const char *tokens); /* -D */
	const char *(*version)(void);
	const char *agentx_default;
};

/* Parses argv; prints the error and exits on a usage error (status 1, or
 * 3 with --check), and for -h and -v. */
void pc_options_parse(struct pc_options *o, const struct pc_options_netsnmp *snmp, int argc,
		      char **argv);

#endif
