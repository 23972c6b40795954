/* SPDX-License-Identifier: ISC */
/* The collector's front: picks the source for each poll (netlink, or /proc
 * when netlink is refused or fails), then finishes the snapshot, names the
 * sockets' owners and, when asked, the processes holding the listeners:
 * from its naming thread's latest answers (the daemon: a poll never waits
 * for a name), or by walking /proc in the poll itself (the commands). */
#include "collect/collect.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "collect/collect_internal.h"
#include "collect/namer_thread.h"
#include "collect/procmap.h"
#include "util/log.h"

/* After a netlink failure in auto mode, how long /proc serves before the
 * next attempt: long enough not to pay for a failing dump on every poll,
 * short enough to come back soon after a transient failure. */
#define NETLINK_RETRY_S 60
/* The connect filter's bytecode stays within one netlink attribute. */
#define MAX_CONNECT_PORTS 1024

struct pc_collector {
	enum pc_collect_mode mode;
	char *proc_root;
	bool resolve_processes;

	struct pc_sockdiag *sockdiag; /* NULL: not open (procfs mode, or after a failure) */
	bool on_fallback; /* auto mode, netlink failed: serving from /proc */
	struct timespec netlink_retry_at; /* CLOCK_MONOTONIC */
	enum pc_poll_source last_source;

	uint16_t connect_ports[MAX_CONNECT_PORTS];
	size_t n_connect_ports;
	struct pc_port_set connect_set;

	struct pc_links *links; /* NULL: not open (refused: getifaddrs serves) */
	bool links_failed_logged;
	struct pc_events *events; /* NULL: no subscription */
	bool procfs_bad_logged; /* the last /proc poll met malformed lines */
	struct pc_namer_thread *namer; /* naming on a thread of its own, or NULL */
	int wake_fd; /* epoll over the destroy events and the namer's doorbell; -1: none */
	struct pc_procmap *procmap; /* naming in the poll itself, or NULL */
	bool procmap_denied_logged;
	struct pc_ephemeral_ports ephemeral; /* read again at every poll */
	bool ephemeral_failed_logged;
};

static bool time_reached(const struct timespec *now, const struct timespec *when)
{
	return now->tv_sec > when->tv_sec ||
	       (now->tv_sec == when->tv_sec && now->tv_nsec >= when->tv_nsec);
}

/* Sorted, without duplicates, into out (cap entries). Returns the count. */
static size_t unique_ports(const uint16_t *ports, size_t n, uint16_t *out)
{
	if (n == 0)
		return 0; /* ports may be NULL then */
	memcpy(out, ports, n * sizeof(*ports));
	return pc_ports_sort_unique(out, n);
}

static void close_given_fds(const struct pc_collector_options *options)
{
	if (!options->naming_thread)
		return;
	if (options->namer_fd >= 0)
		close(options->namer_fd);
	if (options->monitor_fd >= 0)
		close(options->monitor_fd);
}

/* The naming thread, and one fd that wakes the poll thread for either
 * the destroy events or new names. */
static int start_naming_thread(struct pc_collector *c, const struct pc_collector_options *options,
			       char *err, size_t errlen)
{
	const struct pc_namer_thread_options naming = {
		.proc_root = c->proc_root,
		.helper_fd = options->namer_fd,
		.helper_pid = options->namer_pid,
		.monitor_fd = options->monitor_fd,
		.privileged = geteuid() == 0,
	};
	c->namer = pc_namer_thread_start(&naming, err, errlen);
	if (c->namer == NULL)
		return -1;
	c->wake_fd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event bell = { .events = EPOLLIN }, events = { .events = EPOLLIN };
	if (c->wake_fd < 0 ||
	    epoll_ctl(c->wake_fd, EPOLL_CTL_ADD, pc_namer_thread_fd(c->namer), &bell) < 0 ||
	    (c->events != NULL &&
	     epoll_ctl(c->wake_fd, EPOLL_CTL_ADD, pc_events_fd(c->events), &events) < 0)) {
		snprintf(err, errlen, "collector: epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct pc_collector *pc_collector_open(const struct pc_collector_options *options, char *err,
				       size_t errlen)
{
	struct pc_collector *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close_given_fds(options);
		snprintf(err, errlen, "collector: out of memory");
		return NULL;
	}
	c->wake_fd = -1;
	c->mode = options->mode;
	c->resolve_processes = options->resolve_processes;
	c->proc_root = strdup(options->proc_root != NULL ? options->proc_root : "/proc");
	if (c->proc_root == NULL) {
		close_given_fds(options);
		snprintf(err, errlen, "collector: out of memory");
		goto fail;
	}

	if (c->mode != PC_COLLECT_PROCFS) {
		char why[256];
		c->sockdiag = pc_sockdiag_open(why, sizeof(why));
		if (c->sockdiag == NULL) {
			if (c->mode == PC_COLLECT_NETLINK) {
				close_given_fds(options);
				snprintf(err, errlen, "%s", why);
				goto fail;
			}
			pc_log(LOG_WARNING, "netlink refused (%s); reading %s/net instead", why,
			       c->proc_root);
			c->on_fallback = true;
			clock_gettime(CLOCK_MONOTONIC, &c->netlink_retry_at);
			c->netlink_retry_at.tv_sec += NETLINK_RETRY_S;
		}
	}

	if (options->watch_destroy) {
		char why[256];
		c->events = pc_events_open(why, sizeof(why));
		if (c->events == NULL)
			pc_log(LOG_WARNING,
			       "no socket destroy events (%s): a listener that closes is seen "
			       "at the next interval poll",
			       why);
	}

	if (c->resolve_processes && options->naming_thread) {
		if (start_naming_thread(c, options, err, errlen) < 0)
			goto fail;
	} else {
		close_given_fds(options);
		if (c->resolve_processes) {
			c->procmap = pc_procmap_new(c->proc_root);
			if (c->procmap == NULL) {
				snprintf(err, errlen, "collector: out of memory");
				goto fail;
			}
		}
	}
	return c;
fail:
	pc_collector_close(c);
	return NULL;
}

/* The netlink part of a poll. 0 when it produced the snapshot, -1 when
 * the caller must use /proc or fail (err says why). */
static int poll_netlink(struct pc_collector *c, struct pc_snapshot *snap, char *err,
			size_t errlen)
{
	if (c->sockdiag == NULL) {
		c->sockdiag = pc_sockdiag_open(err, errlen);
		if (c->sockdiag == NULL)
			return -1;
	}
	if (pc_sockdiag_dump_listeners(c->sockdiag, 1u << PC_TCP_LISTEN, snap, err, errlen) == 0 &&
	    pc_sockdiag_dump_connections(c->sockdiag, c->connect_ports, c->n_connect_ports, snap,
					 err, errlen) == 0)
		return 0;
	/* The socket may still hold the rest of a dump, and the kernel keeps
	 * a dump that was not read to the end running (the next request would
	 * get EBUSY): start over with a fresh socket next time. */
	pc_sockdiag_close(c->sockdiag);
	c->sockdiag = NULL;
	return -1;
}

static int poll_procfs(struct pc_collector *c, struct pc_snapshot *snap, char *err,
		       size_t errlen)
{
	const struct pc_port_set *connect = c->n_connect_ports > 0 ? &c->connect_set : NULL;

	char first_bad[4200];
	if (pc_procnet_read(c->proc_root, connect, snap, first_bad, sizeof(first_bad), err,
			    errlen) < 0)
		return -1;
	/* Once when the text turns bad, not on every poll while it stays so;
	 * pcPollErrors counts every skipped line. */
	if (first_bad[0] != '\0' && !c->procfs_bad_logged)
		pc_log(LOG_WARNING, "%s (%u skipped in this poll)", first_bad, snap->errors);
	c->procfs_bad_logged = first_bad[0] != '\0';
	char path[4096];
	bool bindv6only = false;
	snprintf(path, sizeof(path), "%s/sys/net/ipv6/bindv6only", c->proc_root);
	FILE *f = fopen(path, "re");
	if (f != NULL) {
		int value = 0;
		if (fscanf(f, "%d", &value) == 1)
			bindv6only = value != 0;
		fclose(f);
	}
	pc_procnet_guess_v6only(snap, bindv6only);
	return 0;
}

/* The host's interfaces and addresses, whatever source served the
 * sockets: rtnetlink, else getifaddrs(); when both fail the snapshot says
 * it does not know them, and the engine gives listeners the benefit of
 * the doubt. Logged once per failure episode. */
static void poll_links(struct pc_collector *c, struct pc_snapshot *snap)
{
	char why[256] = "";
	snap->n_interfaces = snap->n_addresses = 0;
	if (c->links == NULL)
		c->links = pc_links_open(why, sizeof(why));
	if (c->links != NULL && pc_links_dump(c->links, snap, why, sizeof(why)) == 0) {
		c->links_failed_logged = false;
		return;
	}
	/* As with sock_diag: a dump not read to the end poisons the socket. */
	pc_links_close(c->links);
	c->links = NULL;
	snap->n_interfaces = snap->n_addresses = 0;
	char why2[256];
	if (pc_links_read_ifaddrs(snap, why2, sizeof(why2)) == 0)
		return;
	snap->n_interfaces = snap->n_addresses = 0;
	snap->interfaces_known = false;
	if (!c->links_failed_logged)
		pc_log(LOG_WARNING, "the host's addresses are unknown (%s; %s): listeners are not "
				    "checked for non-local addresses or absent devices", why, why2);
	c->links_failed_logged = true;
}

/* How many distinct owners one poll remembers names for; a host has a
 * handful (root, a few service accounts), more only costs more look-ups. */
#define USER_NAMES_KEPT 16

/* The user name of each row's uid, looked up here in the poll thread, once
 * per distinct uid per poll: getpwuid_r may ask NSS (LDAP, sssd), which
 * must never happen inside an SNMP request, and a renamed or removed
 * account shows at the next poll. A uid without a name (or with one longer
 * than PC_USER_MAX - 1) keeps "". */
static void name_owners(struct pc_snapshot *snap)
{
	struct {
		uint32_t uid;
		char name[PC_USER_MAX];
	} kept[USER_NAMES_KEPT];
	size_t n_kept = 0, next = 0;
	char buf[1024];

	for (size_t i = 0; i < snap->n_listeners; i++) {
		struct pc_listener *l = &snap->listeners[i];
		size_t k = 0;
		while (k < n_kept && kept[k].uid != l->uid)
			k++;
		if (k == n_kept) {
			struct passwd pw, *found = NULL;
			k = n_kept < USER_NAMES_KEPT ? n_kept++ : next++ % USER_NAMES_KEPT;
			kept[k].uid = l->uid;
			kept[k].name[0] = '\0';
			if (getpwuid_r((uid_t)l->uid, &pw, buf, sizeof(buf), &found) == 0 &&
			    found != NULL && strlen(found->pw_name) < PC_USER_MAX)
				memcpy(kept[k].name, found->pw_name, strlen(found->pw_name) + 1);
		}
		memcpy(l->user, kept[k].name, PC_USER_MAX);
	}
}

/* Marks each UDP row with where its port lies among the ports the kernel
 * hands out by itself, read at every poll (a sysctl may change them; two
 * small files cost microseconds). Unreadable, the rows say unknown and
 * every bound UDP socket counts as a listener: said once per episode. */
static void mark_ephemeral(struct pc_collector *c, struct pc_snapshot *snap)
{
	char why[512];
	if (pc_procnet_read_ephemeral(c->proc_root, &c->ephemeral, why, sizeof(why)) == 0) {
		if (c->ephemeral_failed_logged)
			pc_log(LOG_NOTICE, "the ephemeral port range is readable again");
		c->ephemeral_failed_logged = false;
		pc_procnet_mark_ephemeral(snap, &c->ephemeral);
		return;
	}
	if (!c->ephemeral_failed_logged)
		pc_log(LOG_WARNING, "the ephemeral port range is unknown (%s): every bound UDP socket "
				    "counts as a listener, clients' too",
		       why);
	c->ephemeral_failed_logged = true;
	pc_procnet_mark_ephemeral(snap, NULL);
}

/* The commands name the processes in the poll itself (they poll once). */
static void name_in_poll(struct pc_collector *c, struct pc_snapshot *snap)
{
	struct pc_procmap_stats stats;
	pc_procmap_resolve(c->procmap, snap, &stats);
	snap->naming.health = PC_NAMING_WORKING;
	/* Only when privilege cost an answer: not for processes the walk
	 * passes on its way, nor for sockets no process holds (the walk read
	 * everything and found them nowhere). */
	if (stats.owner_denied == 0)
		return;
	snap->naming.health = PC_NAMING_LIMITED;
	snprintf(snap->naming.reason, sizeof(snap->naming.reason),
		 "%u listener%s held by processes this user may not read (needs CAP_SYS_PTRACE "
		 "and CAP_DAC_READ_SEARCH)",
		 stats.owner_denied, stats.owner_denied == 1 ? "" : "s");
	if (!c->procmap_denied_logged)
		pc_log(LOG_WARNING,
		       "cannot name the process of %u listener%s: %u process%s under %s may not be "
		       "read (needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)",
		       stats.owner_denied, stats.owner_denied == 1 ? "" : "s", stats.denied,
		       stats.denied == 1 ? "" : "es", c->proc_root);
	c->procmap_denied_logged = true;
}

static void naming_off(struct pc_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_listeners; i++)
		pc_listener_set_holders(snap, &snap->listeners[i], PC_NAMING_OFF, NULL, 0);
	snap->naming.health = PC_NAMING_HEALTH_OFF;
}

static uint32_t elapsed_us(const struct timespec *from, const struct timespec *to)
{
	int64_t ns = (int64_t)(to->tv_sec - from->tv_sec) * 1000000000 +
		     (to->tv_nsec - from->tv_nsec);
	return ns < 0 ? 0 : (uint32_t)(ns / 1000);
}

int pc_collector_poll(struct pc_collector *c, struct pc_snapshot *snap, char *err, size_t errlen)
{
	struct timespec started;

	pc_snapshot_reset(snap);
	clock_gettime(CLOCK_REALTIME, &snap->taken_at);
	clock_gettime(CLOCK_MONOTONIC, &snap->taken_mono);
	started = snap->taken_mono;

	enum pc_poll_source source = PC_SOURCE_PROCFS;
	if (c->mode != PC_COLLECT_PROCFS &&
	    (!c->on_fallback || time_reached(&started, &c->netlink_retry_at))) {
		char why[256];
		if (poll_netlink(c, snap, why, sizeof(why)) == 0) {
			source = PC_SOURCE_NETLINK;
			if (c->on_fallback)
				pc_log(LOG_NOTICE, "netlink works again; %s/net no longer read",
				       c->proc_root);
			c->on_fallback = false;
		} else if (c->mode == PC_COLLECT_NETLINK) {
			snprintf(err, errlen, "%s", why);
			pc_snapshot_reset(snap);
			return -1;
		} else {
			if (!c->on_fallback)
				pc_log(LOG_WARNING, "netlink failed (%s); reading %s/net instead",
				       why, c->proc_root);
			c->on_fallback = true;
			c->netlink_retry_at = started;
			c->netlink_retry_at.tv_sec += NETLINK_RETRY_S;
			struct timespec taken_at = snap->taken_at;
			pc_snapshot_reset(snap); /* drop what the failed dump added */
			snap->taken_at = taken_at;
			snap->taken_mono = started;
		}
	}
	if (source == PC_SOURCE_PROCFS && poll_procfs(c, snap, err, errlen) < 0) {
		pc_snapshot_reset(snap);
		return -1;
	}
	snap->source = source;
	c->last_source = source;
	poll_links(c, snap);
	pc_snapshot_finish(snap);
	mark_ephemeral(c, snap);
	name_owners(snap);

	if (c->namer != NULL)
		pc_namer_thread_apply(c->namer, snap);
	else if (c->procmap != NULL)
		name_in_poll(c, snap);
	else
		naming_off(snap);
	struct timespec done;
	clock_gettime(CLOCK_MONOTONIC, &done);
	snap->duration_us = elapsed_us(&started, &done);
	return 0;
}

int pc_collector_set_connect_ports(struct pc_collector *c, const uint16_t *ports, size_t n)
{
	if (n > MAX_CONNECT_PORTS) {
		errno = E2BIG;
		return -1;
	}
	c->n_connect_ports = unique_ports(ports, n, c->connect_ports);
	pc_port_set_assign(&c->connect_set, c->connect_ports, c->n_connect_ports);
	return 0;
}

int pc_collector_set_watch_ports(struct pc_collector *c, const uint16_t *ports, size_t n)
{
	if (c->events == NULL)
		return 0;
	return pc_events_set_ports(c->events, ports, n);
}

int pc_collector_event_fd(const struct pc_collector *c)
{
	if (c->wake_fd >= 0)
		return c->wake_fd;
	return c->events != NULL ? pc_events_fd(c->events) : -1;
}

bool pc_collector_read_events(struct pc_collector *c)
{
	bool named = c->namer != NULL && pc_namer_thread_drain(c->namer);
	bool died = c->events != NULL && pc_events_read(c->events);
	return named || died;
}

enum pc_poll_source pc_collector_source(const struct pc_collector *c)
{
	return c->last_source;
}

void pc_collector_close(struct pc_collector *c)
{
	if (c == NULL)
		return;
	pc_namer_thread_stop(c->namer);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	pc_sockdiag_close(c->sockdiag);
	pc_links_close(c->links);
	pc_events_close(c->events);
	pc_procmap_free(c->procmap);
	free(c->proc_root);
	free(c);
}
