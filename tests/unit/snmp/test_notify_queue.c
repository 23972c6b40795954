/* SPDX-License-Identifier: ISC */
/* The way from event to notification without net-snmp: switches, alarms
 * paced by the rate limit and folded to their latest state while they
 * wait, unexpected listeners suppressed over theirs, the summary, the
 * bounded queue that never drops an alarm for an unexpected listener, the
 * window in flight, answers, timeouts that do not resend, and a link that
 * drops: sent again only what a master lost, never what a stalled one may
 * still read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "snmp/notify_queue.h"

static const struct pc_notify_policy open_policy = {
	.enabled = true, .missing = true, .restored = true, .unexpected = true,
	.compliance = true, .discovery = true, .rate_limit = 0, .capacity = 8,
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

/* Send what the queue gives at now: request ids first, first + 1, ...;
 * returns the next id. */
static uint32_t send_at(struct pc_notify_queue *q, uint32_t first, int64_t now)
{
	uint32_t next = first;
	int64_t due;
	struct pc_notify_entry *e;
	while ((e = pc_notify_queue_next(q, now, &due)) != NULL)
		pc_notify_queue_sent(q, e, next++);
	return next;
}

static uint32_t send_all(struct pc_notify_queue *q, uint32_t first)
{
	return send_at(q, first, 0);
}

static struct pc_notify_entry *find_request(struct pc_notify_queue *q, uint32_t request)
{
	for (size_t i = 0; i < q->count; i++)
		if (pc_notify_queue_at(q, i)->request == request)
			return pc_notify_queue_at(q, i);
	return NULL;
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
	e.current = PC_COMPLIANT;
	assert_int_equal(pc_notify_queue_offer(&q, &e, 0), PC_NOTIFY_QUEUED);
	p.enabled = false; /* the master switch wins */
	assert_int_equal(pc_notify_queue_set_policy(&q, &p), 0);
	assert_int_equal(pc_notify_queue_offer(&q, &e, 0), PC_NOTIFY_DISABLED);
	assert_int_equal(q.suppressed, 0);
	pc_notify_queue_free(&q);
}

/* New listeners over their share are not sent, only counted. */
static void unexpected_listeners_over_the_limit_are_suppressed(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 3;
	p.capacity = 100;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	size_t queued = 0;
	for (int i = 0; i < 10; i++) { /* a burst at one instant */
		struct pc_event e = event(PC_EVENT_UNEXPECTED, (uint16_t)i);
		queued += pc_notify_queue_offer(&q, &e, 1000) == PC_NOTIFY_QUEUED;
	}
	assert_int_equal(queued, 3);
	assert_int_equal(q.suppressed, 7);
	/* A second later the bucket is full again, and no fuller. */
	queued = 0;
	for (int i = 0; i < 10; i++) {
		struct pc_event e = event(PC_EVENT_UNEXPECTED, (uint16_t)i);
		queued += pc_notify_queue_offer(&q, &e, 5000) == PC_NOTIFY_QUEUED;
	}
	assert_int_equal(queued, 3);
	/* Spread out at the rate, nothing is suppressed. */
	uint64_t before = q.suppressed;
	for (int i = 0; i < 30; i++) {
		struct pc_event e = event(PC_EVENT_UNEXPECTED, (uint16_t)i);
		pc_notify_queue_offer(&q, &e, 10000 + i * 334);
	}
	assert_int_equal(q.suppressed, before);
	pc_notify_queue_free(&q);
}

/* 60 required ports lost at once, a limit of 10: the compliance change
 * goes at once, 10 alarms with it, then one each tenth of a second, in
 * order, until every port has had its own. Nothing is suppressed, nothing
 * summarized. */
static void alarms_over_the_limit_wait_their_turn(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 10;
	p.capacity = 100;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	struct pc_event c = event(PC_EVENT_COMPLIANCE, 0);
	c.current = PC_NON_COMPLIANT;
	assert_int_equal(pc_notify_queue_offer(&q, &c, 1000), PC_NOTIFY_QUEUED);
	for (uint16_t port = 1; port <= 60; port++) {
		struct pc_event e = event(PC_EVENT_MISSING, port);
		assert_int_equal(pc_notify_queue_offer(&q, &e, 1000), PC_NOTIFY_QUEUED);
	}
	int64_t due;
	struct pc_notify_entry *e = pc_notify_queue_next(&q, 1000, &due);
	assert_int_equal(e->event.type, PC_EVENT_COMPLIANCE);
	pc_notify_queue_sent(&q, e, 1);
	uint32_t request = 2;
	uint16_t expected_port = 1;
	int64_t now = 1000, first_due = -1;
	while (expected_port <= 60) {
		while ((e = pc_notify_queue_next(&q, now, &due)) != NULL) {
			assert_int_equal(e->event.port, expected_port++); /* in order */
			pc_notify_queue_sent(&q, e, request);
			assert_true(pc_notify_queue_acknowledge(&q, request++, false));
		}
		if (expected_port <= 60) {
			assert_true(due > now);
			if (first_due < 0)
				first_due = due;
			now = due;
		}
	}
	/* The first 10 at once; the 11th a tenth of a second later. */
	assert_in_range(first_due, 1100, 1102);
	/* The other 50 at ten a second. */
	assert_in_range(now, 6000, 6060);
	assert_int_equal(q.suppressed, 0);
	assert_int_equal(q.folded, 0);
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, now), -1);
	assert_int_equal(q.acknowledged, 60);
	pc_notify_queue_free(&q);
}

/* While an alarm waits for its turn its port changes again: the newer
 * state takes its place (receivers never saw the other), and the summary
 * says so. An alarm already sent is not replaced. */
static void a_waiting_alarm_gives_way_to_its_latest_state(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 1;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	offer(&q, 1, 0);
	offer(&q, 2, 0);
	offer(&q, 3, 0);
	assert_int_equal(send_at(&q, 100, 0), 101); /* port 1 goes; 2 and 3 wait */
	struct pc_event back = event(PC_EVENT_RESTORED, 2);
	assert_int_equal(pc_notify_queue_offer(&q, &back, 10), PC_NOTIFY_FOLDED);
	back.port = back.member = 1; /* port 1's Missing is out: its Restored follows it */
	assert_int_equal(pc_notify_queue_offer(&q, &back, 10), PC_NOTIFY_QUEUED);
	assert_int_equal(q.count, 4);
	/* Port 2 kept its place in the line, with its latest state. */
	assert_int_equal(pc_notify_queue_at(&q, 1)->event.port, 2);
	assert_int_equal(pc_notify_queue_at(&q, 1)->event.type, PC_EVENT_RESTORED);
	assert_int_equal(q.folded, 1);
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 10), -1);
	struct pc_notify_entry *last = pc_notify_queue_at(&q, q.count - 1);
	assert_int_equal(last->event.type, PC_EVENT_SUMMARY);
	assert_int_equal(last->event.skipped_alarms, 1);
	/* The event box's folds are told the same way. */
	pc_notify_queue_note_folded(&q, 4);
	assert_int_equal(q.folded, 5);
	assert_int_equal(q.skipped_alarms, 4);
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
	/* And its turn is now. */
	send_at(&q, 1, 1000);
	assert_non_null(find_request(&q, 11));
	assert_int_equal(find_request(&q, 11)->event.type, PC_EVENT_MISSING);
	pc_notify_queue_free(&q);
}

/* A full queue drops unexpected listeners, never an alarm. */
static void a_full_queue_drops_unexpected_listeners_only(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0); /* 8 listeners */
	for (uint16_t port = 1; port <= 3; port++)
		offer(&q, port, 0);
	for (uint16_t port = 100; port < 200; port++) {
		struct pc_event e = event(PC_EVENT_UNEXPECTED, port);
		pc_notify_queue_offer(&q, &e, 0);
	}
	struct pc_event c = event(PC_EVENT_COMPLIANCE, 0);
	c.current = PC_NON_COMPLIANT;
	assert_int_equal(pc_notify_queue_offer(&q, &c, 0), PC_NOTIFY_QUEUED);
	assert_int_equal(q.count, 3 + 8 + 1);
	assert_int_equal(count_type(&q, PC_EVENT_MISSING), 3);
	assert_int_equal(count_type(&q, PC_EVENT_COMPLIANCE), 1);
	/* The newest listeners stayed; every drop is counted and summarized. */
	assert_int_equal(pc_notify_queue_at(&q, 10)->event.port, 199);
	assert_int_equal(q.dropped, 92);
	assert_int_equal(pc_notify_queue_summarize(&q, &counts, 0), -1);
	assert_int_equal(pc_notify_queue_at(&q, q.count - 1)->event.skipped_unexpected, 92);
	pc_notify_queue_free(&q);
}

/* However many changes, one alarm waits per expectation and one
 * compliance change, told from what receivers heard last; a change back
 * to that is none. */
static void one_waiting_alarm_per_expectation_one_compliance_change(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.capacity = 2;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	for (int round = 0; round < 100; round++)
		for (uint16_t port = 1; port <= 5; port++) {
			struct pc_event e = event(round % 2 ? PC_EVENT_RESTORED : PC_EVENT_MISSING, port);
			pc_notify_queue_offer(&q, &e, 0);
		}
	assert_int_equal(q.count, 5);
	assert_int_equal(q.dropped, 0);
	assert_int_equal(q.folded, 5 * 99);
	assert_int_equal(pc_notify_queue_at(&q, 4)->event.type, PC_EVENT_RESTORED);
	struct pc_event c = event(PC_EVENT_COMPLIANCE, 0);
	c.previous = PC_COMPLIANCE_UNKNOWN;
	c.current = PC_NON_COMPLIANT;
	pc_notify_queue_offer(&q, &c, 0);
	c.previous = PC_NON_COMPLIANT;
	c.current = PC_COMPLIANT;
	assert_int_equal(pc_notify_queue_offer(&q, &c, 0), PC_NOTIFY_FOLDED);
	assert_int_equal(count_type(&q, PC_EVENT_COMPLIANCE), 1);
	struct pc_notify_entry *last = pc_notify_queue_at(&q, q.count - 1);
	assert_int_equal(last->event.previous, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(last->event.current, PC_COMPLIANT);
	/* Never "unknown -> unknown". */
	c.previous = PC_COMPLIANT;
	c.current = PC_COMPLIANCE_UNKNOWN;
	assert_int_equal(pc_notify_queue_offer(&q, &c, 0), PC_NOTIFY_FOLDED);
	assert_int_equal(count_type(&q, PC_EVENT_COMPLIANCE), 0);
	pc_notify_queue_free(&q);
}

static struct pc_event verdict(enum pc_discover_verdict from, enum pc_discover_verdict to)
{
	struct pc_event e = event(PC_EVENT_DISCOVERY, 0);
	e.verdict_previous = from;
	e.verdict = to;
	return e;
}

/* pcDiscoveryVerdictChanged: its own switch; never rate limited, never
 * dropped for a full queue, sent before alarms that wait their turn; one
 * waiting at most, told from what receivers heard last; a change back to
 * that is none; lost with a master, it goes out again, once. */
static void a_discovery_verdict_is_told_once_per_change(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.rate_limit = 1;
	p.capacity = 1;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	pc_notify_queue_link_up(&q, 0);
	for (uint16_t port = 1; port <= 3; port++)
		offer(&q, port, 0);
	for (uint16_t port = 100; port < 110; port++) {
		struct pc_event e = event(PC_EVENT_UNEXPECTED, port);
		pc_notify_queue_offer(&q, &e, 0);
	}
	struct pc_event v = verdict(PC_DISCOVER_UNKNOWN, PC_DISCOVER_MATCHES);
	assert_int_equal(pc_notify_queue_offer(&q, &v, 0), PC_NOTIFY_QUEUED);
	v = verdict(PC_DISCOVER_MATCHES, PC_DISCOVER_DIFFERS);
	assert_int_equal(pc_notify_queue_offer(&q, &v, 0), PC_NOTIFY_FOLDED);
	assert_int_equal(count_type(&q, PC_EVENT_DISCOVERY), 1);
	/* The one alarm the rate limit lets through, then the verdict: the
	 * other two alarms wait their turn, the verdict does not. */
	uint32_t next = send_at(&q, 100, 0);
	struct pc_notify_entry *sent = find_request(&q, next - 1);
	assert_non_null(sent);
	assert_int_equal(sent->event.type, PC_EVENT_DISCOVERY);
	assert_int_equal(sent->event.verdict_previous, PC_DISCOVER_UNKNOWN);
	assert_int_equal(sent->event.verdict, PC_DISCOVER_DIFFERS);
	/* A newer verdict waits behind it; the master closes with the first
	 * unanswered (lost): the newer one takes its place, told from what
	 * receivers heard before it (nothing yet). */
	v = verdict(PC_DISCOVER_DIFFERS, PC_DISCOVER_MATCHES);
	assert_int_equal(pc_notify_queue_offer(&q, &v, 0), PC_NOTIFY_QUEUED);
	assert_int_equal(count_type(&q, PC_EVENT_DISCOVERY), 2);
	pc_notify_queue_link_down(&q, PC_LINK_MASTER_CLOSED);
	assert_int_equal(count_type(&q, PC_EVENT_DISCOVERY), 1);
	pc_notify_queue_link_up(&q, 0);
	next = send_at(&q, 200, 0);
	sent = NULL;
	for (size_t i = 0; i < q.count; i++)
		if (pc_notify_queue_at(&q, i)->event.type == PC_EVENT_DISCOVERY)
			sent = pc_notify_queue_at(&q, i);
	assert_non_null(sent);
	assert_true(sent->request >= 200); /* sent on the new session */
	assert_int_equal(sent->event.verdict_previous, PC_DISCOVER_UNKNOWN);
	assert_int_equal(sent->event.verdict, PC_DISCOVER_MATCHES);
	assert_true(pc_notify_queue_acknowledge(&q, sent->request, false));
	assert_int_equal(count_type(&q, PC_EVENT_DISCOVERY), 0);
	/* Switched off, nothing. */
	p.discovery = false;
	assert_int_equal(pc_notify_queue_set_policy(&q, &p), 0);
	v = verdict(PC_DISCOVER_MATCHES, PC_DISCOVER_DIFFERS);
	assert_int_equal(pc_notify_queue_offer(&q, &v, 0), PC_NOTIFY_DISABLED);
	assert_int_equal(q.dropped, 0);
	(void)next;
	pc_notify_queue_free(&q);
}

/* A stalled master's stream never fills: so many in flight, no more. */
static void at_most_a_window_in_flight(void **unused)
{
	(void)unused;
	struct pc_notify_policy p = open_policy;
	p.capacity = 1000;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &p), 0);
	for (uint16_t port = 1; port <= 3 * PC_NOTIFY_WINDOW; port++)
		offer(&q, port, 0);
	assert_int_equal(send_all(&q, 1), 1 + PC_NOTIFY_WINDOW);
	assert_true(pc_notify_queue_acknowledge(&q, 1, false));
	assert_int_equal(send_all(&q, 1000), 1001);
	pc_notify_queue_free(&q);
}

static void answers_settle_entries(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	for (uint16_t port = 1; port <= 4; port++)
		offer(&q, port, 0);
	send_all(&q, 100);
	assert_true(pc_notify_queue_acknowledge(&q, 101, false));
	assert_int_equal(q.count, 3);
	assert_int_equal(pc_notify_queue_pending(&q), 3);
	assert_true(pc_notify_queue_acknowledge(&q, 100, false));
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 3);
	/* Unknown or repeated answers change nothing. */
	assert_false(pc_notify_queue_acknowledge(&q, 100, false));
	assert_false(pc_notify_queue_acknowledge(&q, 0, false));
	assert_int_equal(q.acknowledged, 2);
	/* A refusal: not sent again, not counted as sent. */
	assert_true(pc_notify_queue_acknowledge(&q, 102, true));
	assert_int_equal(q.refused, 1);
	assert_int_equal(q.acknowledged, 2);
	assert_int_equal(send_all(&q, 200), 200);
	pc_notify_queue_free(&q);
}

/* The master closed its connection: what it never answered was lost with
 * it, and goes out again once, in order, on the next session. */
static void what_a_master_lost_goes_out_again(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	pc_notify_queue_link_up(&q, 0);
	for (uint16_t port = 1; port <= 3; port++)
		offer(&q, port, 0);
	send_all(&q, 100);
	assert_true(pc_notify_queue_acknowledge(&q, 100, false));
	pc_notify_queue_link_down(&q, PC_LINK_MASTER_CLOSED); /* 101 and 102 were never answered */
	offer(&q, 4, 0); /* raised while the master is away */
	assert_int_equal(q.count, 3);
	for (size_t i = 0; i < q.count; i++) {
		assert_int_equal(pc_notify_queue_at(&q, i)->request, 0);
		assert_int_equal(pc_notify_queue_at(&q, i)->event.port, i + 2);
	}
	/* An answer to a request sent before the loss no longer counts. */
	assert_false(pc_notify_queue_acknowledge(&q, 101, false));
	pc_notify_queue_link_up(&q, 0);
	send_all(&q, 200);
	assert_int_equal(q.retried, 2);
	for (uint32_t r = 200; r < 203; r++)
		assert_true(pc_notify_queue_acknowledge(&q, r, false));
	assert_int_equal(q.count, 0);
	assert_int_equal(q.acknowledged, 4);
	pc_notify_queue_free(&q);
}

/* A lost alarm whose port changed meanwhile: only the newer state goes. */
static void a_lost_alarm_gives_way_to_a_newer_one(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	pc_notify_queue_link_up(&q, 0);
	offer(&q, 1, 0);
	send_all(&q, 100);
	struct pc_event back = event(PC_EVENT_RESTORED, 1);
	assert_int_equal(pc_notify_queue_offer(&q, &back, 0), PC_NOTIFY_QUEUED);
	pc_notify_queue_link_down(&q, PC_LINK_MASTER_CLOSED);
	assert_int_equal(q.count, 1);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.type, PC_EVENT_RESTORED);
	assert_int_equal(q.folded, 1);
	pc_notify_queue_free(&q);
}

/* A stalled master is not sent the same notification again. */
static void a_timeout_holds_back_and_an_answer_confirms(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	pc_notify_queue_link_up(&q, 0);
	for (uint16_t port = 1; port <= 2; port++)
		offer(&q, port, 0);
	send_all(&q, 100);
	assert_true(pc_notify_queue_timed_out(&q, 100));
	assert_true(pc_notify_queue_timed_out(&q, 101));
	assert_false(pc_notify_queue_timed_out(&q, 999));
	assert_true(q.stalled);
	/* Still in flight, and new sends wait while the master is stalled. */
	offer(&q, 3, 0);
	assert_int_equal(send_all(&q, 200), 200);
	assert_int_equal(pc_notify_queue_pending(&q), 3);
	/* The master answers the probe: it had read the two before. */
	uint64_t probe = pc_notify_queue_probe_sent(&q);
	pc_notify_queue_confirm(&q, probe);
	assert_false(q.stalled);
	assert_int_equal(q.acknowledged, 2);
	assert_int_equal(send_all(&q, 200), 201);
	offer(&q, 4, 0);
	send_all(&q, 300);
	assert_true(pc_notify_queue_timed_out(&q, 200));
	/* An answer to a later request confirms the one before it. */
	assert_true(pc_notify_queue_acknowledge(&q, 300, false));
	assert_int_equal(q.count, 0);
	assert_int_equal(q.acknowledged, 4);
	pc_notify_queue_free(&q);
}

/* net-snmp gives up on a stalled master and closes the session; the
 * master still holds the connection and reads it when it resumes. Nothing
 * is sent again: the answers on the old connection settle each one, and
 * what it closed having read but not answered is never sent again. New
 * sends wait for that verdict, but not forever. */
static void a_stall_net_snmp_gave_up_on_sends_nothing_twice(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	uint32_t old = pc_notify_queue_link_up(&q, 0);
	for (uint16_t port = 1; port <= 3; port++)
		offer(&q, port, 0);
	send_all(&q, 100);
	assert_true(pc_notify_queue_timed_out(&q, 100));
	pc_notify_queue_link_down(&q, PC_LINK_ORPHANED);
	assert_int_equal(pc_notify_queue_orphans(&q), 3);
	offer(&q, 4, 1000); /* raised meanwhile */
	/* A new session waits for the old connection's verdict... */
	pc_notify_queue_link_up(&q, 2000);
	int64_t due;
	assert_null(pc_notify_queue_next(&q, 2000, &due));
	assert_int_equal(due, 2000 + PC_NOTIFY_ORPHAN_WAIT_MS);
	/* ...which comes: two answered, the third read and never answered. */
	assert_true(pc_notify_queue_orphan_answered(&q, 100, false));
	assert_true(pc_notify_queue_orphan_answered(&q, 102, false));
	assert_false(pc_notify_queue_acknowledge(&q, 101, false)); /* not this session's */
	pc_notify_queue_orphans_closed(&q, old, false);
	assert_int_equal(pc_notify_queue_orphans(&q), 0);
	assert_int_equal(q.acknowledged, 2);
	assert_int_equal(q.unconfirmed, 1);
	assert_int_equal(send_all(&q, 200), 201); /* only the new one */
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 4);
	assert_int_equal(q.retried, 0);

	/* A verdict that never comes holds new sends only so long. */
	send_all(&q, 300);
	pc_notify_queue_link_down(&q, PC_LINK_ORPHANED);
	pc_notify_queue_link_up(&q, 5000);
	offer(&q, 5, 5000);
	assert_null(pc_notify_queue_next(&q, 5000, &due));
	assert_non_null(pc_notify_queue_next(&q, 5000 + PC_NOTIFY_ORPHAN_WAIT_MS, &due));
	pc_notify_queue_free(&q);
}

/* The old connection ends with what we sent unread: the master lost it
 * (stopped, then killed): sent again, once. */
static void orphans_a_master_lost_go_out_again(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	assert_int_equal(pc_notify_queue_init(&q, &open_policy), 0);
	uint32_t old = pc_notify_queue_link_up(&q, 0);
	offer(&q, 1, 0);
	offer(&q, 2, 0);
	send_all(&q, 100);
	pc_notify_queue_link_down(&q, PC_LINK_ORPHANED);
	assert_true(pc_notify_queue_orphan_answered(&q, 100, false));
	pc_notify_queue_orphans_closed(&q, old, true);
	pc_notify_queue_link_up(&q, 0);
	assert_int_equal(send_all(&q, 200), 201);
	assert_int_equal(pc_notify_queue_at(&q, 0)->event.port, 2);
	assert_int_equal(q.retried, 1);
	assert_int_equal(q.acknowledged, 1);
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
	p.capacity = 1;
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
	pc_notify_queue_link_up(&q, 0);
	for (uint16_t port = 1; port <= 3; port++) { /* the third waits for its turn */
		struct pc_event e = event(PC_EVENT_MISSING, port);
		pc_notify_queue_offer(&q, &e, 0);
	}
	struct pc_event e = event(PC_EVENT_UNEXPECTED, 9);
	for (int i = 0; i < 3; i++) /* the third over the limit */
		pc_notify_queue_offer(&q, &e, 0);
	pc_notify_queue_note_coalesced(&q, 5);
	pc_notify_queue_note_folded(&q, 7);
	send_all(&q, 100);
	assert_true(pc_notify_queue_acknowledge(&q, 100, false));
	assert_true(pc_notify_queue_acknowledge(&q, 101, true));
	struct pc_notify_stats s = pc_notify_queue_stats(&q);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.suppressed, 1);
	assert_int_equal(s.dropped, 5);
	assert_int_equal(s.folded, 7);
	assert_int_equal(s.queued, 3); /* two listeners in flight, an alarm waiting */
	pc_notify_queue_link_down(&q, PC_LINK_MASTER_CLOSED); /* still queued, not sent */
	s = pc_notify_queue_stats(&q);
	assert_int_equal(s.sent, 1);
	assert_int_equal(s.queued, 3);
	pc_notify_queue_link_up(&q, 0);
	send_at(&q, 200, 1000);
	s = pc_notify_queue_stats(&q);
	assert_int_equal(s.retried, 2);
	assert_int_equal(s.unconfirmed, 0);
	pc_notify_queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(switches_decide_per_type),
		cmocka_unit_test(unexpected_listeners_over_the_limit_are_suppressed),
		cmocka_unit_test(alarms_over_the_limit_wait_their_turn),
		cmocka_unit_test(a_waiting_alarm_gives_way_to_its_latest_state),
		cmocka_unit_test(summaries_are_paced),
		cmocka_unit_test(a_flood_of_listeners_leaves_the_alarms_their_share),
		cmocka_unit_test(a_full_queue_drops_unexpected_listeners_only),
		cmocka_unit_test(one_waiting_alarm_per_expectation_one_compliance_change),
		cmocka_unit_test(a_discovery_verdict_is_told_once_per_change),
		cmocka_unit_test(at_most_a_window_in_flight),
		cmocka_unit_test(answers_settle_entries),
		cmocka_unit_test(what_a_master_lost_goes_out_again),
		cmocka_unit_test(a_lost_alarm_gives_way_to_a_newer_one),
		cmocka_unit_test(a_timeout_holds_back_and_an_answer_confirms),
		cmocka_unit_test(a_stall_net_snmp_gave_up_on_sends_nothing_twice),
		cmocka_unit_test(orphans_a_master_lost_go_out_again),
		cmocka_unit_test(a_smaller_queue_drops_listeners_not_alarms),
		cmocka_unit_test(coalesced_listeners_are_dropped_and_summarized),
		cmocka_unit_test(the_counters_are_the_queues),
	};
	return cmocka_run_group_tests_name("notify_queue", tests, NULL, NULL);
}
