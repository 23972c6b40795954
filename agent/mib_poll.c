/* pcPoll: statistics of the polls behind everything else in the MIB. */
#include <string.h>
#include <time.h>

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

static int poll_value(const struct pc_state *state, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_snapshot *snap = &state->snap;
	u_char text[11];

	switch (n) {
	case POLL_COUNT:
		pc_mib_set_uint(var, ASN_COUNTER, state->poll_count);
		return 0;
	case LAST_POLL_TIME:
		pc_mib_set_octets(var, text, date_and_time(&snap->taken_at, text));
		return 0;
	case POLL_DURATION:
		pc_mib_set_uint(var, ASN_GAUGE, snap->duration_us);
		return 0;
	case LISTENER_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, snap->n_listeners);
		return 0;
	case POLL_ERRORS:
		pc_mib_set_uint(var, ASN_COUNTER, state->poll_errors);
		return 0;
	case POLL_SOURCE:
		pc_mib_set_int(var, snap->source);
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

int pc_mib_poll_register(void)
{
	static const oid poll_oid[] = { PC_OID_POLL };
	static struct pc_mib_scalars group = { "pcPoll", POLL_SOURCE, poll_value };
	return pc_mib_scalars_register(&group, poll_oid, OID_LENGTH(poll_oid));
}
