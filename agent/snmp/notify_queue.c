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
	case PC_EVENT_SUMMARY:
		return true;
	}
	return false; /* not an event type: every one has its case above */
}

enum pc_notify_class pc_notify_class_of(enum pc_event_type type)
{
	switch (type) {
	case PC_EVENT_COMPLIANCE:
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
	return e->request == 0 && !e->acknowledged;
}

/* The oldest waiting entry of this class (and this expectation, for
 * alarms; NULL: any), or -1. */
static long find_waiting(const struct pc_notify_queue *q, enum pc_event_type type,
			 const struct pc_event *same)
{
	for (size_t i = 0; i < q->count; i++) {
		const struct pc_notify_entry *e = &q->items[i];
		if (!waiting(e))
			continue;
		if (pc_notify_class_of(e->event.type) != pc_notify_class_of(type))
			continue;
		if (type == PC_EVENT_COMPLIANCE || type == PC_EVENT_SUMMARY) {
			if (e->event.type == type)
				return (long)i;
			continue;
		}
		if (same == NULL || (e->event.role_index == same->role_index &&
				     e->event.rule_index == same->rule_index &&
				     e->event.member == same->member))
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

/* Makes room for one unexpected listener: drops the oldest waiting one. */
static bool drop_oldest_unexpected(struct pc_notify_queue *q)
{
	long i = find_waiting(q, PC_EVENT_UNEXPECTED, NULL);
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
	while (q->count > q->policy.capacity && drop_oldest_unexpected(q))
		;
	for (int c = 0; c < 2; c++)
		if (q->tokens[c] > q->policy.rate_limit)
			q->tokens[c] = q->policy.rate_limit;
	return 0;
}

/* A token bucket of one second's worth per class: bursts up to the rate pass. */
static bool take_token(struct pc_notify_queue *q, int c, int64_t now_ms)
{
	unsigned rate = q->policy.rate_limit;
	if (rate == 0)
		return true;
	if (q->refilled_ms[c] >= 0 && now_ms > q->refilled_ms[c]) {
		q->tokens[c] += (double)(now_ms - q->refilled_ms[c]) * rate / 1000.0;
		if (q->tokens[c] > rate)
			q->tokens[c] = rate;
	}
	q->refilled_ms[c] = now_ms;
	if (q->tokens[c] < 1.0)
		return false;
	q->tokens[c] -= 1.0;
	return true;
}

static void skip(struct pc_notify_queue *q, enum pc_notify_class class)
{
	if (class == PC_NOTIFY_FLOOD)
		q->skipped_unexpected++;
	else
		q->skipped_alarms++;
}

/* A full queue: room by the rules of the header, or false (drop the event). */
static bool make_room(struct pc_notify_queue *q, struct pc_event *event)
{
	if (q->count < q->policy.capacity || drop_oldest_unexpected(q))
		return true;
	enum pc_notify_class class = pc_notify_class_of(event->type);
	if (class == PC_NOTIFY_FLOOD) {
		q->dropped++;
		q->skipped_unexpected++;
		return false;
	}
	/* An alarm or a compliance change: the newest replaces its waiting
	 * predecessor; without one, the queue grows (bounded by the plan). */
	long i = find_waiting(q, event->type, event);
	if (i >= 0) {
		if (event->type == PC_EVENT_COMPLIANCE)
			event->previous = q->items[i].event.previous;
		else
			q->skipped_alarms++;
		remove_at(q, (size_t)i);
		q->dropped++;
	}
	return true;
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

enum pc_notify_verdict pc_notify_queue_offer(struct pc_notify_queue *q, const struct pc_event *event,
					     int64_t now_ms)
{
	if (!type_enabled(&q->policy, event->type))
		return PC_NOTIFY_DISABLED;
	enum pc_notify_class class = pc_notify_class_of(event->type);
	if (class != PC_NOTIFY_EXEMPT && !take_token(q, class == PC_NOTIFY_FLOOD, now_ms)) {
		q->suppressed++;
		skip(q, class);
		return PC_NOTIFY_SUPPRESSED;
	}
	struct pc_event copy = *event;
	if (!make_room(q, &copy))
		return PC_NOTIFY_DROPPED;
	if (!append(q, &copy)) {
		q->dropped++;
		skip(q, class);
		return PC_NOTIFY_DROPPED;
	}
	return PC_NOTIFY_QUEUED;
}

void pc_notify_queue_note_coalesced(struct pc_notify_queue *q, uint64_t n)
{
	if (n == 0 || !type_enabled(&q->policy, PC_EVENT_UNEXPECTED))
		return;
	q->dropped += n;
	q->skipped_unexpected += (uint32_t)n;
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
	long i = find_waiting(q, PC_EVENT_SUMMARY, NULL);
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

void pc_notify_queue_sent(struct pc_notify_queue *q, struct pc_notify_entry *e, uint32_t request)
{
	e->request = request;
	e->sent = ++q->sends;
	e->timed_out = false;
}

uint64_t pc_notify_queue_probe_sent(struct pc_notify_queue *q)
{
	return ++q->sends;
}

/* Acknowledged entries leave from the head, in order. */
static void pop_acknowledged(struct pc_notify_queue *q)
{
	size_t n = 0;
	while (n < q->count && q->items[n].acknowledged)
		n++;
	if (n == 0)
		return;
	memmove(q->items, q->items + n, (q->count - n) * sizeof(*q->items));
	q->count -= n;
}

void pc_notify_queue_confirm(struct pc_notify_queue *q, uint64_t sent)
{
	for (size_t i = 0; i < q->count; i++) {
		struct pc_notify_entry *e = &q->items[i];
		if (e->timed_out && !e->acknowledged && e->sent < sent) {
			e->acknowledged = true;
			q->acknowledged++;
		}
	}
	q->stalled = false;
	pop_acknowledged(q);
}

bool pc_notify_queue_acknowledge(struct pc_notify_queue *q, uint32_t request)
{
	for (size_t i = 0; i < q->count && request != 0; i++) {
		struct pc_notify_entry *e = &q->items[i];
		if (e->request != request || e->acknowledged)
			continue;
		e->acknowledged = true;
		q->acknowledged++;
		pc_notify_queue_confirm(q, e->sent);
		return true;
	}
	return false;
}

bool pc_notify_queue_timed_out(struct pc_notify_queue *q, uint32_t request)
{
	for (size_t i = 0; i < q->count && request != 0; i++) {
		struct pc_notify_entry *e = &q->items[i];
		if (e->request == request && !e->acknowledged) {
			e->timed_out = true;
			q->stalled = true;
			return true;
		}
	}
	return false;
}

void pc_notify_queue_requeue(struct pc_notify_queue *q)
{
	for (size_t i = 0; i < q->count; i++) {
		struct pc_notify_entry *e = &q->items[i];
		if (!e->acknowledged) {
			e->request = 0;
			e->timed_out = false;
		}
	}
	q->stalled = false;
}

size_t pc_notify_queue_pending(const struct pc_notify_queue *q)
{
	size_t n = 0;
	for (size_t i = 0; i < q->count; i++)
		n += !q->items[i].acknowledged;
	return n;
}

struct pc_notify_stats pc_notify_queue_stats(const struct pc_notify_queue *q)
{
	struct pc_notify_stats s = {
		.sent = q->acknowledged,
		.suppressed = q->suppressed,
		.dropped = q->dropped,
		.queued = (uint32_t)pc_notify_queue_pending(q),
	};
	return s;
}

void pc_notify_queue_free(struct pc_notify_queue *q)
{
	free(q->items);
	memset(q, 0, sizeof(*q));
}
