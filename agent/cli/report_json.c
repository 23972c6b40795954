/* SPDX-License-Identifier: ISC */
/* The --check report as JSON: one object, keys in lower_snake_case, names
 * of statuses, compliance, classes and sources spelled as the MIB spells
 * them. A key whose value does not apply is null, never left out.
 *
 *   compliance      "compliant" | "degraded" | "nonCompliant" | "unknown"
 *   state           the Nagios state: "OK" | "WARNING" | "CRITICAL" | "UNKNOWN"
 *                   (the compliance's, WARNING for a compliant host whose
 *                   discovery verdict is "differs")
 *   exit_status     0 | 1 | 2 | 3, as portcomplyd --check exits
 *   counts          {expected, present, missing, unexpected, unconfigured}:
 *                   the engine's host counts (pcExpectedCount...)
 *   statuses        {present: N, missing: N, ...}: expectations per status
 *   poll            {source, time (UTC, ISO 8601), duration_us,
 *                    malformed_records, listeners, naming, naming_reason}:
 *                   naming as pcNamingStatus spells it ("working",
 *                   "limited"...; null when off), naming_reason why it is
 *                   degraded or limited (null otherwise)
 *   catalog_revision, config (the configuration file)
 *   discovery       null when the configuration's discovery is off; else
 *                   {verdict ("noRoles" | "matches" | "differs"),
 *                    best_score, configured_score (as --discover prints
 *                    them; null: no candidate, no role), best, configured
 *                    ([{role, instance, side, slot}]: candidate 1 and the
 *                    configured roles, each value a word of
 *                    pcDiscoveryTable's: "2", "0-24", "a|b", "-")}
 *   roles           [{role_index, role, title, table, instance,
 *                     instance_name, side, slot, compliance, expected,
 *                     present, missing, unconfigured}]         (pcRoleTable)
 *   instances       [{instance, name, roles, compliance}]  (pcInstanceTable)
 *   expectations    [{role_index, rule_index, member, members, peers,
 *                     address_problem, reason, role, instance,
 *                     instance_name, side, slot, rule, description,
 *                     protocol, port, port_last, match, direction, required,
 *                     configurable, bind_address, status, listener,
 *                     bound_address, pid, process, uid, user, owner_user,
 *                     owner_uid, owner_process}]            (pcExpectTable)
 *   listeners       [{protocol, address_type, address, port, sockets, pid,
 *                     process, uid, user, uids_differ, class, expectation,
 *                     role, rule, device, device_status}]   (pcListenerTable)
 *   agent           the daemon serving the same configuration, as its
 *                   control socket told: {connected, address (the AgentX
 *                   master's), since_s, attempts, reason (why not
 *                   connected, and the fix)}; null when none serves it
 *
 * instance: 0..24, null when the role takes none. side: "a", "b",
 * "primary", "secondary" or null. slot: 1..3 or null. port, port_last:
 * null when the rule has no number. bind_address: the address the
 * configuration wants (null: any); bound_address, pid, process, uid, user:
 * the listener that satisfies the expectation (or, when the status is
 * wrongAddress, the one its peers cannot reach; when wrongOwner, the one
 * held by someone else). owner_user (as written), owner_uid, owner_process:
 * who must hold it (null: anyone). uid: a socket's owner (of the
 * lowest-inode socket when several share the row; uids_differ: they do not
 * all belong to one user); user: its name, null when it has none. peers:
 * "local", "remoteIpv4", "remoteIpv6", "remoteAny" (pcExpectPeers).
 * address_problem: why a wrongAddress port's peers cannot reach it, as
 * pcExpectAddressProblem spells it ("loopbackOnly", "ipv6Only",
 * "notLocalAddress", "wrongDevice", "deviceDown", "notBindAddress"...),
 * reason: the same in words; both null unless wrongAddress. device: the
 * device a listener is bound to (SO_BINDTODEVICE), device_status "up",
 * "down" or "absent"; both null when it is bound to none. Addresses are
 * written as `ss`
 * and --listeners write them ("*" every IPv4 and IPv6 address, "0.0.0.0",
 * "[::]" IPv6 only, "[fe80::1]%eth0", "0.0.0.0%eth1" bound to a device);
 * address_type is the MIB's InetAddressType ("unknown" for "*"). The cross references are 0-based
 * positions in the other array: expectations[i].listener is the listener
 * that satisfies it, listeners[j].expectation the first expectation it
 * serves, or for class inPermitRange or trustedPermit the permit range
 * that covers it (its role and rule are repeated beside it); null: none.
 * match: "none", "port", "any-in-range" or "permit". */
#include "cli/report_internal.h"

#include <string.h>

#include "util/json.h"

static void json_uint_or_null(FILE *out, bool present, unsigned long value)
{
	if (present)
		fprintf(out, "%lu", value);
	else
		fputs("null", out);
}

static void json_head(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		      const struct pc_evaluation *ev, const struct pc_discovery *discovery,
		      const struct pc_report_tally *tally)
{
	char when[64];
	int status = pc_report_check_status(ev, discovery);
	fprintf(out, "{\"compliance\": \"%s\", \"state\": \"%s\", \"exit_status\": %d,\n",
		pc_compliance_name(ev->host), pc_report_status_name(status), status);
	fprintf(out, " \"counts\": {\"expected\": %u, \"present\": %u, \"missing\": %u, "
		     "\"unexpected\": %u, \"unconfigured\": %u},\n",
		ev->expected, ev->present, ev->missing, ev->unexpected, ev->unconfigured);
	fputs(" \"statuses\": {", out);
	for (int s = PC_PORT_PRESENT; s < PC_STATUS_SLOTS; s++)
		fprintf(out, "%s\"%s\": %u", s == PC_PORT_PRESENT ? "" : ", ",
			pc_port_status_name((enum pc_port_status)s), tally->status[s]);
	pc_report_time(&snap->taken_at, when, sizeof(when));
	fprintf(out, "},\n \"poll\": {\"source\": \"%s\", \"time\": \"%s\", \"duration_us\": %u, "
		     "\"malformed_records\": %u, \"listeners\": %zu, \"naming\": ",
		pc_report_source_name(snap->source), when, snap->duration_us, snap->errors,
		snap->n_listeners);
	enum pc_naming_health health = (enum pc_naming_health)snap->naming.health;
	pc_json_string(out, health == PC_NAMING_HEALTH_OFF ? NULL : pc_naming_health_name(health));
	fputs(", \"naming_reason\": ", out);
	pc_json_string(out, snap->naming.reason[0] != '\0' ? snap->naming.reason : NULL);
	fputs("},\n", out);
	fprintf(out, " \"catalog_revision\": \"%s\", \"config\": ", plan->catalog->revision);
	pc_json_string(out, plan->config->path);
	fputs(",\n", out);
}

/* The next word of each of the four lists into word[]; false at the end. */
static bool next_words(const char *lists[4], char word[4][PC_DISCOVER_ROLES_TEXT])
{
	if (*lists[0] == '\0')
		return false;
	for (int k = 0; k < 4; k++) {
		size_t n = strcspn(lists[k], " ");
		snprintf(word[k], sizeof(word[k]), "%.*s", (int)n, lists[k]);
		lists[k] += n + (lists[k][n] == ' ');
	}
	return true;
}

/* [{"role": ..., "instance": "2", "side": "a", "slot": "-"}, ...]: the
 * words as pcDiscoveryTable says them ("..." for roles left out). */
static void json_words(FILE *out, const struct pc_discover_words *w)
{
	static const char *const keys[4] = { "role", "instance", "side", "slot" };
	const char *lists[4] = { w->roles, w->instances, w->sides, w->slots };
	char word[4][PC_DISCOVER_ROLES_TEXT];
	fputc('[', out);
	for (size_t n = 0; next_words(lists, word); n++) {
		fputs(n ? ", {" : "{", out);
		for (int k = 0; k < 4; k++) {
			fprintf(out, "%s\"%s\": ", k ? ", " : "", keys[k]);
			pc_json_string(out, word[k]);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_score(FILE *out, bool present, int64_t score)
{
	int64_t thousandths = score / (PC_DISCOVER_UNIT / 1000);
	int64_t magnitude = thousandths < 0 ? -thousandths : thousandths;
	if (present)
		fprintf(out, "%s%lld.%03lld", thousandths < 0 ? "-" : "",
			(long long)(magnitude / 1000), (long long)(magnitude % 1000));
	else
		fputs("null", out);
}

static void json_discovery(FILE *out, const struct pc_discovery *d)
{
	fputs(" \"discovery\": ", out);
	if (d == NULL) {
		fputs("null,\n", out);
		return;
	}
	struct pc_discover_words best = { 0 };
	if (d->n_candidates > 0)
		pc_discover_words_of_candidate(&d->candidates[0], &best);
	fprintf(out, "{\"verdict\": \"%s\", \"best_score\": ", pc_discover_verdict_name(d->verdict));
	json_score(out, d->n_candidates > 0, d->n_candidates > 0 ? d->candidates[0].score : 0);
	fputs(", \"configured_score\": ", out);
	json_score(out, d->verdict != PC_DISCOVER_NO_ROLES, d->configured_score);
	fputs(", \"best\": ", out);
	json_words(out, &best);
	fputs(", \"configured\": ", out);
	json_words(out, &d->configured_words);
	fputs("},\n", out);
}

static void json_roles(FILE *out, const struct pc_plan *plan, const struct pc_evaluation *ev)
{
	size_t n = ev->n_roles < plan->config->n_roles ? ev->n_roles : plan->config->n_roles;
	fputs(" \"roles\": [", out);
	for (size_t r = 0; r < n; r++) {
		const struct pc_role_result *res = &ev->roles[r];
		char instance[PC_NAME_MAX + 16];
		pc_report_instance_name(ev, res->instance, instance, sizeof(instance));
		fprintf(out, "%s\n  {\"role_index\": %zu, \"role\": ", r ? "," : "", r + 1);
		pc_json_string(out, pc_report_role_name(plan, ev, r));
		fputs(", \"title\": ", out);
		pc_json_string(out, res->title);
		fprintf(out, ", \"table\": %d, \"instance\": ", res->table);
		json_uint_or_null(out, res->instance >= 0, (unsigned long)res->instance);
		fputs(", \"instance_name\": ", out);
		pc_json_string(out, res->instance >= 0 ? instance : NULL);
		fputs(", \"side\": ", out);
		pc_json_string(out, pc_side_name(res->side));
		fputs(", \"slot\": ", out);
		json_uint_or_null(out, res->slot > 0, (unsigned long)res->slot);
		fprintf(out, ", \"compliance\": \"%s\", \"expected\": %u, \"present\": %u, "
			     "\"missing\": %u, \"unconfigured\": %u}",
			pc_compliance_name(res->compliance), res->expected, res->present,
			res->missing, res->unconfigured);
	}
	fputs(n ? "\n ],\n" : "],\n", out);
}

static void json_instances(FILE *out, const struct pc_evaluation *ev)
{
	fputs(" \"instances\": [", out);
	for (size_t k = 0; k < ev->n_instances; k++) {
		const struct pc_instance_result *in = &ev->instances[k];
		fprintf(out, "%s\n  {\"instance\": %d, \"name\": ", k ? "," : "", in->number);
		pc_json_string(out, in->name);
		fprintf(out, ", \"roles\": %u, \"compliance\": \"%s\"}", in->roles,
			pc_compliance_name(in->compliance));
	}
	fputs(ev->n_instances ? "\n ],\n" : "],\n", out);
}

static const char *peers_name(const struct pc_expectation *e)
{
	if (e->peer == PC_PEER_LOCAL)
		return "local";
	return e->peer_family == PC_PEER_IPV6 ? "remoteIpv6"
	       : e->peer_family == PC_PEER_ANY ? "remoteAny"
					       : "remoteIpv4";
}

/* l: the listener that satisfies e, NULL: none; listener: its position. */
static void json_expectation(FILE *out, const struct pc_snapshot *snap,
			     const struct pc_expectation *e, enum pc_port_status status,
			     enum pc_address_problem problem, const struct pc_listener *l,
			     long listener)
{
	static const char *const match_names[] = { "none", "port", "any-in-range", "permit" };
	bool numbered = e->match != PC_MATCH_NONE;
	bool wrong = status == PC_PORT_WRONG_ADDRESS && problem != PC_PROBLEM_NONE;
	fprintf(out, "{\"role_index\": %u, \"rule_index\": %u, \"member\": %u, \"members\": %u, "
		     "\"peers\": \"%s\", \"address_problem\": ",
		e->role_index, e->rule_index, e->member, e->members, peers_name(e));
	pc_json_string(out, wrong ? pc_address_problem_name(problem) : NULL);
	fputs(", \"reason\": ", out);
	pc_json_string(out, wrong ? pc_address_problem_text(problem) : NULL);
	fputs(", \"role\": ", out);
	pc_json_string(out, e->role);
	fputs(", \"instance\": ", out);
	json_uint_or_null(out, e->instance >= 0, (unsigned long)e->instance);
	fputs(", \"instance_name\": ", out);
	pc_json_string(out, e->instance >= 0 ? e->instance_name : NULL);
	fputs(", \"side\": ", out);
	pc_json_string(out, pc_side_name(e->side));
	fputs(", \"slot\": ", out);
	json_uint_or_null(out, e->slot > 0, (unsigned long)e->slot);
	fputs(", \"rule\": ", out);
	pc_json_string(out, e->rule);
	fputs(", \"description\": ", out);
	pc_json_string(out, e->description);
	fprintf(out, ", \"protocol\": \"%s\", \"port\": ", pc_proto_name(e->protocol));
	json_uint_or_null(out, numbered, e->port);
	fputs(", \"port_last\": ", out);
	json_uint_or_null(out, numbered, e->port_last);
	fprintf(out, ", \"match\": \"%s\", \"direction\": \"%s\", \"required\": %s, "
		     "\"configurable\": %s, \"bind_address\": ",
		match_names[e->match <= PC_MATCH_PERMIT ? e->match : 0],
		pc_direction_name(e->direction), pc_json_bool(e->required),
		pc_json_bool(e->configurable));
	pc_json_string(out, e->bind_address);
	fprintf(out, ", \"status\": \"%s\", \"listener\": ", pc_port_status_name(status));
	json_uint_or_null(out, l != NULL, (unsigned long)listener);
	char addr[64];
	if (l != NULL)
		pc_listener_format_addr(snap, l, addr, sizeof(addr));
	fputs(", \"bound_address\": ", out);
	pc_json_string(out, l ? addr : NULL);
	fputs(", \"pid\": ", out);
	json_uint_or_null(out, l && l->pid > 0, l ? (unsigned long)l->pid : 0);
	fputs(", \"process\": ", out);
	pc_json_string(out, l && l->process[0] ? l->process : NULL);
	fputs(", \"uid\": ", out);
	json_uint_or_null(out, l != NULL, l ? l->uid : 0);
	fputs(", \"user\": ", out);
	pc_json_string(out, l && l->user[0] ? l->user : NULL);
	fputs(", \"owner_user\": ", out);
	pc_json_string(out, e->owner_user);
	fputs(", \"owner_uid\": ", out);
	json_uint_or_null(out, e->owner_uid_set, e->owner_uid);
	fputs(", \"owner_process\": ", out);
	pc_json_string(out, e->owner_process);
	fputc('}', out);
}

static void json_expectations(FILE *out, const struct pc_plan *plan,
			      const struct pc_snapshot *snap, const struct pc_evaluation *ev,
			      const struct pc_report_tally *tally)
{
	fputs(" \"expectations\": [", out);
	for (size_t i = 0; i < tally->n_expect; i++) {
		const struct pc_listener *l = pc_report_matched(snap, ev, i);
		fputs(i ? ",\n  " : "\n  ", out);
		json_expectation(out, snap, &plan->expectations.items[i], pc_report_status(ev, i),
				 i < ev->n_expect ? ev->expect[i].problem : PC_PROBLEM_NONE, l,
				 l ? (long)(l - snap->listeners) : -1);
	}
	fputs(tally->n_expect ? "\n ],\n" : "],\n", out);
}

static void json_listeners(FILE *out, const struct pc_plan *plan,
			   const struct pc_snapshot *snap, const struct pc_evaluation *ev,
			   const struct pc_report_tally *tally)
{
	fputs(" \"listeners\": [", out);
	for (size_t j = 0; j < tally->n_listeners; j++) {
		const struct pc_listener *l = &snap->listeners[j];
		enum pc_listener_class class = pc_report_class(ev, j);
		long served = pc_report_served(plan, ev, j);
		const struct pc_expectation *e =
			served >= 0 ? &plan->expectations.items[served] : NULL;
		char addr[64];
		pc_listener_format_addr(snap, l, addr, sizeof(addr));
		fprintf(out, "%s\n  {\"protocol\": \"%s\", \"address_type\": \"%s\", \"address\": ",
			j ? "," : "", pc_proto_name(l->local.proto),
			pc_report_addr_type_name(l->local.addr_type));
		pc_json_string(out, addr);
		fprintf(out, ", \"port\": %u, \"sockets\": %u, \"pid\": ", l->local.port,
			l->sockets);
		json_uint_or_null(out, l->pid > 0, (unsigned long)l->pid);
		fputs(", \"process\": ", out);
		pc_json_string(out, l->process[0] ? l->process : NULL);
		fprintf(out, ", \"uid\": %u, \"user\": ", l->uid);
		pc_json_string(out, l->user[0] ? l->user : NULL);
		fprintf(out, ", \"uids_differ\": %s", pc_json_bool(l->uids_differ));
		fputs(", \"class\": ", out);
		pc_json_string(out, class ? pc_listener_class_name(class) : NULL);
		fputs(", \"expectation\": ", out);
		json_uint_or_null(out, served >= 0, (unsigned long)served);
		fputs(", \"role\": ", out);
		pc_json_string(out, e ? e->role : NULL);
		fputs(", \"rule\": ", out);
		pc_json_string(out, e ? e->rule : NULL);
		pc_report_json_device(out, snap, l);
		fputc('}', out);
	}
	fputs(tally->n_listeners ? "\n ]" : "]", out);
}

void pc_report_json_device(FILE *out, const struct pc_snapshot *snap, const struct pc_listener *l)
{
	enum pc_device_status device = pc_listener_device_status(snap, l);
	fputs(", \"device\": ", out);
	pc_json_string(out, pc_listener_device(snap, l));
	fputs(", \"device_status\": ", out);
	pc_json_string(out, device != PC_DEVICE_NONE ? pc_device_status_name(device) : NULL);
}

static void json_agent(FILE *out, const struct pc_report_agent *agent)
{
	fputs(",\n \"agent\": ", out);
	if (agent == NULL) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"connected\": %s, \"address\": ", pc_json_bool(agent->connected));
	pc_json_string(out, agent->address);
	fprintf(out, ", \"since_s\": %lu, \"attempts\": %u, \"reason\": ", agent->since_s,
		agent->attempts);
	pc_json_string(out, agent->connected ? NULL : agent->reason);
	fputs("}", out);
}

int pc_report_json(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		   const struct pc_evaluation *ev, const struct pc_report_agent *agent,
		   const struct pc_discovery *discovery)
{
	struct pc_report_tally tally;
	pc_report_count(plan, snap, ev, &tally);
	json_head(out, plan, snap, ev, discovery, &tally);
	json_discovery(out, discovery);
	json_roles(out, plan, ev);
	json_instances(out, ev);
	json_expectations(out, plan, snap, ev, &tally);
	json_listeners(out, plan, snap, ev, &tally);
	json_agent(out, agent);
	fputs("\n}\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
