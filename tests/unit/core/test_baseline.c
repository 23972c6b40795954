/* SPDX-License-Identifier: ISC */
/* baseline.c: the listeners seen and who held them. A listener is known
 * when its endpoint's last holder had its user and process name; a poll
 * records every listener whose announcement is settled; names fill in,
 * never go blank; the least recently seen go beyond the bound; the file's
 * order is the age order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/baseline.h"
#include "engine_run.h"

/* A finished snapshot of specs ("tcp 0.0.0.0 22 uid=5"), every row held by
 * process (NULL: not named). */
static struct pc_snapshot snapshot(const char *const *specs, size_t n, const char *process)
{
	struct pc_snapshot snap = { 0 };
	for (size_t i = 0; i < n; i++)
		add(&snap, specs[i]);
	pc_snapshot_finish(&snap);
	for (size_t i = 0; process != NULL && i < snap.n_listeners; i++) {
		snap.listeners[i].pid = 100;
		snprintf(snap.listeners[i].process, sizeof(snap.listeners[i].process), "%s", process);
	}
	return snap;
}

/* An evaluation of snap where every listener has class, announced or not. */
static struct pc_evaluation judged(const struct pc_snapshot *snap, enum pc_listener_class class,
				   bool announced)
{
	struct pc_evaluation eval = { 0 };
	eval.n_listeners = snap->n_listeners;
	eval.listeners = calloc(snap->n_listeners + 1, sizeof(*eval.listeners));
	assert_non_null(eval.listeners);
	for (size_t i = 0; i < snap->n_listeners; i++) {
		eval.listeners[i].class = class;
		eval.listeners[i].announced = announced;
	}
	return eval;
}

static void record(struct pc_baseline *b, const char *const *specs, size_t n, const char *process,
		   enum pc_listener_class class, bool announced)
{
	struct pc_snapshot snap = snapshot(specs, n, process);
	struct pc_evaluation eval = judged(&snap, class, announced);
	assert_int_equal(pc_baseline_record(b, &snap, &eval), 0);
	pc_evaluation_free(&eval);
	pc_snapshot_clear(&snap);
}

/* Whether b knows the one listener of spec, held by process (NULL: not
 * named), by its process name or (by_user) by its user alone. */
static bool known_as(const struct pc_baseline *b, const char *spec, const char *process,
		     bool by_user)
{
	struct pc_snapshot snap = snapshot(&spec, 1, process);
	bool known = pc_baseline_knows(b, &snap.listeners[0], !by_user);
	pc_snapshot_clear(&snap);
	return known;
}

static bool knows(const struct pc_baseline *b, const char *spec, const char *process)
{
	return known_as(b, spec, process, false);
}

static void same_endpoint_user_and_program(void **unused)
{
	(void)unused;
	struct pc_baseline b;
	pc_baseline_init(&b);
	static const char *const snmpd[] = { "udp 127.0.0.1 1161", "tcp 0.0.0.0 199" };
	record(&b, snmpd, 2, "snmpd", PC_CLASS_UNEXPECTED, true);
	assert_true(b.changed);
	assert_false(b.primed);
	assert_true(knows(&b, "udp 127.0.0.1 1161", "snmpd"));
	assert_true(knows(&b, "tcp 0.0.0.0 199", "snmpd"));
	assert_false(knows(&b, "udp 127.0.0.1 1161", "imposter")); /* another program */
	assert_false(knows(&b, "udp 127.0.0.1 1161 uid=65534", "snmpd")); /* another user */
	assert_false(knows(&b, "udp 127.0.0.1 1161", NULL)); /* the program cannot be told */
	/* Processes not named at all (resolve-processes off): the user decides. */
	assert_true(known_as(&b, "udp 127.0.0.1 1161", NULL, true));
	assert_false(known_as(&b, "udp 127.0.0.1 1161 uid=65534", NULL, true));
	assert_false(knows(&b, "udp 127.0.0.2 1161", "snmpd")); /* another address */
	assert_false(knows(&b, "udp 127.0.0.1 1162", "snmpd")); /* another port */
	assert_false(knows(&b, "tcp 127.0.0.1 1161", "snmpd")); /* another protocol */
	assert_false(knows(&b, "udp [::1] 1161", "snmpd")); /* another family */
	pc_baseline_free(&b);
}

/* An unnamed listener is never known as the same program, whatever was
 * seen before; a name seen later fills the identity in, and is not
 * blanked by a later poll that could not name it. */
static void names_fill_in(void **unused)
{
	(void)unused;
	struct pc_baseline b;
	pc_baseline_init(&b);
	static const char *const svc[] = { "tcp 0.0.0.0 7001" };
	record(&b, svc, 1, NULL, PC_CLASS_EXPECTED, false);
	assert_false(knows(&b, "tcp 0.0.0.0 7001", NULL));
	assert_false(knows(&b, "tcp 0.0.0.0 7001", "svc"));
	assert_true(known_as(&b, "tcp 0.0.0.0 7001", NULL, true));
	b.changed = false;
	record(&b, svc, 1, "svc", PC_CLASS_EXPECTED, false);
	assert_true(b.changed);
	assert_true(knows(&b, "tcp 0.0.0.0 7001", "svc"));
	b.changed = false;
	record(&b, svc, 1, NULL, PC_CLASS_EXPECTED, false);
	assert_false(b.changed);
	assert_true(knows(&b, "tcp 0.0.0.0 7001", "svc"));
	/* Another user takes the endpoint: it is the identity now, unnamed. */
	static const char *const other[] = { "tcp 0.0.0.0 7001 uid=65534" };
	record(&b, other, 1, NULL, PC_CLASS_UNEXPECTED, true);
	assert_true(b.changed);
	assert_false(knows(&b, "tcp 0.0.0.0 7001", "svc"));
	assert_false(known_as(&b, "tcp 0.0.0.0 7001", NULL, true));
	assert_true(known_as(&b, "tcp 0.0.0.0 7001 uid=65534", NULL, true));
	/* Seen again the same: nothing to write. */
	b.changed = false;
	record(&b, other, 1, NULL, PC_CLASS_UNEXPECTED, true);
	assert_false(b.changed);
	pc_baseline_free(&b);
}

/* An unexpected listener still waiting for its name is not settled: it
 * is recorded once the engine has decided about it. */
static void only_settled_listeners(void **unused)
{
	(void)unused;
	struct pc_baseline b;
	pc_baseline_init(&b);
	static const char *const one[] = { "tcp 0.0.0.0 9999" };
	record(&b, one, 1, NULL, PC_CLASS_UNEXPECTED, false);
	record(&b, one, 1, NULL, PC_CLASS_IN_PERMIT, false);
	assert_int_equal(b.n, 0);
	assert_false(b.changed);
	record(&b, one, 1, NULL, PC_CLASS_UNEXPECTED, true);
	assert_int_equal(b.n, 1);
	record(&b, one, 1, NULL, PC_CLASS_IGNORED, false); /* never announced: settled */
	record(&b, one, 1, NULL, PC_CLASS_TRUSTED_PERMIT, false);
	assert_int_equal(b.n, 1);
	pc_baseline_free(&b);
}

/* Beyond max, the least recently seen go; those of the last poll stay. */
static void bounded(void **unused)
{
	(void)unused;
	struct pc_baseline b;
	pc_baseline_init(&b);
	b.max = 3;
	static const char *const old[] = { "tcp 0.0.0.0 1", "tcp 0.0.0.0 2" };
	static const char *const mid[] = { "tcp 0.0.0.0 3" };
	static const char *const now[] = { "tcp 0.0.0.0 4", "tcp 0.0.0.0 5" };
	record(&b, old, 2, "a", PC_CLASS_EXPECTED, false);
	record(&b, mid, 1, "a", PC_CLASS_EXPECTED, false);
	b.changed = false;
	record(&b, now, 2, "a", PC_CLASS_EXPECTED, false);
	assert_true(b.changed);
	assert_int_equal(b.n, 3);
	assert_false(knows(&b, "tcp 0.0.0.0 1", "a"));
	assert_false(knows(&b, "tcp 0.0.0.0 2", "a"));
	assert_true(knows(&b, "tcp 0.0.0.0 3", "a"));
	assert_true(knows(&b, "tcp 0.0.0.0 4", "a"));
	assert_true(knows(&b, "tcp 0.0.0.0 5", "a"));
	/* Still sorted: every one is found. */
	for (size_t i = 1; i < b.n; i++)
		assert_true(pc_endpoint_cmp(&b.entries[i - 1].local, &b.entries[i].local) < 0);
	pc_baseline_free(&b);
}

/* A host with more listeners than max offers the same ones every poll:
 * the same ones are cut each time, and nothing changes, so nothing is
 * written again. A listener that goes, or one more, is a change. */
static void bounded_without_churn(void **unused)
{
	(void)unused;
	struct pc_baseline b;
	pc_baseline_init(&b);
	b.max = 3;
	static const char *const five[] = { "tcp 0.0.0.0 1", "tcp 0.0.0.0 2", "tcp 0.0.0.0 3",
					    "tcp 0.0.0.0 4", "tcp 0.0.0.0 5" };
	record(&b, five, 5, "a", PC_CLASS_EXPECTED, false);
	assert_true(b.changed);
	assert_int_equal(b.n, 3);
	for (int poll = 0; poll < 3; poll++) {
		b.changed = false;
		record(&b, five, 5, "a", PC_CLASS_EXPECTED, false);
		assert_false(b.changed);
		assert_int_equal(b.n, 3);
	}
	/* 5 goes: 4, 3 and 2 are kept now, where 5, 4 and 3 were. */
	record(&b, five, 4, "a", PC_CLASS_EXPECTED, false);
	assert_true(b.changed);
	assert_true(knows(&b, "tcp 0.0.0.0 2", "a"));
	b.changed = false;
	static const char *const six[] = { "tcp 0.0.0.0 6" };
	record(&b, six, 1, "a", PC_CLASS_EXPECTED, false);
	assert_true(b.changed);
	assert_true(knows(&b, "tcp 0.0.0.0 6", "a"));
	pc_baseline_free(&b);
}

/* Beyond max, over many polls of a busy host (more listeners than max in
 * one poll, endpoints going and coming back): what stays is always the
 * max most recently seen, the highest endpoints first among those seen
 * in the same poll, each with its last identity: what a baseline without
 * a bound keeps, cut by age. */
static void bounded_as_cut_by_age(void **unused)
{
	(void)unused;
	struct pc_baseline b, all;
	pc_baseline_init(&b);
	pc_baseline_init(&all);
	b.max = 50;
	char specs[200][48];
	const char *poll[200];
	uint32_t seed = 7;
	for (int pass = 0; pass < 40; pass++) {
		size_t n = 0;
		seed = seed * 1103515245u + 12345u;
		size_t want = (seed >> 16) % 130;
		for (size_t k = 0; k < 200 && n < want; k++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 12) % 3 != 0)
				continue;
			snprintf(specs[n], sizeof(specs[n]), "%s 0.0.0.0 %zu uid=%u",
				 k % 2 ? "tcp" : "udp", 1000 + k, (seed >> 20) % 2);
			poll[n] = specs[n];
			n++;
		}
		const char *process = pass % 3 ? "a" : "b";
		record(&b, poll, n, process, PC_CLASS_EXPECTED, false);
		record(&all, poll, n, process, PC_CLASS_EXPECTED, false);
		const struct pc_baseline_entry **by_age = pc_baseline_by_age(&all);
		assert_non_null(by_age);
		size_t keep = all.n < b.max ? all.n : b.max;
		assert_int_equal(b.n, keep);
		for (size_t i = all.n - keep; i < all.n; i++) {
			const struct pc_baseline_entry *e = pc_baseline_find(&b, &by_age[i]->local);
			if (e == NULL)
				fail_msg("pass %d: port %u, among the %zu most recent, is forgotten", pass,
					 by_age[i]->local.port, keep);
			assert_int_equal(e->uid, by_age[i]->uid);
			assert_string_equal(e->process, by_age[i]->process);
			assert_true(e->seen == by_age[i]->seen);
		}
		free(by_age);
		for (size_t i = 1; i < b.n; i++)
			assert_true(pc_endpoint_cmp(&b.entries[i - 1].local, &b.entries[i].local) < 0);
	}
	pc_baseline_free(&b);
	pc_baseline_free(&all);
}

/* Loading: the order of the calls is the age; an endpoint given twice
 * keeps its later identity; by_age gives them back oldest first. */
static void loading_and_age(void **unused)
{
	(void)unused;
	struct pc_baseline b;
	pc_baseline_init(&b);
	static const char *const specs[] = { "tcp 0.0.0.0 30", "udp * 10", "tcp 0.0.0.0 30 uid=7",
					     "tcp 0.0.0.0 20" };
	for (size_t i = 0; i < 4; i++) {
		struct pc_snapshot snap = snapshot(&specs[i], 1, "p");
		assert_int_equal(pc_baseline_add(&b, &snap.listeners[0].local, snap.listeners[0].uid,
						 "p"),
				 0);
		pc_snapshot_clear(&snap);
	}
	pc_baseline_finish(&b);
	assert_int_equal(b.n, 3);
	assert_true(knows(&b, "tcp 0.0.0.0 30 uid=7", "p"));
	assert_false(knows(&b, "tcp 0.0.0.0 30", "p"));
	const struct pc_baseline_entry **by_age = pc_baseline_by_age(&b);
	assert_non_null(by_age);
	assert_int_equal(by_age[0]->local.port, 10);
	assert_int_equal(by_age[1]->local.port, 30);
	assert_int_equal(by_age[2]->local.port, 20);
	free(by_age);
	/* A poll makes what it saw the most recent. */
	static const char *const seen[] = { "udp * 10" };
	record(&b, seen, 1, "p", PC_CLASS_EXPECTED, false);
	by_age = pc_baseline_by_age(&b);
	assert_int_equal(by_age[2]->local.port, 10);
	free(by_age);
	pc_baseline_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_endpoint_user_and_program),
		cmocka_unit_test(names_fill_in),
		cmocka_unit_test(only_settled_listeners),
		cmocka_unit_test(bounded),
		cmocka_unit_test(bounded_without_churn),
		cmocka_unit_test(bounded_as_cut_by_age),
		cmocka_unit_test(loading_and_age),
	};
	return cmocka_run_group_tests_name("core: the baseline of listeners", tests, NULL, NULL);
}
