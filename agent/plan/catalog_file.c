/* SPDX-License-Identifier: ISC */
/* Reading one catalog file: each block, ruleset and role it defines is
 * checked on its own and appended to the catalog. Whether names repeat
 * across files, rulesets and blocks exist, and formulas fit every instance
 * is catalog_load.c's business, once every file is in. */
#include "plan/catalog_file.h"

#include <confuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/cfgfile.h"
#include "plan/names.h"
#include "util/transport.h"

static cfg_opt_t formula_opts[] = {
	CFG_STR("block", NULL, CFGF_NODEFAULT),
	CFG_INT("base", 0, CFGF_NODEFAULT),
	CFG_INT("offset", 0, CFGF_NODEFAULT),
	CFG_INT("step", 40, CFGF_NONE),
	CFG_STR("side", NULL, CFGF_NODEFAULT),
	CFG_STR("confidence", NULL, CFGF_NODEFAULT),
	CFG_STR("slot-confidence", NULL, CFGF_NODEFAULT),
	CFG_END(),
};

static cfg_opt_t rule_opts[] = {
	CFG_STR("description", NULL, CFGF_NODEFAULT),
	CFG_STR("protocol", NULL, CFGF_NODEFAULT),
	CFG_INT("port", 0, CFGF_NODEFAULT),
	CFG_INT_LIST("range", NULL, CFGF_NODEFAULT),
	CFG_STR("match", "any", CFGF_NONE),
	CFG_BOOL("permit", cfg_false, CFGF_NONE),
	CFG_SEC("formula", formula_opts, CFGF_NONE),
	CFG_INT("count-step", 0, CFGF_NODEFAULT),
	CFG_STR_LIST("sides", NULL, CFGF_NODEFAULT),
	CFG_STR("direction", NULL, CFGF_NODEFAULT),
	CFG_STR("remote", NULL, CFGF_NODEFAULT),
	CFG_STR("peer", NULL, CFGF_NODEFAULT),
	CFG_BOOL("configurable", cfg_false, CFGF_NONE),
	CFG_BOOL("required", cfg_false, CFGF_NONE),
	CFG_STR("notes", NULL, CFGF_NODEFAULT),
	CFG_STR("source", NULL, CFGF_NODEFAULT),
	CFG_STR("confidence", NULL, CFGF_NODEFAULT),
	CFG_END(),
};

static cfg_opt_t role_opts[] = {
	CFG_STR("title", NULL, CFGF_NODEFAULT),
	CFG_INT("table", 0, CFGF_NODEFAULT),
	CFG_STR("notes", NULL, CFGF_NODEFAULT),
	CFG_BOOL("takes-instance", cfg_false, CFGF_NONE),
	CFG_BOOL("takes-count", cfg_false, CFGF_NONE),
	CFG_STR_LIST("sides", NULL, CFGF_NODEFAULT),
	CFG_INT_LIST("slots", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("uses", NULL, CFGF_NODEFAULT),
	CFG_SEC("rule", rule_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_END(),
};

static cfg_opt_t ruleset_opts[] = {
	CFG_STR("notes", NULL, CFGF_NODEFAULT),
	CFG_SEC("rule", rule_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_END(),
};

static cfg_opt_t block_opts[] = {
	CFG_INT_LIST("a", NULL, CFGF_NODEFAULT),
	CFG_INT_LIST("b", NULL, CFGF_NODEFAULT),
	CFG_INT_LIST("primary", NULL, CFGF_NODEFAULT),
	CFG_INT_LIST("secondary", NULL, CFGF_NODEFAULT),
	CFG_END(),
};

static cfg_opt_t file_opts[] = {
	CFG_SEC("block", block_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_SEC("ruleset", ruleset_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_SEC("role", role_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_END(),
};

struct loader {
	struct pc_catalog *catalog;
	struct pc_diag *diag;
	const struct pc_cfgfile *file; /* the file being read */
	const char *path; /* its path, owned by the catalog */
};

static int line_of(struct loader *l, cfg_t *sec, const char *option)
{
	return pc_cfgfile_where(l->file, sec, option);
}

static bool isset(struct loader *l, cfg_t *sec, const char *option)
{
	return pc_cfgfile_isset(l->file, sec, option);
}

static char *dup_opt(cfg_t *sec, const char *option)
{
	const char *s = cfg_getstr(sec, option);
	return s != NULL ? strdup(s) : NULL;
}

/* A string option that must be written and not empty. */
static char *required_str(struct loader *l, cfg_t *sec, const char *option, const char *what)
{
	const char *s = cfg_getstr(sec, option);
	if (s == NULL || s[0] == '\0') {
		pc_diag_error(l->diag, l->path, line_of(l, sec, option), "%s: %s is missing", what, option);
		return NULL;
	}
	return strdup(s);
}

/* Source IDs such as "S0, S1b, MS": words of letters and digits. */
static bool source_valid(const char *source)
{
	bool word = false;
	for (const char *p = source; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-')
			word = true;
		else if (*p != ',' && *p != ' ')
			return false;
	}
	return word;
}

static int side_list(struct loader *l, cfg_t *sec, const char *option, const char *what,
		     unsigned *mask)
{
	*mask = 0;
	for (unsigned i = 0; i < cfg_size(sec, option); i++) {
		const char *name = cfg_getnstr(sec, option, i);
		int side = pc_side_parse(name);
		if (side < 0) {
			pc_diag_error(l->diag, l->path, line_of(l, sec, option),
				 "%s: side \"%s\" is not a, b, primary or secondary", what, name);
			return -1;
		}
		*mask |= PC_SIDE_BIT(side);
	}
	return 0;
}

static enum pc_confidence formula_confidence(struct loader *l, cfg_t *sec, const char *option,
					     const char *what)
{
	if (!isset(l, sec, option))
		return PC_CONF_NONE;
	int c = pc_confidence_parse(cfg_getstr(sec, option));
	if (c < 0)
		pc_diag_error(l->diag, l->path, line_of(l, sec, option),
			 "%s: %s \"%s\" is not E60, ERA, X7, L12, INF, UNV or SITE", what, option,
			 cfg_getstr(sec, option));
	return c < 0 ? PC_CONF_NONE : (enum pc_confidence)c;
}

static void load_formula(struct loader *l, cfg_t *rule_sec, struct pc_rule *r, const char *what)
{
	cfg_t *sec = cfg_getsec(rule_sec, "formula");
	struct pc_formula *f = &r->formula;
	f->line = line_of(l, rule_sec, "formula");
	bool has_block = isset(l, sec, "block"), has_base = isset(l, sec, "base");
	if (has_block == has_base) {
		pc_diag_error(l->diag, l->path, f->line, "%s: a formula needs either block or base", what);
		return;
	}
	if (has_block)
		f->block_name = dup_opt(sec, "block");
	f->base = has_base ? (int)cfg_getint(sec, "base") : 0;
	if (has_base && !pc_port_valid(cfg_getint(sec, "base")))
		pc_diag_error(l->diag, l->path, line_of(l, sec, "base"), "%s: base = %ld: not a port number", what,
			 cfg_getint(sec, "base"));
	if (!isset(l, sec, "offset"))
		pc_diag_error(l->diag, l->path, f->line, "%s: the formula's offset is missing", what);
	long offset = cfg_getint(sec, "offset"), step = cfg_getint(sec, "step");
	if (step < 1 || step > 1000)
		pc_diag_error(l->diag, l->path, line_of(l, sec, "step"), "%s: step = %ld: must be 1..1000", what, step);
	/* Within a block each instance owns step consecutive ports; a larger
	 * offset would land in the next instance's ports. */
	else if (offset < 0 || (has_block && offset >= step))
		pc_diag_error(l->diag, l->path, line_of(l, sec, "offset"), "%s: offset = %ld: must be 0..%ld", what,
			 offset, has_block ? step - 1 : 65535);
	f->offset = (int)offset;
	f->step = (int)step;
	if (isset(l, sec, "side")) {
		int side = pc_side_parse(cfg_getstr(sec, "side"));
		if (side < 0)
			pc_diag_error(l->diag, l->path, line_of(l, sec, "side"),
				 "%s: side \"%s\" is not a, b, primary or secondary", what,
				 cfg_getstr(sec, "side"));
		f->side = side < 0 ? PC_SIDE_NONE : (enum pc_side)side;
	}
	f->confidence = formula_confidence(l, sec, "confidence", what);
	f->slot_confidence = formula_confidence(l, sec, "slot-confidence", what);
}

static void load_number(struct loader *l, cfg_t *sec, struct pc_rule *r, const char *what)
{
	static const char *const ways[] = { "port", "range", "formula" };
	const char *given = NULL;
	for (size_t i = 0; i < 3; i++) {
		if (!isset(l, sec, ways[i]))
			continue;
		if (given != NULL) {
			pc_diag_error(l->diag, l->path, line_of(l, sec, ways[i]),
				 "%s: give one of port, range or formula, not %s and %s", what, given,
				 ways[i]);
			return;
		}
		given = ways[i];
	}
	if (isset(l, sec, "match") && (given == NULL || strcmp(given, "range") != 0))
		pc_diag_error(l->diag, l->path, line_of(l, sec, "match"), "%s: match only applies to a range",
			 what);
	if (given == NULL) {
		r->kind = PC_NUMBER_NONE;
	} else if (strcmp(given, "port") == 0) {
		r->kind = PC_NUMBER_FIXED;
		long port = cfg_getint(sec, "port");
		if (!pc_port_valid(port))
			pc_diag_error(l->diag, l->path, line_of(l, sec, "port"), "%s: port = %ld: not a port number",
				 what, port);
		r->port = r->port_last = (int)port;
	} else if (strcmp(given, "range") == 0) {
		r->kind = PC_NUMBER_RANGE;
		int line = line_of(l, sec, "range");
		long first, last;
		bool valid = pc_cfgfile_port_range(sec, "range", &first, &last);
		const char *match = cfg_getstr(sec, "match");
		r->match = strcmp(match, "each") == 0 ? PC_RANGE_EACH : PC_RANGE_ANY;
		if (!valid)
			pc_diag_error(l->diag, l->path, line,
				 "%s: range must be {first, last} with 1 <= first < last <= 65535", what);
		else if (strcmp(match, "any") != 0 && strcmp(match, "each") != 0)
			pc_diag_error(l->diag, l->path, line_of(l, sec, "match"),
				 "%s: match = \"%s\": must be any or each", what, match);
		else if (r->match == PC_RANGE_EACH && last - first + 1 > PC_EACH_MAX)
			pc_diag_error(l->diag, l->path, line,
				 "%s: match = \"each\" over %ld ports: at most %d (use \"any\")", what,
				 last - first + 1, PC_EACH_MAX);
		r->port = (int)first;
		r->port_last = (int)last;
	} else {
		r->kind = PC_NUMBER_FORMULA;
		load_formula(l, sec, r, what);
	}
}

/* permit = true: the range only says where listeners may be (an RPC
 * endpoint mapper hands out ports anywhere in 1024-65535); nothing in it has
 * to listen, so it can be neither required nor a list of ports. */
static void load_permit(struct loader *l, cfg_t *sec, struct pc_rule *r, const char *what)
{
	r->permit = cfg_getbool(sec, "permit");
	if (!r->permit)
		return;
	int line = line_of(l, sec, "permit");
	const char *kind = r->kind == PC_NUMBER_FIXED	? "single port"
			   : r->kind == PC_NUMBER_FORMULA ? "formula"
							  : "rule without a number";
	if (r->kind != PC_NUMBER_RANGE)
		pc_diag_error(l->diag, l->path, line, "%s: permit applies to a range, not to a %s", what,
			 kind);
	else if (r->match == PC_RANGE_EACH)
		pc_diag_error(l->diag, l->path, line,
			 "%s: permit with match = \"each\": a permit range needs no listener at all", what);
	else if (r->direction == PC_DIR_CONNECT)
		pc_diag_error(l->diag, l->path, line,
			 "%s: permit applies to listen rules: it says where this host's listeners may be", what);
	else if (r->required)
		pc_diag_error(l->diag, l->path, line,
			 "%s: permit with required = true: a permit range never goes missing", what);
}

static void load_rule(struct loader *l, cfg_t *sec, struct pc_rule *r, bool shared, const char *owner)
{
	char what[2 * PC_NAME_MAX + 16];
	const char *title = cfg_title(sec);
	snprintf(what, sizeof(what), "rule %s of %s", title, owner);
	r->name = strdup(title);
	r->file = l->path;
	r->line = line_of(l, sec, NULL);
	r->shared = shared;
	if (!pc_name_valid(title))
		pc_diag_error(l->diag, l->path, r->line,
			 "rule name \"%s\": use a-z, 0-9, '-', '.', '_' (at most %d characters)", title,
			 PC_NAME_MAX);

	r->description = required_str(l, sec, "description", what);
	const char *protocol = cfg_getstr(sec, "protocol");
	r->protocol = pc_proto_parse(protocol);
	if (protocol == NULL)
		pc_diag_error(l->diag, l->path, r->line, "%s: protocol is missing", what);
	else if (r->protocol == 0)
		pc_diag_error(l->diag, l->path, line_of(l, sec, "protocol"),
			 "%s: protocol = \"%s\": must be tcp or udp", what, protocol);

	load_number(l, sec, r, what);
	if (isset(l, sec, "count-step")) {
		long step = cfg_getint(sec, "count-step");
		if (step < 1 || step > 1000)
			pc_diag_error(l->diag, l->path, line_of(l, sec, "count-step"),
				 "%s: count-step = %ld: must be 1..1000", what, step);
		else if (r->kind == PC_NUMBER_RANGE || r->kind == PC_NUMBER_FORMULA)
			pc_diag_error(l->diag, l->path, line_of(l, sec, "count-step"),
				 "%s: count-step applies to a fixed port or to none, not to a %s", what,
				 r->kind == PC_NUMBER_RANGE ? "range" : "formula");
		r->count_step = (int)step;
	}
	side_list(l, sec, "sides", what, &r->sides);

	const char *direction = cfg_getstr(sec, "direction");
	if (direction == NULL)
		pc_diag_error(l->diag, l->path, r->line, "%s: direction is missing", what);
	else if (strcmp(direction, "listen") == 0 || strcmp(direction, "connect") == 0)
		r->direction = direction[0] == 'l' ? PC_DIR_LISTEN : PC_DIR_CONNECT;
	else
		pc_diag_error(l->diag, l->path, line_of(l, sec, "direction"),
			 "%s: direction = \"%s\": must be listen or connect", what, direction);

	r->remote = dup_opt(sec, "remote");
	const char *peer = cfg_getstr(sec, "peer");
	if (peer != NULL && strcmp(peer, "local") == 0)
		r->peer = PC_PEER_LOCAL;
	else if (peer != NULL && strcmp(peer, "remote") != 0)
		pc_diag_error(l->diag, l->path, line_of(l, sec, "peer"),
			 "%s: peer = \"%s\": must be remote (another host) or local (this host)",
			 what, peer);
	r->notes = dup_opt(sec, "notes");
	r->configurable = cfg_getbool(sec, "configurable");
	r->required = cfg_getbool(sec, "required");
	if (!isset(l, sec, "required"))
		pc_diag_error(l->diag, l->path, r->line, "%s: required is missing (true or false)", what);
	if (r->kind == PC_NUMBER_NONE && r->required && !r->configurable)
		pc_diag_error(l->diag, l->path, line_of(l, sec, "required"),
			 "%s: required, without a number and not configurable: no host could satisfy it",
			 what);

	load_permit(l, sec, r, what);

	r->source = required_str(l, sec, "source", what);
	if (r->source != NULL && !source_valid(r->source))
		pc_diag_error(l->diag, l->path, line_of(l, sec, "source"),
			 "%s: source = \"%s\": list source IDs such as \"S0, S1\"", what, r->source);
	const char *confidence = cfg_getstr(sec, "confidence");
	int c = pc_confidence_parse(confidence);
	if (confidence == NULL)
		pc_diag_error(l->diag, l->path, r->line, "%s: confidence is missing", what);
	else if (c < 0)
		pc_diag_error(l->diag, l->path, line_of(l, sec, "confidence"),
			 "%s: confidence \"%s\" is not E60, ERA, X7, L12, INF, UNV or SITE", what,
			 confidence);
	r->confidence = c < 0 ? PC_CONF_NONE : (enum pc_confidence)c;
}

/* The rules of a role or ruleset section; names unique among them. */
static struct pc_rule *load_rules(struct loader *l, cfg_t *sec, bool shared, const char *owner,
				  size_t *n_rules)
{
	size_t n = cfg_size(sec, "rule");
	*n_rules = 0;
	if (n == 0) {
		pc_diag_error(l->diag, l->path, line_of(l, sec, NULL), "%s has no rules", owner);
		return NULL;
	}
	struct pc_rule *rules = calloc(n, sizeof(*rules));
	if (rules == NULL) {
		pc_diag_error(l->diag, l->path, 0, "out of memory");
		return NULL;
	}
	struct pc_names names = { 0 }; /* rule -> its first definition */
	for (size_t i = 0; i < n; i++) {
		load_rule(l, cfg_getnsec(sec, "rule", i), &rules[i], shared, owner);
		*n_rules = i + 1;
		size_t first;
		int added = rules[i].name ? pc_names_add(&names, rules[i].name, i, &first) : 1;
		if (added < 0)
			pc_diag_error(l->diag, l->path, 0, "out of memory");
		else if (added == 0)
			pc_diag_error(l->diag, l->path, rules[i].line,
				 "rule %s is defined twice in %s (first at line %d)",
				 rules[i].name, owner, rules[first].line);
	}
	pc_names_clear(&names);
	return rules;
}

/* Room for element n of an array of n: its capacity is 4, then doubles
 * each time n reaches a power of two, so that appending n elements copies
 * O(n) bytes in all, not O(n^2). */
static void *grow(void *array, size_t n, size_t size)
{
	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return array;
	return realloc(array, (n == 0 ? 4 : 2 * n) * size);
}

static void load_block(struct loader *l, cfg_t *sec)
{
	struct pc_catalog *cat = l->catalog;
	struct pc_block *blocks = grow(cat->blocks, cat->n_blocks, sizeof(*blocks));
	if (blocks == NULL) {
		pc_diag_error(l->diag, l->path, 0, "out of memory");
		return;
	}
	cat->blocks = blocks;
	struct pc_block *b = &blocks[cat->n_blocks++];
	*b = (struct pc_block){ .name = strdup(cfg_title(sec)), .file = l->path,
				.line = line_of(l, sec, NULL) };
	if (!pc_name_valid(b->name))
		pc_diag_error(l->diag, l->path, b->line, "block name \"%s\": use a-z, 0-9, '-', '.', '_'",
			 cfg_title(sec));
	for (int side = 1; side < PC_SIDE_COUNT; side++) {
		const char *option = pc_side_name((enum pc_side)side);
		int n = (int)cfg_size(sec, option);
		if (n == 0)
			continue;
		if (n > PC_SLOT_MAX || (b->n_slots != 0 && n != b->n_slots)) {
			pc_diag_error(l->diag, l->path, line_of(l, sec, option),
				 "block %s: %s has %d bases; every side needs the same number, 1..%d (one per PG slot)",
				 cfg_title(sec), option, n, PC_SLOT_MAX);
			return;
		}
		b->n_slots = n;
		for (int i = 0; i < n; i++) {
			long base = cfg_getnint(sec, option, (unsigned)i);
			if (!pc_port_valid(base))
				pc_diag_error(l->diag, l->path, line_of(l, sec, option),
					 "block %s: %s = %ld: not a port number", cfg_title(sec), option,
					 base);
			b->base[side][i] = (int)base;
		}
	}
	if (b->n_slots == 0)
		pc_diag_error(l->diag, l->path, b->line, "block %s has no base for any side", cfg_title(sec));
}

static void load_ruleset(struct loader *l, cfg_t *sec)
{
	struct pc_catalog *cat = l->catalog;
	struct pc_ruleset *sets = grow(cat->rulesets, cat->n_rulesets, sizeof(*sets));
	if (sets == NULL) {
		pc_diag_error(l->diag, l->path, 0, "out of memory");
		return;
	}
	cat->rulesets = sets;
	struct pc_ruleset *set = &sets[cat->n_rulesets++];
	char owner[PC_NAME_MAX + 16];
	*set = (struct pc_ruleset){ .name = strdup(cfg_title(sec)), .file = l->path,
				    .line = line_of(l, sec, NULL) };
	snprintf(owner, sizeof(owner), "ruleset %s", cfg_title(sec));
	if (!pc_name_valid(set->name))
		pc_diag_error(l->diag, l->path, set->line, "ruleset name \"%s\": use a-z, 0-9, '-', '.', '_'",
			 cfg_title(sec));
	set->rules = load_rules(l, sec, true, owner, &set->n_rules);
}

static void load_role(struct loader *l, cfg_t *sec)
{
	struct pc_catalog *cat = l->catalog;
	struct pc_role *roles = grow(cat->roles, cat->n_roles, sizeof(*roles));
	if (roles == NULL) {
		pc_diag_error(l->diag, l->path, 0, "out of memory");
		return;
	}
	cat->roles = roles;
	struct pc_role *role = &roles[cat->n_roles++];
	char owner[PC_NAME_MAX + 16];
	*role = (struct pc_role){ .name = strdup(cfg_title(sec)), .file = l->path,
				  .line = line_of(l, sec, NULL) };
	snprintf(owner, sizeof(owner), "role %s", cfg_title(sec));
	if (!pc_name_valid(role->name))
		pc_diag_error(l->diag, l->path, role->line,
			 "role name \"%s\": use a-z, 0-9, '-', '.', '_' (at most %d characters)",
			 cfg_title(sec), PC_NAME_MAX);
	role->title = required_str(l, sec, "title", owner);
	role->notes = dup_opt(sec, "notes");
	long table = cfg_getint(sec, "table");
	if (!isset(l, sec, "table"))
		pc_diag_error(l->diag, l->path, role->line, "%s: table is missing (1-10, or 0 when not from the guide)",
			 owner);
	else if (table < 0 || table > 10)
		pc_diag_error(l->diag, l->path, line_of(l, sec, "table"),
			 "%s: table = %ld: the guide has tables 1-10 (0: not from the guide)", owner,
			 table);
	role->table = (int)table;
	role->takes_instance = cfg_getbool(sec, "takes-instance");
	role->takes_count = cfg_getbool(sec, "takes-count");
	side_list(l, sec, "sides", owner, &role->sides);
	for (unsigned i = 0; i < cfg_size(sec, "slots"); i++) {
		long slot = cfg_getnint(sec, "slots", i);
		if (slot < 1 || slot > PC_SLOT_MAX)
			pc_diag_error(l->diag, l->path, line_of(l, sec, "slots"), "%s: slot %ld: must be 1..%d",
				 owner, slot, PC_SLOT_MAX);
		else
			role->slots |= 1u << slot;
	}
	role->n_uses = cfg_size(sec, "uses");
	role->uses_line = line_of(l, sec, "uses");
	role->uses = role->n_uses ? calloc(role->n_uses, sizeof(*role->uses)) : NULL;
	for (size_t i = 0; role->uses != NULL && i < role->n_uses; i++)
		role->uses[i] = strdup(cfg_getnstr(sec, "uses", (unsigned)i));
	if (cfg_size(sec, "rule") > 0 || role->n_uses == 0)
		role->own_rules = load_rules(l, sec, false, owner, &role->n_own_rules);
}

void pc_catalog_read_file(struct pc_catalog *catalog, const char *path, struct pc_diag *diag)
{
	struct pc_cfgfile *file = pc_cfgfile_parse(file_opts, path, diag);
	if (file == NULL)
		return;
	struct loader l = { .catalog = catalog, .diag = diag, .file = file, .path = path };
	cfg_t *root = pc_cfgfile_root(file);
	for (unsigned i = 0; i < cfg_size(root, "block"); i++)
		load_block(&l, cfg_getnsec(root, "block", i));
	for (unsigned i = 0; i < cfg_size(root, "ruleset"); i++)
		load_ruleset(&l, cfg_getnsec(root, "ruleset", i));
	for (unsigned i = 0; i < cfg_size(root, "role"); i++)
		load_role(&l, cfg_getnsec(root, "role", i));
	pc_cfgfile_free(file);
}
