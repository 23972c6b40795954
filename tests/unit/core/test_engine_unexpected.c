/* SPDX-License-Identifier: ISC */
/* The listeners no expectation covers (engine_unexpected.c): classes
 * (expected, ignored, unexpected, in a permit range, trusted), counting,
 * announcing each new one once, and not again when it comes back as it was
 * (the baseline: same endpoint, user and program), also across a restart
 * of the agent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/baseline.h"
#include "engine_run.h"

/* Poll with specs and extra, extra's naming as given (with one holder
 * when pid is not 0); the run keeps the result. */
static const struct pc_evaluation *poll_named(struct run *r, const char *const *specs, size_t n_specs,
					      const char *extra, enum pc_naming naming, int32_t pid,
					      const char *process)
{
	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < n_specs; i++)
		add(&snap, specs[i]);
	add(&snap, extra);
	pc_snapshot_finish(&snap);
	unsigned port = 0;
	assert_true(sscanf(extra, "%*s %*s %u", &port) == 1);
	for (size_t i = 0; i < snap.n_listeners; i++)
		if (snap.listeners[i].local.port == port) {
			struct pc_holder h = { .pid = pid };
			snprintf(h.process, sizeof(h.process), "%s", process != NULL ? process : "");
			assert_int_equal(pc_listener_set_holders(&snap, &snap.listeners[i], naming, &h,
								 pid != 0 ? 1 : 0),
					 0);
		}
	return judge(r, snap);
}

static void listeners_are_expected_ignored_or_unexpected(void **state)
{
	struct run *r = *state;
	const char *specs[EVERYTHING + 2];
	memcpy(specs, everything, sizeof(everything));
	specs[EVERYTHING] = "tcp 0.0.0.0 22";
	specs[EVERYTHING + 1] = "tcp 0.0.0.0 9999";
	const struct pc_evaluation *e = poll_with(r, specs, EVERYTHING + 2, NULL, NULL);
	for (size_t i = 0; i < r->snap.n_listeners; i++) {
		uint16_t port = r->snap.listeners[i].local.port;
		enum pc_listener_class want = port == 22     ? PC_CLASS_IGNORED
					      : port == 9999 ? PC_CLASS_UNEXPECTED
							     : PC_CLASS_EXPECTED;
		assert_int_equal(e->listeners[i].class, want);
		if (want == PC_CLASS_EXPECTED)
			assert_true(e->listeners[i].expectation >= 0);
	}
	assert_int_equal(e->unexpected, 1);
	/* The first poll is the baseline: no announcement of old listeners. */
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);

	/* A new one naming has not covered yet is re-checked while naming
	 * says nothing (polls here are 1 s apart; well past the 5 s a name
	 * was once waited for, short of the backstop)... */
	for (int polls = 0; polls < 20; polls++) {
		e = poll_named(r, specs, EVERYTHING + 2, "tcp [::1] 9998", PC_NAMING_PENDING, 0, NULL);
		assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
		assert_true(e->recheck_soon);
	}
	/* ...then announced once naming has covered it, with what it found. */
	e = poll_named(r, specs, EVERYTHING + 2, "tcp [::1] 9998", PC_NAMING_COMPLETE, 4242, "rogue");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	const struct pc_event *ev = find_event(e, PC_EVENT_UNEXPECTED);
	assert_int_equal(ev->local.port, 9998);
	assert_int_equal(ev->local.addr_type, PC_INET_IPV6);
	assert_int_equal(ev->pid, 4242);
	assert_string_equal(ev->process, "rogue");
	assert_int_equal(ev->naming, PC_NAMING_COMPLETE);
	e = poll_with(r, specs, EVERYTHING + 2, NULL, "tcp [::1] 9998");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	/* Unexpected listeners do not change compliance. */
	assert_int_equal(e->host, PC_COMPLIANT);
}

/* When naming cannot answer (its helper stopped or dead), a new listener
 * is announced at once, the notification saying naming was unavailable;
 * and should naming never say, the wait has an end. */
static void without_naming_the_announcement_says_so(void **state)
{
	struct run *r = *state;
	poll_with(r, everything, EVERYTHING, NULL, NULL);
	const struct pc_evaluation *e =
		poll_named(r, everything, EVERYTHING, "tcp 0.0.0.0 9996", PC_NAMING_UNAVAILABLE, 0, NULL);
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	const struct pc_event *ev = find_event(e, PC_EVENT_UNEXPECTED);
	assert_int_equal(ev->pid, 0);
	assert_int_equal(ev->naming, PC_NAMING_UNAVAILABLE);

	int64_t appeared = r->now_ms + 1000;
	do {
		e = poll_named(r, everything, EVERYTHING, "tcp 0.0.0.0 9995", PC_NAMING_PENDING, 0, NULL);
		assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	} while (r->now_ms + 1000 - appeared < PC_UNEXPECTED_NAMING_WAIT_MS);
	e = poll_named(r, everything, EVERYTHING, "tcp 0.0.0.0 9995", PC_NAMING_PENDING, 0, NULL);
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	assert_int_equal(find_event(e, PC_EVENT_UNEXPECTED)->naming, PC_NAMING_PENDING);
}

/* A new unexpected listener whose process is known is announced at once,
 * with its pid and name. */
static void a_known_process_is_announced_at_once(void **state)
{
	struct run *r = *state;
	poll_with(r, everything, EVERYTHING, NULL, NULL);

	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	add(&snap, "tcp 0.0.0.0 9997");
	pc_snapshot_finish(&snap);
	for (size_t i = 0; i < snap.n_listeners; i++) {
		if (snap.listeners[i].local.port == 9997) {
			snap.listeners[i].pid = 4242;
			snprintf(snap.listeners[i].process, sizeof(snap.listeners[i].process), "rogue");
		}
	}
	struct pc_evaluation eval;
	assert_int_equal(pc_engine_evaluate(r->plan, &r->settings, &snap, r->plan, &r->snap, &r->eval,
					    r->now_ms + 1000, &eval),
			 0);
	const struct pc_event *ev = find_event(&eval, PC_EVENT_UNEXPECTED);
	assert_non_null(ev);
	assert_int_equal(ev->pid, 4242);
	assert_string_equal(ev->process, "rogue");
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
}

/* Inside an untrusted permit: classed inPermitRange, pointing at the
 * permit, counted and announced as unexpected, with its real port. */
static void a_listener_in_a_permit_range_is_unexpected_but_classed(void **state)
{
	struct run *r = *state;
	poll_with(r, dyn_base, 1, NULL, NULL);
	const struct pc_evaluation *e = poll_with(r, dyn_base, 1, NULL, "tcp 0.0.0.0 25555");
	size_t j = r->snap.listeners[0].local.port == 25555 ? 0 : 1;
	assert_int_equal(r->snap.listeners[j].local.port, 25555);
	assert_int_equal(e->listeners[j].class, PC_CLASS_IN_PERMIT);
	assert_int_equal(e->listeners[j].expectation, DYN_DYNAMIC);
	assert_int_equal(e->unexpected, 1);
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	assert_int_equal(find_event(e, PC_EVENT_UNEXPECTED)->local.port, 25555);
	assert_int_equal(e->host, PC_COMPLIANT);
	/* announced once per appearance */
	e = poll_with(r, dyn_base, 1, NULL, "tcp 0.0.0.0 25555");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	/* outside the permit: plainly unexpected */
	e = poll_with(r, dyn_base, 1, NULL, "tcp 0.0.0.0 19999");
	j = r->snap.listeners[0].local.port == 19999 ? 0 : 1;
	assert_int_equal(e->listeners[j].class, PC_CLASS_UNEXPECTED);
	assert_int_equal(e->listeners[j].expectation, -1);
}

/* The site's switch, per role or per rule: a trusted permit covers its
 * listeners (trustedPermit), which are neither counted nor announced; an
 * override's trust = false takes the role's back. */
static void the_trust_switch_silences_a_permit_range(void **unused)
{
	(void)unused;
	static const struct {
		const char *config;
		enum pc_listener_class class;
	} cases[] = {
		{ "tests/fixtures/engine/permit-trusted.conf", PC_CLASS_TRUSTED_PERMIT },
		{ "tests/fixtures/engine/permit-trust-rule.conf", PC_CLASS_TRUSTED_PERMIT },
		{ "tests/fixtures/engine/permit-distrust-rule.conf", PC_CLASS_IN_PERMIT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		run_init(&r, load(cases[i].config), 1);
		bool trusted = cases[i].class == PC_CLASS_TRUSTED_PERMIT;
		assert_int_equal(r.plan->expectations.items[DYN_DYNAMIC].trusted, trusted);
		poll_with(&r, dyn_base, 1, NULL, NULL);
		const struct pc_evaluation *e = poll_with(&r, dyn_base, 1, NULL, "tcp [::] 21000");
		size_t j = r.snap.listeners[0].local.port == 21000 ? 0 : 1;
		if (e->listeners[j].class != cases[i].class)
			fail_msg("%s: class %s", cases[i].config,
				 pc_listener_class_name(e->listeners[j].class));
		assert_int_equal(e->listeners[j].expectation, DYN_DYNAMIC);
		assert_int_equal(e->unexpected, trusted ? 0 : 1);
		assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), trusted ? 0 : 1);
		run_free(&r);
		pc_plan_unref(r.plan);
	}
}

/* ---- restarts are not news ---- */

/* A poll of everything host.conf expects plus extra (NULL: none), extra's
 * row held by pid and process (pid 0: not named yet), judged with the
 * baseline b, which then records it as the poller does. */
/* The naming state poll_held gives its extra listener (UNSET: as a
 * snapshot no collector touched). */
static uint8_t held_naming;

static const struct pc_evaluation *poll_held(struct run *r, struct pc_baseline *b,
					     const char *extra, int32_t pid, const char *process)
{
	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	if (extra != NULL)
		add(&snap, extra);
	pc_snapshot_finish(&snap);
	unsigned port = 0;
	if (extra != NULL)
		assert_int_equal(sscanf(extra, "%*s %*s %u", &port), 1);
	for (size_t i = 0; extra != NULL && i < snap.n_listeners; i++) {
		if (snap.listeners[i].local.port != port)
			continue;
		snap.listeners[i].pid = pid;
		snprintf(snap.listeners[i].process, sizeof(snap.listeners[i].process), "%s", process);
		snap.listeners[i].naming = held_naming;
	}
	r->settings.baseline = b;
	const struct pc_evaluation *e = judge(r, snap);
	assert_int_equal(pc_baseline_record(b, &r->snap, &r->eval), 0);
	return e;
}

/* A service that closes and comes back, held by the same user and program,
 * is not news; by another program, or another user, it is. */
static void a_listener_back_as_it_was_is_not_news(void **state)
{
	struct run *r = *state;
	struct pc_baseline b;
	pc_baseline_init(&b);
	poll_held(r, &b, "udp 127.0.0.1 1161", 300, "snmpd"); /* the baseline */
	const struct pc_evaluation *e = poll_held(r, &b, NULL, 0, "");
	e = poll_held(r, &b, "udp 127.0.0.1 1161", 301, "snmpd");
	assert_int_equal(e->unexpected, 1);
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);

	poll_held(r, &b, NULL, 0, "");
	e = poll_held(r, &b, "udp 127.0.0.1 1161", 302, "imposter");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	assert_string_equal(find_event(e, PC_EVENT_UNEXPECTED)->process, "imposter");
	/* The imposter is the endpoint's identity now: snmpd back is news. */
	poll_held(r, &b, NULL, 0, "");
	e = poll_held(r, &b, "udp 127.0.0.1 1161", 303, "snmpd");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);

	poll_held(r, &b, NULL, 0, "");
	e = poll_held(r, &b, "udp 127.0.0.1 1161 uid=65534", 304, "snmpd");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	pc_baseline_free(&b);
}

/* Its program not named yet, a listener the baseline knows with a name
 * waits until naming has covered it, however many polls that takes; covered
 * and still unnamed, it is announced: an unknown name does not show the
 * same program, also when none was known before. Naming that never says
 * is waited for PC_UNEXPECTED_NAMING_WAIT_MS at most. */
static void an_unnamed_listener_waits_for_its_name(void **state)
{
	struct run *r = *state;
	struct pc_baseline b;
	pc_baseline_init(&b);
	poll_held(r, &b, "tcp 0.0.0.0 9001", 0, ""); /* in the baseline, never named */
	poll_held(r, &b, "tcp 0.0.0.0 9000", 400, "svc");
	poll_held(r, &b, NULL, 0, "");

	const struct pc_evaluation *e;
	held_naming = PC_NAMING_PENDING;
	for (int i = 0; i < 10; i++) {
		e = poll_held(r, &b, "tcp 0.0.0.0 9000", 0, "");
		assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
		assert_true(e->recheck_soon);
	}
	held_naming = PC_NAMING_NOT_FOUND;
	e = poll_held(r, &b, "tcp 0.0.0.0 9000", 0, "");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	assert_string_equal(find_event(e, PC_EVENT_UNEXPECTED)->process, "");
	/* It stays the named program's: a name that could not be found does
	 * not replace one that was. */
	const struct pc_baseline_entry *kept = NULL;
	for (size_t i = 0; i < r->snap.n_listeners; i++)
		if (r->snap.listeners[i].local.port == 9000)
			kept = pc_baseline_find(&b, &r->snap.listeners[i].local);
	assert_non_null(kept);
	assert_string_equal(kept->process, "svc");

	held_naming = PC_NAMING_UNSET;
	poll_held(r, &b, NULL, 0, "");
	int64_t back = r->now_ms + 1000;
	do {
		e = poll_held(r, &b, "tcp 0.0.0.0 9001", 0, "");
		assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	} while (r->now_ms + 1000 - back < PC_UNEXPECTED_NAMING_WAIT_MS);
	e = poll_held(r, &b, "tcp 0.0.0.0 9001", 0, "");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1); /* unnamed then and now */
	assert_false(e->recheck_soon);
	pc_baseline_free(&b);
}

/* With resolve-processes off no program is ever named: a listener back
 * with the same user is not news, another user's is. */
static void without_names_the_user_decides(void **state)
{
	struct run *r = *state;
	struct pc_baseline b;
	pc_baseline_init(&b);
	poll_held(r, &b, "tcp 0.0.0.0 25555", 0, "");
	poll_held(r, &b, NULL, 0, "");
	const struct pc_evaluation *e = poll_held(r, &b, "tcp 0.0.0.0 25555", 0, "");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	assert_false(e->recheck_soon); /* nothing to wait for */
	poll_held(r, &b, NULL, 0, "");
	e = poll_held(r, &b, "tcp 0.0.0.0 25555 uid=1000", 0, "");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	pc_baseline_free(&b);
}

/* A baseline from an earlier run (primed): the first poll announces what
 * appeared while the agent was down, and nothing it knows. Unprimed, the
 * first poll is the baseline: nothing is announced. */
static void an_earlier_runs_baseline_judges_the_first_poll(void **state)
{
	struct run *r = *state;
	struct pc_baseline b;
	pc_baseline_init(&b);
	struct pc_snapshot known = { 0 };
	for (size_t i = 0; i < EVERYTHING; i++)
		add(&known, everything[i]);
	add(&known, "tcp 0.0.0.0 9999");
	pc_snapshot_finish(&known);
	for (size_t i = 0; i < known.n_listeners; i++)
		assert_int_equal(pc_baseline_add(&b, &known.listeners[i].local, 0,
						 known.listeners[i].local.port == 9999 ? "old" : ""),
				 0);
	pc_snapshot_clear(&known);
	pc_baseline_finish(&b);
	b.primed = true;

	const struct pc_evaluation *e = poll_held(r, &b, "tcp 0.0.0.0 9999", 500, "old");
	assert_int_equal(e->unexpected, 1);
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	run_free(r);
	e = poll_held(r, &b, "tcp 0.0.0.0 9998", 501, "new");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	assert_int_equal(find_event(e, PC_EVENT_UNEXPECTED)->local.port, 9998);

	b.primed = false;
	run_free(r);
	e = poll_held(r, &b, "tcp 0.0.0.0 9997", 502, "newer");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	pc_baseline_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RUN_TEST(listeners_are_expected_ignored_or_unexpected, "host.conf", 1),
		RUN_TEST(a_known_process_is_announced_at_once, "host.conf", 1),
		RUN_TEST(without_naming_the_announcement_says_so, "host.conf", 1),
		RUN_TEST(a_listener_in_a_permit_range_is_unexpected_but_classed, "permit.conf", 1),
		cmocka_unit_test(the_trust_switch_silences_a_permit_range),
		RUN_TEST(a_listener_back_as_it_was_is_not_news, "host.conf", 1),
		RUN_TEST(an_unnamed_listener_waits_for_its_name, "host.conf", 1),
		RUN_TEST(an_earlier_runs_baseline_judges_the_first_poll, "host.conf", 1),
		RUN_TEST(without_names_the_user_decides, "permit.conf", 1), /* resolve-processes off */
	};
	return cmocka_run_group_tests_name("engine: unexpected listeners", tests, NULL, NULL);
}
