/*
 * swarm-visualize-events.c - framing server-sent events (swarm-visualize-events.h).
 */
#include "swarm-visualize-events.h"

#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STRINGIFY(x) #x
#define TEXT_OF(x) STRINGIFY(x)

const char SSE_HEARTBEAT[] = ": heartbeat\n\n";
const char SSE_PREAMBLE[] = "retry: " TEXT_OF(SSE_RETRY_MS) "\n\n";

char *sse_event(const char *data, size_t *size)
{
	/* Each line costs "data: " and "\n" more than itself; there are at most strlen+1 lines. */
	size_t length = strlen(data), lines = 1;
	for (size_t i = 0; i < length; i++)
		if (data[i] == '\n' || data[i] == '\r')
			lines++;
	char *event = malloc(length + lines * (sizeof("data: \n") - 1) + 2);
	if (!event) {
		fail_errno(ENOMEM, "cannot frame a server-sent event");
		return NULL;
	}
	size_t out = 0;
	const char *line = data;
	for (;;) {
		size_t n = strcspn(line, "\r\n");
		memcpy(event + out, "data: ", 6);
		memcpy(event + out + 6, line, n);
		out += 6 + n;
		event[out++] = '\n';
		line += n;
		if (*line == '\0')
			break;
		/* "\r\n" is one line break, as the standard reads it */
		line += line[0] == '\r' && line[1] == '\n' ? 2 : 1;
	}
	event[out++] = '\n';
	event[out] = '\0';
	if (size)
		*size = out;
	return event;
}
