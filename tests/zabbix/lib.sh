# SPDX-License-Identifier: ISC
# A real Zabbix 6.0 inside a scenario's namespaces, for tests/integration/
# t_zabbix.sh and bench/zabbix_poll.sh (sourced after tests/integration/
# lib.sh): a PostgreSQL cluster of its own (initdb in $PC_TMP, Unix socket
# only), zabbix_server with its own configuration and files, the frontend's
# JSON-RPC API served by PHP's built-in server on loopback, and the trap
# path Debian ships (snmptrapd -> SNMPTT -> the server's SNMPTrapperFile).
# Everything is started through start_bg, so the scenario's EXIT trap stops
# it; nothing uses the system's clusters, /etc/zabbix or /var.

ZBX_DIR=$PC_TMP/zabbix
ZBX_PG_DIR=$PC_TMP/pg
ZBX_TRAP_FILE=$PC_TMP/zabbix-traps.log
ZBX_API_URL=http://127.0.0.1:18080/api_jsonrpc.php
ZBX_PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
ZBX_SQL_DIR=/usr/share/zabbix-server-pgsql
ZBX_TEMPLATE=$PC_ROOT/contrib/zabbix/portcomply_by_snmp.yaml
ZBX_AUTH=

zbx_require() {
	local missing=() tool
	for tool in zabbix_server php snmptt jq curl "$ZBX_PGBIN/initdb"; do
		command -v "$tool" >/dev/null || missing+=("$tool")
	done
	[ -d /usr/share/zabbix ] || missing+=(/usr/share/zabbix)
	[ ${#missing[@]} = 0 ] || fail "missing ${missing[*]}: run 'make deps'"
}

# poll_until SECONDS CMD...: like wait_for, but returns 1 at the deadline
# instead of failing, so that the caller can say what went wrong.
poll_until() {
	local limit_ms=$(($(now_ms) + $1 * 1000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(now_ms)" -lt "$limit_ms" ] || return 1
		sleep 0.2
	done
}

# The server and PostgreSQL each run in a session of their own (setsid), so
# that stopping them reaches every process they forked; they are stopped in
# order before lib.sh's cleanup: the API, the server (which flushes its
# history to the database), then the database, in its "fast" mode (TERM
# would wait for every client to leave).
ZBX_PG_PID= ZBX_SERVER_PID= ZBX_PHP_PID=
# zbx_stop_group PID SIGNAL: SIGNAL to the session PID leads, KILL to what
# is left of it after 30 s.
zbx_stop_group() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill "-$2" -- "-$pid" 2>/dev/null || return 0
	for i in $(seq 300); do
		kill -0 -- "-$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
zbx_cleanup() {
	local rc=$?
	set +e
	[ -z "$ZBX_PHP_PID" ] || stop_pid "$ZBX_PHP_PID"
	zbx_stop_group "$ZBX_SERVER_PID" TERM
	zbx_stop_group "$ZBX_PG_PID" INT
	(exit "$rc")
	cleanup
}
trap zbx_cleanup EXIT

# as_user USER CMD...: run CMD as USER (PostgreSQL and zabbix_server refuse root).
as_user() {
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
}

# The cluster with the schema loaded is kept under $PC_BUILD/zabbix-db and
# copied for each run: loading Zabbix's data takes several seconds, copying
# the cluster one. The copy is remade when the installed PostgreSQL or
# zabbix-server-pgsql changes (its stamp names their versions).
ZBX_DB_CACHE=$PC_BUILD/zabbix-db

zbx_db_stamp() {
	dpkg-query -W -f='${Package} ${Version}\n' zabbix-server-pgsql "postgresql-$(basename "$(dirname "$ZBX_PGBIN")")" 2>/dev/null
}

# zbx_run_postgres: the server on a socket in $ZBX_PG_DIR, in a session of
# its own. A throwaway database: durability buys nothing here.
zbx_run_postgres() {
	start_bg ZBX_PG_PID setsid setpriv --reuid=postgres --regid=postgres --init-groups -- \
		"$ZBX_PGBIN/postgres" -D "$ZBX_PG_DIR/data" \
		-k "$ZBX_PG_DIR" -c listen_addresses= -c fsync=off -c synchronous_commit=off \
		-c full_page_writes=off -c logging_collector=off 2>>"$PC_TMP/postgresql.log"
	wait_for 30 "PostgreSQL to accept connections" "$ZBX_PGBIN/pg_isready" -q -h "$ZBX_PG_DIR" -U postgres
}

# zbx_make_db_cache: a new cluster, the schema and data of the installed
# zabbix-server-pgsql loaded into database zabbix, stopped cleanly and
# moved to $ZBX_DB_CACHE.
zbx_make_db_cache() {
	log "making the Zabbix database kept in $ZBX_DB_CACHE (once per package version)"
	as_user postgres "$ZBX_PGBIN/initdb" -D "$ZBX_PG_DIR/data" -A trust -U postgres -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$ZBX_PG_DIR/initdb.log" 2>&1 || fail "initdb: $(tail -n 3 "$ZBX_PG_DIR/initdb.log")"
	zbx_run_postgres
	psql -q -h "$ZBX_PG_DIR" -U postgres -c 'create role zabbix login' \
		-c 'create database zabbix owner zabbix' >/dev/null
	zcat "$ZBX_SQL_DIR"/schema.sql.gz "$ZBX_SQL_DIR"/images.sql.gz "$ZBX_SQL_DIR"/data.sql.gz |
		psql -q -h "$ZBX_PG_DIR" -U zabbix -v ON_ERROR_STOP=1 zabbix >"$ZBX_PG_DIR/load.log" 2>&1 ||
		fail "loading the Zabbix schema: $(tail -n 3 "$ZBX_PG_DIR/load.log")"
	as_user postgres "$ZBX_PGBIN/pg_ctl" -D "$ZBX_PG_DIR/data" -m fast -w stop >/dev/null ||
		fail "stopping PostgreSQL"
	wait "$ZBX_PG_PID" 2>/dev/null || true
	ZBX_PG_PID=
	rm -rf "$ZBX_DB_CACHE.new.$$"
	mkdir -p "$ZBX_DB_CACHE.new.$$"
	cp -a "$ZBX_PG_DIR/data" "$ZBX_DB_CACHE.new.$$/data"
	zbx_db_stamp >"$ZBX_DB_CACHE.new.$$/stamp"
	rm -rf "$ZBX_DB_CACHE"
	mv "$ZBX_DB_CACHE.new.$$" "$ZBX_DB_CACHE"
	rm -rf "$ZBX_PG_DIR/data"
}

# zbx_start_db: PostgreSQL on a copy of the kept cluster.
zbx_start_db() {
	mkdir -p "$ZBX_PG_DIR"
	chown postgres: "$ZBX_PG_DIR"
	if [ ! -f "$ZBX_DB_CACHE/stamp" ] || [ "$(cat "$ZBX_DB_CACHE/stamp")" != "$(zbx_db_stamp)" ]; then
		zbx_make_db_cache
	fi
	cp -a "$ZBX_DB_CACHE/data" "$ZBX_PG_DIR/data"
	zbx_run_postgres
}

# zbx_start_server [KEY=VALUE...]: zabbix_server in the foreground, as the
# user zabbix, with only the processes the tests need; the configuration
# cache is refreshed every second so that imports and discoveries take
# effect at once. Extra settings are appended.
zbx_start_server() {
	mkdir -p "$ZBX_DIR"
	chown zabbix: "$ZBX_DIR"
	: >"$ZBX_TRAP_FILE"
	cat >"$ZBX_DIR/zabbix_server.conf" <<EOF
LogFile=$PC_TMP/zabbix_server.log
LogFileSize=0
PidFile=$ZBX_DIR/zabbix_server.pid
SocketDir=$ZBX_DIR
DBHost=$ZBX_PG_DIR
DBName=zabbix
DBUser=zabbix
ListenIP=127.0.0.1
User=zabbix
StartPollers=1
StartPollersUnreachable=1
StartTrappers=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartAlerters=1
StartHistoryPollers=1
StartPreprocessors=1
StartLLDProcessors=1
StartDBSyncers=1
StartProxyPollers=0
StartODBCPollers=0
StartSNMPTrapper=1
SNMPTrapperFile=$ZBX_TRAP_FILE
CacheUpdateFrequency=1
HousekeepingFrequency=0
Timeout=3
EOF
	printf '%s\n' "$@" >>"$ZBX_DIR/zabbix_server.conf"
	# zabbix_server opens its log as the user zabbix, in a directory of root's.
	: >"$PC_TMP/zabbix_server.log"
	chown zabbix: "$PC_TMP/zabbix_server.log"
	start_bg ZBX_SERVER_PID setsid zabbix_server -f -c "$ZBX_DIR/zabbix_server.conf" >>"$PC_TMP/zabbix_server.log" 2>&1
	wait_for 60 "zabbix_server to start its pollers" grep -q 'started \[poller #1\]' "$PC_TMP/zabbix_server.log"
}

# zbx_start_frontend: the frontend's API on 127.0.0.1:18080, as nobody. The
# frontend reads /etc/zabbix/zabbix.conf.php (Debian's path): a directory of
# our own is mounted there, in this scenario's private mount namespace.
zbx_start_frontend() {
	mkdir -p "$PC_TMP/etc-zabbix"
	cat >"$PC_TMP/etc-zabbix/zabbix.conf.php" <<EOF
<?php
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '$ZBX_PG_DIR';
\$DB['PORT'] = '0';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER'] = 'zabbix';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['ENCRYPTION'] = false;
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER = '127.0.0.1';
\$ZBX_SERVER_PORT = '10051';
\$ZBX_SERVER_NAME = 'portcomply test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
	chmod 0755 "$PC_TMP/etc-zabbix"
	chmod 0644 "$PC_TMP/etc-zabbix/zabbix.conf.php"
	mount --bind "$PC_TMP/etc-zabbix" /etc/zabbix
	start_bg ZBX_PHP_PID setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
		php -S 127.0.0.1:18080 -t /usr/share/zabbix >"$PC_TMP/php.log" 2>&1
	wait_for 30 "the Zabbix API to answer" zbx_api_raw apiinfo.version '{}'
	ZBX_AUTH=$(zbx_api user.login '{"username": "Admin", "password": "zabbix"}' | jq -r .)
	[ -n "$ZBX_AUTH" ] && [ "$ZBX_AUTH" != null ] || fail "user.login gave no token"
	# The database comes with a host for the server itself, polling a Zabbix
	# agent that is not there: disabled, it costs the test nothing.
	local self
	self=$(zbx_api host.get '{"filter": {"host": ["Zabbix server"]}, "output": ["hostid"]}' | jq -r '.[0].hostid // empty')
	[ -z "$self" ] || zbx_api host.update "$(jq -cn --arg h "$self" '{hostid: $h, status: 1}')" >/dev/null
}

# zbx_api_raw METHOD PARAMS: the whole JSON-RPC answer. The two methods
# that must be called without a token get none.
zbx_api_raw() {
	local body auth=$ZBX_AUTH
	case $1 in apiinfo.version | user.login) auth= ;; esac
	body=$(jq -cn --arg m "$1" --argjson p "$2" --arg a "$auth" \
		'{jsonrpc: "2.0", method: $m, params: $p, id: 1} + (if $a == "" then {} else {auth: $a} end)')
	curl -sf --max-time 60 -H 'Content-Type: application/json-rpc' --data-binary "$body" "$ZBX_API_URL"
}

# zbx_api METHOD PARAMS: the result; an API error fails the scenario.
zbx_api() {
	local answer
	answer=$(zbx_api_raw "$1" "$2") || fail "API $1: no answer (see php.log)"
	if [ "$(jq 'has("error")' <<<"$answer")" = true ]; then
		fail "API $1: $(jq -c .error <<<"$answer")"
	fi
	jq -c .result <<<"$answer"
}

# zbx_import FILE: configuration.import, creating and updating everything.
zbx_import() {
	local params
	params=$(jq -n --rawfile src "$1" '{format: "yaml", source: $src, rules: {
		groups: {createMissing: true},
		templates: {createMissing: true, updateExisting: true},
		items: {createMissing: true, updateExisting: true, deleteMissing: true},
		triggers: {createMissing: true, updateExisting: true, deleteMissing: true},
		discoveryRules: {createMissing: true, updateExisting: true, deleteMissing: true},
		graphs: {createMissing: true, updateExisting: true, deleteMissing: true},
		templateDashboards: {createMissing: true, updateExisting: true, deleteMissing: true},
		valueMaps: {createMissing: true, updateExisting: true, deleteMissing: true}}}')
	[ "$(zbx_api configuration.import "$params")" = true ] || fail "configuration.import of $1 did not succeed"
}

# zbx_template_id NAME
zbx_template_id() {
	zbx_api template.get "$(jq -cn --arg n "$1" '{filter: {host: [$n]}, output: ["templateid"]}')" |
		jq -r '.[0].templateid // empty'
}

# zbx_create_host NAME TEMPLATE_ID MACROS_JSON [PORT]: a host with one
# SNMPv2c interface on our snmpd (ZBX_AGENT_IP, PORT or SNMP_TARGET's; bulk
# requests on, Zabbix's default), in the group "portcomply test"; prints
# its hostid.
ZBX_AGENT_IP=${ZBX_AGENT_IP:-127.0.0.1}
zbx_create_host() {
	local groupid
	groupid=$(zbx_api hostgroup.get '{"filter": {"name": ["portcomply test"]}, "output": ["groupid"]}' |
		jq -r '.[0].groupid // empty')
	[ -n "$groupid" ] || groupid=$(zbx_api hostgroup.create '{"name": "portcomply test"}' | jq -r '.groupids[0]')
	zbx_api host.create "$(jq -cn --arg h "$1" --arg g "$groupid" --arg t "$2" --argjson m "$3" \
		--arg port "${4:-${SNMP_TARGET##*:}}" --arg ip "$ZBX_AGENT_IP" '{host: $h, groups: [{groupid: $g}], templates: [{templateid: $t}],
		macros: ([{macro: "{$SNMP_COMMUNITY}", value: "public"}] + $m),
		interfaces: [{type: 2, main: 1, useip: 1, ip: $ip, dns: "", port: $port,
			details: {version: 2, bulk: 1, community: "{$SNMP_COMMUNITY}"}}]}')" |
		jq -r '.hostids[0]'
}

# zbx_check_now ITEMID...: what the frontend's "Execute now" does.
zbx_check_now() {
	local id tasks="[]"
	for id in "$@"; do
		tasks=$(jq -c --arg id "$id" '. + [{type: 6, request: {itemid: $id}}]' <<<"$tasks")
	done
	zbx_api task.create "$tasks" >/dev/null
}

# zbx_items HOSTID: the host's items as JSON (key_, type, state, error,
# lastclock, lastvalue, snmp_oid, flags).
zbx_items() {
	zbx_api item.get "$(jq -cn --arg h "$1" '{hostids: [$h], output: ["itemid", "key_", "name", "type",
		"state", "error", "lastclock", "lastvalue", "snmp_oid", "flags", "description"]}')"
}

# ---- traps: snmptrapd -> SNMPTT -> zabbix_server's SNMPTrapperFile ----

# start_trapd_snmptt: snmptrapd on 127.0.0.1:1162 and [::1]:1162 handing every trap to
# SNMPTT in standalone mode, with contrib/zabbix/snmptt.conf, writing the
# records Zabbix reads into $ZBX_TRAP_FILE.
start_trapd_snmptt() {
	mkdir -p "$PC_TMP/trapd"
	# Debian's snmptt.ini with the keys a Zabbix site sets (docs/fleet.md),
	# and our files instead of /var and syslog.
	awk -v trapfile="$ZBX_TRAP_FILE" -v tmp="$PC_TMP" -v events="$PC_ROOT/contrib/zabbix/snmptt.conf" '
		BEGIN {
			set["net_snmp_perl_enable"] = 1
			set["translate_integers"] = 1
			set["date_time_format"] = "%H:%M:%S %Y/%m/%d"
			set["log_file"] = trapfile
			set["log_system_enable"] = 1
			set["log_system_file"] = tmp "/snmptt-system.log"
			set["unknown_trap_log_enable"] = 1
			set["unknown_trap_log_file"] = tmp "/snmptt-unknown.log"
			set["syslog_enable"] = 0
			set["syslog_system_enable"] = 0
			set["DEBUGGING"] = 0
		}
		/^#?[A-Za-z_]+ *=/ { key = $1; sub(/^#/, "", key); sub(/ *=.*/, "", key)
			if (key in set) { print key " = " set[key]; delete set[key]; next } }
		/^snmptt_conf_files = <<END/ { print; print events; skip = 1; next }
		skip && /^END/ { skip = 0 }
		skip { next }
		{ print }
		END { for (key in set) { print "snmptt.ini: no key " key > "/dev/stderr"; exit 1 } }
		' /etc/snmp/snmptt.ini >"$PC_TMP/trapd/snmptt.ini" || fail "cannot make snmptt.ini"
	cat >"$PC_TMP/trapd/snmptrapd.conf" <<EOF
authCommunity log,execute public
disableAuthorization no
traphandle default /usr/sbin/snmptt --ini=$PC_TMP/trapd/snmptt.ini
EOF
	: >"$PC_TMP/traps.log"
	SNMP_PERSISTENT_DIR=$PC_TMP/trapd/persist start_bg TRAPD_PID \
		snmptrapd -f -C -c "$PC_TMP/trapd/snmptrapd.conf" -Lf "$PC_TMP/traps.log" \
		-F 'TRAP %v\n' udp:127.0.0.1:1162,udp6:[::1]:1162 2>"$PC_TMP/snmptt-stderr.log"
	wait_for 10 "snmptrapd to start" grep -q 'NET-SNMP version' "$PC_TMP/traps.log"
}
