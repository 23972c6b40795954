/* SPDX-License-Identifier: ISC */
/* The poll thread: runs the collector and the engine on its interval (and
 * at once when a destroy event says a watched listener died; and sooner
 * while something is pending hold-down) and publishes each result as a
 * pc_state, and each transition as an event in a box bounded by
 * construction (event_box.h: no flood of new listeners can push out an
 * alarm). It never touches net-snmp, so a stalled AgentX master, which can
 * block the SNMP thread in net-snmp's synchronous calls, never delays
 * observing the host.
 *
 * A failed poll publishes a state too: pcPollErrors counts every one. After
 * hold-down failed polls in a row the agent is blind: the state it publishes
 * says unknown (and raises the compliance change to unknown) until a poll
 * succeeds again, which is judged against the last verdict.
 *
 * The poll thread keeps the baseline of listeners (core/baseline.h): read
 * from the state directory before its first poll, updated by every poll,
 * written back when it changed (at most every 10 s, and when it stops),
 * so that neither a restarted service nor a restarted agent is news. */
#ifndef PC_POLLER_H
#define PC_POLLER_H

#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "core/engine.h"
#include "core/event_box.h"
#include "plan/plan.h"
#include "core/state.h"

struct pc_poller_settings {
	struct pc_collector_options collector; /* fixed for the poller's life */
	struct pc_plan *plan; /* the poller takes its own reference */
	struct pc_engine_settings engine;
	unsigned interval_ms; /* time between polls */
	unsigned recheck_ms; /* time between polls while something is pending */
	/* Fixed for the poller's life: the directory of the baseline's file
	 * (daemon/baseline_file.h); NULL: the baseline lives in memory only. */
	const char *baseline_dir;
};

struct pc_poller;

/* Opens the collector (so a refusal is reported here, with the reason in
 * err) and starts the thread, whose first poll runs at once. */
struct pc_poller *pc_poller_start(const struct pc_poller_settings *settings, char *err,
				  size_t errlen);

/* Readable when a new state or events have been published. */
int pc_poller_wake_fd(const struct pc_poller *p);

/* The newest state not taken yet (the caller owns the reference), or NULL.
 * Intermediate states nobody took are dropped: only the newest matters. */
struct pc_state *pc_poller_take(struct pc_poller *p);

/* Moves every event waiting into out (emptied first; see event_box.h for
 * the order and what was coalesced); returns how many events out holds. */
size_t pc_poller_take_events(struct pc_poller *p, struct pc_event_box *out);

/* New plan, engine settings and intervals (the collector options stay),
 * effective from the next poll; results carry over to the new plan. */
void pc_poller_reconfigure(struct pc_poller *p, const struct pc_poller_settings *settings);

/* Stops the thread, closes the collector, frees everything. */
void pc_poller_stop(struct pc_poller *p);

#endif
