/* Helpers shared by the collector's unit tests: fixture files and the text
 * form of a snapshot that the fixtures' expected.txt files use. */
#ifndef PC_COLLECT_TEST_UTIL_H
#define PC_COLLECT_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"

/* Tests run from the repository root (make unit); PC_FIXTURES overrides. */
static inline const char *fixture_dir(void)
{
	const char *dir = getenv("PC_FIXTURES");
	return dir != NULL ? dir : "tests/fixtures/collect";
}

static inline void fixture_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", fixture_dir(), name);
}

/* The whole file, NUL-terminated (not counted in *len); aborts on failure
 * so that a missing fixture fails loudly. */
static inline char *read_fixture(const char *name, size_t *len)
{
	char path[4096];
	fixture_path(path, sizeof(path), name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		abort();
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static inline int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines sorted in C-locale order and joined; frees the lines. */
static inline char *join_sorted(char **lines, size_t n)
{
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += strlen(lines[i]);
	qsort(lines, n, sizeof(*lines), cmp_line);
	char *text = malloc(total);
	text[0] = '\0';
	char *end = text;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(lines[i]);
		memcpy(end, lines[i], len + 1);
		end += len;
		free(lines[i]);
	}
	free(lines);
	return text;
}

/* "PROTO ADDRESS PORT SOCKETS\n" per listener, in `sort` order as
 * expected.txt is. The caller frees the result. */
static inline char *listeners_text(const struct pc_snapshot *snap)
{
	char **lines = calloc(snap->n_listeners + 1, sizeof(*lines));
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		char addr[64];
		pc_endpoint_format_addr(&l->local, addr, sizeof(addr));
		lines[i] = malloc(128);
		snprintf(lines[i], 128, "%s %s %u %u\n", pc_proto_name(l->local.proto), addr,
			 l->local.port, l->sockets);
	}
	return join_sorted(lines, snap->n_listeners);
}

/* "PROTO ADDRESS PORT COUNT\n" per remote endpoint, sorted likewise. */
static inline char *connections_text(const struct pc_snapshot *snap)
{
	char **lines = calloc(snap->n_connections + 1, sizeof(*lines));
	for (size_t i = 0; i < snap->n_connections; i++) {
		const struct pc_connection *c = &snap->connections[i];
		char addr[64];
		pc_endpoint_format_addr(&c->remote, addr, sizeof(addr));
		lines[i] = malloc(128);
		snprintf(lines[i], 128, "%s %s %u %u\n", pc_proto_name(c->remote.proto), addr,
			 c->remote.port, c->count);
	}
	return join_sorted(lines, snap->n_connections);
}

#endif
