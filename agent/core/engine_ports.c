/* SPDX-License-Identifier: ISC */
/* Which ports the plan names, per protocol, as bitmaps, and which of a
 * poll's listeners sit on one of them: made once per evaluation, so that
 * judging an expectation looks at the few listeners on its ports instead
 * of every listener of the host, and classifying a listener tests a bit
 * instead of every expectation. The answers are those of a scan of every
 * listener, in the same order (test_engine_ports). */
#include "core/engine_internal.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static int proto_slot(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1 : -1;
}

static void set_range(uint64_t *map, uint16_t first, uint16_t last)
{
	for (uint32_t p = first; p <= last;) {
		if ((p & 63) == 0 && p + 63 <= last) {
			map[p >> 6] = ~UINT64_C(0);
			p += 64;
		} else {
			map[p >> 6] |= UINT64_C(1) << (p & 63);
			p++;
		}
	}
}

bool pc_engine_ports_has(const uint64_t map[2][PC_ENGINE_PORT_WORDS], uint8_t proto,
			 uint16_t port)
{
	int s = proto_slot(proto);
	return s >= 0 && (map[s][port >> 6] >> (port & 63) & 1) != 0;
}

struct pc_engine_ports *pc_engine_ports_build(const struct pc_expectations *exps,
					      const struct pc_snapshot *snap)
{
	struct pc_engine_ports *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->listeners = malloc((snap->n_listeners + 1) * sizeof(*p->listeners));
	if (p->listeners == NULL) {
		free(p);
		return NULL;
	}
	for (size_t k = 0; k < exps->n; k++) {
		const struct pc_expectation *e = &exps->items[k];
		int s = proto_slot(e->protocol);
		if (s < 0)
			continue;
		switch (e->match) {
		case PC_MATCH_PORT:
		case PC_MATCH_ANY_IN_RANGE:
			/* what pc_engine_port_matches accepts */
			set_range(p->named[s], e->port, e->match == PC_MATCH_PORT ? e->port : e->port_last);
			if (e->direction == PC_DIR_LISTEN)
				set_range(p->listen[s], e->port,
					  e->match == PC_MATCH_PORT ? e->port : e->port_last);
			break;
		case PC_MATCH_PERMIT:
			set_range(p->permit[s], e->port, e->port_last);
			break;
		case PC_MATCH_NONE:
			break;
		}
	}
	for (size_t i = 0; i < snap->n_listeners; i++)
		if (pc_engine_ports_has(p->named, snap->listeners[i].local.proto,
					snap->listeners[i].local.port))
			p->listeners[p->n_listeners++] = (uint32_t)i;
	return p;
}

void pc_engine_ports_free(struct pc_engine_ports *p)
{
	if (p == NULL)
		return;
	free(p->listeners);
	free(p);
}
