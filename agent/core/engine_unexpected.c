/* SPDX-License-Identifier: ISC */
/* The listeners: which expectation, ignore statement or permit range
 * covers each, and the announcement of those nothing covers. */
#include "core/engine_internal.h"

#include <string.h>

#include "core/baseline.h"

static bool ignored(const struct pc_config *config, const struct pc_endpoint *local)
{
	for (size_t i = 0; i < config->n_ignores; i++) {
		const struct pc_ignore *ig = &config->ignores[i];
		if (ig->protocol == local->proto && local->port >= ig->port &&
		    local->port <= ig->port_last)
			return true;
	}
	return false;
}

/* Whether the announcement of l waits for naming: until a naming pass
 * has covered it (a fact the collector publishes, not a time), so that
 * the notification names its process, or says naming could not. */
static bool naming_pending(const struct pc_engine_context *cx, const struct pc_listener *l,
			   const struct pc_listener_result *lr)
{
	bool pending = l->naming == PC_NAMING_PENDING || (l->naming == PC_NAMING_UNSET && l->pid == 0);
	return pending && cx->plan->config->resolve_processes &&
	       cx->now_ms - lr->first_seen_ms < PC_UNEXPECTED_NAMING_WAIT_MS;
}

/* An unexpected listener is announced once per appearance, unless it
 * came back as it was (the baseline knows its endpoint with its user and
 * process: a restarted service). The first poll is the baseline, unless
 * the baseline is an earlier run's (then what appeared while the agent
 * was down is announced), and a listener that only changed class (after
 * a reload) did not appear. A new one waits for naming to cover it, so
 * that the notification can say who opened it and the baseline can tell
 * whether it is the same program. */
static int announce(struct pc_engine_context *cx, size_t i, const struct pc_snapshot *previous_snap,
		    const struct pc_listener *seen, const struct pc_evaluation *previous)
{
	const struct pc_listener *l = &cx->snap->listeners[i];
	struct pc_listener_result *lr = &cx->out->listeners[i];
	const struct pc_baseline *baseline = cx->settings->baseline;

	if (previous == NULL && (baseline == NULL || !baseline->primed)) {
		lr->announced = true;
		return 0;
	}
	lr->first_seen_ms = cx->now_ms;
	if (seen != NULL) {
		const struct pc_listener_result *before = &previous->listeners[seen - previous_snap->listeners];
		if (!pc_listener_class_is_unexpected(before->class) || before->announced) {
			lr->announced = true;
			return 0;
		}
		lr->first_seen_ms = before->first_seen_ms;
	}
	if (naming_pending(cx, l, lr)) {
		cx->out->recheck_soon = true;
		return 0;
	}
	lr->announced = true;
	if (baseline != NULL && pc_baseline_knows(baseline, l, cx->plan->config->resolve_processes))
		return 0; /* back as it was: not news */
	struct pc_event ev = { .type = PC_EVENT_UNEXPECTED, .when_ms = cx->now_ms, .local = l->local,
			       .pid = l->pid, .instance = -1, .naming = l->naming };
	memcpy(ev.process, l->process, sizeof(ev.process));
	return pc_engine_add_event(cx, &ev);
}

/* The permit range that covers a listener nothing expects: a trusted one
 * if any (the site trusts the range through one of its roles), else the
 * first; -1: none. */
static int32_t permit_covering(const struct pc_expectations *exps, const struct pc_endpoint *local)
{
	int32_t found = -1;
	for (size_t k = 0; k < exps->n; k++) {
		const struct pc_expectation *e = &exps->items[k];
		if (e->match != PC_MATCH_PERMIT || e->protocol != local->proto ||
		    local->port < e->port || local->port > e->port_last)
			continue;
		if (e->trusted)
			return (int32_t)k;
		if (found < 0)
			found = (int32_t)k;
	}
	return found;
}

/* The first expectation that names l's port, -1: none. */
static int32_t expectation_of(const struct pc_expectations *exps, const struct pc_listener *l)
{
	for (size_t k = 0; k < exps->n; k++) {
		const struct pc_expectation *e = &exps->items[k];
		if (e->direction == PC_DIR_LISTEN &&
		    pc_engine_port_matches(e, l->local.proto, l->local.port))
			return (int32_t)k;
	}
	return -1;
}

/* The plan's ports (cx->ports, when there) answer first whether any
 * expectation or permit range names l's port: most listeners of a busy
 * host are on none, and need no look at the expectations. */
static enum pc_listener_class classify(const struct pc_engine_context *cx,
				       const struct pc_listener *l, int32_t *expectation)
{
	const struct pc_expectations *exps = &cx->plan->expectations;
	const struct pc_engine_ports *ports = cx->ports;
	*expectation = -1;
	if (ports == NULL || pc_engine_ports_has(ports->listen, l->local.proto, l->local.port))
		*expectation = expectation_of(exps, l);
	if (*expectation >= 0)
		return PC_CLASS_EXPECTED;
	if (ignored(cx->plan->config, &l->local))
		return PC_CLASS_IGNORED;
	if (ports == NULL || pc_engine_ports_has(ports->permit, l->local.proto, l->local.port))
		*expectation = permit_covering(exps, &l->local);
	if (*expectation < 0)
		return PC_CLASS_UNEXPECTED;
	return exps->items[*expectation].trusted ? PC_CLASS_TRUSTED_PERMIT : PC_CLASS_IN_PERMIT;
}

int pc_engine_classify_listeners(struct pc_engine_context *cx,
				 const struct pc_snapshot *previous_snap,
				 const struct pc_evaluation *previous)
{
	/* Both snapshots are in endpoint order: the previous poll's listener
	 * at l's endpoint is found by walking through both once. */
	size_t before = 0, n_before = previous_snap != NULL ? previous_snap->n_listeners : 0;
	for (size_t i = 0; i < cx->snap->n_listeners; i++) {
		const struct pc_listener *l = &cx->snap->listeners[i];
		struct pc_listener_result *lr = &cx->out->listeners[i];
		lr->class = classify(cx, l, &lr->expectation);
		if (!pc_listener_class_is_unexpected(lr->class))
			continue;
		cx->out->unexpected++;
		/* c: how the previous poll's listener at before compares with l,
		 * once per step (a busy host's listeners are mostly unexpected). */
		int c = 1;
		while (before < n_before &&
		       (c = pc_endpoint_cmp(&previous_snap->listeners[before].local, &l->local)) < 0)
			before++;
		const struct pc_listener *seen =
			before < n_before && c == 0 ? &previous_snap->listeners[before] : NULL;
		if (announce(cx, i, previous_snap, seen, previous) < 0)
			return -1;
	}
	return 0;
}
