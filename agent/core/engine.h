/* SPDX-License-Identifier: ISC */
/* The compliance engine: this host's expectations against what one poll
 * saw, given what the previous poll concluded. Pure: no I/O, no clock (the
 * caller passes the time), no net-snmp. Events come out only on
 * transitions; hold-down and flap damping are applied here, so every
 * consumer (MIB, notifications, --check) sees one consistent story.
 *
 * Status of one expectation (values are PcPortStatus in the MIB):
 *   present        a listener matches where the rule's peers can reach it
 *                  (see "Reachable" below)
 *   pending        no listener, for fewer than hold-down polls in a row
 *   missing        no listener, for hold-down polls or more
 *   wrongAddress   listeners on the port, none reachable: the result's
 *                  problem says why (loopback only, IPv6 only...)
 *   wrongOwner     a listener serves it, but not the owner-user or
 *                  owner-process the configuration names: any listener
 *                  on its port, or in its range, that is not the owner's,
 *                  save those bound elsewhere than bind-address. The
 *                  owner-process holds a socket when any process holding
 *                  it runs it (a supervisor and its service, a server and
 *                  its workers all hold theirs). While naming has not
 *                  covered a listener's holders yet, a new expectation is
 *                  pending and a known one keeps its status; while naming
 *                  cannot tell (its helper does not answer, a process may
 *                  not be read), the owner is unknown: never wrongOwner
 *   flapping       presence changed flap-threshold times within
 *                  flap-window polls; stays until no change for a window
 *   unconfigured   no number and the site should give one
 *   notChecked     no number to check, or a connect rule with connection
 *                  checks off
 *   connected / notConnected   connect rules, when connections are checked
 *   permitted      a permit range (Windows RPC dynamic ports): listeners
 *                  may be there, none has to; never missing, never
 *                  notified, never against compliance
 *
 * Compliance of a role: the worst its expectations make of it, each as
 * status.c's table says for its status, required or optional (an alarm
 * makes a required port's role nonCompliant, an optional one's degraded).
 * A pending expectation counts as it was last confirmed (hold-down exists
 * so that a restarting service changes nothing), and as unknown before
 * its first confirmation. Instances and the host take the worst of their
 * roles. Unexpected listeners are counted and reported but do not change
 * compliance.
 *
 * Listener classes: expected (a rule names its port), ignored (an ignore
 * statement covers it), inPermitRange (only a permit range covers it: still
 * unexpected, counted and announced as such), trustedPermit (a permit range
 * the site trusts covers it: neither), unexpected.
 *
 * Reachable. With a bind-address, a listener is reachable when it covers
 * that address (the wildcard of its family, or the address itself) on a
 * device that is up. Without one, a rule whose peers are on this host
 * (peer "local") takes any listener; a rule whose peers are remote takes
 * a listener on a wildcard or on a non-loopback, non-link-local address
 * configured on the host (the snapshot's addresses), accepting the family
 * the role's peers use (peer-family: IPv4 by default), and, when it is
 * bound to a device, on a device that exists, is up and is not the
 * loopback. The engine judges from the snapshot alone: what the host's
 * addresses and interfaces are is the collector's to say. */
#ifndef PC_ENGINE_H
#define PC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/expect.h"
#include "plan/plan.h"
#include "core/discover.h"
#include "core/snapshot.h"
#include "core/status.h"

#define PC_FLAP_MAX 32 /* the largest flap-threshold */

struct pc_baseline; /* core/baseline.h */

struct pc_engine_settings {
	unsigned hold_down; /* >= 1 */
	unsigned flap_threshold; /* presence changes that make flapping; 0: off */
	unsigned flap_window; /* polls */
	bool check_connections; /* connect rules are evaluated */
	/* The listeners seen before and who held them: an unexpected one that
	 * appears as it was is not announced, and when it is primed (an
	 * earlier run's), the first poll is judged against it rather than
	 * being the baseline. NULL: none (the first poll is the baseline). */
	const struct pc_baseline *baseline;
};

/* What an owner check found; the values are pcExpectOwnerCheck's. */
enum pc_owner_check {
	PC_OWNER_CHECK_NONE = 1, /* nothing to check: no owner configured, no listener */
	PC_OWNER_CHECK_MATCHED = 2, /* the owner holds it (owner_holder: which process) */
	PC_OWNER_CHECK_WRONG = 3, /* someone else does (owner_holder: who, when named) */
	PC_OWNER_CHECK_PENDING = 4, /* naming has not covered every holder yet */
	PC_OWNER_CHECK_UNKNOWN = 5, /* naming cannot tell (pcNamingStatus says why) */
};
#define PC_OWNER_CHECK_MAX 5

/* "matched", as the MIB spells it; NULL for no value of the enum. */
const char *pc_owner_check_name(enum pc_owner_check check);

struct pc_expect_result {
	enum pc_port_status status;
	enum pc_port_status confirmed; /* the last status that was not pending */
	int32_t listener; /* index in the snapshot of the matching listener, -1: none */
	enum pc_address_problem problem; /* wrongAddress: why; else none */
	uint32_t absent_polls; /* consecutive polls without a match */
	int64_t last_change_ms; /* monotonic time of the last status change, 0: never */
	bool alarmed; /* a missing-type notification is out; a restore is owed */
	enum pc_port_status alarmed_status; /* the status that notification carried */
	bool was_present; /* raw presence at the previous poll */
	enum pc_owner_check owner_check; /* what the owner check found (pcExpectOwnerCheck) */
	struct pc_holder owner_holder; /* the holder it judged: the owner's when
					  matched, the intruder when wrong; pid 0: none */
	uint16_t served_port; /* port of the listener that last served it (a
				 range rule's real port), 0: none seen yet */
	uint32_t n_flips; /* presence changes remembered in flips[] */
	uint64_t flips[PC_FLAP_MAX]; /* poll numbers of the latest changes, oldest first */
};

struct pc_listener_result {
	enum pc_listener_class class;
	int32_t expectation; /* index of the first expectation it matches (for
				a permit class, the permit covering it), -1 */
	bool announced; /* unexpected: its pcUnexpectedListener has been raised */
	int64_t first_seen_ms; /* unexpected, not announced: when it appeared */
};

/* A new unexpected listener is announced once naming has covered it (its
 * naming is no longer pending): with its process, or saying that naming
 * could not tell. Naming covers a new listener within its longest gap
 * between find walks (5 s) and a pass; this only bounds the wait should
 * naming never say. */
#define PC_UNEXPECTED_NAMING_WAIT_MS 30000

/* One configured role; strings are borrowed from the plan. */
struct pc_role_result {
	const char *name;
	const char *title;
	int table; /* the guide's table, 0: not from the guide */
	int instance; /* -1: the role takes none */
	enum pc_side side;
	int slot; /* 0: the role takes none */
	uint32_t expected, present, missing, unconfigured;
	enum pc_compliance compliance;
};

struct pc_instance_result {
	int number; /* 0..24 */
	char name[PC_NAME_MAX + 1];
	uint32_t roles;
	enum pc_compliance compliance;
};

enum pc_event_type {
	PC_EVENT_MISSING = 1, /* status: an alarm (see status.h) */
	PC_EVENT_RESTORED = 2, /* status: present */
	PC_EVENT_UNEXPECTED = 3,
	PC_EVENT_COMPLIANCE = 4,
	/* Not from the engine: notify's account of the per-port notifications
	 * it could not send (rate limit, floods); pcNotificationsSkipped. */
	PC_EVENT_SUMMARY = 5,
	/* Not from the engine: the poll thread's discovery, whose verdict
	 * (pcDiscoveryVerdict) changed after hold-down (core/discover_verdict.h). */
	PC_EVENT_DISCOVERY = 6,
};

/* Self-contained: an event outlives the plan and the state it came from
 * (it may wait in a queue while the AgentX master is away). */
struct pc_event {
	enum pc_event_type type;
	int64_t when_ms; /* monotonic */
	/* MISSING, RESTORED: the expectation, its row index and what it is. */
	uint32_t role_index, rule_index, member;
	char role[PC_NAME_MAX + 1];
	char rule[PC_NAME_MAX + 1];
	int instance; /* -1: none */
	enum pc_side side;
	uint8_t protocol;
	uint16_t port; /* the expectation's (a range's first port) */
	uint16_t listener_port; /* the port of the listener concerned: the one
				   now serving (restored), on the wrong address,
				   or last seen serving (missing, flapping); 0:
				   none ever seen */
	enum pc_port_status status;
	enum pc_address_problem problem; /* MISSING with wrongAddress: why */
	/* UNEXPECTED: the listener. */
	struct pc_endpoint local;
	int32_t pid;
	char process[PC_PROCESS_MAX];
	uint8_t naming; /* enum pc_naming: whether pid and process are known */
	/* COMPLIANCE: the host's change, with the counts after it. */
	enum pc_compliance previous, current;
	uint32_t missing_count, unexpected_count;
	/* SUMMARY (with current and the counts above): the per-port
	 * notifications not sent since the previous summary. */
	uint32_t skipped_alarms, skipped_unexpected;
	/* DISCOVERY: the verdict now and as receivers were last told it
	 * (unknown: nothing yet), the best candidate and the configured roles
	 * in words. */
	enum pc_discover_verdict verdict, verdict_previous;
	struct pc_discover_words best, configured;
};

/* Everything concluded from one poll. Arrays parallel the plan's
 * expectations, the snapshot's listeners, the configuration's roles. */
struct pc_evaluation {
	uint64_t poll_number; /* 1 for the first poll */
	struct pc_expect_result *expect;
	size_t n_expect;
	struct pc_listener_result *listeners;
	size_t n_listeners;
	struct pc_role_result *roles;
	size_t n_roles;
	struct pc_instance_result *instances; /* sorted by number */
	size_t n_instances;
	enum pc_compliance host;
	/* The host's compliance as receivers were last told it (the current of
	 * the last pcComplianceChanged raised). An unknown that only says
	 * expectations await their first verdict (new after a reload) is not
	 * told: their verdict is, as one change from this. */
	enum pc_compliance host_told;
	uint32_t expected, present, missing, unexpected, unconfigured;
	int64_t host_last_change_ms; /* 0: not changed since start */
	bool recheck_soon; /* something is pending: poll again before the interval */
	struct pc_event *events;
	size_t n_events;
};

/* previous: the last evaluation (NULL at the first poll) and the plan it
 * was made with (may differ from plan after a reload: results carry over
 * by (role index, rule index, member)). now_ms: monotonic. Returns 0, or
 * -1 when out of memory (out is then empty). */
int pc_engine_evaluate(const struct pc_plan *plan, const struct pc_engine_settings *settings,
		       const struct pc_snapshot *snap, const struct pc_plan *previous_plan,
		       const struct pc_snapshot *previous_snap,
		       const struct pc_evaluation *previous, int64_t now_ms,
		       struct pc_evaluation *out);

void pc_evaluation_free(struct pc_evaluation *evaluation);

/* What a failed poll leaves (previous: the last evaluation, plan: the plan
 * it was made with). Not blind: previous unchanged, without its events.
 * Blind (polls have failed hold-down times in a row): every status, count
 * and compliance unknown or zero, no listener, and a compliance event when
 * receivers were not told unknown already; each expectation's history (alarms
 * raised, absences, flaps) is kept, so that the next successful poll,
 * judged against this, reports what changed from the last verdict an
 * operator was told about, and the return from unknown. A port found
 * absent then stays unknown (not "as last confirmed") until hold-down
 * confirms it missing. */
int pc_engine_carry_over(const struct pc_plan *plan, const struct pc_evaluation *previous,
			 bool blind, int64_t now_ms, struct pc_evaluation *out);

/* The evaluation before any poll: every status unknown, compliance unknown. */
int pc_evaluation_init_unknown(const struct pc_plan *plan, struct pc_evaluation *out);

#endif
