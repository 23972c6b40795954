/* The way from event to notification without net-snmp: switches, the rate
 * limit per class and the summary of what it held back, the bounded queue
 * that never drops an alarm for an unexpected listener, acknowledgements,
 * timeouts that do not resend, and requeueing on a lost link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "snmp/notify_queue.h"

static const struct pc_notify_policy open_policy = {
	.enabled = true, .missing = true, .restored = true, .unexpected = true,
	.compliance = true, .rate_limit = 0, .capacity = 8,
};

/* Alarms about different expectations have different members. */
static struct pc_event event(enum pc_event_type type, uint16_t port)
{
	struct pc_event e;
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.port = port;
	e.role_index = 1;
	e.rule_index = 1;
	e.member = port;
	return e;
}

static void offer(struct pc_notify_queue *q, uint16_t port, int64_t now)
{
	struct pc_event e = event(PC_EVENT_MISSING, port);
	assert_int_equal(pc_notify_queue_offer(q, &e, now), PC_NOTIFY_QUEUED);
}

/* Pretend to send every waiting entry: request ids first, first + 1, ... */
static uint32_t send_all(struct pc_notify_queue *q, uint32_t first)
{
	uint32_t next = first;
	for (size_t i = 0; i < q->count; i++) {
		struct pc_notify_entry *e = pc_notify_queue_at(q, i);
		if (e->request == 0 && !e->acknowledged)
			pc_notify_queue_sent(q, e, next++);
	}
	return next;
}

static size_t count_type(struct pc_notify_queue *q, enum pc_event_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < q->count; i++)
		n += pc_notify_queue_at(q, i)->event.type == type;
	return n;
}

static const struct pc_event counts = { .current = PC_NON_COMPLIANT, .missing_count = 30 };

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

/* The start-up burst of 30 missing ports with a limit of 10. */
static void compliance_goes_first_and_a_summary_tells_the_rest(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 10;
	p.capacity = 100;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	struct pc_event c = event(PC_EVENT_COMPLIANCE, 0);
	assert_int_equal(pc_notify_queue_offer(&q, &c, 1000), PC_NOTIFY_QUEUED);
	for (uint16_t port = 1; port <= 30; port++) {
		struct pc_event e = event(PC_EVENT_MISSING, port);
		pc_notify_queue_offer(&q, &e, 1000);
	}
	assert_int_equal(count_type(&q, PC_EVENT_MISSING), 10);
	assert_int_equal(q.suppressed, 20);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.type, PC_EVENT_COMPLIANCE);
	/* The summary is not rate limited either, and comes after what fit. */
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 1000), -1);
	struct pc_notify_entry *last = pc_notify_queue_at(&q, q.count - 1);
	assert_int_equal(last->event.type, PC_EVENT_SUMMARY);
	assert_int_equal(last->event.skipped_alarms, 20);
	assert_int_equal(last->event.skipped_unexpected, 0);
	assert_int_equal(last->event.missing_count, 30);
	assert_int_equal(last->event.current, PC_NON_COMPLIANT);
	/* Nothing more owed; a compliance change is never suppressed. */
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 1000), -1);
	for (int i = 0; i < 50; i++)
		assert_int_equal(pc_notify_queue_offer(&q, &c, 1000), PC_NOTIFY_QUEUED);
	pc_notify_queue_free(&q);
}

static void summaries_are_paced(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 1;
	p.capacity = 100;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	struct pc_event e = event(PC_EVENT_UNEXPECTED, 1);
	pc_notify_queue_offer(&q, &e, 1000);
	pc_notify_queue_offer(&q, &e, 1000);
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 1000), -1);
	pc_notify_queue_offer(&q, &e, 1100);
	/* One a second: the next is due at 2000, and then carries the rest. */
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 1100), 2000);
	pc_notify_queue_offer(&q, &e, 1200);
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 2000), -1);
	assert_int_equal(count_type(&q, PC_EVENT_SUMMARY), 1); /* the first, still waiting, took the sum */
	struct pc_notify_entry *s = pc_notify_queue_at(&q, q.count - 1);
	assert_int_equal(s->event.skipped_unexpected, 3);
	assert_int_equal(q.suppressed, 3);
	pc_notify_queue_free(&q);
}

/* New listeners have their own share of the rate limit. */
static void a_flood_of_listeners_leaves_the_alarms_their_share(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 10;
	p.capacity = 1000;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	for (uint16_t port = 1; port <= 500; port++) {
		struct pc_event e = event(PC_EVENT_UNEXPECTED, port);
		pc_notify_queue_offer(&q, &e, 1000);
	}
	struct pc_event missing = event(PC_EVENT_MISSING, 7001);
	assert_int_equal(pc_notify_queue_offer(&q, &missing, 1000), PC_NOTIFY_QUEUED);
	assert_int_equal(count_type(&q, PC_EVENT_UNEXPECTED), 10);
	assert_int_equal(q.suppressed, 490);
	pc_notify_queue_free(&q);
}

/* A full queue drops unexpected listeners, never an alarm. */
static void a_full_queue_drops_unexpected_listeners_only(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0); /* 8 entries */
	for (uint16_t port = 1; port <= 3; port++)
		offer(&q, port, 0);
	for (uint16_t port = 100; port < 200; port++) {
		struct pc_event e = event(PC_EVENT_UNEXPECTED, port);
		pc_notify_queue_offer(&q, &e, 0);
	}
	struct pc_event c = event(PC_EVENT_COMPLIANCE, 0);
	assert_int_equal(pc_notify_queue_offer(&q, &c, 0), PC_NOTIFY_QUEUED);
	assert_int_equal(q.count, 8);
	assert_int_equal(count_type(&q, PC_EVENT_MISSING), 3);
	assert_int_equal(count_type(&q, PC_EVENT_COMPLIANCE), 1);
	/* The newest listeners stayed; every drop is counted and summarized. */
	assert_int_equal(pc_notify_queue_at(&q, 6)->event.port, 199);
	assert_int_equal(q.dropped, 96); /* 95 for listeners, 1 for the compliance change */
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 0), -1);
	assert_int_equal(pc_notify_queue_at(&q, q.count - 1)->event.skipped_unexpected, 96);
	pc_notify_queue_free(&q);
}

/* Alarms beyond capacity: one waiting per expectation, the newest. */
static void a_full_queue_keeps_one_alarm_per_expectation(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.capacity = 2;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	for (uint16_t port = 1; port <= 5; port++)
		offer(&q, port, 0);
	assert_int_equal(q.count, 5); /* bounded by the expectations, not dropped */
	assert_int_equal(q.dropped, 0);
	struct pc_event back = event(PC_EVENT_RESTORED, 2);
	assert_int_equal(pc_notify_queue_offer(&q, &back, 0), PC_NOTIFY_QUEUED);
	assert_int_equal(q.count, 5);
	assert_int_equal(pc_notify_queue_at(&q, 4)->event.type, PC_EVENT_RESTORED);
	assert_int_equal(pc_notify_queue_at(&q, 1)->event.port, 3);
	/* Compliance: one waiting, told from what the receiver last heard. */
	struct pc_event c = event(PC_EVENT_COMPLIANCE, 0);
	c.previous = PC_COMPLIANCE_UNKNOWN;
	c.current = PC_NON_COMPLIANT;
	pc_notify_queue_offer(&q, &c, 0);
	c.previous = PC_NON_COMPLIANT;
	c.current = PC_COMPLIANT;
	pc_notify_queue_offer(&q, &c, 0);
	assert_int_equal(count_type(&q, PC_EVENT_COMPLIANCE), 1);
	struct pc_notify_entry *last = pc_notify_queue_at(&q, q.count - 1);
	assert_int_equal(last->event.previous, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(last->event.current, PC_COMPLIANT);
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

/* A stalled master is not sent the same notification again. */
static void a_timeout_holds_back_and_an_answer_confirms(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	for (uint16_t port = 1; port <= 2; port++)
		offer(&q, port, 0);
	send_all(&q, 100);
	assert_true(pc_notify_queue_timed_out(&q, 100));
	assert_true(pc_notify_queue_timed_out(&q, 101));
	assert_false(pc_notify_queue_timed_out(&q, 999));
	assert_true(q.stalled);
	/* Still in flight: nothing waits to be sent again on this session. */
	offer(&q, 3, 0);
	assert_int_equal(send_all(&q, 200), 201); /* only the new one (the caller holds it while stalled) */
	assert_int_equal(pc_notify_queue_pending(&q), 3);
	/* The master answers the later one: it had read the two before. */
	assert_true(pc_notify_queue_acknowledge(&q, 200));
	assert_false(q.stalled);
	assert_int_equal(q.count, 0);
	assert_int_equal(q.acknowledged, 3);

	/* A probe's answer confirms what was sent before it, not after. */
	offer(&q, 4, 0);
	send_all(&q, 300);
	assert_true(pc_notify_queue_timed_out(&q, 300));
	uint64_t probe = pc_notify_queue_probe_sent(&q);
	offer(&q, 5, 0);
	send_all(&q, 301);
	pc_notify_queue_confirm(&q, probe);
	assert_int_equal(q.count, 1);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 5);
	assert_int_equal(q.acknowledged, 4);

	/* A link lost after a timeout: sent again, once, on the next session. */
	assert_true(pc_notify_queue_timed_out(&q, 301));
	pc_notify_queue_requeue(&q);
	assert_false(q.stalled);
	assert_int_equal(pc_notify_queue_at(&q, 0)->request, 0);
	assert_false(pc_notify_queue_at(&q, 0)->timed_out);
	pc_notify_queue_free(&q);
}

static void a_smaller_queue_drops_listeners_not_alarms(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	for (uint16_t port = 1; port <= 4; port++) {
		struct pc_event e = event(PC_EVENT_UNEXPECTED, port);
		pc_notify_queue_offer(&q, &e, 0);
	}
	offer(&q, 7001, 0);
	offer(&q, 7002, 0);
	struct pc_notify_policy p = open_policy;
	p.capacity = 3;
	assert_int_equal(pc_notify_queue_set_policy(&q, &p), 0);
	assert_int_equal(q.count, 3);
	assert_int_equal(q.dropped, 3);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 4);
	assert_int_equal(count_type(&q, PC_EVENT_MISSING), 2);
	pc_notify_queue_free(&q);
}

static void coalesced_listeners_are_dropped_and_summarized(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	pc_notify_queue_note_coalesced(&q, 4000);
	assert_int_equal(q.dropped, 4000);
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 0), -1);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.skipped_unexpected, 4000);
	/* Switched off, they are nobody's loss. */
	struct pc_notify_policy p = open_policy;
	p.unexpected = false;
	pc_notify_queue_set_policy(&q, &p);
	pc_notify_queue_note_coalesced(&q, 10);
	assert_int_equal(q.dropped, 4000);
	pc_notify_queue_free(&q);
}

/* pcNotify's counters: sent is what the master acknowledged, queued what
 * it has not (in flight or waiting), each counter its own. */
static void the_counters_are_the_queues(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 2;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	for (uint16_t port = 1; port <= 3; port++) { /* the third is over the limit */
		struct pc_event e = event(PC_EVENT_MISSING, port);
		pc_notify_queue_offer(&q, &e, 0);
	}
	pc_notify_queue_note_coalesced(&q, 5);
	send_all(&q, 100);
	assert_true(pc_notify_queue_acknowledge(&q, 100));
	struct pc_notify_stats s = pc_notify_queue_stats(&q);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.suppressed, 1);
	assert_int_equal(s.dropped, 5);
	assert_int_equal(s.queued, 1);
	pc_notify_queue_requeue(&q); /* a lost link: still queued, not sent */
	s = pc_notify_queue_stats(&q);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.queued, 1);
	pc_notify_queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(switches_decide_per_type),
		cmocka_unit_test(the_rate_limit_suppresses_the_surplus),
		cmocka_unit_test(compliance_goes_first_and_a_summary_tells_the_rest),
		cmocka_unit_test(summaries_are_paced),
		cmocka_unit_test(a_flood_of_listeners_leaves_the_alarms_their_share),
		cmocka_unit_test(a_full_queue_drops_unexpected_listeners_only),
		cmocka_unit_test(a_full_queue_keeps_one_alarm_per_expectation),
		cmocka_unit_test(acknowledged_entries_leave_in_order),
		cmocka_unit_test(a_lost_link_sends_again_in_order),
		cmocka_unit_test(a_timeout_holds_back_and_an_answer_confirms),
		cmocka_unit_test(a_smaller_queue_drops_listeners_not_alarms),
		cmocka_unit_test(coalesced_listeners_are_dropped_and_summarized),
		cmocka_unit_test(the_counters_are_the_queues),
	};
	return cmocka_run_group_tests_name("notify_queue", tests, NULL, NULL);
}
