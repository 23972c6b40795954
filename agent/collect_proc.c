/* /proc/net fallback: not implemented yet. */
#include "collect_internal.h"

#include <errno.h>
#include <stdio.h>

int pc_procnet_parse_line(const char *line, int family, struct pc_procnet_entry *out)
{
	(void)line;
	(void)family;
	(void)out;
	return -1;
}

int pc_procnet_read(const char *proc_root, const struct pc_port_set *connect_ports,
		    struct pc_snapshot *snap, char *err, size_t errlen)
{
	(void)connect_ports;
	(void)snap;
	snprintf(err, errlen, "%s/net: the /proc fallback is not implemented yet", proc_root);
	errno = ENOSYS;
	return -1;
}

void pc_procnet_guess_v6only(struct pc_snapshot *snap, bool bindv6only_default)
{
	(void)snap;
	(void)bindv6only_default;
}
