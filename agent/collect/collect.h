/* SPDX-License-Identifier: ISC */
/* The collector: the kernel's socket tables as a pc_snapshot. It is the only
 * module that knows netlink (sock_diag) and /proc/net.
 *
 * A collector keeps one netlink socket open across polls. TCP is dumped in
 * the LISTEN state only and UDP in CLOSE (bound, not connected), both for
 * AF_INET and AF_INET6, with the state filter applied by the kernel so that
 * the cost of a poll grows with listeners, not with connections. When
 * netlink is refused it falls back to /proc/net/{tcp,tcp6,udp,udp6}. */
#ifndef PC_COLLECT_H
#define PC_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/snapshot.h"

enum pc_collect_mode {
	PC_COLLECT_AUTO = 0, /* netlink, /proc when netlink is refused or fails */
	PC_COLLECT_NETLINK, /* netlink only: a failure is an error */
	PC_COLLECT_PROCFS, /* /proc/net only */
};

struct pc_collector_options {
	enum pc_collect_mode mode;
	const char *proc_root; /* NULL: "/proc"; tests point it at a fixture tree */
	/* Name the processes holding each listener (walks /proc/PID/fd;
	 * other users' processes need CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH,
	 * else their listeners stay unnamed, said once). */
	bool resolve_processes;
	/* With resolve_processes: name on a thread of the collector's own
	 * (namer_thread.h), so that a poll never waits for a name (the
	 * daemon); without, in the poll itself (the one-shot commands). */
	bool naming_thread;
	/* With naming_thread: the privileged naming helper's socket and the
	 * monitor's that restarts it (priv.h), both taken over by the
	 * collector, even when opening it fails; -1: none (then this process
	 * walks /proc itself). */
	int namer_fd;
	pid_t namer_pid;
	int monitor_fd;
	/* Subscribe to sock_diag destroy events. A refusal is logged once and
	 * is not an error: pc_collector_event_fd() then returns -1. */
	bool watch_destroy;
};

struct pc_collector;

/* NULL on failure, with the reason in err. In auto mode a refused netlink
 * socket is not a failure: it is logged and /proc serves. */
struct pc_collector *pc_collector_open(const struct pc_collector_options *options, char *err,
				       size_t errlen);

/* One poll into snap (which it clears first), finished (sorted and folded).
 * Returns 0, or -1 with the reason in err and snap empty.
 * snap's arrays are reused, not freed: pass the same snapshot to every poll
 * and a steady-state poll allocates nothing (pc_snapshot_clear frees them).
 * In auto mode a failed netlink poll is served from /proc (logged once;
 * netlink is tried again after a minute). */
int pc_collector_poll(struct pc_collector *c, struct pc_snapshot *snap, char *err, size_t errlen);

/* Remote TCP ports whose established connections each poll should count
 * into snap->connections (for "connect" rules). n == 0: none, the default.
 * The kernel filters by port, so only matching sockets reach user space.
 * At most 1,024 ports (else -1, errno E2BIG). */
int pc_collector_set_connect_ports(struct pc_collector *c, const uint16_t *ports, size_t n);

/* Local ports whose destroy events ask for an immediate poll. n == 0: any.
 * Only sockets without a remote port count (listeners, unconnected UDP);
 * connections ending never wake the caller: a socket filter drops them in
 * the kernel. Returns 0 (also when there is no subscription). */
int pc_collector_set_watch_ports(struct pc_collector *c, const uint16_t *ports, size_t n);

/* The fd that becomes readable when destroy events are pending or, with
 * a naming thread, when it has new names for the next poll to publish; -1
 * when there is neither (no subscription, or refused by the kernel). */
int pc_collector_event_fd(const struct pc_collector *c);

/* Drain pending destroy events and the naming thread's doorbell; true
 * when an event concerned a watched listener or names changed, i.e. the
 * caller should poll now. A burst drained in one call is one "poll now";
 * events lost to a full queue also answer true. */
bool pc_collector_read_events(struct pc_collector *c);

/* The source the last poll used. */
enum pc_poll_source pc_collector_source(const struct pc_collector *c);

void pc_collector_close(struct pc_collector *c);

#endif
