/* The way from event to notification without net-snmp: switches, the rate
 * limit, the bounded queue, acknowledgements and requeueing on a lost link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "notify_queue.h"

static const struct pc_notify_policy open_policy = {
	.enabled = true, .missing = true, .restored = true, .unexpected = true,
	.compliance = true, .rate_limit = 0, .capacity = 8,
};

static struct pc_event event(enum pc_event_type type, uint16_t port)
{
	struct pc_event e;
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.port = port;
	return e;
}

static void offer(struct pc_notify_queue *q, uint16_t port, int64_t now)
{
	struct pc_event e = event(PC_EVENT_MISSING, port);
	assert_int_equal(pc_notify_queue_offer(q, &e, now), PC_NOTIFY_QUEUED);
}

/* Pretend to send every waiting entry: request ids 100, 101, ... */
static uint32_t send_all(struct pc_notify_queue *q, uint32_t first)
{
	uint32_t next = first;
	for (size_t i = 0; i < q->count; i++) {
		struct pc_notify_entry *e = pc_notify_queue_at(q, i);
		if (e->request == 0 && !e->acknowledged)
			e->request = next++;
	}
	return next;
}

static void switches_decide_per_type(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.unexpected = false;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	struct pc_event e = event(PC_EVENT_UNEXPECTED, 1);
	assert_int_equal(pc_notify_queue_offer(&q, &e, 0), PC_NOTIFY_DISABLED);
	e.type = PC_EVENT_COMPLIANCE;
	assert_int_equal(pc_notify_queue_offer(&q, &e, 0), PC_NOTIFY_QUEUED);
	p.enabled = false; /* the master switch wins */
	assert_int_equal(pc_notify_queue_set_policy(&q, &p), 0);
	assert_int_equal(pc_notify_queue_offer(&q, &e, 0), PC_NOTIFY_DISABLED);
	assert_int_equal(q.suppressed, 0);
	pc_notify_queue_free(&q);
}

static void the_rate_limit_suppresses_the_surplus(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 3;
	p.capacity = 100;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	size_t queued = 0;
	for (int i = 0; i < 10; i++) { /* a burst at one instant */
		struct pc_event e = event(PC_EVENT_MISSING, (uint16_t)i);
		queued += pc_notify_queue_offer(&q, &e, 1000) == PC_NOTIFY_QUEUED;
	}
	assert_int_equal(queued, 3);
	assert_int_equal(q.suppressed, 7);
	/* A second later the bucket is full again, and no fuller. */
	queued = 0;
	for (int i = 0; i < 10; i++) {
		struct pc_event e = event(PC_EVENT_MISSING, (uint16_t)i);
		queued += pc_notify_queue_offer(&q, &e, 5000) == PC_NOTIFY_QUEUED;
	}
	assert_int_equal(queued, 3);
	/* Spread out at the rate, nothing is suppressed. */
	uint64_t before = q.suppressed;
	for (int i = 0; i < 30; i++) {
		struct pc_event e = event(PC_EVENT_MISSING, (uint16_t)i);
		pc_notify_queue_offer(&q, &e, 10000 + i * 334);
	}
	assert_int_equal(q.suppressed, before);
	pc_notify_queue_free(&q);
}

static void a_full_queue_drops_the_oldest(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	for (uint16_t port = 1; port <= 11; port++)
		offer(&q, port, 0);
	assert_int_equal(q.count, 8);
	assert_int_equal(q.dropped, 3);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 4);
	assert_int_equal(pc_notify_queue_at(&q, 7)->event.port, 11);
	pc_notify_queue_free(&q);
}

static void acknowledged_entries_leave_in_order(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	for (uint16_t port = 1; port <= 4; port++)
		offer(&q, port, 0);
	send_all(&q, 100);
	/* An answer out of order waits for the ones before it. */
	assert_true(pc_notify_queue_acknowledge(&q, 101));
	assert_int_equal(q.count, 4);
	assert_int_equal(pc_notify_queue_pending(&q), 3);
	assert_true(pc_notify_queue_acknowledge(&q, 100));
	assert_int_equal(q.count, 2);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 3);
	/* Unknown or repeated answers change nothing. */
	assert_false(pc_notify_queue_acknowledge(&q, 100));
	assert_false(pc_notify_queue_acknowledge(&q, 0));
	assert_int_equal(q.acknowledged, 2);
	pc_notify_queue_free(&q);
}

static void a_lost_link_sends_again_in_order(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	for (uint16_t port = 1; port <= 3; port++)
		offer(&q, port, 0);
	send_all(&q, 100);
	assert_true(pc_notify_queue_acknowledge(&q, 100));
	pc_notify_queue_requeue(&q); /* 101 and 102 were never answered */
	offer(&q, 4, 0); /* raised while the master is away */
	assert_int_equal(q.count, 3);
	for (size_t i = 0; i < q.count; i++) {
		assert_int_equal(pc_notify_queue_at(&q, i)->request, 0);
		assert_int_equal(pc_notify_queue_at(&q, i)->event.port, i + 2);
	}
	/* An answer to a request sent before the loss no longer counts. */
	assert_false(pc_notify_queue_acknowledge(&q, 101));
	send_all(&q, 200);
	for (uint32_t r = 200; r < 203; r++)
		assert_true(pc_notify_queue_acknowledge(&q, r));
	assert_int_equal(q.count, 0);
	assert_int_equal(q.acknowledged, 4);
	pc_notify_queue_free(&q);
}

static void a_smaller_queue_keeps_the_newest(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	for (uint16_t port = 1; port <= 6; port++)
		offer(&q, port, 0);
	struct pc_notify_policy p = open_policy;
	p.capacity = 2;
	assert_int_equal(pc_notify_queue_set_policy(&q, &p), 0);
	assert_int_equal(q.count, 2);
	assert_int_equal(q.dropped, 4);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 5);
	offer(&q, 7, 0);
	assert_int_equal(pc_notify_queue_at(&q, 1)->event.port, 7);
	pc_notify_queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(switches_decide_per_type),
		cmocka_unit_test(the_rate_limit_suppresses_the_surplus),
		cmocka_unit_test(a_full_queue_drops_the_oldest),
		cmocka_unit_test(acknowledged_entries_leave_in_order),
		cmocka_unit_test(a_lost_link_sends_again_in_order),
		cmocka_unit_test(a_smaller_queue_keeps_the_newest),
	};
	return cmocka_run_group_tests_name("notify_queue", tests, NULL, NULL);
}
