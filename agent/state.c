#include "state.h"

#include <stdlib.h>
#include <string.h>

struct pc_state *pc_state_new(struct pc_snapshot *snap)
{
	struct pc_state *state = calloc(1, sizeof(*state));
	if (state == NULL)
		return NULL;
	atomic_init(&state->refs, 1);
	state->snap = *snap;
	memset(snap, 0, sizeof(*snap));
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
	pc_snapshot_clear(&state->snap);
	free(state);
}
