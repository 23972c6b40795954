/* SPDX-License-Identifier: ISC */
/* The events the poll thread hands to the SNMP thread, bounded by
 * construction rather than by a ring that evicts the oldest, so that no
 * number of new listeners can push out an alarm:
 *
 *   - the compliance change: one, the latest (its "previous" stays what the
 *     SNMP thread was last told; a change back to that is no change);
 *   - the discovery verdict's change: one, the latest, folded the same way;
 *   - expectation events (missing, restored...): at most one per
 *     expectation (role, rule, member), its latest state; the number of
 *     expectations bounds them, and each state replaced before the SNMP
 *     thread saw it is counted ("folded": receivers are told how many);
 *   - unexpected listeners: up to a limit, then only counted ("coalesced"),
 *     so that a flood costs a counter, not memory, and evicts nothing.
 *
 * Taken in the order a receiver needs: the compliance change first, then
 * the discovery verdict (which may explain the ports that follow), then
 * the expectations in the order of their latest change, then the
 * listeners. Pure data, no locking: the poller guards it. */
#ifndef PC_EVENT_BOX_H
#define PC_EVENT_BOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

/* Unexpected listeners kept one by one between two takes. */
#define PC_EVENT_BOX_UNEXPECTED 256

struct pc_event_box {
	bool has_compliance;
	struct pc_event compliance;
	bool has_discovery;
	struct pc_event discovery;
	struct pc_event *expect; /* in order of their latest change */
	size_t n_expect, cap_expect;
	struct pc_event *unexpected;
	size_t n_unexpected, unexpected_limit;
	uint64_t coalesced; /* unexpected listeners beyond the limit */
	uint64_t folded; /* expectation events replaced by a newer one of the same expectation */
	uint64_t lost; /* expectation events refused for lack of memory */
};

/* unexpected_limit 0: PC_EVENT_BOX_UNEXPECTED. */
void pc_event_box_init(struct pc_event_box *box, size_t unexpected_limit);

/* Keeps the event (see above); -1 only when out of memory for a new
 * expectation (counted in lost). */
int pc_event_box_put(struct pc_event_box *box, const struct pc_event *event);

bool pc_event_box_empty(const struct pc_event_box *box);

/* Moves everything from box into out (emptied first); box is left empty
 * with its limit. O(1): the arrays change hands. */
void pc_event_box_move(struct pc_event_box *box, struct pc_event_box *out);

/* The events in the order they are to be sent, for i < pc_event_box_count. */
size_t pc_event_box_count(const struct pc_event_box *box);
const struct pc_event *pc_event_box_at(const struct pc_event_box *box, size_t i);

/* Empties it and frees its memory. */
void pc_event_box_clear(struct pc_event_box *box);

#endif
