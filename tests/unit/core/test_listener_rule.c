/* SPDX-License-Identifier: ISC */
/* listener_rule.c: which sockets are listeners. TCP in LISTEN always; a
 * bound UDP socket unless its port is one the kernel hands clients by
 * itself (inside the ephemeral range, not reserved) and no listen rule
 * names it; and the snapshot without the others. The collector's marks
 * are set by hand here (test_procnet reads them from a /proc tree). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/listener_rule.h"
#include "engine_run.h"

/* One row: "udp 0.0.0.0 40025" marked with ephemeral. */
static struct pc_listener row(const char *spec, enum pc_ephemeral ephemeral)
{
	struct pc_snapshot snap = { 0 };
	add(&snap, spec);
	struct pc_listener l = snap.listeners[0];
	l.ephemeral = (uint8_t)ephemeral;
	pc_snapshot_clear(&snap);
	return l;
}

static void reasons(void **unused)
{
	(void)unused;
	struct pc_plan *plan = load("tests/fixtures/engine/udp-rule.conf");
	const struct pc_expectations *exps = &plan->expectations;
	static const struct {
		const char *spec;
		enum pc_ephemeral ephemeral;
		enum pc_listen_reason want;
	} cases[] = {
		/* TCP in LISTEN, wherever its port. */
		{ "tcp 0.0.0.0 45000", PC_EPHEMERAL_NOT_UDP, PC_LISTEN_TCP },
		{ "udp 0.0.0.0 123", PC_EPHEMERAL_OUTSIDE, PC_LISTEN_FIXED_PORT },
		{ "udp * 45000", PC_EPHEMERAL_RESERVED, PC_LISTEN_RESERVED_PORT },
		{ "udp 0.0.0.0 45001", PC_EPHEMERAL_UNKNOWN, PC_LISTEN_RANGE_UNKNOWN },
		/* Never marked (a snapshot made by hand): nothing is known either. */
		{ "udp 0.0.0.0 45002", PC_EPHEMERAL_NOT_UDP, PC_LISTEN_RANGE_UNKNOWN },
		/* Inside the range: expected ports, single or in a range rule... */
		{ "udp 0.0.0.0 40025", PC_EPHEMERAL_INSIDE, PC_LISTEN_EXPECTED_PORT },
		{ "udp [::] 39500", PC_EPHEMERAL_INSIDE, PC_LISTEN_EXPECTED_PORT },
		{ "udp * 39999", PC_EPHEMERAL_INSIDE, PC_LISTEN_EXPECTED_PORT },
		{ "udp 127.0.0.1 7150", PC_EPHEMERAL_INSIDE, PC_LISTEN_EXPECTED_PORT },
		{ "udp 0.0.0.0 137", PC_EPHEMERAL_INSIDE, PC_LISTEN_EXPECTED_PORT },
		/* ...and a client's: no rule, only a permit range, a TCP
		 * rule's port, a connect rule's port, just past a range. */
		{ "udp 0.0.0.0 40026", PC_EPHEMERAL_INSIDE, PC_NOT_LISTENER_EPHEMERAL_PORT },
		{ "udp 0.0.0.0 136", PC_EPHEMERAL_INSIDE, PC_NOT_LISTENER_EPHEMERAL_PORT },
		{ "udp 0.0.0.0 7001", PC_EPHEMERAL_INSIDE, PC_NOT_LISTENER_EPHEMERAL_PORT },
		{ "udp 0.0.0.0 7300", PC_EPHEMERAL_INSIDE, PC_NOT_LISTENER_EPHEMERAL_PORT },
		{ "udp 0.0.0.0 40000", PC_EPHEMERAL_INSIDE, PC_NOT_LISTENER_EPHEMERAL_PORT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pc_listener l = row(cases[i].spec, cases[i].ephemeral);
		enum pc_listen_reason got = pc_listen_reason_of(&l, exps);
		if (got != cases[i].want)
			fail_msg("%s: %s, not %s", cases[i].spec, pc_listen_reason_name(got),
				 pc_listen_reason_name(cases[i].want));
		assert_int_equal(pc_listen_reason_counts(got),
				 cases[i].want != PC_NOT_LISTENER_EPHEMERAL_PORT);
	}
	/* Without a plan, nothing is expected: a port inside is a client's. */
	struct pc_listener l = row("udp 0.0.0.0 40025", PC_EPHEMERAL_INSIDE);
	assert_int_equal(pc_listen_reason_of(&l, NULL), PC_NOT_LISTENER_EPHEMERAL_PORT);
	pc_plan_unref(plan);
}

static void reason_names(void **unused)
{
	(void)unused;
	assert_string_equal(pc_listen_reason_name(PC_LISTEN_TCP), "listen");
	assert_string_equal(pc_listen_reason_name(PC_LISTEN_FIXED_PORT), "fixed-port");
	assert_string_equal(pc_listen_reason_name(PC_LISTEN_RESERVED_PORT), "reserved-port");
	assert_string_equal(pc_listen_reason_name(PC_LISTEN_EXPECTED_PORT), "expected-port");
	assert_string_equal(pc_listen_reason_name(PC_LISTEN_RANGE_UNKNOWN), "range-unknown");
	assert_string_equal(pc_listen_reason_name(PC_NOT_LISTENER_EPHEMERAL_PORT), "ephemeral-port");
}

/* The clients leave the snapshot, counted; the listeners keep their
 * order (the MIB's index order). */
static void keep_listeners(void **unused)
{
	(void)unused;
	struct pc_plan *plan = load("tests/fixtures/engine/udp-rule.conf");
	static const struct {
		const char *spec;
		enum pc_ephemeral ephemeral;
	} rows[] = {
		{ "tcp 0.0.0.0 41000", PC_EPHEMERAL_NOT_UDP }, { "udp 0.0.0.0 123", PC_EPHEMERAL_OUTSIDE },
		{ "udp 0.0.0.0 40025", PC_EPHEMERAL_INSIDE }, { "udp 0.0.0.0 51000", PC_EPHEMERAL_INSIDE },
		{ "udp 0.0.0.0 52000", PC_EPHEMERAL_INSIDE }, { "udp 127.0.0.1 45000", PC_EPHEMERAL_RESERVED },
		{ "udp [::1] 53000", PC_EPHEMERAL_INSIDE },
	};
	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		add(&snap, rows[i].spec);
	pc_snapshot_finish(&snap);
	for (size_t i = 0; i < snap.n_listeners; i++)
		for (size_t j = 0; j < sizeof(rows) / sizeof(rows[0]); j++)
			if (snap.listeners[i].local.port == atoi(strrchr(rows[j].spec, ' ') + 1))
				snap.listeners[i].ephemeral = (uint8_t)rows[j].ephemeral;
	pc_snapshot_keep_listeners(&snap, &plan->expectations);
	assert_int_equal(snap.udp_clients, 3);
	static const uint16_t kept[] = { 41000, 123, 40025, 45000 };
	assert_int_equal(snap.n_listeners, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(snap.listeners[i].local.port, kept[i]);
	for (size_t i = 1; i < snap.n_listeners; i++)
		assert_true(pc_endpoint_cmp(&snap.listeners[i - 1].local, &snap.listeners[i].local) < 0);
	pc_snapshot_clear(&snap);
	pc_plan_unref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reasons),
		cmocka_unit_test(reason_names),
		cmocka_unit_test(keep_listeners),
	};
	return cmocka_run_group_tests_name("core: which sockets are listeners", tests, NULL, NULL);
}
