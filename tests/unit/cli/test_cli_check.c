/* SPDX-License-Identifier: ISC */
/* portcomplyd --check end to end, on /proc/net fixture trees read in the
 * collector's procfs mode: the plan from tests/fixtures/report/check.conf
 * (tcp 18011 required, 18012 optional), the engine, the report, and the
 * Nagios exit status in all four states; with discovery on, a
 * configuration whose roles are not what the listeners show is a problem
 * and a WARNING (discover-*.conf on proc-router-logger). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/cli_check.h"
#include "json_check.h"
#include "pc_test.h"
#include "text_check.h"

/* A file of tests/fixtures/report as the loaders print it. */
static const char *fixture(const char *name)
{
	char relative[256];
	snprintf(relative, sizeof(relative), "tests/fixtures/report/%s", name);
	return repo_path(relative);
}

static struct cli_run check_detail(const char *config, const char *proc_tree,
				   const char *format, bool brief, bool verbose)
{
	struct pc_cli_args args = { .config_path = config, .config_given = true,
				    .instance = -1, .slot = -1, .format = format,
				    .brief = brief, .verbose = verbose };
	struct pc_collector_options collect = { .mode = PC_COLLECT_PROCFS, .proc_root = proc_tree };
	struct cli_streams s = cli_streams_open();
	return cli_streams_collect(s, pc_check_run(&args, &collect, s.out, s.err));
}

static struct cli_run check(const char *config, const char *proc_tree, const char *format)
{
	return check_detail(config, proc_tree, format, false, false);
}

/* One state: text and JSON agree, and the exit status says it. The text's
 * first line starts with first and carries the perfdata after " | ";
 * --brief is that line alone, --verbose adds the tables. */
static void check_state(const char *tree, int status, const char *first, const char *perfdata,
			const char *compliance)
{
	struct cli_run r = check(fixture("check.conf"), fixture(tree), "text");
	assert_int_equal(r.status, status);
	assert_starts(r.out, first);
	const char *bar = strstr(r.out, " | ");
	assert_non_null(bar);
	assert_true(bar < strchr(r.out, '\n'));
	assert_starts(bar + 3, perfdata);
	assert_string_equal(r.err, "");
	size_t first_len = (size_t)(strchr(r.out, '\n') - r.out) + 1;
	struct cli_run brief = check_detail(fixture("check.conf"), fixture(tree), "text", true, false);
	assert_int_equal(brief.status, status);
	assert_int_equal(count_lines(brief.out), 1);
	assert_int_equal(brief.out[strlen(brief.out) - 1], '\n');
	assert_int_equal(strncmp(brief.out, r.out, strcspn(r.out, "|")), 0);
	cli_run_free(&brief);
	struct cli_run verbose = check_detail(fixture("check.conf"), fixture(tree), "text", false, true);
	assert_int_equal(verbose.status, status);
	assert_int_equal(strncmp(verbose.out, r.out, strcspn(r.out, "|")), 0);
	assert_true(strlen(verbose.out) > first_len);
	assert_contains(verbose.out, "\nExpectations:\n");
	assert_contains(verbose.out, "\nPoll: procfs at ");
	cli_run_free(&verbose);
	cli_run_free(&r);

	r = check(fixture("check.conf"), fixture(tree), "json");
	assert_int_equal(r.status, status);
	assert_json_valid(r.out);
	char want[128];
	snprintf(want, sizeof(want), "{\"compliance\": \"%s\", ", compliance);
	assert_starts(r.out, want);
	snprintf(want, sizeof(want), "\"exit_status\": %d,", status);
	assert_contains(r.out, want);
	assert_contains(r.out, "\"poll\": {\"source\": \"procfs\"");
	cli_run_free(&r);
}

static void test_compliant(void **state)
{
	(void)state;
	check_state("proc-compliant", 0,
		    "PORTCOMPLY OK - compliant: 2 of 2 present, 1 unexpected listener; "
		    "unexpected tcp/8080 | ",
		    "expected=2;;;0 present=2;;;0 missing=0;;;0 unexpected=1;;;0 ", "compliant");
	struct cli_run r = check(fixture("check.conf"), fixture("proc-compliant"), "json");
	assert_contains(r.out, "\"rule\": \"needed\", \"description\": \"A required listener\", "
			       "\"protocol\": \"tcp\", \"port\": 18011, \"port_last\": 18011, "
			       "\"match\": \"port\", \"direction\": \"listen\", \"required\": true, "
			       "\"configurable\": false, \"bind_address\": null, \"status\": \"present\", "
			       "\"listener\": 2, \"bound_address\": \"127.0.0.1\", \"pid\": null, "
			       "\"process\": null, \"uid\": 0, \"user\": \"root\", \"owner_user\": null, "
			       "\"owner_uid\": null, \"owner_process\": null}");
	/* listeners[2], sorted after the two wildcards, serves expectations[0] */
	assert_contains(r.out, "\"address\": \"127.0.0.1\", \"port\": 18011, \"sockets\": 1, "
			       "\"pid\": null, \"process\": null, \"uid\": 0, \"user\": \"root\", "
			       "\"uids_differ\": false, \"class\": \"expected\", "
			       "\"expectation\": 0, \"role\": \"check-lab\", \"rule\": \"needed\", "
			       "\"device\": null, \"device_status\": null}");
	assert_contains(r.out, "{\"protocol\": \"tcp\", \"address_type\": \"ipv4\", "
			       "\"address\": \"0.0.0.0\", \"port\": 8080, \"sockets\": 1, "
			       "\"pid\": null, \"process\": null, \"uid\": 0, \"user\": \"root\", "
			       "\"uids_differ\": false, \"class\": \"unexpected\", "
			       "\"expectation\": null, \"role\": null, \"rule\": null, "
			       "\"device\": null, \"device_status\": null}");
	assert_contains(r.out, "\"port\": 22, \"sockets\": 1, \"pid\": null, \"process\": null, "
			       "\"uid\": 0, \"user\": \"root\", \"uids_differ\": false, "
			       "\"class\": \"ignored\"");
	cli_run_free(&r);
}

/* hold-down 1: an absent port is missing at once, never pending. */
static void test_degraded(void **state)
{
	(void)state;
	check_state("proc-degraded", 1,
		    "PORTCOMPLY WARNING - degraded: 1 missing, 1 of 2 present, 0 unexpected listeners; "
		    "missing check-lab optional tcp/18012 | ",
		    "expected=2;;;0 present=1;;;0 missing=1;;;0 unexpected=0;;;0 ", "degraded");
}

static void test_non_compliant(void **state)
{
	(void)state;
	check_state("proc-noncompliant", 2,
		    "PORTCOMPLY CRITICAL - nonCompliant: 1 missing (1 required), 1 of 2 present, "
		    "0 unexpected listeners; missing check-lab needed tcp/18011 | ",
		    "expected=2;;;0 present=1;;;0 missing=1;;;0 unexpected=0;;;0 ", "nonCompliant");
}

/* check-connections: a connect rule is judged on the established
 * connections the poll counted; without it, it is not checked at all. */
static void test_connections(void **state)
{
	(void)state;
	struct cli_run r = check(fixture("check-connect.conf"), fixture("proc-compliant"), "json");
	assert_int_equal(r.status, 0);
	assert_contains(r.out, "\"rule\": \"peer\"");
	assert_contains(r.out, "\"direction\": \"connect\", \"required\": true, "
			       "\"configurable\": false, \"bind_address\": null, "
			       "\"status\": \"connected\"");
	cli_run_free(&r);

	r = check(fixture("check-connect.conf"), fixture("proc-degraded"), "text");
	assert_int_equal(r.status, 1);
	assert_starts(r.out, "PORTCOMPLY WARNING - degraded: 1 notConnected, 0 of 1 present, ");
	assert_contains(r.out, "| expected=1;;;0 present=0;;;0 missing=0;;;0 unexpected=");
	assert_contains(r.out, " not_connected=1;;;0 ");
	cli_run_free(&r);

	/* The same role without check-connections. */
	r = check(fixture("check-noconnect.conf"), fixture("proc-degraded"), "text");
	assert_int_equal(r.status, 0);
	assert_starts(r.out, "PORTCOMPLY OK - compliant: 0 of 1 present, 1 not checked, ");
	cli_run_free(&r);
}

/* A configuration that does not validate: UNKNOWN, FILE:LINE on stderr
 * and in the report. */
static void test_invalid_configuration(void **state)
{
	(void)state;
	char prefix[1200];
	snprintf(prefix, sizeof(prefix), "PORTCOMPLY UNKNOWN - invalid configuration: %s:5: ",
		 fixture("bad.conf"));
	struct cli_run r = check(fixture("bad.conf"), fixture("proc-compliant"), "text");
	assert_int_equal(r.status, 3);
	assert_starts(r.out, prefix);
	assert_contains(r.out, "no-such-role");
	assert_int_equal(strchr(r.out, '\n')[1], '\0'); /* one line, no perfdata */
	check_diag_line(r.err, fixture("bad.conf"), 5, "no-such-role");
	cli_run_free(&r);

	r = check(fixture("bad.conf"), fixture("proc-compliant"), "json");
	assert_int_equal(r.status, 3);
	assert_json_valid(r.out);
	assert_starts(r.out, "{\"compliance\": \"unknown\", \"state\": \"UNKNOWN\", \"exit_status\": 3, "
			     "\"error\": \"invalid configuration\", \"diagnostics\": [\"");
	cli_run_free(&r);

	r = check(fixture("no-such.conf"), fixture("proc-compliant"), "text");
	assert_int_equal(r.status, 3);
	assert_starts(r.out, "PORTCOMPLY UNKNOWN - invalid configuration: ");
	assert_contains(r.out, "no-such.conf: cannot read: No such file or directory");
	cli_run_free(&r);
}

/* The socket tables cannot be read: UNKNOWN with the collector's reason. */
static void test_collector_failure(void **state)
{
	(void)state;
	struct cli_run r = check(fixture("check.conf"), fixture("no-such-tree"), "text");
	assert_int_equal(r.status, 3);
	assert_starts(r.out, "PORTCOMPLY UNKNOWN - cannot read the socket tables: ");
	assert_contains(r.out, "no-such-tree/net/tcp");
	assert_starts(r.err, "portcomplyd: cannot read the socket tables: ");
	cli_run_free(&r);

	r = check(fixture("check.conf"), fixture("no-such-tree"), "json");
	assert_int_equal(r.status, 3);
	assert_json_valid(r.out);
	assert_contains(r.out, "\"error\": \"cannot read the socket tables: ");
	cli_run_free(&r);
}

/* The host runs a Router and a Logger (instance 2 side a); the
 * configuration states the Logger alone. Its ports are all there: the host
 * is compliant, and the Router's ports are unexpected. With discovery on,
 * the listeners show roles the configuration does not state: WARNING,
 * the first problem named, in text and JSON. */
static void test_discovery_differs(void **state)
{
	(void)state;
	const char *tree = fixture("proc-router-logger");
	struct cli_run r = check(fixture("discover-logger.conf"), tree, "text");
	assert_int_equal(r.status, 1);
	assert_starts(r.out, "PORTCOMPLY WARNING - compliant: 4 of 4 present, 15 unexpected "
			     "listeners; roles differ: listeners look like "
			     "icm-router/2/a/-,icm-logger/2/a/-, unexpected tcp/40080");
	char *second = strndup(strchr(r.out, '\n') + 1, strcspn(strchr(r.out, '\n') + 1, "\n"));
	assert_starts(second, "discovery differs: the configured roles (icm-logger instance 2 "
			      "side a; score ");
	assert_contains(second, "are not among the best candidates: the listeners look like "
				"icm-router instance 2 side a, icm-logger instance 2 side a (score ");
	free(second);
	cli_run_free(&r);

	r = check_detail(fixture("discover-logger.conf"), tree, "text", false, true);
	assert_contains(r.out, "\nDiscovery: differs: the configured roles (icm-logger");
	cli_run_free(&r);

	r = check(fixture("discover-logger.conf"), tree, "json");
	assert_int_equal(r.status, 1);
	assert_json_valid(r.out);
	assert_starts(r.out, "{\"compliance\": \"compliant\", \"state\": \"WARNING\", "
			     "\"exit_status\": 1,");
	assert_contains(r.out, "\"discovery\": {\"verdict\": \"differs\", \"best_score\": ");
	assert_contains(r.out, "\"best\": [{\"role\": \"icm-router\", \"instance\": \"2\", "
			       "\"side\": \"a\", \"slot\": \"-\"}, {\"role\": \"icm-logger\", "
			       "\"instance\": \"2\", \"side\": \"a\", \"slot\": \"-\"}], "
			       "\"configured\": [{\"role\": \"icm-logger\", \"instance\": \"2\", "
			       "\"side\": \"a\", \"slot\": \"-\"}]},");
	cli_run_free(&r);
}

/* The same host configured as it runs: discovery matches, OK; discovery
 * off: nothing said about it (null in JSON), OK with the Router's ports
 * unexpected. A nonCompliant host stays CRITICAL whatever discovery says. */
static void test_discovery_matches_or_off(void **state)
{
	(void)state;
	const char *tree = fixture("proc-router-logger");
	/* (each run with discovery on builds the index: as few as it takes) */
	struct cli_run r = check_detail(fixture("discover-both.conf"), tree, "text", false, true);
	assert_int_equal(r.status, 0);
	assert_starts(r.out, "PORTCOMPLY OK - compliant: ");
	assert_not_contains(r.out, "roles differ");
	assert_not_contains(r.out, "discovery differs");
	assert_contains(r.out, "\nDiscovery: matches: the configured roles (icm-router instance 2 "
			       "side a, icm-logger instance 2 side a; score ");
	cli_run_free(&r);
	r = check(fixture("discover-both.conf"), tree, "json");
	assert_contains(r.out, "\"discovery\": {\"verdict\": \"matches\", ");
	cli_run_free(&r);

	r = check(fixture("discover-off.conf"), tree, "text");
	assert_int_equal(r.status, 0);
	assert_starts(r.out, "PORTCOMPLY OK - compliant: 4 of 4 present, 15 unexpected listeners; ");
	assert_not_contains(r.out, "roles differ");
	cli_run_free(&r);
	r = check(fixture("discover-off.conf"), tree, "json");
	assert_contains(r.out, "\"discovery\": null,");
	cli_run_free(&r);

	r = check(fixture("discover-logger.conf"), fixture("proc-noncompliant"), "text");
	assert_int_equal(r.status, 2);
	assert_starts(r.out, "PORTCOMPLY CRITICAL - nonCompliant: ");
	cli_run_free(&r);
}

static void test_bad_format(void **state)
{
	(void)state;
	struct cli_run r = check(fixture("check.conf"), fixture("proc-compliant"), "xml");
	assert_int_equal(r.status, 3);
	assert_string_equal(r.out, "PORTCOMPLY UNKNOWN - --format xml: must be text or json\n");
	assert_string_equal(r.err, "portcomplyd: --format xml: must be text or json\n");
	cli_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compliant),
		cmocka_unit_test(test_degraded),
		cmocka_unit_test(test_non_compliant),
		cmocka_unit_test(test_connections),
		cmocka_unit_test(test_invalid_configuration),
		cmocka_unit_test(test_collector_failure),
		cmocka_unit_test(test_discovery_differs),
		cmocka_unit_test(test_discovery_matches_or_off),
		cmocka_unit_test(test_bad_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
