/* SPDX-License-Identifier: ISC */
/* pcDiscovery: which roles of the catalog explain the host's listeners, as
 * the poll thread last found them (core/discover.h), and whether the
 * configured roles are among the best. Served from the state, never
 * computed on a request. */
#include "snmp/mib_internal.h"

/* Served unknown, not off, while discovery is on and no poll has
 * published a verdict yet (a state starts off: the one before the first
 * poll, or one a failed poll made before discovery ever ran). */
static enum pc_discover_verdict verdict_of(const struct pc_state *state)
{
	enum pc_discover_verdict v = state->discovery.verdict;
	if (v == 0 || v == PC_DISCOVER_OFF)
		return state->plan->config->discovery ? PC_DISCOVER_UNKNOWN : PC_DISCOVER_OFF;
	return v;
}

static int discovery_value(const struct pc_mib_view *view, unsigned n, netsnmp_variable_list *var)
{
	const struct pc_discovery *d = &view->state->discovery;
	switch ((enum pcmib_discovery_host_scalar)n) {
	case PCMIB_DISCOVERY_VERDICT:
		pc_mib_set_int(var, verdict_of(view->state));
		return 0;
	case PCMIB_DISCOVERY_LISTENERS:
		pc_mib_set_uint(var, ASN_GAUGE, d->listeners);
		return 0;
	case PCMIB_DISCOVERY_CONFIGURED_ROLES:
		pc_mib_set_string(var, d->configured_words.roles);
		return 0;
	case PCMIB_DISCOVERY_CONFIGURED_INSTANCES:
		pc_mib_set_string(var, d->configured_words.instances);
		return 0;
	case PCMIB_DISCOVERY_CONFIGURED_SIDES:
		pc_mib_set_string(var, d->configured_words.sides);
		return 0;
	case PCMIB_DISCOVERY_CONFIGURED_SLOTS:
		pc_mib_set_string(var, d->configured_words.slots);
		return 0;
	case PCMIB_DISCOVERY_NOTIFY_ENABLED:
		pc_mib_set_int(var, PC_TRUTH(view->state->plan->config->notify_discovery));
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

PC_MIB_SCALARS(pc_mib_discovery_def, "pcDiscoveryHost", DISCOVERY_HOST, discovery_value);

static int candidate_column(const struct pc_mib_view *view, const void *data, unsigned column,
			    netsnmp_variable_list *var)
{
	const struct pc_discover_candidate *c = data;
	(void)view;
	switch ((enum pcmib_discovery_entry_column)column) {
	case PCMIB_DISCOVERY_ROLES:
	case PCMIB_DISCOVERY_INSTANCES:
	case PCMIB_DISCOVERY_SIDES:
	case PCMIB_DISCOVERY_SLOTS: {
		/* the words pcDiscoveryVerdictChanged carries for the first row */
		struct pc_discover_words w;
		pc_discover_words_of_candidate(c, &w);
		pc_mib_set_string(var, column == PCMIB_DISCOVERY_ROLES	       ? w.roles
				       : column == PCMIB_DISCOVERY_INSTANCES ? w.instances
				       : column == PCMIB_DISCOVERY_SIDES     ? w.sides
									     : w.slots);
		return 0;
	}
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
