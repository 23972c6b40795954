/* SPDX-License-Identifier: ISC */
/* The AgentX link (link.c) tells its observer of each connection, with the
 * master session, and of each disconnection, as net-snmp announces them
 * (the callbacks the subagent code calls), and logs each change once; the
 * session it passes on sends each request once, with the patience of all
 * its retries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "log_capture.h"
#include "snmp/link.h"

struct seen {
	unsigned ups, downs;
	void *session;
};

static void on_up(void *context, void *session)
{
	struct seen *seen = context;
	seen->ups++;
	seen->session = session;
}

static void on_down(void *context)
{
	struct seen *seen = context;
	seen->downs++;
	seen->session = NULL;
}

static void the_observer_follows_the_link(void **unused)
{
	(void)unused;
	struct seen seen = { 0 };
	const struct pc_link_observer observer = { on_up, on_down, &seen };
	netsnmp_session master;
	memset(&master, 0, sizeof(master));
	master.retries = 4;
	master.timeout = 1000000;

	log_capture_start();
	pc_link_configure("/nonexistent/agentx", 5, &observer);
	assert_false(pc_link_is_up());
	snmp_call_callbacks(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, &master);
	assert_true(pc_link_is_up());
	assert_int_equal(seen.ups, 1);
	assert_ptr_equal(seen.session, &master);
	assert_int_equal(master.retries, 0);
	assert_int_equal(master.timeout, 5000000);
	assert_int_equal(n_logged, 1);
	assert_non_null(strstr(logged[0], "connected to the AgentX master at /nonexistent/agentx"));

	snmp_call_callbacks(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, &master);
	assert_false(pc_link_is_up());
	assert_int_equal(seen.downs, 1);
	assert_null(seen.session);
	assert_int_equal(n_logged, 2);
	assert_non_null(strstr(logged[1], "lost the AgentX master"));

	snmp_call_callbacks(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, &master);
	assert_int_equal(seen.ups, 2);
	assert_ptr_equal(seen.session, &master);
	assert_int_equal(n_logged, 3);
	assert_non_null(strstr(logged[2], "reconnected to"));

	/* Our own closing is told too: the observer lets the session go. */
	pc_link_shutdown();
	snmp_call_callbacks(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, &master);
	assert_int_equal(seen.downs, 2);
	assert_null(seen.session);
	assert_int_equal(n_logged, 3); /* no loss to report */
	log_capture_stop();
	clear_callback();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_observer_follows_the_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
