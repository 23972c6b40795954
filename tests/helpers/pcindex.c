/* SPDX-License-Identifier: ISC */
/* pcindex: turn `snmpwalk -On -Oq` lines of a pcListenerTable column into
 * `PROTO ADDRESS PORT VALUE` lines, the address printed the way `ss` does,
 * so that a test can compare the MIB with `ss -Hltun` line by line.
 *
 *   snmpwalk -On -Oq ... COLUMN_OID | pcindex COLUMN_OID
 *
 * Lines that do not start with COLUMN_OID are ignored. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pcindex COLUMN_OID < walk\n");
		return 2;
	}
	const char *prefix = argv[1];
	size_t prefix_len = strlen(prefix);
	char line[1024];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (strncmp(line, prefix, prefix_len) != 0 || line[prefix_len] != '.')
			continue;
		char *p = line + prefix_len + 1;
		unsigned long sub[64];
		size_t n = 0;
		while (n < 64) {
			char *end;
			sub[n++] = strtoul(p, &end, 10);
			if (*end != '.') {
				p = end;
				break;
			}
			p = end + 1;
		}
		/* proto, type, length, length bytes, port */
		if (n < 4 || n != 4 + sub[2]) {
			fprintf(stderr, "pcindex: malformed index in: %s", line);
			return 1;
		}
		struct pc_endpoint ep = { .proto = (uint8_t)sub[0], .addr_type = (uint8_t)sub[1],
					  .addr_len = (uint8_t)sub[2], .port = (uint16_t)sub[n - 1] };
		for (size_t i = 0; i < ep.addr_len && i < PC_ADDR_MAX; i++)
			ep.addr[i] = (uint8_t)sub[3 + i];
		char address[80];
		pc_endpoint_format_addr(&ep, address, sizeof(address));
		while (*p == ' ')
			p++;
		p[strcspn(p, "\n")] = '\0';
		printf("%s %s %u %s\n", pc_proto_name(ep.proto), address, ep.port, p);
	}
	return 0;
}
