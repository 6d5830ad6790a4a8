/*
 * names.h - container names: the ones users give with --name, and the ones tinydock makes up.
 */
#ifndef TINYDOCK_NAMES_H
#define TINYDOCK_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Docker's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (at least two characters, at most 128). */
bool container_name_valid(const char *name);

/* A readable name such as "patient_hopper", chosen from seed (e.g. random bits). */
void container_name_generate(uint64_t seed, char *out, size_t size);

/* True when text could be an id or an id prefix: 1 to 64 lowercase hex digits. */
bool looks_like_id_prefix(const char *text);

#endif
