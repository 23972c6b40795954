# SPDX-License-Identifier: ISC
# `ss -Hltun` output -> one line per unique listener, as `portcomplyd
# --listeners` prints its first four columns: "PROTO ADDRESS PORT SOCKETS".
# ss lists each member of an SO_REUSEPORT group on its own line; counting the
# lines per (protocol, address, port) gives the collector's socket count.
{
	local = $5
	colon = match(local, /:[^:]*$/)
	if (colon == 0)
		next
	count[$1 " " substr(local, 1, colon - 1) " " substr(local, colon + 1)]++
}
END {
	for (key in count)
		print key, count[key]
}
