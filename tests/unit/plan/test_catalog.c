/* SPDX-License-Identifier: ISC */
/* The catalog: the shipped files load and cover the guide; the formula
 * arithmetic; bad catalog files are rejected at the right FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "pc_test.h"

static struct pc_catalog *load_shipped(struct pc_diag *diag)
{
	const char *paths[] = { CATALOG_DIR };
	return pc_catalog_load(paths, 1, diag);
}

/* The shipped catalog, loaded once for the tests that only read it (each
 * gets it as its state): it loads without a single diagnostic, not even a
 * warning. */
static int load_shipped_catalog(void **state)
{
	struct pc_diag diag = { 0 };
	struct pc_catalog *cat = load_shipped(&diag);
	pc_diag_print(&diag, stderr);
	bool quiet = diag.n_lines == 0;
	pc_diag_clear(&diag);
	if (cat == NULL || !quiet) {
		pc_catalog_free(cat);
		return -1;
	}
	*state = cat;
	return 0;
}

static int free_shipped_catalog(void **state)
{
	pc_catalog_free(*state);
	return 0;
}

static void test_shipped_catalog_loads(void **state)
{
	const struct pc_catalog *cat = *state;

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
}

/* Each table file adds its roles on top of the shared files it needs. */
static void test_each_table_file_loads_with_the_shared_files(void **state)
{
	const struct pc_catalog *all = *state;
	struct pc_diag diag = { 0 };
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
	pc_diag_clear(&diag);
}

static void test_every_table_has_a_role(void **state)
{
	const struct pc_catalog *cat = *state;
	for (int table = 1; table <= 10; table++) {
		size_t roles = 0;
		for (size_t i = 0; i < cat->n_roles; i++)
			roles += cat->roles[i].table == table;
		if (roles == 0)
			fail_msg("table %d has no role", table);
	}
}

/* Every role of the guide's tables is in the catalog. */
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
	const struct pc_catalog *cat = *state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (pc_catalog_find_role(cat, names[i]) == NULL)
			fail_msg("no role %s", names[i]);
	const struct pc_role *pg = pc_catalog_find_role(cat, "icm-pg");
	assert_int_equal(pg->slots, (1u << 1) | (1u << 2) | (1u << 3));
	const struct pc_role *distributor = pc_catalog_find_role(cat, "icm-distributor");
	assert_int_equal(distributor->sides,
			 PC_SIDE_BIT(PC_SIDE_PRIMARY) | PC_SIDE_BIT(PC_SIDE_SECONDARY));
	assert_true(pc_catalog_find_role(cat, "nuance-vocalizer")->takes_count);
}

/* Every rule has provenance, and no number rests on a recollection. */
static void test_every_rule_has_provenance(void **state)
{
	const struct pc_catalog *cat = *state;
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
}

/* Peer locality is a field: the MDS ports and the ports behind a web
 * server on the same host are local; everything else is remote. */
static void test_peer_locality(void **state)
{
	const struct pc_catalog *cat = *state;
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
}

/* The appendix arithmetic itself, on the shipped blocks. */
static void test_formula_port(void **state)
{
	const struct pc_catalog *cat = *state;
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
}

/* ---- permit ranges --------------------------------------------- */

/* The wide dynamic ranges are permits, the small service ranges are not,
 * and no range wider than the heartbeats' 500 ports is left unmarked. */
static void test_permit_rules(void **state)
{
	const struct pc_catalog *cat = *state;
	const struct pc_rule *rpc = rule_of(cat, "windows-base", "rpc-dynamic");
	assert_true(rpc->permit);
	assert_int_equal(rpc->kind, PC_NUMBER_RANGE);
	assert_int_equal(rpc->port, 1024);
	assert_int_equal(rpc->port_last, 65535);
	assert_false(rpc->required);
	assert_true(rule_of(cat, "rms-lgmapper", "alarmtracker-dcom")->permit);
	assert_true(rule_of(cat, "rms-lgmapper", "alarmtracker-tools-dcom")->permit);
	assert_false(rule_of(cat, "icm-router", "private-heartbeat")->permit);
	assert_false(rule_of(cat, "icm-pg", "public-heartbeat")->permit);
	size_t permits = 0;
	for (size_t i = 0; i < cat->n_roles; i++)
		for (size_t j = 0; j < cat->roles[i].n_rules; j++) {
			const struct pc_rule *r = cat->roles[i].rules[j];
			if (r->kind == PC_NUMBER_RANGE && r->port_last - r->port >= 1000 && !r->permit)
				fail_msg("%s/%s: a %d-port range that is not a permit",
					 cat->roles[i].name, r->name, r->port_last - r->port + 1);
			if (!r->permit)
				continue;
			permits++;
			/* a permit says why, with its source */
			assert_non_null(r->notes);
			assert_non_null(strstr(r->notes, "permit"));
			assert_true(strlen(r->source) > 0);
			assert_false(r->required);
			assert_int_equal(r->direction, PC_DIR_LISTEN);
		}
	assert_true(permits >= 5);
}

/* ---- corrections checked against the guide ------------------------ */

static void test_rule_confidence_by_instance_and_slot(void **state)
{
	const struct pc_catalog *cat = *state;
	static const struct {
		const char *role, *rule;
		enum pc_confidence first, later_instance, other_slot, both;
	} cases[] = {
		/* 42027/43027 printed in the CAD table; formula S1; PG2/PG3 inferred */
		{ "cti-server", "cti", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		{ "ctios-server", "cti-server-a", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		{ "ctios-server", "cti-server-b", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		{ "vru-cti-client", "cti-server-a", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		{ "vru-cti-client", "cti-server-b", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		{ "cad-base-servers", "cti-server-a", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		/* ... whoever connects to it: the same value, the same tags */
		{ "outbound-option-dialer", "cti-server-b", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		{ "cem", "arm-cti-server-a", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		{ "media-blender", "cti-server-b", PC_CONF_E60, PC_CONF_L12, PC_CONF_INF, PC_CONF_INF },
		/* PG MDS: S1 prints every slot's base; the instance step is inferred */
		{ "icm-pg", "mds", PC_CONF_L12, PC_CONF_INF, PC_CONF_L12, PC_CONF_INF },
		{ "icm-pg", "mds-state-transfer", PC_CONF_L12, PC_CONF_INF, PC_CONF_L12, PC_CONF_INF },
		/* a fixed port is what the rule says, whatever the slot */
		{ "ctios-server", "ctios", PC_CONF_L12, PC_CONF_L12, PC_CONF_L12, PC_CONF_L12 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pc_rule *r = rule_of(cat, cases[i].role, cases[i].rule);
		enum pc_confidence got[4] = {
			pc_rule_confidence(r, 1, 0), pc_rule_confidence(r, 1, 7),
			pc_rule_confidence(r, 3, 0), pc_rule_confidence(r, 2, 24),
		};
		enum pc_confidence want[4] = { cases[i].first, cases[i].later_instance,
					       cases[i].other_slot, cases[i].both };
		for (int k = 0; k < 4; k++)
			if (got[k] != want[k])
				fail_msg("%s/%s case %d: %s, expected %s", cases[i].role, cases[i].rule, k,
					 pc_confidence_name(got[k]), pc_confidence_name(want[k]));
	}
}

static void test_catalog_corrections(void **state)
{
	const struct pc_catalog *cat = *state;

	/* IPCC Express: the printed 135 ~ 139 ranges, both protocols */
	const struct pc_rule *udp = rule_of(cat, "ipcc-express", "licensing-share-udp");
	const struct pc_rule *tcp = rule_of(cat, "ipcc-express", "licensing-share-tcp");
	assert_int_equal(udp->protocol, IPPROTO_UDP);
	assert_int_equal(tcp->protocol, IPPROTO_TCP);
	for (int k = 0; k < 2; k++) {
		const struct pc_rule *r = k ? tcp : udp;
		assert_int_equal(r->kind, PC_NUMBER_RANGE);
		assert_int_equal(r->port, 135);
		assert_int_equal(r->port_last, 139);
		assert_true(r->permit);
		assert_string_equal(r->source, "S0, MS"); /* printed; what Windows serves: MS */
		assert_int_equal(r->confidence, PC_CONF_E60);
	}
	/* ... and the Nuance Recognition Client row ip-ivr has */
	const struct pc_rule *nrc = rule_of(cat, "ipcc-express", "nuance-recognition-client");
	const struct pc_rule *ivr_nrc = rule_of(cat, "ip-ivr", "nuance-recognition-client");
	assert_int_equal(nrc->kind, PC_NUMBER_NONE);
	assert_int_equal(nrc->direction, ivr_nrc->direction);
	assert_int_equal(nrc->configurable, ivr_nrc->configurable);
	assert_int_equal(nrc->confidence, PC_CONF_E60);

	/* DCA connects, CCS listens (table 7's note) */
	const struct pc_rule *dca = rule_of(cat, "dca", "rmi-connection");
	assert_int_equal(dca->direction, PC_DIR_CONNECT);
	assert_non_null(strstr(dca->notes, "DCA initiates"));
	const struct pc_rule *ccs = rule_of(cat, "ccs", "dca-rmi-connection");
	assert_int_equal(ccs->direction, PC_DIR_LISTEN);
	assert_non_null(strstr(ccs->notes, "DCA initiates"));

	/* CAD Desktop is a CTI OS client (table 1's CTI OS row) */
	const struct pc_rule *cad = rule_of(cat, "cad-agent-desktop", "ctios");
	assert_int_equal(cad->direction, PC_DIR_CONNECT);
	assert_int_equal(cad->kind, PC_NUMBER_FIXED);
	assert_int_equal(cad->port, rule_of(cat, "ctios-server", "ctios")->port);

	/* the SDDSN server, with both of its rows; table 3's "SDDSN Server <->
	 * Listener" row prints the first row's Windows ports: the SDDSN serves
	 * them and reaches the Listener's */
	const struct pc_role *sddsn = pc_catalog_find_role(cat, "sddsn-server");
	assert_non_null(sddsn);
	assert_int_equal(sddsn->table, 3);
	const struct pc_rule *to_listener = rule_of(cat, "sddsn-server", "listener-transfer");
	assert_int_equal(to_listener->direction, PC_DIR_CONNECT);
	assert_non_null(strstr(to_listener->remote, "Listener"));
	static const struct {
		const char *rule;
		int protocol, port, direction;
	} sddsn_row[] = {
		{ "listener-transfer", IPPROTO_TCP, 445, PC_DIR_CONNECT },
		{ "listener-netbios-session", IPPROTO_TCP, 139, PC_DIR_CONNECT },
		{ "listener-rpc", IPPROTO_TCP, 135, PC_DIR_CONNECT },
		{ "rpc-endpoint-mapper", IPPROTO_TCP, 135, PC_DIR_LISTEN },
		{ "netbios-name", IPPROTO_UDP, 137, PC_DIR_LISTEN },
		{ "netbios-datagram", IPPROTO_UDP, 138, PC_DIR_LISTEN },
		{ "netbios-session", IPPROTO_TCP, 139, PC_DIR_LISTEN },
		{ "smb", IPPROTO_TCP, 445, PC_DIR_LISTEN },
	};
	const struct pc_role *listener = pc_catalog_find_role(cat, "rms-listener");
	for (size_t i = 0; i < sizeof(sddsn_row) / sizeof(sddsn_row[0]); i++) {
		const struct pc_rule *r = rule_of(cat, "sddsn-server", sddsn_row[i].rule);
		assert_int_equal(r->kind, PC_NUMBER_FIXED);
		assert_int_equal(r->protocol, sddsn_row[i].protocol);
		assert_int_equal(r->port, sddsn_row[i].port);
		assert_int_equal(r->direction, sddsn_row[i].direction);
		assert_int_equal(r->confidence, PC_CONF_E60);
		if (r->direction == PC_DIR_LISTEN) /* the Listener's end of the row */
			assert_ptr_equal(rule_of(cat, "rms-listener", sddsn_row[i].rule), r);
	}
	/* ... so the Listener has no numberless rule for that row any more */
	for (size_t i = 0; i < listener->n_rules; i++)
		assert_string_not_equal(listener->rules[i]->name, "sddsn-transfer");
	const struct pc_rule *isn = rule_of(cat, "sddsn-server", "isn-alarms");
	assert_int_equal(isn->direction, PC_DIR_LISTEN);
	assert_non_null(strstr(isn->remote, "ISN"));
	assert_true(isn->configurable); /* the site gives the number */
	assert_non_null(strstr(to_listener->source, "S0"));
	assert_non_null(strstr(isn->source, "S0"));

	/* required only with a 6.0 row, or with the reason in the notes */
	assert_false(rule_of(cat, "support-tools-node", "node-agent")->required);
	const struct pc_rule *jtapi = rule_of(cat, "pim-ipcc", "cti-manager");
	assert_true(jtapi->required);
	assert_non_null(jtapi->notes);
	assert_non_null(strstr(jtapi->notes, "cannot work without"));

	/* no note puts words in the guide's mouth that it does not print */
	for (size_t i = 0; i < cat->n_roles; i++)
		for (size_t j = 0; j < cat->roles[i].n_rules; j++) {
			const char *notes = cat->roles[i].rules[j]->notes;
			if (notes != NULL && strstr(notes, "6.0 row says") != NULL)
				fail_msg("%s/%s: \"%s\"", cat->roles[i].name,
					 cat->roles[i].rules[j]->name, notes);
		}
	assert_non_null(strstr(rule_of(cat, "isn-app-server", "vru-cti")->notes, "S1b"));
	assert_non_null(strstr(rule_of(cat, "ipcc-express", "cti")->notes, "S5"));
}

/* ---- the instance spans --------------------------------------- */

struct offset_use {
	uint8_t protocol;
	const struct pc_block *block;
	int side, column, offset, step;
};

struct port_use {
	long port;
	size_t use;
	int instance;
};

static int by_port(const void *a, const void *b)
{
	const struct port_use *x = a, *y = b;
	return x->port != y->port ? (x->port < y->port ? -1 : 1)
				  : (x->use != y->use ? (x->use < y->use ? -1 : 1) : 0);
}

/* Every (block, side, PG slot, offset) some rule uses, walked over every
 * instance 0..24: how many ports two different ones meet on (the first
 * described in first). The same offset of the same block, side and slot is
 * one port however many rules name it (a listener and its clients). */
static size_t offsets_meeting(const struct pc_catalog *cat, char *first, size_t len)
{
	struct offset_use uses[512];
	size_t n_uses = 0;
	for (size_t i = 0; i < cat->n_roles; i++) {
		const struct pc_role *role = &cat->roles[i];
		for (size_t j = 0; j < role->n_rules; j++) {
			const struct pc_rule *r = role->rules[j];
			const struct pc_formula *f = &r->formula;
			if (r->kind != PC_NUMBER_FORMULA || f->block == NULL)
				continue;
			unsigned sides = f->side ? PC_SIDE_BIT(f->side)
						 : r->sides ? r->sides & role->sides : role->sides;
			for (int side = 1; side < PC_SIDE_COUNT; side++)
				for (int column = 0; column < f->block->n_slots; column++) {
					if (!(sides & PC_SIDE_BIT(side)) ||
					    (f->block->n_slots > 1 && !(role->slots & (1u << (column + 1)))))
						continue;
					struct offset_use u = { r->protocol, f->block, side, column,
								f->offset, f->step };
					bool known = false;
					for (size_t k = 0; k < n_uses && !known; k++)
						known = uses[k].protocol == u.protocol &&
							uses[k].block == u.block && uses[k].side == u.side &&
							uses[k].column == u.column &&
							uses[k].offset == u.offset && uses[k].step == u.step;
					if (!known) {
						assert_true(n_uses < sizeof(uses) / sizeof(uses[0]));
						uses[n_uses++] = u;
					}
				}
		}
	}
	size_t n = n_uses * (PC_INSTANCE_MAX + 1), meetings = 0;
	struct port_use *ports = calloc(n, sizeof(*ports));
	assert_non_null(ports);
	for (size_t k = 0; k < n_uses; k++)
		for (int i = 0; i <= PC_INSTANCE_MAX; i++) {
			const struct offset_use *u = &uses[k];
			/* the protocol is folded into the port so TCP and UDP never meet */
			long port = u->block->base[u->side][u->column] + (long)u->step * i + u->offset;
			ports[k * (PC_INSTANCE_MAX + 1) + (size_t)i] =
				(struct port_use){ port + (u->protocol == IPPROTO_UDP ? 100000 : 0), k, i };
		}
	qsort(ports, n, sizeof(*ports), by_port);
	for (size_t k = 1; k < n; k++) {
		if (ports[k].port != ports[k - 1].port)
			continue;
		if (meetings++ == 0) {
			const struct offset_use *a = &uses[ports[k - 1].use], *b = &uses[ports[k].use];
			snprintf(first, len, "port %ld: block %s side %s slot %d offset %d instance %d "
					     "and block %s side %s slot %d offset %d instance %d",
				 ports[k].port % 100000, a->block->name, pc_side_name((enum pc_side)a->side),
				 a->column + 1, a->offset, ports[k - 1].instance, b->block->name,
				 pc_side_name((enum pc_side)b->side), b->column + 1, b->offset,
				 ports[k].instance);
		}
	}
	free(ports);
	return meetings;
}

static void test_instance_offsets_never_meet(void **state)
{
	const struct pc_catalog *cat = *state;
	/* the spans do overlap, as 00-instance-blocks.conf now says: PG3's
	 * side B runs into the Distributor primary span (48000-48999) from
	 * instance 12's offset 20 on */
	const struct pc_formula *mds = &rule_of(cat, "icm-pg", "mds")->formula;
	const struct pc_formula *rtdist = &rule_of(cat, "icm-distributor", "rtdist")->formula;
	assert_int_equal(pc_formula_port(mds, PC_SIDE_B, 3, 12) + 20, 48000);
	assert_int_equal(pc_formula_port(mds, PC_SIDE_B, 3, 13), 48020);
	assert_int_equal(pc_formula_port(mds, PC_SIDE_B, 3, 24) + 39, 48499);
	assert_int_equal(pc_formula_port(rtdist, PC_SIDE_PRIMARY, 0, 0), 48008);
	/* but no two offsets in use ever give the same port */
	char first[256] = "";
	size_t meetings = offsets_meeting(cat, first, sizeof(first));
	if (meetings != 0)
		fail_msg("%zu ports where two offsets meet, first %s", meetings, first);

	/* the walk does find a meeting when there is one */
	struct pc_diag diag = { 0 };
	const char *paths[] = { repo_path("tests/fixtures/catalog/offsets-meet.conf") };
	struct pc_catalog *meeting = pc_catalog_load(paths, 1, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	assert_non_null(meeting);
	/* PG3 side B offset 28, instances 12-24, on the Distributor's 0-12 */
	assert_int_equal(offsets_meeting(meeting, first, sizeof(first)), 13);
	assert_non_null(strstr(first, "port 48008: block pg side b slot 3 offset 28 instance 12"));
	pc_catalog_free(meeting);
}

static void test_revision(void **state)
{
	const struct pc_catalog *a = *state;
	struct pc_diag diag = { 0 };
	struct pc_catalog *b = load_shipped(&diag);
	const char *with_site[] = { CATALOG_DIR, repo_path("tests/fixtures/catalog/site-good.conf") };
	struct pc_catalog *c = pc_catalog_load(with_site, 2, &diag);
	pc_diag_clear(&diag);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(strlen(a->revision), 8);
	assert_int_equal(strspn(a->revision, "0123456789abcdef"), 8);
	assert_string_equal(a->revision, b->revision);
	assert_string_not_equal(a->revision, c->revision);
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
	{ "bad-permit-port.conf", 7, "permit applies to a range, not to a single port" },
	{ "bad-permit-required.conf", 7, "permit with required = true" },
	{ "bad-permit-connect.conf", 7, "permit applies to listen rules" },
	{ "bad-permit-each.conf", 7, "permit with match = \"each\"" },
	{ "bad-permit-value.conf", 7, "invalid boolean value for option 'permit'" },
	{ "bad-slot-confidence.conf", 14, "slot-confidence \"SURE\" is not E60" },
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
	const struct pc_catalog *shipped = *state;
	struct pc_diag diag = { 0 };
	const struct pc_role *router = pc_catalog_find_role(shipped, "icm-router");
	char first[1100];
	snprintf(first, sizeof(first), "role icm-router is already defined at %s:%d", router->file,
		 router->line);

	const char *site = repo_path("tests/fixtures/catalog/site-dup-role.conf");
	const char *paths[] = { CATALOG_DIR, site };
	assert_null(pc_catalog_load(paths, 2, &diag));
	check_first_error(&diag, site, 2, first);
	pc_diag_clear(&diag);
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
		cmocka_unit_test(test_permit_rules),
		cmocka_unit_test(test_rule_confidence_by_instance_and_slot),
		cmocka_unit_test(test_catalog_corrections),
		cmocka_unit_test(test_instance_offsets_never_meet),
		cmocka_unit_test(test_peer_locality),
		cmocka_unit_test(test_revision),
		cmocka_unit_test(test_site_file),
		cmocka_unit_test(test_bad_catalogs),
		cmocka_unit_test(test_site_duplicate_role),
		cmocka_unit_test(test_missing_catalog),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("catalog", tests, load_shipped_catalog,
					   free_shipped_catalog);
}
