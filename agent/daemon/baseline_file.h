/* SPDX-License-Identifier: ISC */
/* The baseline across restarts (core/baseline.h) as a file in the state
 * directory (Debian: /var/lib/portcomply, the unit's StateDirectory=):
 * STATE/baseline, a text file an auditor can read:
 *
 *   portcomplyd baseline 1
 *   # comment lines
 *   tcp ipv4 00000000 22 0 sshd
 *   udp ipv6 00000000000000000000000000000001 1161 0 snmpd
 *   tcp unknown - 8080 1000 -
 *
 * one listener a line, least recently seen first: protocol, address type
 * (InetAddressType's names), address bytes in hex ("-": none), port, the
 * owner's uid, the process name ("-": not known; bytes other than
 * printable ASCII, a backslash and a lone "-" written \xHH).
 *
 * Written whole and atomically (a new file, fsync, rename over the old
 * one); read once, at start. A missing file is a first start; a file that
 * cannot be read or does not parse (any line) is said once in the log and
 * taken as missing: the first poll is the baseline again, and nothing is
 * announced for it. Bounded: a file longer than PC_BASELINE_MAX lines or
 * PC_BASELINE_FILE_MAX bytes is not read. */
#ifndef PC_BASELINE_FILE_H
#define PC_BASELINE_FILE_H

#include <stddef.h>

#include "core/baseline.h"

#define PC_BASELINE_FILE_NAME "baseline"
/* The longest line is about 120 bytes: PC_BASELINE_MAX of them and more. */
#define PC_BASELINE_FILE_MAX (PC_BASELINE_MAX * 160 + 4096)

/* Fills b (initialised, empty) from dir's file, primed when it was read;
 * says in the log what it found when that is not a baseline (one line). */
void pc_baseline_file_read(const char *dir, struct pc_baseline *b);

/* Replaces dir's file with b. 0, or -1 with the reason in err. */
int pc_baseline_file_write(const char *dir, const struct pc_baseline *b, char *err,
			   size_t errlen);

/* At start, as root before dropping privileges to user (NULL: the default
 * user): makes dir (not its parents) and leaves it writable by that user,
 * giving it the directory if it must. Not root, or serving as root: only
 * makes it. A failure is logged, not fatal: the baseline then lives in
 * memory only, and each failed write says so once. */
void pc_baseline_file_prepare(const char *dir, const char *user);

#endif
