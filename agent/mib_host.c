/* pcHost: the host's compliance in one place, with its counts. */
#include "mib_internal.h"

enum {
	HOST_COMPLIANCE = 1,
	EXPECTED_COUNT = 2,
	PRESENT_COUNT = 3,
	MISSING_COUNT = 4,
	UNEXPECTED_COUNT = 5,
	UNCONFIGURED_COUNT = 6,
	LAST_CHANGE = 7,
	CATALOG_REVISION = 8,
	NOTIFICATIONS_ENABLED = 9,
};

static int host_value(const struct pc_state *state, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_evaluation *eval = &state->eval;

	switch (n) {
	case HOST_COMPLIANCE:
		pc_mib_set_int(var, eval->host);
		return 0;
	case EXPECTED_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->expected);
		return 0;
	case PRESENT_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->present);
		return 0;
	case MISSING_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->missing);
		return 0;
	case UNEXPECTED_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->unexpected);
		return 0;
	case UNCONFIGURED_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, eval->unconfigured);
		return 0;
	case LAST_CHANGE:
		pc_mib_set_uint(var, ASN_TIMETICKS, pc_mib_timestamp(eval->host_last_change_ms));
		return 0;
	case CATALOG_REVISION:
		pc_mib_set_string(var, state->plan->catalog->revision);
		return 0;
	case NOTIFICATIONS_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(state->plan->config->notifications));
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

int pc_mib_host_register(void)
{
	static const oid host_oid[] = { PC_OID_HOST };
	static struct pc_mib_scalars group = { "pcHost", NOTIFICATIONS_ENABLED, host_value };
	return pc_mib_scalars_register(&group, host_oid, OID_LENGTH(host_oid));
}
