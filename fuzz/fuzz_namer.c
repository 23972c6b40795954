/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the naming helper's message parsers, both ends. Each
 * input is a sequence of messages, each a 2-byte length (little endian)
 * and that many bytes, as recv would give them one by one:
 *   - the helper's request parser (namer_helper.c), which runs with
 *     CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH and reads what the
 *     unprivileged daemon sends, so what a compromised daemon could send;
 *   - the daemon's reply parser (namer_client.c), against a fixed question
 *     of three inodes, for a helper that misbehaves.
 * A message that breaks the protocol ends the exchange there, as it ends
 * the helper, or the daemon's trust in it; the next starts afresh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/namer_client.h"
#include "collect/namer_helper.h"
#include "collect/namer_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t asked[] = { 1002, 1003, 4242 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_namer_request request = { 0 };
	struct pc_naming_answer answers[3];
	struct pc_namer_reply reply = { .id = 7, .asked = asked, .total = 3, .answers = answers };

	while (size >= 2) {
		size_t len = (size_t)data[0] | (size_t)data[1] << 8;
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		/* an exact-size copy: ASan sees any read past the message */
		uint8_t *message = malloc(len > 0 ? len : 1);
		if (message == NULL)
			break;
		memcpy(message, data, len);
		if (pc_namer_request_take(&request, message, len) < 0) {
			pc_namer_request_free(&request);
			memset(&request, 0, sizeof(request));
		}
		int taken = pc_namer_reply_take(&reply, message, len);
		if (taken != 0) {
			if (taken == 1)
				for (int i = 0; i < 3; i++)
					for (uint8_t h = 0; h < answers[i].n_holders; h++)
						if (strlen(answers[i].holders[h].process) >= PC_NAMER_NAME_MAX)
							abort();
			reply = (struct pc_namer_reply){ .id = 7, .asked = asked, .total = 3,
							 .answers = answers };
		}
		free(message);
		data += len;
		size -= len;
	}
	pc_namer_request_free(&request);
	return 0;
}
