/* portcomplyd --listeners: one poll of the collector, printed. For audits
 * and for comparing with `ss -Hltun` (tests/integration/t_collector_vs_ss.sh
 * does exactly that).
 *
 * Text: an aligned table under a header row, like the other one-shot
 * commands: PROTO ADDRESS PORT SOCKETS PID PROCESS DEVICE, one listener a
 * row; the address names a bound device as ss does ("0.0.0.0%eth1"),
 * DEVICE is up, down or absent for such a listener, else "-". */
#include "cli/cli_listeners.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "collect/collect.h"
#include "plan/config.h"
#include "util/json.h"
#include "util/program.h"
#include "cli/report.h"
#include "util/text_table.h"

/* A row of the text table: the listener, and the snapshot that knows its
 * device. */
struct listener_row {
	const struct pc_snapshot *snap;
	const struct pc_listener *l;
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
	default:
		device = pc_listener_device_status(row->snap, l);
		snprintf(buf, len, "%s",
			 device != PC_DEVICE_NONE ? pc_device_status_name(device) : "-");
		break;
	}
}

static int write_text(FILE *out, const struct pc_snapshot *snap)
{
	static const char *const headers[] = { "PROTO", "ADDRESS", "PORT",  "SOCKETS",
					       "PID",   "PROCESS", "DEVICE" };
	struct listener_row *rows = malloc((snap->n_listeners + 1) * sizeof(*rows));
	if (rows == NULL)
		return -1;
	for (size_t i = 0; i < snap->n_listeners; i++)
		rows[i] = (struct listener_row){ snap, &snap->listeners[i] };
	pc_text_table(out, "", headers, 7, rows, sizeof(*rows), snap->n_listeners, listener_cell);
	free(rows);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int pc_listeners_write(FILE *out, const struct pc_snapshot *snap, bool json)
{
	if (!json)
		return write_text(out, snap);
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
		fputs("}", out);
	}
	fputs(snap->n_listeners > 0 ? "\n]\n" : "]\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* resolve-processes from the configuration: the one given with -c (which
 * must then load), else the default file when there is one. */
static int resolve_processes_setting(const struct pc_cli_args *args, bool *resolve)
{
	*resolve = true;
	if (args->config_path == NULL ||
	    (!args->config_given && access(args->config_path, F_OK) != 0))
		return 0;
	struct pc_diag diag = { 0 };
	struct pc_config *config = pc_config_load(args->config_path, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	if (config == NULL)
		return -1;
	*resolve = config->resolve_processes;
	pc_config_free(config);
	return 0;
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
	bool resolve;
	if (resolve_processes_setting(args, &resolve) < 0)
		return 2;

	char err[512];
	struct pc_collector_options options = {
		.mode = PC_COLLECT_AUTO,
		.resolve_processes = resolve,
	};
	struct pc_collector *collector = pc_collector_open(&options, err, sizeof(err));
	if (collector == NULL) {
		fprintf(stderr, PC_NAME ": %s\n", err);
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
		if (pc_listeners_write(stdout, &snap, json) < 0) {
			fprintf(stderr, PC_NAME ": writing the listeners: %s\n", strerror(errno));
			status = 1;
		}
	}
	pc_snapshot_clear(&snap);
	pc_collector_close(collector);
	return status;
}
