/* SPDX-License-Identifier: ISC */
#include "snmp/link_diag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REPORTS_AT_LEAST_EVERY_S 3600

static void user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *found = NULL;
	char scratch[1024];
	if (getpwuid_r(uid, &pw, scratch, sizeof(scratch), &found) == 0 && found != NULL)
		snprintf(buf, len, "%s", found->pw_name);
	else
		snprintf(buf, len, "%u", (unsigned)uid);
}

static void group_name(gid_t gid, char *buf, size_t len)
{
	struct group gr, *found = NULL;
	char scratch[1024];
	if (getgrgid_r(gid, &gr, scratch, sizeof(scratch), &found) == 0 && found != NULL)
		snprintf(buf, len, "%s", found->gr_name);
	else
		snprintf(buf, len, "%u", (unsigned)gid);
}

/* The blocker is path: note its mode and owner. */
static void blame(struct pc_link_probe *p, enum pc_link_blocker blocker, const char *path,
		  size_t path_len)
{
	struct stat st;
	p->blocker = blocker;
	snprintf(p->path, sizeof(p->path), "%.*s", (int)path_len, path);
	if (stat(p->path, &st) == 0) {
		p->mode = st.st_mode & 07777;
		user_name(st.st_uid, p->owner, sizeof(p->owner));
		group_name(st.st_gid, p->group, sizeof(p->group));
	}
}

/* EACCES on a Unix socket: the first directory of the path we may not
 * search, else the socket we may not write to. */
static void find_denial(struct pc_link_probe *p, const char *path)
{
	for (const char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		char dir[256];
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (access(dir, X_OK) != 0) {
			blame(p, PC_BLOCKER_DIRECTORY, dir, strlen(dir));
			return;
		}
	}
	if (access(path, W_OK) != 0)
		blame(p, PC_BLOCKER_SOCKET, path, strlen(path));
}

static void probe_unix(struct pc_link_probe *p, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		p->error = ENAMETOOLONG;
		return;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		p->error = errno;
		p->blocker = errno == EAFNOSUPPORT || errno == EPERM ? PC_BLOCKER_ADDRESS_FAMILY
								      : PC_BLOCKER_NONE;
		return;
	}
	int rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	p->error = rc == 0 ? 0 : errno;
	close(fd);
	const char *slash = strrchr(path, '/');
	switch (p->error) {
	case EACCES:
		find_denial(p, path);
		break;
	case ENOENT:
		if (slash != NULL && slash != path) {
			char dir[256];
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
			struct stat st;
			if (stat(dir, &st) != 0) {
				blame(p, PC_BLOCKER_NO_DIRECTORY, dir, strlen(dir));
				break;
			}
		}
		blame(p, PC_BLOCKER_NO_SOCKET, path, strlen(path));
		break;
	case ECONNREFUSED:
		blame(p, PC_BLOCKER_NO_LISTENER, path, strlen(path));
		break;
	default:
		break;
	}
}

/* "tcp:127.0.0.1:705", "tcp:[::1]:705", "tcp:::1:705"? Only a numeric
 * host is tried: looking a name up could block the SNMP thread. */
static void probe_tcp(struct pc_link_probe *p, const char *spec)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	if (colon == NULL || colon == spec || strlen(colon + 1) == 0) {
		p->blocker = PC_BLOCKER_UNKNOWN_ADDRESS;
		return;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (*end != '\0' || port <= 0 || port > 65535) {
		p->blocker = PC_BLOCKER_UNKNOWN_ADDRESS;
		return;
	}
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		len = sizeof(*in6);
	} else {
		p->blocker = PC_BLOCKER_UNKNOWN_ADDRESS;
		return;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		p->error = errno;
		if (errno == EAFNOSUPPORT || errno == EPERM || errno == EACCES)
			p->blocker = PC_BLOCKER_ADDRESS_FAMILY;
		return;
	}
	int rc = connect(fd, (struct sockaddr *)&ss, len);
	p->error = rc == 0 ? 0 : errno;
	if (p->error == EINPROGRESS) {
		/* A verdict already in (a local refusal is immediate) is taken;
		 * none is waited for. */
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int soerr = 0;
		socklen_t soerr_len = sizeof(soerr);
		if (poll(&pfd, 1, 0) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) == 0)
			p->error = soerr;
	}
	close(fd);
	if (p->error == ECONNREFUSED)
		p->blocker = PC_BLOCKER_NO_LISTENER;
	else if (p->error == EPERM || p->error == EACCES)
		p->blocker = PC_BLOCKER_FIREWALL;
	snprintf(p->path, sizeof(p->path), "%s", spec);
}

void pc_link_probe(const char *address, struct pc_link_probe *p)
{
	memset(p, 0, sizeof(*p));
	user_name(geteuid(), p->user, sizeof(p->user));
	if (strncmp(address, "unix:", 5) == 0)
		address += 5;
	if (strncmp(address, "tcp:", 4) == 0) {
		p->tcp = true;
		probe_tcp(p, address + 4);
	} else if (address[0] == '/') {
		probe_unix(p, address);
	} else {
		p->blocker = PC_BLOCKER_UNKNOWN_ADDRESS;
	}
}

void pc_link_explain(const struct pc_link_probe *p, char *buf, size_t len)
{
	const char *error = p->error != 0 ? strerror(p->error) : "no connection";
	switch (p->blocker) {
	case PC_BLOCKER_DIRECTORY:
		snprintf(buf, len,
			 "%s: the directory %s (mode %04o, %s:%s) does not let the user %s in; fix: "
			 "chmod 0755 %s (snmpd's agentXPerms sets that mode only when snmpd "
			 "creates the directory)",
			 error, p->path, (unsigned)p->mode, p->owner, p->group, p->user, p->path);
		break;
	case PC_BLOCKER_SOCKET:
		snprintf(buf, len,
			 "%s: the socket %s (mode %04o, %s:%s) does not let the user %s connect; fix: "
			 "restart snmpd (systemctl restart snmpd), which applies agentXPerms from "
			 "snmpd.conf.d/portcomply.conf as it creates the socket",
			 error, p->path, (unsigned)p->mode, p->owner, p->group, p->user);
		break;
	case PC_BLOCKER_NO_DIRECTORY:
		snprintf(buf, len,
			 "%s: no directory %s: snmpd never ran as an AgentX master here; fix: "
			 "start snmpd with 'master agentx' (Debian's snmpd.conf has it)",
			 error, p->path);
		break;
	case PC_BLOCKER_NO_SOCKET:
		snprintf(buf, len,
			 "%s: no socket %s: snmpd is not running, or not as an AgentX master on "
			 "that socket; fix: start snmpd, with 'master agentx' and agentXSocket %s",
			 error, p->path, p->path);
		break;
	case PC_BLOCKER_NO_LISTENER:
		snprintf(buf, len, "%s: nothing listens on %s%s; fix: start snmpd", error, p->path,
			 p->tcp ? "" : " (a socket an snmpd left behind)");
		break;
	case PC_BLOCKER_ADDRESS_FAMILY:
		snprintf(buf, len,
			 "%s: this process may not open %s sockets; fix: allow it (under systemd, "
			 "add %s to RestrictAddressFamilies= of portcomplyd.service)",
			 error, p->tcp ? "IP" : "Unix", p->tcp ? "AF_INET and AF_INET6" : "AF_UNIX");
		break;
	case PC_BLOCKER_FIREWALL:
		snprintf(buf, len,
			 "%s: a policy refuses the connection to %s; fix: allow it (under systemd, "
			 "IPAddressAllow= in portcomplyd.service, which denies every IP address)",
			 error, p->path);
		break;
	case PC_BLOCKER_UNKNOWN_ADDRESS:
		snprintf(buf, len, "no connection (the address is not tried here: use a socket path "
				   "or tcp:NUMERIC-HOST:PORT to have the reason)");
		break;
	case PC_BLOCKER_NONE:
		if (p->error == EINPROGRESS)
			snprintf(buf, len, "no answer from %s yet (a firewall that drops the "
					   "connection, or a host that is down)", p->path);
		else
			snprintf(buf, len, "%s", error);
		break;
	}
}

bool pc_link_report_due(unsigned attempt, unsigned interval_s)
{
	if (attempt == 0)
		return false;
	if (interval_s == 0)
		interval_s = 1;
	unsigned hourly = interval_s >= REPORTS_AT_LEAST_EVERY_S ? 1
								 : REPORTS_AT_LEAST_EVERY_S / interval_s;
	if (attempt < hourly)
		return (attempt & (attempt - 1)) == 0;
	return attempt % hourly == 0;
}

unsigned pc_link_next_report(unsigned attempt, unsigned interval_s)
{
	unsigned next = attempt + 1;
	while (!pc_link_report_due(next, interval_s))
		next++;
	return next;
}
