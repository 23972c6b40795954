#include "core/state.h"

#include <stdlib.h>
#include <string.h>

struct pc_state *pc_state_new(struct pc_plan *plan, struct pc_snapshot *snap,
			      struct pc_evaluation *eval)
{
	struct pc_state *state = calloc(1, sizeof(*state));
	if (state == NULL)
		return NULL;
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
	free(state);
}
