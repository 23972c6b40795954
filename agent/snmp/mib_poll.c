/* SPDX-License-Identifier: ISC */
/* pcPoll: statistics of the polls behind everything else in the MIB. */
#include <string.h>
#include <time.h>

#include "snmp/mib_internal.h"

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

static int poll_value(const struct pc_mib_view *view, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_state *state = view->state;
	const struct pc_snapshot *snap = &state->snap;
	u_char text[11];

	switch ((enum pcmib_poll_scalar)n) {
	case PCMIB_POLL_COUNT:
		pc_mib_set_uint(var, ASN_COUNTER, state->poll_count);
		return 0;
	case PCMIB_LAST_POLL_TIME:
		pc_mib_set_octets(var, text, date_and_time(&snap->taken_at, text));
		return 0;
	case PCMIB_POLL_DURATION:
		pc_mib_set_uint(var, ASN_GAUGE, snap->duration_us);
		return 0;
	case PCMIB_LISTENER_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, snap->n_listeners);
		return 0;
	case PCMIB_POLL_ERRORS:
		pc_mib_set_uint(var, ASN_COUNTER, state->poll_errors);
		return 0;
	case PCMIB_POLL_SOURCE:
		pc_mib_set_int(var, snap->source);
		return 0;
	case PCMIB_UDP_CLIENT_COUNT:
		pc_mib_set_uint(var, ASN_GAUGE, snap->udp_clients);
		return 0;
	case PCMIB_NAMING_STATUS:
		/* Before the first poll nothing was named yet: working, as far
		 * as anyone knows. */
		pc_mib_set_int(var, snap->naming.health != PC_NAMING_HEALTH_UNSET ? snap->naming.health
										  : PC_NAMING_WORKING);
		return 0;
	case PCMIB_NAMING_REASON:
		pc_mib_set_string(var, snap->naming.reason);
		return 0;
	case PCMIB_NAMING_RESTARTS:
		pc_mib_set_uint(var, ASN_COUNTER, snap->naming.restarts);
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

PC_MIB_SCALARS(pc_mib_poll_def, "pcPoll", POLL, poll_value);
