/* SPDX-License-Identifier: ISC */
/* An index of names (roles, rules, rulesets, blocks, overrides, instances)
 * to the position where each was first given, so that a name given twice
 * is found in constant time rather than by comparing every pair: an input
 * of n names given again and again costs n lookups, not n^2 / 2.
 *
 * The index keeps pointers to the names, not copies: they must outlive it
 * (the loaded structures own them). */
#ifndef PC_NAMES_H
#define PC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct pc_names_slot;

struct pc_names {
	struct pc_names_slot *slots;
	size_t size; /* a power of two, at least twice n; 0: empty */
	size_t n;
};

/* Records name at position when it is new: 1. When the name is there
 * already, 0, with *first set to its first position. -1: out of memory. */
int pc_names_add(struct pc_names *names, const char *name, size_t position, size_t *first);

/* The first position of name, false when it was never added. */
bool pc_names_find(const struct pc_names *names, const char *name, size_t *position);

void pc_names_clear(struct pc_names *names);

#endif
