# SPDX-License-Identifier: ISC
# The naming helper answers only about listeners: asked through its real
# channel (namer_ask drops root as portcomplyd does, with the real monitor
# and helper) about a TCP listener and about the client end of an
# established connection this shell holds, it names the listener's
# process and refuses the connection, saying nothing of who holds it.
. "$(dirname "$0")/lib.sh"

start_listeners l tcp/127.0.0.1/0
port=$(listener_port l 0)
listener_inode=$(ss -Hltne "sport = :$port" | grep -o 'ino:[0-9]*' | head -n 1 | cut -d: -f2)
[ -n "$listener_inode" ] || fail "no inode for the listener on $port"
exec {conn}<>"/dev/tcp/127.0.0.1/$port"
conn_inode=$(readlink "/proc/$$/fd/$conn" | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p')
[ -n "$conn_inode" ] || fail "no inode for the connection"
log "listener inode $listener_inode (pid $LISTEN_PID_l), connection inode $conn_inode (pid $$)"

"$PC_BUILD/helpers/namer_ask" "$PC_AGENT_USER" "$listener_inode" "$conn_inode" >"$PC_TMP/answers" ||
	fail "namer_ask failed: $(cat "$PC_TMP/answers")"
cat "$PC_TMP/answers"
grep -Eq "^$listener_inode (complete|partial) .*\b$LISTEN_PID_l/listen\b" "$PC_TMP/answers" ||
	fail "the listener was not named"
grep -qx "$conn_inode pending" "$PC_TMP/answers" ||
	fail "the connection was answered: $(grep "^$conn_inode " "$PC_TMP/answers")"
grep -qx "refused 1" "$PC_TMP/answers" || fail "not one refusal: $(tail -n 1 "$PC_TMP/answers")"
exec {conn}>&-
log "ok"
