/* SPDX-License-Identifier: ISC */
/* The control socket of a serving portcomplyd, and its client side.
 *
 * It is an abstract Unix socket (unix(7)): no file, so no directory whose
 * mode or owner could be wrong, nothing left behind by a killed daemon, and
 * nothing to write under ProtectSystem=strict. Its name is made from the
 * daemon's configuration file, so that `portcomplyd --reload -c FILE` and
 * `portcomplyd --check -c FILE` reach the daemon that serves FILE. Abstract
 * names belong to a network namespace: a daemon is reached from its own.
 *
 * One request line per connection; the daemon answers with lines, then
 * closes:
 *   "status" -> "connected 1|0", "address ADDRESS", "attempts N",
 *               "since SECONDS", and "reason TEXT" while not connected
 *   "reload" -> "diag LINE" for each diagnostic of the load, then
 *               "ok TEXT" (the new configuration serves) or "refused TEXT"
 *               (it did not validate: the previous one still serves)
 * Anyone may ask for the status; only root and the daemon's own user may
 * ask for a reload (the daemon checks SO_PEERCRED). */
#ifndef PC_CONTROL_H
#define PC_CONTROL_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "cli/cli.h"
#include "cli/report.h"

#define PC_CONTROL_REQUEST_MAX 64 /* bytes of a request line, newline included */

/* The control socket's address for the daemon serving config_path (made
 * absolute when it names an existing file, so that relative and absolute
 * spellings agree). */
void pc_control_address(const char *config_path, struct sockaddr_un *addr, socklen_t *len);

/* Asks the daemon serving config_path for its AgentX link. Returns 1 with
 * *agent filled, 0 when no daemon answers (none serves that
 * configuration), -1 when one answered badly (why in err). */
int pc_control_status(const char *config_path, struct pc_report_agent *agent, char *err,
		      size_t errlen);

/* portcomplyd --reload: asks the daemon serving -c FILE to load it again
 * and prints the verdict (the diagnostics on stderr). Exit status 0 when
 * the new configuration serves, 2 when it did not validate (the previous
 * one still serves), 1 when no daemon answered or no verdict came. */
int pc_cli_reload(const struct pc_cli_args *args);

#endif
