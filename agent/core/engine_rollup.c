/* SPDX-License-Identifier: ISC */
/* Roles, instances and the host, from the expectations' results: counts,
 * and each one's compliance, the worst of what is under it. */
#include "core/engine_internal.h"

#include <stdio.h>
#include <string.h>

static enum pc_compliance expectation_compliance(const struct pc_expectation *e,
						 const struct pc_expect_result *r)
{
	const struct pc_port_status_meaning *meaning = pc_port_status_meaning(r->status);
	/* Pending: as last confirmed (hold-down must not make compliance flap). */
	if (meaning->provisional)
		meaning = pc_port_status_meaning(r->confirmed);
	return e->required ? meaning->required : meaning->optional;
}

static void fill_role_identity(const struct pc_plan *plan, size_t r, struct pc_role_result *rr)
{
	const struct pc_role_conf *conf = &plan->config->roles[r];
	const struct pc_role *role = pc_catalog_find_role(plan->catalog, conf->name);

	rr->name = conf->name;
	rr->title = role != NULL ? role->title : "";
	rr->table = role != NULL ? role->table : 0;
	rr->instance = conf->instance_number;
	rr->side = conf->side;
	rr->slot = conf->slot;
	/* The expectations carry the values after defaults (instance 0, slot 1). */
	for (size_t i = 0; i < plan->expectations.n; i++) {
		const struct pc_expectation *e = &plan->expectations.items[i];
		if (e->role_index == r + 1) {
			rr->instance = e->instance;
			rr->side = e->side;
			rr->slot = e->slot;
			break;
		}
	}
}

static void count_expectations(const struct pc_plan *plan, struct pc_evaluation *out)
{
	const struct pc_expectations *exps = &plan->expectations;

	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *e = &exps->items[i];
		enum pc_port_status s = out->expect[i].status;
		if (e->role_index == 0 || e->role_index > out->n_roles)
			continue;
		struct pc_role_result *rr = &out->roles[e->role_index - 1];
		const struct pc_port_status_meaning *meaning = pc_port_status_meaning(s);
		rr->expected++;
		rr->present += meaning->serving;
		rr->missing += meaning->alarm;
		rr->unconfigured += s == PC_PORT_UNCONFIGURED;
		rr->compliance =
			pc_compliance_worse(rr->compliance, expectation_compliance(e, &out->expect[i]));
		out->expected++;
		out->present += meaning->serving;
		out->missing += meaning->alarm;
		out->unconfigured += s == PC_PORT_UNCONFIGURED;
	}
}

/* The instance numbered number, inserted in order if it is not there yet;
 * out->instances has room for one per role. */
static struct pc_instance_result *instance_of(const struct pc_plan *plan,
					      struct pc_evaluation *out, int number)
{
	size_t k = 0;
	while (k < out->n_instances && out->instances[k].number < number)
		k++;
	if (k < out->n_instances && out->instances[k].number == number)
		return &out->instances[k];
	memmove(&out->instances[k + 1], &out->instances[k],
		(out->n_instances - k) * sizeof(out->instances[0]));
	out->n_instances++;
	struct pc_instance_result *ir = &out->instances[k];
	memset(ir, 0, sizeof(*ir));
	ir->number = number;
	ir->compliance = PC_COMPLIANT;
	const char *name = pc_config_instance_name(plan->config, number);
	if (name != NULL)
		snprintf(ir->name, sizeof(ir->name), "%s", name);
	else
		snprintf(ir->name, sizeof(ir->name), "instance-%d", number);
	return ir;
}

void pc_engine_roll_up(const struct pc_plan *plan, struct pc_evaluation *out)
{
	for (size_t r = 0; r < out->n_roles; r++) {
		fill_role_identity(plan, r, &out->roles[r]);
		out->roles[r].compliance = PC_COMPLIANT;
	}
	count_expectations(plan, out);

	out->host = PC_COMPLIANT;
	for (size_t r = 0; r < out->n_roles; r++) {
		const struct pc_role_result *rr = &out->roles[r];
		out->host = pc_compliance_worse(out->host, rr->compliance);
		if (rr->instance < 0)
			continue;
		struct pc_instance_result *ir = instance_of(plan, out, rr->instance);
		ir->roles++;
		ir->compliance = pc_compliance_worse(ir->compliance, rr->compliance);
	}
}
