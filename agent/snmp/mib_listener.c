/* SPDX-License-Identifier: ISC */
/* pcListenerTable: one row per listening (protocol, address, port), with
 * who holds it and why it is open. */
#include <stdio.h>

#include "snmp/mib_internal.h"

/* "1/systemd 523/svc": every holder, as far as 255 characters go. */
static void holders_text(const struct pc_snapshot *snap, const struct pc_listener *l, char *buf,
			 size_t len)
{
	struct pc_holder one;
	size_t n, used = 0;
	const struct pc_holder *h = pc_listener_holders(snap, l, &one, &n);
	buf[0] = '\0';
	for (size_t k = 0; k < n; k++) {
		int w = snprintf(buf + used, len - used, "%s%d/%s", k > 0 ? " " : "", (int)h[k].pid,
				 h[k].process);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = '\0'; /* a whole holder or none */
			return;
		}
		used += (size_t)w;
	}
}

static int listener_column(const struct pc_mib_view *view, const void *data, unsigned column,
			   netsnmp_variable_list *var)
{
	const struct pc_state *state = view->state;
	const struct pc_listener *l = data;
	const struct pc_listener_result *lr = &state->eval.listeners[l - state->snap.listeners];
	const struct pc_expectation *e =
		lr->expectation >= 0 ? &state->plan->expectations.items[lr->expectation] : NULL;
	char holders[256];

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
	case PCMIB_LISTENER_NAMING:
		/* Set by the collector; a row made by hand is complete with a pid. */
		pc_mib_set_int(var, l->naming != PC_NAMING_UNSET ? l->naming
				    : pc_listener_naming_complete(l) ? PC_NAMING_COMPLETE
								     : PC_NAMING_PENDING);
		return 0;
	case PCMIB_LISTENER_HOLDERS:
		holders_text(&state->snap, l, holders, sizeof(holders));
		pc_mib_set_string(var, holders);
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
