/* inode -> process: not implemented yet (every listener keeps pid 0). */
#include "collect_internal.h"

#include <stdlib.h>
#include <string.h>

struct pc_procmap {
	int unused;
};

struct pc_procmap *pc_procmap_new(const char *proc_root)
{
	(void)proc_root;
	return calloc(1, sizeof(struct pc_procmap));
}

void pc_procmap_free(struct pc_procmap *pm)
{
	free(pm);
}

void pc_procmap_resolve(struct pc_procmap *pm, struct pc_snapshot *snap,
			struct pc_procmap_stats *stats)
{
	(void)pm;
	memset(stats, 0, sizeof(*stats));
	stats->unresolved = (unsigned)snap->n_listeners;
}
