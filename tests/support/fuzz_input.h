/* SPDX-License-Identifier: ISC */
/* For the fuzz targets whose parsers read files: one input written to a
 * file as it is. A failure aborts, which libFuzzer reports as a crash
 * with the input that caused it. */
#ifndef PC_FUZZ_INPUT_H
#define PC_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");
	if (fp == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
}

#endif
