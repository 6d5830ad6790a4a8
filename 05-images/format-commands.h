/*
 * format-commands.h - teaching commands that drive this chapter's formats from the shell.
 */
#ifndef TINYDOCK_FORMAT_COMMANDS_H
#define TINYDOCK_FORMAT_COMMANDS_H

/* tinydock sha256sum [FILE...]: print "<hex>  <name>" per file, as coreutils' sha256sum. */
int cmd_sha256sum(int argc, char **argv);

/* tinydock gunzip < in.gz > out: decompress a gzip stream from stdin to stdout. */
int cmd_gunzip(int argc, char **argv);

#endif
