/* SPDX-License-Identifier: ISC */
/* Log lines for the engine's events (eventlog.h). */
#include "daemon/eventlog.h"

#include <stdio.h>

#include "plan/catalog.h"
#include "util/log.h"

static const char *or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

/* Worse: anything but compliant after anything better (unknown, the
 * state before the first poll, counts as nothing). */
static bool worse(enum pc_compliance previous, enum pc_compliance current)
{
	if (current == PC_COMPLIANCE_UNKNOWN)
		return true;
	if (current == PC_COMPLIANT)
		return false;
	return previous == PC_COMPLIANCE_UNKNOWN || current > previous;
}

int pc_eventlog_format(const struct pc_event *e, char *buf, size_t len)
{
	char instance[16] = "-", addr[64], reason[48] = "", where[32] = "";

	if (e->instance >= 0)
		snprintf(instance, sizeof(instance), "%d", e->instance);
	switch (e->type) {
	case PC_EVENT_MISSING:
	case PC_EVENT_RESTORED:
		if (e->status == PC_PORT_WRONG_ADDRESS && e->problem > PC_PROBLEM_NONE)
			snprintf(reason, sizeof(reason), " reason=%s",
				 pc_address_problem_name(e->problem));
		/* A range rule: the port of the listener concerned too. */
		if (e->listener_port != 0 && e->listener_port != e->port)
			snprintf(where, sizeof(where), " listener-port=%u", (unsigned)e->listener_port);
		snprintf(buf, len,
			 "%s role=%s instance=%s side=%s rule=%s protocol=%s port=%u%s status=%s%s",
			 e->type == PC_EVENT_MISSING ? "pcListenerMissing" : "pcListenerRestored",
			 or_dash(e->role), instance,
			 or_dash(e->side != PC_SIDE_NONE ? pc_side_name(e->side) : NULL),
			 or_dash(e->rule), pc_proto_name(e->protocol), (unsigned)e->port, where,
			 pc_port_status_name(e->status), reason);
		return e->type == PC_EVENT_MISSING ? LOG_WARNING : LOG_NOTICE;
	case PC_EVENT_UNEXPECTED: {
		/* Without a pid, why: nobody holds it, or naming could not say. */
		const char *naming = e->pid > 0 ? NULL : pc_naming_name((enum pc_naming)e->naming);
		pc_endpoint_format_addr(&e->local, addr, sizeof(addr));
		snprintf(buf, len,
			 "pcUnexpectedListener protocol=%s address=%s port=%u pid=%d process=%s%s%s",
			 pc_proto_name(e->local.proto), addr, (unsigned)e->local.port, (int)e->pid,
			 or_dash(e->process), naming != NULL ? " naming=" : "", naming != NULL ? naming : "");
		return LOG_WARNING;
	}
	case PC_EVENT_COMPLIANCE:
		snprintf(buf, len, "pcComplianceChanged compliance=%s previous=%s missing=%u unexpected=%u",
			 pc_compliance_name(e->current), pc_compliance_name(e->previous),
			 (unsigned)e->missing_count, (unsigned)e->unexpected_count);
		return worse(e->previous, e->current) ? LOG_WARNING : LOG_NOTICE;
	case PC_EVENT_SUMMARY: /* notify's, not the engine's: the log had each one */
		snprintf(buf, len, "pcNotificationsSkipped compliance=%s alarms=%u unexpected=%u",
			 pc_compliance_name(e->current), (unsigned)e->skipped_alarms,
			 (unsigned)e->skipped_unexpected);
		return LOG_NOTICE;
	case PC_EVENT_DISCOVERY: {
		char best[320], configured[320];
		pc_discover_words_list(&e->best, PC_DISCOVER_LIST_TOKEN, best, sizeof(best));
		pc_discover_words_list(&e->configured, PC_DISCOVER_LIST_TOKEN, configured,
				       sizeof(configured));
		snprintf(buf, len, "pcDiscoveryVerdictChanged verdict=%s previous=%s best=%s "
				   "configured=%s",
			 pc_discover_verdict_name(e->verdict),
			 pc_discover_verdict_name(e->verdict_previous), best, configured);
		return e->verdict == PC_DISCOVER_DIFFERS ? LOG_WARNING : LOG_NOTICE;
	}
	}
	snprintf(buf, len, "event of unknown type %d", (int)e->type);
	return LOG_WARNING;
}

void pc_eventlog(const struct pc_event *e)
{
	char line[1024];
	int level = pc_eventlog_format(e, line, sizeof(line));
	pc_log(level, "%s", line);
}

void pc_eventlog_box(const struct pc_event_box *box)
{
	size_t n = pc_event_box_count(box);
	for (size_t i = 0; i < n; i++)
		pc_eventlog(pc_event_box_at(box, i));
	if (box->coalesced > 0)
		pc_log(LOG_WARNING, "pcUnexpectedListener: %llu more new listeners, counted, not "
				    "listed one by one",
		       (unsigned long long)box->coalesced);
}
