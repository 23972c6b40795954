/* SPDX-License-Identifier: ISC */
#include "plan/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pc_names_slot {
	const char *name; /* NULL: empty */
	size_t position;
	uint32_t hash;
};

/* FNV-1a, 32 bits (the catalog's revision uses it too): names are short
 * and chosen by people; a collision costs a comparison, nothing more. */
static uint32_t hash_name(const char *name)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* Linear probing from the hash's slot: the slot holding name, or the
 * empty one where it would go. */
static struct pc_names_slot *probe(const struct pc_names *names, const char *name, uint32_t hash)
{
	size_t mask = names->size - 1, i = hash & mask;
	while (names->slots[i].name != NULL &&
	       (names->slots[i].hash != hash || strcmp(names->slots[i].name, name) != 0))
		i = (i + 1) & mask;
	return &names->slots[i];
}

static int grow(struct pc_names *names)
{
	size_t size = names->size ? names->size * 2 : 16;
	struct pc_names_slot *slots = calloc(size, sizeof(*slots));
	if (slots == NULL)
		return -1;
	struct pc_names old = *names;
	names->slots = slots;
	names->size = size;
	for (size_t i = 0; i < old.size; i++)
		if (old.slots[i].name != NULL)
			*probe(names, old.slots[i].name, old.slots[i].hash) = old.slots[i];
	free(old.slots);
	return 0;
}

int pc_names_add(struct pc_names *names, const char *name, size_t position, size_t *first)
{
	if ((names->n + 1) * 2 > names->size && grow(names) != 0)
		return -1;
	uint32_t hash = hash_name(name);
	struct pc_names_slot *slot = probe(names, name, hash);
	if (slot->name != NULL) {
		*first = slot->position;
		return 0;
	}
	*slot = (struct pc_names_slot){ .name = name, .position = position, .hash = hash };
	names->n++;
	return 1;
}

bool pc_names_find(const struct pc_names *names, const char *name, size_t *position)
{
	if (names->size == 0 || name == NULL)
		return false;
	const struct pc_names_slot *slot = probe(names, name, hash_name(name));
	if (slot->name == NULL)
		return false;
	*position = slot->position;
	return true;
}

void pc_names_clear(struct pc_names *names)
{
	free(names->slots);
	*names = (struct pc_names){ 0 };
}
