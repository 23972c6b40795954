/* SPDX-License-Identifier: ISC */
/* Notifications: the engine's events as SNMPv2 notifications, sent to the
 * AgentX master (which forwards them to its trap sinks) as AgentX Notify
 * PDUs. Each waits in a bounded queue (notify_queue.h) until the master
 * acknowledges it, so that those raised while the master is away, or lost
 * with a dropped link, go out in order once it is back; alarms wait for
 * their turn under the rate limit. Sending never waits for the master:
 * the answers come back through the loop. Each notification goes out once:
 * a master that does not answer in time is probed, not sent it again; a
 * session net-snmp closes on a stalled master is still read for the
 * master's answers (notify_orphan.h); only what a master lost with its
 * connection goes out again, on the next session. */
#ifndef PC_NOTIFY_H
#define PC_NOTIFY_H

#include <sys/select.h>

#include "plan/config.h"
#include "core/engine.h"
#include "core/event_box.h"
#include "snmp/notify_queue.h"

/* What the notifications keep between the loop's rounds (the queue, the
 * master session, the probe in flight, the summary owed), in one object
 * main creates and passes on: net-snmp's answers and timers reach it
 * through their callbacks' own pointers, not through globals. */
struct pc_notifier;

/* NULL when out of memory. */
struct pc_notifier *pc_notifier_new(const struct pc_config *config);

/* After a reload: the switches, the rate limit and the queue's size. */
void pc_notifier_configure(struct pc_notifier *n, const struct pc_config *config);

/* What the poll thread handed over since the last call, in its order
 * (compliance first), then the summary of what was not sent, if one is
 * owed. latest: the newest evaluation, whose counts a summary carries. */
void pc_notifier_raise_events(struct pc_notifier *n, const struct pc_event_box *events,
			      const struct pc_evaluation *latest);

/* The AgentX link came up (session: the master session, a
 * netsnmp_session) or went down: what was not acknowledged waits again. */
void pc_notifier_link_up(struct pc_notifier *n, void *session);
void pc_notifier_link_down(struct pc_notifier *n);

/* Called by the loop after each round: sends what waits, if the link is up. */
void pc_notifier_run(struct pc_notifier *n);

/* The descriptors to watch for reading besides net-snmp's (old connections
 * whose answers are still awaited): added to readfds; returns the highest
 * plus one, 0 for none. */
int pc_notifier_watch(const struct pc_notifier *n, fd_set *readfds);

/* After select: reads those of them that are in readfds. */
void pc_notifier_readable(struct pc_notifier *n, const fd_set *readfds);

struct pc_notify_stats pc_notifier_stats(const struct pc_notifier *n);

/* After snmp_shutdown(): until then, answers to what is in flight may
 * still arrive for it. */
void pc_notifier_free(struct pc_notifier *n);

#endif
