/* The command line of portcomplyd, net-snmp style (-f, -x, -c, -L...),
 * with the one-shot commands' long options. */
#ifndef PC_OPTIONS_H
#define PC_OPTIONS_H

#include <stdbool.h>

#include "cli.h"

#define PC_VERSION "0.1.0"
#define PC_NAME "portcomplyd"

enum pc_command { PC_CMD_SERVE, PC_CMD_LIST_ROLES, PC_CMD_EXPECTED, PC_CMD_LISTENERS, PC_CMD_CHECK,
		  PC_CMD_EXPORT };

struct pc_options {
	enum pc_command command;
	bool foreground;
	bool logging_given; /* some -L option was seen */
	const char *agentx_socket; /* -x */
	const char *pidfile; /* -p */
	const char *user; /* -u; NULL: the default user (priv.h) */
	const char *export_format; /* --export FORMAT */
	struct pc_cli_args cli;
};

/* Parses argv; prints the error and exits on a usage error (status 1, or
 * 3 with --check), and for -h and -v. */
void pc_options_parse(struct pc_options *o, int argc, char **argv);

#endif
