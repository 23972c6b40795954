/* SPDX-License-Identifier: ISC */
/* eventlog.c: one line per event, named as in the MIB, with its level. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>
#include <syslog.h>

#include "daemon/eventlog.h"
#include "util/log.h"
#include "log_capture.h"

static struct pc_event expectation_event(enum pc_event_type type, enum pc_port_status status)
{
	struct pc_event e = { .type = type, .instance = 3, .side = PC_SIDE_B,
			      .protocol = IPPROTO_TCP, .port = 43067, .status = status };
	strcpy(e.role, "cti-server");
	strcpy(e.rule, "cti");
	return e;
}

static void test_missing_restored_flapping(void **state)
{
	(void)state;
	char line[512];
	struct pc_event e = expectation_event(PC_EVENT_MISSING, PC_PORT_MISSING);
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_WARNING);
	assert_string_equal(line, "pcListenerMissing role=cti-server instance=3 side=b rule=cti "
				  "protocol=tcp port=43067 status=missing");
	e = expectation_event(PC_EVENT_MISSING, PC_PORT_FLAPPING);
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_WARNING);
	assert_non_null(strstr(line, " status=flapping"));
	e = expectation_event(PC_EVENT_MISSING, PC_PORT_WRONG_ADDRESS);
	e.problem = PC_PROBLEM_LOOPBACK_ONLY;
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_WARNING);
	assert_non_null(strstr(line, " status=wrongAddress reason=loopbackOnly"));
	e = expectation_event(PC_EVENT_RESTORED, PC_PORT_PRESENT);
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_NOTICE);
	assert_string_equal(line, "pcListenerRestored role=cti-server instance=3 side=b rule=cti "
				  "protocol=tcp port=43067 status=present");
	/* A range rule names the listener's own port too. */
	e = expectation_event(PC_EVENT_RESTORED, PC_PORT_PRESENT);
	e.listener_port = 43070;
	pc_eventlog_format(&e, line, sizeof(line));
	assert_non_null(strstr(line, " port=43067 listener-port=43070 status=present"));
	e = expectation_event(PC_EVENT_MISSING, PC_PORT_WRONG_OWNER);
	pc_eventlog_format(&e, line, sizeof(line));
	assert_non_null(strstr(line, " status=wrongOwner"));
	/* A role without instance or side. */
	e = expectation_event(PC_EVENT_MISSING, PC_PORT_MISSING);
	e.instance = -1;
	e.side = PC_SIDE_NONE;
	e.protocol = IPPROTO_UDP;
	pc_eventlog_format(&e, line, sizeof(line));
	assert_string_equal(line, "pcListenerMissing role=cti-server instance=- side=- rule=cti "
				  "protocol=udp port=43067 status=missing");
}

static void test_unexpected(void **state)
{
	(void)state;
	char line[512];
	struct pc_event e = { .type = PC_EVENT_UNEXPECTED, .pid = 812 };
	const uint8_t lo[4] = { 127, 0, 0, 1 };
	pc_endpoint_set(&e.local, IPPROTO_TCP, AF_INET, lo, false, 0, 8080);
	strcpy(e.process, "nc");
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_WARNING);
	assert_string_equal(line, "pcUnexpectedListener protocol=tcp address=127.0.0.1 port=8080 "
				  "pid=812 process=nc");
	e.pid = 0;
	e.process[0] = '\0';
	pc_eventlog_format(&e, line, sizeof(line));
	assert_non_null(strstr(line, "pid=0 process=-"));
}

static void test_compliance_levels(void **state)
{
	(void)state;
	char line[512];
	struct pc_event e = { .type = PC_EVENT_COMPLIANCE, .previous = PC_COMPLIANT,
			      .current = PC_NON_COMPLIANT, .missing_count = 2 };
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_WARNING);
	assert_string_equal(line, "pcComplianceChanged compliance=nonCompliant previous=compliant "
				  "missing=2 unexpected=0");
	e.previous = PC_NON_COMPLIANT;
	e.current = PC_DEGRADED;
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_NOTICE);
	e.previous = PC_COMPLIANCE_UNKNOWN;
	e.current = PC_COMPLIANT;
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_NOTICE);
	e.current = PC_DEGRADED; /* the first verdict, not good */
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_WARNING);
}

/* A change of the discovery verdict: each role with its instance, side
 * and slot as one token; a mismatch is a warning, the rest notices. */
static void test_discovery(void **state)
{
	(void)state;
	char line[512];
	struct pc_event e = { .type = PC_EVENT_DISCOVERY, .verdict = PC_DISCOVER_DIFFERS,
			      .verdict_previous = PC_DISCOVER_UNKNOWN };
	snprintf(e.best.roles, sizeof(e.best.roles), "icm-router ctios-server ...");
	snprintf(e.best.instances, sizeof(e.best.instances), "2 0-24 ...");
	snprintf(e.best.sides, sizeof(e.best.sides), "a a|b ...");
	snprintf(e.best.slots, sizeof(e.best.slots), "- 1-3 ...");
	snprintf(e.configured.roles, sizeof(e.configured.roles), "icm-router");
	snprintf(e.configured.instances, sizeof(e.configured.instances), "0");
	snprintf(e.configured.sides, sizeof(e.configured.sides), "a");
	snprintf(e.configured.slots, sizeof(e.configured.slots), "-");
	assert_int_equal(pc_eventlog_format(&e, line, sizeof(line)), LOG_WARNING);
	assert_string_equal(line, "pcDiscoveryVerdictChanged verdict=differs previous=unknown "
				  "best=icm-router/2/a/-,ctios-server/0-24/a|b/1-3,... "
				  "configured=icm-router/0/a/-");
	struct pc_event off = { .type = PC_EVENT_DISCOVERY, .verdict = PC_DISCOVER_OFF,
				.verdict_previous = PC_DISCOVER_DIFFERS };
	assert_int_equal(pc_eventlog_format(&off, line, sizeof(line)), LOG_NOTICE);
	assert_string_equal(line, "pcDiscoveryVerdictChanged verdict=off previous=differs best=- "
				  "configured=-");
}

/* The event box: every event in sending order, and the flood's count. */
static void test_box(void **state)
{
	(void)state;
	struct pc_event_box box;
	pc_event_box_init(&box, 1);
	struct pc_event e = expectation_event(PC_EVENT_MISSING, PC_PORT_MISSING);
	assert_int_equal(pc_event_box_put(&box, &e), 0);
	struct pc_event u = { .type = PC_EVENT_UNEXPECTED, .pid = 7 };
	const uint8_t lo[4] = { 127, 0, 0, 1 };
	pc_endpoint_set(&u.local, IPPROTO_TCP, AF_INET, lo, false, 0, 8080);
	assert_int_equal(pc_event_box_put(&box, &u), 0);
	u.local.port = 8081;
	pc_event_box_put(&box, &u); /* over the limit of 1: counted */
	log_capture_start();
	pc_eventlog_box(&box);
	log_capture_stop();
	assert_int_equal(n_logged, 3);
	assert_non_null(strstr(logged[0], "pcListenerMissing role=cti-server"));
	assert_non_null(strstr(logged[1], "pcUnexpectedListener protocol=tcp address=127.0.0.1 port=8080"));
	assert_non_null(strstr(logged[2], "1 more new listeners"));
	pc_event_box_clear(&box);
}

/* A line never overflows: the longest names are cut, NUL-terminated. */
static void test_truncates(void **state)
{
	(void)state;
	char line[40];
	struct pc_event e = expectation_event(PC_EVENT_MISSING, PC_PORT_MISSING);
	memset(e.role, 'r', sizeof(e.role) - 1);
	pc_eventlog_format(&e, line, sizeof(line));
	assert_int_equal(strlen(line), sizeof(line) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_restored_flapping),
		cmocka_unit_test(test_unexpected),
		cmocka_unit_test(test_compliance_levels),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_truncates),
		cmocka_unit_test(test_box),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
