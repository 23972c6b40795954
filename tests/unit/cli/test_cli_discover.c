/* SPDX-License-Identifier: ISC */
/* portcomplyd --discover on a /proc fixture tree (the collector's procfs
 * mode): which sockets it reads as the daemon's discovery does. The host
 * of tests/fixtures/report/proc-router-logger runs a Router and a Logger
 * as instance 2 side a; its bound UDP sockets lie inside the ephemeral
 * range the tree declares. A client's (51234: no rule of the catalog
 * names it) is no listener and is not called unexplained; the Router's
 * incrp-nic (40105), which the configuration (instance 0) does not name
 * but the catalog does, is counted and explained. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/cli_discover.h"
#include "json_check.h"
#include "pc_test.h"
#include "text_check.h"

static struct cli_run discover(const char *config, const char *format)
{
	char conf[512], tree[512];
	snprintf(conf, sizeof(conf), "%s", repo_path(config));
	snprintf(tree, sizeof(tree), "%s", repo_path("tests/fixtures/report/proc-router-logger"));
	struct pc_cli_args args = { .config_path = conf, .config_given = true, .instance = -1,
				    .slot = -1, .format = format };
	struct pc_collector_options collect = { .mode = PC_COLLECT_PROCFS, .proc_root = tree };
	struct cli_streams s = cli_streams_open();
	return cli_streams_collect(s, pc_discover_command(&args, &collect, s.out, s.err));
}

static void test_clients_are_not_listeners(void **state)
{
	(void)state;
	struct cli_run r = discover("tests/fixtures/cli/discover-instance0.conf", "text");
	assert_int_equal(r.status, 0);
	/* 18 TCP ports, UDP 39500, 40105 and 1434; not 51234. */
	assert_contains(r.out, "\n# 21 listening ports (protocol and port)\n");
	assert_contains(r.out, "CANDIDATE 1  score 14.025: explains 21 of 21 listeners");
	assert_not_contains(r.out, "Unexplained");
	assert_not_contains(r.out, "51234");
	assert_contains(r.out, "The configured roles are NOT among the best candidates");
	cli_run_free(&r);

	r = discover("tests/fixtures/cli/discover-instance0.conf", "json");
	assert_int_equal(r.status, 0);
	assert_json_valid(r.out);
	assert_contains(r.out, "\"listeners\":21,");
	assert_contains(r.out, "\"verdict\":\"differs\"");
	assert_contains(r.out, "\"unexplained\":[],");
	cli_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clients_are_not_listeners),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
