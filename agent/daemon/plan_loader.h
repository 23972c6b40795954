/* SPDX-License-Identifier: ISC */
/* Loading a new plan (SIGHUP) on a thread of its own, so that the SNMP
 * thread keeps answering requests and can stop at any time, whatever the
 * load waits on: a slow or hung file system, a huge catalog. The loop asks
 * for a load, goes on, and takes the result when the loader's fd becomes
 * readable. Requests made while a load runs are folded into one more load
 * after it (the newest file contents win). */
#ifndef PC_PLAN_LOADER_H
#define PC_PLAN_LOADER_H

#include <stdbool.h>

#include "plan/diag.h"
#include "plan/plan.h"

struct pc_plan_loader;

/* How a plan is loaded: pc_plan_load, or a test's stand-in. */
typedef struct pc_plan *(*pc_plan_load_fn)(const char *config_path, struct pc_diag *diag);

/* NULL when the thread cannot be started. path is copied. */
struct pc_plan_loader *pc_plan_loader_start(const char *path, pc_plan_load_fn load);

/* Readable when a result waits to be taken. */
int pc_plan_loader_fd(const struct pc_plan_loader *loader);

/* Ask for a load; never waits. Returns the request's ticket (1, 2, ...):
 * the first result whose pc_plan_loader_taken_through() is at least the
 * ticket comes from a load that started after the request, so it read
 * the files as they were when the request was made, or newer. */
unsigned long pc_plan_loader_request(struct pc_plan_loader *loader);

/* The result of a finished load, if any: true with *plan (NULL when the
 * configuration did not validate) and its diagnostics moved into *diag;
 * false when no load has finished since the last take. Never waits. */
bool pc_plan_loader_take(struct pc_plan_loader *loader, struct pc_plan **plan,
			 struct pc_diag *diag);

/* The newest ticket the last taken result answers (0: none yet). */
unsigned long pc_plan_loader_taken_through(const struct pc_plan_loader *loader);

/* Stop without waiting for a load in progress: that load finishes (or
 * not) on its own, and its result is thrown away. */
void pc_plan_loader_stop(struct pc_plan_loader *loader);

#endif
