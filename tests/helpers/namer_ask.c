/* SPDX-License-Identifier: ISC */
/* namer-ask: ask a real naming helper about socket inodes, as the daemon
 * does, through the real privileged processes (priv.c).
 *
 *   namer-ask USER INODE...      (as root)
 *
 * Drops to USER as portcomplyd does (the monitor and a naming helper
 * forked first, with their two capabilities), asks the helper about the
 * inodes given, and prints one line per inode: "INODE NAMING [PID/NAME...]",
 * NAMING as pcListenerNaming spells it (a refused inode is "pending"),
 * then "refused N". Exits 1 on any failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/namer_client.h"
#include "collect/namer_protocol.h"
#include "priv/priv.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: namer-ask USER INODE...\n");
		return 2;
	}
	uint32_t n = (uint32_t)(argc - 2);
	uint64_t *inodes = calloc(n, sizeof(*inodes));
	struct pc_naming_answer *answers = calloc(n, sizeof(*answers));
	unsigned char *message = malloc(PC_NAMER_MESSAGE_MAX);
	if (inodes == NULL || answers == NULL || message == NULL)
		return 1;
	for (uint32_t i = 0; i < n; i++)
		inodes[i] = strtoull(argv[i + 2], NULL, 10);

	struct pc_priv priv;
	char err[512];
	if (pc_priv_drop(&priv, argv[1], true, NULL, err, sizeof(err)) < 0 || priv.namer_fd < 0) {
		fprintf(stderr, "namer-ask: %s\n", priv.namer_fd < 0 ? "no helper" : err);
		return 1;
	}
	uint32_t offset = 0;
	do {
		size_t len = pc_namer_request_chunk(1, inodes, n, offset, 0, message);
		if (pc_namer_send(priv.namer_fd, message, len, 0, -1) < 0) {
			fprintf(stderr, "namer-ask: send: %s\n", strerror(errno));
			return 1;
		}
		offset += n - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : n - offset;
	} while (offset < n);
	struct pc_namer_reply reply = { .id = 1, .asked = inodes, .total = n, .answers = answers };
	int taken = 0;
	while (taken == 0) {
		ssize_t got = pc_namer_recv(priv.namer_fd, message, PC_NAMER_MESSAGE_MAX, 0, NULL);
		taken = got > 0 ? pc_namer_reply_take(&reply, message, (size_t)got) : -1;
	}
	if (taken < 0) {
		fprintf(stderr, "namer-ask: no answer\n");
		return 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		printf("%llu %s", (unsigned long long)answers[i].inode,
		       pc_naming_name((enum pc_naming)answers[i].naming));
		for (uint8_t h = 0; h < answers[i].n_holders; h++)
			printf(" %d/%s", (int)answers[i].holders[h].pid, answers[i].holders[h].process);
		printf("\n");
	}
	printf("refused %u\n", reply.stats.refused);
	pc_priv_finish(&priv);
	free(inodes);
	free(answers);
	free(message);
	return 0;
}
