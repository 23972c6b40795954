/* SPDX-License-Identifier: ISC */
/* PORT-COMPLIANCE-MIB served from the newest published state. The handlers
 * only read that state: they never poll and never block. */
#ifndef PC_MIB_H
#define PC_MIB_H

#include "core/state.h"
#include "snmp/notify_queue.h"

/* Where pcNotify's counters come from. They are asked for at each request:
 * the master's answers move them between polls. */
struct pc_mib_counters {
	struct pc_notify_stats (*notify)(const void *source);
	const void *source;
};

/* Registers every object with the agent; 0 or -1 (logged). */
int pc_mib_register(const struct pc_mib_counters *counters);

/* Serve this state from now on; takes over the caller's reference. */
void pc_mib_set_state(struct pc_state *state);

/* Drops the state and the tables' rows. */
void pc_mib_shutdown(void);

#endif
