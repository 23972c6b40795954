/* SPDX-License-Identifier: ISC */
/* The plan's ports and the listeners on them (engine_ports.c): judging an
 * expectation among the listeners on the plan's ports, and classifying a
 * listener by the plan's port bitmaps, gives what a look at every
 * listener and every expectation gives, in the same order, on busy
 * snapshots of every plan kind: ports, ranges, a bind address, connect
 * rules, owners, an ignore, permit ranges trusted or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/engine_internal.h"
#include "engine_run.h"

static const char *const plans[] = {
	"tests/fixtures/engine/host.conf",	   "tests/fixtures/engine/host-owner.conf",
	"tests/fixtures/engine/permit.conf",	   "tests/fixtures/engine/permit-trusted.conf",
	"tests/fixtures/engine/permit-trust-rule.conf", "tests/fixtures/engine/reach.conf",
};

/* A busy host: every expected port (and its neighbours) under several
 * addresses, and thousands of listeners elsewhere, some in the ranges. */
static void busy_snapshot(const struct pc_plan *plan, struct pc_snapshot *snap, uint32_t seed)
{
	static const char *const addresses[] = { "0.0.0.0", "127.0.0.1", "10.0.0.1", "10.0.0.2",
						 "*",	    "[::]",	 "[::1]",    "[::ffff:10.0.0.1]" };
	char spec[96];
	for (size_t k = 0; k < plan->expectations.n; k++) {
		const struct pc_expectation *e = &plan->expectations.items[k];
		for (int d = -1; d <= 1; d++)
			for (size_t a = 0; a < 8; a += 3) {
				snprintf(spec, sizeof(spec), "%s %s %d uid=%u",
					 e->protocol == IPPROTO_TCP ? "tcp" : "udp", addresses[a],
					 (int)e->port + d, 1000u + (unsigned)a);
				if ((int)e->port + d > 0)
					add(snap, spec);
			}
	}
	for (int i = 0; i < 4000; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned port = 1 + (seed >> 8) % 40000;
		snprintf(spec, sizeof(spec), "%s %s %u uid=%u", (seed >> 3) & 1 ? "tcp" : "udp",
			 addresses[(seed >> 4) % 8], port, 1000u + (seed >> 20) % 3);
		add(snap, spec);
	}
	pc_snapshot_finish(snap);
	/* Named holders for the owner checks: some the owner's, some not. */
	for (size_t i = 0; i < snap->n_listeners; i++) {
		struct pc_holder h = { .pid = 100 + (int32_t)(i % 7) };
		snprintf(h.process, sizeof(h.process), "%s", i % 3 ? "svcd" : "other");
		assert_int_equal(pc_listener_set_holders(snap, &snap->listeners[i], PC_NAMING_COMPLETE,
							 &h, 1),
				 0);
	}
}

static void same_listener_for_every_expectation(void **state)
{
	(void)state;
	for (size_t p = 0; p < sizeof(plans) / sizeof(plans[0]); p++) {
		struct pc_plan *plan = load(plans[p]);
		struct pc_snapshot snap = { 0 };
		busy_snapshot(plan, &snap, (uint32_t)p + 1);
		struct pc_engine_ports *ports = pc_engine_ports_build(&plan->expectations, &snap);
		assert_non_null(ports);
		assert_true(ports->n_listeners < snap.n_listeners);
		struct pc_engine_settings settings = { .hold_down = 1, .flap_window = 20 };
		struct pc_evaluation out = { 0 };
		out.listeners = calloc(snap.n_listeners + 1, sizeof(*out.listeners));
		assert_non_null(out.listeners);
		struct pc_engine_context all = { .plan = plan, .settings = &settings, .snap = &snap,
						 .out = &out };
		struct pc_engine_context indexed = all;
		indexed.ports = ports;
		for (size_t k = 0; k < plan->expectations.n; k++) {
			const struct pc_expectation *e = &plan->expectations.items[k];
			int32_t where_all, where_indexed;
			enum pc_address_problem why_all, why_indexed;
			pc_engine_find_listener(e, &snap, NULL, &where_all, &why_all);
			pc_engine_find_listener(e, &snap, ports, &where_indexed, &why_indexed);
			if (where_all != where_indexed || why_all != why_indexed)
				fail_msg("%s, rule %s: listener %d (%d) by the index, %d (%d) by a scan",
					 plans[p], e->rule, where_indexed, why_indexed, where_all,
					 why_all);
			struct pc_expect_result r_all = { .listener = where_all },
						r_indexed = { .listener = where_all };
			enum pc_owner_verdict v_all = pc_engine_check_owner(&all, k, &r_all);
			enum pc_owner_verdict v_indexed = pc_engine_check_owner(&indexed, k, &r_indexed);
			assert_int_equal(v_all, v_indexed);
			assert_int_equal(r_all.listener, r_indexed.listener);
			assert_int_equal(r_all.owner_check, r_indexed.owner_check);
			assert_int_equal(r_all.owner_holder.pid, r_indexed.owner_holder.pid);
		}
		pc_engine_ports_free(ports);
		free(out.listeners);
		pc_snapshot_clear(&snap);
		pc_plan_unref(plan);
	}
}

static void same_class_for_every_listener(void **state)
{
	(void)state;
	for (size_t p = 0; p < sizeof(plans) / sizeof(plans[0]); p++) {
		struct pc_plan *plan = load(plans[p]);
		struct pc_snapshot snap = { 0 };
		busy_snapshot(plan, &snap, 100 + (uint32_t)p);
		struct pc_engine_ports *ports = pc_engine_ports_build(&plan->expectations, &snap);
		assert_non_null(ports);
		struct pc_engine_settings settings = { .hold_down = 1, .flap_window = 20 };
		struct pc_evaluation by_scan = { 0 }, by_index = { 0 };
		by_scan.listeners = calloc(snap.n_listeners + 1, sizeof(*by_scan.listeners));
		by_index.listeners = calloc(snap.n_listeners + 1, sizeof(*by_index.listeners));
		assert_true(by_scan.listeners != NULL && by_index.listeners != NULL);
		struct pc_engine_context scan = { .plan = plan, .settings = &settings, .snap = &snap,
						  .out = &by_scan };
		struct pc_engine_context index = scan;
		index.ports = ports;
		index.out = &by_index;
		assert_int_equal(pc_engine_classify_listeners(&scan, NULL, NULL), 0);
		assert_int_equal(pc_engine_classify_listeners(&index, NULL, NULL), 0);
		size_t classes[8] = { 0 };
		for (size_t i = 0; i < snap.n_listeners; i++) {
			if (by_scan.listeners[i].class != by_index.listeners[i].class ||
			    by_scan.listeners[i].expectation != by_index.listeners[i].expectation)
				fail_msg("%s, listener %zu (port %u): class %d (expectation %d) by the "
					 "index, %d (%d) by a scan",
					 plans[p], i, snap.listeners[i].local.port,
					 by_index.listeners[i].class, by_index.listeners[i].expectation,
					 by_scan.listeners[i].class, by_scan.listeners[i].expectation);
			classes[by_scan.listeners[i].class % 8]++;
		}
		assert_int_equal(by_scan.unexpected, by_index.unexpected);
		assert_true(classes[PC_CLASS_EXPECTED] > 0 && classes[PC_CLASS_UNEXPECTED] > 0);
		free(by_scan.listeners);
		free(by_index.listeners);
		pc_engine_ports_free(ports);
		pc_snapshot_clear(&snap);
		pc_plan_unref(plan);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_listener_for_every_expectation),
		cmocka_unit_test(same_class_for_every_listener),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
