# SPDX-License-Identifier: ISC
# t_master_stalled with a 12 s stall: net-snmp's ping gives up, the session
# is reopened, and each notification still arrives once (see there).
STALL_SECONDS=12
. "$(dirname "$0")/t_master_stalled.sh"
