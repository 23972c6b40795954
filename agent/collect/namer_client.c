/* SPDX-License-Identifier: ISC */
/* The asking side of namer_protocol.h: what the daemon sends, and how it
 * reads what comes back. Nothing the helper says is trusted beyond the
 * shape checked here. */
#include "collect/namer_client.h"

#include <string.h>

#include "collect/namer_protocol.h"

_Static_assert(PC_NAMER_NAME_MAX == PC_PROCESS_MAX, "a process name crosses the socket whole");
_Static_assert(PC_NAMER_HOLDERS == PC_HOLDERS_MAX, "every holder crosses the socket");

size_t pc_namer_request_chunk(uint32_t id, const uint64_t *inodes, uint32_t total,
			      uint32_t offset, uint32_t flags, unsigned char *buf)
{
	uint32_t count = total - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : total - offset;
	struct pc_namer_request_header h = { PC_NAMER_RESOLVE, id, total, offset, count, flags };
	memcpy(buf, &h, sizeof(h));
	if (count > 0)
		memcpy(buf + sizeof(h), inodes + offset, count * sizeof(uint64_t));
	return sizeof(h) + count * sizeof(uint64_t);
}

static struct pc_procmap_stats procmap_stats(const struct pc_namer_stats *s)
{
	struct pc_procmap_stats out = { 0 };
#define COPY_FIELD(field) out.field = s->field;
	PC_PROCMAP_STATS_FIELDS(COPY_FIELD)
#undef COPY_FIELD
	return out;
}

static bool naming_known(uint8_t naming)
{
	return naming == PC_NAMER_REFUSED ||
	       (naming >= PC_NAMING_COMPLETE && naming <= PC_NAMING_OFF);
}

/* The answer for asked, whoever wrote it: the inode it was asked about,
 * holders only with a naming that has them, names cut to size and
 * printable. */
static int take_answer(const struct pc_namer_answer *w, uint64_t asked,
		       struct pc_naming_answer *a, struct pc_procmap_stats *stats)
{
	if (w->inode != asked || !naming_known(w->naming) || w->n_holders > PC_NAMER_HOLDERS)
		return -1;
	bool holds = w->naming == PC_NAMING_COMPLETE || w->naming == PC_NAMING_PARTIAL;
	if (holds != (w->n_holders > 0))
		return -1;
	memset(a, 0, sizeof(*a));
	a->inode = asked;
	a->naming = w->naming;
	if (w->naming == PC_NAMER_REFUSED) {
		/* Not listening when the helper looked (it closed since, or
		 * opened after the poll): asked again at the next pass. */
		a->naming = PC_NAMING_PENDING;
		stats->refused++;
		return 0;
	}
	for (uint8_t h = 0; h < w->n_holders; h++) {
		if (w->holders[h].pid <= 0)
			return -1;
		a->holders[h].pid = w->holders[h].pid;
		memcpy(a->holders[h].process, w->holders[h].name, PC_PROCESS_MAX);
		a->holders[h].process[PC_PROCESS_MAX - 1] = '\0';
		for (char *c = a->holders[h].process; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
				*c = '?';
	}
	a->n_holders = w->n_holders;
	return 0;
}

int pc_namer_reply_take(struct pc_namer_reply *r, const void *message, size_t len)
{
	struct pc_namer_reply_header h;
	if (len < sizeof(h))
		return -1;
	memcpy(&h, message, sizeof(h));
	if (h.id != r->id || h.total != r->total || h.offset != r->received ||
	    h.count > r->total - r->received || h.count > PC_NAMER_REPLY_CHUNK ||
	    (h.count == 0 && r->total > 0) ||
	    len != sizeof(h) + (size_t)h.count * sizeof(struct pc_namer_answer))
		return -1;
	if (h.offset == 0) {
		r->stats = procmap_stats(&h.stats);
		r->stats.refused = 0; /* counted below, from the answers themselves */
	}
	for (uint32_t k = 0; k < h.count; k++) {
		struct pc_namer_answer w;
		memcpy(&w, (const unsigned char *)message + sizeof(h) + k * sizeof(w), sizeof(w));
		uint32_t i = r->received + k;
		if (take_answer(&w, r->asked[i], &r->answers[i], &r->stats) < 0)
			return -1;
	}
	r->received += h.count;
	return r->received == r->total ? 1 : 0;
}
