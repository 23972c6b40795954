/* The poll thread's side of the naming helper's protocol
 * (namer_protocol.h). */
#ifndef PC_NAMER_CLIENT_H
#define PC_NAMER_CLIENT_H

#include "collect/procmap.h"
#include "core/snapshot.h"

/* Fills pid and process of snap's listeners (a finished snapshot), like
 * pc_procmap_resolve, by asking the helper on fd (namer_protocol.h).
 * Returns 0, or -1 when the helper is gone or misbehaves: the caller then
 * names what it can itself. Waits at most timeout_ms for each reply
 * message. */
int pc_namer_resolve(int fd, struct pc_snapshot *snap, struct pc_procmap_stats *stats,
		     int timeout_ms);

#endif
