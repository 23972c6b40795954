/* The text and JSON forms of a listener set, as `portcomplyd --listeners`
 * prints it. Separate from the command so that tests can print snapshots
 * they build themselves. */
#ifndef PC_CLI_LISTENERS_H
#define PC_CLI_LISTENERS_H

#include <stdbool.h>
#include <stdio.h>

#include "snapshot.h"

/* Text: an aligned table like the other one-shot commands', a header row
 * then one row per listener, in MIB index order:
 *     PROTO  ADDRESS  PORT  SOCKETS  PID  PROCESS
 *     tcp    0.0.0.0  443   4        812  nginx
 * ADDRESS as ss prints it ("*" dual-stack wildcard, "[::]" v6-only one,
 * "[::ffff:127.0.0.1]"); PID and PROCESS "-" when unknown. PROCESS is the
 * last column and may contain spaces ("$6" in awk is its first word; skip
 * the header with NR > 1).
 * JSON: an array of objects with the same keys ("proto", "address",
 * "port", "sockets", "pid", "process"; pid and process null when unknown).
 * Returns 0, or -1 when writing failed. */
int pc_listeners_write(FILE *out, const struct pc_snapshot *snap, bool json);

#endif
