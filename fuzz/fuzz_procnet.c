/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the /proc/net/{tcp,tcp6,udp,udp6} reader. Each input
 * is one file's contents: every line goes through the line parser as IPv4
 * and IPv6, and the whole file is read by pc_procnet_read from a private
 * proc root as tcp and udp (tcp6 and udp6 absent, as with IPv6 off),
 * connections wanted or not. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collect_internal.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static const char *const names[] = { "tcp", "tcp6", "udp", "udp6" };

static void remove_root(void)
{
	char path[128];
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/net/%s", root, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/net", root);
	rmdir(path);
	rmdir(root);
}

static void setup(void)
{
	char dir[96];
	atexit(remove_root);
	snprintf(root, sizeof(root), "/dev/shm/pc-fuzz-procnet.%ld", (long)getpid());
	snprintf(dir, sizeof(dir), "%s/net", root);
	mkdir(root, 0700);
	mkdir(dir, 0700);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (root[0] == '\0')
		setup();

	/* line by line, as a C string each */
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *line = text, *end; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if (end != NULL)
			*end++ = '\0';
		struct pc_procnet_entry e;
		pc_procnet_parse_line(line, AF_INET, &e);
		pc_procnet_parse_line(line, AF_INET6, &e);
	}
	free(text);

	for (size_t i = 0; i < 4; i += 2) {
		char path[128];
		snprintf(path, sizeof(path), "%s/net/%s", root, names[i]);
		fuzz_write_file(path, data, size);
	}
	static struct pc_snapshot snap;
	static struct pc_port_set ports;
	static const uint16_t wanted[] = { 22, 1521, 40000 };
	pc_port_set_assign(&ports, wanted, 3);
	char first_bad[256], err[256];
	for (int connections = 0; connections < 2; connections++) {
		pc_snapshot_reset(&snap);
		first_bad[0] = err[0] = '\0';
		if (pc_procnet_read(root, connections ? &ports : NULL, &snap, first_bad,
				    sizeof(first_bad), err, sizeof(err)) == 0)
			pc_snapshot_finish(&snap);
	}
	return 0;
}
