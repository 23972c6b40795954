/* SPDX-License-Identifier: ISC */
/* What the SNMP side serves: the result of one poll and what the engine
 * concluded from it, immutable once published. The poll thread creates a
 * state per poll and hands it over; the SNMP thread keeps the newest one
 * until the next arrives. Reference counted so that either side can hold
 * on to it without copying; it holds a reference to the plan it was judged
 * against, so a reload never pulls names out from under a reader. */
#ifndef PC_STATE_H
#define PC_STATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/discover.h"
#include "core/engine.h"
#include "plan/plan.h"
#include "core/snapshot.h"

struct pc_state {
	atomic_uint refs;
	uint32_t poll_count; /* polls completed since start, this one included; 0: none yet */
	uint32_t poll_errors; /* malformed records skipped and failed polls, all together */
	struct pc_plan *plan; /* the plan the evaluation used */
	struct pc_snapshot snap;
	struct pc_evaluation eval;
	/* Which roles explain the listeners (discover.h): the poll thread's
	 * last result, copied in when discovery is on; verdict off otherwise. */
	struct pc_discovery discovery;
	/* pcInstancePortTable's rows in its index order (instance, protocol,
	 * port, then role, rule, member): the positions in plan->expectations
	 * of the ports that have a number and belong to an ICM instance. Made
	 * with the state, on the thread that polls, so that the SNMP thread
	 * serves a new state without sorting anything. */
	uint32_t *instance_ports;
	size_t n_instance_ports;
	/* pcExpectedPortTable's rows in its index order (role, then rule
	 * name, protocol name, port and requirement as OID components: a
	 * string by its length first, then its bytes): positions in
	 * plan->expectations, every one of them. Made with the state, like
	 * instance_ports. */
	uint32_t *expected_ports;
	size_t n_expected_ports;
};

/* pcExpectRequirement's words. */
static inline const char *pc_requirement_name(bool required)
{
	return required ? "required" : "optional";
}

/* A new state with one reference, or NULL when out of memory. It takes a
 * reference to plan and takes over the contents of snap and eval (which
 * are left empty, or untouched on failure). */
struct pc_state *pc_state_new(struct pc_plan *plan, struct pc_snapshot *snap,
			      struct pc_evaluation *eval);

/* The state before any poll: the plan's expectations, all unknown. */
struct pc_state *pc_state_new_unknown(struct pc_plan *plan);

struct pc_state *pc_state_ref(struct pc_state *state);
void pc_state_unref(struct pc_state *state);

#endif
