/* SPDX-License-Identifier: ISC */
/* The discovery search (discover.h): from the listeners of one snapshot to
 * the candidate sets of classes that explain them, best first. */
#include "core/discover.h"

#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "util/transport.h"

/* What a feature nobody listens on costs the class expecting it, as a
 * share of its weight: a required port much, an optional one little (an
 * exact fit then beats a role that also expects ports nobody opened). */
#define LACK_REQUIRED_DIVISOR 2
#define LACK_OPTIONAL_DIVISOR 16
/* How many of the most promising classes a search starts from. */
#define SEEDS_MIN 16

struct listener_key {
	uint8_t protocol;
	uint16_t port;
};

/* A set of classes with its score, before it becomes a candidate. */
struct set {
	uint32_t ids[PC_DISCOVER_PICKS_MAX]; /* sorted once complete */
	size_t n;
	int64_t score;
};

struct search {
	const struct pc_discover_index *ix;
	uint64_t bits[2][65536 / 64]; /* listening ports: [0] tcp, [1] udp */
	struct listener_key *keys; /* distinct listeners, sorted */
	size_t n_keys;
	uint32_t ignored;
	bool *listened; /* per feature */
	uint16_t *covered; /* per feature: classes of the set expecting it */
	uint16_t *required_by; /* per feature: classes of the set requiring it */
	uint32_t *seen; /* per feature: the pass that last counted it */
	uint32_t pass;
	const struct pc_discover_member **owner; /* per feature: the first of them */
	bool *chosen; /* per class */
	uint32_t *live; /* classes with a listening feature */
	int64_t *alone; /* per class: its score on its own */
	size_t n_live;
};

static int family(uint8_t protocol)
{
	return protocol == IPPROTO_UDP ? 1 : 0;
}

static bool listening(const struct search *s, uint8_t protocol, uint16_t port)
{
	return (s->bits[family(protocol)][port / 64] >> (port % 64)) & 1u;
}

static bool ignored_by(const struct pc_config *config, uint8_t protocol, uint16_t port)
{
	for (size_t i = 0; config != NULL && i < config->n_ignores; i++) {
		const struct pc_ignore *ig = &config->ignores[i];
		if (ig->protocol == protocol && port >= ig->port && port <= ig->port_last)
			return true;
	}
	return false;
}

/* The distinct (protocol, port) pairs of the snapshot, sorted: its
 * listeners are sorted by protocol first, but addresses come before ports. */
static int key_cmp(const void *pa, const void *pb)
{
	const struct listener_key *a = pa, *b = pb;
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	return (a->port > b->port) - (a->port < b->port);
}

/* keys has room for the snapshot's listeners and params' also. */
static size_t listener_keys(const struct pc_snapshot *snap, const struct pc_discover_params *params,
			    struct listener_key *keys, uint32_t *ignored)
{
	const struct pc_config *config = params != NULL ? params->config : NULL;
	size_t n = 0;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_endpoint *ep = &snap->listeners[i].local;
		keys[n++] = (struct listener_key){ ep->proto, ep->port };
	}
	for (size_t i = 0; params != NULL && i < params->n_also; i++) {
		const struct pc_endpoint *ep = &params->also[i].local;
		keys[n++] = (struct listener_key){ ep->proto, ep->port };
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), key_cmp);
	size_t kept = 0;
	*ignored = 0;
	for (size_t i = 0; i < n; i++) {
		if (kept > 0 && key_cmp(&keys[kept - 1], &keys[i]) == 0)
			continue;
		if (i > 0 && key_cmp(&keys[i - 1], &keys[i]) == 0)
			continue; /* a duplicate of an ignored one */
		if (ignored_by(config, keys[i].protocol, keys[i].port)) {
			(*ignored)++;
			continue;
		}
		keys[kept++] = keys[i];
	}
	return kept;
}

static size_t keys_room(const struct pc_snapshot *snap, const struct pc_discover_params *params)
{
	size_t n = snap->n_listeners + (params != NULL ? params->n_also : 0);
	return n ? n : 1;
}

uint64_t pc_discover_listener_hash(const struct pc_snapshot *snap,
				   const struct pc_discover_params *params)
{
	struct listener_key *keys = malloc(keys_room(snap, params) * sizeof(*keys));
	uint64_t hash = 14695981039346656037u; /* FNV-1a 64 */
	if (keys == NULL)
		return 0;
	uint32_t ignored;
	size_t n = listener_keys(snap, params, keys, &ignored);
	for (size_t i = 0; i < n; i++) {
		uint8_t bytes[3] = { keys[i].protocol, (uint8_t)(keys[i].port >> 8),
				     (uint8_t)keys[i].port };
		for (size_t b = 0; b < sizeof(bytes); b++)
			hash = (hash ^ bytes[b]) * 1099511628211u;
	}
	free(keys);
	return hash;
}

static bool feature_listened(const struct search *s, const struct pc_discover_feature *f)
{
	for (uint32_t p = f->port; p <= f->port_last; p++)
		if (listening(s, f->protocol, (uint16_t)p))
			return true;
	return false;
}

static int64_t lack_cost(const struct pc_discover_feature *f, bool required)
{
	return (int64_t)f->weight / (required ? LACK_REQUIRED_DIVISOR : LACK_OPTIONAL_DIVISOR);
}

/* ---- sets of classes ---------------------------------------------------- */

static void cover(struct search *s, uint32_t class_id, int delta)
{
	const struct pc_discover_class *c = &s->ix->classes[class_id];
	s->chosen[class_id] = delta > 0;
	for (size_t i = 0; i < c->n_members; i++) {
		const struct pc_discover_member *m = &c->members[i];
		if (delta > 0) {
			if (s->covered[m->feature]++ == 0)
				s->owner[m->feature] = m;
			s->required_by[m->feature] += m->required;
		} else {
			if (--s->covered[m->feature] == 0)
				s->owner[m->feature] = NULL;
			s->required_by[m->feature] -= m->required;
		}
	}
}

/* Two listeners cannot share a port unless both come from the same
 * ruleset rule (plan/expect.c refuses the configuration otherwise). */
static bool clashes(const struct search *s, const struct pc_discover_member *m)
{
	const struct pc_discover_member *o = s->owner[m->feature];
	const struct pc_discover_feature *f = &s->ix->features[m->feature];
	if (o == NULL || f->port != f->port_last)
		return false;
	return !(o->shared && m->shared && o->rule_file == m->rule_file &&
		 o->rule_line == m->rule_line);
}

/* What adding the class to the current set gains; *clash when it cannot be added. */
static int64_t gain(const struct search *s, uint32_t class_id, bool *clash)
{
	const struct pc_discover_class *c = &s->ix->classes[class_id];
	int64_t g = 0;
	*clash = false;
	for (size_t i = 0; i < c->n_members; i++) {
		const struct pc_discover_member *m = &c->members[i];
		const struct pc_discover_feature *f = &s->ix->features[m->feature];
		if (s->covered[m->feature] > 0) {
			if (clashes(s, m)) {
				*clash = true;
				return 0;
			}
			continue;
		}
		g += s->listened[m->feature] ? (int64_t)f->weight : -lack_cost(f, m->required);
	}
	return g;
}

/* What the class adds that no other class of the set does. */
static int64_t contribution(const struct search *s, uint32_t class_id)
{
	const struct pc_discover_class *c = &s->ix->classes[class_id];
	int64_t g = 0;
	for (size_t i = 0; i < c->n_members; i++) {
		const struct pc_discover_member *m = &c->members[i];
		const struct pc_discover_feature *f = &s->ix->features[m->feature];
		if (s->covered[m->feature] == 1)
			g += s->listened[m->feature] ? (int64_t)f->weight : -lack_cost(f, m->required);
	}
	return g;
}

/* True the first time a pass meets the feature: each counts once. */
static bool first_visit(struct search *s, uint32_t feature)
{
	if (s->seen[feature] == s->pass)
		return false;
	s->seen[feature] = s->pass;
	return true;
}

/* The score of the set currently covered, from scratch. */
static int64_t score_of(struct search *s, const struct set *set)
{
	int64_t score = 0;
	s->pass++;
	for (size_t k = 0; k < set->n; k++) {
		const struct pc_discover_class *c = &s->ix->classes[set->ids[k]];
		for (size_t i = 0; i < c->n_members; i++) {
			uint32_t f = c->members[i].feature;
			if (!first_visit(s, f))
				continue;
			const struct pc_discover_feature *feat = &s->ix->features[f];
			score += s->listened[f] ? (int64_t)feat->weight
						: -lack_cost(feat, s->required_by[f] > 0);
		}
	}
	return score;
}

static int id_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return (a > b) - (a < b);
}

static void clear_set(struct search *s, const struct set *set)
{
	for (size_t k = set->n; k-- > 0;)
		cover(s, set->ids[k], -1);
}

/* Greedy from the seed; leaves the set covered (clear_set undoes it). */
static void grow(struct search *s, uint32_t seed, struct set *set)
{
	set->n = 0;
	set->ids[set->n++] = seed;
	cover(s, seed, +1);
	while (set->n < PC_DISCOVER_PICKS_MAX) {
		int64_t best = 0;
		uint32_t pick = 0;
		for (size_t i = 0; i < s->n_live; i++) {
			uint32_t id = s->live[i];
			bool clash;
			if (s->chosen[id])
				continue;
			int64_t g = gain(s, id, &clash);
			if (!clash && g > best) {
				best = g;
				pick = id;
			}
		}
		if (best <= 0)
			break;
		set->ids[set->n++] = pick;
		cover(s, pick, +1);
	}
	/* A class that a later one made redundant goes (the seed too). */
	for (size_t k = set->n; k-- > 0 && set->n > 1;) {
		if (contribution(s, set->ids[k]) > 0)
			continue;
		cover(s, set->ids[k], -1);
		memmove(&set->ids[k], &set->ids[k + 1], (set->n - k - 1) * sizeof(set->ids[0]));
		set->n--;
	}
	/* Owners of what a removed class expected first go with it: cover anew. */
	clear_set(s, set);
	for (size_t k = 0; k < set->n; k++)
		cover(s, set->ids[k], +1);
	set->score = score_of(s, set);
	qsort(set->ids, set->n, sizeof(set->ids[0]), id_cmp);
}

static int set_rank_cmp(const void *pa, const void *pb)
{
	const struct set *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (size_t i = 0; i < a->n; i++)
		if (a->ids[i] != b->ids[i])
			return a->ids[i] < b->ids[i] ? -1 : 1;
	return 0;
}

static bool same_set(const struct set *a, const struct set *b)
{
	return a->n == b->n && memcmp(a->ids, b->ids, a->n * sizeof(a->ids[0])) == 0;
}

/* qsort has no context: the order of live classes is by their score
 * alone, kept next to the id while sorting. */
struct live_entry {
	int64_t alone;
	uint32_t id;
};

static int live_cmp(const void *pa, const void *pb)
{
	const struct live_entry *a = pa, *b = pb;
	if (a->alone != b->alone)
		return a->alone > b->alone ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static int find_live(struct search *s)
{
	const struct pc_discover_index *ix = s->ix;
	struct live_entry *entries = malloc((ix->n_classes ? ix->n_classes : 1) * sizeof(*entries));
	if (entries == NULL)
		return -1;
	s->n_live = 0;
	for (size_t c = 0; c < ix->n_classes; c++) {
		const struct pc_discover_class *cl = &ix->classes[c];
		bool any = false;
		int64_t alone = 0;
		for (size_t i = 0; i < cl->n_members; i++) {
			const struct pc_discover_member *m = &cl->members[i];
			const struct pc_discover_feature *f = &ix->features[m->feature];
			any |= s->listened[m->feature];
			alone += s->listened[m->feature] ? (int64_t)f->weight
							 : -lack_cost(f, m->required);
		}
		s->alone[c] = alone;
		if (any)
			entries[s->n_live++] = (struct live_entry){ alone, (uint32_t)c };
	}
	if (s->n_live > 1)
		qsort(entries, s->n_live, sizeof(*entries), live_cmp);
	for (size_t i = 0; i < s->n_live; i++)
		s->live[i] = entries[i].id;
	free(entries);
	return 0;
}

/* ---- candidates ----------------------------------------------------------- */

static uint32_t lowest_bit(uint32_t mask)
{
	for (uint32_t b = 0; b < 32; b++)
		if (mask & (1u << b))
			return b;
	return 0;
}

static bool single_bit(uint32_t mask)
{
	return mask != 0 && (mask & (mask - 1)) == 0;
}

/* The assignment a configuration states for a class that may leave a
 * choice: what the candidate's other roles settle, where the class allows it. */
static void choose_assignments(struct pc_discover_candidate *cand)
{
	int instance = -1, side = -1, slot = -1;
	for (size_t i = 0; i < cand->n_picks; i++) {
		const struct pc_discover_pick *p = &cand->picks[i];
		if (instance < 0 && single_bit(p->instances))
			instance = (int)lowest_bit(p->instances);
		if (side < 0 && single_bit(p->sides))
			side = (int)lowest_bit(p->sides);
		if (slot < 0 && single_bit(p->slots))
			slot = (int)lowest_bit(p->slots);
	}
	for (size_t i = 0; i < cand->n_picks; i++) {
		struct pc_discover_pick *p = &cand->picks[i];
		struct pc_discover_assignment *a = &p->assignment;
		a->role = p->role;
		a->instance = p->instances == 0 ? -1
			      : instance >= 0 && (p->instances & (1u << instance)) ? instance
										 : (int)lowest_bit(p->instances);
		a->side = p->sides == 0 ? PC_SIDE_NONE
			  : side >= 0 && (p->sides & (1u << side)) ? (enum pc_side)side
								  : (enum pc_side)lowest_bit(p->sides);
		a->slot = p->slots == 0 ? 0
			  : slot >= 0 && (p->slots & (1u << slot)) ? slot
								  : (int)lowest_bit(p->slots);
	}
}

static struct pc_discover_port port_of(const struct pc_discover_feature *f)
{
	return (struct pc_discover_port){ f->protocol, f->port, f->port_last };
}

/* Counts of the set currently covered; marks[] gets the ports it explains. */
static void describe(struct search *s, const struct set *set, struct pc_discover_candidate *cand,
		     uint64_t marks[2][65536 / 64])
{
	const struct pc_discover_index *ix = s->ix;
	memset(cand, 0, sizeof(*cand));
	s->pass++;
	cand->score = set->score;
	cand->n_picks = set->n;
	for (size_t k = 0; k < set->n; k++) {
		const struct pc_discover_class *c = &ix->classes[set->ids[k]];
		struct pc_discover_pick *p = &cand->picks[k];
		*p = (struct pc_discover_pick){ .role = c->role, .instances = c->instances,
						.sides = c->sides, .slots = c->slots,
						.n_assignments = c->n_assignments,
						.expected = (uint32_t)c->n_members };
		for (size_t i = 0; i < c->n_members; i++) {
			const struct pc_discover_member *m = &c->members[i];
			const struct pc_discover_feature *f = &ix->features[m->feature];
			bool heard = s->listened[m->feature];
			p->explained += heard;
			p->lacking += !heard && m->required;
			if (!first_visit(s, m->feature))
				continue; /* counted for the candidate once */
			cand->expected++;
			cand->explained += heard;
			cand->lacking += !heard && s->required_by[m->feature] > 0;
			for (uint32_t port = f->port; heard && port <= f->port_last; port++)
				marks[family(f->protocol)][port / 64] |= 1ull << (port % 64);
		}
	}
	for (size_t i = 0; i < s->n_keys; i++) {
		uint16_t port = s->keys[i].port;
		if (!((marks[family(s->keys[i].protocol)][port / 64] >> (port % 64)) & 1u))
			cand->unexplained++;
	}
	choose_assignments(cand);
}

static void unmark(uint64_t marks[2][65536 / 64])
{
	memset(marks, 0, 2 * sizeof(marks[0]));
}

/* Ports only `here` expects and ports only `there` does. */
static void differences(struct search *s, const struct set *here, const struct set *there,
			struct pc_discover_candidate *cand)
{
	const struct pc_discover_index *ix = s->ix;
	const struct set *sets[2] = { here, there };
	for (int side = 0; side < 2; side++) {
		const struct set *other = sets[1 - side];
		for (size_t k = 0; k < other->n; k++)
			cover(s, other->ids[k], +1);
		const struct set *mine = sets[side];
		for (size_t k = 0; k < mine->n; k++) {
			const struct pc_discover_class *c = &ix->classes[mine->ids[k]];
			for (size_t i = 0; i < c->n_members; i++) {
				uint32_t f = c->members[i].feature;
				if (s->covered[f] > 0)
					continue;
				struct pc_discover_port *list = side == 0 ? cand->only_here : cand->only_there;
				size_t *n = side == 0 ? &cand->n_only_here : &cand->n_only_there;
				bool dup = false;
				for (size_t j = 0; j < *n && !dup; j++)
					dup = list[j].protocol == ix->features[f].protocol &&
					      list[j].port == ix->features[f].port &&
					      list[j].port_last == ix->features[f].port_last;
				if (dup)
					continue;
				if (*n == PC_DISCOVER_DIFF_MAX)
					cand->more_differences = true;
				else
					list[(*n)++] = port_of(&ix->features[f]);
			}
		}
		clear_set(s, other);
	}
}

/* ---- the configured roles ------------------------------------------------- */

static void judge_configured(struct search *s, const struct pc_discover_params *params,
			     const struct set *best, struct pc_discovery *out)
{
	if (params->n_configured == 0) {
		out->verdict = PC_DISCOVER_NO_ROLES;
		return;
	}
	struct set config = { .n = 0 };
	for (size_t i = 0; i < params->n_configured && config.n < PC_DISCOVER_PICKS_MAX; i++) {
		const struct pc_discover_class *c = pc_discover_class_of(s->ix, &params->configured[i]);
		if (c == NULL)
			continue;
		uint32_t id = (uint32_t)(c - s->ix->classes);
		if (s->chosen[id])
			continue;
		config.ids[config.n++] = id;
		cover(s, id, +1);
	}
	config.score = score_of(s, &config);
	uint32_t lacking = 0;
	s->pass++;
	for (size_t k = 0; k < config.n; k++) {
		const struct pc_discover_class *c = &s->ix->classes[config.ids[k]];
		for (size_t i = 0; i < c->n_members; i++) {
			uint32_t f = c->members[i].feature;
			if (first_visit(s, f))
				lacking += !s->listened[f] && s->required_by[f] > 0;
		}
	}
	clear_set(s, &config);
	out->configured_score = config.score;
	out->configured_lacking = lacking;
	int64_t best_score = best != NULL ? best->score : 0;
	/* Among the best: no candidate explains more than one port that only
	 * one class expects beyond what the configuration does. A
	 * configuration none of whose ports listen (its services stopped)
	 * explains nothing, and counts as that, not as less: only a candidate
	 * with evidence of its own contradicts it, never an empty host. */
	int64_t floor = config.score > 0 ? config.score : 0;
	out->verdict = best_score <= floor + PC_DISCOVER_UNIT ? PC_DISCOVER_MATCHES
							       : PC_DISCOVER_DIFFERS;
}

/* ---- the whole search ------------------------------------------------------- */

static void search_free(struct search *s)
{
	free(s->keys);
	free(s->listened);
	free(s->covered);
	free(s->required_by);
	free(s->seen);
	free(s->owner);
	free(s->chosen);
	free(s->live);
	free(s->alone);
	free(s);
}

static struct search *search_new(const struct pc_discover_index *ix, const struct pc_snapshot *snap,
				 const struct pc_discover_params *params)
{
	struct search *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->ix = ix;
	size_t nf = ix->n_features ? ix->n_features : 1, nc = ix->n_classes ? ix->n_classes : 1;
	s->keys = malloc(keys_room(snap, params) * sizeof(*s->keys));
	s->listened = calloc(nf, sizeof(*s->listened));
	s->covered = calloc(nf, sizeof(*s->covered));
	s->required_by = calloc(nf, sizeof(*s->required_by));
	s->seen = calloc(nf, sizeof(*s->seen));
	s->owner = calloc(nf, sizeof(*s->owner));
	s->chosen = calloc(nc, sizeof(*s->chosen));
	s->live = calloc(nc, sizeof(*s->live));
	s->alone = calloc(nc, sizeof(*s->alone));
	if (!s->keys || !s->listened || !s->covered || !s->required_by || !s->seen || !s->owner || !s->chosen || !s->live ||
	    !s->alone) {
		search_free(s);
		return NULL;
	}
	s->n_keys = listener_keys(snap, params, s->keys, &s->ignored);
	for (size_t i = 0; i < s->n_keys; i++)
		s->bits[family(s->keys[i].protocol)][s->keys[i].port / 64] |=
			1ull << (s->keys[i].port % 64);
	for (size_t f = 0; f < ix->n_features; f++)
		s->listened[f] = feature_listened(s, &ix->features[f]);
	return s;
}

/* The distinct sets the seeds grow into, ranked; *n set. */
static struct set *rank_sets(struct search *s, size_t *n)
{
	size_t seeds = s->n_live < SEEDS_MIN ? s->n_live : SEEDS_MIN;
	struct set *sets = malloc((seeds ? seeds : 1) * sizeof(*sets));
	*n = 0;
	if (sets == NULL)
		return NULL;
	for (size_t i = 0; i < seeds; i++) {
		if (s->alone[s->live[i]] <= 0)
			break; /* sorted: none after gains either */
		struct set set;
		grow(s, s->live[i], &set);
		clear_set(s, &set);
		if (set.score <= 0)
			continue;
		bool seen = false;
		for (size_t j = 0; j < *n && !seen; j++)
			seen = same_set(&sets[j], &set);
		if (!seen)
			sets[(*n)++] = set;
	}
	if (*n > 1)
		qsort(sets, *n, sizeof(*sets), set_rank_cmp);
	return sets;
}

int pc_discover_run(const struct pc_discover_index *ix, const struct pc_snapshot *snap,
		    const struct pc_discover_params *params, struct pc_discovery *out)
{
	memset(out, 0, sizeof(*out));
	struct search *s = search_new(ix, snap, params);
	uint64_t(*marks)[65536 / 64] = calloc(2, sizeof(*marks));
	if (s == NULL || marks == NULL || find_live(s) < 0)
		goto fail;
	out->listeners = (uint32_t)s->n_keys;
	out->ignored = s->ignored;
	out->listener_hash = pc_discover_listener_hash(snap, params);
	pc_discover_words_of_assignments(params->configured, params->n_configured,
					 &out->configured_words);

	size_t n_sets;
	struct set *sets = rank_sets(s, &n_sets);
	if (sets == NULL)
		goto fail;
	size_t max = params->max_candidates ? params->max_candidates : PC_DISCOVER_CANDIDATES_DEFAULT;
	if (max > PC_DISCOVER_CANDIDATES_MAX)
		max = PC_DISCOVER_CANDIDATES_MAX;
	size_t n = n_sets < max ? n_sets : max;
	out->candidates = calloc(n ? n : 1, sizeof(*out->candidates));
	out->unexplained = malloc((s->n_keys ? s->n_keys : 1) * sizeof(*out->unexplained));
	if (out->candidates == NULL || out->unexplained == NULL) {
		free(sets);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		struct pc_discover_candidate *cand = &out->candidates[i];
		for (size_t k = 0; k < sets[i].n; k++)
			cover(s, sets[i].ids[k], +1);
		describe(s, &sets[i], cand, marks);
		if (i == 0)
			for (size_t k = 0; k < s->n_keys; k++) {
				uint16_t port = s->keys[k].port;
				if (!((marks[family(s->keys[k].protocol)][port / 64] >> (port % 64)) & 1u))
					out->unexplained[out->n_unexplained++] = (struct pc_discover_port){
						s->keys[k].protocol, port, port
					};
			}
		unmark(marks);
		clear_set(s, &sets[i]);
		for (size_t j = 0; j < i && cand->tie_with == 0; j++)
			if (sets[j].score == sets[i].score) {
				cand->tie_with = j + 1;
				differences(s, &sets[i], &sets[j], cand);
			}
	}
	out->n_candidates = n;
	if (n == 0) /* nothing explained: every listener is unexplained */
		for (size_t k = 0; k < s->n_keys; k++)
			out->unexplained[out->n_unexplained++] =
				(struct pc_discover_port){ s->keys[k].protocol, s->keys[k].port,
							   s->keys[k].port };
	judge_configured(s, params, n > 0 ? &sets[0] : NULL, out);
	free(sets);
	free(marks);
	search_free(s);
	return 0;
fail:
	free(marks);
	if (s != NULL)
		search_free(s);
	pc_discovery_free(out);
	return -1;
}

void pc_discovery_free(struct pc_discovery *d)
{
	if (d == NULL)
		return;
	free(d->candidates);
	free(d->unexplained);
	memset(d, 0, sizeof(*d));
}

int pc_discovery_copy(const struct pc_discovery *from, struct pc_discovery *to)
{
	*to = *from;
	to->candidates = malloc((from->n_candidates ? from->n_candidates : 1) * sizeof(*to->candidates));
	to->unexplained = malloc((from->n_unexplained ? from->n_unexplained : 1) * sizeof(*to->unexplained));
	if (to->candidates == NULL || to->unexplained == NULL) {
		pc_discovery_free(to);
		return -1;
	}
	if (from->n_candidates > 0)
		memcpy(to->candidates, from->candidates, from->n_candidates * sizeof(*to->candidates));
	if (from->n_unexplained > 0)
		memcpy(to->unexplained, from->unexplained, from->n_unexplained * sizeof(*to->unexplained));
	return 0;
}
