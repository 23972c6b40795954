/* SPDX-License-Identifier: ISC */
/* baseline_file.c: the baseline across restarts. What is written is read
 * back the same (every address type, any process name); the file replaces
 * the old one whole; a missing file is a first start, one that does not
 * parse or cannot be read is said once (FILE:LINE) and taken as missing,
 * never read past its bound, never waited on (a FIFO); the directory is
 * made, and given to the service user when root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/baseline.h"
#include "daemon/baseline_file.h"
#include "log_capture.h"

struct dir {
	char path[64];
	char file[128];
};

static int dir_new(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/pc-baseline.XXXXXX");
	if (d == NULL || mkdtemp(d->path) == NULL)
		return -1;
	snprintf(d->file, sizeof(d->file), "%s/baseline", d->path);
	*state = d;
	log_capture_start();
	return 0;
}

static int dir_free(void **state)
{
	struct dir *d = *state;
	log_capture_stop();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	if (system(cmd) != 0)
		return -1;
	free(d);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void add(struct pc_baseline *b, uint8_t proto, int family, const char *address,
		uint32_t ifindex, bool v6only, uint16_t port, uint32_t uid, const char *process)
{
	uint8_t bytes[16] = { 0 };
	struct pc_endpoint ep;
	assert_int_equal(inet_pton(family, address, bytes), 1);
	pc_endpoint_set(&ep, proto, family, bytes, v6only, ifindex, port);
	assert_int_equal(pc_baseline_add(b, &ep, uid, process), 0);
}

/* Written, read back: the same identities in the same age order. */
static void round_trip(void **state)
{
	struct dir *d = *state;
	struct pc_baseline b, back;
	pc_baseline_init(&b);
	add(&b, IPPROTO_TCP, AF_INET, "0.0.0.0", 0, false, 22, 0, "sshd");
	add(&b, IPPROTO_UDP, AF_INET6, "::1", 0, true, 1161, 0, "snmpd");
	add(&b, IPPROTO_TCP, AF_INET6, "::", 0, false, 8080, 4294967294u, ""); /* dual-stack */
	add(&b, IPPROTO_UDP, AF_INET, "0.0.0.0", 3, false, 67, 0, "a b\\c"); /* device-bound */
	add(&b, IPPROTO_TCP, AF_INET6, "fe80::1", 2, true, 443, 1000, "-");
	add(&b, IPPROTO_TCP, AF_INET, "10.0.0.1", 0, false, 9, 7, "\x01\xff" "123456789abcd");
	pc_baseline_finish(&b);
	char err[256];
	assert_int_equal(pc_baseline_file_write(d->path, &b, err, sizeof(err)), 0);

	const char *text = read_text(d->file);
	assert_non_null(strstr(text, "portcomplyd baseline 1\n#"));
	assert_non_null(strstr(text, "\ntcp ipv4 00000000 22 0 sshd\n"
				     "udp ipv6 00000000000000000000000000000001 1161 0 snmpd\n"
				     "tcp unknown - 8080 4294967294 -\n"
				     "udp ipv4z 0000000000000003 67 0 a\\x20b\\x5cc\n"
				     "tcp ipv6z fe80000000000000000000000000000100000002 443 1000 \\x2d\n"
				     "tcp ipv4 0a000001 9 7 \\x01\\xff123456789abcd\n"));

	pc_baseline_init(&back);
	pc_baseline_file_read(d->path, &back);
	assert_true(back.primed);
	assert_false(back.changed);
	assert_int_equal(back.n, b.n);
	const struct pc_baseline_entry **want = pc_baseline_by_age(&b), **got = pc_baseline_by_age(&back);
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(pc_endpoint_cmp(&want[i]->local, &got[i]->local), 0);
		assert_int_equal(want[i]->uid, got[i]->uid);
		assert_string_equal(want[i]->process, got[i]->process);
	}
	free(want);
	free(got);
	assert_int_equal(n_logged, 0);

	/* Written again: replaced whole, no temporary file left beside it. */
	pc_baseline_free(&back);
	pc_baseline_init(&back);
	add(&back, IPPROTO_TCP, AF_INET, "0.0.0.0", 0, false, 25, 0, "smtpd");
	pc_baseline_finish(&back);
	assert_int_equal(pc_baseline_file_write(d->path, &back, err, sizeof(err)), 0);
	text = read_text(d->file);
	assert_null(strstr(text, "sshd"));
	assert_non_null(strstr(text, "\ntcp ipv4 00000000 25 0 smtpd\n"));
	DIR *dir = opendir(d->path);
	struct dirent *entry;
	int files = 0;
	while ((entry = readdir(dir)) != NULL)
		files += entry->d_name[0] != '.' || strcmp(entry->d_name, ".baseline.new") == 0;
	closedir(dir);
	assert_int_equal(files, 1);
	pc_baseline_free(&back);
	pc_baseline_free(&b);
}

static void missing_file_is_a_first_start(void **state)
{
	struct dir *d = *state;
	struct pc_baseline b;
	pc_baseline_init(&b);
	pc_baseline_file_read(d->path, &b);
	assert_false(b.primed);
	assert_int_equal(b.n, 0);
	assert_int_equal(n_logged, 1);
	assert_non_null(strstr(logged[0], "no baseline in"));
}

/* Each of these is said once, at its line, and nothing of it is kept. */
static void bad_files_are_taken_as_missing(void **state)
{
	struct dir *d = *state;
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
		{ "", ":1: empty" },
		{ "portcomplyd baseline 2\n", ":1: not a baseline written by this version" },
		{ "tcp ipv4 00000000 22 0 sshd\n", ":1: not a baseline" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 22 0 sshd", ":2: the last line does not end" },
		{ "portcomplyd baseline 1\nsctp ipv4 00000000 22 0 x\n", ":2: the protocol" },
		{ "portcomplyd baseline 1\ntcp ipv7 00000000 22 0 x\n", ":2: not an address type" },
		{ "portcomplyd baseline 1\ntcp ipv4 000000 22 0 x\n", ":2: the address is not as long" },
		{ "portcomplyd baseline 1\ntcp unknown 00 22 0 x\n", ":2: the address is not as long" },
		{ "portcomplyd baseline 1\ntcp ipv4 0A000001 22 0 x\n", ":2: the address is not lowercase hex" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 0 0 x\n", ":2: the port" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 65536 0 x\n", ":2: the port" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 -1 0 x\n", ":2: the port" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 22 4294967296 x\n", ":2: the uid" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 22 0 \\x0\n", ":2: the process name" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 22 0 \\x00\n", ":2: the process name" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 22 0 0123456789abcdef\n", ":2: the process name" },
		{ "portcomplyd baseline 1\n# fine\ntcp ipv4 00000000 22 0\n", ":3: not 6 fields" },
		{ "portcomplyd baseline 1\ntcp ipv4 00000000 22 0 a b\n", ":2: not 6 fields" },
		{ "portcomplyd baseline 1\ntcp  ipv4 00000000 22 0 x\n", ":2: not 6 fields" },
		{ "portcomplyd baseline 1\n\n", ":2: not 6 fields" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(d->file, bad[i].text);
		struct pc_baseline b;
		pc_baseline_init(&b);
		n_logged = 0;
		pc_baseline_file_read(d->path, &b);
		if (b.primed || b.n != 0 || n_logged != 1 || strstr(logged[0], d->file) == NULL ||
		    strstr(logged[0], bad[i].why) == NULL ||
		    strstr(logged[0], "the first poll is the baseline again") == NULL)
			fail_msg("case %zu: primed %d, %zu kept, %d lines: %s", i, b.primed, b.n,
				 n_logged, n_logged > 0 ? logged[0] : "");
		pc_baseline_free(&b);
	}
}

/* Not a regular file (a FIFO is not waited on), or over its bound: not
 * read. More lines than a baseline holds: refused. */
static void what_is_not_read(void **state)
{
	struct dir *d = *state;
	struct pc_baseline b;
	pc_baseline_init(&b);
	assert_int_equal(mkfifo(d->file, 0600), 0);
	pc_baseline_file_read(d->path, &b);
	assert_false(b.primed);
	assert_non_null(strstr(logged[0], "not a regular file"));
	unlink(d->file);

	assert_int_equal(mkdir(d->file, 0700), 0);
	pc_baseline_file_read(d->path, &b);
	assert_non_null(strstr(logged[1], "not a regular file"));
	rmdir(d->file);

	write_text(d->file, "portcomplyd baseline 1\n");
	assert_int_equal(truncate(d->file, PC_BASELINE_FILE_MAX + 1), 0);
	pc_baseline_file_read(d->path, &b);
	assert_non_null(strstr(logged[2], "longer than a baseline can be"));

	FILE *f = fopen(d->file, "w");
	assert_non_null(f);
	fputs("portcomplyd baseline 1\n", f);
	for (unsigned i = 0; i <= PC_BASELINE_MAX; i++)
		fprintf(f, "tcp ipv4 %08x 1 0 x\n", i);
	assert_int_equal(fclose(f), 0);
	pc_baseline_file_read(d->path, &b);
	assert_false(b.primed);
	assert_int_equal(b.n, 0);
	assert_non_null(strstr(logged[3], ":16386: more listeners than a baseline holds"));
	assert_int_equal(n_logged, 4);
}

/* A directory that cannot be written: -1, the reason, nothing left. */
static void a_failed_write_says_why(void **state)
{
	struct dir *d = *state;
	struct pc_baseline b;
	pc_baseline_init(&b);
	char err[256], missing[128];
	snprintf(missing, sizeof(missing), "%s/gone", d->path);
	assert_int_equal(pc_baseline_file_write(missing, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "gone/.baseline.new"));
	assert_non_null(strstr(err, strerror(ENOENT)));
}

/* The directory is made; started as root, it is given to the user the
 * daemon becomes (when that user cannot write it yet). */
static void prepare_makes_and_gives_the_directory(void **state)
{
	struct dir *d = *state;
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/state", d->path);
	const struct passwd *pw = getpwnam("nobody");
	pc_baseline_file_prepare(sub, "nobody");
	struct stat st;
	assert_int_equal(stat(sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	if (geteuid() == 0 && pw != NULL) {
		assert_int_equal(st.st_uid, pw->pw_uid);
		assert_int_equal(st.st_mode & 0777, 0750);
	}
	pc_baseline_file_prepare(sub, "nobody"); /* again: nothing to do, nothing said */
	assert_int_equal(n_logged, 0);
	snprintf(sub, sizeof(sub), "%s/no/such", d->path);
	pc_baseline_file_prepare(sub, "nobody");
	assert_int_equal(n_logged, 1);
	assert_non_null(strstr(logged[0], "cannot make the state directory"));
}

#define IN_DIR(test) cmocka_unit_test_setup_teardown(test, dir_new, dir_free)

int main(void)
{
	const struct CMUnitTest tests[] = {
		IN_DIR(round_trip),
		IN_DIR(missing_file_is_a_first_start),
		IN_DIR(bad_files_are_taken_as_missing),
		IN_DIR(what_is_not_read),
		IN_DIR(a_failed_write_says_why),
		IN_DIR(prepare_makes_and_gives_the_directory),
	};
	return cmocka_run_group_tests_name("daemon: the baseline's file", tests, NULL, NULL);
}
