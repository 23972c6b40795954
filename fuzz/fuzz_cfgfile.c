/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the configuration and catalog parsers, through
 * cfgfile.c, exactly as the daemon reads a file. Each input is written to
 * a file and loaded both as a host configuration and as a catalog file
 * (the catalog's own checks run too). A configuration that loads has its
 * expectations built against the shipped catalog (conf/catalog, from the
 * repository's root, where make fuzz runs), and each role of a catalog
 * that loads its own plan, as --expected --role builds it: the duplicate,
 * clash and ignore checks run on what the parsers let through. Nothing
 * may crash, leak, hang or print a control character. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "plan/config.h"
#include "plan/diag.h"
#include "plan/expect.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static struct pc_catalog *shipped; /* NULL: not run from the repository's root */

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
	pc_catalog_free(shipped);
}

/* Refused without a word, or accepted with errors: a failure. */
static void check_outcome(bool refused, const struct pc_diag *diag)
{
	if (refused != (diag->n_errors > 0))
		abort();
	check_printable(diag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/dev/shm/pc-fuzz-cfgfile.%ld.conf", (long)getpid());
		atexit(remove_file);
		struct pc_diag diag = { 0 };
		const char *catalog_dir[] = { "conf/catalog" };
		shipped = pc_catalog_load(catalog_dir, 1, &diag);
		pc_diag_clear(&diag);
	}
	fuzz_write_file(path, data, size);

	struct pc_diag diag = { 0 };
	struct pc_expectations list;
	struct pc_config *config = pc_config_load(path, &diag);
	check_outcome(config == NULL, &diag);
	pc_diag_clear(&diag);
	if (config != NULL && shipped != NULL) {
		check_outcome(pc_expect_build(shipped, config, &list, &diag) != 0, &diag);
		pc_expectations_free(&list);
		pc_diag_clear(&diag);
	}
	pc_config_free(config);

	const char *paths[] = { path };
	struct pc_catalog *catalog = pc_catalog_load(paths, 1, &diag);
	check_outcome(catalog == NULL, &diag);
	pc_diag_clear(&diag);
	for (size_t i = 0; catalog != NULL && i < catalog->n_roles && i < 64; i++) {
		int rc = pc_expect_role(catalog, catalog->roles[i].name, -1, PC_SIDE_NONE, 0, 0,
					"fuzz", &list, &diag);
		check_outcome(rc != 0, &diag);
		pc_expectations_free(&list);
		pc_diag_clear(&diag);
	}
	pc_catalog_free(catalog);
	return 0;
}
