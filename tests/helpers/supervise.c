/* SPDX-License-Identifier: ISC */
/* supervise: a socket-activating supervisor for integration tests.
 *
 *   supervise PROTO/ADDRESS/PORT NAME
 *
 * Opens the listener (as listen's specs say it: tcp or udp, an address
 * literal, a port), then forks a child that calls itself NAME (its
 * command name, as ps -o comm shows it) and keeps the socket, as a
 * service started by systemd or inetd does; the supervisor keeps its copy
 * too. Prints "service PID" and "ready", then both hold the socket until
 * the supervisor gets SIGTERM or SIGINT (the child goes with it). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper_process.h"
#include "netns_sockets.h"

int main(int argc, char **argv)
{
	char spec[256], *proto, *address, *port;
	if (argc != 3 || strlen(argv[1]) >= sizeof(spec)) {
		fprintf(stderr, "usage: supervise PROTO/ADDRESS/PORT NAME\n");
		return 2;
	}
	snprintf(spec, sizeof(spec), "%s", argv[1]);
	proto = strtok(spec, "/");
	address = strtok(NULL, "/");
	port = strtok(NULL, "/");
	if (proto == NULL || address == NULL || port == NULL)
		return 2;
	struct sockaddr_storage ss;
	socklen_t len;
	if (socket_address(address, (uint16_t)atoi(port), &ss, &len) < 0)
		die("address");
	int tcp = strcmp(proto, "tcp") == 0, one = 1;
	int fd = socket(ss.ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || (tcp && listen(fd, 16) < 0))
		die("bind");
	int named[2];
	if (pipe(named) < 0)
		die("pipe");
	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
		if (getppid() != parent)
			exit(0);
		prctl(PR_SET_NAME, argv[2], 0, 0, 0);
		close(named[0]);
		close(named[1]); /* named: the supervisor may say ready */
		hold();
	}
	close(named[1]);
	char byte;
	if (read(named[0], &byte, 1) != 0)
		die("the service's start");
	close(named[0]);
	printf("service %ld\nready\n", (long)child);
	fflush(stdout);
	hold();
}
