/* SPDX-License-Identifier: ISC */
/* Whether the configured roles are among the best candidates, as the agent
 * publishes it (pcDiscoveryVerdict) and tells it (pcDiscoveryVerdictChanged):
 * under the same hold-down as a port's status. A search's verdict is taken
 * once `hold-down` consecutive polls agree on it, the first one after a
 * start as any later one: until then the verdict is unknown, so that a
 * host caught while its services start (some ports open, others not yet)
 * is not called a mismatch and called back a poll later. Every change of
 * the published verdict is told once, the first one included (a receiver
 * told "differs" before a restart hears the restarted agent's verdict), to
 * unknown never. Turning discovery off tells "off" when a verdict was told,
 * so that no "differs" stays open at the receiver. Pure. */
#ifndef PC_DISCOVER_VERDICT_H
#define PC_DISCOVER_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/discover.h"
#include "core/engine.h"

struct pc_discover_hold {
	enum pc_discover_verdict published; /* off until discovery runs, then unknown until confirmed */
	enum pc_discover_verdict seen; /* the latest search's verdict (0: none yet) */
	unsigned polls; /* consecutive polls that concluded `seen` */
};

/* Discovery not running: published off. */
void pc_discover_hold_init(struct pc_discover_hold *hold);

/* A poll's search concluded `seen` (noRoles, matches or differs). Returns
 * whether the published verdict changed, and then what it was in
 * *previous (unknown for the first one). hold_down: as the engine's, >= 1. */
bool pc_discover_hold_step(struct pc_discover_hold *hold, enum pc_discover_verdict seen,
			   unsigned hold_down, enum pc_discover_verdict *previous);

/* Discovery is off (a reload turned it off): published off at once.
 * Returns whether receivers must hear it (a verdict was told), with the
 * verdict they were told in *previous. */
bool pc_discover_hold_off(struct pc_discover_hold *hold, enum pc_discover_verdict *previous);

/* The event of a change to `current` from `previous`, found at now_ms
 * (monotonic): the best candidate of d and the configured roles in words
 * (empty when off, or when there is no candidate). d may be NULL (off). */
void pc_discover_event(const struct pc_discovery *d, enum pc_discover_verdict previous,
		       enum pc_discover_verdict current, int64_t now_ms, struct pc_event *out);

#endif
