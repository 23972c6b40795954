/* SPDX-License-Identifier: ISC */
/* Discovery on snapshots made from the shipped catalog's own plans: every
 * role at a spread of instances, sides and slots comes out as itself (or as
 * a tie the result names), combined hosts as one candidate, the true
 * assignment stays first with ports missing and strangers listening, and
 * the configured roles are judged against the best candidates; UDP
 * sockets on ports of the ephemeral range that the catalog names are
 * kept for discovery where the listener rule drops them; candidates and
 * configured roles in words, as the MIB and the notification carry them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/discover.h"
#include "core/listener_rule.h"
#include "plan/catalog_load.h"
#include "pc_test.h"

static struct pc_catalog *catalog;
static struct pc_discover_index *ix;

static int setup(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *dir = repo_path("conf/catalog");
	catalog = pc_catalog_load(&dir, 1, &diag);
	pc_diag_clear(&diag);
	if (catalog == NULL)
		return -1;
	ix = pc_discover_index_build(catalog);
	return ix == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	pc_discover_index_free(ix);
	pc_catalog_free(catalog);
	return 0;
}

static void listen_on(struct pc_snapshot *snap, uint8_t proto, uint16_t port)
{
	struct pc_listen_socket s = { 0 };
	uint32_t any = 0;
	pc_endpoint_set(&s.local, proto, AF_INET, &any, false, 0, port);
	s.inode = (uint64_t)proto << 16 | port;
	assert_int_equal(pc_snapshot_add_listener(snap, &s), 0);
}

/* Is port a single-port feature of any class? A range's stand-in must
 * not be, or it would speak for another role too. */
static bool single_port_feature(uint8_t proto, uint16_t port)
{
	for (size_t f = 0; f < ix->n_features; f++)
		if (ix->features[f].protocol == proto && ix->features[f].port == port &&
		    ix->features[f].port_last == port)
			return true;
	return false;
}

/* Opens the plan's listen ports: each port, and one port of each range.
 * keep: 0..100, the share of required ports opened (optional ones always). */
static size_t open_plan(struct pc_snapshot *snap, const struct pc_expectations *exps, int keep,
			unsigned *seed)
{
	size_t opened = 0;
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *x = &exps->items[i];
		if (x->direction != PC_DIR_LISTEN ||
		    (x->match != PC_MATCH_PORT && x->match != PC_MATCH_ANY_IN_RANGE))
			continue;
		if (x->required && (int)(rand_r(seed) % 100) >= keep)
			continue;
		uint16_t port = x->port;
		while (x->match == PC_MATCH_ANY_IN_RANGE && port < x->port_last &&
		       single_port_feature(x->protocol, port))
			port++;
		listen_on(snap, x->protocol, port);
		opened++;
	}
	return opened;
}

static struct pc_expectations plan_of(const char *role, int instance, enum pc_side side, int slot)
{
	struct pc_expectations exps;
	struct pc_diag diag = { 0 };
	int rc = pc_expect_role(catalog, role, instance, side, slot, 0, "test", &exps, &diag);
	pc_diag_clear(&diag);
	assert_int_equal(rc, 0);
	return exps;
}

static bool pick_holds(const struct pc_discover_pick *p, const struct pc_role *role, int instance,
		       enum pc_side side, int slot)
{
	return p->role == role && (instance < 0 || (p->instances & (1u << instance))) &&
	       (side == PC_SIDE_NONE || (p->sides & PC_SIDE_BIT(side))) &&
	       (slot <= 0 || (p->slots & (1u << slot)));
}

/* The rank (1-based) of a candidate made of exactly these assignments, 0: none. */
struct want {
	const char *role;
	int instance;
	enum pc_side side;
	int slot;
};

static size_t rank_of(const struct pc_discovery *d, const struct want *w, size_t n)
{
	for (size_t r = 0; r < d->n_candidates; r++) {
		const struct pc_discover_candidate *c = &d->candidates[r];
		if (c->n_picks != n)
			continue;
		size_t held = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < c->n_picks; k++)
				if (pick_holds(&c->picks[k], pc_catalog_find_role(catalog, w[i].role),
					       w[i].instance, w[i].side, w[i].slot)) {
					held++;
					break;
				}
		if (held == n)
			return r + 1;
	}
	return 0;
}

static void discover(const struct pc_snapshot *snap, struct pc_discovery *d)
{
	struct pc_discover_params params = { .max_candidates = PC_DISCOVER_CANDIDATES_MAX };
	assert_int_equal(pc_discover_run(ix, snap, &params, d), 0);
}

/* First, or tied with the first and saying so. */
static void assert_best(const struct pc_discovery *d, const struct want *w, size_t n,
			const char *what)
{
	size_t rank = rank_of(d, w, n);
	if (rank == 0 || (rank > 1 && (d->candidates[rank - 1].score != d->candidates[0].score ||
				       d->candidates[rank - 1].tie_with == 0))) {
		fprintf(stderr, "%s: found at rank %zu; candidate 1 is", what, rank);
		for (size_t i = 0; d->n_candidates && i < d->candidates[0].n_picks; i++)
			fprintf(stderr, " %s", d->candidates[0].picks[i].role->name);
		fprintf(stderr, "\n");
		fail();
	}
}

static void test_classes_are_products(void **state)
{
	(void)state;
	assert_true(ix->n_classes > 100);
	for (size_t i = 0; i < ix->n_classes; i++) {
		const struct pc_discover_class *c = &ix->classes[i];
		uint32_t product = (uint32_t)(c->instances ? __builtin_popcount(c->instances) : 1) *
				   (uint32_t)(c->sides ? __builtin_popcount(c->sides) : 1) *
				   (uint32_t)(c->slots ? __builtin_popcount(c->slots) : 1);
		if (product != c->n_assignments)
			fail_msg("class %zu of %s is not a product", i, c->role->name);
	}
}

/* Specificity: an instance-moved port weighs more than one that many
 * classes share. */
static void test_weights(void **state)
{
	(void)state;
	uint32_t rpc = 0, logger = 0;
	for (size_t f = 0; f < ix->n_features; f++) {
		const struct pc_discover_feature *x = &ix->features[f];
		if (x->protocol == IPPROTO_TCP && x->port == 135 && x->port_last == 135)
			rpc = x->weight;
		if (x->protocol == IPPROTO_TCP && x->port == 40026 && x->port_last == 40026)
			logger = x->weight;
	}
	assert_int_equal(logger, PC_DISCOVER_UNIT);
	assert_true(rpc > 0 && rpc * 4 <= logger);
}

static void check_assignment(const struct pc_role *role, int instance, enum pc_side side, int slot)
{
	struct pc_expectations exps = plan_of(role->name, instance, side, slot);
	struct pc_snapshot snap = { 0 };
	unsigned seed = 1;
	size_t opened = open_plan(&snap, &exps, 100, &seed);
	pc_expectations_free(&exps);
	pc_snapshot_finish(&snap);
	struct pc_discovery d;
	discover(&snap, &d);
	char what[128];
	snprintf(what, sizeof(what), "%s instance %d side %s slot %d", role->name, instance,
		 side ? pc_side_name(side) : "-", slot);
	if (opened == 0) {
		assert_int_equal(d.n_candidates, 0); /* nothing to go by */
	} else {
		struct want w = { role->name, instance, side, slot };
		assert_best(&d, &w, 1, what);
		assert_int_equal(d.candidates[0].unexplained, 0);
	}
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);
}

static void test_every_role(void **state)
{
	(void)state;
	static const int instances[] = { 0, 1, 7, 24 };
	size_t cases = 0;
	for (size_t r = 0; r < catalog->n_roles; r++) {
		const struct pc_role *role = &catalog->roles[r];
		for (size_t i = 0; i < (role->takes_instance ? 4u : 1u); i++)
			for (int s = 0; s < PC_SIDE_COUNT; s++) {
				if (role->sides ? !(role->sides & PC_SIDE_BIT(s)) : s != 0)
					continue;
				for (int k = 0; k <= PC_SLOT_MAX; k++) {
					if (role->slots ? !(role->slots & (1u << k)) : k != 0)
						continue;
					check_assignment(role, role->takes_instance ? instances[i] : -1,
							 (enum pc_side)s, k);
					cases++;
				}
			}
	}
	assert_true(cases > 200);
}

static void check_combined(const struct want *w, size_t n)
{
	struct pc_snapshot snap = { 0 };
	unsigned seed = 1;
	for (size_t i = 0; i < n; i++) {
		struct pc_expectations exps = plan_of(w[i].role, w[i].instance, w[i].side, w[i].slot);
		open_plan(&snap, &exps, 100, &seed);
		pc_expectations_free(&exps);
	}
	pc_snapshot_finish(&snap);
	struct pc_discovery d;
	discover(&snap, &d);
	assert_int_equal(rank_of(&d, w, n), 1);
	assert_int_equal(d.candidates[0].unexplained, 0);
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);
}

static void test_combined_hosts(void **state)
{
	(void)state;
	const struct want router_logger[] = { { "icm-router", 0, PC_SIDE_A, 0 },
					      { "icm-logger", 0, PC_SIDE_A, 0 } };
	const struct want router_logger_b3[] = { { "icm-router", 3, PC_SIDE_B, 0 },
						 { "icm-logger", 3, PC_SIDE_B, 0 } };
	const struct want pg_cti[] = { { "icm-pg", 1, PC_SIDE_B, 1 },
				       { "cti-server", 1, PC_SIDE_B, 1 },
				       { "ctios-server", 1, PC_SIDE_B, 1 } };
	const struct want distributor_aw[] = { { "icm-distributor", 0, PC_SIDE_PRIMARY, 0 },
					       { "webview", -1, PC_SIDE_NONE, 0 } };
	check_combined(router_logger, 2);
	check_combined(router_logger_b3, 2);
	check_combined(pg_cti, 3);
	check_combined(distributor_aw, 2);
}

/* A port no class expects: noise that must explain nothing. */
static uint16_t stranger(unsigned *seed)
{
	for (;;) {
		uint16_t port = (uint16_t)(1024 + rand_r(seed) % 60000);
		bool known = false;
		for (size_t f = 0; f < ix->n_features && !known; f++)
			known = ix->features[f].protocol == IPPROTO_TCP &&
				port >= ix->features[f].port && port <= ix->features[f].port_last;
		if (!known)
			return port;
	}
}

static void test_missing_and_strangers(void **state)
{
	(void)state;
	const struct want truth[] = { { "icm-router", 2, PC_SIDE_A, 0 },
				      { "icm-logger", 2, PC_SIDE_A, 0 } };
	for (unsigned seed = 1; seed <= 20; seed++) {
		unsigned s = seed;
		struct pc_snapshot snap = { 0 };
		for (size_t i = 0; i < 2; i++) {
			struct pc_expectations exps =
				plan_of(truth[i].role, truth[i].instance, truth[i].side, 0);
			open_plan(&snap, &exps, 70, &s); /* 30% of required ports missing */
			pc_expectations_free(&exps);
		}
		for (int k = 0; k < 20; k++)
			listen_on(&snap, IPPROTO_TCP, stranger(&s));
		pc_snapshot_finish(&snap);
		struct pc_discovery d;
		discover(&snap, &d);
		assert_int_equal(rank_of(&d, truth, 2), 1);
		assert_true(d.candidates[0].unexplained >= 20);
		/* clearly ahead: by more than one port only one class expects */
		if (d.n_candidates > 1)
			assert_true(d.candidates[0].score - d.candidates[1].score > PC_DISCOVER_UNIT);
		pc_discovery_free(&d);
		pc_snapshot_clear(&snap);
	}
}

/* CTI OS listens on 42028 whatever its instance, side and slot: one class,
 * and the result says why it cannot choose. */
static void test_ambiguity_is_stated(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	listen_on(&snap, IPPROTO_TCP, 42028);
	pc_snapshot_finish(&snap);
	struct pc_discovery d;
	discover(&snap, &d);
	assert_true(d.n_candidates >= 1);
	const struct pc_discover_pick *p = &d.candidates[0].picks[0];
	assert_string_equal(p->role->name, "ctios-server");
	assert_int_equal(p->sides, PC_SIDE_BIT(PC_SIDE_A) | PC_SIDE_BIT(PC_SIDE_B));
	char why[128];
	pc_discover_format_ambiguity(p, why, sizeof(why));
	assert_non_null(strstr(why, "the side"));
	assert_non_null(strstr(why, "the instance"));
	/* the configuration it would write: the lowest of each */
	assert_int_equal(p->assignment.instance, 0);
	assert_int_equal(p->assignment.side, PC_SIDE_A);
	assert_int_equal(p->assignment.slot, 1);
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);
}

/* Two roles that expect exactly the same ports tie, and the tie says that
 * no listener tells them apart; two that differ say by which ports. */
static void test_ties_are_named(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	listen_on(&snap, IPPROTO_TCP, 80);
	pc_snapshot_finish(&snap);
	struct pc_discovery d;
	discover(&snap, &d);
	assert_true(d.n_candidates >= 2);
	/* Each candidate that explains it as well as a better-placed one says
	 * so, naming the best-placed of them. */
	for (size_t r = 1; r < d.n_candidates; r++) {
		size_t tie = d.candidates[r].tie_with;
		size_t first = 0;
		while (d.candidates[first].score != d.candidates[r].score)
			first++;
		assert_int_equal(tie, first < r ? first + 1 : 0);
	}
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);

}

/* Two classes that share the listening port and differ in an optional
 * one each: tied, and the tie names the ports that would tell them apart.
 * A hand-made index, so that nothing else of the catalog interferes. */
static void test_tie_names_the_difference(void **state)
{
	(void)state;
	struct pc_discover_feature features[] = {
		{ IPPROTO_TCP, 1000, 1000, 2, PC_DISCOVER_UNIT / 2 },
		{ IPPROTO_TCP, 2000, 2000, 1, PC_DISCOVER_UNIT },
		{ IPPROTO_TCP, 3000, 3000, 1, PC_DISCOVER_UNIT },
	};
	struct pc_discover_member a[] = { { 0, true, true, "x", 1 }, { 1, false, false, "x", 2 } };
	struct pc_discover_member b[] = { { 0, true, true, "x", 1 }, { 2, false, false, "x", 3 } };
	const struct pc_role *logger = pc_catalog_find_role(catalog, "icm-logger");
	struct pc_discover_class classes[] = {
		{ logger, 1, PC_SIDE_BIT(PC_SIDE_A), 0, 1, a, 2 },
		{ logger, 1, PC_SIDE_BIT(PC_SIDE_B), 0, 1, b, 2 },
	};
	struct pc_discover_index tiny = { catalog, features, 3, classes, 2, 2, NULL };
	struct pc_snapshot snap = { 0 };
	listen_on(&snap, IPPROTO_TCP, 1000);
	pc_snapshot_finish(&snap);
	struct pc_discovery d;
	struct pc_discover_params params = { 0 };
	assert_int_equal(pc_discover_run(&tiny, &snap, &params, &d), 0);
	assert_int_equal(d.n_candidates, 2);
	assert_int_equal(d.candidates[0].score, PC_DISCOVER_UNIT / 2 - PC_DISCOVER_UNIT / 16);
	assert_int_equal(d.candidates[1].score, d.candidates[0].score);
	assert_int_equal(d.candidates[0].tie_with, 0);
	assert_int_equal(d.candidates[1].tie_with, 1);
	assert_int_equal(d.candidates[1].picks[0].assignment.side, PC_SIDE_B);
	assert_int_equal(d.candidates[1].n_only_here, 1);
	assert_int_equal(d.candidates[1].only_here[0].port, 3000);
	assert_int_equal(d.candidates[1].n_only_there, 1);
	assert_int_equal(d.candidates[1].only_there[0].port, 2000);
	pc_discovery_free(&d);

	/* A required port that does not listen costs half its weight: side a
	 * then gains nothing from the port it shares, and is no candidate. */
	a[1].required = true;
	assert_int_equal(pc_discover_run(&tiny, &snap, &params, &d), 0);
	assert_int_equal(d.n_candidates, 1);
	assert_int_equal(d.candidates[0].picks[0].assignment.side, PC_SIDE_B);
	assert_int_equal(d.candidates[0].lacking, 0);
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);
}

static void judge(const struct want *host, const struct want *configured, size_t n,
		  enum pc_discover_verdict expected)
{
	struct pc_snapshot snap = { 0 };
	unsigned seed = 1;
	struct pc_discover_assignment conf[4];
	for (size_t i = 0; i < n; i++) {
		struct pc_expectations exps = plan_of(host[i].role, host[i].instance, host[i].side, 0);
		open_plan(&snap, &exps, 100, &seed);
		pc_expectations_free(&exps);
		conf[i] = (struct pc_discover_assignment){ pc_catalog_find_role(catalog, configured[i].role),
							   configured[i].instance, configured[i].side,
							   configured[i].slot };
	}
	pc_snapshot_finish(&snap);
	struct pc_discovery d;
	struct pc_discover_params params = { .configured = conf, .n_configured = n };
	assert_int_equal(pc_discover_run(ix, &snap, &params, &d), 0);
	assert_int_equal(d.verdict, expected);
	pc_discovery_free(&d);
	params.n_configured = 0;
	assert_int_equal(pc_discover_run(ix, &snap, &params, &d), 0);
	assert_int_equal(d.verdict, PC_DISCOVER_NO_ROLES);
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);
}

static void test_configured_roles_judged(void **state)
{
	(void)state;
	const struct want host[] = { { "icm-router", 2, PC_SIDE_A, 0 },
				     { "icm-logger", 2, PC_SIDE_A, 0 } };
	const struct want as_zero[] = { { "icm-router", 0, PC_SIDE_A, 0 },
					{ "icm-logger", 0, PC_SIDE_A, 0 } };
	const struct want side_b[] = { { "icm-router", 2, PC_SIDE_B, 0 },
				       { "icm-logger", 2, PC_SIDE_B, 0 } };
	const struct want logger_only[] = { { "icm-logger", 2, PC_SIDE_A, 0 } };
	judge(host, host, 2, PC_DISCOVER_MATCHES);
	judge(host, as_zero, 2, PC_DISCOVER_DIFFERS);
	judge(host, side_b, 2, PC_DISCOVER_DIFFERS);

	/* The configuration states the Logger; the host runs a Router too. */
	struct pc_snapshot snap = { 0 };
	unsigned seed = 1;
	for (size_t i = 0; i < 2; i++) {
		struct pc_expectations exps = plan_of(host[i].role, host[i].instance, host[i].side, 0);
		open_plan(&snap, &exps, 100, &seed);
		pc_expectations_free(&exps);
	}
	pc_snapshot_finish(&snap);
	struct pc_discover_assignment conf[2] = {
		{ pc_catalog_find_role(catalog, logger_only[0].role), 2, PC_SIDE_A, 0 },
		{ pc_catalog_find_role(catalog, "icm-router"), 2, PC_SIDE_A, 0 },
	};
	struct pc_discovery d;
	struct pc_discover_params params = { .configured = conf, .n_configured = 1 };
	assert_int_equal(pc_discover_run(ix, &snap, &params, &d), 0);
	assert_int_equal(d.verdict, PC_DISCOVER_DIFFERS);
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);

	/* Its services stopped: nothing the roles expect listens but ssh and
	 * SQL Server's 1433, which many roles share. No candidate has
	 * evidence of its own against the configuration: it matches (the
	 * missing ports are compliance's to report). */
	listen_on(&snap, IPPROTO_TCP, 22);
	listen_on(&snap, IPPROTO_TCP, 1433);
	pc_snapshot_finish(&snap);
	params.n_configured = 2;
	assert_int_equal(pc_discover_run(ix, &snap, &params, &d), 0);
	assert_true(d.configured_score < 0);
	assert_int_equal(d.verdict, PC_DISCOVER_MATCHES);
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);
	assert_int_equal(pc_discover_run(ix, &snap, &params, &d), 0); /* nothing at all */
	assert_int_equal(d.n_candidates, 0);
	assert_int_equal(d.verdict, PC_DISCOVER_MATCHES);
	pc_discovery_free(&d);
}

/* Ignored listeners are left out; equal listener sets hash equal. */
static void test_ignore_and_hash(void **state)
{
	(void)state;
	struct pc_config config = { 0 };
	struct pc_ignore ig = { IPPROTO_TCP, 40026, 40026, 1 };
	config.ignores = &ig;
	config.n_ignores = 1;
	struct pc_snapshot a = { 0 }, b = { 0 };
	listen_on(&a, IPPROTO_TCP, 40026);
	listen_on(&a, IPPROTO_TCP, 22);
	listen_on(&b, IPPROTO_TCP, 22);
	pc_snapshot_finish(&a);
	pc_snapshot_finish(&b);
	struct pc_discovery d;
	struct pc_discover_params params = { .config = &config };
	assert_int_equal(pc_discover_run(ix, &a, &params, &d), 0);
	assert_int_equal(d.listeners, 1);
	assert_int_equal(d.ignored, 1);
	assert_int_equal(d.n_candidates, 0);
	assert_int_equal(d.n_unexplained, 1);
	assert_int_equal(d.unexplained[0].port, 22);
	pc_discovery_free(&d);
	assert_true(pc_discover_listener_hash(&a, &params) == pc_discover_listener_hash(&b, NULL));
	assert_true(pc_discover_listener_hash(&a, NULL) != pc_discover_listener_hash(&b, NULL));
	pc_snapshot_clear(&a);
	pc_snapshot_clear(&b);
}

/* A UDP row marked as the collector marks it. */
static void udp_on(struct pc_snapshot *snap, uint16_t port, enum pc_ephemeral ephemeral)
{
	listen_on(snap, IPPROTO_UDP, port);
	pc_snapshot_finish(snap);
	for (size_t i = 0; i < snap->n_listeners; i++)
		if (snap->listeners[i].local.proto == IPPROTO_UDP && snap->listeners[i].local.port == port)
			snap->listeners[i].ephemeral = (uint8_t)ephemeral;
}

/* A host that runs a Router as instance 2 where the configuration says 0:
 * its UDP incrp-nic (40105) lies inside the ephemeral range and no
 * configured rule names it, so the listener rule takes it for a client's;
 * the catalog names it, so discovery keeps it. A client's socket on a
 * port no rule of the catalog names stays out; one the configured plan
 * names is a listener already and is not counted twice. */
static void test_catalog_udp_ports(void **state)
{
	(void)state;
	struct pc_expectations zero = plan_of("icm-router", 0, PC_SIDE_A, 0);
	uint16_t incrp2 = 0, heartbeat = 0, stranger_udp = 50123;
	struct pc_expectations two = plan_of("icm-router", 2, PC_SIDE_A, 0);
	for (size_t i = 0; i < two.n; i++) {
		if (strcmp(two.items[i].rule, "incrp-nic") == 0)
			incrp2 = two.items[i].port;
		if (strcmp(two.items[i].rule, "public-heartbeat") == 0)
			heartbeat = (uint16_t)(two.items[i].port + 7);
	}
	pc_expectations_free(&two);
	assert_int_equal(incrp2, 40105); /* S1's arithmetic: 40025 + 80 for instance 2 */
	assert_true(pc_discover_names_udp(ix, incrp2));
	assert_true(pc_discover_names_udp(ix, heartbeat));
	assert_false(pc_discover_names_udp(ix, stranger_udp));

	struct pc_snapshot snap = { 0 };
	listen_on(&snap, IPPROTO_TCP, 40106); /* a Logger's instance 2 port */
	udp_on(&snap, incrp2, PC_EPHEMERAL_INSIDE);
	udp_on(&snap, heartbeat, PC_EPHEMERAL_INSIDE);
	udp_on(&snap, stranger_udp, PC_EPHEMERAL_INSIDE);
	size_t n;
	struct pc_listener *also = pc_discover_catalog_udp(ix, &snap, &zero, &n);
	assert_int_equal(n, 1);
	assert_int_equal(also[0].local.port, incrp2);
	free(also);
	/* No plan (--discover without a configuration): the heartbeat too. */
	also = pc_discover_catalog_udp(ix, &snap, NULL, &n);
	assert_int_equal(n, 2);
	free(also);
	/* Outside the range, every bound UDP socket is a listener already. */
	for (size_t i = 0; i < snap.n_listeners; i++)
		if (snap.listeners[i].local.proto == IPPROTO_UDP)
			snap.listeners[i].ephemeral = PC_EPHEMERAL_OUTSIDE;
	also = pc_discover_catalog_udp(ix, &snap, &zero, &n);
	assert_int_equal(n, 0);
	assert_null(also);
	for (size_t i = 0; i < snap.n_listeners; i++)
		if (snap.listeners[i].local.proto == IPPROTO_UDP)
			snap.listeners[i].ephemeral = PC_EPHEMERAL_INSIDE;

	pc_snapshot_clear(&snap);

	/* What the poller does on a host running all of the Router as
	 * instance 2: the listener rule drops incrp-nic as a client's, the
	 * search still counts it as the Router's. */
	struct pc_expectations router2 = plan_of("icm-router", 2, PC_SIDE_A, 0);
	unsigned seed = 1;
	open_plan(&snap, &router2, 100, &seed);
	pc_expectations_free(&router2);
	pc_snapshot_finish(&snap);
	for (size_t i = 0; i < snap.n_listeners; i++)
		if (snap.listeners[i].local.proto == IPPROTO_UDP)
			snap.listeners[i].ephemeral = PC_EPHEMERAL_INSIDE;
	size_t all = snap.n_listeners;
	also = pc_discover_catalog_udp(ix, &snap, &zero, &n);
	pc_snapshot_keep_listeners(&snap, &zero);
	assert_int_equal(n, 1);
	assert_int_equal(snap.n_listeners, all - 1);
	struct pc_discovery with, without;
	struct pc_discover_params params = { .also = also, .n_also = n };
	assert_int_equal(pc_discover_run(ix, &snap, &params, &with), 0);
	params.n_also = 0;
	assert_int_equal(pc_discover_run(ix, &snap, &params, &without), 0);
	assert_int_equal(with.listeners, all);
	assert_int_equal(without.listeners, all - 1);
	assert_int_equal(with.candidates[0].explained, without.candidates[0].explained + 1);
	assert_int_equal(with.candidates[0].unexplained, 0);
	assert_true(with.candidates[0].score > without.candidates[0].score);
	params.n_also = n;
	assert_true(pc_discover_listener_hash(&snap, &params) != pc_discover_listener_hash(&snap, NULL));
	pc_discovery_free(&with);
	pc_discovery_free(&without);
	free(also);
	pc_snapshot_clear(&snap);

	/* An index made by hand has no port map: the features say it. */
	struct pc_discover_index bare = *ix;
	bare.udp_ports = NULL;
	assert_true(pc_discover_names_udp(&bare, incrp2));
	assert_false(pc_discover_names_udp(&bare, stranger_udp));
	pc_expectations_free(&zero);
}

/* The words of pcDiscoveryTable and of the configured roles: the n-th word
 * of each string belongs to the n-th role; a set too long for the bound
 * keeps the roles that fit and says so. */
static void test_words(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	listen_on(&snap, IPPROTO_TCP, 42028); /* CTI OS: any instance, side and slot */
	pc_snapshot_finish(&snap);
	struct pc_discovery d;
	discover(&snap, &d);
	assert_true(d.n_candidates >= 1);
	struct pc_discover_words w;
	pc_discover_words_of_candidate(&d.candidates[0], &w);
	assert_string_equal(w.roles, "ctios-server");
	assert_string_equal(w.instances, "0-24");
	assert_string_equal(w.sides, "a|b");
	assert_string_equal(w.slots, "1-3");
	pc_discovery_free(&d);
	pc_snapshot_clear(&snap);

	/* Instances listeners cannot tell apart that are no run: one word. */
	struct pc_discover_candidate c = { .n_picks = 2 };
	c.picks[0] = (struct pc_discover_pick){ .role = pc_catalog_find_role(catalog, "icm-router"),
						.instances = (1u << 2) | (1u << 5),
						.sides = PC_SIDE_BIT(PC_SIDE_B) };
	c.picks[1] = (struct pc_discover_pick){ .role = pc_catalog_find_role(catalog, "webview") };
	pc_discover_words_of_candidate(&c, &w);
	assert_string_equal(w.roles, "icm-router webview");
	assert_string_equal(w.instances, "2,5 -");
	assert_string_equal(w.sides, "b -");
	assert_string_equal(w.slots, "- -");

	const struct pc_discover_assignment conf[] = {
		{ pc_catalog_find_role(catalog, "icm-pg"), 1, PC_SIDE_B, 2 },
		{ pc_catalog_find_role(catalog, "webview"), -1, PC_SIDE_NONE, 0 },
	};
	pc_discover_words_of_assignments(conf, 2, &w);
	assert_string_equal(w.roles, "icm-pg webview");
	assert_string_equal(w.instances, "1 -");
	assert_string_equal(w.sides, "b -");
	assert_string_equal(w.slots, "2 -");
	char list[256];
	pc_discover_words_list(&w, PC_DISCOVER_LIST_TOKEN, list, sizeof(list));
	assert_string_equal(list, "icm-pg/1/b/2,webview/-/-/-");
	pc_discover_words_list(&w, PC_DISCOVER_LIST_PROSE, list, sizeof(list));
	assert_string_equal(list, "icm-pg instance 1 side b slot 2, webview");
	pc_discover_words_of_assignments(NULL, 0, &w);
	assert_string_equal(w.roles, "");
	pc_discover_words_list(&w, PC_DISCOVER_LIST_PROSE, list, sizeof(list));
	assert_string_equal(list, "none");

	/* Sixteen long names do not fit 128 characters: whole roles, then " ...". */
	struct pc_discover_assignment many[PC_DISCOVER_PICKS_MAX];
	for (size_t i = 0; i < PC_DISCOVER_PICKS_MAX; i++)
		many[i] = (struct pc_discover_assignment){
			pc_catalog_find_role(catalog, "nuance-recognition-server"), -1, PC_SIDE_NONE, 0
		};
	pc_discover_words_of_assignments(many, PC_DISCOVER_PICKS_MAX, &w);
	assert_true(strlen(w.roles) < sizeof(w.roles));
	size_t len = strlen(w.roles);
	assert_string_equal(w.roles + len - 4, " ...");
	assert_string_equal(w.instances + strlen(w.instances) - 4, " ...");
	/* as many roles as instances, sides and slots */
	size_t words[4] = { 0 };
	const char *lists[4] = { w.roles, w.instances, w.sides, w.slots };
	for (int k = 0; k < 4; k++)
		for (const char *p = lists[k]; *p; p++)
			words[k] += *p == ' ';
	assert_true(words[0] >= 3);
	assert_int_equal(words[1], words[0]);
	assert_int_equal(words[2], words[0]);
	assert_int_equal(words[3], words[0]);
	pc_discover_words_list(&w, PC_DISCOVER_LIST_TOKEN, list, sizeof(list));
	assert_string_equal(list + strlen(list) - 4, ",...");

	/* Five roles that fill 125 of the 127 characters: the fifth would
	 * leave no room to say that a sixth follows, so it goes too. */
	static const char *const names[] = { "nuance-recognition-server", "nuance-compilation-server",
					     "ctios-supervisor-desktop", "ctios-supervisor-desktop",
					     "rms-alarmtracker-client", "webview" };
	for (size_t i = 0; i < 6; i++)
		many[i] = (struct pc_discover_assignment){ pc_catalog_find_role(catalog, names[i]), -1,
							   PC_SIDE_NONE, 0 };
	pc_discover_words_of_assignments(many, 6, &w);
	assert_string_equal(w.roles + strlen(w.roles) - 4, " ...");
	assert_string_equal(w.roles, "nuance-recognition-server nuance-compilation-server "
				     "ctios-supervisor-desktop ctios-supervisor-desktop ...");
}

static void test_formats(void **state)
{
	(void)state;
	char buf[64];
	pc_discover_format_instances(0x1ffffff, buf, sizeof(buf));
	assert_string_equal(buf, "0-24");
	pc_discover_format_instances((1u << 2) | (1u << 5) | (1u << 6), buf, sizeof(buf));
	assert_string_equal(buf, "2 5-6");
	pc_discover_format_instances(0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	pc_discover_format_sides(PC_SIDE_BIT(PC_SIDE_A) | PC_SIDE_BIT(PC_SIDE_B), buf, sizeof(buf));
	assert_string_equal(buf, "a|b");
	pc_discover_format_slots((1u << 1) | (1u << 2) | (1u << 3), buf, sizeof(buf));
	assert_string_equal(buf, "1-3");
	struct pc_discover_port p = { IPPROTO_UDP, 39500, 39999 };
	pc_discover_format_port(&p, buf, sizeof(buf));
	assert_string_equal(buf, "udp/39500-39999");
	assert_string_equal(pc_discover_verdict_name(PC_DISCOVER_DIFFERS), "differs");
	assert_string_equal(pc_discover_verdict_name(PC_DISCOVER_UNKNOWN), "unknown");
	assert_string_equal(pc_discover_verdict_name(PC_DISCOVER_NO_ROLES), "noRoles");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes_are_products),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_every_role),
		cmocka_unit_test(test_combined_hosts),
		cmocka_unit_test(test_missing_and_strangers),
		cmocka_unit_test(test_ambiguity_is_stated),
		cmocka_unit_test(test_ties_are_named),
		cmocka_unit_test(test_tie_names_the_difference),
		cmocka_unit_test(test_configured_roles_judged),
		cmocka_unit_test(test_ignore_and_hash),
		cmocka_unit_test(test_catalog_udp_ports),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
