/* SPDX-License-Identifier: ISC */
/* The naming thread: names the listeners' processes off the poll thread,
 * so that naming is never on the critical path. A poll takes whatever
 * names the last passes found (pc_namer_thread_apply) and asks for the
 * next pass; a pass that changes an answer rings the doorbell, and the
 * poll that follows publishes it. Detection never waits for a name.
 *
 * A pass asks the privileged naming helper (namer_protocol.h) or, without
 * one, walks /proc in this process; on a busy host it asks only about the
 * listeners that need it (naming_set.h says which). The helper may be slow, stopped or
 * dead: every wait on it is bounded by a stop request, and a helper that
 * has not answered for PC_NAMER_SLOW_MS makes naming degraded (said once,
 * in the log and in the snapshots' naming status; the listeners it has
 * not named yet are then "unavailable", not "pending"), until it answers.
 * A helper that dies or breaks the protocol is replaced through the
 * privileged monitor, with backoff; when the monitor is gone too, naming
 * goes on in this process with what this user may read. */
#ifndef PC_NAMER_THREAD_H
#define PC_NAMER_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/snapshot.h"

/* How long the helper may take over one pass before naming is degraded:
 * far beyond a walk of a busy host (360 ms at 50,000 connections). */
#define PC_NAMER_SLOW_MS 5000
/* A dead helper is restarted after a delay that doubles from the first to
 * the longest; it goes back to the first after a helper served a while. */
#define PC_NAMER_RESTART_FIRST_MS 1000
#define PC_NAMER_RESTART_LONGEST_MS 300000
#define PC_NAMER_RESTART_RESET_MS 600000
/* How long the monitor may take to start a helper. */
#define PC_NAMER_SPAWN_WAIT_MS 5000

struct pc_namer_thread_options {
	const char *proc_root; /* NULL: /proc */
	int helper_fd; /* the naming helper's socket, taken over; -1: name in this process */
	pid_t helper_pid; /* for the log */
	int monitor_fd; /* the monitor's socket, taken over; -1: a dead helper stays dead */
	/* Naming in this process reads every process (it runs as root):
	 * working, not limited. */
	bool privileged;
	/* 0: PC_NAMER_SLOW_MS and PC_NAMER_RESTART_FIRST_MS (tests shorten them). */
	unsigned slow_ms, restart_first_ms;
	/* 0: PC_NAMING_WHOLE_BELOW and PC_NAMING_ROTATION (naming_set.h; tests
	 * make partial passes happen with a few listeners). */
	size_t whole_below, rotation;
};

struct pc_namer_thread;

/* Starts the thread (every signal blocked in it). NULL with err. The fds
 * are the thread's from the call on, even when it fails. */
struct pc_namer_thread *pc_namer_thread_start(const struct pc_namer_thread_options *options,
					      char *err, size_t errlen);

/* Stops it within one system call, whatever the helper does; closes the
 * sockets it holds (a helper and the monitor then see their end close). */
void pc_namer_thread_stop(struct pc_namer_thread *t);

/* Readable when an answer changed since the last pc_namer_thread_drain. */
int pc_namer_thread_fd(const struct pc_namer_thread *t);

/* Empties the doorbell; true when it had rung. */
bool pc_namer_thread_drain(struct pc_namer_thread *t);

/* Names the listeners of a finished snapshot from the latest answers (the
 * ones never answered are pending, or unavailable while naming is
 * degraded), sets its naming status, and asks for a pass over its
 * listeners. Never waits for the helper. */
void pc_namer_thread_apply(struct pc_namer_thread *t, struct pc_snapshot *snap);

#endif
