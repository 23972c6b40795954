/* SPDX-License-Identifier: ISC */
/* Each expectation's status from poll to poll: hold-down, flap damping,
 * what carries over a reload, and the notifications its changes raise. */
#include "core/engine_internal.h"

#include <stdio.h>
#include <string.h>

static int key_cmp(const struct pc_expectation *a, const struct pc_expectation *b)
{
	if (a->role_index != b->role_index)
		return a->role_index < b->role_index ? -1 : 1;
	if (a->rule_index != b->rule_index)
		return a->rule_index < b->rule_index ? -1 : 1;
	if (a->member != b->member)
		return a->member < b->member ? -1 : 1;
	return 0;
}

/* After a reload the same row index may name something else: only a row
 * that is still the same port of the same rule of the same role carries
 * its history over. */
static bool same_port(const struct pc_expectation *a, const struct pc_expectation *b)
{
	return strcmp(a->role, b->role) == 0 && strcmp(a->rule, b->rule) == 0 &&
	       a->instance == b->instance && a->side == b->side && a->protocol == b->protocol &&
	       a->port == b->port && a->port_last == b->port_last && a->direction == b->direction;
}

const struct pc_expect_result *pc_engine_previous_result(const struct pc_plan *plan, size_t i,
							 const struct pc_plan *previous_plan,
							 const struct pc_evaluation *previous)
{
	if (previous == NULL || previous_plan == NULL)
		return NULL;
	const struct pc_expectation *e = &plan->expectations.items[i];
	const struct pc_expectations *old = &previous_plan->expectations;
	if (previous_plan == plan)
		return i < previous->n_expect ? &previous->expect[i] : NULL;
	size_t lo = 0, hi = old->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(&old->items[mid], e);
		if (c == 0)
			return same_port(&old->items[mid], e) && mid < previous->n_expect
				       ? &previous->expect[mid]
				       : NULL;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int expectation_event(struct pc_engine_context *cx, enum pc_event_type type, size_t i,
			     enum pc_port_status status, enum pc_address_problem problem,
			     uint16_t listener_port)
{
	const struct pc_expectation *e = &cx->plan->expectations.items[i];
	struct pc_event ev = {
		.type = type,
		.when_ms = cx->now_ms,
		.role_index = e->role_index,
		.rule_index = e->rule_index,
		.member = e->member,
		.instance = e->instance,
		.side = e->side,
		.protocol = e->protocol,
		.port = e->port,
		.listener_port = listener_port == 0 && e->match == PC_MATCH_PORT ? e->port
										  : listener_port,
		.status = status,
		.problem = problem,
	};
	snprintf(ev.role, sizeof(ev.role), "%s", e->role);
	snprintf(ev.rule, sizeof(ev.rule), "%s", e->rule);
	return pc_engine_add_event(cx, &ev);
}

/* Presence history: remember when it changed; flapping while the last
 * flap_threshold changes fit in flap_window polls, until a whole window
 * passes without a change. */
static bool update_flaps(struct pc_engine_context *cx, struct pc_expect_result *r,
			 const struct pc_expect_result *prev, bool ok)
{
	const struct pc_engine_settings *s = cx->settings;
	if (prev == NULL)
		return false;
	r->n_flips = prev->n_flips;
	memcpy(r->flips, prev->flips, sizeof(r->flips));
	if (prev->was_present != ok) {
		if (r->n_flips == PC_FLAP_MAX) {
			memmove(r->flips, r->flips + 1, (PC_FLAP_MAX - 1) * sizeof(r->flips[0]));
			r->n_flips--;
		}
		r->flips[r->n_flips++] = cx->poll;
	}
	if (s->flap_threshold < 2 || r->n_flips == 0)
		return false;
	bool settled = cx->poll - r->flips[r->n_flips - 1] >= s->flap_window;
	if (prev->status == PC_PORT_FLAPPING)
		return !settled;
	return r->n_flips >= s->flap_threshold &&
	       cx->poll - r->flips[r->n_flips - s->flap_threshold] < s->flap_window;
}

static enum pc_port_status evaluate_listen(struct pc_engine_context *cx, size_t i,
					   struct pc_expect_result *r,
					   const struct pc_expect_result *prev)
{
	const struct pc_expectation *e = &cx->plan->expectations.items[i];
	enum pc_address_problem problem;

	pc_engine_find_listener(e, cx->snap, cx->ports, &r->listener, &problem);
	bool wrong = problem != PC_PROBLEM_NONE;
	bool found = r->listener >= 0 && !wrong;
	enum pc_owner_verdict owner = found ? pc_engine_check_owner(cx, i, r) : PC_OWNER_RIGHT;
	bool ok = found && owner != PC_OWNER_WRONG;
	r->served_port = found ? cx->snap->listeners[r->listener].local.port
			       : prev != NULL ? prev->served_port : 0;
	r->was_present = ok;
	r->absent_polls = r->listener >= 0 ? 0 : (prev != NULL ? prev->absent_polls : 0) + 1;
	if (update_flaps(cx, r, prev, ok))
		return PC_PORT_FLAPPING;
	if (owner == PC_OWNER_UNPROVEN || owner == PC_OWNER_UNKNOWN) {
		/* No name is not a wrong name: what was said stands until naming
		 * covers the holders (soon: it is asked at every poll), and a
		 * port whose owner naming cannot tell is served, its owner
		 * unknown (engine_owner.c). */
		if (owner == PC_OWNER_UNPROVEN)
			cx->out->recheck_soon = true;
		if (prev != NULL &&
		    (prev->status == PC_PORT_PRESENT || prev->status == PC_PORT_WRONG_OWNER))
			return prev->status;
		return owner == PC_OWNER_UNKNOWN ? PC_PORT_PRESENT : PC_PORT_PENDING;
	}
	if (ok)
		return PC_PORT_PRESENT;
	if (found)
		return PC_PORT_WRONG_OWNER;
	if (wrong) {
		r->problem = problem;
		return PC_PORT_WRONG_ADDRESS;
	}
	return r->absent_polls >= cx->settings->hold_down ? PC_PORT_MISSING : PC_PORT_PENDING;
}

/* One notification per change of what the operator was told: an alarm
 * when one starts or changes its status, a restore when the port serves
 * again. */
static int notify_change(struct pc_engine_context *cx, size_t i, struct pc_expect_result *r)
{
	const struct pc_port_status_meaning *meaning = pc_port_status_meaning(r->status);
	if (meaning->alarm && (!r->alarmed || r->alarmed_status != r->status)) {
		r->alarmed = true;
		r->alarmed_status = r->status;
		/* the listener concerned: the one on the wrong address, else the
		 * one that went away */
		uint16_t port = r->status == PC_PORT_WRONG_ADDRESS && r->listener >= 0
					? cx->snap->listeners[r->listener].local.port
					: r->served_port;
		return expectation_event(cx, PC_EVENT_MISSING, i, r->status, r->problem, port);
	}
	if (meaning->serving && r->alarmed) {
		r->alarmed = false;
		return expectation_event(cx, PC_EVENT_RESTORED, i, r->status, PC_PROBLEM_NONE,
					 r->served_port);
	}
	return 0;
}

int pc_engine_evaluate_expectation(struct pc_engine_context *cx, size_t i,
				   const struct pc_expect_result *prev)
{
	const struct pc_expectation *e = &cx->plan->expectations.items[i];
	struct pc_expect_result *r = &cx->out->expect[i];

	r->listener = -1;
	r->problem = PC_PROBLEM_NONE;
	if (prev != NULL) {
		r->alarmed = prev->alarmed;
		r->alarmed_status = prev->alarmed_status;
		r->last_change_ms = prev->last_change_ms;
	}
	if (e->match == PC_MATCH_PERMIT) { /* nothing to miss, nothing to notify */
		r->status = r->confirmed = PC_PORT_PERMITTED;
		r->alarmed = false;
		return 0;
	}
	if (e->match == PC_MATCH_NONE)
		r->status = e->unconfigured ? PC_PORT_UNCONFIGURED : PC_PORT_NOT_CHECKED;
	else if (e->direction == PC_DIR_CONNECT)
		r->status = !cx->settings->check_connections ? PC_PORT_NOT_CHECKED
			    : pc_engine_connected(e, cx->snap) ? PC_PORT_CONNECTED
							       : PC_PORT_NOT_CONNECTED;
	else
		r->status = evaluate_listen(cx, i, r, prev);

	if (prev != NULL && prev->status != r->status && prev->status != PC_PORT_UNKNOWN)
		r->last_change_ms = cx->now_ms;
	if (!pc_port_status_meaning(r->status)->provisional)
		r->confirmed = r->status;
	else
		r->confirmed = prev != NULL ? prev->confirmed : PC_PORT_UNKNOWN;
	if (e->direction != PC_DIR_LISTEN || e->match == PC_MATCH_NONE)
		return 0;
	if (r->status == PC_PORT_PENDING && cx->settings->hold_down > 1)
		cx->out->recheck_soon = true;
	return notify_change(cx, i, r);
}
