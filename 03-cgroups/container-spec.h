/*
 * container-spec.h - a container's spec written into its record at create, and read back from
 * it by `start`: the record holds the spec's own fields (container-record.h), never the
 * arguments of `run`, so a spec that a program filled (a Dockerfile's RUN step, a compose
 * service, a swarm task) starts again as well as one filled from flags.
 *
 * Each chapter writes and reads its own part, and calls the earlier chapter's for the part it
 * embeds (run-flags.h): chapter 05's image_spec_read calls runtime_spec_read, which calls
 * container_spec_read. Chapter 02's part is written here, in chapter 03, because the record is
 * chapter 03's (chapter 02 keeps nothing: its containers end with `run`).
 *
 * Pure: no system calls. A spec read back points into the record's strings, so the record
 * must outlive it.
 */
#ifndef TINYDOCK_CONTAINER_SPEC_H
#define TINYDOCK_CONTAINER_SPEC_H

#include "container-record.h"
#include "runtime.h"

/* Chapter 02's part: the id, what runs, its namespaces, network, ports, security. 0, or -1 (message
 * recorded) when memory runs out. r's part is replaced. */
int container_spec_write(const struct container *c, struct container_record *r);
/* ... and back: c is initialised (container_init), then given every recorded field and the id. */
void container_spec_read(const struct container_record *r, struct container *c);

/* Chapter 03's part (with chapter 02's, and a later chapter's through spec->write_record):
 * the image, the limits, the restart policy, the health check. -d is how a start runs, not what the container
 * is: not recorded, and left false on reading. */
int runtime_spec_write(const struct runtime_spec *spec, struct container_record *r);
void runtime_spec_read(const struct container_record *r, struct runtime_spec *spec);

#endif
