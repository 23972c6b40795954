/* The host configuration (portcomply.conf): what this host is and how the
 * daemon behaves. Read with libconfuse and validated as a whole: a file that
 * does not validate yields no configuration at all. */
#ifndef PC_CONFIG_H
#define PC_CONFIG_H

#include <stdbool.h>

#include "diag.h"

#define PC_DEFAULT_POLL_INTERVAL 5 /* seconds */
#define PC_DEFAULT_HOLD_DOWN 2 /* consecutive polls */
#define PC_DEFAULT_AGENTX_RETRY 5 /* seconds */

struct pc_config {
	char *path; /* the file it was read from */
	char *catalog_dir; /* absolute, or relative to the config file's directory */
	unsigned poll_interval; /* seconds between polls */
	unsigned hold_down; /* consecutive missing polls before "missing" */
	char *agentx_socket; /* NULL: the -x option or net-snmp's default */
	unsigned agentx_retry; /* seconds between reconnection attempts */
	bool notifications; /* master switch for all notifications */
	bool resolve_processes; /* map listeners to pid and process name */
};

/* NULL when the file cannot be read or does not validate; every problem
 * found is added to diag as "FILE:LINE: message". */
struct pc_config *pc_config_load(const char *path, struct pc_diag *diag);

void pc_config_free(struct pc_config *config);

#endif
