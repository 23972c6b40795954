/* SPDX-License-Identifier: ISC */
/* poll_bench: what one collector poll costs, against `ss -Hltun` and
 * against reading /proc/net (tcp, tcp6, udp, udp6), with 1,000 listeners and 0, then 50,000
 * established loopback connections, all in one run and one private network
 * namespace (the program makes its own).
 *
 *   poll_bench [--connections N] [--workers W] [--polls P] [--runs R]
 *   poll_bench --hold [--tcp-only] [--connections N] [--workers W]
 *
 * --hold sets the same scenario up in the caller's network namespace (no
 * unshare: run it under `unshare -n`) and holds it for other programs to
 * observe (bench/walk_bench.sh): it prints "listeners ROWS SOCKETS", then
 * obeys one command a line on stdin, "connect" (open the connections,
 * answer "connections N") and "disconnect" (close them, answer
 * "connections 0"), and exits at end of input. --tcp-only makes the 240
 * UDP rows TCP listeners on the same addresses (1,000 TCP rows).
 *
 * Listeners: 1,000 rows (1,030 sockets): TCP and UDP, IPv4 and IPv6,
 * dual-stack and v6-only wildcards, ten 4-socket SO_REUSEPORT groups.
 * Connections: W worker processes (the fd limit is per process) inherit
 * the listeners and each connect and accept N/W loopback connections to the
 * 500 loopback TCP listeners, then wait. Measured in each state:
 *   collector poll        pc_collector_poll, netlink, no process names
 *   poll + processes      the same with resolve-processes (steady state)
 *   poll, /proc mode      pc_collector_poll reading /proc/net
 *   LISTEN|CLOSE dump     the TCP state filter ss -l sends, through our
 *                         own socket: what the kernel's established-hash
 *                         walk costs without ss's exec and printing
 *   ss -Hltun             fork + exec + wait, output to /dev/null
 *   read /proc/net/...     open, read to the end and close the four files
 * Times are wall-clock (CLOCK_MONOTONIC) per operation; the table shows
 * medians (and p90). Exit status 1 when a target is missed. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/collect_internal.h"
#include "collect/procmap.h"
#include "netns_sockets.h"
#include "timing.h"

extern char **environ;

#define N_LISTENER_ROWS 1000
#define FIRST_PORT 10000 /* below the ephemeral range: no clash with clients */
#define TARGETS 500 /* the loopback TCP listeners the connections go to */
#define MAX_WORKERS 64

struct options {
	int connections;
	int workers;
	int polls;
	int runs;
	bool hold, tcp_only;
};

/* ---- measurement ------------------------------------------------------- */

struct summary {
	double median, p90, min;
	int n;
};

static struct summary summarize(double *v, int n)
{
	struct summary s = { .median = sort_median(v, (size_t)n),
			     .p90 = v[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1],
			     .min = v[0],
			     .n = n };
	return s;
}

static void die(const char *what)
{
	fprintf(stderr, "poll_bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ---- the things measured ----------------------------------------------- */

static struct summary time_polls(struct pc_collector *c, int n)
{
	char err[256];
	struct pc_snapshot snap = { 0 };
	double *v = calloc((size_t)n, sizeof(*v));
	for (int i = 0; i < 10; i++) /* warm-up: caches, process map */
		if (pc_collector_poll(c, &snap, err, sizeof(err)) < 0) {
			fprintf(stderr, "poll_bench: %s\n", err);
			exit(2);
		}
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		pc_collector_poll(c, &snap, err, sizeof(err));
		v[i] = now_ms() - t0;
	}
	if (snap.n_listeners != N_LISTENER_ROWS) {
		fprintf(stderr, "poll_bench: the poll saw %zu listeners, not %d\n", snap.n_listeners,
			N_LISTENER_ROWS);
		exit(2);
	}
	struct summary s = summarize(v, n);
	free(v);
	pc_snapshot_clear(&snap);
	return s;
}

/* The worst walk: an inode nobody holds, so every fd of every process is
 * read (a fresh map each time: nothing cached, nothing remembered). */
static struct summary time_full_walk(int n, unsigned *readlinks)
{
	double *v = calloc((size_t)n, sizeof(*v));
	struct pc_snapshot snap = { 0 };
	struct pc_listen_socket socket = { .inode = UINT64_C(0xfffffffffff) };
	static const uint8_t any[4];
	pc_endpoint_set(&socket.local, IPPROTO_TCP, AF_INET, any, false, 0, 1);
	pc_snapshot_add_listener(&snap, &socket);
	pc_snapshot_finish(&snap);
	for (int i = 0; i < n; i++) {
		struct pc_procmap *pm = pc_procmap_new(NULL);
		struct pc_procmap_stats stats;
		double t0 = now_ms();
		pc_procmap_resolve(pm, &snap, &stats);
		v[i] = now_ms() - t0;
		*readlinks = stats.readlinks;
		pc_procmap_free(pm);
	}
	pc_snapshot_clear(&snap);
	struct summary s = summarize(v, n);
	free(v);
	return s;
}

static struct summary time_wide_dump(struct pc_sockdiag *sd, int n)
{
	char err[256];
	struct pc_snapshot snap = { 0 };
	double *v = calloc((size_t)n, sizeof(*v));
	for (int i = 0; i < n + 3; i++) {
		pc_snapshot_reset(&snap);
		double t0 = now_ms();
		if (pc_sockdiag_dump_listeners(sd, 1u << PC_TCP_LISTEN | 1u << PC_TCP_CLOSE, &snap,
					       err, sizeof(err)) < 0) {
			fprintf(stderr, "poll_bench: %s\n", err);
			exit(2);
		}
		pc_snapshot_finish(&snap);
		if (i >= 3)
			v[i - 3] = now_ms() - t0;
	}
	struct summary s = summarize(v, n);
	free(v);
	pc_snapshot_clear(&snap);
	return s;
}

static struct summary time_ss(int n)
{
	double *v = calloc((size_t)n, sizeof(*v));
	char *const argv[] = { "ss", "-Hltun", NULL };
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	for (int i = 0; i < n + 2; i++) {
		double t0 = now_ms();
		pid_t pid;
		if (posix_spawnp(&pid, "ss", &actions, NULL, argv, environ) != 0)
			die("posix_spawnp ss");
		int status;
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "poll_bench: ss -Hltun failed\n");
			exit(2);
		}
		if (i >= 2)
			v[i - 2] = now_ms() - t0;
	}
	posix_spawn_file_actions_destroy(&actions);
	struct summary s = summarize(v, n);
	free(v);
	return s;
}

static size_t read_proc_net(char *buf, size_t len)
{
	static const char *const files[] = { "/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp",
					     "/proc/net/udp6" };
	size_t total = 0;
	for (size_t i = 0; i < 4; i++) {
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(files[i]);
		ssize_t n;
		while ((n = read(fd, buf, len)) > 0)
			total += (size_t)n;
		close(fd);
	}
	return total;
}

static struct summary time_proc_read(int n, size_t *bytes)
{
	double *v = calloc((size_t)n, sizeof(*v));
	size_t len = 64 * 1024;
	char *buf = malloc(len);
	for (int i = 0; i < n + 1; i++) {
		double t0 = now_ms();
		*bytes = read_proc_net(buf, len);
		if (i >= 1)
			v[i - 1] = now_ms() - t0;
	}
	free(buf);
	struct summary s = summarize(v, n);
	free(v);
	return s;
}

/* ---- the scenario ------------------------------------------------------ */

static struct bound_socket listeners[N_LISTENER_ROWS + 40];
static int n_listener_fds;

static void open_one(int type, const char *addr, bool v6only, bool reuseport, uint16_t port)
{
	char err[256];
	if (bound_socket_open(&listeners[n_listener_fds], type, addr, port, v6only, reuseport, err,
			      sizeof(err)) < 0) {
		fprintf(stderr, "poll_bench: %s\n", err);
		exit(2);
	}
	n_listener_fds++;
}

/* 1,000 rows; the first TARGETS are the loopback TCP ones. tcp_only: the
 * UDP rows become TCP listeners on the same addresses. */
static void open_listeners(bool tcp_only)
{
	int udp = tcp_only ? SOCK_STREAM : SOCK_DGRAM;
	uint16_t port = FIRST_PORT;
	for (int i = 0; i < 400; i++)
		open_one(SOCK_STREAM, "127.0.0.1", false, false, port++);
	for (int i = 0; i < 100; i++)
		open_one(SOCK_STREAM, "::1", false, false, port++);
	for (int i = 0; i < 100; i++)
		open_one(SOCK_STREAM, "0.0.0.0", false, false, port++);
	for (int i = 0; i < 100; i++)
		open_one(SOCK_STREAM, "::", false, false, port++);
	for (int i = 0; i < 50; i++)
		open_one(SOCK_STREAM, "::", true, false, port++);
	for (int g = 0; g < 10; g++, port++)
		for (int i = 0; i < 4; i++)
			open_one(SOCK_STREAM, "0.0.0.0", false, true, port);
	for (int i = 0; i < 100; i++)
		open_one(udp, "127.0.0.1", false, false, port++);
	for (int i = 0; i < 100; i++)
		open_one(udp, "::", false, false, port++);
	for (int i = 0; i < 40; i++)
		open_one(udp, "0.0.0.0", false, false, port++);
}

static int connect_to(const struct bound_socket *l)
{
	int fd = socket(l->family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int rc;
	if (l->family == AF_INET) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(l->port) };
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	} else {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(l->port) };
		a.sin6_addr = in6addr_loopback;
		rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	return rc == 0 ? fd : -1;
}

/* A worker: `count` connections, both ends held, then wait to be killed. */
static void worker(int index, int count, int ready_fd)
{
	/* However the parent ends (--hold is stopped with a signal), so do we. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	for (int i = 0; i < count; i++) {
		const struct bound_socket *l = &listeners[(index * count + i) % TARGETS];
		if (connect_to(l) < 0 || accept(l->fd, NULL, NULL) < 0) {
			fprintf(stderr, "poll_bench: worker %d, connection %d: %s\n", index, i,
				strerror(errno));
			_exit(1);
		}
	}
	char byte = 1;
	if (write(ready_fd, &byte, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static pid_t worker_pids[MAX_WORKERS];
static int n_workers;

static void stop_workers(void)
{
	for (int i = 0; i < n_workers; i++) {
		kill(worker_pids[i], SIGKILL);
		waitpid(worker_pids[i], NULL, 0);
	}
	n_workers = 0;
}

static void start_connections(const struct options *o)
{
	int pipefd[2];
	if (pipe(pipefd) < 0)
		die("pipe");
	int per_worker = o->connections / o->workers;
	fflush(NULL);
	for (int w = 0; w < o->workers; w++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(pipefd[0]);
			worker(w, per_worker, pipefd[1]);
		}
		worker_pids[n_workers++] = pid;
	}
	close(pipefd[1]);
	/* Readiness: one byte from each worker; EOF early means one died. */
	for (int ready = 0; ready < o->workers;) {
		char byte;
		ssize_t n = read(pipefd[0], &byte, 1);
		if (n == 1)
			ready++;
		else if (n == 0 || errno != EINTR) {
			fprintf(stderr, "poll_bench: a worker failed\n");
			stop_workers();
			exit(2);
		}
	}
	close(pipefd[0]);
}

/* Established connections in this namespace, client ends only, counted
 * by the collector's own kernel-filtered dump (connect ports = targets). */
static long count_established(void)
{
	char err[256];
	struct pc_collector_options o = { .mode = PC_COLLECT_NETLINK };
	struct pc_collector *c = pc_collector_open(&o, err, sizeof(err));
	uint16_t ports[TARGETS];
	for (int i = 0; i < TARGETS; i++)
		ports[i] = listeners[i].port;
	pc_collector_set_connect_ports(c, ports, TARGETS);
	struct pc_snapshot snap = { 0 };
	long total = 0;
	if (pc_collector_poll(c, &snap, err, sizeof(err)) == 0)
		for (size_t i = 0; i < snap.n_connections; i++)
			total += snap.connections[i].count;
	pc_snapshot_clear(&snap);
	pc_collector_close(c);
	return total;
}

/* ---- main -------------------------------------------------------------- */

struct phase {
	long connections;
	double poll_user_ms, poll_sys_ms; /* CPU time of the netlink poll row, per poll */
	struct summary poll, poll_proc_names, poll_procfs, wide_dump, ss, proc_read, full_walk;
	size_t proc_bytes;
	unsigned walk_readlinks;
};

static void measure(struct phase *p, const struct options *o, struct pc_collector *netlink,
		    struct pc_collector *with_names, struct pc_collector *procfs,
		    struct pc_sockdiag *sd)
{
	p->connections = count_established();
	fprintf(stderr, "  measuring with %ld established connections...\n", p->connections);
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	p->poll = time_polls(netlink, o->polls);
	getrusage(RUSAGE_SELF, &after);
	/* time_polls runs 10 warm-up polls besides the timed ones. */
	p->poll_user_ms = ((double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) * 1e3 +
			   (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e3) /
			  (o->polls + 10);
	p->poll_sys_ms = ((double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1e3 +
			  (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e3) /
			 (o->polls + 10);
	p->poll_proc_names = time_polls(with_names, o->polls);
	p->poll_procfs = time_polls(procfs, o->runs);
	p->wide_dump = time_wide_dump(sd, o->runs);
	p->ss = time_ss(o->runs);
	p->proc_read = time_proc_read(o->runs, &p->proc_bytes);
	p->full_walk = time_full_walk(o->runs < 10 ? o->runs : 10, &p->walk_readlinks);
}

static void row(const char *name, const struct summary *a, const struct summary *b)
{
	printf("%-28s %9.3f %9.3f   %9.3f %9.3f   %6.2fx\n", name, a->median, a->p90, b->median,
	       b->p90, b->median / a->median);
}

/* --hold: the scenario in the caller's namespace, driven from stdin. */
static int hold(const struct options *o)
{
	open_listeners(o->tcp_only);
	printf("listeners %d %d\n", N_LISTENER_ROWS, n_listener_fds);
	fflush(stdout);
	char line[64];
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (strcmp(line, "connect\n") == 0) {
			if (n_workers == 0)
				start_connections(o);
		} else if (strcmp(line, "disconnect\n") == 0)
			stop_workers();
		else {
			fprintf(stderr, "poll_bench: --hold: unknown command %s", line);
			continue;
		}
		printf("connections %ld\n", n_workers > 0 ? count_established() : 0L);
		fflush(stdout);
	}
	stop_workers();
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .connections = 50000, .workers = 10, .polls = 1000, .runs = 30 };
	bool usage = false;
	for (int i = 1; i < argc && !usage; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--hold") == 0)
			o.hold = true;
		else if (strcmp(argv[i], "--tcp-only") == 0)
			o.tcp_only = true;
		else if (value == NULL)
			usage = true;
		else if (strcmp(argv[i], "--connections") == 0)
			o.connections = atoi(value), i++;
		else if (strcmp(argv[i], "--workers") == 0)
			o.workers = atoi(value), i++;
		else if (strcmp(argv[i], "--polls") == 0)
			o.polls = atoi(value), i++;
		else if (strcmp(argv[i], "--runs") == 0)
			o.runs = atoi(value), i++;
		else
			usage = true;
	}
	if (usage || o.workers < 1 || o.workers > MAX_WORKERS || o.polls < 10 || o.runs < 3 ||
	    (o.tcp_only && !o.hold)) {
		fprintf(stderr, "usage: poll_bench [--connections N] [--workers W (1-%d)] "
				"[--polls P] [--runs R]\n"
				"       poll_bench --hold [--tcp-only] [--connections N] [--workers W]\n",
			MAX_WORKERS);
		return 2;
	}
	/* Each worker holds two fds per connection plus the listeners. */
	struct rlimit nofile;
	getrlimit(RLIMIT_NOFILE, &nofile);
	long per_worker = 2L * (o.connections / o.workers) + N_LISTENER_ROWS + 100;
	if ((rlim_t)per_worker > nofile.rlim_max) {
		fprintf(stderr, "poll_bench: %ld fds per worker exceed the limit %lu: use more "
				"--workers\n",
			per_worker, (unsigned long)nofile.rlim_max);
		return 2;
	}
	nofile.rlim_cur = nofile.rlim_max;
	setrlimit(RLIMIT_NOFILE, &nofile);
	if (o.hold)
		return hold(&o);

	char err[256];
	if (netns_enter_private(err, sizeof(err)) < 0) {
		fprintf(stderr, "poll_bench: %s (run as root)\n", err);
		return 2;
	}
	open_listeners(false);

	struct pc_collector_options netlink_opts = { .mode = PC_COLLECT_NETLINK };
	struct pc_collector_options names_opts = { .mode = PC_COLLECT_NETLINK,
						   .resolve_processes = true };
	struct pc_collector_options procfs_opts = { .mode = PC_COLLECT_PROCFS };
	struct pc_collector *netlink = pc_collector_open(&netlink_opts, err, sizeof(err));
	struct pc_collector *with_names = pc_collector_open(&names_opts, err, sizeof(err));
	struct pc_collector *procfs = pc_collector_open(&procfs_opts, err, sizeof(err));
	struct pc_sockdiag *sd = pc_sockdiag_open(err, sizeof(err));
	if (netlink == NULL || with_names == NULL || procfs == NULL || sd == NULL) {
		fprintf(stderr, "poll_bench: %s\n", err);
		return 2;
	}

	struct phase idle, busy;
	fprintf(stderr, "poll_bench: phase 1, no connections\n");
	measure(&idle, &o, netlink, with_names, procfs, sd);
	fprintf(stderr, "poll_bench: opening %d connections in %d workers\n", o.connections,
		o.workers);
	double t0 = now_ms();
	start_connections(&o);
	fprintf(stderr, "  done in %.1f s\n", (now_ms() - t0) / 1e3);
	measure(&busy, &o, netlink, with_names, procfs, sd);
	stop_workers();

	struct utsname u;
	uname(&u);
	printf("portcomply collector bench: %d listeners (%d sockets), kernel %s, %ld CPUs\n",
	       N_LISTENER_ROWS, n_listener_fds, u.release, sysconf(_SC_NPROCESSORS_ONLN));
	printf("%d polls per collector row, %d runs of the others; times in ms per operation\n\n",
	       o.polls, o.runs);

	char idle_label[48], busy_label[48];
	snprintf(idle_label, sizeof(idle_label), "%ld connections", idle.connections);
	snprintf(busy_label, sizeof(busy_label), "%ld connections", busy.connections);
	printf("%-28s %19s   %19s   %7s\n", "", idle_label, busy_label, "busy/0");
	printf("%-28s %9s %9s   %9s %9s\n", "", "median", "p90", "median", "p90");
	row("collector poll (netlink)", &idle.poll, &busy.poll);
	row("  + process names", &idle.poll_proc_names, &busy.poll_proc_names);
	row("collector poll (/proc mode)", &idle.poll_procfs, &busy.poll_procfs);
	row("LISTEN|CLOSE dump (ss -l's)", &idle.wide_dump, &busy.wide_dump);
	row("ss -Hltun", &idle.ss, &busy.ss);
	row("read /proc/net/* (4 files)", &idle.proc_read, &busy.proc_read);
	row("full /proc/*/fd walk", &idle.full_walk, &busy.full_walk);
	printf("  (the walk read %u fd links at 0 and %u at %ld connections)\n",
	       idle.walk_readlinks, busy.walk_readlinks, busy.connections);
	printf("  (collector poll CPU per poll: user %.3f + system %.3f ms at 0, "
	       "%.3f + %.3f ms at %ld)\n",
	       idle.poll_user_ms, idle.poll_sys_ms, busy.poll_user_ms, busy.poll_sys_ms,
	       busy.connections);
	printf("  (/proc/net/* is %zu bytes at 0 and %zu bytes at %ld connections)\n\n",
	       idle.proc_bytes, busy.proc_bytes, busy.connections);

	printf("ratios to the collector's poll (median / median):\n");
	printf("  %-26s %10s %10s\n", "", "0 conns", "busy");
	printf("  %-26s %9.1fx %9.1fx\n", "ss -Hltun / poll", idle.ss.median / idle.poll.median,
	       busy.ss.median / busy.poll.median);
	printf("  %-26s %9.1fx %9.1fx\n", "read /proc/net/* / poll",
	       idle.proc_read.median / idle.poll.median, busy.proc_read.median / busy.poll.median);
	printf("\n");

	double growth = busy.poll.median / idle.poll.median;
	bool growth_ok = growth <= 1.10;
	bool speed_ok = idle.poll.median < 2.0 && busy.poll.median < 2.0;
	printf("target: poll at %ld connections within 1.1x of the poll at 0: %.3fx  %s\n",
	       busy.connections, growth, growth_ok ? "PASS" : "FAIL");
	printf("target: median poll of %d listeners under 2 ms: %.3f ms / %.3f ms  %s\n",
	       N_LISTENER_ROWS, idle.poll.median, busy.poll.median, speed_ok ? "PASS" : "FAIL");

	pc_sockdiag_close(sd);
	pc_collector_close(netlink);
	pc_collector_close(with_names);
	pc_collector_close(procfs);
	for (int i = 0; i < n_listener_fds; i++)
		close(listeners[i].fd);
	return growth_ok && speed_ok ? 0 : 1;
}
