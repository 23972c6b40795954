/* portcomplyd --list-roles and --expected: the catalog and this host's port
 * plan for audits, as an aligned text table or as JSON. */
#include "cli_catalog.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "config.h"
#include "diag.h"
#include "expect.h"
#include "json.h"
#include "plan.h"
#include "snapshot.h" /* pc_proto_name */
#include "text_table.h"

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
	*status = EXIT_INVALID;
	return false;
}

static int fail(struct pc_diag *diag, FILE *err)
{
	pc_diag_print(diag, err);
	pc_diag_clear(diag);
	return EXIT_INVALID;
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

static void role_cell(const void *row, int column, char *buf, size_t len)
{
	const struct pc_role *role = row;
	switch (column) {
	case 0: snprintf(buf, len, "%s", role->name); break;
	case 1: snprintf(buf, len, "%d", role->table); break;
	case 2: snprintf(buf, len, "%zu", role->n_rules); break;
	case 3: takes_text(role, buf, len); break;
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
		fputs(", \"file\": ", out);
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
		static const char *const headers[] = { "ROLE", "TABLE", "RULES", "TAKES", "TITLE" };
		pc_text_table(out, "", headers, 5, catalog->roles, sizeof(*catalog->roles),
			      catalog->n_roles, role_cell);
	}
	pc_catalog_free(catalog);
	return 0;
}

/* ---- --expected ------------------------------------------------------------ */

static void provenance_text(const struct pc_expectation *e, char *buf, size_t len)
{
	if (e->confidence == PC_CONF_SITE && e->override_line > 0)
		snprintf(buf, len, "SITE (override, line %d; catalog: %s)", e->override_line, e->source);
	else
		snprintf(buf, len, "%s %s", pc_confidence_name(e->confidence), e->source);
}

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
	default: provenance_text(e, buf, len); break;
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
		fputs(", \"source\": ", out);
		pc_json_string(out, e->source);
		fprintf(out, ", \"confidence\": \"%s\", \"catalog_file\": ", pc_confidence_name(e->confidence));
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
		return fail(&diag, err);
	}
	if (args->slot == 0 || args->slot < -1) {
		pc_diag_error(&diag, COMMAND_LINE, 0, "--slot %d: must be between 1 and %d", args->slot,
			      PC_SLOT_MAX);
		return fail(&diag, err);
	}
	struct pc_catalog *catalog = catalog_for(args, &diag);
	if (catalog == NULL)
		return fail(&diag, err);
	struct pc_expectations list;
	int rc = pc_expect_role(catalog, args->role, args->instance, (enum pc_side)side,
				args->slot == -1 ? 0 : args->slot, 0, COMMAND_LINE, &list, &diag);
	if (rc != 0) {
		pc_catalog_free(catalog);
		return fail(&diag, err);
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
		return fail(&diag, err);
	}
	if (args->config_path == NULL) {
		pc_diag_error(&diag, COMMAND_LINE, 0, "no configuration file: give -c FILE");
		return fail(&diag, err);
	}
	struct pc_plan *plan = pc_plan_load(args->config_path, &diag);
	if (plan == NULL)
		return fail(&diag, err);
	pc_diag_print(&diag, err); /* warnings */
	pc_diag_clear(&diag);
	print_expected(out, json, plan->catalog, &plan->expectations);
	pc_plan_free(plan);
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
