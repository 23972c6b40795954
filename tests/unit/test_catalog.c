/* The catalog: the shipped files load and cover the guide; the formula
 * arithmetic; bad catalog files are rejected at the right FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <netinet/in.h>

#include "catalog.h"
#include "pc_test.h"

static struct pc_catalog *load_shipped(struct pc_diag *diag)
{
	const char *paths[] = { CATALOG_DIR };
	return pc_catalog_load(paths, 1, diag);
}

static void test_shipped_catalog_loads(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *cat = load_shipped(&diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(cat);
	assert_int_equal(diag.n_lines, 0); /* not even a warning */

	/* every *.conf of the directory was read, in name order */
	size_t conf_files = 0;
	DIR *dir = opendir(CATALOG_DIR);
	assert_non_null(dir);
	for (struct dirent *e; (e = readdir(dir)) != NULL;) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] != '.' && len > 5 && strcmp(e->d_name + len - 5, ".conf") == 0)
			conf_files++;
	}
	closedir(dir);
	assert_int_equal(cat->n_files, conf_files);
	assert_true(cat->n_files >= 12); /* blocks, shared, tables 1-10 */
	for (size_t i = 1; i < cat->n_files; i++)
		assert_true(strcmp(cat->files[i - 1], cat->files[i]) < 0);
	pc_catalog_free(cat);
}

/* Each table file adds its roles on top of the shared files it needs. */
static void test_each_table_file_loads_with_the_shared_files(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *all = load_shipped(&diag);
	assert_non_null(all);
	for (size_t i = 0; i < all->n_files; i++) {
		const char *base = strrchr(all->files[i], '/') + 1;
		if (strncmp(base, "00-", 3) == 0)
			continue;
		/* the shared files, the file itself, and the files whose
		 * rulesets it may use (CAD's and the CRS platform's) */
		const char *paths[] = { repo_path("conf/catalog/00-instance-blocks.conf"),
					repo_path("conf/catalog/00-shared.conf"),
					repo_path("conf/catalog/02-cisco-agent-desktop.conf"),
					repo_path("conf/catalog/09-ip-ivr.conf"), all->files[i] };
		size_t n = 4;
		if (strcmp(base, "02-cisco-agent-desktop.conf") != 0 &&
		    strcmp(base, "09-ip-ivr.conf") != 0)
			n = 5;
		struct pc_catalog *cat = pc_catalog_load(paths, n, &diag);
		if (cat == NULL)
			pc_diag_print(&diag, stderr);
		assert_non_null(cat);
		pc_catalog_free(cat);
	}
	pc_catalog_free(all);
	pc_diag_clear(&diag);
}

static void test_every_table_has_a_role(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *cat = load_shipped(&diag);
	assert_non_null(cat);
	for (int table = 1; table <= 10; table++) {
		size_t roles = 0;
		for (size_t i = 0; i < cat->n_roles; i++)
			roles += cat->roles[i].table == table;
		if (roles == 0)
			fail_msg("table %d has no role", table);
	}
	pc_catalog_free(cat);
}

/* The roles the issue names must exist. */
static void test_required_role_names(void **state)
{
	(void)state;
	static const char *const names[] = {
		"icm-router", "icm-logger", "icm-pg", "icm-distributor", "webview",
		"outbound-option", "outbound-option-dialer", "cti-server", "ctios-server",
		"cad-base-servers", "cad-voip-monitor", "cad-recording", "rms-listener",
		"rms-lgmapper", "rms-lgarchiver", "cem", "ccs", "media-blender", "dca",
		"isn-app-server", "isn-voice-browser", "ip-ivr", "ipcc-express",
		"nuance-recognition-server", "nuance-compilation-server", "nuance-vocalizer",
		"nuance-watcher", "windows-base", "vnc",
	};
	struct pc_diag diag = { 0 };
	struct pc_catalog *cat = load_shipped(&diag);
	assert_non_null(cat);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (pc_catalog_find_role(cat, names[i]) == NULL)
			fail_msg("no role %s", names[i]);
	const struct pc_role *pg = pc_catalog_find_role(cat, "icm-pg");
	assert_int_equal(pg->slots, (1u << 1) | (1u << 2) | (1u << 3));
	const struct pc_role *distributor = pc_catalog_find_role(cat, "icm-distributor");
	assert_int_equal(distributor->sides,
			 PC_SIDE_BIT(PC_SIDE_PRIMARY) | PC_SIDE_BIT(PC_SIDE_SECONDARY));
	assert_true(pc_catalog_find_role(cat, "nuance-vocalizer")->takes_count);
	pc_catalog_free(cat);
}

/* Every rule has provenance, and no number rests on a recollection. */
static void test_every_rule_has_provenance(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *cat = load_shipped(&diag);
	assert_non_null(cat);
	size_t rules = 0;
	for (size_t i = 0; i < cat->n_roles; i++) {
		const struct pc_role *role = &cat->roles[i];
		assert_true(role->n_rules > 0);
		for (size_t j = 0; j < role->n_rules; j++) {
			const struct pc_rule *r = role->rules[j];
			rules++;
			assert_non_null(r->source);
			assert_true(strlen(r->source) > 0);
			assert_true(r->confidence >= PC_CONF_E60 && r->confidence <= PC_CONF_SITE);
			assert_true(r->description != NULL && r->description[0] != '\0');
			if (r->confidence == PC_CONF_UNV && r->kind != PC_NUMBER_NONE)
				fail_msg("%s/%s: a UNV rule with a number", role->name, r->name);
			if (r->confidence == PC_CONF_SITE)
				fail_msg("%s/%s: SITE in the shipped catalog", role->name, r->name);
		}
	}
	assert_true(rules > 150);
	pc_catalog_free(cat);
}

static const struct pc_rule *rule_of(const struct pc_catalog *cat, const char *role,
				     const char *rule)
{
	const struct pc_role *r = pc_catalog_find_role(cat, role);
	assert_non_null(r);
	for (size_t i = 0; i < r->n_rules; i++)
		if (strcmp(r->rules[i]->name, rule) == 0)
			return r->rules[i];
	fail_msg("no rule %s in role %s", rule, role);
	return NULL;
}

/* Peer locality is a field: the MDS ports and the ports behind a web
 * server on the same host are local; everything else is remote. */
static void test_peer_locality(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *cat = load_shipped(&diag);
	assert_non_null(cat);
	assert_int_equal(rule_of(cat, "icm-router", "mds")->peer, PC_PEER_LOCAL);
	assert_int_equal(rule_of(cat, "icm-pg", "mds")->peer, PC_PEER_LOCAL);
	assert_int_equal(rule_of(cat, "webview", "webview-app-server")->peer, PC_PEER_LOCAL);
	assert_int_equal(rule_of(cat, "icm-router", "mds-state-transfer")->peer, PC_PEER_REMOTE);
	assert_int_equal(rule_of(cat, "ctios-server", "ctios")->peer, PC_PEER_REMOTE);
	size_t local = 0;
	for (size_t r = 0; r < cat->n_roles; r++)
		for (size_t i = 0; i < cat->roles[r].n_rules; i++)
			local += cat->roles[r].rules[i]->peer == PC_PEER_LOCAL;
	assert_int_equal(local, 4);
	assert_string_equal(pc_peer_name(PC_PEER_LOCAL), "local");
	assert_string_equal(pc_peer_family_name(PC_PEER_ANY), "any");
	pc_catalog_free(cat);
	pc_diag_clear(&diag);
}

/* The appendix arithmetic itself, on the shipped blocks. */
static void test_formula_port(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *cat = load_shipped(&diag);
	assert_non_null(cat);
	const struct pc_formula *rtfeed = &rule_of(cat, "icm-router", "rtfeed")->formula;
	assert_int_equal(pc_formula_port(rtfeed, PC_SIDE_A, 0, 0), 40007);
	assert_int_equal(pc_formula_port(rtfeed, PC_SIDE_A, 0, 24), 40967);
	assert_int_equal(pc_formula_port(rtfeed, PC_SIDE_B, 0, 1), 41047);
	/* a side the block lacks */
	assert_int_equal(pc_formula_port(rtfeed, PC_SIDE_PRIMARY, 0, 0), -1);

	const struct pc_formula *cti = &rule_of(cat, "cti-server", "cti")->formula;
	assert_int_equal(pc_formula_port(cti, PC_SIDE_A, 1, 0), 42027);
	assert_int_equal(pc_formula_port(cti, PC_SIDE_B, 2, 0), 45027);
	assert_int_equal(pc_formula_port(cti, PC_SIDE_B, 3, 0), 47527); /* PG3's 47500 */
	assert_int_equal(pc_formula_port(cti, PC_SIDE_A, 3, 2), 46107);
	assert_int_equal(pc_formula_port(cti, PC_SIDE_A, 0, 0), 42027); /* slot 0 = 1 */

	/* fixed side: private networks use side B's block on both sides */
	const struct pc_formula *priv = &rule_of(cat, "icm-pg", "private-low")->formula;
	assert_int_equal(pc_formula_port(priv, PC_SIDE_A, 1, 0), 43004);
	assert_int_equal(pc_formula_port(priv, PC_SIDE_B, 1, 0), 43004);

	/* a base and a step of 1 (MR PIM "38001 + instance") */
	const struct pc_formula *mr = &rule_of(cat, "outbound-option-dialer", "media-routing")->formula;
	assert_null(mr->block);
	assert_int_equal(pc_formula_port(mr, PC_SIDE_NONE, 1, 0), 38001);
	assert_int_equal(pc_formula_port(mr, PC_SIDE_NONE, 1, 5), 38006);
	pc_catalog_free(cat);
}

static void test_revision(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *a = load_shipped(&diag);
	struct pc_catalog *b = load_shipped(&diag);
	const char *with_site[] = { CATALOG_DIR, repo_path("tests/fixtures/catalog/site-good.conf") };
	struct pc_catalog *c = pc_catalog_load(with_site, 2, &diag);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(strlen(a->revision), 8);
	assert_int_equal(strspn(a->revision, "0123456789abcdef"), 8);
	assert_string_equal(a->revision, b->revision);
	assert_string_not_equal(a->revision, c->revision);
	pc_catalog_free(a);
	pc_catalog_free(b);
	pc_catalog_free(c);
}

/* A site file adds roles that use the catalog's rulesets and blocks. */
static void test_site_file(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *paths[] = { CATALOG_DIR, repo_path("tests/fixtures/catalog/site-good.conf") };
	struct pc_catalog *cat = pc_catalog_load(paths, 2, &diag);
	pc_diag_print(&diag, stderr);
	assert_non_null(cat);
	const struct pc_role *site = pc_catalog_find_role(cat, "site-hosted-router");
	assert_non_null(site);
	assert_int_equal(site->table, 0);
	/* own rule first, then the ruleset's */
	assert_string_equal(site->rules[0]->name, "status");
	assert_string_equal(site->rules[1]->name, "rpc-endpoint-mapper");
	assert_true(site->rules[1]->shared);
	assert_false(site->rules[0]->shared);
	assert_int_equal(pc_formula_port(&site->rules[0]->formula, PC_SIDE_B, 0, 1), 41079);
	assert_string_equal(cat->roles[cat->n_roles - 1].name, "site-hosted-router");
	pc_catalog_free(cat);
}

struct bad_catalog {
	const char *file; /* under tests/fixtures/catalog/ */
	int line;
	const char *needle;
};

static const struct bad_catalog bad_catalogs[] = {
	{ "bad-syntax.conf", 6, "missing equal sign after option 'protocol'" },
	{ "bad-unknown-key.conf", 7, "no such option 'colour'" },
	{ "bad-protocol.conf", 6, "protocol = \"sctp\": must be tcp or udp" },
	{ "bad-two-numbers.conf", 8, "not port and range" },
	{ "bad-port.conf", 7, "port = 70000: not a port number" },
	{ "bad-range-order.conf", 7, "range must be {first, last}" },
	{ "bad-unknown-block.conf", 9, "unknown block nowhere" },
	{ "bad-formula-overflow.conf", 13, "gives port 65999" },
	{ "bad-formula-offset.conf", 15, "offset = 40: must be 0..39" },
	{ "bad-no-source.conf", 4, "source is missing" },
	{ "bad-confidence.conf", 9, "confidence \"MAYBE\"" },
	{ "bad-duplicate-role.conf", 12, "role twice is already defined at" },
	{ "bad-duplicate-rule.conf", 10, "rule x is defined twice in role r (first at line 4)" },
	{ "bad-unknown-ruleset.conf", 4, "uses unknown ruleset nope" },
	{ "bad-required-no-number.conf", 9, "no host could satisfy it" },
	{ "bad-formula-no-instance.conf", 12, "which takes no instance" },
	{ "bad-block-side.conf", 13, "block cc has no base for side primary" },
	{ "bad-set-twice.conf", 8, "port is set twice in this section (first at line 7)" },
	{ "bad-table.conf", 3, "table = 11" },
	{ "bad-name.conf", 1, "role name \"ICM Router\"" },
	{ "bad-each-too-large.conf", 7, "over 1024 ports" },
	{ "bad-rule-side.conf", 4, "names a side that role r does not take" },
	{ "bad-count-step.conf", 4, "takes no count" },
	{ "bad-direction.conf", 7, "direction = \"both\"" },
	{ "bad-peer.conf", 7, "peer = \"here\": must be remote (another host) or local" },
	{ "bad-block-slots.conf", 3, "b has 2 bases" },
};

static void test_bad_catalogs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_catalogs) / sizeof(bad_catalogs[0]); i++) {
		char relative[256];
		snprintf(relative, sizeof(relative), "tests/fixtures/catalog/%s", bad_catalogs[i].file);
		const char *path = repo_path(relative);
		struct pc_diag diag = { 0 };
		const char *paths[] = { path };
		struct pc_catalog *cat = pc_catalog_load(paths, 1, &diag);
		assert_null(cat);
		check_first_error(&diag, path, bad_catalogs[i].line, bad_catalogs[i].needle);
		pc_diag_clear(&diag);
	}
}

/* A site file may not reuse a catalog name: the error is in the site file
 * and names where the first definition is. */
static void test_site_duplicate_role(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *shipped = load_shipped(&diag);
	assert_non_null(shipped);
	const struct pc_role *router = pc_catalog_find_role(shipped, "icm-router");
	char first[1100];
	snprintf(first, sizeof(first), "role icm-router is already defined at %s:%d", router->file,
		 router->line);

	const char *site = repo_path("tests/fixtures/catalog/site-dup-role.conf");
	const char *paths[] = { CATALOG_DIR, site };
	assert_null(pc_catalog_load(paths, 2, &diag));
	check_first_error(&diag, site, 2, first);
	pc_diag_clear(&diag);
	pc_catalog_free(shipped);
}

static void test_missing_catalog(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	const char *path = repo_path("tests/fixtures/no-such-directory");
	const char *paths[] = { path };
	assert_null(pc_catalog_load(paths, 1, &diag));
	check_first_error(&diag, path, 0, "cannot open the catalog");
	pc_diag_clear(&diag);

	/* a directory without *.conf */
	path = repo_path("tests/unit");
	paths[0] = path;
	assert_null(pc_catalog_load(paths, 1, &diag));
	check_first_error(&diag, path, 0, "no *.conf file");
	pc_diag_clear(&diag);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(pc_name_valid("icm-router"));
	assert_true(pc_name_valid("pre-5.0-pg"));
	assert_false(pc_name_valid(""));
	assert_false(pc_name_valid("-x"));
	assert_false(pc_name_valid("Icm"));
	assert_false(pc_name_valid("a b"));
	assert_false(pc_name_valid("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"));
	assert_int_equal(pc_side_parse("secondary"), PC_SIDE_SECONDARY);
	assert_int_equal(pc_side_parse("A"), -1);
	assert_string_equal(pc_confidence_name(PC_CONF_L12), "L12");
	assert_int_equal(pc_confidence_parse("UNV"), PC_CONF_UNV);
	assert_int_equal(pc_confidence_parse("e60"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_catalog_loads),
		cmocka_unit_test(test_each_table_file_loads_with_the_shared_files),
		cmocka_unit_test(test_every_table_has_a_role),
		cmocka_unit_test(test_required_role_names),
		cmocka_unit_test(test_every_rule_has_provenance),
		cmocka_unit_test(test_formula_port),
		cmocka_unit_test(test_peer_locality),
		cmocka_unit_test(test_revision),
		cmocka_unit_test(test_site_file),
		cmocka_unit_test(test_bad_catalogs),
		cmocka_unit_test(test_site_duplicate_role),
		cmocka_unit_test(test_missing_catalog),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
