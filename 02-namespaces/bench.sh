# bench.sh (02-namespaces) - starting a container: `tinydock run` next to runc on the same rootfs.
#
# Every side starts /bin/true in new PID, mount, UTS, IPC and network namespaces (loopback up),
# with /proc, /sys, /dev (devpts, shm, mqueue), masked and read-only /proc paths, a cgroup and
# pivot_root, waits for it, and removes what it made. runc gets OCI bundles whose config.json
# is written here by hand (runtime-spec config.md), with its state in our temp folder. What
# differs, and each row says it: tinydock also mounts an overlay over the rootfs (runc binds it
# as it is), records the container and removes the record (--rm), runs its own init in front of
# the command, and by default installs a seccomp filter; runc's configs have no seccomp profile
# (that would be Docker's JSON), so the like-with-like row runs tinydock with
# --security-opt seccomp=unconfined.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench-run.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 711 "$dir" # root in a user namespace (uid 100000 outside) must pass through to the rootfs
rootfs=$dir/rootfs
"$TINYDOCK" rootfs "$rootfs" >/dev/null || { failed_row "run --network none /bin/true" "tinydock rootfs failed"; exit 0; }

ours() { "$TINYDOCK" run --rm --rootfs "$rootfs" --network none /bin/true; }
ours_unconfined() { "$TINYDOCK" run --rm --rootfs "$rootfs" --network none --security-opt seccomp=unconfined /bin/true; }
ours_userns() { "$TINYDOCK" run --rm --userns --rootfs "$rootfs" --network none /bin/true; }

# bundle DIR [USERNS_JSON]: an OCI bundle at DIR for /bin/true on our rootfs, with Docker's
# default capabilities; USERNS_JSON adds a user namespace and its id maps.
bundle() {
  local caps='"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID",
        "CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"'
  mkdir -p "$1"
  cat > "$1/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": ["/bin/true"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    "cwd": "/",
    "capabilities": { "bounding": [$caps], "effective": [$caps], "permitted": [$caps] },
    "noNewPrivileges": true
  },
  "root": { "path": "$rootfs", "readonly": false },
  "hostname": "bench",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"] }
  ],
  "linux": {
    "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" }${2:+, { \"type\": \"user\" \}} ],
    ${2:+$2,}
    "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
  }
}
JSON
}
# tinydock --userns's maps: 0-65535 inside are 100000-165535 outside.
bundle "$dir/plain"
bundle "$dir/userns" '"uidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],
    "gidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ]'
theirs() { runc --root "$dir/state" run --bundle "$dir/plain" "tinydock-bench-$$"; }
theirs_userns() { runc --root "$dir/state" run --bundle "$dir/userns" "tinydock-bench-$$"; }
peer=theirs peer_userns=theirs_userns
if ! have runc || [[ $(id -u) != 0 ]]; then peer=- peer_userns=-; fi

time_sides "$(rounds 200)" "$(warmup 5)" ours ours_unconfined ours_userns $peer $peer_userns
time_row "run --rm --network none, seccomp=unconfined" ours_unconfined "runc run: bind root, no seccomp" $peer
time_row "run --rm --network none (seccomp filter)" ours "runc run: bind root, no seccomp (less)" $peer
time_row "run --rm --userns --network none" ours_userns "runc run: bind root, userns, same maps" $peer_userns
