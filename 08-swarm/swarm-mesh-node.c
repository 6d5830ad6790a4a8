/*
 * swarm-mesh-node.c - the mesh's two entry points for the node process (swarm-mesh-node.h).
 */
#include "swarm-mesh-node.h"

#include "error.h"
#include "links.h"
#include "network.h"
#include "swarm-vip-net.h"
#include "swarm-vip.h"

#include <errno.h>
#include <stdlib.h>

static int vip_subnet(const struct subnet *given, struct subnet *out)
{
	if (given) {
		*out = *given;
		return 0;
	}
	return subnet_parse(SWARM_VIP_SUBNET, out);
}

char *swarm_mesh_table_json(const struct swarm_store *store, const struct subnet *vips)
{
	struct subnet subnet;
	struct swarm_mesh_table table;
	if (vip_subnet(vips, &subnet) < 0 || swarm_mesh_table_from_store(store, &table) < 0)
		return NULL;
	char *json = swarm_vip_add_rows(store, &subnet, &table) == 0 ? swarm_mesh_table_encode(&table) : NULL;
	swarm_mesh_table_free(&table);
	return json;
}

/* The virtual IPs of table on the default network's bridge, which is made if missing. */
static int put_vips_on_the_bridge(const struct swarm_mesh_table *table, const struct subnet *vips)
{
	size_t count = swarm_vip_addresses(table, NULL, 0);
	struct in_addr *addresses = calloc(count ? count : 1, sizeof(*addresses));
	if (!addresses)
		return fail_errno(ENOMEM, "cannot set the services' virtual IPs");
	swarm_vip_addresses(table, addresses, count);
	struct network bridge;
	int rc = network_load(NETWORK_DEFAULT, &bridge);
	if (rc == 0 && count > 0)
		rc = bridge_ensure(bridge.bridge, bridge.gateway, bridge.subnet.prefix);
	if (rc == 0 && swarm_vip_net_sync(bridge.bridge, vips, addresses, count) < 0) {
		rc = -1;
		if (count == 0 && error_errno() == ENODEV) {
			error_clear(); /* no VIP wanted, and no bridge that could hold one */
			rc = 0;
		}
	}
	free(addresses);
	return rc;
}

int swarm_mesh_serve(struct swarm_mesh *mesh, const char *json, size_t size, const struct subnet *vips)
{
	struct subnet subnet;
	struct swarm_mesh_table table;
	if (vip_subnet(vips, &subnet) < 0 || swarm_mesh_table_decode(json, size, &table) < 0)
		return -1;
	struct error_saved first;
	bool problem = put_vips_on_the_bridge(&table, &subnet) < 0;
	if (problem)
		error_save(&first);
	if (swarm_mesh_update(mesh, &table) < 0 && !problem) {
		error_save(&first);
		problem = true;
	}
	swarm_mesh_table_free(&table);
	return problem ? error_restore(&first) : 0;
}

char *swarm_mesh_hosts_lines(const char *json, size_t size)
{
	struct swarm_mesh_table table;
	if (swarm_mesh_table_decode(json, size, &table) < 0)
		return NULL;
	char *lines = swarm_vip_hosts(&table);
	swarm_mesh_table_free(&table);
	return lines;
}
