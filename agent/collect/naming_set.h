/* SPDX-License-Identifier: ISC */
/* What the naming thread keeps of its answers between passes, and how it
 * chooses what a pass asks about (namer_thread.h does the talking).
 *
 * On a busy host most listeners live for hours and their processes with
 * them: asking every poll about all of them (50,000 inodes across a
 * socket, a dump of the kernel's listeners in the helper to check them,
 * 50,000 answers back) cost more than the poll itself. So, above a few
 * thousand listeners, a pass asks only about
 *   - the listeners never answered (new ones),
 *   - those whose answer is not settled (pending, partial, unavailable:
 *     a settled answer is complete, or "no process holds it"),
 *   - those held by a process that is gone (its pid is checked each pass:
 *     a dead holder is never shown for long),
 *   - and a rotating share, so that a holder that changes (a service
 *     started on demand joining its supervisor's socket, a program that
 *     execs another) is seen within a bounded number of passes;
 * and every answer not asked about stays as it was. The helper's procmap
 * asks for a whole pass when its periodic full walk is due (about once a
 * minute), which re-reads every listener's holders. Below the threshold
 * every pass asks about all of them, as it always did. */
#ifndef PC_NAMING_SET_H
#define PC_NAMING_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/procmap.h"

/* Up to this many listeners a pass asks about all of them. */
#define PC_NAMING_WHOLE_BELOW 2048
/* The rotating share of a partial pass: at 50,000 listeners each is asked
 * about again within 49 passes, besides the whole pass each minute. */
#define PC_NAMING_ROTATION 1024

/* Sorts v ascending and drops repeats and zeros (a socket without a file
 * has inode 0: nobody holds it); tmp has room for n. Returns how many are
 * left. A radix sort: 50,000 inodes every poll. */
size_t pc_naming_sort_inodes(uint64_t *v, size_t n, uint64_t *tmp);

/* Is this answer settled: complete, or no process holds the socket? */
bool pc_naming_settled(const struct pc_naming_answer *a);

bool pc_naming_same_answer(const struct pc_naming_answer *a, const struct pc_naming_answer *b);

/* The inodes of all (sorted, distinct) that a partial pass asks about,
 * into out (room for n_all), in all's order: those without an answer in
 * known/answers (sorted by inode), those whose answer is not settled or
 * names a pid of dead (sorted), and `rotation` of them from *cursor on
 * (wrapping; *cursor moves past them). Returns how many. */
size_t pc_naming_choose(const uint64_t *all, size_t n_all, const uint64_t *known,
			const struct pc_naming_answer *answers, size_t n_known, const int32_t *dead,
			size_t n_dead, size_t rotation, size_t *cursor, uint64_t *out);

/* The answers of every inode of all (sorted, distinct) into out: asked[i]'s
 * is got[i] (asked is a sorted part of all), the others' the one in
 * known/answers, or pending when there is none. Returns whether any of
 * got is new or differs from what known/answers said. */
bool pc_naming_merge(const uint64_t *all, size_t n_all, const uint64_t *known,
		     const struct pc_naming_answer *answers, size_t n_known, const uint64_t *asked,
		     const struct pc_naming_answer *got, size_t n_got, struct pc_naming_answer *out);

/* The same when all is exactly known: got written over answers in place.
 * Returns whether any of them changed. */
bool pc_naming_update(const uint64_t *known, struct pc_naming_answer *answers, size_t n_known,
		      const uint64_t *asked, const struct pc_naming_answer *got, size_t n_got);

/* The distinct pids holding the n answers, merged into pids (sorted,
 * distinct, *n_pids of them; room for *n_pids plus every holder of the
 * answers). */
void pc_naming_add_pids(int32_t *pids, size_t *n_pids, const struct pc_naming_answer *a,
			size_t n);

#endif
