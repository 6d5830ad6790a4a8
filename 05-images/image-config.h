/*
 * image-config.h - an image's run settings (the config's "config" object) and how they change.
 *
 * Docker spells the settings with Dockerfile instructions, and `commit --change`/`import
 * --change` take the same ones: CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL, VOLUME,
 * STOPSIGNAL. Each maps to one member of the config (config.md, "Properties"):
 *
 *     CMD ["sh"]           "Cmd": ["sh"]                    (exec form: a JSON array)
 *     CMD echo hi          "Cmd": ["/bin/sh","-c","echo hi"] (shell form)
 *     ENV A=1 B=2          "Env": ["PATH=...","A=1","B=2"]  (replacing an earlier A)
 *     EXPOSE 80 53/udp     "ExposedPorts": {"80/tcp":{},"53/udp":{}}
 *
 * Pure (json.h trees), unit-tested.
 */
#ifndef TINYDOCK_IMAGE_CONFIG_H
#define TINYDOCK_IMAGE_CONFIG_H

#include "json.h"

/* Apply one instruction ("CMD [\"sh\"]") to settings (the config's "config" object); -1 with
 * a message naming the instruction when it is unknown or malformed. */
int image_config_change(struct json *settings, const char *instruction);

/* The Env value of name in settings ("PATH"), or NULL. */
const char *image_config_env(const struct json *settings, const char *name);

/* A JSON array of strings as a NULL-terminated vector of pointers into the tree (malloc'd
 * vector, free() it); NULL with *count 0 when node is not an array of strings or is empty. */
const char **image_config_strings(const struct json *node, size_t *count);

/* The default PATH Docker puts into images' Env. */
#define IMAGE_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#endif
