/* SPDX-License-Identifier: ISC */
#include "plan/expect.h"

#include "plan/names.h"
#include "util/program.h"
#include "util/transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One role as this host plays it, with the defaults filled in. */
struct entry {
	const struct pc_role *role;
	const struct pc_role_conf *conf; /* NULL for --expected --role */
	uint32_t index;
	int instance; /* -1: none */
	enum pc_side side;
	int slot; /* 0: none */
	int count;
	const char *file; /* the config file, or "command line" */
	int line;
	/* role, instance, side and slot as text: the key under which the
	 * index of entries finds the same role configured twice */
	char identity[64];
};

struct builder {
	const struct pc_config *config; /* NULL for --expected --role */
	struct pc_expectations *out;
	size_t cap;
	struct pc_diag *diag;
	bool failed;
};

static void __attribute__((format(printf, 4, 5)))
error_at(struct builder *b, const char *file, int line, const char *fmt, ...)
{
	char message[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	pc_diag_error(b->diag, file, line, "%s", message);
	b->failed = true;
}

static void side_list(unsigned sides, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int s = 1; s < PC_SIDE_COUNT; s++)
		if (sides & PC_SIDE_BIT(s))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? " or " : "",
				 pc_side_name((enum pc_side)s));
}

static void slot_list(unsigned slots, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int k = 1; k <= PC_SLOT_MAX; k++)
		if (slots & (1u << k))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%d", buf[0] ? " or " : "", k);
}

static int lowest_slot(unsigned slots)
{
	for (int k = 1; k <= PC_SLOT_MAX; k++)
		if (slots & (1u << k))
			return k;
	return 0;
}

/* Does the role take what it was given? Lines: 0 means "not given". */
static void check_keys(struct builder *b, struct entry *e, int instance_line, int side_line,
		       int slot_line, int count_line)
{
	const struct pc_role *role = e->role;
	char list[64];
	if (instance_line && !role->takes_instance)
		error_at(b, e->file, instance_line, "role %s takes no instance", role->name);
	if (side_line && role->sides == 0) {
		error_at(b, e->file, side_line, "role %s takes no side", role->name);
	} else if (side_line && !(role->sides & PC_SIDE_BIT(e->side))) {
		side_list(role->sides, list, sizeof(list));
		error_at(b, e->file, side_line, "role %s takes side %s, not %s", role->name, list,
			 pc_side_name(e->side) ? pc_side_name(e->side) : "?");
	} else if (!side_line && role->sides != 0) {
		side_list(role->sides, list, sizeof(list));
		error_at(b, e->file, e->line, "role %s needs a side (%s)", role->name, list);
	}
	if (slot_line && role->slots == 0) {
		error_at(b, e->file, slot_line, "role %s takes no slot", role->name);
	} else if (slot_line && !(role->slots & (1u << e->slot))) {
		slot_list(role->slots, list, sizeof(list));
		error_at(b, e->file, slot_line, "role %s takes slot %s, not %d", role->name, list,
			 e->slot);
	}
	if (count_line && !role->takes_count)
		error_at(b, e->file, count_line, "role %s takes no count", role->name);

	if (!role->takes_instance)
		e->instance = -1;
	else if (e->instance < 0)
		e->instance = 0; /* the single-instance default */
	if (role->sides == 0)
		e->side = PC_SIDE_NONE;
	e->slot = role->slots == 0 ? 0 : e->slot > 0 ? e->slot : lowest_slot(role->slots);
	e->count = role->takes_count && e->count > 0 ? e->count : 1;
}

static struct pc_expectation *append(struct builder *b)
{
	struct pc_expectations *out = b->out;
	if (out->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct pc_expectation *items = realloc(out->items, cap * sizeof(*items));
		if (items == NULL) {
			error_at(b, PC_NAME, 0, "out of memory");
			return NULL;
		}
		out->items = items;
		b->cap = cap;
	}
	struct pc_expectation *x = &out->items[out->n++];
	memset(x, 0, sizeof(*x));
	return x;
}

static void apply_owner(struct pc_expectation *x, const struct pc_owner *owner)
{
	if (owner->user != NULL) {
		x->owner_uid_set = owner->has_uid;
		x->owner_uid = owner->uid;
		x->owner_user = owner->user;
	}
	if (owner->process != NULL)
		x->owner_process = owner->process;
}

static void fill_common(struct builder *b, const struct entry *e, const struct pc_rule *rule,
			uint32_t rule_index, struct pc_expectation *x)
{
	x->role_index = e->index;
	x->rule_index = rule_index;
	x->member = x->members = 1;
	x->role = e->role->name;
	x->role_title = e->role->title;
	x->guide_table = e->role->table;
	x->instance = e->instance;
	if (e->instance >= 0) {
		const char *name = pc_config_instance_name(b->config, e->instance);
		if (name != NULL)
			snprintf(x->instance_name, sizeof(x->instance_name), "%s", name);
		else
			snprintf(x->instance_name, sizeof(x->instance_name), "instance-%d", e->instance);
	}
	x->side = e->side;
	x->slot = e->slot;
	x->count = e->count;
	x->bind_address = e->conf ? e->conf->bind_address : NULL;
	x->peer_family = e->conf ? e->conf->peer_family : PC_PEER_IPV4;
	if (e->conf != NULL)
		apply_owner(x, &e->conf->owner);
	x->rule = rule->name;
	x->description = rule->description;
	x->protocol = rule->protocol;
	x->direction = rule->direction;
	x->required = rule->required;
	x->configurable = rule->configurable;
	x->shared = rule->shared;
	x->remote = rule->remote;
	x->peer = rule->peer;
	x->notes = rule->notes;
	x->source = rule->source;
	x->confidence = rule->confidence;
	x->catalog_file = rule->file;
	x->catalog_line = rule->line;
	x->config_line = e->conf ? e->line : 0;
}

/* The rule's expectations for this entry: one, or one per port of a count
 * or "each" expansion. */
static void expand_rule(struct builder *b, const struct entry *e, const struct pc_rule *rule,
			uint32_t rule_index, const struct pc_override *o)
{
	if (rule->sides != 0 && e->side != PC_SIDE_NONE && !(rule->sides & PC_SIDE_BIT(e->side)))
		return; /* e.g. the Campaign Manager's side-A-only peer port */

	struct pc_expectation proto;
	memset(&proto, 0, sizeof(proto));
	fill_common(b, e, rule, rule_index, &proto);
	long port = 0, last = 0;
	bool each = rule->kind == PC_NUMBER_RANGE && rule->match == PC_RANGE_EACH;
	int fail_line = e->line;
	if (o != NULL) {
		proto.overridden = true;
		proto.override_line = o->line;
		if (o->has_required)
			proto.required = o->required;
		apply_owner(&proto, &o->owner);
	}
	if (o != NULL && o->has_port) {
		port = o->port;
		last = o->port_last;
		proto.confidence = PC_CONF_SITE;
		fail_line = o->port_line;
	} else if (rule->kind == PC_NUMBER_FIXED || rule->kind == PC_NUMBER_RANGE) {
		port = rule->port;
		last = rule->port_last;
	} else if (rule->kind == PC_NUMBER_FORMULA) {
		port = last = pc_formula_port(&rule->formula, e->side, e->slot, e->instance);
		proto.confidence = pc_rule_confidence(rule, e->slot, e->instance);
	}
	if (rule->permit) {
		proto.trusted = e->conf != NULL && e->conf->trust_permits;
		if (o != NULL && o->has_trust)
			proto.trusted = o->trust;
	}

	if (port == 0) {
		struct pc_expectation *x = append(b);
		if (x != NULL) {
			*x = proto;
			/* the site can give the number; if it cannot (a port the OS
			 * picks, a row kept for the record) there is nothing to ask */
			x->unconfigured = rule->configurable;
			x->match = PC_MATCH_NONE;
		}
		return;
	}
	if ((last > port && !each) || rule->permit) { /* one listener anywhere in the range */
		struct pc_expectation *x = append(b);
		if (x != NULL) {
			*x = proto;
			x->port = (uint16_t)port;
			x->port_last = (uint16_t)last;
			x->match = rule->permit ? PC_MATCH_PERMIT : PC_MATCH_ANY_IN_RANGE;
		}
		return;
	}
	long step = each ? 1 : rule->count_step;
	long members = each ? last - port + 1 : rule->count_step > 0 ? e->count : 1;
	if (each && members > PC_EACH_MAX) {
		error_at(b, e->file, fail_line, "rule %s of role %s: %ld ports to check one by one: at most %d",
			 rule->name, e->role->name, members, PC_EACH_MAX);
		return;
	}
	if (port < 1 || port + step * (members - 1) > 65535) {
		error_at(b, e->file, rule->count_step > 0 && e->conf && e->conf->count_line && o == NULL
						 ? e->conf->count_line
						 : fail_line,
			 "rule %s of role %s: port %ld is outside 1-65535", rule->name, e->role->name,
			 port < 1 ? port : port + step * (members - 1));
		return;
	}
	for (long k = 0; k < members; k++) {
		struct pc_expectation *x = append(b);
		if (x == NULL)
			return;
		*x = proto;
		x->port = x->port_last = (uint16_t)(port + step * k);
		x->match = PC_MATCH_PORT;
		x->member = (uint32_t)k + 1;
		x->members = (uint32_t)members;
	}
}

/* The override of rule in this entry, NULL when none (overrides: the
 * entry's overrides by rule name; config.c refused a rule overridden
 * twice). */
static const struct pc_override *find_override(struct builder *b, const struct entry *e,
					       const struct pc_names *overrides,
					       const struct pc_rule *rule)
{
	size_t i;
	if (e->conf == NULL || !pc_names_find(overrides, rule->name, &i))
		return NULL;
	const struct pc_override *o = &e->conf->overrides[i];
	if (o->has_port && !rule->configurable)
		error_at(b, e->file, o->port_line,
			 "override %s: rule %s of role %s is not configurable (the product fixes its port)",
			 o->rule, rule->name, e->role->name);
	else if (o->has_trust && !rule->permit)
		error_at(b, e->file, o->trust_line,
			 "override %s: rule %s of role %s is not a permit range: trust applies to permit rules only",
			 o->rule, rule->name, e->role->name);
	else if (o->has_required && o->required && rule->permit)
		error_at(b, e->file, o->required_line,
			 "override %s: rule %s of role %s is a permit range: nothing in it has to listen, so it cannot be required",
			 o->rule, rule->name, e->role->name);
	else if (o->has_port && o->is_range && rule->count_step > 0)
		error_at(b, e->file, o->port_line,
			 "override %s: rule %s of role %s counts servers from one base port: give port, not range",
			 o->rule, rule->name, e->role->name);
	return o;
}

static void expand_entry(struct builder *b, const struct entry *e)
{
	struct pc_names overrides = { 0 }; /* rule name -> override */
	size_t position;
	for (size_t i = 0; e->conf != NULL && i < e->conf->n_overrides; i++) {
		const struct pc_override *o = &e->conf->overrides[i];
		if (o->rule == NULL)
			continue;
		if (pc_names_add(&overrides, o->rule, i, &position) < 0) {
			error_at(b, e->file, 0, "out of memory");
			break;
		}
		if (!pc_names_find(&e->role->rule_names, o->rule, &position))
			error_at(b, e->file, o->line, "role %s has no rule %s", e->role->name, o->rule);
	}
	bool permits = false;
	for (size_t r = 0; r < e->role->n_rules; r++) {
		const struct pc_rule *rule = e->role->rules[r];
		permits |= rule->permit;
		expand_rule(b, e, rule, (uint32_t)r + 1, find_override(b, e, &overrides, rule));
	}
	pc_names_clear(&overrides);
	if (e->conf != NULL && e->conf->trust_permits_line > 0 && !permits)
		error_at(b, e->file, e->conf->trust_permits_line,
			 "trust-permits: role %s has no permit range to trust", e->role->name);
}

/* ---- one port, one listener ------------------------------------------- */

/* What check_listen_ports sorts: each expectation's key with its index,
 * so that the comparators need nothing but their two arguments (this runs
 * on the loader thread while the other threads run). */
struct listen_key {
	uint8_t protocol;
	uint16_t port;
	uint32_t plan; /* the role_index when only within one role's plan, else 0 */
	int family; /* of the bound address; 0: any address (or none that parses) */
	uint8_t address[16];
	size_t index; /* into the expectations; also the tie-break: file order */
	size_t clash; /* the first earlier expectation it clashes with; NONE: none */
};

#define NONE SIZE_MAX

static int by_listen_port(const void *pa, const void *pb)
{
	const struct listen_key *a = pa, *b = pb;
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->plan != b->plan)
		return a->plan < b->plan ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

static int by_address(const void *pa, const void *pb)
{
	const struct listen_key *a = pa, *b = pb;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->address, b->address, sizeof(a->address));
	if (c != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

static bool same_group(const struct listen_key *a, const struct listen_key *b)
{
	return a->protocol == b->protocol && a->port == b->port && a->plan == b->plan;
}

/* One listener serves both: the same rule of one ruleset (a platform
 * service, SQL Server, Windows SMB, IIS..., that one listener provides to
 * every role using it). */
static bool same_shared_rule(const struct pc_expectation *x, const struct pc_expectation *y)
{
	return x->shared && y->shared && x->catalog_file == y->catalog_file &&
	       x->catalog_line == y->catalog_line;
}

/* The earliest expectations of a set seen so far, in file order: the
 * first, and the first that does not share the first one's rule. The
 * earliest of the set that does not share a rule with y is one of them. */
struct earliest {
	size_t first, other;
};

static void earliest_note(struct earliest *e, const struct pc_expectation *items, size_t x)
{
	if (e->first == NONE)
		e->first = x;
	else if (e->other == NONE && !same_shared_rule(&items[e->first], &items[x]))
		e->other = x;
}

static size_t earliest_for(const struct earliest *e, const struct pc_expectation *items, size_t y)
{
	if (e->first == NONE || !same_shared_rule(&items[e->first], &items[y]))
		return e->first;
	return e->other;
}

/* Each expectation of one port's group (keys[0..n), in file order) is
 * given the first earlier one it clashes with. Two clash unless they share
 * a ruleset's rule or are bound to two different addresses; so an
 * expectation for any address clashes with every earlier one but those
 * sharing its rule, and one bound to an address with the earlier ones for
 * any address or for the same one. Each set's earliest members tell it
 * (struct earliest): the group costs a sort, not a comparison of every
 * pair. */
static void find_clashes(const struct pc_expectation *items, struct listen_key *keys, size_t n)
{
	struct earliest all = { NONE, NONE }, any_address = { NONE, NONE };
	for (size_t i = 0; i < n; i++) {
		size_t y = keys[i].index;
		keys[i].clash = earliest_for(keys[i].family ? &any_address : &all, items, y);
		earliest_note(&all, items, y);
		if (keys[i].family == 0)
			earliest_note(&any_address, items, y);
	}
	qsort(keys, n, sizeof(*keys), by_address);
	struct earliest same = { NONE, NONE };
	for (size_t i = 0; i < n; i++) {
		if (keys[i].family == 0)
			continue;
		if (i > 0 && (keys[i - 1].family != keys[i].family ||
			      memcmp(keys[i - 1].address, keys[i].address, sizeof(keys[i].address)) != 0))
			same = (struct earliest){ NONE, NONE }; /* the next address */
		size_t clash = earliest_for(&same, items, keys[i].index);
		if (clash < keys[i].clash)
			keys[i].clash = clash;
		earliest_note(&same, items, keys[i].index);
	}
	qsort(keys, n, sizeof(*keys), by_listen_port);
}

/* Two expectations to listen on one protocol and port are an error, unless
 * both come from the same ruleset rule or they are bound to two different
 * addresses. Ranges claim no port. Each expectation that clashes is
 * reported once, against the first it clashes with.
 * within_plan: compare only inside one role_index. */
static void check_listen_ports(struct builder *b, const char *file, bool within_plan)
{
	const struct pc_expectations *out = b->out;
	struct listen_key *keys = out->n ? malloc(out->n * sizeof(*keys)) : NULL;
	size_t n = 0;
	if (out->n > 0 && keys == NULL) {
		error_at(b, PC_NAME, 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < out->n; i++) {
		const struct pc_expectation *x = &out->items[i];
		if (x->direction != PC_DIR_LISTEN || x->match != PC_MATCH_PORT)
			continue;
		struct listen_key *k = &keys[n++];
		*k = (struct listen_key){ .protocol = x->protocol, .port = x->port,
					  .plan = within_plan ? x->role_index : 0, .index = i };
		/* config.c checked that the address parses */
		const char *address = x->bind_address;
		int family = address && strchr(address, ':') ? AF_INET6 : AF_INET;
		if (address != NULL && inet_pton(family, address, k->address) == 1)
			k->family = family;
	}
	if (n > 1) /* qsort's array must not be NULL, even for zero elements */
		qsort(keys, n, sizeof(*keys), by_listen_port);
	for (size_t start = 0, end; start < n; start = end) {
		for (end = start + 1; end < n && same_group(&keys[start], &keys[end]); end++)
			;
		if (end - start > 1)
			find_clashes(out->items, keys + start, end - start);
		else
			keys[start].clash = NONE;
	}
	for (size_t i = 0; i < n; i++) {
		if (keys[i].clash == NONE)
			continue;
		const struct pc_expectation *x = &out->items[keys[i].clash], *y = &out->items[keys[i].index];
		/* name the one that comes later in the file */
		const struct pc_expectation *first = x->role_index <= y->role_index ? x : y;
		const struct pc_expectation *later = first == x ? y : x;
		const char *where = later->config_line ? file : later->catalog_file;
		int line = later->override_line && later->confidence == PC_CONF_SITE
				   ? later->override_line
			   : later->config_line ? later->config_line
						: later->catalog_line;
		char first_at[32] = "";
		if (first->config_line)
			snprintf(first_at, sizeof(first_at), ", line %d", first->config_line);
		error_at(b, where, line,
			 "%s/%u: role %s (rule %s) and role %s (rule %s%s) both listen on it; one port takes one listener",
			 pc_proto_name(x->protocol), x->port, later->role, later->rule,
			 first->role, first->rule, first_at);
	}
	free(keys);
}

/* ---- ignores of expected ports ------------------------------------------ */

#define PORTS 65536
#define PORT_BLOCK 256 /* ports per block of the minimums */

/* For one protocol, the first listen expectation (file order) that covers
 * each port: first[port] is its index + 1, 0 when none does. Each port is
 * given its expectation once, whatever the ranges: next[] leads from a
 * port to the next one without an expectation yet. */
static void first_per_port(const struct pc_expectations *exps, uint8_t protocol, uint32_t *first,
			   uint32_t *next)
{
	for (uint32_t p = 0; p <= PORTS; p++)
		next[p] = p;
	for (size_t j = 0; j < exps->n; j++) {
		const struct pc_expectation *x = &exps->items[j];
		if (x->direction != PC_DIR_LISTEN || x->match == PC_MATCH_NONE ||
		    x->match == PC_MATCH_PERMIT || x->protocol != protocol)
			continue;
		uint32_t p = x->port;
		for (;;) {
			/* the next port without one, halving the path on the way */
			while (next[p] != p) {
				next[p] = next[next[p]];
				p = next[p];
			}
			if (p > x->port_last)
				break;
			first[p] = (uint32_t)j + 1;
			next[p] = p + 1;
		}
	}
}

/* The lowest non-zero first[] over ports low..high, 0 when none. */
static uint32_t lowest_in(const uint32_t *first, const uint32_t *block_min, uint32_t low,
			  uint32_t high)
{
	uint32_t best = 0;
	for (uint32_t p = low; p <= high;) {
		uint32_t v;
		if (p % PORT_BLOCK == 0 && p + PORT_BLOCK - 1 <= high) {
			v = block_min[p / PORT_BLOCK];
			p += PORT_BLOCK;
		} else {
			v = first[p++];
		}
		if (v != 0 && (best == 0 || v < best))
			best = v;
	}
	return best;
}

/* An ignored port that a role expects: the expectation still counts. (A
 * permit range expects nothing: ignore does apply in it.) Each ignore
 * names the first expectation it meets, found through the first
 * expectation of every port rather than by holding each ignore against
 * each expectation. */
static void warn_ignored(struct builder *b)
{
	const struct pc_config *config = b->config;
	static const uint8_t protocols[2] = { IPPROTO_TCP, IPPROTO_UDP };
	if (config->n_ignores == 0)
		return;
	uint32_t *first = calloc(2 * PORTS, sizeof(*first));
	uint32_t *block_min = calloc(2 * PORTS / PORT_BLOCK, sizeof(*block_min));
	uint32_t *next = malloc((PORTS + 1) * sizeof(*next));
	if (first == NULL || block_min == NULL || next == NULL) {
		error_at(b, config->path, 0, "out of memory");
		goto done;
	}
	for (int k = 0; k < 2; k++) {
		first_per_port(b->out, protocols[k], first + k * PORTS, next);
		for (uint32_t p = 0; p < PORTS; p++) {
			uint32_t v = first[k * PORTS + p], *m = &block_min[(k * PORTS + p) / PORT_BLOCK];
			if (v != 0 && (*m == 0 || v < *m))
				*m = v;
		}
	}
	for (size_t i = 0; i < config->n_ignores; i++) {
		const struct pc_ignore *ig = &config->ignores[i];
		int k = ig->protocol == IPPROTO_TCP ? 0 : ig->protocol == IPPROTO_UDP ? 1 : -1;
		if (k < 0 || ig->port_last < ig->port)
			continue;
		uint32_t found = lowest_in(first + k * PORTS, block_min + k * PORTS / PORT_BLOCK,
					   ig->port, ig->port_last);
		if (found == 0)
			continue;
		const struct pc_expectation *x = &b->out->items[found - 1];
		pc_diag_warning(b->diag, config->path, ig->line,
				"ignore %s/%u: role %s expects it (rule %s); ignore only applies to unexpected listeners",
				pc_proto_name(ig->protocol), ig->port, x->role, x->rule);
	}
done:
	free(first);
	free(block_min);
	free(next);
}

static int finish(struct builder *b, struct pc_expectations *out)
{
	if (!b->failed)
		return 0;
	pc_expectations_free(out);
	return -1;
}

int pc_expect_build(const struct pc_catalog *catalog, const struct pc_config *config,
		    struct pc_expectations *out, struct pc_diag *diag)
{
	struct builder b = { .config = config, .out = out, .diag = diag };
	out->items = NULL;
	out->n = 0;
	struct entry *entries = config->n_roles ? calloc(config->n_roles, sizeof(*entries)) : NULL;
	struct pc_names identities = { 0 }; /* entry identity -> its first entry */
	if (config->n_roles > 0 && entries == NULL) {
		error_at(&b, config->path, 0, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < config->n_roles; i++) {
		const struct pc_role_conf *conf = &config->roles[i];
		struct entry *e = &entries[i];
		*e = (struct entry){ .role = pc_catalog_find_role(catalog, conf->name),
				     .conf = conf,
				     .index = (uint32_t)i + 1,
				     .instance = conf->instance_number,
				     .side = conf->side,
				     .slot = conf->slot,
				     .count = conf->count,
				     .file = config->path,
				     .line = conf->line };
		if (e->role == NULL) {
			error_at(&b, config->path, conf->line, "unknown role %s (see --list-roles)",
				 conf->name);
			continue;
		}
		check_keys(&b, e, conf->instance_line, conf->side_line, conf->slot_line,
			   conf->count_line);
		/* n copies are n - 1 errors, each against the first */
		snprintf(e->identity, sizeof(e->identity), "%p/%d/%d/%d", (const void *)e->role,
			 e->instance, (int)e->side, e->slot);
		size_t first;
		int added = pc_names_add(&identities, e->identity, i, &first);
		if (added < 0)
			error_at(&b, config->path, 0, "out of memory");
		else if (added == 0)
			error_at(&b, config->path, conf->line,
				 "role %s is already configured at line %d with the same instance, side and slot",
				 conf->name, entries[first].line);
	}
	pc_names_clear(&identities);
	for (size_t i = 0; !b.failed && i < config->n_roles; i++)
		expand_entry(&b, &entries[i]);
	free(entries);
	if (!b.failed)
		check_listen_ports(&b, config->path, false);
	if (!b.failed)
		warn_ignored(&b);
	return finish(&b, out);
}

int pc_expect_role(const struct pc_catalog *catalog, const char *role_name, int instance,
		   enum pc_side side, int slot, int count, const char *where,
		   struct pc_expectations *out, struct pc_diag *diag)
{
	struct builder b = { .out = out, .diag = diag };
	out->items = NULL;
	out->n = 0;
	const struct pc_role *role = pc_catalog_find_role(catalog, role_name);
	if (role == NULL) {
		error_at(&b, where, 0, "unknown role %s (see --list-roles)", role_name);
		return -1;
	}
	if (instance > PC_INSTANCE_MAX || instance < -1)
		error_at(&b, where, 0, "instance %d: must be between 0 and %d", instance,
			 PC_INSTANCE_MAX);
	if (slot != 0 && (slot < 1 || slot > PC_SLOT_MAX))
		error_at(&b, where, 0, "slot %d: must be between 1 and %d", slot, PC_SLOT_MAX);
	if (count != 0 && (count < 1 || count > PC_COUNT_MAX))
		error_at(&b, where, 0, "count %d: must be between 1 and %d", count, PC_COUNT_MAX);
	if (b.failed)
		return -1;

	/* Without a side, one plan per side the role takes. The command line
	 * has no line numbers: report lines as 0 and use "1" for "given". */
	unsigned sides = side != PC_SIDE_NONE ? PC_SIDE_BIT(side) : role->sides;
	if (sides == 0)
		sides = PC_SIDE_BIT(PC_SIDE_NONE);
	uint32_t index = 0;
	for (int s = 0; s < PC_SIDE_COUNT && !b.failed; s++) {
		if (!(sides & PC_SIDE_BIT(s)))
			continue;
		struct entry e = { .role = role, .index = ++index, .instance = instance,
				   .side = (enum pc_side)s, .slot = slot, .count = count,
				   .file = where };
		/* the command line has no lines: -1 marks "given", 0 "absent";
		 * a side is always there when the role takes one */
		check_keys(&b, &e, instance >= 0 ? -1 : 0, s != PC_SIDE_NONE ? -1 : 0,
			   slot > 0 ? -1 : 0, count > 0 ? -1 : 0);
		if (!b.failed)
			expand_entry(&b, &e);
	}
	if (!b.failed)
		check_listen_ports(&b, where, true);
	return finish(&b, out);
}

void pc_expectations_free(struct pc_expectations *expectations)
{
	if (expectations == NULL)
		return;
	free(expectations->items);
	expectations->items = NULL;
	expectations->n = 0;
}

void pc_expectation_format_port(const struct pc_expectation *e, char *buf, size_t len)
{
	if (e->match == PC_MATCH_NONE)
		snprintf(buf, len, "%s", e->unconfigured ? "unconfigured" : "-");
	else if (e->port_last != e->port)
		snprintf(buf, len, "%u-%u", e->port, e->port_last);
	else
		snprintf(buf, len, "%u", e->port);
}

uint16_t *pc_expectations_connect_ports(const struct pc_expectations *exps, size_t *n)
{
	uint16_t *ports = malloc((exps->n + 1) * sizeof(*ports));
	*n = 0;
	if (ports == NULL)
		return NULL;
	for (size_t i = 0; i < exps->n; i++)
		if (exps->items[i].direction == PC_DIR_CONNECT && exps->items[i].match == PC_MATCH_PORT)
			ports[(*n)++] = exps->items[i].port;
	*n = pc_ports_sort_unique(ports, *n);
	return ports;
}

void pc_expectation_format_provenance(const struct pc_expectation *e, char *buf, size_t len)
{
	const char *source = e->source != NULL ? e->source : "";
	if (e->confidence == PC_CONF_SITE && e->override_line > 0)
		snprintf(buf, len, "SITE (override, line %d; catalog: %s)", e->override_line, source);
	else
		snprintf(buf, len, "%s %s", pc_confidence_name(e->confidence), source);
}
