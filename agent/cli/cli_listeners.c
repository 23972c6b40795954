/* SPDX-License-Identifier: ISC */
/* portcomplyd --listeners [--all]: one poll of the collector, printed. For
 * audits and, with --all, for comparing with `ss -Hltun`
 * (tests/integration/t_collector_vs_ss.sh does exactly that).
 *
 * Text: an aligned table under a header row, like the other one-shot
 * commands: PROTO ADDRESS PORT SOCKETS PID PROCESS DEVICE, one listener a
 * row; the address names a bound device as ss does ("0.0.0.0%eth1"),
 * DEVICE is up, down or absent for such a listener, else "-". Without
 * --all, only listeners (core/listener_rule.h: not clients' UDP sockets);
 * with it, every bound UDP socket too, and LISTENER and WHY say whether
 * each counts as a listener and why (not). */
#include "cli/cli_listeners.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "collect/collect.h"
#include "core/listener_rule.h"
#include "plan/plan.h"
#include "util/json.h"
#include "util/program.h"
#include "cli/report.h"
#include "util/text_table.h"

/* A row of the text table: the listener, the snapshot that knows its
 * device, and the plan's expectations (--all: why it is a listener). */
struct listener_row {
	const struct pc_snapshot *snap;
	const struct pc_listener *l;
	const struct pc_expectations *exps;
};

static void listener_cell(const void *p, int column, char *buf, size_t len)
{
	const struct listener_row *row = p;
	const struct pc_listener *l = row->l;
	enum pc_device_status device;
	switch (column) {
	case 0: snprintf(buf, len, "%s", pc_proto_name(l->local.proto)); break;
	case 1: pc_listener_format_addr(row->snap, l, buf, len); break;
	case 2: snprintf(buf, len, "%u", l->local.port); break;
	case 3: snprintf(buf, len, "%u", l->sockets); break;
	case 4: snprintf(buf, len, l->pid > 0 ? "%d" : "-", (int)l->pid); break;
	case 5: snprintf(buf, len, "%s", l->process[0] != '\0' ? l->process : "-"); break;
	case 6:
		device = pc_listener_device_status(row->snap, l);
		snprintf(buf, len, "%s",
			 device != PC_DEVICE_NONE ? pc_device_status_name(device) : "-");
		break;
	case 7:
		snprintf(buf, len, "%s",
			 pc_listen_reason_counts(pc_listen_reason_of(l, row->exps)) ? "yes" : "no");
		break;
	default:
		snprintf(buf, len, "%s", pc_listen_reason_name(pc_listen_reason_of(l, row->exps)));
		break;
	}
}

static int write_text(FILE *out, const struct pc_snapshot *snap, bool all,
		      const struct pc_expectations *exps)
{
	static const char *const headers[] = { "PROTO",	  "ADDRESS", "PORT",	 "SOCKETS", "PID",
					       "PROCESS", "DEVICE",  "LISTENER", "WHY" };
	struct listener_row *rows = malloc((snap->n_listeners + 1) * sizeof(*rows));
	if (rows == NULL)
		return -1;
	for (size_t i = 0; i < snap->n_listeners; i++)
		rows[i] = (struct listener_row){ snap, &snap->listeners[i], exps };
	pc_text_table(out, "", headers, all ? 9 : 7, rows, sizeof(*rows), snap->n_listeners,
		      listener_cell);
	free(rows);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

static int write_listeners(FILE *out, const struct pc_snapshot *snap, bool json, bool all,
			   const struct pc_expectations *exps)
{
	if (!json)
		return write_text(out, snap, all, exps);
	fputs("[", out);
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		char addr[64];
		pc_listener_format_addr(snap, l, addr, sizeof(addr));
		fprintf(out, "%s\n  {\"proto\": \"%s\", \"address\": ", i == 0 ? "" : ",",
			pc_proto_name(l->local.proto));
		pc_json_string(out, addr);
		fprintf(out, ", \"port\": %u, \"sockets\": %u, \"pid\": ", l->local.port,
			l->sockets);
		if (l->pid > 0)
			fprintf(out, "%d", (int)l->pid);
		else
			fputs("null", out);
		fputs(", \"process\": ", out);
		if (l->process[0] != '\0')
			pc_json_string(out, l->process);
		else
			fputs("null", out);
		pc_report_json_device(out, snap, l);
		if (all) {
			enum pc_listen_reason why = pc_listen_reason_of(l, exps);
			fprintf(out, ", \"listener\": %s, \"why\": \"%s\"",
				pc_listen_reason_counts(why) ? "true" : "false",
				pc_listen_reason_name(why));
		}
		fputs("}", out);
	}
	fputs(snap->n_listeners > 0 ? "\n]\n" : "]\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int pc_listeners_write(FILE *out, const struct pc_snapshot *snap, bool json)
{
	return write_listeners(out, snap, json, false, NULL);
}

int pc_listeners_write_all(FILE *out, const struct pc_snapshot *snap,
			   const struct pc_expectations *exps, bool json)
{
	return write_listeners(out, snap, json, true, exps);
}

/* The plan of the configuration given with -c (which must then load),
 * else of the default file when there is one: its resolve-processes, and
 * the UDP ports its roles expect (which are listeners whatever their
 * port). *plan stays NULL without a configuration. */
static int load_plan(const struct pc_cli_args *args, struct pc_plan **plan)
{
	*plan = NULL;
	if (args->config_path == NULL ||
	    (!args->config_given && access(args->config_path, F_OK) != 0))
		return 0;
	struct pc_diag diag = { 0 };
	*plan = pc_plan_load(args->config_path, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	return *plan != NULL ? 0 : -1;
}

int pc_cli_listeners(const struct pc_cli_args *args)
{
	bool json = false;
	if (args->format != NULL && strcmp(args->format, "text") != 0) {
		if (strcmp(args->format, "json") != 0) {
			fprintf(stderr, PC_NAME ": --format %s: want text or json\n", args->format);
			return 2;
		}
		json = true;
	}
	struct pc_plan *plan;
	if (load_plan(args, &plan) < 0)
		return 2;
	const struct pc_expectations *exps = plan != NULL ? &plan->expectations : NULL;

	char err[512];
	struct pc_collector_options options = {
		.mode = PC_COLLECT_AUTO,
		.resolve_processes = plan != NULL ? plan->config->resolve_processes : true,
	};
	struct pc_collector *collector = pc_collector_open(&options, err, sizeof(err));
	if (collector == NULL) {
		fprintf(stderr, PC_NAME ": %s\n", err);
		pc_plan_unref(plan);
		return 1;
	}
	struct pc_snapshot snap = { 0 };
	int status = 0;
	if (pc_collector_poll(collector, &snap, err, sizeof(err)) < 0) {
		fprintf(stderr, PC_NAME ": %s\n", err);
		status = 1;
	} else {
		if (snap.errors > 0)
			fprintf(stderr, PC_NAME ": %u malformed records skipped\n", snap.errors);
		if (!args->all)
			pc_snapshot_keep_listeners(&snap, exps);
		if ((args->all ? pc_listeners_write_all(stdout, &snap, exps, json)
			       : pc_listeners_write(stdout, &snap, json)) < 0) {
			fprintf(stderr, PC_NAME ": writing the listeners: %s\n", strerror(errno));
			status = 1;
		}
	}
	pc_snapshot_clear(&snap);
	pc_collector_close(collector);
	pc_plan_unref(plan);
	return status;
}
