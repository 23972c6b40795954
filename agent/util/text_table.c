/* SPDX-License-Identifier: ISC */
#include "util/text_table.h"

#include <stdbool.h>
#include <string.h>

static void print_cell(FILE *out, const char *indent, int column, const char *text, int width,
		       bool last)
{
	if (column == 0)
		fputs(indent, out);
	if (last)
		fprintf(out, "%s\n", text);
	else
		fprintf(out, "%-*s  ", width, text);
}

void pc_text_table(FILE *out, const char *indent, const char *const *headers, int n_columns,
		   const void *rows, size_t row_size, size_t n_rows, pc_cell_fn cell)
{
	int width[PC_TABLE_MAX_COLUMNS] = { 0 };
	char buf[PC_TABLE_CELL_MAX];
	if (n_columns > PC_TABLE_MAX_COLUMNS)
		n_columns = PC_TABLE_MAX_COLUMNS;
	for (int c = 0; c < n_columns; c++)
		width[c] = (int)strlen(headers[c]);
	for (size_t r = 0; r < n_rows; r++)
		for (int c = 0; c < n_columns; c++) {
			cell((const char *)rows + r * row_size, c, buf, sizeof(buf));
			if ((int)strlen(buf) > width[c])
				width[c] = (int)strlen(buf);
		}
	for (int c = 0; c < n_columns; c++)
		print_cell(out, indent, c, headers[c], width[c], c + 1 == n_columns);
	for (size_t r = 0; r < n_rows; r++)
		for (int c = 0; c < n_columns; c++) {
			cell((const char *)rows + r * row_size, c, buf, sizeof(buf));
			print_cell(out, indent, c, buf, width[c], c + 1 == n_columns);
		}
}
