/*
 * sha256.c - SHA-256, the hash that gives every layer, config and manifest its name.
 *
 * Images are content-addressed: a layer's ID is the SHA-256 of its bytes.
 * A digest is a 256-bit fingerprint: change one bit of the input and about half of the
 * output bits change, and nobody knows how to find two inputs with the same digest. So a
 * digest can stand for the content itself: two images that share a layer share its
 * digest and store it once, and a download is verified by hashing what arrived.
 *
 * The algorithm (FIPS 180-4, section 6.2) in four steps:
 *   1. pad the message to a multiple of 64 bytes: a 1 bit, zeros, the length in bits;
 *   2. for each 64-byte block, expand its 16 big-endian words into 64 (the message
 *      schedule, W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]);
 *   3. run 64 rounds over eight working words a..h, each round mixing in one W[t] and
 *      one constant K[t] (the cube roots of the first 64 primes);
 *   4. add the working words into the state; after the last block the state is the digest.
 *
 * Step 2 and 3 are the whole cost. Many x86 CPUs (Intel since Goldmont/Ice Lake, AMD since
 * Zen) have instructions that do them: SHA256RNDS2 runs two rounds, SHA256MSG1/MSG2 compute
 * four schedule words. compress_sha_ni() below uses them through compiler intrinsics; the
 * target attribute lets only that function use them, so the program still runs on CPUs
 * without them, where compress_portable() is chosen at run time (cpuid, leaf 7, EBX bit 29).
 *
 * Read next: 03-cgroups/json.c (the format of manifests and configs), then inflate.c.
 */
#include "sha256.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_X86 1
#include <cpuid.h>
#include <immintrin.h>
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h> /* glibc 2.33+: the CPU's features as the C library found them */
#define HAVE_GLIBC_X86_FEATURES 1
#endif
#endif

/* FIPS 180-4, 4.2.2: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes. Aligned so that the SHA-NI path can load four at a time. */
static const uint32_t K[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4, 5.3.3: the first 32 bits of the fractional parts of the square roots of the
 * first 8 primes. */
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* --- the portable block function ------------------------------------------------------ */

static inline uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The functions of FIPS 180-4, 4.1.2. Ch(x,y,z) = (x AND y) XOR (NOT x AND z) picks y's bit
 * where x is 1 and z's elsewhere; written with one operation fewer. Maj, the majority of
 * three bits, is in ROUND below. */
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define BSIG0(x) (rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22))
#define BSIG1(x) (rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25))
#define SSIG0(x) (rotr(x, 7) ^ rotr(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (rotr(x, 17) ^ rotr(x, 19) ^ ((x) >> 10))

/* One round (FIPS 180-4, 6.2.2, step 3) with schedule word wt. Instead of moving every
 * working word one place down after each round (h = g, g = f, ...), the next round is called
 * with the names rotated: ROUND(a,b,c,d,e,f,g,h) is followed by ROUND(h,a,b,c,d,e,f,g), and
 * only d and h are written. Eight rounds bring the names back to where they started.
 * Maj(a,b,c) is computed as b ^ ((a ^ b) & (b ^ c)): this round's a ^ b is the next round's
 * b ^ c, so it is carried over in `bc` and each round saves an operation. */
#define ROUND(a, b, c, d, e, f, g, h, t, wt)                                          \
	do {                                                                          \
		uint32_t t1 = h + BSIG1(e) + CH(e, f, g) + K[t] + (wt);               \
		uint32_t ab = a ^ b;                                                  \
		d += t1;                                                              \
		h = t1 + BSIG0(a) + (b ^ (ab & bc));                                  \
		bc = ab;                                                              \
	} while (0)

/* The block's own words, for rounds 0-15. */
#define W_BLOCK(t) w[(t)]

/* Schedule word t >= 16 (step 2), in a ring of 16 since it needs only the last 16. Computed
 * inside the round rather than beforehand, it gives the CPU independent work to do while each
 * round waits for the one before it. */
#define W_SCHEDULE(t) (w[(t) & 15] += SSIG1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] + SSIG0(w[((t) - 15) & 15]))

#define EIGHT_ROUNDS(t, word)                                                         \
	do {                                                                          \
		ROUND(a, b, c, d, e, f, g, h, (t), word((t)));                        \
		ROUND(h, a, b, c, d, e, f, g, (t) + 1, word((t) + 1));                \
		ROUND(g, h, a, b, c, d, e, f, (t) + 2, word((t) + 2));                \
		ROUND(f, g, h, a, b, c, d, e, (t) + 3, word((t) + 3));                \
		ROUND(e, f, g, h, a, b, c, d, (t) + 4, word((t) + 4));                \
		ROUND(d, e, f, g, h, a, b, c, (t) + 5, word((t) + 5));                \
		ROUND(c, d, e, f, g, h, a, b, (t) + 6, word((t) + 6));                \
		ROUND(b, c, d, e, f, g, h, a, (t) + 7, word((t) + 7));                \
	} while (0)

/* Hash `blocks` 64-byte blocks into state: 64 rounds, the first 16 on the block's own words,
 * the other 48 on schedule words computed as they go; then add the working words into the
 * state (step 4). */
static void compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks)
{
	for (; blocks > 0; blocks--, data += 64) {
		uint32_t w[16];
		for (int t = 0; t < 16; t++)
			w[t] = load_be32(data + 4 * t);
		uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
		uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
		uint32_t bc = b ^ c;
		EIGHT_ROUNDS(0, W_BLOCK);
		EIGHT_ROUNDS(8, W_BLOCK);
		EIGHT_ROUNDS(16, W_SCHEDULE);
		EIGHT_ROUNDS(24, W_SCHEDULE);
		EIGHT_ROUNDS(32, W_SCHEDULE);
		EIGHT_ROUNDS(40, W_SCHEDULE);
		EIGHT_ROUNDS(48, W_SCHEDULE);
		EIGHT_ROUNDS(56, W_SCHEDULE);
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
	}
}

/* --- the SHA-NI block function ----------------------------------------------------------- */
#ifdef HAVE_X86
/*
 * The instructions keep the eight working words in two registers, in the order the
 * Intel SHA Extensions paper (2013) chose: ABEF = {A, B, E, F} and CDGH = {C, D, G, H}, A in
 * the highest lane. SHA256RNDS2(CDGH, ABEF, WK) runs two rounds with the two W[t] + K[t]
 * in WK's low lanes and returns the new ABEF; the old ABEF becomes the new CDGH (after two
 * rounds, c,d,g,h are what a,b,e,f were). So four rounds are two calls with the roles swapped.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_sha_ni(uint32_t state[8], const uint8_t *data, size_t blocks)
{
	/* Bytes of each 32-bit word reversed: the message is big-endian, x86 little-endian. */
	const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

	/* state[0..3] = a,b,c,d and state[4..7] = e,f,g,h in lanes 0..3; rearrange. */
	__m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
	__m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
	abcd = _mm_shuffle_epi32(abcd, 0xB1);                  /* lanes b,a,d,c */
	efgh = _mm_shuffle_epi32(efgh, 0x1B);                  /* lanes h,g,f,e */
	__m128i abef = _mm_alignr_epi8(abcd, efgh, 8);         /* lanes f,e,b,a */
	__m128i cdgh = _mm_blend_epi16(efgh, abcd, 0xF0);      /* lanes h,g,d,c */

	for (; blocks > 0; blocks--, data += 64) {
		__m128i saved_abef = abef, saved_cdgh = cdgh;
		__m128i w[4]; /* W[4i..4i+3], a ring of the last sixteen schedule words */
#pragma GCC unroll 16
		for (int i = 0; i < 16; i++) {
			if (i < 4) {
				w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byteswap);
			} else {
				/* W[t..t+3] from W[t-16..t-1]: MSG1 adds s0(W[t-15]) to W[t-16], the
				 * alignr adds W[t-7..t-4], MSG2 adds s1(W[t-2]). */
				__m128i x = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
				x = _mm_add_epi32(x, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
				w[i & 3] = _mm_sha256msg2_epu32(x, w[(i + 3) & 3]);
			}
			__m128i wk = _mm_add_epi32(w[i & 3], _mm_load_si128((const __m128i *)&K[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);       /* rounds 4i, 4i+1 */
			wk = _mm_shuffle_epi32(wk, 0x0E);                  /* the upper two words down */
			abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);       /* rounds 4i+2, 4i+3 */
		}
		abef = _mm_add_epi32(abef, saved_abef);
		cdgh = _mm_add_epi32(cdgh, saved_cdgh);
	}

	/* Back to a,b,c,d and e,f,g,h. */
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);          /* lanes a,b,e,f */
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);          /* lanes g,h,c,d */
	_mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
	_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}
#endif

/* The C library asks the CPU (cpuid) for all its features once, before main; reading its answer
 * costs nothing. Asking again does: in a virtual machine every cpuid instruction exits to the
 * hypervisor (10 us each on this one, where this function made 4 of them, twice per process). */
bool sha256_cpu_has_sha_ni(void)
{
#if defined(HAVE_GLIBC_X86_FEATURES)
	return CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1) && CPU_FEATURE_ACTIVE(SHA);
#elif defined(HAVE_X86)
	unsigned eax, ebx, ecx, edx;
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		return false;
	bool ssse3 = ecx & bit_SSSE3, sse41 = ecx & bit_SSE4_1;
	if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
		return false;
	return ssse3 && sse41 && (ebx & bit_SHA);
#else
	return false;
#endif
}

/* --- choosing the block function --------------------------------------------------------- */

typedef void compress_fn(uint32_t state[8], const uint8_t *data, size_t blocks);

static compress_fn *chosen; /* NULL until the first hash or sha256_select() */

int sha256_select(enum sha256_implementation which)
{
	compress_fn *fn = compress_portable;
	if (which == SHA256_AUTO) {
		const char *env = getenv("TINYDOCK_SHA256");
		bool forced_portable = env && strcmp(env, "portable") == 0;
		which = !forced_portable && sha256_cpu_has_sha_ni() ? SHA256_SHA_NI : SHA256_PORTABLE;
	}
	if (which == SHA256_SHA_NI) {
#ifdef HAVE_X86
		if (sha256_cpu_has_sha_ni())
			fn = compress_sha_ni;
		else
#endif
			return fail_errno(ENOTSUP, "sha256: this CPU has no SHA extensions");
	}
	__atomic_store_n(&chosen, fn, __ATOMIC_RELEASE);
	return 0;
}

static compress_fn *compress(void)
{
	compress_fn *fn = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
	if (!fn) {
		sha256_select(SHA256_AUTO);
		fn = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
	}
	return fn;
}

const char *sha256_implementation_name(void)
{
	return compress() == compress_portable ? "portable" : "sha-ni";
}

/* --- streaming ---------------------------------------------------------------------------- */

void sha256_init(struct sha256 *ctx)
{
	memcpy(ctx->state, H0, sizeof(H0));
	ctx->length = 0;
	ctx->used = 0;
}

void sha256_update(struct sha256 *ctx, const void *data, size_t size)
{
	const uint8_t *p = data;
	compress_fn *fn = compress();
	ctx->length += size;
	if (ctx->used > 0) { /* finish the partial block first */
		size_t take = 64 - ctx->used < size ? 64 - ctx->used : size;
		memcpy(ctx->block + ctx->used, p, take);
		ctx->used += take;
		p += take;
		size -= take;
		if (ctx->used < 64)
			return;
		fn(ctx->state, ctx->block, 1);
		ctx->used = 0;
	}
	if (size >= 64) { /* whole blocks straight from the caller's buffer */
		fn(ctx->state, p, size / 64);
		p += size / 64 * 64;
		size %= 64;
	}
	memcpy(ctx->block, p, size);
	ctx->used = size;
}

void sha256_final(struct sha256 *ctx, uint8_t digest[SHA256_SIZE])
{
	/* FIPS 180-4, 5.1.1: a 1 bit, zeros up to 56 bytes into a block, the bit length. */
	uint64_t bits = ctx->length * 8;
	uint8_t pad[72] = { 0x80 };
	size_t zeros = (ctx->used < 56 ? 56 : 120) - ctx->used;
	for (int i = 0; i < 8; i++)
		pad[zeros + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(ctx, pad, zeros + 8);
	for (int i = 0; i < 8; i++) {
		digest[4 * i] = (uint8_t)(ctx->state[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(ctx->state[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(ctx->state[i] >> 8);
		digest[4 * i + 3] = (uint8_t)ctx->state[i];
	}
}

void sha256(const void *data, size_t size, uint8_t digest[SHA256_SIZE])
{
	struct sha256 ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, data, size);
	sha256_final(&ctx, digest);
}

int sha256_fd(int fd, uint8_t digest[SHA256_SIZE])
{
	enum { CHUNK = 256 * 1024 }; /* large reads: the hash, not read(2), should be the cost */
	uint8_t *buf = malloc(CHUNK);
	if (!buf)
		return fail_sys("sha256: cannot allocate a read buffer");
	struct sha256 ctx;
	sha256_init(&ctx);
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fail_sys("cannot read");
			break;
		}
		if (n == 0)
			break;
		sha256_update(&ctx, buf, (size_t)n);
	}
	free(buf);
	if (rc == 0)
		sha256_final(&ctx, digest);
	return rc;
}

int sha256_file(const char *path, uint8_t digest[SHA256_SIZE])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_sys("cannot open \"%s\"", path);
	int rc = sha256_fd(fd, digest);
	close(fd);
	if (rc < 0)
		return fail_context("cannot hash \"%s\"", path);
	return 0;
}

/* --- printing and parsing digests --------------------------------------------------------- */

void sha256_hex(const uint8_t digest[SHA256_SIZE], char hex[SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_SIZE; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
}

void sha256_digest_string(const uint8_t digest[SHA256_SIZE], char text[SHA256_DIGEST_SIZE])
{
	memcpy(text, "sha256:", 7);
	sha256_hex(digest, text + 7);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* the OCI spec allows only lower case in sha256 digests */
}

int sha256_parse_digest(const char *text, uint8_t digest[SHA256_SIZE])
{
	if (strncmp(text, "sha256:", 7) != 0 || strlen(text) != 7 + 64)
		return fail_errno(0, "invalid digest \"%.80s\": expected sha256: and 64 hex digits", text);
	for (int i = 0; i < SHA256_SIZE; i++) {
		int hi = hex_value(text[7 + 2 * i]), lo = hex_value(text[8 + 2 * i]);
		if (hi < 0 || lo < 0)
			return fail_errno(0, "invalid digest \"%.80s\": expected lower-case hex digits", text);
		digest[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
