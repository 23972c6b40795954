/* What happens to an event on its way to becoming a notification, without
 * net-snmp: the per-type switches, the rate limit, the summary of what was
 * not sent, and the bounded queue that keeps notifications in order until
 * the AgentX master has acknowledged them (so that a master going away
 * loses nothing that fits).
 *
 * Classes. pcComplianceChanged and the summary (pcNotificationsSkipped)
 * are never rate limited. Alarms (missing, restored: one expectation each)
 * and unexpected listeners each have their own bucket of rate-limit tokens,
 * so that a flood of new listeners never uses up the alarms' share. A
 * per-port notification not sent (over the rate limit, or pushed out by a
 * flood) is counted in the next summary, at most one a second.
 *
 * Bounds. The queue holds `capacity` entries; when it is full an
 * unexpected listener makes room by dropping the oldest unexpected entry
 * (or is dropped itself), never an alarm or a compliance change. Those are
 * bounded by construction instead: a full queue keeps one waiting entry
 * per expectation and one compliance change (the newest replaces the one
 * waiting), so it can exceed capacity by at most the number of
 * expectations.
 *
 * Delivery. An entry is waiting until sent, then in flight until the
 * master answers: acknowledged entries leave the queue. An entry whose
 * answer does not come in time is not sent again on the same session (the
 * master, stalled, will read it when it resumes: sending again would only
 * deliver it twice); the queue then holds back new sends ("stalled") until
 * the master answers anything, and an answer to a later request confirms
 * it, since a master handles one session's requests in order. When the
 * link drops, every unacknowledged entry waits again, in its original
 * order, and goes out once after the reconnection (at least once: a
 * receiver may see a duplicate of one the dying link delivered). */
#ifndef PC_NOTIFY_QUEUE_H
#define PC_NOTIFY_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

struct pc_notify_policy {
	bool enabled; /* the master switch */
	bool missing, restored, unexpected, compliance; /* per type */
	unsigned rate_limit; /* per second and class; 0: no limit */
	size_t capacity; /* entries kept, in flight included (>= 1) */
};

enum pc_notify_verdict {
	PC_NOTIFY_QUEUED = 0,
	PC_NOTIFY_DISABLED, /* its type (or all) is switched off */
	PC_NOTIFY_SUPPRESSED, /* over the rate limit */
	PC_NOTIFY_DROPPED, /* an unexpected listener that found the queue full of others */
};

struct pc_notify_entry {
	struct pc_event event;
	uint32_t request; /* in flight: the request id of its Notify PDU; 0: waiting */
	uint64_t sent; /* in flight: its place in the order of sending */
	bool timed_out; /* in flight, no answer in time: not sent again on this session */
	bool acknowledged;
};

enum pc_notify_class { PC_NOTIFY_ALARM, PC_NOTIFY_FLOOD, PC_NOTIFY_EXEMPT };

struct pc_notify_queue {
	struct pc_notify_policy policy;
	struct pc_notify_entry *items; /* oldest first */
	size_t count, cap_items;
	double tokens[2]; /* the rate limit's buckets: alarms, unexpected */
	int64_t refilled_ms[2];
	uint64_t suppressed, dropped, acknowledged; /* counters since start */
	uint32_t skipped_alarms, skipped_unexpected; /* since the last summary */
	int64_t last_summary_ms; /* -1: none yet */
	uint64_t sends; /* requests sent, probes included: their order */
	bool stalled; /* a request timed out; no answer since */
};

int pc_notify_queue_init(struct pc_notify_queue *q, const struct pc_notify_policy *policy);

/* New policy; a smaller capacity drops unexpected entries that no longer
 * fit (counted as dropped). */
int pc_notify_queue_set_policy(struct pc_notify_queue *q, const struct pc_notify_policy *policy);

enum pc_notify_class pc_notify_class_of(enum pc_event_type type);

/* An event arrives (now_ms: monotonic). */
enum pc_notify_verdict pc_notify_queue_offer(struct pc_notify_queue *q, const struct pc_event *event,
					     int64_t now_ms);

/* n unexpected listeners were coalesced before they reached the queue (a
 * flood): counted as dropped, and in the next summary. */
void pc_notify_queue_note_coalesced(struct pc_notify_queue *q, uint64_t n);

/* After a batch of offers, or when the time it returned has come: queues
 * the summary of what was skipped if one is owed and a second has passed
 * since the last (counts: pcHostCompliance, pcMissingCount and
 * pcUnexpectedCount to carry). Returns -1 when nothing is owed any more,
 * else the time (now_ms clock) at which to call again. */
int64_t pc_notify_queue_summarize(struct pc_notify_queue *q, const struct pc_event *counts,
				  int64_t now_ms);

/* The i-th entry from the oldest (i < q->count). */
struct pc_notify_entry *pc_notify_queue_at(struct pc_notify_queue *q, size_t i);

/* Entry e went out as request. */
void pc_notify_queue_sent(struct pc_notify_queue *q, struct pc_notify_entry *e, uint32_t request);

/* A request that carries no entry (a probe) goes out: its place in the
 * order, for pc_notify_queue_confirm. */
uint64_t pc_notify_queue_probe_sent(struct pc_notify_queue *q);

/* The master answered request: the entry leaves, with every timed-out one
 * sent before it (true), or it was already gone (false). */
bool pc_notify_queue_acknowledge(struct pc_notify_queue *q, uint32_t request);

/* The master answered the probe sent at order `sent`: every timed-out
 * entry sent before it was delivered. */
void pc_notify_queue_confirm(struct pc_notify_queue *q, uint64_t sent);

/* No answer to request in time: it stays in flight (see above); true when
 * it was one of ours. */
bool pc_notify_queue_timed_out(struct pc_notify_queue *q, uint32_t request);

/* The link dropped: everything unacknowledged waits again, in order. */
void pc_notify_queue_requeue(struct pc_notify_queue *q);

/* Entries not yet acknowledged. */
size_t pc_notify_queue_pending(const struct pc_notify_queue *q);

/* What became of the notifications (pcNotify's counters). */
struct pc_notify_stats {
	uint64_t sent; /* acknowledged by the master */
	uint64_t suppressed; /* over the rate limit */
	uint64_t dropped; /* unexpected listeners coalesced in a flood or pushed out of a full queue */
	uint32_t queued; /* waiting or unacknowledged */
};

struct pc_notify_stats pc_notify_queue_stats(const struct pc_notify_queue *q);

void pc_notify_queue_free(struct pc_notify_queue *q);

#endif
