/*
 * swarm-visualize-events.h - server-sent events: how the page hears of every change.
 *
 * The page opens `new EventSource("/events")`; the server answers with a response that never
 * ends, of type text/event-stream, and writes an event into it whenever the swarm changes.
 * The format is the HTML standard's ("Server-sent events", section 9.2): UTF-8 lines; an
 * event is one or more "data:" lines and ends with a blank line; a line that begins with a
 * colon is a comment, which the browser ignores:
 *
 *     retry: 1000              how long the browser waits before reconnecting, in ms
 *
 *     data: {"nodes":[...]}    one event: the whole view, on one line
 *
 *     : heartbeat              a comment, every 15 s while nothing changes
 *
 * Why the heartbeat: a connection that carries nothing for minutes looks dead to proxies and
 * NAT tables, which drop it silently, and the server would never learn that a browser went
 * away; a comment every 15 s keeps the path open and makes a write fail when the peer is gone.
 * Why the whole view in each event rather than a difference: a browser that reconnects after
 * a break is right again after one event, as a worker is after one full set of assignments.
 */
#ifndef TINYDOCK_SWARM_VISUALIZE_EVENTS_H
#define TINYDOCK_SWARM_VISUALIZE_EVENTS_H

#include <stddef.h>

/* Heartbeat period, and how long a browser waits before reconnecting after the stream broke. */
#define SSE_HEARTBEAT_MS 15000
#define SSE_RETRY_MS 1000

/* An event carrying data: "data: LINE\n" for each line of data (a line break, "\r\n", "\r" or
 * "\n", starts a new data line, as the standard splits them back), then "\n". Malloc'd,
 * NUL-terminated, *size without the NUL; NULL (recorded) when out of memory. */
char *sse_event(const char *data, size_t *size);

/* A comment line: ": TEXT\n\n" (TEXT must hold no line break). Static text. */
extern const char SSE_HEARTBEAT[];

/* What the stream opens with: "retry: SSE_RETRY_MS\n\n". Static text. */
extern const char SSE_PREAMBLE[];

#endif
