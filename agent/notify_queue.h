/* What happens to an event on its way to becoming a notification, without
 * net-snmp: the per-type switches, the global rate limit, and the bounded
 * queue that keeps notifications in order until the AgentX master has
 * acknowledged them (so that a master going away loses nothing that fits).
 *
 * An entry is waiting until sent, then in flight until the master answers:
 * acknowledged entries leave the queue; when the link drops, in-flight
 * entries become waiting again, in their original order, and go out again
 * after the reconnection (at least once: a receiver may see a duplicate of
 * a notification whose acknowledgement was lost with the link). */
#ifndef PC_NOTIFY_QUEUE_H
#define PC_NOTIFY_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct pc_notify_policy {
	bool enabled; /* the master switch */
	bool missing, restored, unexpected, compliance; /* per type */
	unsigned rate_limit; /* per second; 0: no limit */
	size_t capacity; /* entries kept, in flight included (>= 1) */
};

enum pc_notify_verdict {
	PC_NOTIFY_QUEUED = 0,
	PC_NOTIFY_DISABLED, /* its type (or all) is switched off */
	PC_NOTIFY_SUPPRESSED, /* over the rate limit */
};

struct pc_notify_entry {
	struct pc_event event;
	uint32_t request; /* in flight: the request id of the Notify PDU; 0: waiting */
	bool acknowledged;
};

struct pc_notify_queue {
	struct pc_notify_policy policy;
	struct pc_notify_entry *ring;
	size_t head, count;
	double tokens; /* the rate limit's bucket */
	int64_t refilled_ms;
	uint64_t suppressed, dropped, acknowledged; /* counters since start */
};

int pc_notify_queue_init(struct pc_notify_queue *q, const struct pc_notify_policy *policy);

/* New policy; a smaller capacity drops the oldest entries that no longer
 * fit (counted as dropped). */
int pc_notify_queue_set_policy(struct pc_notify_queue *q, const struct pc_notify_policy *policy);

/* An event arrives (now_ms: monotonic). When the queue is full, the oldest
 * entry makes room (counted as dropped). */
enum pc_notify_verdict pc_notify_queue_offer(struct pc_notify_queue *q, const struct pc_event *event,
					     int64_t now_ms);

/* The i-th entry from the oldest (i < q->count). */
struct pc_notify_entry *pc_notify_queue_at(struct pc_notify_queue *q, size_t i);

/* The master answered request: the entry leaves (true), or it was already
 * gone (dropped, or requeued after a disconnection: false). */
bool pc_notify_queue_acknowledge(struct pc_notify_queue *q, uint32_t request);

/* The link dropped: everything in flight waits again, in order. */
void pc_notify_queue_requeue(struct pc_notify_queue *q);

/* Entries not yet acknowledged. */
size_t pc_notify_queue_pending(const struct pc_notify_queue *q);

void pc_notify_queue_free(struct pc_notify_queue *q);

#endif
