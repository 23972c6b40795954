/* SPDX-License-Identifier: ISC */
/* The serving side of the control socket (cli/control.h has the protocol):
 * `portcomplyd --check` asks it for the AgentX link, `portcomplyd --reload`
 * (systemd's ExecReload=) for a reload and its verdict. It lives on the
 * SNMP thread's loop, never blocks it, and holds a few clients at most. */
#ifndef PC_DAEMON_CONTROL_H
#define PC_DAEMON_CONTROL_H

#include <stddef.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>

struct pc_control;

struct pc_control_handlers {
	/* The answer to "status": lines, each ending in a newline. */
	void (*status)(void *context, char *answer, size_t len);
	/* Ask for a reload; the ticket it returns is answered by
	 * pc_control_reloaded. */
	unsigned long (*reload)(void *context);
	void *context;
};

/* Listens on addr (cli/control.h's pc_control_address). NULL with the
 * reason in err: another daemon serves the same configuration here, or
 * the socket cannot be made. */
struct pc_control *pc_control_open(const struct sockaddr_un *addr, socklen_t len,
				   const struct pc_control_handlers *handlers, char *err,
				   size_t errlen);

/* Adds the sockets to wait on to readfds; returns numfds for select(). */
int pc_control_fill(const struct pc_control *control, fd_set *readfds, int numfds);

/* Accepts, reads and answers what readfds says is ready. */
void pc_control_handle(struct pc_control *control, const fd_set *readfds);

/* A load finished: every client waiting on a ticket up to through gets
 * answer ("diag ..." lines, then "ok ..." or "refused ..."). */
void pc_control_reloaded(struct pc_control *control, unsigned long through, const char *answer);

/* Stops listening; clients still waiting are told the daemon stops. NULL
 * is ignored. */
void pc_control_close(struct pc_control *control);

#endif
