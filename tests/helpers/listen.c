/* SPDX-License-Identifier: ISC */
/* listen: open TCP/UDP listeners for integration tests and hold them open.
 *
 *   listen SPEC...
 *   SPEC = PROTO/ADDRESS/PORT[/OPTION[,OPTION...]]
 *     PROTO   tcp | udp
 *     ADDRESS an IPv4 or IPv6 literal (no brackets); "::" is dual-stack
 *             unless the v6only option is given
 *     PORT    0 lets the kernel choose
 *     OPTION  v6only | reuseport=N (N sockets in one SO_REUSEPORT group) |
 *             dev=NAME (SO_BINDTODEVICE) | freebind (IP_FREEBIND: an address
 *             the host does not hold) | scope=NAME (the zone of a
 *             link-local IPv6 address)
 *
 * Prints "bound INDEX PROTO ADDRESS PORT" for every spec (index from 0), then
 * "ready", then obeys one command per line on stdin, answering each:
 *   close INDEX   -> "closed INDEX"    (closes every socket of that spec)
 *   open INDEX    -> "opened INDEX"    (binds it again on the same port)
 *   quit / EOF    -> exits 0
 * Any failure prints "error: ..." on stderr and exits 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns_sockets.h"

#define MAX_GROUP 64

struct spec {
	int type; /* SOCK_STREAM or SOCK_DGRAM */
	int family;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	bool v6only;
	bool freebind;
	char device[IF_NAMESIZE]; /* "": not bound to a device */
	int group; /* sockets in the reuseport group; 1 without reuseport */
	int fds[MAX_GROUP];
	int n_fds;
	char text[128];
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static void parse_spec(struct spec *s, char *arg)
{
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", arg);
	snprintf(s->text, sizeof(s->text), "%s", arg);

	char *proto = strtok(copy, "/");
	char *address = strtok(NULL, "/");
	char *port = strtok(NULL, "/");
	char *options = strtok(NULL, "/");
	if (proto == NULL || address == NULL || port == NULL)
		die("bad spec '%s' (want PROTO/ADDRESS/PORT[/OPTIONS])", arg);
	if (strcmp(proto, "tcp") == 0)
		s->type = SOCK_STREAM;
	else if (strcmp(proto, "udp") == 0)
		s->type = SOCK_DGRAM;
	else
		die("bad protocol in '%s'", arg);

	char *end;
	long p = strtol(port, &end, 10);
	if (*end != '\0' || p < 0 || p > 65535)
		die("bad port in '%s'", arg);

	if (socket_address(address, (uint16_t)p, &s->addr, &s->addr_len) < 0)
		die("bad address in '%s'", arg);
	s->family = s->addr.ss_family;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->addr;

	s->group = 1;
	for (char *opt = options ? strtok(options, ",") : NULL; opt; opt = strtok(NULL, ",")) {
		if (strcmp(opt, "v6only") == 0) {
			s->v6only = true;
		} else if (strcmp(opt, "freebind") == 0) {
			s->freebind = true;
		} else if (strncmp(opt, "dev=", 4) == 0) {
			snprintf(s->device, sizeof(s->device), "%s", opt + 4);
		} else if (strncmp(opt, "scope=", 6) == 0 && s->family == AF_INET6) {
			in6->sin6_scope_id = if_nametoindex(opt + 6);
			if (in6->sin6_scope_id == 0)
				die("no interface for '%s'", arg);
		} else if (strncmp(opt, "reuseport=", 10) == 0) {
			s->group = atoi(opt + 10);
			if (s->group < 1 || s->group > MAX_GROUP)
				die("bad reuseport count in '%s'", arg);
		} else {
			die("unknown option in '%s'", arg);
		}
	}
}

static uint16_t bound_port(const struct spec *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(s->fds[0], (struct sockaddr *)&ss, &len) < 0)
		die("getsockname: %s", strerror(errno));
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void open_spec(struct spec *s)
{
	int one = 1;
	for (int i = 0; i < s->group; i++) {
		int fd = socket(s->family, s->type, 0);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (s->group > 1)
			setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
		if (s->family == AF_INET6) {
			int v6only = s->v6only;
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
		}
		if (s->freebind && setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
			die("IP_FREEBIND: %s", strerror(errno));
		if (s->device[0] != '\0' &&
		    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, s->device,
			       (socklen_t)strlen(s->device) + 1) < 0)
			die("SO_BINDTODEVICE: %s", strerror(errno));
		if (bind(fd, (struct sockaddr *)&s->addr, s->addr_len) < 0)
			die("bind %s failed", s->text);
		if (s->type == SOCK_STREAM && listen(fd, 64) < 0)
			die("listen %s failed", s->text);
		s->fds[s->n_fds++] = fd;
		/* Later members of a group (and a reopen) must use the same port. */
		if (i == 0) {
			uint16_t port = htons(bound_port(s));
			if (s->family == AF_INET)
				((struct sockaddr_in *)&s->addr)->sin_port = port;
			else
				((struct sockaddr_in6 *)&s->addr)->sin6_port = port;
		}
	}
}

static void close_spec(struct spec *s)
{
	for (int i = 0; i < s->n_fds; i++)
		close(s->fds[i]);
	s->n_fds = 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: listen PROTO/ADDRESS/PORT[/v6only,reuseport=N]...\n");
		return 2;
	}
	int n = argc - 1;
	struct spec *specs = calloc((size_t)n, sizeof(*specs));
	if (specs == NULL)
		die("%s", "out of memory");
	for (int i = 0; i < n; i++) {
		parse_spec(&specs[i], argv[i + 1]);
		open_spec(&specs[i]);
		char text[INET6_ADDRSTRLEN];
		const void *a = specs[i].family == AF_INET
					? (const void *)&((struct sockaddr_in *)&specs[i].addr)->sin_addr
					: (const void *)&((struct sockaddr_in6 *)&specs[i].addr)->sin6_addr;
		inet_ntop(specs[i].family, a, text, sizeof(text));
		printf("bound %d %s %s %u\n", i, specs[i].type == SOCK_STREAM ? "tcp" : "udp", text,
		       bound_port(&specs[i]));
	}
	printf("ready\n");
	fflush(stdout);

	char line[128];
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char verb[16];
		int index = -1;
		if (sscanf(line, "%15s %d", verb, &index) < 1)
			continue;
		if (strcmp(verb, "quit") == 0)
			break;
		if (index < 0 || index >= n) {
			fprintf(stderr, "error: no spec %d\n", index);
			continue;
		}
		if (strcmp(verb, "close") == 0) {
			close_spec(&specs[index]);
			printf("closed %d\n", index);
		} else if (strcmp(verb, "open") == 0) {
			if (specs[index].n_fds == 0)
				open_spec(&specs[index]);
			printf("opened %d\n", index);
		} else {
			fprintf(stderr, "error: unknown command '%s'\n", verb);
		}
		fflush(stdout);
	}
	for (int i = 0; i < n; i++)
		close_spec(&specs[i]);
	free(specs);
	return 0;
}
