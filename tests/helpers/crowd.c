/* SPDX-License-Identifier: ISC */
/* crowd: make a host busy for integration tests, cheaply.
 *
 *   crowd sockets N        N UDP sockets, each bound to 127.0.0.1 on a port
 *                          of its own (a host with that many listeners), in
 *                          processes of at most SOCKETS_PER_PROCESS each
 *   crowd files N PROCS    PROCS processes (this one and PROCS - 1 children)
 *                          each holding N descriptors of /dev/null (a host
 *                          whose fd tables are costly to walk)
 *
 * Prints "ready" once everything is open, then holds it until SIGTERM or
 * SIGINT; the children go with the parent. The soft descriptor limit is
 * raised as far as needed (a sandbox may cap the hard one: hence several
 * processes). Any failure prints "error: ..." and exits 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper_process.h"

#define SOCKETS_PER_PROCESS 8000

static void allow_descriptors(long n)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) < 0)
		die("getrlimit");
	if (limit.rlim_cur >= (rlim_t)n + 64)
		return;
	if (limit.rlim_max < (rlim_t)n + 64) {
		errno = EMFILE;
		die("the hard limit on descriptors is too low");
	}
	limit.rlim_cur = (rlim_t)n + 64;
	if (setrlimit(RLIMIT_NOFILE, &limit) < 0)
		die("setrlimit RLIMIT_NOFILE");
}

static void open_sockets(long n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			die("socket");
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			die("bind");
	}
}

/* In this process and children of SOCKETS_PER_PROCESS sockets each;
 * returns once every child has opened its own. */
static void open_sockets_in_processes(long n)
{
	int opened[2];
	if (pipe(opened) < 0)
		die("pipe");
	pid_t parent = getpid();
	while (n > SOCKETS_PER_PROCESS) {
		pid_t child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
			if (getppid() != parent)
				exit(0);
			close(opened[0]);
			allow_descriptors(SOCKETS_PER_PROCESS);
			open_sockets(SOCKETS_PER_PROCESS);
			close(opened[1]); /* this child is ready */
			hold();
		}
		n -= SOCKETS_PER_PROCESS;
	}
	close(opened[1]);
	allow_descriptors(n);
	open_sockets(n);
	char byte;
	if (read(opened[0], &byte, 1) != 0) /* end of file: every child is ready */
		die("a child's sockets");
	close(opened[0]);
}

static void open_files(long n)
{
	int null = open("/dev/null", O_RDONLY);
	if (null < 0)
		die("/dev/null");
	for (long i = 1; i < n; i++)
		if (dup(null) < 0)
			die("dup");
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "sockets") == 0) {
		open_sockets_in_processes(atol(argv[2]));
	} else if (argc >= 4 && strcmp(argv[1], "files") == 0) {
		long n = atol(argv[2]), procs = atol(argv[3]);
		allow_descriptors(n);
		pid_t parent = getpid();
		for (long p = 1; p < procs; p++) {
			pid_t child = fork();
			if (child < 0)
				die("fork");
			if (child == 0) {
				prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
				if (getppid() != parent)
					exit(0);
				open_files(n);
				hold();
			}
		}
		open_files(n);
	} else {
		fprintf(stderr, "usage: crowd sockets N | crowd files N PROCS\n");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	hold();
}
