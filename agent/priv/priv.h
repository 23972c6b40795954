/* Least privilege, the lldpd way. Started as root, the daemon splits:
 *
 *   - the daemon itself (the process that parses AgentX PDUs from the
 *     master, reads the configuration, polls sock_diag) becomes an
 *     unprivileged user, with no capabilities at all (effective, permitted,
 *     inheritable, ambient and bounding sets empty) and PR_SET_NO_NEW_PRIVS;
 *   - a forked helper keeps CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, nothing
 *     else, to read other users' /proc/PID/fd, and answers only "inode ->
 *     pid, name" (collect/namer_protocol.h) over a socketpair. It exits
 *     when the daemon closes its end (or dies), removing the pid file the
 *     daemon, no longer root, may not remove.
 *
 * Not started as root: nothing changes (the daemon names the processes it
 * may read, as before). */
#ifndef PC_PRIV_H
#define PC_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PC_DEFAULT_USER "portcomply"

struct pc_priv {
	int namer_fd; /* the helper's socket; -1: no helper */
	pid_t helper; /* 0: none */
	bool dropped; /* runs as another user than it started */
};

/* user: the account to run as (NULL: PC_DEFAULT_USER); "root" keeps root
 * (no separation, said in the log by the caller). with_helper: fork the
 * naming helper (resolve-processes). pidfile: removed by the helper when
 * the daemon is gone (NULL: none). Call before any thread exists.
 * Returns 0, or -1 with the reason in err (nothing was started then). */
int pc_priv_drop(struct pc_priv *priv, const char *user, bool with_helper, const char *pidfile,
		 char *err, size_t errlen);

/* Closes the helper's socket and waits for it (at the daemon's end). */
void pc_priv_finish(struct pc_priv *priv);

/* The effective capabilities of the calling thread, as a bit mask (tests
 * and the start-up log). */
unsigned long long pc_priv_effective_caps(void);

#endif
