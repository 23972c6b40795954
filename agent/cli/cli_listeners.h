/* SPDX-License-Identifier: ISC */
/* The text and JSON forms of a listener set, as `portcomplyd --listeners`
 * prints it. Separate from the command so that tests can print snapshots
 * they build themselves. */
#ifndef PC_CLI_LISTENERS_H
#define PC_CLI_LISTENERS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/snapshot.h"
#include "plan/expect.h"

/* Text: an aligned table like the other one-shot commands', a header row
 * then one row per listener, in MIB index order:
 *     PROTO  ADDRESS  PORT  SOCKETS  PID  PROCESS  DEVICE
 *     tcp    0.0.0.0  443   4        812  nginx    -
 * ADDRESS as ss prints it ("*" dual-stack wildcard, "[::]" v6-only one,
 * "[::ffff:127.0.0.1]", "0.0.0.0%eth1" bound to a device); PID and
 * PROCESS "-" when unknown; DEVICE up, down or absent for a device-bound
 * listener, else "-". Skip the header with NR > 1 in awk.
 * JSON: an array of objects ("proto", "address", "port", "sockets",
 * "pid", "process", "device", "device_status"; null when unknown or not
 * bound to a device).
 * Returns 0, or -1 when writing failed. */
int pc_listeners_write(FILE *out, const struct pc_snapshot *snap, bool json);

/* --all: the same for every row of snap, listener or not, with two more
 * columns: LISTENER (yes or no) and WHY (core/listener_rule.h's reason:
 * listen, fixed-port, reserved-port, expected-port, range-unknown,
 * ephemeral-port); JSON: "listener" (true or false) and "why". exps: the
 * plan's expectations, NULL: none. */
int pc_listeners_write_all(FILE *out, const struct pc_snapshot *snap,
			   const struct pc_expectations *exps, bool json);

#endif
