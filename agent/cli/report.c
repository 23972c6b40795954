/* SPDX-License-Identifier: ISC */
/* The parts of the --check report that do not depend on its format: the
 * Nagios exit status, counting, and the report of a check that could not
 * be made. report_text.c and report_json.c write the two formats. */
#include "cli/report_internal.h"

#include <string.h>
#include <time.h>

#include "util/json.h"

int pc_report_exit_status(enum pc_compliance compliance)
{
	switch (compliance) {
	case PC_COMPLIANT: return PC_EXIT_OK;
	case PC_DEGRADED: return PC_EXIT_WARNING;
	case PC_NON_COMPLIANT: return PC_EXIT_CRITICAL;
	case PC_COMPLIANCE_UNKNOWN: return PC_EXIT_UNKNOWN;
	}
	return PC_EXIT_UNKNOWN;
}

const char *pc_report_status_name(int status)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	return status >= PC_EXIT_OK && status <= PC_EXIT_UNKNOWN ? names[status] : "UNKNOWN";
}

const char *pc_report_state_name(enum pc_compliance compliance)
{
	return pc_report_status_name(pc_report_exit_status(compliance));
}

int pc_report_check_status(const struct pc_evaluation *ev, const struct pc_discovery *discovery)
{
	int status = pc_report_exit_status(ev->host);
	if (status == PC_EXIT_OK && discovery != NULL && discovery->verdict == PC_DISCOVER_DIFFERS)
		return PC_EXIT_WARNING;
	return status;
}

enum pc_port_status pc_report_status(const struct pc_evaluation *ev, size_t i)
{
	enum pc_port_status status = ev->expect[i].status;
	return status >= PC_PORT_PRESENT && status <= PC_PORT_STATUS_MAX ? status
									  : PC_PORT_UNKNOWN;
}

enum pc_listener_class pc_report_class(const struct pc_evaluation *ev, size_t j)
{
	enum pc_listener_class class = ev->listeners[j].class;
	return class >= PC_CLASS_EXPECTED && class <= PC_CLASS_MAX ? class : 0;
}

void pc_report_count(const struct pc_plan *plan, const struct pc_snapshot *snap,
		     const struct pc_evaluation *ev, struct pc_report_tally *tally)
{
	*tally = (struct pc_report_tally){ 0 };
	tally->n_expect = ev->n_expect < plan->expectations.n ? ev->n_expect : plan->expectations.n;
	tally->n_listeners = ev->n_listeners < snap->n_listeners ? ev->n_listeners
								  : snap->n_listeners;
	for (size_t i = 0; i < tally->n_expect; i++) {
		enum pc_port_status status = pc_report_status(ev, i);
		tally->status[status]++;
		if (plan->expectations.items[i].required)
			tally->required[status]++;
	}
	for (size_t j = 0; j < tally->n_listeners; j++)
		tally->klass[pc_report_class(ev, j)]++;
}

const struct pc_listener *pc_report_matched(const struct pc_snapshot *snap,
					    const struct pc_evaluation *ev, size_t i)
{
	int32_t j = ev->expect[i].listener;
	return j >= 0 && (size_t)j < snap->n_listeners && (size_t)j < ev->n_listeners
		       ? &snap->listeners[j]
		       : NULL;
}

long pc_report_served(const struct pc_plan *plan, const struct pc_evaluation *ev, size_t j)
{
	int32_t i = ev->listeners[j].expectation;
	return i >= 0 && (size_t)i < plan->expectations.n && (size_t)i < ev->n_expect ? i : -1;
}

const char *pc_report_role_name(const struct pc_plan *plan, const struct pc_evaluation *ev,
				size_t r)
{
	if (ev->roles[r].name != NULL)
		return ev->roles[r].name;
	return r < plan->config->n_roles ? plan->config->roles[r].name : "?";
}

void pc_report_instance_name(const struct pc_evaluation *ev, int number, char *buf, size_t len)
{
	for (size_t k = 0; k < ev->n_instances; k++)
		if (ev->instances[k].number == number && ev->instances[k].name[0] != '\0') {
			snprintf(buf, len, "%s", ev->instances[k].name);
			return;
		}
	snprintf(buf, len, "instance-%d", number);
}

const char *pc_report_source_name(enum pc_poll_source source)
{
	switch (source) {
	case PC_SOURCE_NETLINK: return "netlink";
	case PC_SOURCE_PROCFS: return "procfs";
	case PC_SOURCE_NONE: return "none";
	}
	return "none";
}

const char *pc_report_addr_type_name(uint8_t type)
{
	switch (type) {
	case PC_INET_IPV4: return "ipv4";
	case PC_INET_IPV6: return "ipv6";
	case PC_INET_IPV4Z: return "ipv4z";
	case PC_INET_IPV6Z: return "ipv6z";
	default: return "unknown";
	}
}

void pc_report_time(const struct timespec *when, char *buf, size_t len)
{
	struct tm tm;
	time_t seconds = when->tv_sec;
	if (gmtime_r(&seconds, &tm) == NULL) {
		snprintf(buf, len, "unknown");
		return;
	}
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", date, (long)(when->tv_nsec / 1000000));
}

/* The line that made the load fail: diag.c marks warnings in the text. */
static const char *first_error(const struct pc_diag *diag)
{
	if (diag == NULL || diag->n_lines == 0)
		return NULL;
	for (size_t k = 0; k < diag->n_lines; k++)
		if (strstr(diag->lines[k], ": warning: ") == NULL)
			return diag->lines[k];
	return diag->lines[0];
}

void pc_report_plain(char *buf, size_t len, const char *s)
{
	pc_diag_plain(buf, len, s);
	for (char *bar = buf; len > 0 && (bar = strchr(bar, '|')) != NULL; bar++)
		*bar = '/'; /* a '|' would start the performance data */
}

int pc_report_failure(FILE *out, bool json, const char *reason, const struct pc_diag *diag)
{
	const char *detail = first_error(diag);
	size_t more = diag != NULL && diag->n_lines > 1 ? diag->n_lines - 1 : 0;
	if (!json) {
		/* One line, cut to what NRPE passes on; the suffix saying how
		 * many lines are on stderr is kept whole. */
		char line[PC_REPORT_BRIEF_MAX], plain[PC_REPORT_BRIEF_MAX], suffix[64] = "";
		if (more > 0)
			snprintf(suffix, sizeof(suffix), " (and %zu more line%s on stderr)", more,
				 more == 1 ? "" : "s");
		pc_report_plain(plain, sizeof(plain), reason);
		int n = snprintf(line, sizeof(line) - strlen(suffix) - 1, "PORTCOMPLY UNKNOWN - %s",
				 plain);
		if (detail != NULL && n >= 0 && (size_t)n < sizeof(line) - strlen(suffix) - 1) {
			pc_report_plain(plain, sizeof(plain), detail);
			snprintf(line + n, sizeof(line) - strlen(suffix) - 1 - (size_t)n, ": %s",
				 plain);
		}
		fprintf(out, "%s%s\n", line, suffix);
	} else {
		fprintf(out, "{\"compliance\": \"%s\", \"state\": \"UNKNOWN\", \"exit_status\": %d, "
			     "\"error\": ",
			pc_compliance_name(PC_COMPLIANCE_UNKNOWN), PC_EXIT_UNKNOWN);
		pc_json_string(out, reason);
		fputs(", \"diagnostics\": [", out);
		for (size_t k = 0; diag != NULL && k < diag->n_lines; k++) {
			fputs(k ? ", " : "", out);
			pc_json_string(out, diag->lines[k]);
		}
		fputs("]}\n", out);
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
