/* SPDX-License-Identifier: ISC */
#include "snmp/notify_queue.h"

#include <stdlib.h>
#include <string.h>

/* Summaries are paced: at most one in this many milliseconds. */
#define SUMMARY_SPACING_MS 1000

static bool type_enabled(const struct pc_notify_policy *p, enum pc_event_type type)
{
	if (!p->enabled)
		return false;
	switch (type) {
	case PC_EVENT_MISSING:
		return p->missing;
	case PC_EVENT_RESTORED:
		return p->restored;
	case PC_EVENT_UNEXPECTED:
		return p->unexpected;
	case PC_EVENT_COMPLIANCE:
		return p->compliance;
	case PC_EVENT_DISCOVERY:
		return p->discovery;
	case PC_EVENT_SUMMARY:
		return true;
	}
	return false; /* not an event type: every one has its case above */
}

enum pc_notify_class pc_notify_class_of(enum pc_event_type type)
{
	switch (type) {
	case PC_EVENT_COMPLIANCE:
	case PC_EVENT_DISCOVERY:
	case PC_EVENT_SUMMARY:
		return PC_NOTIFY_EXEMPT;
	case PC_EVENT_UNEXPECTED:
		return PC_NOTIFY_FLOOD;
	case PC_EVENT_MISSING:
	case PC_EVENT_RESTORED:
		return PC_NOTIFY_ALARM;
	}
	return PC_NOTIFY_ALARM; /* not an event type: every one has its case above */
}

struct pc_notify_entry *pc_notify_queue_at(struct pc_notify_queue *q, size_t i)
{
	return &q->items[i];
}

static void remove_at(struct pc_notify_queue *q, size_t i)
{
	memmove(&q->items[i], &q->items[i + 1], (q->count - i - 1) * sizeof(*q->items));
	q->count--;
}

static bool waiting(const struct pc_notify_entry *e)
{
	return e->request == 0;
}

static bool same_expectation(const struct pc_event *a, const struct pc_event *b)
{
	return a->role_index == b->role_index && a->rule_index == b->rule_index &&
	       a->member == b->member;
}

/* The oldest waiting entry of this type's class (for alarms, of the same
 * expectation as `same`; NULL: any), from index `from`, or -1. */
static long find_waiting(const struct pc_notify_queue *q, enum pc_event_type type,
			 const struct pc_event *same, size_t from)
{
	for (size_t i = from; i < q->count; i++) {
		const struct pc_notify_entry *e = &q->items[i];
		if (!waiting(e))
			continue;
		if (pc_notify_class_of(e->event.type) != pc_notify_class_of(type))
			continue;
		if (pc_notify_class_of(type) == PC_NOTIFY_EXEMPT) { /* one of each type */
			if (e->event.type == type)
				return (long)i;
			continue;
		}
		if (same == NULL || same_expectation(&e->event, same))
			return (long)i;
	}
	return -1;
}

static int reserve(struct pc_notify_queue *q, size_t n)
{
	if (n <= q->cap_items)
		return 0;
	size_t cap = q->cap_items ? q->cap_items : 16;
	while (cap < n)
		cap *= 2;
	struct pc_notify_entry *items = realloc(q->items, cap * sizeof(*items));
	if (items == NULL)
		return -1;
	q->items = items;
	q->cap_items = cap;
	return 0;
}

int pc_notify_queue_init(struct pc_notify_queue *q, const struct pc_notify_policy *policy)
{
	memset(q, 0, sizeof(*q));
	q->policy = *policy;
	if (q->policy.capacity == 0)
		q->policy.capacity = 1;
	for (int c = 0; c < 2; c++) {
		q->tokens[c] = q->policy.rate_limit;
		q->refilled_ms[c] = -1;
	}
	q->last_summary_ms = -1;
	return reserve(q, q->policy.capacity < 64 ? q->policy.capacity : 64);
}

static size_t count_unexpected(const struct pc_notify_queue *q)
{
	size_t n = 0;
	for (size_t i = 0; i < q->count; i++)
		n += q->items[i].event.type == PC_EVENT_UNEXPECTED;
	return n;
}

/* Makes room for one unexpected listener: drops the oldest waiting one. */
static bool drop_oldest_unexpected(struct pc_notify_queue *q)
{
	long i = find_waiting(q, PC_EVENT_UNEXPECTED, NULL, 0);
	if (i < 0)
		return false;
	remove_at(q, (size_t)i);
	q->dropped++;
	q->skipped_unexpected++;
	return true;
}

int pc_notify_queue_set_policy(struct pc_notify_queue *q, const struct pc_notify_policy *policy)
{
	q->policy = *policy;
	if (q->policy.capacity == 0)
		q->policy.capacity = 1;
	size_t n = count_unexpected(q);
	while (n > q->policy.capacity && drop_oldest_unexpected(q))
		n--;
	for (int c = 0; c < 2; c++)
		if (q->tokens[c] > q->policy.rate_limit)
			q->tokens[c] = q->policy.rate_limit;
	return 0;
}

/* A token bucket of one second's worth per class: bursts up to the rate
 * pass. Refills it to now_ms. */
static void refill(struct pc_notify_queue *q, int c, int64_t now_ms)
{
	unsigned rate = q->policy.rate_limit;
	if (q->refilled_ms[c] >= 0 && now_ms > q->refilled_ms[c]) {
		q->tokens[c] += (double)(now_ms - q->refilled_ms[c]) * rate / 1000.0;
		if (q->tokens[c] > rate)
			q->tokens[c] = rate;
	}
	if (now_ms > q->refilled_ms[c])
		q->refilled_ms[c] = now_ms;
}

static bool take_token(struct pc_notify_queue *q, int c, int64_t now_ms)
{
	if (q->policy.rate_limit == 0)
		return true;
	refill(q, c, now_ms);
	if (q->tokens[c] < 1.0)
		return false;
	q->tokens[c] -= 1.0;
	return true;
}

/* When the bucket c next holds a whole token. */
static int64_t token_due(const struct pc_notify_queue *q, int c)
{
	double missing_ms = (1.0 - q->tokens[c]) * 1000.0 / q->policy.rate_limit;
	return q->refilled_ms[c] + (int64_t)missing_ms + 1;
}

static bool append(struct pc_notify_queue *q, const struct pc_event *event)
{
	if (reserve(q, q->count + 1) < 0)
		return false;
	struct pc_notify_entry *e = &q->items[q->count++];
	memset(e, 0, sizeof(*e));
	e->event = *event;
	return true;
}

/* An alarm: it takes the place of the one of its expectation still waiting
 * (receivers never saw that state), else it waits at the end. */
static enum pc_notify_verdict offer_alarm(struct pc_notify_queue *q, const struct pc_event *event)
{
	long i = find_waiting(q, event->type, event, 0);
	if (i >= 0) {
		q->items[i].event = *event;
		q->folded++;
		q->skipped_alarms++;
		return PC_NOTIFY_FOLDED;
	}
	if (!append(q, event)) {
		q->dropped++;
		q->skipped_alarms++;
		return PC_NOTIFY_DROPPED;
	}
	return PC_NOTIFY_QUEUED;
}

/* A compliance change: one waiting at most, told from what receivers heard
 * last; back there, it is no change at all. */
static enum pc_notify_verdict offer_compliance(struct pc_notify_queue *q,
					       const struct pc_event *event)
{
	long i = find_waiting(q, PC_EVENT_COMPLIANCE, NULL, 0);
	if (i < 0)
		return append(q, event) ? PC_NOTIFY_QUEUED : PC_NOTIFY_DROPPED;
	enum pc_compliance told = q->items[i].event.previous;
	if (told == event->current) {
		remove_at(q, (size_t)i);
		return PC_NOTIFY_FOLDED;
	}
	q->items[i].event = *event;
	q->items[i].event.previous = told;
	return PC_NOTIFY_FOLDED;
}

/* A discovery verdict: as a compliance change, one waiting at most. */
static enum pc_notify_verdict offer_discovery(struct pc_notify_queue *q,
					      const struct pc_event *event)
{
	long i = find_waiting(q, PC_EVENT_DISCOVERY, NULL, 0);
	if (i < 0)
		return append(q, event) ? PC_NOTIFY_QUEUED : PC_NOTIFY_DROPPED;
	enum pc_discover_verdict told = q->items[i].event.verdict_previous;
	if (told == event->verdict) {
		remove_at(q, (size_t)i);
		return PC_NOTIFY_FOLDED;
	}
	q->items[i].event = *event;
	q->items[i].event.verdict_previous = told;
	return PC_NOTIFY_FOLDED;
}

static enum pc_notify_verdict offer_unexpected(struct pc_notify_queue *q,
					       const struct pc_event *event, int64_t now_ms)
{
	if (!take_token(q, 1, now_ms)) {
		q->suppressed++;
		q->skipped_unexpected++;
		return PC_NOTIFY_SUPPRESSED;
	}
	if (count_unexpected(q) >= q->policy.capacity && !drop_oldest_unexpected(q)) {
		q->dropped++; /* every one kept is in flight */
		q->skipped_unexpected++;
		return PC_NOTIFY_DROPPED;
	}
	if (!append(q, event)) {
		q->dropped++;
		q->skipped_unexpected++;
		return PC_NOTIFY_DROPPED;
	}
	return PC_NOTIFY_QUEUED;
}

enum pc_notify_verdict pc_notify_queue_offer(struct pc_notify_queue *q, const struct pc_event *event,
					     int64_t now_ms)
{
	if (!type_enabled(&q->policy, event->type))
		return PC_NOTIFY_DISABLED;
	switch (event->type) {
	case PC_EVENT_MISSING:
	case PC_EVENT_RESTORED:
		return offer_alarm(q, event);
	case PC_EVENT_COMPLIANCE:
		return offer_compliance(q, event);
	case PC_EVENT_DISCOVERY:
		return offer_discovery(q, event);
	case PC_EVENT_UNEXPECTED:
		return offer_unexpected(q, event, now_ms);
	case PC_EVENT_SUMMARY:
		break;
	}
	return append(q, event) ? PC_NOTIFY_QUEUED : PC_NOTIFY_DROPPED;
}

void pc_notify_queue_note_coalesced(struct pc_notify_queue *q, uint64_t n)
{
	if (n == 0 || !type_enabled(&q->policy, PC_EVENT_UNEXPECTED))
		return;
	q->dropped += n;
	q->skipped_unexpected += (uint32_t)n;
}

void pc_notify_queue_note_folded(struct pc_notify_queue *q, uint64_t n)
{
	if (n == 0 || !(type_enabled(&q->policy, PC_EVENT_MISSING) ||
			type_enabled(&q->policy, PC_EVENT_RESTORED)))
		return;
	q->folded += n;
	q->skipped_alarms += (uint32_t)n;
}

int64_t pc_notify_queue_summarize(struct pc_notify_queue *q, const struct pc_event *counts,
				  int64_t now_ms)
{
	if (q->skipped_alarms == 0 && q->skipped_unexpected == 0)
		return -1;
	if (!q->policy.enabled) {
		q->skipped_alarms = q->skipped_unexpected = 0;
		return -1;
	}
	if (q->last_summary_ms >= 0 && now_ms < q->last_summary_ms + SUMMARY_SPACING_MS)
		return q->last_summary_ms + SUMMARY_SPACING_MS;

	struct pc_event summary = *counts;
	summary.type = PC_EVENT_SUMMARY;
	summary.when_ms = now_ms;
	summary.instance = -1;
	summary.skipped_alarms = q->skipped_alarms;
	summary.skipped_unexpected = q->skipped_unexpected;
	/* One waiting summary at most: a master away gets one with the sum. */
	long i = find_waiting(q, PC_EVENT_SUMMARY, NULL, 0);
	if (i >= 0) {
		summary.skipped_alarms += q->items[i].event.skipped_alarms;
		summary.skipped_unexpected += q->items[i].event.skipped_unexpected;
		q->items[i].event = summary;
	} else if (!append(q, &summary)) {
		return now_ms + SUMMARY_SPACING_MS; /* out of memory: try again later */
	}
	q->skipped_alarms = q->skipped_unexpected = 0;
	q->last_summary_ms = now_ms;
	return -1;
}

static size_t in_flight(const struct pc_notify_queue *q)
{
	size_t n = 0;
	for (size_t i = 0; i < q->count; i++)
		n += q->items[i].request != 0 && !q->items[i].orphaned;
	return n;
}

struct pc_notify_entry *pc_notify_queue_next(struct pc_notify_queue *q, int64_t now_ms,
					     int64_t *due_ms)
{
	*due_ms = -1;
	if (q->stalled || in_flight(q) >= PC_NOTIFY_WINDOW)
		return NULL;
	if (pc_notify_queue_orphans(q) > 0 && now_ms < q->orphan_wait_until_ms) {
		*due_ms = q->orphan_wait_until_ms;
		return NULL;
	}
	bool alarms_wait = false; /* alarms go in order: the first without a token stops them */
	for (size_t i = 0; i < q->count; i++) {
		struct pc_notify_entry *e = &q->items[i];
		if (!waiting(e))
			continue;
		if (pc_notify_class_of(e->event.type) != PC_NOTIFY_ALARM)
			return e;
		if (alarms_wait)
			continue;
		if (take_token(q, 0, now_ms))
			return e;
		alarms_wait = true;
		*due_ms = token_due(q, 0);
	}
	return NULL;
}

void pc_notify_queue_sent(struct pc_notify_queue *q, struct pc_notify_entry *e, uint32_t request)
{
	e->request = request;
	e->session = q->session;
	e->sent = ++q->sends;
	e->timed_out = false;
	if (e->retry)
		q->retried++;
	e->retry = false;
}

uint64_t pc_notify_queue_probe_sent(struct pc_notify_queue *q)
{
	return ++q->sends;
}

void pc_notify_queue_confirm(struct pc_notify_queue *q, uint64_t sent)
{
	for (size_t i = 0; i < q->count;) {
		struct pc_notify_entry *e = &q->items[i];
		if (e->timed_out && !e->orphaned && e->sent < sent) {
			q->acknowledged++;
			remove_at(q, i);
			continue;
		}
		i++;
	}
	q->stalled = false;
}

/* The entry in flight as request (orphaned or not, as asked), or -1. */
static long find_request(const struct pc_notify_queue *q, uint32_t request, bool orphaned)
{
	for (size_t i = 0; i < q->count && request != 0; i++)
		if (q->items[i].request == request && q->items[i].orphaned == orphaned)
			return (long)i;
	return -1;
}

/* An answer: the entry leaves, counted as what the answer said. */
static void answered(struct pc_notify_queue *q, size_t i, bool refused)
{
	if (refused)
		q->refused++;
	else
		q->acknowledged++;
	remove_at(q, i);
}

bool pc_notify_queue_acknowledge(struct pc_notify_queue *q, uint32_t request, bool refused)
{
	long i = find_request(q, request, false);
	if (i < 0)
		return false;
	uint64_t sent = q->items[i].sent;
	answered(q, (size_t)i, refused);
	pc_notify_queue_confirm(q, sent);
	return true;
}

bool pc_notify_queue_timed_out(struct pc_notify_queue *q, uint32_t request)
{
	long i = find_request(q, request, false);
	if (i < 0)
		return false;
	q->items[i].timed_out = true;
	q->stalled = true;
	return true;
}

/* Waiting again, to be sent on the next session; a newer state of the
 * same expectation, or a later compliance change or discovery verdict,
 * already waiting takes its place (told from where this one left). */
static void send_again(struct pc_notify_queue *q, size_t i)
{
	struct pc_notify_entry *e = &q->items[i];
	e->request = 0;
	e->timed_out = e->orphaned = false;
	e->retry = true;
	enum pc_event_type type = e->event.type;
	if (pc_notify_class_of(type) == PC_NOTIFY_ALARM && find_waiting(q, type, &e->event, i + 1) >= 0) {
		q->folded++;
		q->skipped_alarms++;
		remove_at(q, i);
		return;
	}
	long later = type == PC_EVENT_COMPLIANCE || type == PC_EVENT_DISCOVERY
			     ? find_waiting(q, type, NULL, i + 1)
			     : -1;
	if (later >= 0) {
		struct pc_event *next = &q->items[later].event;
		bool undone;
		if (type == PC_EVENT_COMPLIANCE) {
			next->previous = e->event.previous;
			undone = next->previous == next->current;
		} else {
			next->verdict_previous = e->event.verdict_previous;
			undone = next->verdict_previous == next->verdict;
		}
		if (undone)
			remove_at(q, (size_t)later);
		remove_at(q, i);
	}
}

/* Every entry in flight on session (orphaned or not) waits again, in the
 * queue's order. */
static void resend(struct pc_notify_queue *q, uint32_t session, bool orphaned)
{
	for (size_t i = q->count; i-- > 0;) {
		const struct pc_notify_entry *e = &q->items[i];
		if (e->request != 0 && e->session == session && e->orphaned == orphaned)
			send_again(q, i);
	}
}

void pc_notify_queue_link_down(struct pc_notify_queue *q, enum pc_notify_link_fate fate)
{
	q->stalled = false;
	if (fate == PC_LINK_MASTER_CLOSED) {
		resend(q, q->session, false);
		return;
	}
	for (size_t i = 0; i < q->count; i++)
		if (q->items[i].request != 0 && q->items[i].session == q->session)
			q->items[i].orphaned = true;
	if (fate == PC_LINK_MASTER_READ)
		pc_notify_queue_orphans_closed(q, q->session, false);
}

uint32_t pc_notify_queue_link_up(struct pc_notify_queue *q, int64_t now_ms)
{
	q->stalled = false;
	q->orphan_wait_until_ms = now_ms + PC_NOTIFY_ORPHAN_WAIT_MS;
	return ++q->session;
}

size_t pc_notify_queue_orphans(const struct pc_notify_queue *q)
{
	size_t n = 0;
	for (size_t i = 0; i < q->count; i++)
		n += q->items[i].orphaned;
	return n;
}

bool pc_notify_queue_orphan_answered(struct pc_notify_queue *q, uint32_t request, bool refused)
{
	long i = find_request(q, request, true);
	if (i < 0)
		return false;
	answered(q, (size_t)i, refused);
	return true;
}

void pc_notify_queue_orphans_closed(struct pc_notify_queue *q, uint32_t session, bool lost)
{
	if (lost) {
		resend(q, session, true);
		return;
	}
	for (size_t i = 0; i < q->count;) {
		if (q->items[i].orphaned && q->items[i].session == session) {
			q->unconfirmed++;
			remove_at(q, i);
			continue;
		}
		i++;
	}
}

size_t pc_notify_queue_pending(const struct pc_notify_queue *q)
{
	return q->count;
}

struct pc_notify_stats pc_notify_queue_stats(const struct pc_notify_queue *q)
{
	struct pc_notify_stats s = {
		.sent = q->acknowledged,
		.suppressed = q->suppressed,
		.dropped = q->dropped,
		.folded = q->folded,
		.retried = q->retried,
		.refused = q->refused,
		.unconfirmed = q->unconfirmed,
		.queued = (uint32_t)pc_notify_queue_pending(q),
	};
	return s;
}

void pc_notify_queue_free(struct pc_notify_queue *q)
{
	free(q->items);
	memset(q, 0, sizeof(*q));
}
