/* pcListenerTable: one row per listening (protocol, address, port), with
 * who holds it and why it is open. */
#include "snmp/mib_internal.h"

static int listener_column(const struct pc_mib_view *view, const void *data, unsigned column,
			   netsnmp_variable_list *var)
{
	const struct pc_state *state = view->state;
	const struct pc_listener *l = data;
	const struct pc_listener_result *lr = &state->eval.listeners[l - state->snap.listeners];
	const struct pc_expectation *e =
		lr->expectation >= 0 ? &state->plan->expectations.items[lr->expectation] : NULL;

	switch ((enum pcmib_listener_entry_column)column) {
	case PCMIB_LISTENER_SOCKETS:
		pc_mib_set_uint(var, ASN_GAUGE, l->sockets);
		return 0;
	case PCMIB_LISTENER_PID:
		pc_mib_set_uint(var, ASN_UNSIGNED, l->pid > 0 ? (unsigned long)l->pid : 0);
		return 0;
	case PCMIB_LISTENER_PROCESS:
		pc_mib_set_string(var, l->process);
		return 0;
	case PCMIB_LISTENER_CLASS:
		pc_mib_set_int(var, lr->class);
		return 0;
	case PCMIB_LISTENER_ROLE:
		pc_mib_set_string(var, e != NULL ? e->role : "");
		return 0;
	case PCMIB_LISTENER_RULE:
		pc_mib_set_string(var, e != NULL ? e->rule : "");
		return 0;
	case PCMIB_LISTENER_UID:
		pc_mib_set_uint(var, ASN_UNSIGNED, l->uid);
		return 0;
	case PCMIB_LISTENER_USER:
		pc_mib_set_string(var, l->user);
		return 0;
	case PCMIB_LISTENER_DEVICE:
		pc_mib_set_string(var, pc_listener_device(&state->snap, l));
		return 0;
	case PCMIB_LISTENER_DEVICE_STATUS:
		pc_mib_set_int(var, pc_listener_device_status(&state->snap, l));
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

/* The snapshot's listeners are its rows: pc_endpoint_cmp, by which the
 * snapshot is sorted and folded, is the index's order. */
static size_t listener_count(const struct pc_state *state)
{
	return state->snap.n_listeners;
}

/* protocol, type, length and address, port: 4 + PC_ADDR_MAX at most. */
_Static_assert(4 + PC_ADDR_MAX <= PC_MIB_INDEX_MAX, "a listener's index must fit");

static const void *listener_row(const struct pc_state *state, size_t i, struct pc_mib_index *index)
{
	const struct pc_listener *l = &state->snap.listeners[i];
	pc_mib_index_append_listener(index, &l->local);
	return l;
}

PC_MIB_TABLE_IN_PLACE(pc_mib_listener_def, "pcListenerTable", LISTENER_ENTRY, listener_column,
		      listener_count, listener_row);
