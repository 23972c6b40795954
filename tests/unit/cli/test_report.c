/* SPDX-License-Identifier: ISC */
/* The --check report (report.c): Nagios text and JSON, from plans loaded
 * from the real catalog (tests/fixtures/report/) and snapshots and
 * evaluations built by hand, so that every status and class shows up
 * without the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "json_check.h"
#include "pc_test.h"
#include "cli/report.h"

#define FIXTURE(name) repo_path("tests/fixtures/report/" name)

/* ---- building the inputs -------------------------------------------------- */

struct scene {
	struct pc_plan *plan;
	struct pc_snapshot snap;
	struct pc_evaluation ev;
	const struct pc_discovery *discovery; /* NULL: discovery off */
};

static struct pc_plan *load(const char *path)
{
	struct pc_diag diag = { 0 };
	struct pc_plan *plan = pc_plan_load(path, &diag);
	if (plan == NULL) {
		pc_diag_print(&diag, stderr);
		fail_msg("%s does not load", path);
	}
	pc_diag_clear(&diag);
	return plan;
}

static void add_listener(struct pc_snapshot *snap, uint8_t proto, const char *address,
			 uint16_t port)
{
	uint8_t bytes[16];
	int family = strchr(address, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(family, address, bytes), 1);
	struct pc_listen_socket socket = { .inode = 100000u + port };
	pc_endpoint_set(&socket.local, proto, family, bytes, false, 0, port);
	assert_int_equal(pc_snapshot_add_listener(snap, &socket), 0);
}

/* After pc_snapshot_finish: the listener's position. */
static size_t listener_at(const struct pc_snapshot *snap, uint8_t proto, uint16_t port)
{
	for (size_t j = 0; j < snap->n_listeners; j++)
		if (snap->listeners[j].local.proto == proto && snap->listeners[j].local.port == port)
			return j;
	fail_msg("no listener on %u", port);
	return 0;
}

static void set_process(struct pc_snapshot *snap, uint8_t proto, uint16_t port, int pid,
			const char *name)
{
	struct pc_listener *l = &snap->listeners[listener_at(snap, proto, port)];
	l->pid = pid;
	snprintf(l->process, sizeof(l->process), "%s", name);
}

static void set_owner(struct pc_snapshot *snap, uint8_t proto, uint16_t port, uint32_t uid,
		      const char *user, bool uids_differ)
{
	struct pc_listener *l = &snap->listeners[listener_at(snap, proto, port)];
	l->uid = uid;
	l->uids_differ = uids_differ;
	snprintf(l->user, sizeof(l->user), "%s", user);
}

static size_t expectation(const struct pc_plan *plan, const char *role, const char *rule)
{
	for (size_t i = 0; i < plan->expectations.n; i++)
		if (strcmp(plan->expectations.items[i].role, role) == 0 &&
		    strcmp(plan->expectations.items[i].rule, rule) == 0)
			return i;
	fail_msg("no expectation %s/%s", role, rule);
	return 0;
}

/* The evaluation starts from the engine's "before any poll" one (roles
 * and instances named as the engine names them), then as an engine would
 * leave a host where nothing listens yet: numbered listen rules missing,
 * the rest notChecked or unconfigured; every listener unexpected. */
static void eval_start(struct scene *s)
{
	struct pc_evaluation *ev = &s->ev;
	assert_int_equal(pc_evaluation_init_unknown(s->plan, ev), 0);
	ev->poll_number = 1;
	free(ev->listeners);
	ev->n_listeners = s->snap.n_listeners;
	ev->listeners = calloc(ev->n_listeners + 1, sizeof(*ev->listeners));
	assert_non_null(ev->listeners);
	for (size_t i = 0; i < ev->n_expect; i++) {
		const struct pc_expectation *e = &s->plan->expectations.items[i];
		ev->expect[i].listener = -1;
		ev->expect[i].status = e->unconfigured ? PC_PORT_UNCONFIGURED
				       : e->match == PC_MATCH_NONE || e->direction == PC_DIR_CONNECT
					       ? PC_PORT_NOT_CHECKED
					       : PC_PORT_MISSING;
	}
	for (size_t j = 0; j < ev->n_listeners; j++)
		ev->listeners[j] = (struct pc_listener_result){ .class = PC_CLASS_UNEXPECTED,
							       .expectation = -1 };
}

static void set_status(struct scene *s, const char *role, const char *rule,
		       enum pc_port_status status)
{
	s->ev.expect[expectation(s->plan, role, rule)].status = status;
}

/* Expectation i is present thanks to listener j. */
static void serve(struct scene *s, size_t i, size_t j)
{
	s->ev.expect[i].status = PC_PORT_PRESENT;
	s->ev.expect[i].listener = (int32_t)j;
	s->ev.listeners[j].class = PC_CLASS_EXPECTED;
	if (s->ev.listeners[j].expectation < 0)
		s->ev.listeners[j].expectation = (int32_t)i;
}

/* Every numbered listen rule of role gets a 0.0.0.0 listener on its
 * (first) port, one per port (two heartbeat ranges share 39500). */
static void listen_all(struct scene *s, const char *role)
{
	for (size_t i = 0; i < s->plan->expectations.n; i++) {
		const struct pc_expectation *e = &s->plan->expectations.items[i];
		bool have = false;
		for (size_t j = 0; j < s->snap.n_listeners; j++)
			have |= s->snap.listeners[j].local.proto == e->protocol &&
				s->snap.listeners[j].local.port == e->port;
		if (strcmp(e->role, role) == 0 && e->match != PC_MATCH_NONE &&
		    e->direction == PC_DIR_LISTEN && !have)
			add_listener(&s->snap, e->protocol, "0.0.0.0", e->port);
	}
}

static void serve_all(struct scene *s, const char *role)
{
	for (size_t i = 0; i < s->plan->expectations.n; i++) {
		const struct pc_expectation *e = &s->plan->expectations.items[i];
		if (strcmp(e->role, role) == 0 && e->match != PC_MATCH_NONE &&
		    e->direction == PC_DIR_LISTEN)
			serve(s, i, listener_at(&s->snap, e->protocol, e->port));
	}
}

/* The counts, as the engine keeps them (missing counts wrongAddress
 * too); every role and instance takes the host's compliance. */
static void eval_finish(struct scene *s, enum pc_compliance host)
{
	struct pc_evaluation *ev = &s->ev;
	ev->expected = ev->present = ev->missing = ev->unconfigured = ev->unexpected = 0;
	for (size_t r = 0; r < ev->n_roles; r++) {
		struct pc_role_result *role = &ev->roles[r];
		role->expected = role->present = role->missing = role->unconfigured = 0;
		role->compliance = host;
	}
	for (size_t k = 0; k < ev->n_instances; k++)
		ev->instances[k].compliance = host;
	for (size_t i = 0; i < ev->n_expect; i++) {
		struct pc_role_result *role = &ev->roles[s->plan->expectations.items[i].role_index - 1];
		role->expected++;
		ev->expected++;
		switch (ev->expect[i].status) {
		case PC_PORT_PRESENT: role->present++; ev->present++; break;
		case PC_PORT_MISSING:
		case PC_PORT_WRONG_ADDRESS: role->missing++; ev->missing++; break;
		case PC_PORT_UNCONFIGURED: role->unconfigured++; ev->unconfigured++; break;
		default: break;
		}
	}
	for (size_t j = 0; j < ev->n_listeners; j++)
		if (ev->listeners[j].class == PC_CLASS_UNEXPECTED)
			ev->unexpected++;
	ev->host = host;
}

static void scene_snapshot_done(struct scene *s)
{
	pc_snapshot_finish(&s->snap);
	s->snap.source = PC_SOURCE_NETLINK;
	s->snap.taken_at = (struct timespec){ 1795642511, 812000000 }; /* 2026-11-25T21:35:11.812Z */
	s->snap.duration_us = 412;
}

static void scene_free(struct scene *s)
{
	pc_evaluation_free(&s->ev);
	pc_snapshot_clear(&s->snap);
	pc_plan_unref(s->plan);
}

/* host.conf with a problem of each kind: report-lab's required port
 * missing, its optional one on the wrong address, its site port pending;
 * the Router all there; ssh ignored; one unexpected listener with a name
 * that needs escaping. */
static void troubled_host(struct scene *s)
{
	memset(s, 0, sizeof(*s));
	s->plan = load(FIXTURE("host.conf"));
	listen_all(s, "icm-router");
	add_listener(&s->snap, IPPROTO_TCP, "192.0.2.7", 18002);
	add_listener(&s->snap, IPPROTO_TCP, "0.0.0.0", 22);
	add_listener(&s->snap, IPPROTO_TCP, "0.0.0.0", 8080);
	scene_snapshot_done(s);
	set_process(&s->snap, IPPROTO_TCP, 40002, 812, "router");
	set_process(&s->snap, IPPROTO_TCP, 8080, 4242, "evil|name\"q");
	set_owner(&s->snap, IPPROTO_TCP, 8080, 1000, "mal|ory", false);
	set_owner(&s->snap, IPPROTO_TCP, 18002, 65534, "", true);
	eval_start(s);
	serve_all(s, "icm-router");
	set_status(s, "report-lab", "optional", PC_PORT_WRONG_ADDRESS);
	set_status(s, "report-lab", "spare", PC_PORT_PENDING);
	s->ev.listeners[listener_at(&s->snap, IPPROTO_TCP, 22)].class = PC_CLASS_IGNORED;
	eval_finish(s, PC_NON_COMPLIANT);
}

/* ---- reading the output ----------------------------------------------------- */

typedef int (*report_fn)(FILE *, const struct pc_plan *, const struct pc_snapshot *,
			 const struct pc_evaluation *, const struct pc_report_agent *,
			 const struct pc_discovery *);

static char *report(report_fn fn, const struct scene *s)
{
	FILE *out = tmpfile();
	assert_non_null(out);
	assert_int_equal(fn(out, s->plan, &s->snap, &s->ev, NULL, s->discovery), 0);
	char *text = slurp(out);
	fclose(out);
	return text;
}

static char *agent_text_report(const struct scene *s, const struct pc_report_agent *agent,
				enum pc_report_detail detail)
{
	FILE *out = tmpfile();
	assert_non_null(out);
	assert_int_equal(pc_report_text(out, s->plan, &s->snap, &s->ev, agent, s->discovery, detail), 0);
	char *text = slurp(out);
	fclose(out);
	return text;
}

static char *text_report(const struct scene *s, enum pc_report_detail detail)
{
	FILE *out = tmpfile();
	assert_non_null(out);
	assert_int_equal(pc_report_text(out, s->plan, &s->snap, &s->ev, NULL, s->discovery, detail), 0);
	char *text = slurp(out);
	fclose(out);
	return text;
}

/* Line n (0-based; negative: from the end) without its newline. */
static char *line_of(const char *text, int n)
{
	int count = 0;
	for (const char *p = text; *p; p++)
		count += *p == '\n';
	if (n < 0)
		n += count;
	const char *p = text;
	for (int k = 0; k < n && p; k++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	assert_non_null(p);
	return strndup(p, strcspn(p, "\n"));
}

/* The number of the first line holding all these words in this order,
 * -1 when none does. */
static int find_row(const char *text, const char *const *words, size_t n)
{
	int number = 0;
	for (const char *line = text; *line != '\0'; number++) {
		size_t len = strcspn(line, "\n");
		char *row = strndup(line, len);
		const char *at = row;
		size_t k = 0;
		for (; k < n && (at = strstr(at, words[k])) != NULL; k++)
			at += strlen(words[k]);
		free(row);
		if (k == n)
			return number;
		line += len + (line[len] == '\n');
	}
	return -1;
}

#define ROW(text, ...)                                                                     \
	find_row(text, (const char *const[]){ __VA_ARGS__ },                                  \
		 sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static void assert_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("missing: %s\n---- in:\n%s", needle, text);
}

/* The one JSON line that holds needle (the report writes one array
 * element per line). */
static char *json_line(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	if (at == NULL)
		fail_msg("no line with %s", needle);
	while (at > text && at[-1] != '\n')
		at--;
	return strndup(at, strcspn(at, "\n"));
}

/* The troubled host's first line: counts, the problems by name, perfdata. */
static const char *troubled_first_line(const struct scene *s)
{
	static char want[1024];
	snprintf(want, sizeof(want),
		 "PORTCOMPLY CRITICAL - nonCompliant: 1 missing (1 required), 1 wrongAddress, "
		 "1 pending, %u of %u present, 2 not checked, 2 unexpected listeners; "
		 "missing report-lab needed tcp/18001, wrongAddress report-lab optional tcp/18002, "
		 "pending report-lab spare udp/18004, unexpected tcp/8080 4242/evil/name\"q, "
		 "unexpected tcp/18002 | expected=%u;;;0 present=%u;;;0 missing=2;;;0 "
		 "unexpected=2;;;0 unconfigured=0;;;0 pending=1;;;0 wrong_address=1;;;0 "
		 "flapping=0;;;0 not_connected=0;;;0 listeners=%zu;;;0 poll_time=0.000412s;;;0",
		 s->ev.present, s->ev.expected, s->ev.expected, s->ev.present, s->snap.n_listeners);
	return want;
}

/* Lines of text (a last line without a newline counts). */
static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n + (*text != '\0' && text[strlen(text) - 1] != '\n');
}

/* The perfdata of a status line follows the Nagios plugin guidelines:
 * after the one " | ", space-separated 'label'=value[UOM];[warn];[crit];[min];[max]
 * with a label of [a-z_], a decimal value, a UOM of s or none; ours have
 * min 0 and no thresholds. Returns how many it holds. */
static size_t check_perfdata(const char *line)
{
	const char *bar = strstr(line, " | ");
	assert_non_null(bar);
	const char *bad = strchr(bar + 2, '|');
	if (bad != NULL && bad < line + strcspn(line, "\n"))
		fail_msg("a second '|' in the status line: %s", line);
	size_t n = 0;
	for (const char *p = bar + 3; *p != '\0' && *p != '\n'; n++) {
		size_t label = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		assert_true(label > 0);
		assert_int_equal(p[label], '=');
		p += label + 1;
		size_t digits = strspn(p, "0123456789");
		assert_true(digits > 0);
		p += digits;
		if (*p == '.') {
			digits = strspn(p + 1, "0123456789");
			assert_true(digits > 0);
			p += 1 + digits;
		}
		if (*p == 's')
			p++;
		assert_int_equal(strncmp(p, ";;;0", 4), 0);
		p += 4;
		assert_true(*p == ' ' || *p == '\n' || *p == '\0');
		if (*p == ' ')
			p++;
	}
	return n;
}

/* "and N more" in text: N, or -1 when it is not there. */
static long more_count(const char *text)
{
	const char *at = strstr(text, "and ");
	while (at != NULL) {
		char *end;
		long n = strtol(at + 4, &end, 10);
		if (end > at + 4 && strncmp(end, " more", 5) == 0)
			return n;
		at = strstr(at + 1, "and ");
	}
	return -1;
}

/* Names in the first line: the items between "listeners; " and " | ". */
static size_t named_in_first_line(const char *line)
{
	const char *start = strstr(line, " listeners; ");
	if (start == NULL)
		start = strstr(line, " listener; ");
	if (start == NULL)
		return 0;
	size_t n = 1;
	for (const char *p = strchr(start, ';'); p < strstr(line, " | "); p++)
		n += strncmp(p, ", ", 2) == 0;
	return more_count(line) >= 0 ? n - 1 : n;
}

/* ---- the tests -------------------------------------------------------------- */

static void test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(pc_report_exit_status(PC_COMPLIANT), 0);
	assert_int_equal(pc_report_exit_status(PC_DEGRADED), 1);
	assert_int_equal(pc_report_exit_status(PC_NON_COMPLIANT), 2);
	assert_int_equal(pc_report_exit_status(PC_COMPLIANCE_UNKNOWN), 3);
	assert_int_equal(pc_report_exit_status((enum pc_compliance)0), 3);
	assert_int_equal(pc_report_exit_status((enum pc_compliance)99), 3);
	assert_string_equal(pc_report_state_name(PC_COMPLIANT), "OK");
	assert_string_equal(pc_report_state_name(PC_DEGRADED), "WARNING");
	assert_string_equal(pc_report_state_name(PC_NON_COMPLIANT), "CRITICAL");
	assert_string_equal(pc_report_state_name(PC_COMPLIANCE_UNKNOWN), "UNKNOWN");

	/* Discovery's "differs" makes a compliant host WARNING, nothing else:
	 * the worse states stay, and so does UNKNOWN. */
	struct pc_discovery differs = { .verdict = PC_DISCOVER_DIFFERS };
	struct pc_discovery matches = { .verdict = PC_DISCOVER_MATCHES };
	static const struct {
		enum pc_compliance host;
		int off, matching, differing;
	} cases[] = {
		{ PC_COMPLIANT, 0, 0, 1 },
		{ PC_DEGRADED, 1, 1, 1 },
		{ PC_NON_COMPLIANT, 2, 2, 2 },
		{ PC_COMPLIANCE_UNKNOWN, 3, 3, 3 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct pc_evaluation ev = { .host = cases[k].host };
		assert_int_equal(pc_report_check_status(&ev, NULL), cases[k].off);
		assert_int_equal(pc_report_check_status(&ev, &matches), cases[k].matching);
		assert_int_equal(pc_report_check_status(&ev, &differs), cases[k].differing);
	}
	assert_string_equal(pc_report_status_name(PC_EXIT_WARNING), "WARNING");
	assert_string_equal(pc_report_status_name(7), "UNKNOWN");
}

/* The first line, and the JSON's compliance and exit status, follow the
 * host's compliance in all four states. */
static void test_four_states(void **state)
{
	(void)state;
	static const struct {
		enum pc_compliance compliance;
		const char *first, *json;
	} cases[] = {
		{ PC_COMPLIANT, "PORTCOMPLY OK - compliant: ",
		  "{\"compliance\": \"compliant\", \"state\": \"OK\", \"exit_status\": 0," },
		{ PC_DEGRADED, "PORTCOMPLY WARNING - degraded: ",
		  "{\"compliance\": \"degraded\", \"state\": \"WARNING\", \"exit_status\": 1," },
		{ PC_NON_COMPLIANT, "PORTCOMPLY CRITICAL - nonCompliant: ",
		  "{\"compliance\": \"nonCompliant\", \"state\": \"CRITICAL\", \"exit_status\": 2," },
		{ PC_COMPLIANCE_UNKNOWN, "PORTCOMPLY UNKNOWN - unknown: ",
		  "{\"compliance\": \"unknown\", \"state\": \"UNKNOWN\", \"exit_status\": 3," },
	};
	struct scene s;
	troubled_host(&s);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		s.ev.host = cases[k].compliance;
		char *text = text_report(&s, PC_REPORT_VERBOSE);
		assert_int_equal(strncmp(text, cases[k].first, strlen(cases[k].first)), 0);
		free(text);
		char *json = report(pc_report_json, &s);
		assert_json_valid(json);
		assert_int_equal(strncmp(json, cases[k].json, strlen(cases[k].json)), 0);
		free(json);
	}
	scene_free(&s);
}

static void test_text_problems(void **state)
{
	(void)state;
	struct scene s;
	troubled_host(&s);
	char *text = text_report(&s, PC_REPORT_VERBOSE);
	char want[512], *line;

	/* The first line: the counts, the problems named, the perfdata. */
	line = line_of(text, 0);
	assert_string_equal(line, troubled_first_line(&s));
	free(line);

	/* Problems, worst first, each with what the poll saw. */
	int problems = ROW(text, "Problems:");
	assert_int_equal(problems, 1);
	assert_int_equal(ROW(text, "STATUS", "REQUIRED", "ROLE", "INSTANCE", "SIDE", "RULE", "PROTO",
			     "PORT", "DIRECTION", "SEEN"),
			 2);
	assert_int_equal(ROW(text, "missing ", " yes ", " report-lab ", " - ", " - ", " needed ",
			     " tcp ", " 18001 ", " listen ", " want 127.0.0.1"),
			 3);
	assert_int_equal(ROW(text, "wrongAddress ", " no ", " report-lab ", " optional ", " 18002 ",
			     " want 127.0.0.1; on 192.0.2.7:18002 uid=65534 and other users"),
			 4);
	assert_int_equal(ROW(text, "pending ", " no ", " report-lab ", " spare ", " udp ", " 18004 "),
			 5);
	/* Then the unexpected listeners (the one on the wrong address too),
	 * a '|' in a name made harmless. */
	assert_int_equal(ROW(text, "Unexpected listeners:"), 6);
	assert_int_equal(ROW(text, "PROTO", "ADDRESS", "PORT", "SOCKETS", "PID", "PROCESS",
			     "UID(USER)"),
			 7);
	assert_int_equal(ROW(text, "tcp ", " 0.0.0.0 ", " 8080 ", " 1 ", " 4242 ", " evil/name\"q ",
			     " 1000(mal/ory)"),
			 8);
	assert_int_equal(ROW(text, "tcp ", " 192.0.2.7 ", " 18002 ", " 1 ", " - ", " - ", " 65534"), 9);
	assert_int_equal(ROW(text, "Expectations:"), 10);

	/* The full list: the Router's ports with the listener that serves them. */
	assert_true(ROW(text, "present ", " yes ", " icm-router ", " acme ", " a ", " dmp-low ",
			" tcp ", " 40002 ", " listen ", " 0.0.0.0:40002 812/router uid=0") > 10);
	assert_true(ROW(text, "present ", " icm-router ", " private-heartbeat ", " udp ",
			" 39500-39999 ", " 0.0.0.0:39500") > 10);
	assert_true(ROW(text, "notChecked ", " report-lab ", " peer ", " 18003 ", " connect ") > 10);
	assert_true(ROW(text, "INDEX", "ROLE", "INSTANCE", "SIDE", "COMPLIANCE", "EXPECTED",
			"PRESENT", "MISSING", "UNCONFIGURED") > 10);
	assert_true(ROW(text, "2 ", " report-lab ", " - ", " - ", " nonCompliant ", " 4 ", " 0 ",
			" 2 ", " 0") > 10);
	assert_true(ROW(text, "1 ", " icm-router ", " acme ", " a ", " nonCompliant ") > 10);

	/* The poll, last; the only '|' is the first line's. */
	line = line_of(text, -1);
	snprintf(want, sizeof(want),
		 "Poll: netlink at 2026-11-25T21:35:11.812Z, 0.412 ms, %zu listeners "
		 "(%zu expected, 2 unexpected, 1 ignored); catalog revision %s; configuration %s",
		 s.snap.n_listeners, s.snap.n_listeners - 3, s.plan->catalog->revision,
		 FIXTURE("host.conf"));
	assert_string_equal(line, want);
	free(line);
	assert_ptr_equal(strchr(text, '|'), strrchr(text, '|'));
	assert_true(strchr(text, '|') < strchr(text, '\n'));
	free(text);
	scene_free(&s);
}

static void test_text_compliant(void **state)
{
	(void)state;
	struct scene s = { .plan = load(FIXTURE("host.conf")) };
	listen_all(&s, "icm-router");
	add_listener(&s.snap, IPPROTO_TCP, "127.0.0.1", 18001);
	add_listener(&s.snap, IPPROTO_TCP, "127.0.0.1", 18002);
	add_listener(&s.snap, IPPROTO_UDP, "127.0.0.1", 18004);
	scene_snapshot_done(&s);
	eval_start(&s);
	serve_all(&s, "icm-router");
	serve_all(&s, "report-lab");
	eval_finish(&s, PC_COMPLIANT);

	char *text = text_report(&s, PC_REPORT_VERBOSE);
	char want[256];
	snprintf(want, sizeof(want),
		 "PORTCOMPLY OK - compliant: %u of %u present, 2 not checked, 0 unexpected listeners | "
		 "expected=",
		 s.ev.present, s.ev.expected);
	assert_int_equal(strncmp(text, want, strlen(want)), 0);
	assert_int_equal(ROW(text, "Problems:"), -1);
	assert_int_equal(ROW(text, "Unexpected listeners:"), -1);
	assert_int_equal(ROW(text, "Expectations:"), 1);
	assert_true(ROW(text, "present ", " report-lab ", " needed ", " 127.0.0.1:18001") > 1);
	char *last = line_of(text, -1);
	assert_int_equal(strncmp(last, "Poll: ", 6), 0);
	free(last);
	free(text);
	scene_free(&s);
}

/* Naming that cannot name every process (run without privilege, or its
 * helper not answering) is said: on the first line (Nagios shows it), in
 * the poll line with why, in the JSON's poll. Working naming says nothing. */
static void test_naming_trouble_is_said(void **state)
{
	(void)state;
	struct scene s = { .plan = load(FIXTURE("host.conf")) };
	listen_all(&s, "icm-router");
	scene_snapshot_done(&s);
	s.snap.naming = (struct pc_naming_status){
		PC_NAMING_LIMITED, "3 listeners held by processes this user may not read", 0
	};
	eval_start(&s);
	serve_all(&s, "icm-router");
	eval_finish(&s, PC_COMPLIANT);

	char *text = text_report(&s, PC_REPORT_VERBOSE);
	char *first = line_of(text, 0);
	if (strstr(first, " unexpected listeners, naming limited; ") == NULL)
		fail_msg("first line: %s", first);
	char *last = line_of(text, -1);
	assert_non_null(strstr(last, "; naming limited: 3 listeners held by processes this user may not read"));
	free(first);
	free(last);
	free(text);
	char *json = report(pc_report_json, &s);
	assert_contains(json, "\"naming\": \"limited\", \"naming_reason\": \"3 listeners held by "
			      "processes this user may not read\"}");
	free(json);

	s.snap.naming = (struct pc_naming_status){ PC_NAMING_WORKING, "", 0 };
	text = text_report(&s, PC_REPORT_VERBOSE);
	assert_null(strstr(text, "naming"));
	free(text);
	json = report(pc_report_json, &s);
	assert_contains(json, "\"naming\": \"working\", \"naming_reason\": null}");
	free(json);
	scene_free(&s);
}

/* A rule without the site's number: degraded, "unconfigured" in the text,
 * null port in the JSON. */
static void test_unconfigured(void **state)
{
	(void)state;
	struct scene s = { .plan = load(FIXTURE("unconfigured.conf")) };
	add_listener(&s.snap, IPPROTO_TCP, "0.0.0.0", 18001);
	add_listener(&s.snap, IPPROTO_TCP, "::", 18002);
	scene_snapshot_done(&s);
	eval_start(&s);
	serve_all(&s, "report-lab");
	eval_finish(&s, PC_DEGRADED);

	char *text = text_report(&s, PC_REPORT_VERBOSE);
	char *first = line_of(text, 0);
	assert_string_equal(first, "PORTCOMPLY WARNING - degraded: 1 unconfigured, 2 of 4 present, "
				   "1 not checked, 0 unexpected listeners; unconfigured report-lab "
				   "spare udp/unconfigured | expected=4;;;0 present=2;;;0 "
				   "missing=0;;;0 unexpected=0;;;0 unconfigured=1;;;0 pending=0;;;0 "
				   "wrong_address=0;;;0 flapping=0;;;0 not_connected=0;;;0 "
				   "listeners=2;;;0 poll_time=0.000412s;;;0");
	free(first);
	assert_int_equal(ROW(text, "unconfigured ", " no ", " report-lab ", " spare ", " udp ",
			     " unconfigured ", " listen ", " -"),
			 3);
	assert_true(ROW(text, "present ", " optional ", " *:18002") > 3);
	free(text);

	char *json = report(pc_report_json, &s);
	assert_json_valid(json);
	char *line = json_line(json, "\"rule\": \"spare\"");
	assert_contains(line, "\"protocol\": \"udp\", \"port\": null, \"port_last\": null, "
			      "\"match\": \"none\", \"direction\": \"listen\", \"required\": false, "
			      "\"configurable\": true, \"bind_address\": null, "
			      "\"status\": \"unconfigured\", \"listener\": null, \"bound_address\": null, "
			      "\"pid\": null, \"process\": null, \"uid\": null, \"user\": null, "
			      "\"owner_user\": null, \"owner_uid\": null, \"owner_process\": null}");
	free(line);
	line = json_line(json, "\"port\": 18002, \"sockets\"");
	assert_contains(line, "{\"protocol\": \"tcp\", \"address_type\": \"unknown\", \"address\": \"*\", "
			      "\"port\": 18002, \"sockets\": 1, \"pid\": null, \"process\": null, "
			      "\"uid\": 0, \"user\": null, \"uids_differ\": false, \"class\": \"expected\", "
			      "\"expectation\": 1, \"role\": \"report-lab\", "
			      "\"rule\": \"optional\", \"device\": null, \"device_status\": null}");
	free(line);
	assert_contains(json, "\"counts\": {\"expected\": 4, \"present\": 2, \"missing\": 0, "
			      "\"unexpected\": 0, \"unconfigured\": 1}");
	free(json);
	scene_free(&s);
}

static void test_json(void **state)
{
	(void)state;
	struct scene s;
	troubled_host(&s);
	char *json = report(pc_report_json, &s);
	char want[512], *line;
	assert_json_valid(json);

	snprintf(want, sizeof(want),
		 "\"counts\": {\"expected\": %u, \"present\": %u, \"missing\": 2, "
		 "\"unexpected\": 2, \"unconfigured\": 0}",
		 s.ev.expected, s.ev.present);
	assert_contains(json, want);
	/* Every status by its name, in the order of their values; those the
	 * host has none of at 0. */
	const char *statuses = strstr(json, "\"statuses\": {");
	assert_non_null(statuses);
	const char *end = strchr(statuses, '}'), *at = statuses;
	for (unsigned v = 1; v <= PC_PORT_STATUS_MAX; v++) {
		unsigned n = v == PC_PORT_PRESENT ? s.ev.present
			     : v == PC_PORT_MISSING || v == PC_PORT_PENDING || v == PC_PORT_WRONG_ADDRESS
				     ? 1
			     : v == PC_PORT_NOT_CHECKED ? 2
							: 0;
		snprintf(want, sizeof(want), "%s\"%s\": %u", v == 1 ? "{" : ", ",
			 pc_port_status_name((enum pc_port_status)v), n);
		at = strstr(at, want);
		if (at == NULL || at > end)
			fail_msg("statuses: no %s where expected in %.*s", want, (int)(end - statuses + 1),
				 statuses);
	}
	assert_ptr_equal(at + strlen(want), end);
	snprintf(want, sizeof(want),
		 "\"poll\": {\"source\": \"netlink\", \"time\": \"2026-11-25T21:35:11.812Z\", "
		 "\"duration_us\": 412, \"malformed_records\": 0, \"listeners\": %zu, \"naming\": null, \"naming_reason\": null}",
		 s.snap.n_listeners);
	assert_contains(json, want);
	snprintf(want, sizeof(want), "\"catalog_revision\": \"%s\", \"config\": \"%s\"",
		 s.plan->catalog->revision, FIXTURE("host.conf"));
	assert_contains(json, want);

	/* Roles and instances. */
	assert_contains(json, "{\"role_index\": 1, \"role\": \"icm-router\", \"title\": \"ICM Router\", "
			      "\"table\": 1, \"instance\": 0, \"instance_name\": \"acme\", "
			      "\"side\": \"a\", \"slot\": null, \"compliance\": \"nonCompliant\"");
	assert_contains(json, "{\"role_index\": 2, \"role\": \"report-lab\", "
			      "\"title\": \"Report test role\", \"table\": 0, \"instance\": null, "
			      "\"instance_name\": null, \"side\": null, \"slot\": null, "
			      "\"compliance\": \"nonCompliant\", \"expected\": 4, \"present\": 0, "
			      "\"missing\": 2, \"unconfigured\": 0}");
	assert_contains(json, "\"instances\": [\n  {\"instance\": 0, \"name\": \"acme\", "
			      "\"roles\": 1, \"compliance\": \"nonCompliant\"}\n ],");

	/* Every field an operator needs to act on a missing required port. */
	line = json_line(json, "\"rule\": \"needed\"");
	assert_contains(line, "\"role\": \"report-lab\", \"instance\": null, \"instance_name\": null, "
			      "\"side\": null, \"slot\": null, \"rule\": \"needed\", "
			      "\"description\": \"A required listener\", \"protocol\": \"tcp\", "
			      "\"port\": 18001, \"port_last\": 18001, \"match\": \"port\", "
			      "\"direction\": \"listen\", \"required\": true, \"configurable\": false, "
			      "\"bind_address\": \"127.0.0.1\", \"status\": \"missing\", \"listener\": null, "
			      "\"bound_address\": null, \"pid\": null, \"process\": null, \"uid\": null, "
			      "\"user\": null, \"owner_user\": null, \"owner_uid\": null, "
			      "\"owner_process\": null}");
	free(line);
	line = json_line(json, "\"rule\": \"private-heartbeat\"");
	assert_contains(line, "\"instance\": 0, \"instance_name\": \"acme\", \"side\": \"a\"");
	assert_contains(line, "\"protocol\": \"udp\", \"port\": 39500, \"port_last\": 39999, "
			      "\"match\": \"any-in-range\"");
	free(line);

	/* The cross references: expectation -> listener -> expectation. */
	size_t i = expectation(s.plan, "icm-router", "dmp-low");
	size_t j = listener_at(&s.snap, IPPROTO_TCP, 40002);
	line = json_line(json, "\"rule\": \"dmp-low\"");
	snprintf(want, sizeof(want),
		 "\"status\": \"present\", \"listener\": %zu, \"bound_address\": \"0.0.0.0\", "
		 "\"pid\": 812, \"process\": \"router\", \"uid\": 0, \"user\": null, "
		 "\"owner_user\": null, \"owner_uid\": null, \"owner_process\": null}",
		 j);
	assert_contains(line, want);
	free(line);
	line = json_line(json, "\"port\": 40002, \"sockets\"");
	snprintf(want, sizeof(want),
		 "{\"protocol\": \"tcp\", \"address_type\": \"ipv4\", \"address\": \"0.0.0.0\", "
		 "\"port\": 40002, \"sockets\": 1, \"pid\": 812, \"process\": \"router\", "
		 "\"uid\": 0, \"user\": null, \"uids_differ\": false, \"class\": \"expected\", "
		 "\"expectation\": %zu, \"role\": \"icm-router\", "
		 "\"rule\": \"dmp-low\", \"device\": null, \"device_status\": null}",
		 i);
	assert_contains(line, want);
	free(line);

	/* Unexpected and ignored listeners; a name that needs escaping. */
	assert_contains(json, "{\"protocol\": \"tcp\", \"address_type\": \"ipv4\", "
			      "\"address\": \"0.0.0.0\", \"port\": 8080, \"sockets\": 1, \"pid\": 4242, "
			      "\"process\": \"evil|name\\\"q\", \"uid\": 1000, \"user\": \"mal|ory\", "
			      "\"uids_differ\": false, \"class\": \"unexpected\", "
			      "\"expectation\": null, \"role\": null, \"rule\": null, "
			      "\"device\": null, \"device_status\": null}");
	assert_contains(json, "\"port\": 22, \"sockets\": 1, \"pid\": null, \"process\": null, "
			      "\"uid\": 0, \"user\": null, \"uids_differ\": false, "
			      "\"class\": \"ignored\", \"expectation\": null, \"role\": null, "
			      "\"rule\": null, \"device\": null, \"device_status\": null}");
	assert_contains(json, "\"port\": 18002, \"sockets\": 1, \"pid\": null, \"process\": null, "
			      "\"uid\": 65534, \"user\": null, \"uids_differ\": true, ");
	free(json);
	scene_free(&s);
}

/* The default output: the status line, then one line per problem,
 * nothing else; --brief: the status line alone. */
static void test_default_and_brief(void **state)
{
	(void)state;
	struct scene s;
	troubled_host(&s);
	char *text = text_report(&s, PC_REPORT_DEFAULT);
	char want[4096];
	snprintf(want, sizeof(want),
		 "%s\n"
		 "missing (required): report-lab, rule needed, tcp/18001 listen; want 127.0.0.1\n"
		 "wrongAddress (optional): report-lab, rule optional, tcp/18002 listen; "
		 "want 127.0.0.1; on 192.0.2.7:18002 uid=65534 and other users\n"
		 "pending (optional): report-lab, rule spare, udp/18004 listen; want 127.0.0.1\n"
		 "unexpected listener: tcp 0.0.0.0:8080 4242/evil/name\"q uid=1000(mal/ory)\n"
		 "unexpected listener: tcp 192.0.2.7:18002 uid=65534 and other users\n",
		 troubled_first_line(&s));
	assert_string_equal(text, want);
	assert_int_equal(check_perfdata(text), 11);
	free(text);

	text = text_report(&s, PC_REPORT_BRIEF);
	snprintf(want, sizeof(want), "%s\n", troubled_first_line(&s));
	assert_string_equal(text, want);
	free(text);

	/* Nothing wrong: one line whatever the detail. */
	s.ev.host = PC_COMPLIANT;
	for (size_t i = 0; i < s.ev.n_expect; i++)
		if (s.ev.expect[i].status != PC_PORT_NOT_CHECKED)
			s.ev.expect[i].status = PC_PORT_PRESENT;
	for (size_t j = 0; j < s.ev.n_listeners; j++)
		s.ev.listeners[j].class = PC_CLASS_IGNORED;
	eval_finish(&s, PC_COMPLIANT);
	text = text_report(&s, PC_REPORT_DEFAULT);
	assert_int_equal(count_lines(text), 1);
	assert_int_equal(strncmp(text, "PORTCOMPLY OK - compliant: ", 27), 0);
	assert_non_null(strstr(text, "0 unexpected listeners | expected="));
	assert_int_equal(check_perfdata(text), 11);
	free(text);
	scene_free(&s);
}

/* A host with many problems: every expectation of host.conf missing and
 * n unexpected listeners. */
static void many_problems(struct scene *s, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->plan = load(FIXTURE("host.conf"));
	for (size_t k = 0; k < n; k++)
		add_listener(&s->snap, k % 2 ? IPPROTO_UDP : IPPROTO_TCP,
			     k % 3 ? "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe" : "203.0.113.254",
			     (uint16_t)(50000 + k));
	scene_snapshot_done(s);
	for (size_t j = 0; j < s->snap.n_listeners; j++) {
		s->snap.listeners[j].pid = 4000000 + (int32_t)j;
		char name[32];
		snprintf(name, sizeof(name), "worker|%08zu", j);
		memcpy(s->snap.listeners[j].process, name, PC_PROCESS_MAX - 1);
		s->snap.listeners[j].process[PC_PROCESS_MAX - 1] = '\0';
	}
	eval_start(s);
	eval_finish(s, PC_NON_COMPLIANT);
}

static size_t problem_count(const struct scene *s)
{
	size_t n = s->ev.unexpected;
	for (size_t i = 0; i < s->ev.n_expect; i++)
		n += s->ev.expect[i].status != PC_PORT_PRESENT &&
		     s->ev.expect[i].status != PC_PORT_NOT_CHECKED &&
		     s->ev.expect[i].status != PC_PORT_CONNECTED;
	return n;
}

/* Whatever the number of problems: the default output stays within 4,096
 * bytes and --brief within 1,024, both start with the same status line
 * with whole perfdata, and what is not shown is counted ("and N more"),
 * so that shown + N is every problem. Nothing is cut needlessly early. */
static void test_limits(void **state)
{
	(void)state;
	static const size_t unexpected[] = { 0, 1, 3, 10, 25, 40, 60, 100, 250, 1000 };
	for (size_t c = 0; c < sizeof(unexpected) / sizeof(unexpected[0]); c++) {
		struct scene s;
		many_problems(&s, unexpected[c]);
		size_t problems = problem_count(&s);

		char *brief = text_report(&s, PC_REPORT_BRIEF);
		assert_true(strlen(brief) <= 1024);
		assert_int_equal(count_lines(brief), 1);
		assert_int_equal(brief[strlen(brief) - 1], '\n');
		assert_int_equal(strncmp(brief, "PORTCOMPLY CRITICAL - nonCompliant: ", 36), 0);
		assert_int_equal(check_perfdata(brief), 11);
		long more = more_count(brief);
		size_t named = named_in_first_line(brief);
		if (more >= 0) {
			assert_int_equal(named + (size_t)more, problems);
			assert_true(strlen(brief) > 1024 - 100); /* a name would not fit */
		} else {
			assert_int_equal(named, problems);
		}

		char *text = text_report(&s, PC_REPORT_DEFAULT);
		assert_true(strlen(text) <= 4096);
		assert_int_equal(strncmp(text, brief, strlen(brief)), 0);
		const char *rest = text + strlen(brief);
		size_t lines = count_lines(rest);
		more = more_count(rest);
		if (more >= 0) {
			assert_int_equal(lines - 1 + (size_t)more, problems);
			char tail[128];
			snprintf(tail, sizeof(tail), "\nand %ld more (--verbose lists every one)\n", more);
			assert_string_equal(text + strlen(text) - strlen(tail), tail);
			assert_true(strlen(text) > 4096 - 150); /* a line would not fit */
		} else {
			assert_int_equal(lines, problems);
		}
		assert_null(strchr(strchr(text, '|') + 1, '|')); /* names made harmless */

		char *verbose = text_report(&s, PC_REPORT_VERBOSE);
		assert_int_equal(strncmp(verbose, brief, strlen(brief)), 0);
		assert_true(count_lines(verbose) > problems); /* every one, unbounded */
		free(verbose);
		free(text);
		free(brief);
		scene_free(&s);
	}
}

/* A host with no roles: nothing expected, every list empty. */
static void test_nothing_expected(void **state)
{
	(void)state;
	struct scene s = { .plan = load(repo_path("tests/fixtures/config/good-minimal.conf")) };
	add_listener(&s.snap, IPPROTO_UDP, "::1", 5353);
	scene_snapshot_done(&s);
	eval_start(&s);
	eval_finish(&s, PC_COMPLIANT);

	char *text = text_report(&s, PC_REPORT_VERBOSE);
	assert_int_equal(ROW(text, "PORTCOMPLY OK - compliant: 0 of 0 present, 1 unexpected listener"),
			 0);
	assert_int_equal(ROW(text, "Unexpected listeners:"), 1);
	assert_int_equal(ROW(text, "udp ", " [::1] ", " 5353 ", " 1 ", " - ", " -"), 3);
	assert_int_equal(ROW(text, "Expectations:"), -1);
	assert_int_equal(ROW(text, "Roles:"), -1);
	free(text);

	char *json = report(pc_report_json, &s);
	assert_json_valid(json);
	assert_contains(json, "\"roles\": [],\n \"instances\": [],\n \"expectations\": [],\n");
	assert_contains(json, "\"address_type\": \"ipv6\", \"address\": \"[::1]\"");
	free(json);
	scene_free(&s);
}

/* The serving daemon's AgentX link: down, it is the line after the status
 * line with its reason (never in --brief, never changing the state); up,
 * only the verbose report names it; JSON carries it, null when no daemon
 * serves the configuration. */
static void test_agent_link(void **state)
{
	(void)state;
	struct scene s = { .plan = load(repo_path("tests/fixtures/config/good-minimal.conf")) };
	scene_snapshot_done(&s);
	eval_start(&s);
	eval_finish(&s, PC_COMPLIANT);
	struct pc_report_agent down = { .connected = false, .attempts = 7, .since_s = 35,
					.address = "/var/agentx/master",
					.reason = "Permission denied: the directory /var/agentx is mode 0700" };

	char *text = agent_text_report(&s, &down, PC_REPORT_DEFAULT);
	assert_int_equal(ROW(text, "PORTCOMPLY OK - compliant"), 0);
	assert_int_equal(ROW(text, "Agent: not connected to its AgentX master at /var/agentx/master "
				   "for 35 s (7 attempts): Permission denied: the directory "
				   "/var/agentx is mode 0700"),
			 1);
	free(text);
	text = agent_text_report(&s, &down, PC_REPORT_BRIEF);
	assert_null(strstr(text, "Agent:"));
	free(text);

	struct pc_report_agent up = { .connected = true, .since_s = 9, .address = "/var/agentx/master" };
	text = agent_text_report(&s, &up, PC_REPORT_DEFAULT);
	assert_null(strstr(text, "Agent:"));
	free(text);
	text = agent_text_report(&s, &up, PC_REPORT_VERBOSE);
	assert_int_equal(ROW(text, "Agent: connected to its AgentX master at /var/agentx/master for 9 s"), 1);
	free(text);

	FILE *out = tmpfile();
	assert_non_null(out);
	assert_int_equal(pc_report_json(out, s.plan, &s.snap, &s.ev, &down, NULL), 0);
	char *json = slurp(out);
	fclose(out);
	assert_json_valid(json);
	assert_contains(json, "\"agent\": {\"connected\": false, \"address\": \"/var/agentx/master\", "
			      "\"since_s\": 35, \"attempts\": 7, \"reason\": \"Permission denied: "
			      "the directory /var/agentx is mode 0700\"}\n}\n");
	free(json);
	json = report(pc_report_json, &s);
	assert_json_valid(json);
	assert_contains(json, "\"agent\": null\n}\n");
	free(json);
	scene_free(&s);
}

static char *failure(bool json, const char *reason, const struct pc_diag *diag)
{
	FILE *out = tmpfile();
	assert_non_null(out);
	assert_int_equal(pc_report_failure(out, json, reason, diag), 0);
	char *text = slurp(out);
	fclose(out);
	return text;
}

static void test_failure(void **state)
{
	(void)state;
	struct pc_diag diag = { 0 };
	pc_diag_warning(&diag, "x.conf", 1, "ignored port 22 is expected by a role");
	pc_diag_error(&diag, "x.conf", 4, "role \"nope\": no such role in the catalog");
	pc_diag_error(&diag, "x.conf", 9, "port 0: must be between 1 and 65535");

	char *text = failure(false, "invalid configuration", &diag);
	assert_string_equal(text, "PORTCOMPLY UNKNOWN - invalid configuration: x.conf:4: role "
				  "\"nope\": no such role in the catalog (and 2 more lines on stderr)\n");
	free(text);
	char *json = failure(true, "invalid configuration", &diag);
	assert_json_valid(json);
	assert_string_equal(json, "{\"compliance\": \"unknown\", \"state\": \"UNKNOWN\", "
				  "\"exit_status\": 3, \"error\": \"invalid configuration\", "
				  "\"diagnostics\": [\"x.conf:1: warning: ignored port 22 is expected "
				  "by a role\", \"x.conf:4: role \\\"nope\\\": no such role in the "
				  "catalog\", \"x.conf:9: port 0: must be between 1 and 65535\"]}\n");
	free(json);
	pc_diag_clear(&diag);

	/* No diagnostics; a '|' in the reason does not start perfdata. */
	text = failure(false, "cannot read the socket tables: /tmp/a|b/net/tcp: No such file", NULL);
	assert_string_equal(text, "PORTCOMPLY UNKNOWN - cannot read the socket tables: "
				  "/tmp/a/b/net/tcp: No such file\n");
	free(text);
	/* However long the reason, one line NRPE passes on whole, with the
	 * count of the lines on stderr kept. */
	char long_reason[3000];
	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	pc_diag_error(&diag, "x.conf", 4, "%s", long_reason);
	pc_diag_error(&diag, "x.conf", 5, "another");
	text = failure(false, long_reason, &diag);
	assert_true(strlen(text) <= 1024);
	assert_int_equal(count_lines(text), 1);
	assert_non_null(strstr(text, "xxx (and 1 more line on stderr)\n"));
	free(text);
	pc_diag_clear(&diag);
	json = failure(true, "cannot read the socket tables: x", NULL);
	assert_json_valid(json);
	assert_contains(json, "\"error\": \"cannot read the socket tables: x\", \"diagnostics\": []}");
	free(json);
}

/* A stream that cannot be written is reported, not ignored. */
static void test_write_error(void **state)
{
	(void)state;
	struct scene s;
	troubled_host(&s);
	FILE *ro = fopen("/dev/null", "r");
	assert_non_null(ro);
	assert_int_equal(pc_report_text(ro, s.plan, &s.snap, &s.ev, NULL, NULL, PC_REPORT_DEFAULT), -1);
	clearerr(ro);
	assert_int_equal(pc_report_json(ro, s.plan, &s.snap, &s.ev, NULL, NULL), -1);
	fclose(ro);
	scene_free(&s);
}

/* Why a port is wrongAddress, and where a device-bound listener is: the
 * text report and the JSON say it in words and as the MIB names it. */
static void test_wrong_address_reason(void **state)
{
	(void)state;
	struct scene s = { 0 };
	s.plan = load(FIXTURE("host.conf"));
	listen_all(&s, "icm-router");
	add_listener(&s.snap, IPPROTO_TCP, "192.0.2.7", 18002);
	uint8_t any[4] = { 0 };
	struct pc_listen_socket socket = { .inode = 8081 };
	pc_endpoint_set(&socket.local, IPPROTO_TCP, AF_INET, any, false, 3, 8081);
	assert_int_equal(pc_snapshot_add_listener(&s.snap, &socket), 0);
	struct pc_interface d0 = { .index = 3, .name = "d0", .up = false };
	assert_int_equal(pc_snapshot_add_interface(&s.snap, &d0), 0);
	s.snap.interfaces_known = true;
	scene_snapshot_done(&s);
	eval_start(&s);
	serve_all(&s, "icm-router");
	size_t i = expectation(s.plan, "report-lab", "optional");
	s.ev.expect[i].status = PC_PORT_WRONG_ADDRESS;
	s.ev.expect[i].problem = PC_PROBLEM_NOT_LOCAL_ADDRESS;
	s.ev.expect[i].listener = (int32_t)listener_at(&s.snap, IPPROTO_TCP, 18002);
	eval_finish(&s, PC_DEGRADED);

	char *text = text_report(&s, PC_REPORT_VERBOSE);
	assert_true(ROW(text, "wrongAddress", "no", "report-lab", "optional", "18002",
			"192.0.2.7:18002 uid=0: bound to an address this host does not hold") >= 0);
	assert_true(ROW(text, "tcp", "0.0.0.0%3", "8081") >= 0);
	free(text);
	/* The default output's problem line gives the reason too. */
	text = text_report(&s, PC_REPORT_DEFAULT);
	assert_true(ROW(text, "wrongAddress (optional): report-lab, rule optional, tcp/18002 "
				   "listen; 192.0.2.7:18002 uid=0: bound to an address this host does not hold") > 0);
	free(text);

	char *json = report(pc_report_json, &s);
	assert_json_valid(json);
	char *line = json_line(json, "\"rule\": \"optional\"");
	assert_contains(line, "\"peers\": \"local\", \"address_problem\": \"notLocalAddress\", "
			      "\"reason\": \"bound to an address this host does not hold\"");
	assert_contains(line, "\"status\": \"wrongAddress\"");
	assert_contains(line, "\"bound_address\": \"192.0.2.7\"");
	free(line);
	line = json_line(json, "\"rule\": \"needed\"");
	assert_contains(line, "\"address_problem\": null, \"reason\": null");
	free(line);
	line = json_line(json, "\"port\": 8081, \"sockets\"");
	assert_contains(line, "\"address_type\": \"ipv4z\", \"address\": \"0.0.0.0%d0\"");
	assert_contains(line, "\"device\": \"d0\", \"device_status\": \"down\"}");
	free(line);
	free(json);
	scene_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_four_states),
		cmocka_unit_test(test_text_problems),
		cmocka_unit_test(test_text_compliant),
		cmocka_unit_test(test_default_and_brief),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_unconfigured),
		cmocka_unit_test(test_naming_trouble_is_said),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_wrong_address_reason),
		cmocka_unit_test(test_nothing_expected),
		cmocka_unit_test(test_agent_link),
		cmocka_unit_test(test_failure),
		cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
