/*
 * volume-commands.h - `tinydock volume ...` and `rm -v` (volume-commands.c).
 */
#ifndef TINYDOCK_VOLUME_COMMANDS_H
#define TINYDOCK_VOLUME_COMMANDS_H

/* tinydock volume create|ls|inspect|rm|prune */
int cmd_volume(int argc, char **argv);

/* A volume as `docker volume inspect` shows it, for `inspect` (inspect.h). */
struct json;
struct json *volume_inspect_document(const char *name);

/* `rm` of chapter 06: chapter 03's, and with -v the containers' anonymous volumes. */
int volume_cmd_rm(int argc, char **argv);

#endif
