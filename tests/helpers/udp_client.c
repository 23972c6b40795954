/* SPDX-License-Identifier: ISC */
/* udp_client: UDP sockets as clients hold them, for integration tests.
 *
 *   udp_client ADDRESS PORT COUNT
 *
 * Opens COUNT sockets the way an NTP client does: each bound to the
 * wildcard of ADDRESS's family with port 0 (the kernel picks a port of its
 * ephemeral range), then one datagram sent to ADDRESS PORT with sendto, so
 * the socket stays unconnected. Prints "port N" for each, then "ready",
 * and holds them until stdin ends (or says "quit"). Any failure prints
 * "error: ..." on stderr and exits 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper_process.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: udp_client ADDRESS PORT COUNT\n");
		return 2;
	}
	struct sockaddr_storage to = { 0 }, any = { 0 };
	socklen_t len;
	struct sockaddr_in *to4 = (struct sockaddr_in *)&to;
	struct sockaddr_in6 *to6 = (struct sockaddr_in6 *)&to;
	int port = atoi(argv[2]), count = atoi(argv[3]);
	if (inet_pton(AF_INET, argv[1], &to4->sin_addr) == 1) {
		to4->sin_family = AF_INET;
		to4->sin_port = htons((uint16_t)port);
		len = sizeof(*to4);
	} else if (inet_pton(AF_INET6, argv[1], &to6->sin6_addr) == 1) {
		to6->sin6_family = AF_INET6;
		to6->sin6_port = htons((uint16_t)port);
		len = sizeof(*to6);
	} else {
		fprintf(stderr, "error: %s: not an IPv4 or IPv6 address\n", argv[1]);
		return 1;
	}
	any.ss_family = to.ss_family; /* the wildcard, port 0 */
	for (int i = 0; i < count; i++) {
		int fd = socket(to.ss_family, SOCK_DGRAM, 0);
		if (fd < 0)
			die("socket");
		if (bind(fd, (struct sockaddr *)&any, len) < 0)
			die("bind");
		if (sendto(fd, "?", 1, 0, (struct sockaddr *)&to, len) < 0)
			die("sendto");
		struct sockaddr_storage local;
		socklen_t local_len = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &local_len) < 0)
			die("getsockname");
		printf("port %u\n", ntohs(to.ss_family == AF_INET
						  ? ((struct sockaddr_in *)&local)->sin_port
						  : ((struct sockaddr_in6 *)&local)->sin6_port));
	}
	printf("ready\n");
	fflush(stdout);
	char line[64];
	while (fgets(line, sizeof(line), stdin) != NULL && strcmp(line, "quit\n") != 0)
		;
	return 0;
}
