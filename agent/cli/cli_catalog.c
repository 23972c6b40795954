/* SPDX-License-Identifier: ISC */
/* portcomplyd --list-roles and --expected: the catalog and this host's port
 * plan for audits, as an aligned text table or as JSON. */
#include "cli/cli_catalog.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "plan/config.h"
#include "plan/diag.h"
#include "plan/expect.h"
#include "util/json.h"
#include "plan/plan.h"
#include "util/transport.h"
#include "util/text_table.h"

/* As the usage text says: 1 for a usage error (a bad option value, a role
 * the catalog does not have), 2 for a configuration or catalog that does
 * not validate. */
#define EXIT_USAGE 1
#define EXIT_INVALID 2
#define COMMAND_LINE "command line"

/* ---- options and failures --------------------------------------------- */

static bool want_json(const struct pc_cli_args *args, FILE *err, int *status)
{
	if (args->format == NULL || strcmp(args->format, "text") == 0)
		return false;
	if (strcmp(args->format, "json") == 0)
		return true;
	fprintf(err, "%s: --format %s: must be text or json\n", COMMAND_LINE, args->format);
	*status = EXIT_USAGE;
	return false;
}

static int fail(struct pc_diag *diag, FILE *err)
{
	pc_diag_print(diag, err);
	pc_diag_clear(diag);
	return EXIT_INVALID;
}

static int usage_error(struct pc_diag *diag, FILE *err)
{
	fail(diag, err);
	return EXIT_USAGE;
}

/* The catalog to show: the one -c names, else the default directory. */
static struct pc_catalog *catalog_for(const struct pc_cli_args *args, struct pc_diag *diag)
{
	if (args->config_given) {
		struct pc_config *config = pc_config_load(args->config_path, diag);
		struct pc_catalog *catalog = config ? pc_plan_load_catalog(config, diag) : NULL;
		pc_config_free(config);
		return catalog;
	}
	if (args->default_catalog_dir == NULL) {
		pc_diag_error(diag, COMMAND_LINE, 0, "no catalog directory: give -c FILE");
		return NULL;
	}
	return pc_catalog_load(&args->default_catalog_dir, 1, diag);
}

/* ---- --list-roles ------------------------------------------------------- */

static void takes_text(const struct pc_role *role, char *buf, size_t len)
{
	buf[0] = '\0';
	if (role->takes_instance)
		snprintf(buf, len, "instance");
	if (role->sides) {
		snprintf(buf + strlen(buf), len - strlen(buf), "%sside=", buf[0] ? " " : "");
		for (int s = 1, first = 1; s < PC_SIDE_COUNT; s++)
			if (role->sides & PC_SIDE_BIT(s)) {
				snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", first ? "" : "|",
					 pc_side_name((enum pc_side)s));
				first = 0;
			}
	}
	if (role->slots) {
		snprintf(buf + strlen(buf), len - strlen(buf), "%sslot=", buf[0] ? " " : "");
		for (int k = 1, first = 1; k <= PC_SLOT_MAX; k++)
			if (role->slots & (1u << k)) {
				snprintf(buf + strlen(buf), len - strlen(buf), "%s%d", first ? "" : "|", k);
				first = 0;
			}
	}
	if (role->takes_count)
		snprintf(buf + strlen(buf), len - strlen(buf), "%scount", buf[0] ? " " : "");
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
}

/* A role's provenance at a glance: the confidence tags of its rules (and
 * of their values for other instances and slots), strongest first, then their sources, in the order of port-facts.md's
 * list (S0..S9, S1b after S1, MS, A1..A12, anything else by name):
 * "E60 L12 INF S0, S1, MS", as --expected writes one rule's. */
#define MAX_SOURCES 48
#define SOURCE_ID_MAX 16

struct role_provenance {
	unsigned confidence; /* 1u << enum pc_confidence */
	char sources[MAX_SOURCES][SOURCE_ID_MAX];
	size_t n_sources;
};

static int source_rank(const char *id, long *number, const char **suffix)
{
	int rank = id[0] == 'S' ? 0 : strcmp(id, "MS") == 0 ? 1 : id[0] == 'A' ? 2 : 3;
	char *end = (char *)id;
	*number = rank == 0 || rank == 2 ? strtol(id + 1, &end, 10) : 0;
	if (end == id + 1) /* no number: "SITE" */
		rank = 3;
	*suffix = end;
	return rank;
}

static int cmp_source(const void *a, const void *b)
{
	long na, nb;
	const char *sa, *sb;
	int ra = source_rank(a, &na, &sa), rb = source_rank(b, &nb, &sb);
	if (ra != rb)
		return ra - rb;
	if (ra == 3)
		return strcmp(a, b);
	return na != nb ? (na > nb) - (na < nb) : strcmp(sa, sb);
}

static void add_sources(struct role_provenance *p, const char *list)
{
	while (list != NULL && *list != '\0') {
		list += strspn(list, ", ");
		size_t n = strcspn(list, ", ");
		if (n > 0 && n < SOURCE_ID_MAX) {
			char id[SOURCE_ID_MAX];
			memcpy(id, list, n);
			id[n] = '\0';
			bool seen = false;
			for (size_t k = 0; k < p->n_sources && !seen; k++)
				seen = strcmp(p->sources[k], id) == 0;
			if (!seen && p->n_sources < MAX_SOURCES)
				memcpy(p->sources[p->n_sources++], id, n + 1);
		}
		list += n;
	}
}

static void role_provenance(const struct pc_role *role, struct role_provenance *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t r = 0; r < role->n_rules; r++) {
		const struct pc_rule *rule = role->rules[r];
		p->confidence |= 1u << rule->confidence;
		/* Other instances and PG slots may rest on weaker sources. */
		if (rule->kind == PC_NUMBER_FORMULA) {
			p->confidence |= 1u << rule->formula.confidence;
			p->confidence |= 1u << rule->formula.slot_confidence;
		}
		add_sources(p, rule->source);
	}
	qsort(p->sources, p->n_sources, sizeof(p->sources[0]), cmp_source);
}

static void provenance_text(const struct role_provenance *p, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int c = PC_CONF_E60; c <= PC_CONF_SITE && n < len; c++)
		if (p->confidence & (1u << c))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
					      pc_confidence_name((enum pc_confidence)c));
	for (size_t k = 0; k < p->n_sources && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : n ? " " : "",
				      p->sources[k]);
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
}

static void role_cell(const void *row, int column, char *buf, size_t len)
{
	const struct pc_role *role = row;
	struct role_provenance provenance;
	switch (column) {
	case 0: snprintf(buf, len, "%s", role->name); break;
	case 1: snprintf(buf, len, "%d", role->table); break;
	case 2: snprintf(buf, len, "%zu", role->n_rules); break;
	case 3: takes_text(role, buf, len); break;
	case 4:
		role_provenance(role, &provenance);
		provenance_text(&provenance, buf, len);
		break;
	default: snprintf(buf, len, "%s", role->title); break;
	}
}

static void list_roles_json(FILE *out, const struct pc_catalog *catalog)
{
	fprintf(out, "{\"catalog_revision\": \"%s\", \"roles\": [", catalog->revision);
	for (size_t i = 0; i < catalog->n_roles; i++) {
		const struct pc_role *role = &catalog->roles[i];
		char takes[96];
		takes_text(role, takes, sizeof(takes));
		fprintf(out, "%s\n  {\"role\": ", i ? "," : "");
		pc_json_string(out, role->name);
		fputs(", \"title\": ", out);
		pc_json_string(out, role->title);
		fprintf(out, ", \"table\": %d, \"rules\": %zu, \"takes\": ", role->table, role->n_rules);
		pc_json_string(out, strcmp(takes, "-") ? takes : "");
		struct role_provenance provenance;
		role_provenance(role, &provenance);
		fputs(", \"confidence\": [", out);
		for (int c = PC_CONF_E60, n = 0; c <= PC_CONF_SITE; c++)
			if (provenance.confidence & (1u << c))
				fprintf(out, "%s\"%s\"", n++ ? ", " : "",
					pc_confidence_name((enum pc_confidence)c));
		fputs("], \"sources\": [", out);
		for (size_t k = 0; k < provenance.n_sources; k++) {
			fputs(k ? ", " : "", out);
			pc_json_string(out, provenance.sources[k]);
		}
		fputs("], \"file\": ", out);
		pc_json_string(out, role->file);
		fprintf(out, ", \"line\": %d}", role->line);
	}
	fputs("\n]}\n", out);
}

int pc_cli_list_roles_to(const struct pc_cli_args *args, FILE *out, FILE *err)
{
	int status = 0;
	bool json = want_json(args, err, &status);
	if (status != 0)
		return status;
	struct pc_diag diag = { 0 };
	struct pc_catalog *catalog = catalog_for(args, &diag);
	if (catalog == NULL)
		return fail(&diag, err);
	pc_diag_print(&diag, err); /* warnings */
	pc_diag_clear(&diag);
	if (json) {
		list_roles_json(out, catalog);
	} else {
		static const char *const headers[] = { "ROLE",  "TABLE",      "RULES",
						       "TAKES", "PROVENANCE", "TITLE" };
		pc_text_table(out, "", headers, 6, catalog->roles, sizeof(*catalog->roles),
			      catalog->n_roles, role_cell);
	}
	pc_catalog_free(catalog);
	return 0;
}

/* ---- --expected ------------------------------------------------------------ */

static void expectation_cell(const void *row, int column, char *buf, size_t len)
{
	const struct pc_expectation *e = row;
	switch (column) {
	case 0: snprintf(buf, len, "%s", e->role); break;
	case 1: snprintf(buf, len, "%s", e->instance >= 0 ? e->instance_name : "-"); break;
	case 2: snprintf(buf, len, "%s", e->side ? pc_side_name(e->side) : "-"); break;
	case 3: snprintf(buf, len, e->slot ? "%d" : "-", e->slot); break;
	case 4: snprintf(buf, len, "%s", e->rule); break;
	case 5: snprintf(buf, len, "%s", pc_proto_name(e->protocol)); break;
	case 6: pc_expectation_format_port(e, buf, len); break;
	case 7: snprintf(buf, len, "%s", pc_direction_name(e->direction)); break;
	case 8: snprintf(buf, len, "%s", e->required ? "yes" : "no"); break;
	default: pc_expectation_format_provenance(e, buf, len); break;
	}
}

static void expected_json(FILE *out, const struct pc_catalog *catalog,
			  const struct pc_expectations *list)
{
	static const char *const match_names[] = { "none", "port", "any-in-range", "permit" };
	fprintf(out, "{\"catalog_revision\": \"%s\", \"expectations\": [", catalog->revision);
	for (size_t i = 0; i < list->n; i++) {
		const struct pc_expectation *e = &list->items[i];
		fprintf(out, "%s\n  {\"role_index\": %u, \"rule_index\": %u, \"member\": %u, \"members\": %u, \"role\": ",
			i ? "," : "", e->role_index, e->rule_index, e->member, e->members);
		pc_json_string(out, e->role);
		fputs(", \"role_title\": ", out);
		pc_json_string(out, e->role_title);
		fprintf(out, ", \"table\": %d, \"instance\": %d, \"instance_name\": ", e->guide_table,
			e->instance);
		pc_json_string(out, e->instance >= 0 ? e->instance_name : NULL);
		fputs(", \"side\": ", out);
		pc_json_string(out, pc_side_name(e->side));
		fprintf(out, ", \"slot\": %d, \"count\": %d, \"bind_address\": ", e->slot, e->count);
		pc_json_string(out, e->bind_address);
		fputs(", \"rule\": ", out);
		pc_json_string(out, e->rule);
		fputs(", \"description\": ", out);
		pc_json_string(out, e->description);
		fprintf(out, ", \"protocol\": \"%s\", \"port\": %u, \"port_last\": %u, \"match\": \"%s\", \"direction\": \"%s\"",
			pc_proto_name(e->protocol), e->port, e->port_last, match_names[e->match],
			pc_direction_name(e->direction));
		fprintf(out, ", \"required\": %s, \"configurable\": %s, \"unconfigured\": %s, \"overridden\": %s, \"shared\": %s, \"remote\": ",
			pc_json_bool(e->required), pc_json_bool(e->configurable),
			pc_json_bool(e->unconfigured), pc_json_bool(e->overridden),
			pc_json_bool(e->shared));
		pc_json_string(out, e->remote);
		fputs(", \"notes\": ", out);
		pc_json_string(out, e->notes);
		fprintf(out, ", \"confidence\": \"%s\", \"source\": ", pc_confidence_name(e->confidence));
		pc_json_string(out, e->source);
		fputs(", \"catalog_file\": ", out);
		pc_json_string(out, e->catalog_file);
		fprintf(out, ", \"catalog_line\": %d}", e->catalog_line);
	}
	fputs("\n]}\n", out);
}

static void print_expected(FILE *out, bool json, const struct pc_catalog *catalog,
			   const struct pc_expectations *list)
{
	if (json) {
		expected_json(out, catalog, list);
		return;
	}
	static const char *const headers[] = { "ROLE", "INSTANCE", "SIDE", "SLOT", "RULE",
					       "PROTO", "PORT", "DIRECTION", "REQUIRED",
					       "PROVENANCE" };
	fprintf(out, "# catalog revision %s\n", catalog->revision);
	pc_text_table(out, "", headers, 10, list->items, sizeof(*list->items), list->n,
		      expectation_cell);
}

/* --expected --role R [--instance N] [--side S] [--slot K]: no host config
 * needed; -c only chooses the catalog. */
static int expected_for_role(const struct pc_cli_args *args, bool json, FILE *out, FILE *err)
{
	struct pc_diag diag = { 0 };
	int side = PC_SIDE_NONE;
	if (args->side != NULL && (side = pc_side_parse(args->side)) < 0) {
		pc_diag_error(&diag, COMMAND_LINE, 0, "--side %s: must be a, b, primary or secondary",
			      args->side);
		return usage_error(&diag, err);
	}
	if (args->slot == 0 || args->slot < -1) {
		pc_diag_error(&diag, COMMAND_LINE, 0, "--slot %d: must be between 1 and %d", args->slot,
			      PC_SLOT_MAX);
		return usage_error(&diag, err);
	}
	struct pc_catalog *catalog = catalog_for(args, &diag);
	if (catalog == NULL)
		return fail(&diag, err);
	struct pc_expectations list;
	int rc = pc_expect_role(catalog, args->role, args->instance, (enum pc_side)side,
				args->slot == -1 ? 0 : args->slot, 0, COMMAND_LINE, &list, &diag);
	if (rc != 0) { /* the catalog loaded: the command line asked for what it lacks */
		pc_catalog_free(catalog);
		return usage_error(&diag, err);
	}
	pc_diag_print(&diag, err);
	pc_diag_clear(&diag);
	print_expected(out, json, catalog, &list);
	pc_expectations_free(&list);
	pc_catalog_free(catalog);
	return 0;
}

int pc_cli_expected_to(const struct pc_cli_args *args, FILE *out, FILE *err)
{
	int status = 0;
	bool json = want_json(args, err, &status);
	if (status != 0)
		return status;
	if (args->role != NULL)
		return expected_for_role(args, json, out, err);

	struct pc_diag diag = { 0 };
	if (args->instance != -1 || args->side != NULL || args->slot != -1) {
		pc_diag_error(&diag, COMMAND_LINE, 0, "--instance, --side and --slot need --role");
		return usage_error(&diag, err);
	}
	if (args->config_path == NULL) {
		pc_diag_error(&diag, COMMAND_LINE, 0, "no configuration file: give -c FILE");
		return usage_error(&diag, err);
	}
	struct pc_plan *plan = pc_plan_load(args->config_path, &diag);
	if (plan == NULL)
		return fail(&diag, err);
	pc_diag_print(&diag, err); /* warnings */
	pc_diag_clear(&diag);
	print_expected(out, json, plan->catalog, &plan->expectations);
	pc_plan_unref(plan);
	return 0;
}

int pc_cli_list_roles(const struct pc_cli_args *args)
{
	return pc_cli_list_roles_to(args, stdout, stderr);
}

int pc_cli_expected(const struct pc_cli_args *args)
{
	return pc_cli_expected_to(args, stdout, stderr);
}
