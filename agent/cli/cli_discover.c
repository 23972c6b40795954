/* SPDX-License-Identifier: ISC */
/* portcomplyd --discover: one poll, then which roles, instances, sides and
 * slots of the catalog explain this host's listeners (core/discover.h),
 * best first; as text, JSON, or the best candidate as a configuration that
 * --check -c accepts as it is.
 *
 * The catalog and the ignore statements come from the configuration when
 * -c names one or the default one exists; its roles, if any, are compared
 * with the candidates. Without a configuration, the default catalog.
 * Sockets count as the daemon's discovery counts them: the listeners
 * (core/listener_rule.h), and the UDP sockets on a port of the ephemeral
 * range that the catalog names (pc_discover_catalog_udp). */
#include "cli/cli_discover.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/discover.h"
#include "core/listener_rule.h"
#include "plan/catalog_load.h"
#include "plan/plan.h"
#include "util/json.h"
#include "util/program.h"
#include "util/text_table.h"
#include "util/transport.h"

#define EXIT_RUNTIME 1
#define EXIT_INVALID 2

/* What the command works from. */
struct source {
	struct pc_plan *plan; /* NULL when no configuration */
	struct pc_catalog *catalog; /* without a plan: the default catalog */
	char catalog_path[PATH_MAX]; /* absolute: what --format conf names */
	char site_catalog_path[PATH_MAX]; /* "" when none */
};

static const struct pc_catalog *catalog_of(const struct source *src)
{
	return src->plan ? src->plan->catalog : src->catalog;
}

static void absolute(const char *path, char *out, size_t len)
{
	char real[PATH_MAX];
	snprintf(out, len, "%s", realpath(path, real) != NULL ? real : path);
}

static int load_source(const struct pc_cli_args *args, struct source *src, FILE *err)
{
	struct pc_diag diag = { 0 };
	memset(src, 0, sizeof(*src));
	if (args->config_given || (args->config_path && access(args->config_path, F_OK) == 0)) {
		src->plan = pc_plan_load(args->config_path, &diag);
		pc_diag_print(&diag, err);
		pc_diag_clear(&diag);
		if (src->plan == NULL)
			return EXIT_INVALID;
		const struct pc_config *config = src->plan->config;
		char *dir = pc_config_resolve_path(config, config->catalog_dir);
		absolute(dir ? dir : config->catalog_dir, src->catalog_path, sizeof(src->catalog_path));
		free(dir);
		if (config->site_catalog != NULL) {
			char *site = pc_config_resolve_path(config, config->site_catalog);
			absolute(site ? site : config->site_catalog, src->site_catalog_path,
				 sizeof(src->site_catalog_path));
			free(site);
		}
		return 0;
	}
	if (args->default_catalog_dir == NULL) {
		fprintf(err, PC_NAME ": no catalog: give -c FILE\n");
		return EXIT_INVALID;
	}
	src->catalog = pc_catalog_load(&args->default_catalog_dir, 1, &diag);
	pc_diag_print(&diag, err);
	pc_diag_clear(&diag);
	if (src->catalog == NULL)
		return EXIT_INVALID;
	absolute(args->default_catalog_dir, src->catalog_path, sizeof(src->catalog_path));
	return 0;
}

static int observe(const struct pc_collector_options *collect, struct pc_snapshot *snap,
		   FILE *err)
{
	struct pc_collector_options options = {
		.mode = collect ? collect->mode : PC_COLLECT_AUTO,
		.proc_root = collect ? collect->proc_root : NULL,
		.resolve_processes = false, /* ports are what discovery reads */
		.watch_destroy = false,
	};
	char why[512];
	struct pc_collector *collector = pc_collector_open(&options, why, sizeof(why));
	if (collector == NULL) {
		fprintf(err, PC_NAME ": cannot read the socket tables: %s\n", why);
		return -1;
	}
	int rc = pc_collector_poll(collector, snap, why, sizeof(why));
	if (rc < 0)
		fprintf(err, PC_NAME ": cannot read the socket tables: %s\n", why);
	pc_collector_close(collector);
	return rc;
}

/* ---- text ----------------------------------------------------------------- */

static void score_text(int64_t score, char *buf, size_t len)
{
	int64_t thousandths = score / (PC_DISCOVER_UNIT / 1000);
	int64_t whole = thousandths / 1000, part = thousandths % 1000;
	snprintf(buf, len, "%s%lld.%03lld", score < 0 ? "-" : "",
		 (long long)(whole < 0 ? -whole : whole), (long long)(part < 0 ? -part : part));
}

static void ports_text(const struct pc_discover_port *ports, size_t n, bool more, char *buf,
		       size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[32];
		pc_discover_format_port(&ports[i], one, sizeof(one));
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", one);
	}
	if (more) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, ", ...");
	}
}

static void assignment_cell(const struct pc_discover_assignment *a, int column, char *buf,
			    size_t len)
{
	switch (column) {
	case 0: snprintf(buf, len, "%s", a->role->name); break;
	case 1: snprintf(buf, len, a->instance >= 0 ? "%d" : "-", a->instance); break;
	case 2: snprintf(buf, len, "%s", a->side != PC_SIDE_NONE ? pc_side_name(a->side) : "-"); break;
	default: snprintf(buf, len, a->slot > 0 ? "%d" : "-", a->slot); break;
	}
}

static void pick_cell(const void *row, int column, char *buf, size_t len)
{
	const struct pc_discover_pick *p = row;
	if (column < 4) {
		assignment_cell(&p->assignment, column, buf, len);
		return;
	}
	char i[64], s[32], k[16];
	switch (column) {
	case 4: snprintf(buf, len, "%u", p->expected); break;
	case 5: snprintf(buf, len, "%u", p->explained); break;
	case 6: snprintf(buf, len, "%u", p->lacking); break;
	default:
		if (p->n_assignments <= 1) {
			snprintf(buf, len, "-");
			break;
		}
		pc_discover_format_instances(p->instances, i, sizeof(i));
		pc_discover_format_sides(p->sides, s, sizeof(s));
		pc_discover_format_slots(p->slots, k, sizeof(k));
		/* only what listeners leave open */
		snprintf(buf, len, "%s%s%s%s%s%s", strpbrk(i, "- ") && p->instances ? "instance " : "",
			 strpbrk(i, "- ") && p->instances ? i : "",
			 strchr(s, '|') ? " side " : "", strchr(s, '|') ? s : "",
			 strchr(k, '-') ? " slot " : "", strchr(k, '-') ? k : "");
		if (buf[0] == ' ')
			memmove(buf, buf + 1, strlen(buf));
		break;
	}
}

static void write_candidate_text(FILE *out, const struct pc_discovery *d, size_t rank)
{
	static const char *const headers[] = { "ROLE",	 "INSTANCE",  "SIDE",  "SLOT",
					       "EXPECTS", "LISTENING", "LACKS", "SAME PORTS FOR" };
	const struct pc_discover_candidate *c = &d->candidates[rank];
	char score[32], list[1024];
	score_text(c->score, score, sizeof(score));
	fprintf(out, "\nCANDIDATE %zu  score %s: explains %u of %u listeners with %u of its %u "
		     "expected ports; lacks %u required\n",
		rank + 1, score, d->listeners - c->unexplained, d->listeners, c->explained,
		c->expected, c->lacking);
	pc_text_table(out, "  ", headers, 8, c->picks, sizeof(c->picks[0]), c->n_picks, pick_cell);
	for (size_t i = 0; i < c->n_picks; i++) {
		char why[128];
		pc_discover_format_ambiguity(&c->picks[i], why, sizeof(why));
		if (why[0] != '\0')
			fprintf(out, "  %s: listeners cannot choose: %s\n", c->picks[i].role->name, why);
	}
	if (c->tie_with > 0) {
		fprintf(out, "  ties with candidate %zu: ", c->tie_with);
		if (c->n_only_here == 0 && c->n_only_there == 0) {
			fprintf(out, "both expect the same listen ports; no listener tells them apart\n");
		} else {
			ports_text(c->only_here, c->n_only_here, c->more_differences, list, sizeof(list));
			fprintf(out, "what tells them apart: only this one expects %s;",
				c->n_only_here ? list : "nothing more");
			ports_text(c->only_there, c->n_only_there, c->more_differences, list,
				   sizeof(list));
			fprintf(out, " only candidate %zu expects %s\n", c->tie_with,
				c->n_only_there ? list : "nothing more");
		}
	}
}

static void write_text(FILE *out, const struct source *src, const struct pc_discover_index *ix,
		       const struct pc_discovery *d)
{
	char list[4096];
	fprintf(out, "# catalog revision %s: %zu assignments, %zu that listeners can tell apart\n",
		catalog_of(src)->revision, ix->n_assignments, ix->n_classes);
	fprintf(out, "# %u listening ports (protocol and port)%s", d->listeners,
		d->ignored ? "" : "\n");
	if (d->ignored)
		fprintf(out, ", %u more ignored by the configuration\n", d->ignored);
	if (d->n_candidates == 0)
		fprintf(out, "\nNo role of the catalog explains any of these listeners.\n");
	for (size_t i = 0; i < d->n_candidates; i++)
		write_candidate_text(out, d, i);
	ports_text(d->unexplained, d->n_unexplained, false, list, sizeof(list));
	if (d->n_unexplained > 0)
		fprintf(out, "\nUnexplained by candidate 1: %s\n", list);
	if (d->verdict == PC_DISCOVER_MATCHES || d->verdict == PC_DISCOVER_DIFFERS) {
		char mine[32], best[32];
		score_text(d->configured_score, mine, sizeof(mine));
		score_text(d->n_candidates ? d->candidates[0].score : 0, best, sizeof(best));
		fprintf(out, "\nThe configured roles %s: score %s against %s for candidate 1%s\n",
			d->verdict == PC_DISCOVER_MATCHES ? "are among the best candidates"
							  : "are NOT among the best candidates",
			mine, best,
			d->verdict == PC_DISCOVER_DIFFERS ? " (see --discover --format conf)" : "");
	}
}

/* ---- JSON ------------------------------------------------------------------- */

static void json_ports(FILE *out, const struct pc_discover_port *ports, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		char one[32];
		pc_discover_format_port(&ports[i], one, sizeof(one));
		fprintf(out, "%s", i ? "," : "");
		pc_json_string(out, one);
	}
	fputc(']', out);
}

static void json_pick(FILE *out, const struct pc_discover_pick *p)
{
	char i[64], s[32], k[16], why[128];
	const struct pc_discover_assignment *a = &p->assignment;
	fprintf(out, "{\"role\":");
	pc_json_string(out, a->role->name);
	fprintf(out, a->instance >= 0 ? ",\"instance\":%d" : ",\"instance\":null", a->instance);
	fprintf(out, ",\"side\":");
	if (a->side != PC_SIDE_NONE)
		pc_json_string(out, pc_side_name(a->side));
	else
		fprintf(out, "null");
	fprintf(out, a->slot > 0 ? ",\"slot\":%d" : ",\"slot\":null", a->slot);
	pc_discover_format_instances(p->instances, i, sizeof(i));
	pc_discover_format_sides(p->sides, s, sizeof(s));
	pc_discover_format_slots(p->slots, k, sizeof(k));
	pc_discover_format_ambiguity(p, why, sizeof(why));
	fprintf(out, ",\"same_ports_instances\":");
	pc_json_string(out, i);
	fprintf(out, ",\"same_ports_sides\":");
	pc_json_string(out, s);
	fprintf(out, ",\"same_ports_slots\":");
	pc_json_string(out, k);
	fprintf(out, ",\"ambiguity\":");
	if (why[0])
		pc_json_string(out, why);
	else
		fprintf(out, "null");
	fprintf(out, ",\"expected\":%u,\"listening\":%u,\"lacking\":%u}", p->expected, p->explained,
		p->lacking);
}

static void write_json(FILE *out, const struct source *src, const struct pc_discovery *d)
{
	char score[32];
	fprintf(out, "{\"catalog_revision\":");
	pc_json_string(out, catalog_of(src)->revision);
	fprintf(out, ",\"listeners\":%u,\"ignored\":%u,\"verdict\":", d->listeners, d->ignored);
	pc_json_string(out, pc_discover_verdict_name(d->verdict));
	score_text(d->configured_score, score, sizeof(score));
	fprintf(out, ",\"configured_score\":%s", d->verdict == PC_DISCOVER_NO_ROLES ? "null" : score);
	fprintf(out, ",\"unexplained\":");
	json_ports(out, d->unexplained, d->n_unexplained);
	fprintf(out, ",\"candidates\":[");
	for (size_t r = 0; r < d->n_candidates; r++) {
		const struct pc_discover_candidate *c = &d->candidates[r];
		score_text(c->score, score, sizeof(score));
		fprintf(out, "%s{\"rank\":%zu,\"score\":%s,\"expected\":%u,\"explained\":%u,"
			     "\"lacking\":%u,\"unexplained\":%u,\"roles\":[",
			r ? "," : "", r + 1, score, c->expected, c->explained, c->lacking,
			c->unexplained);
		for (size_t i = 0; i < c->n_picks; i++) {
			fprintf(out, "%s", i ? "," : "");
			json_pick(out, &c->picks[i]);
		}
		fprintf(out, "],\"tie_with\":");
		if (c->tie_with == 0) {
			fprintf(out, "null}");
			continue;
		}
		fprintf(out, "%zu,\"only_here\":", c->tie_with);
		json_ports(out, c->only_here, c->n_only_here);
		fprintf(out, ",\"only_there\":");
		json_ports(out, c->only_there, c->n_only_there);
		fprintf(out, "}");
	}
	fprintf(out, "]}\n");
}

/* ---- the best candidate as a configuration ----------------------------------- */

static void write_conf(FILE *out, const struct source *src, const struct pc_discovery *d)
{
	char score[32], list[4096];
	fprintf(out, "# Written by " PC_NAME " --discover --format conf from %u listening ports\n",
		d->listeners);
	if (d->n_candidates == 0) {
		fprintf(out, "# No role of the catalog explains any of them: no role below.\n");
	} else {
		score_text(d->candidates[0].score, score, sizeof(score));
		fprintf(out, "# (candidate 1, score %s%s). Check it: " PC_NAME " --check -c FILE\n",
			score, d->n_candidates > 1 && d->candidates[1].tie_with == 1
				       ? "; candidate 2 explains them as well: see --discover"
				       : "");
	}
	fprintf(out, "catalog = ");
	pc_json_string(out, src->catalog_path); /* a libconfuse string: the same escapes */
	fputc('\n', out);
	if (src->site_catalog_path[0] != '\0') {
		fprintf(out, "site-catalog = ");
		pc_json_string(out, src->site_catalog_path);
		fputc('\n', out);
	}
	for (size_t i = 0; d->n_candidates > 0 && i < d->candidates[0].n_picks; i++) {
		const struct pc_discover_pick *p = &d->candidates[0].picks[i];
		const struct pc_discover_assignment *a = &p->assignment;
		char why[128];
		pc_discover_format_ambiguity(p, why, sizeof(why));
		fprintf(out, "\nrole \"%s\" {\n", a->role->name);
		if (why[0] != '\0')
			fprintf(out, "\t# chosen: %s\n", why);
		if (a->instance >= 0)
			fprintf(out, "\tinstance = %d\n", a->instance);
		if (a->side != PC_SIDE_NONE)
			fprintf(out, "\tside = \"%s\"\n", pc_side_name(a->side));
		if (a->slot > 0)
			fprintf(out, "\tslot = %d\n", a->slot);
		fprintf(out, "}\n");
	}
	if (d->n_unexplained > 0) {
		ports_text(d->unexplained, d->n_unexplained, false, list, sizeof(list));
		fprintf(out, "\n# No role explains: %s\n# Give each that belongs on this host an "
			     "ignore block, e.g. ignore { protocol = \"tcp\" port = 22 }\n",
			list);
	}
}

/* ---- the command ------------------------------------------------------------ */

int pc_discover_command(const struct pc_cli_args *args, const struct pc_collector_options *collect,
			FILE *out, FILE *err)
{
	const char *format = args->format ? args->format : "text";
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "conf") != 0) {
		fprintf(err, PC_NAME ": --format %s: want text, json or conf\n", format);
		return EXIT_RUNTIME;
	}
	struct source src;
	int status = load_source(args, &src, err);
	if (status != 0)
		return status;
	struct pc_snapshot snap = { 0 };
	struct pc_discover_index *ix = NULL;
	struct pc_discover_assignment *configured = NULL;
	struct pc_listener *also = NULL;
	struct pc_discovery d = { 0 };
	status = EXIT_RUNTIME;
	if (observe(collect, &snap, err) < 0)
		goto done;
	ix = pc_discover_index_build(catalog_of(&src));
	if (ix == NULL) {
		fprintf(err, PC_NAME ": out of memory while discovering\n");
		goto done;
	}
	size_t n_configured = 0;
	if (src.plan != NULL)
		configured = pc_discover_configured(src.plan->catalog, &src.plan->expectations,
						    &n_configured);
	/* The daemon's rule: clients' UDP sockets are no listeners, unless
	 * their port is one the catalog names. */
	const struct pc_expectations *exps = src.plan ? &src.plan->expectations : NULL;
	size_t n_also = 0;
	also = pc_discover_catalog_udp(ix, &snap, exps, &n_also);
	pc_snapshot_keep_listeners(&snap, exps);
	struct pc_discover_params params = {
		.config = src.plan ? src.plan->config : NULL,
		.configured = configured,
		.n_configured = n_configured,
		.also = also,
		.n_also = n_also,
	};
	if (pc_discover_run(ix, &snap, &params, &d) < 0) {
		fprintf(err, PC_NAME ": out of memory while discovering\n");
		goto done;
	}
	errno = 0;
	if (strcmp(format, "json") == 0)
		write_json(out, &src, &d);
	else if (strcmp(format, "conf") == 0)
		write_conf(out, &src, &d);
	else
		write_text(out, &src, ix, &d);
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(err, PC_NAME ": writing the answer: %s\n", strerror(errno ? errno : EIO));
		goto done;
	}
	status = 0;
done:
	pc_discovery_free(&d);
	free(configured);
	free(also);
	pc_discover_index_free(ix);
	pc_snapshot_clear(&snap);
	pc_plan_unref(src.plan);
	pc_catalog_free(src.catalog);
	return status;
}

int pc_cli_discover(const struct pc_cli_args *args)
{
	return pc_discover_command(args, NULL, stdout, stderr);
}
