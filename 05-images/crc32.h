/*
 * crc32.h - CRC-32 (ISO 3309, the polynomial of Ethernet, PNG, zip and gzip).
 */
#ifndef TINYDOCK_CRC32_H
#define TINYDOCK_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC-32 with more bytes; start with crc = 0. crc32_update(0, "123456789", 9)
 * is 0xcbf43926, the check value of the standard. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t size);

#endif
