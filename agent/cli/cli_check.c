/* SPDX-License-Identifier: ISC */
/* portcomplyd --check: one poll, judged against the plan, reported; the
 * exit status is the Nagios plugin's (0 compliant, 1 degraded,
 * 2 nonCompliant, 3 unknown or error).
 *
 * A one-shot check judges what it sees: hold-down is 1 (an absent port is
 * missing at once, never pending) and there is no flap damping (one poll
 * has no history). The daemon's hold-down and flap settings apply to the
 * MIB and notifications only. Connect rules are checked when the
 * configuration's check-connections is on, as in the daemon. With
 * discovery = true the same poll is searched for the roles that explain
 * its listeners, and a configuration whose roles are not among the best
 * candidates is a problem (WARNING when nothing worse is: report.h says
 * why), its verdict taken at once like every status.
 *
 * A daemon serving the same configuration is asked for its AgentX link
 * over its control socket (cli/control.h): a link that is down is in the
 * report with its reason, since an NMS then sees nothing of this host.
 *
 * Errors: every one goes to err; out always gets a report, which for an
 * error is UNKNOWN and the reason, so that a Nagios server, which reads
 * only stdout, says why. */
#include "cli/cli_check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "core/discover.h"
#include "core/engine.h"
#include "core/listener_rule.h"
#include "plan/plan.h"
#include "util/program.h"
#include "cli/control.h"
#include "cli/report.h"
#include "core/snapshot.h"


static int unknown(FILE *out, FILE *err, bool json, const char *reason)
{
	fprintf(err, PC_NAME ": %s\n", reason);
	pc_report_failure(out, json, reason, NULL);
	return PC_EXIT_UNKNOWN;
}

/* The remote ports of the plan's connect rules, when the configuration
 * asks for connection checks: each poll then counts the established TCP
 * connections to them. As the daemon's poller does, only single ports. */
static int watch_connections(struct pc_collector *collector, const struct pc_plan *plan)
{
	if (!plan->config->check_connections)
		return 0;
	size_t n;
	uint16_t *ports = pc_expectations_connect_ports(&plan->expectations, &n);
	if (ports == NULL)
		return -1;
	int rc = pc_collector_set_connect_ports(collector, ports, n);
	free(ports);
	return rc;
}

/* One poll into snap; 0, or -1 with the reason in why. */
static int observe(const struct pc_plan *plan, const struct pc_collector_options *collect,
		   struct pc_snapshot *snap, char *why, size_t len)
{
	struct pc_collector_options options = {
		.mode = collect ? collect->mode : PC_COLLECT_AUTO,
		.proc_root = collect ? collect->proc_root : NULL,
		.resolve_processes = plan->config->resolve_processes,
		.watch_destroy = false,
	};
	char err[512];
	struct pc_collector *collector = pc_collector_open(&options, err, sizeof(err));
	if (collector == NULL) {
		snprintf(why, len, "cannot read the socket tables: %s", err);
		return -1;
	}
	int rc = watch_connections(collector, plan);
	if (rc < 0)
		snprintf(why, len, "cannot count connections: %s", strerror(errno));
	else if ((rc = pc_collector_poll(collector, snap, err, sizeof(err))) < 0)
		snprintf(why, len, "cannot read the socket tables: %s", err);
	pc_collector_close(collector);
	return rc;
}

/* What the daemon's discovery would conclude from this poll, at once; and
 * the poll without clients' UDP sockets, which are not judged. Discovery
 * off: out untouched, false. -1: out of memory. */
static int discover_and_keep(const struct pc_plan *plan, struct pc_snapshot *snap,
			     struct pc_discovery *out)
{
	if (!plan->config->discovery) {
		pc_snapshot_keep_listeners(snap, &plan->expectations);
		return 0;
	}
	struct pc_discover_index *ix = pc_discover_index_build(plan->catalog);
	struct pc_discover_params params = { .config = plan->config };
	struct pc_listener *also = NULL;
	int rc = -1;
	if (ix != NULL) {
		also = pc_discover_catalog_udp(ix, snap, &plan->expectations, &params.n_also);
		params.also = also;
	}
	pc_snapshot_keep_listeners(snap, &plan->expectations);
	struct pc_discover_assignment *configured =
		pc_discover_configured(plan->catalog, &plan->expectations, &params.n_configured);
	params.configured = configured;
	if (ix != NULL && pc_discover_run(ix, snap, &params, out) == 0)
		rc = 1;
	free(configured);
	free(also);
	pc_discover_index_free(ix);
	return rc;
}

static int report(FILE *out, FILE *err, bool json, enum pc_report_detail detail,
		  const struct pc_plan *plan, const struct pc_snapshot *snap,
		  const struct pc_report_agent *agent, const struct pc_discovery *discovery)
{
	const struct pc_engine_settings one_shot = {
		.hold_down = 1,
		.flap_threshold = 0, /* off */
		.flap_window = 1,
		.check_connections = plan->config->check_connections,
	};
	struct pc_evaluation ev;
	if (pc_engine_evaluate(plan, &one_shot, snap, NULL, NULL, NULL, pc_ms_of(&snap->taken_mono),
			       &ev) < 0)
		return unknown(out, err, json, "out of memory evaluating the poll");
	int status = pc_report_check_status(&ev, discovery);
	errno = 0;
	int rc = json ? pc_report_json(out, plan, snap, &ev, agent, discovery)
		       : pc_report_text(out, plan, snap, &ev, agent, discovery, detail);
	pc_evaluation_free(&ev);
	if (rc < 0) {
		fprintf(err, PC_NAME ": writing the report: %s\n",
			errno ? strerror(errno) : "out of memory");
		return PC_EXIT_UNKNOWN;
	}
	return status;
}

int pc_check_run(const struct pc_cli_args *args, const struct pc_collector_options *collect,
		 FILE *out, FILE *err)
{
	bool json = args->format != NULL && strcmp(args->format, "json") == 0;
	if (args->format != NULL && !json && strcmp(args->format, "text") != 0) {
		char reason[128];
		snprintf(reason, sizeof(reason), "--format %s: must be text or json", args->format);
		return unknown(out, err, false, reason);
	}
	if (args->config_path == NULL)
		return unknown(out, err, json, "no configuration file: give -c FILE");

	struct pc_diag diag = { 0 };
	struct pc_plan *plan = pc_plan_load(args->config_path, &diag);
	pc_diag_print(&diag, err); /* the errors, or warnings only */
	if (plan == NULL) {
		pc_report_failure(out, json, "invalid configuration", &diag);
		pc_diag_clear(&diag);
		return PC_EXIT_UNKNOWN;
	}
	pc_diag_clear(&diag);

	struct pc_snapshot snap = { 0 };
	struct pc_discovery discovery = { 0 };
	char why[600];
	int status, found;
	struct pc_report_agent agent;
	int asked = pc_control_status(args->config_path, &agent, why, sizeof(why));
	if (asked < 0)
		fprintf(err, PC_NAME ": asking the serving daemon for its AgentX link: %s\n", why);
	if (observe(plan, collect, &snap, why, sizeof(why)) < 0)
		status = unknown(out, err, json, why);
	else if ((found = discover_and_keep(plan, &snap, &discovery)) < 0)
		status = unknown(out, err, json, "out of memory while discovering");
	else
		status = report(out, err, json,
				args->brief     ? PC_REPORT_BRIEF
				: args->verbose ? PC_REPORT_VERBOSE
						: PC_REPORT_DEFAULT,
				plan, &snap, asked > 0 ? &agent : NULL, found ? &discovery : NULL);
	pc_discovery_free(&discovery);
	pc_snapshot_clear(&snap);
	pc_plan_unref(plan);
	return status;
}

int pc_cli_check(const struct pc_cli_args *args)
{
	return pc_check_run(args, NULL, stdout, stderr);
}
