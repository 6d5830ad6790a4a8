/*
 * mount-options.c - the words of mount(8) into what mount(2) takes, and the order of mounts.
 *
 * mount(8) takes one comma-separated list ("ro,noexec,size=64m"), but the system call splits
 * it in two (mount(2)): the options every filesystem shares are bits of mountflags (MS_RDONLY,
 * MS_NOEXEC, ...), and the rest is a string handed to the filesystem itself as data (tmpfs(5)
 * reads size=, nr_inodes=, mode=, uid=, gid=). `--tmpfs /run:size=64m,exec` is that list, so
 * this file does mount(8)'s split. Docker gives a tmpfs nosuid, nodev and noexec unless told
 * otherwise ("suid", "dev", "exec"): a file in memory should not become a setuid program or a
 * device node by surprise.
 *
 * Mounts stack: a mount at /a made after one at /a/b would hide /a/b. Docker sorts a
 * container's mounts by the depth of their target, parents first (mount_order), so the order
 * the flags came in does not matter.
 *
 * Pure: no system calls (tests/unit/test_mount_options.c).
 * Next: requested-mounts.c, which makes these mounts.
 */
#include "container.h"
#include "error.h"

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

static const struct {
	const char *word;
	unsigned long set, clear;
} flag_words[] = {
	{ "ro", MS_RDONLY, 0 },       { "rw", 0, MS_RDONLY },         { "noexec", MS_NOEXEC, 0 },
	{ "exec", 0, MS_NOEXEC },     { "nosuid", MS_NOSUID, 0 },     { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },     { "dev", 0, MS_NODEV },         { "noatime", MS_NOATIME, 0 },
	{ "atime", 0, MS_NOATIME },   { "relatime", MS_RELATIME, 0 }, { "strictatime", MS_STRICTATIME, 0 },
	{ "nodiratime", MS_NODIRATIME, 0 }, { "sync", MS_SYNCHRONOUS, 0 }, { "async", 0, MS_SYNCHRONOUS },
};

/* What tmpfs(5) itself understands, passed on in data. */
static const char *const tmpfs_keys[] = { "size", "nr_blocks", "nr_inodes", "mode", "uid", "gid", "huge", "mpol" };

static bool is_tmpfs_key(const char *word, size_t length)
{
	for (size_t i = 0; i < sizeof(tmpfs_keys) / sizeof(tmpfs_keys[0]); i++)
		if (strlen(tmpfs_keys[i]) == length && strncmp(word, tmpfs_keys[i], length) == 0)
			return true;
	return false;
}

int tmpfs_mount_options(const char *text, unsigned long *flags, char *data, size_t size)
{
	*flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	size_t used = 0;
	data[0] = '\0';
	for (const char *word = text; word && *word;) {
		const char *comma = strchr(word, ',');
		size_t length = comma ? (size_t)(comma - word) : strlen(word);
		const char *equals = memchr(word, '=', length);
		size_t key_length = equals ? (size_t)(equals - word) : length;
		bool known = false;
		for (size_t i = 0; !equals && i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
			if (strlen(flag_words[i].word) == length && strncmp(word, flag_words[i].word, length) == 0) {
				*flags = (*flags & ~flag_words[i].clear) | flag_words[i].set;
				known = true;
			}
		if (!known && length > 0) {
			if (!equals || equals + 1 == word + length || !is_tmpfs_key(word, key_length))
				return fail_errno(0, "invalid tmpfs option \"%.*s\"", (int)length, word);
			int n = snprintf(data + used, size - used, "%s%.*s", used ? "," : "", (int)length, word);
			if (n < 0 || (size_t)n >= size - used)
				return fail_errno(0, "the tmpfs options \"%s\" are too long", text);
			used += (size_t)n;
		}
		word = comma ? comma + 1 : NULL;
	}
	return 0;
}

static size_t depth(const char *path)
{
	size_t n = 0;
	for (const char *p = path; *p; p++)
		n += *p == '/' && p[1] != '/' && p[1] != '\0';
	return n;
}

void mount_order(const struct mount_request *mounts, size_t count, size_t *order)
{
	/* An insertion sort: stable (equal depths keep the order given), and count is small. */
	for (size_t i = 0; i < count; i++) {
		size_t j = i, d = depth(mounts[i].target);
		while (j > 0 && depth(mounts[order[j - 1]].target) > d) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}
