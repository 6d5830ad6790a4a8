/*
 * fuzz_swarm_mesh_table.c - libFuzzer target for the routing mesh's table
 * (08-swarm/swarm-mesh-table.c, swarm-vip.c): the bytes the leader sends every node, which a
 * node reads before it opens a single port.
 *
 * Whatever the bytes, swarm_mesh_table_decode must return a table or an error, never crash,
 * overread or leak. A table it accepts must encode to bytes that decode and encode to the same
 * bytes again (one table, one encoding); its hosts lines and addresses must be computable; and
 * the round robin must stay within bounds on every row, however its backends look: each
 * connection tries each backend at most once, and never more than SWARM_MESH_MAX_ATTEMPTS.
 *     make fuzz                                      (every target, FUZZ_TIME seconds each)
 *     build/fuzz/fuzz_swarm_mesh_table CORPUS_DIR    (by hand, for as long as you like)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "swarm-mesh-table.h"
#include "swarm-vip.h"

/* A few connections on each row, with every backend failing: the chooser must end. */
static void rotate(struct swarm_mesh_table *table)
{
	for (size_t i = 0; i < table->service_count; i++) {
		struct swarm_mesh_service *row = &table->services[i];
		for (int connection = 0; connection < 3; connection++) {
			struct swarm_mesh_attempts attempts;
			swarm_mesh_begin(row, &attempts);
			const struct swarm_mesh_backend *backend;
			size_t tries = 0;
			while ((backend = swarm_mesh_choose(row, &attempts, 100))) {
				if (++tries > SWARM_MESH_MAX_ATTEMPTS || tries > row->backend_count)
					abort(); /* a connection that never gives up */
				swarm_mesh_mark_failed(row, backend->host, backend->port, 100);
			}
		}
		if (swarm_mesh_table_route(table, row->vip, row->published, row->udp) != row)
			abort(); /* a row its own address and port do not reach */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swarm_mesh_table table;
	if (swarm_mesh_table_decode((const char *)data, size, &table) < 0) {
		error_clear();
		return 0;
	}
	char *bytes = swarm_mesh_table_encode(&table);
	struct swarm_mesh_table again;
	if (!bytes || swarm_mesh_table_decode(bytes, strlen(bytes), &again) < 0)
		abort(); /* we wrote a table we cannot read back */
	char *again_bytes = swarm_mesh_table_encode(&again);
	if (!again_bytes || strcmp(bytes, again_bytes) != 0)
		abort(); /* one table, two encodings */
	char *hosts = swarm_vip_hosts(&table);
	if (!hosts)
		abort();
	swarm_vip_addresses(&table, NULL, 0);
	rotate(&table);
	free(hosts);
	free(bytes);
	free(again_bytes);
	swarm_mesh_table_free(&again);
	swarm_mesh_table_free(&table);
	return 0;
}
