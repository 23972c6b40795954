/* pcDiscovery: which roles of the catalog explain the host's listeners, as
 * the poll thread last found them (core/discover.h), and whether the
 * configured roles are among the best. Served from the state, never
 * computed on a request. */
#include <stdio.h>
#include <string.h>

#include "snmp/mib_internal.h"

static int discovery_value(const struct pc_mib_view *view, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_discovery *d = &view->state->discovery;
	switch ((enum pcmib_discovery_host_scalar)n) {
	case PCMIB_DISCOVERY_VERDICT:
		pc_mib_set_int(var, d->verdict ? d->verdict : PC_DISCOVER_OFF);
		return 0;
	case PCMIB_DISCOVERY_LISTENERS:
		pc_mib_set_uint(var, ASN_GAUGE, d->listeners);
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

PC_MIB_SCALARS(pc_mib_discovery_def, "pcDiscoveryHost", DISCOVERY_HOST, discovery_value);

/* The n-th word of each role: "icm-router icm-logger", "3 3", "a a", "- -". */
enum word { ROLES, INSTANCES, SIDES, SLOTS };

static void words(const struct pc_discover_candidate *c, enum word what, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < c->n_picks; i++) {
		const struct pc_discover_pick *p = &c->picks[i];
		char one[80];
		switch (what) {
		case ROLES: snprintf(one, sizeof(one), "%s", p->role->name); break;
		case INSTANCES: pc_discover_format_instances(p->instances, one, sizeof(one)); break;
		case SIDES: pc_discover_format_sides(p->sides, one, sizeof(one)); break;
		case SLOTS: pc_discover_format_slots(p->slots, one, sizeof(one)); break;
		}
		/* a run of instances is one word: "0-24", "2 5" becomes "2,5" */
		for (char *s = one; *s; s++)
			if (*s == ' ')
				*s = ',';
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? " " : "", one);
	}
}

static int candidate_column(const struct pc_mib_view *view, const void *data, unsigned column,
			    netsnmp_variable_list *var)
{
	const struct pc_discover_candidate *c = data;
	char text[1024];
	(void)view;
	switch ((enum pcmib_discovery_entry_column)column) {
	case PCMIB_DISCOVERY_ROLES:
	case PCMIB_DISCOVERY_INSTANCES:
	case PCMIB_DISCOVERY_SIDES:
	case PCMIB_DISCOVERY_SLOTS:
		words(c,
		      column == PCMIB_DISCOVERY_ROLES ? ROLES
		      : column == PCMIB_DISCOVERY_INSTANCES ? INSTANCES
		      : column == PCMIB_DISCOVERY_SIDES ? SIDES
							: SLOTS,
		      text, sizeof(text));
		pc_mib_set_string(var, text);
		return 0;
	case PCMIB_DISCOVERY_SCORE: {
		int64_t thousandths = c->score / (PC_DISCOVER_UNIT / 1000);
		if (thousandths > INT32_MAX)
			thousandths = INT32_MAX;
		if (thousandths < INT32_MIN)
			thousandths = INT32_MIN;
		pc_mib_set_int(var, (long)thousandths);
		return 0;
	}
	case PCMIB_DISCOVERY_EXPLAINED:
		pc_mib_set_uint(var, ASN_GAUGE, c->explained);
		return 0;
	case PCMIB_DISCOVERY_EXPECTED:
		pc_mib_set_uint(var, ASN_GAUGE, c->expected);
		return 0;
	case PCMIB_DISCOVERY_UNEXPLAINED:
		pc_mib_set_uint(var, ASN_GAUGE, c->unexplained);
		return 0;
	case PCMIB_DISCOVERY_LACKING:
		pc_mib_set_uint(var, ASN_GAUGE, c->lacking);
		return 0;
	case PCMIB_DISCOVERY_TIED_WITH:
		pc_mib_set_uint(var, ASN_UNSIGNED, (unsigned long)c->tie_with);
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

static int candidate_rows(struct pc_mib_table *t, const struct pc_state *state)
{
	const struct pc_discovery *d = &state->discovery;
	if (pc_mib_table_reset(t, d->n_candidates) < 0)
		return -1;
	for (size_t i = 0; i < d->n_candidates; i++) {
		struct pc_mib_row *row = pc_mib_table_add(t, &d->candidates[i]);
		pc_mib_index_append(&row->index, i + 1);
	}
	return 0;
}

PC_MIB_TABLE(pc_mib_discovery_table_def, "pcDiscoveryTable", DISCOVERY_ENTRY, candidate_column,
	     candidate_rows);
