/* SPDX-License-Identifier: ISC */
/* inode -> the processes holding it, for listeners only, by walking
 * /proc/PID/fd (procmap.c says how it keeps that cheap). The collector
 * uses it in its own process or on its naming thread, the naming helper
 * in its process. */
#ifndef PC_PROCMAP_H
#define PC_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

/* Every field of pc_procmap_stats, for the code that copies them across
 * the naming helper's socket (namer_protocol.h's pc_namer_stats has the
 * same fields in fixed sizes). */
#define PC_PROCMAP_STATS_FIELDS(X)                                                             \
	X(cached) X(verified) X(comm_reads) X(walked_pids) X(readlinks) X(denied) X(unresolved) \
	X(owner_denied) X(owner_absent) X(partial) X(refused) X(full_walk) X(find_walk)         \
	X(walk_deferred) X(whole_due)

struct pc_procmap_stats {
	unsigned cached; /* inodes answered from the previous passes' answers */
	unsigned verified; /* holders re-read from /proc/PID/fd/FD (rotation) */
	unsigned comm_reads; /* process names read (new pids, rotation) */
	unsigned walked_pids; /* processes whose fd tables a walk read */
	unsigned readlinks; /* fd links read during the walk */
	unsigned denied; /* processes whose fd table we may not read */
	unsigned unresolved; /* inodes left without a holder, of which: */
	unsigned owner_denied; /* the last walk of every process looked for them
				  in vain and was refused some process's open
				  files (EACCES, EPERM): one of those may hold
				  them */
	unsigned owner_absent; /* the last walk read every process and found
				  them nowhere: no process holds them */
	/* (the rest: not looked for yet, their walk deferred) */
	unsigned partial; /* inodes with a holder known but not every one */
	unsigned refused; /* inodes the naming helper would not name: not a
			     listening socket (namer_helper.c) */
	bool full_walk; /* this pass read every process's open files */
	bool find_walk; /* this pass walked newest first until it found a
			   holder of each new inode */
	bool walk_deferred; /* a walk was due but the last one is too recent */
	bool whole_due; /* the next pass should name every listener (pc_procmap_whole_due) */
};

/* What naming says about one inode. */
struct pc_naming_answer {
	uint64_t inode;
	uint8_t naming; /* enum pc_naming */
	uint8_t n_holders;
	struct pc_holder holders[PC_HOLDERS_MAX]; /* distinct programs, lowest pid first */
};

struct pc_procmap;

struct pc_procmap *pc_procmap_new(const char *proc_root);
void pc_procmap_free(struct pc_procmap *pm);

/* Most time between two walks of /proc/PID/fd that new or incomplete
 * answers call for (default 30 s; the first walk is never delayed). Tests
 * set 0. */
void pc_procmap_set_walk_interval(struct pc_procmap *pm, unsigned seconds);

/* Names n inodes (in any order, 0 and repeats allowed): answers[i] says
 * who holds inodes[i], as far as this pass can tell. */
void pc_procmap_name(struct pc_procmap *pm, const uint64_t *inodes, size_t n,
		     struct pc_naming_answer *answers, struct pc_procmap_stats *stats);

/* Names some of the inodes only (a caller that keeps every listener's
 * answer asks each pass about the new ones, those not settled and a
 * rotating share): the same answers, but what this procmap remembers of
 * the inodes not asked about stays, and no full walk runs (a pass that
 * needs one says whole_due). Faster than naming all when they are many. */
void pc_procmap_name_some(struct pc_procmap *pm, const uint64_t *inodes, size_t n,
			  struct pc_naming_answer *answers, struct pc_procmap_stats *stats);

/* Whether the next pass should be a whole one (pc_procmap_name over
 * every listener): the periodic full walk, or one that a partial answer
 * waits for, is due and its pacing allows it. */
bool pc_procmap_whole_due(const struct pc_procmap *pm);

/* The same for the listeners of a finished snapshot: their holders, pid,
 * process and naming state. */
void pc_procmap_resolve(struct pc_procmap *pm, struct pc_snapshot *snap,
			struct pc_procmap_stats *stats);

/* Writes answers (sorted by inode, as pc_naming_answers_sort leaves them)
 * into snap's listeners; a listener none answers gets missing_naming.
 * inodes, when not NULL, are the answers' (inodes[i] is answers[i]'s): a
 * search among them touches 8 bytes a step where an answer has 176.
 * Returns how many listeners have no holder. */
size_t pc_naming_apply(struct pc_snapshot *snap, const uint64_t *inodes,
		       const struct pc_naming_answer *answers, size_t n,
		       enum pc_naming missing_naming);

void pc_naming_answers_sort(struct pc_naming_answer *answers, size_t n);

#endif
