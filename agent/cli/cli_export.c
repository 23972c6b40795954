/* SPDX-License-Identifier: ISC */
/* portcomplyd --export nftables: the host's expected listen ports as an
 * nftables allow-list, for the site's firewall.
 *
 * The ruleset is a table of its own (inet portcomply) holding sets and one
 * regular chain, "allow", that only accepts. It has no hook and no policy:
 * in nftables an accept ends only the chain that says it, while a drop in
 * any base chain of the hook is final, so an allow-list in a base chain of
 * its own would change nothing under a site's drop policy. The site hooks
 * "allow" from a base chain it adds to this table, with its own policy
 * (README, "Firewall allow-list").
 *
 * What is accepted, per expected listen port with a number:
 *   - a role with a bind-address: that address and port only;
 *   - peers on this host (catalog peer = "local"): from the loopback only;
 *   - otherwise the port from the role's peer-family (IPv4 by default).
 * Connect rules open nothing here: their replies belong to the site's
 * connection tracking. Ports without a number (unconfigured, or chosen at
 * run time) cannot be listed and are named in a comment. A permit range
 * (Windows RPC dynamic ports) is accepted only when the site trusts it:
 * untrusted, a listener there is unexpected, so the firewall closes it. */
#include "cli/cli_export.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/catalog.h"
#include "plan/diag.h"
#include "plan/expect.h"
#include "plan/plan.h"
#include "util/program.h"
#include "util/transport.h"

#define EXIT_USAGE 1
#define EXIT_INVALID 2

/* The sets of the table, in the order they are printed. */
enum set_id {
	SET_TCP4, SET_TCP6, SET_UDP4, SET_UDP6,
	SET_TCP4_BOUND, SET_TCP6_BOUND, SET_UDP4_BOUND, SET_UDP6_BOUND,
	SET_TCP_LOCAL, SET_UDP_LOCAL,
	SET_COUNT
};

static const struct set_kind {
	const char *name;
	int family; /* AF_INET, AF_INET6, or 0 for a port-only set */
	const char *match; /* the rule of the allow chain */
} sets[SET_COUNT] = {
	[SET_TCP4] = { "tcp_ipv4", 0, "meta nfproto ipv4 tcp dport @tcp_ipv4" },
	[SET_TCP6] = { "tcp_ipv6", 0, "meta nfproto ipv6 tcp dport @tcp_ipv6" },
	[SET_UDP4] = { "udp_ipv4", 0, "meta nfproto ipv4 udp dport @udp_ipv4" },
	[SET_UDP6] = { "udp_ipv6", 0, "meta nfproto ipv6 udp dport @udp_ipv6" },
	[SET_TCP4_BOUND] = { "tcp_ipv4_bound", AF_INET, "ip daddr . tcp dport @tcp_ipv4_bound" },
	[SET_TCP6_BOUND] = { "tcp_ipv6_bound", AF_INET6, "ip6 daddr . tcp dport @tcp_ipv6_bound" },
	[SET_UDP4_BOUND] = { "udp_ipv4_bound", AF_INET, "ip daddr . udp dport @udp_ipv4_bound" },
	[SET_UDP6_BOUND] = { "udp_ipv6_bound", AF_INET6, "ip6 daddr . udp dport @udp_ipv6_bound" },
	[SET_TCP_LOCAL] = { "tcp_local", 0, "iif \"lo\" tcp dport @tcp_local" },
	[SET_UDP_LOCAL] = { "udp_local", 0, "iif \"lo\" udp dport @udp_local" },
};

struct element {
	unsigned char addr[16]; /* bound sets only; compared as bytes */
	uint16_t lo, hi;
};

struct element_list {
	struct element *items;
	size_t n, cap;
};

static int add_element(struct element_list *list, const unsigned char *addr, uint16_t lo,
		       uint16_t hi)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 16;
		struct element *items = realloc(list->items, cap * sizeof(*items));
		if (items == NULL)
			return -1;
		list->items = items;
		list->cap = cap;
	}
	struct element *e = &list->items[list->n++];
	memset(e->addr, 0, sizeof(e->addr));
	if (addr != NULL)
		memcpy(e->addr, addr, sizeof(e->addr));
	e->lo = lo;
	e->hi = hi;
	return 0;
}

static int element_order(const void *a, const void *b)
{
	const struct element *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (c != 0)
		return c;
	return x->lo != y->lo ? (x->lo < y->lo ? -1 : 1) : (x->hi < y->hi ? -1 : x->hi > y->hi);
}

/* Sorted, with overlapping and adjacent ranges of one address merged:
 * nftables refuses overlapping intervals in one set, and two roles may
 * share a port (a ruleset's rule) or a range (the heartbeats). */
static void merge(struct element_list *list)
{
	size_t out = 0;
	if (list->n == 0)
		return; /* items may be NULL, which qsort must not see */
	qsort(list->items, list->n, sizeof(*list->items), element_order);
	for (size_t i = 0; i < list->n; i++) {
		struct element *e = &list->items[i];
		struct element *last = out ? &list->items[out - 1] : NULL;
		if (last != NULL && memcmp(last->addr, e->addr, sizeof(e->addr)) == 0 &&
		    (uint32_t)e->lo <= (uint32_t)last->hi + 1) {
			if (e->hi > last->hi)
				last->hi = e->hi;
			continue;
		}
		list->items[out++] = *e;
	}
	list->n = out;
}

/* A bind-address as bytes; a zone ("fe80::1%eth0") is left out, the
 * address is what the packet carries. Returns the family, 0 if unreadable. */
static int parse_address(const char *text, unsigned char addr[16])
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", text);
	buf[strcspn(buf, "%")] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return AF_INET6;
	return 0;
}

static void print_port_range(FILE *out, const struct element *e)
{
	if (e->lo == e->hi)
		fprintf(out, "%u", e->lo);
	else
		fprintf(out, "%u-%u", e->lo, e->hi);
}

static void print_set(FILE *out, enum set_id id, const struct element_list *list)
{
	const struct set_kind *kind = &sets[id];
	const char *type = kind->family == AF_INET	 ? "ipv4_addr . inet_service"
			   : kind->family == AF_INET6 ? "ipv6_addr . inet_service"
						      : "inet_service";
	fprintf(out, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n", kind->name, type);
	if (list->n > 0) {
		fputs("\t\telements = {", out);
		for (size_t i = 0; i < list->n; i++) {
			const struct element *e = &list->items[i];
			fputs(i ? ",\n\t\t\t     " : " ", out);
			if (kind->family != 0) {
				char addr[INET6_ADDRSTRLEN];
				inet_ntop(kind->family, e->addr, addr, sizeof(addr));
				fprintf(out, "%s . ", addr);
			}
			print_port_range(out, e);
		}
		fputs(" }\n", out);
	}
	fputs("\t}\n", out);
}

/* Which sets an expectation goes to; returns how many (0 to 2). */
static int sets_for(const struct pc_expectation *e, unsigned char addr[16], enum set_id ids[2])
{
	bool tcp = e->protocol == IPPROTO_TCP;
	if (e->peer == PC_PEER_LOCAL) {
		ids[0] = tcp ? SET_TCP_LOCAL : SET_UDP_LOCAL;
		return 1;
	}
	if (e->bind_address != NULL) {
		int family = parse_address(e->bind_address, addr);
		if (family == 0)
			return 0;
		ids[0] = family == AF_INET ? (tcp ? SET_TCP4_BOUND : SET_UDP4_BOUND)
					   : (tcp ? SET_TCP6_BOUND : SET_UDP6_BOUND);
		return 1;
	}
	int n = 0;
	if (e->peer_family != PC_PEER_IPV6)
		ids[n++] = tcp ? SET_TCP4 : SET_UDP4;
	if (e->peer_family != PC_PEER_IPV4)
		ids[n++] = tcp ? SET_TCP6 : SET_UDP6;
	return n;
}

static const char *peers_text(const struct pc_expectation *e)
{
	if (e->peer == PC_PEER_LOCAL)
		return "local peers: loopback only";
	if (e->bind_address != NULL)
		return e->bind_address;
	return e->peer_family == PC_PEER_IPV6 ? "IPv6 peers"
	       : e->peer_family == PC_PEER_ANY ? "IPv4 and IPv6 peers"
					       : "IPv4 peers";
}

/* The comment line that says where one expectation went. */
static void print_origin(FILE *out, const struct pc_expectation *e)
{
	char port[32], who[96] = "";
	pc_expectation_format_port(e, port, sizeof(port));
	if (e->instance >= 0)
		snprintf(who, sizeof(who), " instance %d", e->instance);
	if (e->side != PC_SIDE_NONE)
		snprintf(who + strlen(who), sizeof(who) - strlen(who), " side %s", pc_side_name(e->side));
	fprintf(out, "#   %s%s %s: %s %s", e->role, who, e->rule, pc_proto_name(e->protocol), port);
	if (e->match == PC_MATCH_NONE)
		fputs(" (no number: not listed)\n", out);
	else if (e->match == PC_MATCH_PERMIT && !e->trusted)
		fputs(" (permit range, not trusted: not listed)\n", out);
	else if (e->match == PC_MATCH_PERMIT)
		fprintf(out, " (trusted permit range; %s)\n", peers_text(e));
	else
		fprintf(out, " (%s)\n", peers_text(e));
}

/* The sets' elements, merged; -1 when memory runs out. */
static int collect(const struct pc_plan *plan, struct element_list lists[SET_COUNT])
{
	for (size_t i = 0; i < plan->expectations.n; i++) {
		const struct pc_expectation *e = &plan->expectations.items[i];
		if (e->direction != PC_DIR_LISTEN || e->match == PC_MATCH_NONE ||
		    (e->match == PC_MATCH_PERMIT && !e->trusted))
			continue;
		unsigned char addr[16];
		enum set_id ids[2];
		int n = sets_for(e, addr, ids);
		for (int k = 0; k < n; k++)
			if (add_element(&lists[ids[k]], sets[ids[k]].family ? addr : NULL, e->port,
					e->port_last) < 0)
				return -1;
	}
	for (int id = 0; id < SET_COUNT; id++)
		merge(&lists[id]);
	return 0;
}

static void print_ruleset(FILE *out, const struct pc_plan *plan, const char *config_path,
			  const struct element_list lists[SET_COUNT])
{
	fprintf(out,
		"# portcomply allow-list: the ports this host's roles listen on, from\n"
		"# %s (catalog revision %s), written by portcomplyd --export nftables.\n"
		"#\n"
		"# It only accepts and sets no policy. Include it from the site's ruleset and\n"
		"# jump to \"allow\" from an input chain of this table that keeps the site's\n"
		"# policy (an accept in another table would not override a drop there):\n"
		"#\n"
		"#   include \"/etc/nftables.d/portcomply.nft\"\n"
		"#   table inet portcomply {\n"
		"#       chain input {\n"
		"#           type filter hook input priority filter; policy drop;\n"
		"#           ct state established,related accept\n"
		"#           iif \"lo\" accept\n"
		"#           jump allow\n"
		"#           # ...the site's other services (ssh, snmp)\n"
		"#       }\n"
		"#   }\n"
		"#\n"
		"# Expected listen ports:\n",
		config_path, plan->catalog->revision);
	for (size_t i = 0; i < plan->expectations.n; i++)
		if (plan->expectations.items[i].direction == PC_DIR_LISTEN)
			print_origin(out, &plan->expectations.items[i]);
	fputs("\ntable inet portcomply {\n", out);
	for (int id = 0; id < SET_COUNT; id++)
		print_set(out, (enum set_id)id, &lists[id]);
	fputs("\tchain allow {\n", out);
	for (int id = 0; id < SET_COUNT; id++)
		fprintf(out, "\t\t%s accept\n", sets[id].match);
	fputs("\t}\n}\n", out);
}

int pc_cli_export_to(const struct pc_cli_args *args, const char *format, FILE *out, FILE *err)
{
	if (format == NULL || strcmp(format, "nftables") != 0) {
		fprintf(err, "command line: --export %s: the one format is nftables\n",
			format ? format : "");
		return EXIT_USAGE;
	}
	struct pc_diag diag = { 0 };
	if (args->config_path == NULL) {
		fprintf(err, "command line: no configuration file: give -c FILE\n");
		return EXIT_INVALID;
	}
	struct pc_plan *plan = pc_plan_load(args->config_path, &diag);
	pc_diag_print(&diag, err); /* errors, or warnings */
	pc_diag_clear(&diag);
	if (plan == NULL)
		return EXIT_INVALID;
	struct element_list lists[SET_COUNT] = { 0 };
	int rc = collect(plan, lists);
	if (rc == 0)
		print_ruleset(out, plan, args->config_path, lists);
	else
		fprintf(err, PC_NAME ": out of memory\n");
	for (int id = 0; id < SET_COUNT; id++)
		free(lists[id].items);
	pc_plan_unref(plan);
	return rc == 0 ? 0 : EXIT_USAGE;
}

int pc_cli_export(const struct pc_cli_args *args, const char *format)
{
	return pc_cli_export_to(args, format, stdout, stderr);
}
