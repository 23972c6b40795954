/* SPDX-License-Identifier: ISC */
/* Discovery results in words (discover.h), and the configured roles as
 * assignments: what the command line, the MIB and the reports share. */
#include "core/discover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/transport.h"

static size_t bits(uint32_t mask)
{
	size_t n = 0;
	for (; mask != 0; mask &= mask - 1)
		n++;
	return n;
}

/* Runs of set bits from first to last: "0-24", "1 3", "2". */
static void format_runs(uint32_t mask, int first, int last, char *buf, size_t len)
{
	buf[0] = '\0';
	if (mask == 0) {
		snprintf(buf, len, "-");
		return;
	}
	for (int b = first; b <= last; b++) {
		if (!(mask & (1u << b)))
			continue;
		int end = b;
		while (end + 1 <= last && (mask & (1u << (end + 1))))
			end++;
		size_t used = strlen(buf);
		if (end > b)
			snprintf(buf + used, len - used, "%s%d-%d", used ? " " : "", b, end);
		else
			snprintf(buf + used, len - used, "%s%d", used ? " " : "", b);
		b = end;
	}
}

void pc_discover_format_instances(uint32_t instances, char *buf, size_t len)
{
	format_runs(instances, 0, PC_INSTANCE_MAX, buf, len);
}

void pc_discover_format_slots(unsigned slots, char *buf, size_t len)
{
	format_runs(slots, 1, PC_SLOT_MAX, buf, len);
}

void pc_discover_format_sides(unsigned sides, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sides == 0) {
		snprintf(buf, len, "-");
		return;
	}
	for (int s = 1; s < PC_SIDE_COUNT; s++)
		if (sides & PC_SIDE_BIT(s)) {
			size_t used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s", used ? "|" : "",
				 pc_side_name((enum pc_side)s));
		}
}

void pc_discover_format_ambiguity(const struct pc_discover_pick *pick, char *buf, size_t len)
{
	const char *what[3];
	size_t n = 0;
	buf[0] = '\0';
	if (bits(pick->instances) > 1)
		what[n++] = "the instance";
	if (bits(pick->sides) > 1)
		what[n++] = "the side";
	if (bits(pick->slots) > 1)
		what[n++] = "the slot";
	if (n == 0)
		return;
	snprintf(buf, len, "its listen ports do not move with %s%s%s%s%s", what[0],
		 n > 2 ? ", " : n > 1 ? " or " : "", n > 1 ? what[1] : "", n > 2 ? " or " : "",
		 n > 2 ? what[2] : "");
}

const char *pc_discover_verdict_name(enum pc_discover_verdict verdict)
{
	switch (verdict) {
	case PC_DISCOVER_OFF: return "off";
	case PC_DISCOVER_NO_ROLES: return "noRoles";
	case PC_DISCOVER_MATCHES: return "matches";
	case PC_DISCOVER_DIFFERS: return "differs";
	case PC_DISCOVER_UNKNOWN: return "unknown";
	}
	return "unknown"; /* not a verdict: every one has its case above */
}

/* ---- words ------------------------------------------------------------------ */

/* One role's four words, each room for a role's name. */
#define WORD_MAX 64
struct role_words {
	char word[4][WORD_MAX];
};

static const char cut_mark[] = " ...";

static char *word_string(struct pc_discover_words *out, int k, size_t *len)
{
	switch (k) {
	case 0: *len = sizeof(out->roles); return out->roles;
	case 1: *len = sizeof(out->instances); return out->instances;
	case 2: *len = sizeof(out->sides); return out->sides;
	default: *len = sizeof(out->slots); return out->slots;
	}
}

/* Appends role after role while all four words fit (with room left for
 * the cut mark when more follow); the n-th words stay together. */
static void fill_words(const struct role_words *roles, size_t n, struct pc_discover_words *out)
{
	memset(out, 0, sizeof(*out));
	size_t i = 0;
	for (; i < n; i++) {
		bool fits = true;
		for (int k = 0; k < 4 && fits; k++) {
			size_t len, room = i + 1 < n ? sizeof(cut_mark) - 1 : 0;
			char *s = word_string(out, k, &len);
			fits = strlen(s) + (i ? 1 : 0) + strlen(roles[i].word[k]) + room < len;
		}
		if (!fits)
			break;
		for (int k = 0; k < 4; k++) {
			size_t len;
			char *s = word_string(out, k, &len);
			size_t used = strlen(s);
			snprintf(s + used, len - used, "%s%s", i ? " " : "", roles[i].word[k]);
		}
	}
	for (int k = 0; i < n && k < 4; k++) {
		size_t len;
		char *s = word_string(out, k, &len);
		size_t used = strlen(s);
		snprintf(s + used, len - used, "%s", used ? cut_mark : cut_mark + 1);
	}
}

void pc_discover_words_of_candidate(const struct pc_discover_candidate *c,
				    struct pc_discover_words *out)
{
	struct role_words roles[PC_DISCOVER_PICKS_MAX];
	size_t n = c->n_picks < PC_DISCOVER_PICKS_MAX ? c->n_picks : PC_DISCOVER_PICKS_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct pc_discover_pick *p = &c->picks[i];
		char(*w)[WORD_MAX] = roles[i].word;
		snprintf(w[0], sizeof(w[0]), "%s", p->role->name);
		pc_discover_format_instances(p->instances, w[1], sizeof(w[1]));
		pc_discover_format_sides(p->sides, w[2], sizeof(w[2]));
		pc_discover_format_slots(p->slots, w[3], sizeof(w[3]));
		/* a role's instances are one word: "2 5" becomes "2,5" */
		for (char *ch = w[1]; *ch; ch++)
			if (*ch == ' ')
				*ch = ',';
	}
	fill_words(roles, n, out);
}

void pc_discover_words_of_assignments(const struct pc_discover_assignment *a, size_t n,
				      struct pc_discover_words *out)
{
	struct role_words roles[PC_DISCOVER_PICKS_MAX];
	if (n > PC_DISCOVER_PICKS_MAX)
		n = PC_DISCOVER_PICKS_MAX; /* the rest would not fit anyway */
	for (size_t i = 0; i < n; i++) {
		char(*w)[WORD_MAX] = roles[i].word;
		snprintf(w[0], sizeof(w[0]), "%s", a[i].role->name);
		snprintf(w[1], sizeof(w[1]), a[i].instance >= 0 ? "%d" : "-", a[i].instance);
		snprintf(w[2], sizeof(w[2]), "%s",
			 a[i].side != PC_SIDE_NONE ? pc_side_name(a[i].side) : "-");
		snprintf(w[3], sizeof(w[3]), a[i].slot > 0 ? "%d" : "-", a[i].slot);
	}
	fill_words(roles, n, out);
}

/* The n-th word of a space-separated list ("" past its end). */
static void nth_word(const char *list, size_t n, char *buf, size_t len)
{
	const char *p = list;
	buf[0] = '\0';
	for (size_t k = 0; k < n && p != NULL; k++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p == NULL)
		return;
	size_t w = 0;
	while (p[w] != '\0' && p[w] != ' ')
		w++;
	snprintf(buf, len, "%.*s", (int)w, p);
}

/* " instance 2", "" for "-". */
static void prose_part(const char *label, const char *word, char *buf, size_t len)
{
	buf[0] = '\0';
	if (word[0] != '\0' && strcmp(word, "-") != 0)
		snprintf(buf, len, " %s %s", label, word);
}

void pc_discover_words_list(const struct pc_discover_words *w, enum pc_discover_list_style style,
			    char *buf, size_t len)
{
	bool token = style == PC_DISCOVER_LIST_TOKEN;
	const char *sep = token ? "," : ", ";
	size_t used = 0;
	snprintf(buf, len, "%s", token ? "-" : "none");
	for (size_t n = 0; used < len; n++) {
		char role[PC_DISCOVER_ROLES_TEXT], word[3][PC_DISCOVER_WORDS_TEXT];
		nth_word(w->roles, n, role, sizeof(role));
		if (role[0] == '\0')
			break;
		nth_word(w->instances, n, word[0], sizeof(word[0]));
		nth_word(w->sides, n, word[1], sizeof(word[1]));
		nth_word(w->slots, n, word[2], sizeof(word[2]));
		const char *lead = n ? sep : "";
		if (strcmp(role, "...") == 0) {
			used += (size_t)snprintf(buf + used, len - used, "%s...", lead);
		} else if (token) {
			used += (size_t)snprintf(buf + used, len - used, "%s%s/%s/%s/%s", lead, role,
						 word[0], word[1], word[2]);
		} else {
			char inst[64], side[64], slot[64];
			prose_part("instance", word[0], inst, sizeof(inst));
			prose_part("side", word[1], side, sizeof(side));
			prose_part("slot", word[2], slot, sizeof(slot));
			used += (size_t)snprintf(buf + used, len - used, "%s%s%s%s%s", lead, role,
						 inst, side, slot);
		}
	}
}

void pc_discover_format_port(const struct pc_discover_port *p, char *buf, size_t len)
{
	if (p->port_last != p->port)
		snprintf(buf, len, "%s/%u-%u", pc_proto_name(p->protocol), p->port, p->port_last);
	else
		snprintf(buf, len, "%s/%u", pc_proto_name(p->protocol), p->port);
}

struct pc_discover_assignment *pc_discover_configured(const struct pc_catalog *catalog,
						      const struct pc_expectations *exps,
						      size_t *n)
{
	*n = 0;
	struct pc_discover_assignment *out = malloc((exps->n ? exps->n : 1) * sizeof(*out));
	if (out == NULL)
		return NULL;
	uint32_t last_role = 0;
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *x = &exps->items[i];
		if (x->role_index == last_role)
			continue; /* sorted by role index: one assignment per role statement */
		last_role = x->role_index;
		const struct pc_role *role = pc_catalog_find_role(catalog, x->role);
		if (role != NULL)
			out[(*n)++] = (struct pc_discover_assignment){ role, x->instance, x->side,
								       x->slot };
	}
	if (*n == 0) {
		free(out);
		return NULL;
	}
	return out;
}
