/* inode -> pid and process name, for listeners only, by walking
 * /proc/PID/fd (procmap.c says how it keeps that cheap). The collector
 * uses it in its own process, the naming helper in its. */
#ifndef PC_PROCMAP_H
#define PC_PROCMAP_H

#include <stdbool.h>

#include "core/snapshot.h"

/* Every field of pc_procmap_stats, for the code that copies them across
 * the naming helper's socket (namer_protocol.h's pc_namer_stats has the
 * same fields in fixed sizes). */
#define PC_PROCMAP_STATS_FIELDS(X)                                                             \
	X(cached) X(verified) X(comm_reads) X(walked_pids) X(readlinks) X(denied) X(unresolved) \
	X(owner_denied) X(owner_absent) X(full_walk) X(walk_deferred)

struct pc_procmap_stats {
	unsigned cached; /* listeners answered from the previous polls' answers */
	unsigned verified; /* of those, re-read from /proc/PID/fd/FD (rotation) */
	unsigned comm_reads; /* process names read (new pids, rotation) */
	unsigned walked_pids; /* processes whose fd tables the walk read */
	unsigned readlinks; /* fd links read during the walk */
	unsigned denied; /* processes whose fd table we may not read */
	unsigned unresolved; /* listeners left with pid 0, of which: */
	unsigned owner_denied; /* the last walk looked for them in vain and was
				  refused some process's open files (EACCES,
				  EPERM): one of those may hold them */
	unsigned owner_absent; /* the last walk read every process and found
				  them nowhere: no process holds them */
	/* (the rest: not looked for yet, their walk deferred) */
	bool full_walk; /* whether this resolve walked /proc */
	bool walk_deferred; /* a walk was due but the last one is too recent */
};

struct pc_procmap;

struct pc_procmap *pc_procmap_new(const char *proc_root);
void pc_procmap_free(struct pc_procmap *pm);

/* Least time between two walks of /proc/PID/fd (default 30 s; the first
 * walk is never delayed). Tests set 0. */
void pc_procmap_set_walk_interval(struct pc_procmap *pm, unsigned seconds);

/* Fills pid and process of every listener of a finished snapshot that it
 * can find; the rest keep pid 0 and "". */
void pc_procmap_resolve(struct pc_procmap *pm, struct pc_snapshot *snap,
			struct pc_procmap_stats *stats);

#endif
