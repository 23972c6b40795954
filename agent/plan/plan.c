/* SPDX-License-Identifier: ISC */
#include "plan/plan.h"

#include <stdlib.h>

#include "plan/catalog_load.h"

struct pc_catalog *pc_plan_load_catalog(const struct pc_config *config, struct pc_diag *diag)
{
	char *paths[2] = { pc_config_resolve_path(config, config->catalog_dir), NULL };
	size_t n = 1;
	if (config->site_catalog != NULL)
		paths[n++] = pc_config_resolve_path(config, config->site_catalog);
	struct pc_catalog *catalog = NULL;
	if (paths[0] == NULL || (n == 2 && paths[1] == NULL))
		pc_diag_error(diag, config->path, 0, "out of memory");
	else
		catalog = pc_catalog_load((const char *const *)paths, n, diag);
	free(paths[0]);
	free(paths[1]);
	return catalog;
}

struct pc_plan *pc_plan_load(const char *config_path, struct pc_diag *diag)
{
	struct pc_plan *plan = calloc(1, sizeof(*plan));
	if (plan == NULL) {
		pc_diag_error(diag, config_path, 0, "out of memory");
		return NULL;
	}
	atomic_init(&plan->refs, 1);
	plan->config = pc_config_load(config_path, diag);
	if (plan->config != NULL)
		plan->catalog = pc_plan_load_catalog(plan->config, diag);
	if (plan->catalog == NULL ||
	    pc_expect_build(plan->catalog, plan->config, &plan->expectations, diag) != 0) {
		pc_plan_unref(plan);
		return NULL;
	}
	return plan;
}

struct pc_plan *pc_plan_ref(struct pc_plan *plan)
{
	if (plan != NULL)
		atomic_fetch_add(&plan->refs, 1);
	return plan;
}

void pc_plan_unref(struct pc_plan *plan)
{
	if (plan == NULL || atomic_fetch_sub(&plan->refs, 1) != 1)
		return;
	pc_expectations_free(&plan->expectations); /* borrows from the two below */
	pc_catalog_free(plan->catalog);
	pc_config_free(plan->config);
	free(plan);
}
