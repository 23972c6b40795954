/* SPDX-License-Identifier: ISC */
/* Aligned text tables for the one-shot commands: a header row, then one
 * row per element, columns two spaces apart, the last one unpadded. */
#ifndef PC_TEXT_TABLE_H
#define PC_TEXT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define PC_TABLE_MAX_COLUMNS 16
#define PC_TABLE_CELL_MAX 256 /* longer cells are cut */

/* Writes the text of one cell of row (an element of the rows array). */
typedef void (*pc_cell_fn)(const void *row, int column, char *buf, size_t len);

/* Every line starts with indent. Cells are formatted twice, once to size
 * the columns and once to print them. n_columns <= PC_TABLE_MAX_COLUMNS. */
void pc_text_table(FILE *out, const char *indent, const char *const *headers, int n_columns,
		   const void *rows, size_t row_size, size_t n_rows, pc_cell_fn cell);

#endif
