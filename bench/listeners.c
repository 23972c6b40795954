/* SPDX-License-Identifier: ISC */
/* listeners: `portcomplyd --listeners` without the daemon, for the
 * collector's integration test and the bench while main.c is elsewhere.
 *
 *   listeners [-c CONFIG] [--format text|json] [--all] */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	struct pc_cli_args args = { .instance = -1, .slot = -1 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			args.config_path = argv[++i];
			args.config_given = true;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			args.format = argv[++i];
		} else if (strcmp(argv[i], "--all") == 0) {
			args.all = true;
		} else {
			fprintf(stderr, "usage: listeners [-c CONFIG] [--format text|json] [--all]\n");
			return 2;
		}
	}
	return pc_cli_listeners(&args);
}
