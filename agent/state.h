/* What the SNMP side serves: the result of one poll, immutable once
 * published. The poll thread creates a state per poll and hands it over;
 * the SNMP thread keeps the newest one until the next arrives. Reference
 * counted so that either side can hold on to it without copying. */
#ifndef PC_STATE_H
#define PC_STATE_H

#include <stdatomic.h>
#include <stdint.h>

#include "snapshot.h"

struct pc_state {
	atomic_uint refs;
	uint32_t poll_count; /* polls completed since start, this one included */
	uint32_t poll_errors; /* malformed records skipped, all polls together */
	uint32_t poll_failures; /* polls that failed outright, all polls together */
	struct pc_snapshot snap;
};

/* A new state with one reference, owning snap's contents (snap is emptied). */
struct pc_state *pc_state_new(struct pc_snapshot *snap);
struct pc_state *pc_state_ref(struct pc_state *state);
void pc_state_unref(struct pc_state *state);

#endif
