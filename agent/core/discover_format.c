/* Discovery results in words (discover.h), and the configured roles as
 * assignments: what the command line, the MIB and the reports share. */
#include "core/discover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/transport.h"

static size_t bits(uint32_t mask)
{
	size_t n = 0;
	for (; mask != 0; mask &= mask - 1)
		n++;
	return n;
}

/* Runs of set bits from first to last: "0-24", "1 3", "2". */
static void format_runs(uint32_t mask, int first, int last, char *buf, size_t len)
{
	buf[0] = '\0';
	if (mask == 0) {
		snprintf(buf, len, "-");
		return;
	}
	for (int b = first; b <= last; b++) {
		if (!(mask & (1u << b)))
			continue;
		int end = b;
		while (end + 1 <= last && (mask & (1u << (end + 1))))
			end++;
		size_t used = strlen(buf);
		if (end > b)
			snprintf(buf + used, len - used, "%s%d-%d", used ? " " : "", b, end);
		else
			snprintf(buf + used, len - used, "%s%d", used ? " " : "", b);
		b = end;
	}
}

void pc_discover_format_instances(uint32_t instances, char *buf, size_t len)
{
	format_runs(instances, 0, PC_INSTANCE_MAX, buf, len);
}

void pc_discover_format_slots(unsigned slots, char *buf, size_t len)
{
	format_runs(slots, 1, PC_SLOT_MAX, buf, len);
}

void pc_discover_format_sides(unsigned sides, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sides == 0) {
		snprintf(buf, len, "-");
		return;
	}
	for (int s = 1; s < PC_SIDE_COUNT; s++)
		if (sides & PC_SIDE_BIT(s)) {
			size_t used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s", used ? "|" : "",
				 pc_side_name((enum pc_side)s));
		}
}

void pc_discover_format_ambiguity(const struct pc_discover_pick *pick, char *buf, size_t len)
{
	const char *what[3];
	size_t n = 0;
	buf[0] = '\0';
	if (bits(pick->instances) > 1)
		what[n++] = "the instance";
	if (bits(pick->sides) > 1)
		what[n++] = "the side";
	if (bits(pick->slots) > 1)
		what[n++] = "the slot";
	if (n == 0)
		return;
	snprintf(buf, len, "its listen ports do not move with %s%s%s%s%s", what[0],
		 n > 2 ? ", " : n > 1 ? " or " : "", n > 1 ? what[1] : "", n > 2 ? " or " : "",
		 n > 2 ? what[2] : "");
}

void pc_discover_format_port(const struct pc_discover_port *p, char *buf, size_t len)
{
	if (p->port_last != p->port)
		snprintf(buf, len, "%s/%u-%u", pc_proto_name(p->protocol), p->port, p->port_last);
	else
		snprintf(buf, len, "%s/%u", pc_proto_name(p->protocol), p->port);
}

struct pc_discover_assignment *pc_discover_configured(const struct pc_catalog *catalog,
						      const struct pc_expectations *exps,
						      size_t *n)
{
	*n = 0;
	struct pc_discover_assignment *out = malloc((exps->n ? exps->n : 1) * sizeof(*out));
	if (out == NULL)
		return NULL;
	uint32_t last_role = 0;
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *x = &exps->items[i];
		if (x->role_index == last_role)
			continue; /* sorted by role index: one assignment per role statement */
		last_role = x->role_index;
		const struct pc_role *role = pc_catalog_find_role(catalog, x->role);
		if (role != NULL)
			out[(*n)++] = (struct pc_discover_assignment){ role, x->instance, x->side,
								       x->slot };
	}
	if (*n == 0) {
		free(out);
		return NULL;
	}
	return out;
}
