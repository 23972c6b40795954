/* SPDX-License-Identifier: ISC */
/* Expectations: the appendix examples, expansions, overrides, stable
 * indices, and the configuration mistakes only the catalog can show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <pthread.h>
#include <unistd.h>

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "plan/expect.h"
#include "plan/plan.h"
#include "pc_test.h"

static struct pc_catalog *catalog;

static int load_catalog(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *paths[] = { CATALOG_DIR };
	catalog = pc_catalog_load(paths, 1, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	return catalog != NULL ? 0 : -1;
}

static int free_catalog(void **state)
{
	(void)state;
	pc_catalog_free(catalog);
	return 0;
}

/* One role's plan for one side (or none), as --expected --role builds it. */
static struct pc_expectations plan(const char *role, int instance, enum pc_side side, int slot,
				   int count)
{
	struct pc_expectations list;
	struct pc_diag diag = { 0 };
	int rc = pc_expect_role(catalog, role, instance, side, slot, count, "test", &list, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	assert_int_equal(rc, 0);
	return list;
}

static const struct pc_expectation *find(const struct pc_expectations *list, const char *role,
					 const char *rule, uint32_t member)
{
	for (size_t i = 0; i < list->n; i++)
		if ((role == NULL || strcmp(list->items[i].role, role) == 0) &&
		    strcmp(list->items[i].rule, rule) == 0 && list->items[i].member == member)
			return &list->items[i];
	fail_msg("no expectation %s/%s#%u", role ? role : "*", rule, member);
	return NULL;
}

/* rule's port for one role at one instance and side */
static unsigned port_of(const char *role, const char *rule, int instance, enum pc_side side,
			int slot)
{
	struct pc_expectations list = plan(role, instance, side, slot, 0);
	const struct pc_expectation *e = find(&list, role, rule, 1);
	assert_int_equal(e->match, PC_MATCH_PORT);
	unsigned port = e->port;
	pc_expectations_free(&list);
	return port;
}

struct appendix_row {
	const char *role;
	const char *rule;
	enum pc_side side;
	int slot;
	unsigned port[4]; /* instances 0, 1, 2, 24 */
};

/* Figures 2-4 of the appendix, both sides (port-facts.md section 2). */
static const struct appendix_row appendix[] = {
	/* Figure 2: DMP, the Router's public interface */
	{ "icm-router", "dmp-low", PC_SIDE_A, 0, { 40002, 40042, 40082, 40962 } },
	{ "icm-router", "dmp-high", PC_SIDE_A, 0, { 40003, 40043, 40083, 40963 } },
	{ "icm-router", "dmp-low", PC_SIDE_B, 0, { 41002, 41042, 41082, 41962 } },
	{ "icm-router", "dmp-high", PC_SIDE_B, 0, { 41003, 41043, 41083, 41963 } },
	/* private network: the side-B block on both sides */
	{ "icm-router", "private-low", PC_SIDE_A, 0, { 41004, 41044, 41084, 41964 } },
	{ "icm-router", "private-low", PC_SIDE_B, 0, { 41004, 41044, 41084, 41964 } },
	{ "icm-router", "private-high", PC_SIDE_A, 0, { 41005, 41045, 41085, 41965 } },
	{ "icm-pg", "private-low", PC_SIDE_A, 1, { 43004, 43044, 43084, 43964 } },
	{ "icm-pg", "private-low", PC_SIDE_B, 1, { 43004, 43044, 43084, 43964 } },
	{ "icm-pg", "opc-state-transfer", PC_SIDE_A, 1, { 43023, 43063, 43103, 43983 } },
	{ "icm-pg", "opc-state-transfer", PC_SIDE_B, 1, { 43023, 43063, 43103, 43983 } },
	{ "icm-pg", "mds", PC_SIDE_A, 1, { 42000, 42040, 42080, 42960 } },
	{ "icm-pg", "mds", PC_SIDE_B, 1, { 43000, 43040, 43080, 43960 } },
	/* Figure 3: CTI Server (PG1 block) and client AW real-time feed */
	{ "cti-server", "cti", PC_SIDE_A, 1, { 42027, 42067, 42107, 42987 } },
	{ "cti-server", "cti", PC_SIDE_B, 1, { 43027, 43067, 43107, 43987 } },
	{ "icm-distributor", "rtdist", PC_SIDE_PRIMARY, 0, { 48008, 48048, 48088, 48968 } },
	{ "icm-distributor", "rtdist", PC_SIDE_SECONDARY, 0, { 49008, 49048, 49088, 49968 } },
	/* CTI OS 42028 does not move with the instance */
	{ "ctios-server", "ctios", PC_SIDE_A, 1, { 42028, 42028, 42028, 42028 } },
	{ "ctios-server", "ctios", PC_SIDE_B, 1, { 42028, 42028, 42028, 42028 } },
	/* Figure 4: Distributor to Router and Logger */
	{ "icm-router", "rtfeed", PC_SIDE_A, 0, { 40007, 40047, 40087, 40967 } },
	{ "icm-router", "rtfeed", PC_SIDE_B, 0, { 41007, 41047, 41087, 41967 } },
	{ "icm-logger", "replication", PC_SIDE_A, 0, { 40026, 40066, 40106, 40986 } },
	{ "icm-logger", "replication-2", PC_SIDE_A, 0, { 40028, 40068, 40108, 40988 } },
	{ "icm-logger", "replication", PC_SIDE_B, 0, { 41026, 41066, 41106, 41986 } },
	{ "icm-logger", "replication-2", PC_SIDE_B, 0, { 41028, 41068, 41108, 41988 } },
	{ "icm-distributor", "router-a-rtfeed", PC_SIDE_SECONDARY, 0, { 40007, 40047, 40087, 40967 } },
	{ "icm-distributor", "logger-b-replication", PC_SIDE_PRIMARY, 0, { 41026, 41066, 41106, 41986 } },
	/* PG2 and PG3 blocks, PG3's side B at 47500 */
	{ "icm-pg", "mds", PC_SIDE_A, 2, { 44000, 44040, 44080, 44960 } },
	{ "icm-pg", "mds", PC_SIDE_B, 2, { 45000, 45040, 45080, 45960 } },
	{ "icm-pg", "mds", PC_SIDE_A, 3, { 46000, 46040, 46080, 46960 } },
	{ "icm-pg", "mds", PC_SIDE_B, 3, { 47500, 47540, 47580, 48460 } },
	{ "icm-pg", "private-low", PC_SIDE_A, 3, { 47504, 47544, 47584, 48464 } },
};

static void test_appendix(void **state)
{
	(void)state;
	static const int instances[] = { 0, 1, 2, 24 };
	for (size_t i = 0; i < sizeof(appendix) / sizeof(appendix[0]); i++) {
		const struct appendix_row *row = &appendix[i];
		for (size_t k = 0; k < 4; k++) {
			unsigned port = port_of(row->role, row->rule, instances[k], row->side, row->slot);
			if (port != row->port[k])
				fail_msg("%s/%s side %s slot %d instance %d: %u, expected %u", row->role,
					 row->rule, pc_side_name(row->side), row->slot, instances[k],
					 port, row->port[k]);
		}
	}
}

/* Worked examples of the instance arithmetic: the Router at instance 2
 * side A, CTI Server at instance 1 side B (the ports S1-S3 give). */
static void test_instance_arithmetic_examples(void **state)
{
	(void)state;
	struct pc_expectations router = plan("icm-router", 2, PC_SIDE_A, 0, 0);
	assert_int_equal(find(&router, NULL, "dmp-low", 1)->port, 40082);
	assert_int_equal(find(&router, NULL, "dmp-high", 1)->port, 40083);
	assert_int_equal(find(&router, NULL, "rtfeed", 1)->port, 40087);
	for (size_t i = 0; i < router.n; i++) {
		assert_int_equal(router.items[i].instance, 2);
		assert_string_equal(router.items[i].instance_name, "instance-2");
		assert_int_equal(router.items[i].side, PC_SIDE_A);
		assert_int_equal(router.items[i].role_index, 1);
	}
	pc_expectations_free(&router);

	struct pc_expectations cti = plan("cti-server", 1, PC_SIDE_B, 0, 0);
	assert_int_equal(cti.n, 1);
	assert_int_equal(cti.items[0].port, 43067);
	assert_int_equal(cti.items[0].slot, 1); /* the default slot */
	assert_int_equal(cti.items[0].protocol, IPPROTO_TCP);
	assert_int_equal(cti.items[0].direction, PC_DIR_LISTEN);
	assert_true(cti.items[0].required);
	assert_true(cti.items[0].configurable);
	pc_expectations_free(&cti);
}

/* Without a side, one plan per side the role takes; without an instance, 0. */
static void test_every_side(void **state)
{
	(void)state;
	struct pc_expectations list = plan("icm-distributor", -1, PC_SIDE_NONE, 0, 0);
	const struct pc_role *role = pc_catalog_find_role(catalog, "icm-distributor");
	assert_int_equal(list.n, 2 * role->n_rules);
	assert_int_equal(list.items[0].side, PC_SIDE_PRIMARY);
	assert_int_equal(list.items[0].role_index, 1);
	assert_int_equal(list.items[list.n - 1].side, PC_SIDE_SECONDARY);
	assert_int_equal(list.items[list.n - 1].role_index, 2);
	assert_int_equal(list.items[0].instance, 0);
	pc_expectations_free(&list);
}

/* The value's confidence: the rule's at instance 0, the formula's beyond. */
static void test_confidence(void **state)
{
	(void)state;
	struct pc_expectations list = plan("cti-server", 0, PC_SIDE_A, 1, 0);
	assert_int_equal(list.items[0].confidence, PC_CONF_E60); /* printed 42027 */
	assert_string_equal(list.items[0].source, "S0, S1, S8, S9");
	pc_expectations_free(&list);
	list = plan("cti-server", 1, PC_SIDE_A, 1, 0);
	assert_int_equal(list.items[0].confidence, PC_CONF_L12);
	pc_expectations_free(&list);
	list = plan("icm-router", 2, PC_SIDE_A, 0, 0);
	assert_int_equal(find(&list, NULL, "mds", 1)->confidence, PC_CONF_INF);
	assert_int_equal(find(&list, NULL, "rtfeed", 1)->confidence, PC_CONF_L12);
	pc_expectations_free(&list);

	/* the CTI Server port on PG2/PG3 is inferred; PG MDS on
	 * slots 2/3 is printed in 12.x (L12) unless the instance moves it */
	list = plan("cti-server", 0, PC_SIDE_B, 2, 0);
	assert_int_equal(list.items[0].port, 45027);
	assert_int_equal(list.items[0].confidence, PC_CONF_INF);
	pc_expectations_free(&list);
	list = plan("icm-pg", 0, PC_SIDE_B, 3, 0);
	assert_int_equal(find(&list, NULL, "mds", 1)->port, 47500);
	assert_int_equal(find(&list, NULL, "mds", 1)->confidence, PC_CONF_L12);
	assert_int_equal(find(&list, NULL, "mds-state-transfer", 1)->confidence, PC_CONF_L12);
	pc_expectations_free(&list);
	list = plan("icm-pg", 1, PC_SIDE_A, 2, 0);
	assert_int_equal(find(&list, NULL, "mds", 1)->confidence, PC_CONF_INF);
	pc_expectations_free(&list);
	/* CTI OS and the VRU reach 42027/43027, printed in the guide */
	static const char *const clients[] = { "ctios-server", "vru-cti-client" };
	for (size_t c = 0; c < 2; c++) {
		list = plan(clients[c], 0, c == 0 ? PC_SIDE_A : PC_SIDE_NONE, 1, 0);
		assert_int_equal(find(&list, NULL, "cti-server-a", 1)->port, 42027);
		assert_int_equal(find(&list, NULL, "cti-server-a", 1)->confidence, PC_CONF_E60);
		assert_int_equal(find(&list, NULL, "cti-server-b", 1)->port, 43027);
		assert_int_equal(find(&list, NULL, "cti-server-b", 1)->confidence, PC_CONF_E60);
		pc_expectations_free(&list);
		list = plan(clients[c], 4, c == 0 ? PC_SIDE_A : PC_SIDE_NONE, 1, 0);
		assert_int_equal(find(&list, NULL, "cti-server-a", 1)->confidence, PC_CONF_L12);
		pc_expectations_free(&list);
		list = plan(clients[c], 0, c == 0 ? PC_SIDE_A : PC_SIDE_NONE, 3, 0);
		assert_int_equal(find(&list, NULL, "cti-server-b", 1)->port, 47527);
		assert_int_equal(find(&list, NULL, "cti-server-b", 1)->confidence, PC_CONF_INF);
		pc_expectations_free(&list);
	}
}

/* Permit ranges: one PERMIT expectation, trusted only when
 * the host configuration says so, per role or per rule. */
static void test_permits(void **state)
{
	(void)state;
	struct pc_expectations list = plan("windows-base", -1, PC_SIDE_NONE, 0, 0);
	const struct pc_expectation *rpc = find(&list, NULL, "rpc-dynamic", 1);
	assert_int_equal(rpc->match, PC_MATCH_PERMIT);
	assert_int_equal(rpc->port, 1024);
	assert_int_equal(rpc->port_last, 65535);
	assert_false(rpc->required);
	assert_false(rpc->trusted);
	char text[32];
	pc_expectation_format_port(rpc, text, sizeof(text));
	assert_string_equal(text, "1024-65535");
	pc_expectations_free(&list);

	struct pc_diag diag = { 0 };
	struct pc_plan *p = pc_plan_load(repo_path("tests/fixtures/config/good-trust.conf"), &diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(p);
	assert_true(find(&p->expectations, "windows-base", "rpc-dynamic", 1)->trusted);
	assert_true(find(&p->expectations, "rms-lgmapper", "alarmtracker-dcom", 1)->trusted);
	assert_false(find(&p->expectations, "rms-lgmapper", "alarmtracker-tools-dcom", 1)->trusted);
	/* rms-lgmapper's own use of windows-rpc: not trusted by windows-base's switch */
	assert_false(find(&p->expectations, "rms-lgmapper", "rpc-dynamic", 1)->trusted);
	assert_int_equal(find(&p->expectations, "rms-lgmapper", "alarmtracker-dcom", 1)->match,
			 PC_MATCH_PERMIT);
	pc_plan_unref(p);
	pc_diag_clear(&diag);
}

static void test_ranges_and_numberless_rules(void **state)
{
	(void)state;
	/* a range: one expectation, any listener inside satisfies it */
	struct pc_expectations list = plan("icm-router", 0, PC_SIDE_A, 0, 0);
	const struct pc_expectation *hb = find(&list, NULL, "private-heartbeat", 1);
	assert_int_equal(hb->protocol, IPPROTO_UDP);
	assert_int_equal(hb->match, PC_MATCH_ANY_IN_RANGE);
	assert_int_equal(hb->port, 39500);
	assert_int_equal(hb->port_last, 39999);
	/* a row kept for the record: no number, nothing for the site to give */
	const struct pc_expectation *pre50 = find(&list, NULL, "pre-5.0-pg", 1);
	assert_int_equal(pre50->match, PC_MATCH_NONE);
	assert_int_equal(pre50->port, 0);
	assert_false(pre50->unconfigured);
	char text[32];
	pc_expectation_format_port(hb, text, sizeof(text));
	assert_string_equal(text, "39500-39999");
	pc_expectation_format_port(pre50, text, sizeof(text));
	assert_string_equal(text, "-");
	pc_expectations_free(&list);

	/* "each": every port of the range is its own expectation */
	list = plan("ipcc-express", -1, PC_SIDE_NONE, 0, 0);
	for (uint32_t k = 1; k <= 3; k++) {
		const struct pc_expectation *e = find(&list, NULL, "services-59002-59004", k);
		assert_int_equal(e->port, 59001 + k);
		assert_int_equal(e->port_last, e->port);
		assert_int_equal(e->members, 3);
		assert_true(e->shared);
	}
	pc_expectations_free(&list);

	/* required, no number: unconfigured until the site gives it */
	list = plan("nuance-recognition-server", -1, PC_SIDE_NONE, 0, 0);
	assert_int_equal(list.n, 1);
	assert_true(list.items[0].unconfigured);
	assert_true(list.items[0].required);
	assert_int_equal(list.items[0].match, PC_MATCH_NONE);
	pc_expectation_format_port(&list.items[0], text, sizeof(text));
	assert_string_equal(text, "unconfigured");
	pc_expectations_free(&list);

	/* a counted rule without a base: one unconfigured expectation */
	list = plan("nuance-vocalizer", -1, PC_SIDE_NONE, 0, 4);
	assert_int_equal(list.n, 1);
	assert_true(list.items[0].unconfigured);
	assert_int_equal(list.items[0].count, 4);
	pc_expectations_free(&list);
}

/* Rules that apply to one side only (Campaign Manager: 32 on A, 36 on B). */
static void test_side_only_rules(void **state)
{
	(void)state;
	struct pc_expectations a = plan("outbound-option", 0, PC_SIDE_A, 0, 0);
	struct pc_expectations b = plan("outbound-option", 1, PC_SIDE_B, 0, 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(find(&a, NULL, "campaign-manager-a", 1)->port, 40032);
	assert_int_equal(find(&a, NULL, "campaign-manager-peer", 1)->port, 40024);
	assert_int_equal(b.n, 1);
	assert_int_equal(find(&b, NULL, "campaign-manager-b", 1)->port, 41076);
	assert_int_equal(find(&b, NULL, "campaign-manager-b", 1)->rule_index, 2);
	pc_expectations_free(&a);
	pc_expectations_free(&b);
}

static struct pc_plan *load_plan(const char *relative, struct pc_diag *diag)
{
	struct pc_plan *p = pc_plan_load(repo_path(relative), diag);
	if (p == NULL)
		pc_diag_print(diag, stderr);
	return p;
}

/* The example host config: Rogger side A. */
static void test_example_host(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_plan *p = load_plan("conf/portcomply.conf", &diag);
	assert_non_null(p);
	assert_int_equal(diag.n_lines, 0);
	const struct pc_expectations *list = &p->expectations;
	assert_int_equal(find(list, "icm-router", "rtfeed", 1)->port, 40007);
	assert_string_equal(find(list, "icm-router", "rtfeed", 1)->instance_name, "acme");
	assert_int_equal(find(list, "icm-logger", "replication", 1)->port, 40026);
	assert_int_equal(find(list, "icm-logger", "sql-server", 1)->port, 1433);
	assert_int_equal(find(list, "windows-base", "smb", 1)->port, 445);
	assert_int_equal(find(list, "windows-base", "smb", 1)->instance, -1);
	assert_string_equal(find(list, "windows-base", "smb", 1)->instance_name, "");
	pc_plan_unref(p);
}

static void test_full_host(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_plan *p = load_plan("tests/fixtures/config/good-full.conf", &diag);
	assert_non_null(p);
	const char *path = repo_path("tests/fixtures/config/good-full.conf");
	/* ignoring a port a role expects is a warning, not an error */
	assert_int_equal(diag.n_errors, 0);
	assert_int_equal(diag.n_warnings, 1);
	check_diag_line(diag.lines[0], path, 47, "warning: ignore tcp/135: role windows-base expects it");
	pc_diag_clear(&diag);
	const struct pc_expectations *list = &p->expectations;

	/* sorted by (role index, rule index, member): stable indices */
	for (size_t i = 1; i < list->n; i++) {
		const struct pc_expectation *a = &list->items[i - 1], *b = &list->items[i];
		assert_true(a->role_index < b->role_index ||
			    (a->role_index == b->role_index &&
			     (a->rule_index < b->rule_index ||
			      (a->rule_index == b->rule_index && a->member < b->member))));
	}
	/* the same role twice, two instances, named */
	const struct pc_expectation *r1 = &list->items[0];
	assert_string_equal(r1->role, "icm-router");
	assert_int_equal(r1->role_index, 1);
	assert_string_equal(r1->instance_name, "cust1");
	assert_string_equal(r1->bind_address, "192.0.2.10");
	assert_int_equal(r1->config_line, 14);
	const struct pc_role *router = pc_catalog_find_role(p->catalog, "icm-router");
	size_t rtfeed_index = 0;
	for (size_t i = 0; i < router->n_rules; i++)
		if (strcmp(router->rules[i]->name, "rtfeed") == 0)
			rtfeed_index = i + 1;
	bool seen_second = false;
	for (size_t i = 0; i < list->n; i++) {
		const struct pc_expectation *e = &list->items[i];
		if (e->role_index == 2 && strcmp(e->rule, "rtfeed") == 0) {
			assert_int_equal(e->port, 41087);
			assert_string_equal(e->instance_name, "cust2");
			assert_int_equal(e->rule_index, rtfeed_index);
			assert_null(e->bind_address);
			seen_second = true;
		}
	}
	assert_true(seen_second);

	/* a configurable port moved by the site */
	const struct pc_expectation *cti = find(list, "cti-server", "cti", 1);
	assert_int_equal(cti->role_index, 3);
	assert_int_equal(cti->port, 45100);
	assert_true(cti->overridden);
	assert_int_equal(cti->confidence, PC_CONF_SITE);
	assert_int_equal(cti->override_line, 27);

	/* "+1 per additional server": count = 3 from a site base */
	for (uint32_t k = 1; k <= 3; k++) {
		const struct pc_expectation *v = find(list, "nuance-vocalizer", "vocalizer", k);
		assert_int_equal(v->port, 32322 + k);
		assert_int_equal(v->members, 3);
		assert_int_equal(v->count, 3);
		assert_true(v->required);
		assert_false(v->unconfigured);
	}
	assert_true(find(list, "nuance-recognition-server", "recognition", 1)->unconfigured);

	/* required changed, number kept: the rule's provenance stays */
	const struct pc_expectation *vnc = find(list, "vnc", "vnc-display", 1);
	assert_false(vnc->required);
	assert_true(vnc->overridden);
	assert_int_equal(vnc->port, 5900);
	assert_int_equal(vnc->confidence, PC_CONF_L12);

	/* a narrowed RPC range */
	const struct pc_expectation *rpc = find(list, "windows-base", "rpc-dynamic", 1);
	assert_int_equal(rpc->port, 5000);
	assert_int_equal(rpc->port_last, 5100);
	assert_int_equal(rpc->match, PC_MATCH_PERMIT); /* a narrowed permit is still a permit */
	assert_false(rpc->trusted);

	/* one shared platform service, two roles: both expect it, no conflict */
	assert_int_equal(find(list, "windows-base", "smb", 1)->port, 445);
	assert_int_equal(find(list, "rms-listener", "smb", 1)->port, 445);

	/* a role from the site catalog */
	const struct pc_expectation *site = find(list, "site-backup-agent", "agent", 1);
	assert_int_equal(site->port, 10000);
	assert_int_equal(site->guide_table, 0);
	assert_int_equal(site->confidence, PC_CONF_SITE);
	pc_plan_unref(p);
}

/* One port, two addresses: two listeners can coexist. */
static void test_bound_to_different_addresses(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_plan *p = load_plan("tests/fixtures/config/good-bind.conf", &diag);
	assert_non_null(p);
	const struct pc_expectation *first = find(&p->expectations, NULL, "ctios", 1);
	assert_int_equal(first->port, 42028);
	assert_string_equal(first->bind_address, "192.0.2.1");
	assert_int_equal(p->expectations.items[p->expectations.n - 1].role_index, 2);
	pc_plan_unref(p);
}

/* The roles of tests/fixtures/catalog/site-one-port.conf, on their own. */
static struct pc_catalog *one_port_catalog(void)
{
	struct pc_diag diag = { 0 };
	const char *paths[] = { repo_path("tests/fixtures/catalog/site-one-port.conf") };
	struct pc_catalog *site = pc_catalog_load(paths, 1, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	assert_non_null(site);
	return site;
}

/* A configuration of those roles, one line per role ("a", "b 192.0.2.1":
 * role and bind address), then extra; its expectations built against
 * site: 0 or -1 as pc_expect_build, diag holding what it said. */
static int one_port_build(const struct pc_catalog *site, const char *const *roles, size_t n,
			  const char *extra, struct pc_diag *diag, char *path)
{
	strcpy(path, "/tmp/pc-one-port-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "# the catalog is given to the builder\n\n");
	for (size_t i = 0; i < n; i++) {
		char name[8], address[32] = "";
		int fields = sscanf(roles[i], "%7s %31s", name, address);
		fprintf(fp, "role \"%s\" {%s%s%s }\n", name, fields == 2 ? " bind-address = \"" : "",
			address, fields == 2 ? "\"" : "");
	}
	fprintf(fp, "%s", extra);
	assert_int_equal(fclose(fp), 0);
	struct pc_config *config = pc_config_load(path, diag);
	assert_non_null(config);
	struct pc_expectations list;
	int rc = pc_expect_build(site, config, &list, diag);
	pc_expectations_free(&list);
	pc_config_free(config);
	unlink(path);
	return rc;
}

/* The clashes of one port: each expectation that clashes is reported once,
 * against the first one (file order) it cannot share a listener with; the
 * line is the role's (role k is at line k + 2). */
static void test_one_port_claimed_many_times(void **state)
{
	(void)state;
	static const struct {
		const char *roles[5];
		size_t n_errors;
		const char *first, *second; /* "LATER FIRST" */
	} cases[] = {
		/* three own listeners: two clashes, not three pairs */
		{ { "a", "b", "c" }, 2, "b a", "c a" },
		/* bound to two addresses they coexist; one for any address
		 * clashes with both, and is reported once */
		{ { "a 192.0.2.1", "b 192.0.2.2", "c" }, 1, "c a", NULL },
		{ { "a 192.0.2.1", "b 192.0.2.2", "c 192.0.2.1" }, 1, "c a", NULL },
		{ { "a 2001:db8::1", "b 192.0.2.1", "c 2001:db8::1" }, 1, "c a", NULL },
		/* one listener serves the ruleset's rule for d and e; f's own
		 * listener cannot share it */
		{ { "d", "e" }, 0, NULL, NULL },
		{ { "d", "e", "f" }, 1, "f d", NULL },
		{ { "f", "d", "e" }, 2, "d f", "e f" },
		/* the first that does not share the rule, whatever comes before */
		{ { "d", "e", "a", "c 192.0.2.1" }, 2, "a d", "c d" },
		{ { "d 192.0.2.1", "e 192.0.2.1", "a 192.0.2.1", "b 192.0.2.2" }, 1, "a d", NULL },
	};
	struct pc_catalog *site = one_port_catalog();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 0;
		while (n < 5 && cases[i].roles[n] != NULL)
			n++;
		struct pc_diag diag = { 0 };
		char path[32];
		int rc = one_port_build(site, cases[i].roles, n, "", &diag, path);
		if (diag.n_errors != cases[i].n_errors) {
			pc_diag_print(&diag, stderr);
			fail_msg("case %zu: %zu errors, not %zu", i, diag.n_errors, cases[i].n_errors);
		}
		const char *expected[2] = { cases[i].first, cases[i].second };
		for (size_t k = 0; k < cases[i].n_errors; k++) {
			char later[4], first[4], needle[128];
			sscanf(expected[k], "%3s %3s", later, first);
			size_t later_line = 0, first_line = 0;
			for (size_t r = 0; r < n; r++) {
				if (cases[i].roles[r][0] == later[0])
					later_line = r + 3;
				if (cases[i].roles[r][0] == first[0])
					first_line = r + 3;
			}
			snprintf(needle, sizeof(needle), "tcp/8090: role %s (rule web) and role %s (rule web, line %zu)",
				 later, first, first_line);
			const char *line = strchr(diag.lines[k], ':');
			if (line == NULL || atoi(line + 1) != (int)later_line || strstr(line, needle) == NULL)
				fail_msg("case %zu: \"%s\", expected line %zu: %s", i, diag.lines[k],
					 later_line, needle);
		}
		assert_int_equal(rc, cases[i].n_errors > 0 ? -1 : 0);
		pc_diag_clear(&diag);
	}
	pc_catalog_free(site);
}

/* An ignore that covers expected ports warns once, naming the first of
 * them in file order, whether it covers a port or a range's port; ignores
 * elsewhere, or of the other protocol, say nothing. */
static void test_ignored_expected_ports(void **state)
{
	(void)state;
	static const char *const roles[] = { "a 192.0.2.1", "f 192.0.2.2" };
	struct pc_catalog *site = one_port_catalog();
	struct pc_diag diag = { 0 };
	char path[32];
	int rc = one_port_build(site, roles, 2, "ignore { protocol = \"tcp\"  range = {8000, 9000} }\n"
						"ignore { protocol = \"udp\"  port = 7150 }\n"
						"ignore { protocol = \"udp\"  port = 8090 }\n"
						"ignore { protocol = \"tcp\"  range = {7100, 7199} }\n"
						"ignore { protocol = \"udp\"  range = {1, 65535} }\n",
				&diag, path);
	assert_int_equal(rc, 0);
	assert_int_equal(diag.n_errors, 0);
	assert_int_equal(diag.n_warnings, 3);
	check_diag_line(diag.lines[0], path, 5, "warning: ignore tcp/8000: role a expects it (rule web)");
	check_diag_line(diag.lines[1], path, 6, "warning: ignore udp/7150: role f expects it (rule beat)");
	check_diag_line(diag.lines[2], path, 9, "warning: ignore udp/1: role f expects it (rule beat)");
	pc_diag_clear(&diag);
	pc_catalog_free(site);
}

struct bad_config {
	const char *file; /* under tests/fixtures/ */
	const char *where; /* the file named in the message, if not file */
	int line;
	const char *needle;
};

/* Mistakes that need the catalog to be seen; pc_plan_load refuses them. */
static const struct bad_config bad_configs[] = {
	{ "config/bad-unknown-role.conf", NULL, 3, "unknown role icm-routr" },
	{ "config/bad-unknown-rule.conf", NULL, 3, "role vnc has no rule vnc-dispaly" },
	{ "config/bad-side-not-taken.conf", NULL, 4, "role icm-router takes side a or b, not primary" },
	{ "config/bad-missing-side.conf", NULL, 3, "role icm-router needs a side (a or b)" },
	{ "config/bad-slot-not-taken.conf", NULL, 4, "role icm-router takes no slot" },
	{ "config/bad-instance-not-taken.conf", NULL, 3, "role windows-base takes no instance" },
	{ "config/bad-count-not-taken.conf", NULL, 3, "role vnc takes no count" },
	{ "config/bad-override-fixed.conf", NULL, 5, "rule rtfeed of role icm-router is not configurable" },
	{ "config/bad-override-range-count.conf", NULL, 4, "give port, not range" },
	{ "config/bad-duplicate-role.conf", NULL, 5, "role icm-router is already configured at line 3" },
	{ "config/bad-listen-conflict.conf", NULL, 6,
	  "tcp/42027: role ipcc-express (rule cti) and role cti-server (rule cti, line 3)" },
	{ "config/bad-ctios-twice.conf", NULL, 4, "tcp/42028: role ctios-server (rule ctios)" },
	{ "config/bad-count-overflow.conf", NULL, 5, "port 65536 is outside 1-65535" },
	/* the clash is named at the override that moved the port onto it */
	{ "config/bad-bind-same.conf", NULL, 10,
	  "tcp/5900: role ctios-server (rule ctios) and role vnc (rule vnc-display, line 3)" },
	{ "config/bad-trust-not-permit.conf", NULL, 4,
	  "rule vnc-display of role vnc is not a permit range: trust applies to permit rules only" },
	{ "config/bad-trust-permits-none.conf", NULL, 3,
	  "trust-permits: role vnc has no permit range to trust" },
	{ "config/bad-permit-required.conf", NULL, 4,
	  "rule rpc-dynamic of role windows-base is a permit range" },
	{ "config/bad-catalog-missing.conf", "config/nowhere", 0, "cannot open the catalog" },
	{ "config/bad-site-duplicate.conf", "catalog/site-dup-role.conf", 2,
	  "role icm-router is already defined at conf/catalog/01-icm-enterprise.conf:" },
};

static void test_bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_configs) / sizeof(bad_configs[0]); i++) {
		const struct bad_config *bad = &bad_configs[i];
		char file[256], where[256];
		snprintf(file, sizeof(file), "tests/fixtures/%s", bad->file);
		snprintf(where, sizeof(where), "tests/fixtures/%s", bad->where ? bad->where : bad->file);
		struct pc_diag diag = { 0 };
		assert_null(pc_plan_load(repo_path(file), &diag));
		check_first_error(&diag, repo_path(where), bad->line, bad->needle);
		pc_diag_clear(&diag);
	}
}

/* One configuration's expectations built over and over on one thread; the
 * first error each build must report. */
struct builder_run {
	const struct pc_config *config;
	const char *first; /* after "PATH:" */
	int rounds;
	pthread_barrier_t *start;
	int wrong; /* builds that reported anything else */
};

static void *build_rounds(void *arg)
{
	struct builder_run *run = arg;
	size_t len = strlen(run->config->path);
	pthread_barrier_wait(run->start);
	for (int i = 0; i < run->rounds; i++) {
		struct pc_expectations list;
		struct pc_diag diag = { 0 };
		int rc = pc_expect_build(catalog, run->config, &list, &diag);
		const char *line = diag.n_lines > 0 ? diag.lines[0] : "";
		if (rc != -1 || strncmp(line, run->config->path, len) != 0 || line[len] != ':' ||
		    strncmp(line + len + 1, run->first, strlen(run->first)) != 0)
			run->wrong++;
		pc_diag_clear(&diag);
	}
	return NULL;
}

/* The loader thread builds a plan while another load may run (start-up, a
 * command): two builds at once each find their own listen-port clash (the
 * check sorts the ports), at their own line. */
static void test_plans_built_on_two_threads_at_once(void **state)
{
	(void)state;
	static const char *const files[2] = { "tests/fixtures/config/bad-listen-conflict.conf",
					      "tests/fixtures/config/bad-bind-same.conf" };
	static const char *const clashes[2] = {
		"6: tcp/42027: role ipcc-express (rule cti) and role cti-server (rule cti, line 3)",
		"10: tcp/5900: role ctios-server (rule ctios) and role vnc (rule vnc-display, line 3)",
	};
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	struct builder_run runs[2];
	pthread_t threads[2];
	for (int i = 0; i < 2; i++) {
		struct pc_diag diag = { 0 };
		runs[i] = (struct builder_run){ .config = pc_config_load(repo_path(files[i]), &diag),
						.first = clashes[i],
						.rounds = 2000,
						.start = &start };
		pc_diag_print(&diag, stderr);
		pc_diag_clear(&diag);
		assert_non_null(runs[i].config);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, build_rounds, &runs[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(runs[i].wrong, 0);
		pc_config_free((struct pc_config *)runs[i].config);
	}
}

/* --expected --role without a config: the same checks, no lines. */
static void test_bad_role_requests(void **state)
{
	(void)state;
	static const struct {
		const char *role;
		int instance;
		enum pc_side side;
		int slot;
		const char *needle;
	} bad[] = {
		{ "icm-routr", -1, PC_SIDE_NONE, 0, "unknown role icm-routr" },
		{ "icm-router", 25, PC_SIDE_A, 0, "instance 25: must be between 0 and 24" },
		{ "icm-router", 0, PC_SIDE_PRIMARY, 0, "takes side a or b, not primary" },
		{ "icm-router", 0, PC_SIDE_A, 2, "role icm-router takes no slot" },
		{ "icm-pg", 0, PC_SIDE_A, 4, "slot 4: must be between 1 and 3" },
		{ "vnc", 1, PC_SIDE_NONE, 0, "role vnc takes no instance" },
		{ "vnc", -1, PC_SIDE_B, 0, "role vnc takes no side" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pc_expectations list;
		struct pc_diag diag = { 0 };
		assert_int_equal(pc_expect_role(catalog, bad[i].role, bad[i].instance, bad[i].side,
						bad[i].slot, 0, "command line", &list, &diag),
				 -1);
		assert_null(list.items);
		check_first_error(&diag, "command line", 0, bad[i].needle);
		pc_diag_clear(&diag);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix),
		cmocka_unit_test(test_instance_arithmetic_examples),
		cmocka_unit_test(test_every_side),
		cmocka_unit_test(test_confidence),
		cmocka_unit_test(test_permits),
		cmocka_unit_test(test_ranges_and_numberless_rules),
		cmocka_unit_test(test_side_only_rules),
		cmocka_unit_test(test_example_host),
		cmocka_unit_test(test_full_host),
		cmocka_unit_test(test_bound_to_different_addresses),
		cmocka_unit_test(test_one_port_claimed_many_times),
		cmocka_unit_test(test_ignored_expected_ports),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_bad_role_requests),
		cmocka_unit_test(test_plans_built_on_two_threads_at_once),
	};
	return cmocka_run_group_tests_name("expect", tests, load_catalog, free_catalog);
}
