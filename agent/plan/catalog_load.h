/* SPDX-License-Identifier: ISC */
/* The catalog's loader: above the catalog's types (catalog.h) and the
 * reader of one file (catalog_file.h), which it puts together. */
#ifndef PC_CATALOG_LOAD_H
#define PC_CATALOG_LOAD_H

#include <stddef.h>

#include "plan/catalog.h"
#include "plan/diag.h"

/* Load every path in order: a directory contributes its *.conf files in
 * name order (hidden files skipped), a regular file itself. NULL when
 * anything does not validate; every problem is added to diag. */
struct pc_catalog *pc_catalog_load(const char *const *paths, size_t n_paths,
				   struct pc_diag *diag);

#endif
