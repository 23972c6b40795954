#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/program.h"

static pc_log_sink current_sink;

void pc_log_set_sink(pc_log_sink sink)
{
	current_sink = sink;
}

void pc_log(int level, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (current_sink != NULL)
		current_sink(level, message);
	else
		fprintf(stderr, PC_NAME ": %s\n", message);
}
