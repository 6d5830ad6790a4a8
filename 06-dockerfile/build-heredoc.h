/*
 * build-heredoc.h - COPY's and ADD's here-documents made into files (`COPY <<EOF /etc/motd`):
 * the Dockerfile reference says each here-document becomes a file named after its delimiter,
 * its body being the file's content, so the copy rules of an ordinary source apply to it
 * (build-copy.h). The files are written in a temporary folder that the step reads as its
 * context and removes afterwards.
 */
#ifndef TINYDOCK_BUILD_HEREDOC_H
#define TINYDOCK_BUILD_HEREDOC_H

#include "dockerfile.h"
#include "expand.h"

#include <limits.h>

/* BuildKit makes the file 0644 (its llb.Mkfile), before --chmod applies. */
enum { HEREDOC_FILE_MODE = 0644 };

/* Is name usable as the file a here-document becomes: one path element, not "." nor ".."?
 * Pure. */
bool heredoc_file_name_ok(const char *name);

/* The words of a COPY/ADD whose arguments open here-documents: every `<<EOF` word replaced by
 * the delimiter "EOF" (the file's name), the other words kept as written. *words is a
 * NULL-terminated array (free with expand_free_words); *heredoc_sources counts the replaced
 * words. Pure. 0, or -1 with a message (a delimiter that is no file name). */
int heredoc_copy_words(const struct instruction *in, char ***words, size_t *count, size_t *heredoc_sources);

/* Write the here-documents of in as files in a new folder under parent (its path in dir):
 * bodies of unquoted delimiters expanded with env (escape: the file's escape character),
 * mode HEREDOC_FILE_MODE. 0, or -1 with a message and nothing left behind. */
int heredoc_files_write(const char *parent, const struct instruction *in, char escape,
			const struct expand_env *env, char dir[PATH_MAX]);

#endif
