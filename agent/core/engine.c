/* SPDX-License-Identifier: ISC */
/* One evaluation: its arrays, the order of its steps, its events, and
 * what a failed poll leaves of the last one. engine_internal.h lists the
 * files that do each step. */
#include "core/engine_internal.h"

#include <stdlib.h>
#include <string.h>

static int allocate(const struct pc_plan *plan, size_t n_listeners, struct pc_evaluation *out)
{
	memset(out, 0, sizeof(*out));
	out->n_expect = plan->expectations.n;
	out->n_listeners = n_listeners;
	out->n_roles = plan->config->n_roles;
	out->expect = calloc(out->n_expect + 1, sizeof(*out->expect));
	out->listeners = calloc(n_listeners + 1, sizeof(*out->listeners));
	out->roles = calloc(out->n_roles + 1, sizeof(*out->roles));
	/* At most one instance per role. */
	out->instances = calloc(out->n_roles + 1, sizeof(*out->instances));
	if (out->expect == NULL || out->listeners == NULL || out->roles == NULL ||
	    out->instances == NULL) {
		pc_evaluation_free(out);
		return -1;
	}
	return 0;
}

/* Every expectation unknown, confirmed as nothing, served by no listener. */
static void forget_statuses(struct pc_evaluation *out)
{
	for (size_t i = 0; i < out->n_expect; i++) {
		out->expect[i].status = out->expect[i].confirmed = PC_PORT_UNKNOWN;
		out->expect[i].listener = -1;
		out->expect[i].problem = PC_PROBLEM_NONE;
	}
}

static void forget_compliance(struct pc_evaluation *out)
{
	out->host = PC_COMPLIANCE_UNKNOWN;
	for (size_t r = 0; r < out->n_roles; r++)
		out->roles[r].compliance = PC_COMPLIANCE_UNKNOWN;
	for (size_t k = 0; k < out->n_instances; k++)
		out->instances[k].compliance = PC_COMPLIANCE_UNKNOWN;
}

int pc_evaluation_init_unknown(const struct pc_plan *plan, struct pc_evaluation *out)
{
	if (allocate(plan, 0, out) < 0)
		return -1;
	forget_statuses(out);
	pc_engine_roll_up(plan, out); /* names the roles and instances */
	forget_compliance(out);
	out->host_told = PC_COMPLIANCE_UNKNOWN;
	return 0;
}

int pc_engine_carry_over(const struct pc_plan *plan, const struct pc_evaluation *previous,
			 bool blind, int64_t now_ms, struct pc_evaluation *out)
{
	if (allocate(plan, previous->n_listeners, out) < 0)
		return -1;
	struct pc_expect_result *expect = out->expect;
	struct pc_listener_result *listeners = out->listeners;
	struct pc_role_result *roles = out->roles;
	struct pc_instance_result *instances = out->instances;
	*out = *previous;
	out->expect = memcpy(expect, previous->expect, previous->n_expect * sizeof(*expect));
	out->listeners = memcpy(listeners, previous->listeners,
				previous->n_listeners * sizeof(*listeners));
	out->roles = memcpy(roles, previous->roles, previous->n_roles * sizeof(*roles));
	out->instances = memcpy(instances, previous->instances,
				previous->n_instances * sizeof(*instances));
	out->events = NULL;
	out->n_events = 0;
	out->recheck_soon = false;
	if (!blind)
		return 0;

	/* Alarms raised, absences and flips stay: the history. What each
	 * expectation was last confirmed as does not: an absence found after
	 * blindness may be old, so it counts as unknown until hold-down
	 * confirms it. */
	forget_statuses(out);
	out->present = out->missing = out->unexpected = 0;
	for (size_t r = 0; r < out->n_roles; r++)
		out->roles[r].present = out->roles[r].missing = 0;
	forget_compliance(out);
	if (previous->host != PC_COMPLIANCE_UNKNOWN)
		out->host_last_change_ms = now_ms;
	if (previous->host_told == PC_COMPLIANCE_UNKNOWN)
		return 0;
	out->host_told = PC_COMPLIANCE_UNKNOWN;
	struct pc_engine_context cx = { .plan = plan, .now_ms = now_ms, .out = out };
	struct pc_event ev = { .type = PC_EVENT_COMPLIANCE, .when_ms = now_ms,
			       .previous = previous->host_told, .current = PC_COMPLIANCE_UNKNOWN,
			       .instance = -1 };
	if (pc_engine_add_event(&cx, &ev) < 0) {
		pc_evaluation_free(out);
		return -1;
	}
	return 0;
}

/* One pcComplianceChanged per verdict, from what receivers were told last.
 * The evaluation finds the host unknown only while expectations await their
 * first verdict (at start, after blindness, or new in a reloaded plan):
 * that is no verdict, so a reload that adds a role raises one change, to
 * where its new ports are judged, never "to unknown" first. Blindness,
 * which is a verdict of unknown, is told by pc_engine_carry_over. */
static int announce_compliance(struct pc_engine_context *cx, const struct pc_evaluation *previous)
{
	struct pc_evaluation *out = cx->out;
	enum pc_compliance told = previous != NULL ? previous->host_told : PC_COMPLIANCE_UNKNOWN;
	out->host_told = told;
	if (out->host == told || out->host == PC_COMPLIANCE_UNKNOWN)
		return 0;
	out->host_told = out->host;
	struct pc_event ev = { .type = PC_EVENT_COMPLIANCE, .when_ms = cx->now_ms,
			       .previous = told, .current = out->host,
			       .missing_count = out->missing,
			       .unexpected_count = out->unexpected, .instance = -1 };
	return pc_engine_add_event(cx, &ev);
}

int pc_engine_evaluate(const struct pc_plan *plan, const struct pc_engine_settings *settings,
		       const struct pc_snapshot *snap, const struct pc_plan *previous_plan,
		       const struct pc_snapshot *previous_snap,
		       const struct pc_evaluation *previous, int64_t now_ms,
		       struct pc_evaluation *out)
{
	if (allocate(plan, snap->n_listeners, out) < 0)
		return -1;
	struct pc_engine_ports *ports = pc_engine_ports_build(&plan->expectations, snap);
	if (ports == NULL) {
		pc_evaluation_free(out);
		return -1;
	}
	struct pc_engine_context cx = { .plan = plan, .settings = settings, .snap = snap,
					.ports = ports, .now_ms = now_ms, .out = out };
	out->poll_number = cx.poll = previous != NULL ? previous->poll_number + 1 : 1;

	for (size_t i = 0; i < out->n_expect; i++)
		if (pc_engine_evaluate_expectation(
			    &cx, i, pc_engine_previous_result(plan, i, previous_plan, previous)) < 0)
			goto oom;
	if (pc_engine_classify_listeners(&cx, previous_snap, previous) < 0)
		goto oom;
	pc_engine_roll_up(plan, out);

	enum pc_compliance before = previous != NULL ? previous->host : PC_COMPLIANCE_UNKNOWN;
	out->host_last_change_ms = previous != NULL ? previous->host_last_change_ms : 0;
	if (out->host != before && previous != NULL)
		out->host_last_change_ms = now_ms;
	if (announce_compliance(&cx, previous) < 0)
		goto oom;
	pc_engine_ports_free(ports);
	return 0;
oom:
	pc_engine_ports_free(ports);
	pc_evaluation_free(out);
	return -1;
}

void pc_evaluation_free(struct pc_evaluation *evaluation)
{
	free(evaluation->expect);
	free(evaluation->listeners);
	free(evaluation->roles);
	free(evaluation->instances);
	free(evaluation->events);
	memset(evaluation, 0, sizeof(*evaluation));
}
