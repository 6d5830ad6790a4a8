/*
 * oci-fixture.c - build test images as OCI image layouts (see oci-fixture.h).
 */
#include "oci-fixture.h"

#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "blob-store.h"
#include "changes.h"
#include "error.h"
#include "files.h"
#include "tar.h"

/* A layer: a folder holding one random file, written as an uncompressed tarball blob. */
static uint64_t make_layer(const char *dir, int i, size_t bytes, char digest[SHA256_DIGEST_SIZE])
{
	char folder[4096], file[4200], tarball[4096];
	snprintf(folder, sizeof(folder), "%s/tmp-layer-%d", dir, i);
	ck_assert_int_eq(make_dirs(folder, 0755), 0);
	snprintf(file, sizeof(file), "%s/file-%d", folder, i);
	char *data = malloc(bytes);
	for (size_t at = 0; at < bytes;)
		at += (size_t)getrandom(data + at, bytes - at > 65536 ? 65536 : bytes - at, 0);
	ck_assert_int_eq(write_file_atomic(file, data, bytes, 0644), 0);
	free(data);
	snprintf(tarball, sizeof(tarball), "%s/tmp-layer-%d.tar", dir, i);
	int fd = open(tarball, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	struct create_stats stats;
	ck_assert_msg(layer_create(folder, tar_write_fd, (void *)(intptr_t)fd, &stats) == 0, "%s", error_message());
	uint64_t size = (uint64_t)lseek(fd, 0, SEEK_CUR);
	lseek(fd, 0, SEEK_SET);
	ck_assert_msg(blob_write_fd(dir, fd, NULL, digest) == 0, "%s", error_message());
	close(fd);
	unlink(tarball);
	remove_tree(folder);
	return size;
}

void oci_fixture_image(const char *dir, const char *ref_name, int count, size_t bytes,
		       char manifest[SHA256_DIGEST_SIZE])
{
	ck_assert_int_eq(blob_store_init(dir), 0);
	char layers[8192] = "", diff_ids[8192] = "", digest[SHA256_DIGEST_SIZE];
	size_t la = 0, da = 0;
	for (int i = 0; i < count; i++) {
		uint64_t size = make_layer(dir, i, bytes, digest);
		la += (size_t)snprintf(layers + la, sizeof(layers) - la,
				       "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\",\"size\":%llu}",
				       i ? "," : "", digest, (unsigned long long)size);
		da += (size_t)snprintf(diff_ids + da, sizeof(diff_ids) - da, "%s\"%s\"", i ? "," : "", digest);
	}
	char config[9000], body[10000], index[2048];
	int n = snprintf(config, sizeof(config),
			 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
			 "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[%s]}}",
			 diff_ids);
	ck_assert_int_eq(blob_write(dir, config, (size_t)n, NULL, digest), 0);
	int m = snprintf(body, sizeof(body),
			 "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
			 "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%d},"
			 "\"layers\":[%s]}",
			 digest, n, layers);
	ck_assert_int_eq(blob_write(dir, body, (size_t)m, NULL, manifest), 0);
	n = snprintf(index, sizeof(index),
		     "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		     "\"digest\":\"%s\",\"size\":%d,\"annotations\":{\"org.opencontainers.image.ref.name\":\"%s\"}}]}",
		     manifest, m, ref_name);
	char path[4096];
	snprintf(path, sizeof(path), "%s/index.json", dir);
	ck_assert_int_eq(write_file_atomic(path, index, (size_t)n, 0644), 0);
	snprintf(path, sizeof(path), "%s/oci-layout", dir);
	ck_assert_int_eq(write_file_atomic(path, "{\"imageLayoutVersion\":\"1.0.0\"}\n", 31, 0644), 0);
}
