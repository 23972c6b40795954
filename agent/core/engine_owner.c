/* SPDX-License-Identifier: ISC */
/* Who holds an expectation's port: the owner-user and owner-process the
 * configuration names, or someone else. A socket can have several holders
 * (a supervisor that opened it and the service it started, a server and
 * its forked workers): the owner-process holds it when any of them runs
 * it. No name is never a wrong name: while naming has not covered the
 * holders the verdict waits, and while naming cannot tell it is unknown. */
#include "core/engine_internal.h"

#include <string.h>

const char *pc_owner_check_name(enum pc_owner_check check)
{
	switch (check) {
	case PC_OWNER_CHECK_NONE: return "none";
	case PC_OWNER_CHECK_MATCHED: return "matched";
	case PC_OWNER_CHECK_WRONG: return "wrong";
	case PC_OWNER_CHECK_PENDING: return "pending";
	case PC_OWNER_CHECK_UNKNOWN: return "unknown";
	}
	return NULL;
}

/* Is one of l's holders the owner-process? *holder: that one, else the
 * first holder (pid 0 when none is known). */
static enum pc_owner_verdict process_verdict(const struct pc_snapshot *snap,
					     const struct pc_expectation *e,
					     const struct pc_listener *l, struct pc_holder *holder)
{
	struct pc_holder one;
	size_t n;
	const struct pc_holder *h = pc_listener_holders(snap, l, &one, &n);
	for (size_t k = 0; k < n; k++)
		if (strcmp(h[k].process, e->owner_process) == 0) {
			*holder = h[k];
			return PC_OWNER_RIGHT;
		}
	if (n > 0)
		*holder = h[0];
	if (pc_listener_naming_complete(l))
		return PC_OWNER_WRONG;
	switch ((enum pc_naming)l->naming) {
	case PC_NAMING_NOT_FOUND: /* every process read: none of them holds it */
		return PC_OWNER_WRONG;
	case PC_NAMING_UNSET:
	case PC_NAMING_PARTIAL:
	case PC_NAMING_PENDING:
		return PC_OWNER_UNPROVEN;
	case PC_NAMING_COMPLETE:
	case PC_NAMING_DENIED:
	case PC_NAMING_UNAVAILABLE:
	case PC_NAMING_OFF:
		break;
	}
	return PC_OWNER_UNKNOWN;
}

static enum pc_owner_verdict listener_owner(const struct pc_snapshot *snap,
					    const struct pc_expectation *e,
					    const struct pc_listener *l, struct pc_holder *holder)
{
	struct pc_holder one;
	size_t n;
	const struct pc_holder *h = pc_listener_holders(snap, l, &one, &n);
	memset(holder, 0, sizeof(*holder));
	if (n > 0)
		*holder = h[0];
	/* Sockets of several users on one row: one of them is not the owner. */
	if (e->owner_uid_set && (l->uid != e->owner_uid || l->uids_differ))
		return PC_OWNER_WRONG;
	if (e->owner_process == NULL)
		return PC_OWNER_RIGHT;
	return process_verdict(snap, e, l, holder);
}

/* The worse of two verdicts: wrong, then unproven, then unknown. */
static enum pc_owner_verdict worse(enum pc_owner_verdict a, enum pc_owner_verdict b)
{
	static const int rank[] = { [PC_OWNER_RIGHT] = 0, [PC_OWNER_UNKNOWN] = 1,
				    [PC_OWNER_UNPROVEN] = 2, [PC_OWNER_WRONG] = 3 };
	return rank[b] > rank[a] ? b : a;
}

/* Every listener on the rule's port, or in its range, must be the owner's,
 * reachable by the rule's peers or not (another user's socket beside the
 * owner's takes part of the traffic: a UDP port shared with SO_REUSEADDR,
 * 127.0.0.1 next to a wildcard, IPv4 next to a v6-only socket; in a range,
 * any port of it is the rule's), save those bound elsewhere than
 * bind-address; *where moves to the first that is not. *holder: the
 * holder judged, of *where's listener. */
static enum pc_owner_verdict holders(const struct pc_expectation *e, const struct pc_snapshot *snap,
				     const struct pc_engine_ports *ports, int32_t *where,
				     struct pc_holder *holder)
{
	struct pc_bind_target bind = pc_engine_bind_target(e);
	enum pc_owner_verdict verdict = PC_OWNER_RIGHT;
	int32_t served = *where;
	size_t n = ports != NULL ? ports->n_listeners : snap->n_listeners;
	memset(holder, 0, sizeof(*holder));
	for (size_t k = 0; k < n; k++) {
		size_t i = ports != NULL ? ports->listeners[k] : k;
		const struct pc_listener *l = &snap->listeners[i];
		if (!pc_engine_port_matches(e, l->local.proto, l->local.port) ||
		    !pc_engine_hears_bind(&bind, l))
			continue;
		struct pc_holder judged;
		enum pc_owner_verdict v = listener_owner(snap, e, l, &judged);
		if (v == PC_OWNER_WRONG) {
			*where = (int32_t)i;
			*holder = judged;
			return PC_OWNER_WRONG;
		}
		if ((int32_t)i == served)
			*holder = judged;
		verdict = worse(verdict, v);
	}
	return verdict;
}

enum pc_owner_verdict pc_engine_check_owner(const struct pc_engine_context *cx, size_t i,
					    struct pc_expect_result *r)
{
	const struct pc_expectation *e = &cx->plan->expectations.items[i];
	memset(&r->owner_holder, 0, sizeof(r->owner_holder));
	r->owner_check = PC_OWNER_CHECK_NONE;
	if (!e->owner_uid_set && e->owner_process == NULL)
		return PC_OWNER_RIGHT;
	enum pc_owner_verdict verdict = holders(e, cx->snap, cx->ports, &r->listener, &r->owner_holder);
	switch (verdict) {
	case PC_OWNER_RIGHT:
		r->owner_check = PC_OWNER_CHECK_MATCHED;
		break;
	case PC_OWNER_WRONG:
		r->owner_check = PC_OWNER_CHECK_WRONG;
		break;
	case PC_OWNER_UNPROVEN:
		r->owner_check = PC_OWNER_CHECK_PENDING;
		break;
	case PC_OWNER_UNKNOWN:
		r->owner_check = PC_OWNER_CHECK_UNKNOWN;
		break;
	}
	return verdict;
}
