/* SPDX-License-Identifier: ISC */
/* many_listeners: a host with tens of thousands of listeners, for the serve
 * bench (bench/serve_bench.sh), and what the kernel's sock_diag dump of
 * them costs.
 *
 *   many_listeners --hold N   open N listeners in the caller's network
 *                             namespace, print "listeners N", hold them
 *                             until end of input
 *   many_listeners --dump K   K raw dumps of the caller's namespace's
 *                             listeners; print "dump cpu_ms=... wall_ms=...
 *                             bytes=..." per dump (medians of K)
 *
 * The listeners: TCP on 127.0.0.1 (half), TCP on ::1 (three tenths), UDP
 * on 127.0.0.1 (a fifth), ports from 10000 up on each address, held by
 * one process per 10,000 (the fd limit is per process).
 *
 * A raw dump is what portcomplyd's collector asks the kernel for on every
 * poll (collect/sockdiag.c: TCP in state LISTEN and UDP in state CLOSE,
 * IPv4 then IPv6), read to the end into one buffer and not parsed: the
 * kernel's cost of the sockets and the copies, which no collector can
 * avoid. CPU time is this thread's (RUSAGE_THREAD, user + system). */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns_sockets.h"
#include "timing.h"

#define FIRST_PORT 10000
#define TCP_LISTEN_STATE 10 /* include/net/tcp_states.h */
#define TCP_CLOSE_STATE 7

static void die(const char *what)
{
	fprintf(stderr, "many_listeners: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Listeners first to last of the N; returns 0 or exits. */
static void open_slice(long n, long first, long last)
{
	long tcp4 = n / 2, tcp6 = n * 3 / 10;
	char err[256];
	struct bound_socket s;
	for (long i = first; i < last; i++) {
		int type = i < tcp4 + tcp6 ? SOCK_STREAM : SOCK_DGRAM;
		const char *addr = i >= tcp4 && i < tcp4 + tcp6 ? "::1" : "127.0.0.1";
		long port = FIRST_PORT + (i < tcp4 ? i : i < tcp4 + tcp6 ? i - tcp4 : i - tcp4 - tcp6);
		if (bound_socket_open(&s, type, addr, (uint16_t)port, false, false, err, sizeof(err)) < 0) {
			fprintf(stderr, "many_listeners: %s\n", err);
			exit(2);
		}
	}
}

/* The fd limit is per process (and may not be raised here): each holder
 * process keeps PER_PROCESS listeners, as a host's services would. */
#define PER_PROCESS 10000

static int hold(long n)
{
	if (FIRST_PORT + n / 2 > 65535) {
		fprintf(stderr, "many_listeners: %ld listeners do not fit the ports\n", n);
		return 2;
	}
	int ready[2];
	if (pipe(ready) < 0)
		die("pipe");
	long holders = (n + PER_PROCESS - 1) / PER_PROCESS;
	pid_t pids[holders];
	fflush(NULL);
	for (long h = 0; h < holders; h++) {
		pids[h] = fork();
		if (pids[h] < 0)
			die("fork");
		if (pids[h] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(1);
			long last = (h + 1) * PER_PROCESS < n ? (h + 1) * PER_PROCESS : n;
			open_slice(n, h * PER_PROCESS, last);
			if (write(ready[1], "!", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
	}
	close(ready[1]);
	char byte;
	for (long h = 0; h < holders; h++)
		if (read(ready[0], &byte, 1) != 1) {
			fprintf(stderr, "many_listeners: a holder process failed\n");
			return 2;
		}
	printf("listeners %ld\n", n);
	fflush(stdout);
	char buf[64];
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	for (long h = 0; h < holders; h++) {
		kill(pids[h], SIGKILL);
		waitpid(pids[h], NULL, 0);
	}
	return 0;
}

/* One dump request; its replies read to NLMSG_DONE. Returns the bytes. */
static size_t dump_one(int nl, int family, int proto, unsigned states, char *buf, size_t len)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nlh = { .nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.req = { .sdiag_family = (unsigned char)family, .sdiag_protocol = (unsigned char)proto,
			 .idiag_states = states },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(nl, &msg, sizeof(msg), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		die("sendto(NETLINK_SOCK_DIAG)");
	size_t total = 0;
	for (;;) {
		ssize_t n = recv(nl, buf, len, 0);
		if (n < 0)
			die("recv(NETLINK_SOCK_DIAG)");
		total += (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return total;
	}
}

static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int dump(int k)
{
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		die("socket(NETLINK_SOCK_DIAG)");
	size_t len = 64 * 1024; /* the collector's receive buffer */
	char *buf = malloc(len);
	double *cpu = calloc((size_t)k, sizeof(*cpu)), *wall = calloc((size_t)k, sizeof(*wall));
	if (buf == NULL || cpu == NULL || wall == NULL)
		die("malloc");
	size_t bytes = 0;
	for (int i = -2; i < k; i++) { /* two warm-up dumps */
		double c0 = cpu_ms(), t0 = now_ms();
		bytes = 0;
		for (int family = AF_INET; family <= AF_INET6; family += AF_INET6 - AF_INET) {
			bytes += dump_one(nl, family, IPPROTO_TCP, 1u << TCP_LISTEN_STATE, buf, len);
			bytes += dump_one(nl, family, IPPROTO_UDP, 1u << TCP_CLOSE_STATE, buf, len);
		}
		if (i >= 0) {
			wall[i] = now_ms() - t0;
			cpu[i] = cpu_ms() - c0;
		}
	}
	/* getrusage counts in scheduler ticks on some kernels: the mean of
	 * the CPU times is steadier than their median. */
	double cpu_sum = 0;
	for (int i = 0; i < k; i++)
		cpu_sum += cpu[i];
	printf("dump cpu_ms=%.3f wall_ms=%.3f bytes=%zu\n", cpu_sum / k, sort_median(wall, (size_t)k),
	       bytes);
	free(buf);
	free(cpu);
	free(wall);
	close(nl);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	if (argc == 3 && strcmp(argv[1], "--hold") == 0 && n > 0)
		return hold(n);
	if (argc == 3 && strcmp(argv[1], "--dump") == 0 && n > 0)
		return dump((int)n);
	fprintf(stderr, "usage: many_listeners --hold N | --dump K\n");
	return 2;
}
