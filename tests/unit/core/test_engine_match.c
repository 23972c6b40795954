/* SPDX-License-Identifier: ISC */
/* Can a listener serve an expectation, and if not, why (engine_match.c):
 * ports and ranges, bind addresses, and every way a listener can be out
 * of its peers' reach (tests/fixtures/engine/reach.conf), judged on
 * hand-made snapshots of a host with known addresses and devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_run.h"

static void bind_address_decides_wrong_address(void **state)
{
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
	struct run *r = *state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_free(r);
		run_init(r, r->plan, 2); /* each case a first poll */
		const struct pc_evaluation *e = poll_with(r, everything, EVERYTHING,
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
	}
}

static void any_port_of_a_range_will_do(void **state)
{
	struct run *r = *state;
	const struct pc_evaluation *e =
		poll_with(r, everything, EVERYTHING, "udp * 7150", "udp 0.0.0.0 7199");
	assert_int_equal(e->expect[HEARTBEAT].status, PC_PORT_PRESENT);
	e = poll_with(r, everything, EVERYTHING, "udp * 7150", "udp 0.0.0.0 7200");
	assert_int_equal(e->expect[HEARTBEAT].status, PC_PORT_MISSING);
	assert_int_equal(e->unexpected, 1);
}

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

/* Each kind of address on ctios-server 42028 (IPv4 peers), then every other
 * way a listener can be out of a remote peer's reach. */
static void remote_ipv4_peers_need_a_reachable_listener(void **state)
{
	struct run *r = *state;
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
	assert_int_equal(r->plan->expectations.items[R_REMOTE].peer, PC_PEER_REMOTE);
	assert_int_equal(r->plan->expectations.items[R_REMOTE].peer_family, PC_PEER_IPV4);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_reach(r->plan, R_REMOTE, &cases[i], true);
}

static void peer_family_says_which_family_counts(void **state)
{
	struct run *r = *state;
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
	assert_int_equal(r->plan->expectations.items[R_REMOTE6].peer_family, PC_PEER_IPV6);
	assert_int_equal(r->plan->expectations.items[R_REMOTE_ANY].peer_family, PC_PEER_ANY);
	for (size_t i = 0; i < sizeof(ipv6) / sizeof(ipv6[0]); i++)
		check_reach(r->plan, R_REMOTE6, &ipv6[i], true);
	for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++)
		check_reach(r->plan, R_REMOTE_ANY, &any[i], true);
}

/* Peers on this host: loopback is where they connect. */
static void local_peers_accept_loopback(void **state)
{
	struct run *r = *state;
	static const struct reach_case cases[] = {
		{ AF_INET, "127.0.0.1", false, 0, OK },
		{ AF_INET6, "::1", true, 0, OK },
		{ AF_INET, "0.0.0.0", false, 1, OK }, /* bound to lo */
		{ AF_INET6, "::", true, 0, OK },
		{ AF_INET, "0.0.0.0", false, 0, OK },
	};
	assert_int_equal(r->plan->expectations.items[R_LOCAL].peer, PC_PEER_LOCAL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_reach(r->plan, R_LOCAL, &cases[i], true);
}

/* When the collector could not read the host's addresses and devices,
 * nothing is judged on them; what the address itself says still holds. */
static void unknown_host_addresses_give_the_benefit_of_the_doubt(void **state)
{
	struct run *r = *state;
	static const struct reach_case cases[] = {
		{ AF_INET, "203.0.113.9", false, 0, OK },
		{ AF_INET, "0.0.0.0", false, 9, OK },
		{ AF_INET, "127.0.0.1", false, 0, WRONG(LOOPBACK_ONLY) },
		{ AF_INET6, "::", true, 0, WRONG(IPV6_ONLY) },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_reach(r->plan, R_REMOTE, &cases[i], false);
}

/* A reachable listener beside an unreachable one serves; the reason
 * comes and goes with the status, and a fix is one restore. */
static void a_reachable_listener_wins_and_a_fix_is_restored(void **state)
{
	struct run *r = *state;
	static const char *const loopback[] = { "tcp 127.0.0.1 42028", "tcp 127.0.0.1 42029",
						"tcp * 42030", "tcp * 42031" };
	static const char *const both[] = { "tcp 127.0.0.1 42028", "tcp * 42028",
					    "tcp 127.0.0.1 42029", "tcp * 42030", "tcp * 42031" };
	const struct pc_evaluation *e = poll_with(r, loopback, 4, NULL, NULL);
	assert_int_equal(e->expect[R_REMOTE].status, PC_PORT_WRONG_ADDRESS);
	assert_int_equal(e->expect[R_REMOTE].problem, PC_PROBLEM_LOOPBACK_ONLY);
	assert_int_equal(e->expect[R_LOCAL].status, PC_PORT_PRESENT);
	assert_int_equal(count_events(e, PC_EVENT_MISSING), 1);
	e = poll_with(r, both, 5, NULL, NULL);
	assert_int_equal(e->expect[R_REMOTE].status, PC_PORT_PRESENT);
	assert_int_equal(e->expect[R_REMOTE].problem, PC_PROBLEM_NONE);
	char where[64];
	pc_endpoint_format_addr(&r->snap.listeners[e->expect[R_REMOTE].listener].local, where,
				sizeof(where));
	assert_string_equal(where, "*");
	assert_int_equal(count_events(e, PC_EVENT_RESTORED), 1);
	assert_int_equal(find_event(e, PC_EVENT_RESTORED)->problem, PC_PROBLEM_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RUN_TEST(bind_address_decides_wrong_address, "host.conf", 2),
		RUN_TEST(any_port_of_a_range_will_do, "host.conf", 1),
		RUN_TEST(remote_ipv4_peers_need_a_reachable_listener, "reach.conf", 1),
		RUN_TEST(peer_family_says_which_family_counts, "reach.conf", 1),
		RUN_TEST(local_peers_accept_loopback, "reach.conf", 1),
		RUN_TEST(unknown_host_addresses_give_the_benefit_of_the_doubt, "reach.conf", 1),
		RUN_TEST(a_reachable_listener_wins_and_a_fix_is_restored, "reach.conf", 1),
	};
	return cmocka_run_group_tests_name("engine: matching", tests, NULL, NULL);
}
