/* SPDX-License-Identifier: ISC */
/* pcNotify: the notification settings in use and what became of the
 * notifications (the accessible-for-notify objects are never served). */
#include "snmp/mib_internal.h"

static int notify_value(const struct pc_mib_view *view, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_config *config = view->state->plan->config;
	const struct pc_notify_stats stats = view->notify;

	switch ((enum pcmib_notify_scalar)n) {
	case PCMIB_NOTIFY_MISSING_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_missing));
		return 0;
	case PCMIB_NOTIFY_RESTORED_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_restored));
		return 0;
	case PCMIB_NOTIFY_UNEXPECTED_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_unexpected));
		return 0;
	case PCMIB_NOTIFY_COMPLIANCE_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(config->notify_compliance));
		return 0;
	case PCMIB_NOTIFY_RATE_LIMIT:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->notify_rate_limit);
		return 0;
	case PCMIB_NOTIFICATIONS_SENT: /* Counter32 wraps */
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.sent & 0xffffffffu));
		return 0;
	case PCMIB_NOTIFICATIONS_SUPPRESSED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.suppressed & 0xffffffffu));
		return 0;
	case PCMIB_NOTIFICATIONS_DROPPED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.dropped & 0xffffffffu));
		return 0;
	case PCMIB_NOTIFICATIONS_RETRIED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.retried & 0xffffffffu));
		return 0;
	case PCMIB_NOTIFICATIONS_FOLDED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.folded & 0xffffffffu));
		return 0;
	case PCMIB_NOTIFICATIONS_REFUSED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.refused & 0xffffffffu));
		return 0;
	case PCMIB_NOTIFICATIONS_UNCONFIRMED:
		pc_mib_set_uint(var, ASN_COUNTER, (unsigned long)(stats.unconfirmed & 0xffffffffu));
		return 0;
	case PCMIB_NOTIFICATIONS_QUEUED:
		pc_mib_set_uint(var, ASN_GAUGE, stats.queued);
		return 0;
	case PCMIB_HOLD_DOWN:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->hold_down);
		return 0;
	case PCMIB_FLAP_THRESHOLD:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->flap_threshold);
		return 0;
	case PCMIB_FLAP_WINDOW:
		pc_mib_set_uint(var, ASN_UNSIGNED, config->flap_window);
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

PC_MIB_SCALARS(pc_mib_notify_def, "pcNotify", NOTIFY, notify_value);
