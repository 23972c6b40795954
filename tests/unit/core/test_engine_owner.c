/* SPDX-License-Identifier: ISC */
/* Who holds an expected port (engine_owner.c): the owner-user and
 * owner-process of tests/fixtures/engine/host-owner.conf against the users
 * and processes of hand-made listeners. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_run.h"

/* host-owner.conf: svc's and bound's ports belong to uid 1001, svc's
 * optional port also to the process svcd. Its plan's indices: */
enum { O_REQ, O_OPT, O_HEARTBEAT, O_UPSTREAM, O_PICKED, O_API };

/* One listener's holders, as the collector would have named them: the
 * first, and another when other_pid is not 0; complete unless naming says
 * otherwise. */
struct held {
	uint16_t port;
	int32_t pid;
	const char *process;
	int32_t other_pid;
	const char *other_process;
	enum pc_naming naming; /* 0: complete */
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
		for (size_t i = 0; i < snap.n_listeners; i++) {
			if (snap.listeners[i].local.port != held[k].port)
				continue;
			struct pc_holder h[2] = { { .pid = held[k].pid }, { .pid = held[k].other_pid } };
			snprintf(h[0].process, PC_PROCESS_MAX, "%s", held[k].process ? held[k].process : "");
			snprintf(h[1].process, PC_PROCESS_MAX, "%s",
				 held[k].other_process ? held[k].other_process : "");
			size_t n = held[k].pid == 0 ? 0 : held[k].other_pid == 0 ? 1 : 2;
			enum pc_naming naming = held[k].naming != 0 ? held[k].naming : PC_NAMING_COMPLETE;
			assert_int_equal(pc_listener_set_holders(&snap, &snap.listeners[i], naming, h, n), 0);
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
static const struct held svcd = { 7002, 300, "svcd", 0, NULL, 0 };

static void the_owner_user_and_process_holding_is_present(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e = poll_owned(r, owned_right, OWNED_RIGHT, &svcd, 1);
	assert_int_equal(r->plan->expectations.items[O_REQ].owner_uid, 1001);
	assert_string_equal(r->plan->expectations.items[O_OPT].owner_process, "svcd");
	assert_null(r->plan->expectations.items[O_REQ].owner_process);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_HEARTBEAT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_API].status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_COMPLIANT);
}

/* A required port bound by another user is an alarm at once (no
 * hold-down: the port is not missing, it is taken), notified like a
 * missing one, and restored when its owner holds it again. */
static void another_user_holding_a_port_is_wrong_owner(void **state)
{
	struct run *r = *state;
	poll_owned(r, owned_right, OWNED_RIGHT, &svcd, 1);

	const char *const forged[] = { "tcp 0.0.0.0 7001 uid=65534", owned_right[1], owned_right[2],
				       owned_right[3] };
	const struct pc_evaluation *e = poll_owned(r, forged, 4, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(r->snap.listeners[e->expect[O_REQ].listener].uid, 65534);
	assert_int_equal(e->host, PC_NON_COMPLIANT);
	assert_int_equal(e->missing, 1);
	assert_int_equal(e->roles[0].missing, 1);
	const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_int_equal(ev->status, PC_PORT_WRONG_OWNER);
	assert_int_equal(ev->port, 7001);

	/* Still held by the other user: nothing new. */
	e = poll_owned(r, forged, 4, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);

	e = poll_owned(r, owned_right, OWNED_RIGHT, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 1);
	assert_int_equal(e->host, PC_COMPLIANT);
}

/* Beside the owner's socket, another user's on the same port takes part
 * of the traffic: a specific address next to the wildcard, or a row whose
 * sockets belong to several users. The holder shown is the intruder. */
static void a_foreign_socket_beside_the_owners_is_wrong_owner(void **state)
{
	struct run *r = *state;
	const char *const beside[] = { owned_right[0], "tcp 127.0.0.1 7001 uid=65534",
				       owned_right[1], owned_right[2], owned_right[3] };
	const struct pc_evaluation *e = poll_owned(r, beside, 5, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(r->snap.listeners[e->expect[O_REQ].listener].uid, 65534);

	const char *const shared[] = { owned_right[0], owned_right[1], "udp * 7150 uid=1001",
				       "udp * 7150 uid=65534", owned_right[3] };
	e = poll_owned(r, shared, 5, &svcd, 1);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_HEARTBEAT].status, PC_PORT_WRONG_OWNER);
	/* On another address than bind-address, a foreign socket is no rival. */
	const char *const elsewhere[] = { owned_right[0], owned_right[1], owned_right[2],
					  owned_right[3], "tcp 10.0.0.2 7400 uid=65534" };
	e = poll_owned(r, elsewhere, 5, &svcd, 1);
	assert_int_equal(e->expect[O_API].status, PC_PORT_PRESENT);
}

/* The right user, the wrong process: wrongOwner, which only degrades an
 * optional port. */
static void another_process_holding_a_port_is_wrong_owner(void **state)
{
	struct run *r = *state;
	const struct held nc = { 7002, 4242, "nc", 0, NULL, 0 };
	const struct pc_evaluation *e = poll_owned(r, owned_right, OWNED_RIGHT, &nc, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(e->expect[O_REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_DEGRADED);
}

/* No name is not a wrong name. A process naming has not covered yet
 * (pending: its walks are paced) keeps a new port pending and a known one
 * as it was, for as long as it takes: no timer turns it into wrongOwner. */
static void an_unnamed_process_waits_for_naming_however_long(void **state)
{
	struct run *r = *state;
	const struct held pending = { 7002, 0, NULL, 0, NULL, PC_NAMING_PENDING };
	const struct pc_evaluation *e = poll_owned(r, owned_right, OWNED_RIGHT, &pending, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PENDING);
	assert_int_equal(e->expect[O_OPT].owner_check, PC_OWNER_CHECK_PENDING);
	assert_true(e->recheck_soon);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
	e = poll_owned(r, owned_right, OWNED_RIGHT, &svcd, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_OPT].owner_check, PC_OWNER_CHECK_MATCHED);
	/* Known, then not covered again (a restarted service, not walked
	 * yet), for two minutes of polls: it stays present. */
	for (int polls = 0; polls < 120; polls++) {
		e = poll_owned(r, owned_right, OWNED_RIGHT, &pending, 1);
		assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
		assert_true(e->recheck_soon);
		assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
	}
	/* A walk of every process found only nc: now it is wrong. */
	const struct held nc = { 7002, 4242, "nc", 0, NULL, 0 };
	e = poll_owned(r, owned_right, OWNED_RIGHT, &nc, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 1);
}

/* Naming that cannot tell (its helper stopped or dead, a process that may
 * not be read) makes the owner unknown: the port is served, never
 * wrongOwner, and what was said before stands. */
static void naming_that_cannot_tell_leaves_the_owner_unknown(void **state)
{
	struct run *r = *state;
	static const enum pc_naming cannot[] = { PC_NAMING_UNAVAILABLE, PC_NAMING_DENIED };
	for (size_t k = 0; k < 2; k++) {
		const struct held unknown = { 7002, 0, NULL, 0, NULL, cannot[k] };
		const struct pc_evaluation *e = poll_owned(r, owned_right, OWNED_RIGHT, &unknown, 1);
		assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
		assert_int_equal(e->expect[O_OPT].owner_check, PC_OWNER_CHECK_UNKNOWN);
		assert_int_equal(count_events(e, PC_EVENT_MISSING), 0);
		assert_int_equal(e->host, PC_COMPLIANT);
	}
	/* Wrong, then unknown: still wrong, no restore. */
	const struct held nc = { 7002, 4242, "nc", 0, NULL, 0 };
	const struct held unavailable = { 7002, 0, NULL, 0, NULL, PC_NAMING_UNAVAILABLE };
	const struct pc_evaluation *e = poll_owned(r, owned_right, OWNED_RIGHT, &nc, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_WRONG_OWNER);
	e = poll_owned(r, owned_right, OWNED_RIGHT, &unavailable, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 0);
}

/* Every holder counts: a supervisor that opened the socket (lower pid)
 * and the service it started both hold it; the port is the service's. The
 * result names the holder that matched. Only some holders known (a find
 * walk) and none of them the owner: pending, not wrong, until a walk of
 * every process says. */
static void any_holder_running_the_owner_process_will_do(void **state)
{
	struct run *r = *state;
	const struct held both = { 7002, 1, "systemd", 300, "svcd", 0 };
	const struct pc_evaluation *e = poll_owned(r, owned_right, OWNED_RIGHT, &both, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_OPT].owner_check, PC_OWNER_CHECK_MATCHED);
	assert_int_equal(e->expect[O_OPT].owner_holder.pid, 300);
	assert_string_equal(e->expect[O_OPT].owner_holder.process, "svcd");
	assert_int_equal(r->snap.listeners[e->expect[O_OPT].listener].pid, 1);

	const struct held some = { 7002, 1, "systemd", 0, NULL, PC_NAMING_PARTIAL };
	e = poll_owned(r, owned_right, OWNED_RIGHT, &some, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[O_OPT].owner_check, PC_OWNER_CHECK_PENDING);

	const struct held supervisor_only = { 7002, 1, "systemd", 0, NULL, 0 };
	e = poll_owned(r, owned_right, OWNED_RIGHT, &supervisor_only, 1);
	assert_int_equal(e->expect[O_OPT].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(e->expect[O_OPT].owner_check, PC_OWNER_CHECK_WRONG);
	assert_int_equal(e->expect[O_OPT].owner_holder.pid, 1);
}

/* A range rule with an owner judges every listener in its range, not
 * the first: root on 7101 is right, nobody on 7150 is an intruder. */
static void a_range_rule_judges_every_listener_in_it(void **state)
{
	struct run *r = *state;
	const char *const ranged[] = { owned_right[0], owned_right[1], "udp * 7101 uid=1001",
				       "udp * 7150 uid=65534", owned_right[3] };
	const struct pc_evaluation *e = poll_owned(r, ranged, 5, &svcd, 1);
	assert_int_equal(e->expect[O_HEARTBEAT].status, PC_PORT_WRONG_OWNER);
	assert_int_equal(r->snap.listeners[e->expect[O_HEARTBEAT].listener].local.port, 7150);
	assert_int_equal(r->snap.listeners[e->expect[O_HEARTBEAT].listener].uid, 65534);
	assert_int_equal(e->host, PC_NON_COMPLIANT);
	const struct pc_event *ev = find_event(e, PC_EVENT_MISSING);
	assert_non_null(ev);
	assert_int_equal(ev->listener_port, 7150);

	const char *const mine[] = { owned_right[0], owned_right[1], "udp * 7101 uid=1001",
				     "udp * 7150 uid=1001", owned_right[3] };
	e = poll_owned(r, mine, 5, &svcd, 1);
	assert_int_equal(e->expect[O_HEARTBEAT].status, PC_PORT_PRESENT);
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 1);
}

/* Without owner-user or owner-process, whoever holds a port makes it
 * present, as before. */
static void without_an_owner_anyone_will_do(void **state)
{
	struct run *r = *state;
	const char *const anyone[] = { "tcp 0.0.0.0 7001 uid=65534", "tcp 0.0.0.0 7002 uid=1",
				       "udp * 7150 uid=65534", "tcp 10.0.0.1 7400 uid=4242",
				       "tcp * 8011 uid=7",     "tcp * 8031 uid=65534" };
	const struct pc_evaluation *e = poll_owned(r, anyone, 6, NULL, 0);
	assert_null(r->plan->expectations.items[REQ].owner_user);
	assert_false(r->plan->expectations.items[REQ].owner_uid_set);
	assert_int_equal(e->expect[REQ].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[OPT].status, PC_PORT_PRESENT);
	assert_int_equal(e->host, PC_COMPLIANT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RUN_TEST(the_owner_user_and_process_holding_is_present, "host-owner.conf", 2),
		RUN_TEST(another_user_holding_a_port_is_wrong_owner, "host-owner.conf", 2),
		RUN_TEST(a_foreign_socket_beside_the_owners_is_wrong_owner, "host-owner.conf", 2),
		RUN_TEST(another_process_holding_a_port_is_wrong_owner, "host-owner.conf", 2),
		RUN_TEST(an_unnamed_process_waits_for_naming_however_long, "host-owner.conf", 2),
		RUN_TEST(naming_that_cannot_tell_leaves_the_owner_unknown, "host-owner.conf", 2),
		RUN_TEST(any_holder_running_the_owner_process_will_do, "host-owner.conf", 2),
		RUN_TEST(a_range_rule_judges_every_listener_in_it, "host-owner.conf", 2),
		RUN_TEST(without_an_owner_anyone_will_do, "host.conf", 2),
	};
	return cmocka_run_group_tests_name("engine: owners", tests, NULL, NULL);
}
