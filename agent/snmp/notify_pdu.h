/* SPDX-License-Identifier: ISC */
/* One notification as the MIB defines it: the engine's event turned into
 * the varbinds of its NOTIFICATION-TYPE, every OID from mib_oids.h. Pure:
 * the unit tests hold each notification against the MIB (test_notify). */
#ifndef PC_NOTIFY_PDU_H
#define PC_NOTIFY_PDU_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "core/engine.h"
#include "mib_oids.h"

/* The one map from events to notifications. */
enum pcmib_notification pc_notify_notification_of(enum pc_event_type type);

/* An AgentX Notify PDU: sysUpTime.0 = sys_up_time (when the event was
 * detected), snmpTrapOID.0, then the notification's objects. NULL when
 * out of memory. The caller sets the session's fields and sends it. */
netsnmp_pdu *pc_notify_pdu(const struct pc_event *ev, unsigned long sys_up_time);

#endif
