/* SPDX-License-Identifier: ISC */
/* The catalog's confidence tags and sources, held to the policy of
 * conf/catalog/README. A number tagged E60 is printed in the guide (one of
 * the printed numbers of tests/fixtures/catalog/guide-phrases.txt, which
 * test_catalog_notes finds in the guide's text). One port of the instance
 * arithmetic has the same tags in every rule that names it, and those rules
 * cite the documents that print the arithmetic. A rule without a number is
 * E60 when the copy prints its row, and then quotes it. Every source is a
 * known ID. And the corrections an audit of the catalog's words made cite
 * their sources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "util/transport.h"
#include "findings.h"
#include "pc_test.h"

#define PHRASES "tests/fixtures/catalog/guide-phrases.txt"

/* A number as the guide prints it: "TCP 42027", "TCP/UDP 135",
 * "UDP 135 ~ 139". */
struct printed {
	bool tcp, udp;
	long first, last;
};

struct tags_state {
	struct pc_catalog *cat;
	struct printed printed[64];
	size_t n_printed;
};

/* A ruleset's rule is in every role that uses it: is this its first? */
static bool first_use(const struct pc_catalog *cat, size_t role, const struct pc_rule *r)
{
	for (size_t i = 0; i < role && r->shared; i++)
		for (size_t j = 0; j < cat->roles[i].n_rules; j++)
			if (cat->roles[i].rules[j] == r)
				return false;
	return true;
}

/* A phrase that is a printed number: "TCP 42027", "TCP/UDP 135",
 * "UDP 135 ~ 139". */
static bool printed_number(const char *s, bool *tcp, bool *udp, long *first, long *last)
{
	*tcp = *udp = false;
	if (strncmp(s, "TCP/UDP ", 8) == 0)
		*tcp = *udp = true, s += 8;
	else if (strncmp(s, "TCP ", 4) == 0)
		*tcp = true, s += 4;
	else if (strncmp(s, "UDP ", 4) == 0)
		*udp = true, s += 4;
	else
		return false;
	char *end;
	*first = *last = strtol(s, &end, 10);
	if (end == s)
		return false;
	if (strncmp(end, " ~ ", 3) == 0) {
		s = end + 3;
		*last = strtol(s, &end, 10);
		if (end == s)
			return false;
	}
	return *end == '\0';
}

/* The printed numbers among the phrases of guide-phrases.txt: the words
 * after its last " | ", which test_catalog_notes finds in the guide. */
static void load_printed(struct tags_state *st)
{
	const char *path = repo_path(PHRASES);
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("cannot read %s", path);
	char line[1024];
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		char *guide = strrchr(line, '|');
		struct printed p;
		if (line[0] == '#' || guide == NULL ||
		    !printed_number(guide + 1 + strspn(guide + 1, " "), &p.tcp, &p.udp, &p.first, &p.last))
			continue;
		assert_true(st->n_printed < sizeof(st->printed) / sizeof(st->printed[0]));
		st->printed[st->n_printed++] = p;
	}
	fclose(fp);
	assert_true(st->n_printed >= 10);
}

static bool is_printed(const struct tags_state *st, int protocol, long first, long last)
{
	for (size_t i = 0; i < st->n_printed; i++) {
		const struct printed *p = &st->printed[i];
		if ((protocol == IPPROTO_TCP ? p->tcp : p->udp) && p->first == first && p->last == last)
			return true;
	}
	return false;
}

/* E60 says "printed in the guide": the number is then one of the list's
 * printed numbers. */
static void test_e60_numbers_are_printed(void **state)
{
	struct tags_state *st = *state;
	const struct pc_catalog *cat = st->cat;
	struct findings f = { 0 };
	size_t checked = 0;
	for (size_t i = 0; i < cat->n_roles; i++) {
		const struct pc_role *role = &cat->roles[i];
		for (size_t j = 0; j < role->n_rules; j++) {
			const struct pc_rule *r = role->rules[j];
			if (pc_rule_confidence(r, 1, 0) != PC_CONF_E60 || r->kind == PC_NUMBER_NONE ||
			    !first_use(cat, i, r))
				continue;
			char where[256];
			snprintf(where, sizeof(where), "%s/%s", role->name, r->name);
			if (r->kind != PC_NUMBER_FORMULA) {
				checked++;
				if (!is_printed(st, r->protocol, r->port, r->port_last))
					found(&f, where, "E60, but %s %d-%d is printed nowhere",
					      pc_proto_name(r->protocol), r->port, r->port_last);
				continue;
			}
			unsigned sides = r->formula.side ? PC_SIDE_BIT(r->formula.side)
					 : r->sides      ? r->sides & role->sides
							 : role->sides;
			for (int side = 1; side < PC_SIDE_COUNT; side++) {
				if (!(sides & PC_SIDE_BIT(side)))
					continue;
				long port = pc_formula_port(&r->formula, (enum pc_side)side, 1, 0);
				checked++;
				if (!is_printed(st, r->protocol, port, port))
					found(&f, where, "E60, but side %s's %s %ld is printed nowhere",
					      pc_side_name((enum pc_side)side), pc_proto_name(r->protocol),
					      port);
			}
		}
	}
	assert_true(checked >= 20);
	report(&f, "E60 numbers the guide does not print");
}

static bool cites(const char *sources, const char *id)
{
	size_t n = strlen(id);
	for (const char *s = sources; (s = strstr(s, id)) != NULL; s += n)
		if ((s == sources || s[-1] == ' ' || s[-1] == ',') &&
		    (s[n] == '\0' || s[n] == ',' || s[n] == ' '))
			return true;
	return false;
}

/* The same port of the instance arithmetic (block and offset: a listener
 * and every client of it) carries the same tags everywhere, and every rule
 * computed by the arithmetic cites a document that prints it (S1-S3), and
 * the guide when its first value is E60. */
static void test_one_value_one_tag(void **state)
{
	struct tags_state *st = *state;
	const struct pc_catalog *cat = st->cat;
	struct findings f = { 0 };
	static const int points[][2] = { { 1, 0 }, { 1, 7 }, { 3, 0 }, { 2, 24 } }; /* slot, instance */
	size_t compared = 0;
	for (size_t i = 0; i < cat->n_roles; i++)
		for (size_t j = 0; j < cat->roles[i].n_rules; j++) {
			const struct pc_rule *a = cat->roles[i].rules[j];
			if (a->kind != PC_NUMBER_FORMULA || a->formula.block == NULL)
				continue;
			char where[256];
			snprintf(where, sizeof(where), "%s/%s", cat->roles[i].name, a->name);
			if (!cites(a->source, "S1") && !cites(a->source, "S2") && !cites(a->source, "S3"))
				found(&f, where, "computed by the instance arithmetic but cites none of "
						 "S1-S3 (source \"%s\")", a->source);
			if (a->confidence == PC_CONF_E60 && !cites(a->source, "S0"))
				found(&f, where, "E60 without citing the guide, S0");
			for (size_t k = 0; k < cat->n_roles; k++)
				for (size_t l = 0; l < cat->roles[k].n_rules; l++) {
					const struct pc_rule *b = cat->roles[k].rules[l];
					if (b == a || b->kind != PC_NUMBER_FORMULA ||
					    b->formula.block != a->formula.block ||
					    b->formula.offset != a->formula.offset ||
					    b->formula.step != a->formula.step)
						continue;
					compared++;
					for (size_t p = 0; p < sizeof(points) / sizeof(points[0]); p++) {
						enum pc_confidence ca = pc_rule_confidence(a, points[p][0], points[p][1]);
						enum pc_confidence cb = pc_rule_confidence(b, points[p][0], points[p][1]);
						if (ca != cb) {
							found(&f, where, "slot %d instance %d is %s, but %s/%s gives "
									 "the same port as %s",
							      points[p][0], points[p][1], pc_confidence_name(ca),
							      cat->roles[k].name, b->name, pc_confidence_name(cb));
							break;
						}
					}
				}
		}
	assert_true(compared > 20);
	report(&f, "values of the instance arithmetic with uneven tags or sources");
}

/* A rule without a number is tagged for its row (conf/catalog/README):
 * E60 when the copy prints the row, and then its notes quote the row. */
static void test_printed_rows_without_a_number(void **state)
{
	struct tags_state *st = *state;
	const struct pc_catalog *cat = st->cat;
	struct findings f = { 0 };
	for (size_t i = 0; i < cat->n_roles; i++)
		for (size_t j = 0; j < cat->roles[i].n_rules; j++) {
			const struct pc_rule *r = cat->roles[i].rules[j];
			if (r->kind != PC_NUMBER_NONE || r->confidence != PC_CONF_E60 || !first_use(cat, i, r))
				continue;
			if (r->notes == NULL || strchr(r->notes, '"') == NULL || !cites(r->source, "S0"))
				found(&f, cat->roles[i].name, "rule %s: E60 without a number, so its "
							      "notes quote the printed row and its source cites S0",
				      r->name);
		}
	/* the rows the audit found tagged otherwise */
	static const char *const printed[][2] = {
		{ "dca", "rmi-connection" },
		{ "ccs", "dca-rmi-connection" },
		{ "isn-app-server", "ajp" },
	};
	for (size_t k = 0; k < sizeof(printed) / sizeof(printed[0]); k++) {
		const struct pc_role *role = pc_catalog_find_role(cat, printed[k][0]);
		assert_non_null(role);
		bool seen = false;
		for (size_t j = 0; j < role->n_rules; j++)
			if (strcmp(role->rules[j]->name, printed[k][1]) == 0) {
				seen = true;
				if (role->rules[j]->confidence != PC_CONF_E60)
					found(&f, role->name, "rule %s: a printed row without a number is E60",
					      printed[k][1]);
			}
		assert_true(seen);
	}
	report(&f, "numberless rules tagged against the README's policy");
}

/* Every source is an ID of port-facts.md (S0-S9, S1b, MS, A1-A12) or an RFC
 * (RFCnnnn, for a protocol's standard port). */
static void test_sources_are_known_ids(void **state)
{
	struct tags_state *st = *state;
	const struct pc_catalog *cat = st->cat;
	struct findings f = { 0 };
	for (size_t i = 0; i < cat->n_roles; i++)
		for (size_t j = 0; j < cat->roles[i].n_rules; j++) {
			const struct pc_rule *r = cat->roles[i].rules[j];
			if (!first_use(cat, i, r))
				continue;
			for (const char *s = r->source; *s != '\0';) {
				s += strspn(s, ", ");
				size_t n = strcspn(s, ", ");
				if (n == 0)
					break;
				char id[32];
				snprintf(id, sizeof(id), "%.*s", (int)n, s);
				char *end;
				long k = strtol(id + (id[0] == 'R' ? 3 : 1), &end, 10);
				bool known = strcmp(id, "S1b") == 0 || strcmp(id, "MS") == 0 ||
					     (id[0] == 'S' && end == id + 2 && *end == '\0' && k >= 0 && k <= 9) ||
					     (id[0] == 'A' && *end == '\0' && end > id + 1 && k >= 1 && k <= 12) ||
					     (strncmp(id, "RFC", 3) == 0 && *end == '\0' && end > id + 3);
				if (!known)
					found(&f, cat->roles[i].name, "rule %s: source \"%s\" is no known ID", r->name,
					      id);
				s += n;
			}
		}
	report(&f, "unknown source IDs");
}

/* Each correction of the audit cites its source in the rule itself (the
 * words it replaced are test_catalog_notes' business). */
static void test_corrections_cite_their_sources(void **state)
{
	struct tags_state *st = *state;
	const struct pc_catalog *cat = st->cat;
	static const struct {
		const char *role, *rule, *notes_has, *source_has;
	} cases[] = {
		/* Figure 3 is a title: the numbers are S1's */
		{ "icm-distributor", "rtdist", "S1 gives 48008", "S1" },
		/* the appendix note says where to look, not what PGs do */
		{ "icm-router", "pre-5.0-pg", "this catalog's reading", "S1" },
		/* the note names no port or service: 1099 is S6's */
		{ "dca", "rmi-registry", "name no port or service", "S6" },
		/* table 2 names no license manager */
		{ "cad-base-servers", "license-resource-manager", "Not a row of table 2", "S0" },
		/* table 4 is a title: the mail ports are the RFCs', SQL's is MS's */
		{ "cem", "smtp", "RFC 5321", "RFC5321" },
		{ "cem", "pop3", "RFC 1939", "RFC1939" },
		{ "cem", "imap", "RFC 3501", "RFC3501" },
		{ "cem", "database", "KB 287932", "MS" },
		/* required without a JTAPI row: the reason, with its source */
		{ "ip-ivr", "jtapi", "cannot work without", "S5" },
		{ "ipcc-express", "jtapi", "cannot work without", "S5" },
		/* note b gives no default; port-facts.md says none is known */
		{ "media-blender", "media-connection", "port-facts.md table 6 row 2", "S0" },
		/* the CTI Server's printed port, rated the same for every client */
		{ "outbound-option-dialer", "cti-server-a", "TCP 42027", "S0" },
		{ "cem", "arm-cti-server-b", "TCP 43027", "S0" },
		{ "cad-base-servers", "cti-server-a", "S1's formula", "S1" },
		/* two prints, one rule, and why */
		{ "isn-app-server", "voice-browser-link", "twice", "S0" },
		{ "isn-app-server", "vxml-http", "first", "S0" },
		/* the SDDSN <-> Listener row's ports */
		{ "sddsn-server", "listener-transfer", "\"TCP/UDP 445\"", "S0" },
		{ "sddsn-server", "listener-rpc", "\"TCP/UDP 135\"", "S0" },
		{ "sddsn-server", "listener-netbios-session", "\"TCP 139\"", "S0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pc_rule *r = rule_of(cat, cases[i].role, cases[i].rule);
		if (r->notes == NULL || strstr(r->notes, cases[i].notes_has) == NULL)
			fail_msg("%s/%s: notes lack \"%s\"", cases[i].role, cases[i].rule, cases[i].notes_has);
		if (!cites(r->source, cases[i].source_has))
			fail_msg("%s/%s: source \"%s\" lacks %s", cases[i].role, cases[i].rule, r->source,
				 cases[i].source_has);
	}
	for (const char *const *name = (const char *const[]){ "smtp", "pop3", "imap", "database", NULL };
	     *name != NULL; name++)
		assert_false(cites(rule_of(cat, "cem", *name)->source, "S0"));
}

static int setup(void **state)
{
	struct tags_state *st = calloc(1, sizeof(*st));
	assert_non_null(st);
	struct pc_diag diag = { 0 };
	const char *paths[] = { CATALOG_DIR };
	st->cat = pc_catalog_load(paths, 1, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	if (st->cat == NULL) {
		free(st);
		return -1;
	}
	load_printed(st);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	struct tags_state *st = *state;
	pc_catalog_free(st->cat);
	free(st);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e60_numbers_are_printed),
		cmocka_unit_test(test_one_value_one_tag),
		cmocka_unit_test(test_printed_rows_without_a_number),
		cmocka_unit_test(test_sources_are_known_ids),
		cmocka_unit_test(test_corrections_cite_their_sources),
	};
	return cmocka_run_group_tests_name("catalog tags", tests, setup, teardown);
}
