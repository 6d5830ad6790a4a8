/*
 * compose-labels.h - how Compose finds the containers it made: labels, and the hash of a
 * service's configuration.
 *
 * Compose keeps no database. Every container it creates carries labels (`docker inspect`,
 * Config.Labels), and the next command lists containers and reads them back:
 *
 *     com.docker.compose.project=shop            which application
 *     com.docker.compose.service=web             which service of it
 *     com.docker.compose.container-number=1      which replica (PROJECT-SERVICE-N)
 *     com.docker.compose.oneoff=False            True for `compose run`'s one-off containers
 *     com.docker.compose.config-hash=3f2a...     what the service looked like at create
 *
 * The hash is what makes `up` idempotent: a container whose hash equals the hash of the
 * service as the file says it now is left alone; another hash means the file changed, and the
 * container is recreated. Compose v2 hashes the service's configuration without its scale
 * (deploy.replicas), so scaling never recreates (compose/v2 pkg/compose/hash.go says so);
 * so does compose_config_hash. Pure.
 */
#ifndef TINYDOCK_COMPOSE_LABELS_H
#define TINYDOCK_COMPOSE_LABELS_H

#include "compose-model.h"
#include "sha256.h"

#include <stdbool.h>

#define COMPOSE_LABEL_PROJECT "com.docker.compose.project"
#define COMPOSE_LABEL_SERVICE "com.docker.compose.service"
#define COMPOSE_LABEL_NUMBER "com.docker.compose.container-number"
#define COMPOSE_LABEL_ONEOFF "com.docker.compose.oneoff"
#define COMPOSE_LABEL_CONFIG_HASH "com.docker.compose.config-hash"

/* The sha256, in hex, of every field of service that shapes its containers, in a fixed order,
 * except deploy.replicas; image_id (the image's id, or NULL) is part of it too, so a rebuilt
 * image recreates the service's containers as Compose does. */
void compose_config_hash(const struct compose_service *service, const char *image_id, char hex[SHA256_HEX_SIZE]);

/* The value of key in labels ("KEY=VALUE" strings), or NULL. */
const char *compose_label(char *const *labels, size_t count, const char *key);

#endif
