/* pcPoll: statistics of the polls behind everything else in the MIB. */
#include <string.h>
#include <time.h>

#include "log.h"
#include "mib_internal.h"

enum {
	POLL_COUNT = 1,
	LAST_POLL_TIME = 2,
	POLL_DURATION = 3,
	LISTENER_COUNT = 4,
	POLL_ERRORS = 5,
	POLL_SOURCE = 6,
};

/* DateAndTime (SNMPv2-TC) in UTC; all zeros before the first poll. */
static size_t date_and_time(const struct timespec *ts, u_char out[11])
{
	struct tm tm;

	memset(out, 0, 11);
	if (ts->tv_sec == 0 || gmtime_r(&ts->tv_sec, &tm) == NULL)
		return 8;
	int year = tm.tm_year + 1900;
	out[0] = (u_char)(year >> 8);
	out[1] = (u_char)year;
	out[2] = (u_char)(tm.tm_mon + 1);
	out[3] = (u_char)tm.tm_mday;
	out[4] = (u_char)tm.tm_hour;
	out[5] = (u_char)tm.tm_min;
	out[6] = (u_char)(tm.tm_sec > 59 ? 59 : tm.tm_sec); /* leap second: DateAndTime stops at 60 */
	out[7] = (u_char)(ts->tv_nsec / 100000000);
	out[8] = '+';
	return 11;
}

static int poll_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)handler;
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;

	const struct pc_state *state = pc_mib_state();
	static const struct pc_snapshot no_snapshot;
	const struct pc_snapshot *snap = state != NULL ? &state->snap : &no_snapshot;

	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		netsnmp_variable_list *var = r->requestvb;
		u_long value;
		/* scalar_group has extended rootoid to this scalar's ".N.0". */
		switch (reg->rootoid[reg->rootoid_len - 2]) {
		case POLL_COUNT:
			value = state != NULL ? state->poll_count : 0;
			snmp_set_var_typed_value(var, ASN_COUNTER, &value, sizeof(value));
			break;
		case LAST_POLL_TIME: {
			u_char text[11];
			size_t len = date_and_time(&snap->taken_at, text);
			snmp_set_var_typed_value(var, ASN_OCTET_STR, text, len);
			break;
		}
		case POLL_DURATION:
			value = snap->duration_us;
			snmp_set_var_typed_value(var, ASN_GAUGE, &value, sizeof(value));
			break;
		case LISTENER_COUNT:
			value = snap->n_listeners;
			snmp_set_var_typed_value(var, ASN_GAUGE, &value, sizeof(value));
			break;
		case POLL_ERRORS:
			value = state != NULL ? state->poll_errors : 0;
			snmp_set_var_typed_value(var, ASN_COUNTER, &value, sizeof(value));
			break;
		case POLL_SOURCE: {
			long source = snap->source;
			snmp_set_var_typed_value(var, ASN_INTEGER, &source, sizeof(source));
			break;
		}
		default:
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int pc_mib_poll_register(void)
{
	static const oid poll_oid[] = { PC_OID_POLL };
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		"pcPoll", poll_handler, poll_oid, OID_LENGTH(poll_oid), HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_scalar_group(reg, POLL_COUNT, POLL_SOURCE) !=
				   MIB_REGISTERED_OK) {
		pc_log(LOG_ERR, "pcPoll: net-snmp refused the registration");
		return -1;
	}
	return 0;
}
