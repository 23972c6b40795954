/* SPDX-License-Identifier: ISC */
/* The poll thread, driven by a fake collector defined here (the static link
 * then never pulls in the real one): first poll at once, events trigger a
 * poll long before the interval, only the newest state is handed over,
 * failures are counted and logged once, stop() joins cleanly; discovery's
 * verdict waits for hold-down polls, the first one too, and each change
 * is handed over once, as is "off" when a reload turns discovery off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collect.h"
#include "util/log.h"
#include "pc_test.h"
#include "plan/plan.h"
#include "daemon/poller.h"
#include "timing.h"

/* ---- the fake collector ---- */

struct pc_collector {
	int events[2]; /* the test writes to [1] to simulate a destroy event */
};

static struct pc_collector *fake; /* the one the poller opened */
static atomic_int polls_done;
static atomic_bool fail_polls;
static atomic_int failed_polls;
/* Listen as a Router and Logger, instance 2 side a, instead (discovery). */
static atomic_bool router_logger_host;

/* The Router's and Logger's listen ports for instance 2 side a (their
 * required ones and some optional), and the Router's UDP incrp-nic,
 * 40105, inside the ephemeral range. */
static void listen_as_router_logger(struct pc_snapshot *snap)
{
	static const uint16_t tcp[] = { 41084, 41085, 40082, 40083, 40087, 40080, 40081,
					41096, 40106, 40108, 1433 };
	uint8_t any[4] = { 0 };
	for (size_t i = 0; i <= sizeof(tcp) / sizeof(tcp[0]); i++) {
		struct pc_listen_socket socket = { .inode = 100 + i };
		bool udp = i == sizeof(tcp) / sizeof(tcp[0]);
		pc_endpoint_set(&socket.local, udp ? IPPROTO_UDP : IPPROTO_TCP, AF_INET, any, false,
				0, udp ? 40105 : tcp[i]);
		assert_int_equal(pc_snapshot_add_listener(snap, &socket), 0);
	}
	pc_snapshot_finish(snap);
	for (size_t i = 0; i < snap->n_listeners; i++) {
		snap->listeners[i].pid = 4242;
		if (snap->listeners[i].local.proto == IPPROTO_UDP)
			snap->listeners[i].ephemeral = PC_EPHEMERAL_INSIDE;
	}
}

struct pc_collector *pc_collector_open(const struct pc_collector_options *options, char *err,
				       size_t errlen)
{
	(void)options, (void)err, (void)errlen;
	struct pc_collector *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(pipe2(c->events, O_NONBLOCK), 0);
	fake = c;
	return c;
}

int pc_collector_poll(struct pc_collector *c, struct pc_snapshot *snap, char *err, size_t errlen)
{
	(void)c;
	pc_snapshot_clear(snap);
	if (atomic_load(&fail_polls)) {
		snprintf(err, errlen, "netlink: simulated failure");
		atomic_fetch_add(&failed_polls, 1);
		return -1;
	}
	if (atomic_load(&router_logger_host)) {
		listen_as_router_logger(snap);
		atomic_fetch_add(&polls_done, 1);
		return 0;
	}
	struct pc_listen_socket socket = { .inode = 1 };
	uint8_t loopback[4] = { 127, 0, 0, 1 };
	pc_endpoint_set(&socket.local, IPPROTO_TCP, AF_INET, loopback, false, 0,
			(uint16_t)(1000 + atomic_load(&polls_done)));
	assert_int_equal(pc_snapshot_add_listener(snap, &socket), 0);
	pc_snapshot_finish(snap);
	snap->listeners[0].pid = 4242; /* a known process: announced at once */
	snap->errors = 1; /* one skipped record per poll, to check the sum */
	atomic_fetch_add(&polls_done, 1);
	return 0;
}

int pc_collector_set_connect_ports(struct pc_collector *c, const uint16_t *p, size_t n)
{
	(void)c, (void)p, (void)n;
	return 0;
}

int pc_collector_set_watch_ports(struct pc_collector *c, const uint16_t *p, size_t n)
{
	(void)c, (void)p, (void)n;
	return 0;
}

int pc_collector_event_fd(const struct pc_collector *c)
{
	return c->events[0];
}

bool pc_collector_read_events(struct pc_collector *c)
{
	char buf[16];
	bool any = false;
	while (read(c->events[0], buf, sizeof(buf)) > 0)
		any = true;
	return any;
}

enum pc_poll_source pc_collector_source(const struct pc_collector *c)
{
	(void)c;
	return PC_SOURCE_NETLINK;
}

void pc_collector_close(struct pc_collector *c)
{
	close(c->events[0]);
	close(c->events[1]);
	free(c);
	fake = NULL;
}

/* ---- helpers ---- */

static atomic_int failure_lines;

static void count_failures(int level, const char *message)
{
	(void)level;
	if (strstr(message, "simulated failure") != NULL)
		atomic_fetch_add(&failure_lines, 1);
}

/* Wait (generously) for the poller to publish, then take the state. */
static struct pc_state *next_state(struct pc_poller *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = pc_poller_wake_fd(p), .events = POLLIN };
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return NULL;
	return pc_poller_take(p);
}

/* A plan with no roles: every poll is evaluated, nothing is expected. */
static struct pc_plan *plan;

static int load_plan(void **unused)
{
	(void)unused;
	struct pc_diag diag = { 0 };
	plan = pc_plan_load(repo_path("tests/fixtures/config/good-minimal.conf"), &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	return plan != NULL ? 0 : -1;
}

static int free_plan(void **unused)
{
	(void)unused;
	pc_plan_unref(plan);
	return 0;
}

static struct pc_poller *start_with(unsigned interval_ms, unsigned hold_down)
{
	struct pc_poller_settings settings = {
		.plan = plan,
		.engine = { .hold_down = hold_down },
		.interval_ms = interval_ms,
		.recheck_ms = interval_ms,
	};
	char err[128];
	atomic_store(&polls_done, 0);
	atomic_store(&fail_polls, false);
	struct pc_poller *p = pc_poller_start(&settings, err, sizeof(err));
	assert_non_null(p);
	return p;
}

/* How a test's poller polls: its interval, and how many failed polls in
 * a row make it blind. */
struct poller_timing {
	unsigned interval_ms, hold_down;
};

static struct poller_timing every_minute = { 60000, 1 }, every_ms = { 1, 1 },
			    every_minute_blind_after_1000 = { 60000, 1000 },
			    every_20ms_blind_after_3 = { 20, 3 };

/* Fixture: the poller a test drives, started with the timing its entry
 * in main() names, and stopped whatever the test's outcome. */
static int poller_started(void **state)
{
	const struct poller_timing *t = *state;
	*state = start_with(t->interval_ms, t->hold_down);
	return 0;
}

static int poller_stopped(void **state)
{
	pc_poller_stop(*state);
	return 0;
}

#define WITH_POLLER(test, timing)                                                             \
	cmocka_unit_test_prestate_setup_teardown(test, poller_started, poller_stopped, &timing)

/* Every wait is on the fact the test asserts, with a deadline generous
 * enough for a loaded CI machine: a slow run waits longer, it never
 * fails for being slow. */
#define DEADLINE_MS 30000

/* Poll cond every millisecond until it holds; fail at the deadline. */
#define WAIT_UNTIL(cond)                                                               \
	do {                                                                           \
		double deadline_ = now_ms() + DEADLINE_MS;                             \
		while (!(cond)) {                                                      \
			if (now_ms() > deadline_)                                      \
				fail_msg("timed out waiting for %s", #cond);           \
			usleep(1000);                                                  \
		}                                                                      \
	} while (0)

/* The first published state for which fact holds (generous deadline). */
static struct pc_state *state_where(struct pc_poller *p, bool (*fact)(const struct pc_state *))
{
	double deadline = now_ms() + DEADLINE_MS;
	while (now_ms() < deadline) {
		struct pc_state *s = next_state(p, (int)(deadline - now_ms()));
		if (s != NULL && fact(s))
			return s;
		pc_state_unref(s);
	}
	return NULL;
}

/* The compliance changes handed over so far: their count, the last one. */
static size_t take_compliance(struct pc_poller *p, struct pc_event *last)
{
	struct pc_event_box events;
	pc_event_box_init(&events, 0);
	size_t n = pc_poller_take_events(p, &events), found = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pc_event *ev = pc_event_box_at(&events, i);
		if (ev->type == PC_EVENT_COMPLIANCE) {
			*last = *ev;
			found++;
		}
	}
	pc_event_box_clear(&events);
	return found;
}

/* ---- tests ---- */

static void first_poll_runs_at_once(void **state)
{
	struct pc_poller *p = *state;
	struct pc_state *s = next_state(p, DEADLINE_MS);
	assert_non_null(s);
	assert_int_equal(s->poll_count, 1);
	assert_int_equal(s->snap.n_listeners, 1);
	pc_state_unref(s);
}

static void destroy_event_polls_before_the_interval(void **state)
{
	struct pc_poller *p = *state;
	pc_state_unref(next_state(p, DEADLINE_MS));
	assert_int_equal(write(fake->events[1], "x", 1), 1);
	/* With a 60 s interval, a second state can only come from the event. */
	struct pc_state *s = next_state(p, DEADLINE_MS);
	assert_non_null(s);
	assert_int_equal(s->poll_count, 2);
	pc_state_unref(s);
}

static void only_the_newest_state_is_handed_over(void **state)
{
	struct pc_poller *p = *state;
	/* The fake counts a poll before its state is published; the 21st
	 * poll starts only once the 20th state is out. */
	WAIT_UNTIL(atomic_load(&polls_done) >= 21);
	struct pc_state *s = pc_poller_take(p);
	assert_non_null(s);
	/* Intermediate states were dropped, not queued. */
	assert_true(s->poll_count >= 20);
	assert_int_equal(s->poll_errors, s->poll_count);
	pc_state_unref(s);
}

static void failures_are_counted_and_logged_once(void **unused)
{
	(void)unused;
	atomic_store(&failure_lines, 0);
	pc_log_set_sink(count_failures);
	struct pc_poller *p = start_with(1, 1);
	pc_state_unref(next_state(p, DEADLINE_MS));
	atomic_store(&failed_polls, 0);
	atomic_store(&fail_polls, true);
	WAIT_UNTIL(atomic_load(&failed_polls) >= 5);
	atomic_store(&fail_polls, false);
	/* Each failure counts as an error: a state published after them
	 * says so (one published before them may still be waiting). */
	struct pc_state *s = NULL;
	double deadline = now_ms() + DEADLINE_MS;
	while (s == NULL || s->poll_errors <= s->poll_count) {
		if (now_ms() > deadline)
			fail_msg("no state counts the failed polls");
		pc_state_unref(s);
		s = next_state(p, DEADLINE_MS);
	}
	/* The repeated message is logged once. */
	assert_int_equal(atomic_load(&failure_lines), 1);
	pc_state_unref(s);
	pc_poller_stop(p);
	pc_log_set_sink(NULL);
}

static void a_new_plan_is_judged_at_once(void **state)
{
	struct pc_poller *p = *state;
	pc_state_unref(next_state(p, DEADLINE_MS));
	struct pc_poller_settings settings = { .plan = plan, .engine = { .hold_down = 1 },
					       .interval_ms = 60000, .recheck_ms = 60000 };
	pc_poller_reconfigure(p, &settings);
	struct pc_state *s = next_state(p, DEADLINE_MS);
	assert_non_null(s);
	pc_state_unref(s);
}

/* Events survive even when nobody takes the intermediate states. */
static void unknown_listener_appearing_is_one_event(void **state)
{
	struct pc_poller *p = *state;
	pc_state_unref(next_state(p, DEADLINE_MS));
	/* The fake's port changes at every poll: a new unexpected listener. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(write(fake->events[1], "x", 1), 1);
		/* this poll has read the event: the next write makes another */
		WAIT_UNTIL(atomic_load(&polls_done) >= 2 + i);
	}
	/* The fake counts its poll before the events are published: collect
	 * them until the three are there. */
	size_t unexpected = 0;
	uint64_t coalesced = 0;
	double deadline = now_ms() + DEADLINE_MS;
	while (unexpected < 3) {
		if (now_ms() > deadline)
			fail_msg("%zu unexpected-listener events, not 3", unexpected);
		struct pc_event_box events;
		pc_event_box_init(&events, 0);
		size_t n = pc_poller_take_events(p, &events);
		for (size_t i = 0; i < n; i++)
			unexpected += pc_event_box_at(&events, i)->type == PC_EVENT_UNEXPECTED;
		coalesced += events.coalesced;
		pc_event_box_clear(&events);
		if (n == 0)
			usleep(1000);
	}
	assert_int_equal(unexpected, 3);
	assert_int_equal(coalesced, 0);
}

static uint32_t baseline_errors;

static bool errors_grew_verdict_kept(const struct pc_state *s)
{
	return s->poll_errors > baseline_errors && s->eval.host == PC_COMPLIANT;
}

/* A failed poll is counted where pcPollErrors reads it. */
static void a_failed_poll_publishes_its_error(void **state)
{
	struct pc_poller *p = *state;
	struct pc_state *s = next_state(p, DEADLINE_MS);
	assert_non_null(s);
	baseline_errors = s->poll_errors;
	uint32_t polls = s->poll_count;
	pc_state_unref(s);
	atomic_store(&fail_polls, true);
	assert_int_equal(write(fake->events[1], "x", 1), 1);
	s = state_where(p, errors_grew_verdict_kept);
	assert_non_null(s);
	/* Not blind yet (hold-down 1000): the verdict and listeners stay. */
	assert_int_equal(s->poll_count, polls);
	assert_int_equal(s->snap.n_listeners, 1);
	pc_state_unref(s);
}

static bool blind(const struct pc_state *s)
{
	return s->eval.host == PC_COMPLIANCE_UNKNOWN && s->poll_count > 0;
}

static bool seeing(const struct pc_state *s)
{
	return s->eval.host == PC_COMPLIANT;
}

/* Hold-down failures in a row make the agent say it is blind,
 * and its recovery. */
static void hold_down_failures_make_it_blind_until_one_succeeds(void **state)
{
	struct pc_event ev;
	struct pc_poller *p = *state;
	struct pc_state *s = state_where(p, seeing);
	assert_non_null(s);
	uint32_t errors = s->poll_errors, polls = s->poll_count;
	pc_state_unref(s);
	assert_int_equal(take_compliance(p, &ev), 1); /* unknown -> compliant */

	atomic_store(&fail_polls, true);
	s = state_where(p, blind);
	assert_non_null(s);
	assert_true(s->poll_errors >= errors + 3);
	assert_int_equal(s->snap.n_listeners, 0);
	assert_int_equal(s->snap.source, PC_SOURCE_NONE);
	pc_state_unref(s);
	assert_int_equal(take_compliance(p, &ev), 1);
	assert_int_equal(ev.previous, PC_COMPLIANT);
	assert_int_equal(ev.current, PC_COMPLIANCE_UNKNOWN);

	atomic_store(&fail_polls, false);
	s = state_where(p, seeing);
	assert_non_null(s);
	assert_true(s->poll_count > polls);
	pc_state_unref(s);
	assert_int_equal(take_compliance(p, &ev), 1);
	assert_int_equal(ev.previous, PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(ev.current, PC_COMPLIANT);
}

/* The discovery events handed over so far: their count, the last one. */
static size_t take_discovery(struct pc_poller *p, struct pc_event *last)
{
	struct pc_event_box events;
	pc_event_box_init(&events, 0);
	size_t n = pc_poller_take_events(p, &events), found = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pc_event *ev = pc_event_box_at(&events, i);
		if (ev->type == PC_EVENT_DISCOVERY) {
			*last = *ev;
			found++;
		}
	}
	pc_event_box_clear(&events);
	return found;
}

static struct pc_plan *load_fixture(const char *path)
{
	struct pc_diag diag = { 0 };
	struct pc_plan *loaded = pc_plan_load(repo_path(path), &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	assert_non_null(loaded);
	return loaded;
}

/* The first state of a poll after poll `after`. */
static struct pc_state *state_where_after(struct pc_poller *p, uint32_t after)
{
	struct pc_state *s = NULL;
	double deadline = now_ms() + DEADLINE_MS;
	while (s == NULL || s->poll_count <= after) {
		if (now_ms() > deadline)
			fail_msg("no poll after poll %u", after);
		pc_state_unref(s);
		s = next_state(p, DEADLINE_MS);
	}
	return s;
}

/* One poll more (a destroy event), and its state. */
static struct pc_state *poll_again(struct pc_poller *p, uint32_t after)
{
	assert_int_equal(write(fake->events[1], "x", 1), 1);
	return state_where_after(p, after);
}

/* The configuration states the Logger alone; the host runs a Router too.
 * With hold-down 3 the first two polls publish unknown, the third
 * differs, told once; more polls tell nothing; a reload that turns
 * discovery off tells "off". The Router's UDP 40105, a client's socket
 * for the listener rule, is counted by discovery only. */
static void the_first_verdict_waits_for_hold_down(void **unused)
{
	(void)unused;
	struct pc_plan *logger = load_fixture("tests/fixtures/report/discover-logger.conf");
	struct pc_poller_settings settings = { .plan = logger, .engine = { .hold_down = 3 },
					       .interval_ms = 60000, .recheck_ms = 60000 };
	char err[128];
	atomic_store(&polls_done, 0);
	atomic_store(&fail_polls, false);
	atomic_store(&router_logger_host, true);
	struct pc_poller *p = pc_poller_start(&settings, err, sizeof(err));
	assert_non_null(p);
	struct pc_event ev;

	struct pc_state *s = next_state(p, DEADLINE_MS);
	assert_non_null(s);
	assert_int_equal(s->poll_count, 1);
	assert_int_equal(s->discovery.verdict, PC_DISCOVER_UNKNOWN);
	assert_int_equal(s->snap.n_listeners, 11); /* UDP 40105: a client's */
	assert_int_equal(s->discovery.listeners, 12); /* ...but the catalog names it */
	assert_string_equal(s->discovery.configured_words.roles, "icm-logger");
	for (uint32_t poll = 2; poll <= 3; poll++) {
		uint32_t after = s->poll_count;
		pc_state_unref(s);
		s = poll_again(p, after);
		assert_int_equal(s->discovery.verdict,
				 s->poll_count < 3 ? PC_DISCOVER_UNKNOWN : PC_DISCOVER_DIFFERS);
	}
	assert_int_equal(take_discovery(p, &ev), 1);
	assert_int_equal(ev.verdict_previous, PC_DISCOVER_UNKNOWN);
	assert_int_equal(ev.verdict, PC_DISCOVER_DIFFERS);
	assert_string_equal(ev.best.roles, "icm-router icm-logger");
	assert_string_equal(ev.best.instances, "2 2");
	assert_string_equal(ev.configured.roles, "icm-logger");

	uint32_t after = s->poll_count;
	pc_state_unref(s);
	s = poll_again(p, after);
	assert_int_equal(s->discovery.verdict, PC_DISCOVER_DIFFERS);
	assert_int_equal(take_discovery(p, &ev), 0);

	struct pc_plan *off = load_fixture("tests/fixtures/report/discover-off.conf");
	settings.plan = off;
	pc_poller_reconfigure(p, &settings);
	after = s->poll_count;
	pc_state_unref(s);
	s = state_where_after(p, after);
	assert_int_equal(s->discovery.verdict, PC_DISCOVER_OFF);
	assert_int_equal(s->discovery.n_candidates, 0);
	assert_int_equal(take_discovery(p, &ev), 1);
	assert_int_equal(ev.verdict_previous, PC_DISCOVER_DIFFERS);
	assert_int_equal(ev.verdict, PC_DISCOVER_OFF);
	pc_state_unref(s);
	pc_poller_stop(p);
	atomic_store(&router_logger_host, false);
	pc_plan_unref(logger);
	pc_plan_unref(off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		WITH_POLLER(first_poll_runs_at_once, every_minute),
		WITH_POLLER(destroy_event_polls_before_the_interval, every_minute),
		WITH_POLLER(only_the_newest_state_is_handed_over, every_ms),
		cmocka_unit_test(failures_are_counted_and_logged_once),
		WITH_POLLER(a_new_plan_is_judged_at_once, every_minute),
		WITH_POLLER(unknown_listener_appearing_is_one_event, every_minute),
		WITH_POLLER(a_failed_poll_publishes_its_error, every_minute_blind_after_1000),
		WITH_POLLER(hold_down_failures_make_it_blind_until_one_succeeds,
			    every_20ms_blind_after_3),
		cmocka_unit_test(the_first_verdict_waits_for_hold_down),
	};
	return cmocka_run_group_tests_name("poller", tests, load_plan, free_plan);
}
