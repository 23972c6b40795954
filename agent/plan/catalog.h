/* SPDX-License-Identifier: ISC */
/* The role catalog: the port guide's tables as data (the files in conf/catalog).
 *
 * A role (icm-router, cti-server, ip-ivr...) is a list of rules; a rule is
 * one port a host playing the role listens on or connects to. Its number is
 * fixed, a range, an instance formula (the guide's appendix), or absent
 * (the guide leaves it to the site). Rules shared by several roles (Windows
 * RPC/SMB, SQL Server...) live in rulesets that roles use. conf/catalog/README
 * describes the file format; catalog_load.h loads and checks it as one whole. */
#ifndef PC_CATALOG_H
#define PC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/diag.h"
#include "plan/names.h"

#define PC_INSTANCE_MAX 24 /* ICM instance numbers are 0..24 */
#define PC_SLOT_MAX 3 /* PG1..PG3 on one host (installation order) */
#define PC_NAME_MAX 48 /* role, rule, ruleset, block and instance names */
#define PC_COUNT_MAX 64 /* servers of one kind on a host (Nuance "+1 per server") */
#define PC_EACH_MAX 64 /* ports in a range whose every port must listen */

enum pc_side {
	PC_SIDE_NONE = 0,
	PC_SIDE_A,
	PC_SIDE_B,
	PC_SIDE_PRIMARY, /* Distributors are primary/secondary rather than A/B */
	PC_SIDE_SECONDARY,
};
#define PC_SIDE_COUNT 5
#define PC_SIDE_BIT(side) (1u << (side))

/* Where the peers of a listen rule are: the guide's "remote device". A
 * listener serves remote peers only where they can reach it (not on
 * loopback, ...); one whose peers are on the same host (the MDS clients,
 * "the web server on this host") may listen on loopback. */
enum pc_peer {
	PC_PEER_REMOTE = 0, /* the default: another host */
	PC_PEER_LOCAL = 1, /* a process on this host */
};

/* Which address family remote peers use (a role's peer-family). */
enum pc_peer_family {
	PC_PEER_IPV4 = 0, /* the default: the guide's products are IPv4 */
	PC_PEER_IPV6 = 1,
	PC_PEER_ANY = 2,
};

enum pc_direction {
	PC_DIR_LISTEN = 1, /* the port is this host's destination port */
	PC_DIR_CONNECT = 2, /* the port is the remote device's destination port */
};

/* Confidence tags of ../shared/guide/port-facts.md, plus SITE for numbers a
 * site states itself (site catalog files, overrides). */
enum pc_confidence {
	PC_CONF_NONE = 0,
	PC_CONF_E60, /* printed in the 6.0 guide */
	PC_CONF_ERA, /* a 2004 document of the same product */
	PC_CONF_X7, /* a 7.x document of the same product */
	PC_CONF_L12, /* a 12.x document of the same product */
	PC_CONF_INF, /* inferred (formula, standard port, lineage) */
	PC_CONF_UNV, /* recalled, found in no source */
	PC_CONF_SITE, /* stated by the site */
};

enum pc_number_kind {
	PC_NUMBER_NONE = 0, /* the guide gives no number: the site supplies it */
	PC_NUMBER_FIXED,
	PC_NUMBER_RANGE,
	PC_NUMBER_FORMULA,
};

enum pc_range_match {
	PC_RANGE_ANY = 1, /* one listener anywhere in the range satisfies it */
	PC_RANGE_EACH, /* every port of the range is its own expectation */
};

/* Per-side base ports of one ICM process group: the appendix's 1000-port
 * blocks (central controller 40000/41000, PG1 42000/43000...). A block
 * with several slots has one base per PG slot (PG1, PG2, PG3). */
struct pc_block {
	char *name;
	int n_slots; /* 1: the same bases whatever the slot */
	int base[PC_SIDE_COUNT][PC_SLOT_MAX]; /* 0: no such side */
	const char *file;
	int line;
};

/* port = block(slot, side) + step * instance + offset, or
 * port = base + step * instance + offset when there is no block. */
struct pc_formula {
	char *block_name; /* NULL: use base */
	const struct pc_block *block; /* resolved after loading */
	int base;
	int offset;
	int step; /* 40 in the ICM scheme */
	enum pc_side side; /* PC_SIDE_NONE: the role's side; else always this
			      one (private networks use side B's block) */
	enum pc_confidence confidence; /* of values for instance > 0 (and for
					  slot > 1 unless slot_confidence says
					  otherwise); PC_CONF_NONE: the rule's */
	enum pc_confidence slot_confidence; /* of values for slot > 1 (any
					       instance); PC_CONF_NONE: as
					       confidence */
	int line;
};

struct pc_rule {
	char *name;
	char *description;
	uint8_t protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	enum pc_number_kind kind;
	int port; /* FIXED: the port; RANGE: the first */
	int port_last; /* RANGE: the last */
	enum pc_range_match match; /* RANGE only */
	bool permit; /* RANGE only: listeners anywhere in it are allowed, none
			is needed (Windows RPC/DCOM dynamic ports), as opposed
			to a service that listens somewhere in it (heartbeats) */
	struct pc_formula formula; /* FORMULA only */
	int count_step; /* > 0: one port per server of the role's count,
			   port + count_step * k */
	unsigned sides; /* PC_SIDE_BITs the rule applies to; 0: every side */
	enum pc_direction direction;
	char *remote; /* the remote device (may be NULL) */
	enum pc_peer peer; /* where the remote device is: another host or this one */
	bool configurable; /* the site may move it (override) */
	bool required; /* its absence makes the host non-compliant */
	char *notes; /* may be NULL */
	char *source; /* source IDs, e.g. "S0, S1" */
	enum pc_confidence confidence;
	bool shared; /* defined in a ruleset: one listener serves every role using it */
	const char *file;
	int line;
};

struct pc_ruleset {
	char *name;
	struct pc_rule *rules;
	size_t n_rules;
	const char *file;
	int line;
};

struct pc_role {
	char *name;
	char *title;
	int table; /* the guide's table 1..10; 0: not from the guide */
	char *notes; /* may be NULL */
	bool takes_instance;
	bool takes_count;
	unsigned sides; /* PC_SIDE_BITs the role takes; 0: none */
	unsigned slots; /* 1u << slot for each slot the role takes; 0: none */
	struct pc_rule *own_rules;
	size_t n_own_rules;
	char **uses; /* ruleset names */
	size_t n_uses;
	int uses_line;
	/* Own rules, then the used rulesets' rules in order: the position in
	 * this array (plus one) is the rule's stable index. */
	const struct pc_rule **rules;
	size_t n_rules;
	struct pc_names rule_names; /* -> position in rules */
	const char *file;
	int line;
};

struct pc_catalog {
	char **files; /* in load order */
	size_t n_files;
	struct pc_role *roles; /* in load order */
	size_t n_roles;
	struct pc_ruleset *rulesets;
	size_t n_rulesets;
	struct pc_block *blocks;
	size_t n_blocks;
	/* name -> position in roles, rulesets, blocks: built once every file
	 * is read, so that no lookup compares every name */
	struct pc_names role_names, ruleset_names, block_names;
	char revision[9]; /* FNV-1a 32 over the files' bytes in load order, hex */
};

void pc_catalog_free(struct pc_catalog *catalog);

const struct pc_role *pc_catalog_find_role(const struct pc_catalog *catalog, const char *name);

/* The appendix arithmetic, the only place it is done:
 * block(slot, side) + step * instance + offset. side is the role's side
 * (ignored when the formula fixes one); slot 0 means 1. Returns the port, or
 * -1 when the block has no base for that side or slot. The result may be
 * outside 1..65535: callers check. */
long pc_formula_port(const struct pc_formula *formula, enum pc_side side, int slot,
		     int instance);

/* The confidence of the port a rule gives for (slot, instance): the rule's
 * own tag rates instance 0 on the first slot; a formula may rate later
 * instances and other PG slots lower (the weaker tag wins when both apply). */
enum pc_confidence pc_rule_confidence(const struct pc_rule *rule, int slot, int instance);

/* Names as written in the files; NULL/-1 for values that are not. */
const char *pc_side_name(enum pc_side side);
int pc_side_parse(const char *name); /* enum pc_side, or -1 */
const char *pc_confidence_name(enum pc_confidence confidence);
int pc_confidence_parse(const char *name);
const char *pc_direction_name(enum pc_direction direction);
const char *pc_peer_name(enum pc_peer peer); /* "remote", "local" */
const char *pc_peer_family_name(enum pc_peer_family family); /* "ipv4", "ipv6", "any" */
bool pc_name_valid(const char *name); /* [a-z0-9][a-z0-9._-]*, at most PC_NAME_MAX */

#endif
