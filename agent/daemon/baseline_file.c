/* SPDX-License-Identifier: ISC */
/* The baseline's file: its text form, reading it once, writing it whole. */
#include "daemon/baseline_file.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv/priv.h"
#include "util/log.h"

#define HEADER "portcomplyd baseline 1"

static const char *const type_names[] = { "unknown", "ipv4", "ipv6", "ipv4z", "ipv6z" };
static const uint8_t type_lengths[] = { 0, 4, 16, 8, 20 };

/* ---- writing ---- */

/* A line is formatted by hand into a buffer and written at once: the file
 * is rewritten whole, up to PC_BASELINE_MAX lines, and fprintf per field
 * (per address byte) was a visible share of the poll thread's time. */
struct line {
	char text[256]; /* the longest line is under 160 bytes */
	size_t len;
};

static void put_text(struct line *l, const char *s)
{
	size_t n = strlen(s);
	memcpy(l->text + l->len, s, n);
	l->len += n;
}

static void put_char(struct line *l, char c)
{
	l->text[l->len++] = c;
}

static void put_hex(struct line *l, unsigned char byte)
{
	static const char digits[] = "0123456789abcdef";
	put_char(l, digits[byte >> 4]);
	put_char(l, digits[byte & 15]);
}

static void put_uint(struct line *l, uint32_t v)
{
	char digits[10];
	size_t n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		put_char(l, digits[--n]);
}

static void put_process(struct line *l, const char *process)
{
	if (process[0] == '\0' || strcmp(process, "-") == 0) {
		put_text(l, process[0] == '\0' ? "-" : "\\x2d");
		return;
	}
	/* At most PC_PROCESS_MAX - 1 bytes (pc_baseline keeps no more), each
	 * at most 4 written. */
	for (size_t i = 0; i < PC_PROCESS_MAX - 1 && process[i] != '\0'; i++) {
		unsigned char c = (unsigned char)process[i];
		if (c > ' ' && c < 0x7f && c != '\\') {
			put_char(l, (char)c);
		} else {
			put_text(l, "\\x");
			put_hex(l, c);
		}
	}
}

static void write_entry(FILE *f, const struct pc_baseline_entry *e)
{
	struct line l = { .len = 0 };
	uint8_t type = e->local.addr_type < 5 ? e->local.addr_type : 0;
	put_text(&l, e->local.proto == IPPROTO_TCP ? "tcp " : "udp ");
	put_text(&l, type_names[type]);
	put_char(&l, ' ');
	if (e->local.addr_len == 0)
		put_char(&l, '-');
	for (uint8_t i = 0; i < e->local.addr_len && i < PC_ADDR_MAX; i++)
		put_hex(&l, e->local.addr[i]);
	put_char(&l, ' ');
	put_uint(&l, e->local.port);
	put_char(&l, ' ');
	put_uint(&l, e->uid);
	put_char(&l, ' ');
	put_process(&l, e->process);
	put_char(&l, '\n');
	fwrite(l.text, 1, l.len, f);
}

/* dir's file and its temporary neighbour. */
static void paths(const char *dir, char *path, char *tmp, size_t len)
{
	snprintf(path, len, "%s/" PC_BASELINE_FILE_NAME, dir);
	snprintf(tmp, len, "%s/." PC_BASELINE_FILE_NAME ".new", dir);
}

int pc_baseline_file_write(const char *dir, const struct pc_baseline *b, char *err,
			   size_t errlen)
{
	char path[4096], tmp[4096];
	paths(dir, path, tmp, sizeof(path));
	const struct pc_baseline_entry **by_age = pc_baseline_by_age(b);
	if (by_age == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(by_age);
		return -1;
	}
	fputs(HEADER "\n"
	      "# The listeners portcomplyd has seen on this host and who held each, the\n"
	      "# least recently seen first: one that comes back as it was is not news.\n"
	      "# protocol address-type address port uid process\n",
	      f);
	for (size_t i = 0; i < b->n; i++)
		write_entry(f, by_age[i]);
	free(by_age);
	bool failed = fflush(f) != 0 || ferror(f) || fsync(fd) != 0;
	int saved = errno;
	if (fclose(f) != 0 && !failed) {
		failed = true;
		saved = errno;
	}
	if (failed || rename(tmp, path) != 0) {
		if (!failed)
			saved = errno;
		snprintf(err, errlen, "%s: %s", failed ? tmp : path, strerror(saved));
		unlink(tmp);
		return -1;
	}
	/* The rename itself, on disk: */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* ---- reading ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A number of at most max, decimal digits only. */
static bool parse_number(const char *text, unsigned long max, unsigned long *out)
{
	unsigned long value = 0;
	if (*text == '\0' || strlen(text) > 10)
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		value = value * 10 + (unsigned long)(*p - '0');
	}
	if (value > max)
		return false;
	*out = value;
	return true;
}

static bool parse_process(const char *text, char out[PC_PROCESS_MAX])
{
	size_t n = 0;
	if (strcmp(text, "-") == 0) {
		out[0] = '\0';
		return true;
	}
	for (const char *p = text; *p != '\0'; n++) {
		if (n == PC_PROCESS_MAX - 1)
			return false;
		if (*p != '\\') {
			out[n] = *p++;
			continue;
		}
		int hi = p[1] == 'x' ? hex_digit(p[2]) : -1, lo = hi >= 0 ? hex_digit(p[3]) : -1;
		if (lo < 0 || (hi == 0 && lo == 0))
			return false;
		out[n] = (char)(hi << 4 | lo);
		p += 4;
	}
	out[n] = '\0';
	return n > 0;
}

/* One data line; NULL, or what is wrong with it. */
static const char *parse_line(char *line, struct pc_endpoint *local, uint32_t *uid,
			      char process[PC_PROCESS_MAX])
{
	char *field[6];
	int n = 0;
	for (char *p = line;; p++) {
		if (n == 6)
			return "not 6 fields separated by single spaces";
		field[n++] = p;
		p = strchr(p, ' ');
		if (p == NULL)
			break;
		*p = '\0';
	}
	if (n != 6)
		return "not 6 fields separated by single spaces";
	memset(local, 0, sizeof(*local));
	if (strcmp(field[0], "tcp") == 0)
		local->proto = IPPROTO_TCP;
	else if (strcmp(field[0], "udp") == 0)
		local->proto = IPPROTO_UDP;
	else
		return "the protocol is neither tcp nor udp";
	size_t type = 0;
	while (type < 5 && strcmp(field[1], type_names[type]) != 0)
		type++;
	if (type == 5)
		return "not an address type (unknown, ipv4, ipv6, ipv4z, ipv6z)";
	local->addr_type = (uint8_t)type;
	local->addr_len = type_lengths[type];
	if (local->addr_len == 0 ? strcmp(field[2], "-") != 0
				 : strlen(field[2]) != 2u * local->addr_len)
		return "the address is not as long as its type says";
	for (uint8_t i = 0; i < local->addr_len; i++) {
		int hi = hex_digit(field[2][2 * i]), lo = hex_digit(field[2][2 * i + 1]);
		if (hi < 0 || lo < 0)
			return "the address is not lowercase hex";
		local->addr[i] = (uint8_t)(hi << 4 | lo);
	}
	unsigned long port, owner;
	if (!parse_number(field[3], 65535, &port) || port == 0)
		return "the port is not a number from 1 to 65535";
	if (!parse_number(field[4], UINT32_MAX, &owner))
		return "the uid is not a number";
	local->port = (uint16_t)port;
	*uid = (uint32_t)owner;
	if (!parse_process(field[5], process))
		return "the process name is not 1 to 15 bytes, \\xHH escaped, or -";
	return NULL;
}

/* The file's text, NUL-terminated and malloc'd; NULL with errno (EFBIG:
 * too long, EINVAL: not a regular file). */
static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *text = NULL;
	int err = 0;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if (st.st_size > PC_BASELINE_FILE_MAX)
		err = EFBIG;
	else if ((text = malloc((size_t)st.st_size + 1)) == NULL)
		err = ENOMEM;
	size_t n = 0;
	while (err == 0 && n <= (size_t)st.st_size) {
		ssize_t got = read(fd, text + n, (size_t)st.st_size + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			err = errno;
		else if (got == 0)
			break;
		else
			n += (size_t)got;
	}
	if (err == 0 && n > (size_t)st.st_size)
		err = EFBIG; /* it grew while read */
	close(fd);
	if (err != 0) {
		free(text);
		errno = err;
		return NULL;
	}
	text[n] = '\0';
	return text;
}

/* Parses text into b; 0, or the line that is wrong (*why says how). */
static unsigned parse_file(char *text, struct pc_baseline *b, const char **why)
{
	unsigned line_no = 0, entries = 0;
	for (char *line = text; *line != '\0';) {
		char *end = strchr(line, '\n');
		line_no++;
		if (end == NULL) {
			*why = "the last line does not end: the file was cut short";
			return line_no;
		}
		*end = '\0';
		if (line_no == 1 && strcmp(line, HEADER) != 0) {
			*why = "not a baseline written by this version (no '" HEADER "' line)";
			return line_no;
		}
		if (line_no > 1 && line[0] != '#') {
			struct pc_endpoint local;
			uint32_t uid;
			char process[PC_PROCESS_MAX];
			if ((*why = parse_line(line, &local, &uid, process)) != NULL)
				return line_no;
			if (++entries > PC_BASELINE_MAX) {
				*why = "more listeners than a baseline holds";
				return line_no;
			}
			if (pc_baseline_add(b, &local, uid, process) < 0) {
				*why = "out of memory";
				return line_no;
			}
		}
		line = end + 1;
	}
	if (line_no == 0) {
		*why = "empty (no '" HEADER "' line)";
		return 1;
	}
	return 0;
}

void pc_baseline_file_read(const char *dir, struct pc_baseline *b)
{
	char path[4096], tmp[4096];
	paths(dir, path, tmp, sizeof(path));
	char *text = slurp(path);
	if (text == NULL && errno == ENOENT) {
		pc_log(LOG_INFO, "no baseline in %s yet: the first poll makes it", dir);
		return;
	}
	if (text == NULL) {
		pc_log(LOG_WARNING, "%s: cannot read it (%s); the first poll is the baseline again",
		       path,
		       errno == EFBIG ? "longer than a baseline can be"
		       : errno == EINVAL ? "not a regular file"
					 : strerror(errno));
		return;
	}
	const char *why = NULL;
	unsigned bad = parse_file(text, b, &why);
	free(text);
	if (bad != 0) {
		pc_log(LOG_WARNING, "%s:%u: %s; the first poll is the baseline again", path, bad, why);
		pc_baseline_free(b);
		return;
	}
	pc_baseline_finish(b);
	b->primed = true;
	b->changed = false;
}

/* ---- the directory ---- */

static bool writable_by(const struct stat *st, const struct passwd *pw)
{
	return (st->st_uid == pw->pw_uid && (st->st_mode & S_IWUSR)) ||
	       (st->st_gid == pw->pw_gid && (st->st_mode & S_IWGRP)) || (st->st_mode & S_IWOTH);
}

void pc_baseline_file_prepare(const char *dir, const char *user)
{
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		pc_log(LOG_WARNING, "cannot make the state directory %s (%s): the baseline is kept "
				    "in memory only, and a restart announces every unexpected listener",
		       dir, strerror(errno));
		return;
	}
	const struct passwd *pw = geteuid() == 0 ? getpwnam(user ? user : PC_DEFAULT_USER) : NULL;
	struct stat st;
	if (pw == NULL || pw->pw_uid == 0 || stat(dir, &st) < 0 || writable_by(&st, pw))
		return; /* not dropping privileges (or priv.c will say why not) */
	char path[4096], tmp[4096];
	paths(dir, path, tmp, sizeof(path));
	if (chown(dir, pw->pw_uid, pw->pw_gid) < 0) {
		pc_log(LOG_WARNING, "the state directory %s is not writable by %s and cannot be "
				    "given to it (%s): the baseline is kept in memory only",
		       dir, pw->pw_name, strerror(errno));
		return;
	}
	if (lchown(path, pw->pw_uid, pw->pw_gid) < 0 && errno != ENOENT)
		pc_log(LOG_WARNING, "%s: cannot give it to %s (%s)", path, pw->pw_name,
		       strerror(errno));
}
