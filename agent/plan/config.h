/* SPDX-License-Identifier: ISC */
/* The host configuration (portcomply.conf): what this host is and how the
 * daemon behaves. Read with libconfuse and validated as a whole: a file that
 * does not validate yields no configuration at all.
 *
 * This module checks what the file says on its own (types, ranges, names,
 * duplicates); whether a role exists and takes a side, slot, instance or
 * count is checked against the catalog by expect.c, with the lines kept
 * here. */
#ifndef PC_CONFIG_H
#define PC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/catalog.h"
#include "plan/diag.h"

#define PC_DEFAULT_POLL_INTERVAL 5 /* seconds */
#define PC_DEFAULT_HOLD_DOWN 2 /* consecutive polls */
#define PC_DEFAULT_AGENTX_RETRY 5 /* seconds */
#define PC_DEFAULT_RECHECK_INTERVAL 500 /* milliseconds */
#define PC_DEFAULT_FLAP_THRESHOLD 6 /* presence changes */
#define PC_DEFAULT_FLAP_WINDOW 20 /* polls */
#define PC_DEFAULT_NOTIFY_RATE_LIMIT 10 /* notifications per second */
#define PC_DEFAULT_NOTIFY_QUEUE 1000 /* notifications kept while the master is away */

/* owner-user = "NAME"|"UID"  owner-process = "COMM": who must hold a port
 * (in a role, for all its ports; in an override, for that rule's). The user
 * is resolved to a uid when the file is loaded: the engine compares numbers. */
struct pc_owner {
	bool has_uid;
	uint32_t uid;
	char *user; /* as written, NULL: not given */
	int user_line;
	char *process; /* the kernel's command name (at most 15 characters), NULL: any */
	int process_line;
};

/* override "RULE" { port = P | range = {FIRST, LAST}   required = BOOL
 *                   owner-user = ...  owner-process = ...  trust = BOOL } */
struct pc_override {
	char *rule;
	int line;
	bool has_port; /* port or range given */
	bool is_range;
	int port, port_last; /* equal for a single port */
	int port_line;
	bool has_required;
	bool required;
	int required_line;
	struct pc_owner owner;
	bool has_trust; /* a permit rule: are listeners in its range trusted? */
	bool trust;
	int trust_line;
};

/* role "NAME" { instance = N|"name"  side = S  slot = K  count = N
 *               bind-address = "..."  peer-family = "ipv4"|"ipv6"|"any"
 *               owner-user = "..."  owner-process = "..."
 *               trust-permits = BOOL
 *               override "RULE" { ... } } */
struct pc_role_conf {
	char *name;
	int line;
	char *instance; /* as written (a number or an instance name), NULL: not given */
	int instance_number; /* 0..24 once resolved, -1 when not given */
	int instance_line;
	enum pc_side side; /* PC_SIDE_NONE: not given */
	int side_line;
	int slot; /* 0: not given */
	int slot_line;
	int count; /* 0: not given */
	int count_line;
	char *bind_address; /* NULL: any address */
	int bind_address_line;
	struct pc_owner owner;
	bool trust_permits; /* listeners in the role's permit ranges are not
			       announced as unexpected (an override's trust wins) */
	int trust_permits_line; /* 0: not given */
	enum pc_peer_family peer_family; /* the family remote peers use (ipv4) */
	int peer_family_line;
	struct pc_override *overrides;
	size_t n_overrides;
};

/* instance "NAME" { number = N }: a name for an ICM instance number. */
struct pc_instance_name {
	char *name;
	int number;
	int line;
};

/* ignore { protocol = "tcp"  port = 22 | range = {FIRST, LAST} } */
struct pc_ignore {
	uint8_t protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port, port_last;
	int line;
};

struct pc_config {
	char *path; /* the file it was read from */
	char *catalog_dir; /* absolute, or relative to the config file's directory */
	char *site_catalog; /* NULL, or a directory or file read after catalog_dir */
	unsigned poll_interval; /* seconds between polls */
	unsigned hold_down; /* consecutive missing polls before "missing" */
	char *agentx_socket; /* NULL: the -x option or net-snmp's default */
	/* Where the daemon keeps its baseline of listeners across restarts;
	 * NULL: the compiled-in default (the daemon's options know it). */
	char *state_directory;
	unsigned agentx_retry; /* seconds between reconnection attempts */
	bool notifications; /* master switch for all notifications */
	bool resolve_processes; /* map listeners to pid and process name */
	bool check_connections; /* evaluate connect rules (established TCP) */
	bool discovery; /* after polls that change the listening ports, tell which roles
			   explain them (core/discover.h); off by default */
	bool notify_missing, notify_restored, notify_unexpected, notify_compliance;
	bool notify_discovery; /* pcDiscoveryVerdictChanged (with discovery on) */
	unsigned notify_rate_limit; /* notifications per second, 0: no limit */
	unsigned notify_queue; /* notifications kept while the master is away */
	unsigned recheck_interval_ms; /* poll this soon again while something is pending */
	unsigned flap_threshold; /* presence changes within flap_window making "flapping"; 0: off */
	unsigned flap_window; /* polls */
	struct pc_role_conf *roles; /* in file order: position + 1 is the role index */
	size_t n_roles;
	struct pc_instance_name *instances;
	size_t n_instances;
	struct pc_ignore *ignores;
	size_t n_ignores;
};

/* NULL when the file cannot be read or does not validate; every problem
 * found is added to diag as "FILE:LINE: message". */
struct pc_config *pc_config_load(const char *path, struct pc_diag *diag);

void pc_config_free(struct pc_config *config);

/* The name given to an instance number, NULL when it has none. */
const char *pc_config_instance_name(const struct pc_config *config, int number);

/* A path from the configuration made usable: absolute paths as they are,
 * relative ones taken from the configuration file's directory. malloc'd. */
char *pc_config_resolve_path(const struct pc_config *config, const char *path);

#endif
