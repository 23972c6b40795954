/* SPDX-License-Identifier: ISC */
/* The engine from poll to poll on hand-made snapshots against the roles of
 * tests/fixtures/engine/: statuses, hold-down, connect rules, flap
 * damping, instances and compliance, events, and carrying results over a
 * reload or a blind spell. Matching and reachability, owners and
 * unexpected listeners have test files of their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_run.h"

static void before_the_first_poll_everything_is_unknown(void **state)
{
	struct run *r = *state;
	struct pc_evaluation eval;
	assert_int_equal(pc_evaluation_init_unknown(r->plan, &eval), 0);
	assert_int_equal(eval.host, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(eval.n_roles, 4);
	assert_int_equal(eval.roles[0].compliance, PC_COMPLIANCE_UNKNOWN);
	for (size_t i = 0; i < eval.n_expect; i++)
		assert_int_equal(eval.expect[i].status, PC_PORT_UNKNOWN);
	assert_int_equal(eval.n_events, 0);
	pc_evaluation_free(&eval);
}

static void every_listener_in_place_is_compliant(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING, NULL, NULL);

	assert_int_equal(e->host, PC_COMPLIANT);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[HEARTBEAT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[UPSTREAM].status, PC_PORT_NOT_CHECKED);
	assert_int_equal(e->expect[PICKED].status, PC_PORT_NOT_CHECKED);
	assert_int_equal(e->expect[BOUND_API].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[WEB3].status, PC_PORT_PRESENT);
	assert_int_equal(e->expected, 8);
	assert_int_equal(e->present, 6);
	assert_int_equal(e->missing, 0);
	assert_int_equal(e->unexpected, 0);
	/* The first poll announces the host's compliance, nothing else. */
	assert_int_equal(e->n_events, 1);
	const struct pc_event *ev = find_event(e, PC_EVENT_COMPLIANCE);
	assert_non_null(ev);
	assert_int_equal(ev->previous, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(ev->current, PC_COMPLIANT);
	/* The listener serving an expectation is the one it points at. */
	const struct pc_listener *l = &r->snap.listeners[e->expect[BOUND_API].listener];
	assert_int_equal(l->local.port, 7400);
}

static void hold_down_then_missing_then_restored(void **state)
{
	struct run *r = *state;
	poll_with(r, everything, EVERYTHING, NULL, NULL);

	const struct pc_evaluation *e =
		poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PENDING);
	assert_true(e->recheck_soon);
	/* Inside hold-down the last confirmed status counts: no change yet. */
	assert_int_equal(e->host, PC_COMPLIANT);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
	assert_int_equal(count_events(e, PC_EVENT_COMPLIANCE), 0);

	e = poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_MISSING);
	assert_false(e->recheck_soon);
	assert_int_equal(e->host, PC_NON_COMPLIANT);
	assert_int_equal(e->roles[0].compliance, PC_NON_COMPLIANT);
	assert_int_equal(e->roles[1].compliance, PC_COMPLIANT);
	assert_int_equal(e->missing, 1);
	const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_string_equal(ev->role, "svc");
	assert_string_equal(ev->rule, "req");
	assert_int_equal(ev->role_index, 1);
	assert_int_equal(ev->rule_index, 1);
	assert_int_equal(ev->member, 1);
	assert_int_equal(ev->protocol, IPPROTO_TCP);
	assert_int_equal(ev->port, 7001);
	assert_int_equal(ev->status, PC_PORT_MISSING);
	assert_int_equal(e->expect[REQ].last_change_ms, r->now_ms);
	ev = find_event(e, PC_EVENT_COMPLIANCE);
	assert_non_null(ev);
	assert_int_equal(ev->previous, PC_COMPLIANT);
	assert_int_equal(ev->current, PC_NON_COMPLIANT);
	assert_int_equal(e->host_last_change_ms, r->now_ms);

	/* Still missing: no second notification. */
	e = poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->n_events, 0);

	e = poll_with(r, everything, EVERYTHING, NULL, NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PRESENT);
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 1);
	assert_int_equal(find_event(e, PC_EVENT_RESTORED)->status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_COMPLIANT);
}

static void a_restart_within_hold_down_raises_nothing(void **state)
{
	struct run *r = *state;
	poll_with(r, everything, EVERYTHING, NULL, NULL);
	const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->n_events, 0);
	e = poll_with(r, everything, EVERYTHING, NULL, NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->n_events, 0);
}

/* Absent from the start: nothing confirmed yet, so the host is unknown
 * until hold-down has passed, then nonCompliant. */
static void absent_at_start_is_unknown_until_hold_down(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e =
		poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PENDING);
	assert_int_equal(e->host, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(e->n_events, 0);
	e = poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->host, PC_NON_COMPLIANT);
}

static void an_optional_port_missing_only_degrades(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e =
		poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7002", NULL);
	assert_int_equal(e->expect[OPT].status, PC_PORT_MISSING);
	assert_int_equal(e->host, PC_DEGRADED);
}

static void connect_rules_follow_the_setting(void **state)
{
	struct run *r = *state;
	r->settings.check_connections = true;
	const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING, NULL, NULL);
	assert_int_equal(e->expect[UPSTREAM].status, PC_PORT_NOT_CONNECTED);
	/* A connection depends on the far end: never worse than degraded. */
	assert_int_equal(e->host, PC_DEGRADED);

	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	struct pc_endpoint remote;
	uint8_t far[4] = { 192, 0, 2, 1 };
	pc_endpoint_set(&remote, IPPROTO_TCP, AF_INET, far, false, 0, 7300);
	assert_int_equal(pc_snapshot_add_connection(&snap, &remote), 0);
	pc_snapshot_finish(&snap);
	struct pc_evaluation eval;
	assert_int_equal(pc_engine_evaluate(r->plan, &r->settings, &snap, NULL, NULL, NULL, 1, &eval), 0);
	assert_int_equal(eval.expect[UPSTREAM].status, PC_PORT_CONNECTED);
	assert_int_equal(eval.host, PC_COMPLIANT);
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
}

static void a_site_port_without_number_is_unconfigured(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e = poll_with(r, everything, 0, NULL, NULL);
	assert_int_equal(e->expect[0].status, PC_PORT_UNCONFIGURED);
	assert_int_equal(e->unconfigured, 1);
	assert_int_equal(e->host, PC_DEGRADED);
}

static void instances_are_sorted_named_and_judged(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING, "tcp * 8031", NULL);
	assert_int_equal(e->n_instances, 2);
	assert_int_equal(e->instances[0].number, 1);
	assert_string_equal(e->instances[0].name, "instance-1");
	assert_int_equal(e->instances[0].compliance, PC_COMPLIANT);
	assert_int_equal(e->instances[1].number, 3);
	assert_string_equal(e->instances[1].name, "blue");
	assert_int_equal(e->instances[1].roles, 1);
	assert_int_equal(e->instances[1].compliance, PC_NON_COMPLIANT);
	assert_int_equal(e->roles[3].instance, 3);
	assert_string_equal(e->roles[3].name, "web");
	assert_string_equal(e->roles[3].title, "Instance-numbered service");
	assert_int_equal(e->roles[0].instance, -1);
}

static void flapping_is_reported_once_until_it_settles(void **state)
{
	struct run *r = *state;
	r->settings.flap_threshold = 4;
	r->settings.flap_window = 10;
	poll_with(r, everything, EVERYTHING, NULL, NULL);

	size_t notifications = 0, flapping_reports = 0;
	for (int i = 0; i < 40; i++) { /* 20 disappearances, 20 returns */
		const struct pc_evaluation *e = poll_with(
			r, everything, EVERYTHING, i % 2 == 0 ? "tcp 0.0.0.0 7001" : NULL, NULL);
		notifications += count_events(e, PC_EVENT_MISSING) + count_events(e, PC_EVENT_RESTORED);
		const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
		flapping_reports += ev != NULL && ev->status == PC_PORT_FLAPPING;
		if (i >= 4)
			assert_int_equal(e->expect[REQ].status, PC_PORT_FLAPPING);
	}
	/* Before damping starts: missing, restored, missing; then one report. */
	assert_int_equal(flapping_reports, 1);
	assert_int_equal(notifications, 4);

	/* Stable (present) for a whole window: restored, once. */
	size_t restored = 0;
	for (int i = 0; i < 12; i++) {
		const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING, NULL, NULL);
		restored += count_events(e, PC_EVENT_RESTORED);
	}
	assert_int_equal(restored, 1);
	assert_int_equal(r->eval.expect[REQ].status, PC_PORT_PRESENT);
}

/* Once flapping, slower changes (fewer than the threshold per window) do
 * not end it: only a whole window without a change does. */
static void flapping_ends_only_after_a_quiet_window(void **state)
{
	struct run *r = *state;
	r->settings.flap_threshold = 4;
	r->settings.flap_window = 10;
	poll_with(r, everything, EVERYTHING, NULL, NULL);
	for (int i = 0; i < 8; i++) /* fast: flapping */
		poll_with(r, everything, EVERYTHING, i % 2 == 0 ? "tcp 0.0.0.0 7001" : NULL, NULL);
	assert_int_equal(r->eval.expect[REQ].status, PC_PORT_FLAPPING);

	size_t notifications = 0;
	for (int i = 0; i < 48; i++) { /* a change every 4 polls: 4 changes span 12 */
		bool absent = (i / 4) % 2 == 0;
		const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING,
							  absent ? "tcp 0.0.0.0 7001" : NULL, NULL);
		notifications += count_events(e, PC_EVENT_MISSING) + count_events(e, PC_EVENT_RESTORED);
		assert_int_equal(e->expect[REQ].status, PC_PORT_FLAPPING);
	}
	assert_int_equal(notifications, 0);
}

static void a_reload_carries_results_over(void **state)
{
	struct run *r = *state;
	poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(r->eval.expect[REQ].status, PC_PORT_MISSING);
	assert_true(r->eval.expect[REQ].alarmed);

	/* The same file loaded again is another plan object. */
	struct pc_plan *reloaded = load("tests/fixtures/engine/host.conf");
	struct pc_snapshot snap = { 0 };
	for (size_t i = 1; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	pc_snapshot_finish(&snap);
	struct pc_evaluation eval;
	assert_int_equal(pc_engine_evaluate(reloaded, &r->settings, &snap, r->plan, &r->snap, &r->eval,
					    r->now_ms + 1000, &eval),
			 0);
	/* Still missing, already reported: nothing to say. */
	assert_int_equal(eval.expect[REQ].status, PC_PORT_MISSING);
	assert_int_equal(eval.n_events, 0);
	assert_int_equal(eval.poll_number, r->eval.poll_number + 1);
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
	pc_plan_unref(reloaded);
}

/* A reload that adds roles while the host is compliant: the new
 * expectations have no verdict until hold-down (3 polls) has judged the
 * one that is absent, and the host is unknown meanwhile. Receivers get one
 * change, from compliant to nonCompliant, not compliant -> unknown ->
 * nonCompliant. */
static void a_reload_raises_one_verdict(void **state)
{
	struct run *r = *state;
	struct pc_plan *before = r->plan;
	assert_int_equal(poll_with(r, everything, EVERYTHING, NULL, NULL)->host, PC_COMPLIANT);
	assert_int_equal(r->eval.host_told, PC_COMPLIANT);

	struct pc_plan *reloaded = load("tests/fixtures/engine/host.conf");
	const struct pc_plan *judged_with = before;
	size_t compliance_events = 0;
	const struct pc_event *told = NULL;
	for (int poll = 1; poll <= 3; poll++) {
		struct pc_snapshot snap = { 0 };
		for (size_t i = 0; i < EVERYTHING; i++)
			if (strcmp(everything[i], "tcp 10.0.0.1 7400") != 0)
				add(&snap, everything[i]);
		pc_snapshot_finish(&snap);
		struct pc_evaluation eval;
		r->now_ms += 1000;
		assert_int_equal(pc_engine_evaluate(reloaded, &r->settings, &snap, judged_with,
						    &r->snap, &r->eval, r->now_ms, &eval),
				 0);
		judged_with = reloaded;
		run_free(r);
		r->snap = snap;
		r->eval = eval;
		r->started = true;
		r->plan = reloaded;
		if (poll < 3) {
			/* Awaiting the new port's verdict: unknown, not told. */
			assert_int_equal(eval.expect[BOUND_API].status, PC_PORT_PENDING);
			assert_int_equal(eval.host, PC_COMPLIANCE_UNKNOWN);
			assert_int_equal(eval.host_told, PC_COMPLIANT);
		}
		compliance_events += count_events(&r->eval, PC_EVENT_COMPLIANCE);
		if (find_event(&r->eval, PC_EVENT_COMPLIANCE) != NULL)
			told = find_event(&r->eval, PC_EVENT_COMPLIANCE);
	}
	assert_int_equal(r->eval.expect[BOUND_API].status, PC_PORT_MISSING);
	assert_int_equal(compliance_events, 1);
	assert_non_null(told);
	assert_int_equal(told->previous, PC_COMPLIANT);
	assert_int_equal(told->current, PC_NON_COMPLIANT);
	assert_int_equal(r->eval.host_told, PC_NON_COMPLIANT);
	/* The run frees its last evaluation, then the plan it was made with. */
	run_free(r);
	r->plan = before;
	pc_plan_unref(reloaded);
}

/* Polls that fail leave the verdict (not blind), then unknown
 * (blind); back, the host is judged against the last verdict told. */
static void a_blind_agent_says_unknown_and_comes_back(void **state)
{
	struct run *r = *state;
	poll_with(r, everything, EVERYTHING, NULL, "tcp 127.0.0.1 9999");
	poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", "tcp 127.0.0.1 9999");
	assert_int_equal(r->eval.host, PC_NON_COMPLIANT);

	struct pc_evaluation kept, blind, still;
	assert_int_equal(pc_engine_carry_over(r->plan, &r->eval, false, 5000, &kept), 0);
	assert_int_equal(kept.host, PC_NON_COMPLIANT);
	assert_int_equal(kept.expect[REQ].status, PC_PORT_MISSING);
	assert_int_equal(kept.missing, 1);
	assert_int_equal(kept.n_events, 0);
	assert_int_equal(kept.poll_number, r->eval.poll_number);

	assert_int_equal(pc_engine_carry_over(r->plan, &kept, true, 6000, &blind), 0);
	assert_int_equal(blind.host, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(blind.roles[0].compliance, PC_COMPLIANCE_UNKNOWN);
	for (size_t i = 0; i < blind.n_expect; i++) {
		assert_int_equal(blind.expect[i].status, PC_PORT_UNKNOWN);
		assert_int_equal(blind.expect[i].listener, -1);
	}
	assert_int_equal(blind.present + blind.missing + blind.unexpected, 0);
	assert_int_equal(blind.host_last_change_ms, 6000);
	assert_int_equal(blind.n_events, 1);
	assert_int_equal(blind.events[0].type, PC_EVENT_COMPLIANCE);
	assert_int_equal(blind.events[0].previous, PC_NON_COMPLIANT);
	assert_int_equal(blind.events[0].current, PC_COMPLIANCE_UNKNOWN);
	/* Still blind: nothing new to say. */
	assert_int_equal(pc_engine_carry_over(r->plan, &blind, true, 7000, &still), 0);
	assert_int_equal(still.n_events, 0);
	assert_int_equal(still.host_last_change_ms, 6000);

	/* Back, still missing: no second pcListenerMissing, and the old
	 * unexpected listener is not new; compliance leaves unknown. */
	struct pc_snapshot snap = { 0 };
	for (size_t i = 1; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	add(&snap, "tcp 127.0.0.1 9999");
	pc_snapshot_finish(&snap);
	struct pc_evaluation back;
	assert_int_equal(pc_engine_evaluate(r->plan, &r->settings, &snap, r->plan, &r->snap, &still, 8000,
					    &back),
			 0);
	assert_int_equal(back.expect[REQ].status, PC_PORT_MISSING);
	assert_int_equal(back.n_events, 1);
	assert_int_equal(back.events[0].type, PC_EVENT_COMPLIANCE);
	assert_int_equal(back.events[0].previous, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(back.events[0].current, PC_NON_COMPLIANT);
	pc_evaluation_free(&back);
	pc_snapshot_clear(&snap);

	/* Back with the port present: the alarm raised before is restored. */
	snap = (struct pc_snapshot){ 0 };
	for (size_t i = 0; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	add(&snap, "tcp 127.0.0.1 9999");
	pc_snapshot_finish(&snap);
	assert_int_equal(pc_engine_evaluate(r->plan, &r->settings, &snap, r->plan, &r->snap, &still, 8000,
					    &back),
			 0);
	assert_int_equal(count_events(&back, PC_EVENT_RESTORED), 1);
	assert_int_equal(count_events(&back, PC_EVENT_UNEXPECTED), 0);
	assert_int_equal(find_event(&back, PC_EVENT_COMPLIANCE)->current, PC_COMPLIANT);
	pc_evaluation_free(&back);
	pc_snapshot_clear(&snap);

	pc_evaluation_free(&still);
	pc_evaluation_free(&blind);
	pc_evaluation_free(&kept);
}

/* A permit expects nothing: never pending, missing or restored, whatever
 * opens and closes in it, and never against compliance. */
static void a_permit_never_goes_missing_or_restored(void **state)
{
	struct run *r = *state;
	assert_int_equal(r->plan->expectations.items[DYN_DYNAMIC].match, PC_MATCH_PERMIT);
	for (int i = 0; i < 4; i++) { /* empty range, past hold-down */
		const struct pc_evaluation *e = poll_with(r, dyn_base, 1, NULL, NULL);
		assert_int_equal(e->expect[DYN_DYNAMIC].status, PC_PORT_PERMITTED);
		assert_int_equal(e->expect[DYN_DYNAMIC].listener, -1);
		assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
		assert_int_equal(e->host, PC_COMPLIANT);
		assert_int_equal(e->missing, 0);
	}
	/* listeners come and go in the range: still no per-port event */
	for (int i = 0; i < 4; i++) {
		const struct pc_evaluation *e =
			poll_with(r, dyn_base, 1, NULL, i % 2 ? NULL : "tcp 0.0.0.0 25555");
		assert_int_equal(e->expect[DYN_DYNAMIC].status, PC_PORT_PERMITTED);
		assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
		assert_int_equal(count_events(e, PC_EVENT_RESTORED), 0);
		assert_int_equal(e->host, PC_COMPLIANT);
	}
}

/* Missing and restored for a range rule carry the port of the listener
 * concerned, not the range's first port (which stays in port). */
static void range_notifications_carry_the_real_port(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e = poll_with(r, dyn_base, 1, NULL, NULL);
	assert_int_equal(e->expect[DYN_BEAT].status, PC_PORT_PRESENT);

	e = poll_with(r, NULL, 0, NULL, NULL); /* 7550 went away */
	const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_string_equal(ev->rule, "beat");
	assert_int_equal(ev->port, 7500);
	assert_int_equal(ev->listener_port, 7550);

	e = poll_with(r, NULL, 0, NULL, "tcp 0.0.0.0 7566"); /* back elsewhere in it */
	ev = find_event(e, PC_EVENT_RESTORED);
	assert_non_null(ev);
	assert_int_equal(ev->port, 7500);
	assert_int_equal(ev->listener_port, 7566);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
	run_free(r);

	/* never served since the start: no listener to name */
	run_init(r, r->plan, 1);
	e = poll_with(r, NULL, 0, NULL, NULL);
	ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_int_equal(ev->listener_port, 0);
}

/* A single port's notification names the port itself, the listener that
 * went away having had no other. */
static void a_single_ports_notification_names_its_own_port(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_int_equal(ev->listener_port, 7001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RUN_TEST(before_the_first_poll_everything_is_unknown, "host.conf", 2),
		RUN_TEST(every_listener_in_place_is_compliant, "host.conf", 2),
		RUN_TEST(hold_down_then_missing_then_restored, "host.conf", 2),
		RUN_TEST(a_restart_within_hold_down_raises_nothing, "host.conf", 2),
		RUN_TEST(absent_at_start_is_unknown_until_hold_down, "host.conf", 2),
		RUN_TEST(an_optional_port_missing_only_degrades, "host.conf", 1),
		RUN_TEST(connect_rules_follow_the_setting, "host.conf", 1),
		RUN_TEST(a_site_port_without_number_is_unconfigured, "host-unconfigured.conf", 1),
		RUN_TEST(instances_are_sorted_named_and_judged, "host.conf", 1),
		RUN_TEST(flapping_is_reported_once_until_it_settles, "host.conf", 1),
		RUN_TEST(flapping_ends_only_after_a_quiet_window, "host.conf", 1),
		RUN_TEST(a_reload_carries_results_over, "host.conf", 1),
		RUN_TEST(a_reload_raises_one_verdict, "svc-only.conf", 3),
		RUN_TEST(a_blind_agent_says_unknown_and_comes_back, "host.conf", 1),
		RUN_TEST(a_permit_never_goes_missing_or_restored, "permit.conf", 2),
		RUN_TEST(range_notifications_carry_the_real_port, "permit.conf", 1),
		RUN_TEST(a_single_ports_notification_names_its_own_port, "host.conf", 1),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
