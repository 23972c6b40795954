/* pcNotify: the notification settings in use and what became of the
 * notifications (objects 20-26 are accessible-for-notify: never served). */
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

static int notify_value(const struct pc_state *state, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_config *config = state->plan->config;
	struct pc_notify_stats stats = pc_notify_stats();

	switch (n) {
	case MISSING_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_missing));
		return 0;
	case RESTORED_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_restored));
		return 0;
	case UNEXPECTED_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_unexpected));
		return 0;
	case COMPLIANCE_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_compliance));
		return 0;
	case RATE_LIMIT:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->notify_rate_limit);
		return 0;
	case SENT: /* Counter32 wraps */
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.sent & 0xffffffffu));
		return 0;
	case SUPPRESSED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.suppressed & 0xffffffffu));
		return 0;
	case DROPPED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.dropped & 0xffffffffu));
		return 0;
	case QUEUED:
		pc_mib_set_uint(var, ASN_GAUGE, stats.queued);
		return 0;
	case HOLD_DOWN:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->hold_down);
		return 0;
	case FLAP_THRESHOLD:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->flap_threshold);
		return 0;
	case FLAP_WINDOW:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->flap_window);
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

int pc_mib_notify_register(void)
{
	static const oid notify_oid[] = { PC_OID_NOTIFY };
	static struct pc_mib_scalars group = { "pcNotify", FLAP_WINDOW, notify_value };
	return pc_mib_scalars_register(&group, notify_oid, OID_LENGTH(notify_oid));
}
