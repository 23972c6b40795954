#include "notify_queue.h"

#include <stdlib.h>
#include <string.h>

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
	}
	return false; /* not an event type: every one has its case above */
}

struct pc_notify_entry *pc_notify_queue_at(struct pc_notify_queue *q, size_t i)
{
	return &q->ring[(q->head + i) % q->policy.capacity];
}

static void drop_oldest(struct pc_notify_queue *q)
{
	q->head = (q->head + 1) % q->policy.capacity;
	q->count--;
	q->dropped++;
}

int pc_notify_queue_init(struct pc_notify_queue *q, const struct pc_notify_policy *policy)
{
	memset(q, 0, sizeof(*q));
	q->policy = *policy;
	if (q->policy.capacity == 0)
		q->policy.capacity = 1;
	q->ring = calloc(q->policy.capacity, sizeof(*q->ring));
	q->tokens = q->policy.rate_limit;
	q->refilled_ms = -1;
	return q->ring != NULL ? 0 : -1;
}

int pc_notify_queue_set_policy(struct pc_notify_queue *q, const struct pc_notify_policy *policy)
{
	size_t capacity = policy->capacity > 0 ? policy->capacity : 1;
	if (capacity != q->policy.capacity) {
		struct pc_notify_entry *ring = calloc(capacity, sizeof(*ring));
		if (ring == NULL)
			return -1;
		while (q->count > capacity)
			drop_oldest(q);
		for (size_t i = 0; i < q->count; i++)
			ring[i] = *pc_notify_queue_at(q, i);
		free(q->ring);
		q->ring = ring;
		q->head = 0;
	}
	q->policy = *policy;
	q->policy.capacity = capacity;
	if (q->tokens > q->policy.rate_limit)
		q->tokens = q->policy.rate_limit;
	return 0;
}

/* A token bucket of one second's worth: bursts up to the rate pass. */
static bool take_token(struct pc_notify_queue *q, int64_t now_ms)
{
	unsigned rate = q->policy.rate_limit;
	if (rate == 0)
		return true;
	if (q->refilled_ms >= 0 && now_ms > q->refilled_ms) {
		q->tokens += (double)(now_ms - q->refilled_ms) * rate / 1000.0;
		if (q->tokens > rate)
			q->tokens = rate;
	}
	q->refilled_ms = now_ms;
	if (q->tokens < 1.0)
		return false;
	q->tokens -= 1.0;
	return true;
}

enum pc_notify_verdict pc_notify_queue_offer(struct pc_notify_queue *q, const struct pc_event *event,
					     int64_t now_ms)
{
	if (!type_enabled(&q->policy, event->type))
		return PC_NOTIFY_DISABLED;
	if (!take_token(q, now_ms)) {
		q->suppressed++;
		return PC_NOTIFY_SUPPRESSED;
	}
	if (q->count == q->policy.capacity)
		drop_oldest(q);
	struct pc_notify_entry *e = pc_notify_queue_at(q, q->count);
	memset(e, 0, sizeof(*e));
	e->event = *event;
	q->count++;
	return PC_NOTIFY_QUEUED;
}

bool pc_notify_queue_acknowledge(struct pc_notify_queue *q, uint32_t request)
{
	bool found = false;
	for (size_t i = 0; i < q->count && !found; i++) {
		struct pc_notify_entry *e = pc_notify_queue_at(q, i);
		if (e->request == request && request != 0 && !e->acknowledged) {
			e->acknowledged = true;
			q->acknowledged++;
			found = true;
		}
	}
	/* Answers come in order almost always: the head leaves at once. */
	while (q->count > 0 && pc_notify_queue_at(q, 0)->acknowledged) {
		q->head = (q->head + 1) % q->policy.capacity;
		q->count--;
	}
	return found;
}

void pc_notify_queue_requeue(struct pc_notify_queue *q)
{
	for (size_t i = 0; i < q->count; i++) {
		struct pc_notify_entry *e = pc_notify_queue_at(q, i);
		if (!e->acknowledged)
			e->request = 0;
	}
}

size_t pc_notify_queue_pending(const struct pc_notify_queue *q)
{
	size_t n = 0;
	for (size_t i = 0; i < q->count; i++)
		n += !q->ring[(q->head + i) % q->policy.capacity].acknowledged;
	return n;
}

void pc_notify_queue_free(struct pc_notify_queue *q)
{
	free(q->ring);
	memset(q, 0, sizeof(*q));
}
