/* pcNotify: the notification settings in use and what became of the
 * notifications (objects 20-24 are accessible-for-notify: never served). */
#include "log.h"
#include "mib_internal.h"
#include "notify.h"

enum {
	MISSING_ENABLED = 1,
	RESTORED_ENABLED = 2,
	UNEXPECTED_ENABLED = 3,
	COMPLIANCE_ENABLED = 4,
	RATE_LIMIT = 5,
	SENT = 6,
	SUPPRESSED = 7,
	DROPPED = 8,
	QUEUED = 9,
	HOLD_DOWN = 10,
	FLAP_THRESHOLD = 11,
	FLAP_WINDOW = 12,
};

static int notify_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)handler;
	const struct pc_state *state = pc_mib_state();
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;

	struct pc_notify_stats stats = pc_notify_stats();
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		netsnmp_variable_list *var = r->requestvb;
		if (state == NULL) {
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
			continue;
		}
		const struct pc_config *config = state->plan->config;
		/* scalar_group has extended rootoid to this scalar's ".N.0". */
		switch (reg->rootoid[reg->rootoid_len - 2]) {
		case MISSING_ENABLED:
			pc_mib_set_int(var, PC_TRUTH(config->notify_missing));
			break;
		case RESTORED_ENABLED:
			pc_mib_set_int(var, PC_TRUTH(config->notify_restored));
			break;
		case UNEXPECTED_ENABLED:
			pc_mib_set_int(var, PC_TRUTH(config->notify_unexpected));
			break;
		case COMPLIANCE_ENABLED:
			pc_mib_set_int(var, PC_TRUTH(config->notify_compliance));
			break;
		case RATE_LIMIT:
			pc_mib_set_uint(var, ASN_UNSIGNED, config->notify_rate_limit);
			break;
		case SENT:
			pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.sent & 0xffffffffu));
			break;
		case SUPPRESSED:
			pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.suppressed & 0xffffffffu));
			break;
		case DROPPED:
			pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.dropped & 0xffffffffu));
			break;
		case QUEUED:
			pc_mib_set_uint(var, ASN_GAUGE, stats.queued);
			break;
		case HOLD_DOWN:
			pc_mib_set_uint(var, ASN_UNSIGNED, config->hold_down);
			break;
		case FLAP_THRESHOLD:
			pc_mib_set_uint(var, ASN_UNSIGNED, config->flap_threshold);
			break;
		case FLAP_WINDOW:
			pc_mib_set_uint(var, ASN_UNSIGNED, config->flap_window);
			break;
		default:
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int pc_mib_notify_register(void)
{
	static const oid notify_oid[] = { PC_OID_NOTIFY };
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		"pcNotify", notify_handler, notify_oid, OID_LENGTH(notify_oid), HANDLER_CAN_RONLY);
	if (reg == NULL ||
	    netsnmp_register_scalar_group(reg, MISSING_ENABLED, FLAP_WINDOW) != MIB_REGISTERED_OK) {
		pc_log(LOG_ERR, "pcNotify: net-snmp refused the registration");
		return -1;
	}
	return 0;
}
