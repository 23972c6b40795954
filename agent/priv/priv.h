/* SPDX-License-Identifier: ISC */
/* Least privilege, the lldpd way. Started as root, the daemon splits:
 *
 *   - the daemon itself (the process that parses AgentX PDUs from the
 *     master, reads the configuration, polls sock_diag) becomes an
 *     unprivileged user, with no capabilities at all (effective, permitted,
 *     inheritable, ambient and bounding sets empty) and PR_SET_NO_NEW_PRIVS;
 *   - a forked monitor ("portcomply-priv") keeps root's uid, CAP_SYS_PTRACE
 *     and CAP_DAC_READ_SEARCH (none with resolve-processes off), nothing
 *     else, and does two things: it starts a naming helper whenever the
 *     daemon asks (at start, and after one died: collect/namer_protocol.h),
 *     and, once the daemon is gone (its socket closes, however it ended),
 *     stops the helper and removes the pid file the daemon, no longer
 *     root, may not remove;
 *   - each naming helper ("portcomply-name", the monitor's child, with its
 *     capabilities) answers only "listening inode -> processes" over a
 *     socketpair. A helper that is stopped or dies delays names, nothing
 *     else (collect/namer_thread.h).
 *
 * Not started as root, or with -u root: nothing is forked; the daemon
 * names the processes it may read itself and removes its own pid file. */
#ifndef PC_PRIV_H
#define PC_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PC_DEFAULT_USER "portcomply"
/* How long the daemon waits for the monitor to clean up when it stops. */
#define PC_PRIV_FINISH_WAIT_MS 500

struct pc_priv {
	int namer_fd; /* the first naming helper's socket; -1: none (or handed over) */
	pid_t namer_pid;
	int monitor_fd; /* the monitor's socket (asks for helpers); -1: no monitor */
	pid_t monitor; /* 0: none */
	bool dropped; /* runs as another user than it started */
};

/* user: the account to run as (NULL: PC_DEFAULT_USER); "root" keeps root
 * (no separation, said in the log by the caller). with_helper: start the
 * first naming helper (resolve-processes). pidfile: removed by the monitor
 * when the daemon is gone (NULL: none). Call before any thread exists.
 * Returns 0, or -1 with the reason in err (nothing was started then). */
int pc_priv_drop(struct pc_priv *priv, const char *user, bool with_helper, const char *pidfile,
		 char *err, size_t errlen);

/* Closes what it still holds and waits for the monitor to stop its helper
 * and remove the pid file, at most PC_PRIV_FINISH_WAIT_MS (a stopped
 * monitor finishes on its own once continued). Returns 0, or -1 when it
 * did not finish in time. */
int pc_priv_finish(struct pc_priv *priv);

/* The effective capabilities of the calling thread, as a bit mask (tests
 * and the start-up log). */
unsigned long long pc_priv_effective_caps(void);

#endif
