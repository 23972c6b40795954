/* SPDX-License-Identifier: ISC */
/* --list-roles and --expected as an operator runs them: what is printed,
 * exit status 2 with FILE:LINE on stderr for anything that does not
 * validate, and 1 for a usage error (the usage text's convention). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>

#include "cli/cli_catalog.h"
#include "plan/diag.h"
#include "plan/plan.h"
#include "pc_test.h"
#include "text_check.h"

typedef int (*command_fn)(const struct pc_cli_args *, FILE *, FILE *);

static struct cli_run run(command_fn command, const struct pc_cli_args *args)
{
	struct cli_streams s = cli_streams_open();
	return cli_streams_collect(s, command(args, s.out, s.err));
}

static struct pc_cli_args defaults(void)
{
	return (struct pc_cli_args){ .config_path = repo_path("conf/portcomply.conf"),
				     .default_catalog_dir = CATALOG_DIR,
				     .instance = -1,
				     .slot = -1 };
}

/* A usage error: exit status 1 and exactly message on stderr. */
static void check_usage_error(command_fn command, const struct pc_cli_args *args,
			      const char *message)
{
	struct cli_run r = run(command, args);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, message);
	cli_run_free(&r);
}

/* check(path) for every bad-* file of a fixture folder; how many there are. */
static size_t for_each_bad_fixture(const char *folder, void (*check)(const char *path))
{
	const char *dir_path = repo_path(folder);
	DIR *dir = opendir(dir_path);
	assert_non_null(dir);
	size_t seen = 0;
	for (struct dirent *e; (e = readdir(dir)) != NULL;) {
		if (strncmp(e->d_name, "bad-", 4) != 0)
			continue;
		char path[1100];
		snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
		check(path);
		seen++;
	}
	closedir(dir);
	return seen;
}

static void test_list_roles(void **state)
{
	(void)state;
	struct pc_cli_args args = defaults();
	struct cli_run r = run(pc_cli_list_roles_to, &args);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_true(HAS_ROW(r.out, "ROLE", "TABLE", "RULES", "TAKES", "TITLE"));
	assert_true(HAS_ROW(r.out, "icm-router ", " 1 ", " 19 ", "instance side=a|b", "ICM Router"));
	assert_true(HAS_ROW(r.out, "icm-pg ", "instance side=a|b slot=1|2|3"));
	assert_true(HAS_ROW(r.out, "icm-distributor ", "side=primary|secondary"));
	assert_true(HAS_ROW(r.out, "nuance-vocalizer ", " 9 ", "count"));
	assert_true(HAS_ROW(r.out, "ipcc-express ", " 10 "));
	cli_run_free(&r);

	args.format = "json";
	r = run(pc_cli_list_roles_to, &args);
	assert_int_equal(r.status, 0);
	assert_int_equal(strncmp(r.out, "{\"catalog_revision\": \"", 22), 0);
	assert_non_null(strstr(r.out, "{\"role\": \"cti-server\", \"title\": \"CTI Server (on a PG)\", \"table\": 1, \"rules\": 1, \"takes\": \"instance side=a|b slot=1|2|3\""));
	cli_run_free(&r);
}

/* With -c, the catalog that configuration names (site roles included). */
static void test_list_roles_of_a_config(void **state)
{
	(void)state;
	struct pc_cli_args args = defaults();
	args.config_path = repo_path("tests/fixtures/config/good-full.conf");
	args.config_given = true;
	struct cli_run r = run(pc_cli_list_roles_to, &args);
	assert_int_equal(r.status, 0);
	assert_true(HAS_ROW(r.out, "site-backup-agent ", " 0 ", " 1 "));
	cli_run_free(&r);
}

/* Provenance reads the same everywhere: the confidence tag first, then the
 * sources; a role's summary lists its tags strongest first and its
 * sources in port-facts.md's order. */
static void test_provenance_order(void **state)
{
	(void)state;
	struct pc_cli_args args = defaults();
	args.config_path = repo_path("tests/fixtures/cli/provenance.conf");
	args.config_given = true;
	struct cli_run r = run(pc_cli_list_roles_to, &args);
	assert_int_equal(r.status, 0);
	assert_true(HAS_ROW(r.out, "ROLE", "TABLE", "RULES", "TAKES", "PROVENANCE", "TITLE"));
	assert_true(HAS_ROW(r.out, "provenance-lab ", " 0 ", " 4 ", " instance ",
			    " E60 L12 INF UNV SITE S0, S1, S1b, S9, MS, A2, A9, A10, SITE ",
			    " Provenance test role"));
	cli_run_free(&r);
	args.format = "json";
	r = run(pc_cli_list_roles_to, &args);
	assert_non_null(strstr(r.out, "\"role\": \"provenance-lab\", \"title\": \"Provenance test role\", "
				      "\"table\": 0, \"rules\": 4, \"takes\": \"instance\", "
				      "\"confidence\": [\"E60\", \"L12\", \"INF\", \"UNV\", \"SITE\"], "
				      "\"sources\": [\"S0\", \"S1\", \"S1b\", \"S9\", \"MS\", \"A2\", "
				      "\"A9\", \"A10\", \"SITE\"]"));
	cli_run_free(&r);

	args = defaults();
	args.config_path = repo_path("tests/fixtures/cli/provenance.conf");
	r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 0);
	assert_true(HAS_ROW(r.out, "provenance-lab", "inferred", "18031", " INF A9, S1"));
	assert_true(HAS_ROW(r.out, "provenance-lab", "printed", "18032", " E60 S1b, MS, S0, A10, A2"));
	assert_true(HAS_ROW(r.out, "provenance-lab", "site", "18033", " SITE SITE"));
	cli_run_free(&r);
	args.format = "json";
	r = run(pc_cli_expected_to, &args);
	assert_non_null(strstr(r.out, "\"confidence\": \"INF\", \"source\": \"A9, S1\""));
	cli_run_free(&r);
}

/* The appendix on demand: one instance's ports for a role. */
static void test_expected_for_a_role(void **state)
{
	(void)state;
	struct pc_cli_args args = defaults();
	args.role = "icm-router";
	args.instance = 2;
	args.side = "a";
	struct cli_run r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_true(HAS_ROW(r.out, "ROLE", "INSTANCE", "SIDE", "SLOT", "RULE", "PROTO", "PORT",
			    "DIRECTION", "REQUIRED", "PROVENANCE"));
	assert_true(HAS_ROW(r.out, "icm-router", "instance-2", " a ", "dmp-low", "tcp", "40082",
			    "listen", "yes", "L12 S1"));
	assert_true(HAS_ROW(r.out, "dmp-high", "40083"));
	assert_true(HAS_ROW(r.out, "rtfeed", "40087", "listen", "yes"));
	assert_true(HAS_ROW(r.out, "private-heartbeat", "udp", "39500-39999"));
	cli_run_free(&r);

	args = defaults();
	args.role = "cti-server";
	args.instance = 1;
	args.side = "b";
	r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 0);
	assert_true(HAS_ROW(r.out, "cti-server", "instance-1", " b ", " 1 ", "cti", "tcp", "43067",
			    "listen", "yes"));
	cli_run_free(&r);

	args.format = "json";
	r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"role\": \"cti-server\""));
	assert_non_null(strstr(r.out, "\"instance\": 1, \"instance_name\": \"instance-1\", \"side\": \"b\", \"slot\": 1"));
	assert_non_null(strstr(r.out, "\"port\": 43067, \"port_last\": 43067, \"match\": \"port\", \"direction\": \"listen\""));
	assert_non_null(strstr(r.out, "\"confidence\": \"L12\""));
	cli_run_free(&r);

	/* -c only picks the catalog: a site role's plan */
	args = defaults();
	args.config_path = repo_path("tests/fixtures/config/good-full.conf");
	args.config_given = true;
	args.role = "site-hosted-router";
	args.instance = 3;
	args.side = "b";
	r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 0);
	assert_true(HAS_ROW(r.out, "site-hosted-router", "status", "41159", "SITE SITE"));
	cli_run_free(&r);
}

static void test_expected_for_the_host(void **state)
{
	(void)state;
	struct pc_cli_args args = defaults();
	struct cli_run r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_int_equal(strncmp(r.out, "# catalog revision ", 19), 0);
	assert_true(HAS_ROW(r.out, "icm-router", "acme", " a ", "rtfeed", "40007"));
	assert_true(HAS_ROW(r.out, "icm-logger", "acme", "sql-server", "1433", "yes", "L12 S1, MS"));
	assert_true(HAS_ROW(r.out, "windows-base", " - ", " - ", " - ", "smb", "445"));
	cli_run_free(&r);

	/* warnings go to stderr, the plan still prints */
	args.config_path = repo_path("tests/fixtures/config/good-full.conf");
	r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, ":47: warning: ignore tcp/135"));
	assert_true(HAS_ROW(r.out, "cti-server", "cust1", "45100", "SITE (override, line 27"));
	assert_true(HAS_ROW(r.out, "nuance-recognition-server", "unconfigured", "yes"));
	cli_run_free(&r);
}

/* A bad configuration: status 2, nothing on stdout, and on stderr the
 * same FILE:LINE first line that the loader reports. */
static void check_bad_config_exits_2(const char *path)
{
	struct pc_diag diag = { 0 };
	assert_null(pc_plan_load(path, &diag));
	assert_true(diag.n_errors > 0);

	struct pc_cli_args args = defaults();
	args.config_path = path;
	args.config_given = true;
	struct cli_run r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.out, "");
	assert_int_equal(strncmp(r.err, diag.lines[0], strlen(diag.lines[0])), 0);
	assert_int_equal(r.err[strlen(diag.lines[0])], '\n');
	cli_run_free(&r);
	pc_diag_clear(&diag);
}

/* A bad catalog: status 2, nothing on stdout, stderr names the file. */
static void check_bad_catalog_exits_2(const char *path)
{
	struct pc_cli_args args = defaults();
	args.default_catalog_dir = path;
	struct cli_run r = run(pc_cli_list_roles_to, &args);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.out, "");
	assert_int_equal(strncmp(r.err, path, strlen(path)), 0);
	assert_int_equal(r.err[strlen(path)], ':');
	cli_run_free(&r);
}

static void test_every_bad_config_exits_2(void **state)
{
	(void)state;
	assert_true(for_each_bad_fixture("tests/fixtures/config", check_bad_config_exits_2) >= 25);
}

static void test_every_bad_catalog_exits_2(void **state)
{
	(void)state;
	assert_true(for_each_bad_fixture("tests/fixtures/catalog", check_bad_catalog_exits_2) >=
		    25);
}

static void test_bad_options(void **state)
{
	(void)state;
	struct pc_cli_args args = defaults();
	args.format = "xml";
	check_usage_error(pc_cli_list_roles_to, &args,
			  "command line: --format xml: must be text or json\n");

	args = defaults();
	args.instance = 1;
	check_usage_error(pc_cli_expected_to, &args,
			  "command line: --instance, --side and --slot need --role\n");

	args = defaults();
	args.role = "icm-pg";
	args.slot = 0;
	check_usage_error(pc_cli_expected_to, &args,
			  "command line: --slot 0: must be between 1 and 3\n");

	args = defaults();
	args.role = "icm-router";
	args.side = "c";
	check_usage_error(pc_cli_expected_to, &args,
			  "command line: --side c: must be a, b, primary or secondary\n");

	args = defaults();
	args.role = "vnc";
	args.instance = 3;
	check_usage_error(pc_cli_expected_to, &args, "command line: role vnc takes no instance\n");

	/* A role the catalog does not have: a usage error too, nothing printed. */
	args = defaults();
	args.role = "no-such-role";
	struct cli_run r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "command line: unknown role no-such-role"));
	cli_run_free(&r);

	args = defaults();
	args.config_path = repo_path("tests/fixtures/config/no-such.conf");
	r = run(pc_cli_expected_to, &args);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "no-such.conf: cannot read: No such file or directory\n"));
	cli_run_free(&r);

	args = defaults();
	args.default_catalog_dir = NULL;
	r = run(pc_cli_list_roles_to, &args);
	assert_int_equal(r.status, 2);
	cli_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_roles),
		cmocka_unit_test(test_list_roles_of_a_config),
		cmocka_unit_test(test_provenance_order),
		cmocka_unit_test(test_expected_for_a_role),
		cmocka_unit_test(test_expected_for_the_host),
		cmocka_unit_test(test_every_bad_config_exits_2),
		cmocka_unit_test(test_every_bad_catalog_exits_2),
		cmocka_unit_test(test_bad_options),
	};
	return cmocka_run_group_tests_name("cli_catalog", tests, NULL, NULL);
}
