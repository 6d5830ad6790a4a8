/*
 * compose-schema.c - the Compose specification's JSON schema (compose-spec.json, at commit
 * 170098b), written down as C data (compose-schema.h).
 *
 * One `struct compose_schema` per object of the schema, named after the definition it comes
 * from ("service", "healthcheck", "network") or after its place ("service_build" is the
 * mapping form of services.*.build). A JSON Schema "oneOf" of a string and an object (build,
 * extends, a port, a volume) is one shape whose types are both. Each shape is defined before
 * the shapes that use it, as C wants, so the file reads from the bottom up: compose_file_schema
 * at the end is the whole file, services and service below it are the longest part.
 *
 * When the specification changes, tests/unit/test_compose_schema.c says which property the
 * table lacks or has of another type.
 */
#include "compose-schema.h"

#include <stddef.h>

/* A key of an object, the shape of its value, and whether the object must have it. */
#define KEY(name, shape) { name, &shape, false }
#define REQUIRED_KEY(name, shape) { name, &shape, true }
#define END { NULL, NULL, false }

static const struct compose_schema string = { .types = COMPOSE_SCHEMA_STRING };

static const struct compose_schema string_or_list = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_ARRAY, .items = &string };

static const struct compose_schema_key include_keys[] = {
	KEY("path", string_or_list),
	KEY("env_file", string_or_list),
	KEY("project_directory", string),
	END,
};
static const struct compose_schema include = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = include_keys };

static const struct compose_schema compose_file_include = { .types = COMPOSE_SCHEMA_ARRAY, .items = &include };

static const char *const development_watch_item_action_values[] = { "rebuild", "sync", "restart", "sync+restart", "sync+exec", NULL };
static const struct compose_schema development_watch_item_action = { .types = COMPOSE_SCHEMA_STRING, .allowed = development_watch_item_action_values };

static const struct compose_schema command = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_ARRAY, .items = &string };

static const struct compose_schema boolean_or_string = { .types = COMPOSE_SCHEMA_BOOLEAN | COMPOSE_SCHEMA_STRING };

static const struct compose_schema null_or_boolean_or_number_or_string = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_BOOLEAN | COMPOSE_SCHEMA_NUMBER | COMPOSE_SCHEMA_STRING };

static const struct compose_schema list_or_dict = { .types = COMPOSE_SCHEMA_ARRAY | COMPOSE_SCHEMA_OBJECT, .values = &null_or_boolean_or_number_or_string, .items = &string };

static const struct compose_schema_key service_hook_keys[] = {
	REQUIRED_KEY("command", command),
	KEY("user", string),
	KEY("privileged", boolean_or_string),
	KEY("working_dir", string),
	KEY("environment", list_or_dict),
	END,
};
static const struct compose_schema service_hook = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_hook_keys };

static const struct compose_schema boolean = { .types = COMPOSE_SCHEMA_BOOLEAN };

static const struct compose_schema_key development_watch_item_keys[] = {
	KEY("ignore", string_or_list),
	KEY("include", string_or_list),
	REQUIRED_KEY("path", string),
	REQUIRED_KEY("action", development_watch_item_action),
	KEY("target", string),
	KEY("exec", service_hook),
	KEY("initial_sync", boolean),
	END,
};
static const struct compose_schema development_watch_item = { .types = COMPOSE_SCHEMA_OBJECT, .keys = development_watch_item_keys };

static const struct compose_schema development_watch = { .types = COMPOSE_SCHEMA_ARRAY, .items = &development_watch_item };

static const struct compose_schema_key development_keys[] = {
	KEY("watch", development_watch),
	END,
};
static const struct compose_schema development = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_OBJECT, .keys = development_keys };

static const struct compose_schema integer_or_string = { .types = COMPOSE_SCHEMA_INTEGER | COMPOSE_SCHEMA_STRING };

static const struct compose_schema number_or_string = { .types = COMPOSE_SCHEMA_NUMBER | COMPOSE_SCHEMA_STRING };

static const char *const deployment_rollback_config_order_values[] = { "start-first", "stop-first", NULL };
static const struct compose_schema deployment_rollback_config_order = { .types = COMPOSE_SCHEMA_STRING, .allowed = deployment_rollback_config_order_values };

static const struct compose_schema_key deployment_rollback_config_keys[] = {
	KEY("parallelism", integer_or_string),
	KEY("delay", string),
	KEY("failure_action", string),
	KEY("monitor", string),
	KEY("max_failure_ratio", number_or_string),
	KEY("order", deployment_rollback_config_order),
	END,
};
static const struct compose_schema deployment_rollback_config = { .types = COMPOSE_SCHEMA_OBJECT, .keys = deployment_rollback_config_keys };

static const struct compose_schema_key deployment_resources_limits_keys[] = {
	KEY("cpus", number_or_string),
	KEY("memory", string),
	KEY("pids", integer_or_string),
	END,
};
static const struct compose_schema deployment_resources_limits = { .types = COMPOSE_SCHEMA_OBJECT, .keys = deployment_resources_limits_keys };

static const struct compose_schema_key generic_resources_item_discrete_resource_spec_keys[] = {
	KEY("kind", string),
	KEY("value", number_or_string),
	END,
};
static const struct compose_schema generic_resources_item_discrete_resource_spec = { .types = COMPOSE_SCHEMA_OBJECT, .keys = generic_resources_item_discrete_resource_spec_keys };

static const struct compose_schema_key generic_resources_item_keys[] = {
	KEY("discrete_resource_spec", generic_resources_item_discrete_resource_spec),
	END,
};
static const struct compose_schema generic_resources_item = { .types = COMPOSE_SCHEMA_OBJECT, .keys = generic_resources_item_keys };

static const struct compose_schema generic_resources = { .types = COMPOSE_SCHEMA_ARRAY, .items = &generic_resources_item };

static const struct compose_schema list_of_strings = { .types = COMPOSE_SCHEMA_ARRAY, .items = &string };

static const struct compose_schema_key devices_item_keys[] = {
	REQUIRED_KEY("capabilities", list_of_strings),
	KEY("count", integer_or_string),
	KEY("device_ids", list_of_strings),
	KEY("driver", string),
	KEY("options", list_or_dict),
	END,
};
static const struct compose_schema devices_item = { .types = COMPOSE_SCHEMA_OBJECT, .keys = devices_item_keys };

static const struct compose_schema devices = { .types = COMPOSE_SCHEMA_ARRAY, .items = &devices_item };

static const struct compose_schema_key deployment_resources_reservations_keys[] = {
	KEY("cpus", number_or_string),
	KEY("memory", string),
	KEY("generic_resources", generic_resources),
	KEY("devices", devices),
	END,
};
static const struct compose_schema deployment_resources_reservations = { .types = COMPOSE_SCHEMA_OBJECT, .keys = deployment_resources_reservations_keys };

static const struct compose_schema_key deployment_resources_keys[] = {
	KEY("limits", deployment_resources_limits),
	KEY("reservations", deployment_resources_reservations),
	END,
};
static const struct compose_schema deployment_resources = { .types = COMPOSE_SCHEMA_OBJECT, .keys = deployment_resources_keys };

static const struct compose_schema_key deployment_restart_policy_keys[] = {
	KEY("condition", string),
	KEY("delay", string),
	KEY("max_attempts", integer_or_string),
	KEY("window", string),
	END,
};
static const struct compose_schema deployment_restart_policy = { .types = COMPOSE_SCHEMA_OBJECT, .keys = deployment_restart_policy_keys };

static const struct compose_schema_key deployment_placement_preferences_item_keys[] = {
	KEY("spread", string),
	END,
};
static const struct compose_schema deployment_placement_preferences_item = { .types = COMPOSE_SCHEMA_OBJECT, .keys = deployment_placement_preferences_item_keys };

static const struct compose_schema deployment_placement_preferences = { .types = COMPOSE_SCHEMA_ARRAY, .items = &deployment_placement_preferences_item };

static const struct compose_schema_key deployment_placement_keys[] = {
	KEY("constraints", list_of_strings),
	KEY("preferences", deployment_placement_preferences),
	KEY("max_replicas_per_node", integer_or_string),
	END,
};
static const struct compose_schema deployment_placement = { .types = COMPOSE_SCHEMA_OBJECT, .keys = deployment_placement_keys };

static const struct compose_schema_key deployment_keys[] = {
	KEY("mode", string),
	KEY("endpoint_mode", string),
	KEY("replicas", integer_or_string),
	KEY("labels", list_or_dict),
	KEY("rollback_config", deployment_rollback_config),
	KEY("update_config", deployment_rollback_config),
	KEY("resources", deployment_resources),
	KEY("restart_policy", deployment_restart_policy),
	KEY("placement", deployment_placement),
	END,
};
static const struct compose_schema deployment = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_OBJECT, .keys = deployment_keys };

static const struct compose_schema extra_hosts = { .types = COMPOSE_SCHEMA_ARRAY | COMPOSE_SCHEMA_OBJECT, .values = &string_or_list, .items = &string };

static const struct compose_schema_key service_config_or_secret_item_keys[] = {
	KEY("source", string),
	KEY("target", string),
	KEY("uid", string),
	KEY("gid", string),
	KEY("mode", number_or_string),
	END,
};
static const struct compose_schema service_config_or_secret_item = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = service_config_or_secret_item_keys };

static const struct compose_schema service_config_or_secret = { .types = COMPOSE_SCHEMA_ARRAY, .items = &service_config_or_secret_item };

static const struct compose_schema_key ulimits_value_keys[] = {
	REQUIRED_KEY("hard", integer_or_string),
	REQUIRED_KEY("soft", integer_or_string),
	END,
};
static const struct compose_schema ulimits_value = { .types = COMPOSE_SCHEMA_INTEGER | COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = ulimits_value_keys };

static const struct compose_schema ulimits = { .types = COMPOSE_SCHEMA_OBJECT, .values = &ulimits_value };

static const struct compose_schema_key service_build_keys[] = {
	KEY("context", string),
	KEY("dockerfile", string),
	KEY("dockerfile_inline", string),
	KEY("entitlements", list_of_strings),
	KEY("args", list_or_dict),
	KEY("ssh", list_or_dict),
	KEY("labels", list_or_dict),
	KEY("cache_from", list_of_strings),
	KEY("cache_to", list_of_strings),
	KEY("no_cache", boolean_or_string),
	KEY("additional_contexts", list_or_dict),
	KEY("network", string),
	KEY("provenance", boolean_or_string),
	KEY("sbom", boolean_or_string),
	KEY("pull", boolean_or_string),
	KEY("target", string),
	KEY("shm_size", integer_or_string),
	KEY("extra_hosts", extra_hosts),
	KEY("isolation", string),
	KEY("privileged", boolean_or_string),
	KEY("secrets", service_config_or_secret),
	KEY("tags", list_of_strings),
	KEY("ulimits", ulimits),
	KEY("platforms", list_of_strings),
	END,
};
static const struct compose_schema service_build = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = service_build_keys };

static const struct compose_schema_key blkio_limit_keys[] = {
	KEY("path", string),
	KEY("rate", integer_or_string),
	END,
};
static const struct compose_schema blkio_limit = { .types = COMPOSE_SCHEMA_OBJECT, .keys = blkio_limit_keys };

static const struct compose_schema blkio_limits = { .types = COMPOSE_SCHEMA_ARRAY, .items = &blkio_limit };

static const struct compose_schema_key blkio_weight_keys[] = {
	KEY("path", string),
	KEY("weight", integer_or_string),
	END,
};
static const struct compose_schema blkio_weight = { .types = COMPOSE_SCHEMA_OBJECT, .keys = blkio_weight_keys };

static const struct compose_schema blkio_weights = { .types = COMPOSE_SCHEMA_ARRAY, .items = &blkio_weight };

static const struct compose_schema_key service_blkio_config_keys[] = {
	KEY("device_read_bps", blkio_limits),
	KEY("device_read_iops", blkio_limits),
	KEY("device_write_bps", blkio_limits),
	KEY("device_write_iops", blkio_limits),
	KEY("weight", integer_or_string),
	KEY("weight_device", blkio_weights),
	END,
};
static const struct compose_schema service_blkio_config = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_blkio_config_keys };

static const char *const service_cgroup_values[] = { "host", "private", NULL };
static const struct compose_schema service_cgroup = { .types = COMPOSE_SCHEMA_STRING, .allowed = service_cgroup_values };

static const struct compose_schema_key service_credential_spec_keys[] = {
	KEY("config", string),
	KEY("file", string),
	KEY("registry", string),
	END,
};
static const struct compose_schema service_credential_spec = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_credential_spec_keys };

static const char *const service_depends_on_value_condition_values[] = { "service_started", "service_healthy", "service_completed_successfully", NULL };
static const struct compose_schema service_depends_on_value_condition = { .types = COMPOSE_SCHEMA_STRING, .allowed = service_depends_on_value_condition_values };

static const struct compose_schema_key service_depends_on_value_keys[] = {
	KEY("restart", boolean_or_string),
	KEY("required", boolean),
	REQUIRED_KEY("condition", service_depends_on_value_condition),
	END,
};
static const struct compose_schema service_depends_on_value = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_depends_on_value_keys };

static const struct compose_schema service_depends_on = { .types = COMPOSE_SCHEMA_ARRAY | COMPOSE_SCHEMA_OBJECT, .values = &service_depends_on_value, .items = &string };

static const struct compose_schema_key service_devices_item_keys[] = {
	REQUIRED_KEY("source", string),
	KEY("target", string),
	KEY("permissions", string),
	END,
};
static const struct compose_schema service_devices_item = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = service_devices_item_keys };

static const struct compose_schema service_devices = { .types = COMPOSE_SCHEMA_ARRAY, .items = &service_devices_item };

static const struct compose_schema_key env_file_item_keys[] = {
	REQUIRED_KEY("path", string),
	KEY("format", string),
	KEY("required", boolean_or_string),
	END,
};
static const struct compose_schema env_file_item = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = env_file_item_keys };

static const struct compose_schema env_file = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_ARRAY, .items = &env_file_item };

static const struct compose_schema list_of_numbers_or_strings = { .types = COMPOSE_SCHEMA_ARRAY, .items = &number_or_string };

static const struct compose_schema_key service_extends_keys[] = {
	REQUIRED_KEY("service", string),
	KEY("file", string),
	END,
};
static const struct compose_schema service_extends = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = service_extends_keys };

static const struct compose_schema boolean_or_number_or_string = { .types = COMPOSE_SCHEMA_BOOLEAN | COMPOSE_SCHEMA_NUMBER | COMPOSE_SCHEMA_STRING };

static const struct compose_schema service_provider_options_value = { .types = COMPOSE_SCHEMA_BOOLEAN | COMPOSE_SCHEMA_NUMBER | COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_ARRAY, .items = &boolean_or_number_or_string };

static const struct compose_schema service_provider_options = { .types = COMPOSE_SCHEMA_OBJECT, .values = &service_provider_options_value };

static const struct compose_schema_key service_provider_keys[] = {
	REQUIRED_KEY("type", string),
	KEY("options", service_provider_options),
	END,
};
static const struct compose_schema service_provider = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_provider_keys };

static const struct compose_schema_key gpus_item_keys[] = {
	KEY("capabilities", list_of_strings),
	KEY("count", integer_or_string),
	KEY("device_ids", list_of_strings),
	KEY("driver", string),
	KEY("options", list_or_dict),
	END,
};
static const struct compose_schema gpus_item = { .types = COMPOSE_SCHEMA_OBJECT, .keys = gpus_item_keys };

static const char *const gpus_values[] = { "all", NULL };
static const struct compose_schema gpus = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_ARRAY, .items = &gpus_item, .allowed = gpus_values };

static const struct compose_schema_key healthcheck_keys[] = {
	KEY("disable", boolean_or_string),
	KEY("interval", string),
	KEY("retries", number_or_string),
	KEY("test", string_or_list),
	KEY("timeout", string),
	KEY("start_period", string),
	KEY("start_interval", string),
	END,
};
static const struct compose_schema healthcheck = { .types = COMPOSE_SCHEMA_OBJECT, .keys = healthcheck_keys };

static const struct compose_schema null_or_number_or_string = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_NUMBER | COMPOSE_SCHEMA_STRING };

static const struct compose_schema service_logging_options = { .types = COMPOSE_SCHEMA_OBJECT, .values = &null_or_number_or_string };

static const struct compose_schema_key service_logging_keys[] = {
	KEY("driver", string),
	KEY("options", service_logging_options),
	END,
};
static const struct compose_schema service_logging = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_logging_keys };

static const struct compose_schema_key service_models_value_keys[] = {
	KEY("endpoint_var", string),
	KEY("model_var", string),
	END,
};
static const struct compose_schema service_models_value = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_models_value_keys };

static const struct compose_schema service_models = { .types = COMPOSE_SCHEMA_ARRAY | COMPOSE_SCHEMA_OBJECT, .values = &service_models_value, .items = &string };

static const struct compose_schema driver_opts = { .types = COMPOSE_SCHEMA_OBJECT, .values = &number_or_string };

static const struct compose_schema number = { .types = COMPOSE_SCHEMA_NUMBER };

static const struct compose_schema_key service_networks_value_keys[] = {
	KEY("aliases", list_of_strings),
	KEY("interface_name", string),
	KEY("ipv4_address", string),
	KEY("ipv6_address", string),
	KEY("link_local_ips", list_of_strings),
	KEY("mac_address", string),
	KEY("driver_opts", driver_opts),
	KEY("priority", number),
	KEY("gw_priority", number),
	END,
};
static const struct compose_schema service_networks_value = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_OBJECT, .keys = service_networks_value_keys };

static const struct compose_schema service_networks = { .types = COMPOSE_SCHEMA_ARRAY | COMPOSE_SCHEMA_OBJECT, .values = &service_networks_value, .items = &string };

static const struct compose_schema null_or_string = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_STRING };

static const struct compose_schema_key service_ports_item_keys[] = {
	KEY("name", string),
	KEY("mode", string),
	KEY("host_ip", string),
	KEY("target", integer_or_string),
	KEY("published", integer_or_string),
	KEY("protocol", string),
	KEY("app_protocol", string),
	END,
};
static const struct compose_schema service_ports_item = { .types = COMPOSE_SCHEMA_NUMBER | COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = service_ports_item_keys };

static const struct compose_schema service_ports = { .types = COMPOSE_SCHEMA_ARRAY, .items = &service_ports_item };

static const struct compose_schema service_hooks = { .types = COMPOSE_SCHEMA_ARRAY, .items = &service_hook };

static const struct compose_schema any_mapping = { .types = COMPOSE_SCHEMA_OBJECT };

static const char *const service_volumes_item_type_values[] = { "bind", "volume", "tmpfs", "cluster", "npipe", "image", NULL };
static const struct compose_schema service_volumes_item_type = { .types = COMPOSE_SCHEMA_STRING, .allowed = service_volumes_item_type_values };

static const char *const service_volumes_item_bind_recursive_values[] = { "enabled", "disabled", "writable", "readonly", NULL };
static const struct compose_schema service_volumes_item_bind_recursive = { .types = COMPOSE_SCHEMA_STRING, .allowed = service_volumes_item_bind_recursive_values };

static const char *const service_volumes_item_bind_selinux_values[] = { "z", "Z", NULL };
static const struct compose_schema service_volumes_item_bind_selinux = { .types = COMPOSE_SCHEMA_STRING, .allowed = service_volumes_item_bind_selinux_values };

static const struct compose_schema_key service_volumes_item_bind_keys[] = {
	KEY("propagation", string),
	KEY("create_host_path", boolean_or_string),
	KEY("recursive", service_volumes_item_bind_recursive),
	KEY("selinux", service_volumes_item_bind_selinux),
	END,
};
static const struct compose_schema service_volumes_item_bind = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_volumes_item_bind_keys };

static const struct compose_schema_key service_volumes_item_volume_keys[] = {
	KEY("labels", list_or_dict),
	KEY("nocopy", boolean_or_string),
	KEY("subpath", string),
	END,
};
static const struct compose_schema service_volumes_item_volume = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_volumes_item_volume_keys };

static const struct compose_schema_key service_volumes_item_tmpfs_keys[] = {
	KEY("size", integer_or_string),
	KEY("mode", number_or_string),
	END,
};
static const struct compose_schema service_volumes_item_tmpfs = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_volumes_item_tmpfs_keys };

static const struct compose_schema_key service_volumes_item_image_keys[] = {
	KEY("subpath", string),
	END,
};
static const struct compose_schema service_volumes_item_image = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_volumes_item_image_keys };

static const struct compose_schema_key service_volumes_item_keys[] = {
	REQUIRED_KEY("type", service_volumes_item_type),
	KEY("source", string),
	KEY("target", string),
	KEY("read_only", boolean_or_string),
	KEY("consistency", string),
	KEY("bind", service_volumes_item_bind),
	KEY("volume", service_volumes_item_volume),
	KEY("tmpfs", service_volumes_item_tmpfs),
	KEY("image", service_volumes_item_image),
	END,
};
static const struct compose_schema service_volumes_item = { .types = COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = service_volumes_item_keys };

static const struct compose_schema service_volumes = { .types = COMPOSE_SCHEMA_ARRAY, .items = &service_volumes_item };

static const struct compose_schema_key service_keys[] = {
	KEY("develop", development),
	KEY("deploy", deployment),
	KEY("annotations", list_or_dict),
	KEY("attach", boolean_or_string),
	KEY("build", service_build),
	KEY("blkio_config", service_blkio_config),
	KEY("cap_add", list_of_strings),
	KEY("cap_drop", list_of_strings),
	KEY("cgroup", service_cgroup),
	KEY("cgroup_parent", string),
	KEY("command", command),
	KEY("configs", service_config_or_secret),
	KEY("container_name", string),
	KEY("cpu_count", integer_or_string),
	KEY("cpu_percent", integer_or_string),
	KEY("cpu_shares", number_or_string),
	KEY("cpu_quota", number_or_string),
	KEY("cpu_period", number_or_string),
	KEY("cpu_rt_period", number_or_string),
	KEY("cpu_rt_runtime", number_or_string),
	KEY("cpus", number_or_string),
	KEY("cpuset", string),
	KEY("credential_spec", service_credential_spec),
	KEY("depends_on", service_depends_on),
	KEY("device_cgroup_rules", list_of_strings),
	KEY("devices", service_devices),
	KEY("dns", string_or_list),
	KEY("dns_opt", list_of_strings),
	KEY("dns_search", string_or_list),
	KEY("domainname", string),
	KEY("entrypoint", command),
	KEY("env_file", env_file),
	KEY("label_file", string_or_list),
	KEY("environment", list_or_dict),
	KEY("expose", list_of_numbers_or_strings),
	KEY("extends", service_extends),
	KEY("provider", service_provider),
	KEY("external_links", list_of_strings),
	KEY("extra_hosts", extra_hosts),
	KEY("gpus", gpus),
	KEY("group_add", list_of_numbers_or_strings),
	KEY("healthcheck", healthcheck),
	KEY("hostname", string),
	KEY("image", string),
	KEY("init", boolean_or_string),
	KEY("ipc", string),
	KEY("isolation", string),
	KEY("labels", list_or_dict),
	KEY("links", list_of_strings),
	KEY("logging", service_logging),
	KEY("mac_address", string),
	KEY("mem_limit", number_or_string),
	KEY("mem_reservation", integer_or_string),
	KEY("mem_swappiness", integer_or_string),
	KEY("memswap_limit", number_or_string),
	KEY("network_mode", string),
	KEY("models", service_models),
	KEY("networks", service_networks),
	KEY("oom_kill_disable", boolean_or_string),
	KEY("oom_score_adj", integer_or_string),
	KEY("pid", null_or_string),
	KEY("pids_limit", number_or_string),
	KEY("platform", string),
	KEY("ports", service_ports),
	KEY("post_start", service_hooks),
	KEY("pre_stop", service_hooks),
	KEY("privileged", boolean_or_string),
	KEY("profiles", list_of_strings),
	KEY("pull_policy", string),
	KEY("pull_refresh_after", string),
	KEY("read_only", boolean_or_string),
	KEY("restart", string),
	KEY("runtime", string),
	KEY("scale", integer_or_string),
	KEY("security_opt", list_of_strings),
	KEY("shm_size", number_or_string),
	KEY("secrets", service_config_or_secret),
	KEY("sysctls", list_or_dict),
	KEY("stdin_open", boolean_or_string),
	KEY("stop_grace_period", string),
	KEY("stop_signal", string),
	KEY("storage_opt", any_mapping),
	KEY("tmpfs", string_or_list),
	KEY("tty", boolean_or_string),
	KEY("ulimits", ulimits),
	KEY("use_api_socket", boolean),
	KEY("user", string),
	KEY("uts", string),
	KEY("userns_mode", string),
	KEY("volumes", service_volumes),
	KEY("volumes_from", list_of_strings),
	KEY("working_dir", string),
	END,
};
static const struct compose_schema service = { .types = COMPOSE_SCHEMA_OBJECT, .keys = service_keys };

static const struct compose_schema compose_file_services = { .types = COMPOSE_SCHEMA_OBJECT, .values = &service };

static const struct compose_schema integer = { .types = COMPOSE_SCHEMA_INTEGER };

static const struct compose_schema_key model_keys[] = {
	KEY("name", string),
	REQUIRED_KEY("model", string),
	KEY("context_size", integer),
	KEY("runtime_flags", list_of_strings),
	END,
};
static const struct compose_schema model = { .types = COMPOSE_SCHEMA_OBJECT, .keys = model_keys };

static const struct compose_schema compose_file_models = { .types = COMPOSE_SCHEMA_OBJECT, .values = &model };

static const struct compose_schema map_of_strings = { .types = COMPOSE_SCHEMA_OBJECT, .values = &string };

static const struct compose_schema_key network_ipam_config_item_keys[] = {
	KEY("subnet", string),
	KEY("ip_range", string),
	KEY("gateway", string),
	KEY("aux_addresses", map_of_strings),
	END,
};
static const struct compose_schema network_ipam_config_item = { .types = COMPOSE_SCHEMA_OBJECT, .keys = network_ipam_config_item_keys };

static const struct compose_schema network_ipam_config = { .types = COMPOSE_SCHEMA_ARRAY, .items = &network_ipam_config_item };

static const struct compose_schema_key network_ipam_keys[] = {
	KEY("driver", string),
	KEY("config", network_ipam_config),
	KEY("options", map_of_strings),
	END,
};
static const struct compose_schema network_ipam = { .types = COMPOSE_SCHEMA_OBJECT, .keys = network_ipam_keys };

static const struct compose_schema_key external_keys[] = {
	KEY("name", string),
	END,
};
static const struct compose_schema external = { .types = COMPOSE_SCHEMA_BOOLEAN | COMPOSE_SCHEMA_STRING | COMPOSE_SCHEMA_OBJECT, .keys = external_keys };

static const struct compose_schema_key network_keys[] = {
	KEY("name", string),
	KEY("driver", string),
	KEY("driver_opts", driver_opts),
	KEY("ipam", network_ipam),
	KEY("external", external),
	KEY("internal", boolean_or_string),
	KEY("enable_ipv4", boolean_or_string),
	KEY("enable_ipv6", boolean_or_string),
	KEY("attachable", boolean_or_string),
	KEY("labels", list_or_dict),
	END,
};
static const struct compose_schema network = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_OBJECT, .keys = network_keys };

static const struct compose_schema compose_file_networks = { .types = COMPOSE_SCHEMA_OBJECT, .values = &network };

static const struct compose_schema_key volume_keys[] = {
	KEY("name", string),
	KEY("driver", string),
	KEY("driver_opts", driver_opts),
	KEY("external", external),
	KEY("labels", list_or_dict),
	END,
};
static const struct compose_schema volume = { .types = COMPOSE_SCHEMA_NULL | COMPOSE_SCHEMA_OBJECT, .keys = volume_keys };

static const struct compose_schema compose_file_volumes = { .types = COMPOSE_SCHEMA_OBJECT, .values = &volume };

static const struct compose_schema_key secret_keys[] = {
	KEY("name", string),
	KEY("environment", string),
	KEY("file", string),
	KEY("external", external),
	KEY("labels", list_or_dict),
	KEY("driver", string),
	KEY("driver_opts", driver_opts),
	KEY("template_driver", string),
	END,
};
static const struct compose_schema secret = { .types = COMPOSE_SCHEMA_OBJECT, .keys = secret_keys };

static const struct compose_schema compose_file_secrets = { .types = COMPOSE_SCHEMA_OBJECT, .values = &secret };

static const struct compose_schema_key config_keys[] = {
	KEY("name", string),
	KEY("content", string),
	KEY("environment", string),
	KEY("file", string),
	KEY("external", external),
	KEY("labels", list_or_dict),
	KEY("template_driver", string),
	END,
};
static const struct compose_schema config = { .types = COMPOSE_SCHEMA_OBJECT, .keys = config_keys };

static const struct compose_schema compose_file_configs = { .types = COMPOSE_SCHEMA_OBJECT, .values = &config };

static const struct compose_schema_key compose_file_keys[] = {
	KEY("version", string),
	KEY("name", string),
	KEY("include", compose_file_include),
	KEY("services", compose_file_services),
	KEY("models", compose_file_models),
	KEY("networks", compose_file_networks),
	KEY("volumes", compose_file_volumes),
	KEY("secrets", compose_file_secrets),
	KEY("configs", compose_file_configs),
	END,
};
const struct compose_schema compose_file_schema = { .types = COMPOSE_SCHEMA_OBJECT, .keys = compose_file_keys };
