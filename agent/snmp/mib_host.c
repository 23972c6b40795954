/* SPDX-License-Identifier: ISC */
/* pcHost: the host's compliance in one place, with its counts. */
#include "snmp/mib_internal.h"

static int host_value(const struct pc_mib_view *view, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_state *state = view->state;
	const struct pc_evaluation *eval = &state->eval;

	switch ((enum pcmib_host_scalar)n) {
	case PCMIB_HOST_COMPLIANCE:
		pc_mib_set_int(var, eval->host);
		return 0;
	case PCMIB_EXPECTED_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->expected);
		return 0;
	case PCMIB_PRESENT_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->present);
		return 0;
	case PCMIB_MISSING_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->missing);
		return 0;
	case PCMIB_UNEXPECTED_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->unexpected);
		return 0;
	case PCMIB_UNCONFIGURED_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->unconfigured);
		return 0;
	case PCMIB_LAST_CHANGE:
		pc_mib_set_uint(var, ASN_TIMETICKS, pc_mib_timestamp_at(eval->host_last_change_ms, view->now_ms, view->uptime));
		return 0;
	case PCMIB_CATALOG_REVISION:
		pc_mib_set_string(var, state->plan->catalog->revision);
		return 0;
	case PCMIB_NOTIFICATIONS_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(state->plan->config->notifications));
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

PC_MIB_SCALARS(pc_mib_host_def, "pcHost", HOST, host_value);
