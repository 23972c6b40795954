/* SPDX-License-Identifier: ISC */
/* The program's name, as every message, the usage and net-snmp's
 * application type spell it, and its version. */
#ifndef PC_PROGRAM_H
#define PC_PROGRAM_H

#define PC_NAME "portcomplyd"
#define PC_VERSION "0.1.0"

#endif
