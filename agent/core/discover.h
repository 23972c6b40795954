/* SPDX-License-Identifier: ISC */
/* Discovery: the reverse of the plan. Given what listens on a host, which
 * roles of the catalog, with which ICM instance, side and slot, explain it?
 *
 * Pure: a function of the catalog, the listeners of one snapshot and a few
 * parameters (no I/O, no clock, no thread).
 *
 * The index. Every assignment the catalog allows (each role, instances
 * 0-24, each side and slot it takes) becomes its listen ports through the
 * plan's own arithmetic (pc_expect_role). Assignments of one role that
 * listen on exactly the same ports cannot be told apart by listeners: they
 * form one class (the CTI OS server's 42028 moves with nothing, a Logger's
 * ports move with instance and side). A feature is one listen port (or one
 * range, such as the heartbeats' 39500-39999) that some class expects; its
 * weight is UNIT divided by the number of classes expecting it, so a port
 * that many classes share (SQL Server's 1433, RPC's 135) says little and an
 * instance-moved port says a lot.
 *
 * The search. A candidate is a set of classes, built greedily: each step
 * adds the class whose score gain is highest, where a class gains the
 * weight of every listened feature nobody in the set explains yet and loses
 * half the weight of each required feature not listening (a sixteenth for
 * an optional one). A class that would put a second listener on a port
 * (two roles that cannot share it, as the plan's check refuses) is never
 * added. Each search starts once from each of the most promising classes,
 * drops classes that end up adding nothing, and ranks the distinct sets:
 * score, then fewer roles. Combined hosts (Router and Logger) come out as
 * one candidate because the second role explains what the first cannot.
 *
 * Permit ranges (RPC's 1024-65535) and rules without a number explain
 * nothing; connect rules are not listeners. Counted roles are taken with
 * a count of one. */
#ifndef PC_DISCOVER_H
#define PC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"
#include "plan/catalog.h"
#include "plan/config.h"
#include "plan/expect.h"

#define PC_DISCOVER_UNIT 1000000 /* the weight of a port only one class expects */
#define PC_DISCOVER_CANDIDATES_DEFAULT 5
#define PC_DISCOVER_CANDIDATES_MAX 16
#define PC_DISCOVER_PICKS_MAX 16 /* roles in one candidate */
#define PC_DISCOVER_DIFF_MAX 8 /* ports kept to tell two tied candidates apart */

/* One port (port == port_last) or range that some class listens on. */
struct pc_discover_feature {
	uint8_t protocol;
	uint16_t port, port_last;
	uint32_t classes; /* how many classes expect it */
	uint32_t weight; /* PC_DISCOVER_UNIT / classes */
};

/* A feature as one class expects it. */
struct pc_discover_member {
	uint32_t feature;
	bool required;
	bool shared; /* from a ruleset: one listener may serve several roles */
	const char *rule_file; /* which rule: shared ports are shared per rule */
	int rule_line;
};

/* The assignments of one role that listen on the same ports. Every class
 * of the shipped catalog is a product: each of its instances, on each of
 * its sides and slots (test_discover checks it). */
struct pc_discover_class {
	const struct pc_role *role;
	uint32_t instances; /* bit n: instance n; 0: the role takes none */
	unsigned sides; /* PC_SIDE_BITs; 0: the role takes none */
	unsigned slots; /* 1u << k for slot k; 0: the role takes none */
	uint32_t n_assignments;
	struct pc_discover_member *members; /* sorted by feature */
	size_t n_members;
};

struct pc_discover_index {
	const struct pc_catalog *catalog; /* borrowed: free the index first */
	struct pc_discover_feature *features; /* sorted by protocol, port, port_last */
	size_t n_features;
	struct pc_discover_class *classes; /* by role in catalog order */
	size_t n_classes;
	size_t n_assignments;
	/* Bit p: some feature is UDP port p (or a range holding it). NULL in
	 * an index made by hand: the features are searched instead. */
	uint64_t *udp_ports;
};

/* NULL when out of memory. Assignments the catalog cannot make (a port
 * outside 1-65535) are left out. */
struct pc_discover_index *pc_discover_index_build(const struct pc_catalog *catalog);
void pc_discover_index_free(struct pc_discover_index *index);

/* Whether a listen rule of the catalog names this UDP port: a bound UDP
 * socket on it may be a service even inside the ephemeral range, where
 * the listener rule (core/listener_rule.h) takes the sockets no rule of
 * the *configured* plan names for clients'. Discovery, which looks for
 * the roles the configuration does not state, keeps those
 * (pc_discover_catalog_udp): a host that runs instance 2 where the
 * configuration says 0 listens on instance 2's UDP ports (the Router's
 * incrp-nic, 40105), and that is the evidence discovery needs. */
bool pc_discover_names_udp(const struct pc_discover_index *index, uint16_t port);

/* The rows of an unfiltered snapshot that the listener rule leaves out
 * for exps (NULL: no plan) but whose UDP port the catalog names: what
 * discovery considers besides the listeners (pc_discover_params.also).
 * malloc'd (free it), *n set; NULL with *n 0 when there is none or no
 * memory. */
struct pc_listener *pc_discover_catalog_udp(const struct pc_discover_index *index,
					    const struct pc_snapshot *snap,
					    const struct pc_expectations *exps, size_t *n);

/* One (role, instance, side, slot), as a configuration states it. */
struct pc_discover_assignment {
	const struct pc_role *role;
	int instance; /* -1: none */
	enum pc_side side;
	int slot; /* 0: none */
};

/* The class holding this assignment, or NULL (a role the index lacks). */
const struct pc_discover_class *pc_discover_class_of(const struct pc_discover_index *index,
						     const struct pc_discover_assignment *a);

/* A protocol and port (or range), as results list them. */
struct pc_discover_port {
	uint8_t protocol;
	uint16_t port, port_last;
};

/* One class in a candidate, with the assignment a configuration would
 * state: when the class leaves a choice open, the instance, side and slot
 * the other roles of the candidate use where the class allows them, else
 * its lowest. Self-contained but for the catalog's role names. */
struct pc_discover_pick {
	const struct pc_role *role;
	struct pc_discover_assignment assignment;
	uint32_t instances; /* the class's: what listeners cannot tell apart */
	unsigned sides, slots;
	uint32_t n_assignments; /* > 1: listeners cannot choose among them */
	uint32_t expected, explained, lacking; /* features; lacking: required, not listening */
};

struct pc_discover_candidate {
	struct pc_discover_pick picks[PC_DISCOVER_PICKS_MAX];
	size_t n_picks;
	int64_t score; /* in 1 / PC_DISCOVER_UNIT */
	uint32_t expected; /* listen ports and ranges of its roles */
	uint32_t explained; /* of those, listening */
	uint32_t lacking; /* required, not listening */
	uint32_t unexplained; /* the host's listeners it leaves unexplained */
	/* 0, or the rank (1-based) of a better-placed candidate with the same
	 * score: listeners cannot choose between the two. What would: the
	 * ports only this one expects, and those only the other one does
	 * (both empty: they expect the same ports). */
	size_t tie_with;
	struct pc_discover_port only_here[PC_DISCOVER_DIFF_MAX], only_there[PC_DISCOVER_DIFF_MAX];
	size_t n_only_here, n_only_there;
	bool more_differences; /* the lists above were cut */
};

/* Whether the configured roles are among the best candidates. Values are
 * the MIB's pcDiscoveryVerdict (off(1) and unknown(5) belong to the
 * daemon: a search always concludes one of the other three). */
enum pc_discover_verdict {
	PC_DISCOVER_OFF = 1, /* discovery is off */
	PC_DISCOVER_NO_ROLES = 2, /* the configuration states no role to compare */
	PC_DISCOVER_MATCHES = 3,
	PC_DISCOVER_DIFFERS = 4,
	PC_DISCOVER_UNKNOWN = 5, /* on, and no verdict confirmed yet (hold-down) */
};

/* "off", "noRoles", "matches", "differs", "unknown": as the MIB spells them. */
const char *pc_discover_verdict_name(enum pc_discover_verdict verdict);

/* A set of role assignments in words, as pcDiscoveryTable's columns say
 * them: the n-th word of each string belongs to the n-th role.
 *   roles      "icm-router icm-logger"
 *   instances  "2 2"; "-" a role that takes none; "0-24" or "2,5" the
 *              instances listeners cannot tell apart
 *   sides      "a a"; "-"; "a|b"
 *   slots      "- -"; "1-3"
 * Bounded, so that an event can carry them: a set whose words do not all
 * fit keeps the roles that do, and each string ends in " ..." (the
 * shipped catalog's largest candidates use a third of the room). */
#define PC_DISCOVER_ROLES_TEXT 128
#define PC_DISCOVER_WORDS_TEXT 48
struct pc_discover_words {
	char roles[PC_DISCOVER_ROLES_TEXT];
	char instances[PC_DISCOVER_WORDS_TEXT];
	char sides[PC_DISCOVER_WORDS_TEXT];
	char slots[PC_DISCOVER_WORDS_TEXT];
};

struct pc_discovery {
	struct pc_discover_candidate *candidates; /* best first */
	size_t n_candidates;
	uint32_t listeners; /* distinct (protocol, port) pairs considered */
	uint32_t ignored; /* listeners the configuration's ignore statements left out */
	struct pc_discover_port *unexplained; /* by the best candidate, sorted */
	size_t n_unexplained;
	enum pc_discover_verdict verdict;
	int64_t configured_score; /* when there are configured roles */
	uint32_t configured_lacking;
	struct pc_discover_words configured_words; /* the configured assignments ("" none) */
	uint64_t listener_hash; /* FNV-1a of the pairs: did the listener set change? */
};

/* What the search is given. config: its ignore statements leave listeners
 * out (NULL: none); configured: the assignments to compare with the best
 * candidates (NULL, 0: none); also: sockets considered besides the
 * snapshot's listeners (pc_discover_catalog_udp; NULL, 0: none).
 * max_candidates: 0 means the default, capped at
 * PC_DISCOVER_CANDIDATES_MAX. */
struct pc_discover_params {
	const struct pc_config *config;
	const struct pc_discover_assignment *configured;
	size_t n_configured;
	const struct pc_listener *also;
	size_t n_also;
	size_t max_candidates;
};

/* 0, or -1 when out of memory (out is then empty). */
int pc_discover_run(const struct pc_discover_index *index, const struct pc_snapshot *snap,
		    const struct pc_discover_params *params, struct pc_discovery *out);
void pc_discovery_free(struct pc_discovery *discovery);

/* A copy that owns its arrays; 0, or -1 when out of memory (to empty). */
int pc_discovery_copy(const struct pc_discovery *from, struct pc_discovery *to);

/* The configured assignments of a plan's expectations, one per role
 * statement, in the catalog's roles. malloc'd array (free it), *n set;
 * NULL with *n 0 when there is none or no memory. */
struct pc_discover_assignment *pc_discover_configured(const struct pc_catalog *catalog,
						      const struct pc_expectations *exps,
						      size_t *n);

/* The FNV-1a hash of the distinct (protocol, port) pairs a snapshot
 * listens on with params' also, params' ignored ones left out: equal
 * hashes, equal answer. params NULL: none. */
uint64_t pc_discover_listener_hash(const struct pc_snapshot *snap,
				   const struct pc_discover_params *params);

/* Text for reports: "0", "0-24", "0 2 5", "-" (instances); "a", "a|b",
 * "-" (sides); "1", "1-3", "-" (slots). */
void pc_discover_format_instances(uint32_t instances, char *buf, size_t len);
void pc_discover_format_sides(unsigned sides, char *buf, size_t len);
void pc_discover_format_slots(unsigned slots, char *buf, size_t len);

/* Why a class leaves a choice open: "its ports do not move with the side
 * or the slot"; "" when it does not. */
void pc_discover_format_ambiguity(const struct pc_discover_pick *pick, char *buf, size_t len);

/* "tcp/40026", "udp/39500-39999" */
void pc_discover_format_port(const struct pc_discover_port *p, char *buf, size_t len);

/* The words of a candidate (each class as listeners leave it: "0-24"
 * where they cannot tell the instance), and of assignments as a
 * configuration states them. Empty strings for none. */
void pc_discover_words_of_candidate(const struct pc_discover_candidate *c,
				    struct pc_discover_words *out);
void pc_discover_words_of_assignments(const struct pc_discover_assignment *a, size_t n,
				      struct pc_discover_words *out);

/* The words role by role, for a line of text:
 *   PC_DISCOVER_LIST_TOKEN  "icm-router/2/a/-,icm-logger/2/a/-" (one token: the log)
 *   PC_DISCOVER_LIST_PROSE  "icm-router instance 2 side a, icm-logger instance 2 side a"
 * "..." stands for roles the words had no room for; "-" (token) or "none"
 * (prose) when there is no role. */
enum pc_discover_list_style { PC_DISCOVER_LIST_TOKEN, PC_DISCOVER_LIST_PROSE };
void pc_discover_words_list(const struct pc_discover_words *w, enum pc_discover_list_style style,
			    char *buf, size_t len);

#endif
