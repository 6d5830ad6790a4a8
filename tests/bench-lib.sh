# bench-lib.sh - shared by the chapters' bench.sh scripts (sourced, not run).
#
# Every figure is the median of repeated runs, measured in the same run as its peer, so that
# the ratio means something on this machine today. Benchmarks report; they never fail a build.
#
#   median_ms RUNS COMMAND [ARGS...]   median wall time of COMMAND in milliseconds (3 decimals)
#   row WHAT TINYDOCK_FIGURE PEER PEER_FIGURE UNIT   one table row, with the ratio peer/tinydock
#                                      (for times: >1 means tinydock is faster)
#   rate_row WHAT TINYDOCK_FIGURE PEER PEER_FIGURE UNIT   the same for rates (MB/s): ratio tinydock/peer
#   have PROGRAM                       true when PROGRAM is installed

have() { command -v "$1" >/dev/null 2>&1; }

now_ns() { date +%s%N; }

# With hyperfine installed (Debian: hyperfine) the command runs without a shell (-N) and with
# warm-up runs; without it, a plain loop (which adds the cost of `date` to each figure).
median_ms() {
  local runs=$1; shift
  if have hyperfine; then
    local json cmd
    json=$(mktemp /tmp/tinydock-bench.XXXXXX.json)
    printf -v cmd '%q ' "$@"
    if hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" "$cmd" >/dev/null 2>&1; then
      awk -F': ' '/"median"/ { gsub(/,/, "", $2); printf "%.3f\n", $2 * 1000; exit }' "$json"
      rm -f "$json"
      return
    fi
    rm -f "$json"
  fi
  local times=() i start end
  for ((i = 0; i < runs; i++)); do
    start=$(now_ns)
    "$@" >/dev/null 2>&1 </dev/null
    end=$(now_ns)
    times+=($(( end - start )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f\n", m / 1e6 }'
}

row() {
  local what=$1 ours=$2 peer=$3 theirs=$4 unit=$5 ratio="-"
  if [[ $theirs != "-" && $ours != "-" ]]; then
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }')
  fi
  printf '%-44s %12s %-6s %-22s %12s %-6s %8s\n' "$what" "$ours" "$unit" "$peer" "$theirs" "$unit" "$ratio"
}

rate_row() {
  local what=$1 ours=$2 peer=$3 theirs=$4 unit=$5 ratio="-"
  if [[ $theirs != "-" && $ours != "-" ]]; then
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
  fi
  printf '%-44s %12s %-6s %-22s %12s %-6s %8s\n' "$what" "$ours" "$unit" "$peer" "$theirs" "$unit" "$ratio"
}
