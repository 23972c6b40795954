#include "mib.h"

#include "mib_internal.h"

static struct pc_state *current_state;

const struct pc_state *pc_mib_state(void)
{
	return current_state;
}

int pc_mib_register(void)
{
	if (pc_mib_poll_register() < 0 || pc_mib_listener_register() < 0)
		return -1;
	return 0;
}

void pc_mib_set_state(struct pc_state *state)
{
	/* Rows point into the state: rebuild them before letting the old go. */
	struct pc_state *old = current_state;
	current_state = state;
	pc_mib_listener_rebuild(state);
	pc_state_unref(old);
}

void pc_mib_shutdown(void)
{
	pc_mib_listener_free();
	pc_state_unref(current_state);
	current_state = NULL;
}
