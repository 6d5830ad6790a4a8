# bench.sh (02-namespaces) - starting a container: `tinydock run` next to runc on the same rootfs.
#
# Both start /bin/true in new PID, mount, UTS, IPC and network namespaces, with /proc, /sys, /dev
# (devpts, shm, mqueue), masked paths and pivot_root, and wait for it. runc gets an OCI bundle
# whose config.json is written here by hand (runtime-spec config.md), with its state in our temp
# folder. tinydock's figure includes its seccomp filter and capability drop; runc's config has
# capabilities but no seccomp profile (that would be Docker's JSON), so runc does slightly less.
source tests/bench-lib.sh
dir=$(mktemp -d /tmp/tinydock-bench-run.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$TINYDOCK" rootfs "$dir/bundle/rootfs" >/dev/null || exit 1

ours=$(median_ms 200 "$TINYDOCK" run --rootfs "$dir/bundle/rootfs" --network none /bin/true)
ours_userns=$(median_ms 100 "$TINYDOCK" run --userns --rootfs "$dir/bundle/rootfs" --network none /bin/true)

theirs=-
if have runc && [[ $(id -u) == 0 ]]; then
  caps='"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID",
        "CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"'
  cat > "$dir/bundle/config.json" <<JSON
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
  "root": { "path": "rootfs", "readonly": false },
  "hostname": "bench",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"] }
  ],
  "linux": {
    "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ],
    "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
  }
}
JSON
  run_runc() { runc --root "$dir/state" run --bundle "$dir/bundle" "tinydock-bench-$$"; }
  if run_runc >/dev/null 2>&1; then
    theirs=$(median_ms 200 run_runc)
  else
    echo "(02-namespaces: runc could not run the bundle: $(run_runc 2>&1 | tail -1))"
  fi
fi
row "run --network none /bin/true" "$ours" "runc run" "$theirs" ms
row "run --userns --network none /bin/true" "$ours_userns" "runc run (no userns)" "$theirs" ms
