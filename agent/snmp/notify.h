/* Notifications: the engine's events as SNMPv2 notifications, sent to the
 * AgentX master (which forwards them to its trap sinks) as AgentX Notify
 * PDUs. Each waits in a bounded queue (notify_queue.h) until the master
 * acknowledges it, so that those raised while the master is away, or lost
 * with a dropped link, go out in order once it is back. Sending never
 * waits for the master: the answers come back through the loop. One Notify
 * per event is in flight on a session: a master that does not answer in
 * time is probed, not sent the same notification again, and what it never
 * acknowledged goes out again only on the next session. */
#ifndef PC_NOTIFY_H
#define PC_NOTIFY_H

#include <stdint.h>

#include "plan/config.h"
#include "core/engine.h"
#include "core/event_box.h"

struct pc_notify_stats {
	uint64_t sent; /* acknowledged by the master */
	uint64_t suppressed; /* over the rate limit */
	uint64_t dropped; /* unexpected listeners coalesced in a flood or pushed out of a full queue */
	uint32_t queued; /* waiting or unacknowledged */
};

int pc_notify_init(const struct pc_config *config);

/* After a reload: the switches, the rate limit and the queue's size. */
void pc_notify_configure(const struct pc_config *config);

/* What the poll thread handed over since the last call, in its order
 * (compliance first), then the summary of what was not sent, if one is
 * owed. latest: the newest evaluation, whose counts a summary carries. */
void pc_notify_raise_events(const struct pc_event_box *events, const struct pc_evaluation *latest);

/* The AgentX link, as link.c sees it; session: the master session. */
void pc_notify_link_up(void *session);
void pc_notify_link_down(void);

/* Called by the loop after each round: sends what waits, if the link is up. */
void pc_notify_run(void);

struct pc_notify_stats pc_notify_stats(void);

void pc_notify_shutdown(void);

#endif
