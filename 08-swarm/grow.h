/*
 * grow.h - an array that grows by doubling, its new room zeroed.
 *
 * The Raft log checker, the simulators and the swarm's store all keep tables whose length
 * is known only as they fill (terms seen, messages in flight, tasks). Doubling the capacity
 * makes n appends cost O(n) copies in all (each element is moved O(1) times on average), and
 * zeroing the new room lets a table indexed by a number (a term, a log index) read 0 for what
 * was never written. Pure: no clock, no socket, as every file of this chapter's core.
 */
#ifndef TINYDOCK_GROW_H
#define TINYDOCK_GROW_H

#include <stddef.h>

/* Make *array (of *capacity elements of size bytes) hold at least needed elements, doubling
 * from 16. 0, or -1 with "cannot grow WHAT to N entries: ..." recorded (error.h), *array
 * unchanged. */
int grow_array(void **array, size_t *capacity, size_t needed, size_t size, const char *what);

#endif
