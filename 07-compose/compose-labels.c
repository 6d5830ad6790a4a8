/*
 * compose-labels.c - the labels of a Compose container, and the hash of its service.
 *
 * The hash is over a canonical text of the service: each field on its own line, "key=value",
 * lists one item per line, in the order the struct declares them, so the same service always
 * gives the same bytes whatever order the file wrote its keys in. The separator bytes (a line
 * feed, and a NUL between the items of a list) cannot occur inside a YAML key, so two different
 * services cannot write the same text.
 */
#include "compose-labels.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void text(struct sha256 *ctx, const char *key, const char *value)
{
	sha256_update(ctx, key, strlen(key));
	sha256_update(ctx, "=", 1);
	if (value)
		sha256_update(ctx, value, strlen(value) + 1); /* the NUL: "a" then "bc" is not "ab" "c" */
	else
		sha256_update(ctx, "\xff", 1);                /* unset is not "" */
	sha256_update(ctx, "\n", 1);
}

static void number(struct sha256 *ctx, const char *key, int64_t value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, value);
	text(ctx, key, buf);
}

static void list(struct sha256 *ctx, const char *key, const struct compose_strings *items)
{
	number(ctx, key, (int64_t)items->count);
	for (size_t i = 0; i < items->count; i++)
		text(ctx, key, items->items[i]);
}

void compose_config_hash(const struct compose_service *s, const char *image_id, char hex[SHA256_HEX_SIZE])
{
	struct sha256 ctx;
	sha256_init(&ctx);
	text(&ctx, "name", s->name);
	text(&ctx, "image", s->image);
	text(&ctx, "image_id", image_id);
	text(&ctx, "build.context", s->build.context);
	text(&ctx, "build.dockerfile", s->build.dockerfile);
	text(&ctx, "build.target", s->build.target);
	list(&ctx, "build.args", &s->build.args);
	number(&ctx, "has_command", s->has_command);
	list(&ctx, "command", &s->command);
	number(&ctx, "has_entrypoint", s->has_entrypoint);
	list(&ctx, "entrypoint", &s->entrypoint);
	list(&ctx, "environment", &s->environment);
	list(&ctx, "env_file", &s->env_file);
	for (size_t i = 0; i < s->port_count; i++) {
		const struct compose_port *p = &s->ports[i];
		char buf[96];
		snprintf(buf, sizeof(buf), "%u-%u:%u-%u/%s", p->published, p->published_end, p->target, p->target_end,
			 p->protocol);
		text(&ctx, "port", buf);
		text(&ctx, "port.host_ip", p->host_ip);
		text(&ctx, "port.mode", p->mode);
	}
	list(&ctx, "expose", &s->expose);
	for (size_t i = 0; i < s->mount_count; i++) {
		const struct compose_mount *m = &s->mounts[i];
		number(&ctx, "mount.type", m->type);
		text(&ctx, "mount.source", m->source);
		text(&ctx, "mount.target", m->target);
		number(&ctx, "mount.read_only", m->read_only);
	}
	/* depends_on orders the start; it does not change the container (Compose leaves it out). */
	text(&ctx, "restart", s->restart);
	text(&ctx, "hostname", s->hostname);
	text(&ctx, "working_dir", s->working_dir);
	text(&ctx, "user", s->user);
	text(&ctx, "container_name", s->container_name);
	list(&ctx, "labels", &s->labels);
	number(&ctx, "has_healthcheck", s->has_healthcheck);
	list(&ctx, "healthcheck.test", &s->healthcheck.test);
	number(&ctx, "healthcheck.interval", s->healthcheck.interval);
	number(&ctx, "healthcheck.timeout", s->healthcheck.timeout);
	number(&ctx, "healthcheck.start_period", s->healthcheck.start_period);
	number(&ctx, "healthcheck.retries", s->healthcheck.retries);
	number(&ctx, "healthcheck.disable", s->healthcheck.disable);
	text(&ctx, "stop_signal", s->stop_signal);
	text(&ctx, "network_mode", s->network_mode);
	number(&ctx, "stop_grace_period", s->stop_grace_period);
	number(&ctx, "stdin_open", s->stdin_open);
	number(&ctx, "tty", s->tty);
	number(&ctx, "init", s->init);
	number(&ctx, "read_only", s->read_only);
	list(&ctx, "cap_add", &s->cap_add);
	list(&ctx, "cap_drop", &s->cap_drop);
	list(&ctx, "extra_hosts", &s->extra_hosts);
	list(&ctx, "tmpfs", &s->tmpfs);
	list(&ctx, "sysctls", &s->sysctls);
	text(&ctx, "cpus", s->cpus);
	number(&ctx, "memory", s->memory);
	number(&ctx, "pids", s->pids);
	for (size_t i = 0; i < s->network_count; i++) {
		text(&ctx, "network", s->networks[i].name);
		list(&ctx, "network.aliases", &s->networks[i].aliases);
	}
	for (size_t i = 0; i < s->secret_count + s->config_count; i++) {
		const struct compose_file_ref *f = i < s->secret_count ? &s->secrets[i] : &s->configs[i - s->secret_count];
		text(&ctx, i < s->secret_count ? "secret" : "config", f->source);
		text(&ctx, "target", f->target);
		text(&ctx, "mode", f->mode);
	}
	uint8_t digest[SHA256_SIZE];
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
}

const char *compose_label(char *const *labels, size_t count, const char *key)
{
	size_t length = strlen(key);
	for (size_t i = 0; i < count; i++)
		if (strncmp(labels[i], key, length) == 0 && labels[i][length] == '=')
			return labels[i] + length + 1;
	return NULL;
}
