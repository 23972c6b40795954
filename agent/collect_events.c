/* Destroy events: not implemented yet (the collector polls on its interval). */
#include "collect_internal.h"

#include <errno.h>
#include <stdio.h>

int pc_events_fail_for_test;

struct pc_events *pc_events_open(char *err, size_t errlen)
{
	snprintf(err, errlen, "destroy events are not implemented yet");
	errno = ENOSYS;
	return NULL;
}

void pc_events_close(struct pc_events *ev)
{
	(void)ev;
}

int pc_events_fd(const struct pc_events *ev)
{
	(void)ev;
	return -1;
}

int pc_events_set_ports(struct pc_events *ev, const uint16_t *ports, size_t n)
{
	(void)ev;
	(void)ports;
	(void)n;
	return 0;
}

bool pc_events_read(struct pc_events *ev)
{
	(void)ev;
	return false;
}

bool pc_events_parse(const void *buf, size_t len, const struct pc_port_set *watch)
{
	(void)buf;
	(void)len;
	(void)watch;
	return false;
}
