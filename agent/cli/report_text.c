/* SPDX-License-Identifier: ISC */
/* The --check report as Nagios plugin text; report.h shows its shape.
 * Nagios takes the first line as the service's status, the lines after it
 * as long output, and whatever follows a '|' as performance data: the
 * perfdata ends the first line, and no other '|' may appear anywhere
 * (names are written through pc_report_plain). Nagios Core keeps 4 KB of
 * a plugin's output and NRPE 2 about 1 KB, hence the byte limits. */
#include "cli/report_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/text_table.h"

#define INDENT "  "
#define PROBLEM_LINE_MAX 768 /* one problem of the default output, cut beyond */

/* ---- one expectation per row -------------------------------------------- */

struct expect_row {
	const struct pc_plan *plan;
	const struct pc_snapshot *snap;
	const struct pc_evaluation *ev;
	size_t index;
};

/* "1000(svc)", "1000" when the uid has no name. */
static void owner_text(const struct pc_listener *l, char *buf, size_t len)
{
	char user[PC_USER_MAX];
	pc_report_plain(user, sizeof(user), l->user);
	snprintf(buf, len, l->user[0] ? "%u(%s)" : "%u", l->uid, user);
}

/* "127.0.0.1:18001 812/router uid=0(root)": where, and who when known. */
static void endpoint_text(const struct pc_snapshot *snap, const struct pc_listener *l, char *buf,
			  size_t len)
{
	char addr[64], process[PC_PROCESS_MAX], owner[PC_USER_MAX + 16];
	pc_listener_format_addr(snap, l, addr, sizeof(addr));
	owner_text(l, owner, sizeof(owner));
	const char *others = l->uids_differ ? " and other users" : "";
	if (l->pid > 0) {
		pc_report_plain(process, sizeof(process), l->process[0] ? l->process : "?");
		snprintf(buf, len, "%s:%u %d/%s uid=%s%s", addr, l->local.port, (int)l->pid,
			 process, owner, others);
	} else {
		snprintf(buf, len, "%s:%u uid=%s%s", addr, l->local.port, owner, others);
	}
}

/* "; want user svc (1001), process java": appended for a wrongOwner row. */
static void want_owner_text(const struct pc_expectation *e, char *buf, size_t len)
{
	size_t n = strlen(buf);
	if (e->owner_user != NULL && n < len)
		n += (size_t)snprintf(buf + n, len - n, "; want user %s (%u)", e->owner_user,
				      e->owner_uid);
	if (e->owner_process != NULL && n < len)
		snprintf(buf + n, len - n, "%s process %s", e->owner_user ? "," : "; want",
			 e->owner_process);
}

/* What the poll saw for an expectation: its listener, or, when none
 * satisfies it, the address it wants and the listeners on its port. */
static void seen_text(const struct expect_row *row, char *buf, size_t len)
{
	const struct pc_expectation *e = &row->plan->expectations.items[row->index];
	const struct pc_listener *matched = pc_report_matched(row->snap, row->ev, row->index);
	if (matched != NULL) {
		const struct pc_expect_result *r = &row->ev->expect[row->index];
		char where[160];
		endpoint_text(row->snap, matched, where, sizeof(where));
		/* wrongAddress: what to change, in words. */
		if (r->status == PC_PORT_WRONG_ADDRESS && r->problem != PC_PROBLEM_NONE)
			snprintf(buf, len, "%s: %s", where, pc_address_problem_text(r->problem));
		else
			snprintf(buf, len, "%s", where);
		if (pc_report_status(row->ev, row->index) == PC_PORT_WRONG_OWNER)
			want_owner_text(e, buf, len);
		return;
	}
	size_t n = 0, shown = 0;
	buf[0] = '\0';
	if (e->bind_address != NULL)
		n += (size_t)snprintf(buf, len, "want %s", e->bind_address);
	for (size_t j = 0; e->match != PC_MATCH_NONE && e->direction == PC_DIR_LISTEN &&
			   j < row->snap->n_listeners && n < len;
	     j++) {
		const struct pc_listener *l = &row->snap->listeners[j];
		if (l->local.proto != e->protocol || l->local.port < e->port ||
		    l->local.port > e->port_last)
			continue;
		if (shown++ == 3) {
			n += (size_t)snprintf(buf + n, len - n, ", ...");
			break;
		}
		char where[128];
		const char *lead = shown > 1 ? ", " : n > 0 ? "; on " : "on ";
		endpoint_text(row->snap, l, where, sizeof(where));
		n += (size_t)snprintf(buf + n, len - n, "%s%s", lead, where);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
}

static void expect_cell(const void *p, int column, char *buf, size_t len)
{
	const struct expect_row *row = p;
	const struct pc_expectation *e = &row->plan->expectations.items[row->index];
	enum pc_port_status status = pc_report_status(row->ev, row->index);
	switch (column) {
	case 0: snprintf(buf, len, "%s", pc_port_status_name(status)); break;
	case 1: snprintf(buf, len, "%s", e->required ? "yes" : "no"); break;
	case 2: snprintf(buf, len, "%s", e->role); break;
	case 3: snprintf(buf, len, "%s", e->instance >= 0 ? e->instance_name : "-"); break;
	case 4: snprintf(buf, len, "%s", e->side ? pc_side_name(e->side) : "-"); break;
	case 5: snprintf(buf, len, "%s", e->rule); break;
	case 6: snprintf(buf, len, "%s", pc_proto_name(e->protocol)); break;
	case 7: pc_expectation_format_port(e, buf, len); break;
	case 8: snprintf(buf, len, "%s", pc_direction_name(e->direction)); break;
	default: seen_text(row, buf, len); break;
	}
}

static void expect_table(FILE *out, const struct expect_row *rows, size_t n)
{
	static const char *const headers[] = { "STATUS", "REQUIRED", "ROLE", "INSTANCE", "SIDE",
					       "RULE",   "PROTO",    "PORT", "DIRECTION", "SEEN" };
	pc_text_table(out, INDENT, headers, 10, rows, sizeof(*rows), n, expect_cell);
}

/* The expectations with a problem in the order every list shows them:
 * worst status first, required before optional within one status. take()
 * gets each one's place in that order and its index; returns how many. */
static size_t each_problem(const struct pc_plan *plan, const struct pc_evaluation *ev,
			   const struct pc_report_tally *tally,
			   void (*take)(void *ctx, size_t n, size_t i), void *ctx)
{
	enum pc_port_status order[PC_PORT_STATUS_MAX];
	size_t n = 0, n_order = pc_port_status_problems(order);
	for (size_t k = 0; k < n_order; k++)
		for (int required = 1; required >= 0; required--)
			for (size_t i = 0; i < tally->n_expect; i++)
				if (pc_report_status(ev, i) == order[k] &&
				    plan->expectations.items[i].required == (required == 1))
					take(ctx, n++, i);
	return n;
}

struct row_sink {
	struct expect_row *rows;
	const struct pc_plan *plan;
	const struct pc_snapshot *snap;
	const struct pc_evaluation *ev;
};

static void take_row(void *ctx, size_t n, size_t i)
{
	struct row_sink *s = ctx;
	s->rows[n] = (struct expect_row){ s->plan, s->snap, s->ev, i };
}

/* Problems, in the order of each_problem. rows has room for every
 * expectation. */
static void problems_section(FILE *out, const struct pc_plan *plan,
			     const struct pc_snapshot *snap, const struct pc_evaluation *ev,
			     const struct pc_report_tally *tally, struct expect_row *rows)
{
	struct row_sink sink = { rows, plan, snap, ev };
	size_t n = each_problem(plan, ev, tally, take_row, &sink);
	if (n == 0)
		return;
	fputs("Problems:\n", out);
	expect_table(out, rows, n);
}

/* Every expectation, in plan order: the audit. */
static void expectations_section(FILE *out, const struct pc_plan *plan,
				 const struct pc_snapshot *snap, const struct pc_evaluation *ev,
				 const struct pc_report_tally *tally, struct expect_row *rows)
{
	if (tally->n_expect == 0)
		return;
	for (size_t i = 0; i < tally->n_expect; i++)
		rows[i] = (struct expect_row){ plan, snap, ev, i };
	fputs("Expectations:\n", out);
	expect_table(out, rows, tally->n_expect);
}

/* ---- listeners and roles -------------------------------------------------- */

struct listener_row {
	const struct pc_listener *listener;
	const struct pc_expectation *permit; /* the permit range it is in, NULL */
};

static void listener_cell(const void *p, int column, char *buf, size_t len)
{
	const struct listener_row *row = p;
	const struct pc_listener *l = row->listener;
	switch (column) {
	case 0: snprintf(buf, len, "%s", pc_proto_name(l->local.proto)); break;
	case 1: pc_endpoint_format_addr(&l->local, buf, len); break;
	case 2: snprintf(buf, len, "%u", l->local.port); break;
	case 3: snprintf(buf, len, "%u", l->sockets); break;
	case 4: snprintf(buf, len, l->pid > 0 ? "%d" : "-", (int)l->pid); break;
	case 5: pc_report_plain(buf, len, l->process[0] ? l->process : "-"); break;
	case 6: owner_text(l, buf, len); break;
	default:
		if (row->permit != NULL)
			snprintf(buf, len, "inPermitRange %s/%s", row->permit->role, row->permit->rule);
		else
			snprintf(buf, len, "unexpected");
		break;
	}
}

/* Unexpected listeners, those inside a permit range the site does not
 * trust included (they are announced as unexpected too). */
static void unexpected_section(FILE *out, const struct pc_plan *plan,
			       const struct pc_snapshot *snap, const struct pc_evaluation *ev,
			       const struct pc_report_tally *tally, struct listener_row *rows)
{
	static const char *const headers[] = { "PROTO", "ADDRESS", "PORT",      "SOCKETS",
					       "PID",   "PROCESS", "UID(USER)", "CLASS" };
	size_t n = 0;
	bool permits = false;
	for (size_t j = 0; j < tally->n_listeners; j++) {
		enum pc_listener_class class = pc_report_class(ev, j);
		long permit = pc_report_served(plan, ev, j);
		if (pc_listener_class_is_unexpected(class))
			rows[n++] = (struct listener_row){
				&snap->listeners[j],
				class == PC_CLASS_IN_PERMIT && permit >= 0
					? &plan->expectations.items[permit]
					: NULL
			};
		permits |= class == PC_CLASS_IN_PERMIT;
	}
	if (n == 0)
		return;
	fputs("Unexpected listeners:\n", out);
	/* the CLASS column only when it tells something */
	pc_text_table(out, INDENT, headers, permits ? 8 : 7, rows, sizeof(*rows), n, listener_cell);
}

struct role_row {
	const struct pc_plan *plan;
	const struct pc_evaluation *ev;
	size_t index; /* in the configuration's roles */
};

static void role_cell(const void *p, int column, char *buf, size_t len)
{
	const struct role_row *row = p;
	const struct pc_role_result *r = &row->ev->roles[row->index];
	const char *name = pc_report_role_name(row->plan, row->ev, row->index);
	switch (column) {
	case 0: snprintf(buf, len, "%zu", row->index + 1); break;
	case 1: snprintf(buf, len, "%s", name); break;
	case 2:
		if (r->instance >= 0)
			pc_report_instance_name(row->ev, r->instance, buf, len);
		else
			snprintf(buf, len, "-");
		break;
	case 3: snprintf(buf, len, "%s", r->side ? pc_side_name(r->side) : "-"); break;
	case 4: snprintf(buf, len, "%s", pc_compliance_name(r->compliance)); break;
	case 5: snprintf(buf, len, "%u", r->expected); break;
	case 6: snprintf(buf, len, "%u", r->present); break;
	case 7: snprintf(buf, len, "%u", r->missing); break;
	default: snprintf(buf, len, "%u", r->unconfigured); break;
	}
}

static void roles_section(FILE *out, const struct pc_plan *plan, const struct pc_evaluation *ev,
			  struct role_row *rows)
{
	static const char *const headers[] = { "INDEX",    "ROLE",    "INSTANCE",
					       "SIDE",     "COMPLIANCE", "EXPECTED",
					       "PRESENT", "MISSING", "UNCONFIGURED" };
	size_t n = ev->n_roles < plan->config->n_roles ? ev->n_roles : plan->config->n_roles;
	if (n == 0)
		return;
	for (size_t r = 0; r < n; r++)
		rows[r] = (struct role_row){ plan, ev, r };
	fputs("Roles:\n", out);
	pc_text_table(out, INDENT, headers, 9, rows, sizeof(*rows), n, role_cell);
}

/* ---- the Nagios lines: status line with perfdata, one line per problem ---- */

/* What needs attention, in the order the report names it: expectations
 * worst status first (required before optional within one), then the
 * unexpected listeners (those in a permit range the site does not trust
 * included: they are announced too). */
enum problem_kind { PROBLEM_EXPECTATION, PROBLEM_LISTENER, PROBLEM_DISCOVERY };

struct problem {
	enum problem_kind kind;
	size_t index; /* the expectation's or the listener's */
};

static void take_problem(void *ctx, size_t n, size_t i)
{
	struct problem *out = ctx;
	out[n] = (struct problem){ PROBLEM_EXPECTATION, i };
}

/* A configuration that does not describe the host comes first: it
 * explains the missing ports and unexpected listeners that follow. out
 * has room for every expectation and listener, and one more. */
static size_t list_problems(const struct pc_plan *plan, const struct pc_evaluation *ev,
			    const struct pc_discovery *discovery,
			    const struct pc_report_tally *tally, struct problem *out)
{
	size_t n = 0;
	if (discovery != NULL && discovery->verdict == PC_DISCOVER_DIFFERS)
		out[n++] = (struct problem){ PROBLEM_DISCOVERY, 0 };
	n += each_problem(plan, ev, tally, take_problem, out + n);
	for (size_t j = 0; j < tally->n_listeners; j++)
		if (pc_listener_class_is_unexpected(pc_report_class(ev, j)))
			out[n++] = (struct problem){ PROBLEM_LISTENER, j };
	return n;
}

/* "14.025", "-3.475": a score in the units --discover prints. */
static void score_text(int64_t score, char *buf, size_t len)
{
	int64_t thousandths = score / (PC_DISCOVER_UNIT / 1000);
	int64_t magnitude = thousandths < 0 ? -thousandths : thousandths;
	snprintf(buf, len, "%s%lld.%03lld", thousandths < 0 ? "-" : "",
		 (long long)(magnitude / 1000), (long long)(magnitude % 1000));
}

/* What discovery concluded, in one sentence. */
static void discovery_text(const struct pc_discovery *d, char *buf, size_t len)
{
	char best[400], configured[400], best_score[24], configured_score[24];
	struct pc_discover_words words = { 0 };
	if (d->n_candidates > 0)
		pc_discover_words_of_candidate(&d->candidates[0], &words);
	pc_discover_words_list(&words, PC_DISCOVER_LIST_PROSE, best, sizeof(best));
	pc_discover_words_list(&d->configured_words, PC_DISCOVER_LIST_PROSE, configured,
			       sizeof(configured));
	score_text(d->n_candidates > 0 ? d->candidates[0].score : 0, best_score, sizeof(best_score));
	score_text(d->configured_score, configured_score, sizeof(configured_score));
	switch (d->verdict) {
	case PC_DISCOVER_DIFFERS:
		snprintf(buf, len, "the configured roles (%s; score %s) are not among the best "
				   "candidates: the listeners look like %s (score %s); see "
				   "--discover",
			 configured, configured_score, best, best_score);
		break;
	case PC_DISCOVER_MATCHES:
		snprintf(buf, len, "the configured roles (%s; score %s) are among the best "
				   "candidates (candidate 1: %s, score %s)",
			 configured, configured_score, best, best_score);
		break;
	default:
		snprintf(buf, len, "no role configured to compare; the listeners look like %s "
				   "(score %s)",
			 best, best_score);
		break;
	}
}

/* For a listener in a permit range the site does not trust: format with
 * the range's role and rule; "" for any other. */
static void permit_text(const struct pc_plan *plan, const struct pc_evaluation *ev, size_t j,
			const char *format, char *buf, size_t len)
{
	long i = pc_report_served(plan, ev, j);
	buf[0] = '\0';
	if (pc_report_class(ev, j) == PC_CLASS_IN_PERMIT && i >= 0)
		snprintf(buf, len, format, plan->expectations.items[i].role,
			 plan->expectations.items[i].rule);
}

/* The short form, for the status line: "missing icm-router private-low
 * tcp/41004", "unexpected tcp/8080 4242/nginx", "roles differ: listeners
 * look like icm-router/2/a/-". */
static void problem_short(const struct pc_plan *plan, const struct pc_snapshot *snap,
			  const struct pc_evaluation *ev, const struct pc_discovery *discovery,
			  const struct problem *p, char *buf, size_t len)
{
	char text[512], port[32];
	if (p->kind == PROBLEM_DISCOVERY) {
		/* "roles differ: listeners look like icm-router/2/a/-,icm-logger/2/a/-" */
		struct pc_discover_words words = { 0 };
		char best[256];
		if (discovery->n_candidates > 0)
			pc_discover_words_of_candidate(&discovery->candidates[0], &words);
		pc_discover_words_list(&words, PC_DISCOVER_LIST_TOKEN, best, sizeof(best));
		snprintf(text, sizeof(text), "roles differ: listeners look like %s", best);
	} else if (p->kind == PROBLEM_LISTENER) {
		const struct pc_listener *l = &snap->listeners[p->index];
		char permit[200];
		permit_text(plan, ev, p->index, " (permit %s/%s)", permit, sizeof(permit));
		if (l->pid > 0)
			snprintf(text, sizeof(text), "unexpected %s/%u %d/%s%s",
				 pc_proto_name(l->local.proto), l->local.port, (int)l->pid,
				 l->process[0] ? l->process : "?", permit);
		else
			snprintf(text, sizeof(text), "unexpected %s/%u%s",
				 pc_proto_name(l->local.proto), l->local.port, permit);
	} else {
		const struct pc_expectation *e = &plan->expectations.items[p->index];
		pc_expectation_format_port(e, port, sizeof(port));
		snprintf(text, sizeof(text), "%s %s %s %s/%s",
			 pc_port_status_name(pc_report_status(ev, p->index)), e->role, e->rule,
			 pc_proto_name(e->protocol), port);
	}
	pc_report_plain(buf, len, text);
}

/* The long form, one line of the default output: "missing (required):
 * icm-router instance acme side a, rule private-low, tcp/41004 listen;
 * want 10.1.2.3; on 127.0.0.1:41004"; "discovery differs: the configured
 * roles (...) are not among the best candidates: ...". */
static void problem_long(const struct pc_plan *plan, const struct pc_snapshot *snap,
			 const struct pc_evaluation *ev, const struct pc_discovery *discovery,
			 const struct problem *p, char *buf, size_t len)
{
	char text[1024], port[32], seen[512], where[256] = "";
	if (p->kind == PROBLEM_DISCOVERY) {
		static const char lead[] = "discovery differs: ";
		memcpy(text, lead, sizeof(lead));
		discovery_text(discovery, text + sizeof(lead) - 1, sizeof(text) - sizeof(lead) + 1);
		pc_report_plain(buf, len, text);
		return;
	}
	if (p->kind == PROBLEM_LISTENER) {
		char permit[200];
		permit_text(plan, ev, p->index, " (in permit range %s/%s)", permit, sizeof(permit));
		endpoint_text(snap, &snap->listeners[p->index], seen, sizeof(seen));
		snprintf(text, sizeof(text), "unexpected listener: %s %s%s",
			 pc_proto_name(snap->listeners[p->index].local.proto), seen, permit);
		pc_report_plain(buf, len, text);
		return;
	}
	const struct pc_expectation *e = &plan->expectations.items[p->index];
	struct expect_row row = { plan, snap, ev, p->index };
	pc_expectation_format_port(e, port, sizeof(port));
	seen_text(&row, seen, sizeof(seen));
	if (e->instance >= 0)
		snprintf(where, sizeof(where), " instance %s", e->instance_name);
	if (e->side)
		snprintf(where + strlen(where), sizeof(where) - strlen(where), " side %s",
			 pc_side_name(e->side));
	snprintf(text, sizeof(text), "%s (%s): %s%s, rule %s, %s/%s %s%s%s",
		 pc_port_status_name(pc_report_status(ev, p->index)),
		 e->required ? "required" : "optional", e->role, where, e->rule,
		 pc_proto_name(e->protocol), port, pc_direction_name(e->direction),
		 strcmp(seen, "-") != 0 ? "; " : "", strcmp(seen, "-") != 0 ? seen : "");
	pc_report_plain(buf, len, text);
}

/* Naming processes that cannot name every one: "degraded", "limited";
 * NULL when it can (or is off). */
static const char *naming_trouble(const struct pc_snapshot *snap)
{
	if (snap->naming.health != PC_NAMING_DEGRADED && snap->naming.health != PC_NAMING_LIMITED)
		return NULL;
	return pc_naming_health_name((enum pc_naming_health)snap->naming.health);
}

/* "PORTCOMPLY CRITICAL - nonCompliant: 1 missing (1 required), 3 of 4
 * present, 0 unexpected listeners": the state and the counts, and naming
 * when it cannot name every process (", naming limited"). */
static void status_text(const struct pc_snapshot *snap, const struct pc_evaluation *ev,
			const struct pc_discovery *discovery,
			const struct pc_report_tally *tally, char *buf, size_t len)
{
	enum pc_port_status order[PC_PORT_STATUS_MAX];
	size_t n_order = pc_port_status_problems(order);
	size_t n = (size_t)snprintf(buf, len, "PORTCOMPLY %s - %s: ",
				    pc_report_status_name(pc_report_check_status(ev, discovery)),
				    pc_compliance_name(ev->host));
	for (size_t k = 0; k < n_order && n < len; k++) {
		enum pc_port_status s = order[k];
		if (tally->status[s] == 0)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%u %s", tally->status[s],
				      pc_port_status_name(s));
		/* Only an alarm of a required port makes the host nonCompliant. */
		if (n < len && tally->required[s] > 0 && pc_port_status_meaning(s)->alarm)
			n += (size_t)snprintf(buf + n, len - n, " (%u required)", tally->required[s]);
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, ", ");
	}
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "%u of %u present", ev->present,
				      ev->expected);
	if (n < len && tally->status[PC_PORT_NOT_CHECKED] > 0)
		n += (size_t)snprintf(buf + n, len - n, ", %u not checked",
				      tally->status[PC_PORT_NOT_CHECKED]);
	if (n < len && tally->status[PC_PORT_PERMITTED] > 0)
		n += (size_t)snprintf(buf + n, len - n, ", %u permit range%s",
				      tally->status[PC_PORT_PERMITTED],
				      tally->status[PC_PORT_PERMITTED] == 1 ? "" : "s");
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, ", %u unexpected listener%s", ev->unexpected,
				      ev->unexpected == 1 ? "" : "s");
	if (n < len && naming_trouble(snap) != NULL)
		snprintf(buf + n, len - n, ", naming %s", naming_trouble(snap));
}

/* Nagios plugin guidelines: 'label'=value[UOM];[warn];[crit];[min];[max].
 * The first five are the engine's host counts (the MIB serves the same);
 * the status counts after them are expectations in that status. Compliance
 * is not a threshold on any of them, so warn and crit stay empty. */
static void perfdata_text(const struct pc_snapshot *snap, const struct pc_evaluation *ev,
			  const struct pc_report_tally *tally, char *buf, size_t len)
{
	snprintf(buf, len,
		 "expected=%u;;;0 present=%u;;;0 missing=%u;;;0 unexpected=%u;;;0 "
		 "unconfigured=%u;;;0 pending=%u;;;0 wrong_address=%u;;;0 flapping=%u;;;0 "
		 "not_connected=%u;;;0 listeners=%zu;;;0 poll_time=%u.%06us;;;0",
		 ev->expected, ev->present, ev->missing, ev->unexpected, ev->unconfigured,
		 tally->status[PC_PORT_PENDING], tally->status[PC_PORT_WRONG_ADDRESS],
		 tally->status[PC_PORT_FLAPPING], tally->status[PC_PORT_NOT_CONNECTED],
		 snap->n_listeners, snap->duration_us / 1000000, snap->duration_us % 1000000);
}

/* "and 12 more" after what fits. */
static int more_text(char *buf, size_t len, const char *lead, size_t more, const char *tail)
{
	return snprintf(buf, len, "%sand %zu more%s", lead, more, tail);
}

/* The first line, which is all that --brief prints and all that NRPE 2
 * passes on: "STATUS - summary; worst problems | perfdata", newline
 * included at most PC_REPORT_BRIEF_MAX bytes. The problems are named
 * while they fit, then counted ("and 12 more"); the counts and perfdata
 * are short and bounded (a few hundred bytes) and always whole. */
static void first_line(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		       const struct pc_evaluation *ev, const struct pc_discovery *discovery,
		       const struct pc_report_tally *tally, const struct problem *problems,
		       size_t n_problems)
{
	char line[PC_REPORT_BRIEF_MAX], perf[512], item[256], piece[300], more[64];
	status_text(snap, ev, discovery, tally, line, sizeof(line));
	perfdata_text(snap, ev, tally, perf, sizeof(perf));
	size_t used = strlen(line);
	size_t room = PC_REPORT_BRIEF_MAX - 1 /* newline */ - 3 /* " | " */ - strlen(perf);
	int reserve = more_text(more, sizeof(more), ", ", n_problems, "");
	size_t k = 0;
	for (; k < n_problems; k++) {
		problem_short(plan, snap, ev, discovery, &problems[k], item, sizeof(item));
		int n = snprintf(piece, sizeof(piece), "%s%s", k == 0 ? "; " : ", ", item);
		size_t after = k + 1 < n_problems ? (size_t)reserve : 0;
		if (used + (size_t)n + after > room)
			break;
		memcpy(line + used, piece, (size_t)n + 1);
		used += (size_t)n;
	}
	if (k < n_problems && used + (size_t)reserve <= room) {
		more_text(line + used, sizeof(line) - used, k == 0 ? "; " : ", ", n_problems - k, "");
		used = strlen(line);
	}
	snprintf(line + used, sizeof(line) - used, " | %s", perf);
	fprintf(out, "%s\n", line);
}

/* The default output after the first line: one line per problem while the
 * whole report stays within PC_REPORT_DEFAULT_MAX bytes, then how many did
 * not fit. budget: the bytes left after the first line. */
static void problem_lines(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
			  const struct pc_evaluation *ev, const struct pc_discovery *discovery,
			  const struct problem *problems, size_t n_problems, size_t budget)
{
	static const char tail[] = " (--verbose lists every one)\n";
	char line[PROBLEM_LINE_MAX], more[128];
	size_t reserve = (size_t)more_text(more, sizeof(more), "", n_problems, tail);
	size_t used = 0, k = 0;
	for (; k < n_problems; k++) {
		problem_long(plan, snap, ev, discovery, &problems[k], line, sizeof(line) - 1);
		size_t n = strlen(line) + 1;
		size_t after = k + 1 < n_problems ? reserve : 0;
		if (used + n + after > budget)
			break;
		fprintf(out, "%s\n", line);
		used += n;
	}
	if (k < n_problems && used + reserve <= budget) {
		more_text(more, sizeof(more), "", n_problems - k, tail);
		fputs(more, out);
	}
}

static void poll_line(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		      const struct pc_report_tally *tally)
{
	char when[64], config[512];
	pc_report_time(&snap->taken_at, when, sizeof(when));
	pc_report_plain(config, sizeof(config), plan->config->path ? plan->config->path : "-");
	fprintf(out,
		"Poll: %s at %s, %u.%03u ms, %zu listener%s "
		"(%u expected, %u unexpected, ",
		pc_report_source_name(snap->source), when, snap->duration_us / 1000,
		snap->duration_us % 1000, snap->n_listeners, snap->n_listeners == 1 ? "" : "s",
		tally->klass[PC_CLASS_EXPECTED], tally->klass[PC_CLASS_UNEXPECTED]);
	if (tally->klass[PC_CLASS_IN_PERMIT] + tally->klass[PC_CLASS_TRUSTED_PERMIT] > 0)
		fprintf(out, "%u in permit ranges, %u in trusted ones, ",
			tally->klass[PC_CLASS_IN_PERMIT], tally->klass[PC_CLASS_TRUSTED_PERMIT]);
	fprintf(out, "%u ignored)", tally->klass[PC_CLASS_IGNORED]);
	if (snap->errors > 0)
		fprintf(out, ", %u malformed records skipped", snap->errors);
	fprintf(out, "; catalog revision %s; configuration %s", plan->catalog->revision, config);
	if (naming_trouble(snap) != NULL) {
		char reason[PC_NAMING_REASON_MAX];
		pc_report_plain(reason, sizeof(reason), snap->naming.reason);
		fprintf(out, "; naming %s: %s", naming_trouble(snap), reason);
	}
	fputc('\n', out);
}

/* "Agent: not connected to its AgentX master at ADDRESS for 35 s (7
 * attempts): REASON": what the NMS cannot see, and why. A connected link
 * is worth a line in the verbose report only. Returns the bytes written. */
static size_t agent_line(FILE *out, const struct pc_report_agent *agent,
			 enum pc_report_detail detail)
{
	if (agent == NULL || detail == PC_REPORT_BRIEF || (agent->connected && detail != PC_REPORT_VERBOSE))
		return 0;
	char address[sizeof(agent->address)], reason[sizeof(agent->reason)];
	pc_report_plain(address, sizeof(address), agent->address);
	pc_report_plain(reason, sizeof(reason), agent->reason);
	int n;
	if (agent->connected)
		n = fprintf(out, "Agent: connected to its AgentX master at %s for %lu s\n", address,
			    agent->since_s);
	else
		n = fprintf(out,
			    "Agent: not connected to its AgentX master at %s for %lu s (%u attempt%s)%s%s\n",
			    address, agent->since_s, agent->attempts, agent->attempts == 1 ? "" : "s",
			    reason[0] ? ": " : "", reason);
	return n > 0 ? (size_t)n : 0;
}

/* Verbose: what discovery concluded, whatever the verdict. */
static void discovery_section(FILE *out, const struct pc_discovery *discovery)
{
	char text[1200], plain[1200];
	if (discovery == NULL)
		return;
	discovery_text(discovery, text, sizeof(text));
	pc_report_plain(plain, sizeof(plain), text);
	fprintf(out, "Discovery: %s: %s\n", pc_discover_verdict_name(discovery->verdict), plain);
}

int pc_report_text(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		   const struct pc_evaluation *ev, const struct pc_report_agent *agent,
		   const struct pc_discovery *discovery,
		   enum pc_report_detail detail)
{
	struct pc_report_tally tally;
	pc_report_count(plan, snap, ev, &tally);
	/* One scratch array for every list's rows (at most one per
	 * expectation and listener, or per role), so that writing has no
	 * error path. */
	size_t size = (tally.n_expect + tally.n_listeners + 1) * sizeof(struct problem);
	if (tally.n_expect * sizeof(struct expect_row) > size)
		size = tally.n_expect * sizeof(struct expect_row);
	if (tally.n_listeners * sizeof(struct listener_row) > size)
		size = tally.n_listeners * sizeof(struct listener_row);
	if (ev->n_roles * sizeof(struct role_row) > size)
		size = ev->n_roles * sizeof(struct role_row);
	void *rows = malloc(size > 0 ? size : 1);
	if (rows == NULL)
		return -1;

	/* The first line goes through a memory stream so that the default
	 * output knows what it has left. */
	char *first = NULL;
	size_t first_len = 0;
	FILE *mem = open_memstream(&first, &first_len);
	if (mem == NULL) {
		free(rows);
		return -1;
	}
	struct problem *problems = rows;
	size_t n_problems = list_problems(plan, ev, discovery, &tally, problems);
	first_line(mem, plan, snap, ev, discovery, &tally, problems, n_problems);
	if (fclose(mem) != 0) {
		free(first);
		free(rows);
		return -1;
	}
	fputs(first, out);
	size_t agent_len = agent_line(out, agent, detail);
	if (detail == PC_REPORT_DEFAULT)
		problem_lines(out, plan, snap, ev, discovery, problems, n_problems,
			      PC_REPORT_DEFAULT_MAX - first_len - agent_len);
	free(first);
	if (detail == PC_REPORT_VERBOSE) {
		problems_section(out, plan, snap, ev, &tally, rows);
		unexpected_section(out, plan, snap, ev, &tally, rows);
		expectations_section(out, plan, snap, ev, &tally, rows);
		roles_section(out, plan, ev, rows);
		discovery_section(out, discovery);
		poll_line(out, plan, snap, &tally);
	}
	free(rows);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
