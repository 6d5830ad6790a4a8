/*
 * oci-fixture.h - OCI image layouts made by tests: real tar layers of random files, a
 * config with their diff_ids, a manifest, and index.json naming it (what skopeo's oci:
 * transport, docker load through skopeo, and tinydock push read).
 */
#ifndef TINYDOCK_OCI_FIXTURE_H
#define TINYDOCK_OCI_FIXTURE_H

#include <stddef.h>

#include "sha256.h"

/* Make (or add to) the layout at dir: an image of count layers of about bytes each, named
 * ref_name in index.json (annotation org.opencontainers.image.ref.name). */
void oci_fixture_image(const char *dir, const char *ref_name, int count, size_t bytes,
		       char manifest[SHA256_DIGEST_SIZE]);

#endif
