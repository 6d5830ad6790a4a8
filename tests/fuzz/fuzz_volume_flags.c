/*
 * fuzz_volume_flags.c - libFuzzer target for `run -v`, `--mount` and `--tmpfs` (06-dockerfile
 * volume-flags.c) and mount(8)'s option words (02-namespaces/mount-options.c).
 *
 * Whatever a user types after those flags, the parsers must neither crash nor read out of
 * bounds, and what they accept must be safe to hand to the mount step: a target that is
 * absolute and not "/", NUL-terminated fields, a named volume's name valid, a tmpfs's options
 * that mount-options.c accepts again.
 *
 *     make fuzz                       (builds every tests/fuzz/fuzz_*.c)
 *     build/fuzz/fuzz_volume_flags -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "error.h"
#include "volume-flags.h"

static void check_accepted(const struct volume_request *r)
{
	if (memchr(r->target, '\0', sizeof(r->target)) == NULL || memchr(r->source, '\0', sizeof(r->source)) == NULL ||
	    memchr(r->options, '\0', sizeof(r->options)) == NULL)
		abort();
	if (r->target[0] != '/' || r->target[strspn(r->target, "/")] == '\0')
		abort();
	if (r->kind == VOLUME_NAMED && !volume_name_valid(r->source))
		abort();
	if (r->kind == VOLUME_BIND && r->source[0] != '/' && r->source[0] != '.')
		abort();
	unsigned long flags;
	char data[sizeof(r->options)];
	if (r->kind == VOLUME_TMPFS && tmpfs_mount_options(r->options, &flags, data, sizeof(data)) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 8192)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1); /* the first byte picks the flag */
	text[size - 1] = '\0';
	static struct volume_request r;
	int rc;
	switch (data[0] % 4) {
	case 0: rc = parse_volume_flag(text, &r); break;
	case 1: rc = parse_mount_flag(text, &r); break;
	case 2: rc = parse_tmpfs_flag(text, &r); break;
	default: {
		unsigned long flags;
		char out[256];
		rc = tmpfs_mount_options(text, &flags, out, sizeof(out));
		if (rc == 0 && memchr(out, '\0', sizeof(out)) == NULL)
			abort();
		rc = -1;
	}
	}
	if (rc == 0)
		check_accepted(&r);
	error_clear();
	free(text);
	return 0;
}
