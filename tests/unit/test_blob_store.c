/*
 * test_blob_store.c - content-addressed blobs (05-images/blob-store.c): verified, atomic, named safely.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob-store.h"
#include "error.h"
#include "files.h"

static const char FOO[] = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

static char root[64];

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/tinydock-blob-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	remove_tree(root);
}

static int ingest_entries(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/ingest", root);
	DIR *d = opendir(path);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

START_TEST(a_blob_is_stored_under_the_digest_of_its_content)
{
	char digest[SHA256_DIGEST_SIZE], path[256];
	ck_assert_int_eq(blob_write(root, "foo", 3, NULL, digest), 0);
	ck_assert_str_eq(digest, FOO);
	ck_assert_int_eq(blob_path(root, FOO, path, sizeof(path)), 0);
	ck_assert(strstr(path, "/blobs/sha256/2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"));
	ck_assert(blob_exists(root, FOO));
	size_t size;
	char *data = blob_read(root, FOO, 100, &size);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(size, 3);
	ck_assert_str_eq(data, "foo");
	free(data);
	ck_assert_int_eq(blob_verify(root, FOO), 0);
	ck_assert_int_eq(ingest_entries(), 0);
}
END_TEST

START_TEST(content_that_does_not_match_the_announced_digest_is_refused_and_leaves_nothing)
{
	char digest[SHA256_DIGEST_SIZE];
	ck_assert_int_eq(blob_write(root, "bar", 3, FOO, digest), -1);
	ck_assert_msg(strstr(error_message(), "digest mismatch"), "%s", error_message());
	ck_assert(!blob_exists(root, FOO));
	ck_assert_int_eq(ingest_entries(), 0);
}
END_TEST

START_TEST(a_streamed_blob_is_hashed_piece_by_piece)
{
	struct blob_writer *w = blob_writer_new(root);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(blob_writer_write(w, "f", 1), 0);
	ck_assert_int_eq(blob_writer_write(w, "oo", 2), 0);
	ck_assert_uint_eq(blob_writer_size(w), 3);
	ck_assert_int_eq(ingest_entries(), 1); /* in ingest/ until proven */
	ck_assert(!blob_exists(root, FOO));
	ck_assert_int_eq(blob_writer_commit(w, FOO, NULL), 0);
	ck_assert(blob_exists(root, FOO));
	ck_assert_int_eq(ingest_entries(), 0);
}
END_TEST

START_TEST(a_tampered_blob_on_disk_is_detected_when_read)
{
	char path[256];
	ck_assert_int_eq(blob_write(root, "foo", 3, FOO, NULL), 0);
	blob_path(root, FOO, path, sizeof(path));
	ck_assert_int_eq(write_file_atomic(path, "fox", 3, 0644), 0);
	ck_assert_ptr_null(blob_read(root, FOO, 100, NULL));
	ck_assert_msg(strstr(error_message(), "corrupt"), "%s", error_message());
	ck_assert_int_eq(blob_verify(root, FOO), -1);
}
END_TEST

START_TEST(a_malformed_digest_never_becomes_a_path)
{
	char path[256];
	ck_assert_int_eq(blob_path(root, "sha256:../../etc/passwd", path, sizeof(path)), -1);
	ck_assert_int_eq(blob_path(root, "md5:d3b07384d113edec49eaa6238ad5ff00", path, sizeof(path)), -1);
	ck_assert(!blob_exists(root, "sha256:"));
	ck_assert_int_eq(blob_open(root, FOO, NULL), -1);
}
END_TEST

START_TEST(files_of_dead_writers_are_cleaned_and_live_ones_kept)
{
	char path[256];
	blob_store_init(root);
	snprintf(path, sizeof(path), "%s/ingest/999999999-0000abcd", root); /* no such pid */
	ck_assert_int_eq(write_file_atomic(path, "x", 1, 0644), 0);
	struct blob_writer *w = blob_writer_new(root);
	ck_assert_int_eq(blob_ingest_cleanup(root), 1);
	ck_assert_int_eq(ingest_entries(), 1);
	blob_writer_abort(w);
	ck_assert_int_eq(ingest_entries(), 0);
}
END_TEST

Suite *blob_store_suite(void)
{
	Suite *s = suite_create("blob_store");
	TCase *t = tcase_create("blobs");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, a_blob_is_stored_under_the_digest_of_its_content);
	tcase_add_test(t, content_that_does_not_match_the_announced_digest_is_refused_and_leaves_nothing);
	tcase_add_test(t, a_streamed_blob_is_hashed_piece_by_piece);
	tcase_add_test(t, a_tampered_blob_on_disk_is_detected_when_read);
	tcase_add_test(t, a_malformed_digest_never_becomes_a_path);
	tcase_add_test(t, files_of_dead_writers_are_cleaned_and_live_ones_kept);
	suite_add_tcase(s, t);
	return s;
}
