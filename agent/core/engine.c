#include "core/engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ---- matching listeners to expectations ---- */

/* A role's bind-address, parsed once per evaluation. */
struct bind_target {
	bool set;
	bool ipv4;
	uint8_t addr[16];
};

static struct bind_target parse_bind(const char *text)
{
	struct bind_target b = { 0 };
	if (text == NULL)
		return b;
	if (inet_pton(AF_INET, text, b.addr) == 1)
		b.set = b.ipv4 = true;
	else if (inet_pton(AF_INET6, text, b.addr) == 1)
		b.set = true;
	return b; /* config.c has rejected anything else */
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static bool is_v4_mapped(const uint8_t *a6)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a6, prefix, 12) == 0;
}

/* Does a socket bound at local receive traffic sent to the bind address? */
static bool covers(const struct pc_listener *l, const struct pc_endpoint *local,
		   const struct bind_target *b)
{
	switch (local->addr_type) {
	case PC_INET_UNKNOWN: /* dual-stack wildcard */
		return true;
	case PC_INET_IPV4:
	case PC_INET_IPV4Z:
		return b->ipv4 && (all_zero(local->addr, 4) || memcmp(local->addr, b->addr, 4) == 0);
	case PC_INET_IPV6:
	case PC_INET_IPV6Z:
		if (b->ipv4)
			return (is_v4_mapped(local->addr) && memcmp(local->addr + 12, b->addr, 4) == 0) ||
			       (local->addr_type == PC_INET_IPV6Z && !l->v6only &&
				all_zero(local->addr, 16));
		return all_zero(local->addr, 16) || memcmp(local->addr, b->addr, 16) == 0;
	default:
		return false;
	}
}

/* What a listener's address is, for remote peers. */
struct reach {
	bool v4, v6; /* the families it accepts */
	enum pc_address_problem problem; /* an address no remote peer can use; 0: none */
	uint8_t type; /* PC_INET_IPV4/IPV6 of a specific address, 0: a wildcard */
	const uint8_t *addr;
};

static struct reach reach_of_v4(const uint8_t *a4)
{
	struct reach r = { .v4 = true };
	if (all_zero(a4, 4))
		return r;
	if (a4[0] == 127)
		r.problem = PC_PROBLEM_LOOPBACK_ONLY;
	else if (a4[0] == 169 && a4[1] == 254)
		r.problem = PC_PROBLEM_LINK_LOCAL_ONLY;
	r.type = PC_INET_IPV4;
	r.addr = a4;
	return r;
}

static struct reach reach_of(const struct pc_listener *l)
{
	static const uint8_t loopback6[16] = { [15] = 1 };
	const struct pc_endpoint *ep = &l->local;
	struct reach r = { 0 };

	switch (ep->addr_type) {
	case PC_INET_UNKNOWN:
		r.v4 = r.v6 = true;
		return r;
	case PC_INET_IPV4:
	case PC_INET_IPV4Z:
		return reach_of_v4(ep->addr);
	case PC_INET_IPV6:
	case PC_INET_IPV6Z:
		break;
	default:
		r.problem = PC_PROBLEM_NOT_LOCAL_ADDRESS;
		return r;
	}
	if (all_zero(ep->addr, 16)) {
		/* Only a device-bound "::" can be dual-stack here (else it is
		 * type unknown). */
		r.v6 = true;
		r.v4 = ep->addr_type == PC_INET_IPV6Z && !l->v6only;
		return r;
	}
	if (is_v4_mapped(ep->addr))
		return reach_of_v4(ep->addr + 12);
	r.v6 = true;
	if (memcmp(ep->addr, loopback6, 16) == 0)
		r.problem = PC_PROBLEM_LOOPBACK_ONLY;
	else if (ep->addr[0] == 0xfe && (ep->addr[1] & 0xc0) == 0x80)
		r.problem = PC_PROBLEM_LINK_LOCAL_ONLY;
	r.type = PC_INET_IPV6;
	r.addr = ep->addr;
	return r;
}

/* A device-bound listener hears only what arrives on its device. */
static enum pc_address_problem device_problem(const struct pc_snapshot *snap,
					      const struct pc_listener *l, bool loopback_ok)
{
	uint32_t zone = pc_endpoint_zone(&l->local);
	if (zone == 0)
		return PC_PROBLEM_NONE;
	const struct pc_interface *iface = pc_snapshot_find_interface(snap, zone);
	if (iface == NULL)
		return snap->interfaces_known ? PC_PROBLEM_WRONG_DEVICE : PC_PROBLEM_NONE;
	if (iface->loopback && !loopback_ok)
		return PC_PROBLEM_WRONG_DEVICE;
	return iface->up ? PC_PROBLEM_NONE : PC_PROBLEM_DEVICE_DOWN;
}

/* Can the expectation's peers reach listener l? PC_PROBLEM_NONE, or why not. */
static enum pc_address_problem judge(const struct pc_expectation *e, const struct bind_target *bind,
				     const struct pc_snapshot *snap, const struct pc_listener *l)
{
	if (bind->set) {
		if (!covers(l, &l->local, bind))
			return PC_PROBLEM_NOT_BIND_ADDRESS;
		bool bind_loopback = bind->ipv4 ? bind->addr[0] == 127
						: all_zero(bind->addr, 15) && bind->addr[15] == 1;
		return device_problem(snap, l, bind_loopback || e->peer == PC_PEER_LOCAL);
	}
	if (e->peer == PC_PEER_LOCAL)
		return PC_PROBLEM_NONE;
	struct reach r = reach_of(l);
	if (r.problem != 0)
		return r.problem;
	if (e->peer_family == PC_PEER_IPV4 && !r.v4)
		return PC_PROBLEM_IPV6_ONLY;
	if (e->peer_family == PC_PEER_IPV6 && !r.v6)
		return PC_PROBLEM_IPV4_ONLY;
	enum pc_address_problem device = device_problem(snap, l, false);
	if (device != PC_PROBLEM_NONE)
		return device;
	if (r.type != 0 && !pc_snapshot_has_address(snap, r.type, r.addr))
		return PC_PROBLEM_NOT_LOCAL_ADDRESS;
	return PC_PROBLEM_NONE;
}

static bool port_matches(const struct pc_expectation *e, uint8_t protocol, uint16_t port)
{
	if (e->protocol != protocol)
		return false;
	switch (e->match) {
	case PC_MATCH_PORT:
		return port == e->port;
	case PC_MATCH_ANY_IN_RANGE:
		return port >= e->port && port <= e->port_last;
	case PC_MATCH_NONE:
	case PC_MATCH_PERMIT: /* a permission serves no expectation */
		return false;
	}
	return false;
}

/* The listener serving e: *where is the first one its peers can reach,
 * or else the first on the port (then *problem says why it does not
 * serve), or -1. */
static void find_listener(const struct pc_expectation *e, const struct pc_snapshot *snap,
			  int32_t *where, enum pc_address_problem *problem)
{
	struct bind_target bind = parse_bind(e->bind_address);
	int32_t first = -1;

	*problem = PC_PROBLEM_NONE;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		if (!port_matches(e, l->local.proto, l->local.port))
			continue;
		enum pc_address_problem why = judge(e, &bind, snap, l);
		if (why == PC_PROBLEM_NONE) {
			*where = (int32_t)i;
			*problem = PC_PROBLEM_NONE;
			return;
		}
		if (first < 0) {
			first = (int32_t)i;
			*problem = why;
		}
	}
	*where = first;
}

/* ---- who holds the port (owner-user, owner-process) ---- */

enum owner_verdict {
	OWNER_RIGHT,
	OWNER_WRONG,
	OWNER_UNPROVEN, /* a process is required and this one is not named (yet) */
};

static enum owner_verdict listener_owner(const struct pc_expectation *e,
					 const struct pc_listener *l)
{
	/* Sockets of several users on one row: one of them is not the owner. */
	if (e->owner_uid_set && (l->uid != e->owner_uid || l->uids_differ))
		return OWNER_WRONG;
	if (e->owner_process == NULL)
		return OWNER_RIGHT;
	if (l->pid <= 0)
		return OWNER_UNPROVEN;
	return strcmp(l->process, e->owner_process) == 0 ? OWNER_RIGHT : OWNER_WRONG;
}

/* The owner check of an expectation that *where serves. On a single port
 * every listener must be the owner's, reachable by the rule's peers or not
 * (another user's socket beside the owner's takes part of the traffic: a
 * UDP port shared with SO_REUSEADDR, 127.0.0.1 next to a wildcard, IPv4
 * next to a v6-only socket), save those bound elsewhere than bind-address;
 * *where moves to the first that is not. In a range, the one that serves
 * it is judged. */
static enum owner_verdict check_owner(const struct pc_expectation *e,
				      const struct pc_snapshot *snap, int32_t *where)
{
	if (!e->owner_uid_set && e->owner_process == NULL)
		return OWNER_RIGHT;
	if (e->match != PC_MATCH_PORT)
		return listener_owner(e, &snap->listeners[*where]);
	struct bind_target bind = parse_bind(e->bind_address);
	enum owner_verdict verdict = OWNER_RIGHT;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		if (!port_matches(e, l->local.proto, l->local.port) ||
		    (bind.set && !covers(l, &l->local, &bind)))
			continue;
		enum owner_verdict v = listener_owner(e, l);
		if (v == OWNER_WRONG) {
			*where = (int32_t)i;
			return OWNER_WRONG;
		}
		if (v == OWNER_UNPROVEN)
			verdict = OWNER_UNPROVEN;
	}
	return verdict;
}

static bool connection_matches(const struct pc_expectation *e, const struct pc_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_connections; i++)
		if (port_matches(e, snap->connections[i].remote.proto, snap->connections[i].remote.port))
			return true;
	return false;
}

/* ---- carrying results over from the previous poll ---- */

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

static const struct pc_expect_result *previous_result(const struct pc_plan *plan, size_t i,
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

/* ---- one expectation ---- */

struct context {
	const struct pc_plan *plan;
	const struct pc_engine_settings *settings;
	const struct pc_snapshot *snap;
	uint64_t poll;
	int64_t now_ms;
	struct pc_evaluation *out;
	size_t cap_events;
};

static int add_event(struct context *cx, const struct pc_event *event)
{
	struct pc_evaluation *out = cx->out;
	if (out->n_events == cx->cap_events) {
		size_t cap = cx->cap_events ? cx->cap_events * 2 : 16;
		struct pc_event *events = realloc(out->events, cap * sizeof(*events));
		if (events == NULL)
			return -1;
		out->events = events;
		cx->cap_events = cap;
	}
	out->events[out->n_events++] = *event;
	return 0;
}

static int expectation_event(struct context *cx, enum pc_event_type type, size_t i,
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
		.pid = 0,
	};
	snprintf(ev.role, sizeof(ev.role), "%s", e->role);
	snprintf(ev.rule, sizeof(ev.rule), "%s", e->rule);
	return add_event(cx, &ev);
}

static bool is_alarm(enum pc_port_status s)
{
	return pc_port_status_meaning(s)->alarm;
}

/* Presence history: remember when it changed; flapping while the last
 * flap_threshold changes fit in flap_window polls, until a whole window
 * passes without a change. */
static bool update_flaps(struct context *cx, struct pc_expect_result *r,
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

static enum pc_port_status evaluate_listen(struct context *cx, size_t i,
					   struct pc_expect_result *r,
					   const struct pc_expect_result *prev)
{
	const struct pc_expectation *e = &cx->plan->expectations.items[i];
	enum pc_address_problem problem;

	find_listener(e, cx->snap, &r->listener, &problem);
	bool wrong = problem != PC_PROBLEM_NONE;
	bool found = r->listener >= 0 && !wrong;
	enum owner_verdict owner = found ? check_owner(e, cx->snap, &r->listener) : OWNER_RIGHT;
	if (owner == OWNER_UNPROVEN) {
		r->owner_unproven_since_ms = prev != NULL && prev->owner_unproven_since_ms != 0
						     ? prev->owner_unproven_since_ms
						     : cx->now_ms;
		if (cx->now_ms - r->owner_unproven_since_ms >= PC_OWNER_PROCESS_WAIT_MS)
			owner = OWNER_WRONG;
	}
	bool ok = found && owner != OWNER_WRONG;
	r->served_port = found ? cx->snap->listeners[r->listener].local.port
			       : prev != NULL ? prev->served_port : 0;
	r->was_present = ok;
	r->absent_polls = r->listener >= 0 ? 0 : (prev != NULL ? prev->absent_polls : 0) + 1;
	if (update_flaps(cx, r, prev, ok))
		return PC_PORT_FLAPPING;
	if (owner == OWNER_UNPROVEN) {
		/* Keep what was said until the collector names the process. */
		cx->out->recheck_soon = true;
		if (prev != NULL &&
		    (prev->status == PC_PORT_PRESENT || prev->status == PC_PORT_WRONG_OWNER))
			return prev->status;
		return PC_PORT_PENDING;
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

static int evaluate_expectation(struct context *cx, size_t i, const struct pc_expect_result *prev)
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
			    : connection_matches(e, cx->snap) ? PC_PORT_CONNECTED
							      : PC_PORT_NOT_CONNECTED;
	else
		r->status = evaluate_listen(cx, i, r, prev);

	if (prev != NULL && prev->status != r->status && prev->status != PC_PORT_UNKNOWN)
		r->last_change_ms = cx->now_ms;
	if (r->status != PC_PORT_PENDING)
		r->confirmed = r->status;
	else
		r->confirmed = prev != NULL ? prev->confirmed : PC_PORT_UNKNOWN;
	if (e->direction != PC_DIR_LISTEN || e->match == PC_MATCH_NONE)
		return 0;
	if (r->status == PC_PORT_PENDING && cx->settings->hold_down > 1)
		cx->out->recheck_soon = true;

	/* Notifications: one per change of what the operator was told. */
	if (is_alarm(r->status) && (!r->alarmed || r->alarmed_status != r->status)) {
		r->alarmed = true;
		r->alarmed_status = r->status;
		/* the listener concerned: the one on the wrong address, else the
		 * one that went away */
		uint16_t port = r->status == PC_PORT_WRONG_ADDRESS && r->listener >= 0
					? cx->snap->listeners[r->listener].local.port
					: r->served_port;
		return expectation_event(cx, PC_EVENT_MISSING, i, r->status, r->problem, port);
	}
	if (r->status == PC_PORT_PRESENT && r->alarmed) {
		r->alarmed = false;
		return expectation_event(cx, PC_EVENT_RESTORED, i, r->status, PC_PROBLEM_NONE,
					 r->served_port);
	}
	return 0;
}

/* ---- listeners ---- */

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

/* An unexpected listener is announced once per appearance. The first
 * poll is the baseline (a restart of the agent does not announce every old
 * listener), and a listener that only changed class (after a reload) did
 * not appear. A new one whose process is not known yet is re-checked for a
 * while, so that the notification can say who opened it. */
static int announce_unexpected(struct context *cx, size_t i, const struct pc_snapshot *previous_snap,
			       const struct pc_evaluation *previous)
{
	const struct pc_listener *l = &cx->snap->listeners[i];
	struct pc_listener_result *lr = &cx->out->listeners[i];

	if (previous == NULL) {
		lr->announced = true;
		return 0;
	}
	const struct pc_listener *seen =
		previous_snap != NULL ? pc_snapshot_find_listener(previous_snap, &l->local) : NULL;
	lr->first_seen_ms = cx->now_ms;
	if (seen != NULL) {
		const struct pc_listener_result *before = &previous->listeners[seen - previous_snap->listeners];
		bool was_unexpected =
			before->class == PC_CLASS_UNEXPECTED || before->class == PC_CLASS_IN_PERMIT;
		if (!was_unexpected || before->announced) {
			lr->announced = true;
			return 0;
		}
		lr->first_seen_ms = before->first_seen_ms;
	}
	if (l->pid == 0 && cx->plan->config->resolve_processes &&
	    cx->now_ms - lr->first_seen_ms < PC_UNEXPECTED_PROCESS_WAIT_MS) {
		cx->out->recheck_soon = true;
		return 0;
	}
	lr->announced = true;
	struct pc_event ev = { .type = PC_EVENT_UNEXPECTED, .when_ms = cx->now_ms, .local = l->local,
			       .pid = l->pid, .instance = -1 };
	memcpy(ev.process, l->process, sizeof(ev.process));
	return add_event(cx, &ev);
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

static int classify_listeners(struct context *cx, const struct pc_snapshot *previous_snap,
			      const struct pc_evaluation *previous)
{
	const struct pc_expectations *exps = &cx->plan->expectations;

	for (size_t i = 0; i < cx->snap->n_listeners; i++) {
		const struct pc_listener *l = &cx->snap->listeners[i];
		struct pc_listener_result *lr = &cx->out->listeners[i];
		lr->expectation = -1;
		for (size_t k = 0; k < exps->n; k++) {
			const struct pc_expectation *e = &exps->items[k];
			if (e->direction == PC_DIR_LISTEN &&
			    port_matches(e, l->local.proto, l->local.port)) {
				lr->expectation = (int32_t)k;
				break;
			}
		}
		if (lr->expectation >= 0) {
			lr->class = PC_CLASS_EXPECTED;
			continue;
		}
		if (ignored(cx->plan->config, &l->local)) {
			lr->class = PC_CLASS_IGNORED;
			continue;
		}
		lr->expectation = permit_covering(exps, &l->local);
		if (lr->expectation < 0)
			lr->class = PC_CLASS_UNEXPECTED;
		else if (exps->items[lr->expectation].trusted)
			lr->class = PC_CLASS_TRUSTED_PERMIT;
		else
			lr->class = PC_CLASS_IN_PERMIT;
		if (lr->class == PC_CLASS_TRUSTED_PERMIT)
			continue;
		cx->out->unexpected++;
		if (announce_unexpected(cx, i, previous_snap, previous) < 0)
			return -1;
	}
	return 0;
}

/* ---- roles, instances, host ---- */

static enum pc_compliance expectation_compliance(const struct pc_expectation *e,
						 const struct pc_expect_result *r)
{
	const struct pc_port_status_meaning *meaning = pc_port_status_meaning(r->status);
	/* Pending: as last confirmed (hold-down must not make compliance flap). */
	if (meaning->provisional)
		meaning = pc_port_status_meaning(r->confirmed);
	return e->required ? meaning->required : meaning->optional;
}

static void fill_role_identity(const struct pc_plan *plan, size_t r, struct pc_role_result *rr)
{
	const struct pc_role_conf *conf = &plan->config->roles[r];
	const struct pc_role *role = pc_catalog_find_role(plan->catalog, conf->name);

	rr->name = conf->name;
	rr->title = role != NULL ? role->title : "";
	rr->table = role != NULL ? role->table : 0;
	rr->instance = conf->instance_number;
	rr->side = conf->side;
	rr->slot = conf->slot;
	/* The expectations carry the values after defaults (instance 0, slot 1). */
	for (size_t i = 0; i < plan->expectations.n; i++) {
		const struct pc_expectation *e = &plan->expectations.items[i];
		if (e->role_index == r + 1) {
			rr->instance = e->instance;
			rr->side = e->side;
			rr->slot = e->slot;
			break;
		}
	}
}

static int summarize(const struct pc_plan *plan, struct pc_evaluation *out)
{
	const struct pc_expectations *exps = &plan->expectations;

	for (size_t r = 0; r < out->n_roles; r++) {
		fill_role_identity(plan, r, &out->roles[r]);
		out->roles[r].compliance = PC_COMPLIANT;
	}
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *e = &exps->items[i];
		enum pc_port_status s = out->expect[i].status;
		if (e->role_index == 0 || e->role_index > out->n_roles)
			continue;
		struct pc_role_result *rr = &out->roles[e->role_index - 1];
		bool good = s == PC_PORT_PRESENT || s == PC_PORT_CONNECTED;
		bool bad = is_alarm(s);
		rr->expected++;
		rr->present += good;
		rr->missing += bad;
		rr->unconfigured += s == PC_PORT_UNCONFIGURED;
		rr->compliance = pc_compliance_worse(rr->compliance, expectation_compliance(e, &out->expect[i]));
		out->expected++;
		out->present += good;
		out->missing += bad;
		out->unconfigured += s == PC_PORT_UNCONFIGURED;
	}

	out->host = PC_COMPLIANT;
	for (size_t r = 0; r < out->n_roles; r++) {
		const struct pc_role_result *rr = &out->roles[r];
		out->host = pc_compliance_worse(out->host, rr->compliance);
		if (rr->instance < 0)
			continue;
		size_t k = 0;
		while (k < out->n_instances && out->instances[k].number < rr->instance)
			k++;
		if (k == out->n_instances || out->instances[k].number != rr->instance) {
			memmove(&out->instances[k + 1], &out->instances[k],
				(out->n_instances - k) * sizeof(out->instances[0]));
			out->n_instances++;
			struct pc_instance_result *ir = &out->instances[k];
			memset(ir, 0, sizeof(*ir));
			ir->number = rr->instance;
			ir->compliance = PC_COMPLIANT;
			const char *name = pc_config_instance_name(plan->config, rr->instance);
			if (name != NULL)
				snprintf(ir->name, sizeof(ir->name), "%s", name);
			else
				snprintf(ir->name, sizeof(ir->name), "instance-%d", rr->instance);
		}
		out->instances[k].roles++;
		out->instances[k].compliance = pc_compliance_worse(out->instances[k].compliance, rr->compliance);
	}
	return 0;
}

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

int pc_evaluation_init_unknown(const struct pc_plan *plan, struct pc_evaluation *out)
{
	if (allocate(plan, 0, out) < 0)
		return -1;
	for (size_t i = 0; i < out->n_expect; i++) {
		out->expect[i].status = out->expect[i].confirmed = PC_PORT_UNKNOWN;
		out->expect[i].listener = -1;
		out->expect[i].problem = PC_PROBLEM_NONE;
		out->expect[i].problem = PC_PROBLEM_NONE;
	}
	summarize(plan, out);
	out->host = PC_COMPLIANCE_UNKNOWN;
	for (size_t r = 0; r < out->n_roles; r++)
		out->roles[r].compliance = PC_COMPLIANCE_UNKNOWN;
	for (size_t k = 0; k < out->n_instances; k++)
		out->instances[k].compliance = PC_COMPLIANCE_UNKNOWN;
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

	for (size_t i = 0; i < out->n_expect; i++) {
		/* Alarms raised, absences and flips stay: the history. What it was
		 * last confirmed as does not: an absence found after blindness may
		 * be old, so it counts as unknown until hold-down confirms it. */
		out->expect[i].status = out->expect[i].confirmed = PC_PORT_UNKNOWN;
		out->expect[i].listener = -1;
		out->expect[i].problem = PC_PROBLEM_NONE;
	}
	out->present = out->missing = out->unexpected = 0;
	for (size_t r = 0; r < out->n_roles; r++) {
		out->roles[r].present = out->roles[r].missing = 0;
		out->roles[r].compliance = PC_COMPLIANCE_UNKNOWN;
	}
	for (size_t k = 0; k < out->n_instances; k++)
		out->instances[k].compliance = PC_COMPLIANCE_UNKNOWN;
	out->host = PC_COMPLIANCE_UNKNOWN;
	if (previous->host == PC_COMPLIANCE_UNKNOWN)
		return 0;
	out->host_last_change_ms = now_ms;
	struct context cx = { .plan = plan, .now_ms = now_ms, .out = out };
	struct pc_event ev = { .type = PC_EVENT_COMPLIANCE, .when_ms = now_ms,
			       .previous = previous->host, .current = PC_COMPLIANCE_UNKNOWN,
			       .instance = -1 };
	if (add_event(&cx, &ev) < 0) {
		pc_evaluation_free(out);
		return -1;
	}
	return 0;
}

int pc_engine_evaluate(const struct pc_plan *plan, const struct pc_engine_settings *settings,
		       const struct pc_snapshot *snap, const struct pc_plan *previous_plan,
		       const struct pc_snapshot *previous_snap,
		       const struct pc_evaluation *previous, int64_t now_ms,
		       struct pc_evaluation *out)
{
	if (allocate(plan, snap->n_listeners, out) < 0)
		return -1;
	struct context cx = { .plan = plan, .settings = settings, .snap = snap, .now_ms = now_ms,
			      .out = out };
	out->poll_number = cx.poll = previous != NULL ? previous->poll_number + 1 : 1;

	for (size_t i = 0; i < out->n_expect; i++)
		if (evaluate_expectation(&cx, i, previous_result(plan, i, previous_plan, previous)) < 0)
			goto oom;
	if (classify_listeners(&cx, previous_snap, previous) < 0)
		goto oom;
	summarize(plan, out);

	enum pc_compliance before = previous != NULL ? previous->host : PC_COMPLIANCE_UNKNOWN;
	out->host_last_change_ms = previous != NULL ? previous->host_last_change_ms : 0;
	if (out->host != before) {
		if (previous != NULL)
			out->host_last_change_ms = now_ms;
		struct pc_event ev = { .type = PC_EVENT_COMPLIANCE, .when_ms = now_ms,
				       .previous = before, .current = out->host,
				       .missing_count = out->missing,
				       .unexpected_count = out->unexpected, .instance = -1 };
		if (add_event(&cx, &ev) < 0)
			goto oom;
	}
	return 0;
oom:
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
