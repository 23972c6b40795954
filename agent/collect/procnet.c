/* SPDX-License-Identifier: ISC */
/* The /proc/net fallback, for when netlink is refused (a seccomp or LSM
 * policy, a kernel without inet_diag) or fails.
 *
 * The text lists every socket, established ones included, so reading it
 * costs far more than a netlink poll on a busy host. Two things keep it
 * bearable: the kernel prints a TCP file's listening hash before its
 * established hash, so without connect rules we stop reading TCP files
 * shortly after the listeners end; and one big read buffer keeps the
 * number of read() calls low. */
#include "collect/collect_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_BUFFER_SIZE (64 * 1024)
/* Longer than any line the kernel prints (tcp6: about 150 characters). */
#define LINE_MAX_LEN 512
/* Consecutive non-LISTEN TCP lines after which the listening section is
 * surely over. One would do (the sections never interleave); a few more
 * cost nothing and keep a socket caught mid-close from ending it early. */
#define NON_LISTEN_RUN_TO_STOP 16

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly `digits` hex digits (or at least one and at most 16 when digits
 * is 0) followed by `end` ('\0' meaning whitespace). */
static const char *parse_hex(const char *p, int digits, char end, uint64_t *out)
{
	uint64_t value = 0;
	int n = 0;
	for (; hex_value(*p) >= 0; p++, n++) {
		if (n == 16)
			return NULL;
		value = value << 4 | (uint64_t)hex_value(*p);
	}
	if (n == 0 || (digits != 0 && n != digits))
		return NULL;
	if (end != '\0' ? *p != end : (*p != ' ' && *p != '\t'))
		return NULL;
	*out = value;
	return end != '\0' ? p + 1 : p;
}

static const char *parse_dec(const char *p, bool allow_minus, uint64_t *out)
{
	uint64_t value = 0;
	int n = 0;
	if (allow_minus && *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, n++) {
		uint64_t digit = (uint64_t)(*p - '0');
		if (value > (UINT64_MAX - digit) / 10)
			return NULL; /* more than 64 bits */
		value = value * 10 + digit;
	}
	if (n == 0 || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\0'))
		return NULL;
	*out = value;
	return p;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "0100007F:0016": the kernel prints each 32-bit word of the address as
 * the number it is in memory (so 127.0.0.1 is 0100007F on little-endian
 * hosts) and the port as a plain number. Copying each word back into
 * memory restores network byte order on the host that printed it. */
static const char *parse_endpoint(const char *p, int family, uint8_t addr[16], uint16_t *port)
{
	int words = family == AF_INET ? 1 : 4;
	for (int w = 0; w < words; w++) {
		uint32_t word = 0;
		for (int i = 0; i < 8; i++, p++) {
			int v = hex_value(*p);
			if (v < 0)
				return NULL;
			word = word << 4 | (uint32_t)v;
		}
		memcpy(addr + 4 * w, &word, 4);
	}
	if (*p != ':')
		return NULL;
	uint64_t value;
	p = parse_hex(p + 1, 4, '\0', &value);
	if (p == NULL)
		return NULL;
	*port = (uint16_t)value;
	return p;
}

int pc_procnet_parse_line(const char *line, int family, struct pc_procnet_entry *out)
{
	uint64_t v;
	const char *p = skip_blanks(line);

	memset(out, 0, sizeof(*out));
	if (*p < '0' || *p > '9')
		return -1; /* "sl", the slot number, then a colon */
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != ':')
		return -1;
	p = skip_blanks(p + 1);
	if ((p = parse_endpoint(p, family, out->local_addr, &out->local_port)) == NULL)
		return -1;
	p = skip_blanks(p);
	if ((p = parse_endpoint(p, family, out->remote_addr, &out->remote_port)) == NULL)
		return -1;
	p = skip_blanks(p);
	if ((p = parse_hex(p, 2, '\0', &v)) == NULL)
		return -1;
	out->state = (uint8_t)v;
	p = skip_blanks(p);
	if ((p = parse_hex(p, 0, ':', &v)) == NULL || (p = parse_hex(p, 0, '\0', &v)) == NULL)
		return -1; /* tx_queue:rx_queue */
	p = skip_blanks(p);
	if ((p = parse_hex(p, 0, ':', &v)) == NULL || (p = parse_hex(p, 0, '\0', &v)) == NULL)
		return -1; /* tr:tm->when */
	p = skip_blanks(p);
	if ((p = parse_hex(p, 0, '\0', &v)) == NULL)
		return -1; /* retrnsmt */
	p = skip_blanks(p);
	if ((p = parse_dec(p, false, &v)) == NULL || v > UINT32_MAX)
		return -1;
	out->uid = (uint32_t)v;
	p = skip_blanks(p);
	if ((p = parse_dec(p, true, &v)) == NULL)
		return -1; /* timeout */
	p = skip_blanks(p);
	if ((p = parse_dec(p, false, &v)) == NULL)
		return -1;
	out->inode = v;
	return 0;
}

struct procnet_file {
	const char *name;
	int family;
	uint8_t proto;
	bool optional; /* absent when IPv6 is disabled */
};

static const struct procnet_file procnet_files[] = {
	{ "tcp", AF_INET, IPPROTO_TCP, false },
	{ "tcp6", AF_INET6, IPPROTO_TCP, true },
	{ "udp", AF_INET, IPPROTO_UDP, false },
	{ "udp6", AF_INET6, IPPROTO_UDP, true },
};

static bool is_header(const char *line)
{
	return strstr(line, "local_address") != NULL;
}

static int read_file(const char *path, const struct procnet_file *file,
		     const struct pc_port_set *connect_ports, char *iobuf,
		     struct pc_snapshot *snap, char *err, size_t errlen, char *first_bad,
		     size_t first_bad_len)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT && file->optional)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	setvbuf(f, iobuf, _IOFBF, READ_BUFFER_SIZE);

	char line[LINE_MAX_LEN];
	unsigned line_no = 0, non_listen_run = 0;
	bool want_connections = file->proto == IPPROTO_TCP && connect_ports != NULL;
	int rc = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		line_no++;
		size_t len = strlen(line);
		bool bad = false;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			/* Longer than any real line: skip the rest of it. */
			int c;
			while ((c = getc(f)) != EOF && c != '\n')
				;
			bad = true;
		}
		if (!bad && line_no == 1 && is_header(line))
			continue;
		if (!bad && (len == 0 || (len == 1 && line[0] == '\n')))
			bad = true; /* the kernel never prints an empty line */

		struct pc_procnet_entry e;
		if (bad || pc_procnet_parse_line(line, file->family, &e) < 0) {
			snap->errors++;
			if (first_bad_len > 0 && first_bad[0] == '\0')
				snprintf(first_bad, first_bad_len, "%s:%u: malformed line skipped",
					 path, line_no);
			continue;
		}

		int added = 0;
		bool listening = file->proto == IPPROTO_TCP ? e.state == PC_TCP_LISTEN
							     : e.state == PC_TCP_CLOSE;
		if (listening) {
			/* Dual-stack or v6-only is not in the file; see
			 * pc_procnet_guess_v6only. */
			struct pc_listen_socket socket = { .inode = e.inode, .uid = e.uid };
			pc_endpoint_set(&socket.local, file->proto, file->family, e.local_addr,
					false, 0, e.local_port);
			added = pc_snapshot_add_listener(snap, &socket);
			non_listen_run = 0;
		} else if (file->proto == IPPROTO_TCP) {
			struct pc_endpoint ep;
			if (want_connections && e.state == PC_TCP_ESTABLISHED &&
			    pc_port_set_has(connect_ports, e.remote_port)) {
				pc_endpoint_set(&ep, file->proto, file->family, e.remote_addr,
						true, 0, e.remote_port);
				added = pc_snapshot_add_connection(snap, &ep);
			}
			if (!want_connections && ++non_listen_run >= NON_LISTEN_RUN_TO_STOP)
				break; /* the established section: no listener follows */
		}
		if (added < 0) {
			snprintf(err, errlen, "%s: out of memory", path);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error after line %u: %s", path, line_no,
			 strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}

int pc_procnet_read(const char *proc_root, const struct pc_port_set *connect_ports,
		    struct pc_snapshot *snap, char *first_bad, size_t first_bad_len, char *err,
		    size_t errlen)
{
	char path[4096];
	char *iobuf = malloc(READ_BUFFER_SIZE);

	if (proc_root == NULL)
		proc_root = "/proc";
	if (first_bad_len > 0)
		first_bad[0] = '\0';
	if (iobuf == NULL) {
		snprintf(err, errlen, "%s/net: out of memory", proc_root);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < sizeof(procnet_files) / sizeof(procnet_files[0]) && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s/net/%s", proc_root, procnet_files[i].name);
		rc = read_file(path, &procnet_files[i], connect_ports, iobuf, snap, err, errlen,
			       first_bad, first_bad_len);
	}
	free(iobuf);
	return rc;
}

/* /proc/net/tcp6 prints a dual-stack and a v6-only wildcard alike. Without
 * the socket option to ask, the guess: v6-only when the system default
 * (net.ipv6.bindv6only) says so, or when an IPv4 wildcard listener holds
 * the same protocol and port (a dual-stack socket could not have bound
 * beside it, save with SO_REUSEPORT, or SO_REUSEADDR for UDP); otherwise
 * dual-stack, the Linux default. Netlink has no such doubt. */
void pc_procnet_guess_v6only(struct pc_snapshot *snap, bool bindv6only_default)
{
	static const uint8_t zero16[16];
	uint64_t v4_wild_tcp[65536 / 64] = { 0 }, v4_wild_udp[65536 / 64] = { 0 };

	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_endpoint *ep = &snap->listeners[i].local;
		if (ep->addr_type != PC_INET_IPV4 || memcmp(ep->addr, zero16, 4) != 0)
			continue;
		uint64_t *bits = ep->proto == IPPROTO_TCP ? v4_wild_tcp : v4_wild_udp;
		bits[ep->port / 64] |= UINT64_C(1) << (ep->port % 64);
	}
	for (size_t i = 0; i < snap->n_listeners; i++) {
		struct pc_endpoint *ep = &snap->listeners[i].local;
		if (ep->addr_type != PC_INET_UNKNOWN)
			continue;
		const uint64_t *bits = ep->proto == IPPROTO_TCP ? v4_wild_tcp : v4_wild_udp;
		bool beside_v4 = (bits[ep->port / 64] >> (ep->port % 64) & 1) != 0;
		if (bindv6only_default || beside_v4)
			pc_endpoint_set(ep, ep->proto, AF_INET6, zero16, true, 0, ep->port);
	}
}

/* ---- the ports the kernel hands out by itself ---- */

/* Longer than the reserved-ports list can be: the kernel prints it as
 * comma-separated ranges, at worst every other port (about 200 KiB). */
#define SYSCTL_TEXT_MAX (512 * 1024)

/* A whole sysctl file, NUL-terminated, into buf (len bytes) when it fits,
 * else into a malloc'd buffer (*big, which the caller frees); NULL with
 * err (and, when it could not be opened, errno). Read at every poll: the
 * usual few bytes cost no allocation. */
static const char *read_sysctl(const char *path, char *buf, size_t len, char **big, char *err,
			       size_t errlen)
{
	*big = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		errno = saved;
		return NULL;
	}
	char *text = buf;
	size_t cap = len, n = 0;
	const char *why = NULL;
	for (;;) {
		if (n + 1 == cap) {
			if (cap > SYSCTL_TEXT_MAX) {
				why = "longer than any the kernel writes";
				break;
			}
			char *grown = realloc(*big, cap * 8);
			if (grown == NULL) {
				why = "out of memory";
				break;
			}
			if (*big == NULL)
				memcpy(grown, buf, n);
			*big = text = grown;
			cap *= 8;
		}
		ssize_t got = read(fd, text + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			why = strerror(errno);
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (why != NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		free(*big);
		*big = NULL;
		errno = 0;
		return NULL;
	}
	text[n] = '\0';
	return text;
}

/* A port number of 1 to 5 digits, at most 65535; NULL when there is none. */
static const char *parse_port(const char *p, uint16_t *port)
{
	uint32_t value = 0;
	int n = 0;
	for (; *p >= '0' && *p <= '9'; p++, n++) {
		value = value * 10 + (uint32_t)(*p - '0');
		if (n == 5 || value > 65535)
			return NULL;
	}
	if (n == 0)
		return NULL;
	*port = (uint16_t)value;
	return p;
}

int pc_procnet_parse_port_range(const char *text, uint16_t *first, uint16_t *last)
{
	const char *p = skip_blanks(text);
	if ((p = parse_port(p, first)) == NULL || (*p != ' ' && *p != '\t'))
		return -1;
	if ((p = parse_port(skip_blanks(p), last)) == NULL)
		return -1;
	p = skip_blanks(p);
	if (*p == '\n')
		p++;
	return *p == '\0' && *first <= *last ? 0 : -1;
}

int pc_procnet_parse_reserved_ports(const char *text, uint64_t reserved[65536 / 64])
{
	memset(reserved, 0, 65536 / 8);
	if (strcmp(text, "") == 0 || strcmp(text, "\n") == 0)
		return 0; /* none: the kernel writes an empty line */
	for (const char *p = text;;) {
		uint16_t from, to;
		if ((p = parse_port(p, &from)) == NULL)
			return -1;
		to = from;
		if (*p == '-' && (p = parse_port(p + 1, &to)) == NULL)
			return -1;
		if (to < from)
			return -1;
		for (uint32_t port = from; port <= to; port++)
			reserved[port / 64] |= UINT64_C(1) << (port % 64);
		if (*p == ',')
			p++; /* another port or range must follow */
		else
			return strcmp(p, "") == 0 || strcmp(p, "\n") == 0 ? 0 : -1;
	}
}

int pc_procnet_read_ephemeral(const char *proc_root, struct pc_ephemeral_ports *out, char *err,
			      size_t errlen)
{
	char path[4096], buf[256], *big;
	if (proc_root == NULL)
		proc_root = "/proc";
	snprintf(path, sizeof(path), "%s/sys/net/ipv4/ip_local_port_range", proc_root);
	const char *text = read_sysctl(path, buf, sizeof(buf), &big, err, errlen);
	if (text == NULL)
		return -1;
	int rc = pc_procnet_parse_port_range(text, &out->first, &out->last);
	free(big);
	if (rc < 0) {
		snprintf(err, errlen, "%s: not two port numbers, the first not above the second",
			 path);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sys/net/ipv4/ip_local_reserved_ports", proc_root);
	errno = 0;
	if ((text = read_sysctl(path, buf, sizeof(buf), &big, err, errlen)) == NULL) {
		if (errno != ENOENT)
			return -1;
		memset(out->reserved, 0, sizeof(out->reserved)); /* a kernel before 2.6.35 */
		return 0;
	}
	rc = pc_procnet_parse_reserved_ports(text, out->reserved);
	free(big);
	if (rc < 0) {
		snprintf(err, errlen, "%s: not a comma-separated list of ports and ranges", path);
		return -1;
	}
	return 0;
}

void pc_procnet_mark_ephemeral(struct pc_snapshot *snap, const struct pc_ephemeral_ports *ports)
{
	for (size_t i = 0; i < snap->n_listeners; i++) {
		struct pc_listener *l = &snap->listeners[i];
		uint16_t port = l->local.port;
		if (l->local.proto != IPPROTO_UDP)
			l->ephemeral = PC_EPHEMERAL_NOT_UDP;
		else if (ports == NULL)
			l->ephemeral = PC_EPHEMERAL_UNKNOWN;
		else if (port < ports->first || port > ports->last)
			l->ephemeral = PC_EPHEMERAL_OUTSIDE;
		else if (ports->reserved[port / 64] >> (port % 64) & 1)
			l->ephemeral = PC_EPHEMERAL_RESERVED;
		else
			l->ephemeral = PC_EPHEMERAL_INSIDE;
	}
}
