/* SPDX-License-Identifier: ISC */
/* The notification builder (notify_pdu.c) held against the MIB as the
 * generator read it (mib_meta.h): each event becomes the notification the
 * map names, with sysUpTime.0 and snmpTrapOID.0 first, then exactly the
 * NOTIFICATION-TYPE's OBJECTS in order, each with the right instance, the
 * MIB's type and the event's value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>

#include "snmp/notify_pdu.h"
#include "mib_check.h"

struct want {
	const char *object; /* as in the MIB's OBJECTS */
	size_t instance_len;
	oid instance[24];
	const char *text; /* NULL: a number */
	size_t text_len; /* 0: strlen */
	long number;
};

#define UPTIME 12345ul

static void check_pdu(const struct pc_event *ev, const char *notification, const struct want *w,
		      size_t n)
{
	static const oid sys_up_time[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
	static const oid snmp_trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	const struct pcmib_notification_meta *m = mib_notification(notification);
	netsnmp_pdu *pdu = pc_notify_pdu(ev, UPTIME);
	assert_non_null(pdu);
	netsnmp_variable_list *v = pdu->variables;

	assert_non_null(v);
	assert_int_equal(snmp_oid_compare(v->name, v->name_length, sys_up_time, OID_LENGTH(sys_up_time)), 0);
	assert_int_equal(v->type, ASN_TIMETICKS);
	assert_int_equal(*v->val.integer, UPTIME);
	v = v->next_variable;
	assert_non_null(v);
	assert_int_equal(snmp_oid_compare(v->name, v->name_length, snmp_trap_oid, OID_LENGTH(snmp_trap_oid)), 0);
	assert_int_equal(v->type, ASN_OBJECT_ID);
	if (snmp_oid_compare(v->val.objid, v->val_len / sizeof(oid), m->oid, m->oid_len) != 0)
		fail_msg("event %d: snmpTrapOID is not %s", ev->type, notification);

	size_t i = 0, n_objects = 0;
	while (m->objects[n_objects] != NULL)
		n_objects++;
	for (v = v->next_variable; v != NULL; v = v->next_variable, i++) {
		if (i >= n)
			fail_msg("%s: %s, the test expects nothing more", notification,
				 i < n_objects ? m->objects[i] : "more varbinds than the MIB's OBJECTS");
		/* After the OBJECTS, what the agent appends (RFC 3416, 4.2.6):
		 * objects of the MIB all the same, as the test lists them. */
		const struct pcmib_object_meta *o = mib_object(i < n_objects ? m->objects[i] : w[i].object);
		if (strcmp(w[i].object, o->name) != 0)
			fail_msg("%s: the test expects %s where the MIB has %s", notification,
				 w[i].object, o->name);
		oid name[MAX_OID_LEN];
		size_t len = mib_name(name, o->name, w[i].instance, w[i].instance_len);
		if (snmp_oid_compare(v->name, v->name_length, name, len) != 0)
			fail_msg("%s: varbind %zu is not %s with the expected instance", notification,
				 i + 2, o->name);
		if (v->type != o->type)
			fail_msg("%s: %s has type 0x%x, the MIB says 0x%x", notification, o->name,
				 v->type, o->type);
		if (w[i].text != NULL) {
			size_t tl = w[i].text_len ? w[i].text_len : strlen(w[i].text);
			if (v->val_len != tl || memcmp(v->val.string, w[i].text, tl) != 0)
				fail_msg("%s: %s is \"%.*s\"", notification, o->name, (int)v->val_len,
					 (const char *)v->val.string);
		} else if (*v->val.integer != w[i].number) {
			fail_msg("%s: %s is %ld, expected %ld", notification, o->name,
				 *v->val.integer, w[i].number);
		}
	}
	if (i < n_objects || i != n)
		fail_msg("%s: %zu varbinds after snmpTrapOID, the MIB has more OBJECTS", notification, i);
	snmp_free_pdu(pdu);
}

static struct pc_event expectation_event(enum pc_event_type type, enum pc_port_status status)
{
	struct pc_event ev = {
		.type = type,
		.when_ms = 1000,
		.role_index = 3,
		.rule_index = 5,
		.member = 2,
		.instance = 4,
		.side = PC_SIDE_B,
		.protocol = IPPROTO_UDP,
		.port = 45067,
		.status = status,
		.listener_port = 45070,
	};
	snprintf(ev.role, sizeof(ev.role), "cti-server");
	snprintf(ev.rule, sizeof(ev.rule), "cti");
	return ev;
}

#define ROLE 1, { 3 }
#define ROW 3, { 3, 5, 2 }

static void test_missing(void **ctx)
{
	(void)ctx;
	struct pc_event ev = expectation_event(PC_EVENT_MISSING, PC_PORT_WRONG_ADDRESS);
	ev.problem = PC_PROBLEM_LOOPBACK_ONLY;
	const struct want w[] = {
		{ "pcRoleName", ROLE, .text = "cti-server" },
		{ "pcRoleInstance", ROLE, .number = 4 },
		{ "pcRoleSide", ROLE, .number = PC_SIDE_B },
		{ "pcExpectRule", ROW, .text = "cti" },
		{ "pcExpectProtocol", ROW, .number = IPPROTO_UDP },
		{ "pcExpectPort", ROW, .number = 45067 },
		{ "pcExpectStatus", ROW, .number = PC_PORT_WRONG_ADDRESS },
		{ "pcExpectAddressProblem", ROW, .number = PC_PROBLEM_LOOPBACK_ONLY },
		{ "pcNotifyPort", 1, { 0 }, .number = 45070 },
	};
	check_pdu(&ev, "pcListenerMissing", w, sizeof(w) / sizeof(w[0]));

	/* Missing, not wrong: no problem with the address. */
	ev.status = PC_PORT_MISSING;
	const struct want m[] = {
		w[0], w[1], w[2], w[3], w[4], w[5],
		{ "pcExpectStatus", ROW, .number = PC_PORT_MISSING },
		{ "pcExpectAddressProblem", ROW, .number = PC_PROBLEM_NONE },
		w[8],
	};
	check_pdu(&ev, "pcListenerMissing", m, sizeof(m) / sizeof(m[0]));
}

static void test_restored(void **ctx)
{
	(void)ctx;
	struct pc_event ev = expectation_event(PC_EVENT_RESTORED, PC_PORT_PRESENT);
	ev.instance = -1;
	ev.side = PC_SIDE_NONE;
	const struct want w[] = {
		{ "pcRoleName", ROLE, .text = "cti-server" },
		{ "pcRoleInstance", ROLE, .number = -1 },
		{ "pcRoleSide", ROLE, .number = PC_SIDE_NONE },
		{ "pcExpectRule", ROW, .text = "cti" },
		{ "pcExpectProtocol", ROW, .number = IPPROTO_UDP },
		{ "pcExpectPort", ROW, .number = 45067 },
		{ "pcExpectStatus", ROW, .number = PC_PORT_PRESENT },
		{ "pcNotifyPort", 1, { 0 }, .number = 45070 },
	};
	check_pdu(&ev, "pcListenerRestored", w, sizeof(w) / sizeof(w[0]));
}

static void test_unexpected(void **ctx)
{
	(void)ctx;
	struct pc_event ev = { .type = PC_EVENT_UNEXPECTED, .when_ms = 1000, .pid = 4321 };
	static const uint8_t v4[] = { 10, 1, 2, 3 };
	pc_endpoint_set(&ev.local, IPPROTO_TCP, AF_INET, v4, false, 0, 2222);
	snprintf(ev.process, sizeof(ev.process), "nc");
	const struct want w[] = {
		{ "pcNotifyProtocol", 1, { 0 }, .number = IPPROTO_TCP },
		{ "pcNotifyAddressType", 1, { 0 }, .number = PC_INET_IPV4 },
		{ "pcNotifyAddress", 1, { 0 }, .text = "\x0a\x01\x02\x03", .text_len = 4 },
		{ "pcNotifyPort", 1, { 0 }, .number = 2222 },
		{ "pcListenerPid", 8, { 6, 1, 4, 10, 1, 2, 3, 2222 }, .number = 4321 },
		{ "pcListenerProcess", 8, { 6, 1, 4, 10, 1, 2, 3, 2222 }, .text = "nc" },
		/* appended: the naming behind pid and process */
		{ "pcListenerNaming", 8, { 6, 1, 4, 10, 1, 2, 3, 2222 }, .number = PC_NAMING_COMPLETE },
	};
	ev.naming = PC_NAMING_COMPLETE;
	check_pdu(&ev, "pcUnexpectedListener", w, sizeof(w) / sizeof(w[0]));

	/* No pid known: 0, never a negative number; and why: naming could not
	 * answer. */
	ev.pid = -1;
	ev.naming = PC_NAMING_UNAVAILABLE;
	const struct want w0[] = {
		w[0], w[1], w[2], w[3],
		{ "pcListenerPid", 8, { 6, 1, 4, 10, 1, 2, 3, 2222 }, .number = 0 },
		w[5],
		{ "pcListenerNaming", 8, { 6, 1, 4, 10, 1, 2, 3, 2222 }, .number = PC_NAMING_UNAVAILABLE },
	};
	check_pdu(&ev, "pcUnexpectedListener", w0, sizeof(w0) / sizeof(w0[0]));
}

static void test_compliance(void **ctx)
{
	(void)ctx;
	struct pc_event ev = {
		.type = PC_EVENT_COMPLIANCE,
		.when_ms = 1000,
		.previous = PC_COMPLIANT,
		.current = PC_NON_COMPLIANT,
		.missing_count = 2,
		.unexpected_count = 9,
	};
	const struct want w[] = {
		{ "pcHostCompliance", 1, { 0 }, .number = PC_NON_COMPLIANT },
		{ "pcNotifyPreviousCompliance", 1, { 0 }, .number = PC_COMPLIANT },
		{ "pcMissingCount", 1, { 0 }, .number = 2 },
		{ "pcUnexpectedCount", 1, { 0 }, .number = 9 },
	};
	check_pdu(&ev, "pcComplianceChanged", w, sizeof(w) / sizeof(w[0]));
}

static void test_summary(void **ctx)
{
	(void)ctx;
	struct pc_event ev = {
		.type = PC_EVENT_SUMMARY,
		.when_ms = 1000,
		.skipped_alarms = 11,
		.skipped_unexpected = 12,
		.current = PC_DEGRADED,
		.missing_count = 3,
		.unexpected_count = 40,
	};
	const struct want w[] = {
		{ "pcNotifySkippedAlarms", 1, { 0 }, .number = 11 },
		{ "pcNotifySkippedUnexpected", 1, { 0 }, .number = 12 },
		{ "pcHostCompliance", 1, { 0 }, .number = PC_DEGRADED },
		{ "pcMissingCount", 1, { 0 }, .number = 3 },
		{ "pcUnexpectedCount", 1, { 0 }, .number = 40 },
	};
	check_pdu(&ev, "pcNotificationsSkipped", w, sizeof(w) / sizeof(w[0]));
}

static void test_discovery(void **ctx)
{
	(void)ctx;
	struct pc_event ev = {
		.type = PC_EVENT_DISCOVERY,
		.when_ms = 1000,
		.verdict = PC_DISCOVER_DIFFERS,
		.verdict_previous = PC_DISCOVER_MATCHES,
	};
	snprintf(ev.best.roles, sizeof(ev.best.roles), "icm-router ctios-server");
	snprintf(ev.best.instances, sizeof(ev.best.instances), "2 0-24");
	snprintf(ev.best.sides, sizeof(ev.best.sides), "a a|b");
	snprintf(ev.best.slots, sizeof(ev.best.slots), "- 1-3");
	snprintf(ev.configured.roles, sizeof(ev.configured.roles), "icm-router");
	snprintf(ev.configured.instances, sizeof(ev.configured.instances), "0");
	snprintf(ev.configured.sides, sizeof(ev.configured.sides), "a");
	snprintf(ev.configured.slots, sizeof(ev.configured.slots), "-");
	/* The best candidate as pcDiscoveryTable's first row (rank 1). */
	const struct want w[] = {
		{ "pcDiscoveryVerdict", 1, { 0 }, .number = PC_DISCOVER_DIFFERS },
		{ "pcDiscoveryRoles", 1, { 1 }, .text = "icm-router ctios-server" },
		{ "pcDiscoveryInstances", 1, { 1 }, .text = "2 0-24" },
		{ "pcDiscoverySides", 1, { 1 }, .text = "a a|b" },
		{ "pcDiscoverySlots", 1, { 1 }, .text = "- 1-3" },
		{ "pcDiscoveryConfiguredRoles", 1, { 0 }, .text = "icm-router" },
		{ "pcDiscoveryConfiguredInstances", 1, { 0 }, .text = "0" },
		{ "pcDiscoveryConfiguredSides", 1, { 0 }, .text = "a" },
		{ "pcDiscoveryConfiguredSlots", 1, { 0 }, .text = "-" },
	};
	check_pdu(&ev, "pcDiscoveryVerdictChanged", w, sizeof(w) / sizeof(w[0]));

	/* Turned off: the verdict alone says it, the words are empty. */
	struct pc_event off = { .type = PC_EVENT_DISCOVERY, .when_ms = 1000,
				.verdict = PC_DISCOVER_OFF,
				.verdict_previous = PC_DISCOVER_DIFFERS };
	const struct want o[] = {
		{ "pcDiscoveryVerdict", 1, { 0 }, .number = PC_DISCOVER_OFF },
		{ "pcDiscoveryRoles", 1, { 1 }, .text = "" },
		{ "pcDiscoveryInstances", 1, { 1 }, .text = "" },
		{ "pcDiscoverySides", 1, { 1 }, .text = "" },
		{ "pcDiscoverySlots", 1, { 1 }, .text = "" },
		{ "pcDiscoveryConfiguredRoles", 1, { 0 }, .text = "" },
		{ "pcDiscoveryConfiguredInstances", 1, { 0 }, .text = "" },
		{ "pcDiscoveryConfiguredSides", 1, { 0 }, .text = "" },
		{ "pcDiscoveryConfiguredSlots", 1, { 0 }, .text = "" },
	};
	check_pdu(&off, "pcDiscoveryVerdictChanged", o, sizeof(o) / sizeof(o[0]));
}

/* The map: every notification of the MIB is some event's, no two events
 * share one (the switch in notify_pdu.c covers every event: the compiler
 * checks that). */
static void test_every_notification_is_mapped(void **ctx)
{
	(void)ctx;
	static const enum pc_event_type events[] = { PC_EVENT_MISSING,	  PC_EVENT_RESTORED,
						     PC_EVENT_UNEXPECTED, PC_EVENT_COMPLIANCE,
						     PC_EVENT_SUMMARY,	  PC_EVENT_DISCOVERY };
	size_t n_events = sizeof(events) / sizeof(events[0]);
	size_t n_notifications = sizeof(pcmib_notifications) / sizeof(pcmib_notifications[0]);
	for (size_t k = 0; k < n_notifications; k++) {
		const struct pcmib_notification_meta *m = &pcmib_notifications[k];
		size_t users = 0;
		for (size_t e = 0; e < n_events; e++)
			users += pc_notify_notification_of(events[e]) == m->oid[m->oid_len - 1];
		if (users != 1)
			fail_msg("%s is the notification of %zu events", m->name, users);
	}
	assert_int_equal(n_events, n_notifications);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_restored),
		cmocka_unit_test(test_unexpected),
		cmocka_unit_test(test_compliance),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_every_notification_is_mapped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
