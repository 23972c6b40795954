/* The compliance engine on hand-made snapshots against the roles of
 * tests/fixtures/engine/site.conf: statuses, hold-down, bind addresses,
 * ranges, connect rules, classification of listeners, flap damping,
 * instances, compliance, events, and carrying results over a reload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/engine.h"
#include "pc_test.h"
#include "plan/plan.h"

/* Expectation indices in host.conf's plan (see the fixture). */
enum { REQ, OPT, HEARTBEAT, UPSTREAM, PICKED, BOUND_API, WEB1, WEB3 };

static struct pc_plan *load(const char *relative)
{
	struct pc_diag diag = { 0 };
	struct pc_plan *plan = pc_plan_load(repo_path(relative), &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	assert_non_null(plan);
	return plan;
}

/* "tcp 0.0.0.0 7001", "udp * 7150" (dual-stack), "tcp [::] 7400" (v6-only);
 * "tcp 0.0.0.0 7001 uid=1001": a socket of that user (else root's). */
static void add(struct pc_snapshot *snap, const char *spec)
{
	char proto[8], address[64];
	unsigned port, uid = 0;
	uint8_t bytes[16] = { 0 };
	assert_true(sscanf(spec, "%7s %63s %u uid=%u", proto, address, &port, &uid) >= 3);
	uint8_t p = strcmp(proto, "tcp") == 0 ? IPPROTO_TCP : IPPROTO_UDP;
	struct pc_listen_socket socket = { .inode = port, .uid = uid };
	if (strcmp(address, "*") == 0) {
		pc_endpoint_set(&socket.local, p, AF_INET6, bytes, false, 0, (uint16_t)port);
	} else if (address[0] == '[') {
		address[strlen(address) - 1] = '\0';
		assert_int_equal(inet_pton(AF_INET6, address + 1, bytes), 1);
		pc_endpoint_set(&socket.local, p, AF_INET6, bytes, true, 0, (uint16_t)port);
	} else {
		assert_int_equal(inet_pton(AF_INET, address, bytes), 1);
		pc_endpoint_set(&socket.local, p, AF_INET, bytes, false, 0, (uint16_t)port);
	}
	assert_int_equal(pc_snapshot_add_listener(snap, &socket), 0);
}

/* Every expected listener of host.conf, where it should be. */
static const char *const everything[] = {
	"tcp 0.0.0.0 7001", "tcp 0.0.0.0 7002", "udp * 7150",
	"tcp 10.0.0.1 7400", "tcp * 8011",	 "tcp * 8031",
};
#define EVERYTHING (sizeof(everything) / sizeof(everything[0]))

/* A sequence of polls, each judged against the one before. */
struct run {
	struct pc_plan *plan;
	struct pc_engine_settings settings;
	struct pc_snapshot snap;
	struct pc_evaluation eval;
	bool started;
	int64_t now_ms;
};

static void run_init(struct run *r, struct pc_plan *plan, unsigned hold_down)
{
	memset(r, 0, sizeof(*r));
	r->plan = plan;
	r->settings.hold_down = hold_down;
	r->settings.flap_threshold = 0;
	r->settings.flap_window = 10;
	r->now_ms = 1000;
}

/* Poll with the listeners given (NULL-terminated list of specs, minus the
 * ones in skip), optionally extra ones; the run keeps the result. */
static const struct pc_evaluation *judge(struct run *r, struct pc_snapshot snap);

static const struct pc_evaluation *poll_with(struct run *r, const char *const *specs,
					     size_t n_specs, const char *skip,
					     const char *extra)
{
	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < n_specs; i++)
		if (skip == NULL || strcmp(specs[i], skip) != 0)
			add(&snap, specs[i]);
	if (extra != NULL)
		add(&snap, extra);
	pc_snapshot_finish(&snap);
	return judge(r, snap);
}

/* Judge a finished snapshot (which the run takes) after the previous poll. */
static const struct pc_evaluation *judge(struct run *r, struct pc_snapshot snap)
{
	struct pc_evaluation eval;
	r->now_ms += 1000;
	assert_int_equal(pc_engine_evaluate(r->plan, &r->settings, &snap,
					    r->started ? r->plan : NULL,
					    r->started ? &r->snap : NULL,
					    r->started ? &r->eval : NULL, r->now_ms, &eval),
			 0);
	if (r->started) {
		pc_snapshot_clear(&r->snap);
		pc_evaluation_free(&r->eval);
	}
	r->snap = snap;
	r->eval = eval;
	r->started = true;
	return &r->eval;
}

static void run_free(struct run *r)
{
	if (r->started) {
		pc_snapshot_clear(&r->snap);
		pc_evaluation_free(&r->eval);
	}
}

static size_t count_events(const struct pc_evaluation *e, enum pc_event_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n_events; i++)
		n += e->events[i].type == type;
	return n;
}

static const struct pc_event *find_event(const struct pc_evaluation *e, enum pc_event_type type)
{
	for (size_t i = 0; i < e->n_events; i++)
		if (e->events[i].type == type)
			return &e->events[i];
	return NULL;
}

/* ---- tests ---- */

static void before_the_first_poll_everything_is_unknown(void **unused)
{
	(void)unused;
	struct pc_plan *plan = load("tests/fixtures/engine/host.conf");
	struct pc_evaluation eval;
	assert_int_equal(pc_evaluation_init_unknown(plan, &eval), 0);
	assert_int_equal(eval.host, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(eval.n_roles, 4);
	assert_int_equal(eval.roles[0].compliance, PC_COMPLIANCE_UNKNOWN);
	for (size_t i = 0; i < eval.n_expect; i++)
		assert_int_equal(eval.expect[i].status, PC_PORT_UNKNOWN);
	assert_int_equal(eval.n_events, 0);
	pc_evaluation_free(&eval);
	pc_plan_unref(plan);
}

static void every_listener_in_place_is_compliant(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 2);
	const struct pc_evaluation *e = poll_with(&r, everything, EVERYTHING, NULL, NULL);

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
	const struct pc_listener *l = &r.snap.listeners[e->expect[BOUND_API].listener];
	assert_int_equal(l->local.port, 7400);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void hold_down_then_missing_then_restored(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 2);
	poll_with(&r, everything, EVERYTHING, NULL, NULL);

	const struct pc_evaluation *e =
		poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PENDING);
	assert_true(e->recheck_soon);
	/* Inside hold-down the last confirmed status counts: no change yet. */
	assert_int_equal(e->host, PC_COMPLIANT);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
	assert_int_equal(count_events(e, PC_EVENT_COMPLIANCE), 0);

	e = poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
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
	assert_int_equal(e->expect[REQ].last_change_ms, r.now_ms);
	ev = find_event(e, PC_EVENT_COMPLIANCE);
	assert_non_null(ev);
	assert_int_equal(ev->previous, PC_COMPLIANT);
	assert_int_equal(ev->current, PC_NON_COMPLIANT);
	assert_int_equal(e->host_last_change_ms, r.now_ms);

	/* Still missing: no second notification. */
	e = poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->n_events, 0);

	e = poll_with(&r, everything, EVERYTHING, NULL, NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PRESENT);
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 1);
	assert_int_equal(find_event(e, PC_EVENT_RESTORED)->status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_COMPLIANT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void a_restart_within_hold_down_raises_nothing(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 2);
	poll_with(&r, everything, EVERYTHING, NULL, NULL);
	const struct pc_evaluation *e = poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->n_events, 0);
	e = poll_with(&r, everything, EVERYTHING, NULL, NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->n_events, 0);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* Absent from the start: nothing confirmed yet, so the host is unknown
 * until hold-down has passed, then nonCompliant. */
static void absent_at_start_is_unknown_until_hold_down(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 2);
	const struct pc_evaluation *e =
		poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PENDING);
	assert_int_equal(e->host, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(e->n_events, 0);
	e = poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(e->host, PC_NON_COMPLIANT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void an_optional_port_missing_only_degrades(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	const struct pc_evaluation *e =
		poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7002", NULL);
	assert_int_equal(e->expect[OPT].status, PC_PORT_MISSING);
	assert_int_equal(e->host, PC_DEGRADED);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void bind_address_decides_wrong_address(void **unused)
{
	(void)unused;
	static const struct {
		const char *listener;
		enum pc_port_status status;
	} cases[] = {
		{ "tcp 10.0.0.1 7400", PC_PORT_PRESENT },
		{ "tcp 0.0.0.0 7400", PC_PORT_PRESENT },
		{ "tcp * 7400", PC_PORT_PRESENT },
		{ "tcp [::ffff:10.0.0.1] 7400", PC_PORT_PRESENT },
		{ "tcp 127.0.0.1 7400", PC_PORT_WRONG_ADDRESS },
		{ "tcp 10.0.0.2 7400", PC_PORT_WRONG_ADDRESS },
		{ "tcp [::] 7400", PC_PORT_WRONG_ADDRESS }, /* v6-only: no IPv4 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		run_init(&r, load("tests/fixtures/engine/host.conf"), 2);
		const struct pc_evaluation *e = poll_with(&r, everything, EVERYTHING,
							  "tcp 10.0.0.1 7400", cases[i].listener);
		if (e->expect[BOUND_API].status != cases[i].status)
			fail_msg("%s: %s, expected %s", cases[i].listener,
				 pc_port_status_name(e->expect[BOUND_API].status),
				 pc_port_status_name(cases[i].status));
		if (cases[i].status == PC_PORT_WRONG_ADDRESS) {
			/* No hold-down for a listener in the wrong place. */
			assert_int_equal(e->host, PC_NON_COMPLIANT);
			assert_int_equal(e->expect[BOUND_API].problem, PC_PROBLEM_NOT_BIND_ADDRESS);
			assert_int_equal(e->expect[BOUND_API].listener >= 0, true);
		}
		run_free(&r);
		pc_plan_unref(r.plan);
	}
}

static void any_port_of_a_range_will_do(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	const struct pc_evaluation *e =
		poll_with(&r, everything, EVERYTHING, "udp * 7150", "udp 0.0.0.0 7199");
	assert_int_equal(e->expect[HEARTBEAT].status, PC_PORT_PRESENT);
	e = poll_with(&r, everything, EVERYTHING, "udp * 7150", "udp 0.0.0.0 7200");
	assert_int_equal(e->expect[HEARTBEAT].status, PC_PORT_MISSING);
	assert_int_equal(e->unexpected, 1);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void listeners_are_expected_ignored_or_unexpected(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	const char *specs[EVERYTHING + 2];
	memcpy(specs, everything, sizeof(everything));
	specs[EVERYTHING] = "tcp 0.0.0.0 22";
	specs[EVERYTHING + 1] = "tcp 0.0.0.0 9999";
	const struct pc_evaluation *e = poll_with(&r, specs, EVERYTHING + 2, NULL, NULL);
	for (size_t i = 0; i < r.snap.n_listeners; i++) {
		uint16_t port = r.snap.listeners[i].local.port;
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

	/* A new one whose process is not known yet: re-checked for a while
	 * (polls here are 1 s apart)... */
	int64_t appeared = r.now_ms + 1000;
	do {
		e = poll_with(&r, specs, EVERYTHING + 2, NULL, "tcp [::1] 9998");
		assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
		assert_true(e->recheck_soon);
	} while (r.now_ms + 1000 - appeared < PC_UNEXPECTED_PROCESS_WAIT_MS);
	/* ...then announced once, with what it is, known or not. */
	e = poll_with(&r, specs, EVERYTHING + 2, NULL, "tcp [::1] 9998");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	const struct pc_event *ev = find_event(e, PC_EVENT_UNEXPECTED);
	assert_int_equal(ev->local.port, 9998);
	assert_int_equal(ev->local.addr_type, PC_INET_IPV6);
	e = poll_with(&r, specs, EVERYTHING + 2, NULL, "tcp [::1] 9998");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	/* Unexpected listeners do not change compliance. */
	assert_int_equal(e->host, PC_COMPLIANT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* A new unexpected listener whose process is known is announced at once,
 * with its pid and name. */
static void a_known_process_is_announced_at_once(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	poll_with(&r, everything, EVERYTHING, NULL, NULL);

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
	assert_int_equal(pc_engine_evaluate(r.plan, &r.settings, &snap, r.plan, &r.snap, &r.eval,
					    r.now_ms + 1000, &eval),
			 0);
	const struct pc_event *ev = find_event(&eval, PC_EVENT_UNEXPECTED);
	assert_non_null(ev);
	assert_int_equal(ev->pid, 4242);
	assert_string_equal(ev->process, "rogue");
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void connect_rules_follow_the_setting(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	r.settings.check_connections = true;
	const struct pc_evaluation *e = poll_with(&r, everything, EVERYTHING, NULL, NULL);
	assert_int_equal(e->expect[UPSTREAM].status, PC_PORT_NOT_CONNECTED);
	/* A connection depends on the far end: never worse than degraded. */
	assert_int_equal(e->host, PC_DEGRADED);
	run_free(&r);

	run_init(&r, r.plan, 1);
	r.settings.check_connections = true;
	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	struct pc_endpoint remote;
	uint8_t far[4] = { 192, 0, 2, 1 };
	pc_endpoint_set(&remote, IPPROTO_TCP, AF_INET, far, false, 0, 7300);
	assert_int_equal(pc_snapshot_add_connection(&snap, &remote), 0);
	pc_snapshot_finish(&snap);
	struct pc_evaluation eval;
	assert_int_equal(pc_engine_evaluate(r.plan, &r.settings, &snap, NULL, NULL, NULL, 1, &eval), 0);
	assert_int_equal(eval.expect[UPSTREAM].status, PC_PORT_CONNECTED);
	assert_int_equal(eval.host, PC_COMPLIANT);
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
	pc_plan_unref(r.plan);
}

static void a_site_port_without_number_is_unconfigured(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host-unconfigured.conf"), 1);
	const struct pc_evaluation *e = poll_with(&r, everything, 0, NULL, NULL);
	assert_int_equal(e->expect[0].status, PC_PORT_UNCONFIGURED);
	assert_int_equal(e->unconfigured, 1);
	assert_int_equal(e->host, PC_DEGRADED);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void instances_are_sorted_named_and_judged(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	const struct pc_evaluation *e = poll_with(&r, everything, EVERYTHING, "tcp * 8031", NULL);
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
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void flapping_is_reported_once_until_it_settles(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	r.settings.flap_threshold = 4;
	r.settings.flap_window = 10;
	poll_with(&r, everything, EVERYTHING, NULL, NULL);

	size_t notifications = 0, flapping_reports = 0;
	for (int i = 0; i < 40; i++) { /* 20 disappearances, 20 returns */
		const struct pc_evaluation *e = poll_with(
			&r, everything, EVERYTHING, i % 2 == 0 ? "tcp 0.0.0.0 7001" : NULL, NULL);
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
		const struct pc_evaluation *e = poll_with(&r, everything, EVERYTHING, NULL, NULL);
		restored += count_events(e, PC_EVENT_RESTORED);
	}
	assert_int_equal(restored, 1);
	assert_int_equal(r.eval.expect[REQ].status, PC_PORT_PRESENT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* Once flapping, slower changes (fewer than the threshold per window) do
 * not end it: only a whole window without a change does. */
static void flapping_ends_only_after_a_quiet_window(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	r.settings.flap_threshold = 4;
	r.settings.flap_window = 10;
	poll_with(&r, everything, EVERYTHING, NULL, NULL);
	for (int i = 0; i < 8; i++) /* fast: flapping */
		poll_with(&r, everything, EVERYTHING, i % 2 == 0 ? "tcp 0.0.0.0 7001" : NULL, NULL);
	assert_int_equal(r.eval.expect[REQ].status, PC_PORT_FLAPPING);

	size_t notifications = 0;
	for (int i = 0; i < 48; i++) { /* a change every 4 polls: 4 changes span 12 */
		bool absent = (i / 4) % 2 == 0;
		const struct pc_evaluation *e = poll_with(&r, everything, EVERYTHING,
							  absent ? "tcp 0.0.0.0 7001" : NULL, NULL);
		notifications += count_events(e, PC_EVENT_MISSING) + count_events(e, PC_EVENT_RESTORED);
		assert_int_equal(e->expect[REQ].status, PC_PORT_FLAPPING);
	}
	assert_int_equal(notifications, 0);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void a_reload_carries_results_over(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	assert_int_equal(r.eval.expect[REQ].status, PC_PORT_MISSING);
	assert_true(r.eval.expect[REQ].alarmed);

	/* The same file loaded again is another plan object. */
	struct pc_plan *reloaded = load("tests/fixtures/engine/host.conf");
	struct pc_snapshot snap = { 0 };
	for (size_t i = 1; i < EVERYTHING; i++)
		add(&snap, everything[i]);
	pc_snapshot_finish(&snap);
	struct pc_evaluation eval;
	assert_int_equal(pc_engine_evaluate(reloaded, &r.settings, &snap, r.plan, &r.snap, &r.eval,
					    r.now_ms + 1000, &eval),
			 0);
	/* Still missing, already reported: nothing to say. */
	assert_int_equal(eval.expect[REQ].status, PC_PORT_MISSING);
	assert_int_equal(eval.n_events, 0);
	assert_int_equal(eval.poll_number, r.eval.poll_number + 1);
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
	pc_plan_unref(reloaded);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* Polls that fail leave the verdict (not blind), then unknown
 * (blind); back, the host is judged against the last verdict told. */
static void a_blind_agent_says_unknown_and_comes_back(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	poll_with(&r, everything, EVERYTHING, NULL, "tcp 127.0.0.1 9999");
	poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", "tcp 127.0.0.1 9999");
	assert_int_equal(r.eval.host, PC_NON_COMPLIANT);

	struct pc_evaluation kept, blind, still;
	assert_int_equal(pc_engine_carry_over(r.plan, &r.eval, false, 5000, &kept), 0);
	assert_int_equal(kept.host, PC_NON_COMPLIANT);
	assert_int_equal(kept.expect[REQ].status, PC_PORT_MISSING);
	assert_int_equal(kept.missing, 1);
	assert_int_equal(kept.n_events, 0);
	assert_int_equal(kept.poll_number, r.eval.poll_number);

	assert_int_equal(pc_engine_carry_over(r.plan, &kept, true, 6000, &blind), 0);
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
	assert_int_equal(pc_engine_carry_over(r.plan, &blind, true, 7000, &still), 0);
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
	assert_int_equal(pc_engine_evaluate(r.plan, &r.settings, &snap, r.plan, &r.snap, &still, 8000,
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
	assert_int_equal(pc_engine_evaluate(r.plan, &r.settings, &snap, r.plan, &r.snap, &still, 8000,
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
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* ---- who holds the port (owner-user, owner-process) ---- */

/* host-owner.conf: svc's and bound's ports belong to uid 1001, svc's
 * optional port also to the process svcd. Its plan's indices: */
enum { O_REQ, O_OPT, O_HEARTBEAT, O_UPSTREAM, O_PICKED, O_API };

/* One listener's process, as the collector would have named it. */
struct held {
	uint16_t port;
	int32_t pid;
	const char *process;
};

static const struct pc_evaluation *poll_owned(struct run *r, const char *const *specs,
					      size_t n_specs, const struct held *held,
					      size_t n_held)
{
	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < n_specs; i++)
		add(&snap, specs[i]);
	pc_snapshot_finish(&snap);
	for (size_t k = 0; k < n_held; k++)
		for (size_t i = 0; i < snap.n_listeners; i++)
			if (snap.listeners[i].local.port == held[k].port) {
				snap.listeners[i].pid = held[k].pid;
				snprintf(snap.listeners[i].process, PC_PROCESS_MAX, "%s",
					 held[k].process);
			}
	return judge(r, snap);
}

static const char *const owned_right[] = {
	"tcp 0.0.0.0 7001 uid=1001",
	"tcp 0.0.0.0 7002 uid=1001",
	"udp * 7150 uid=1001",
	"tcp 10.0.0.1 7400 uid=1001",
};
#define OWNED_RIGHT (sizeof(owned_right) / sizeof(owned_right[0]))
static const struct held svcd = { 7002, 300, "svcd" };

static void the_owner_user_and_process_holding_is_present(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host-owner.conf"), 2);
	const struct pc_evaluation *e = poll_owned(&r, owned_right, OWNED_RIGHT, &svcd, 1);
	assert_int_equal(r.plan->expectations.items[O_REQ].owner_uid, 1001);
	assert_string_equal(r.plan->expectations.items[O_OPT].owner_process, "svcd");
	assert_null(r.plan->expectations.items[O_REQ].owner_process);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_HEARTBEAT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_API].status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_COMPLIANT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* A required port bound by another user is an alarm at once (no
 * hold-down: the port is not missing, it is taken), notified like a
 * missing one, and restored when its owner holds it again. */
static void another_user_holding_a_port_is_wrong_owner(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host-owner.conf"), 2);
	poll_owned(&r, owned_right, OWNED_RIGHT, &svcd, 1);

	const char *const forged[] = { "tcp 0.0.0.0 7001 uid=65534", owned_right[1], owned_right[2],
				       owned_right[3] };
	const struct pc_evaluation *e = poll_owned(&r, forged, 4, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(r.snap.listeners[e->expect[O_REQ].listener].uid, 65534);
	assert_int_equal(e->host, PC_NON_COMPLIANT);
	assert_int_equal(e->missing, 1);
	assert_int_equal(e->roles[0].missing, 1);
	const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_int_equal(ev->status, PC_PORT_WRONG_OWNER);
	assert_int_equal(ev->port, 7001);

	/* Still held by the other user: nothing new. */
	e = poll_owned(&r, forged, 4, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);

	e = poll_owned(&r, owned_right, OWNED_RIGHT, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 1);
	assert_int_equal(e->host, PC_COMPLIANT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* Beside the owner's socket, another user's on the same port takes part
 * of the traffic: a specific address next to the wildcard, or a row whose
 * sockets belong to several users. The holder shown is the intruder. */
static void a_foreign_socket_beside_the_owners_is_wrong_owner(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host-owner.conf"), 2);
	const char *const beside[] = { owned_right[0], "tcp 127.0.0.1 7001 uid=65534",
				       owned_right[1], owned_right[2], owned_right[3] };
	const struct pc_evaluation *e = poll_owned(&r, beside, 5, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(r.snap.listeners[e->expect[O_REQ].listener].uid, 65534);

	const char *const shared[] = { owned_right[0], owned_right[1], "udp * 7150 uid=1001",
				       "udp * 7150 uid=65534", owned_right[3] };
	e = poll_owned(&r, shared, 5, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_HEARTBEAT].status, PC_PORT_WRONG_OWNER);
	/* On another address than bind-address, a foreign socket is no rival. */
	const char *const elsewhere[] = { owned_right[0], owned_right[1], owned_right[2],
					  owned_right[3], "tcp 10.0.0.2 7400 uid=65534" };
	e = poll_owned(&r, elsewhere, 5, &svcd, 1);
	assert_int_equal(e->expect[O_API].status, PC_PORT_PRESENT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* The right user, the wrong process: wrongOwner, which only degrades an
 * optional port. */
static void another_process_holding_a_port_is_wrong_owner(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host-owner.conf"), 2);
	const struct held nc = { 7002, 4242, "nc" };
	const struct pc_evaluation *e = poll_owned(&r, owned_right, OWNED_RIGHT, &nc, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_DEGRADED);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* A process not named yet (the collector's walks are paced) is not called
 * wrong at once: a new listener is pending, a known one keeps its status,
 * for PC_OWNER_PROCESS_WAIT_MS; then, still unnamed, it is wrongOwner. */
static void an_unnamed_process_is_wrong_owner_only_after_a_wait(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host-owner.conf"), 2);
	const struct pc_evaluation *e = poll_owned(&r, owned_right, OWNED_RIGHT, NULL, 0);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PENDING);
	assert_true(e->recheck_soon);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
	e = poll_owned(&r, owned_right, OWNED_RIGHT, &svcd, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	/* Known, then unnamed (a restarted service, not walked yet). */
	e = poll_owned(&r, owned_right, OWNED_RIGHT, NULL, 0);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	assert_true(e->recheck_soon);
	for (int64_t waited = 1000; waited < PC_OWNER_PROCESS_WAIT_MS; waited += 1000) {
		e = poll_owned(&r, owned_right, OWNED_RIGHT, NULL, 0);
		assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	}
	e = poll_owned(&r, owned_right, OWNED_RIGHT, NULL, 0);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 1);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* Without owner-user or owner-process, whoever holds a port makes it
 * present, as before. */
static void without_an_owner_anyone_will_do(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/host.conf"), 2);
	const char *const anyone[] = { "tcp 0.0.0.0 7001 uid=65534", "tcp 0.0.0.0 7002 uid=1",
				       "udp * 7150 uid=65534", "tcp 10.0.0.1 7400 uid=4242",
				       "tcp * 8011 uid=7",     "tcp * 8031 uid=65534" };
	const struct pc_evaluation *e = poll_owned(&r, anyone, 6, NULL, 0);
	assert_null(r.plan->expectations.items[REQ].owner_user);
	assert_false(r.plan->expectations.items[REQ].owner_uid_set);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[OPT].status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_COMPLIANT);
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* ---- permit ranges and the real port of range notifications */

/* Expectation indices in permit.conf's plan: role dyn's two rules. */
enum { DYN_BEAT, DYN_DYNAMIC };

static const char *const dyn_base[] = { "tcp 0.0.0.0 7550" };

/* A permit expects nothing: never pending, missing or restored, whatever
 * opens and closes in it, and never against compliance. */
static void a_permit_never_goes_missing_or_restored(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/permit.conf"), 2);
	assert_int_equal(r.plan->expectations.items[DYN_DYNAMIC].match, PC_MATCH_PERMIT);
	for (int i = 0; i < 4; i++) { /* empty range, past hold-down */
		const struct pc_evaluation *e = poll_with(&r, dyn_base, 1, NULL, NULL);
		assert_int_equal(e->expect[DYN_DYNAMIC].status, PC_PORT_PERMITTED);
		assert_int_equal(e->expect[DYN_DYNAMIC].listener, -1);
		assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
		assert_int_equal(e->host, PC_COMPLIANT);
		assert_int_equal(e->missing, 0);
	}
	/* listeners come and go in the range: still no per-port event */
	for (int i = 0; i < 4; i++) {
		const struct pc_evaluation *e =
			poll_with(&r, dyn_base, 1, NULL, i % 2 ? NULL : "tcp 0.0.0.0 25555");
		assert_int_equal(e->expect[DYN_DYNAMIC].status, PC_PORT_PERMITTED);
		assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
		assert_int_equal(count_events(e, PC_EVENT_RESTORED), 0);
		assert_int_equal(e->host, PC_COMPLIANT);
	}
	assert_string_equal(pc_port_status_name(PC_PORT_PERMITTED), "permitted");
	run_free(&r);
	pc_plan_unref(r.plan);
}

/* Inside an untrusted permit: classed inPermitRange, pointing at the
 * permit, counted and announced as unexpected, with its real port. */
static void a_listener_in_a_permit_range_is_unexpected_but_classed(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/permit.conf"), 1);
	poll_with(&r, dyn_base, 1, NULL, NULL);
	const struct pc_evaluation *e = poll_with(&r, dyn_base, 1, NULL, "tcp 0.0.0.0 25555");
	size_t j = r.snap.listeners[0].local.port == 25555 ? 0 : 1;
	assert_int_equal(r.snap.listeners[j].local.port, 25555);
	assert_int_equal(e->listeners[j].class, PC_CLASS_IN_PERMIT);
	assert_int_equal(e->listeners[j].expectation, DYN_DYNAMIC);
	assert_int_equal(e->unexpected, 1);
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 1);
	assert_int_equal(find_event(e, PC_EVENT_UNEXPECTED)->local.port, 25555);
	assert_int_equal(e->host, PC_COMPLIANT);
	/* announced once per appearance */
	e = poll_with(&r, dyn_base, 1, NULL, "tcp 0.0.0.0 25555");
	assert_int_equal(count_events(e, PC_EVENT_UNEXPECTED), 0);
	/* outside the permit: plainly unexpected */
	e = poll_with(&r, dyn_base, 1, NULL, "tcp 0.0.0.0 19999");
	j = r.snap.listeners[0].local.port == 19999 ? 0 : 1;
	assert_int_equal(e->listeners[j].class, PC_CLASS_UNEXPECTED);
	assert_int_equal(e->listeners[j].expectation, -1);
	assert_string_equal(pc_listener_class_name(PC_CLASS_IN_PERMIT), "inPermitRange");
	run_free(&r);
	pc_plan_unref(r.plan);
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
	assert_string_equal(pc_listener_class_name(PC_CLASS_TRUSTED_PERMIT), "trustedPermit");
}

/* Missing and restored for a range rule carry the port of the listener
 * concerned, not the range's first port (which stays in port). */
static void range_notifications_carry_the_real_port(void **unused)
{
	(void)unused;
	struct run r;
	run_init(&r, load("tests/fixtures/engine/permit.conf"), 1);
	const struct pc_evaluation *e = poll_with(&r, dyn_base, 1, NULL, NULL);
	assert_int_equal(e->expect[DYN_BEAT].status, PC_PORT_PRESENT);

	e = poll_with(&r, NULL, 0, NULL, NULL); /* 7550 went away */
	const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_string_equal(ev->rule, "beat");
	assert_int_equal(ev->port, 7500);
	assert_int_equal(ev->listener_port, 7550);

	e = poll_with(&r, NULL, 0, NULL, "tcp 0.0.0.0 7566"); /* back elsewhere in it */
	ev = find_event(e, PC_EVENT_RESTORED);
	assert_non_null(ev);
	assert_int_equal(ev->port, 7500);
	assert_int_equal(ev->listener_port, 7566);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
	run_free(&r);

	/* never served since the start: no listener to name */
	run_init(&r, r.plan, 1);
	e = poll_with(&r, NULL, 0, NULL, NULL);
	ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_int_equal(ev->listener_port, 0);
	run_free(&r);
	pc_plan_unref(r.plan);

	/* a single port's own number is its listener's */
	run_init(&r, load("tests/fixtures/engine/host.conf"), 1);
	e = poll_with(&r, everything, EVERYTHING, "tcp 0.0.0.0 7001", NULL);
	ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_int_equal(ev->listener_port, 7001);
	run_free(&r);
	pc_plan_unref(r.plan);
}

static void names_match_the_mib(void **unused)
{
	(void)unused;
	assert_string_equal(pc_port_status_name(PC_PORT_WRONG_ADDRESS), "wrongAddress");
	assert_string_equal(pc_port_status_name(PC_PORT_NOT_CHECKED), "notChecked");
	assert_string_equal(pc_port_status_name(PC_PORT_WRONG_OWNER), "wrongOwner");
	assert_string_equal(pc_compliance_name(PC_NON_COMPLIANT), "nonCompliant");
	assert_string_equal(pc_listener_class_name(PC_CLASS_IGNORED), "ignored");
}

/* ---- reachability (tests/fixtures/engine/reach.conf) ---- */

/* Expectation indices in reach.conf's plan. */
enum { R_REMOTE, R_LOCAL, R_REMOTE6, R_REMOTE_ANY };

/* One listener: family, address, IPV6_V6ONLY, bound device (0: none). */
struct reach_case {
	int family;
	const char *address;
	bool v6only;
	uint32_t ifindex;
	enum pc_port_status status;
	enum pc_address_problem problem;
};

/* The host: lo (1), eth0 (2, up: 192.0.2.10, 2001:db8::10, fe80::10),
 * d0 (3, down: 198.51.100.1); index 9 does not exist. */
static void add_host(struct pc_snapshot *snap)
{
	static const struct pc_interface ifaces[] = {
		{ .index = 1, .name = "lo", .up = true, .loopback = true },
		{ .index = 2, .name = "eth0", .up = true },
		{ .index = 3, .name = "d0", .up = false },
	};
	static const struct {
		int family;
		const char *text;
		uint32_t ifindex;
	} addrs[] = {
		{ AF_INET, "127.0.0.1", 1 },	 { AF_INET6, "::1", 1 },
		{ AF_INET, "192.0.2.10", 2 },	 { AF_INET6, "2001:db8::10", 2 },
		{ AF_INET6, "fe80::10", 2 },	 { AF_INET, "198.51.100.1", 3 },
	};
	for (size_t i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++)
		assert_int_equal(pc_snapshot_add_interface(snap, &ifaces[i]), 0);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct pc_host_address a = { .type = addrs[i].family == AF_INET ? PC_INET_IPV4 : PC_INET_IPV6,
					     .ifindex = addrs[i].ifindex };
		assert_int_equal(inet_pton(addrs[i].family, addrs[i].text, a.addr), 1);
		assert_int_equal(pc_snapshot_add_address(snap, &a), 0);
	}
	snap->interfaces_known = true;
}

static void add_reach_listener(struct pc_snapshot *snap, const struct reach_case *c, uint16_t port)
{
	uint8_t bytes[16] = { 0 };
	struct pc_listen_socket socket = { .inode = port,
					   .v6only = c->family == AF_INET6 && c->v6only };
	assert_int_equal(inet_pton(c->family, c->address, bytes), 1);
	pc_endpoint_set(&socket.local, IPPROTO_TCP, c->family, bytes, c->v6only, c->ifindex, port);
	assert_int_equal(pc_snapshot_add_listener(snap, &socket), 0);
}

/* One poll with the case's listener on the expectation's port. */
static void check_reach(struct pc_plan *plan, size_t expectation, const struct reach_case *c,
			bool host_known)
{
	const struct pc_expectation *e = &plan->expectations.items[expectation];
	struct pc_engine_settings settings = { .hold_down = 1, .flap_window = 10 };
	struct pc_snapshot snap = { 0 };
	struct pc_evaluation eval;
	if (host_known)
		add_host(&snap);
	add_reach_listener(&snap, c, e->port);
	pc_snapshot_finish(&snap);
	assert_int_equal(pc_engine_evaluate(plan, &settings, &snap, NULL, NULL, NULL, 1000, &eval), 0);
	const struct pc_expect_result *r = &eval.expect[expectation];
	char where[64];
	pc_endpoint_format_addr(&snap.listeners[0].local, where, sizeof(where));
	if (r->status != c->status || r->problem != c->problem)
		fail_msg("%s/%s%s on %u for %s peers: %s (%s), expected %s (%s)", e->role, where,
			 c->v6only ? " v6only" : "", e->port,
			 e->peer == PC_PEER_LOCAL ? "local" : pc_peer_family_name(e->peer_family),
			 pc_port_status_name(r->status), pc_address_problem_name(r->problem),
			 pc_port_status_name(c->status), pc_address_problem_name(c->problem));
	/* The listener is shown either way: where it is wrong is the point. */
	assert_int_equal(r->listener, 0);
	if (c->status == PC_PORT_WRONG_ADDRESS) {
		const struct pc_event *ev = NULL;
		for (size_t k = 0; k < eval.n_events; k++)
			if (eval.events[k].type == PC_EVENT_MISSING &&
			    eval.events[k].role_index == e->role_index &&
			    eval.events[k].rule_index == e->rule_index)
				ev = &eval.events[k];
		assert_non_null(ev);
		assert_int_equal(ev->status, PC_PORT_WRONG_ADDRESS);
		assert_int_equal(ev->problem, c->problem);
		assert_int_equal(eval.host, PC_NON_COMPLIANT);
	}
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
}

#define OK PC_PORT_PRESENT, PC_PROBLEM_NONE
#define WRONG(p) PC_PORT_WRONG_ADDRESS, PC_PROBLEM_##p

/* The table (ctios-server 42028: IPv4 peers), then every other
 * way a listener can be out of a remote peer's reach. */
static void remote_ipv4_peers_need_a_reachable_listener(void **unused)
{
	(void)unused;
	static const struct reach_case cases[] = {
		{ AF_INET, "0.0.0.0", false, 0, OK },
		{ AF_INET6, "::", false, 0, OK }, /* dual-stack */
		{ AF_INET, "127.0.0.1", false, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "::1", false, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "::", true, 0, WRONG(IPV6_ONLY) },
		/* host addresses */
		{ AF_INET, "192.0.2.10", false, 0, OK },
		{ AF_INET6, "::ffff:192.0.2.10", false, 0, OK },
		{ AF_INET, "127.0.0.2", false, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "::ffff:127.0.0.1", false, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "2001:db8::10", true, 0, WRONG(IPV6_ONLY) },
		/* link-local */
		{ AF_INET, "169.254.7.7", false, 0, WRONG(LINK_LOCAL_ONLY) },
		{ AF_INET6, "fe80::10", false, 2, WRONG(LINK_LOCAL_ONLY) },
		/* IP_FREEBIND: an address the host does not hold (moved away) */
		{ AF_INET, "203.0.113.9", false, 0, WRONG(NOT_LOCAL_ADDRESS) },
		{ AF_INET6, "::ffff:203.0.113.9", false, 0, WRONG(NOT_LOCAL_ADDRESS) },
		/* SO_BINDTODEVICE */
		{ AF_INET, "0.0.0.0", false, 2, OK },
		{ AF_INET6, "::", false, 2, OK }, /* dual-stack, on eth0 */
		{ AF_INET6, "::", true, 2, WRONG(IPV6_ONLY) },
		{ AF_INET, "192.0.2.10", false, 2, OK },
		{ AF_INET, "0.0.0.0", false, 1, WRONG(WRONG_DEVICE) }, /* lo */
		{ AF_INET, "0.0.0.0", false, 3, WRONG(DEVICE_DOWN) },
		{ AF_INET, "198.51.100.1", false, 3, WRONG(DEVICE_DOWN) },
		{ AF_INET, "0.0.0.0", false, 9, WRONG(WRONG_DEVICE) }, /* gone */
	};
	struct pc_plan *plan = load("tests/fixtures/engine/reach.conf");
	assert_int_equal(plan->expectations.items[R_REMOTE].peer, PC_PEER_REMOTE);
	assert_int_equal(plan->expectations.items[R_REMOTE].peer_family, PC_PEER_IPV4);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_reach(plan, R_REMOTE, &cases[i], true);
	pc_plan_unref(plan);
}

static void peer_family_says_which_family_counts(void **unused)
{
	(void)unused;
	static const struct reach_case ipv6[] = {
		{ AF_INET6, "::", false, 0, OK },
		{ AF_INET6, "::", true, 0, OK },
		{ AF_INET6, "2001:db8::10", true, 0, OK },
		{ AF_INET, "0.0.0.0", false, 0, WRONG(IPV4_ONLY) },
		{ AF_INET, "192.0.2.10", false, 0, WRONG(IPV4_ONLY) },
		{ AF_INET6, "::ffff:192.0.2.10", false, 0, WRONG(IPV4_ONLY) },
		{ AF_INET6, "::1", true, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "2001:db8::99", true, 0, WRONG(NOT_LOCAL_ADDRESS) },
		{ AF_INET6, "fe80::10", true, 2, WRONG(LINK_LOCAL_ONLY) },
	};
	static const struct reach_case any[] = {
		{ AF_INET, "0.0.0.0", false, 0, OK },
		{ AF_INET6, "::", true, 0, OK },
		{ AF_INET6, "::", false, 0, OK },
		{ AF_INET6, "2001:db8::10", true, 0, OK },
		{ AF_INET, "127.0.0.1", false, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "::1", true, 0, WRONG(LOOPBACK_ONLY) },
	};
	struct pc_plan *plan = load("tests/fixtures/engine/reach.conf");
	assert_int_equal(plan->expectations.items[R_REMOTE6].peer_family, PC_PEER_IPV6);
	assert_int_equal(plan->expectations.items[R_REMOTE_ANY].peer_family, PC_PEER_ANY);
	for (size_t i = 0; i < sizeof(ipv6) / sizeof(ipv6[0]); i++)
		check_reach(plan, R_REMOTE6, &ipv6[i], true);
	for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++)
		check_reach(plan, R_REMOTE_ANY, &any[i], true);
	pc_plan_unref(plan);
}

/* Peers on this host: loopback is where they connect. */
static void local_peers_accept_loopback(void **unused)
{
	(void)unused;
	static const struct reach_case cases[] = {
		{ AF_INET, "127.0.0.1", false, 0, OK },
		{ AF_INET6, "::1", true, 0, OK },
		{ AF_INET, "0.0.0.0", false, 1, OK }, /* bound to lo */
		{ AF_INET6, "::", true, 0, OK },
		{ AF_INET, "0.0.0.0", false, 0, OK },
	};
	struct pc_plan *plan = load("tests/fixtures/engine/reach.conf");
	assert_int_equal(plan->expectations.items[R_LOCAL].peer, PC_PEER_LOCAL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_reach(plan, R_LOCAL, &cases[i], true);
	pc_plan_unref(plan);
}

/* When the collector could not read the host's addresses and devices,
 * nothing is judged on them; what the address itself says still holds. */
static void unknown_host_addresses_give_the_benefit_of_the_doubt(void **unused)
{
	(void)unused;
	static const struct reach_case cases[] = {
		{ AF_INET, "203.0.113.9", false, 0, OK },
		{ AF_INET, "0.0.0.0", false, 9, OK },
		{ AF_INET, "127.0.0.1", false, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "::", true, 0, WRONG(IPV6_ONLY) },
	};
	struct pc_plan *plan = load("tests/fixtures/engine/reach.conf");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_reach(plan, R_REMOTE, &cases[i], false);
	pc_plan_unref(plan);
}

/* A reachable listener beside an unreachable one serves; the reason
 * comes and goes with the status, and a fix is one restore. */
static void a_reachable_listener_wins_and_a_fix_is_restored(void **unused)
{
	(void)unused;
	struct run r;
	struct pc_plan *plan = load("tests/fixtures/engine/reach.conf");
	static const char *const loopback[] = { "tcp 127.0.0.1 42028", "tcp 127.0.0.1 42029",
						"tcp * 42030", "tcp * 42031" };
	static const char *const both[] = { "tcp 127.0.0.1 42028", "tcp * 42028",
					    "tcp 127.0.0.1 42029", "tcp * 42030", "tcp * 42031" };
	run_init(&r, plan, 1);
	const struct pc_evaluation *e = poll_with(&r, loopback, 4, NULL, NULL);
	assert_int_equal(e->expect[R_REMOTE].status, PC_PORT_WRONG_ADDRESS);
	assert_int_equal(e->expect[R_REMOTE].problem, PC_PROBLEM_LOOPBACK_ONLY);
	assert_int_equal(e->expect[R_LOCAL].status, PC_PORT_PRESENT);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 1);
	e = poll_with(&r, both, 5, NULL, NULL);
	assert_int_equal(e->expect[R_REMOTE].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[R_REMOTE].problem, PC_PROBLEM_NONE);
	char where[64];
	pc_endpoint_format_addr(&r.snap.listeners[e->expect[R_REMOTE].listener].local, where,
				sizeof(where));
	assert_string_equal(where, "*");
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 1);
	assert_int_equal(find_event(e, PC_EVENT_RESTORED)->problem, PC_PROBLEM_NONE);
	run_free(&r);
	pc_plan_unref(plan);
}

static void problem_names_match_the_mib(void **unused)
{
	(void)unused;
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_NONE), "none");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_LOOPBACK_ONLY), "loopbackOnly");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_LINK_LOCAL_ONLY), "linkLocalOnly");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_IPV6_ONLY), "ipv6Only");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_IPV4_ONLY), "ipv4Only");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_NOT_LOCAL_ADDRESS), "notLocalAddress");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_WRONG_DEVICE), "wrongDevice");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_DEVICE_DOWN), "deviceDown");
	assert_string_equal(pc_address_problem_name(PC_PROBLEM_NOT_BIND_ADDRESS), "notBindAddress");
	assert_string_equal(pc_address_problem_text(PC_PROBLEM_LOOPBACK_ONLY), "listens on loopback only");
	assert_string_equal(pc_address_problem_text(PC_PROBLEM_NONE), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(before_the_first_poll_everything_is_unknown),
		cmocka_unit_test(every_listener_in_place_is_compliant),
		cmocka_unit_test(hold_down_then_missing_then_restored),
		cmocka_unit_test(a_restart_within_hold_down_raises_nothing),
		cmocka_unit_test(absent_at_start_is_unknown_until_hold_down),
		cmocka_unit_test(an_optional_port_missing_only_degrades),
		cmocka_unit_test(bind_address_decides_wrong_address),
		cmocka_unit_test(any_port_of_a_range_will_do),
		cmocka_unit_test(listeners_are_expected_ignored_or_unexpected),
		cmocka_unit_test(a_known_process_is_announced_at_once),
		cmocka_unit_test(connect_rules_follow_the_setting),
		cmocka_unit_test(a_site_port_without_number_is_unconfigured),
		cmocka_unit_test(instances_are_sorted_named_and_judged),
		cmocka_unit_test(flapping_is_reported_once_until_it_settles),
		cmocka_unit_test(flapping_ends_only_after_a_quiet_window),
		cmocka_unit_test(a_reload_carries_results_over),
		cmocka_unit_test(a_blind_agent_says_unknown_and_comes_back),
		cmocka_unit_test(a_permit_never_goes_missing_or_restored),
		cmocka_unit_test(a_listener_in_a_permit_range_is_unexpected_but_classed),
		cmocka_unit_test(the_trust_switch_silences_a_permit_range),
		cmocka_unit_test(range_notifications_carry_the_real_port),
		cmocka_unit_test(names_match_the_mib),
		cmocka_unit_test(the_owner_user_and_process_holding_is_present),
		cmocka_unit_test(another_user_holding_a_port_is_wrong_owner),
		cmocka_unit_test(a_foreign_socket_beside_the_owners_is_wrong_owner),
		cmocka_unit_test(another_process_holding_a_port_is_wrong_owner),
		cmocka_unit_test(an_unnamed_process_is_wrong_owner_only_after_a_wait),
		cmocka_unit_test(without_an_owner_anyone_will_do),
		cmocka_unit_test(remote_ipv4_peers_need_a_reachable_listener),
		cmocka_unit_test(peer_family_says_which_family_counts),
		cmocka_unit_test(local_peers_accept_loopback),
		cmocka_unit_test(unknown_host_addresses_give_the_benefit_of_the_doubt),
		cmocka_unit_test(a_reachable_listener_wins_and_a_fix_is_restored),
		cmocka_unit_test(problem_names_match_the_mib),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
