/* SPDX-License-Identifier: ISC */
/* Expectations: catalog x host configuration -> the flat list of ports this
 * host should have, one record per port (or per range), in a stable order.
 * Pure: no I/O. This is also where the configuration is checked against the
 * catalog (unknown role or rule, a side the role does not take, two roles on
 * one listen port...), with the configuration's lines.
 *
 * What satisfies an expectation (for the engine):
 *   match PORT          a listener (direction listen) or connection
 *                       (connect) on exactly port;
 *   match ANY_IN_RANGE  at least one on a port in port..port_last
 *                       (UDP heartbeats 39500-39999);
 *   match PERMIT        nothing: the range only says where listeners may
 *                       be (Windows RPC/DCOM dynamic ports 1024-65535). A
 *                       listener there is still unexpected unless the site
 *                       trusts the range (trusted);
 *   match NONE          no number: nothing can be checked. When the rule is
 *                       configurable the site is expected to give the number
 *                       (unconfigured = true: report it as "unconfigured");
 *                       otherwise the row is there for the record (a port the
 *                       OS picks at run time, "see the ACD supplement").
 * Counted rules (Nuance "+1 per additional server") and "each" ranges are
 * expanded here into one PORT expectation per port, each of which must be
 * present: member/members say which of the expansion it is. */
#ifndef PC_EXPECT_H
#define PC_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/catalog.h"
#include "plan/config.h"
#include "plan/diag.h"

enum pc_match {
	PC_MATCH_NONE = 0, /* no number: nothing to check */
	PC_MATCH_PORT, /* port == port_last */
	PC_MATCH_ANY_IN_RANGE, /* any port in port..port_last */
	PC_MATCH_PERMIT, /* port..port_last may listen; nothing has to */
};

/* Strings are borrowed from the catalog and configuration the expectations
 * were built from: free those after the expectations, not before. */
struct pc_expectation {
	uint32_t role_index; /* 1-based: the role's position in the host config */
	uint32_t rule_index; /* 1-based: the rule's position in its catalog role */
	uint32_t member; /* 1-based position in a count or "each" expansion */
	uint32_t members; /* size of that expansion; 1 for a plain rule */

	const char *role; /* e.g. "icm-router" */
	const char *role_title;
	int guide_table; /* 1..10, 0: a site role */
	int instance; /* 0..24, -1: the role takes no instance */
	char instance_name[PC_NAME_MAX + 1]; /* "cust1", "instance-2", "" */
	enum pc_side side; /* PC_SIDE_NONE when the role takes no side */
	int slot; /* 1..3, 0 when the role takes no slot */
	int count; /* the role's count, 1 when it takes none */
	const char *bind_address; /* NULL: any local address */
	enum pc_peer_family peer_family; /* the role's: which family remote peers use */
	/* Who must hold the port (owner-user, owner-process): the role's, each
	 * key replaced by the rule's override when it gives one. */
	bool owner_uid_set; /* false: any user */
	uint32_t owner_uid;
	const char *owner_user; /* as written in the configuration, NULL: any */
	const char *owner_process; /* NULL: any process */

	const char *rule;
	const char *description;
	uint8_t protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port; /* 0 when there is no number (match NONE) */
	uint16_t port_last; /* == port for a single port */
	enum pc_match match;
	enum pc_direction direction;
	bool required; /* after any override */
	bool configurable;
	bool unconfigured; /* no number, and the site should give one */
	bool overridden; /* the number or required came from an override */
	bool shared; /* a ruleset's rule: one listener serves every role using it */
	bool trusted; /* PERMIT: the site trusts listeners in the range
			 (trust-permits, or an override's trust) */
	const char *remote; /* may be NULL */
	enum pc_peer peer; /* remote peers (another host) or local ones (this host) */
	const char *notes; /* may be NULL */
	const char *source; /* provenance: source IDs */
	enum pc_confidence confidence; /* SITE when the port came from an override */

	const char *catalog_file; /* where the rule is defined */
	int catalog_line;
	int config_line; /* the role's line in the host config (0: none) */
	int override_line; /* the override's line (0: none) */
};

struct pc_expectations {
	struct pc_expectation *items; /* sorted by (role_index, rule_index, member) */
	size_t n;
};

/* The host's expectations. Returns 0, or -1 with every problem in diag (and
 * *out left empty). Warnings (e.g. an ignored port that a role expects)
 * are added to diag without failing. */
int pc_expect_build(const struct pc_catalog *catalog, const struct pc_config *config,
		    struct pc_expectations *out, struct pc_diag *diag);

/* One role's plan without a host configuration (--expected --role):
 * instance -1 means 0, side PC_SIDE_NONE means every side the role takes
 * (one plan per side, in a, b, primary, secondary order), slot 0 means 1,
 * count 0 means 1. Errors are reported against where ("command line"). */
int pc_expect_role(const struct pc_catalog *catalog, const char *role, int instance,
		   enum pc_side side, int slot, int count, const char *where,
		   struct pc_expectations *out, struct pc_diag *diag);

void pc_expectations_free(struct pc_expectations *expectations);

/* "40082", "39500-39999", "unconfigured", or "-" (no number to give) */
void pc_expectation_format_port(const struct pc_expectation *e, char *buf, size_t len);

/* The remote ports of the connect rules with a single port, sorted, each
 * once: the established connections the collector counts. Malloc'd (free
 * it), *n set; NULL when out of memory. */
uint16_t *pc_expectations_connect_ports(const struct pc_expectations *exps, size_t *n);

/* Provenance as every output writes it, the confidence tag first, then the
 * sources: "L12 S1, MS"; an override: "SITE (override, line 27; catalog:
 * S1)". The tags and source IDs are explained in README.md. */
void pc_expectation_format_provenance(const struct pc_expectation *e, char *buf, size_t len);

#endif
