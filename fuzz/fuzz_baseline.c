/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the baseline's file (daemon/baseline_file.c). Each
 * input is the file's contents, read from a private state directory: it
 * must never crash or leak, and what it reads as a baseline must be
 * written and read back as the same baseline. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/baseline.h"
#include "daemon/baseline_file.h"
#include "fuzz_input.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void remove_dir(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/" PC_BASELINE_FILE_NAME, dir);
	unlink(path);
	rmdir(dir);
}

/* A bad file is said in the log: thousands of lines a second otherwise. */
static void quiet(int level, const char *message)
{
	(void)level;
	(void)message;
}

static void setup(void)
{
	atexit(remove_dir);
	snprintf(dir, sizeof(dir), "/dev/shm/pc-fuzz-baseline.%ld", (long)getpid());
	mkdir(dir, 0700);
	pc_log_set_sink(quiet);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dir[0] == '\0')
		setup();
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/" PC_BASELINE_FILE_NAME, dir);
	fuzz_write_file(path, data, size);

	struct pc_baseline read, again;
	pc_baseline_init(&read);
	pc_baseline_init(&again);
	pc_baseline_file_read(dir, &read);
	if (read.primed) {
		if (pc_baseline_file_write(dir, &read, err, sizeof(err)) < 0)
			abort();
		pc_baseline_file_read(dir, &again);
		if (!again.primed || again.n != read.n)
			abort();
		for (size_t i = 0; i < read.n; i++)
			if (pc_endpoint_cmp(&read.entries[i].local, &again.entries[i].local) != 0 ||
			    read.entries[i].uid != again.entries[i].uid ||
			    strcmp(read.entries[i].process, again.entries[i].process) != 0)
				abort();
	}
	pc_baseline_free(&read);
	pc_baseline_free(&again);
	return 0;
}
