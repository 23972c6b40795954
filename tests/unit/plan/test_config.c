/* SPDX-License-Identifier: ISC */
/* The host configuration on its own: keys, defaults, sections, and the
 * mistakes found without the catalog, each at its FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <pwd.h>
#include <stdbool.h>

#include "plan/config.h"
#include "pc_test.h"

/* The good configuration a test reads: its path (from the repository's
 * root) is the test's initial state, the loaded configuration its state. A
 * good configuration loads without a single diagnostic. */
static int load_config(void **state)
{
	struct pc_diag diag = { 0 };
	struct pc_config *config = pc_config_load(repo_path(*state), &diag);
	pc_diag_print(&diag, stderr);
	bool quiet = diag.n_lines == 0;
	pc_diag_clear(&diag);
	if (config == NULL || !quiet) {
		pc_config_free(config);
		return -1;
	}
	*state = config;
	return 0;
}

static int free_config(void **state)
{
	pc_config_free(*state);
	return 0;
}

#define config_test(test, relative) \
	cmocka_unit_test_prestate_setup_teardown(test, load_config, free_config, (void *)(relative))

static void test_example_config(void **state)
{
	const struct pc_config *config = *state;
	assert_string_equal(config->catalog_dir, "catalog");
	assert_null(config->site_catalog);
	assert_int_equal(config->poll_interval, 5);
	assert_int_equal(config->hold_down, 2);
	assert_null(config->agentx_socket);
	assert_null(config->state_directory); /* the daemon's default */
	assert_true(config->notifications);
	assert_int_equal(config->n_instances, 1);
	assert_string_equal(config->instances[0].name, "acme");
	assert_int_equal(config->n_roles, 3);
	assert_string_equal(config->roles[0].name, "icm-router");
	assert_string_equal(config->roles[0].instance, "acme");
	assert_int_equal(config->roles[0].instance_number, 0);
	assert_int_equal(config->roles[0].side, PC_SIDE_A);
	assert_string_equal(config->roles[2].name, "windows-base");
	assert_int_equal(config->roles[2].instance_number, -1);
	assert_int_equal(config->n_ignores, 2);
	assert_int_equal(config->ignores[0].protocol, IPPROTO_TCP);
	assert_int_equal(config->ignores[0].port, 22);
	assert_int_equal(config->ignores[1].protocol, IPPROTO_UDP);

	char *catalog = pc_config_resolve_path(config, config->catalog_dir);
	assert_string_equal(catalog, repo_path("conf/catalog"));
	free(catalog);
}

static void test_defaults(void **state)
{
	const struct pc_config *config = *state;
	assert_int_equal(config->poll_interval, PC_DEFAULT_POLL_INTERVAL);
	assert_int_equal(config->hold_down, PC_DEFAULT_HOLD_DOWN);
	assert_int_equal(config->agentx_retry, PC_DEFAULT_AGENTX_RETRY);
	assert_true(config->notifications);
	assert_true(config->resolve_processes);
	assert_false(config->discovery);
	assert_true(config->notify_discovery);
	assert_int_equal(config->n_roles, 0);
	assert_int_equal(config->n_ignores, 0);
	assert_int_equal(config->n_instances, 0);
	/* "../../../conf/catalog" from tests/fixtures/config is conf/catalog */
	char *catalog = pc_config_resolve_path(config, config->catalog_dir);
	assert_string_equal(catalog, repo_path("conf/catalog"));
	free(catalog);
}

/* Every key, the same role twice (two instances), overrides, ranges. */
static void test_full_config(void **state)
{
	const struct pc_config *config = *state;
	assert_string_equal(config->site_catalog, "../catalog/site-good.conf");
	assert_int_equal(config->poll_interval, 10);
	assert_int_equal(config->hold_down, 3);
	assert_string_equal(config->agentx_socket, "tcp:127.0.0.1:705");
	assert_int_equal(config->agentx_retry, 7);
	assert_string_equal(config->state_directory, "state"); /* resolved by the daemon */
	assert_false(config->notifications);
	assert_false(config->resolve_processes);
	assert_string_equal(pc_config_instance_name(config, 2), "cust2");
	assert_null(pc_config_instance_name(config, 0));

	/* role "icm-router" twice, kept apart and in file order */
	assert_string_equal(config->roles[0].name, "icm-router");
	assert_string_equal(config->roles[1].name, "icm-router");
	assert_int_equal(config->roles[0].instance_number, 1); /* "cust1" */
	assert_int_equal(config->roles[1].instance_number, 2);
	assert_int_equal(config->roles[0].line, 14);
	assert_int_equal(config->roles[1].line, 19);
	assert_string_equal(config->roles[0].bind_address, "192.0.2.10");
	assert_int_equal(config->roles[0].bind_address_line, 17);

	const struct pc_role_conf *cti = &config->roles[2];
	assert_string_equal(cti->name, "cti-server");
	assert_int_equal(cti->slot, 2);
	assert_int_equal(cti->slot_line, 26);
	assert_int_equal(cti->n_overrides, 1);
	assert_string_equal(cti->overrides[0].rule, "cti");
	assert_true(cti->overrides[0].has_port);
	assert_int_equal(cti->overrides[0].port, 45100);
	assert_false(cti->overrides[0].has_required);

	const struct pc_role_conf *vocalizer = &config->roles[3];
	assert_int_equal(vocalizer->count, 3);

	const struct pc_role_conf *vnc = &config->roles[5];
	assert_false(vnc->overrides[0].has_port);
	assert_true(vnc->overrides[0].has_required);
	assert_false(vnc->overrides[0].required);

	const struct pc_role_conf *windows = &config->roles[6];
	assert_true(windows->overrides[0].is_range);
	assert_int_equal(windows->overrides[0].port, 5000);
	assert_int_equal(windows->overrides[0].port_last, 5100);

	assert_int_equal(config->n_ignores, 3);
	assert_int_equal(config->ignores[1].port, 33434);
	assert_int_equal(config->ignores[1].port_last, 33534);
}

/* The examples written in conf/portcomply.conf's comments parse. */
static void test_documented_examples(void **state)
{
	const struct pc_config *config = *state;
	assert_int_equal(config->n_roles, 6);
	assert_int_equal(config->roles[1].n_overrides, 2);
	assert_int_equal(config->roles[4].owner.uid, 1001);
	assert_int_equal(config->roles[4].overrides[0].owner.uid, 1002);
	assert_true(config->roles[5].overrides[0].trust);
}

/* Owners per role and per rule; a user name is a uid once loaded. */
static void test_owners(void **state)
{
	const struct pc_config *config = *state;
	const struct pc_role_conf *vnc = &config->roles[0];
	assert_string_equal(vnc->owner.user, "root");
	assert_true(vnc->owner.has_uid);
	assert_int_equal(vnc->owner.uid, 0);
	assert_int_equal(vnc->owner.user_line, 4);
	assert_string_equal(vnc->owner.process, "Xvnc");
	assert_int_equal(vnc->owner.process_line, 5);
	assert_string_equal(vnc->overrides[0].owner.user, "4242");
	assert_true(vnc->overrides[0].owner.has_uid);
	assert_int_equal(vnc->overrides[0].owner.uid, 4242); /* a number needs no account */
	assert_null(vnc->overrides[0].owner.process);
	assert_null(vnc->overrides[1].owner.user);
	assert_false(vnc->overrides[1].owner.has_uid);
	assert_string_equal(vnc->overrides[1].owner.process, "websockify");
	const struct pc_role_conf *windows = &config->roles[1];
	assert_true(windows->owner.has_uid);
	assert_non_null(getpwnam("nobody"));
	assert_int_equal(windows->owner.uid, getpwnam("nobody")->pw_uid);
	assert_null(windows->owner.process);
}

/* The switches that trust permit ranges: per role, and per rule in an
 * override (which alone is enough for an override). */
static void test_trust_switches(void **state)
{
	const struct pc_config *config = *state;
	const struct pc_role_conf *windows = &config->roles[0];
	assert_true(windows->trust_permits);
	assert_int_equal(windows->trust_permits_line, 3);
	const struct pc_role_conf *lgmapper = &config->roles[1];
	assert_false(lgmapper->trust_permits);
	assert_int_equal(lgmapper->trust_permits_line, 0);
	assert_int_equal(lgmapper->n_overrides, 2);
	assert_true(lgmapper->overrides[0].has_trust);
	assert_true(lgmapper->overrides[0].trust);
	assert_int_equal(lgmapper->overrides[0].trust_line, 6);
	assert_false(lgmapper->overrides[0].has_port);
	assert_false(lgmapper->overrides[0].has_required);
	assert_true(lgmapper->overrides[1].has_trust);
	assert_false(lgmapper->overrides[1].trust);
}

/* Not given: not trusted. */
static void test_trust_off_by_default(void **state)
{
	const struct pc_config *config = *state;
	assert_true(config->n_roles > 0);
	for (size_t i = 0; i < config->n_roles; i++)
		assert_false(config->roles[i].trust_permits);
}

struct bad_config {
	const char *file; /* under tests/fixtures/config/ */
	int line;
	const char *needle;
};

/* Mistakes the configuration shows on its own. (Those that need the
 * catalog are in test_expect.c.) */
static const struct bad_config bad_configs[] = {
	{ "bad-syntax.conf", 5, "no such option 'ignore'" },
	{ "bad-unknown-key.conf", 2, "no such option 'pol-interval'" },
	{ "bad-poll-interval.conf", 3, "poll-interval = 0: must be between 1 and 3600" },
	{ "bad-instance-range.conf", 4, "instance = 25: must be between 0 and 24" },
	{ "bad-instance-name.conf", 4, "instance = \"nobody\"" },
	{ "bad-instance-duplicate.conf", 4, "instance cust1 is already defined at line 2" },
	{ "bad-instance-number-twice.conf", 4, "number 1 is already named cust1" },
	{ "bad-side-value.conf", 3, "side = \"c\": must be a, b, primary or secondary" },
	{ "bad-slot-range.conf", 4, "slot = 4: must be between 1 and 3" },
	{ "bad-bind-address.conf", 3, "bind-address = \"10.0.0.300\"" },
	{ "bad-peer-family.conf", 3, "peer-family = \"ipx\": must be ipv4, ipv6 or any" },
	{ "bad-override-empty.conf", 3, "sets nothing" },
	{ "bad-override-twice.conf", 4, "rule vnc-display is overridden twice" },
	{ "bad-override-port-range.conf", 3, "port = 65536: must be between 1 and 65535" },
	{ "bad-ignore-protocol.conf", 3, "protocol = \"icmp\"" },
	{ "bad-ignore-port.conf", 4, "port = 0: must be between 1 and 65535" },
	{ "bad-set-twice.conf", 5, "side is set twice in this section (first at line 3)" },
	{ "bad-owner-user-unknown.conf", 3,
	  "role vnc: owner-user = \"no-such-user-portcomply\": no such user on this host" },
	{ "bad-owner-user-empty.conf", 3, "role vnc: owner-user must not be empty" },
	{ "bad-owner-uid-range.conf", 3, "owner-user = 4294967295: not a uid (0-4294967294)" },
	{ "bad-owner-user-twice.conf", 4, "owner-user is set twice in this section (first at line 3)" },
	{ "bad-owner-process-long.conf", 4,
	  "override vnc-display of role vnc: owner-process = \"a-process-name-too-long\": give "
	  "the process's command name" },
	{ "bad-owner-process-path.conf", 3, "owner-process = \"/usr/bin/Xvnc\"" },
	{ "bad-owner-process-unresolved.conf", 5,
	  "role vnc: owner-process needs resolve-processes = true" },
	{ "bad-trust-value.conf", 3, "invalid boolean value for option 'trust-permits'" },
	{ "bad-trust-override-value.conf", 4, "invalid boolean value for option 'trust'" },
};

static void test_bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_configs) / sizeof(bad_configs[0]); i++) {
		char relative[256];
		snprintf(relative, sizeof(relative), "tests/fixtures/config/%s", bad_configs[i].file);
		const char *path = repo_path(relative);
		struct pc_diag diag = { 0 };
		assert_null(pc_config_load(path, &diag));
		check_first_error(&diag, path, bad_configs[i].line, bad_configs[i].needle);
		pc_diag_clear(&diag);
	}
}

static void test_unreadable(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *path = repo_path("tests/fixtures/config/no-such.conf");
	assert_null(pc_config_load(path, &diag));
	check_first_error(&diag, path, 0, "cannot read");
	pc_diag_clear(&diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		config_test(test_example_config, "conf/portcomply.conf"),
		config_test(test_defaults, "tests/fixtures/config/good-minimal.conf"),
		config_test(test_full_config, "tests/fixtures/config/good-full.conf"),
		config_test(test_documented_examples, "tests/fixtures/config/good-examples.conf"),
		config_test(test_owners, "tests/fixtures/config/good-owner.conf"),
		config_test(test_trust_switches, "tests/fixtures/config/good-trust.conf"),
		config_test(test_trust_off_by_default, "conf/portcomply.conf"),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_unreadable),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
