/* The poll thread: runs the collector and the engine on its interval (and
 * at once when a destroy event says a watched listener died; and sooner
 * while something is pending hold-down) and publishes each result as a
 * pc_state, and each transition as an event in a queue. It never touches
 * net-snmp, so a stalled AgentX master, which can block the SNMP thread in
 * net-snmp's synchronous calls, never delays observing the host. */
#ifndef PC_POLLER_H
#define PC_POLLER_H

#include <stddef.h>
#include <stdint.h>

#include "collect.h"
#include "engine.h"
#include "plan.h"
#include "state.h"

/* Events wait here until the SNMP thread takes them; beyond this many the
 * oldest are dropped (and counted). */
#define PC_POLLER_EVENT_QUEUE 4096

struct pc_poller_settings {
	struct pc_collector_options collector; /* fixed for the poller's life */
	struct pc_plan *plan; /* the poller takes its own reference */
	struct pc_engine_settings engine;
	unsigned interval_ms; /* time between polls */
	unsigned recheck_ms; /* time between polls while something is pending */
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

/* Moves up to max queued events, oldest first, into out; returns how many.
 * *dropped (if not NULL) gets the events lost to a full queue since the
 * last call. */
size_t pc_poller_take_events(struct pc_poller *p, struct pc_event *out, size_t max,
			     uint64_t *dropped);

/* New plan, engine settings and intervals (the collector options stay),
 * effective from the next poll; results carry over to the new plan. */
void pc_poller_reconfigure(struct pc_poller *p, const struct pc_poller_settings *settings);

/* Stops the thread, closes the collector, frees everything. */
void pc_poller_stop(struct pc_poller *p);

#endif
