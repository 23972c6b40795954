/* SPDX-License-Identifier: ISC */
/* Shared by the engine's unit tests (tests/unit/core/test_engine*.c):
 * plans from tests/fixtures/engine, snapshots made by hand, and runs, a
 * sequence of polls each judged against the one before. RUN_TEST gives a
 * test a fresh run on a configuration (its cmocka fixture loads the plan
 * and frees everything after). Include after <cmocka.h>. static inline:
 * each binary takes what it uses. */
#ifndef PC_ENGINE_RUN_H
#define PC_ENGINE_RUN_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/engine.h"
#include "pc_test.h"
#include "plan/plan.h"

static inline struct pc_plan *load(const char *relative)
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
static inline void add(struct pc_snapshot *snap, const char *spec)
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

/* Expectation indices in host.conf's plan (see the fixture). */
enum { REQ, OPT, HEARTBEAT, UPSTREAM, PICKED, BOUND_API, WEB1, WEB3 };

/* Every expected listener of host.conf, where it should be. */
static const char *const everything[] = {
	"tcp 0.0.0.0 7001", "tcp 0.0.0.0 7002", "udp * 7150",
	"tcp 10.0.0.1 7400", "tcp * 8011",	 "tcp * 8031",
};
#define EVERYTHING (sizeof(everything) / sizeof(everything[0]))

/* Expectation indices in permit.conf's plan: role dyn's two rules, a range
 * (any port of it will do) and a permit range. */
enum { DYN_BEAT, DYN_DYNAMIC };

/* The one listener permit.conf expects. */
static const char *const dyn_base[] = { "tcp 0.0.0.0 7550" };

/* A sequence of polls, each judged against the one before. */
struct run {
	struct pc_plan *plan;
	struct pc_engine_settings settings;
	struct pc_snapshot snap;
	struct pc_evaluation eval;
	bool started;
	int64_t now_ms;
};

/* A new run on plan (which the run does not own). */
static inline void run_init(struct run *r, struct pc_plan *plan, unsigned hold_down)
{
	memset(r, 0, sizeof(*r));
	r->plan = plan;
	r->settings.hold_down = hold_down;
	r->settings.flap_threshold = 0;
	r->settings.flap_window = 10;
	r->now_ms = 1000;
}

static inline void run_free(struct run *r)
{
	if (r->started) {
		pc_snapshot_clear(&r->snap);
		pc_evaluation_free(&r->eval);
	}
	r->started = false;
}

/* Judge a finished snapshot (which the run takes) after the previous poll. */
static inline const struct pc_evaluation *judge(struct run *r, struct pc_snapshot snap)
{
	struct pc_evaluation eval;
	r->now_ms += 1000;
	assert_int_equal(pc_engine_evaluate(r->plan, &r->settings, &snap,
					    r->started ? r->plan : NULL,
					    r->started ? &r->snap : NULL,
					    r->started ? &r->eval : NULL, r->now_ms, &eval),
			 0);
	run_free(r);
	r->snap = snap;
	r->eval = eval;
	r->started = true;
	return &r->eval;
}

/* Poll with the listeners given (n_specs of specs, minus the one equal to
 * skip), and extra if not NULL; the run keeps the result. */
static inline const struct pc_evaluation *poll_with(struct run *r, const char *const *specs,
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

static inline size_t count_events(const struct pc_evaluation *e, enum pc_event_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n_events; i++)
		n += e->events[i].type == type;
	return n;
}

static inline const struct pc_event *find_event(const struct pc_evaluation *e,
						enum pc_event_type type)
{
	for (size_t i = 0; i < e->n_events; i++)
		if (e->events[i].type == type)
			return &e->events[i];
	return NULL;
}

/* ---- the fixture: a run on a configuration ---- */

struct run_spec {
	const char *config; /* under tests/fixtures/engine/ */
	unsigned hold_down;
};

static inline int run_setup(void **state)
{
	const struct run_spec *spec = *state;
	char path[256];
	snprintf(path, sizeof(path), "tests/fixtures/engine/%s", spec->config);
	struct run *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	run_init(r, load(path), spec->hold_down);
	*state = r;
	return 0;
}

static inline int run_teardown(void **state)
{
	struct run *r = *state;
	run_free(r);
	pc_plan_unref(r->plan);
	free(r);
	return 0;
}

/* A test given a run (struct run *r = *state) on config, with hold-down. */
#define RUN_TEST(test, config, hold_down)                                              \
	cmocka_unit_test_prestate_setup_teardown(test, run_setup, run_teardown,      \
						 (&(struct run_spec){ config, hold_down }))

#endif
