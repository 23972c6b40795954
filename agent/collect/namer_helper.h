/* The naming helper's side of namer_protocol.h: what the privileged helper
 * process (priv.c) runs for its whole life. */
#ifndef PC_NAMER_HELPER_H
#define PC_NAMER_HELPER_H

/* Answers requests on fd with a procmap over proc_root (NULL: /proc)
 * until the peer closes the socket (returns 0) or breaks the protocol
 * (returns -1). */
int pc_namer_serve(int fd, const char *proc_root);

#endif
