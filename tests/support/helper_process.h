/* SPDX-License-Identifier: ISC */
/* What the tests' helper programs (tests/helpers/) share: failing with
 * the cause, and staying alive, holding what they opened, until the test
 * stops them. */
#ifndef PC_HELPER_PROCESS_H
#define PC_HELPER_PROCESS_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline _Noreturn void die(const char *what)
{
	fprintf(stderr, "error: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Until SIGTERM or SIGINT, then exit 0. */
static inline _Noreturn void hold(void)
{
	sigset_t stop;
	int sig;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	sigwait(&stop, &sig);
	exit(0);
}

#endif
