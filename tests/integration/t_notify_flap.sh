# SPDX-License-Identifier: ISC
# A required listener flapping 20 times (closed, reopened) with hold-down 1
# and flap damping at 4 changes in 10 polls: the receiver gets a bounded
# number of notifications, flap-threshold + 1 = 5 for the whole episode:
# the first three changes (missing, restored, missing), one
# pcListenerMissing with status flapping(8), and one pcListenerRestored once
# the listener has been stable for a whole window. The MIB shows flapping
# while it lasts.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners flappy
write_agent_conf "hold-down = 1" "flap-threshold = 4" "flap-window = 10" "notify-rate-limit = 0" \
	"$SVC_CATALOG" 'role "svc" {}'
start_agent
wait_agent_serving
wait_for 10 "the host to be compliant" mib_is pcHostCompliance.0 compliant

req=pcExpectStatus.1.1.1
not_present() { ! mib_is "$req" present; }
for i in $(seq 20); do
	listener_do flappy close 0
	wait_for 5 "flap $i: the close to be seen" not_present
	listener_do flappy open 0
	# The reopening is seen at the next interval poll (the kernel announces
	# only closes); once flapping, the status stays flapping meanwhile.
	wait_next_poll
done
[ "$(mib_value $req)" = flapping ] || fail "pcExpectStatus is $(mib_value $req), not flapping"

log "stable again: restored after one quiet window"
# One restore came before damping started; the second ends the episode.
wait_for 20 "pcListenerRestored after the flapping" trap_count_at_least 2 pcListenerRestored \
	"STRING: req" "pcExpectStatus.1.1.1 = INTEGER: present(1)"
wait_for 20 "the status to be present again" mib_is $req present
missing=$(trap_count pcListenerMissing "STRING: req")
restored=$(trap_count pcListenerRestored "STRING: req")
flapping=$(trap_count pcListenerMissing "STRING: req" "INTEGER: flapping(8)")
log "20 flaps gave $missing pcListenerMissing ($flapping flapping) and $restored pcListenerRestored"
[ "$flapping" = 1 ] || fail "$flapping flapping notifications, expected 1"
[ $((missing + restored)) -le 5 ] || fail "$((missing + restored)) notifications for 20 flaps, expected at most 5"
[ "$(traps pcListenerRestored "STRING: req" | tail -n 1 | grep -c 'present(1)')" = 1 ] ||
	fail "the last notification is not a restore"
log "ok"
