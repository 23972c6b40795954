/* SPDX-License-Identifier: ISC */
/* Everything the daemon needs to know about what this host should look
 * like, loaded and validated as one whole: the host configuration, the
 * catalog it names, and the expectations built from both. Either all of it
 * is valid or nothing is returned, so that a start-up refuses to run and a
 * reload keeps serving the previous plan. */
#ifndef PC_PLAN_H
#define PC_PLAN_H

#include <stdatomic.h>

#include "plan/catalog.h"
#include "plan/config.h"
#include "plan/diag.h"
#include "plan/expect.h"

struct pc_plan {
	atomic_uint refs; /* the daemon's threads and its states share a plan */
	struct pc_config *config;
	struct pc_catalog *catalog;
	struct pc_expectations expectations;
};

/* NULL when anything does not validate; every problem is in diag. */
struct pc_plan *pc_plan_load(const char *config_path, struct pc_diag *diag);

/* Reference counting: a plan is loaded with one reference; pc_plan_unref
 * drops one and frees the plan with the last. */
struct pc_plan *pc_plan_ref(struct pc_plan *plan);
void pc_plan_unref(struct pc_plan *plan);

/* The catalog a configuration names: its catalog directory, then its
 * site catalog if any, both taken relative to the configuration file. */
struct pc_catalog *pc_plan_load_catalog(const struct pc_config *config, struct pc_diag *diag);

#endif
