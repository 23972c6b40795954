/* pcHost: the host's compliance in one place, with its counts. */
#include "log.h"
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

static int host_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)handler;
	const struct pc_state *state = pc_mib_state();
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;

	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		netsnmp_variable_list *var = r->requestvb;
		if (state == NULL) {
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
			continue;
		}
		const struct pc_evaluation *eval = &state->eval;
		/* scalar_group has extended rootoid to this scalar's ".N.0". */
		switch (reg->rootoid[reg->rootoid_len - 2]) {
		case HOST_COMPLIANCE:
			pc_mib_set_int(var, eval->host);
			break;
		case EXPECTED_COUNT:
			pc_mib_set_uint(var, ASN_GAUGE, eval->expected);
			break;
		case PRESENT_COUNT:
			pc_mib_set_uint(var, ASN_GAUGE, eval->present);
			break;
		case MISSING_COUNT:
			pc_mib_set_uint(var, ASN_GAUGE, eval->missing);
			break;
		case UNEXPECTED_COUNT:
			pc_mib_set_uint(var, ASN_GAUGE, eval->unexpected);
			break;
		case UNCONFIGURED_COUNT:
			pc_mib_set_uint(var, ASN_GAUGE, eval->unconfigured);
			break;
		case LAST_CHANGE:
			pc_mib_set_uint(var, ASN_TIMETICKS, pc_mib_timestamp(eval->host_last_change_ms));
			break;
		case CATALOG_REVISION:
			pc_mib_set_string(var, state->plan->catalog->revision);
			break;
		case NOTIFICATIONS_ENABLED:
			pc_mib_set_int(var, PC_TRUTH(state->plan->config->notifications));
			break;
		default:
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int pc_mib_host_register(void)
{
	static const oid host_oid[] = { PC_OID_HOST };
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		"pcHost", host_handler, host_oid, OID_LENGTH(host_oid), HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_scalar_group(reg, HOST_COMPLIANCE,
							 NOTIFICATIONS_ENABLED) != MIB_REGISTERED_OK) {
		pc_log(LOG_ERR, "pcHost: net-snmp refused the registration");
		return -1;
	}
	return 0;
}
