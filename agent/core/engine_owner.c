/* Who holds an expectation's port: the owner-user and owner-process the
 * configuration names, or someone else. */
#include "core/engine_internal.h"

#include <string.h>

static enum pc_owner_verdict listener_owner(const struct pc_expectation *e,
					    const struct pc_listener *l)
{
	/* Sockets of several users on one row: one of them is not the owner. */
	if (e->owner_uid_set && (l->uid != e->owner_uid || l->uids_differ))
		return PC_OWNER_WRONG;
	if (e->owner_process == NULL)
		return PC_OWNER_RIGHT;
	if (l->pid <= 0)
		return PC_OWNER_UNPROVEN;
	return strcmp(l->process, e->owner_process) == 0 ? PC_OWNER_RIGHT : PC_OWNER_WRONG;
}

/* On a single port every listener must be the owner's, reachable by the
 * rule's peers or not (another user's socket beside the owner's takes part
 * of the traffic: a UDP port shared with SO_REUSEADDR, 127.0.0.1 next to a
 * wildcard, IPv4 next to a v6-only socket), save those bound elsewhere
 * than bind-address; *where moves to the first that is not. In a range,
 * the one that serves it is judged. */
static enum pc_owner_verdict holders(const struct pc_expectation *e,
				     const struct pc_snapshot *snap, int32_t *where)
{
	if (e->match != PC_MATCH_PORT)
		return listener_owner(e, &snap->listeners[*where]);
	struct pc_bind_target bind = pc_engine_bind_target(e);
	enum pc_owner_verdict verdict = PC_OWNER_RIGHT;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		if (!pc_engine_port_matches(e, l->local.proto, l->local.port) ||
		    !pc_engine_hears_bind(&bind, l))
			continue;
		enum pc_owner_verdict v = listener_owner(e, l);
		if (v == PC_OWNER_WRONG) {
			*where = (int32_t)i;
			return PC_OWNER_WRONG;
		}
		if (v == PC_OWNER_UNPROVEN)
			verdict = PC_OWNER_UNPROVEN;
	}
	return verdict;
}

enum pc_owner_verdict pc_engine_check_owner(const struct pc_engine_context *cx, size_t i,
					    struct pc_expect_result *r,
					    const struct pc_expect_result *prev)
{
	const struct pc_expectation *e = &cx->plan->expectations.items[i];
	if (!e->owner_uid_set && e->owner_process == NULL)
		return PC_OWNER_RIGHT;
	enum pc_owner_verdict verdict = holders(e, cx->snap, &r->listener);
	if (verdict != PC_OWNER_UNPROVEN)
		return verdict;
	r->owner_unproven_since_ms = prev != NULL && prev->owner_unproven_since_ms != 0
					     ? prev->owner_unproven_since_ms
					     : cx->now_ms;
	if (cx->now_ms - r->owner_unproven_since_ms >= PC_OWNER_PROCESS_WAIT_MS)
		return PC_OWNER_WRONG;
	return PC_OWNER_UNPROVEN;
}
