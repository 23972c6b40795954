/* SPDX-License-Identifier: ISC */
/* Loading a catalog as one whole: finding its files (a directory's *.conf
 * in name order), reading each (catalog_file.c), then what only the whole
 * can show: names defined twice, rulesets and blocks that do not exist,
 * formulas that leave 1-65535 for some side, slot or instance. */
#include "plan/catalog_load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/catalog_file.h"
#include "plan/cfgfile.h"
#include "plan/names.h"
#include "util/transport.h"

/* ---- putting the files together ------------------------------------------ */

struct loader {
	struct pc_catalog *catalog;
	struct pc_diag *diag;
};

/* The catalog revision (the MIB's pcCatalogRevision): FNV-1a (32 bits)
 * over every file's bytes in load order, so that any edit, and any file
 * added or removed, gives another revision. */
static bool hash_file(struct loader *l, const char *path, uint32_t *hash)
{
	size_t len = 0;
	unsigned char *text = (unsigned char *)pc_cfgfile_read(path, &len, l->diag);
	if (text == NULL)
		return false;
	for (size_t i = 0; i < len; i++)
		*hash = (*hash ^ text[i]) * 16777619u;
	free(text);
	return true;
}

/* ---- finding the files --------------------------------------------------- */

static int add_file(struct pc_catalog *cat, const char *path)
{
	char **files = realloc(cat->files, (cat->n_files + 1) * sizeof(*files));
	if (files == NULL)
		return -1;
	cat->files = files;
	if ((files[cat->n_files] = strdup(path)) == NULL)
		return -1;
	cat->n_files++;
	return 0;
}

static int conf_file(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name);
	return entry->d_name[0] != '.' && len > 5 && strcmp(entry->d_name + len - 5, ".conf") == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name); /* byte order, whatever the locale */
}

static void add_path(struct loader *l, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		pc_diag_error(l->diag, path, 0, "cannot open the catalog: %s", strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (add_file(l->catalog, path) != 0)
			pc_diag_error(l->diag, path, 0, "out of memory");
		return;
	}
	struct dirent **entries;
	int n = scandir(path, &entries, conf_file, by_name);
	if (n < 0) {
		pc_diag_error(l->diag, path, 0, "cannot read the catalog directory: %s", strerror(errno));
		return;
	}
	int found = 0;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(entries[i]->d_name) + 2;
		char *file = malloc(len);
		if (file != NULL) {
			snprintf(file, len, "%s/%s", path, entries[i]->d_name);
			/* a FIFO or device among the files is refused when read */
			if (stat(file, &st) == 0 && !S_ISDIR(st.st_mode)) {
				if (add_file(l->catalog, file) != 0)
					pc_diag_error(l->diag, path, 0, "out of memory");
				found++;
			}
		}
		free(file);
		free(entries[i]);
	}
	free(entries);
	if (found == 0)
		pc_diag_error(l->diag, path, 0, "no *.conf file in the catalog directory");
}

/* ---- the catalog as one whole ------------------------------------------ */

/* Indexes array's names (each element has name, file and line), and
 * reports each name given again against its first definition: one lookup
 * per name, however many times it is given. */
#define INDEX_UNIQUE(l, index, array, n, kind)                                                 \
	for (size_t i_ = 0; i_ < (n); i_++) {                                                  \
		size_t first_;                                                                 \
		int added_ = (array)[i_].name ? pc_names_add(index, (array)[i_].name, i_, &first_) \
					      : 1;                                             \
		if (added_ < 0)                                                                \
			pc_diag_error((l)->diag, (array)[i_].file, 0, "out of memory");        \
		else if (added_ == 0)                                                          \
			pc_diag_error((l)->diag, (array)[i_].file, (array)[i_].line,           \
				      kind " %s is already defined at %s:%d", (array)[i_].name,    \
				      (array)[first_].file, (array)[first_].line);                 \
	}

static const struct pc_ruleset *find_ruleset(const struct pc_catalog *cat, const char *name)
{
	size_t i;
	return pc_names_find(&cat->ruleset_names, name, &i) ? &cat->rulesets[i] : NULL;
}

static const struct pc_block *find_block(const struct pc_catalog *cat, const char *name)
{
	size_t i;
	return pc_names_find(&cat->block_names, name, &i) ? &cat->blocks[i] : NULL;
}

/* Appends rule (of set, or the role's own when set is NULL) to the role's
 * list and its name to their index. */
static void add_rule(struct loader *l, struct pc_role *role, const struct pc_ruleset *set,
		     const struct pc_rule *rule)
{
	size_t first, position = role->n_rules;
	role->rules[role->n_rules++] = rule;
	int added = rule->name ? pc_names_add(&role->rule_names, rule->name, position, &first) : 1;
	if (added < 0)
		pc_diag_error(l->diag, role->file, 0, "out of memory");
	else if (added == 0 && set != NULL)
		pc_diag_error(l->diag, role->file, role->uses_line,
			      "role %s: rule %s of ruleset %s has the name of rule %s at %s:%d",
			      role->name, rule->name, set->name, rule->name,
			      role->rules[first]->file, role->rules[first]->line);
}

/* The role's rule list: own rules, then each used ruleset's, and the
 * index of their names. */
static void collect_rules(struct loader *l, struct pc_role *role)
{
	size_t n = role->n_own_rules;
	struct pc_names used = { 0 }; /* ruleset name -> its first use */
	for (size_t u = 0; u < role->n_uses; u++) {
		const struct pc_ruleset *set = role->uses[u] ? find_ruleset(l->catalog, role->uses[u]) : NULL;
		size_t first;
		int added = role->uses[u] ? pc_names_add(&used, role->uses[u], u, &first) : 1;
		if (set == NULL)
			pc_diag_error(l->diag, role->file, role->uses_line, "role %s uses unknown ruleset %s",
				 role->name, role->uses[u] ? role->uses[u] : "?");
		else if (added != 0)
			n += set->n_rules;
		if (added < 0)
			pc_diag_error(l->diag, role->file, 0, "out of memory");
		else if (added == 0)
			pc_diag_error(l->diag, role->file, role->uses_line, "role %s uses ruleset %s twice",
				 role->name, role->uses[u]);
	}
	role->rules = n ? calloc(n, sizeof(*role->rules)) : NULL;
	/* own rules are unique already (catalog_file.c); a used ruleset's
	 * rule must not take one of their names, nor another ruleset's. A
	 * ruleset used twice (reported above) gives its rules once: a list
	 * of n uses must not cost n times the ruleset. */
	for (size_t i = 0; role->rules != NULL && i < role->n_own_rules; i++)
		add_rule(l, role, NULL, &role->own_rules[i]);
	for (size_t u = 0; role->rules != NULL && u < role->n_uses; u++) {
		size_t first;
		const struct pc_ruleset *set = role->uses[u] ? find_ruleset(l->catalog, role->uses[u]) : NULL;
		if (set == NULL || (pc_names_find(&used, role->uses[u], &first) && first != u))
			continue;
		for (size_t i = 0; i < set->n_rules; i++)
			add_rule(l, role, set, &set->rules[i]);
	}
	pc_names_clear(&used);
}

/* Every (side, slot) the role can be configured with must give the formula
 * a base, and every instance 0..24 a port in 1..65535. */
static void check_formula(struct loader *l, const struct pc_role *role, struct pc_rule *rule)
{
	struct pc_formula *f = &rule->formula;
	if (f->block_name != NULL && (f->block = find_block(l->catalog, f->block_name)) == NULL) {
		if (!rule->shared) /* a ruleset's rule was reported once already */
			pc_diag_error(l->diag, rule->file, f->line, "rule %s: unknown block %s", rule->name,
				 f->block_name);
		return;
	}
	if (!role->takes_instance) {
		pc_diag_error(l->diag, rule->file, f->line,
			 "rule %s: an instance formula in role %s, which takes no instance",
			 rule->name, role->name);
		return;
	}
	unsigned sides = PC_SIDE_BIT(PC_SIDE_NONE);
	if (f->block != NULL) {
		if (f->side != PC_SIDE_NONE)
			sides = PC_SIDE_BIT(f->side);
		else if (role->sides != 0)
			sides = rule->sides ? rule->sides & role->sides : role->sides;
		else {
			pc_diag_error(l->diag, rule->file, f->line,
				 "rule %s: block %s is per side but role %s takes no side (give the formula a side)",
				 rule->name, f->block->name, role->name);
			return;
		}
		if (f->block->n_slots > 1 && role->slots == 0) {
			pc_diag_error(l->diag, rule->file, f->line,
				 "rule %s: block %s has one base per PG slot but role %s takes no slot",
				 rule->name, f->block->name, role->name);
			return;
		}
	}
	for (int side = 0; side < PC_SIDE_COUNT; side++) {
		if (!(sides & PC_SIDE_BIT(side)))
			continue;
		for (int slot = 0; slot <= PC_SLOT_MAX; slot++) {
			if (role->slots ? !(role->slots & (1u << slot)) : slot != 0)
				continue;
			long low = pc_formula_port(f, (enum pc_side)side, slot, 0);
			long high = pc_formula_port(f, (enum pc_side)side, slot, PC_INSTANCE_MAX);
			if (low < 0) {
				pc_diag_error(l->diag, rule->file, f->line,
					 "rule %s: block %s has no base for side %s slot %d (role %s)",
					 rule->name, f->block->name,
					 pc_side_name(f->side ? f->side : (enum pc_side)side), slot ? slot : 1,
					 role->name);
				return;
			}
			if (!pc_port_valid(low) || !pc_port_valid(high)) {
				pc_diag_error(l->diag, rule->file, f->line,
					 "rule %s: the formula gives port %ld for role %s (side %s, slot %d, instance %d): outside 1-65535",
					 rule->name, pc_port_valid(low) ? high : low, role->name,
					 side ? pc_side_name((enum pc_side)side) : "-", slot ? slot : 1,
					 pc_port_valid(low) ? PC_INSTANCE_MAX : 0);
				return;
			}
		}
	}
}

static void check_role(struct loader *l, struct pc_role *role)
{
	collect_rules(l, role);
	for (size_t i = 0; i < role->n_rules; i++) {
		struct pc_rule *rule = (struct pc_rule *)role->rules[i];
		if (rule->sides != 0 && (role->sides == 0 || (rule->sides & ~role->sides) != 0))
			pc_diag_error(l->diag, rule->file, rule->line,
				 "rule %s names a side that role %s does not take", rule->name,
				 role->name);
		if (rule->count_step > 0 && !role->takes_count)
			pc_diag_error(l->diag, rule->file, rule->line,
				 "rule %s has a count-step but role %s takes no count (takes-count = true)",
				 rule->name, role->name);
		if (rule->kind == PC_NUMBER_FORMULA)
			check_formula(l, role, rule);
	}
}

struct pc_catalog *pc_catalog_load(const char *const *paths, size_t n_paths, struct pc_diag *diag)
{
	struct pc_catalog *cat = calloc(1, sizeof(*cat));
	size_t errors_before = diag->n_errors;
	if (cat == NULL) {
		pc_diag_error(diag, n_paths ? paths[0] : "catalog", 0, "out of memory");
		return NULL;
	}
	struct loader l = { .catalog = cat, .diag = diag };
	if (n_paths == 0)
		pc_diag_error(l.diag, "catalog", 0, "no catalog path given");
	for (size_t i = 0; i < n_paths; i++)
		add_path(&l, paths[i]);

	uint32_t hash = 2166136261u;
	if (diag->n_errors == errors_before)
		for (size_t i = 0; i < cat->n_files; i++) {
			if (hash_file(&l, cat->files[i], &hash))
				pc_catalog_read_file(cat, cat->files[i], diag);
		}
	snprintf(cat->revision, sizeof(cat->revision), "%08x", (unsigned)hash);

	if (diag->n_errors == errors_before) {
		INDEX_UNIQUE(&l, &cat->block_names, cat->blocks, cat->n_blocks, "block");
		INDEX_UNIQUE(&l, &cat->ruleset_names, cat->rulesets, cat->n_rulesets, "ruleset");
		INDEX_UNIQUE(&l, &cat->role_names, cat->roles, cat->n_roles, "role");
		/* a ruleset nobody uses still names existing blocks */
		for (size_t i = 0; i < cat->n_rulesets; i++)
			for (size_t j = 0; j < cat->rulesets[i].n_rules; j++) {
				const struct pc_rule *rule = &cat->rulesets[i].rules[j];
				if (rule->formula.block_name != NULL &&
				    find_block(cat, rule->formula.block_name) == NULL)
					pc_diag_error(l.diag, rule->file, rule->formula.line,
						 "rule %s: unknown block %s", rule->name,
						 rule->formula.block_name);
			}
		for (size_t i = 0; i < cat->n_roles; i++)
			check_role(&l, &cat->roles[i]);
		if (cat->n_roles == 0)
			pc_diag_error(l.diag, n_paths ? paths[0] : "catalog", 0, "the catalog defines no role");
	}
	if (diag->n_errors != errors_before) {
		pc_catalog_free(cat);
		return NULL;
	}
	return cat;
}
