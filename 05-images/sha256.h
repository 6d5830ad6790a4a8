/*
 * sha256.h - SHA-256 (FIPS 180-4), the hash that names every blob of an image.
 *
 * A digest such as "sha256:2c26b46b...": 32 bytes computed from content, printed as
 * 64 hex digits after the algorithm's name (the OCI image spec's "digest" grammar).
 */
#ifndef TINYDOCK_SHA256_H
#define TINYDOCK_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32                     /* bytes in a digest */
#define SHA256_HEX_SIZE 65                 /* 64 hex digits and a NUL */
#define SHA256_DIGEST_SIZE 72              /* "sha256:" + 64 hex digits + NUL */

/* A hash in progress: feed it bytes in pieces of any size, then read the digest. */
struct sha256 {
	uint32_t state[8];     /* the eight working words H0..H7 */
	uint64_t length;       /* bytes hashed so far */
	uint8_t block[64];     /* a partial block waiting for more bytes */
	size_t used;           /* bytes waiting in block */
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t size);
/* Pad, finish and write the digest; ctx must be initialised again before reuse. */
void sha256_final(struct sha256 *ctx, uint8_t digest[SHA256_SIZE]);

/* The digest of one buffer. */
void sha256(const void *data, size_t size, uint8_t digest[SHA256_SIZE]);

/* The digest of everything read from fd until its end; -1 (error recorded) on a read error. */
int sha256_fd(int fd, uint8_t digest[SHA256_SIZE]);

/* The digest of a file's content; -1 (error recorded, naming the path) on failure. */
int sha256_file(const char *path, uint8_t digest[SHA256_SIZE]);

/* 64 lower-case hex digits, as sha256sum prints them. */
void sha256_hex(const uint8_t digest[SHA256_SIZE], char hex[SHA256_HEX_SIZE]);

/* "sha256:<hex>", the form manifests, configs and index.json use. */
void sha256_digest_string(const uint8_t digest[SHA256_SIZE], char text[SHA256_DIGEST_SIZE]);

/* Read "sha256:<64 lower-case hex digits>" back into bytes; -1 (error recorded) if malformed. */
int sha256_parse_digest(const char *text, uint8_t digest[SHA256_SIZE]);

/* Which block function runs. AUTO picks SHA-NI when the CPU has it, unless the environment
 * says TINYDOCK_SHA256=portable. Selecting SHA_NI on a CPU without it fails (-1). */
enum sha256_implementation { SHA256_AUTO, SHA256_PORTABLE, SHA256_SHA_NI };
int sha256_select(enum sha256_implementation which);

/* The name of the block function in use: "portable" or "sha-ni". */
const char *sha256_implementation_name(void);

/* True when this CPU has the x86 SHA extensions (and the SSE4.1 they come with). */
bool sha256_cpu_has_sha_ni(void);

#endif
