/* SPDX-License-Identifier: ISC */
/* The MIB handlers (mib*.c) without snmpd, as lldpd tests its own: every
 * table and scalar group answers GET and GETNEXT on a fixture state (the
 * walk's catalog, tests/fixtures/mib/host.conf, judged by the real engine
 * on a hand-made poll), and every answer is held against the MIB as the
 * generator read it (mib_meta.h): the served columns and scalars, their
 * types, the walk's order, the end of each table, the holes, and the value
 * of every column of one row of each table (pcDiscoveryTable's from the
 * real search on the same poll). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "snmp/mib_internal.h"
#include "mib_check.h"
#include "pc_test.h"

static const struct pc_mib_table_def *const tables[] = {
	&pc_mib_listener_def, &pc_mib_role_def,		 &pc_mib_expect_def,
	&pc_mib_instance_def, &pc_mib_instance_port_def, &pc_mib_discovery_table_def,
	&pc_mib_expected_port_def,
};
#define EXPECTED_PORTS 6 /* its place in tables[] */
#define N_TABLES (sizeof(tables) / sizeof(tables[0]))
static const struct pc_mib_scalars_def *const groups[] = { &pc_mib_poll_def, &pc_mib_host_def,
							   &pc_mib_notify_def,
							   &pc_mib_discovery_def };
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

struct fixture {
	struct pc_state *state;
	struct pc_mib_view view;
	struct pc_mib_table tables[N_TABLES];
};

static void add_listener(struct pc_snapshot *snap, uint8_t proto, const char *address,
			 bool v6only, uint16_t port, int pid, const char *process)
{
	uint8_t bytes[16];
	int family = strchr(address, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(family, address, bytes), 1);
	struct pc_listen_socket socket = { .inode = 100000u + port, .uid = 1000u + port,
					   .v6only = v6only };
	pc_endpoint_set(&socket.local, proto, family, bytes, v6only, 0, port);
	assert_int_equal(pc_snapshot_add_listener(snap, &socket), 0);
	struct pc_listener *l = &snap->listeners[snap->n_listeners - 1];
	l->pid = pid;
	snprintf(l->process, sizeof(l->process), "%s", process);
	snprintf(l->user, sizeof(l->user), "u%u", (unsigned)port);
}

static void take_poll(struct pc_snapshot *snap, bool with_api)
{
	add_listener(snap, IPPROTO_TCP, "0.0.0.0", false, 50082, 4242, "router");
	add_listener(snap, IPPROTO_UDP, "0.0.0.0", false, 23050, 0, "");
	add_listener(snap, IPPROTO_TCP, "::", true, 54002, 77, "svc6");
	add_listener(snap, IPPROTO_TCP, "127.0.0.1", false, 55000, 99, "stray");
	add_listener(snap, IPPROTO_TCP, "0.0.0.0", false, 22, 1, "sshd");
	if (with_api)
		add_listener(snap, IPPROTO_TCP, "0.0.0.0", false, 54001, 5, "api");
	pc_snapshot_finish(snap);
	snap->source = PC_SOURCE_NETLINK;
	snap->taken_at = (struct timespec){ 1795642511, 812000000 }; /* 2026-11-25T21:35:11.8Z */
	snap->duration_us = 412;
	snap->udp_clients = 4; /* left out by the listener rule */
	snap->naming = (struct pc_naming_status){ PC_NAMING_DEGRADED,
						  "the naming helper (pid 9) has not answered in 5 s", 2 };
}

/* walk-router's main and the beat range present, spare missing, peer not
 * checked; walk-svc's api missing, v6 only on IPv6 (wrongAddress: its peers
 * use IPv4), later unconfigured; one
 * unexpected listener, one ignored. */
static int setup(void **ctx)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pc_diag diag = { 0 };
	struct pc_plan *plan = pc_plan_load(repo_path("tests/fixtures/mib/host.conf"), &diag);
	if (plan == NULL) {
		pc_diag_print(&diag, stderr);
		fail_msg("tests/fixtures/mib/host.conf does not load");
	}
	pc_diag_clear(&diag);

	/* Two polls: at 1000 ms api listens, at 2000 ms it is gone. */
	struct pc_engine_settings settings = { .hold_down = 1, .flap_window = 20 };
	struct pc_snapshot first = { 0 }, snap = { 0 };
	struct pc_evaluation before, eval;
	take_poll(&first, true);
	take_poll(&snap, false);
	assert_int_equal(pc_engine_evaluate(plan, &settings, &first, NULL, NULL, NULL, 1000, &before), 0);
	assert_int_equal(pc_engine_evaluate(plan, &settings, &snap, plan, &first, &before, 2000, &eval),
			 0);
	pc_evaluation_free(&before);
	pc_snapshot_clear(&first);
	f->state = pc_state_new(plan, &snap, &eval);
	assert_non_null(f->state);
	pc_plan_unref(plan);
	f->state->poll_count = 7;
	f->state->poll_errors = 3;
	/* What the poll thread's discovery leaves in a state (the walk's
	 * catalog; the verdict as published). */
	struct pc_discover_index *ix = pc_discover_index_build(f->state->plan->catalog);
	assert_non_null(ix);
	size_t n_configured;
	struct pc_discover_assignment *configured =
		pc_discover_configured(f->state->plan->catalog, &f->state->plan->expectations,
				       &n_configured);
	struct pc_discover_params params = { .config = f->state->plan->config,
					     .configured = configured,
					     .n_configured = n_configured };
	assert_int_equal(pc_discover_run(ix, &f->state->snap, &params, &f->state->discovery), 0);
	f->state->discovery.verdict = PC_DISCOVER_UNKNOWN; /* not confirmed yet */
	free(configured);
	pc_discover_index_free(ix);
	f->view.state = f->state;
	f->view.notify = (struct pc_notify_stats){ .sent = 5, .suppressed = 6, .dropped = 7, .queued = 8,
						   .retried = 30, .folded = 31, .refused = 32,
						   .unconfirmed = 33 };
	/* Asked at 6000 ms, when sysUpTime is 1000 s. */
	f->view.now_ms = 6000;
	f->view.uptime = 100000;
	for (size_t i = 0; i < N_TABLES; i++) {
		f->tables[i].def = tables[i];
		assert_int_equal(pc_mib_table_rebuild(&f->tables[i], f->state), 0);
	}
	*ctx = f;
	return 0;
}

static int teardown(void **ctx)
{
	struct fixture *f = *ctx;
	for (size_t i = 0; i < N_TABLES; i++)
		pc_mib_table_free(&f->tables[i]);
	pc_state_unref(f->state);
	free(f);
	return 0;
}

static netsnmp_variable_list *var_named(const oid *name, size_t len)
{
	netsnmp_variable_list *var = calloc(1, sizeof(*var));
	assert_non_null(var);
	snmp_set_var_objid(var, name, len);
	return var;
}

static void var_free(netsnmp_variable_list *var)
{
	snmp_free_var(var);
}

/* ---- served columns and scalars are the MIB's read-only ones ---------- */

static void test_columns_are_the_mibs(void **ctx)
{
	(void)ctx;
	for (size_t t = 0; t < N_TABLES; t++) {
		const struct pc_mib_table_def *def = tables[t];
		size_t n = 0;
		for (size_t i = 0; i < sizeof(pcmib_objects) / sizeof(pcmib_objects[0]); i++) {
			const struct pcmib_object_meta *o = &pcmib_objects[i];
			if (o->oid_len != def->entry_len + 1 ||
			    snmp_oid_compare(o->oid, def->entry_len, def->entry, def->entry_len) != 0 ||
			    strcmp(o->access, "read-only") != 0)
				continue;
			if (n >= def->n_columns || def->columns[n] != o->oid[def->entry_len])
				fail_msg("%s: the MIB's read-only column %s is not served in order",
					 def->name, o->name);
			n++;
		}
		assert_int_equal(n, def->n_columns);
	}
}

/* Every row, every column: GET answers with the MIB's type; GETNEXT walks
 * exactly those objects in increasing order and then says end of table. */
static void test_walk_every_table(void **ctx)
{
	struct fixture *f = *ctx;
	for (size_t t = 0; t < N_TABLES; t++) {
		const struct pc_mib_table *table = &f->tables[t];
		const struct pc_mib_table_def *def = table->def;
		size_t n_rows = pc_mib_table_size(table, f->state);
		assert_true(n_rows > 0);
		/* From the table's own OID (the entry without its ".1"). */
		netsnmp_variable_list *var = var_named(def->entry, def->entry_len - 1);
		oid previous[MAX_OID_LEN];
		size_t previous_len = 0, count = 0;
		while (pc_mib_table_getnext(table, &f->view, var) == 0) {
			if (previous_len > 0 &&
			    snmp_oid_compare(previous, previous_len, var->name, var->name_length) >= 0)
				fail_msg("%s: GETNEXT went backwards or stood still", def->name);
			const struct pcmib_object_meta *o = mib_object_of(var->name, var->name_length);
			assert_non_null(o);
			if (var->type != o->type)
				fail_msg("%s: %s has type 0x%x, the MIB says 0x%x", def->name, o->name,
					 var->type, o->type);
			/* GET of the same name agrees. */
			netsnmp_variable_list *again = var_named(var->name, var->name_length);
			assert_int_equal(pc_mib_table_get(table, &f->view, again), 0);
			assert_int_equal(again->type, var->type);
			assert_int_equal(again->val_len, var->val_len);
			assert_memory_equal(again->val.string, var->val.string, var->val_len);
			var_free(again);
			memcpy(previous, var->name, var->name_length * sizeof(oid));
			previous_len = var->name_length;
			count++;
		}
		if (count != n_rows * def->n_columns)
			fail_msg("%s: walked %zu objects, expected %zu rows x %zu columns", def->name,
				 count, n_rows, def->n_columns);
		/* The walk ended at the last column's last row. */
		struct pc_mib_index last;
		pc_mib_table_row(table, f->state, n_rows - 1, &last);
		assert_int_equal(previous_len, def->entry_len + 1 + last.len);
		assert_int_equal(previous[def->entry_len], def->columns[def->n_columns - 1]);
		var_free(var);
	}
}

/* ---- holes and edges ---------------------------------------------------- */

static const oid tcp_any_50082[] = { 6, 1, 4, 0, 0, 0, 0, 50082 };

static void test_holes(void **ctx)
{
	struct fixture *f = *ctx;
	const struct pc_mib_table *listeners = &f->tables[0];
	oid name[MAX_OID_LEN];
	size_t len;
	netsnmp_variable_list *var;

	/* An index column is not served. */
	len = mib_name(name, "pcListenerProtocol", tcp_any_50082, OID_LENGTH(tcp_any_50082));
	var = var_named(name, len);
	assert_int_equal(pc_mib_table_get(listeners, &f->view, var), SNMP_NOSUCHOBJECT);
	var_free(var);

	/* A row that is not there. */
	static const oid tcp_any_9[] = { 6, 1, 4, 0, 0, 0, 0, 9 };
	len = mib_name(name, "pcListenerSockets", tcp_any_9, OID_LENGTH(tcp_any_9));
	var = var_named(name, len);
	assert_int_equal(pc_mib_table_get(listeners, &f->view, var), SNMP_NOSUCHINSTANCE);
	/* ... and GETNEXT from it: the next row, 0.0.0.0:22. */
	assert_int_equal(pc_mib_table_getnext(listeners, &f->view, var), 0);
	static const oid tcp_any_22[] = { 6, 1, 4, 0, 0, 0, 0, 22 };
	len = mib_name(name, "pcListenerSockets", tcp_any_22, OID_LENGTH(tcp_any_22));
	assert_int_equal(snmp_oid_compare(var->name, var->name_length, name, len), 0);
	var_free(var);

	/* GETNEXT from a partial index: the first row under it. */
	static const oid tcp[] = { 6 };
	len = mib_name(name, "pcListenerPid", tcp, 1);
	var = var_named(name, len);
	assert_int_equal(pc_mib_table_getnext(listeners, &f->view, var), 0);
	len = mib_name(name, "pcListenerPid", tcp_any_22, OID_LENGTH(tcp_any_22));
	assert_int_equal(snmp_oid_compare(var->name, var->name_length, name, len), 0);
	var_free(var);

	/* GETNEXT from an index column: the first served column's first row. */
	len = mib_name(name, "pcListenerPort", NULL, 0);
	var = var_named(name, len);
	assert_int_equal(pc_mib_table_getnext(listeners, &f->view, var), 0);
	len = mib_name(name, "pcListenerSockets", tcp_any_22, OID_LENGTH(tcp_any_22));
	assert_int_equal(snmp_oid_compare(var->name, var->name_length, name, len), 0);
	var_free(var);

	/* pcExpectMember, an index column: not served; GETNEXT from it goes to
	 * the next served column's first row, or is the end of the table. */
	const struct pc_mib_table *expect = &f->tables[2];
	static const oid first_row[] = { 1, 1, 1 };
	len = mib_name(name, "pcExpectMember", first_row, OID_LENGTH(first_row));
	var = var_named(name, len);
	assert_int_equal(pc_mib_table_get(expect, &f->view, var), SNMP_NOSUCHOBJECT);
	size_t c = 0;
	while (c < expect->def->n_columns && expect->def->columns[c] < PCMIB_EXPECT_MEMBER)
		c++;
	if (c == expect->def->n_columns) {
		assert_int_equal(pc_mib_table_getnext(expect, &f->view, var), 1);
	} else {
		assert_int_equal(pc_mib_table_getnext(expect, &f->view, var), 0);
		assert_int_equal(var->name[expect->def->entry_len], expect->def->columns[c]);
		assert_int_equal(snmp_oid_compare(var->name + expect->def->entry_len + 1,
						  var->name_length - expect->def->entry_len - 1,
						  first_row, OID_LENGTH(first_row)),
				 0);
	}
	var_free(var);

	/* After the last served column's last row: the end of the table. */
	struct pc_mib_index last;
	pc_mib_table_row(expect, f->state, pc_mib_table_size(expect, f->state) - 1, &last);
	memcpy(name, expect->def->entry, expect->def->entry_len * sizeof(oid));
	name[expect->def->entry_len] = expect->def->columns[expect->def->n_columns - 1];
	memcpy(name + expect->def->entry_len + 1, last.sub, last.len * sizeof(oid));
	var = var_named(name, expect->def->entry_len + 1 + last.len);
	assert_int_equal(pc_mib_table_get(expect, &f->view, var), 0);
	assert_int_equal(pc_mib_table_getnext(expect, &f->view, var), 1);
	var_free(var);

	/* An empty table (a state without roles): nothing to GET, nothing after. */
	struct pc_state no_roles = { .plan = f->state->plan, .eval = { .n_roles = 0 } };
	struct pc_mib_view view = f->view;
	view.state = &no_roles;
	struct pc_mib_table empty = { .def = &pc_mib_role_def };
	static const oid one[] = { 1 };
	len = mib_name(name, "pcRoleName", one, 1);
	var = var_named(name, len);
	assert_int_equal(pc_mib_table_get(&empty, &view, var), SNMP_NOSUCHINSTANCE);
	assert_int_equal(pc_mib_table_getnext(&empty, &view, var), 1);
	var_free(var);
}

/* ---- values: every column of one row of each table, every scalar -------- */

struct want {
	const char *object;
	size_t index_len;
	oid index[40];
	const char *text; /* NULL: a number */
	size_t text_len; /* for text with NUL bytes; 0: strlen */
	long number;
	bool any; /* only the type is checked (clock-dependent values) */
};

#define N(x) .number = (x)
#define S(x) .text = (x)
#define LISTENER 8, { 6, 1, 4, 0, 0, 0, 0, 50082 }
#define ROLE1 1, { 1 }
#define V6_ROW 3, { 2, 2, 1 }
#define INSTANCE2 1, { 2 }
#define PORT_ROW 6, { 2, 6, 50082, 1, 1, 1 }
#define RANK1 1, { 1 }
/* walk-svc's v6: role 2, "v6", "tcp", 54002, "optional". */
#define V6_BY_NAME 18, { 2, 2, 'v', '6', 3, 't', 'c', 'p', 54002, 8, 'o', 'p', 't', 'i', 'o', 'n', 'a', 'l' }
/* walk-svc's api, required and missing. */
#define API_BY_NAME 19, { 2, 3, 'a', 'p', 'i', 3, 't', 'c', 'p', 54001, 8, 'r', 'e', 'q', 'u', 'i', 'r', 'e', 'd' }

static const uint8_t ipv6_any[16];

static const struct want rows[] = {
	{ "pcListenerSockets", LISTENER, N(1) },
	{ "pcListenerPid", LISTENER, N(4242) },
	{ "pcListenerProcess", LISTENER, S("router") },
	{ "pcListenerClass", LISTENER, N(PC_CLASS_EXPECTED) },
	{ "pcListenerRole", LISTENER, S("walk-router") },
	{ "pcListenerRule", LISTENER, S("main") },
	{ "pcListenerUid", LISTENER, N(1000 + 50082) },
	{ "pcListenerUser", LISTENER, S("u50082") },
	{ "pcListenerDevice", LISTENER, S("") },
	{ "pcListenerDeviceStatus", LISTENER, N(PC_DEVICE_NONE) },
	{ "pcListenerNaming", LISTENER, N(PC_NAMING_COMPLETE) }, /* made by hand, with a pid */
	{ "pcListenerHolders", LISTENER, S("4242/router") },
	{ "pcRoleName", ROLE1, S("walk-router") },
	{ "pcRoleTitle", ROLE1, S("Router of the walk") },
	{ "pcRoleGuideTable", ROLE1, N(1) },
	{ "pcRoleInstance", ROLE1, N(2) },
	{ "pcRoleSide", ROLE1, N(PC_SIDE_A) },
	{ "pcRoleSlot", ROLE1, N(0) },
	{ "pcRoleExpected", ROLE1, N(4) },
	{ "pcRolePresent", ROLE1, N(2) },
	{ "pcRoleMissing", ROLE1, N(1) },
	{ "pcRoleUnconfigured", ROLE1, N(0) },
	{ "pcRoleCompliance", ROLE1, N(PC_DEGRADED) },
	{ "pcRoleSideName", ROLE1, S("a") },
	{ "pcExpectRule", V6_ROW, S("v6") },
	{ "pcExpectDescription", V6_ROW, S("Optional IPv6 listener") },
	{ "pcExpectProtocol", V6_ROW, N(IPPROTO_TCP) },
	{ "pcExpectPort", V6_ROW, N(54002) },
	{ "pcExpectPortLast", V6_ROW, N(54002) },
	{ "pcExpectDirection", V6_ROW, N(PC_DIR_LISTEN) },
	{ "pcExpectRequired", V6_ROW, N(2) },
	{ "pcExpectConfigurable", V6_ROW, N(2) },
	{ "pcExpectProvenance", V6_ROW, S("SITE SITE") },
	{ "pcExpectStatus", V6_ROW, N(PC_PORT_WRONG_ADDRESS) }, /* v6-only, IPv4 peers */
	{ "pcExpectBoundAddressType", V6_ROW, N(PC_INET_IPV6) },
	{ "pcExpectBoundAddress", V6_ROW, .text = (const char *)ipv6_any, .text_len = 16 },
	{ "pcExpectPid", V6_ROW, N(77) },
	{ "pcExpectProcess", V6_ROW, S("svc6") },
	{ "pcExpectLastChange", V6_ROW, N(0) }, /* never changed */
	{ "pcExpectLastChange", 3, { 2, 1, 1 }, N(100000 - 400) }, /* api: at 2000 ms */
	{ "pcExpectAddressProblem", V6_ROW, N(PC_PROBLEM_IPV6_ONLY) },
	{ "pcExpectPeers", V6_ROW, N(2) }, /* remoteIpv4 */
	{ "pcExpectHolderUid", V6_ROW, N(1000 + 54002) },
	{ "pcExpectHolderUid", 3, { 2, 1, 1 }, N(0xffffffff) }, /* api: no listener */
	{ "pcExpectOwner", V6_ROW, S("") },
	{ "pcExpectProtocolName", V6_ROW, S("tcp") },
	{ "pcExpectRequirement", V6_ROW, S("optional") },
	{ "pcExpectOwnerCheck", V6_ROW, N(PC_OWNER_CHECK_NONE) }, /* no owner configured */
	{ "pcExpectOwnerPid", V6_ROW, N(0) },
	{ "pcExpectOwnerProcess", V6_ROW, S("") },
	{ "pcExpectedPortStatus", V6_BY_NAME, N(PC_PORT_WRONG_ADDRESS) },
	{ "pcExpectedPortStatus", API_BY_NAME, N(PC_PORT_MISSING) },
	{ "pcInstanceName", INSTANCE2, S("walk") },
	{ "pcInstanceRoles", INSTANCE2, N(1) },
	{ "pcInstanceCompliance", INSTANCE2, N(PC_DEGRADED) },
	{ "pcInstancePortLast", PORT_ROW, N(50082) },
	{ "pcInstancePortRole", PORT_ROW, S("walk-router") },
	{ "pcInstancePortRule", PORT_ROW, S("main") },
	{ "pcInstancePortSide", PORT_ROW, N(PC_SIDE_A) },
	{ "pcInstancePortStatus", PORT_ROW, N(PC_PORT_PRESENT) },
	/* The listeners, ssh ignored, are the configured roles' but stray's. */
	{ "pcDiscoveryRoles", RANK1, S("walk-router walk-svc") },
	{ "pcDiscoveryInstances", RANK1, S("2 -") },
	{ "pcDiscoverySides", RANK1, S("a -") },
	{ "pcDiscoverySlots", RANK1, S("- -") },
	{ "pcDiscoveryScore", RANK1, N(1457) },
	{ "pcDiscoveryExplained", RANK1, N(3) },
	{ "pcDiscoveryExpected", RANK1, N(5) },
	{ "pcDiscoveryUnexplained", RANK1, N(1) },
	{ "pcDiscoveryLacking", RANK1, N(1) },
	{ "pcDiscoveryTiedWith", RANK1, N(0) },
};

#define SCALAR 0, { 0 }
static const struct want scalars[] = {
	{ "pcPollCount", SCALAR, N(7) },
	{ "pcLastPollTime", SCALAR, .text = "\x07\xea\x0b\x19\x15\x23\x0b\x08+\0\0", .text_len = 11 },
	{ "pcPollDuration", SCALAR, N(412) },
	{ "pcListenerCount", SCALAR, N(5) },
	{ "pcPollErrors", SCALAR, N(3) },
	{ "pcPollSource", SCALAR, N(PC_SOURCE_NETLINK) },
	{ "pcNamingStatus", SCALAR, N(PC_NAMING_DEGRADED) },
	{ "pcNamingReason", SCALAR, S("the naming helper (pid 9) has not answered in 5 s") },
	{ "pcNamingRestarts", SCALAR, N(2) },
	{ "pcUdpClientCount", SCALAR, N(4) },
	{ "pcHostCompliance", SCALAR, N(PC_NON_COMPLIANT) },
	{ "pcExpectedCount", SCALAR, N(7) },
	{ "pcPresentCount", SCALAR, N(2) },
	{ "pcMissingCount", SCALAR, N(3) }, /* wrongAddress counts */
	{ "pcUnexpectedCount", SCALAR, N(1) },
	{ "pcUnconfiguredCount", SCALAR, N(1) },
	{ "pcLastChange", SCALAR, N(100000 - 400) }, /* nonCompliant at 2000 ms */
	{ "pcCatalogRevision", SCALAR, .any = true },
	{ "pcNotificationsEnabled", SCALAR, N(1) },
	{ "pcNotifyMissingEnabled", SCALAR, N(1) },
	{ "pcNotifyRestoredEnabled", SCALAR, N(1) },
	{ "pcNotifyUnexpectedEnabled", SCALAR, N(1) },
	{ "pcNotifyComplianceEnabled", SCALAR, N(1) },
	{ "pcNotifyRateLimit", SCALAR, N(10) },
	{ "pcNotificationsSent", SCALAR, N(5) },
	{ "pcNotificationsSuppressed", SCALAR, N(6) },
	{ "pcNotificationsDropped", SCALAR, N(7) },
	{ "pcNotificationsRetried", SCALAR, N(30) },
	{ "pcNotificationsFolded", SCALAR, N(31) },
	{ "pcNotificationsRefused", SCALAR, N(32) },
	{ "pcNotificationsUnconfirmed", SCALAR, N(33) },
	{ "pcNotificationsQueued", SCALAR, N(8) },
	{ "pcHoldDown", SCALAR, N(1) },
	{ "pcFlapThreshold", SCALAR, N(6) },
	{ "pcFlapWindow", SCALAR, N(20) },
	{ "pcDiscoveryVerdict", SCALAR, N(PC_DISCOVER_UNKNOWN) },
	{ "pcDiscoveryListeners", SCALAR, N(4) },
	{ "pcDiscoveryConfiguredRoles", SCALAR, S("walk-router walk-svc") },
	{ "pcDiscoveryConfiguredInstances", SCALAR, S("2 -") },
	{ "pcDiscoveryConfiguredSides", SCALAR, S("a -") },
	{ "pcDiscoveryConfiguredSlots", SCALAR, S("- -") },
	{ "pcDiscoveryNotifyEnabled", SCALAR, N(1) },
};

static void check_value(const struct want *w, const netsnmp_variable_list *var)
{
	const struct pcmib_object_meta *o = mib_object(w->object);
	if (var->type != o->type)
		fail_msg("%s: type 0x%x, the MIB says 0x%x", w->object, var->type, o->type);
	if (w->any)
		return;
	if (w->text != NULL) {
		size_t len = w->text_len ? w->text_len : strlen(w->text);
		if (var->val_len != len || memcmp(var->val.string, w->text, len) != 0)
			fail_msg("%s: \"%.*s\", expected \"%.*s\"", w->object, (int)var->val_len,
				 (const char *)var->val.string, (int)len, w->text);
	} else if (*var->val.integer != w->number) {
		fail_msg("%s: %ld, expected %ld", w->object, *var->val.integer, w->number);
	}
}

static void test_one_row_of_each_table(void **ctx)
{
	struct fixture *f = *ctx;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct want *w = &rows[i];
		oid name[MAX_OID_LEN];
		size_t len = mib_name(name, w->object, w->index, w->index_len);
		const struct pc_mib_table *table = NULL;
		for (size_t t = 0; t < N_TABLES; t++)
			if (snmp_oid_compare(name, f->tables[t].def->entry_len, f->tables[t].def->entry,
					     f->tables[t].def->entry_len) == 0)
				table = &f->tables[t];
		assert_non_null(table);
		netsnmp_variable_list *var = var_named(name, len);
		if (pc_mib_table_get(table, &f->view, var) != 0)
			fail_msg("GET %s: no answer", w->object);
		check_value(w, var);
		var_free(var);
	}
}

/* Every read-only scalar of the MIB is in the list above and answers;
 * numbers the MIB does not serve (notification-only objects, beyond the
 * last) answer noSuchObject. */
static void test_every_scalar(void **ctx)
{
	struct fixture *f = *ctx;
	for (size_t i = 0; i < sizeof(pcmib_objects) / sizeof(pcmib_objects[0]); i++) {
		const struct pcmib_object_meta *o = &pcmib_objects[i];
		const struct pc_mib_scalars_def *group = NULL;
		for (size_t g = 0; g < N_GROUPS; g++)
			if (o->oid_len == groups[g]->group_len + 1 &&
			    snmp_oid_compare(o->oid, groups[g]->group_len, groups[g]->group,
					     groups[g]->group_len) == 0)
				group = groups[g];
		if (group == NULL)
			continue; /* a column */
		unsigned n = (unsigned)o->oid[o->oid_len - 1];
		netsnmp_variable_list *var = var_named(o->oid, o->oid_len);
		if (strcmp(o->access, "read-only") != 0) {
			assert_int_equal(group->value(&f->view, n, var), SNMP_NOSUCHOBJECT);
			var_free(var);
			continue;
		}
		const struct want *w = NULL;
		for (size_t k = 0; k < sizeof(scalars) / sizeof(scalars[0]); k++)
			if (strcmp(scalars[k].object, o->name) == 0)
				w = &scalars[k];
		if (w == NULL)
			fail_msg("the MIB's scalar %s has no expected value in test_mib", o->name);
		assert_true(n <= group->last);
		if (group->value(&f->view, n, var) != 0)
			fail_msg("%s: no answer", o->name);
		check_value(w, var);
		var_free(var);
	}
	netsnmp_variable_list *var = var_named(pc_mib_poll_def.group, pc_mib_poll_def.group_len);
	assert_int_equal(pc_mib_poll_def.value(&f->view, pc_mib_poll_def.last + 1, var),
			 SNMP_NOSUCHOBJECT);
	var_free(var);
}

/* pcExpectedPortTable: every expected port once, named by its role row,
 * rule, protocol, port and requirement, in the order of that index (rule
 * names by length first, as OID components compare: beat, main, peer,
 * spare, not the catalog's main, spare, beat, peer), each with its
 * pcExpectTable row's status. */
static void decode_text(const oid **at, const oid *end, char *out, size_t max)
{
	assert_true(*at < end);
	size_t len = (size_t)*(*at)++;
	assert_true(len < max && (size_t)(end - *at) >= len);
	for (size_t i = 0; i < len; i++)
		out[i] = (char)*(*at)++;
	out[len] = '\0';
}

static void test_expected_ports_by_name(void **ctx)
{
	struct fixture *f = *ctx;
	const struct pc_mib_table *table = &f->tables[EXPECTED_PORTS];
	const struct pc_expectations *exps = &f->state->plan->expectations;
	static const char *const order[] = {
		"1 beat udp 23000 optional", "1 main tcp 50082 required",
		"1 peer tcp 51084 optional", "1 spare tcp 50083 optional",
		"2 v6 tcp 54002 optional",   "2 api tcp 54001 required",
		"2 later tcp 0 optional",
	};
	assert_int_equal(exps->n, sizeof(order) / sizeof(order[0]));
	static const oid status[] = { PCMIB_EXPECTED_PORT_STATUS_OID };
	netsnmp_variable_list *var = var_named(status, OID_LENGTH(status));
	size_t n = 0;
	while (pc_mib_table_getnext(table, &f->view, var) == 0 &&
	       snmp_oid_compare(var->name, OID_LENGTH(status), status, OID_LENGTH(status)) == 0) {
		const oid *at = var->name + OID_LENGTH(status), *end = var->name + var->name_length;
		char rule[64], proto[8], requirement[16], row[128];
		unsigned role = (unsigned)*at++;
		decode_text(&at, end, rule, sizeof(rule));
		decode_text(&at, end, proto, sizeof(proto));
		assert_true(at < end);
		unsigned port = (unsigned)*at++;
		decode_text(&at, end, requirement, sizeof(requirement));
		assert_ptr_equal(at, end);
		snprintf(row, sizeof(row), "%u %s %s %u %s", role, rule, proto, port, requirement);
		assert_true(n < exps->n);
		assert_string_equal(row, order[n]);
		const struct pc_expectation *e = NULL;
		for (size_t k = 0; k < exps->n; k++)
			if (exps->items[k].role_index == role && strcmp(exps->items[k].rule, rule) == 0 &&
			    exps->items[k].port == port)
				e = &exps->items[k];
		assert_non_null(e);
		assert_int_equal(*var->val.integer, pc_mib_expect_result(f->state, e)->status);
		n++;
	}
	assert_int_equal(n, exps->n);
	var_free(var);
}

/* Before the poll thread published any verdict: off while discovery is
 * off, unknown (not off) while it is on. */
static void test_discovery_verdict_before_a_poll(void **ctx)
{
	struct fixture *f = *ctx;
	enum pc_discover_verdict kept = f->state->discovery.verdict;
	struct pc_config *config = f->state->plan->config;
	netsnmp_variable_list *var = var_named(pc_mib_discovery_def.group, pc_mib_discovery_def.group_len);
	f->state->discovery.verdict = PC_DISCOVER_OFF; /* as pc_state_new leaves it */
	assert_int_equal(pc_mib_discovery_def.value(&f->view, PCMIB_DISCOVERY_VERDICT, var), 0);
	assert_int_equal(*var->val.integer, PC_DISCOVER_OFF);
	config->discovery = true;
	assert_int_equal(pc_mib_discovery_def.value(&f->view, PCMIB_DISCOVERY_VERDICT, var), 0);
	assert_int_equal(*var->val.integer, PC_DISCOVER_UNKNOWN);
	f->state->discovery.verdict = PC_DISCOVER_DIFFERS;
	assert_int_equal(pc_mib_discovery_def.value(&f->view, PCMIB_DISCOVERY_VERDICT, var), 0);
	assert_int_equal(*var->val.integer, PC_DISCOVER_DIFFERS);
	config->discovery = false;
	f->state->discovery.verdict = kept;
	var_free(var);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_are_the_mibs),
		cmocka_unit_test(test_walk_every_table),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_one_row_of_each_table),
		cmocka_unit_test(test_every_scalar),
		cmocka_unit_test(test_expected_ports_by_name),
		cmocka_unit_test(test_discovery_verdict_before_a_poll),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
