/* SPDX-License-Identifier: ISC */
/* The hand-off from the poll thread to the SNMP thread: bounded by
 * construction (one state per expectation, the latest compliance, a
 * limited number of unexpected listeners then a count), taken compliance
 * first, no flood evicts an alarm, every state replaced is counted, and a
 * compliance change or discovery verdict undone before it was taken is no
 * change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/event_box.h"

static struct pc_event expectation(enum pc_event_type type, uint32_t member)
{
	struct pc_event e;
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.role_index = 1;
	e.rule_index = 2;
	e.member = member;
	e.status = type == PC_EVENT_MISSING ? PC_PORT_MISSING : PC_PORT_PRESENT;
	return e;
}

static struct pc_event unexpected(uint16_t port)
{
	struct pc_event e;
	memset(&e, 0, sizeof(e));
	e.type = PC_EVENT_UNEXPECTED;
	e.local.port = port;
	return e;
}

static struct pc_event compliance(enum pc_compliance from, enum pc_compliance to)
{
	struct pc_event e;
	memset(&e, 0, sizeof(e));
	e.type = PC_EVENT_COMPLIANCE;
	e.previous = from;
	e.current = to;
	return e;
}

static struct pc_event verdict(enum pc_discover_verdict from, enum pc_discover_verdict to)
{
	struct pc_event e;
	memset(&e, 0, sizeof(e));
	e.type = PC_EVENT_DISCOVERY;
	e.verdict_previous = from;
	e.verdict = to;
	snprintf(e.best.roles, sizeof(e.best.roles), "verdict-%d", (int)to);
	return e;
}

static void put(struct pc_event_box *box, struct pc_event e)
{
	assert_int_equal(pc_event_box_put(box, &e), 0);
}

/* A flood: 50,000 new listeners between a missing port
 * and the compliance change it caused. */
static void a_flood_evicts_nothing(void **unused)
{
	(void)unused;
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	put(&box, expectation(PC_EVENT_MISSING, 1));
	for (unsigned i = 0; i < 50000; i++)
		put(&box, unexpected((uint16_t)(1024 + i)));
	put(&box, compliance(PC_COMPLIANT, PC_NON_COMPLIANT));

	assert_int_equal(pc_event_box_count(&box), 2 + PC_EVENT_BOX_UNEXPECTED);
	assert_int_equal(box.coalesced, 50000 - PC_EVENT_BOX_UNEXPECTED);
	/* Compliance first, then the alarm, then the listeners in order. */
	assert_int_equal(pc_event_box_at(&box, 0)->type, PC_EVENT_COMPLIANCE);
	assert_int_equal(pc_event_box_at(&box, 0)->current, PC_NON_COMPLIANT);
	assert_int_equal(pc_event_box_at(&box, 1)->type, PC_EVENT_MISSING);
	assert_int_equal(pc_event_box_at(&box, 2)->local.port, 1024);
	assert_null(pc_event_box_at(&box, pc_event_box_count(&box)));
	pc_event_box_clear(&box);
	assert_true(pc_event_box_empty(&box));
}

static void one_state_per_expectation_the_latest(void **unused)
{
	(void)unused;
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	for (int round = 0; round < 1000; round++) {
		put(&box, expectation(PC_EVENT_MISSING, 1));
		put(&box, expectation(PC_EVENT_MISSING, 2));
		put(&box, expectation(PC_EVENT_RESTORED, 1));
	}
	assert_int_equal(pc_event_box_count(&box), 2);
	/* In the order of their latest change. */
	assert_int_equal(pc_event_box_at(&box, 0)->member, 2);
	assert_int_equal(pc_event_box_at(&box, 0)->type, PC_EVENT_MISSING);
	assert_int_equal(pc_event_box_at(&box, 1)->member, 1);
	assert_int_equal(pc_event_box_at(&box, 1)->type, PC_EVENT_RESTORED);
	/* Receivers are told how many states they never saw. */
	assert_int_equal(box.folded, 3000 - 2);
	pc_event_box_clear(&box);
	assert_int_equal(box.folded, 0);
}

static void compliance_keeps_what_was_last_told(void **unused)
{
	(void)unused;
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	put(&box, compliance(PC_COMPLIANCE_UNKNOWN, PC_COMPLIANT));
	put(&box, compliance(PC_COMPLIANT, PC_NON_COMPLIANT));
	put(&box, compliance(PC_NON_COMPLIANT, PC_DEGRADED));
	assert_int_equal(pc_event_box_count(&box), 1);
	assert_int_equal(pc_event_box_at(&box, 0)->previous, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(pc_event_box_at(&box, 0)->current, PC_DEGRADED);
	pc_event_box_clear(&box);
}

/* Back to what receivers were last told before the SNMP thread took the
 * change: nothing to tell, so never "unknown -> unknown" nor "compliant ->
 * compliant"; a later change starts from there again. */
static void a_change_undone_is_no_change(void **unused)
{
	(void)unused;
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	put(&box, compliance(PC_COMPLIANCE_UNKNOWN, PC_COMPLIANT));
	put(&box, compliance(PC_COMPLIANT, PC_COMPLIANCE_UNKNOWN));
	assert_int_equal(pc_event_box_count(&box), 0);
	assert_true(pc_event_box_empty(&box));
	put(&box, compliance(PC_COMPLIANCE_UNKNOWN, PC_NON_COMPLIANT));
	put(&box, compliance(PC_NON_COMPLIANT, PC_COMPLIANT));
	assert_int_equal(pc_event_box_count(&box), 1);
	assert_int_equal(pc_event_box_at(&box, 0)->previous, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(pc_event_box_at(&box, 0)->current, PC_COMPLIANT);
	pc_event_box_clear(&box);
}

/* One discovery verdict waits, the latest, told from what receivers last
 * heard; it goes right after the compliance change, before the ports it
 * may explain; back to what they heard, nothing is told. */
static void one_discovery_verdict_after_compliance(void **unused)
{
	(void)unused;
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	put(&box, expectation(PC_EVENT_MISSING, 1));
	put(&box, verdict(PC_DISCOVER_UNKNOWN, PC_DISCOVER_MATCHES));
	put(&box, verdict(PC_DISCOVER_MATCHES, PC_DISCOVER_DIFFERS));
	put(&box, compliance(PC_COMPLIANT, PC_NON_COMPLIANT));
	assert_int_equal(pc_event_box_count(&box), 3);
	assert_false(pc_event_box_empty(&box));
	assert_int_equal(pc_event_box_at(&box, 0)->type, PC_EVENT_COMPLIANCE);
	const struct pc_event *d = pc_event_box_at(&box, 1);
	assert_int_equal(d->type, PC_EVENT_DISCOVERY);
	assert_int_equal(d->verdict_previous, PC_DISCOVER_UNKNOWN);
	assert_int_equal(d->verdict, PC_DISCOVER_DIFFERS);
	assert_string_equal(d->best.roles, "verdict-4"); /* the latest's words */
	assert_int_equal(pc_event_box_at(&box, 2)->type, PC_EVENT_MISSING);
	pc_event_box_clear(&box);

	put(&box, verdict(PC_DISCOVER_MATCHES, PC_DISCOVER_DIFFERS));
	put(&box, verdict(PC_DISCOVER_DIFFERS, PC_DISCOVER_MATCHES));
	assert_int_equal(pc_event_box_count(&box), 0);
	assert_true(pc_event_box_empty(&box));
	put(&box, verdict(PC_DISCOVER_MATCHES, PC_DISCOVER_OFF));
	assert_int_equal(pc_event_box_count(&box), 1);
	assert_int_equal(pc_event_box_at(&box, 0)->verdict, PC_DISCOVER_OFF);
	pc_event_box_clear(&box);
}

static void taking_empties_the_box(void **unused)
{
	(void)unused;
	struct pc_event_box box, taken;
	pc_event_box_init(&box, 3);
	pc_event_box_init(&taken, 0);
	for (uint16_t port = 1; port <= 5; port++)
		put(&box, unexpected(port));
	put(&box, expectation(PC_EVENT_MISSING, 7));
	pc_event_box_move(&box, &taken);
	assert_true(pc_event_box_empty(&box));
	assert_int_equal(pc_event_box_count(&taken), 4);
	assert_int_equal(taken.coalesced, 2);
	/* The box keeps its limit and fills again. */
	for (uint16_t port = 1; port <= 5; port++)
		put(&box, unexpected(port));
	assert_int_equal(box.n_unexpected, 3);
	pc_event_box_move(&box, &taken); /* what taken held is freed */
	assert_int_equal(pc_event_box_count(&taken), 3);
	pc_event_box_clear(&taken);
	pc_event_box_clear(&box);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_flood_evicts_nothing),
		cmocka_unit_test(one_state_per_expectation_the_latest),
		cmocka_unit_test(compliance_keeps_what_was_last_told),
		cmocka_unit_test(a_change_undone_is_no_change),
		cmocka_unit_test(one_discovery_verdict_after_compliance),
		cmocka_unit_test(taking_empties_the_box),
	};
	return cmocka_run_group_tests_name("event_box", tests, NULL, NULL);
}
