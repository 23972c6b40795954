/* SPDX-License-Identifier: ISC */
/* What each status means (core/status.c): the rules its rows must keep
 * with one another, the reports' order of problems, and what a value out
 * of range reads as. The names against the MIB are
 * tests/unit/snmp/test_mib_conventions.c's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/status.h"

static const struct pc_port_status_meaning *meaning(unsigned s)
{
	return pc_port_status_meaning((enum pc_port_status)s);
}

static void every_status_has_its_own_name(void **unused)
{
	(void)unused;
	for (unsigned s = 1; s <= PC_PORT_STATUS_MAX; s++) {
		assert_non_null(meaning(s)->name);
		for (unsigned t = 1; t < s; t++)
			if (strcmp(meaning(s)->name, meaning(t)->name) == 0)
				fail_msg("%u and %u are both called %s", t, s, meaning(s)->name);
	}
}

/* nonCompliant (PcComplianceStatus) means a required port is in an alarm:
 * nothing else makes a role nonCompliant, and an alarm of an optional port
 * degrades it. */
static void only_an_alarm_of_a_required_port_is_non_compliant(void **unused)
{
	(void)unused;
	for (unsigned s = 1; s <= PC_PORT_STATUS_MAX; s++) {
		const struct pc_port_status_meaning *m = meaning(s);
		if (m->alarm) {
			assert_int_equal(m->required, PC_NON_COMPLIANT);
			assert_int_equal(m->optional, PC_DEGRADED);
		} else if (m->required == PC_NON_COMPLIANT || m->optional == PC_NON_COMPLIANT) {
			fail_msg("%s is no alarm but makes a role nonCompliant", m->name);
		}
		if (m->serving) {
			assert_false(m->alarm);
			assert_int_equal(m->required, PC_COMPLIANT);
		}
	}
}

/* The reports list problems worst first: those that can make the host
 * nonCompliant (the alarms, missing the first of them), then those that
 * cannot, unknown (nothing known yet) the last. Ranks are 1..n, each once:
 * a rank given twice or skipped would lose a status from the reports. */
static void the_problems_in_report_order(void **unused)
{
	(void)unused;
	enum pc_port_status order[PC_PORT_STATUS_MAX];
	size_t n = pc_port_status_problems(order);
	size_t ranked = 0;
	for (unsigned s = 1; s <= PC_PORT_STATUS_MAX; s++)
		ranked += meaning(s)->problem_rank > 0;
	assert_int_equal(ranked, n);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(meaning(order[k])->problem_rank, k + 1);
		if (k > 0 && meaning(order[k])->alarm && !meaning(order[k - 1])->alarm)
			fail_msg("the alarm %s is listed after %s, which is none",
				 pc_port_status_name(order[k]), pc_port_status_name(order[k - 1]));
		assert_false(meaning(order[k])->serving);
	}
	assert_int_equal(order[0], PC_PORT_MISSING);
	assert_int_equal(order[n - 1], PC_PORT_UNKNOWN);
	assert_int_equal(meaning(PC_PORT_PRESENT)->problem_rank, 0);
}

/* Pending is the one status that is no verdict: compliance looks through
 * it to the last confirmed status. */
static void pending_is_provisional(void **unused)
{
	(void)unused;
	for (unsigned s = 1; s <= PC_PORT_STATUS_MAX; s++)
		assert_int_equal(meaning(s)->provisional, s == PC_PORT_PENDING);
	assert_false(meaning(PC_PORT_PENDING)->alarm);
}

static void values_out_of_range_read_as_unknown_or_none(void **unused)
{
	(void)unused;
	assert_ptr_equal(meaning(0), meaning(PC_PORT_UNKNOWN));
	assert_ptr_equal(meaning(PC_PORT_STATUS_MAX + 1), meaning(PC_PORT_UNKNOWN));
	assert_string_equal(pc_port_status_name((enum pc_port_status)99), "unknown");
	assert_string_equal(pc_compliance_name((enum pc_compliance)0), "unknown");
	assert_string_equal(pc_listener_class_name((enum pc_listener_class)0), "unexpected");
	assert_false(pc_listener_class_is_unexpected((enum pc_listener_class)0));
	assert_string_equal(pc_address_problem_name((enum pc_address_problem)0), "none");
	assert_string_equal(pc_address_problem_text((enum pc_address_problem)42), "");
}

static void unknown_is_the_worst_compliance(void **unused)
{
	(void)unused;
	assert_int_equal(pc_compliance_worse(PC_COMPLIANT, PC_DEGRADED), PC_DEGRADED);
	assert_int_equal(pc_compliance_worse(PC_NON_COMPLIANT, PC_DEGRADED), PC_NON_COMPLIANT);
	assert_int_equal(pc_compliance_worse(PC_NON_COMPLIANT, PC_COMPLIANCE_UNKNOWN),
			 PC_COMPLIANCE_UNKNOWN);
	assert_int_equal(pc_compliance_worse(PC_COMPLIANT, PC_COMPLIANT), PC_COMPLIANT);
}

/* Announced and counted: nothing covers them, or only a permit range the
 * site does not trust. */
static void unexpected_classes(void **unused)
{
	(void)unused;
	assert_true(pc_listener_class_is_unexpected(PC_CLASS_UNEXPECTED));
	assert_true(pc_listener_class_is_unexpected(PC_CLASS_IN_PERMIT));
	assert_false(pc_listener_class_is_unexpected(PC_CLASS_EXPECTED));
	assert_false(pc_listener_class_is_unexpected(PC_CLASS_IGNORED));
	assert_false(pc_listener_class_is_unexpected(PC_CLASS_TRUSTED_PERMIT));
}

static void every_address_problem_but_none_says_why(void **unused)
{
	(void)unused;
	assert_string_equal(pc_address_problem_text(PC_PROBLEM_NONE), "");
	assert_string_equal(pc_address_problem_text(PC_PROBLEM_LOOPBACK_ONLY),
			    "listens on loopback only");
	for (unsigned p = PC_PROBLEM_NONE + 1; p <= PC_PROBLEM_MAX; p++)
		assert_true(strlen(pc_address_problem_text((enum pc_address_problem)p)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_status_has_its_own_name),
		cmocka_unit_test(only_an_alarm_of_a_required_port_is_non_compliant),
		cmocka_unit_test(the_problems_in_report_order),
		cmocka_unit_test(pending_is_provisional),
		cmocka_unit_test(values_out_of_range_read_as_unknown_or_none),
		cmocka_unit_test(unknown_is_the_worst_compliance),
		cmocka_unit_test(unexpected_classes),
		cmocka_unit_test(every_address_problem_but_none_says_why),
	};
	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
