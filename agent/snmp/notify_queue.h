/* SPDX-License-Identifier: ISC */
/* What happens to an event on its way to becoming a notification, without
 * net-snmp: the per-type switches, the rate limit, the summary of what was
 * not sent, and the bounded queue that keeps notifications in order until
 * the AgentX master has acknowledged them (so that a master going away
 * loses nothing that fits).
 *
 * Classes. pcComplianceChanged, pcDiscoveryVerdictChanged and the summary
 * (pcNotificationsSkipped) are never rate limited (each is one per change
 * of a host-wide verdict, or one a second). Alarms (missing, restored: one expectation each)
 * are paced: each waits for its turn in the alarms' bucket of rate-limit
 * tokens, in order, and is never dropped for the limit. While an alarm
 * waits, a newer state of its expectation replaces it in place ("folded":
 * receivers never saw the state it replaced), counted in the next summary.
 * Unexpected listeners have a bucket of their own, taken when they arrive:
 * over it they are not sent (suppressed), so that a flood of new listeners
 * never uses up the alarms' share. The summary tells every per-port
 * notification not sent, at most one a second.
 *
 * Bounds. One waiting alarm per expectation, one waiting compliance
 * change and one waiting discovery verdict, by construction; unexpected listeners up to `capacity` entries,
 * then the oldest waiting one is dropped. At most PC_NOTIFY_WINDOW
 * notifications are in flight on a session, so that a stalled master's
 * stream never fills and never blocks the sender.
 *
 * Delivery: each notification reaches the master once. An entry is waiting
 * until sent, then in flight until the master answers. An answer not
 * received in time does not send it again on the same session (the master,
 * stalled, reads it when it resumes); new sends are held back ("stalled")
 * until the master answers anything, and an answer to a later request
 * confirms it, since a master handles one session's requests in order.
 * When the link drops, what is in flight has one of three fates:
 *   - the master closed the connection (it exited or restarted): what it
 *     never answered was lost with it, and goes out again on the next
 *     session (retried);
 *   - we closed it while the master still holds its end (net-snmp gave up
 *     on a stalled master): the master will read it when it resumes, so it
 *     is not sent again. If the master has read it all already (its answers
 *     went to net-snmp, which dropped them), it counts as unconfirmed; else
 *     it is "orphaned" until the old connection tells its fate: an answer
 *     (sent), an answer to a later request or the connection closed having
 *     read everything, or no word PC_NOTIFY_ORPHAN_WAIT_MS after the master
 *     is back (unconfirmed: never sent again), or the connection closed
 *     with it unread (retried). New sends wait for that verdict, at most
 *     that long after the next session opens. */
#ifndef PC_NOTIFY_QUEUE_H
#define PC_NOTIFY_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

/* Notifications in flight on one session, at most. */
#define PC_NOTIFY_WINDOW 64
/* How long a new session holds its sends for an old connection's verdict. */
#define PC_NOTIFY_ORPHAN_WAIT_MS 10000

struct pc_notify_policy {
	bool enabled; /* the master switch */
	bool missing, restored, unexpected, compliance, discovery; /* per type */
	unsigned rate_limit; /* per second and class; 0: no limit */
	size_t capacity; /* entries kept for unexpected listeners (>= 1) */
};

enum pc_notify_verdict {
	PC_NOTIFY_QUEUED = 0,
	PC_NOTIFY_DISABLED, /* its type (or all) is switched off */
	PC_NOTIFY_SUPPRESSED, /* an unexpected listener over the rate limit */
	PC_NOTIFY_DROPPED, /* an unexpected listener that found the queue full of others */
	PC_NOTIFY_FOLDED, /* replaced what waited for it, or undid it */
};

struct pc_notify_entry {
	struct pc_event event;
	uint32_t request; /* in flight: the request id of its Notify PDU; 0: waiting */
	uint64_t sent; /* in flight: its place in the order of sending */
	uint32_t session; /* in flight: the session it went out on */
	bool timed_out; /* in flight, no answer in time: not sent again on this session */
	bool orphaned; /* in flight on a connection we closed: its fate is that connection's */
	bool retry; /* lost by a master: the next send is a retry */
};

enum pc_notify_class { PC_NOTIFY_ALARM, PC_NOTIFY_FLOOD, PC_NOTIFY_EXEMPT };

/* What became of the connection when the link dropped. */
enum pc_notify_link_fate {
	PC_LINK_MASTER_CLOSED, /* the master's end is closed: the unanswered were lost */
	PC_LINK_MASTER_READ, /* the master read everything, its answers went unseen (unconfirmed) */
	PC_LINK_ORPHANED, /* we closed while the master holds it: it may still read */
};

struct pc_notify_queue {
	struct pc_notify_policy policy;
	struct pc_notify_entry *items; /* oldest first */
	size_t count, cap_items;
	double tokens[2]; /* the rate limit's buckets: alarms, unexpected */
	int64_t refilled_ms[2];
	/* counters since start */
	uint64_t suppressed, dropped, acknowledged, folded, retried, refused, unconfirmed;
	uint32_t skipped_alarms, skipped_unexpected; /* since the last summary */
	int64_t last_summary_ms; /* -1: none yet */
	uint64_t sends; /* requests sent, probes included: their order */
	uint32_t session; /* the current session's number (pc_notify_queue_link_up) */
	bool stalled; /* a request timed out; no answer since */
	int64_t orphan_wait_until_ms; /* new sends wait for orphans until then */
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

/* n expectation states were replaced before they reached the queue (the
 * event box's folds): counted as folded, and in the next summary. */
void pc_notify_queue_note_folded(struct pc_notify_queue *q, uint64_t n);

/* After a batch of offers, or when the time it returned has come: queues
 * the summary of what was skipped if one is owed and a second has passed
 * since the last (counts: pcHostCompliance, pcMissingCount and
 * pcUnexpectedCount to carry). Returns -1 when nothing is owed any more,
 * else the time (now_ms clock) at which to call again. */
int64_t pc_notify_queue_summarize(struct pc_notify_queue *q, const struct pc_event *counts,
				  int64_t now_ms);

/* The i-th entry from the oldest (i < q->count). */
struct pc_notify_entry *pc_notify_queue_at(struct pc_notify_queue *q, size_t i);

/* The entry to send now, or NULL (nothing waits, the window is full, the
 * master is stalled, orphans await their verdict, or the waiting alarms'
 * turn has not come: then *due_ms, else -1, is when it comes). An alarm
 * returned has taken its token: send it. */
struct pc_notify_entry *pc_notify_queue_next(struct pc_notify_queue *q, int64_t now_ms,
					     int64_t *due_ms);

/* Entry e went out as request. */
void pc_notify_queue_sent(struct pc_notify_queue *q, struct pc_notify_entry *e, uint32_t request);

/* A request that carries no entry (a probe) goes out: its place in the
 * order, for pc_notify_queue_confirm. */
uint64_t pc_notify_queue_probe_sent(struct pc_notify_queue *q);

/* The master answered request: the entry leaves, with every timed-out one
 * sent before it (true), or it was already gone (false). refused: the
 * answer is an error; the entry is not sent again (counted refused). */
bool pc_notify_queue_acknowledge(struct pc_notify_queue *q, uint32_t request, bool refused);

/* The master answered the probe sent at order `sent`: every timed-out
 * entry sent before it was delivered. */
void pc_notify_queue_confirm(struct pc_notify_queue *q, uint64_t sent);

/* No answer to request in time: it stays in flight (see above); true when
 * it was one of ours on this session. */
bool pc_notify_queue_timed_out(struct pc_notify_queue *q, uint32_t request);

/* The link dropped, the connection's fate as it was seen. */
void pc_notify_queue_link_down(struct pc_notify_queue *q, enum pc_notify_link_fate fate);

/* A new session is open (now_ms: monotonic); returns its number. */
uint32_t pc_notify_queue_link_up(struct pc_notify_queue *q, int64_t now_ms);

/* Orphans: how many await their old connection's verdict. */
size_t pc_notify_queue_orphans(const struct pc_notify_queue *q);

/* The old connection answered request (refused: with an error); true when
 * it was an orphan's. */
bool pc_notify_queue_orphan_answered(struct pc_notify_queue *q, uint32_t request, bool refused);

/* The old connection of session is done with: lost (the master closed it
 * with what we sent unread) sends its orphans again; else they were read
 * and are never sent again (unconfirmed). */
void pc_notify_queue_orphans_closed(struct pc_notify_queue *q, uint32_t session, bool lost);

/* Entries not yet acknowledged. */
size_t pc_notify_queue_pending(const struct pc_notify_queue *q);

/* What became of the notifications (pcNotify's counters). */
struct pc_notify_stats {
	uint64_t sent; /* acknowledged by the master */
	uint64_t suppressed; /* unexpected listeners over the rate limit */
	uint64_t dropped; /* unexpected listeners coalesced in a flood or pushed out of a full queue */
	uint64_t folded; /* alarms replaced by a newer state of their expectation before they were sent */
	uint64_t retried; /* sent again because the master lost them with its connection */
	uint64_t refused; /* answered with an error by the master: not sent again */
	uint64_t unconfirmed; /* read by the master, which closed the connection before answering */
	uint32_t queued; /* waiting or unacknowledged */
};

struct pc_notify_stats pc_notify_queue_stats(const struct pc_notify_queue *q);

void pc_notify_queue_free(struct pc_notify_queue *q);

#endif
