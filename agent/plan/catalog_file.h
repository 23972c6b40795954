/* SPDX-License-Identifier: ISC */
/* One catalog file's blocks, rulesets and roles, for the loader
 * (catalog_load.c), which reads each file of a catalog through it. */
#ifndef PC_CATALOG_FILE_H
#define PC_CATALOG_FILE_H

#include "plan/catalog.h"
#include "plan/diag.h"

/* Append what path defines to catalog; every problem goes to diag as
 * FILE:LINE. path must stay valid as long as the catalog (rules point at
 * it): pass one of catalog->files. */
void pc_catalog_read_file(struct pc_catalog *catalog, const char *path, struct pc_diag *diag);

#endif
