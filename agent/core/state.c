/* SPDX-License-Identifier: ISC */
#include "core/state.h"

#include <stdlib.h>
#include <string.h>

#include "util/transport.h"

/* A port of an instance's plan, as pcInstancePortTable orders them; the
 * position breaks ties, since the plan lists its expectations in (role,
 * rule, member) order, the rest of the index. */
struct instance_port_key {
	int instance;
	uint8_t protocol;
	uint16_t port;
	uint32_t position;
};

static int instance_port_order(const void *a, const void *b)
{
	const struct instance_port_key *x = a, *y = b;
	if (x->instance != y->instance)
		return x->instance < y->instance ? -1 : 1;
	if (x->protocol != y->protocol)
		return x->protocol < y->protocol ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

static int sort_instance_ports(struct pc_state *state, const struct pc_expectations *exps)
{
	size_t n = 0;
	for (size_t i = 0; i < exps->n; i++)
		n += exps->items[i].instance >= 0 && exps->items[i].port != 0;
	if (n == 0)
		return 0;
	struct instance_port_key *keys = malloc(n * sizeof(*keys));
	state->instance_ports = malloc(n * sizeof(*state->instance_ports));
	if (keys == NULL || state->instance_ports == NULL) {
		free(keys);
		return -1;
	}
	size_t k = 0;
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *e = &exps->items[i];
		if (e->instance >= 0 && e->port != 0)
			keys[k++] = (struct instance_port_key){ e->instance, e->protocol, e->port,
								(uint32_t)i };
	}
	qsort(keys, n, sizeof(*keys), instance_port_order);
	for (k = 0; k < n; k++)
		state->instance_ports[k] = keys[k].position;
	state->n_instance_ports = n;
	free(keys);
	return 0;
}

/* An expected port as pcExpectedPortTable orders them. */
struct expected_port_key {
	const struct pc_expectation *e;
	uint32_t position;
};

/* Strings as OID components compare: the shorter first, then byte by byte. */
static int oid_string_order(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a, b, la);
}

static int expected_port_index_order(const struct pc_expectation *e,
				     const struct pc_expectation *f)
{
	int c;
	if (e->role_index != f->role_index)
		return e->role_index < f->role_index ? -1 : 1;
	if ((c = oid_string_order(e->rule, f->rule)) != 0 ||
	    (c = oid_string_order(pc_proto_name(e->protocol), pc_proto_name(f->protocol))) != 0)
		return c;
	if (e->port != f->port)
		return e->port < f->port ? -1 : 1;
	return oid_string_order(pc_requirement_name(e->required), pc_requirement_name(f->required));
}

static int expected_port_order(const void *a, const void *b)
{
	const struct expected_port_key *x = a, *y = b;
	int c = expected_port_index_order(x->e, y->e);
	if (c != 0)
		return c;
	return (x->position > y->position) - (x->position < y->position);
}

/* Within a role, a rule's name and a port tell its expectations apart (the
 * catalog refuses a rule name twice in a role; an expansion's ports
 * differ), so no two rows share an index. Should a plan ever break that,
 * the second of two is left out: an index is served once. */
static int sort_expected_ports(struct pc_state *state, const struct pc_expectations *exps)
{
	size_t n = exps->n;
	if (n == 0)
		return 0;
	struct expected_port_key *keys = malloc(n * sizeof(*keys));
	state->expected_ports = malloc(n * sizeof(*state->expected_ports));
	if (keys == NULL || state->expected_ports == NULL) {
		free(keys);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct expected_port_key){ &exps->items[i], (uint32_t)i };
	qsort(keys, n, sizeof(*keys), expected_port_order);
	size_t kept = 0;
	for (size_t k = 0; k < n; k++) {
		if (kept > 0 && expected_port_index_order(keys[k - 1].e, keys[k].e) == 0)
			continue;
		state->expected_ports[kept++] = keys[k].position;
	}
	state->n_expected_ports = kept;
	free(keys);
	return 0;
}

struct pc_state *pc_state_new(struct pc_plan *plan, struct pc_snapshot *snap,
			      struct pc_evaluation *eval)
{
	struct pc_state *state = calloc(1, sizeof(*state));
	if (state == NULL)
		return NULL;
	if (sort_instance_ports(state, &plan->expectations) < 0 ||
	    sort_expected_ports(state, &plan->expectations) < 0) {
		free(state->instance_ports);
		free(state->expected_ports);
		free(state);
		return NULL;
	}
	atomic_init(&state->refs, 1);
	state->plan = pc_plan_ref(plan);
	state->snap = *snap;
	memset(snap, 0, sizeof(*snap));
	state->eval = *eval;
	memset(eval, 0, sizeof(*eval));
	state->discovery.verdict = PC_DISCOVER_OFF;
	return state;
}

struct pc_state *pc_state_new_unknown(struct pc_plan *plan)
{
	struct pc_snapshot empty = { 0 };
	struct pc_evaluation eval;
	if (pc_evaluation_init_unknown(plan, &eval) < 0)
		return NULL;
	struct pc_state *state = pc_state_new(plan, &empty, &eval);
	if (state == NULL)
		pc_evaluation_free(&eval);
	return state;
}

struct pc_state *pc_state_ref(struct pc_state *state)
{
	if (state != NULL)
		atomic_fetch_add(&state->refs, 1);
	return state;
}

void pc_state_unref(struct pc_state *state)
{
	if (state == NULL || atomic_fetch_sub(&state->refs, 1) != 1)
		return;
	pc_evaluation_free(&state->eval);
	pc_discovery_free(&state->discovery);
	pc_snapshot_clear(&state->snap);
	pc_plan_unref(state->plan);
	free(state->instance_ports);
	free(state->expected_ports);
	free(state);
}
