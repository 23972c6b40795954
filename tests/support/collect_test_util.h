/* SPDX-License-Identifier: ISC */
/* Helpers shared by the collector's unit tests and the commands that print
 * what it saw: fixture files, the text form of a snapshot that the
 * fixtures' expected.txt files use, and a collector reading a fixture
 * /proc tree. Include after <cmocka.h>. */
#ifndef PC_COLLECT_TEST_UTIL_H
#define PC_COLLECT_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"
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

/* got (malloc'd; freed here) must be the text of the fixture file name. */
static inline void assert_fixture_text(char *got, const char *name)
{
	char *expected = read_fixture(name, NULL);
	assert_string_equal(got, expected);
	free(got);
	free(expected);
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

/* "PROTO ADDRESS PORT" of ep, then what format adds; malloc'd. */
__attribute__((format(printf, 2, 3))) static inline char *
endpoint_line(const struct pc_endpoint *ep, const char *format, ...)
{
	char addr[64], rest[256];
	va_list ap;
	va_start(ap, format);
	vsnprintf(rest, sizeof(rest), format, ap);
	va_end(ap);
	pc_endpoint_format_addr(ep, addr, sizeof(addr));
	char *line;
	if (asprintf(&line, "%s %s %u%s", pc_proto_name(ep->proto), addr, ep->port, rest) < 0)
		abort();
	return line;
}

/* "PROTO ADDRESS PORT SOCKETS\n" per listener, in `sort` order as
 * expected.txt is. The caller frees the result. */
static inline char *listeners_text(const struct pc_snapshot *snap)
{
	char **lines = calloc(snap->n_listeners + 1, sizeof(*lines));
	for (size_t i = 0; i < snap->n_listeners; i++)
		lines[i] = endpoint_line(&snap->listeners[i].local, " %u\n",
					 snap->listeners[i].sockets);
	return join_sorted(lines, snap->n_listeners);
}

/* The same with the process: "PROTO ADDRESS PORT SOCKETS PID PROCESS\n". */
static inline char *listeners_with_processes(const struct pc_snapshot *snap)
{
	char **lines = calloc(snap->n_listeners + 1, sizeof(*lines));
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		lines[i] = endpoint_line(&l->local, " %u %d %s\n", l->sockets, (int)l->pid,
					 l->process);
	}
	return join_sorted(lines, snap->n_listeners);
}

/* "PROTO ADDRESS PORT COUNT\n" per remote endpoint, sorted likewise. */
static inline char *connections_text(const struct pc_snapshot *snap)
{
	char **lines = calloc(snap->n_connections + 1, sizeof(*lines));
	for (size_t i = 0; i < snap->n_connections; i++)
		lines[i] = endpoint_line(&snap->connections[i].remote, " %u\n",
					 snap->connections[i].count);
	return join_sorted(lines, snap->n_connections);
}

/* The listeners of the procroot fixture tree with their processes, as
 * listeners_with_processes() prints them. */
static const char procroot_listeners[] = "tcp * 80 1 200 nginx\n"
					 "tcp 0.0.0.0 2049 1 0 \n"
					 "tcp 0.0.0.0 22 1 100 sshd\n"
					 "tcp 0.0.0.0 443 2 200 nginx\n"
					 "tcp 127.0.0.1 8080 1 300 app?x\n"
					 "tcp [::1] 8443 1 300 app?x\n"
					 "tcp [::] 22 1 100 sshd\n"
					 "tcp [::ffff:127.0.0.1] 9000 1 300 app?x\n"
					 "udp 0.0.0.0 53 1 400 dnsd\n"
					 "udp 127.0.0.1 323 1 400 dnsd\n"
					 "udp [::1] 323 1 400 dnsd\n";

/* A collector in procfs mode over a fixture tree. */
static inline struct pc_collector *procfs_collector(const char *tree, bool resolve_processes)
{
	char root[4096], err[256];
	fixture_path(root, sizeof(root), tree);
	struct pc_collector_options options = {
		.mode = PC_COLLECT_PROCFS,
		.proc_root = root,
		.resolve_processes = resolve_processes,
	};
	struct pc_collector *c = pc_collector_open(&options, err, sizeof(err));
	if (c == NULL)
		fail_msg("pc_collector_open: %s", err);
	return c;
}

#endif
