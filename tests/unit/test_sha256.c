/*
 * test_sha256.c - SHA-256 (05-images): the FIPS 180-4 vectors, both block functions
 * against each other and against coreutils' sha256sum, streaming in odd pieces, digests.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "harness.h"
#include "sha256.h"

/* A deterministic pseudo-random byte stream (xorshift64*), so a failure can be replayed. */
static void fill_random(uint8_t *buf, size_t size, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (size_t i = 0; i < size; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		buf[i] = (uint8_t)((x * 0x2545f4914f6cdd1dULL) >> 56);
	}
}

static void hex_of(const void *data, size_t size, char hex[SHA256_HEX_SIZE])
{
	uint8_t digest[SHA256_SIZE];
	sha256(data, size, digest);
	sha256_hex(digest, hex);
}

/* The implementations this CPU can run: portable always, SHA-NI when present. */
static int implementations(enum sha256_implementation list[2])
{
	list[0] = SHA256_PORTABLE;
	if (!sha256_cpu_has_sha_ni())
		return 1;
	list[1] = SHA256_SHA_NI;
	return 2;
}

static void check_vector(const char *message, size_t repeat, const char *expected)
{
	enum sha256_implementation list[2];
	int n = implementations(list);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(sha256_select(list[i]), 0);
		struct sha256 ctx;
		sha256_init(&ctx);
		for (size_t r = 0; r < repeat; r++)
			sha256_update(&ctx, message, strlen(message));
		uint8_t digest[SHA256_SIZE];
		char hex[SHA256_HEX_SIZE];
		sha256_final(&ctx, digest);
		sha256_hex(digest, hex);
		ck_assert_msg(strcmp(hex, expected) == 0, "%s: \"%.20s...\" x%zu gave %s, expected %s",
			      sha256_implementation_name(), message, repeat, hex, expected);
	}
	sha256_select(SHA256_AUTO);
}

START_TEST(the_fips_180_4_example_messages_hash_to_their_published_digests)
{
	/* Every implementation this CPU has (check_vector); the SHA-NI one is compared with the
	 * portable one below, and skipped there on a CPU without it. */
	check_vector("", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_vector("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_vector("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_vector("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 1,
		     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	check_vector("a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	check_vector("aaaaaaaaaa", 100000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* Around the padding's edges (5.1.1: the length must fit after the 1 bit in 56 bytes, or a
	 * block is added): 55 bytes pad in one block, 56 need two. Digests from Python's hashlib. */
	check_vector("a", 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	check_vector("a", 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	check_vector("a", 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
	check_vector("a", 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

START_TEST(the_portable_and_sha_ni_paths_agree_on_every_length_up_to_a_thousand)
{
	if (!sha256_cpu_has_sha_ni())
		SKIP_TEST("this CPU has no SHA extensions");
	uint8_t data[1100];
	fill_random(data, sizeof(data), 1);
	for (size_t len = 0; len <= 1000; len++) {
		char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE];
		sha256_select(SHA256_PORTABLE);
		hex_of(data + len % 7, len, a);
		sha256_select(SHA256_SHA_NI);
		hex_of(data + len % 7, len, b);
		ck_assert_msg(strcmp(a, b) == 0, "length %zu: portable %s, sha-ni %s", len, a, b);
	}
	sha256_select(SHA256_AUTO);
}
END_TEST

/* Write files of every length 0..1000 and a few MiB, run sha256sum once on all of them,
 * and compare its lines with ours, for each implementation. */
START_TEST(every_length_up_to_a_thousand_and_a_few_mib_match_sha256sum)
{
	if (!have_program("sha256sum"))
		SKIP_TEST("sha256sum is not installed");
	char dir[] = "/tmp/tinydock-sha256.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	enum { SMALL = 1001, FILES = SMALL + 2 };
	static const size_t big_sizes[2] = { 3 * 1024 * 1024 + 17, 5 * 1024 * 1024 };
	uint8_t *data = malloc(big_sizes[1]);
	ck_assert_ptr_nonnull(data);
	fill_random(data, big_sizes[1], 2);
	const char *argv[FILES + 2];
	char *paths[FILES];
	argv[0] = "sha256sum";
	for (int i = 0; i < FILES; i++) {
		size_t len = i < SMALL ? (size_t)i : big_sizes[i - SMALL];
		ck_assert_int_ne(asprintf(&paths[i], "%s/%d", dir, i), -1);
		ck_assert_int_eq(write_file_atomic(paths[i], data + (i < SMALL ? i % 13 : 0), len, 0600), 0);
		argv[i + 1] = paths[i];
	}
	argv[FILES + 1] = NULL;
	struct run_result r = run_program(NULL, 60, argv);
	ck_assert_int_eq(r.status, 0);

	enum sha256_implementation list[2];
	int n = implementations(list);
	for (int impl = 0; impl < n; impl++) {
		sha256_select(list[impl]);
		const char *line = r.out;
		for (int i = 0; i < FILES; i++) {
			uint8_t digest[SHA256_SIZE];
			char hex[SHA256_HEX_SIZE], expected[256];
			ck_assert_int_eq(sha256_file(paths[i], digest), 0);
			sha256_hex(digest, hex);
			snprintf(expected, sizeof(expected), "%s  %s\n", hex, paths[i]);
			ck_assert_msg(strncmp(line, expected, strlen(expected)) == 0,
				      "%s, file %d: sha256sum says %.64s, we say %s", sha256_implementation_name(), i, line, hex);
			line += strlen(expected);
		}
	}
	sha256_select(SHA256_AUTO);
	run_free(&r);
	for (int i = 0; i < FILES; i++)
		free(paths[i]);
	free(data);
	ck_assert_int_eq(remove_tree(dir), 0);
}
END_TEST

START_TEST(streaming_in_pieces_of_odd_sizes_gives_the_one_shot_digest)
{
	static const size_t pieces[] = { 1, 3, 7, 13, 55, 56, 63, 64, 65, 127, 128, 129, 1000, 4099 };
	enum { SIZE = 20000 };
	static uint8_t data[SIZE];
	fill_random(data, SIZE, 3);
	uint8_t expected[SHA256_SIZE];
	sha256(data, SIZE, expected);
	for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
		struct sha256 ctx;
		sha256_init(&ctx);
		for (size_t off = 0; off < SIZE; off += pieces[p])
			sha256_update(&ctx, data + off, SIZE - off < pieces[p] ? SIZE - off : pieces[p]);
		uint8_t digest[SHA256_SIZE];
		sha256_final(&ctx, digest);
		ck_assert_msg(memcmp(digest, expected, SHA256_SIZE) == 0, "pieces of %zu bytes differ", pieces[p]);
	}
	/* Pieces that change size as they go, including empty ones. */
	struct sha256 ctx;
	sha256_init(&ctx);
	for (size_t off = 0, step = 0; off < SIZE; step = (step + 1) % 200) {
		size_t take = SIZE - off < step ? SIZE - off : step;
		sha256_update(&ctx, data + off, take);
		off += take;
	}
	uint8_t digest[SHA256_SIZE];
	sha256_final(&ctx, digest);
	ck_assert(memcmp(digest, expected, SHA256_SIZE) == 0);
}
END_TEST

START_TEST(a_digest_prints_as_sha256_colon_hex_and_parses_back)
{
	uint8_t digest[SHA256_SIZE], back[SHA256_SIZE];
	char text[SHA256_DIGEST_SIZE];
	sha256("abc", 3, digest);
	sha256_digest_string(digest, text);
	ck_assert_str_eq(text, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(sha256_parse_digest(text, back), 0);
	ck_assert(memcmp(digest, back, SHA256_SIZE) == 0);
}
END_TEST

START_TEST(a_malformed_digest_is_refused_with_a_reason)
{
	uint8_t d[SHA256_SIZE];
	ck_assert_int_eq(sha256_parse_digest("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "expected sha256: and 64 hex digits"));
	ck_assert_int_eq(sha256_parse_digest("sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d), -1);
	ck_assert_ptr_nonnull(strstr(error_message(), "lower-case hex"));
	ck_assert_int_eq(sha256_parse_digest("sha256:ba78", d), -1);
	ck_assert_int_eq(sha256_parse_digest("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0", d), -1);
	ck_assert_int_eq(sha256_parse_digest("sha256:../../../../etc/passwd", d), -1);
}
END_TEST

START_TEST(the_environment_can_force_the_portable_path)
{
	setenv("TINYDOCK_SHA256", "portable", 1);
	ck_assert_int_eq(sha256_select(SHA256_AUTO), 0);
	ck_assert_str_eq(sha256_implementation_name(), "portable");
	unsetenv("TINYDOCK_SHA256");
	ck_assert_int_eq(sha256_select(SHA256_AUTO), 0);
	ck_assert_str_eq(sha256_implementation_name(), sha256_cpu_has_sha_ni() ? "sha-ni" : "portable");
	if (!sha256_cpu_has_sha_ni()) {
		ck_assert_int_eq(sha256_select(SHA256_SHA_NI), -1);
		ck_assert_ptr_nonnull(strstr(error_message(), "no SHA extensions"));
	}
}
END_TEST

START_TEST(sha256_fd_hashes_a_pipe_to_its_end_and_sha256_file_names_a_missing_file)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "abc", 3), 3);
	close(fds[1]);
	uint8_t digest[SHA256_SIZE];
	char hex[SHA256_HEX_SIZE];
	ck_assert_int_eq(sha256_fd(fds[0], digest), 0);
	close(fds[0]);
	sha256_hex(digest, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(sha256_file("/nonexistent/blob", digest), -1);
	ck_assert_str_eq(error_message(), "cannot open \"/nonexistent/blob\": No such file or directory");
}
END_TEST

Suite *sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *t = tcase_create("vectors");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, the_fips_180_4_example_messages_hash_to_their_published_digests);
	tcase_add_test(t, the_portable_and_sha_ni_paths_agree_on_every_length_up_to_a_thousand);
	tcase_add_test(t, every_length_up_to_a_thousand_and_a_few_mib_match_sha256sum);
	tcase_add_test(t, streaming_in_pieces_of_odd_sizes_gives_the_one_shot_digest);
	suite_add_tcase(s, t);
	t = tcase_create("digests");
	tcase_add_test(t, a_digest_prints_as_sha256_colon_hex_and_parses_back);
	tcase_add_test(t, a_malformed_digest_is_refused_with_a_reason);
	tcase_add_test(t, the_environment_can_force_the_portable_path);
	tcase_add_test(t, sha256_fd_hashes_a_pipe_to_its_end_and_sha256_file_names_a_missing_file);
	suite_add_tcase(s, t);
	return s;
}
