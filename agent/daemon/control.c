/* SPDX-License-Identifier: ISC */
#include "daemon/control.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/control.h"

/* A few at once: --check and --reload connect, ask, and go. When all are
 * taken, the oldest client that has not asked yet makes room (so that
 * idle connections cannot lock root out of --reload). */
#define CLIENTS_MAX 8

struct client {
	int fd; /* -1: a free slot */
	unsigned long seq; /* accept order */
	uid_t uid; /* the peer's, from SO_PEERCRED */
	size_t used;
	char request[PC_CONTROL_REQUEST_MAX];
	unsigned long ticket; /* waiting for this reload; 0: still reading */
};

struct pc_control {
	int listen_fd;
	struct pc_control_handlers handlers;
	struct client clients[CLIENTS_MAX];
	unsigned long accepted;
};

struct pc_control *pc_control_open(const struct sockaddr_un *addr, socklen_t len,
				   const struct pc_control_handlers *handlers, char *err,
				   size_t errlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return NULL;
	}
	if (bind(fd, (const struct sockaddr *)addr, len) < 0 || listen(fd, CLIENTS_MAX) < 0) {
		int e = errno;
		close(fd);
		if (e == EADDRINUSE)
			snprintf(err, errlen,
				 "control socket @%.*s: another portcomplyd serves this configuration "
				 "here; --reload and --check reach that one",
				 (int)(len - offsetof(struct sockaddr_un, sun_path) - 1),
				 addr->sun_path + 1);
		else
			snprintf(err, errlen, "control socket: %s", strerror(e));
		return NULL;
	}
	struct pc_control *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		snprintf(err, errlen, "control socket: out of memory");
		return NULL;
	}
	c->listen_fd = fd;
	c->handlers = *handlers;
	for (size_t i = 0; i < CLIENTS_MAX; i++)
		c->clients[i].fd = -1;
	return c;
}

/* Best effort, never waiting: the answers are small, the client's socket
 * buffer is empty, and a client that went away loses nothing. */
static void say(int fd, const char *text)
{
	size_t left = strlen(text);
	while (left > 0) {
		ssize_t n = send(fd, text, left, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			return;
		text += n;
		left -= (size_t)n;
	}
}

static void drop(struct client *cl)
{
	close(cl->fd);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

static void answer_and_drop(struct client *cl, const char *text)
{
	say(cl->fd, text);
	drop(cl);
}

static void accept_clients(struct pc_control *c)
{
	for (;;) {
		int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN: no one else; anything else: the next select tells */
		struct client *free_slot = NULL, *oldest_idle = NULL;
		for (size_t i = 0; i < CLIENTS_MAX && free_slot == NULL; i++) {
			struct client *cl = &c->clients[i];
			if (cl->fd < 0)
				free_slot = cl;
			else if (cl->ticket == 0 && (oldest_idle == NULL || cl->seq < oldest_idle->seq))
				oldest_idle = cl;
		}
		if (free_slot == NULL && oldest_idle != NULL) {
			answer_and_drop(oldest_idle, "error too many control clients: the oldest idle one goes\n");
			free_slot = oldest_idle;
		}
		if (free_slot == NULL) {
			say(fd, "error busy: every control client waits for a reload; try again\n");
			close(fd);
			continue;
		}
		struct ucred cred;
		socklen_t len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
			close(fd);
			continue;
		}
		free_slot->fd = fd;
		free_slot->uid = cred.uid;
		free_slot->seq = ++c->accepted;
	}
}

static void serve_request(struct pc_control *c, struct client *cl, const char *request)
{
	if (strcmp(request, "status") == 0) {
		char answer[2048];
		c->handlers.status(c->handlers.context, answer, sizeof(answer));
		answer_and_drop(cl, answer);
	} else if (strcmp(request, "reload") == 0) {
		/* A reload changes what the daemon serves: root's or its own. */
		if (cl->uid != 0 && cl->uid != geteuid()) {
			char why[128];
			snprintf(why, sizeof(why),
				 "error uid %u may not reload: only root and uid %u may\n",
				 (unsigned)cl->uid, (unsigned)geteuid());
			answer_and_drop(cl, why);
			return;
		}
		cl->ticket = c->handlers.reload(c->handlers.context);
	} else {
		char why[PC_CONTROL_REQUEST_MAX + 64];
		snprintf(why, sizeof(why), "error unknown request '%s' (status or reload)\n", request);
		answer_and_drop(cl, why);
	}
}

static void read_request(struct pc_control *c, struct client *cl)
{
	ssize_t n = read(cl->fd, cl->request + cl->used, sizeof(cl->request) - 1 - cl->used);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(cl);
		return;
	}
	cl->used += (size_t)n;
	cl->request[cl->used] = '\0';
	char *newline = strchr(cl->request, '\n');
	if (newline == NULL) {
		if (cl->used == sizeof(cl->request) - 1)
			answer_and_drop(cl, "error the request is too long\n");
		return;
	}
	*newline = '\0';
	serve_request(c, cl, cl->request);
}

int pc_control_fill(const struct pc_control *c, fd_set *readfds, int numfds)
{
	if (c == NULL)
		return numfds;
	FD_SET(c->listen_fd, readfds);
	if (c->listen_fd >= numfds)
		numfds = c->listen_fd + 1;
	for (size_t i = 0; i < CLIENTS_MAX; i++) {
		const struct client *cl = &c->clients[i];
		if (cl->fd >= 0 && cl->ticket == 0) {
			FD_SET(cl->fd, readfds);
			if (cl->fd >= numfds)
				numfds = cl->fd + 1;
		}
	}
	return numfds;
}

void pc_control_handle(struct pc_control *c, const fd_set *readfds)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < CLIENTS_MAX; i++) {
		struct client *cl = &c->clients[i];
		if (cl->fd >= 0 && cl->ticket == 0 && FD_ISSET(cl->fd, readfds))
			read_request(c, cl);
	}
	if (FD_ISSET(c->listen_fd, readfds))
		accept_clients(c);
}

void pc_control_reloaded(struct pc_control *c, unsigned long through, const char *answer)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < CLIENTS_MAX; i++) {
		struct client *cl = &c->clients[i];
		if (cl->fd >= 0 && cl->ticket != 0 && cl->ticket <= through)
			answer_and_drop(cl, answer);
	}
}

void pc_control_close(struct pc_control *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < CLIENTS_MAX; i++) {
		struct client *cl = &c->clients[i];
		if (cl->fd >= 0)
			answer_and_drop(cl, cl->ticket != 0 ? "error the daemon is stopping\n" : "");
	}
	close(c->listen_fd);
	free(c);
}
