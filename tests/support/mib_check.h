/* SPDX-License-Identifier: ISC */
/* Shared by test_mib and test_notify: the MIB as the generator read it
 * (mib_meta.h), looked up by object name. Include after <cmocka.h> and a
 * header that brings net-snmp's (mib_internal.h, notify_pdu.h). */
#ifndef PC_MIB_CHECK_H
#define PC_MIB_CHECK_H

#include <string.h>

#include "mib_meta.h"

static inline const struct pcmib_object_meta *mib_object(const char *name)
{
	for (size_t i = 0; i < sizeof(pcmib_objects) / sizeof(pcmib_objects[0]); i++)
		if (strcmp(pcmib_objects[i].name, name) == 0)
			return &pcmib_objects[i];
	fail_msg("the MIB has no object %s", name);
	return NULL;
}

/* The object whose OID is a prefix of name; NULL if none. */
static inline const struct pcmib_object_meta *mib_object_of(const oid *name, size_t len)
{
	for (size_t i = 0; i < sizeof(pcmib_objects) / sizeof(pcmib_objects[0]); i++) {
		const struct pcmib_object_meta *o = &pcmib_objects[i];
		if (len > o->oid_len && snmp_oid_compare(name, o->oid_len, o->oid, o->oid_len) == 0)
			return o;
	}
	return NULL;
}

static inline const struct pcmib_notification_meta *mib_notification(const char *name)
{
	for (size_t i = 0; i < sizeof(pcmib_notifications) / sizeof(pcmib_notifications[0]); i++)
		if (strcmp(pcmib_notifications[i].name, name) == 0)
			return &pcmib_notifications[i];
	fail_msg("the MIB has no notification %s", name);
	return NULL;
}

/* name = the object's OID + instance. */
static inline size_t mib_name(oid *out, const char *object, const oid *instance, size_t len)
{
	const struct pcmib_object_meta *o = mib_object(object);
	memcpy(out, o->oid, o->oid_len * sizeof(oid));
	if (len > 0)
		memcpy(out + o->oid_len, instance, len * sizeof(oid));
	return o->oid_len + len;
}

#endif
