/* SPDX-License-Identifier: ISC */
/* The baseline: every listener the agent has seen, and who held it (its
 * user and process name). It is what makes a listener that comes back not
 * news: one that closes and reopens on the same protocol, address and
 * port, held by the same user and program (a restarted service, snmpd's
 * udp/161 and tcp/199 after `systemctl restart snmpd`), is not announced
 * again; held by another user or program it is. The daemon keeps it across
 * its own restarts (daemon/baseline_file.h), so that a listener that
 * appeared while the agent was down is announced when it starts, and
 * nothing else is.
 *
 * One identity per endpoint: the last holder seen there. A listener's
 * process name may not be known yet (naming runs after detection): the
 * engine waits until naming has covered it before comparing, as it does
 * before announcing (engine.h, PC_UNEXPECTED_NAMING_WAIT_MS). A name
 * still unknown then does not show the same program: the listener is
 * news. Only with resolve-processes off,
 * where no program is ever named, is the user alone compared. A known
 * name is never replaced by an unknown one.
 *
 * Bounded: at most PC_BASELINE_MAX endpoints; beyond that the ones seen
 * least recently are forgotten (and announced should they come back).
 * Pure: the daemon reads and writes the file, the engine reads this. */
#ifndef PC_BASELINE_H
#define PC_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"
#include "core/snapshot.h"

/* A host with more listeners than this is rare; the file stays under 3 MB. */
#define PC_BASELINE_MAX 16384

struct pc_baseline_entry {
	struct pc_endpoint local;
	uint32_t uid;
	char process[PC_PROCESS_MAX]; /* "": not known when it was seen */
	uint64_t seen; /* the record pass that last saw it: the oldest go first */
	bool fresh; /* added by the record pass under way (never saved) */
};

struct pc_baseline {
	struct pc_baseline_entry *entries; /* sorted by endpoint, one each */
	size_t n, cap;
	size_t max; /* PC_BASELINE_MAX unless a test says otherwise */
	uint64_t pass; /* record passes so far (and the highest seen) */
	/* It holds what an earlier run of the agent saw: the first poll is
	 * judged against it instead of being the baseline itself. */
	bool primed;
	/* An identity was added, changed or forgotten since the last save.
	 * One added and forgotten in the same pass is no change: a host with
	 * more listeners than max offers the same ones every poll, and the
	 * ones cut by age are the same each time, so nothing is written. */
	bool changed;
};

void pc_baseline_init(struct pc_baseline *b);
void pc_baseline_free(struct pc_baseline *b);

/* Loading: entries in any order, oldest first (seen is set from the order
 * of the calls), then pc_baseline_finish. 0, or -1 when out of memory. */
int pc_baseline_add(struct pc_baseline *b, const struct pc_endpoint *local, uint32_t uid,
		    const char *process);
/* Sorts; an endpoint given twice keeps its later identity; the oldest go
 * beyond max. */
void pc_baseline_finish(struct pc_baseline *b);

/* The identity recorded for an endpoint, NULL: none. */
const struct pc_baseline_entry *pc_baseline_find(const struct pc_baseline *b,
						 const struct pc_endpoint *local);

/* l came back as it was: its endpoint's last holder had its user and,
 * when processes are named (by_process), its process name, which must be
 * known. */
bool pc_baseline_knows(const struct pc_baseline *b, const struct pc_listener *l, bool by_process);

/* After a poll the engine judged (eval parallels snap's listeners): every
 * listener whose announcement is settled (not an unexpected one still
 * waiting for its process name) becomes its endpoint's identity. 0, or -1
 * when out of memory (the baseline is then as it was). */
int pc_baseline_record(struct pc_baseline *b, const struct pc_snapshot *snap,
		       const struct pc_evaluation *eval);

/* The entries, least recently seen first (how the file lists them), as a
 * malloc'd array of n pointers into b; NULL when out of memory. */
const struct pc_baseline_entry **pc_baseline_by_age(const struct pc_baseline *b);

#endif
