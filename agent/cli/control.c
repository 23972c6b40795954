/* SPDX-License-Identifier: ISC */
/* The client side of the control socket (control.h): --check asks for the
 * AgentX link's state, --reload for a reload and its verdict. */
#include "cli/control.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/program.h"

#define STATUS_WAIT_MS 2000 /* the daemon answers a status at once */
/* A reload waits for a whole load of configuration and catalog, which a
 * slow file system may stretch; systemd's own limit for ExecReload= is 90 s. */
#define RELOAD_WAIT_MS 60000
#define ANSWER_MAX 65536 /* bytes: every diagnostic of a bad configuration */

#define EXIT_RELOADED 0
#define EXIT_NO_VERDICT 1
#define EXIT_REFUSED 2

void pc_control_address(const char *config_path, struct sockaddr_un *addr, socklen_t *len)
{
	char absolute[PATH_MAX];
	const char *name = realpath(config_path, absolute) != NULL ? absolute : config_path;
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	/* sun_path[0] = '\0': the abstract namespace. */
	size_t room = sizeof(addr->sun_path) - 1;
	int n = snprintf(addr->sun_path + 1, room, PC_NAME ":%s", name);
	if (n < 0 || (size_t)n >= room) {
		/* A path too long for the name: its FNV-1a hash stands for it. */
		uint64_t hash = 14695981039346656037ULL;
		for (const unsigned char *p = (const unsigned char *)name; *p; p++)
			hash = (hash ^ *p) * 1099511628211ULL;
		n = snprintf(addr->sun_path + 1, room, PC_NAME ":#%016llx",
			     (unsigned long long)hash);
	}
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Sends request to the daemon serving config_path and reads its whole
 * answer (NUL-terminated, malloc'd) until it closes. Returns 1, 0 when no
 * daemon listens, -1 with the reason in err. */
static int ask(const char *config_path, const char *request, int wait_ms, char **answer, char *err,
	       size_t errlen)
{
	struct sockaddr_un addr;
	socklen_t len;
	pc_control_address(config_path, &addr, &len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, len) < 0) {
		int e = errno;
		close(fd);
		if (e == ECONNREFUSED || e == ENOENT)
			return 0;
		snprintf(err, errlen, "control socket: %s", strerror(e));
		return -1;
	}
	char line[PC_CONTROL_REQUEST_MAX];
	int n = snprintf(line, sizeof(line), "%s\n", request);
	if (send(fd, line, (size_t)n, MSG_NOSIGNAL) != n) {
		snprintf(err, errlen, "control socket: sending the request: %s", strerror(errno));
		close(fd);
		return -1;
	}
	char *buf = malloc(ANSWER_MAX + 1);
	if (buf == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t used = 0;
	long deadline = now_ms() + wait_ms;
	for (;;) {
		long left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			if (ready == 0)
				snprintf(err, errlen, "no answer from the daemon within %d s",
					 wait_ms / 1000);
			else
				snprintf(err, errlen, "control socket: %s", strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		ssize_t got = read(fd, buf + used, ANSWER_MAX - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errlen, "control socket: %s", strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (got == 0 || (used += (size_t)got) == ANSWER_MAX)
			break;
	}
	close(fd);
	buf[used] = '\0';
	*answer = buf;
	return 1;
}

/* The value of "KEY value" in answer, copied to out ("" when absent). */
static void field(const char *answer, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	out[0] = '\0';
	for (const char *line = answer; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n > klen && strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			size_t v = n - klen - 1;
			if (v >= len)
				v = len - 1;
			memcpy(out, line + klen + 1, v);
			out[v] = '\0';
			return;
		}
		line += n + (end != NULL);
	}
}

int pc_control_status(const char *config_path, struct pc_report_agent *agent, char *err,
		      size_t errlen)
{
	char *answer = NULL;
	int rc = ask(config_path, "status", STATUS_WAIT_MS, &answer, err, errlen);
	if (rc <= 0)
		return rc;
	char connected[8], number[32];
	memset(agent, 0, sizeof(*agent));
	field(answer, "connected", connected, sizeof(connected));
	field(answer, "address", agent->address, sizeof(agent->address));
	field(answer, "reason", agent->reason, sizeof(agent->reason));
	field(answer, "attempts", number, sizeof(number));
	agent->attempts = (unsigned)strtoul(number, NULL, 10);
	field(answer, "since", number, sizeof(number));
	agent->since_s = strtoul(number, NULL, 10);
	free(answer);
	if (strcmp(connected, "1") != 0 && strcmp(connected, "0") != 0) {
		snprintf(err, errlen, "the daemon's status answer has no 'connected' line");
		return -1;
	}
	agent->connected = connected[0] == '1';
	return 1;
}

int pc_cli_reload(const struct pc_cli_args *args)
{
	char err[256], *answer = NULL;
	int rc = ask(args->config_path, "reload", RELOAD_WAIT_MS, &answer, err, sizeof(err));
	if (rc == 0) {
		fprintf(stderr, PC_NAME ": --reload: no portcomplyd serves %s here\n",
			args->config_path);
		return EXIT_NO_VERDICT;
	}
	if (rc < 0) {
		fprintf(stderr, PC_NAME ": --reload: %s\n", err);
		return EXIT_NO_VERDICT;
	}
	int status = EXIT_NO_VERDICT;
	bool said = false;
	char *save = NULL;
	for (char *line = strtok_r(answer, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "diag ", 5) == 0) {
			fprintf(stderr, "%s\n", line + 5);
		} else if (strncmp(line, "ok ", 3) == 0) {
			printf(PC_NAME ": %s\n", line + 3);
			status = EXIT_RELOADED;
		} else if (strncmp(line, "refused ", 8) == 0) {
			fprintf(stderr, PC_NAME ": %s\n", line + 8);
			status = EXIT_REFUSED;
		} else if (strncmp(line, "error ", 6) == 0) {
			fprintf(stderr, PC_NAME ": --reload: %s\n", line + 6);
			said = true;
		}
	}
	if (status == EXIT_NO_VERDICT && !said)
		fprintf(stderr, PC_NAME ": --reload: the daemon gave no verdict\n");
	free(answer);
	return status;
}
