/*
 * compose-ports.c - the short and long syntax of `ports:` (compose-ports.h). The short syntax
 * is read from the right: the protocol after `/`, the target after the last `:`, the published
 * port before it, and whatever is left before that is the host address.
 */
#include "compose-ports.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

/* "PORT" or "PORT-END" into [*start, *end]: ports 1..65535, start <= end. */
static int port_range(const char *text, size_t length, unsigned *start, unsigned *end)
{
	unsigned values[2] = { 0, 0 };
	int n = 0;
	size_t i = 0;
	while (n < 2) {
		size_t digits = 0;
		unsigned long value = 0;
		while (i < length && text[i] >= '0' && text[i] <= '9' && digits < 6) {
			value = value * 10 + (unsigned long)(text[i++] - '0');
			digits++;
		}
		if (digits == 0 || value == 0 || value > 65535)
			return -1;
		values[n++] = (unsigned)value;
		if (i == length)
			break;
		if (text[i++] != '-' || n == 2)
			return -1;
	}
	*start = values[0];
	*end = n == 2 ? values[1] : values[0];
	return *start <= *end ? 0 : -1;
}

static int bad(const char *text)
{
	return fail_errno(0, "invalid port \"%s\": write [HOST_IP:][PUBLISHED:]TARGET[/tcp|/udp]", text);
}

int compose_port_parse(const char *text, struct compose_port *port)
{
	memset(port, 0, sizeof *port);
	strcpy(port->protocol, "tcp");
	size_t length = strlen(text);
	const char *slash = strchr(text, '/');
	if (slash) {
		if (strcmp(slash + 1, "tcp") != 0 && strcmp(slash + 1, "udp") != 0)
			return bad(text);
		strcpy(port->protocol, slash + 1);
		length = (size_t)(slash - text);
	}
	/* The target: after the last colon. */
	size_t colon = length;
	while (colon > 0 && text[colon - 1] != ':')
		colon--;
	if (port_range(text + colon, length - colon, &port->target, &port->target_end) < 0)
		return bad(text);
	if (colon == 0)
		return 0;
	/* The published port: between the colon before it (outside brackets) and this one. */
	size_t published_end = colon - 1, start = published_end;
	while (start > 0 && text[start - 1] != ':' && text[start - 1] != ']')
		start--;
	if (start < published_end &&
	    port_range(text + start, published_end - start, &port->published, &port->published_end) < 0)
		return bad(text);
	if (start == published_end && start == 0)
		return bad(text);
	/* A range of targets needs as many published ports; one target may take a host range
	 * ("8000-8010:80": the first free one of them). */
	if (port->published && port->target_end != port->target &&
	    port->published_end - port->published != port->target_end - port->target)
		return bad(text);
	if (start > 0) {
		/* The host address: "IP:" or "[IPv6]:" before the published port. */
		const char *ip = text;
		if (text[start - 1] == ']') /* "[::1]5000:80": no colon after the bracket */
			return bad(text);
		size_t ip_length = start - 1;
		if (ip_length >= 2 && ip[0] == '[' && ip[ip_length - 1] == ']') {
			ip++;
			ip_length -= 2;
		} else if (memchr(ip, ':', ip_length)) {
			return bad(text); /* an IPv6 address goes in brackets, or it is ambiguous */
		}
		if (ip_length == 0 || !(port->host_ip = strndup(ip, ip_length)))
			return ip_length == 0 ? bad(text) : fail_errno(12, "cannot read port \"%s\"", text);
	}
	return 0;
}

static int at(const char *file, const struct yaml_node *node)
{
	return fail_context("%s:%d:%d", file, node->line, node->column);
}

int compose_port_read(const char *file, const struct yaml_node *item, struct compose_port *port)
{
	if (item->kind == YAML_SCALAR) {
		if (compose_port_parse(item->text, port) < 0)
			return at(file, item);
		return 0;
	}
	memset(port, 0, sizeof *port);
	strcpy(port->protocol, "tcp");
	if (item->kind != YAML_MAPPING) {
		fail_errno(0, "a port must be a string or a mapping");
		return at(file, item);
	}
	yaml_for_each(field, item) {
		const struct yaml_node *where = field;
		const char *key = field->key->text;
		if (strcmp(key, "target") == 0 || strcmp(key, "published") == 0) {
			unsigned start, end;
			if (field->kind != YAML_SCALAR || port_range(field->text, field->length, &start, &end) < 0) {
				fail_errno(0, "%s must be a port number", key);
				goto failed;
			}
			if (key[0] == 't') {
				port->target = start;
				port->target_end = end;
			} else {
				port->published = start;
				port->published_end = end;
			}
		} else if (strcmp(key, "protocol") == 0) {
			if (field->kind != YAML_SCALAR || (strcmp(field->text, "tcp") && strcmp(field->text, "udp"))) {
				fail_errno(0, "protocol must be tcp or udp");
				goto failed;
			}
			strcpy(port->protocol, field->text);
		} else if (strcmp(key, "host_ip") == 0 || strcmp(key, "mode") == 0) {
			char **into = key[0] == 'h' ? &port->host_ip : &port->mode;
			if (field->kind != YAML_SCALAR) {
				fail_errno(0, "%s must be a string", key);
				goto failed;
			}
			free(*into);
			if (!(*into = strdup(field->text))) {
				fail_errno(12, "cannot read a port");
				goto failed;
			}
		} else if (strcmp(key, "name") != 0 && strcmp(key, "app_protocol") != 0 && strncmp(key, "x-", 2) != 0) {
			fail_errno(0, "unknown key \"%s\" in a port", key);
			where = field->key;
			goto failed;
		}
		continue;
failed:
		compose_port_free(port);
		return at(file, where);
	}
	if (port->target == 0) {
		compose_port_free(port);
		fail_errno(0, "a port needs a target");
		return at(file, item);
	}
	return 0;
}

void compose_port_free(struct compose_port *port)
{
	free(port->host_ip);
	free(port->mode);
	port->host_ip = port->mode = NULL;
}
