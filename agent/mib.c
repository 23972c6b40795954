#include "mib.h"

#include <string.h>
#include <time.h>

#include "mib_internal.h"

static struct pc_state *current_state;

const struct pc_state *pc_mib_state(void)
{
	return current_state;
}

int pc_mib_register(void)
{
	if (pc_mib_poll_register() < 0 || pc_mib_host_register() < 0 ||
	    pc_mib_listener_register() < 0 || pc_mib_role_register() < 0 ||
	    pc_mib_expect_register() < 0 || pc_mib_instance_register() < 0 ||
	    pc_mib_notify_register() < 0)
		return -1;
	return 0;
}

void pc_mib_set_state(struct pc_state *state)
{
	/* Rows point into the state: rebuild them before letting the old go. */
	struct pc_state *old = current_state;
	current_state = state;
	pc_mib_listener_rebuild(state);
	pc_mib_role_rebuild(state);
	pc_mib_expect_rebuild(state);
	pc_mib_instance_rebuild(state);
	pc_state_unref(old);
}

void pc_mib_shutdown(void)
{
	pc_mib_listener_free();
	pc_mib_role_free();
	pc_mib_expect_free();
	pc_mib_instance_free();
	pc_state_unref(current_state);
	current_state = NULL;
}

void pc_mib_set_uint(netsnmp_variable_list *var, u_char type, unsigned long value)
{
	u_long v = value;
	snmp_set_var_typed_value(var, type, &v, sizeof(v));
}

void pc_mib_set_int(netsnmp_variable_list *var, long value)
{
	snmp_set_var_typed_value(var, ASN_INTEGER, &value, sizeof(value));
}

void pc_mib_set_string(netsnmp_variable_list *var, const char *text)
{
	text = text != NULL ? text : "";
	snmp_set_var_typed_value(var, ASN_OCTET_STR, text, strlen(text));
}

void pc_mib_set_octets(netsnmp_variable_list *var, const uint8_t *bytes, size_t len)
{
	snmp_set_var_typed_value(var, ASN_OCTET_STR, bytes, len);
}

unsigned long pc_mib_timestamp(int64_t monotonic_ms)
{
	struct timespec now;
	if (monotonic_ms == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t age_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - monotonic_ms;
	long uptime = (long)netsnmp_get_agent_uptime();
	long ticks = uptime - (long)(age_ms / 10);
	return ticks > 0 ? (unsigned long)ticks : 0;
}
