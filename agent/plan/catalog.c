/* SPDX-License-Identifier: ISC */
#include "plan/catalog.h"

#include <stdlib.h>
#include <string.h>

/* ---- names ------------------------------------------------------------ */

static const char *const side_names[PC_SIDE_COUNT] = { NULL, "a", "b", "primary", "secondary" };
static const char *const confidence_names[] = { NULL, "E60", "ERA", "X7", "L12", "INF", "UNV", "SITE" };

const char *pc_side_name(enum pc_side side)
{
	return (unsigned)side < PC_SIDE_COUNT ? side_names[side] : NULL;
}

int pc_side_parse(const char *name)
{
	for (int s = 1; s < PC_SIDE_COUNT; s++)
		if (name != NULL && strcmp(name, side_names[s]) == 0)
			return s;
	return -1;
}

const char *pc_confidence_name(enum pc_confidence confidence)
{
	return (unsigned)confidence < sizeof(confidence_names) / sizeof(confidence_names[0])
		       ? confidence_names[confidence]
		       : NULL;
}

int pc_confidence_parse(const char *name)
{
	for (size_t c = 1; c < sizeof(confidence_names) / sizeof(confidence_names[0]); c++)
		if (name != NULL && strcmp(name, confidence_names[c]) == 0)
			return (int)c;
	return -1;
}

const char *pc_direction_name(enum pc_direction direction)
{
	return direction == PC_DIR_LISTEN ? "listen" : direction == PC_DIR_CONNECT ? "connect" : NULL;
}

const char *pc_peer_name(enum pc_peer peer)
{
	return peer == PC_PEER_LOCAL ? "local" : "remote";
}

const char *pc_peer_family_name(enum pc_peer_family family)
{
	switch (family) {
	case PC_PEER_IPV4: return "ipv4";
	case PC_PEER_IPV6: return "ipv6";
	case PC_PEER_ANY: return "any";
	}
	return "ipv4"; /* not a family: every one has its case above */
}

bool pc_name_valid(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;
	if (len == 0 || len > PC_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  (i > 0 && (c == '-' || c == '.' || c == '_'));
		if (!ok)
			return false;
	}
	return true;
}

/* ---- the arithmetic ---------------------------------------------------- */

long pc_formula_port(const struct pc_formula *formula, enum pc_side side, int slot, int instance)
{
	long base = formula->base;
	if (formula->block != NULL) {
		const struct pc_block *block = formula->block;
		if (formula->side != PC_SIDE_NONE)
			side = formula->side;
		int column = block->n_slots == 1 ? 0 : (slot > 0 ? slot : 1) - 1;
		if ((unsigned)side >= PC_SIDE_COUNT || column >= block->n_slots ||
		    block->base[side][column] == 0)
			return -1;
		base = block->base[side][column];
	}
	return base + (long)formula->step * instance + formula->offset;
}

enum pc_confidence pc_rule_confidence(const struct pc_rule *rule, int slot, int instance)
{
	enum pc_confidence tag = rule->confidence;
	const struct pc_formula *f = &rule->formula;
	if (rule->kind != PC_NUMBER_FORMULA)
		return tag;
	enum pc_confidence later = f->confidence;
	enum pc_confidence other_slot = f->slot_confidence ? f->slot_confidence : f->confidence;
	/* the enum runs from the best-sourced tag to the weakest */
	if (instance > 0 && later > tag)
		tag = later;
	if (slot > 1 && other_slot > tag)
		tag = other_slot;
	return tag;
}

/* ---- lookup and cleanup ------------------------------------------------- */

const struct pc_role *pc_catalog_find_role(const struct pc_catalog *catalog, const char *name)
{
	size_t i;
	if (catalog == NULL || !pc_names_find(&catalog->role_names, name, &i))
		return NULL;
	return &catalog->roles[i];
}

static void free_rules(struct pc_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rules[i].name);
		free(rules[i].description);
		free(rules[i].formula.block_name);
		free(rules[i].remote);
		free(rules[i].notes);
		free(rules[i].source);
	}
	free(rules);
}

void pc_catalog_free(struct pc_catalog *catalog)
{
	if (catalog == NULL)
		return;
	for (size_t i = 0; i < catalog->n_roles; i++) {
		struct pc_role *role = &catalog->roles[i];
		free(role->name);
		free(role->title);
		free(role->notes);
		free_rules(role->own_rules, role->n_own_rules);
		for (size_t u = 0; role->uses != NULL && u < role->n_uses; u++)
			free(role->uses[u]);
		free(role->uses);
		free(role->rules);
		pc_names_clear(&role->rule_names);
	}
	free(catalog->roles);
	pc_names_clear(&catalog->role_names);
	pc_names_clear(&catalog->ruleset_names);
	pc_names_clear(&catalog->block_names);
	for (size_t i = 0; i < catalog->n_rulesets; i++) {
		free(catalog->rulesets[i].name);
		free_rules(catalog->rulesets[i].rules, catalog->rulesets[i].n_rules);
	}
	free(catalog->rulesets);
	for (size_t i = 0; i < catalog->n_blocks; i++)
		free(catalog->blocks[i].name);
	free(catalog->blocks);
	for (size_t i = 0; i < catalog->n_files; i++)
		free(catalog->files[i]);
	free(catalog->files);
	free(catalog);
}
