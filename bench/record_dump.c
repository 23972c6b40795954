/* SPDX-License-Identifier: ISC */
/* record_dump: save the raw sock_diag replies the collector receives, as
 * fixtures for the unit tests.
 *
 *   record_dump DIR [PORT,...]
 *
 * Writes DIR/{tcp4,tcp6,udp4,udp6}.bin: every datagram of the listener
 * dumps (TCP LISTEN, UDP CLOSE), concatenated; a concatenation of netlink
 * datagrams is itself a valid message stream, ending with NLMSG_DONE. With
 * ports, also DIR/connect4.bin and DIR/connect6.bin: the established-TCP
 * dumps filtered in the kernel by those remote ports. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/collect_internal.h"

struct recorder {
	const char *dir;
	const char *kind; /* "" for listener dumps, "connect" for connection dumps */
};

static void write_datagram(void *ctx, int family, uint8_t proto, const void *buf, size_t len)
{
	const struct recorder *r = ctx;
	char path[4096];

	if (r->kind[0] != '\0')
		snprintf(path, sizeof(path), "%s/%s%d.bin", r->dir, r->kind,
			 family == AF_INET ? 4 : 6);
	else
		snprintf(path, sizeof(path), "%s/%s%d.bin", r->dir, pc_proto_name(proto),
			 family == AF_INET ? 4 : 6);
	FILE *f = fopen(path, "ab");
	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "record_dump: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char err[256];
	struct pc_snapshot snap = { 0 };
	uint16_t ports[64];
	size_t n_ports = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: record_dump DIR [PORT,...]\n");
		return 2;
	}
	if (argc == 3)
		for (char *p = strtok(argv[2], ","); p != NULL && n_ports < 64; p = strtok(NULL, ","))
			ports[n_ports++] = (uint16_t)atoi(p);

	struct recorder rec = { .dir = argv[1], .kind = "" };
	struct pc_sockdiag *sd = pc_sockdiag_open(err, sizeof(err));
	if (sd == NULL) {
		fprintf(stderr, "record_dump: %s\n", err);
		return 1;
	}
	pc_sockdiag_set_tap(sd, write_datagram, &rec);
	int rc = pc_sockdiag_dump_listeners(sd, 1u << PC_TCP_LISTEN, &snap, err, sizeof(err));
	if (rc == 0 && n_ports > 0) {
		rec.kind = "connect";
		rc = pc_sockdiag_dump_connections(sd, ports, n_ports, &snap, err, sizeof(err));
	}
	if (rc < 0)
		fprintf(stderr, "record_dump: %s\n", err);
	pc_sockdiag_close(sd);
	pc_snapshot_clear(&snap);
	return rc < 0 ? 1 : 0;
}
