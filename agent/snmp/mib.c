/* SPDX-License-Identifier: ISC */
/* The daemon's MIB: the state it serves, its tables and scalar groups
 * registered with net-snmp. The handlers only turn requests into calls of
 * mib_table.c and the groups' value functions, given the view. */
#include "snmp/mib.h"

#include "util/clock.h"
#include "util/log.h"
#include "snmp/mib_internal.h"

static const struct pc_mib_table_def *const table_defs[] = {
	&pc_mib_listener_def, &pc_mib_role_def,		 &pc_mib_expect_def,
	&pc_mib_instance_def, &pc_mib_instance_port_def, &pc_mib_discovery_table_def,
	&pc_mib_expected_port_def,
};
#define N_TABLES (sizeof(table_defs) / sizeof(table_defs[0]))

static const struct pc_mib_scalars_def *const scalar_defs[] = {
	&pc_mib_poll_def,
	&pc_mib_host_def,
	&pc_mib_notify_def,
	&pc_mib_discovery_def,
};

/* The one instance the daemon serves. */
static struct {
	struct pc_state *state;
	struct pc_mib_table tables[N_TABLES];
	struct pc_mib_counters counters;
} mib;

static struct pc_mib_view current_view(void)
{
	struct pc_mib_view view = {
		.state = mib.state,
		.notify = mib.counters.notify(mib.counters.source),
		.now_ms = pc_now_ms(),
		.uptime = netsnmp_get_agent_uptime(),
	};
	return view;
}

static int table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct pc_mib_table *t = handler->myvoid;
	struct pc_mib_view view = current_view();
	(void)reg;

	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		if (r->processed)
			continue;
		if (view.state == NULL) {
			if (reqinfo->mode == MODE_GET)
				netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
			continue;
		}
		if (reqinfo->mode == MODE_GET) {
			int rc = pc_mib_table_get(t, &view, r->requestvb);
			if (rc != 0)
				netsnmp_set_request_error(reqinfo, r, rc);
		} else if (reqinfo->mode == MODE_GETNEXT) {
			/* AgentX's include flag: the start itself may be the answer. */
			if (r->inclusive && pc_mib_table_get(t, &view, r->requestvb) == 0)
				continue;
			/* Nothing after: the variable stays NULL and the agent moves on. */
			(void)pc_mib_table_getnext(t, &view, r->requestvb);
		}
	}
	return SNMP_ERR_NOERROR;
}

static int table_register(struct pc_mib_table *t)
{
	const struct pc_mib_table_def *def = t->def;
	/* The table's OID: the entry's without its last ".1". */
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		def->name, table_handler, def->entry, def->entry_len - 1, HANDLER_CAN_RONLY);
	if (reg == NULL) {
		pc_log(LOG_ERR, "%s: out of memory while registering", def->name);
		return -1;
	}
	reg->handler->myvoid = t;
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		pc_log(LOG_ERR, "%s: net-snmp refused the registration", def->name);
		return -1;
	}
	return 0;
}

static int scalars_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			   netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct pc_mib_scalars_def *def = handler->myvoid;
	struct pc_mib_view view = current_view();

	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		/* scalar_group has extended rootoid to this scalar's ".N.0". */
		unsigned n = (unsigned)reg->rootoid[reg->rootoid_len - 2];
		int rc = view.state != NULL ? def->value(&view, n, r->requestvb) : (int)SNMP_NOSUCHINSTANCE;
		if (rc != 0)
			netsnmp_set_request_error(reqinfo, r, rc);
	}
	return SNMP_ERR_NOERROR;
}

static int scalars_register(const struct pc_mib_scalars_def *def)
{
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		def->name, scalars_handler, def->group, def->group_len, HANDLER_CAN_RONLY);
	if (reg == NULL) {
		pc_log(LOG_ERR, "%s: out of memory while registering", def->name);
		return -1;
	}
	reg->handler->myvoid = (void *)def;
	if (netsnmp_register_scalar_group(reg, 1, def->last) != MIB_REGISTERED_OK) {
		pc_log(LOG_ERR, "%s: net-snmp refused the registration", def->name);
		return -1;
	}
	return 0;
}

int pc_mib_register(const struct pc_mib_counters *counters)
{
	mib.counters = *counters;
	for (size_t i = 0; i < sizeof(scalar_defs) / sizeof(scalar_defs[0]); i++)
		if (scalars_register(scalar_defs[i]) < 0)
			return -1;
	for (size_t i = 0; i < N_TABLES; i++) {
		mib.tables[i].def = table_defs[i];
		if (table_register(&mib.tables[i]) < 0)
			return -1;
	}
	return 0;
}

void pc_mib_set_state(struct pc_state *state)
{
	/* Built rows point into the state: rebuild them before letting the old go. */
	struct pc_state *old = mib.state;
	mib.state = state;
	/* Most tables read their rows in place: nothing to do but for the few
	 * that build theirs (mib_internal.h), so a request is never kept
	 * waiting behind a poll. The definitions are set here too, so that a
	 * state can be served without snmpd (tests/unit/snmp/test_mib_table). */
	for (size_t i = 0; i < N_TABLES; i++) {
		mib.tables[i].def = table_defs[i];
		pc_mib_table_rebuild(&mib.tables[i], state);
	}
	pc_state_unref(old);
}

void pc_mib_shutdown(void)
{
	for (size_t i = 0; i < N_TABLES; i++)
		pc_mib_table_free(&mib.tables[i]);
	pc_state_unref(mib.state);
	mib.state = NULL;
}
