/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the configuration and catalog parsers, through
 * cfgfile.c, exactly as the daemon reads a file. Each input is written to
 * a file and loaded both as a host configuration and as a catalog file
 * (the catalog's own checks run too). Nothing may crash, leak, hang or
 * print a control character. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "plan/config.h"
#include "plan/diag.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void check_printable(const struct pc_diag *diag)
{
	for (size_t i = 0; i < diag->n_lines; i++)
		for (const char *p = diag->lines[i]; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
}

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/dev/shm/pc-fuzz-cfgfile.%ld.conf", (long)getpid());
		atexit(remove_file);
	}
	fuzz_write_file(path, data, size);

	struct pc_diag diag = { 0 };
	struct pc_config *config = pc_config_load(path, &diag);
	if ((config == NULL) != (diag.n_errors > 0))
		abort(); /* refused without a word, or accepted with errors */
	check_printable(&diag);
	pc_config_free(config);
	pc_diag_clear(&diag);

	const char *paths[] = { path };
	struct pc_catalog *catalog = pc_catalog_load(paths, 1, &diag);
	if ((catalog == NULL) != (diag.n_errors > 0))
		abort();
	check_printable(&diag);
	pc_catalog_free(catalog);
	pc_diag_clear(&diag);
	return 0;
}
