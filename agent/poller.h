/* The poll thread: runs the collector on its interval (and at once when a
 * destroy event says a watched listener died) and publishes each result as
 * a pc_state. It never touches net-snmp, so a stalled AgentX master, which
 * can block the SNMP thread in net-snmp's synchronous calls, never delays
 * observing the host. */
#ifndef PC_POLLER_H
#define PC_POLLER_H

#include <stddef.h>

#include "collect.h"
#include "state.h"

struct pc_poller_settings {
	struct pc_collector_options collector;
	unsigned interval_ms; /* time between polls */
};

struct pc_poller;

/* Opens the collector (so a refusal is reported here, with the reason in
 * err) and starts the thread, whose first poll runs at once. */
struct pc_poller *pc_poller_start(const struct pc_poller_settings *settings, char *err,
				  size_t errlen);

/* Readable when a new state has been published. */
int pc_poller_wake_fd(const struct pc_poller *p);

/* The newest state not taken yet (the caller owns the reference), or NULL.
 * Intermediate states nobody took are dropped: only the newest matters. */
struct pc_state *pc_poller_take(struct pc_poller *p);

/* New interval, effective from the next poll. */
void pc_poller_set_interval(struct pc_poller *p, unsigned interval_ms);

/* Stops the thread, closes the collector, frees everything. */
void pc_poller_stop(struct pc_poller *p);

#endif
