/* SPDX-License-Identifier: ISC */
/* The discovery index (discover.h): every assignment of the catalog as its
 * listen ports, assignments that listen alike folded into classes, and each
 * port's weight. Built once per catalog; the search only reads it. */
#include "core/discover.h"

#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "core/listener_rule.h"
#include "plan/diag.h"

/* A feature as one assignment expects it, before features are numbered. */
struct raw_member {
	struct pc_discover_port key;
	bool required, shared;
	const char *rule_file;
	int rule_line;
};

struct builder {
	struct pc_discover_index *ix;
	size_t cap_classes;
	struct raw_member **raw; /* per class, until features are numbered */
	size_t *n_raw;
	bool failed;
};

static int port_cmp(const struct pc_discover_port *a, const struct pc_discover_port *b)
{
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->port_last != b->port_last)
		return a->port_last < b->port_last ? -1 : 1;
	return 0;
}

static int raw_cmp(const void *pa, const void *pb)
{
	const struct raw_member *a = pa, *b = pb;
	int c = port_cmp(&a->key, &b->key);
	if (c != 0)
		return c;
	return (a->rule_line > b->rule_line) - (a->rule_line < b->rule_line);
}

/* The listen ports of one plan, sorted, each port once (two rules on one
 * range, such as the Router's two heartbeats, are one feature: required
 * when either is). */
static size_t raw_members(const struct pc_expectations *exps, struct raw_member *out)
{
	size_t n = 0;
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *x = &exps->items[i];
		if (x->direction != PC_DIR_LISTEN ||
		    (x->match != PC_MATCH_PORT && x->match != PC_MATCH_ANY_IN_RANGE))
			continue;
		out[n++] = (struct raw_member){
			.key = { x->protocol, x->port, x->port_last },
			.required = x->required,
			.shared = x->shared,
			.rule_file = x->catalog_file,
			.rule_line = x->catalog_line,
		};
	}
	if (n > 1)
		qsort(out, n, sizeof(*out), raw_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (kept > 0 && port_cmp(&out[kept - 1].key, &out[i].key) == 0) {
			out[kept - 1].required |= out[i].required;
			continue;
		}
		out[kept++] = out[i];
	}
	return kept;
}

static bool same_members(const struct raw_member *a, size_t na, const struct raw_member *b,
			 size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (port_cmp(&a[i].key, &b[i].key) != 0 || a[i].required != b[i].required)
			return false;
	return true;
}

static struct pc_discover_class *new_class(struct builder *b, const struct pc_role *role,
					   struct raw_member *members, size_t n)
{
	struct pc_discover_index *ix = b->ix;
	if (ix->n_classes == b->cap_classes) {
		size_t cap = b->cap_classes ? b->cap_classes * 2 : 256;
		struct pc_discover_class *classes = realloc(ix->classes, cap * sizeof(*classes));
		struct raw_member **raw = realloc(b->raw, cap * sizeof(*raw));
		size_t *n_raw = realloc(b->n_raw, cap * sizeof(*n_raw));
		if (classes != NULL)
			ix->classes = classes;
		if (raw != NULL)
			b->raw = raw;
		if (n_raw != NULL)
			b->n_raw = n_raw;
		if (classes == NULL || raw == NULL || n_raw == NULL)
			return NULL;
		b->cap_classes = cap;
	}
	struct raw_member *copy = malloc((n ? n : 1) * sizeof(*copy));
	if (copy == NULL)
		return NULL;
	if (n > 0)
		memcpy(copy, members, n * sizeof(*copy));
	b->raw[ix->n_classes] = copy;
	b->n_raw[ix->n_classes] = n;
	struct pc_discover_class *c = &ix->classes[ix->n_classes++];
	memset(c, 0, sizeof(*c));
	c->role = role;
	return c;
}

/* One assignment: into the class of its role that listens alike, or a new one. */
static void add_assignment(struct builder *b, const struct pc_role *role, size_t first_class,
			   int instance, enum pc_side side, int slot, struct raw_member *scratch,
			   size_t cap_scratch)
{
	struct pc_expectations exps;
	struct pc_diag diag = { 0 };
	int rc = pc_expect_role(b->ix->catalog, role->name, instance, side, slot, 0, "discovery",
				&exps, &diag);
	pc_diag_clear(&diag);
	if (rc < 0)
		return; /* an assignment the catalog cannot make */
	if (exps.n > cap_scratch) {
		pc_expectations_free(&exps);
		b->failed = true;
		return;
	}
	size_t n = raw_members(&exps, scratch);
	pc_expectations_free(&exps);

	struct pc_discover_class *c = NULL;
	for (size_t i = first_class; i < b->ix->n_classes && c == NULL; i++)
		if (same_members(b->raw[i], b->n_raw[i], scratch, n))
			c = &b->ix->classes[i];
	if (c == NULL && (c = new_class(b, role, scratch, n)) == NULL) {
		b->failed = true;
		return;
	}
	if (instance >= 0)
		c->instances |= 1u << instance;
	if (side != PC_SIDE_NONE)
		c->sides |= PC_SIDE_BIT(side);
	if (slot > 0)
		c->slots |= 1u << slot;
	c->n_assignments++;
	b->ix->n_assignments++;
}

static void add_role(struct builder *b, const struct pc_role *role, struct raw_member *scratch,
		     size_t cap_scratch)
{
	size_t first_class = b->ix->n_classes;
	int last_instance = role->takes_instance ? PC_INSTANCE_MAX : -1;
	for (int instance = role->takes_instance ? 0 : -1; instance <= last_instance; instance++)
		for (int s = 0; s < PC_SIDE_COUNT; s++) {
			if (role->sides ? !(role->sides & PC_SIDE_BIT(s)) : s != PC_SIDE_NONE)
				continue;
			for (int slot = 0; slot <= PC_SLOT_MAX; slot++) {
				if (role->slots ? !(role->slots & (1u << slot)) : slot != 0)
					continue;
				add_assignment(b, role, first_class, instance, (enum pc_side)s, slot,
					       scratch, cap_scratch);
				if (b->failed)
					return;
			}
		}
}

static int feature_key_cmp(const void *pa, const void *pb)
{
	const struct pc_discover_feature *a = pa, *b = pb;
	struct pc_discover_port x = { a->protocol, a->port, a->port_last };
	struct pc_discover_port y = { b->protocol, b->port, b->port_last };
	return port_cmp(&x, &y);
}

/* Numbers the features, gives each class its members and each feature its
 * weight. */
static int number_features(struct builder *b)
{
	struct pc_discover_index *ix = b->ix;
	size_t total = 0;
	for (size_t i = 0; i < ix->n_classes; i++)
		total += b->n_raw[i];
	ix->features = malloc((total ? total : 1) * sizeof(*ix->features));
	if (ix->features == NULL)
		return -1;
	for (size_t i = 0; i < ix->n_classes; i++)
		for (size_t j = 0; j < b->n_raw[i]; j++) {
			const struct pc_discover_port *k = &b->raw[i][j].key;
			ix->features[ix->n_features++] =
				(struct pc_discover_feature){ k->protocol, k->port, k->port_last, 0, 0 };
		}
	if (ix->n_features > 1)
		qsort(ix->features, ix->n_features, sizeof(*ix->features), feature_key_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < ix->n_features; i++)
		if (kept == 0 || feature_key_cmp(&ix->features[kept - 1], &ix->features[i]) != 0)
			ix->features[kept++] = ix->features[i];
	ix->n_features = kept;

	for (size_t i = 0; i < ix->n_classes; i++) {
		struct pc_discover_class *c = &ix->classes[i];
		c->members = malloc((b->n_raw[i] ? b->n_raw[i] : 1) * sizeof(*c->members));
		if (c->members == NULL)
			return -1;
		for (size_t j = 0; j < b->n_raw[i]; j++) {
			const struct raw_member *r = &b->raw[i][j];
			struct pc_discover_feature key = { r->key.protocol, r->key.port, r->key.port_last,
							   0, 0 };
			const struct pc_discover_feature *f =
				bsearch(&key, ix->features, ix->n_features, sizeof(key), feature_key_cmp);
			struct pc_discover_member *m = &c->members[c->n_members++];
			*m = (struct pc_discover_member){ (uint32_t)(f - ix->features), r->required,
							  r->shared, r->rule_file, r->rule_line };
			ix->features[m->feature].classes++;
		}
	}
	for (size_t i = 0; i < ix->n_features; i++)
		ix->features[i].weight = PC_DISCOVER_UNIT / (ix->features[i].classes ? ix->features[i].classes : 1);
	return 0;
}

/* The UDP ports some feature names, as one bit each (8 KiB): asked for
 * every client's socket of every poll, so a lookup costs no search. */
static int mark_udp_ports(struct pc_discover_index *ix)
{
	ix->udp_ports = calloc(65536 / 64, sizeof(*ix->udp_ports));
	if (ix->udp_ports == NULL)
		return -1;
	for (size_t i = 0; i < ix->n_features; i++) {
		const struct pc_discover_feature *f = &ix->features[i];
		for (uint32_t p = f->port; f->protocol == IPPROTO_UDP && p <= f->port_last; p++)
			ix->udp_ports[p / 64] |= 1ull << (p % 64);
	}
	return 0;
}

bool pc_discover_names_udp(const struct pc_discover_index *ix, uint16_t port)
{
	if (ix->udp_ports != NULL)
		return (ix->udp_ports[port / 64] >> (port % 64)) & 1u;
	for (size_t i = 0; i < ix->n_features; i++) {
		const struct pc_discover_feature *f = &ix->features[i];
		if (f->protocol == IPPROTO_UDP && port >= f->port && port <= f->port_last)
			return true;
	}
	return false;
}

struct pc_listener *pc_discover_catalog_udp(const struct pc_discover_index *ix,
					    const struct pc_snapshot *snap,
					    const struct pc_expectations *exps, size_t *n)
{
	*n = 0;
	size_t wanted = 0;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		wanted += !pc_listen_reason_counts(pc_listen_reason_of(l, exps)) &&
			  pc_discover_names_udp(ix, l->local.port);
	}
	if (wanted == 0)
		return NULL;
	struct pc_listener *out = malloc(wanted * sizeof(*out));
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		if (!pc_listen_reason_counts(pc_listen_reason_of(l, exps)) &&
		    pc_discover_names_udp(ix, l->local.port))
			out[(*n)++] = *l;
	}
	return out;
}

struct pc_discover_index *pc_discover_index_build(const struct pc_catalog *catalog)
{
	struct pc_discover_index *ix = calloc(1, sizeof(*ix));
	if (ix == NULL)
		return NULL;
	ix->catalog = catalog;
	struct builder b = { .ix = ix };
	/* One plan's expectations: a role's rules, times at most PC_EACH_MAX
	 * members for an "each" range. */
	size_t most_rules = 1;
	for (size_t r = 0; r < catalog->n_roles; r++)
		if (catalog->roles[r].n_rules > most_rules)
			most_rules = catalog->roles[r].n_rules;
	size_t cap_scratch = most_rules * PC_EACH_MAX;
	struct raw_member *scratch = malloc(cap_scratch * sizeof(*scratch));
	b.failed = scratch == NULL;
	for (size_t r = 0; r < catalog->n_roles && !b.failed; r++)
		add_role(&b, &catalog->roles[r], scratch, cap_scratch);
	free(scratch);
	if (!b.failed && (number_features(&b) < 0 || mark_udp_ports(ix) < 0))
		b.failed = true;
	for (size_t i = 0; i < ix->n_classes; i++)
		free(b.raw[i]);
	free(b.raw);
	free(b.n_raw);
	if (b.failed) {
		pc_discover_index_free(ix);
		return NULL;
	}
	return ix;
}

void pc_discover_index_free(struct pc_discover_index *ix)
{
	if (ix == NULL)
		return;
	for (size_t i = 0; i < ix->n_classes; i++)
		free(ix->classes[i].members);
	free(ix->classes);
	free(ix->features);
	free(ix->udp_ports);
	free(ix);
}

const struct pc_discover_class *pc_discover_class_of(const struct pc_discover_index *ix,
						     const struct pc_discover_assignment *a)
{
	for (size_t i = 0; i < ix->n_classes; i++) {
		const struct pc_discover_class *c = &ix->classes[i];
		if (c->role != a->role)
			continue;
		if (a->instance >= 0 && a->instance <= PC_INSTANCE_MAX &&
		    !(c->instances & (1u << a->instance)))
			continue;
		if (a->side != PC_SIDE_NONE && !(c->sides & PC_SIDE_BIT(a->side)))
			continue;
		if (a->slot > 0 && a->slot <= PC_SLOT_MAX && !(c->slots & (1u << a->slot)))
			continue;
		return c;
	}
	return NULL;
}
