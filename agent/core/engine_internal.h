/* SPDX-License-Identifier: ISC */
/* What the engine's files share, one concern a file:
 *   engine.c             one evaluation: its arrays, its events, carrying
 *                        it over a failed poll
 *   engine_match.c       can listener L serve expectation E, and if not, why
 *   engine_owner.c       does the owner-user and owner-process hold it
 *   engine_expect.c      each expectation's status from poll to poll, and
 *                        its notifications
 *   engine_unexpected.c  the listeners no expectation covers
 *   engine_rollup.c      roles, instances and the host from the expectations
 *   engine_events.c      the evaluation's events, appended step by step
 *   engine_ports.c       the ports the plan names, and the listeners on them
 * Nothing outside them includes this header. */
#ifndef PC_ENGINE_INTERNAL_H
#define PC_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

/* ---- engine_ports.c ---- */

#define PC_ENGINE_PORT_WORDS (65536 / 64)

/* The plan's ports per protocol (TCP, UDP), and the listeners on them. */
struct pc_engine_ports {
	uint64_t named[2][PC_ENGINE_PORT_WORDS]; /* a port or range rule's, either direction */
	uint64_t listen[2][PC_ENGINE_PORT_WORDS]; /* the same, listen rules only */
	uint64_t permit[2][PC_ENGINE_PORT_WORDS]; /* in a permit range */
	uint32_t *listeners; /* positions in the snapshot of those on a named port, ascending */
	size_t n_listeners;
};

/* NULL when out of memory. */
struct pc_engine_ports *pc_engine_ports_build(const struct pc_expectations *exps,
					      const struct pc_snapshot *snap);
void pc_engine_ports_free(struct pc_engine_ports *p);
bool pc_engine_ports_has(const uint64_t map[2][PC_ENGINE_PORT_WORDS], uint8_t proto,
			 uint16_t port);

/* One evaluation in the making. */
struct pc_engine_context {
	const struct pc_plan *plan;
	const struct pc_engine_settings *settings;
	const struct pc_snapshot *snap;
	/* snap's listeners on the plan's ports; NULL: look at every listener. */
	const struct pc_engine_ports *ports;
	uint64_t poll;
	int64_t now_ms;
	struct pc_evaluation *out;
	size_t cap_events; /* room in out->events */
};

/* Appends event to cx->out's events; -1 when out of memory. */
int pc_engine_add_event(struct pc_engine_context *cx, const struct pc_event *event);

/* ---- engine_match.c ---- */

/* A rule's bind-address, parsed once per expectation judged. */
struct pc_bind_target {
	bool set;
	bool ipv4;
	uint8_t addr[16];
};

struct pc_bind_target pc_engine_bind_target(const struct pc_expectation *e);

/* Does l receive what is sent to the bind-address? Always, when none is set. */
bool pc_engine_hears_bind(const struct pc_bind_target *bind, const struct pc_listener *l);

/* Is protocol/port one that e names? A permit range names none. */
bool pc_engine_port_matches(const struct pc_expectation *e, uint8_t protocol, uint16_t port);

/* The listener serving e: *where is the first one its peers can reach, or
 * else the first on its port (then *problem says why that one does not
 * serve), or -1. ports: snap's listeners on the plan's ports (the only
 * ones that can serve e), or NULL to look at every listener. */
void pc_engine_find_listener(const struct pc_expectation *e, const struct pc_snapshot *snap,
			     const struct pc_engine_ports *ports, int32_t *where,
			     enum pc_address_problem *problem);

/* Is a connection to the port e names established? */
bool pc_engine_connected(const struct pc_expectation *e, const struct pc_snapshot *snap);

/* ---- engine_owner.c ---- */

enum pc_owner_verdict {
	PC_OWNER_RIGHT,
	PC_OWNER_WRONG,
	PC_OWNER_UNPROVEN, /* a process is required and naming has not covered the holders yet */
	PC_OWNER_UNKNOWN, /* a process is required and naming cannot tell */
};

/* The owner check of expectation i, which the listener r->listener serves:
 * every listener on its port or in its range is judged. Wrong: r->listener
 * becomes the intruder's. r->owner_check and r->owner_holder say what was
 * found. */
enum pc_owner_verdict pc_engine_check_owner(const struct pc_engine_context *cx, size_t i,
					    struct pc_expect_result *r);

/* ---- engine_expect.c ---- */

/* The result expectation i of plan had at the previous poll, made with
 * previous_plan (the same row of a reloaded plan, if it is still the same
 * port); NULL: none. */
const struct pc_expect_result *pc_engine_previous_result(const struct pc_plan *plan, size_t i,
							 const struct pc_plan *previous_plan,
							 const struct pc_evaluation *previous);

/* cx->out->expect[i] from this poll and prev, with its events. */
int pc_engine_evaluate_expectation(struct pc_engine_context *cx, size_t i,
				   const struct pc_expect_result *prev);

/* ---- engine_unexpected.c ---- */

/* Every listener's class; the unexpected ones counted and announced. */
int pc_engine_classify_listeners(struct pc_engine_context *cx,
				 const struct pc_snapshot *previous_snap,
				 const struct pc_evaluation *previous);

/* ---- engine_rollup.c ---- */

/* The roles (identity, counts, compliance), the instances and the host's
 * compliance and counts, from out's expectation results. */
void pc_engine_roll_up(const struct pc_plan *plan, struct pc_evaluation *out);

#endif
